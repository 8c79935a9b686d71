"""The documented writes: create, update and delete experts, staff and their profile items.

One function per documented write, all made from the table in ``_edits/table.py``
and sent by ``_edits/send.py`` (checked before any request, form-encoded, never resent
blindly: a write that may have happened is re-read first). Each returns the
documented answer's ``data``:

- ``create_expert`` → the echoed record (a dict; the service sends a one-element list);
- ``create_staff_member`` → ``{"username": …, "inserted": True}``;
- ``update_*`` → ``{"user": username, "updated": True}``;
- ``delete_*`` → ``{"id": …, "deleted": True}``;
- ``add_section_item`` → ``{"id": …}`` (``None`` for the single sections, e.g. biography);
- ``update_section_item`` / ``delete_section_item`` → ``{"id": …, "updated"/"deleted": True}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._auth.login import shared_session
from expertfile_nb._edits.send import (
    DEFAULT_WRITE_DEADLINE,
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
    ACCOUNT_CREATE,
    ACCOUNT_REQUIRED,
    ACCOUNT_UPDATE,
    INQUIRIES,
    INQUIRY_OPTIONAL,
    INQUIRY_REQUIRED,
    READ_AS,
    Kind,
    PersonKind,
)
from expertfile_nb._http.config import positive_seconds
from expertfile_nb._http.envelope import data_of, load_json
from expertfile_nb.codes import COUNTRIES, STATES
from expertfile_nb.errors import ConfigurationError, NotFoundError

if TYPE_CHECKING:
    import requests

__all__ = [
    "add_section_item",
    "create_expert",
    "create_staff_member",
    "delete_expert",
    "delete_section_item",
    "delete_staff_member",
    "find_person",
    "send_inquiry",
    "update_expert",
    "update_section_item",
    "update_staff_member",
]


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


# -- people ------------------------------------------------------------------------------
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
    is found; ``None`` if the list could not be read): searched by full name (the
    documented ``searchfield=fullname``), each candidate's account read and compared."""
    org = _org(s)
    list_path = f"/v2/organization/{org}/" + ("expert" if person.kind == "experts" else "employee")
    key = "experts" if person.kind == "experts" else "staff"
    access = ("all",) if person.kind == "experts" else ("public", "private")
    name = f"{body.get('firstname', '')} {body.get('lastname', '')}".strip()
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
                return username
    return ""


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


# -- section items -----------------------------------------------------------------------
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


def send_inquiry(
    inquiry_type: str,
    *,
    session: requests.Session | None = None,
    deadline: float | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Send an inquiry to one of the organization's experts (``POST …/inquiry/<type>``).

    No documented read shows an inquiry, so one that got no clear answer is never sent
    again (it would reach the expert twice): :class:`UnconfirmedWriteError` says so.

    Args:
        inquiry_type: ``general``, ``event``, ``media``, ``partnership``, ``admission``,
            ``research``, ``business``, ``donor`` or ``expertwitness``.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for the whole call, waits included (default 120).
        **fields: ``firstname``, ``lastname``, ``email``, ``message``, ``location_city``,
            ``location_state``, ``location_country`` (a documented code; when it is ``CA``
            or ``US``, ``location_state`` must be one of its documented codes too, see
            :mod:`expertfile_nb.codes`), ``username`` (the expert), optionally
            ``phone``, ``website``, ``organization``; and the type's own fields (e.g.
            ``media``: ``media_position``, ``media_type``, ``media_deadline``).

    Returns:
        ``{"id": …}``, the inquiry's id.

    Raises:
        ConfigurationError: an unknown type, a required field missing, an unknown field,
            a value outside a documented list, or a country or (CA/US) state that is not a
            documented code, before any request.
        UnconfirmedWriteError: no clear answer; it was not sent again.
        APIError: the service refused it.
    """
    if inquiry_type not in INQUIRIES:
        raise ConfigurationError(
            f"inquiry_type must be one of {', '.join(INQUIRIES)}; got {inquiry_type!r:.40}."
        )
    required, optional, choices = INQUIRIES[inquiry_type]
    what = f"Send a {inquiry_type} inquiry"
    body = encode_fields(
        fields,
        INQUIRY_REQUIRED + INQUIRY_OPTIONAL + required + optional,
        required=INQUIRY_REQUIRED + required,
        choices=choices,
        what=what,
    )
    _check_place(body, what)
    active, seconds = _session_and_deadline(session, deadline)

    def parse(data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or "id" not in data:
            raise ValueError("no id")
        return data

    write = Write(
        "POST",
        f"/v2/organization/{_org(active)}/inquiry/{inquiry_type}",
        body,
        what,
        parse,
        lambda s: None,  # nothing to read back
        dict,
    )
    return send_write(write, active, seconds)  # type: ignore[no-any-return] # parse returns a dict


def _check_place(body: Mapping[str, str], what: str) -> None:
    """The documented inquiry rule: ``location_country`` a code of the documented list,
    and ``location_state`` one of its documented codes when the country is CA or US
    (free text elsewhere). Codes are compared as the documents write them (uppercase)."""
    country = body.get("location_country", "").strip()
    if country not in COUNTRIES:
        raise ConfigurationError(
            f"{what}: location_country must be a documented country code (e.g. US, CA, GB; "
            f"see expertfile_nb.codes.COUNTRIES); got {country!r:.40}."
        )
    state = body.get("location_state", "").strip()
    if country in STATES and state not in STATES[country]:
        raise ConfigurationError(
            f"{what}: location_state must be one of the documented codes of "
            f"{COUNTRIES[country].title()} ({country}) when location_country is {country}: "
            f"{', '.join(STATES[country])}; got {state!r:.40}."
        )
