"""Ending a request at its deadline, wherever it is blocked: connecting, headers or body.

A socket timeout bounds each wait for bytes, not the whole answer: a server that
drips a byte now and then can hold a request for ever. So each request carries an
:class:`Alarm`; the connections it uses register with it (our urllib3 connection
classes do this in ``request()``), and one daemon :class:`Watchdog` thread shuts
their sockets down when the deadline passes. The blocked read then fails at once,
and the adapter reports :class:`~expertfile_nb.errors.DeadlineExceededError`. A retry
that urllib3 would start after the deadline is refused before it connects
(:class:`DeadlinePassed`), and an answer that ended early because its socket was
shut (headers cut short, say) is not taken for a whole one: the adapter checks the
alarm after the answer is read, too, and the reading itself (decompression included)
stops at the alarm.

A call made of several requests (a data call whose token is refused: the request, a
new token, the request again; a token request tried again) is bounded as a whole by
:func:`within`: each request's alarm is set for the earlier of its own deadline and
what is left of every enclosing one.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = [
    "POOL_CLASSES",
    "WATCHDOG",
    "Alarm",
    "DeadlinePassed",
    "current_alarm",
    "time_left",
    "within",
]

_local = threading.local()


class DeadlinePassed(Exception):
    """Raised instead of sending a retry after the deadline. Not an ``OSError`` on purpose:
    urllib3 would retry one of those, on a connection with no socket yet to shut."""


class Alarm:
    """The deadline of one request, and the connections it has used so far."""

    __slots__ = ("_conns", "cancelled", "fired")

    def __init__(self) -> None:
        self._conns: list[Any] = []
        self.cancelled = False
        self.fired = False

    def watch(self, conn: Any) -> None:
        """Register a connection the request is about to use.

        Raises:
            DeadlinePassed: the deadline has passed (a retry urllib3 would start after it).
        """
        if self.fired:
            raise DeadlinePassed
        self._conns.append(conn)

    def fire(self) -> None:
        self.fired = True
        for conn in list(self._conns):
            _shut(conn)

    def cancel(self) -> None:
        """The request ended in time: forget its connections (they go back to the pool)."""
        self.cancelled = True
        self._conns.clear()


def _shut(conn: Any) -> None:
    sock = conn if isinstance(conn, socket.socket) else getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One daemon thread that fires each alarm at its time (a heap; started on first use)."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> Alarm:
        alarm = Alarm()
        entry = (time.monotonic() + seconds, next(self._order), alarm)
        with self._cv:
            heap = self._heap
            if len(heap) > 256 and len(heap) % 256 == 0:
                # ended requests wait in the heap until their time; drop them now and then
                # so that a long pull keeps a few entries, not one per request
                heap[:] = [e for e in heap if not e[2].cancelled]
                heapq.heapify(heap)
            heapq.heappush(heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="expertfile-deadline", daemon=True
                )
                self._thread.start()
            if heap[0] is entry:  # the thread sleeps until an earlier time: wake it
                self._cv.notify()
        return alarm

    def _run(self) -> None:
        while True:
            with self._cv:
                while self._heap and self._heap[0][2].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cv.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cv.wait(wait)
                    continue
                alarm = heapq.heappop(self._heap)[2]
            if not alarm.cancelled:
                alarm.fire()


#: the one watchdog of the process
WATCHDOG = Watchdog()


def current_alarm(alarm: Alarm | None) -> None:
    """Set (or clear) the alarm of the request this thread is sending."""
    _local.alarm = alarm


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Bound everything this thread sends inside the block to ``seconds`` from now (or to
    an enclosing block's end, if that comes first)."""
    outer: tuple[float, float] | None = getattr(_local, "budget", None)
    mine = (time.monotonic() + seconds, seconds)
    if outer is not None and outer[0] <= mine[0]:
        mine = outer
    _local.budget = mine
    try:
        yield
    finally:
        _local.budget = outer


def time_left() -> tuple[float, float] | None:
    """(seconds left, seconds the block was given) of the innermost :func:`within` block of
    this thread, or ``None`` outside any."""
    budget: tuple[float, float] | None = getattr(_local, "budget", None)
    if budget is None:
        return None
    return budget[0] - time.monotonic(), budget[1]


class _Watched:
    """Mixin for urllib3 connections: register with the alarm of the current request."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        alarm: Alarm | None = getattr(_local, "alarm", None)
        if alarm is not None:
            alarm.watch(self)
        sent = super().request(*args, **kwargs)  # type: ignore[misc] # the mixin sits before a connection class
        sock = getattr(self, "sock", None)
        if alarm is not None and isinstance(sock, socket.socket):
            # its socket too: for an answer with "Connection: close", http.client hands
            # the socket to the response and the connection forgets it (sock = None)
            alarm.watch(sock)
        return sent


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


#: for ``PoolManager.pool_classes_by_scheme``
POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {
    "http": _HTTPConnectionPool,
    "https": _HTTPSConnectionPool,
}
