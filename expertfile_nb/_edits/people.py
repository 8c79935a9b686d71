"""The documented writes of a person: create, update and delete experts and staff, and
finding a person a create may have made (:func:`find_person`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.send import (
    Write,
    encode_fields,
    kind_of,
    person_segment,
    send_write,
)
from expertfile_nb._edits.table import (
    ACCOUNT_CREATE,
    ACCOUNT_REQUIRED,
    ACCOUNT_UPDATE,
    PersonKind,
)
from expertfile_nb.errors import NotFoundError

if TYPE_CHECKING:
    import requests
from expertfile_nb._edits.readback import (
    _account,
    _exists,
    _get_data,
    _matches,
    _org,
    _session_and_deadline,
)

__all__ = [
    "create_expert",
    "create_staff_member",
    "delete_expert",
    "delete_staff_member",
    "find_person",
    "update_expert",
    "update_staff_member",
]


def _check_updated(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("updated") is not True:
        raise ValueError("not updated")
    return data


def _check_deleted(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("deleted") is not True:
        raise ValueError("not deleted")
    return data


def find_person(person: PersonKind, body: Mapping[str, str], s: requests.Session) -> str | None:
    """The username of a person whose account shows every value of ``body`` ("" if none
    is found; ``None`` if the list could not be read, or a namesake's account shows the
    names alone, so that it cannot tell them apart): searched by full name (the
    documented ``searchfield=fullname``), each candidate's account read and compared."""
    org = _org(s)
    list_path = f"/v2/organization/{org}/" + ("expert" if person.kind == "experts" else "employee")
    key = "experts" if person.kind == "experts" else "staff"
    access = ("all",) if person.kind == "experts" else ("public", "private")
    name = f"{body.get('firstname', '')} {body.get('lastname', '')}".strip()
    others = {k: v for k, v in body.items() if k not in ("firstname", "lastname")}
    unsure = False
    for level in access:
        query = {"q": name, "searchfield": "fullname", "access": level, "page_size": "50"}
        if person.kind == "experts":
            query["status"] = "all"
        data = _get_data(s, list_path, query)
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            return None
        for row in data[key]:
            username = row.get("username") if isinstance(row, dict) else None
            if not isinstance(username, str) or not username.strip():
                continue
            try:
                account = _account(s, person.path(org, person_segment(username)))
            except NotFoundError:
                continue
            if account is not None and _matches(account, body):
                if _matches(account, others) is None:  # names alone: anyone of that name
                    unsure = True
                    continue
                return username
    return None if unsure else ""


def _create(person: PersonKind, fields: dict[str, Any], session: Any, deadline: Any) -> Any:
    what = f"Create {person.noun}"
    body = encode_fields(fields, ACCOUNT_CREATE, required=ACCOUNT_REQUIRED, what=what)
    active, seconds = _session_and_deadline(session, deadline)
    found: dict[str, Any] = {}

    def parse(data: Any) -> dict[str, Any]:
        if person.kind == "experts":  # the body echoed as a one-element list
            if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
                raise ValueError("not one record")
            record: dict[str, Any] = data[0]
            return record
        if not isinstance(data, dict) or data.get("inserted") is not True:
            raise ValueError("not inserted")
        if not isinstance(data.get("username"), str):
            raise ValueError("no username")
        return data

    def probe(s: requests.Session) -> bool | None:
        name = find_person(person, body, s)
        if name:
            found["username"] = name
        return None if name is None else bool(name)

    def done() -> dict[str, Any]:
        if person.kind == "experts":
            return dict(body)
        return {"username": found.get("username"), "inserted": True}

    write = Write("POST", person.path(_org(active)), body, what, parse, probe, done, creates=True)
    return send_write(write, active, seconds)


def _update(
    person: PersonKind, username: str, fields: dict[str, Any], session: Any, deadline: Any
) -> Any:
    segment = person_segment(username)
    what = f"Update {person.noun} {username!r}"
    body = encode_fields(fields, ACCOUNT_UPDATE, what=what)
    active, seconds = _session_and_deadline(session, deadline)
    path = person.path(_org(active), segment)

    def probe(s: requests.Session) -> bool | None:
        account = _account(s, path)
        return None if account is None else _matches(account, body)

    write = Write(
        "PUT", path, body, what, _check_updated, probe, lambda: {"user": username, "updated": True}
    )
    return send_write(write, active, seconds)


def _delete(person: PersonKind, username: str, session: Any, deadline: Any) -> Any:
    segment = person_segment(username)
    active, seconds = _session_and_deadline(session, deadline)
    path = person.path(_org(active), segment)
    write = Write(
        "DELETE",
        path,
        None,
        f"Delete {person.noun} {username!r}",
        _check_deleted,
        lambda s: not _exists(s, path),
        lambda: {"id": None, "deleted": True},
    )
    return send_write(write, active, seconds)


def create_expert(
    *, session: requests.Session | None = None, deadline: float | None = None, **fields: Any
) -> dict[str, Any]:
    """Create an expert in the organization (``POST …/expert``).

    Args:
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).
        **fields: ``firstname``, ``lastname``, ``job_title``, ``email``, ``company``
            (required), and optionally ``department``, ``phone_number``,
            ``phone_number_extension``, ``location_city``, ``location_state``,
            ``location_country``, ``location_postal``, ``location_address``,
            ``location_building``, ``location_room``.

    Returns:
        The created record as the service echoes it (a dict of the fields sent).

    Raises:
        ConfigurationError: a required field missing or a field not documented (named),
            before any request.
        UnconfirmedWriteError: no clear answer, and the record could not be found or
            ruled out (a record not found is looked for again after a settle delay, and
            sent again only if still absent, within the deadline); nothing was sent again.
        APIError: the service refused it.
    """
    return _create(kind_of("experts"), fields, session, deadline)  # type: ignore[no-any-return] # parse returns a dict


def create_staff_member(
    *, session: requests.Session | None = None, deadline: float | None = None, **fields: Any
) -> dict[str, Any]:
    """Create a staff user (``POST …/staff``); the fields are those of :func:`create_expert`.

    Args:
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).
        **fields: ``firstname``, ``lastname``, ``job_title``, ``email``, ``company``
            (required) and the optional fields of :func:`create_expert`.

    Returns:
        ``{"username": …, "inserted": True}``.

    Raises:
        ConfigurationError: a required field missing or a field not documented.
        UnconfirmedWriteError: no clear answer, and the record could not be found or
            ruled out.
        APIError: the service refused it.
    """
    return _create(kind_of("staff"), fields, session, deadline)  # type: ignore[no-any-return] # parse returns a dict


def update_expert(
    username: str,
    *,
    session: requests.Session | None = None,
    deadline: float | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Change fields of an expert's account (``PUT …/expert/:username``).

    Args:
        username: the expert's username.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).
        **fields: any of the create fields of :func:`create_expert`, and ``is_private``,
            ``is_published`` (True/False or 1/0, sent as 1/0). ``None`` clears a field.

    Returns:
        ``{"user": username, "updated": True}``.

    Raises:
        ConfigurationError: no field, or a field not documented, before any request.
        NotFoundError: no such expert.
        UnconfirmedWriteError: no clear answer and the fields could not be read back.
        APIError: the service refused it.
    """
    return _update(kind_of("experts"), username, fields, session, deadline)  # type: ignore[no-any-return] # parse returns a dict


def update_staff_member(
    username: str,
    *,
    session: requests.Session | None = None,
    deadline: float | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Change fields of a staff user's account (``PUT …/staff/:username``).

    Args:
        username: the staff member's username.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).
        **fields: as for :func:`update_expert`.

    Returns:
        ``{"user": username, "updated": True}``.

    Raises:
        ConfigurationError: no field, or a field not documented.
        NotFoundError: no such staff member.
        UnconfirmedWriteError: no clear answer and the fields could not be read back.
        APIError: the service refused it.
    """
    return _update(kind_of("staff"), username, fields, session, deadline)  # type: ignore[no-any-return] # parse returns a dict


def delete_expert(
    username: str, *, session: requests.Session | None = None, deadline: float | None = None
) -> dict[str, Any]:
    """Delete an expert (``DELETE …/expert/:username``).

    Args:
        username: the expert's username.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).

    Returns:
        ``{"id": …, "deleted": True}``.

    Raises:
        NotFoundError: no such expert.
        APIError: the service refused it.
    """
    return _delete(kind_of("experts"), username, session, deadline)  # type: ignore[no-any-return] # parse returns a dict


def delete_staff_member(
    username: str, *, session: requests.Session | None = None, deadline: float | None = None
) -> dict[str, Any]:
    """Delete a staff user (``DELETE …/staff/:username``).

    Args:
        username: the staff member's username.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits and re-reads included (default 120).

    Returns:
        ``{"id": …, "deleted": True}``.

    Raises:
        NotFoundError: no such staff member.
        APIError: the service refused it.
    """
    return _delete(kind_of("staff"), username, session, deadline)  # type: ignore[no-any-return] # parse returns a dict
