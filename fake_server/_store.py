"""Writes: the fake keeps them, in memory, and later reads show them.

The documented writes (``docs/API_REFERENCE.md`` §3.3, §3.4, §4.3, §6) are
answered by the same route rows as the reads (:func:`with_writes` adds the write
methods to each row and wraps its handler). A :class:`Store` holds the changes
as an overlay on the data the reads come from — the synthetic organization or a
capture (``dataset=``), which are never changed: account fields, section items
added, updated and deleted, people created and deleted. A read of a person the
store touched applies the overlay to the base answer; a list read re-filters,
re-sorts and re-pages when the organization has changes. Every operation holds
the store's lock, so concurrent writes neither get lost nor see half a change.

Validation (required fields, allowed values, 1/0 flags, whole numbers) answers
400 in the failure envelope; the documents do not say what the service does, so
it is an assumption with a setting (``write_validation``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol, cast
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request

from fake_server._answers import ok
from fake_server._fields import field_values
from fake_server._layouts import (
    EXPERT_PROFILE,
    EXPERT_SEGMENTS,
    INFERRED_EXPERT_SECTIONS,
    STAFF_PROFILE,
    STAFF_SEGMENTS,
    Layout,
)
from fake_server._query import BadRequest, people_query, requested_fields, window
from fake_server._reads import sends_success
from fake_server._routes import ROUTES, NotFound, Route, Server, _path
from fake_server._wsgi import Answer

__all__ = [
    "WRITE_METHODS",
    "AccomplishmentDate",
    "NewUsername",
    "SectionPostAnswer",
    "StaffDeleteOfExpert",
    "Store",
    "WriteJson",
    "WriteValidation",
    "with_writes",
]

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
WriteValidation = Literal["strict", "lenient"]
WriteJson = Literal["accept", "refuse"]
AccomplishmentDate = Literal["start", "both"]
SectionPostAnswer = Literal["as_guessed", "id_null"]
NewUsername = Literal["name", "numbered"]
StaffDeleteOfExpert = Literal["delete", "404"]

# -- what each write takes (docs/API_REFERENCE.md §3.3, §3.4, §4.3, §6) -------------------
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

# -- request bodies -----------------------------------------------------------------------


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


# -- the overlay --------------------------------------------------------------------------
@dataclass
class _Changes:
    """One section's changes for one person."""

    added: list[dict[str, Any]] = field(default_factory=list)
    updated: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    single: dict[str, Any] | None = None

    def apply(
        self, items: list[Any], keys: Sequence[str], section: str, *, id_text: bool = False
    ) -> list[Any]:
        if self.single is not None:
            return [_project(self.single, keys, section)]
        out = []
        for item in items:
            if not isinstance(item, dict):
                out.append(item)
                continue
            key = str(item.get("id"))
            if key in self.deleted:
                continue
            change = self.updated.get(key)
            out.append(
                item if change is None else item | {k: change[k] for k in item if k in change}
            )
        for added in self.added:
            row = _project(added, keys, section)
            if id_text and "id" in row:
                row["id"] = str(row["id"])
            out.append(row)
        return out


@dataclass
class _Person:
    """What the store knows of one person: account changes, section changes, or a whole record."""

    username: str
    expert: bool
    account: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    sections: dict[str, _Changes] = field(default_factory=dict)
    created: bool = False
    account_id: int = 0
    order: int = 0
    org: int = 0

    def changes(self, section: str) -> _Changes:
        return self.sections.setdefault(section, _Changes())


class _StoreServer(Server, Protocol):
    store: Store
    write_validation: WriteValidation
    write_json: WriteJson
    accomplishment_date: AccomplishmentDate
    section_post_answer: SectionPostAnswer
    new_username: NewUsername
    undocumented_write_status: int
    staff_delete_of_expert: StaffDeleteOfExpert
    write_routes: tuple[Route, ...]

    def after_write(self, request: Request) -> Answer | None: ...


def _layout(expert: bool) -> Layout:
    return EXPERT_PROFILE | INFERRED_EXPERT_SECTIONS if expert else STAFF_PROFILE


class Store:
    """The writes the fake received since its last reset, per organization, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every write: the reads answer the initial data again."""
        with self._lock:
            self._people: dict[int, dict[str, _Person]] = {}
            self._deleted: dict[int, set[str]] = {}
            self._next_id = 900_000_000
            self.inquiries: list[dict[str, Any]] = []
            self.writes = 0

    def dirty(self, org: int) -> bool:
        """Whether organization ``org`` has any change."""
        return bool(self._people.get(org) or self._deleted.get(org))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def person(self, org: int, username: str) -> _Person | None:
        return self._people.get(org, {}).get(username)

    def is_deleted(self, org: int, username: str) -> bool:
        return username in self._deleted.get(org, ())

    # -- writes --------------------------------------------------------------------
    def write(
        self, server: Server, request: Request, org: int, params: dict[str, str], kind: str
    ) -> Answer:
        """Apply one write and answer it as documented (or raise BadRequest / NotFound)."""
        s = cast(_StoreServer, server)
        strict = s.write_validation == "strict"
        form = read_form(request, json_body=s.write_json == "accept")
        request.environ["fake_server.form"] = {k: v[:200] for k, v in form.items()}
        method = request.method
        with self._lock:
            if kind == "_create_person":
                answer = self._create_person(s, org, params, form, strict)
            elif kind == "_inquiry":
                answer = self._inquiry(s, request, org, params, form, strict)
            elif kind in ("_expert", "_staff_member"):
                answer = self._person_write(s, request, org, params, form, method, strict, kind)
            elif kind in ("_expert_segment", "_staff_segment"):
                answer = self._section_write(s, request, org, params, form, method, strict, kind)
            else:
                raise NotFound("this path takes no writes")
            self.writes += 1
        return answer

    def _create_person(
        self, s: _StoreServer, org: int, params: dict[str, str], form: dict[str, str], strict: bool
    ) -> Answer:
        expert = params["noun"] == "expert"
        _check(form, _PERSON_REQUIRED, {}, (), strict)
        people = self._people.setdefault(org, {})
        stem = (
            re.sub(
                r"[^a-z0-9]+",
                "-",
                f"{form.get('firstname', '')}-{form.get('lastname', '')}".lower(),
            ).strip("-")
            or "person"
        )
        prefix = "" if s.new_username == "numbered" else f"{stem}-"
        n = len(people) + 1
        username = f"{prefix}new-{n}"
        while username in people:
            n += 1
            username = f"{prefix}new-{n}"
        account = {k: form[k] for k in _PERSON_FIELDS if k in form}
        person = _Person(
            username, expert, account, created=True, account_id=self._new_id(), order=n, org=org
        )
        person.flags = {"is_published": 1, "is_private": 0}
        people[username] = person
        if expert:
            echo = {k: form[k] for k in _PERSON_FIELDS if k in form}
            return ok([echo])  # the body echoed as a one-element list (documented sample)
        return ok({"username": username, "inserted": True})

    def _base_person(
        self, s: _StoreServer, request: Request, org: int, params: dict[str, str], kind: str
    ) -> tuple[_Person, dict[str, Any]]:
        """The person a write is about (created on first touch), and its base profile."""
        username = params["username"]
        expert = kind in ("_expert", "_expert_segment")
        person = self.person(org, username)
        if person is not None and person.created:
            if expert and not person.expert:
                raise NotFound(f"no expert {username[:60]!r} in organization {org}")
            return person, {}
        if self.is_deleted(org, username):
            raise NotFound(_no_person(expert, username, org))
        try:
            base = _base_json(
                s,
                request,
                org,
                {"org": params["org"], "username": username},
                "_expert" if expert else "_staff_member",
            )
        except NotFound:
            if not _listed_in_capture(s, username, expert):
                raise
            base = {}  # listed in a capture whose profile was not captured
        if person is None:
            account = (base.get("account") or [{}])[0]
            person = _Person(
                username,
                expert,
                account_id=int(account.get("id") or 0)
                if str(account.get("id", "")).isdigit()
                else 0,
            )
            self._people.setdefault(org, {})[username] = person
        return person, base

    def _person_write(
        self,
        s: _StoreServer,
        request: Request,
        org: int,
        params: dict[str, str],
        form: dict[str, str],
        method: str,
        strict: bool,
        kind: str,
    ) -> Answer:
        username = params["username"]
        if (
            method == "DELETE"
            and kind == "_staff_member"
            and s.staff_delete_of_expert == "404"
            and self._is_expert(s, request, org, params["org"], username)
        ):  # checked first: a refused delete leaves the store as it was
            raise NotFound(
                f"{username[:60]!r} is an expert: DELETE /staff/<username> deletes staff "
                "members only (staff_delete_of_expert='404'); delete an expert with "
                "DELETE /expert/<username>"
            )
        person, _ = self._base_person(s, request, org, params, kind)
        if method == "DELETE":
            self._deleted.setdefault(org, set()).add(person.username)
            self._people[org].pop(person.username, None)
            return ok({"id": person.account_id, "deleted": True})
        _check(form, (), dict.fromkeys(_FLAGS, _ONE_ZERO), _FLAGS, strict)
        for k in _PERSON_FIELDS:
            if k in form:
                person.account[k] = form[k]
        for k in _FLAGS:
            if form.get(k) in _ONE_ZERO:
                person.flags[k] = int(form[k])
        return ok({"user": person.username, "updated": True})

    def _section_write(
        self,
        s: _StoreServer,
        request: Request,
        org: int,
        params: dict[str, str],
        form: dict[str, str],
        method: str,
        strict: bool,
        kind: str,
    ) -> Answer:
        section = params["segment"]
        expert = kind == "_expert_segment"
        rules = SECTIONS.get(section)
        ops = (rules.ops if expert else _STAFF_OPS.get(section, "")) if rules else ""
        op = {"POST": "c", "PUT": "u", "DELETE": "d"}[method]
        item_id = params.get("id")
        if rules is None or op not in ops or (op == "c") == (item_id is not None):
            raise _MethodNotAllowed(section, item_id is not None, ops)
        person, _ = self._base_person(s, request, org, params, kind)
        changes = person.changes(section)
        fields = rules.required + rules.optional
        if op != "d":
            _check(form, rules.required if op == "c" else (), rules.values, rules.ints, strict)
        values = {
            rules.rename.get(k, k): (
                int(form[k])
                if k in rules.ints and _WHOLE.fullmatch(form[k])
                else _value(rules.rename.get(k, k), form[k])
            )
            for k in fields
            if k in form
        }
        if section == "accomplishment" and s.accomplishment_date == "both" and "start" in values:
            values["end"] = values["start"]  # a one-day accomplishment: start and end
        if op == "c" and rules.single:
            if section == "availability":
                merged = (
                    dict.fromkeys((*_AVAIL, "availability_open"), 0)
                    | (changes.single or {})
                    | values
                )
                changes.single = merged
                return ok([_project(merged, (*_AVAIL, "availability_open"))])
            changes.single = (changes.single or {}) | values
            if section == "fee":
                return ok({"id": self._new_id()})
            success = s.success_key == "always" or section not in _POSTS_SAMPLED_WITHOUT_SUCCESS
            if s.section_post_answer == "id_null":
                return ok({"id": None}, success=success)
            if section == "biography":
                return ok([{"id": None}], success=success)
            if section == "tagline":
                return ok([{"tagline": {"id": None}}], success=success)
            return ok({"id": None})  # social
        if op == "c":
            new_id = self._new_id()
            changes.added.append({"id": new_id, **values})
            return ok({"id": new_id})
        item_id = item_id or ""
        added = next((a for a in changes.added if str(a["id"]) == item_id), None)
        if added is None:
            base_items = (
                _base_json(
                    s,
                    request,
                    org,
                    {"org": params["org"], "username": person.username, "segment": section},
                    kind,
                )
                if not person.created
                else []
            )
            exists = any(isinstance(i, dict) and str(i.get("id")) == item_id for i in base_items)
            if not exists or item_id in changes.deleted:
                raise NotFound(f"no {section} item {item_id[:40]!r} for {person.username[:60]!r}")
        if op == "d":
            if added is not None:
                changes.added.remove(added)
            else:
                changes.deleted.add(item_id)
            return ok({"id": _int(item_id), "deleted": True})
        if added is not None:
            added.update(values)
        else:
            changes.updated.setdefault(item_id, {}).update(values)
        return ok({"id": _int(item_id), "updated": True})

    def _inquiry(
        self,
        s: _StoreServer,
        request: Request,
        org: int,
        params: dict[str, str],
        form: dict[str, str],
        strict: bool,
    ) -> Answer:
        kind = params["kind"]
        if kind not in _INQUIRIES:
            raise NotFound(f"no inquiry type {kind[:40]!r}; types: {', '.join(_INQUIRIES)}")
        extra, values = _INQUIRIES[kind]
        _check(
            form,
            _INQUIRY_COMMON + extra,
            values,
            ("event_date", "media_deadline") if kind in ("event", "media") else (),
            strict,
        )
        # the country in either case (ca reaches the check too); the state exactly as listed
        country = form.get("location_country", "").strip().upper()
        state = form.get("location_state", "")
        if strict and country in STATES and state not in STATES[country]:
            raise BadRequest(
                f"field location_state: {state[:40]!r} is not a state or province code of "
                f"{country} (when location_country is CA or US it must be one of: "
                f"{', '.join(sorted(STATES[country]))})"
            )
        username = form.get("username", "")
        if strict and not self._is_expert(s, request, org, params["org"], username):
            raise BadRequest(f"username: {username[:60]!r} is not an expert of organization {org}")
        inquiry_id = self._new_id()
        self.inquiries.append({"id": inquiry_id, "type": kind, **form})
        return ok({"id": inquiry_id})

    def _is_expert(
        self, s: _StoreServer, request: Request, org: int, org_text: str, username: str
    ) -> bool:
        person = self.person(org, username)
        if person is not None and person.created:
            return person.expert
        if not username or self.is_deleted(org, username):
            return False
        try:
            _base_json(s, request, org, {"org": org_text, "username": username}, "_expert")
        except NotFound:
            return False
        return True

    # -- reads -----------------------------------------------------------------------
    def read(
        self,
        server: Server,
        request: Request,
        org: int,
        params: dict[str, str],
        kind: str,
        base: Callable[..., Answer],
    ) -> Answer:
        """A read, with the changes applied (``base`` answers it without them)."""
        if not self.dirty(org):  # nothing written here: the base answer, without the lock
            return base()
        with self._lock:
            if kind in ("_experts", "_staff"):
                return self._list(server, request, org, kind == "_staff", base)
            username = params["username"]
            expert = kind in ("_expert", "_expert_segment")
            what = _no_person(expert, username, org)
            if self.is_deleted(org, username):
                raise NotFound(what)
            person = self.person(org, username)
            if person is None:
                return base()
            if person.created and expert and not person.expert:
                raise NotFound(what)
            if kind in ("_expert", "_staff_member"):
                data = _empty_profile(expert) if person.created else json.loads(base().body)["data"]
                return ok(self._profile(person, data, expert))
            section = params["segment"]
            allowed = EXPERT_SEGMENTS if expert else STAFF_SEGMENTS
            if section not in allowed:
                raise NotFound(f"no section {section!r}; sections: {', '.join(allowed)}")
            items = [] if person.created else json.loads(base(True).body)["data"]
            change = person.sections.get(section)
            if change is not None:
                items = change.apply(items, EXPERT_SEGMENTS[section], section)
            item_id = params.get("id")
            # "success" as the base read sends it (success_key), changed or not
            success = sends_success(
                server.success_key, "expert" if expert else "staff", section, item_id is not None
            )
            if item_id is None:
                return ok(items, success=success)
            found = [i for i in items if isinstance(i, dict) and str(i.get("id")) == item_id]
            if not found:
                raise NotFound(f"no {section} item {item_id[:40]!r} for {username[:60]!r}")
            return ok(found, success=success)

    def _profile(self, person: _Person, data: dict[str, Any], expert: bool) -> dict[str, Any]:
        layout = _layout(expert)
        for name, items in list(data.items()):
            if name not in layout or not isinstance(items, list):
                continue
            source, keys = layout[name]
            if name == "account" and items and isinstance(items[0], dict):
                account = items[0] | {k: v for k, v in person.account.items() if k in items[0]}
                if "is_published" in account and "is_published" in person.flags:
                    account["is_published"] = person.flags["is_published"]
                if person.created:
                    account["username"] = person.username
                    account["id"] = person.account_id
                data[name] = [account]
                continue
            section = "industry" if source == "profile/industry" else source
            change = person.sections.get(section)
            if change is not None:
                data[name] = change.apply(
                    items, keys, section, id_text=source == "profile/industry"
                )
        if person.created:
            data["account"] = [
                _project(
                    {
                        **person.account,
                        "corporation_id": person.org,
                        "username": person.username,
                        "id": person.account_id,
                        **person.flags,
                    },
                    layout["account"][1],
                )
            ]
        return data

    # -- lists -----------------------------------------------------------------------
    def _list(
        self, server: Server, request: Request, org: int, staff: bool, base: Callable[..., Answer]
    ) -> Answer:
        s = cast(_StoreServer, server)
        dataset = getattr(s, "dataset", None)
        people = self._people.get(org, {})
        deleted = self._deleted.get(org, set())
        noun = "staff" if staff else "experts"
        query = people_query(request.args, server.list_settings(), staff=staff)
        needle = query.q.strip().lower()
        created = [
            p
            for p in people.values()
            if p.created
            and (staff or p.expert)
            and _flags_match(p.flags, query.status, query.access)
            and (not needle or needle in _created_text(p, query.searchfield))
            and (
                not query.countries
                or p.account.get("location_country", "").upper()
                in {c.upper() for c in query.countries}
            )
            and (
                not query.companies
                or p.account.get("company", "").lower() in {c.lower() for c in query.companies}
            )
            and not (query.topics or query.industries or query.categories or query.tags)
        ]
        if dataset is not None:
            from fake_server import _dataset  # the capture's own filters (a cycle at import)

            rows, _ = _dataset._people(server, request, staff=staff)
            rows_ = [
                self._patched_row(people.get(r.get("username", "")), r)
                for r in rows
                if r.get("username") not in deleted
            ]
            rows_ += [_created_item(p, staff, "") for p in sorted(created, key=_name_key)]
            data = json.loads(base().body)["data"]
            return ok(data | {noun: _dataset._page(server, request, rows_), "total": len(rows_)})
        d = server.directory(org, count_request=True)
        found, aggregations = d.search_people(query)
        touched: dict[int, _Person] = {}
        for username, person in people.items():
            index = d.index_of(username)
            if index is not None and not person.created and person.flags:
                touched[index] = person
        hits: list[Any] = [i for i in found if d.username(i) not in deleted and i not in touched]
        if touched:
            relaxed = set(d.search_people(replace(query, status="all", access="all"))[0])
            hits += [
                i
                for i, person in touched.items()
                if i in relaxed
                and _flags_match(_base_flags(d, i) | person.flags, query.status, query.access)
            ]
        hits += [p.username for p in created]

        def name_key(h: Any) -> tuple[Any, ...]:
            if isinstance(h, str):
                return (1, *_name_key(people[h]))
            known = people.get(d.username(h))
            account = known.account if known else {}
            return (
                0,
                account.get("lastname", d.last_name(h)),
                account.get("firstname", d.first_name(h)),
                h,
            )

        if query.sort == "featured":
            hits.sort(key=lambda h: (isinstance(h, str) or not d.flags(h) & 4, name_key(h)[1:]))
        else:
            hits.sort(key=lambda h: name_key(h)[1:])
        size, start = window(request.args, server.list_settings())
        corporation = d.corporation

        fields = requested_fields(request.args, server.list_settings())
        only = getattr(server, "fields_mode", "add") == "only"

        def make(h: Any) -> dict[str, Any]:
            person: _Person | None
            if isinstance(h, str):
                person = people[h]
                item = _created_item(person, staff, corporation)
                values = dict.fromkeys(fields, "")
            else:
                person = people.get(d.username(h))
                item = self._patched_row(person, d.staff_item(h) if staff else d.expert_item(h))
                values = field_values(d, h, fields) if fields else {}
            if not fields:
                return item
            for name in fields:  # the account fields a write changed
                key = _ACCOUNT_FIELDS.get(name)
                if person is not None and key is not None and key in person.account:
                    values[name] = person.account[key]
            if person is not None and "fullname" in values and person.account:
                values["fullname"] = " ".join(
                    (
                        person.account.get("firstname", values.get("firstname", "")),
                        person.account.get("lastname", values.get("lastname", "")),
                    )
                ).strip()
            if person is not None and person.created and "username" in values:
                values["username"] = person.username
            return ({} if only else item) | values

        rows = [make(h) for h in hits[start : start + size]]
        answer: dict[str, Any] = {noun: rows, "total": len(hits)}
        if not staff:
            answer["aggregations"] = aggregations
        return ok(answer)

    @staticmethod
    def _patched_row(person: _Person | None, row: dict[str, Any]) -> dict[str, Any]:
        if person is None:
            return row
        tagline = person.sections.get("tagline")
        if tagline is not None and tagline.single is not None and "tagline" in row:
            return row | {"tagline": tagline.single.get("tagline", "")}
        return row


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


#: return field (``fields=[…]``) → the account key a person write changes
_ACCOUNT_FIELDS = {
    "address": "location_address",
    "building": "location_building",
    "city": "location_city",
    "company": "company",
    "country": "location_country",
    "department": "department",
    "email": "email",
    "firstname": "firstname",
    "jobtitle": "job_title",
    "lastname": "lastname",
    "phone_number": "phone_number",
    "phone_number_extension": "phone_number_extension",
    "postal": "location_postal",
    "room": "location_room",
    "state": "location_state",
}


def _listed_in_capture(s: Server, username: str, expert: bool) -> bool:
    dataset = getattr(s, "dataset", None)
    if dataset is None:
        return False
    noun = "experts" if expert else "staff"
    return any(row.get("username") == username for row in dataset.lists[noun][noun])


def _no_person(expert: bool, username: str, org: int) -> str:
    return f"no {'expert' if expert else 'staff member'} {username[:60]!r} in organization {org}"


def _int(text: str) -> int:
    return int(text) if _WHOLE.fullmatch(text) else 0


def _base_flags(d: Any, i: int) -> dict[str, int]:
    flags = d.flags(i)
    return {"is_published": 0 if flags & 1 else 1, "is_private": 1 if flags & 2 else 0}


def _flags_match(flags: dict[str, int], status: str, access: str) -> bool:
    published = flags.get("is_published", 1) == 1
    private = flags.get("is_private", 0) == 1
    if (status == "published" and not published) or (status == "unpublished" and published):
        return False
    return not ((access == "public" and private) or (access == "private" and not private))


def _name_key(p: _Person) -> tuple[str, str, int]:
    return p.account.get("lastname", ""), p.account.get("firstname", ""), p.order


def _created_text(p: _Person, searchfield: str) -> str:
    name = f"{p.account.get('firstname', '')} {p.account.get('lastname', '')}"
    if searchfield == "fullname":
        return name.lower()
    return f"{name} {p.account.get('job_title', '')} {p.username}".lower()


def _created_item(p: _Person, staff: bool, corporation: str) -> dict[str, Any]:
    tagline = p.sections.get("tagline")
    text = tagline.single.get("tagline", "") if tagline and tagline.single else ""
    item: dict[str, Any] = {"username": p.username, "corporation": corporation}
    if not staff:
        item["topics"] = [
            {"title": a.get("name", "")} for a in (p.sections.get("topic") or _Changes()).added
        ]
    item["tagline"] = text
    item["avatar"] = dict.fromkeys(("small", "medium", "large", "original"), "")
    return item


def _empty_profile(expert: bool) -> dict[str, Any]:
    return {name: [] for name in _layout(expert)}


def _base_json(s: Server, request: Request, org: int, params: dict[str, str], kind: str) -> Any:
    """The base (unchanged) read's ``data`` for a person or one section of theirs."""
    for row in cast(_StoreServer, s).write_routes:
        if getattr(row.handler, "kind", None) == kind:
            answer: Answer = row.handler.base(s, request, org, params)  # type: ignore[attr-defined]  # set by _wrap
            return json.loads(answer.body)["data"]
    raise NotFound(f"no read for {kind}")


Handler = Callable[[Server, Request, int, dict[str, str]], Answer]
_PERSON_ROWS = {
    "_expert": ("PUT", "DELETE"),
    "_staff_member": ("PUT", "DELETE"),
    "_expert_segment": ("POST", "PUT", "DELETE"),
    "_staff_segment": ("POST", "PUT", "DELETE"),
    "_experts": ("POST",),
}


def _wrap(kind: str, base: Handler) -> Handler:
    def handler(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
        s = cast(_StoreServer, server)
        if request.method in WRITE_METHODS:
            if kind == "_experts":
                kind_ = "_create_person"
                params = params | {"noun": "expert"}
            else:
                kind_ = kind
            try:
                answer = s.store.write(server, request, org, params, kind_)
            except _MethodNotAllowed as exc:
                if s.undocumented_write_status == 404:
                    raise NotFound(f"no such write: {exc}") from None
                return server.failure(405, "invalid_request", str(exc), {"Allow": exc.allow})
            after = s.after_write(request)
            return answer if after is None else after

        def read_base(whole: bool = False) -> Answer:
            return base(
                server,
                request,
                org,
                {k: v for k, v in params.items() if k != "id"} if whole else params,
            )

        return s.store.read(server, request, org, params, kind, read_base)

    handler.kind = kind  # type: ignore[attr-defined]  # read by _base_json
    handler.base = base  # type: ignore[attr-defined]  # read by _base_json
    handler.__name__ = base.__name__
    return handler


def _write_only(kind: str) -> Handler:
    def handler(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
        s = cast(_StoreServer, server)
        answer = s.store.write(server, request, org, params, kind)
        after = s.after_write(request)
        return answer if after is None else after

    return handler


ORG = "/v2/organization/{org}"


def with_writes(routes: tuple[Route, ...]) -> tuple[Route, ...]:
    """``routes`` answering the documented writes too: the write methods added to the rows
    of the people and their sections, and rows for staff create and the inquiries."""
    out = []
    # the kind of each row, by its path (a capture's table has handlers of other names)
    kinds = {row.pattern.pattern: row.handler.__name__ for row in ROUTES}
    for row in routes:
        kind = kinds.get(row.pattern.pattern, row.handler.__name__)
        extra = _PERSON_ROWS.get(kind)
        if extra is None and kind != "_staff":
            out.append(row)
            continue
        out.append(
            replace(row, handler=_wrap(kind, row.handler), methods=row.methods + (extra or ()))
        )
    staff_create = _write_only("_create_person")
    out.append(
        Route(
            _path(ORG + "/staff"),
            lambda server, request, org, params: staff_create(
                server, request, org, params | {"noun": "staff"}
            ),
            ("POST",),
        )
    )
    out.append(Route(_path(ORG + "/inquiry/{kind}"), _write_only("_inquiry"), ("POST",)))
    return tuple(out)
