"""The ExpertFile service as its vendor documents it — written once, by hand.

Every shape here is copied from ``docs/API_REFERENCE.md`` (labels DOC-GB: the
vendor's current site; DOC-SL: its older, complete v2 reference), never from
``fake_server`` or from the client. Contract tests hold **both** sides to it:
the fake server's answers must have exactly these keys and types, and the
client must turn pages of exactly this shape into the right frames and dicts.

Notation: a shape is a Python type (``str``, ``int``, ``bool``, ``list``,
``dict``), a dict of key → shape (an object with exactly those keys), or a
one-element list ``[shape]`` (an array whose items have that shape). ``ANY_ITEMS``
is an array whose item shape the documents do not give.

Where the current site and the older reference differ, the current site wins
(noted beside the shape).
"""

from __future__ import annotations

from typing import Any

ANY_ITEMS: list[Any] = []  # an array; the documents show no item
Shape = Any


class Nullable:
    """A value of ``shape``, or ``null`` (the vendor's sample shows ``null`` here)."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def __repr__(self) -> str:
        return f"Nullable({self.shape!r})"


class OneOf:
    """Any one of ``shapes``: the two vendor documents disagree (``labels`` says which is which)."""

    def __init__(self, *shapes: Shape, labels: tuple[str, ...] = ()) -> None:
        self.shapes = shapes
        self.labels = labels

    def __repr__(self) -> str:
        return f"OneOf({', '.join(self.labels)})"


AVATAR: Shape = {"small": str, "medium": str, "large": str, "original": str}

# -- token (DOC-GB, the vendor's Authentication page) ---------------------------------
TOKEN_PATH = "/v2/oauth/token"
TOKEN_FORM = ("client_id", "client_secret", "grant_type")
TOKEN_DATA: Shape = {
    "accessToken": str,
    "accessTokenExpiresAt": str,  # ISO-8601 with milliseconds and Z
    "client": str,
    "user": int,  # the organization id, {org} in every data path (INFERRED equal)
    "scope": bool,
}
TOKEN_LIFETIME_DAYS = 30


class ListEndpoint:
    """A documented list endpoint: where it is, what it takes, what one page holds."""

    def __init__(
        self,
        name: str,
        path: str,
        list_key: str,
        item: Shape,
        data: Shape,
        params: dict[str, tuple[str | None, tuple[str, ...] | None]],
        array_params: tuple[str, ...],
        timestamps: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.path = path  # with {org}
        self.list_key = list_key
        self.item = item
        self.data = data
        # name -> (documented default or None, allowed values or None for free text)
        self.params = params
        self.array_params = array_params  # sent as JSON-array text, e.g. ["CA","US"]
        self.timestamps = timestamps  # item keys in Unix seconds

    def __repr__(self) -> str:
        return f"ListEndpoint({self.name!r})"


PAGING: dict[str, tuple[str | None, tuple[str, ...] | None]] = {
    "page_size": ("10", None),  # DOC-SL default 10; maximum: GAP
    "page_from": ("0", None),  # DOC-SL default 0; meaning: GAP (offset assumed)
}

# DOC-SL §Experts > Get All Experts
EXPERTS = ListEndpoint(
    "experts",
    "/v2/organization/{org}/expert",
    "experts",
    item={
        "username": str,
        "corporation": str,  # "mycorporation" in the sample: a string
        "topics": [{"title": str}],
        "tagline": str,
        "avatar": AVATAR,
    },
    data={"experts": list, "total": int, "aggregations": dict},
    params={
        "q": (None, None),
        "access": ("public", ("public", "private", "all")),
        "status": ("all", ("published", "unpublished", "all")),
        **PAGING,
        "countries": ("all", None),
        "topics": ("all", None),
        "industries": ("all", None),
        "categories": ("all", None),
        "tags": ("all", None),
        "companies": ("all", None),  # a plain string: no array example is documented
        "fields": (None, None),
        "sort": ("name", ("name", "featured")),
        "searchfield": (None, ("fullname",)),  # "fullname to query only name field"
    },
    array_params=("countries", "topics", "industries", "categories", "tags", "fields"),
)

# DOC-SL §Staff > Get All Employees (returns staff users and experts)
STAFF = ListEndpoint(
    "staff",
    "/v2/organization/{org}/employee",
    "staff",
    item={"username": str, "corporation": str, "tagline": str, "avatar": AVATAR},
    data={"staff": list, "total": int},  # no aggregations in the sample
    params={
        "q": (None, None),
        "access": ("public", ("public", "private")),
        **PAGING,
        "countries": (None, None),  # undescribed: the fake reads it as the experts' (a guess)
        "companies": (None, None),  # undescribed
        "fields": (None, None),  # undescribed: the fake reads it as the experts' (a guess)
        "sort": ("name", ("name", "featured")),
        "searchfield": (None, ("fullname",)),
    },
    array_params=(),  # none documented as an array here
)

# DOC-SL §Spotlights > Get All Spotlights (note the path: /v2/spotlight/{org}/search)
SPOTLIGHTS = ListEndpoint(
    "spotlights",
    "/v2/spotlight/{org}/search",
    "spotlights",
    item={
        "spotlight_title": str,
        "tags": ANY_ITEMS,
        "tagged_experts": ANY_ITEMS,
        "created_date": int,
        "modified_date": int,
        "published_date": int,
        "corporation_id": int,
        "assets": ANY_ITEMS,
        "id": int,
        "published": int,  # 1/0
        "year": str,
        "year-month": str,
    },
    data={
        "spotlights": list,
        "aggregations": {"year": dict, "tagged_experts": list, "tags": list},
        "total": int,
    },
    params={
        "q": (None, None),
        "status": ("all", ("published", "unpublished", "all")),
        **PAGING,
        "tags": ("all", None),
        "tagged": ("all", None),
        "month": ("all", None),  # a string; its format is not given
        "year": ("all", None),
    },
    array_params=("tags", "tagged"),
    timestamps=("created_date", "modified_date", "published_date"),
)

LIST_ENDPOINTS = (EXPERTS, STAFF, SPOTLIGHTS)

# -- return fields for `fields` (DOC-SL §Helper > Return Fields), 45 names --------------
RETURN_FIELDS = (
    "accomplishment", "accreditation", "address", "article", "avatar_large", "avatar_medium",
    "avatar_original", "avatar_small", "book", "building", "city", "company", "corporation_id",
    "corporation_logo", "corporation_name", "corporation_username", "country", "course",
    "department", "description", "email", "event_appearance", "firstname", "fullname",
    "industry", "jobtitle", "lastname", "media_appearance", "patent", "phone_number",
    "phone_number_extension", "postal", "research_focus", "research_grant", "room",
    "slideshare", "spotlight", "state", "tagline", "talk", "testimonial", "topic", "username",
    "vimeo", "youtube",
)  # fmt: skip

# -- one expert's profile: GET /v2/organization/{org}/expert/{username} (DOC-SL §3.2) ---
# Every section is an array. Where the sample shows [] the item keys come from the
# section's own sub-resource (§3.4); ANY_ITEMS where no source gives them.
CORPORATION_PROFILE: Shape = {
    "id": int,
    "name": str,
    "user_name": str,
    "description": str,
    "location_country": str,
    "location_state": str,
    "location_city": str,
    "location_postal": str,
    "location_address": str,
    "website": str,
    "private_username": str,
}
EXPERT_PROFILE: dict[str, Shape] = {
    "accomplishment": [
        {"id": int, "title": str, "description": str, "start": int, "end": int, "type": int}
    ],
    "account": [
        {
            "id": int,
            "firstname": str,
            "lastname": str,
            "corporation_id": int,
            "job_title": str,
            "gener": int,  # sic, as documented
            "location_city": str,
            "location_state": str,
            "location_country": str,
            "location_postal": str,
            "location_address": str,
            "email": str,
            "company": str,
            "phone_number": str,
            "username": str,
        }
    ],
    "affiliation": [{"id": int, "name": str, "notes": str, "link": str}],
    "article": [
        {
            "id": int,
            "title": str,
            "publisher": str,
            "details": str,
            "date": int,
            "url": str,
            "authors": str,
        }
    ],
    "assessment": ANY_ITEMS,
    "availability": [
        {
            "availability_keynote": int,
            "availability_moderator": int,
            "availability_panelist": int,
            "availability_workshop": int,
            "availability_host_mc": int,
            "availability_appearance": int,
            "availability_corptraining": int,
            "availability_open": int,
        }
    ],
    "book": ANY_ITEMS,
    "biography": [{"biography": str}],
    "course": [{"id": int, "title": str, "details": str, "url": str}],
    "corporationProfile": [CORPORATION_PROFILE],
    "corporationSocial": [{"twitter": str, "facebook": str, "linkedin": str, "gplus": str}],
    "eventAppearance": [
        {
            "id": int,
            "title": str,
            "event_name": str,
            "location": str,
            "date": int,
            "time_zone": str,
            "time": str,
        }
    ],
    "education": [
        {
            "id": int,
            "institution": str,
            "degree": str,
            "description": str,
            "major": str,
            "date": int,  # a year, e.g. 1998
        }
    ],
    "document": [{"id": int, "title": str, "url": str}],
    "video": [{"id": int, "title": str, "url": str}],
    "language": [{"id": int, "name": str}],
    "partnership": [
        {
            "id": int,
            "title": str,
            "individual": str,
            "organization": str,
            "url": str,
            "details": str,
            "date": int,
        }
    ],
    "industry": [{"name": str, "id": str}],  # id is a string here ("1")
    "patents": [{"id": int, "title": str, "detail": str, "number": str, "date": int, "url": str}],
    "news": [
        {
            "spotlight_title": str,
            "spotlight_text": str,
            "news_title": str,
            "news_description": str,
            "news_date": int,
            "image_url": str,
            "news_id": int,
        }
    ],
}
# INFERRED (API_REFERENCE §3.2 notes): sections the 2017-2019 sample lacks but the staff
# profile and the sub-resources suggest. A server may add them; a client must not need them.
EXPERT_PROFILE_INFERRED = ("avatar", "tagline", "topic", "tag", "category", "link", "profiletype")

# -- one staff member: GET /v2/organization/{org}/staff/{username} ----------------------
# Section names as the current site (DOC-GB) gives them; item keys from DOC-SL §4.2.
STAFF_PROFILE: dict[str, Shape] = {
    "avatar": ANY_ITEMS,
    "account": [
        {
            "id": int,
            "firstname": str,
            "lastname": str,
            "corporation_id": int,
            "job_title": str,
            "location_city": str,
            "location_state": str,
            "location_country": str,
            "location_postal": str,
            "location_address": str,
            "location_building": str,
            "location_room": str,
            "email": str,
            "company": str,
            "department": str,
            "phone_number": str,
            "phone_number_extension": str,
            "username": str,
            "is_published": int,
        }
    ],
    "biography": [{"biography": str}],
    "category": ANY_ITEMS,
    "corporationprofile": [CORPORATION_PROFILE],  # DOC-GB lower case (DOC-SL corporationProfile)
    "education": ANY_ITEMS,
    "language": ANY_ITEMS,
    "link": ANY_ITEMS,
    "profiletype": ANY_ITEMS,  # DOC-GB only
    "tag": ANY_ITEMS,
    "tagline": [{"tagline": str}],
}

# -- expert profile sections as sub-resources (DOC-SL §3.4) -----------------------------
# GET /v2/organization/{org}/expert/{username}/{segment} -> data: [item, ...]
# GET .../{segment}/{id} -> data: [item] (a one-element list)
EXPERT_SECTIONS: dict[str, Shape] = {
    "biography": {"biography": str},
    "tagline": {"tagline": str},
    "link": {"id": int, "name": str, "url": str},
    "sampletalk": {"id": int, "title": str, "description": str},
    "accomplishment": EXPERT_PROFILE["accomplishment"][0],
    "affiliation": OneOf(
        {"id": int, "name": str},
        {"id": int, "name": str, "notes": str, "link": str},
        labels=("DOC-GB", "DOC-SL"),
    ),
    "eventappearance": {"id": int, "title": str, "event_name": str, "location": str, "date": int},
    "mediaappearance": {
        "id": int,
        "title": str,
        "organization": str,
        "type": str,
        "url": str,
        "details": str,
        "date": int,
        "cover_url": str,
        "large_cover_url": str,
        "cover_alt_title": str,
    },
    "education": EXPERT_PROFILE["education"][0],
    "testimonial": {
        "id": int,
        "name": str,
        "title": str,
        "email": str,
        "company": str,
        "url": str,
        "recommendation": str,
        "date": Nullable(int),  # null in both DOC-SL samples
    },
    "patent": EXPERT_PROFILE["patents"][0],
    "researchgrant": {
        "id": int,
        "title": str,
        "organization": str,
        "url": str,
        "details": str,
        "date": int,
        "amount": str,
    },
    "partnership": EXPERT_PROFILE["partnership"][0],
    "course": EXPERT_PROFILE["course"][0],
    "article": EXPERT_PROFILE["article"][0],
    "researchfocus": {
        "id": int,
        "title": str,
        "subtitle": str,
        "details": str,
        "date": Nullable(int),  # null in both DOC-SL samples
        "url": str,
        "cover_url": str,
        "large_cover_url": str,
        "cover_alt_title": Nullable(str),  # null in both DOC-SL samples
    },
    "topic": {"id": int, "name": str},
    "industry": {"id": int, "name": str},
    "language": {"id": int, "name": str},
    "fee": {"fee_min": int, "fee_max": int},
    "availability": EXPERT_PROFILE["availability"][0],
    "category": {"id": int, "name": str},
    "tag": OneOf(
        {"id": int, "content_tag_id": int, "tag": str},
        {"id": int, "name": str},
        labels=("DOC-GB", "DOC-SL"),
    ),
}
# sections without an id: GET .../{segment} only (one item, or none)
SECTIONS_WITHOUT_ID = ("biography", "tagline", "fee", "availability")

# -- the rest of DOC-SL §3.4: social, CV and the six media lists -------------------------
_YOUTUBE: Shape = {
    "id": int,
    "title": str,
    "description": str,
    "watch_page_url": str,
    "thumbnail_url": str,
    "flash_player_url": str,
    "video_id": str,
    "thumbnail_alt_title": Nullable(str),  # null in every DOC-SL media sample
}
MORE_EXPERT_SECTIONS: dict[str, Shape] = {
    # DOC-SL's sample is not usable ({ { "id" : null } }): no item shape is documented.
    # The POST body's eleven URL names are the fake's guess (setting guessed_items).
    "social": dict,  # an object, keys undocumented
    "cv": {"id": str, "url": str, "document_url": str},  # id is a string ("ID")
    "media/youtube": _YOUTUBE,
    "media/vimeo": {
        "id": int,
        "title": str,
        "description": str,
        "url": str,
        "external_id": str,
        "thumbnail_small": str,
        "thumbnail_alt_title": Nullable(str),
    },
    "media/slideshare": {
        "id": int,
        "title": str,
        "description": str,
        "url": str,
        "embed": str,
        "thumbnail_url": str,
        "external_id": str,
    },
    # DOC-SL copies the YouTube sample for these three (API_REFERENCE: unreliable)
    "media/document": _YOUTUBE,
    "media/photo": _YOUTUBE,
    "media/video": _YOUTUBE,
}
SECTIONS_WITHOUT_ID += ("social", "cv")
# DOC-SL §Staff: the staff sub-resources, with the experts' item shapes
STAFF_SECTIONS = ("biography", "tagline", "link", "education", "language", "category", "tag")

# DOC-SL §4.2: the staff profile as the older reference spells it
STAFF_PROFILE_SLATE: dict[str, Shape] = {
    ("corporationProfile" if k == "corporationprofile" else k): v
    for k, v in STAFF_PROFILE.items()
    if k != "profiletype"
}
STAFF_PROFILE_EITHER = OneOf(STAFF_PROFILE, STAFF_PROFILE_SLATE, labels=("DOC-GB", "DOC-SL"))

# -- one spotlight: GET /v2/spotlight/{org}/{id} (DOC-SL §5.2) --------------------------
SPOTLIGHT: Shape = {
    "id": int,
    "title": str,  # the list item says spotlight_title; the single read says title
    "corporation_id": int,
    "featured_image": str,
    "enabled": int,
    "published": int,
    "published_date": int,
    "created": int,
    "html": str,
    "reading_time": int,
    "tagged_experts": ANY_ITEMS,
    "tags": ANY_ITEMS,
}
SPOTLIGHT_DATA: Shape = {"spotlight": [SPOTLIGHT]}  # a one-element list


# -- checking a value against a shape ---------------------------------------------------
def mismatches(value: Any, shape: Shape, where: str = "data", *, exact: bool = True) -> list[str]:
    """Every way ``value`` differs from ``shape`` (empty: it conforms).

    Args:
        value: a decoded JSON value.
        shape: a shape in this module's notation.
        where: the path shown in the messages.
        exact: objects must have exactly the documented keys (``False``: at least them).
    """
    if isinstance(shape, Nullable):
        return [] if value is None else mismatches(value, shape.shape, where, exact=exact)
    if isinstance(shape, OneOf):
        tried = [mismatches(value, one, where, exact=exact) for one in shape.shapes]
        return [] if any(not problems for problems in tried) else min(tried, key=len)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        problems = [f"{where}: missing key {key!r}" for key in shape if key not in value]
        if exact:
            problems += [f"{where}: undocumented key {key!r}" for key in value if key not in shape]
        for key, sub in shape.items():
            if key in value:
                problems += mismatches(value[key], sub, f"{where}.{key}", exact=exact)
        return problems
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {type(value).__name__}"]
        if not shape:
            return []
        problems = []
        for index, item in enumerate(value):
            problems += mismatches(item, shape[0], f"{where}[{index}]", exact=exact)
        return problems
    if shape is int and (isinstance(value, bool) or not isinstance(value, int)):
        return [f"{where}: expected int, got {type(value).__name__} {value!r:.40}"]
    if shape is bool and not isinstance(value, bool):
        return [f"{where}: expected bool, got {type(value).__name__}"]
    if not isinstance(value, shape):
        return [f"{where}: expected {shape.__name__}, got {type(value).__name__} {value!r:.40}"]
    return []


# -- every documented read, by the vendor sample's name (tests/contract/vendor_samples.py) ---
#: the reads whose DOC-SL sample has no "success" key (every other sample has "success": true)
SUCCESS_OMITTED = frozenset(
    {
        "expert.biography",
        "expert.tagline",
        "expert.link.list",
        "expert.researchgrant.list",
        "expert.industry.get",
        "staff.biography",
        "staff.tagline",
        "staff.link.list",
    }
)


def _section_reads() -> dict[str, Shape]:
    shapes: dict[str, Shape] = {}
    for who, names in (
        ("expert", (*EXPERT_SECTIONS, *MORE_EXPERT_SECTIONS)),
        ("staff", STAFF_SECTIONS),
    ):
        for segment in names:
            item = {**EXPERT_SECTIONS, **MORE_EXPERT_SECTIONS}[segment]
            name = f"{who}.{segment.replace('/', '.')}"
            if segment in SECTIONS_WITHOUT_ID:
                shapes[name] = [item]
            else:
                shapes[name + ".list"] = [item]
                shapes[name + ".get"] = [item]  # a one-element list
    return shapes


#: name -> the documented shape of ``data`` (the whole answer for "token")
READ_SHAPES: dict[str, Shape] = {
    "token": TOKEN_DATA,
    "expert.list": EXPERTS.data | {"experts": [EXPERTS.item]},
    "expert.get": EXPERT_PROFILE,
    "staff.list": STAFF.data | {"staff": [STAFF.item]},
    "staff.get": STAFF_PROFILE_EITHER,
    "spotlight.list": SPOTLIGHTS.data | {"spotlights": [SPOTLIGHTS.item]},
    "spotlight.get": SPOTLIGHT_DATA,
    **_section_reads(),
}
#: item keys the vendor's samples show as null: (read names, key)
NULLABLE: tuple[tuple[str, str], ...] = (
    ("testimonial", "date"),
    ("researchfocus", "date"),
    ("researchfocus", "cover_alt_title"),
    *(
        (f"media.{m}", "thumbnail_alt_title")
        for m in ("youtube", "vimeo", "document", "photo", "video")
    ),
)
