"""Faults: small responders that stand in for (or delay) the fake server's answer.

A responder takes the request and returns an :class:`~fake_server._wsgi.Answer`,
or ``None`` to let the normal answer through (after, say, a delay). They compose
with :class:`Chain`, as pytest-httpserver's ``hooks.py`` does. ``MALFORMED`` is
the registry of broken answers; ``MalformedKind`` (what ``malformed_next``
accepts) is kept equal to its keys by a test, and ``MALFORMED_KINDS`` is derived
from it.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from werkzeug.wrappers import Request

from fake_server._wsgi import Answer

__all__ = [
    "MALFORMED",
    "MALFORMED_KINDS",
    "Chain",
    "Delay",
    "Disconnect",
    "MalformedKind",
    "Raw",
    "Responder",
    "Truncated",
]

Responder = Callable[[Request], "Answer | None"]


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds``, then let the normal answer (or the next responder) through."""

    seconds: float

    def __call__(self, request: Request) -> Answer | None:
        time.sleep(self.seconds)
        return None


@dataclass(frozen=True)
class Raw:
    """Exactly these bytes, with this content type and status."""

    body: bytes
    content_type: str = "application/json"
    status: int = 200

    def __call__(self, request: Request) -> Answer | None:
        return Answer(self.body, self.status, self.content_type)


@dataclass(frozen=True)
class Truncated:
    """A body shorter than its ``Content-Length``; the connection is closed after it."""

    body: bytes = b'{"data": {"accessToken": "abc'
    promised: int = 4096

    def __call__(self, request: Request) -> Answer | None:
        answer = Answer(self.body, close=True)
        answer.headers[1] = ("Content-Length", str(self.promised))
        return answer


@dataclass(frozen=True)
class Disconnect:
    """The connection is cut without an answer."""

    def __call__(self, request: Request) -> Answer | None:
        sock = request.environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            sock.shutdown(socket.SHUT_RDWR)
        return Answer(b"", close=True)


class Chain:
    """Run responders in turn; the first answer wins (``None`` from all: the normal answer)."""

    def __init__(self, *responders: Responder) -> None:
        self.responders = responders

    def __call__(self, request: Request) -> Answer | None:
        for responder in self.responders:
            answer = responder(request)
            if answer is not None:
                return answer
        return None


MalformedKind = Literal[
    "invalid_json",
    "success_false",
    "missing_keys",
    "html",
    "empty",
    "array",
    "truncated",
    "wrong_content_type",
    "disconnect",
]

#: The broken answers ``malformed_next(kind=…)`` can give, by kind.
MALFORMED: dict[str, Responder] = {
    "invalid_json": Raw(b'{"data": {"accessToken": '),
    "success_false": Raw(b'{"success": false, "message": "Something went wrong"}'),
    "missing_keys": Raw(b'{"data": {}, "success": true}'),
    "html": Raw(b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", 502),
    "empty": Raw(b""),
    "array": Raw(b"[]"),
    "truncated": Truncated(),
    "wrong_content_type": Raw(b"OK", "text/plain"),
    "disconnect": Disconnect(),
}
MALFORMED_KINDS: tuple[str, ...] = tuple(MALFORMED)


@dataclass
class PendingFault:
    """A responder for the next ``remaining`` requests whose path matches ``path``.

    ``path`` is ``None`` (any request), ``"token"``, ``"data"``, or a path prefix.
    """

    remaining: int
    path: str | None
    respond: Responder
    token_paths: tuple[str, ...]
    methods: frozenset[str] | None = None  # None: any method (writes only: POST, PUT, DELETE)

    def matches(self, path: str, method: str = "GET") -> bool:
        if self.methods is not None and method not in self.methods:
            return False
        if self.path is None:
            return True
        is_token = path.rstrip("/") in self.token_paths  # the routes accept a trailing /
        if self.path == "token":
            return is_token
        if self.path == "data":
            return not is_token
        return path.startswith(self.path)
