"""The data functions, made from the endpoint table in ``_reads/endpoints.py``.

Each list endpoint has ``get_<noun>`` (a verified DataFrame) and ``iter_<noun>``
(the same records one dict at a time, none of them kept); ``iter_<noun>`` is
made from ``get_<noun>``: the same signature, the same arguments documented.
How a pull pages and what it verifies is in ``_reads/paging.py``; how records
become a frame in ``_reads/frames.py``; the single reads are in ``_reads/records.py``.

Only the parameters the caller sets are sent: a parameter left at ``None``
gets the service's documented default (shown in each docstring).
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypedDict, TypeVar

from expertfile_nb._auth.login import shared_session
from expertfile_nb._reads.endpoints import (
    EXPERT_PROFILE,
    EXPERTS,
    SPOTLIGHT_PATH,
    SPOTLIGHTS,
    STAFF,
    STAFF_PROFILE,
    ListEndpoint,
)
from expertfile_nb._reads.paging import Pull, check_options, collect
from expertfile_nb._reads.query import RETURN_FIELDS as RETURN_FIELDS  # re-exported
from expertfile_nb._reads.query import build_query
from expertfile_nb._reads.records import (
    one_spelling,
    read_item,
    read_profile,
    read_spotlight,
    with_datetimes,
)
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd
    import requests
    from typing_extensions import Unpack  # typing.Unpack for **kwargs is 3.12+

_SINGLE_READS = [
    "RETURN_FIELDS",
    "get_expert",
    "get_section_item",
    "get_spotlight",
    "get_staff_member",
]
__all__ = [
    *_SINGLE_READS,
    "get_experts",
    "get_spotlights",
    "get_staff",
    "iter_experts",
    "iter_spotlights",
    "iter_staff",
]

Filter = str | Iterable[str] | None
Sort = Literal["name", "featured"]
Status = Literal["published", "unpublished", "all"]
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])

# The arguments every list function takes after its filters, and its errors: written once,
# put into each docstring where a line says {pull options} or {raises}.
_PULL_ARGS = """\
page_size: rows per request (1-1000). The service's maximum is not documented:
    a smaller page is followed, and a 400 that names page_size is answered
    by asking for 100 (then half as many), logged once.
limit: stop after this many records (no more pages are fetched than needed).
progress: a progress bar that goes away when done; default: in notebooks and
    terminals only, and never for a single page.
workers: pages fetched at once (1-16).
session: a session from :func:`expertfile_nb.get_session`; default: one shared by
    the data functions for the current login (connections are reused).
"""
_RAISES = """\
Raises:
    IncompleteDataError: a page failed after the retries (the message names it; no
        answer, a 5xx, a 429, a broken page), or the pages did not fit together on
        two pulls in a row: a count, a total, a duplicate or an overlap that did not
        match (the message says where).
    AuthenticationError: the token was refused and no new one could be had.
    APIError: the service refused the request itself (a 4xx other than 429, such
        as a filter it does not take): raised as it is, since asking again would
        not help.
    ResponseTooLargeError: a page was larger than the session's ``max_bytes``.
    NotLoggedInError: no login and no credentials in the environment.
    ConfigurationError: an argument with a wrong value (a misspelt return field in
        ``fields``, where there is one, comes with the closest documented name).
    TypeError: an unknown argument, as for any Python function.
"""
_MARKS = {"{pull options}": _PULL_ARGS, "{raises}": _RAISES}


class PullOptions(TypedDict, total=False):
    """How a list function pulls (documented in ``_PULL_ARGS``); defaults in ``_DEFAULTS``."""

    page_size: int
    limit: int | None
    progress: bool | None
    workers: int
    session: requests.Session | None


_DEFAULTS: dict[str, Any] = {
    "page_size": 100,
    "limit": None,
    "progress": None,
    "workers": 4,
    "session": None,
}
# The options as keyword-only parameters: what inspect (so Jupyter's ``?`` and tab
# completion) shows in place of ``**options``.
_OPTION_PARAMETERS = [
    inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        # written like the other parameters' (strings, PEP 563), not as ForwardRef(...)
        annotation=getattr(kind, "__forward_arg__", kind),
    )
    for (name, default), kind in zip(
        _DEFAULTS.items(), PullOptions.__annotations__.values(), strict=True
    )
]


def _filled(doc: str) -> str:
    """``doc`` with each marker line replaced by its text, at the marker's indentation."""
    lines = []
    for line in doc.splitlines(keepends=True):
        text = _MARKS.get(line.strip())
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(textwrap.indent(text, indent) if text is not None else line)
    return "".join(lines)


def _list_function(function: F) -> F:
    """Give a list function its whole documentation and signature: the shared text where
    the docstring marks it, and the pull options spelled out in place of ``**options``."""
    function.__doc__ = _filled(function.__doc__ or "")
    signature = inspect.signature(function)
    own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    function.__signature__ = signature.replace(  # type: ignore[attr-defined]  # read by inspect
        parameters=[*own, *_OPTION_PARAMETERS]
    )
    return function


def _arguments(function: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The filters and the options of a list function's call, in one flat dict."""
    options = given["options"]
    for name in options:
        if name not in _DEFAULTS:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")
    flat = {name: value for name, value in given.items() if name != "options"}
    return {**flat, **_DEFAULTS, **options}


def _pull(endpoint: ListEndpoint, given: Mapping[str, Any]) -> Pull:
    query = build_query(endpoint.params, given, record_key=endpoint.record_key)
    check_options(given["page_size"], given["limit"], given["workers"])
    session = given["session"]
    return Pull(
        endpoint,
        query,
        session if session is not None else shared_session(),
        page_size=given["page_size"],
        limit=given["limit"],
        workers=given["workers"],
        progress=given["progress"],
    )


def _columns(endpoint: ListEndpoint, fields: Filter) -> Mapping[str, str]:
    """The fixed columns: the documented item keys, or, when ``fields`` chose the return
    fields, those names (the documents give no types for them) and the record key."""
    if fields is None:
        return endpoint.columns
    names = [fields] if isinstance(fields, str) else list(fields)
    key = endpoint.record_key
    return {key: endpoint.columns[key], **{n: "object" for n in names if n != key}}


def _frame_of(endpoint: ListEndpoint, given: Mapping[str, Any]) -> pd.DataFrame:
    from expertfile_nb._reads.frames import flat_rows, frame_of_rows

    given = _arguments(f"get_{endpoint.noun}", given)
    pull = _pull(endpoint, given)
    rows = collect(pull, flat_rows)  # each page made rows while the next ones travel
    return frame_of_rows(rows, _columns(endpoint, given.get("fields")), pull.aggregations)


def _records(pull: Pull) -> Iterator[dict[str, Any]]:
    for rows in pull.pages():
        yield from rows


def _iterator_of(
    frame_function: Callable[P, pd.DataFrame], endpoint: ListEndpoint
) -> Callable[P, Iterator[dict[str, Any]]]:
    """``iter_<noun>``: the records of ``get_<noun>`` one dict at a time, same arguments."""
    signature = inspect.signature(frame_function)

    def iterate(*args: P.args, **kwargs: P.kwargs) -> Iterator[dict[str, Any]]:
        bound = signature.bind(*args, **kwargs)  # TypeError on an unknown argument
        bound.apply_defaults()
        return _records(_pull(endpoint, bound.arguments))  # checked and logged in now

    doc = inspect.cleandoc(frame_function.__doc__ or "")
    args = doc[doc.index("Args:") : doc.index("Returns:")]
    iterate.__doc__ = (
        f"Yield the organization's {endpoint.noun} one record at a time, keeping none.\n\n"
        f"The records of :func:`get_{endpoint.noun}`, each a dict as the service sent it, "
        "verified the same way as the pages arrive (for the duplicate check, 12-24 bytes "
        "a record are kept, not the record). Rows already given cannot be taken back, so "
        f"where :func:`get_{endpoint.noun}` pulls once more after a failed check, this "
        "raises at once.\n\n"
        f"{args}Yields:\n    One dict per record, in the service's order.\n\n{_RAISES}"
    )
    iterate.__name__ = iterate.__qualname__ = f"iter_{endpoint.noun}"
    iterate.__module__ = __name__
    iterate.__signature__ = signature.replace(  # type: ignore[attr-defined]  # read by inspect
        return_annotation="Iterator[dict[str, Any]]"
    )
    return iterate


# -- list endpoints ---------------------------------------------------------------------
@_list_function
def get_experts(
    q: str | None = None,
    *,
    access: Literal["public", "private", "all"] | None = None,
    status: Status | None = None,
    countries: Filter = None,
    topics: Filter = None,
    industries: Filter = None,
    categories: Filter = None,
    tags: Filter = None,
    companies: Filter = None,
    fields: Filter = None,
    sort: Sort | None = None,
    searchfield: str | None = None,
    **options: Unpack[PullOptions],
) -> pd.DataFrame:
    """The organization's experts as a DataFrame: every page, verified, one row per expert.

    Logs in first if needed (see :func:`expertfile_nb.login`). Arguments left at
    ``None`` are not sent; the service's documented default applies.

    Args:
        q: free-text search.
        access: ``"public"`` (the service's default), ``"private"`` or ``"all"``.
        status: ``"published"``, ``"unpublished"`` or ``"all"`` (the service's default).
        countries: country codes, e.g. ``["CA", "US"]`` (sent as a JSON array), each
            one of the documented codes in ``expertfile_nb.codes.COUNTRIES``.
        topics: topics to match.
        industries: industries to match.
        categories: categories to match.
        tags: tags to match.
        companies: a company to match, sent as the plain string the documents give
            (several, for which no form is documented, as JSON-array text).
        fields: return fields to ask for instead of the default item, from the 45
            documented names in ``expertfile_nb.data.RETURN_FIELDS``; ``username`` is
            always added (the pull verifies records by it). The fixed columns are then
            ``username`` and the names asked for; any other key sent follows them.
        sort: ``"name"`` (the service's default) or ``"featured"``.
        searchfield: the field ``q`` searches: ``"fullname"`` (the one value the
            documents give) to search the name only.
        {pull options}

    Array filters and ``companies`` take ``"all"``, their documented default, sent as
    the word; an empty list is refused (leave the filter out instead).

    Returns:
        One row per expert. The documented columns come first, always, with fixed dtypes
        (also when empty): ``username``, ``corporation``, ``tagline`` (strings),
        ``topics`` (a list of topic titles, from ``[{"title": …}]``) and
        ``avatar.small`` … ``avatar.original``; then any other key the service sent,
        flattened. ``frame.attrs["aggregations"]`` holds the first page's aggregations.
        The list sends no name, job title or country; ask for them with
        ``fields=["fullname", "jobtitle", "country"]`` and they come right after ``username``.

    {raises}
    """
    return _frame_of(EXPERTS, locals())


@_list_function
def get_staff(
    q: str | None = None,
    *,
    access: Literal["public", "private"] | None = None,
    sort: Sort | None = None,
    searchfield: str | None = None,
    countries: Filter = None,
    companies: Filter = None,
    fields: Filter = None,
    **options: Unpack[PullOptions],
) -> pd.DataFrame:
    """The organization's staff (staff users and experts) as a DataFrame, verified.

    The service's "Get All Employees" list. Logs in first if needed. Arguments left
    at ``None`` are not sent; the service's documented default applies.

    Args:
        q: free-text search.
        access: ``"public"`` (the service's default) or ``"private"`` (no ``"all"`` here).
        sort: ``"name"`` (the service's default) or ``"featured"``.
        searchfield: ``"fullname"`` to search the name only.
        countries: a country code such as ``"CA"`` (from ``expertfile_nb.codes``), sent
            as the plain string the documents give; several as JSON-array text (no form
            is documented here).
        companies: a company, sent as a plain string (several as JSON-array text).
        fields: return fields to ask for, from ``expertfile_nb.data.RETURN_FIELDS``;
            ``username`` is always added. The fixed columns are then ``username`` and
            the names asked for; any other key sent follows them.
        {pull options}

    Returns:
        One row per staff member: ``username``, ``corporation``, ``tagline`` and
        ``avatar.small`` … ``avatar.original`` always (strings), then any other key the
        service sent, flattened. ``frame.attrs["aggregations"]`` is ``None`` unless the
        service sends aggregations (the documents show none here).

    {raises}
    """
    return _frame_of(STAFF, locals())


@_list_function
def get_spotlights(
    q: str | None = None,
    *,
    status: Status | None = None,
    tags: Filter = None,
    tagged: Filter = None,
    month: int | str | None = None,
    year: int | str | None = None,
    **options: Unpack[PullOptions],
) -> pd.DataFrame:
    """The organization's news spotlights as a DataFrame, verified, one row per spotlight.

    Logs in first if needed. Arguments left at ``None`` are not sent; the service's
    documented default applies.

    Args:
        q: free-text search.
        status: ``"published"``, ``"unpublished"`` or ``"all"`` (the service's default).
        tags: tags to match (sent as a JSON array).
        tagged: usernames of tagged experts (sent as a JSON array).
        month: a month, e.g. ``11`` (1-12), or a year-month such as ``"2024-05"`` (a
            reading of the documented "month" string), or ``"all"`` (the default).
        year: a year, e.g. ``2024``, or ``"all"`` (the default).
        {pull options}

    Returns:
        One row per spotlight. Always, with fixed dtypes: ``id``, ``corporation_id``,
        ``published`` (1 or 0) as ``Int64``; ``spotlight_title``, ``year``,
        ``year-month`` as strings; ``tags``, ``tagged_experts``, ``assets`` as lists;
        ``created_date``, ``modified_date``, ``published_date`` as UTC datetimes (sent
        as Unix seconds). Then any other key sent. ``frame.attrs["aggregations"]`` holds
        the first page's aggregations.

    {raises}
    """
    return _frame_of(SPOTLIGHTS, locals())


iter_experts = _iterator_of(get_experts, EXPERTS)
iter_staff = _iterator_of(get_staff, STAFF)
iter_spotlights = _iterator_of(get_spotlights, SPOTLIGHTS)


# -- single reads ----------------------------------------------------------------------
def _session(session: requests.Session | None) -> Callable[[], requests.Session]:
    """The session to use, when it is needed (after the arguments are checked)."""
    return (lambda: session) if session is not None else shared_session


def get_expert(
    username: str, section: str | None = None, *, session: requests.Session | None = None
) -> Any:
    """One expert's profile, or one section of it.

    Args:
        username: the expert's username, e.g. ``"peter.evans"``.
        section: ``None`` for the whole profile, or one documented sub-resource:
            ``biography``, ``tagline``, ``link``, ``sampletalk``, ``accomplishment``,
            ``affiliation``, ``eventappearance``, ``mediaappearance``, ``education``,
            ``testimonial``, ``patent``, ``researchgrant``, ``partnership``, ``course``,
            ``article``, ``researchfocus``, ``topic``, ``industry``, ``language``,
            ``fee``, ``availability``, ``social``, ``category``, ``tag``,
            ``media/youtube``, ``media/vimeo``, ``media/slideshare``, ``media/document``,
            ``media/photo``, ``media/video``, ``cv``.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.

    Returns:
        The whole profile as a dict, section name → list of dicts, keys as the service
        sent them (``account``, ``biography``, ``education``, …); or, with ``section``,
        that section's list.

    Raises:
        NotFoundError: no such expert in the organization.
        APIError: the answer is not the documented shape.
        ConfigurationError: an empty username, or an undocumented section (the closest
            one is suggested).
    """
    return read_profile(EXPERT_PROFILE, username, section, _session(session))


def get_staff_member(
    username: str, section: str | None = None, *, session: requests.Session | None = None
) -> Any:
    """One staff member's profile, or one section of it.

    Args:
        username: the staff member's username.
        section: ``None`` for the whole profile, or one documented sub-resource:
            ``biography``, ``tagline``, ``link``, ``education``, ``language``,
            ``category``, ``tag``.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.

    Returns:
        The whole profile as a dict, section name → list (``avatar``, ``account``,
        ``biography``, ``corporationProfile``, …, as the service sent them, except that
        the current site's ``corporationprofile`` is given as ``corporationProfile``, the
        older reference's and the expert profile's spelling: a profile carrying both keeps
        the one holding items, or both's items, ``corporationProfile``'s first); or, with
        ``section``, that section's list.

    Raises:
        NotFoundError: no such staff member in the organization.
        APIError: the answer is not the documented shape.
        ConfigurationError: an empty username, or an undocumented section.
    """
    read = read_profile(STAFF_PROFILE, username, section, _session(session))
    return one_spelling(read) if section is None else read


def get_spotlight(
    spotlight_id: int | str, *, session: requests.Session | None = None
) -> dict[str, Any]:
    """One news spotlight, as the service sent it.

    Args:
        spotlight_id: the spotlight's ``id`` (from :func:`get_spotlights`).
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.

    Returns:
        The record (``id``, ``title``, ``html``, …), unwrapped from the documented
        one-element list ``data.spotlight``; its Unix-second timestamps
        (``published_date``, ``created``) as UTC datetimes, as in :func:`get_spotlights`.

    Raises:
        NotFoundError: no such spotlight.
        APIError: ``data.spotlight`` is not a one-element list of one record.
        ConfigurationError: an empty id.
    """
    return with_datetimes(read_spotlight(SPOTLIGHT_PATH, spotlight_id, _session(session)))


def get_section_item(
    username: str,
    section: str,
    item_id: int | str,
    *,
    kind: Literal["experts", "staff"] = "experts",
    session: requests.Session | None = None,
) -> dict[str, Any]:
    """One item of a profile section, by its id: the documented "Get a Specific …" reads.

    Args:
        username: the person's username.
        section: a section with items read by id: for experts ``link``, ``sampletalk``,
            ``accomplishment``, ``affiliation``, ``eventappearance``, ``mediaappearance``,
            ``education``, ``testimonial``, ``patent``, ``researchgrant``,
            ``partnership``, ``course``, ``article``, ``researchfocus``, ``topic``,
            ``industry``, ``language``, ``category``, ``tag``, ``media/youtube``,
            ``media/vimeo``, ``media/slideshare``, ``media/document``, ``media/photo``,
            ``media/video``; for staff ``link``, ``education``, ``language``,
            ``category``, ``tag``. (``biography``, ``tagline``, ``fee``,
            ``availability``, ``social`` and ``cv`` are one record: read them with
            :func:`get_expert`.)
        item_id: the item's ``id`` (from the section's list).
        kind: ``"experts"`` (default) or ``"staff"``.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.

    Returns:
        The item as the service sent it, unwrapped from the documented one-element list.

    Raises:
        NotFoundError: no such person or item.
        APIError: ``data`` is not a one-element list of one record.
        ConfigurationError: an empty username or id, an unknown kind, or a section
            without reads by id (the closest one is suggested).
    """
    if kind not in ("experts", "staff"):
        raise ConfigurationError(f'kind must be "experts" or "staff"; got {kind!r:.40}.')
    endpoint = EXPERT_PROFILE if kind == "experts" else STAFF_PROFILE
    return read_item(endpoint, username, section, item_id, _session(session))
