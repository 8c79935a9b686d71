"""The documented writes, described once: a table the write functions are made from.

Copied from the API reference (``docs/API_REFERENCE.md`` §1, §3.3, §3.4, §4.3):
the paths, the form fields each write takes (required ones marked), the enums, and
the sections each person kind has with the operations each section allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "ACCOUNT_CREATE",
    "ACCOUNT_OPTIONAL",
    "ACCOUNT_REQUIRED",
    "ACCOUNT_UPDATE",
    "FLAG_FIELDS",
    "INQUIRIES",
    "INQUIRY_OPTIONAL",
    "INQUIRY_REQUIRED",
    "INTEGER_FIELDS",
    "KINDS",
    "READ_AS",
    "Kind",
    "PersonKind",
    "Section",
]

Kind = Literal["experts", "staff"]

# §3.3 / §4.3: create (the five required, then the optional ones); update adds two flags.
ACCOUNT_REQUIRED = ("firstname", "lastname", "job_title", "email", "company")
ACCOUNT_OPTIONAL = (
    "department", "phone_number", "phone_number_extension", "location_city",
    "location_state", "location_country", "location_postal", "location_address",
    "location_building", "location_room",
)  # fmt: skip
ACCOUNT_CREATE = ACCOUNT_REQUIRED + ACCOUNT_OPTIONAL
ACCOUNT_UPDATE = (*ACCOUNT_CREATE, "is_private", "is_published")
#: sent as 1/0 (a bool, 1/0 or "1"/"0" is accepted)
FLAG_FIELDS = frozenset(
    {
        "is_private", "is_published", "availability_keynote", "availability_moderator",
        "availability_panelist", "availability_workshop", "availability_host_mc",
        "availability_appearance", "availability_corptraining", "availability_open",
    }
)  # fmt: skip


#: sent as whole numbers: Unix seconds (``date`` is a year in education), ints
INTEGER_FIELDS = frozenset({"date", "fee_min", "fee_max", "event_date", "media_deadline"})

#: (section, body field) → the keys a read item may show it under (the documents differ)
READ_AS: dict[tuple[str, str], tuple[str, ...]] = {
    ("biography", "description"): ("biography",),
    ("tag", "name"): ("name", "tag"),  # Slate {id, name}; the current site {id, …, tag}
    ("researchgrant", "detail"): ("details",),  # sic: the body says detail
    ("accomplishment", "date"): ("start",),  # the item has start/end, not date
}


@dataclass(frozen=True)
class Section:
    """One profile section (sub-resource) and the writes it documents.

    Attributes:
        name: the path segment (``link``, ``education``, …).
        required: fields required on create.
        optional: other fields on create (and every field is optional on update).
        ops: the documented writes: ``add`` (POST), ``update`` (PUT ``/:id``),
            ``delete`` (DELETE ``/:id``).
        update_only: fields only an update takes.
        choices: documented values of enum fields.
    """

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    ops: frozenset[str] = frozenset({"add", "update", "delete"})
    update_only: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def single(self) -> bool:
        """A section set by a POST with no item id (biography, tagline, fee, …)."""
        return self.ops == frozenset({"add"})


_ADD = frozenset({"add"})
_ADD_DELETE = frozenset({"add", "delete"})
_AVAILABILITY = (
    "availability_keynote", "availability_moderator", "availability_panelist",
    "availability_workshop", "availability_host_mc", "availability_appearance",
    "availability_corptraining", "availability_open",
)  # fmt: skip
_SOCIAL = (
    "twitter", "facebook", "linkedin", "gplus", "stackexchange", "github", "flickr",
    "pinterest", "instagram", "tumblr", "youtube",
)  # fmt: skip

# §3.4, in the reference's order ("*" there = required here).
_SECTIONS = [
    Section("biography", (), ("description",), _ADD),
    Section("tagline", (), ("tagline",), _ADD),
    Section("link", ("name", "url")),
    Section("sampletalk", ("title", "description")),
    Section(
        "accomplishment", ("title", "description"), ("type", "date"),
        choices={"type": ("71", "73")},
    ),
    Section("affiliation", ("name",)),
    Section("eventappearance", ("title", "event_name"), ("location", "date")),
    Section(
        "mediaappearance", ("title", "organization", "details"), ("type", "url", "date"),
        choices={"type": ("print", "online", "tv", "radio")},
    ),
    Section("education", ("institution", "degree"), ("major", "description", "date")),
    Section("testimonial", ("name", "title", "company", "recommendation"), ("url",)),
    Section("patent", ("number", "title", "detail"), ("date", "url")),
    Section("researchgrant", ("organization", "title", "detail"), ("date", "url", "amount")),
    Section("partnership", ("title", "individual", "details"), ("date", "url", "organization")),
    Section("course", ("title", "details"), ("url",)),
    Section("article", ("title", "publisher", "details"), ("url", "authors")),
    # Slate's Add Research Focus lists subtitle too (an older reading had it on update only)
    Section("researchfocus", ("title", "details"), ("subtitle", "url", "date")),
    Section("topic", ("name",), ops=_ADD_DELETE),
    Section("industry", ("name",), ops=_ADD_DELETE),
    Section("language", ("name",)),
    Section("fee", ("fee_min", "fee_max"), ops=_ADD),
    # §3.4: the flags "except _open" are the body (the read item has _open too)
    Section("availability", (), _AVAILABILITY[:-1], _ADD),
    Section("social", (), _SOCIAL, _ADD),
    Section("category", ("name",), ops=_ADD_DELETE),
    Section("tag", ("name",), ops=_ADD_DELETE),
]  # fmt: skip
_BY_NAME = {s.name: s for s in _SECTIONS}


@dataclass(frozen=True)
class PersonKind:
    """Experts or staff: where their writes go, and which sections they have.

    Attributes:
        kind: ``"experts"`` or ``"staff"``.
        noun: one person, for messages.
        segment: the path segment after the organization (``expert`` / ``staff``).
        sections: the writable sections of this kind.
    """

    kind: Kind
    noun: str
    segment: str
    sections: dict[str, Section]

    def path(self, org: object, username: str | None = None) -> str:
        base = f"/v2/organization/{org}/{self.segment}"
        return base if username is None else f"{base}/{username}"


KINDS: dict[str, PersonKind] = {
    "experts": PersonKind("experts", "expert", "expert", dict(_BY_NAME)),
    # §4.3: staff sub-resources, same shapes as the experts'
    "staff": PersonKind(
        "staff",
        "staff member",
        "staff",
        {
            n: _BY_NAME[n]
            for n in ("biography", "tagline", "link", "education", "language", "category", "tag")
        },
    ),
}


# §6: inquiries, POST …/inquiry/<type>; the common body, then each type's own fields
INQUIRY_REQUIRED = (
    "firstname", "lastname", "email", "message", "location_city", "location_state",
    "location_country", "username",
)  # fmt: skip
INQUIRY_OPTIONAL = ("phone", "website", "organization")
_ORG_TYPES = ("corporate", "government", "ngo", "not_for_profit", "other")
#: type → (its required fields, its optional fields, documented values)
INQUIRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "general": ((), (), {}),
    "event": (("event_name", "event_location", "event_date", "event_description"), (), {}),
    "media": (
        ("media_position", "media_type", "media_deadline"),
        (),
        {
            "media_position": ("reporter", "editor", "news_director", "researcher", "other"),
            "media_type": ("print", "online", "tv", "radio"),
        },
    ),
    "partnership": (
        ("partner_organization_type", "partner_focus"),
        (),
        {
            "partner_organization_type": _ORG_TYPES,
            "partner_focus": (
                "business_development", "corporate", "fundraising", "licensing", "research",
                "sponsorship", "technology", "other",
            ),
        },
    ),
    "admission": (
        ("admission_type", "admission_program_name", "admission_faculty"),
        (),
        {"admission_type": ("undergraduate", "graduate")},
    ),
    "research": (
        ("research_area", "research_stage_in_process"),
        ("research_deadline",),
        {"research_stage_in_process": ("collaboration", "funding", "partnership", "other")},
    ),
    "business": (
        ("business_opportunity_type",),
        (),
        {
            "business_opportunity_type": (
                "consulting_engagement", "new_ventures/partnerships", "business_deals",
                "corporate_training",
            )
        },
    ),
    "donor": (
        ("donor_type", "donor_focus"),
        (),
        {
            "donor_type": _ORG_TYPES,
            "donor_focus": (
                "one_time_gift", "recurring_gift", "endowments", "bequests", "other",
            ),
        },
    ),
    "expertwitness": (
        ("expertwitness_stage_in_process", "expertwitness_organization_type"),
        (),
        {
            "expertwitness_stage_in_process": (
                "investigation", "in_litigation", "approaching_trial", "other",
            ),
            "expertwitness_organization_type": (
                "legal_firm", "corporate_legal_department", "insurance_provider",
                "government_agency", "legal_nurse_consultant", "other",
            ),
        },
    ),
}  # fmt: skip
