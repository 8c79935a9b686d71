"""A bounded, paced, read-only HTTP client for ``check``: every request counted, none retried.

The probe must see answers as the service sends them (a 401, its body, its
headers), so it does not use the data session, whose hooks turn errors into
exceptions and renew tokens. It only ever sends GET, and one POST to the token
endpoint; it stops at its budget; against a host other than this machine it
waits ``pace`` seconds between requests, so a check never looks like a burst; it
stops at its ``deadline`` (seconds for the whole check), each request cut short at it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from expertfile_nb._http.config import TOKEN_PATH, check_transport, is_loopback
from expertfile_nb._http.envelope import load_json
from expertfile_nb._http.transport import MAX_DATA_BYTES, LimitedAdapter, configure
from expertfile_nb._redact import scrub
from expertfile_nb.errors import DeadlineExceededError, NetworkError

__all__ = [
    "DEFAULT_PACE",
    "DEFAULT_TIME_LIMIT",
    "BudgetSpent",
    "Probe",
    "Seen",
    "TimeSpent",
    "json_type",
    "shape_of",
]

#: seconds between two requests to a host other than this machine
DEFAULT_PACE = 0.2
#: seconds for a whole check, every request and pause included
DEFAULT_TIME_LIMIT = 60.0
#: header names that would tell of a rate limit (lower case, matched as substrings)
RATE_LIMIT_HINTS = ("ratelimit", "rate-limit", "retry-after", "x-quota")


class BudgetSpent(Exception):
    """The probe's request budget is used up (the checks left are reported as not probed)."""


class TimeSpent(BudgetSpent):
    """The probe's time limit has passed (the checks left are reported as not probed)."""


@dataclass(frozen=True)
class Seen:
    """One answer: status, parsed JSON body (or ``None``), and the headers that matter."""

    status: int
    body: Any
    www_authenticate: str | None = None
    rate_limit_headers: tuple[str, ...] = ()


def json_type(value: object) -> str:
    """The JSON type name of a parsed value: ``string``, ``integer``, ``array``, …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_of(item: object, prefix: str = "") -> dict[str, str]:
    """Key names → JSON types, nested objects flattened with ``.`` (values never kept)."""
    if not isinstance(item, dict):
        return {}
    shape: dict[str, str] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            shape.update(shape_of(value, name + "."))
        else:
            shape[name] = json_type(value)
    return shape


@dataclass
class Probe:
    """Counted, paced requests to one base URL.

    Args:
        base_url: the service's base URL (``https://`` unless loopback).
        budget: the most requests sent, the token request included.
        pace: seconds between requests; ``None``: 0.2 s, or none for this machine.
        timeout: (connect, read) seconds per request.
        deadline: seconds for everything the probe sends, pauses included (each request
            is cut short when it runs out); ``None``: 60 s.
    """

    base_url: str
    budget: int
    pace: float | None = None
    timeout: tuple[float, float] = (10.0, 60.0)
    deadline: float | None = None
    sent: int = 0
    rate_limit_headers: set[str] = field(default_factory=set)
    #: values no message may show (the secret, the token): set by the check
    hidden: list[str] = field(default_factory=list, repr=False)
    _last: float = 0.0
    _http: requests.Session = field(init=False, repr=False)
    _ends: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_transport(self.base_url)
        limit = DEFAULT_TIME_LIMIT if self.deadline is None else self.deadline
        self.deadline = limit
        self._ends = time.monotonic() + limit
        if self.pace is None:
            host = urlsplit(self.base_url).hostname or ""
            self.pace = 0.0 if is_loopback(host) else DEFAULT_PACE
        # retries=0: each request is exactly one on the wire, as the budget counts them
        self._http = configure(requests.Session(), retries=0, max_bytes=MAX_DATA_BYTES)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _left(self) -> float:
        """Seconds left before the deadline; :class:`TimeSpent` when none are."""
        left = self._ends - time.monotonic()
        if left <= 0:
            raise TimeSpent
        return left

    def _timeout(self) -> tuple[float, float]:
        """The request's timeout, and its whole-answer deadline, cut to the time left."""
        left = self._left()
        for adapter in self._http.adapters.values():
            if isinstance(adapter, LimitedAdapter):
                adapter.deadline = left
        return min(self.timeout[0], left), min(self.timeout[1], left)

    def _send(self, method: str, path: str, **kwargs: Any) -> Seen:
        if self.sent >= self.budget:
            raise BudgetSpent
        wait = self._last + (self.pace or 0.0) - time.monotonic()
        if self.sent and wait > 0:
            time.sleep(min(wait, self._left()))
        timeout = self._timeout()
        self.sent += 1
        failure = ""
        try:
            response = self._http.request(
                method, self.base_url + path, timeout=timeout, allow_redirects=False, **kwargs
            )
        except DeadlineExceededError:
            failure = "deadline"
        except requests.RequestException as exc:
            failure = type(exc).__name__
        finally:
            self._last = time.monotonic()
        if failure == "deadline" or (failure and time.monotonic() >= self._ends):
            raise TimeSpent
        if failure:
            # raised outside the except block: the request (token, secret) stays out of it
            where = scrub(path.split("?")[0], *self.hidden)
            raise NetworkError(
                f"check: {method} {where} failed ({failure}). Check the network "
                "and the base URL, then run the check again."
            )
        hints = tuple(
            name.lower()
            for name in response.headers
            if any(hint in name.lower() for hint in RATE_LIMIT_HINTS)
        )
        self.rate_limit_headers.update(hints)
        return Seen(
            response.status_code,
            load_json(response.content),
            response.headers.get("WWW-Authenticate"),
            hints,
        )

    def token(self, client_id: str, client_secret: str) -> tuple[Seen, bytes]:
        """POST the client-credentials form; the answer, and its raw body (to parse it strictly)."""
        form = {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "client_credentials",
        }
        if self.sent >= self.budget:
            raise BudgetSpent
        self.hidden.append(client_secret)
        timeout = self._timeout()
        self.sent += 1
        failure = ""
        try:
            response = self._http.post(
                self.base_url + TOKEN_PATH, data=form, timeout=timeout, allow_redirects=False
            )
        except DeadlineExceededError:
            failure = "deadline"
        except requests.RequestException as exc:
            failure = type(exc).__name__
        finally:
            self._last = time.monotonic()
        if failure == "deadline" or (failure and time.monotonic() >= self._ends):
            raise TimeSpent
        if failure:
            raise NetworkError(
                f"check: the token request failed ({failure}). Check the network and the "
                "base URL, then run the check again."
            )
        seen = Seen(response.status_code, load_json(response.content))
        return seen, response.content

    def get(self, path: str, params: dict[str, str] | None = None, *, token: str) -> Seen:
        """GET ``path`` with a bearer token (never a write)."""
        headers = {"Authorization": f"Bearer {token}"}
        return self._send("GET", path, params=params or {}, headers=headers)
