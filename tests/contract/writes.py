"""The ExpertFile service's documented writes — written once, by hand.

Copied from ``docs/API_REFERENCE.md`` (§1 write envelopes, §3.3 experts, §3.4
profile sections, §4.3 staff, §6 inquiries) and the vendor's older complete v2
reference (DOC-SL), never from ``fake_server`` or from the client. Contract
tests hold **both** sides to it: the fake must accept exactly these bodies and
answer these shapes; the client must send these fields and read these answers.

Each :class:`Write` is one documented write: its method, its path template
(``{org}``, ``{username}``, ``{id}``), its form fields (:class:`Field`: required
or optional, a kind, allowed values) and the shape of ``data`` in its answer
(notation of ``tests.contract.documented``; ``NULL`` is JSON ``null``).
``sample`` is the vendor's sample answer **verbatim** where it gives one (some
are not valid JSON; ``answer`` is then our reading of it, marked INFERRED).

Labels (``source``): ``DOC-SL`` (the older reference), ``DOC-GB`` (the current
site), ``INFERRED`` (our reading; a guess to confirm against the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Shape = Any
NULL: Shape = type(None)  # JSON null, for documented.mismatches

Kind = Literal["str", "int", "flag", "unix", "year"]
Op = Literal["create", "update", "delete"]
Person = Literal["expert", "staff"]

__all__ = [
    "CREATED",
    "DELETED",
    "EXPERT_SECTION_OPS",
    "FLAG_VALUES",
    "INQUIRY_ANSWER",
    "INQUIRY_COMMON",
    "INQUIRY_TYPES",
    "NULL",
    "PERSON_CREATE_FIELDS",
    "PERSON_DELETED",
    "PERSON_UPDATED",
    "SECTION_CREATE_FIELDS",
    "SECTION_ITEM_KEYS",
    "SINGLE_SECTIONS",
    "STAFF_CREATED",
    "STAFF_SECTION_OPS",
    "UPDATED",
    "WRITES",
    "Field",
    "Write",
    "example_body",
    "write",
]


@dataclass(frozen=True)
class Field:
    """One form field of a write body.

    Attributes:
        name: the form field name, as documented.
        required: documented as required (on create; on update every field is optional).
        kind: ``str``; ``int``; ``flag`` (an int 1 or 0); ``unix`` (Unix seconds);
            ``year`` (an int year such as 1998).
        values: the documented allowed values (as sent, text), or ``()`` for any.
        item_key: the key of the read item the value shows up under (``None``: no
            documented read shows it).
        source: ``DOC-SL``, ``DOC-GB`` or ``INFERRED`` (what ``item_key`` and
            ``values`` rest on).
    """

    name: str
    required: bool = False
    kind: Kind = "str"
    values: tuple[str, ...] = ()
    item_key: str | None = ""  # "" → same as name (set in __post_init__)
    source: str = "DOC-SL"

    def __post_init__(self) -> None:
        if self.item_key == "":
            object.__setattr__(self, "item_key", self.name)


@dataclass(frozen=True)
class Write:
    """One documented write.

    Attributes:
        name: a stable id: ``create_expert``, ``update_staff``, ``add_item[link]``,
            ``update_item[staff/link]``, ``inquiry[media]``, …
        op: ``create``, ``update`` or ``delete``.
        person: ``expert``, ``staff`` or ``None`` (inquiries).
        section: the section segment for item writes, else ``None``.
        method: ``POST``, ``PUT`` or ``DELETE``.
        path: the path template (``{org}``, ``{username}``, ``{id}``), no trailing slash.
        fields: the body's form fields (all optional on update).
        answer: the shape of ``data`` in the ``{"data": …, "success": true}`` answer.
        sample: the vendor's sample answer, verbatim (``None``: none given).
        source: where the write is documented.
        notes: what is inferred or odd.
        answer_guess: empty when ``answer`` is the documented shape; else what ``answer``
            guesses (INFERRED), e.g. the body echoed where the sample shows fixed fields.
    """

    name: str
    op: Op
    person: Person | None
    section: str | None
    method: str
    path: str
    fields: tuple[Field, ...]
    answer: Shape
    sample: str | None
    source: str = "DOC-SL"
    notes: str = ""
    answer_guess: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required fields."""
        return tuple(f.name for f in self.fields if f.required)

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names of all documented fields."""
        return tuple(f.name for f in self.fields)

    def url_path(self, org: int, username: str = "", item_id: object = "") -> str:
        """The path with its parameters filled in."""
        return self.path.format(org=org, username=username, id=item_id)

    def __repr__(self) -> str:
        return f"Write({self.name!r})"


# -- answers (§1 envelopes; the samples verbatim) ----------------------------------------
CREATED: Shape = {"id": int}  # DOC-SL/DOC-GB: section item create
UPDATED: Shape = {"id": int, "updated": bool}  # DOC-SL: section item update
DELETED: Shape = {"id": int, "deleted": bool}  # DOC-SL: section item delete, person delete
PERSON_UPDATED: Shape = {"user": str, "updated": bool}  # DOC-SL: expert/staff update
PERSON_DELETED: Shape = DELETED  # DOC-SL: {"id": 2, "deleted": true} (id of the account)
STAFF_CREATED: Shape = {"username": str, "inserted": bool}  # DOC-SL: staff create
INQUIRY_ANSWER: Shape = {"id": int}  # DOC-SL: {"id": <INQUIRY_ID>}

SAMPLE_CREATED = '{ "data": { "id" : 2 }, "success": true }'
SAMPLE_UPDATED = '{ "data": { "id": 2, "updated": true }, "success": true }'
SAMPLE_DELETED = '{ "data": { "id": 2, "deleted": true }, "success": true }'
SAMPLE_PERSON_UPDATED = '{ "data": { "user": "you.username", "updated": true }, "success": true }'
SAMPLE_PERSON_DELETED = '{ "data" : { "id": 2, "deleted" : true }, "success": true }'
SAMPLE_EXPERT_CREATED = (
    '{ "data": [ { "firstname" : "firstName", "lastname" : "lastName", '
    '"job_title" : "jobTitle", "email" : "you@email.com", "company" : "companyName", '
    '"phone_number" : "phoneNumber", "location_city" : "city", '
    '"location_state" : "state_province", "location_country" : "country", '
    '"location_postal" : "postalCode", "location_address" :"address" } ], "success": true }'
)
SAMPLE_STAFF_CREATED = '{ "data": { "username": "username", "inserted": true }, "success": true }'
SAMPLE_BIOGRAPHY = '{ "data": [ { { "id" : null } } ] }'  # not valid JSON (sic)
SAMPLE_TAGLINE = '{ "data": [ { "tagline" : { { "id" : null } } } ] }'  # not valid JSON (sic)
SAMPLE_SOCIAL = '{ "data": { { "id" : null} }, "success": true }'  # not valid JSON (sic)
SAMPLE_AVAILABILITY = (
    '{ "data": [ { "availability_keynote": 1, "availability_moderator": 1, '
    '"availability_panelist": 1, "availability_workshop": 1, "availability_host_mc": 1, '
    '"availability_appearance": 0, "availability_corptraining": 1, "availability_open": 1 } ], '
    '"success": true }'
)
SAMPLE_INQUIRY = '{ "data" : { "id" : <INQUIRY_ID> } , "success": true }'  # placeholder (sic)

FLAG_VALUES = ("1", "0")

# -- experts and staff (§3.3, §4.3) -------------------------------------------------------
# Create: five required; the same list for staff. item_key: the profile's account key
# (experts' account lacks department, extension, building, room: no read shows them).
_EXPERT_ACCOUNT_KEYS = frozenset(
    {
        "firstname",
        "lastname",
        "job_title",
        "email",
        "company",
        "phone_number",
        "location_city",
        "location_state",
        "location_country",
        "location_postal",
        "location_address",
    }
)
_PERSON_FIELD_NAMES = (
    ("firstname", True),
    ("lastname", True),
    ("job_title", True),
    ("email", True),
    ("company", True),
    ("department", False),
    ("phone_number", False),
    ("phone_number_extension", False),
    ("location_city", False),
    ("location_state", False),  # DOC-GB: "see full list" (§7.3); not checked by the docs
    ("location_country", False),  # DOC-GB: "see full list" (§7.2)
    ("location_postal", False),
    ("location_address", False),
    ("location_building", False),
    ("location_room", False),
)
#: person create fields, by person (required: firstname, lastname, job_title, email, company)
PERSON_CREATE_FIELDS: dict[Person, tuple[Field, ...]] = {
    "expert": tuple(
        Field(n, r, item_key=n if n in _EXPERT_ACCOUNT_KEYS else None)
        for n, r in _PERSON_FIELD_NAMES
    ),
    "staff": tuple(Field(n, r) for n, r in _PERSON_FIELD_NAMES),  # staff account has all
}
_PERSON_FLAGS: dict[Person, tuple[Field, ...]] = {
    # is_private: no documented read shows it (INFERRED: the list's access filter does);
    # is_published: the staff account's key; the expert list's status filter (INFERRED).
    "expert": (
        Field("is_private", kind="flag", values=FLAG_VALUES, item_key=None),
        Field("is_published", kind="flag", values=FLAG_VALUES, item_key=None),
    ),
    "staff": (
        Field("is_private", kind="flag", values=FLAG_VALUES, item_key=None),
        Field("is_published", kind="flag", values=FLAG_VALUES),
    ),
}


def _optional(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    return tuple(Field(f.name, False, f.kind, f.values, f.item_key, f.source) for f in fields)


_PEOPLE: list[Write] = [
    Write(
        "create_expert",
        "create",
        "expert",
        None,
        "POST",
        "/v2/organization/{org}/expert",
        PERSON_CREATE_FIELDS["expert"],
        [dict.fromkeys(sorted(_EXPERT_ACCOUNT_KEYS), str)],
        SAMPLE_EXPERT_CREATED,
        "DOC-SL, DOC-GB (fields)",
        "the answer echoes the body as a one-element list (the sample shows the 11 fields "
        "above; INFERRED: the fields sent are echoed, so its keys are those of the body). "
        "The new username is not in the answer (GAP).",
        answer_guess="the body echoed as a one-element list, its keys those sent (the sample "
        "echoes 11 fields)",
    ),
    Write(
        "update_expert",
        "update",
        "expert",
        None,
        "PUT",
        "/v2/organization/{org}/expert/{username}",
        _optional(PERSON_CREATE_FIELDS["expert"]) + _PERSON_FLAGS["expert"],
        PERSON_UPDATED,
        SAMPLE_PERSON_UPDATED,
        "DOC-SL, DOC-GB",
        "all fields optional; is_private/is_published are ints 1/0",
    ),
    Write(
        "delete_expert",
        "delete",
        "expert",
        None,
        "DELETE",
        "/v2/organization/{org}/expert/{username}",
        (),
        PERSON_DELETED,
        SAMPLE_PERSON_DELETED,
        "DOC-SL, DOC-GB",
        "the Slate curl shows /:id, its HTTP line /:username (used here); id: INFERRED the "
        "account id",
    ),
    Write(
        "create_staff",
        "create",
        "staff",
        None,
        "POST",
        "/v2/organization/{org}/staff",
        PERSON_CREATE_FIELDS["staff"],
        STAFF_CREATED,
        SAMPLE_STAFF_CREATED,
        "DOC-SL, DOC-GB",
    ),
    Write(
        "update_staff",
        "update",
        "staff",
        None,
        "PUT",
        "/v2/organization/{org}/staff/{username}",
        _optional(PERSON_CREATE_FIELDS["staff"]) + _PERSON_FLAGS["staff"],
        PERSON_UPDATED,
        SAMPLE_PERSON_UPDATED,
        "DOC-GB (path with /{username}, all optional), DOC-SL",
        "Slate's HTTP line leaves out /:username (its curl has it) and marks the five "
        "create-required fields required; the current site makes all optional (used here)",
    ),
    Write(
        "delete_staff",
        "delete",
        "staff",
        None,
        "DELETE",
        "/v2/organization/{org}/staff/{username}",
        (),
        PERSON_DELETED,
        SAMPLE_PERSON_DELETED,
        "DOC-SL, DOC-GB",
    ),
]

# -- profile sections (§3.4; staff §4.3) --------------------------------------------------
_DATE = Field("date", kind="unix")
#: section segment → its create body (required marked; item_key: the read item's key)
SECTION_CREATE_FIELDS: dict[str, tuple[Field, ...]] = {
    "biography": (Field("description", item_key="biography"),),
    "tagline": (Field("tagline"),),
    "link": (Field("name", True), Field("url", True)),
    "sampletalk": (Field("title", True), Field("description", True)),
    "accomplishment": (
        Field("title", True),
        Field("description", True),
        Field("type", kind="int", values=("71", "73")),  # 71 professional, 73 personal
        # documented as a body field; the item has start/end: INFERRED lands in start
        Field("date", kind="unix", item_key="start", source="INFERRED"),
    ),
    "affiliation": (Field("name", True),),
    "eventappearance": (
        Field("title", True),
        Field("event_name", True),
        Field("location"),
        _DATE,
    ),
    "mediaappearance": (
        Field("title", True),
        Field("organization", True),
        Field("details", True),
        Field("type", values=("print", "online", "tv", "radio")),
        Field("url"),
        _DATE,
    ),
    "education": (
        Field("institution", True),
        Field("degree", True),
        Field("major"),
        Field("description"),
        Field("date", kind="year"),
    ),
    "testimonial": (
        Field("name", True),
        Field("title", True),
        Field("company", True),
        Field("recommendation", True),
        Field("url"),
    ),
    "patent": (
        Field("number", True),
        Field("title", True),
        Field("detail", True),
        _DATE,
        Field("url"),
    ),
    "researchgrant": (
        Field("organization", True),
        Field("title", True),
        Field("detail", True, item_key="details"),  # sic: the item key is details
        _DATE,
        Field("url"),
        Field("amount"),
    ),
    "partnership": (
        Field("title", True),
        Field("individual", True),
        Field("details", True),
        _DATE,
        Field("url"),
        Field("organization"),
    ),
    "course": (Field("title", True), Field("details", True), Field("url")),
    "article": (
        Field("title", True),
        Field("publisher", True),
        Field("details", True),
        Field("url"),
        Field("authors"),
    ),
    "researchfocus": (
        Field("title", True),
        Field("subtitle"),  # DOC-SL: Add Research Focus lists it (optional)
        Field("details", True),
        Field("url"),
        Field("date", kind="unix"),
    ),
    "topic": (Field("name", True),),
    "industry": (Field("name", True),),
    "language": (Field("name", True),),
    "fee": (Field("fee_min", True, kind="int"), Field("fee_max", True, kind="int")),
    "availability": tuple(
        Field(f"availability_{n}", kind="flag", values=FLAG_VALUES)
        for n in (
            "keynote",
            "moderator",
            "panelist",
            "workshop",
            "host_mc",
            "appearance",
            "corptraining",
        )
    ),
    "social": tuple(
        # no usable GET sample: no documented read shows these (INFERRED: none checked)
        Field(n, item_key=None)
        for n in (
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
        )
    ),
    "category": (Field("name", True),),
    # DOC-SL and DOC-GB: body name*; the current site's item {id, content_tag_id, tag}
    "tag": (Field("name", True, item_key="tag", source="DOC-GB"),),
}
#: update bodies that add a field to the create body (none since research focus subtitle,
#: which DOC-SL lists on Add Research Focus too)
_UPDATE_EXTRA: dict[str, tuple[Field, ...]] = {}

#: sections with one item and no id: POST sets it, there is no PUT or DELETE
SINGLE_SECTIONS = ("biography", "tagline", "fee", "availability", "social")

#: the read item keys of each section (as in documented.EXPERT_SECTIONS), to find a write
SECTION_ITEM_KEYS: dict[str, tuple[str, ...]] = {
    s: tuple(f.item_key for f in fields if f.item_key)
    for s, fields in SECTION_CREATE_FIELDS.items()
}

_ALL: frozenset[Op] = frozenset({"create", "update", "delete"})
_ADD_DELETE: frozenset[Op] = frozenset({"create", "delete"})
_ADD: frozenset[Op] = frozenset({"create"})
#: expert section → its documented writes
EXPERT_SECTION_OPS: dict[str, frozenset[Op]] = {
    **dict.fromkeys(SINGLE_SECTIONS, _ADD),
    **dict.fromkeys(
        (
            "link",
            "sampletalk",
            "accomplishment",
            "affiliation",
            "eventappearance",
            "mediaappearance",
            "education",
            "testimonial",
            "patent",
            "researchgrant",
            "partnership",
            "course",
            "article",
            "researchfocus",
            "language",
        ),
        _ALL,
    ),
    **dict.fromkeys(("topic", "industry", "category", "tag"), _ADD_DELETE),
}
#: staff section → its documented writes (§4.3; DOC-GB staff tag create)
STAFF_SECTION_OPS: dict[str, frozenset[Op]] = {
    "biography": _ADD,
    "tagline": _ADD,
    "link": _ALL,
    "education": _ALL,
    "language": _ALL,
    "category": _ADD_DELETE,
    "tag": _ADD_DELETE,
}

#: the single-section answers read from samples that are not JSON (INFERRED readings)
_ANSWER_GUESSES = {
    "biography": "[{id: null}], read from a sample that is not JSON",
    "tagline": "[{tagline: {id: null}}], read from a sample that is not JSON",
    "social": "{id: null}, read from a sample that is not JSON",
}
# single sections: each answers its own way (samples verbatim; answers INFERRED readings)
_SINGLE_ANSWERS: dict[str, tuple[Shape, str, str]] = {
    "biography": (
        [{"id": NULL}],
        SAMPLE_BIOGRAPHY,
        "sample not valid JSON and without success: read as data [{id: null}] (INFERRED)",
    ),
    "tagline": (
        [{"tagline": {"id": NULL}}],
        SAMPLE_TAGLINE,
        "sample not valid JSON and without success: read as data [{tagline: {id: null}}] "
        "(INFERRED)",
    ),
    "social": (
        {"id": NULL},
        SAMPLE_SOCIAL,
        "sample not valid JSON: read as data {id: null} (INFERRED)",
    ),
    "fee": (CREATED, SAMPLE_CREATED, "the sample is the create envelope {id: 2}"),
    "availability": (
        [
            {
                f"availability_{n}": int
                for n in (
                    "keynote",
                    "moderator",
                    "panelist",
                    "workshop",
                    "host_mc",
                    "appearance",
                    "corptraining",
                    "open",
                )
            }
        ],
        SAMPLE_AVAILABILITY,
        "echoes the flags as a one-element list, availability_open included",
    ),
}


def _section_writes(person: Person, ops: dict[str, frozenset[Op]]) -> list[Write]:
    base = f"/v2/organization/{{org}}/{person}/{{username}}"
    out: list[Write] = []
    prefix = "" if person == "expert" else "staff/"
    for section, allowed in ops.items():
        fields = SECTION_CREATE_FIELDS[section]
        if "create" in allowed:
            answer, sample, notes = _SINGLE_ANSWERS.get(section, (CREATED, SAMPLE_CREATED, ""))
            out.append(
                Write(
                    f"add_item[{prefix}{section}]",
                    "create",
                    person,
                    section,
                    "POST",
                    f"{base}/{section}",
                    fields,
                    answer,
                    sample,
                    "DOC-SL" + (", DOC-GB" if section == "tag" else ""),
                    notes or "Slate writes the path with a trailing / (both accepted)",
                    _ANSWER_GUESSES.get(section, ""),
                )
            )
        if "update" in allowed:
            out.append(
                Write(
                    f"update_item[{prefix}{section}]",
                    "update",
                    person,
                    section,
                    "PUT",
                    f"{base}/{section}/{{id}}",
                    _optional(fields) + _UPDATE_EXTRA.get(section, ()),
                    UPDATED,
                    SAMPLE_UPDATED,
                    "DOC-SL",
                    "Slate's research focus PUT line leaves out /:id (a typo, INFERRED)"
                    if section == "researchfocus"
                    else "",
                )
            )
        if "delete" in allowed:
            out.append(
                Write(
                    f"delete_item[{prefix}{section}]",
                    "delete",
                    person,
                    section,
                    "DELETE",
                    f"{base}/{section}/{{id}}",
                    (),
                    DELETED,
                    SAMPLE_DELETED,
                    "DOC-SL",
                    "some Slate DELETE lines show another section's path (typos, INFERRED)",
                )
            )
    return out


# -- inquiries (§6; DOC-SL) ---------------------------------------------------------------
INQUIRY_COMMON: tuple[Field, ...] = (
    Field("firstname", True, item_key=None),
    Field("lastname", True, item_key=None),
    Field("email", True, item_key=None),
    Field("message", True, item_key=None),
    Field("location_city", True, item_key=None),
    # DOC-SL: a valid §Helper state/province code when the country is CA or US (documented;
    # vendor_samples.state_codes(); the fake refuses another with a 400)
    Field("location_state", True, item_key=None),
    Field("location_country", True, item_key=None),  # a §7.2 code
    Field("username", True, item_key=None),  # the recipient: one of the organization's experts
    Field("phone", item_key=None),
    Field("website", item_key=None),
    Field("organization", item_key=None),
)


def _inq(
    name: str, required: bool = True, values: tuple[str, ...] = (), kind: Kind = "str"
) -> Field:
    return Field(name, required, kind, values, None)


#: inquiry type → its extra fields
INQUIRY_TYPES: dict[str, tuple[Field, ...]] = {
    "general": (),
    "event": (
        _inq("event_name"),
        _inq("event_location"),
        _inq("event_date", kind="unix"),
        _inq("event_description"),
    ),
    "media": (
        _inq(
            "media_position", values=("reporter", "editor", "news_director", "researcher", "other")
        ),
        _inq("media_type", values=("print", "online", "tv", "radio")),
        _inq("media_deadline", kind="unix"),
    ),
    "partnership": (
        _inq(
            "partner_organization_type",
            values=("corporate", "government", "ngo", "not_for_profit", "other"),
        ),
        _inq(
            "partner_focus",
            values=(
                "business_development",
                "corporate",
                "fundraising",
                "licensing",
                "research",
                "sponsorship",
                "technology",
                "other",
            ),
        ),
    ),
    "admission": (
        _inq("admission_type", values=("undergraduate", "graduate")),
        _inq("admission_program_name"),
        _inq("admission_faculty"),
    ),
    "research": (
        _inq("research_area"),
        _inq(
            "research_stage_in_process",
            values=("collaboration", "funding", "partnership", "other"),
        ),
        _inq("research_deadline", required=False),
    ),
    "business": (
        _inq(
            "business_opportunity_type",
            values=(
                "consulting_engagement",
                "new_ventures/partnerships",
                "business_deals",
                "corporate_training",
            ),
        ),
    ),
    "donor": (
        _inq("donor_type", values=("corporate", "government", "ngo", "not_for_profit", "other")),
        _inq(
            "donor_focus",
            values=("one_time_gift", "recurring_gift", "endowments", "bequests", "other"),
        ),
    ),
    "expertwitness": (
        _inq(
            "expertwitness_stage_in_process",
            values=("investigation", "in_litigation", "approaching_trial", "other"),
        ),
        _inq(
            "expertwitness_organization_type",
            values=(
                "legal_firm",
                "corporate_legal_department",
                "insurance_provider",
                "government_agency",
                "legal_nurse_consultant",
                "other",
            ),
        ),
    ),
}

_INQUIRIES = [
    Write(
        f"inquiry[{kind}]",
        "create",
        None,
        None,
        "POST",
        f"/v2/organization/{{org}}/inquiry/{kind}",
        INQUIRY_COMMON + extra,
        INQUIRY_ANSWER,
        SAMPLE_INQUIRY,
        "DOC-SL",
        "no documented read shows an inquiry",
    )
    for kind, extra in INQUIRY_TYPES.items()
]

#: every documented write
WRITES: tuple[Write, ...] = (
    *_PEOPLE,
    *_section_writes("expert", EXPERT_SECTION_OPS),
    *_section_writes("staff", STAFF_SECTION_OPS),
    *_INQUIRIES,
)
_BY_NAME = {w.name: w for w in WRITES}


def write(name: str) -> Write:
    """The documented write called ``name`` (``create_expert``, ``add_item[link]``, …)."""
    return _BY_NAME[name]


# -- example values (for tests: a valid body for any write) -------------------------------
_EXAMPLE_BY_KIND = {
    "str": "Example text",
    "int": "7",
    "flag": "1",
    "unix": "1700000000",
    "year": "1998",
}


def example_body(w: Write, *, required_only: bool = False, username: str = "") -> dict[str, str]:
    """A valid form body for ``w``: each field an allowed value of its kind (text).

    Args:
        w: the write.
        required_only: only the required fields.
        username: the recipient of an inquiry (``username`` must be a real expert).
    """
    body: dict[str, str] = {}
    for f in w.fields:
        if required_only and not f.required:
            continue
        if f.values:
            value = f.values[0]
        elif f.name == "username":
            value = username
        elif f.name == "email":
            value = "someone@example.org"
        elif f.name in ("location_country",):
            value = "CA"
        elif f.name in ("location_state",):
            value = "ON"
        elif f.name == "fee_max":
            value = "9000"
        else:
            value = f"Example {f.name}" if f.kind == "str" else _EXAMPLE_BY_KIND[f.kind]
        body[f.name] = value
    return body
