"""Whole profiles in bulk: one row per person, the account fields as columns.

A list item carries no name, email or job title (API reference §3.1, §4.1); a
profile does, in its one-element ``account`` section (§3.2, §4.2). This reads
the profiles of many people at once (bounded workers), checks that every
username asked came back exactly once and nothing else, and builds a frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from expertfile_nb._endpoints import EXPERT_PROFILE, STAFF_PROFILE, ProfileEndpoint
from expertfile_nb._progress import progress_bar
from expertfile_nb._records import read_profile
from expertfile_nb.errors import ConfigurationError, ExpertFileError, IncompleteDataError

if TYPE_CHECKING:
    import pandas as pd
    import requests

__all__ = ["ACCOUNT_COLUMNS", "read_profiles"]

# The documented account fields (API reference §3.2 expert, §4.2 staff: the union),
# plus is_private / is_published (the write endpoints' flags, §3.3, §4.3), with dtypes.
ACCOUNT_COLUMNS: dict[str, str] = {
    "username": "string",
    "id": "Int64",
    "firstname": "string",
    "lastname": "string",
    "corporation_id": "Int64",
    "job_title": "string",
    "gener": "Int64",  # spelt so in the vendor's sample
    "email": "string",
    "company": "string",
    "department": "string",
    "phone_number": "string",
    "phone_number_extension": "string",
    "location_address": "string",
    "location_building": "string",
    "location_room": "string",
    "location_city": "string",
    "location_state": "string",
    "location_postal": "string",
    "location_country": "string",
    "is_private": "Int64",
    "is_published": "Int64",
}

_KINDS: dict[str, ProfileEndpoint] = {"experts": EXPERT_PROFILE, "staff": STAFF_PROFILE}


def _names(usernames: Iterable[str] | str) -> list[str]:
    given = [usernames] if isinstance(usernames, str) else list(usernames)
    for name in given:
        if not isinstance(name, str) or not name.strip():
            raise ConfigurationError(
                f"usernames must be non-empty strings; got {name!r} among them."
            )
    return list(dict.fromkeys(name.strip() for name in given))  # each once, in order


def _sections(endpoint: ProfileEndpoint, sections: Iterable[str] | str | None) -> list[str]:
    if sections is None:
        return []
    names = [sections] if isinstance(sections, str) else list(sections)
    wrong = [s for s in names if s not in endpoint.sections]
    if wrong:
        raise ConfigurationError(
            f"{wrong[0]!r} is not a documented section of {endpoint.noun} profiles. "
            f"The sections are: {', '.join(endpoint.sections)}."
        )
    return list(dict.fromkeys(names))


def _row(
    endpoint: ProfileEndpoint,
    username: str,
    sections: list[str],
    session: Callable[[], requests.Session],
) -> dict[str, Any]:
    profile = read_profile(endpoint, username, None, session)
    account = profile.get("account")
    if not isinstance(account, list) or len(account) != 1 or not isinstance(account[0], dict):
        raise IncompleteDataError(
            f"The profile of {endpoint.noun} {username!r} came back without its one "
            "documented account record; nothing was kept. Try again; if it persists, "
            "read it with get_expert/get_staff_member to see what the service sent."
        )
    sent = account[0].get("username")
    if sent is not None and sent != username:
        raise IncompleteDataError(
            f"Asked for the profile of {username!r}, the service sent the one of {sent!r}; "
            "nothing was kept. Try again."
        )
    row: dict[str, Any] = {**account[0], "username": username}
    for section in sections:
        value = profile.get(section)
        if not isinstance(value, list):  # not in the whole profile: read the sub-resource
            value = read_profile(endpoint, username, section, session)
        row[section] = value
    return row


def read_profiles(
    usernames: list[str] | None,
    kind: Literal["experts", "staff"],
    sections: Iterable[str] | str | None,
    *,
    workers: int,
    progress: bool | None,
    session: Callable[[], requests.Session],
    everyone: Callable[[], list[str]],
) -> pd.DataFrame:
    """The frame of :func:`expertfile_nb.get_profiles` (documented there)."""
    from expertfile_nb._frames import build_frame

    if kind not in _KINDS:
        raise ConfigurationError(f'kind must be "experts" or "staff"; got {kind!r}.')
    endpoint = _KINDS[kind]
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 16:
        raise ConfigurationError(f"workers must be a whole number from 1 to 16; got {workers!r}.")
    wanted = _sections(endpoint, sections)
    names = _names(everyone() if usernames is None else usernames)
    rows: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    bar = progress_bar(f"{kind} profiles", len(names), 1, progress)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {name: pool.submit(_row, endpoint, name, wanted, session) for name in names}
            for name, future in futures.items():
                try:
                    rows[name] = future.result()
                except ExpertFileError as error:
                    failed[name] = f"{type(error).__name__}: {error}"
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if failed:
        listed = "; ".join(f"{name!r} ({why})" for name, why in list(failed.items())[:5])
        more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
        raise IncompleteDataError(
            f"{len(failed)} of {len(names)} {endpoint.noun} profiles could not be read: "
            f"{listed}{more}. Nothing was returned; try again, or leave those out."
        )
    columns = {**ACCOUNT_COLUMNS, **dict.fromkeys(wanted, "object")}
    frame = build_frame([rows[name] for name in names], columns, None)
    if list(frame["username"]) != names:  # each asked once, nothing else
        raise IncompleteDataError("The profiles read do not match the usernames asked.")
    return frame
