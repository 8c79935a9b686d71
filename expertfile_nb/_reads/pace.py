"""Pacing a pull to what the service allows: AIMD on the requests in flight, and its pauses.

Every request of a pull (the first page, the probe, the pages, the second look) takes a
place here before it is sent. The policy:

- **Start** with ``workers`` requests in flight, as many as asked: a service that never
  answers 429 sees exactly what it saw before pacing existed.
- **A 429** (``Too Many Requests``) halves the requests allowed in flight (never below
  1), and no request of the pull starts until its ``Retry-After`` has passed (seconds or
  an HTTP date, at most :data:`MAX_PAUSE` s, as the session's own retries cap it); without
  one, the session's back-off (``EXPERTFILE_RETRY_BACKOFF``, 0.5 s) doubling with each
  429 in a row, at most 8 s. The throttled page is asked again after the pause. 429s
  answering requests sent before the last halving do not halve again (they are the same
  burst), but each one's ``Retry-After`` is honoured.
- **Healthy**: after as many answers in a row without a 429 as requests are allowed in
  flight (one round), one more is allowed, never more than ``workers`` (additive
  increase). A pull that went over the limit once thus creeps back up to it, a 429
  at a time, instead of hammering it.
- **Giving up**: a page answered 429 :data:`THROTTLED_ATTEMPTS` times (one try and the
  four retries the session's policy gives any request) ends the pull with
  ``IncompleteDataError``, the ``RateLimitError`` attached: the same count and, with
  the same ``Retry-After``, the same time as a single request.
- A session whose retry policy does not retry 429 (``retries=0``) is taken at its word:
  a 429 ends the pull at once (see :func:`expertfile_nb._http.transport.pacing_429`).

Why concurrency rather than a rate: the service's limit is not documented (nor whether
it counts requests per second or requests in flight), and a 429 is the only signal; with
a fixed round trip, requests in flight *are* a rate, and halving them is how TCP and
most HTTP clients answer the same signal. The pause does the rest: a service that counts
requests per second refills while the pull waits, so the burst after a pause is not lost.
"""

from __future__ import annotations

import threading
import time

from expertfile_nb._http.config import retry_backoff
from expertfile_nb._http.transport import CappedRetry

__all__ = ["MAX_PAUSE", "THROTTLED_ATTEMPTS", "Pace"]

#: the longest pause a ``Retry-After`` leads to (the session's retries cap it the same)
MAX_PAUSE = CappedRetry.max_retry_after
#: how many 429s one page may get before the pull gives up
THROTTLED_ATTEMPTS = 5
#: the longest pause after a 429 without ``Retry-After``
MAX_BACKOFF = 8.0


class Pace:
    """The requests a pull may have in flight now, and when the next may start (thread-safe).

    Args:
        workers: the most requests in flight (the pull's ``workers``).
        start: requests allowed in flight at first (default: ``workers``).

    Attributes:
        limit: requests allowed in flight now.
        throttled: 429s met so far.
        lowest: the lowest ``limit`` so far.
    """

    def __init__(self, workers: int, start: int | None = None) -> None:
        self.workers = workers
        self.limit = workers if start is None else max(1, min(start, workers))
        self.lowest = self.limit
        self.throttled = 0
        self._in_flight = 0
        self._resume_at = 0.0  # time.monotonic() before which no request starts
        self._epoch = 0  # bumped by each halving
        self._run = 0  # answers without a 429 since the limit last changed
        self._streak = 0  # 429s in a row (the back-off without Retry-After)
        self._closed = False
        self._backoff = retry_backoff()
        self._cond = threading.Condition()

    def acquire(self) -> int | None:
        """Wait for a place (and for any pause to end); the epoch to report back with, or
        ``None`` once :meth:`close` was called (the pull is over: send nothing)."""
        with self._cond:
            while not self._closed:
                wait = self._resume_at - time.monotonic()
                if wait <= 0 and self._in_flight < self.limit:
                    self._in_flight += 1
                    return self._epoch
                self._cond.wait(wait if wait > 0 else None)
            return None

    def answered(self) -> None:
        """The request got an answer that was not a 429 (or failed otherwise)."""
        with self._cond:
            self._in_flight -= 1
            self._streak = 0
            self._run += 1
            if self._run >= self.limit and self.limit < self.workers:
                self.limit += 1
                self._run = 0
            self._cond.notify_all()

    def released(self) -> None:
        """The request ended without an answer to judge by (an error): its place is free."""
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    def too_many(self, epoch: int, retry_after: float | None) -> float:
        """The request sent at ``epoch`` was answered 429: halve, pause; the pause in s."""
        with self._cond:
            self._in_flight -= 1
            self.throttled += 1
            self._streak += 1
            if epoch == self._epoch:  # not answered by a halving yet
                self.limit = max(1, self.limit // 2)
                self.lowest = min(self.lowest, self.limit)
                self._epoch += 1
                self._run = 0
            if retry_after is not None:
                pause = min(max(retry_after, 0.0), MAX_PAUSE)
            else:
                pause = min(self._backoff * 2 ** (self._streak - 1), MAX_BACKOFF)
            self._resume_at = max(self._resume_at, time.monotonic() + pause)
            self._cond.notify_all()
            return pause

    def close(self) -> None:
        """The pull is over: requests still waiting for a place are not sent."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
