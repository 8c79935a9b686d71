"""Whole profiles in bulk: one row per person, the frame round-trip editing starts from.

The list endpoints carry no name, email or job title; the profile of each person
(API reference §3.2 experts, §4.2 staff) does, in its one-element ``account``
section. :func:`get_profiles` reads the profiles a few at a time and verifies them:
every username asked for comes back exactly once, as the one account of its own
profile, or the call raises naming the person — never a frame with a row missing or
a row of somebody else.

The columns are the documented account fields (read, §3.2/§4.2) and the documented
writable fields (§3.3/§4.3), always present with fixed dtypes — a field the service
does not send for a person is missing (``<NA>``), never made up — then any other
account key the service sent, then the sections asked for, as lists.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, Literal

from expertfile_nb._reads.endpoints import EXPERT_PROFILE, STAFF_PROFILE, ProfileEndpoint
from expertfile_nb._reads.paging import check_options
from expertfile_nb._reads.progress import progress_bar
from expertfile_nb._reads.query import shown
from expertfile_nb._reads.records import _segment, one_spelling, read_profile
from expertfile_nb.errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ExpertFileError,
    IncompleteDataError,
    RateLimitError,
    ResponseTooLargeError,
)

if TYPE_CHECKING:
    import pandas as pd
    import requests

__all__ = ["PROFILE_COLUMNS", "PROFILE_SECTIONS", "get_profiles"]

Kind = Literal["experts", "staff"]

_TEXT = (
    "firstname", "lastname", "job_title", "email", "company", "department", "phone_number",
    "phone_number_extension", "location_city", "location_state", "location_country",
    "location_postal", "location_address", "location_building", "location_room",
)  # fmt: skip
_NUMBERS = ("is_private", "is_published", "id", "corporation_id")
#: sections of one text each (``[{"biography": "…"}]``), given as text columns: the
#: profile carries them anyway, and round-trip editing sets them through their section
TEXT_SECTIONS = ("biography", "tagline")

#: The fixed columns of each kind's profile frame and their dtypes: ``username``, the
#: documented account and writable fields, then the account's documented numbers
#: (``is_private``/``is_published`` are 1 or 0; the expert sample spells ``gener``).
PROFILE_COLUMNS: dict[Kind, dict[str, str]] = {
    "experts": {
        "username": "string",
        **dict.fromkeys(_TEXT, "string"),
        **dict.fromkeys(_NUMBERS, "Int64"),
        "gener": "Int64",
        **dict.fromkeys(TEXT_SECTIONS, "string"),
    },
    "staff": {
        "username": "string",
        **dict.fromkeys(_TEXT, "string"),
        **dict.fromkeys(_NUMBERS, "Int64"),
        **dict.fromkeys(TEXT_SECTIONS, "string"),
    },
}

#: The sections a profile documents (§3.2 Slate sample and the inferred extra keys;
#: §4.2 both documents), as they are named in the profile object. The staff profile's
#: ``corporationprofile`` (current site) is given as ``corporationProfile`` (Slate, and the
#: expert profile's spelling) whichever the service sends.
PROFILE_SECTIONS: dict[Kind, tuple[str, ...]] = {
    "experts": (
        "accomplishment", "affiliation", "article", "assessment", "availability", "book",
        "biography", "course", "corporationProfile", "corporationSocial", "eventAppearance",
        "education", "document", "video", "language", "partnership", "industry", "patents",
        "news", "avatar", "tagline", "topic", "tag", "category", "link", "profiletype",
    ),
    "staff": (
        "avatar", "biography", "category", "corporationProfile", "education", "language",
        "link", "profiletype", "tag", "tagline",
    ),
}  # fmt: skip
_SPELLINGS = {"corporationprofile": "corporationProfile"}

_ENDPOINTS: dict[Kind, ProfileEndpoint] = {"experts": EXPERT_PROFILE, "staff": STAFF_PROFILE}


def _kind(kind: object) -> Kind:
    if kind == "experts" or kind == "staff":
        return kind
    raise ConfigurationError(f'kind must be "experts" or "staff"; got {shown(kind)}.')


def _usernames(usernames: object) -> list[str] | None:
    """The usernames asked for, checked and without repeats (first place kept)."""
    if usernames is None:
        return None
    if isinstance(usernames, str):
        usernames = [usernames]
    if not isinstance(usernames, Iterable) or isinstance(usernames, (bytes, dict)):
        raise ConfigurationError(
            f"usernames must be a list of usernames (or None for everyone); got {shown(usernames)}."
        )
    asked: dict[str, None] = {}
    for name in usernames:
        _segment("username", name)  # a typed error for a value that is no username
        asked[str(name).strip()] = None
    return list(asked)


def _sections(kind: Kind, sections: object) -> tuple[str, ...]:
    if sections is None:
        return ()
    documented = PROFILE_SECTIONS[kind]
    if sections == "all":
        return tuple(name for name in documented if name not in TEXT_SECTIONS)
    names = [sections] if isinstance(sections, str) else sections
    if not isinstance(names, Iterable):
        raise ConfigurationError(f'sections must be section names or "all"; got {shown(names)}.')
    chosen: list[str] = []
    for name in names:
        name = _SPELLINGS.get(name, name) if isinstance(name, str) else name
        if name not in documented:
            close = difflib.get_close_matches(str(name), documented, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigurationError(
                f"{shown(name)} is not a documented section of {kind} profiles.{hint} "
                f"The sections are: {', '.join(documented)}."
            )
        if name not in chosen and name not in TEXT_SECTIONS:  # those are columns already
            chosen.append(name)
    return tuple(chosen)


def _text_of(profile: dict[str, Any], section: str) -> str | None:
    """The text of a one-text section (``[{"biography": "…"}]``); ``None`` when empty."""
    items = profile.get(section)
    if isinstance(items, list) and items and isinstance(items[0], dict):
        text = items[0].get(section)
        return text if isinstance(text, str) else None
    return None


def _everyone(kind: Kind, session: requests.Session, workers: int) -> list[str]:
    """Every username of the organization, from the verified list pull: experts of any
    access and status; staff public and private (the staff list has no ``access=all``)."""
    from expertfile_nb._reads.data import iter_experts, iter_staff

    if kind == "experts":
        pulls = [iter_experts(access="all", fields="username", session=session, workers=workers)]
    else:
        pulls = [
            iter_staff(access=access, fields="username", session=session, workers=workers)
            for access in ("public", "private")
        ]
    return list(dict.fromkeys(str(row["username"]) for pull in pulls for row in pull))


def _row(
    kind: Kind, username: str, profile: dict[str, Any], sections: tuple[str, ...]
) -> dict[str, Any]:
    """One person's row: the one account of the profile, checked, and the sections asked."""
    accounts = profile.get("account")
    if not isinstance(accounts, list) or len(accounts) != 1 or not isinstance(accounts[0], dict):
        count = len(accounts) if isinstance(accounts, list) else "no"
        raise IncompleteDataError(
            f"The profile of {kind} {username!r} came back with {count} accounts, not the "
            "one documented: its row cannot be made. Try again; if it persists, the service "
            "is not answering as documented."
        )
    account = accounts[0]
    sent = account.get("username")
    if sent is None:
        raise IncompleteDataError(
            f"The profile of {kind} {username!r} came back with an account without its "
            "username (documented in every account): it cannot be checked to be theirs. "
            "Nothing was returned; try again."
        )
    if str(sent) != username:
        raise IncompleteDataError(
            f"Asked for the profile of {kind} {username!r}, the service answered with the "
            "account of another person. Nothing was returned; try again."
        )
    row = {**account, "username": username}
    for section in TEXT_SECTIONS:
        row[section] = _text_of(profile, section)
    named = one_spelling(profile)  # both spellings sent: the one holding data is kept
    for section in sections:
        row[section] = named.get(section, [])
    return row


def _failed(kind: Kind, username: str, exc: ExpertFileError) -> ExpertFileError:
    """The error that ends the call: as it is when asking again cannot help (the type
    says what to fix), else an IncompleteDataError naming the person."""
    if isinstance(exc, (AuthenticationError, ConfigurationError, ResponseTooLargeError)) or (
        isinstance(exc, APIError)
        and not isinstance(exc, RateLimitError)
        and 400 <= (exc.status or 0) < 500
    ):
        return exc
    if isinstance(exc, IncompleteDataError):
        return exc
    return IncompleteDataError(
        f"The profiles of {kind} stopped: the profile of {username!r} failed after retries: {exc}"
    )


def get_profiles(
    usernames: Iterable[str] | str | None = None,
    *,
    kind: Kind = "experts",
    sections: Iterable[str] | str | None = None,
    workers: int = 4,
    progress: bool | None = None,
    session: requests.Session | None = None,
) -> pd.DataFrame:
    """Whole profiles as a DataFrame: one row per person, verified.

    The frame that round-trip editing starts from (:func:`expertfile_nb.plan_changes`):
    edit a copy, then plan the difference.

    Args:
        usernames: the people to read; ``None`` (the default) reads everyone: experts of
            any access and status (``get_experts(access="all")``), or the staff list,
            public and private. Repeats are read once.
        kind: ``"experts"`` (``/expert/:username``) or ``"staff"`` (``/staff/:username``).
        sections: profile sections to add as columns of lists (each item a dict as
            sent), e.g. ``["education", "link"]``, or ``"all"`` for every documented
            one; a section the service left out of a profile is an empty list. Staff
            ``corporationprofile`` is given as ``corporationProfile``. ``biography``
            and ``tagline`` are always there, as text columns.
        workers: profiles read at once (1-16).
        progress: a progress bar that goes away when done; default: in notebooks and
            terminals only.
        session: a session from :func:`expertfile_nb.get_session`; default: the one the
            data functions share for the current login.

    Returns:
        One row per person, in the order asked (or the list's order). The fixed columns
        come first, always, with fixed dtypes (also when empty): ``username``,
        ``firstname``, ``lastname``, ``job_title``, ``email``, ``company``,
        ``department``, ``phone_number``, ``phone_number_extension``, ``location_city``,
        ``location_state``, ``location_country``, ``location_postal``,
        ``location_address``, ``location_building``, ``location_room`` (strings),
        ``is_private``, ``is_published`` (1 or 0), ``id``, ``corporation_id`` (and for
        experts ``gener``, as the documents spell it) as nullable integers;
        ``biography`` and ``tagline``, the text of those one-text sections (the first
        item's), as strings. A field the service did not send is ``<NA>``. Then any
        other account key sent, then the sections asked for.

    Raises:
        IncompleteDataError: a profile failed after the retries (no answer, a 5xx, a
            429), or came back without its one account or with another person's: the
            message names the person; no frame is returned.
        NotFoundError: a username the service does not know (an ``APIError``, 404).
        AuthenticationError: the token was refused and no new one could be had.
        APIError: the service refused a request (a 4xx other than 429).
        NotLoggedInError: no login and no credentials in the environment.
        ConfigurationError: a wrong argument (an unknown kind or section, a value that is
            no username, workers out of range).
    """
    from expertfile_nb._auth.login import shared_session
    from expertfile_nb._reads.frames import build_frame

    chosen_kind = _kind(kind)
    asked = _usernames(usernames)
    chosen = _sections(chosen_kind, sections)
    check_options(1, None, workers)
    active = session if session is not None else shared_session()
    people = asked if asked is not None else _everyone(chosen_kind, active, workers)
    endpoint = _ENDPOINTS[chosen_kind]
    rows: dict[str, dict[str, Any]] = {}

    def read(username: str) -> dict[str, Any]:
        try:
            profile = read_profile(endpoint, username, None, lambda: active)
        except ExpertFileError as exc:
            raise _failed(chosen_kind, username, exc) from exc
        return _row(chosen_kind, username, profile, chosen)

    bar = progress_bar(f"{chosen_kind} profiles", len(people), 1, progress)
    try:
        _read_all(people, read, rows, workers, bar)
    finally:
        if bar is not None:
            bar.close()
    columns = {**PROFILE_COLUMNS[chosen_kind], **dict.fromkeys(chosen, "object")}
    frame = build_frame([rows[name] for name in people], columns)
    frame.attrs.pop("aggregations", None)
    frame.attrs["kind"] = chosen_kind
    return frame


def _read_all(
    people: list[str],
    read: Callable[[str], dict[str, Any]],
    rows: dict[str, dict[str, Any]],
    workers: int,
    bar: Any,
) -> None:
    """Read every person, ``workers`` at a time; the first failure cancels the rest."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="expertfile-profile") as pool:
        pending: dict[Future[dict[str, Any]], str] = {}
        queue = iter(people)
        for name in queue:
            pending[pool.submit(read, name)] = name
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                name = pending.pop(future)
                failure = future.exception()
                if failure is not None:
                    for other in pending:
                        other.cancel()
                    raise failure
                rows[name] = future.result()
                if bar is not None:
                    bar.update(1)
                following = next(queue, None)
                if following is not None:
                    pending[pool.submit(read, following)] = following
