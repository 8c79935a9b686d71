"""``send_inquiry``: the documented inquiry forms (API reference §6), checked before sending."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.send import (
    Write,
    encode_fields,
    send_write,
)
from expertfile_nb._edits.table import (
    INQUIRIES,
    INQUIRY_OPTIONAL,
    INQUIRY_REQUIRED,
)
from expertfile_nb.codes import COUNTRIES, STATES
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import requests
from expertfile_nb._edits.readback import _org, _session_and_deadline

__all__ = ["send_inquiry"]


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
