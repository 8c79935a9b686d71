"""One page of a pull, and what a pull allows: the options' ranges, a page as it came, a
request given to the pull's pool (which a pull may drop), the errors of pages that do not fit;
and :func:`collect`, a pull's records with its one re-pull.

Split from :mod:`expertfile_nb._reads.paging` (which holds the pull itself and says how it
goes); nothing here sends a request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from expertfile_nb.errors import APIError, ConfigurationError, IncompleteDataError

if TYPE_CHECKING:
    from expertfile_nb._reads.paging import Pull

__all__ = [
    "AHEAD",
    "MAX_PAGE_SIZE",
    "MAX_WORKERS",
    "PAGE_ATTEMPTS",
    "SMALLER_PAGE",
    "Mismatch",
    "Page",
    "check_options",
    "collect",
    "duplicate",
]

log = logging.getLogger("expertfile_nb")

MAX_PAGE_SIZE = 1000
MAX_WORKERS = 16
PAGE_ATTEMPTS = 3  # a page whose answer arrives broken gets two more tries
SMALLER_PAGE = 100  # the first size tried after a refusal of a larger one
AHEAD = 2  # pages asked for ahead of the one being given, per worker (memory: iter_*)


class Mismatch(IncompleteDataError):
    """The pages did not fit together (the data changed under the pull): worth one re-pull."""


class _UnreadablePage(APIError):
    """A 200 answer that is not the expected envelope."""


@dataclass
class Page:
    """One page as the service sent it."""

    rows: list[dict[str, Any]]
    total: int
    aggregations: Any  # None when the page had none


class _GaveWay(Exception):
    """A page sent before the first page's answer was answered 429: it is not asked again
    until the plan has it (it does not take the first page's place in the pace)."""


class _Sent:
    """A request given to the pull's pool; :meth:`drop` cancels it, or stops it before its
    next try (a page the pull will not read). A ``guess`` (sent before the first page's
    answer) answered 429 gives way (:class:`_GaveWay`); :meth:`result` then asks it anew."""

    def __init__(
        self,
        pool: ThreadPoolExecutor,
        get: Callable[[int, int, threading.Event, bool], Page],
        page_from: int,
        size: int,
        *,
        guess: bool = False,
    ) -> None:
        self.pool, self.get, self.page_from, self.size = pool, get, page_from, size
        self.stop = threading.Event()
        self.future: Future[Page] = pool.submit(get, page_from, size, self.stop, guess)

    def result(self) -> Page:
        try:
            return self.future.result()
        except _GaveWay:  # a guess answered 429, now in the plan: asked again, as any page
            self.future = self.pool.submit(self.get, self.page_from, self.size, self.stop, False)
            return self.future.result()

    def drop(self) -> None:
        self.stop.set()
        self.future.cancel()


def _whole(name: str, value: object, low: int, high: int | None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        span = f"from {low} to {high}" if high is not None else f"from {low}"
        raise ConfigurationError(f"{name} must be a whole number {span}; got {value!r:.40}.")


def check_options(page_size: object, limit: object, workers: object) -> None:
    """Refuse paging options outside their ranges (before any request is made).

    Raises:
        ConfigurationError: which option, and its range.
    """
    _whole("page_size", page_size, 1, MAX_PAGE_SIZE)
    if limit is not None:
        _whole("limit", limit, 0, None)
    _whole("workers", workers, 1, MAX_WORKERS)


def duplicate(where: str, value: Any) -> Mismatch:
    """The error for a record that came twice."""
    return Mismatch(
        f"The record {value!r} came twice from {where}: pages overlapped, so others were "
        "probably missed."
    )


Rows = list[dict[str, Any]]


def _one_pass(pull: Pull, each: Callable[[Rows], Rows] | None) -> Rows:
    records: Rows = []
    for rows in pull.pages():
        records.extend(rows if each is None else each(rows))
    return records


def collect(pull: Pull, each: Callable[[Rows], Rows] | None = None) -> Rows:
    """Every record of the pull, verified; one re-pull when a check fails.

    Args:
        pull: the pull.
        each: applied to each page's records as the page arrives (while the next pages
            travel), e.g. :func:`expertfile_nb._reads.frames.flat_rows`; its results are
            what is returned.

    Raises:
        IncompleteDataError: a page failed after retries, or the pages did not fit
            together twice in a row (the message says where).
    """
    try:
        return _one_pass(pull, each)
    except Mismatch as first:
        log.warning("%s Pulling %s again, once.", first, pull.endpoint.noun)
        try:
            return _one_pass(pull, each)
        except Mismatch as again:
            raise IncompleteDataError(
                f"{again} This happened on a second pull too (the first broke with: {first}). "
                "The data is changing; run the pull again later, or report this if it persists."
            ) from None
