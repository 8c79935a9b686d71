"""The overlay's people: a person the store touched, their section changes, and how a
list row of one is made, flagged and sorted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from werkzeug.wrappers import Request

from fake_server._forms import (
    _WHOLE,
    _project,
)
from fake_server._layouts import (
    EXPERT_PROFILE,
    INFERRED_EXPERT_SECTIONS,
    STAFF_PROFILE,
    Layout,
)
from fake_server._routes import NotFound, Route, Server
from fake_server._wsgi import Answer

if TYPE_CHECKING:
    from fake_server._store import Store


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
    write_routes: tuple[Route, ...]

    def after_write(self, request: Request) -> Answer | None: ...


def _layout(expert: bool) -> Layout:
    return EXPERT_PROFILE | INFERRED_EXPERT_SECTIONS if expert else STAFF_PROFILE


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
