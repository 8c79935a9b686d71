"""One change of a plan, and how its values are compared and shown.

A value the service shows that holds the access token or the client secret this process
holds is kept with ``***`` in its place (:func:`_redacted`); :data:`UNSHOWN` lists the
fields no documented read of one person shows.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from expertfile_nb._edits.send import compare_value
from expertfile_nb._edits.table import ACCOUNT_CREATE, ACCOUNT_UPDATE
from expertfile_nb._redact import REDACTED, _held, forms_of, hide

if TYPE_CHECKING:
    pass


__all__ = ["Change"]


Action = Literal["update", "create", "delete"]
#: statuses after which a change is finished (a resume does not touch it again)
FINAL = frozenset({"applied", "already applied", "conflict"})
_HIDDEN = ("token", "secret", "password")
_SHOWN = 50  # changes listed in the text and HTML views
_EARLIER_LOCK = threading.Lock()
#: profile columns set by a single section's POST (API reference §3.4): column →
#: (section, form field); read back from the profile's section of the column's name
SECTION_COLUMNS = {"biography": ("biography", "description"), "tagline": ("tagline", "tagline")}
EDITABLE = (*ACCOUNT_UPDATE, *SECTION_COLUMNS)
#: editable account fields that no documented read of one person shows (API reference
#: §3.2 expert ``account``; §4.2 staff ``account``): planned only when named in
#: ``plan_changes(..., unverifiable=[...])``, written without comparison, never undone
UNSHOWN: dict[str, frozenset[str]] = {
    "experts": frozenset(
        {
            "department", "phone_number_extension", "location_building", "location_room",
            "is_private", "is_published",
        }
    ),
    "staff": frozenset({"is_private"}),
}  # fmt: skip
#: the fields a create takes no value for: a new row holding one is refused, not dropped
_NOT_CREATED = tuple(f for f in EDITABLE if f not in ACCOUNT_CREATE)


@dataclass(frozen=True)
class Change:
    """One planned change.

    Attributes:
        action: ``"update"``, ``"create"`` or ``"delete"``.
        username: the person (``None`` for a create: the service names new people).
        field: the field an update changes (``None`` for a create or a delete).
        old: the value in ``before`` (a delete: the before-image, a dict).
        new: the value in ``after`` (a create: the fields sent, a dict).
        unverifiable: an update of a field no read shows (:data:`UNSHOWN`), planned
            because it was named in ``plan_changes(..., unverifiable=[...])``: written
            without comparison, and never undone (``old`` is what ``before`` said, not
            something the service was seen to hold).
    """

    action: Action
    username: str | None
    field: str | None
    old: Any
    new: Any
    unverifiable: bool = False


def _plain(value: Any) -> Any:
    """A cell as a JSON-able Python value (numpy scalars unwrapped, NA as None)."""
    import pandas as pd

    if isinstance(value, (list, dict)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return str(value)
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _hidden(name: object) -> bool:
    # a create's or a delete's field is None, NaN in a pandas 3 string column
    return isinstance(name, str) and any(word in name.lower() for word in _HIDDEN)


def _key(value: object) -> str | None:
    """A value for comparing, as the service shows it (:func:`compare_value`) and in
    Unicode NFC; ``None`` for a value that is no text, number or flag (a dict, a list):
    such a value equals nothing, so it is never taken as read."""
    if isinstance(value, (dict, list, tuple, set)):
        return None
    return unicodedata.normalize("NFC", compare_value(value))


def _same(a: object, b: object) -> bool:
    """Whether two values are the same as the service shows them (see :func:`_key`)."""
    ka, kb = _key(a), _key(b)
    return ka is not None and ka == kb


_HEADS: list[tuple[tuple[str, ...], frozenset[str]]] = [((), frozenset())]
_HEAD = 8  # every held value is this long or longer (expertfile_nb._redact holds no less)


def _secret_heads() -> frozenset[str]:
    """The first 8 characters of every whole-value form (:func:`forms_of`) of the tokens
    and secrets this process holds; made again only when those change."""
    held = _held()
    key, heads = _HEADS[-1]
    if key != held:
        heads = frozenset(f[:_HEAD] for h in held for f in forms_of(h) if len(f) >= _HEAD)
        _HEADS[-1] = (held, heads)
    return heads


def _may_hold_secret(text: str) -> bool:
    """Whether ``text`` has a run that begins like a held value's form: a set look-up per
    character, so a value is checked in microseconds; only such a text goes through
    :func:`hide` (which finds every form, per-character escapes included)."""
    heads = _secret_heads()
    return bool(heads) and any(text[i : i + _HEAD] in heads for i in range(len(text) - _HEAD + 1))


def _redacted(value: Any) -> Any:
    """A value the service showed, without the token or secret this process holds."""
    if isinstance(value, str):
        return hide(value) if _may_hold_secret(value) else value
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _holds_secret(value: Any) -> bool:
    return bool(_redacted(value) != value)


def _marked(value: Any) -> bool:
    """Whether ``value`` shows the ``***`` a read leaves where the service echoed a held
    token or secret (:func:`expertfile_nb._redact.clean`), in a string, key or item."""
    if isinstance(value, str):
        return REDACTED in value
    if isinstance(value, dict):
        return any(_marked(k) or _marked(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_marked(v) for v in value)
    return False


def _not_seen_whole(value: Any) -> bool:
    """Whether a value read from the service is not known whole: it holds a held token or
    secret, or the ``***`` left in its place. Never written back by an undo."""
    return _marked(value) or _holds_secret(value)


def _noun(kind: str) -> str:
    return "expert" if kind == "experts" else "staff"


def _show(name: str | None, value: Any, width: int = 60) -> str:
    if _hidden(name):
        return "•••"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(k, v, 30)}" for k, v in value.items())
    text = "∅" if value is None else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
