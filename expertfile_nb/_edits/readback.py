"""What a write reads: the organization of a session, a GET's data, an item matched by its
fields, a person's account, whether a path exists. A write re-reads before it is resent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._auth.login import shared_session
from expertfile_nb._edits.send import (
    DEFAULT_WRITE_DEADLINE,
    compare_value,
)
from expertfile_nb._edits.table import (
    READ_AS,
)
from expertfile_nb._http.config import positive_seconds
from expertfile_nb._http.envelope import data_of, load_json
from expertfile_nb.errors import ConfigurationError, NotFoundError

if TYPE_CHECKING:
    import requests


def _session_and_deadline(
    session: requests.Session | None, deadline: float | None
) -> tuple[requests.Session, float]:
    if deadline is None:
        deadline = DEFAULT_WRITE_DEADLINE
    elif not positive_seconds(deadline):
        raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
    return (session if session is not None else shared_session()), float(deadline)


def _org(session: requests.Session) -> object:
    org = getattr(session, "org_id", None)
    if org is None:
        raise ConfigurationError(
            "This session does not know its organization id: use ef.get_session()."
        )
    return org


def _get_data(session: requests.Session, path: str, params: Mapping[str, str] | None = None) -> Any:
    return data_of(load_json(session.get(path, params=params).content))


ReadAs = Callable[[str], tuple[str, ...]]


def _matches(
    record: Mapping[str, Any], body: Mapping[str, str], read_as: ReadAs | None = None
) -> bool | None:
    """Whether ``record`` shows every sent value it has a key for (None: it shows none).

    ``read_as`` gives the keys a read may show a body field under (the first one the
    record has is compared); by default the field's own name. Values are compared as
    :func:`compare_value` puts them, both sides trimmed (a service that trims what it
    stores, or shows a value as a float, still confirms the write).
    """
    seen = False
    for name, value in body.items():
        key = next((k for k in (read_as(name) if read_as else (name,)) if k in record), None)
        if key is None:
            continue
        seen = True
        if compare_value(record[key]) != value.strip():
            return False
    return True if seen else None


def _item_keys(section: str) -> ReadAs:
    """Where a read item of ``section`` shows each body field (``READ_AS``, else its name)."""
    return lambda name: READ_AS.get((section, name), (name,))


def _account(session: requests.Session, path: str) -> dict[str, Any] | None:
    data = _get_data(session, path)
    rows = data.get("account") if isinstance(data, dict) else None
    return rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else None


def _exists(session: requests.Session, path: str) -> bool:
    try:
        session.get(path)
    except NotFoundError:
        return False
    return True
