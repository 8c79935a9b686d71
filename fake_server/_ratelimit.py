"""A rate limit for the fake: 429 above ``per_second`` requests a second, as a token bucket.

The service's own limit is not documented; this is the common kind (and the one
``Retry-After`` describes best): a bucket of ``burst`` requests (one second's worth by
default) refilled at ``per_second``; a request that finds it empty is answered 429 with
``Retry-After`` (whole seconds, RFC 9110: the time until a request would pass, rounded
up) and the failure envelope, and changes nothing. It is a responder
(``fake_server.faults``), installed with :func:`limit_rate`, which uses
:meth:`FakeExpertFile.add_fault` (no other hook), so it stands before any fault added
after it on the same requests.

Each request it sees is recorded (:attr:`RateLimit.seen`): when, how many requests the
server was answering at that moment (its own included), and whether it was refused. Tests
read the concurrency a client kept from it; benchmarks, the count of 429s.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from fake_server._answers import failure
from fake_server._wsgi import Answer

if TYPE_CHECKING:
    from fake_server.app import FakeExpertFile

__all__ = ["FOREVER", "RateLimit", "Seen", "limit_rate"]

#: the fault count that stands for "until the next reset"
FOREVER = 10**12


@dataclass(frozen=True)
class Seen:
    """One request the limit saw."""

    at: float  # time.monotonic()
    in_flight: int  # requests the server was answering, this one included
    refused: bool


@dataclass
class RateLimit:
    """A token bucket: ``per_second`` requests a second, ``burst`` at once (see the module).

    Args:
        per_second: the sustained rate allowed.
        burst: the bucket's size (default: ``per_second``, one second's worth, at least 1).
        retry_after: send ``Retry-After`` with each 429.
        server: whose ``in_flight`` to record (``None``: recorded as 0).
    """

    per_second: float
    burst: float | None = None
    retry_after: bool = True
    server: FakeExpertFile | None = None
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.per_second <= 0:
            raise ValueError(f"per_second must be above 0, not {self.per_second!r}")
        self.size = max(1.0, self.per_second if self.burst is None else self.burst)
        self._tokens = self.size
        self._at = time.monotonic()
        self._lock = threading.Lock()

    @property
    def refused(self) -> int:
        """How many requests were answered 429."""
        return sum(s.refused for s in self.seen)

    def reset(self) -> None:
        """A full bucket and nothing seen."""
        with self._lock:
            self._tokens, self._at = self.size, time.monotonic()
            self.seen = []

    def __call__(self, request: Request) -> Answer | None:
        in_flight = self.server.in_flight if self.server is not None else 0
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.size, self._tokens + (now - self._at) * self.per_second)
            self._at = now
            refused = self._tokens < 1
            if not refused:
                self._tokens -= 1
            self.seen.append(Seen(now, in_flight, refused))
            wait = (1 - self._tokens) / self.per_second
        if not refused:
            return None  # the normal answer
        headers = {"Retry-After": str(max(1, math.ceil(wait)))} if self.retry_after else {}
        return failure(
            429,
            "rate_limited",
            f"fake server: more than {self.per_second:g} requests a second",
            headers,
            style=self.server.settings.error_body if self.server is not None else "error",
        )


def limit_rate(
    server: FakeExpertFile,
    per_second: float,
    *,
    burst: float | None = None,
    retry_after: bool = True,
    path: str | None = "data",
) -> RateLimit:
    """Answer 429 above ``per_second`` requests a second (the data endpoints by default),
    until the server's next ``reset()``; the :class:`RateLimit`, to read what it saw."""
    limit = RateLimit(per_second, burst, retry_after, server)
    server.add_fault(FOREVER, limit, path=path)
    return limit
