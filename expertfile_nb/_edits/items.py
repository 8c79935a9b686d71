"""The documented writes of a profile's section items: add, update, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.send import (
    Write,
    compare_value,
    encode_fields,
    item_segment,
    kind_of,
    person_segment,
    section_of,
    send_write,
)
from expertfile_nb._edits.table import (
    Kind,
)

if TYPE_CHECKING:
    import requests
from expertfile_nb._edits.people import _check_deleted, _check_updated
from expertfile_nb._edits.readback import (
    _get_data,
    _item_keys,
    _matches,
    _org,
    _session_and_deadline,
)

__all__ = ["add_section_item", "delete_section_item", "update_section_item"]


def _section_list(s: requests.Session, path: str) -> list[dict[str, Any]] | None:
    data = _get_data(s, path)
    if not isinstance(data, list):
        return None
    return [item for item in data if isinstance(item, dict)]


def add_section_item(
    username: str,
    section: str,
    *,
    kind: Kind = "experts",
    session: requests.Session | None = None,
    deadline: float | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Add an item to a section of a profile (``POST …/:username/<section>``).

    For the single sections (``biography``, ``tagline``, ``fee``, ``availability``,
    ``social``) this sets the section.

    Args:
        username: the expert's or staff member's username.
        section: a documented section (``link``, ``education``, ``tag``, …).
        kind: ``"experts"`` (default) or ``"staff"`` (sections ``biography``,
            ``tagline``, ``link``, ``education``, ``language``, ``category``, ``tag``).
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).
        **fields: the section's documented fields (e.g. ``link``: ``name``, ``url``).

    Returns:
        ``{"id": …}`` (``None`` for the single sections).

    Raises:
        ConfigurationError: an undocumented section, a required field missing, an unknown
            field or a value outside a documented enum (each named), before any request.
        UnconfirmedWriteError: no clear answer, and reading the section could not tell.
        APIError: the service refused it.
    """
    person = kind_of(kind)
    segment = person_segment(username)
    row = section_of(person, section, "add")
    what = f"Add to {row.name} of {person.noun} {username!r}"
    body = encode_fields(fields, row.fields, required=row.required, choices=row.choices, what=what)
    active, seconds = _session_and_deadline(session, deadline)
    path = f"{person.path(_org(active), segment)}/{row.name}"
    created: dict[str, Any] = {"id": None}

    def parse(data: Any) -> dict[str, Any]:
        if row.single:  # each answers its own way: [{"id": null}], {"id": null}, the flags
            if isinstance(data, list) and len(data) == 1:
                data = data[0]
            if not isinstance(data, dict):
                raise ValueError("not an object")
            return data
        if not isinstance(data, dict) or "id" not in data:
            raise ValueError("no id")
        return data

    def probe(s: requests.Session) -> bool | None:
        items = _section_list(s, path)
        if items is None:
            return None
        results = [_matches(item, body, _item_keys(row.name)) for item in items]
        for item, result in zip(items, results, strict=True):
            if result:
                created["id"] = item.get("id")
                return True
        return False if any(r is False for r in results) or not items else None

    # a single section is set, not added to: sending it again cannot make two
    write = Write(
        "POST", path, body, what, parse, probe, lambda: dict(created), creates=not row.single
    )
    return send_write(write, active, seconds)  # type: ignore[no-any-return] # parse returns a dict


def update_section_item(
    username: str,
    section: str,
    item_id: int | str,
    *,
    kind: Kind = "experts",
    session: requests.Session | None = None,
    deadline: float | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Change an item of a profile section (``PUT …/:username/<section>/:id``).

    Args:
        username: the expert's or staff member's username.
        section: a section whose items can be updated (``link``, ``education``, …).
        item_id: the item's ``id`` (from :func:`expertfile_nb.get_expert` with
            ``section=``).
        kind: ``"experts"`` (default) or ``"staff"``.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).
        **fields: any of the section's fields (all optional on update).

    Returns:
        ``{"id": …, "updated": True}``.

    Raises:
        ConfigurationError: an undocumented section or operation, no field, an unknown
            field or a value outside a documented enum, before any request.
        NotFoundError: no such person or item.
        UnconfirmedWriteError: no clear answer, and reading the item could not tell.
        APIError: the service refused it.
    """
    person = kind_of(kind)
    segment = person_segment(username)
    row = section_of(person, section, "update")
    item = item_segment(item_id)
    what = f"Update {row.name} item {item_id!r} of {person.noun} {username!r}"
    body = encode_fields(fields, row.fields + row.update_only, choices=row.choices, what=what)
    active, seconds = _session_and_deadline(session, deadline)
    path = f"{person.path(_org(active), segment)}/{row.name}"

    def probe(s: requests.Session) -> bool | None:
        items = _section_list(s, path)
        mine = [i for i in items or [] if compare_value(i.get("id")) == compare_value(item_id)]
        return _matches(mine[0], body, _item_keys(row.name)) if mine else None

    write = Write(
        "PUT",
        f"{path}/{item}",
        body,
        what,
        _check_updated,
        probe,
        lambda: {"id": item_id, "updated": True},
    )
    return send_write(write, active, seconds)  # type: ignore[no-any-return] # parse returns a dict


def delete_section_item(
    username: str,
    section: str,
    item_id: int | str,
    *,
    kind: Kind = "experts",
    session: requests.Session | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Delete an item of a profile section (``DELETE …/:username/<section>/:id``).

    Args:
        username: the expert's or staff member's username.
        section: a section whose items can be deleted (``link``, ``tag``, …).
        item_id: the item's ``id``.
        kind: ``"experts"`` (default) or ``"staff"``.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).

    Returns:
        ``{"id": …, "deleted": True}``.

    Raises:
        ConfigurationError: an undocumented section or operation, before any request.
        NotFoundError: no such person or item.
        UnconfirmedWriteError: no clear answer, and reading the section could not tell.
        APIError: the service refused it.
    """
    person = kind_of(kind)
    segment = person_segment(username)
    row = section_of(person, section, "delete")
    item = item_segment(item_id)
    active, seconds = _session_and_deadline(session, deadline)
    path = f"{person.path(_org(active), segment)}/{row.name}"

    def probe(s: requests.Session) -> bool | None:
        items = _section_list(s, path)
        if items is None:
            return None
        return not any(compare_value(i.get("id")) == compare_value(item_id) for i in items)

    write = Write(
        "DELETE",
        f"{path}/{item}",
        None,
        f"Delete {row.name} item {item_id!r} of {person.noun} {username!r}",
        _check_deleted,
        probe,
        lambda: {"id": item_id, "deleted": True},
    )
    return send_write(write, active, seconds)  # type: ignore[no-any-return] # parse returns a dict
