"""Sending one documented write safely: checked, encoded, never resent blindly.

- Fields are checked against the table (``_edits/table.py``) before any request: a
  missing required field, an unknown field or a value outside a documented enum is a
  :class:`~expertfile_nb.errors.ConfigurationError` naming it.
- Bodies are form-encoded as the documents' samples send them; flags as ``1``/``0``;
  ``None`` as an empty value (clears the field).
- The transport never resends a write (``_http/transport.py`` keeps POST/PUT/DELETE out of
  urllib3's retries). Here, a write that *may* have happened (no answer, a timeout
  after sending, a 5xx) is re-read first: an update by reading the fields back, a
  delete by reading whether the record still exists, a create by looking for the
  created record. Only if the re-read shows it did not happen is it sent again; if
  the re-read cannot tell, :class:`~expertfile_nb.errors.UnconfirmedWriteError`.
  A create (or an added item) is sent again only if it is still absent after
  ``SETTLE_SECONDS`` more (a new record may take a moment to show in reads): when
  that wait does not fit in the deadline, ``UnconfirmedWriteError`` and nothing resent.
- A request whose connection never opened was not sent: the transport retries it
  (``CappedRetry``); one that may have been sent is never resent by the transport.
- A delete sent again (the re-read still showed the record) that answers 404 was done by
  the first one: the record is gone, as asked.
- A 429 means the write was not taken: it is sent again after ``Retry-After``.
- The whole call, waits and re-reads included, ends by its deadline.
"""

from __future__ import annotations

import difflib
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from expertfile_nb._edits.table import FLAG_FIELDS, INTEGER_FIELDS, KINDS, PersonKind, Section
from expertfile_nb._http.envelope import data_of, load_json
from expertfile_nb._reads.query import sendable, shown
from expertfile_nb._redact import hide
from expertfile_nb.errors import (
    APIError,
    ConfigurationError,
    DeadlineExceededError,
    NetworkError,
    NotConnectedError,
    NotFoundError,
    RateLimitError,
    UnconfirmedWriteError,
)

if TYPE_CHECKING:
    import requests

__all__ = ["Write", "compare_value", "encode_fields", "kind_of", "person_segment", "send_write"]

log = logging.getLogger("expertfile_nb")

Action = Literal["create", "update", "delete"]
#: resends after a re-read showed the write did not happen (each one re-read first)
MAX_RESENDS = 3
#: the longest wait for a 429's Retry-After, seconds (the deadline bounds it too)
MAX_WAIT = 60.0
DEFAULT_WRITE_DEADLINE = 120.0
#: seconds to wait before reading again a create the first re-read did not find
SETTLE_SECONDS = 2.0


def kind_of(kind: object) -> PersonKind:
    """The table row of ``kind`` (``"experts"`` or ``"staff"``)."""
    if kind not in KINDS:
        raise ConfigurationError(f"kind must be 'experts' or 'staff'; got {shown(kind)}.")
    return KINDS[str(kind)]


def person_segment(username: object) -> str:
    """A username as a path segment, percent-encoded; checked."""
    if not isinstance(username, str) or not username.strip():
        raise ConfigurationError(f"username must be a non-empty string; got {shown(username)}.")
    text = sendable("username", username.strip())
    if text in (".", ".."):
        raise ConfigurationError(f"username cannot be {text!r}.")
    return quote(text, safe="")


def item_segment(item_id: object) -> str:
    if isinstance(item_id, bool) or not isinstance(item_id, (int, str)) or not str(item_id):
        raise ConfigurationError(f"item_id must be an int or a string; got {shown(item_id)}.")
    return quote(sendable("item_id", str(item_id).strip()), safe="")


def section_of(person: PersonKind, section: object, op: str) -> Section:
    """The section row; its operation checked against the documents."""
    if section not in person.sections:
        close = difflib.get_close_matches(str(section), list(person.sections), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigurationError(
            f"{shown(section)} is not a writable section of {person.noun} profiles.{hint} "
            f"They are: {', '.join(person.sections)}."
        )
    row = person.sections[str(section)]
    if op not in row.ops:
        allowed = ", ".join(sorted(row.ops))
        raise ConfigurationError(
            f"The documents give no {op} for {person.noun} {row.name!r}; it allows: {allowed}."
        )
    return row


def _encode(name: str, value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if name in FLAG_FIELDS:
        if value in (True, 1, "1"):
            return "1"
        if value in (False, 0, "0"):
            return "0"
        raise ConfigurationError(f"{name} must be 1/0 or True/False; got {shown(value)}.")
    if isinstance(value, bool):
        raise ConfigurationError(f"{name} takes text, not a bool; got {value!r}.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int, float)):
        raise ConfigurationError(f"{name} must be text or a number; got {shown(value)}.")
    text = sendable(name, str(value))
    if name in INTEGER_FIELDS and text and not text.lstrip("-").isdigit():
        raise ConfigurationError(
            f"{name} must be a whole number (dates: Unix seconds; an education date: a "
            f"year); got {shown(value)}."
        )
    return text


def encode_fields(
    fields: Mapping[str, object],
    allowed: tuple[str, ...],
    *,
    required: tuple[str, ...] = (),
    choices: Mapping[str, tuple[str, ...]] | None = None,
    what: str,
) -> dict[str, str]:
    """The form body of a write, after checking its fields against the documents.

    Raises:
        ConfigurationError: an unknown field, a missing required one, an empty write,
            a value outside a documented enum, or a value holding the access token or
            client secret this process holds (each named; the value never shown).
    """
    unknown = [name for name in fields if name not in allowed]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, allowed, n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise ConfigurationError(
            f"{what}: unknown field(s) {', '.join(hints)}. The documented fields are: "
            f"{', '.join(allowed)}."
        )
    body = {name: _encode(name, value) for name, value in fields.items()}
    published = [name for name, text in body.items() if hide(text) != text]
    if published:  # the value would be published in the directory: never sent
        raise ConfigurationError(
            f"{what}: {', '.join(published)} holds the access token or client secret this "
            "process uses; nothing was sent. Check the value you meant to write."
        )
    missing = [name for name in required if not body.get(name, "").strip()]
    if missing:
        raise ConfigurationError(f"{what}: required field(s) missing: {', '.join(missing)}.")
    if not body and not required:
        raise ConfigurationError(f"{what}: no field given; nothing to send.")
    for name, values in (choices or {}).items():
        if body.get(name) and body[name] not in values:
            raise ConfigurationError(
                f"{what}: {name} must be one of {', '.join(values)}; got {body[name]!r}."
            )
    return body


def compare_value(value: object) -> str:
    """A value as a write sends it and a read shows it, for comparing the two."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        import pandas as pd  # only a frame's cells can be pandas' NA; pandas is loaded then

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover -- pandas is a dependency
        pass
    return str(value).strip()


Probe = Callable[["requests.Session"], "bool | None"]


@dataclass
class Write:
    """One write to send: its request, what a success looks like, how to re-read it.

    Attributes:
        method: POST, PUT or DELETE.
        path: the path, with the organization filled in.
        body: the form body (``None`` for DELETE).
        what: a description for messages.
        parse: checks the answer's ``data`` and returns what the caller gets.
        probe: re-reads the service: ``True`` the write happened, ``False`` it did
            not, ``None`` cannot tell.
        done: what to return when the probe shows the write happened.
        creates: the write adds a record (a create, an added item): resending it after a
            re-read that lagged would make two, so it is resent only if a second re-read,
            ``SETTLE_SECONDS`` later, still shows it absent.
    """

    method: str
    path: str
    body: dict[str, str] | None
    what: str
    parse: Callable[[Any], Any]
    probe: Probe
    done: Callable[[], Any]
    creates: bool = False
    sent: int = field(default=0)


def _answer(response: requests.Response, write: Write) -> Any:
    body = load_json(response.content)
    data = data_of(body)
    if data is None and not (isinstance(body, dict) and body.get("success") is True):
        raise APIError(
            f"{write.what} answered without the documented "
            '{"data": ..., "success": true} envelope. It may have happened: read the '
            "record before trying again.",
            status=response.status_code,
            url=response.url,
        )
    try:
        return write.parse(data)
    except (KeyError, TypeError, IndexError, ValueError):
        raise APIError(
            f"{write.what} answered, but not with the documented shape. If this persists, "
            "the API has changed.",
            status=response.status_code,
            url=response.url,
        ) from None


def _uncertain(error: Exception) -> bool:
    """Whether a failed write may have been carried out by the service."""
    if isinstance(error, NotConnectedError):
        return False  # no connection was ever opened: nothing was sent
    if isinstance(error, NetworkError):
        return True  # sent, maybe received; no answer (a timeout after sending, a reset)
    return isinstance(error, APIError) and (error.status is None or error.status >= 500)


def send_write(write: Write, session: requests.Session, deadline: float) -> Any:
    """Send ``write`` once, and again only after a re-read shows it did not happen.

    Raises:
        UnconfirmedWriteError: it may have happened and the re-read could not tell.
        RateLimitError: still 429 when the deadline would pass waiting.
        DeadlineExceededError: the deadline passed before it could be confirmed.
        APIError: the service refused it (4xx): nothing was changed.
    """
    end = time.monotonic() + deadline
    resends = 0
    while True:
        try:
            write.sent += 1
            response = session.request(write.method, write.path, data=write.body)
            return _answer(response, write)
        except RateLimitError as error:
            wait = min(error.retry_after if error.retry_after is not None else 1.0, MAX_WAIT)
            if time.monotonic() + wait >= end:
                raise
            log.info("%s: 429, sending again in %g s", write.what, wait)
            time.sleep(wait)  # a 429 was not carried out: safe to send again
            continue
        except (NetworkError, APIError) as error:
            if isinstance(error, NotFoundError) and write.method == "DELETE" and resends:
                # sent again after a re-read still showed the record (a read that lagged):
                # gone now, so the first one did it
                log.info("%s: not found when sent again: the first one was done", write.what)
                return write.done()
            if not _uncertain(error) or isinstance(error, NotFoundError):
                raise
            failure: Exception = error
        happened = _reread(write, session, end)
        if happened is False and write.creates:
            happened = _settled(write, session, end)
        if happened is True:
            log.info("%s: no answer, but re-reading shows it was done", write.what)
            return write.done()
        if happened is None:
            raise UnconfirmedWriteError(
                f"{write.what} may or may not have been carried out ({failure}), and reading "
                "the record back could not tell. Read it before trying again.",
                method=write.method,
                path=write.path,
            )
        resends += 1
        if resends > MAX_RESENDS or time.monotonic() >= end:
            raise failure
        log.info("%s: not done (re-read); sending again", write.what)


def _settled(write: Write, session: requests.Session, end: float) -> bool | None:
    """A create the re-read did not find, read again ``SETTLE_SECONDS`` later (``None``
    when that does not fit in the deadline: it may yet show up, so it is not resent)."""
    if time.monotonic() + SETTLE_SECONDS >= end:
        return None
    log.info("%s: not found yet; reading again in %g s", write.what, SETTLE_SECONDS)
    time.sleep(SETTLE_SECONDS)
    return _reread(write, session, end)


def _reread(write: Write, session: requests.Session, end: float) -> bool | None:
    """The probe, tried a few times (it is a GET: safe), by the deadline."""
    last: Exception | None = None
    for attempt in range(3):
        if time.monotonic() >= end:
            break
        try:
            return write.probe(session)
        except (NetworkError, APIError) as error:
            if isinstance(error, NotFoundError):
                raise
            last = error
            time.sleep(min(0.05 * 2**attempt, max(0.0, end - time.monotonic())))
    if last is None:
        raise DeadlineExceededError(
            f"{write.what}: the deadline passed before it could be confirmed.", deadline=0.0
        )
    return None
