"""The documented read endpoints, described once: a table the data functions are made from.

Everything here is copied from the API reference (``docs/API_REFERENCE.md``): the
paths, the key that holds a page's records, the keys a list item is documented
to have (they become the frame's fixed columns, with these dtypes), and the
query parameters with their documented values and defaults.

Adding a list endpoint is one :class:`ListEndpoint` row here plus its public
functions in ``data.py``; a profile-like read is one :class:`ProfileEndpoint` row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from expertfile_nb._reads.query import Param

__all__ = [
    "EXPERTS",
    "EXPERT_PROFILE",
    "SPOTLIGHTS",
    "SPOTLIGHT_PATH",
    "STAFF",
    "STAFF_PROFILE",
    "UTC_SECONDS",
    "ListEndpoint",
    "ProfileEndpoint",
]

# The dtype of a column the service sends as Unix seconds: UTC datetimes in the frame.
UTC_SECONDS = "datetime64[ns, UTC]"


@dataclass(frozen=True)
class ListEndpoint:  # rows below give noun, path, list_key, record_key on one line
    """A paged list: ``{"data": {<list_key>: [...], "total": N, ...}, "success": true}``.

    Attributes:
        noun: what a record is, for messages (``"experts"``).
        path: the path, with ``{org}`` for the organization id.
        list_key: the key of ``data`` that holds the page's records.
        record_key: the key that identifies a record (verification compares it, type
            included: ``1`` and ``"1"`` are different records).
        columns: the documented item keys, flattened with ``.``, and their dtypes.
        params: the documented query parameters (paging aside).
    """

    noun: str
    path: str
    list_key: str
    record_key: str
    columns: Mapping[str, str]
    params: Mapping[str, Param]


@dataclass(frozen=True)
class ProfileEndpoint:
    """One person's profile: ``data`` maps each section to a list; each section is also
    readable alone under ``<path>/<section>`` (``data`` is then that list).

    Attributes:
        noun: what the profile is of, for messages.
        path: the path, with ``{org}`` and ``{username}``.
        sections: the documented sub-resources (the ``section=`` values).
    """

    noun: str
    path: str
    sections: tuple[str, ...]


_AVATAR = {f"avatar.{size}": "string" for size in ("small", "medium", "large", "original")}
_TEXT = Param("text")
_ARRAY = Param("array", default="all")
_PLAIN = Param("plain", default="all")  # documented as a plain string (no array example)
_FIELDS = Param("fields")
_SORT = Param("choice", ("name", "featured"), default="name")
_SEARCHFIELD = Param("text")  # "fullname" is the one value documented
_STATUS = Param("choice", ("published", "unpublished", "all"), default="all")

# API reference §3.1, Get All Experts (DOC-SL).
EXPERTS = ListEndpoint(
    *("experts", "/v2/organization/{org}/expert", "experts", "username"),
    columns={
        "username": "string",
        "corporation": "string",  # the sample holds "mycorporation": a string
        "topics": "object",  # [{"title": …}] becomes a list of titles
        "tagline": "string",
        **_AVATAR,
    },
    params={
        "q": _TEXT,
        "access": Param("choice", ("public", "private", "all"), default="public"),
        "status": _STATUS,
        "countries": _ARRAY,
        "topics": _ARRAY,
        "industries": _ARRAY,
        "categories": _ARRAY,
        "tags": _ARRAY,
        "companies": _PLAIN,
        "fields": _FIELDS,
        "sort": _SORT,
        "searchfield": _SEARCHFIELD,
    },
)

# API reference §4.1, Get All Employees (DOC-SL): staff users and experts, under "staff".
STAFF = ListEndpoint(
    *("staff", "/v2/organization/{org}/employee", "staff", "username"),
    columns={"username": "string", "corporation": "string", "tagline": "string", **_AVATAR},
    params={
        "q": _TEXT,
        "access": Param("choice", ("public", "private"), default="public"),
        "countries": _PLAIN,
        "companies": _PLAIN,
        "fields": _FIELDS,
        "sort": _SORT,
        "searchfield": _SEARCHFIELD,
    },
)

# API reference §5.1, Get All Spotlights (DOC-SL). Timestamps are Unix seconds.
SPOTLIGHTS = ListEndpoint(
    *("spotlights", "/v2/spotlight/{org}/search", "spotlights", "id"),
    columns={
        "spotlight_title": "string",
        "tags": "object",
        "tagged_experts": "object",
        "created_date": UTC_SECONDS,
        "modified_date": UTC_SECONDS,
        "published_date": UTC_SECONDS,
        "corporation_id": "Int64",
        "assets": "object",
        "id": "Int64",
        "published": "Int64",  # 1 or 0
        "year": "string",
        "year-month": "string",
    },
    params={
        "q": _TEXT,
        "status": _STATUS,
        "tags": _ARRAY,
        "tagged": _ARRAY,
        "month": Param("period", default="all"),
        "year": Param("period", default="all"),
    },
)

# API reference §3.2 and §3.4: the profile, and its sub-resources (DOC-SL paths).
EXPERT_PROFILE = ProfileEndpoint(
    noun="expert",
    path="/v2/organization/{org}/expert/{username}",
    sections=(
        "biography", "tagline", "link", "sampletalk", "accomplishment", "affiliation",
        "eventappearance", "mediaappearance", "education", "testimonial", "patent",
        "researchgrant", "partnership", "course", "article", "researchfocus", "topic",
        "industry", "language", "fee", "availability", "social", "category", "tag",
        "media/youtube", "media/vimeo", "media/slideshare", "media/document", "media/photo",
        "media/video", "cv",
    ),
)  # fmt: skip

# API reference §4.2 and §4.3: a staff member's profile and its sub-resources.
STAFF_PROFILE = ProfileEndpoint(
    noun="staff member",
    path="/v2/organization/{org}/staff/{username}",
    sections=("biography", "tagline", "link", "education", "language", "category", "tag"),
)

# API reference §5.2: data.spotlight is a one-element list.
SPOTLIGHT_PATH = "/v2/spotlight/{org}/{id}"
