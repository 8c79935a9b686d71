"""The single reads: one profile (or one of its sections), one spotlight.

Their documented shapes (API reference §1, §3.2, §3.4, §4.2, §5.2):

- a profile: ``data`` is an object, section name → list;
- a section (sub-resource): ``data`` is a list;
- a spotlight: ``data.spotlight`` is a one-element list, which is unwrapped.

Anything else is an :class:`~expertfile_nb.errors.APIError` saying what came back.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from expertfile_nb._http.envelope import data_of, load_json
from expertfile_nb._reads.query import sendable, shown
from expertfile_nb.errors import APIError, ConfigurationError

if TYPE_CHECKING:
    import requests

    from expertfile_nb._reads.endpoints import ProfileEndpoint

__all__ = [
    "SINGLE_SECTIONS",
    "one_spelling",
    "read_item",
    "read_profile",
    "read_spotlight",
    "with_datetimes",
]

#: sections that are one record per person, read only as a whole (no ``/:id`` read is
#: documented for them, API reference §3.4)
SINGLE_SECTIONS = ("biography", "tagline", "fee", "availability", "social", "cv")
#: the staff profile's section as the current site spells it → the one spelling given
#: (the older reference's, and the expert profile's)
_SPELLINGS = {"corporationprofile": "corporationProfile"}
#: Unix-second keys of the single spotlight (§5.2), given as UTC datetimes like the list's
SPOTLIGHT_SECONDS = ("published_date", "created", "created_date", "modified_date")


def _org(session: requests.Session) -> object:
    org = getattr(session, "org_id", None)
    if org is None:
        raise ConfigurationError(
            "This session does not know its organization id: use ef.get_session()."
        )
    return org


def _segment(name: str, value: object) -> str:
    """A path segment from the caller's value, percent-encoded."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (str, int))
        or (isinstance(value, int) and not 0 <= value < 10**18)
        or not str(value).strip()
    ):
        raise ConfigurationError(f"{name} must be a non-empty string; got {shown(value)}.")
    text = sendable(name, str(value).strip())
    if text in (".", ".."):  # a dot segment would be resolved away: another resource entirely
        raise ConfigurationError(f"{name} cannot be {text!r}: no record is named that.")
    return quote(text, safe="")


def _data(session: requests.Session, path: str, what: str) -> tuple[Any, requests.Response]:
    response = session.get(path)
    body = load_json(response.content)
    if data_of(body) is None:
        raise APIError(
            f"{what} came back without the documented "
            '{"data": ..., "success": true} envelope. Try again; if it persists, the API '
            "has changed.",
            status=response.status_code,
            url=response.url,
        )
    return data_of(body), response


def _wrong(what: str, expected: str, response: requests.Response) -> APIError:
    return APIError(
        f"{what} came back, but data is not {expected} as documented. If this persists, "
        "the API has changed.",
        status=response.status_code,
        url=response.url,
    )


def _section(endpoint: ProfileEndpoint, section: object, sections: tuple[str, ...]) -> str:
    if section not in sections:
        close = difflib.get_close_matches(str(section), sections, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigurationError(
            f"{shown(section)} is not a documented section of {endpoint.noun} profiles.{hint} "
            f"The sections are: {', '.join(sections)}."
        )
    return str(section)


def read_profile(
    endpoint: ProfileEndpoint,
    username: object,
    section: str | None,
    session: Callable[[], requests.Session],
) -> Any:
    """A whole profile (section → list), or one section's list; the arguments are checked
    before ``session()`` is called (which may log in). As the service sent it (a capture
    keeps it so): :func:`one_spelling` is for users."""
    segment = _segment("username", username)
    if section is not None:
        _section(endpoint, section, endpoint.sections)
    active = session()
    path = endpoint.path.format(org=_org(active), username=segment)
    if section is None:
        data, response = _data(active, path, f"The profile of {endpoint.noun} {username!r}")
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise _wrong(f"The profile of {username!r}", "an object of lists", response)
        return data
    what = f"The {section} of {endpoint.noun} {username!r}"
    data, response = _data(active, f"{path}/{section}", what)
    if not isinstance(data, list):
        raise _wrong(what, "a list", response)
    return data


def read_item(
    endpoint: ProfileEndpoint,
    username: object,
    section: object,
    item_id: object,
    session: Callable[[], requests.Session],
) -> dict[str, Any]:
    """One item of a section by its id, unwrapped from the documented one-element list."""
    segment = _segment("username", username)
    by_id = tuple(s for s in endpoint.sections if s not in SINGLE_SECTIONS)
    name = _section(endpoint, section, by_id)
    item = _segment("item_id", item_id)
    active = session()
    path = endpoint.path.format(org=_org(active), username=segment)
    what = f"Item {item_id!r} of the {name} of {endpoint.noun} {username!r}"
    data, response = _data(active, f"{path}/{name}/{item}", what)
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        raise _wrong(what, "a one-element list of one record", response)
    record: dict[str, Any] = data[0]
    return record


def read_spotlight(
    path: str, spotlight_id: object, session: Callable[[], requests.Session]
) -> dict[str, Any]:
    """The one spotlight, unwrapped from ``data.spotlight``."""
    segment = _segment("spotlight_id", spotlight_id)
    active = session()
    what = f"Spotlight {spotlight_id!r}"
    data, response = _data(active, path.format(org=_org(active), id=segment), what)
    items = data.get("spotlight") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        raise _wrong(what, '{"spotlight": [one record]}', response)
    record: dict[str, Any] = items[0]
    return record


def one_spelling(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile with the current site's ``corporationprofile`` named
    ``corporationProfile`` (the older reference's and the expert profile's spelling).

    A profile that carries both spellings loses nothing: the one holding data is kept (an
    empty list under the other spelling does not replace it, whichever comes first); when
    both hold items, ``corporationProfile``'s come first, then those of
    ``corporationprofile`` it does not already hold. A value that is not a list is kept as
    sent unless the other spelling holds items.
    """
    out: dict[str, Any] = {}
    for key, value in profile.items():
        name = _SPELLINGS.get(key, key)
        if name not in out:
            out[name] = value
            continue
        # both spellings: merge, whichever order they came in, the older spelling's first
        kept = out[name]
        first, second = (value, kept) if key == name else (kept, value)
        if not isinstance(second, list) or not second:
            out[name] = first
        elif not isinstance(first, list) or not first:
            out[name] = second
        else:
            out[name] = first + [item for item in second if item not in first]
    return out


def with_datetimes(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of a spotlight with its Unix seconds as UTC datetimes, as in the list's
    frame; a value out of range is kept as sent."""
    record = dict(record)
    for key in SPOTLIGHT_SECONDS:
        value = record.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            with contextlib.suppress(OverflowError, OSError, ValueError):
                record[key] = datetime.fromtimestamp(value, tz=timezone.utc)
    return record
