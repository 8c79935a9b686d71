"""What each profile read documents: section names and item keys, per API_REFERENCE.

- ``EXPERT_SEGMENTS``: the sub-resources ``…/expert/{username}/{segment}`` (§3.4);
- ``EXPERT_PROFILE`` (+ ``INFERRED_EXPERT_SECTIONS``): ``…/expert/{username}`` (§3.2);
- ``STAFF_PROFILE``: ``…/staff/{username}``, the current site's names (§4.2);
- ``STAFF_SEGMENTS``: ``…/staff/{username}/{segment}`` (§4.3).

A layout maps a section name to ``(source, keys)``: the generated section the
items come from, and the documented keys they keep. Where the current site and
the older reference disagree on an item (tag, affiliation), the current site wins.
"""

from __future__ import annotations

__all__ = [
    "EXPERT_PROFILE",
    "EXPERT_SEGMENTS",
    "INFERRED_EXPERT_SECTIONS",
    "STAFF_PROFILE",
    "STAFF_SEGMENTS",
    "Layout",
]

Layout = dict[str, tuple[str, tuple[str, ...]]]

_AVAILABILITY = (
    "availability_keynote",
    "availability_moderator",
    "availability_panelist",
    "availability_workshop",
    "availability_host_mc",
    "availability_appearance",
    "availability_corptraining",
    "availability_open",
)
_CORPORATION_PROFILE = (
    "id",
    "name",
    "user_name",
    "description",
    "location_country",
    "location_state",
    "location_city",
    "location_postal",
    "location_address",
    "website",
    "private_username",
)
_YOUTUBE = (
    "id",
    "title",
    "description",
    "watch_page_url",
    "thumbnail_url",
    "flash_player_url",
    "video_id",
    "thumbnail_alt_title",
)

#: §3.4: sub-resource segment → the documented item keys.
EXPERT_SEGMENTS: dict[str, tuple[str, ...]] = {
    "biography": ("biography",),
    "tagline": ("tagline",),
    "link": ("id", "name", "url"),
    "sampletalk": ("id", "title", "description"),
    "accomplishment": ("id", "title", "description", "start", "end", "type"),
    "affiliation": ("id", "name"),  # the current site; Slate adds notes, link
    "eventappearance": ("id", "title", "event_name", "location", "date"),
    "mediaappearance": (
        "id",
        "title",
        "organization",
        "type",
        "url",
        "details",
        "date",
        "cover_url",
        "large_cover_url",
        "cover_alt_title",
    ),
    "education": ("id", "institution", "degree", "description", "major", "date"),
    "testimonial": ("id", "name", "title", "email", "company", "url", "recommendation", "date"),
    "patent": ("id", "title", "detail", "number", "date", "url"),
    "researchgrant": ("id", "title", "organization", "url", "details", "date", "amount"),
    "partnership": ("id", "title", "individual", "organization", "url", "details", "date"),
    "course": ("id", "title", "details", "url"),
    "article": ("id", "title", "publisher", "details", "date", "url", "authors"),
    "researchfocus": (
        "id",
        "title",
        "subtitle",
        "details",
        "date",
        "url",
        "cover_url",
        "large_cover_url",
        "cover_alt_title",
    ),
    "topic": ("id", "name"),
    "industry": ("id", "name"),
    "language": ("id", "name"),
    "fee": ("fee_min", "fee_max"),
    "availability": _AVAILABILITY,
    "social": (
        "twitter",
        "facebook",
        "linkedin",
        "gplus",
        "stackexchange",
        "github",
        "flickr",
        "pinterest",
        "instagram",
        "tumblr",
        "youtube",
    ),
    "category": ("id", "name"),
    "tag": ("id", "content_tag_id", "tag"),  # the current site; Slate: id, name
    "media/youtube": _YOUTUBE,
    "media/vimeo": (
        "id",
        "title",
        "description",
        "url",
        "external_id",
        "thumbnail_small",
        "thumbnail_alt_title",
    ),
    "media/slideshare": (
        "id",
        "title",
        "description",
        "url",
        "embed",
        "thumbnail_url",
        "external_id",
    ),
    "media/document": _YOUTUBE,
    "media/photo": _YOUTUBE,
    "media/video": _YOUTUBE,
    "cv": ("id", "url", "document_url"),
}

#: §4.3: the staff sub-resources (same item shapes as the experts').
STAFF_SEGMENTS = ("biography", "tagline", "link", "education", "language", "category", "tag")

_EXPERT_ACCOUNT = (
    "id",
    "firstname",
    "lastname",
    "corporation_id",
    "job_title",
    "gener",  # sic: the documents spell it so
    "location_city",
    "location_state",
    "location_country",
    "location_postal",
    "location_address",
    "email",
    "company",
    "phone_number",
    "username",
)
_STAFF_ACCOUNT = (
    "id",
    "firstname",
    "lastname",
    "corporation_id",
    "job_title",
    "location_city",
    "location_state",
    "location_country",
    "location_postal",
    "location_address",
    "location_building",
    "location_room",
    "email",
    "company",
    "department",
    "phone_number",
    "phone_number_extension",
    "username",
    "is_published",
)

#: §3.2: profile section → (the generator's segment, the documented item keys).
EXPERT_PROFILE: Layout = {
    "accomplishment": ("accomplishment", EXPERT_SEGMENTS["accomplishment"]),
    "account": ("account", _EXPERT_ACCOUNT),
    "affiliation": ("affiliation", ("id", "name", "notes", "link")),
    "article": ("article", EXPERT_SEGMENTS["article"]),
    "assessment": ("assessment", ()),
    "availability": ("availability", _AVAILABILITY),
    "book": ("book", ()),
    "biography": ("biography", ("biography",)),
    "course": ("course", EXPERT_SEGMENTS["course"]),
    "corporationProfile": ("corporationprofile", _CORPORATION_PROFILE),
    "corporationSocial": ("social", ("twitter", "facebook", "linkedin", "gplus")),
    "eventAppearance": (
        "eventappearance",
        ("id", "title", "event_name", "location", "date", "time_zone", "time"),
    ),
    "education": ("education", EXPERT_SEGMENTS["education"]),
    "document": ("media/document", ("id", "title", "url")),
    "video": ("media/video", ("id", "title", "url")),
    "language": ("language", ("id", "name")),
    "partnership": ("partnership", EXPERT_SEGMENTS["partnership"]),
    "industry": ("profile/industry", ("name", "id")),  # here the id is a string
    "patents": ("patent", EXPERT_SEGMENTS["patent"]),
    "news": (
        "news",
        (
            "spotlight_title",
            "spotlight_text",
            "news_title",
            "news_description",
            "news_date",
            "image_url",
            "news_id",
        ),
    ),
}
#: Sections §3.2 infers the real profile also carries (not in the documented sample).
INFERRED_EXPERT_SECTIONS: Layout = {
    "avatar": ("avatar", ("small", "medium", "large", "original")),
    "tagline": ("tagline", ("tagline",)),
    "topic": ("topic", ("id", "name")),
    "tag": ("tag", EXPERT_SEGMENTS["tag"]),
    "category": ("category", ("id", "name")),
    "link": ("link", ("id", "name", "url")),
    "profiletype": ("profiletype", ("id", "name")),
}
#: §4.2, the current site's section names, with the Slate item keys.
STAFF_PROFILE: Layout = {
    "avatar": ("avatar", ("small", "medium", "large", "original")),
    "account": ("account", _STAFF_ACCOUNT),
    "biography": ("biography", ("biography",)),
    "category": ("category", ("id", "name")),
    "corporationprofile": ("corporationprofile", _CORPORATION_PROFILE),
    "education": ("education", EXPERT_SEGMENTS["education"]),
    "language": ("language", ("id", "name")),
    "link": ("link", ("id", "name", "url")),
    "profiletype": ("profiletype", ("id", "name")),
    "tag": ("tag", EXPERT_SEGMENTS["tag"]),
    "tagline": ("tagline", ("tagline",)),
}
