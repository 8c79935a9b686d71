"""A deleted profile brought back: its whole before-image, and the writes that restore it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.send import compare_value
from expertfile_nb._edits.table import ACCOUNT_UPDATE

if TYPE_CHECKING:
    pass
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
