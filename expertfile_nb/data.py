"""Pull every page of a list endpoint into records, then into a pandas DataFrame.

One paging mechanism serves experts, staff and spotlights:

1. The first page tells ``total``.
2. ``page_from`` is assumed to be a row offset (``API_NOTES.md``). When more pages
   are needed, one small probe (``page_from=1, page_size=2``) checks that reading:
   an offset gives rows 2-3 of the first page, a page number gives rows 3-4. The
   pull then uses whichever the service speaks, or stops with
   :class:`~expertfile_nb.errors.IncompleteDataError` if it is neither.
3. The remaining pages are fetched concurrently (``workers`` at a time, a bounded
   window ahead) and yielded in the service's order, so memory stays flat.
4. It **verifies**: as many distinct records as ``total`` says, none twice, and
   ``total`` unchanged on every page. Anything else raises
   :class:`~expertfile_nb.errors.IncompleteDataError` — never a silently wrong frame.

This is the only module that imports pandas, and only inside the functions that
build a frame.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from expertfile_nb._config import redact
from expertfile_nb._login import shared_session
from expertfile_nb._session import hidden_values
from expertfile_nb.errors import (
    APIError,
    BrokenResponseError,
    ConfigurationError,
    ExpertFileError,
    IncompleteDataError,
)

if TYPE_CHECKING:
    import pandas as pd
    import requests

__all__ = [
    "get_expert",
    "get_experts",
    "get_spotlights",
    "get_staff",
    "iter_experts",
    "iter_spotlights",
    "iter_staff",
]

log = logging.getLogger("expertfile_nb")

Access = Literal["public", "private", "all"]
Status = Literal["published", "unpublished", "all"]
Sort = Literal["name", "featured"]
Filter = str | Iterable[str] | None

MAX_PAGE_SIZE = 1000
MAX_WORKERS = 16

# Columns every frame has, in this order, with these dtypes — empty or not.
_AVATAR = ["avatar.small", "avatar.medium", "avatar.large", "avatar.original"]
EXPERT_COLUMNS: dict[str, str] = {
    "username": "string",
    "corporation": "Int64",
    "firstname": "string",
    "lastname": "string",
    "job_title": "string",
    "tagline": "string",
    "topics": "object",
    "city": "string",
    "state": "string",
    "country": "string",
    "email": "string",
    "industry": "string",
    "categories": "object",
    "tags": "object",
    "featured": "boolean",
    "status": "string",
    "access": "string",
    **dict.fromkeys(_AVATAR, "string"),
}
_EXPERT_BASE = {"username", "corporation", "topics", "tagline", *_AVATAR}
STAFF_COLUMNS: dict[str, str] = {
    "username": "string",
    "corporation": "Int64",
    "firstname": "string",
    "lastname": "string",
    "job_title": "string",
    "email": "string",
    "is_expert": "boolean",
}
SPOTLIGHT_COLUMNS: dict[str, str] = {
    "id": "Int64",
    "corporation": "Int64",
    "title": "string",
    "type": "string",
    "topics": "object",
    "username": "string",
    "published": "datetime64[ns, UTC]",
}


class _Endpoint:
    """What differs between the list endpoints: path, list key, record key, columns."""

    def __init__(self, path: str, list_key: str, record_key: str, columns: dict[str, str]) -> None:
        self.path = path
        self.list_key = list_key
        self.record_key = record_key
        self.columns = columns


EXPERTS = _Endpoint("/v2/organization/{org}/expert", "experts", "username", EXPERT_COLUMNS)
STAFF = _Endpoint("/v2/organization/{org}/employee", "staff", "username", STAFF_COLUMNS)
SPOTLIGHTS = _Endpoint("/v2/spotlight/{org}/search", "spotlights", "id", SPOTLIGHT_COLUMNS)


# -- parameters ------------------------------------------------------------------------------
def _json_list(name: str, value: Filter) -> str | None:
    """A filter as the API reference writes it: a JSON array, ``["CA","US"]``."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(item, str) for item in items):
        raise ConfigurationError(f"{name} must be a string or a list of strings, not {value!r}.")
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return value


def _check_paging(page_size: int, limit: int | None, workers: int) -> None:
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not (1 <= page_size <= MAX_PAGE_SIZE)
    ):
        raise ConfigurationError(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ConfigurationError("limit must be a whole number from 0, or None for everything.")
    if (
        isinstance(workers, bool)
        or not isinstance(workers, int)
        or not (1 <= workers <= MAX_WORKERS)
    ):
        raise ConfigurationError(f"workers must be a whole number from 1 to {MAX_WORKERS}.")


def _expert_params(
    q: str | None,
    access: Access,
    status: Status,
    countries: Filter,
    topics: Filter,
    industries: Filter,
    categories: Filter,
    tags: Filter,
    fields: Filter,
    sort: Sort | None,
) -> dict[str, str]:
    params = {
        "q": q,
        "access": _choice("access", access, ("public", "private", "all")),
        "status": _choice("status", status, ("published", "unpublished", "all")),
        "sort": _choice("sort", sort, ("name", "featured")),
        "countries": _json_list("countries", countries),
        "topics": _json_list("topics", topics),
        "industries": _json_list("industries", industries),
        "categories": _json_list("categories", categories),
        "tags": _json_list("tags", tags),
        "fields": _json_list("fields", fields),
    }
    return {k: v for k, v in params.items() if v is not None and v != ""}


# -- paging ----------------------------------------------------------------------------------
def _want_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    ipython = sys.modules.get("IPython")  # loaded if we run in a kernel; never imported here
    shell = ipython.get_ipython() if ipython is not None else None
    if type(shell).__name__ == "ZMQInteractiveShell":
        return True
    return sys.stderr is not None and sys.stderr.isatty()


PAGE_ATTEMPTS = 3


class _UnreadablePage(APIError):
    """A 200 answer that is not the expected envelope."""


class _Page:
    __slots__ = ("rows", "total")

    def __init__(self, rows: list[dict[str, Any]], total: int) -> None:
        self.rows = rows
        self.total = total


class _Pull:
    """One pull: the first page, the probe, the concurrent rest, the checks."""

    def __init__(
        self,
        endpoint: _Endpoint,
        params: dict[str, str],
        *,
        page_size: int,
        limit: int | None,
        workers: int,
        progress: bool | None,
        session: requests.Session | None,
    ) -> None:
        _check_paging(page_size, limit, workers)
        self.endpoint = endpoint
        self.params = params
        self.page_size = page_size
        self.limit = limit
        self.workers = workers
        self.progress = progress
        self.session = session if session is not None else shared_session()
        org = getattr(self.session, "org_id", None)
        if org is None:
            raise ConfigurationError(
                "This session does not know its organization id: use ef.get_session()."
            )
        self.path = endpoint.path.format(org=org)

    def _fetch(self, page_from: int, page_size: int) -> _Page:
        """One page. The session retries statuses and connections; a page whose answer
        arrives broken (cut off, or not the expected JSON) gets two more tries here."""
        params = {**self.params, "page_size": str(page_size), "page_from": str(page_from)}
        for attempt in range(1, PAGE_ATTEMPTS + 1):
            try:
                return self._read(self.session.get(self.path, params=params), page_from)
            except (BrokenResponseError, _UnreadablePage) as exc:
                if attempt < PAGE_ATTEMPTS:
                    log.debug("page_from=%s arrived broken (%s); trying again", page_from, exc)
                    continue
                failure: ExpertFileError = exc
            except ExpertFileError as exc:
                failure = exc
            raise IncompleteDataError(
                f"The pull of {self.endpoint.list_key} stopped: the page at page_from="
                f"{page_from} (page_size={page_size}) failed after retries: {failure}"
            ) from failure
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, response: requests.Response, page_from: int) -> _Page:
        where = f"{self.path} (page_from={page_from})"
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        data = body.get("data") if isinstance(body, dict) and body.get("success") is True else None
        rows = data.get(self.endpoint.list_key) if isinstance(data, dict) else None
        total = data.get("total") if isinstance(data, dict) else None
        if (
            not isinstance(rows, list)
            or not all(isinstance(r, dict) for r in rows)
            or isinstance(total, bool)
            or not isinstance(total, int)
            or total < 0
        ):
            excerpt = redact(
                response.content[:400].decode("utf-8", "replace"),
                *hidden_values(response, self.session.auth),
                limit=120,
            )
            raise _UnreadablePage(
                f"{where} answered {response.status_code} but not with the expected "
                f'{{"data": {{"{self.endpoint.list_key}": [...], "total": N}}, "success": true}} '
                f"(body starts: {excerpt!r}). Try again; if it persists, the API has changed.",
                status=response.status_code,
                url=response.url,
            )
        return _Page(rows, total)

    def _page_starts(self, first: _Page, target: int) -> tuple[int, Iterator[int]]:
        """The page size to use and the page_from of each later page, as the service reads it."""
        size = self.page_size
        if len(first.rows) < min(size, target):
            # The service gave fewer rows than asked: its largest page is smaller. Use it.
            size = max(1, len(first.rows))
            log.debug("the service caps page_size at %s; paging by that", size)
        if target <= len(first.rows):
            return size, iter(())
        key = self.endpoint.record_key
        if len(first.rows) >= 4:
            probe = self._fetch(1, 2).rows
            keys = [r.get(key) for r in first.rows[:4]]
            probe_keys = [r.get(key) for r in probe]
            if probe_keys == keys[1:3]:
                return size, iter(range(size, target, size))  # page_from is an offset
            if probe_keys == keys[2:4]:
                log.debug("page_from reads as a page number here; paging by page number")
                return size, iter(range(1, -(-target // size)))
            raise IncompleteDataError(
                f"Cannot tell how {self.path} reads page_from: a probe at page_from=1 "
                f"returned neither rows 2-3 (an offset) nor rows 3-4 (a page number) of the "
                "first page. The data may be changing; try again."
            )
        return size, iter(range(size, target, size))

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """The rows of each page, in order, verified (see the module docstring)."""
        if self.limit is not None and self.limit < self.page_size:
            self.page_size = max(1, self.limit)  # one small page is all a small limit needs
        first = self._fetch(0, self.page_size)
        target = first.total if self.limit is None else min(first.total, self.limit)
        size, starts = self._page_starts(first, target)
        seen = _Seen(self.endpoint.record_key, self.path)
        bar = self._bar(target, size)
        delivered = 0
        try:
            for page in self._in_order(first, size, starts):
                if page.total != first.total:
                    raise IncompleteDataError(
                        f"The total of {self.endpoint.list_key} changed from {first.total} to "
                        f"{page.total} during the pull, so pages shifted under it. Run the "
                        "pull again."
                    )
                rows = page.rows[: target - delivered]
                seen.add(rows)
                delivered += len(rows)
                if bar is not None:
                    bar.update(len(rows))
                yield rows
                if delivered >= target:
                    break
        finally:
            if bar is not None:
                bar.close()
        if delivered != target:
            raise IncompleteDataError(
                f"Got {delivered} {self.endpoint.list_key} but the service said {target}"
                f"{'' if self.limit is None else f' (limit {self.limit})'}. Pages were shorter "
                "than promised; run the pull again, or report this if it persists."
            )

    def _bar(self, target: int, size: int) -> Any:
        if target <= size or not _want_progress(self.progress):
            return None
        from tqdm.auto import tqdm

        return tqdm(total=target, desc=f"ExpertFile {self.endpoint.list_key}", unit=" rows")

    def _in_order(self, first: _Page, size: int, starts: Iterator[int]) -> Iterator[_Page]:
        yield first
        with ThreadPoolExecutor(self.workers, thread_name_prefix="expertfile-page") as pool:
            window: deque[Future[_Page]] = deque()

            def submit_next() -> None:
                start = next(starts, None)
                if start is not None:
                    window.append(pool.submit(self._fetch, start, size))

            try:
                for _ in range(self.workers * 2):
                    submit_next()
                while window:
                    page = window.popleft().result()
                    submit_next()
                    yield page
            finally:
                for future in window:
                    future.cancel()


class _Seen:
    """Checks that no record comes twice, in memory that does not grow with the count.

    Overlapping pages (a misread ``page_from``, data shifting under the pull) repeat
    records across neighbouring pages, so each page is checked against itself and
    the page before. ``get_experts`` also checks the whole frame, which it holds anyway.
    """

    def __init__(self, key: str, where: str) -> None:
        self.key = key
        self.where = where
        self.previous: set[Any] = set()

    def add(self, rows: list[dict[str, Any]]) -> None:
        keys = set()
        for row in rows:
            value = row.get(self.key)
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise IncompleteDataError(
                    f"A record from {self.where} has no usable {self.key!r} ({value!r:.40}); "
                    "cannot check for duplicates."
                )
            if value in keys or value in self.previous:
                raise _duplicate(self.where, value)
            keys.add(value)
        self.previous = keys


def _duplicate(where: str, value: Any) -> IncompleteDataError:
    return IncompleteDataError(
        f"The record {value!r} came twice from {where}: pages overlapped, so others were "
        "probably missed. Run the pull again."
    )


def _iterate(pull: _Pull) -> Iterator[dict[str, Any]]:
    for rows in pull.pages():
        yield from rows


# -- frames ----------------------------------------------------------------------------------
def _frame(records: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    import pandas as pd

    for record in records:
        topics = record.get("topics")
        if isinstance(topics, list):
            record["topics"] = [t.get("title") if isinstance(t, dict) else t for t in topics]
    frame = pd.json_normalize(records, sep=".") if records else pd.DataFrame()
    for name in columns:
        if name not in frame.columns:
            frame[name] = pd.Series([None] * len(frame), dtype="object")
    for name, dtype in columns.items():
        try:
            if dtype.startswith("datetime"):
                frame[name] = pd.to_datetime(frame[name], utc=True)
            else:
                frame[name] = frame[name].astype(dtype)  # type: ignore[call-overload]
        except (TypeError, ValueError, OverflowError):
            # Keep every value rather than lose the pull: the column stays as sent.
            log.warning("column %r does not fit %s; kept as sent (object)", name, dtype)
            frame[name] = frame[name].astype("object")
    ordered = list(columns) + [c for c in frame.columns if c not in columns]
    result: pd.DataFrame = frame[ordered].reset_index(drop=True)
    return result


def _collect(pull: _Pull, columns: dict[str, str]) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    for rows in pull.pages():
        records.extend(rows)
    frame = _frame(records, columns)
    key = pull.endpoint.record_key
    repeated = frame[key][frame[key].duplicated()]
    if len(repeated):
        raise _duplicate(pull.path, repeated.iloc[0])
    return frame


def _expert_columns(fields: Filter) -> dict[str, str]:
    if fields is None:
        return EXPERT_COLUMNS
    wanted = {fields} if isinstance(fields, str) else set(fields)
    return {k: v for k, v in EXPERT_COLUMNS.items() if k in _EXPERT_BASE or k in wanted}


# -- public functions ------------------------------------------------------------------------
def iter_experts(
    q: str | None = None,
    *,
    access: Access = "public",
    status: Status = "published",
    countries: Filter = None,
    topics: Filter = None,
    industries: Filter = None,
    categories: Filter = None,
    tags: Filter = None,
    fields: Filter = None,
    sort: Sort | None = None,
    page_size: int = 100,
    limit: int | None = None,
    progress: bool | None = None,
    workers: int = 4,
    session: requests.Session | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the organization's experts one dict at a time, in constant memory.

    Takes the same arguments as :func:`get_experts`. Pages are fetched ahead
    concurrently but never more than ``2 x workers`` at a time. The checks
    (count, duplicates, stable total) run as the pages arrive; a failure
    raises :class:`~expertfile_nb.errors.IncompleteDataError` at that point.
    """
    params = _expert_params(
        q, access, status, countries, topics, industries, categories, tags, fields, sort
    )
    pull = _Pull(
        EXPERTS,
        params,
        page_size=page_size,
        limit=limit,
        workers=workers,
        progress=progress,
        session=session,
    )
    return _iterate(pull)


def get_experts(
    q: str | None = None,
    *,
    access: Access = "public",
    status: Status = "published",
    countries: Filter = None,
    topics: Filter = None,
    industries: Filter = None,
    categories: Filter = None,
    tags: Filter = None,
    fields: Filter = None,
    sort: Sort | None = None,
    page_size: int = 100,
    limit: int | None = None,
    progress: bool | None = None,
    workers: int = 4,
    session: requests.Session | None = None,
) -> pd.DataFrame:
    """The organization's experts as a DataFrame: every page, verified, one row per expert.

    Logs in first if needed (see :func:`expertfile_nb.login`).

    Args:
        q: free-text search (names, taglines, topics).
        access: ``"public"`` (default), ``"private"`` or ``"all"``.
        status: ``"published"`` (default), ``"unpublished"`` or ``"all"``.
        countries: country codes, e.g. ``["CA", "US"]`` (sent as a JSON array).
        topics: topic titles to match.
        industries: industries to match.
        categories: categories to match.
        tags: tags to match.
        fields: extra fields to ask for (default: all the service sends).
        sort: ``"name"`` or ``"featured"``; default: the service's order.
        page_size: rows per request (the service may cap it; the pull adapts).
        limit: stop after this many experts (fetches no more pages than needed).
        progress: show a progress bar; default: in notebooks and terminals only.
        workers: pages fetched at once (1-16).
        session: a session from :func:`expertfile_nb.get_session`; default: one shared by
            the data functions for the current login (connections are reused).

    Returns:
        One row per expert; nested objects flattened (``avatar.original``), ``topics``
        a list of titles; the same columns and dtypes when empty.

    Raises:
        IncompleteDataError: a page failed after retries (the message names it), or the
            result could not be verified (count, duplicates, changing total).
        NotLoggedInError: no login and no credentials in the environment.
        TypeError: an unknown argument (as for any Python function).
        ConfigurationError: an argument with a wrong value.
    """
    params = _expert_params(
        q, access, status, countries, topics, industries, categories, tags, fields, sort
    )
    pull = _Pull(
        EXPERTS,
        params,
        page_size=page_size,
        limit=limit,
        workers=workers,
        progress=progress,
        session=session,
    )
    return _collect(pull, _expert_columns(fields))


def _simple(
    endpoint: _Endpoint,
    page_size: int,
    limit: int | None,
    progress: bool | None,
    workers: int,
    session: requests.Session | None,
    q: str | None = None,
) -> _Pull:
    params = {"q": q} if q else {}
    return _Pull(
        endpoint,
        params,
        page_size=page_size,
        limit=limit,
        workers=workers,
        progress=progress,
        session=session,
    )


def iter_staff(
    *,
    page_size: int = 100,
    limit: int | None = None,
    progress: bool | None = None,
    workers: int = 4,
    session: requests.Session | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the organization's staff (experts and other employees) one dict at a time."""
    return _iterate(_simple(STAFF, page_size, limit, progress, workers, session))


def get_staff(
    *,
    page_size: int = 100,
    limit: int | None = None,
    progress: bool | None = None,
    workers: int = 4,
    session: requests.Session | None = None,
) -> pd.DataFrame:
    """The organization's staff as a DataFrame (arguments and checks as in :func:`get_experts`)."""
    return _collect(_simple(STAFF, page_size, limit, progress, workers, session), STAFF_COLUMNS)


def iter_spotlights(
    q: str | None = None,
    *,
    page_size: int = 100,
    limit: int | None = None,
    progress: bool | None = None,
    workers: int = 4,
    session: requests.Session | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the organization's news spotlights one dict at a time."""
    return _iterate(_simple(SPOTLIGHTS, page_size, limit, progress, workers, session, q))


def get_spotlights(
    q: str | None = None,
    *,
    page_size: int = 100,
    limit: int | None = None,
    progress: bool | None = None,
    workers: int = 4,
    session: requests.Session | None = None,
) -> pd.DataFrame:
    """The organization's news spotlights as a DataFrame (``published`` as UTC datetimes)."""
    pull = _simple(SPOTLIGHTS, page_size, limit, progress, workers, session, q)
    return _collect(pull, SPOTLIGHT_COLUMNS)


def get_expert(username: str, *, session: requests.Session | None = None) -> dict[str, Any]:
    """One expert's full profile: section name (``account``, ``biography``, …) → list.

    Raises:
        NotFoundError: no such expert in the organization.
        ConfigurationError: an empty username.
    """
    from urllib.parse import quote

    if not isinstance(username, str) or not username.strip():
        raise ConfigurationError("username must be a non-empty string.")
    active = session if session is not None else shared_session()
    org = getattr(active, "org_id", None)
    response = active.get(f"/v2/organization/{org}/expert/{quote(username.strip(), safe='')}")
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    data = body.get("data") if isinstance(body, dict) and body.get("success") is True else None
    if not isinstance(data, dict):
        raise APIError(
            f"The profile of {username!r} came back without a data object.",
            status=response.status_code,
            url=response.url,
        )
    return data
