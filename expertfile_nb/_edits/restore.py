"""A deleted profile brought back: its whole before-image, and the writes that restore it."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.send import compare_value, person_segment
from expertfile_nb._edits.table import ACCOUNT_CREATE, ACCOUNT_UPDATE
from expertfile_nb._http.deadline import within
from expertfile_nb.errors import NotFoundError

if TYPE_CHECKING:
    from expertfile_nb._edits.apply import _Applier
from expertfile_nb._edits.change import (
    SECTION_COLUMNS,
    Change,
    _not_seen_whole,
    _redacted,
    _same,
)

_NOT_UNDONE = (
    "not undone: the value before was never read back (the field was written as "
    "unverifiable), so writing it back could overwrite what the service holds"
)
#: profile sections (as the read names them) → the section the documents let one add to
_READ_SECTIONS = {
    "eventAppearance": "eventappearance",
    "patents": "patent",
    "corporationSocial": "social",
    "corporationsocial": "social",
}
#: read sections that are not the person's own data (the organization's, the kind's)
_NOT_THE_PERSONS = frozenset({"account", "corporationProfile", "corporationprofile", "profiletype"})


def _without_secrets(profile: Any) -> Any:
    """A profile read as a delete journals it: an account field or a section item holding
    the token or secret this process holds is left out (an undo never writes it back,
    neither the token nor a value with ``***`` in it; it reports the field as not read)."""
    if not isinstance(profile, dict):
        return _redacted(profile)
    kept: dict[str, Any] = {}
    for key, items in profile.items():
        if key == "account" and isinstance(items, list):
            kept[key] = [
                {k: v for k, v in row.items() if not _not_seen_whole(v)}
                if isinstance(row, dict)
                else _redacted(row)
                for row in items
            ]
        elif isinstance(items, list):
            kept[key] = [item for item in items if not _not_seen_whole(item)]
        else:
            kept[key] = _redacted(items)
    return kept


_NOT_SEEN_WHOLE = (
    "not undone: the value before held the access token or client secret (read as ***), "
    "so it was never seen whole; writing it back would publish the token or a value the "
    "service never held"
)


def _never_undone(change: Change) -> str | None:
    """Why an undo must leave this (reversed) update alone and report it, or ``None``."""
    if change.unverifiable:  # written blind on the user's word: never undone blind
        return _NOT_UNDONE
    if _not_seen_whole(change.new):  # the value to write back is the plan's old one
        return _NOT_SEEN_WHOLE
    return None


def _restoring(change: Change) -> bool:
    """A create that restores a deleted person (an undo's): ``old`` is the image."""
    return isinstance(change.old, dict) and isinstance(change.old.get("profile"), dict)


def _shown(profile: Any) -> dict[str, Any] | None:
    """The account fields and section columns a profile read shows (None: no account)."""
    rows = profile.get("account") if isinstance(profile, dict) else None
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
        return None
    current = dict(rows[0])
    for column in SECTION_COLUMNS:
        items = profile.get(column)
        if isinstance(items, list):  # an empty section: no value
            first = items[0] if items and isinstance(items[0], dict) else {}
            current[column] = first.get(column)
    return current


def _item_fields(section: Any, item: Mapping[str, Any]) -> dict[str, Any]:
    """A read item as the fields of its section's add (keys as the read names them)."""
    from expertfile_nb._edits.table import READ_AS

    fields: dict[str, Any] = {}
    for name in section.fields:
        for key in READ_AS.get((section.name, name), (name,)):
            if item.get(key) is not None:
                fields[name] = item[key]
                break
    return fields


def _same_item(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two section items hold the same values, field by field, as the service
    shows them (see :func:`_same`)."""
    return all(_same(a.get(k), b.get(k)) for k in {*a, *b})


def _restore_writes(
    person: Any, image: Mapping[str, Any], now: Any
) -> tuple[list[tuple[str | None, dict[str, Any]]], list[str], list[str]]:
    """The writes that bring the profile ``image`` back onto a person whose profile reads
    ``now``: (section or None for the account, fields) in order; the sections (or items)
    no documented write can bring back; the account fields the image does not show (never
    written blind: the new person keeps what the service gives them)."""
    current = now if isinstance(now, dict) else {}
    shown = _shown(current) or {}
    account = (_shown({"account": image.get("account")}) or {}) if image.get("account") else {}
    fields = {
        k: account[k]
        for k in ACCOUNT_UPDATE
        if account.get(k) is not None and compare_value(shown.get(k)) != compare_value(account[k])
    }
    unread = [k for k in ACCOUNT_UPDATE if k not in account]
    writes: list[tuple[str | None, dict[str, Any]]] = [(None, fields)] if fields else []
    lost: list[str] = []
    for key, items in image.items():
        if key in _NOT_THE_PERSONS or not isinstance(items, list) or not items:
            continue
        section = person.sections.get(_READ_SECTIONS.get(key, key.lower()))
        if section is None or "add" not in section.ops:
            lost.append(key)
            continue
        have = [
            _item_fields(section, item)
            for item in current.get(key, []) or []
            if isinstance(item, dict)
        ]
        for i, item in enumerate(items):
            want = _item_fields(section, item) if isinstance(item, dict) else {}
            if not section.single:
                want = {k: v for k, v in want.items() if compare_value(v)}
            if not want or any(not compare_value(want.get(f)) for f in section.required):
                if want or section.required:
                    lost.append(f"{key}[{i}]")
                continue
            match = next((h for h in have if _same_item(h, want)), None)
            if match is not None:
                have.remove(match)  # one shown item matches one item of the image
                continue
            writes.append((section.name, want))
    return writes, lost, unread


def still_there(app: _Applier, username: object, fields: Mapping[str, Any]) -> bool:
    """Whether ``username`` still shows the deleted person: an account whose names
    (and email, when both show one) are the image's. Someone else given the username
    since is not them (then the person is restored under a new one)."""
    from expertfile_nb._edits.readback import _get_data

    if not isinstance(username, str) or not username:
        return False
    path = app.person.path(app.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
    try:
        shown = _shown(_get_data(app.session, path))
    except NotFoundError:
        return False
    return shown is not None and all(
        compare_value(shown.get(k)) == compare_value(fields.get(k))
        for k in ("firstname", "lastname", "email")
        if k != "email" or (k in shown and k in fields)
    )


def find(app: _Applier, fields: Mapping[str, Any]) -> str | None:
    """The username of the person whose account shows these create fields ("" if
    none, ``None`` if the people could not be searched)."""
    from expertfile_nb._edits.people import find_person
    from expertfile_nb._edits.send import encode_fields

    body = encode_fields(fields, ACCOUNT_CREATE, what="Find")
    return find_person(app.person, body, app.session)


def restore_person(app: _Applier, n: int, change: Change) -> None:
    """Undo a delete: create the person again (the service names them anew), then
    write what the new profile does not show yet: the other account fields,
    biography and tagline, every section item the documents let one add. Each step
    compares first, so running it again (a resume, a second undo) writes only what
    is still missing and never creates the person twice: a create an earlier run sent
    is looked for by its fields, and sent again only if no one shows them now and
    still after the settle delay (as a single write's re-read does); if the people
    cannot be searched, nothing is sent."""
    from expertfile_nb._edits.readback import _get_data

    old = change.old["username"]
    username = app._created.get(n)
    if not username and still_there(app, old, change.new):  # the delete never happened
        return app._finish(n, "already applied", f"{old!r} was not deleted: kept as it is")
    if not username and n in app._sent_before:  # an earlier run sent the create
        # its searches and the settle delay count in the deadline (as a create's)
        with within(app.deadline) if app.deadline else contextlib.nullcontext():
            username = find(app, change.new)
            if username == "":  # absent: sent again only if still absent after a settle
                username = find(app, change.new) if app._settle() else None
        if username is None:
            return app._finish(
                n,
                "failed",
                f"the create of {old!r} was sent by an earlier run and may have been made, "
                "but the people could not be searched (or a namesake shows the names alone, "
                "or not again within the deadline): not sent again; run it again",
            )
    if not username:
        app.journal.write({"type": "sending", "n": [n]}, sync=True)
        app._sent_before.add(n)
        with app._turn():
            answer = app._call("create")(session=app.session, deadline=app.deadline, **change.new)
        named = answer.get("username") if isinstance(answer, dict) else None
        username = named if isinstance(named, str) and named else find(app, change.new)
        if not username:
            return app._finish(
                n, "failed", f"{old!r} was created again, but the new person is not found"
            )
    if _not_seen_whole(username):  # read as ***: no username to write the rest to
        return app._finish(
            n,
            "applied",
            f"{old!r} was created again; its new username holds the token "
            "(read as ***): the rest of the profile is not restored",
        )
    app._created[n] = username
    app.journal.write({"type": "created", "n": n, "username": username}, sync=True)
    path = app.person.path(app.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
    now = _get_data(app.session, path)
    writes, lost, unread = _restore_writes(app.person, change.old["profile"], now)
    parts = app._parts_before.get(n, set())
    again = sorted(s or "the account fields" for s, _ in writes if s in parts)
    if again:  # an earlier run sent these: what it added may take a moment to show
        if not app._settle():
            return app._finish(
                n,
                "failed",
                f"an earlier run sent {', '.join(again)} and the profile does "
                "not show it yet; the settle delay does not fit in the deadline: run it again",
            )
        now = _get_data(app.session, path)
        writes, lost, unread = _restore_writes(app.person, change.old["profile"], now)
    for section, fields in writes:
        app.journal.write({"type": "sending", "n": [n], "part": section}, sync=True)
        with app._turn():
            app._send_part(username, section, fields)
    detail = f"restored as {username!r} (was {old!r})"
    if lost:
        detail += f"; not restorable (no documented write): {', '.join(lost)}"
    if unread:
        detail += (
            "; not shown by the read before the delete (or holding the token), left as "
            f"the service sets them: {', '.join(unread)}"
        )
    app._finish(n, "applied", detail, username=username, not_restored=lost, not_read=unread)
    return None
