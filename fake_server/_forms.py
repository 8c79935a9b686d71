"""What each documented write takes, and reading a write's body into checked values.

The fields, flags, sections and inquiry forms of API_REFERENCE §3.3, §3.4, §4.3 and §6;
:func:`read_form` reads a form (or JSON, ``write_json``) body; a bad value answers 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request

from fake_server._query import BadRequest

__all__ = [
    "WRITE_METHODS",
    "AccomplishmentDate",
    "NewUsername",
    "SectionPostAnswer",
    "StaffDeleteOfExpert",
    "WriteJson",
    "WriteValidation",
]


WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
WriteValidation = Literal["strict", "lenient"]
WriteJson = Literal["accept", "refuse"]
AccomplishmentDate = Literal["start", "both"]
SectionPostAnswer = Literal["as_guessed", "id_null"]
NewUsername = Literal["name", "numbered"]
StaffDeleteOfExpert = Literal["delete", "404"]

_PERSON_FIELDS = (
    "firstname",
    "lastname",
    "job_title",
    "email",
    "company",
    "department",
    "phone_number",
    "phone_number_extension",
    "location_city",
    "location_state",
    "location_country",
    "location_postal",
    "location_address",
    "location_building",
    "location_room",
)
_PERSON_REQUIRED = ("firstname", "lastname", "job_title", "email", "company")
_FLAGS = ("is_private", "is_published")
_ONE_ZERO = ("1", "0")
# the 11 fields the create sample echoes; INFERRED: each field sent is echoed
_AVAIL = tuple(
    f"availability_{n}"
    for n in (
        "keynote",
        "moderator",
        "panelist",
        "workshop",
        "host_mc",
        "appearance",
        "corptraining",
    )
)


@dataclass(frozen=True)
class _Section:
    """One section's write rules: create fields (required first), renames, enums, kinds."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    rename: dict[str, str] = field(default_factory=dict)  # body field -> item key
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ints: tuple[str, ...] = ()  # whole numbers
    ops: str = "cud"  # c create, u update, d delete

    @property
    def single(self) -> bool:
        return self.ops == "c"


_DATES = ("date",)
SECTIONS: dict[str, _Section] = {
    "biography": _Section(optional=("description",), rename={"description": "biography"}, ops="c"),
    "tagline": _Section(optional=("tagline",), ops="c"),
    "link": _Section(("name", "url")),
    "sampletalk": _Section(("title", "description")),
    "accomplishment": _Section(
        ("title", "description"),
        ("type", "date"),
        rename={"date": "start"},
        values={"type": ("71", "73")},
        ints=("type", "date"),
    ),
    "affiliation": _Section(("name",)),
    "eventappearance": _Section(("title", "event_name"), ("location", "date"), ints=_DATES),
    "mediaappearance": _Section(
        ("title", "organization", "details"),
        ("type", "url", "date"),
        values={"type": ("print", "online", "tv", "radio")},
        ints=_DATES,
    ),
    "education": _Section(("institution", "degree"), ("major", "description", "date"), ints=_DATES),
    "testimonial": _Section(("name", "title", "company", "recommendation"), ("url",)),
    "patent": _Section(("number", "title", "detail"), ("date", "url"), ints=_DATES),
    "researchgrant": _Section(
        ("organization", "title", "detail"),
        ("date", "url", "amount"),
        rename={"detail": "details"},
        ints=_DATES,
    ),
    "partnership": _Section(
        ("title", "individual", "details"), ("date", "url", "organization"), ints=_DATES
    ),
    "course": _Section(("title", "details"), ("url",)),
    "article": _Section(("title", "publisher", "details"), ("url", "authors")),
    # DOC-SL's Add Research Focus lists subtitle as optional (its row reads "sub`title`")
    "researchfocus": _Section(("title", "details"), ("url", "date", "subtitle"), ints=_DATES),
    "topic": _Section(("name",), ops="cd"),
    "industry": _Section(("name",), ops="cd"),
    "language": _Section(("name",)),
    "fee": _Section(("fee_min", "fee_max"), ints=("fee_min", "fee_max"), ops="c"),
    "availability": _Section(
        optional=_AVAIL, values=dict.fromkeys(_AVAIL, _ONE_ZERO), ints=_AVAIL, ops="c"
    ),
    "social": _Section(
        optional=(
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
        ops="c",
    ),
    "category": _Section(("name",), ops="cd"),
    "tag": _Section(("name",), rename={"name": "tag"}, ops="cd"),
}
#: the single sections whose POST samples (expert and staff, DOC-SL) have no "success"
_POSTS_SAMPLED_WITHOUT_SUCCESS = frozenset({"biography", "tagline"})
_STAFF_OPS = {
    "biography": "c",
    "tagline": "c",
    "link": "cud",
    "education": "cud",
    "language": "cud",
    "category": "cd",
    "tag": "cd",
}
_INQUIRY_COMMON = (
    "firstname",
    "lastname",
    "email",
    "message",
    "location_city",
    "location_state",
    "location_country",
    "username",
)
#: DOC-SL §Helper > State/Province: an inquiry's location_state must be one of these codes
#: when its location_country is CA or US (as listed: upper case; NF, not NL)
STATES: dict[str, frozenset[str]] = {
    "CA": frozenset({
        "BC", "ON", "NF", "NS", "PE", "NU", "NB", "QC", "MB", "SK", "AB", "NT", "YT",
    }),
    "US": frozenset({
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
        "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
        "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    }),
}  # fmt: skip
_INQUIRIES: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "general": ((), {}),
    "event": (("event_name", "event_location", "event_date", "event_description"), {}),
    "media": (
        ("media_position", "media_type", "media_deadline"),
        {
            "media_position": ("reporter", "editor", "news_director", "researcher", "other"),
            "media_type": ("print", "online", "tv", "radio"),
        },
    ),
    "partnership": (
        ("partner_organization_type", "partner_focus"),
        {
            "partner_organization_type": (
                "corporate",
                "government",
                "ngo",
                "not_for_profit",
                "other",
            ),
            "partner_focus": (
                "business_development",
                "corporate",
                "fundraising",
                "licensing",
                "research",
                "sponsorship",
                "technology",
                "other",
            ),
        },
    ),
    "admission": (
        ("admission_type", "admission_program_name", "admission_faculty"),
        {"admission_type": ("undergraduate", "graduate")},
    ),
    "research": (
        ("research_area", "research_stage_in_process"),
        {"research_stage_in_process": ("collaboration", "funding", "partnership", "other")},
    ),
    "business": (
        ("business_opportunity_type",),
        {
            "business_opportunity_type": (
                "consulting_engagement",
                "new_ventures/partnerships",
                "business_deals",
                "corporate_training",
            )
        },
    ),
    "donor": (
        ("donor_type", "donor_focus"),
        {
            "donor_type": ("corporate", "government", "ngo", "not_for_profit", "other"),
            "donor_focus": ("one_time_gift", "recurring_gift", "endowments", "bequests", "other"),
        },
    ),
    "expertwitness": (
        ("expertwitness_stage_in_process", "expertwitness_organization_type"),
        {
            "expertwitness_stage_in_process": (
                "investigation",
                "in_litigation",
                "approaching_trial",
                "other",
            ),
            "expertwitness_organization_type": (
                "legal_firm",
                "corporate_legal_department",
                "insurance_provider",
                "government_agency",
                "legal_nurse_consultant",
                "other",
            ),
        },
    ),
}
_INT_KEYS = frozenset(
    {"id", "date", "start", "end", "fee_min", "fee_max", "content_tag_id", "corporation_id"}
    | set(_AVAIL)
    | {"availability_open", "gener", "is_published"}
)


def read_form(request: Request, *, json_body: bool = True) -> dict[str, str]:
    """The write's body as text fields: form-encoded or (``json_body``) a JSON object.

    Raises:
        BadRequest: the body is neither, or a field is repeated or not a scalar.
    """
    raw: bytes = request.environ.get("fake_server.body", b"")
    mimetype = request.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    form: dict[str, str] = {}
    if not raw.strip():
        return form
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8 text") from None
    if mimetype == "application/json" or (not mimetype and text.lstrip().startswith("{")):
        if not json_body:
            raise BadRequest("send the fields as application/x-www-form-urlencoded, not JSON")
        try:
            data = json.loads(text)
        except ValueError:
            raise BadRequest("the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BadRequest("the JSON body must be an object of fields")
        for name, value in data.items():
            if isinstance(value, bool):
                form[name] = "1" if value else "0"
            elif isinstance(value, (str, int, float)) or value is None:
                form[name] = "" if value is None else str(value)
            else:
                raise BadRequest(f"field {name[:60]!r} must be text or a number")
        return form
    if mimetype not in ("application/x-www-form-urlencoded", ""):
        raise BadRequest("send the fields as application/x-www-form-urlencoded (or JSON)")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except ValueError:
        raise BadRequest("the body is not a readable form") from None
    for name, value in pairs:
        if name in form:
            raise BadRequest(f"field {name[:60]!r} is repeated")
        form[name] = value
    return form


_WHOLE = re.compile(r"-?[0-9]+")


def _check(
    form: dict[str, str],
    required: Iterable[str],
    values: dict[str, tuple[str, ...]],
    ints: Iterable[str],
    strict: bool,
) -> None:
    if not strict:
        return
    missing = [name for name in required if not form.get(name, "").strip()]
    if missing:
        raise BadRequest(f"missing required field(s): {', '.join(missing)}")
    for name, allowed in values.items():
        if name in form and form[name] not in allowed:
            raise BadRequest(
                f"field {name}: {form[name][:40]!r} is not one of {', '.join(allowed)}"
            )
    for name in ints:
        if form.get(name, "") != "" and not _WHOLE.fullmatch(form[name]):
            raise BadRequest(f"field {name}: {form[name][:40]!r} is not a whole number")


def _value(key: str, text: str) -> Any:
    if key in _INT_KEYS and _WHOLE.fullmatch(text or ""):
        return int(text)
    if key in _INT_KEYS and not text:
        return 0
    return text


def _default(key: str, section: str = "") -> Any:
    if key in _INT_KEYS or (key == "type" and section == "accomplishment"):
        return 0
    return ""


def _project(item: dict[str, Any], keys: Sequence[str], section: str = "") -> dict[str, Any]:
    return {k: item[k] if k in item else _default(k, section) for k in keys}


class _MethodNotAllowed(Exception):
    def __init__(self, section: str, with_id: bool, ops: str) -> None:
        allowed = {"c": "POST", "u": "PUT", "d": "DELETE"}
        methods = ["GET"]
        if with_id:
            methods += [allowed[o] for o in ops if o in "ud"]
        elif "c" in ops:
            methods.append("POST")
        self.allow = ", ".join(methods)
        super().__init__(f"this endpoint answers {self.allow} only")
