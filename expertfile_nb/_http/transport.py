"""How every request of this package travels: the retry policy, bounded reads, the builder.

- ``urllib3.util.Retry`` retries GETs (and the token POST) on 429/500/502/503/504
  and connection errors, with exponential backoff (``EXPERTFILE_RETRY_BACKOFF``)
  and ``Retry-After`` (capped, so a server asking for an hour cannot hang a notebook).
- :class:`LimitedAdapter` ends each request at its deadline wherever it blocks (see
  :mod:`expertfile_nb._http.deadline`), caps the decompressed size of each answer, and
  never sends plain ``http://`` (loopback only) through a proxy.
- :func:`configure` sets up every ``requests.Session`` this package makes, the
  token request's included.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, InvalidHeader, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from expertfile_nb._http.config import positive_seconds, retry_backoff
from expertfile_nb._http.deadline import (
    POOL_CLASSES,
    WATCHDOG,
    Alarm,
    DeadlinePassed,
    current_alarm,
    time_left,
)
from expertfile_nb._version import __version__
from expertfile_nb.errors import ConfigurationError, DeadlineExceededError, ResponseTooLargeError

__all__ = [
    "DEFAULT_DEADLINE",
    "ENV_DEADLINE",
    "MAX_DATA_BYTES",
    "MAX_TOKEN_BYTES",
    "TOKEN_DEADLINE",
    "USER_AGENT",
    "CappedRetry",
    "LimitedAdapter",
    "Timeout",
    "asked_to_wait",
    "configure",
    "default_retry",
    "login_deadline",
    "pacing_429",
    "without_writes",
]

Timeout = float | tuple[float, float]

USER_AGENT = f"expertfile-nb/{__version__} python-requests/{requests.__version__}"
RETRY_STATUSES = (429, 500, 502, 503, 504)

#: the largest answer accepted, decompressed: generous for a data page, small for a token
MAX_DATA_BYTES = 64 * 1024 * 1024
MAX_TOKEN_BYTES = 64 * 1024
#: seconds for one request and its whole answer (retries and their waits included)
DEFAULT_DEADLINE = 300.0
#: seconds for a login's token request, every try included, at most (see login_deadline)
TOKEN_DEADLINE = 120.0
#: seconds: the shortest default a login's timeout leads to
_SHORTEST_LOGIN_DEADLINE = 5.0
#: the default deadline of ``login()`` (seconds), when set
ENV_DEADLINE = "EXPERTFILE_DEADLINE"
_CHUNK = 64 * 1024


#: never resent by urllib3 once they may have been received (``writes.py`` re-reads first)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: allowed_methods that retries no method (urllib3 reads an empty set as any method)
_NO_METHOD = frozenset({"(none)"})

#: set (to a list) by a caller that paces its own 429s, in its thread: see :func:`pacing_429`
_PACED: ContextVar[list[int] | None] = ContextVar("expertfile_paced", default=None)


@contextmanager
def pacing_429() -> Iterator[list[int]]:
    """Within it, a GET answered 429 that the retry policy would retry is not retried by
    urllib3: the 429 is returned (so raised as ``RateLimitError``) and noted in the list
    yielded, for the caller to pace itself (a pull: :mod:`expertfile_nb._reads.pace`). A policy
    that would not retry it (``retries=0``) notes nothing: the caller need not retry."""
    deferred: list[int] = []
    token = _PACED.set(deferred)
    try:
        yield deferred
    finally:
        _PACED.reset(token)


def login_deadline(timeout: float | tuple[float, float], deadline: float | None = None) -> float:
    """The deadline of a login's token request: ``deadline`` if given, else
    ``EXPERTFILE_DEADLINE`` if set, else ten times the timeout's (connect + read) seconds,
    at least 5 s and at most 120 s (so the default timeout of 5 + 30 s gives 120 s).

    Raises:
        ConfigurationError: ``deadline`` or ``EXPERTFILE_DEADLINE`` is not seconds above 0.
    """
    if deadline is None:
        raw = os.environ.get(ENV_DEADLINE, "").strip()
        if raw:
            try:
                deadline = float(raw)
            except ValueError:
                deadline = -1.0
            if not positive_seconds(deadline):
                raise ConfigurationError(
                    f"{ENV_DEADLINE}={raw!r:.40} is not seconds above 0. Unset it for the "
                    "default (ten times the timeout, 5 to 120 s)."
                )
    if deadline is None:
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return min(TOKEN_DEADLINE, max(_SHORTEST_LOGIN_DEADLINE, 10 * (connect + read)))
    if not positive_seconds(deadline):
        raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
    return float(deadline)


class CappedRetry(Retry):
    """``urllib3`` ``Retry`` whose wait for ``Retry-After`` is capped at ``max_retry_after`` s,
    and that never resends a method it does not allow once the request may have been sent:
    urllib3 itself resends any method after an "other" error (an SSL or proxy error)."""

    max_retry_after: float = 30.0

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> CappedRetry:
        if (
            error is not None
            and method is not None
            and not self._is_method_retryable(method)
            and not self._is_connection_error(error)  # not connected: nothing was sent
        ):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        retry = super().is_retry(method, status_code, has_retry_after)
        deferred = _PACED.get()
        if retry and status_code == 429 and method.upper() == "GET" and deferred is not None:
            deferred.append(status_code)  # the caller paces it (pacing_429)
            return False
        return retry

    def get_retry_after(self, response: Any) -> float | None:
        try:
            seconds = super().get_retry_after(response)
        except InvalidHeader:  # e.g. "0.5": not RFC 9110's whole seconds; use the backoff
            return None
        return None if seconds is None else min(seconds, self.max_retry_after)


def asked_to_wait(response: requests.Response) -> float | None:
    """The ``Retry-After`` of ``response`` in seconds (whole seconds or an HTTP date)."""
    try:
        return Retry().get_retry_after(response)  # type: ignore[arg-type] # a requests.Response has the headers it reads
    except InvalidHeader:
        return None


def without_writes(policy: Retry | int, *, post: bool = False) -> Retry:
    """``policy`` as a :class:`CappedRetry` that never resends a write (POST, PUT, PATCH,
    DELETE; the token POST when ``post``): a number or a plain ``Retry`` (whose default
    methods include PUT and DELETE) is converted, the caller's other settings kept."""
    if not isinstance(policy, Retry):  # as requests' HTTPAdapter reads a number
        policy = Retry(0, read=False) if policy == 0 else Retry.from_int(policy)
    if isinstance(policy, CappedRetry):
        capped = policy  # its own class kept (a subclass may set its own cap)
    else:
        capped = CappedRetry.__new__(CappedRetry)
        capped.__dict__.update(policy.__dict__)  # the same settings, in the capped class
    methods = capped.allowed_methods
    if not methods:  # urllib3's "any method" (None; an empty collection, deprecated, too)
        methods = Retry.DEFAULT_ALLOWED_METHODS | WRITE_METHODS
    refused = WRITE_METHODS - ({"POST"} if post else set())
    kept = frozenset(m for m in methods if m.upper() not in refused)
    # none left (a policy that named writes only): a set that names no method, as urllib3
    # reads an empty one as "any method" (and would resend a PUT after a reset or a 503)
    return capped.new(allowed_methods=kept or _NO_METHOD)


def default_retry(*, post: bool = False) -> Retry:
    """The retry policy: 4 retries, backoff 0.5 s doubling, on 429/5xx and connection errors.

    The back-off factor is read from ``EXPERTFILE_RETRY_BACKOFF`` when set (tests shorten it).

    Args:
        post: also retry POST (the token request, which has no side effect to double).

    Raises:
        ConfigurationError: ``EXPERTFILE_RETRY_BACKOFF`` is not a number of seconds.
    """
    methods = {"GET", "HEAD", "OPTIONS"} | ({"POST"} if post else set())
    return CappedRetry(
        total=4,
        connect=3,
        read=2,
        status=4,
        backoff_factor=retry_backoff(),
        backoff_max=8.0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset(methods),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


class LimitedAdapter(HTTPAdapter):
    """``HTTPAdapter`` that ends each request at its deadline (connecting, headers and body
    alike), caps the decompressed size of each answer, and never sends plain ``http://``
    (loopback only) through a proxy.

    Args:
        max_bytes: the largest decompressed answer accepted.
        deadline: seconds from sending the request to the end of its answer, retries
            included.
    """

    def __init__(self, *, max_bytes: int, deadline: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes
        self.deadline = deadline

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOL_CLASSES  # connections the alarm can end

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = POOL_CLASSES
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        if (request.url or "").lower().startswith("http:"):
            proxies = {}  # loopback only (check_transport): a proxy would see the secret
        seconds, stated = self.deadline, self.deadline
        enclosing = time_left()  # a call this request is part of (a re-login, a retry)
        if enclosing is not None and enclosing[0] < seconds:
            seconds, stated = enclosing[0], enclosing[1]
        if seconds <= 0:
            raise self._late(request, stated)
        alarm = WATCHDOG.arm(seconds)
        current_alarm(alarm)
        try:
            response = super().send(request, True, timeout, verify, cert, proxies)
            if not stream:
                read_within(response, self.max_bytes, alarm)
        except (requests.RequestException, OSError, DeadlinePassed):
            if not alarm.fired:
                raise
        finally:
            current_alarm(None)
            alarm.cancel()
        if alarm.fired:  # raised here, not in the except: no __context__ holding the request
            raise self._late(request, stated)
        return response

    def _late(self, request: requests.PreparedRequest, deadline: float) -> DeadlineExceededError:
        where = urlsplit(request.url or "").path
        return DeadlineExceededError(
            f"The answer to {where} did not arrive in full within {deadline:g} s; stopped "
            "waiting. The service or the network is very slow: try again later.",
            deadline=deadline,
        )


def read_within(response: requests.Response, max_bytes: int, alarm: Alarm | None = None) -> None:
    """Read the whole (decompressed) body into ``response.content``, at most ``max_bytes``,
    stopping when ``alarm`` fires (a bomb that decompresses slowly is bounded too).

    Raises:
        ResponseTooLargeError: more than ``max_bytes``.
        requests.exceptions.ChunkedEncodingError, ContentDecodingError, ConnectionError:
            as ``requests`` itself raises them for a body that breaks off.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.raw.stream(_CHUNK, decode_content=True):
            if alarm is not None and alarm.fired:
                response.close()
                raise requests.exceptions.ConnectionError("deadline")
            size += len(chunk)
            if size > max_bytes:
                response.close()
                where = urlsplit(response.url or "").path
                raise ResponseTooLargeError(
                    f"The answer to {where} is larger than {max_bytes:,} bytes; stopped reading "
                    "it. Check the base URL; for data, ask for smaller pages (page_size).",
                    limit=max_bytes,
                )
            chunks.append(chunk)
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(type(exc).__name__) from None
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(type(exc).__name__) from None
    except (ReadTimeoutError, OSError) as exc:
        raise requests.exceptions.ConnectionError(type(exc).__name__) from None
    response._content = b"".join(chunks)
    response._content_consumed = True  # type: ignore[attr-defined] # requests' own flag


def configure(
    session: requests.Session,
    *,
    retries: Retry | int | None,
    max_bytes: int = MAX_DATA_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    pool_size: int = 10,
    post: bool = False,
) -> requests.Session:
    """Set up any session this package uses: headers, retries, bounded reads, no proxy for http.

    Args:
        session: a new session.
        retries: a ``urllib3`` ``Retry``, a number of retries, or ``None`` for the default.
        max_bytes: the largest answer accepted (decompressed).
        deadline: seconds for a request and its whole answer.
        pool_size: connections kept per host.
        post: the default policy also retries POST (the token request).
    """
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    policy = default_retry(post=post) if retries is None else without_writes(retries, post=post)
    adapter = LimitedAdapter(
        max_bytes=max_bytes,
        deadline=deadline,
        max_retries=policy,
        pool_connections=4,
        pool_maxsize=pool_size,
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
