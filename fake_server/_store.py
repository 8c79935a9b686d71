"""Writes: the fake keeps them, in memory, and later reads show them.

The documented writes (``docs/API_REFERENCE.md`` §3.3, §3.4, §4.3, §6) are
answered by the same route rows as the reads (:func:`with_writes` adds the write
methods to each row and wraps its handler, in ``_write_routes``). A :class:`Store` holds the changes
as an overlay on the data the reads come from — the synthetic organization or a
capture (``dataset=``), which are never changed: account fields, section items
added, updated and deleted, people created and deleted. A read of a person the
store touched applies the overlay to the base answer; a list read re-filters,
re-sorts and re-pages when the organization has changes. Every operation holds
the store's lock, so concurrent writes neither get lost nor see half a change.

Validation (required fields, allowed values, 1/0 flags, whole numbers) answers
400 in the failure envelope; the documents do not say what the service does, so
it is an assumption with a setting (``write_validation``)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from werkzeug.wrappers import Request

from fake_server._answers import ok
from fake_server._fields import field_values
from fake_server._forms import (
    _AVAIL,
    _FLAGS,
    _INQUIRIES,
    _INQUIRY_COMMON,
    _ONE_ZERO,
    _PERSON_FIELDS,
    _PERSON_REQUIRED,
    _POSTS_SAMPLED_WITHOUT_SUCCESS,
    _STAFF_OPS,
    _WHOLE,
    SECTIONS,
    STATES,
    _check,
    _MethodNotAllowed,
    _project,
    _value,
    read_form,
)
from fake_server._layouts import (
    EXPERT_SEGMENTS,
    STAFF_SEGMENTS,
)
from fake_server._people import (
    _ACCOUNT_FIELDS,
    _base_flags,
    _base_json,
    _created_item,
    _created_text,
    _empty_profile,
    _flags_match,
    _int,
    _layout,
    _listed_in_capture,
    _name_key,
    _no_person,
    _Person,
    _StoreServer,
)
from fake_server._query import BadRequest, people_query, requested_fields, window
from fake_server._reads import sends_success
from fake_server._routes import NotFound, Server
from fake_server._wsgi import Answer

__all__ = ["Store"]


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
        strict = s.settings.write_validation == "strict"
        form = read_form(request, json_body=s.settings.write_json == "accept")
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
        prefix = "" if s.settings.new_username == "numbered" else f"{stem}-"
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
            and s.settings.staff_delete_of_expert == "404"
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
        if (
            section == "accomplishment"
            and s.settings.accomplishment_date == "both"
            and "start" in values
        ):
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
            success = (
                s.settings.success_key == "always" or section not in _POSTS_SAMPLED_WITHOUT_SUCCESS
            )
            if s.settings.section_post_answer == "id_null":
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
                server.settings.success_key,
                "expert" if expert else "staff",
                section,
                item_id is not None,
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
