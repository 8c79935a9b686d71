"""The pull: every page of a list endpoint, fetched concurrently and verified. No pandas.

A pull goes like this:

1. **The first page** (``page_from=0``) tells ``total``. A 400 that names
   ``page_size`` means the service refuses that size: the pull asks again with
   100 (or half the size, if that is 100 or less) and logs it once. A first page
   with fewer rows than asked and than ``total`` means the service caps its
   pages: the pull pages by that many.
   **It does not travel alone.** Reads are safe to send before they are known to
   be needed, so the probe (2) and the next pages, planned as offsets with the size
   asked, go out with it: ``workers`` requests at once (as many as the pace allows,
   on a re-pull after 429s), none waiting for a place. Once the first page is in,
   the pull keeps those its plan has (the same ``page_from`` and ``page_size``: the
   same request) and drops the others unread: all of them when the service refused
   the size or caps its pages, the pages past ``total`` (or ``limit``), the offsets
   when the probe finds page numbers. A row is given only from a page the plan has,
   checked as any page (4). Nothing goes ahead when one page is all the pull can
   need: with ``workers=1``, a ``limit`` no larger than the page, or on a re-pull
   whose first pass found everything (or nothing) on its first page. A page sent
   ahead and answered 429 gives way (it is not asked again on its own: the first
   page keeps its place in the pace) until the plan asks for it.
2. **The reading of page_from.** It is assumed to be a row offset; one small
   probe (``page_from=1, page_size=2``) checks it: an offset gives rows 2-3 of
   the first page, a page number rows 3-4 (with a first page of 2 or 3 rows, the
   probe's first row tells them apart; with 1 row, an offset is assumed). The
   pull follows whichever it is. The probe goes out with the first page (1), or,
   when nothing went ahead, with the first later pages (``workers - 1`` of them,
   planned as offsets); either way no later page is planned before its answer is
   in, and if it finds page numbers the pages planned as offsets are dropped and
   the rest planned by page number.
3. **Overlapping pages.** With offsets, each page starts on the last row of the
   page before (page *k* at ``k * (page_size - 1)``), and that row must be the
   same record. An insert or a delete before that point shifts the rows and
   shows there, at no extra request.
   **Pages that cannot overlap** (page numbers; pages of one row, asked for or
   the service's cap) get a second look instead: once every page is in, the rows
   on both sides of every page boundary are read again and must be the records
   the pull read there. One small request a boundary (a page of ``m`` rows holds
   rows ``b - 1`` and ``b`` when ``m`` does not divide ``b``; where no ``m`` up to
   the page size does, each row is read alone, as are all rows of a one-row pull;
   the keys at the boundaries are kept for it: every key, for one-row pages).
   Why that suffices: whatever one change does to the listing (an insert, a
   delete, a move, or a delete and an insert at once), the rows it moves form
   one run; a frame that mixes pages read before and after it has a page
   boundary inside that run, where a row read before differs from the same row
   read after.
4. **The checks**, on every page as it arrives: the same ``total``; exactly as
   many rows as its position and ``total`` call for (the pull stops at the first
   empty or short page); no record twice in the whole pull (kept in 12-24 bytes
   a record: :class:`~expertfile_nb._reads.keys.KeySet`); at the end exactly ``total``
   (or ``limit``) records. A record is known by its key *as sent, type included*: ``1`` and
   ``"1"`` are two records.
5. **Bounds.** A pass makes at most the first page, the probe and the pages
   that ``total`` and the page size call for (pages are fetched ``workers`` at
   a time, never more than ``2 x workers`` ahead), plus, for a refused size,
   one request per smaller size tried, plus, for pages that cannot overlap, the
   second look (at most two requests a boundary; one a row for one-row pages),
   plus the requests sent with the first page that its plan does not have (the
   probe among them, ``workers - 1`` at most, within the pages ``limit`` calls
   for), plus, where ``page_from`` reads as a page number and nothing went ahead,
   the ``workers - 1`` pages begun as offsets with the probe, plus the pages
   answered 429 and asked again (each page at most
   :data:`~expertfile_nb._reads.pace.THROTTLED_ATTEMPTS` times in all; a page sent
   ahead that gave way to its 429 once more). A first page that fails ends the pass
   as below (7); what went with it was sent too (each with the session's own
   retries) and is not asked again by the pull.
   ``get_*`` re-pulls once when a check fails, then raises
   :class:`~expertfile_nb.errors.IncompleteDataError` naming where it broke.
   ``iter_*`` cannot take back rows it has given, so it raises at once (after
   its last row, when the second look finds the change).
6. **A 429** is the pull's to handle, not the session's: the pull slows down
   (fewer requests in flight, a pause of ``Retry-After``) and asks again, and
   speeds up again while answers come; the policy is in :mod:`expertfile_nb._reads.pace`.
   A page answered 429 five times ends the pull as below; a session whose retry
   policy does not retry 429 (``retries=0``) ends it at the first.
7. **A request that fails** after the session's retries ends the pull. If
   asking again could help (no answer, a 5xx, a 429, a broken or unreadable
   page, the deadline), it is an ``IncompleteDataError`` naming the page, its
   cause attached. If it could not — the login is refused
   (``AuthenticationError``), the service refuses the request itself (a 4xx
   ``APIError`` other than 429: a filter it does not take, an unknown
   organization), or a page is over the size cap (``ResponseTooLargeError``) —
   that error is raised as it is, so ``except`` on its type works for a pull as
   for any call.

What no client can see without reading everything twice: several separate
edits that each stay inside one page and keep the boundaries, the count and
the total as they were (records trading places within a page, in two pages
read at different times). A frame is then the listing as it stood when each
page was read. One change during a pull (see 3) is always either caught or
harmless, with or without overlapping pages.

Where the time goes (docs/performance.md has the figures): with a 50 ms round trip,
each of the ``workers`` threads spends nearly all of it waiting; what is not waiting
is the requests' own CPU (``requests`` and the JSON of each page; the server's), the
requests the limit does not count (the probe, the page the one-row overlap adds), and
building the frame. The first page and the probe travel with the pages (1), and
``get_*`` makes each page's records into rows as it arrives (:func:`collect`'s
``each``), so that only the DataFrame itself is built after the last page. The proxy
and CA-bundle settings are read from the environment once a pass (``requests`` would
read them for every page): see :func:`expertfile_nb._auth.session.read_environment`.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING, Any, NoReturn

from expertfile_nb._auth.session import (
    Environment,
    environment_read,
    hidden_values,
    read_environment,
)
from expertfile_nb._http.envelope import data_of, load_json
from expertfile_nb._http.transport import pacing_429
from expertfile_nb._reads.keys import KeySet
from expertfile_nb._reads.pace import THROTTLED_ATTEMPTS, Pace
from expertfile_nb._reads.page import (
    AHEAD,
    MAX_PAGE_SIZE,
    MAX_WORKERS,
    PAGE_ATTEMPTS,
    SMALLER_PAGE,
    Mismatch,
    Page,
    _GaveWay,
    _Sent,
    _UnreadablePage,
    check_options,
    collect,
    duplicate,
)
from expertfile_nb._reads.progress import progress_bar
from expertfile_nb._redact import REDACTED, excerpt
from expertfile_nb.errors import (
    APIError,
    AuthenticationError,
    BrokenResponseError,
    ConfigurationError,
    ExpertFileError,
    IncompleteDataError,
    RateLimitError,
    ResponseTooLargeError,
)

if TYPE_CHECKING:
    import requests

    from expertfile_nb._reads.endpoints import ListEndpoint

__all__ = ["MAX_PAGE_SIZE", "MAX_WORKERS", "Mismatch", "Pull", "check_options", "collect"]
# the page, the options' ranges and the errors live in page.py; named here too (their home
# before the split, and the names other modules import)

log = logging.getLogger("expertfile_nb")


class Pull:
    """One pull of a list endpoint (see the module docstring).

    Args:
        endpoint: the row of the endpoint table.
        query: the query parameters the caller set, encoded.
        session: a session that knows its ``org_id``.
        page_size: rows asked per request.
        limit: stop after this many records (``None``: all).
        workers: pages fetched at once.
        progress: a progress bar (``None``: in notebooks and terminals only).
    """

    def __init__(
        self,
        endpoint: ListEndpoint,
        query: dict[str, str],
        session: requests.Session,
        *,
        page_size: int,
        limit: int | None,
        workers: int,
        progress: bool | None,
    ) -> None:
        check_options(page_size, limit, workers)
        org = getattr(session, "org_id", None)
        if org is None:
            raise ConfigurationError(
                "This session does not know its organization id: use ef.get_session()."
            )
        self.endpoint = endpoint
        self.query = query
        self.session = session
        self.page_size = page_size
        self.limit = limit
        self.workers = workers
        self.progress = progress
        self.path = endpoint.path.format(org=org)
        self.aggregations: Any = None
        self.by_page = False  # page_from read as a page number (the plan found so)
        self.overlap = 0  # rows each later page repeats of the page before (the plan)
        self.one_page = False  # the last pass's first page held all it needed: guess nothing
        # a key read as *** (an echoed token) stops the pull; a capture keeps it (and skips it)
        self.refuse_starred = True
        self.pace = Pace(workers)  # renewed by each pass (see pages)
        self.environment: Environment | None = None  # read by each pass (see pages)

    # -- one page --------------------------------------------------------------------------
    def _get(
        self, page_from: int, size: int, stop: threading.Event | None = None, guess: bool = False
    ) -> Page:
        """One page, paced (:mod:`expertfile_nb._reads.pace`: a 429 is asked again after a pause,
        up to ``THROTTLED_ATTEMPTS`` times); a page whose answer arrives broken (cut off,
        not the envelope) gets two more tries here (the session has already retried other
        statuses and connections). Once ``stop`` is set (the pull dropped the page), it is
        not asked (again). A ``guess`` (sent before the first page's answer) answered 429
        gives way: it raises :class:`_GaveWay` instead of asking again."""
        params = {**self.query, "page_size": str(size), "page_from": str(page_from)}
        broken = throttled = 0
        while True:
            epoch = self.pace.acquire()
            if epoch is not None and stop is not None and stop.is_set():
                self.pace.released()
                epoch = None
            if epoch is None:
                raise IncompleteDataError(f"The pull of {self.endpoint.noun} was stopped.")
            try:
                with pacing_429() as deferred, environment_read(self.environment):
                    response = self.session.get(self.path, params=params)
                page = self._read(response, page_from)
            except RateLimitError as exc:
                throttled += 1
                if not deferred or throttled >= THROTTLED_ATTEMPTS:
                    self.pace.released()
                    raise
                pause = self.pace.too_many(epoch, exc.retry_after)
                if guess:
                    raise _GaveWay from exc
                log.debug(
                    "page_from=%s: 429; %s in flight at most, asking again in %.2g s",
                    page_from,
                    self.pace.limit,
                    pause,
                )
                continue
            except (BrokenResponseError, _UnreadablePage) as exc:
                self.pace.answered()
                broken += 1
                if broken == PAGE_ATTEMPTS:
                    raise
                log.debug("page_from=%s arrived broken (%s); trying again", page_from, exc)
                continue
            except BaseException:
                self.pace.released()
                raise
            self.pace.answered()
            return page

    def _fail(self, page_from: int, size: int, exc: ExpertFileError) -> NoReturn:
        """End the pull because a page request failed (module docstring, 7)."""
        if isinstance(exc, (AuthenticationError, ConfigurationError, ResponseTooLargeError)) or (
            isinstance(exc, APIError)
            and not isinstance(exc, RateLimitError)
            and 400 <= (exc.status or 0) < 500
        ):
            raise exc  # asking again cannot help: the type says what to fix
        raise IncompleteDataError(
            f"The pull of {self.endpoint.noun} stopped: the page at page_from={page_from} "
            f"(page_size={size}) failed after retries: {exc}"
        ) from exc

    def _fetch(
        self, page_from: int, size: int, stop: threading.Event | None = None, guess: bool = False
    ) -> Page:
        try:
            return self._get(page_from, size, stop, guess)
        except ExpertFileError as exc:
            self._fail(page_from, size, exc)

    def _read(self, response: requests.Response, page_from: int) -> Page:
        data = data_of(load_json(response.content))
        rows = data.get(self.endpoint.list_key) if isinstance(data, dict) else None
        total = data.get("total") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or not isinstance(rows, list)
            or not all(isinstance(r, dict) for r in rows)
            or isinstance(total, bool)
            or not isinstance(total, int)
            or total < 0
        ):
            shown = excerpt(  # redacted before it is cut: no part of a token left
                response.content, *hidden_values(response, self.session.auth), limit=120
            )
            raise _UnreadablePage(
                f"{self.path} (page_from={page_from}) answered {response.status_code} but not "
                f'with the expected {{"data": {{"{self.endpoint.list_key}": [...], "total": N}}, '
                f'"success": true}} (body starts: {shown!r}). Try again; if it persists, '
                "the API has changed.",
                status=response.status_code,
                url=response.url,
            )
        return Page(rows, total, data.get("aggregations"))

    def _first_page(self, size: int, sent: _Sent | None) -> tuple[Page, int]:
        """The first page and the size the service accepted (see the module docstring);
        ``sent``: the first try, already sent with the pages ahead."""
        refused: list[int] = []
        while True:
            first_try, sent = sent, None
            try:
                page = first_try.result() if first_try is not None else self._get(0, size)
            except APIError as exc:
                if exc.status == 400 and "page_size" in str(exc) and size > 1:
                    refused.append(size)
                    size = SMALLER_PAGE if size > SMALLER_PAGE else size // 2
                    continue
                self._fail(0, size, exc)
            except ExpertFileError as exc:
                self._fail(0, size, exc)
            if refused:
                log.warning(
                    "The service refused page_size=%s for %s; paging by %s instead.",
                    refused[0],
                    self.endpoint.noun,
                    size,
                )
            return page, size

    # -- the plan --------------------------------------------------------------------------
    def _plan(self, size: int, target: int, by_page: bool) -> Iterator[tuple[int, int]]:
        """(page_from, position of its first row) of each later page, lazily; sets
        ``by_page`` and ``overlap``."""
        self.by_page = by_page
        if by_page:
            self.overlap = 0
            return ((n, n * size) for n in range(1, -(-target // size)))
        overlap = 1 if size >= 2 else 0
        self.overlap = overlap
        step = size - overlap
        pages = -(-(target - size) // step)  # page k covers [k * step, k * step + size)
        return ((k * step, k * step) for k in range(1, pages + 1))

    def _reads_page_numbers(self, first: Page, probe_page: Page) -> bool:
        probe = [self.key(r) for r in probe_page.rows]
        keys = [self.key(r) for r in first.rows[:4]]
        # an offset starts the probe at row 1 of the first page, a page number at row 2;
        # with 2 or 3 rows on the first page, the probe's first row is what tells them apart
        if probe == keys[1:3] or (len(keys) == 2 and probe[:1] == keys[1:2]):
            return False
        if probe == keys[2:4] or (len(keys) == 3 and probe[:1] == keys[2:3]):
            return True
        if len(keys) == 2 and probe and probe[0] not in keys:
            return True  # row 2 is not on the first page: the probe started past it
        raise Mismatch(
            f"Cannot tell how {self.path} reads page_from: a probe at page_from=1 returned "
            "neither rows 2-3 (an offset) nor rows 3-4 (a page number) of the first page. "
            "The data may be changing; run the pull again."
        )

    def key(self, row: dict[str, Any]) -> tuple[str, str | int]:
        """The record's key as sent, type included (``1`` and ``"1"`` differ)."""
        value = row.get(self.endpoint.record_key)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise IncompleteDataError(
                f"A record from {self.path} has no usable {self.endpoint.record_key!r} "
                f"({value!r:.40}); cannot check for duplicates."
            )
        if self.refuse_starred and isinstance(value, str) and REDACTED in value:  # not the key
            raise IncompleteDataError(
                f"A record from {self.path} has a {self.endpoint.record_key!r} holding the "
                "access token or client secret this process holds (the service echoed it; "
                "it reads as ***): the record cannot be told apart from others, nor read or "
                "merged by its key, so the pull stops. Report it to the service; log in with "
                "a new client secret."
            )
        return type(value).__name__, value

    # -- one pass --------------------------------------------------------------------------
    def _sent_ahead(
        self, pool: ThreadPoolExecutor, size: int, target: int, places: int, *, guess: bool
    ) -> dict[tuple[int, int], _Sent]:
        """Send the first ``places`` later pages planned as offsets (page_from, page_size ->
        the request), before the pull knows whether the plan will have them (``guess``:
        before the first page's answer, too)."""
        starts = self._plan(size, target, by_page=False)
        return {
            (start, size): _Sent(pool, self._fetch, start, size, guess=guess)
            for start, _position in islice(starts, places)
        }

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """The new records of each page, in order, verified. Raises :class:`Mismatch`."""
        asked = self.page_size if self.limit is None else max(1, min(self.page_size, self.limit))
        self.pace = pace = Pace(self.workers, self.pace.limit)  # a re-pull starts where it ended
        # proxies and CA bundle: read from the environment once a pass, not once a page
        self.environment = read_environment(self.session)
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="expertfile-page")
        try:
            # module docstring, 1: the first page goes out with the probe and the next
            # pages, unless one page is all this pull can need; none waits for a place
            places = min(self.workers, pace.limit) - 1
            if self.one_page or (self.limit is not None and self.limit <= asked):
                places = 0
            first_try = _Sent(pool, self._get, 0, asked) if places else None
            probe = _Sent(pool, self._fetch, 1, 2, guess=True) if places and asked >= 2 else None
            ahead = self._sent_ahead(
                pool,
                asked,
                sys.maxsize if self.limit is None else self.limit,
                places - (probe is not None) if places else 0,
                guess=True,
            )
            first, size = self._first_page(asked, first_try)
            if size != asked:
                self.page_size = size  # a re-pull starts at the size the service accepted
            self.aggregations = first.aggregations
            total = first.total
            target = total if self.limit is None else min(total, self.limit)
            if first.rows and len(first.rows) < min(size, total):
                size = len(first.rows)  # the service's largest page is smaller: use it
                log.debug("the service caps page_size at %s; paging by that", size)
            # a re-pull guesses nothing where this first page held all it needed, or nothing
            self.one_page = target <= len(first.rows) or not first.rows
            self._check(first, 0, 0, size, total, None, 0)  # before planning: it may be empty
            bar = progress_bar(f"ExpertFile {self.endpoint.noun}", target, size, self.progress)
            delivered = 0
            seen = KeySet()
            last: tuple[str, str | int] | None = None  # the key of the page before's last row
            # pages that do not overlap: the keys on each side of every boundary (second look)
            sides: dict[int, tuple[str, str | int]] = {}  # row position -> key
            cuts: list[int] = []  # the position of each later page's first row
            ordered = self._in_order(pool, first, size, target, probe, ahead)
            try:
                for page_from, position, page in ordered:
                    skip = self.overlap if position else 0
                    if position:
                        self._check(page, page_from, position, size, total, last, skip)
                        if not skip and last is not None:
                            sides[position - 1], sides[position] = last, self.key(page.rows[0])
                            cuts.append(position)
                    rows = page.rows[skip : skip + target - delivered]
                    for row in rows:
                        key = self.key(row)
                        if not seen.add(key):
                            raise duplicate(f"{self.path} page_from={page_from}", key[1])
                    delivered += len(rows)
                    last = self.key(page.rows[-1]) if page.rows else None
                    if bar is not None:
                        bar.update(len(rows))
                    yield rows
                    if delivered >= target:
                        break
            finally:
                ordered.close()
                if bar is not None:
                    bar.close()
        finally:
            # before the pool waits for its threads: one waiting out a pause sends nothing
            pace.close()
            pool.shutdown(wait=True, cancel_futures=True)
        if delivered != target:
            raise Mismatch(
                f"Got {delivered} {self.endpoint.noun} from {self.path} but the service said "
                f"{target}{'' if self.limit is None else f' (limit {self.limit})'}."
            )
        if cuts:
            self._second_look(sides, cuts, size)

    def _check(
        self,
        page: Page,
        page_from: int,
        position: int,
        size: int,
        total: int,
        last: tuple[str, str | int] | None,
        skip: int,
    ) -> None:
        where = f"{self.path} page_from={page_from}"
        if page.total != total:
            raise Mismatch(
                f"The total of {self.endpoint.noun} changed from {total} to {page.total} "
                f"during the pull (at {where}), so pages shifted under it."
            )
        due = max(0, min(size, total - position))
        if len(page.rows) != due:
            state = "was empty" if not page.rows else f"held {len(page.rows)} rows"
            raise Mismatch(
                f"{where} {state} where {due} were due (page_size={size}, total={total}): "
                "records are missing or the data changed during the pull."
            )
        if skip and self.key(page.rows[0]) != last:
            raise Mismatch(
                f"{where} should begin with the last record of the page before "
                f"({last[1] if last else None!r}) but begins with {self.key(page.rows[0])[1]!r}: "
                "records were added, removed or moved during the pull."
            )

    def _looks(self, cuts: list[int], size: int) -> list[tuple[int, int]]:
        """(page_from, page_size) of the fewest small requests that read both rows of each
        boundary again: one page of ``m`` rows holds rows ``b - 1`` and ``b`` when ``m`` does
        not divide ``b`` (page numbers), else each row alone (a page of 1 row is row
        ``page_from`` for offsets and page numbers alike)."""
        looks: dict[tuple[int, int], None] = {}
        for cut in cuts:
            m = next((m for m in range(2, size + 1) if cut % m), 1) if self.by_page else 1
            if m > 1:
                looks[(cut - 1) // m, m] = None
            else:
                looks[cut - 1, 1] = looks[cut, 1] = None
        return list(looks)

    def _second_look(
        self, sides: dict[int, tuple[str, str | int]], cuts: list[int], size: int
    ) -> None:
        """Read the rows on each side of every page boundary again, once every page is in
        (module docstring, 3): pages that do not overlap prove themselves here."""
        looks = self._looks(cuts, size)
        log.debug("pages do not overlap: %s requests read the page boundaries again", len(looks))
        self.pace = Pace(self.workers, self.pace.limit)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="expertfile-page") as pool:
            try:
                # map cancels the looks not yet begun when one fails
                pages = list(pool.map(lambda look: self._fetch(*look), looks))
            finally:
                self.pace.close()
        for (page_from, m), page in zip(looks, pages, strict=True):
            first = page_from * m if self.by_page else page_from
            now = {first + i: self.key(row) for i, row in enumerate(page.rows)}
            for position in range(first, first + m):
                if position in sides and now.get(position) != sides[position]:
                    found = repr(now[position][1]) if position in now else "no row"
                    raise Mismatch(
                        f"The second look at the page boundaries ({self.path} "
                        f"page_from={page_from}, page_size={m}) found {found} at row {position} "
                        f"where the pull read {sides[position][1]!r}: records were added, "
                        "removed or moved during the pull."
                    )

    def _in_order(
        self,
        pool: ThreadPoolExecutor,
        first: Page,
        size: int,
        target: int,
        probe: _Sent | None,
        ahead: dict[tuple[int, int], _Sent],
    ) -> Generator[tuple[int, int, Page], None, None]:
        """The first page, then the later ones in order (page_from, position, page).

        The probe (module docstring, 2) is read before any later page is planned. It went
        out with the first page (``probe``), or goes now with the first ``workers - 1``
        later pages planned as offsets. The pages sent ahead (``ahead``: page_from,
        page_size -> the request) that the plan has (the same request: its answer) are
        the plan's; the others are dropped at once, unread. What is still in flight or
        waiting when the pass ends is stopped by :meth:`pages` (it closes the pace).
        """
        self.by_page, self.overlap = False, 0
        window: deque[tuple[int, int, _Sent]] = deque()
        if target <= len(first.rows):
            yield 0, 0, first
            return
        by_page = False  # with 1 row on the first page, an offset is assumed
        if len(first.rows) >= 2:
            if probe is None:
                probe = _Sent(pool, self._fetch, 1, 2)
                ahead = self._sent_ahead(pool, size, target, self.workers - 1, guess=False)
            by_page = self._reads_page_numbers(first, probe.result())
        if by_page:
            log.debug("page_from reads as a page number here; paging by page number")
        starts = self._plan(size, target, by_page)

        def submit_next() -> None:
            start = next(starts, None)
            if start is not None:
                kept = ahead.pop((start[0], size), None)  # the same request: its answer
                window.append((*start, kept or _Sent(pool, self._fetch, start[0], size)))

        for _ in range(self.workers * AHEAD):
            submit_next()
        for sent in ahead.values():  # not in the plan: dropped before a row is given
            sent.drop()
        ahead.clear()
        yield 0, 0, first
        while window:
            page_from, position, sent = window.popleft()
            page = sent.result()
            submit_next()
            yield page_from, position, page
