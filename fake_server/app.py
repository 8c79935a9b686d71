"""The fake ExpertFile server: token and data routes on ``pytest_httpserver.HTTPServer``.

The wire format follows ``docs/API_REFERENCE.md``: the token envelope is the vendor's,
the failure envelope (``{"success": false, "error": …, "error_description": …}``)
and the 401/403/404 answers are the documented assumptions of ``API_NOTES.md``.

Tokens are signed, not stored: a token carries its serial number, expiry, org
and client, and an HMAC with a key made at start-up. So 100,000 token requests
cost no memory, ``expire_tokens()`` is one integer, and only explicitly revoked
tokens are remembered.
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import hmac
import json
import math
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal, NamedTuple
from urllib.parse import parse_qsl, unquote

from pytest_httpserver import HTTPServer, HTTPServerError
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from fake_server._data import Directory, Query, parse_list

DEFAULT_CLIENT_ID = "demo-client"
DEFAULT_CLIENT_SECRET = "demo-secret"  # noqa: S105 -- the documented demo credential
DEFAULT_ORG_ID = 4242
DEFAULT_EXPERTS = 250
DEFAULT_TOKEN_TTL = 30 * 24 * 3600
DEFAULT_MAX_PAGE_SIZE = 100
MAX_BODY_BYTES = 64 * 1024
TOKEN_PATHS = ("/v2/oauth/token", "/oauth/token")
REDACTED = "***"

Paging = Literal["offset", "page"]
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

_ORG_ROUTE = re.compile(
    r"^/v2/organization/(?P<org>[^/]+)/(?P<kind>expert|employee)(?:/(?P<username>[^/]+))?/?$"
)
_SPOTLIGHT_ROUTE = re.compile(r"^/v2/spotlight/(?P<org>[^/]+)/search/?$")
_LIST_KEYS = {"expert": "experts", "employee": "staff", "spotlight": "spotlights"}
_CHOICES = {
    "access": ("public", "private", "all"),
    "status": ("published", "unpublished", "all"),
    "sort": ("name", "featured"),
}


@dataclass(frozen=True)
class Client:
    """A registered API client: its credentials and the organization it reads."""

    client_id: str
    client_secret: str = field(repr=False)
    org_id: int

    @property
    def json_id(self) -> bytes:
        """The client id as a JSON string literal."""
        return json.dumps(self.client_id).encode()


class JournalEntry(NamedTuple):
    """One request the server received, with secrets and tokens redacted."""

    method: str
    path: str
    query_string: str
    form: dict[str, str]
    authorization: str
    status: int
    time: float

    @property
    def query(self) -> dict[str, str]:
        """The query parameters (parsed when asked: recording stays cheap), tokens redacted."""
        return {
            k: (REDACTED if k == "access_token" else v)
            for k, v in parse_qsl(self.query_string, keep_blank_values=True)
        }

    def __repr__(self) -> str:
        return (
            f"JournalEntry({self.method} {self.path} query={self.query} form={self.form} "
            f"authorization={self.authorization!r} status={self.status})"
        )


@dataclass
class _Fault:
    remaining: int
    path: str | None
    respond: Callable[[Request], Answer] | None  # None: only delay, then answer normally
    delay: float = 0.0

    def matches(self, path: str) -> bool:
        if self.path is None:
            return True
        if self.path == "token":
            return path in TOKEN_PATHS
        if self.path == "data":
            return path not in TOKEN_PATHS
        return path.startswith(self.path)


class _Handler(WSGIRequestHandler):
    """Werkzeug's handler, made quiet and quick.

    ``disable_nagle_algorithm`` sets TCP_NODELAY; a buffered ``wfile`` sends the
    status line, headers and (small) body in one write, so no response waits on
    Nagle's algorithm and the peer's delayed ACK. Requests are logged in the
    server's journal instead of on stderr.
    """

    disable_nagle_algorithm = True
    timeout = 30  # a client that stops sending mid-request cannot hold a thread forever
    # big enough for headers and a token answer in one write; small enough that the
    # buffer comes from the heap, not an mmap per connection (glibc's threshold is 128 KiB)
    wbufsize = 32 * 1024

    def setup(self) -> None:
        super().setup()
        self.rfile = _CappedReader(self.rfile)  # type: ignore[assignment]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found before the WSGI app (URL too long, bad request line) in the envelope."""
        description = message or HTTPStatus(code).phrase
        if code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:
            code = 400  # the client's fault: bad input is always a 4xx here
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # an unreadable request line still gets headers
        error = "invalid_request" if code < 500 else "server_error"
        body = json.dumps(
            {"success": False, "error": error, "error_description": f"fake server: {description}"}
        ).encode()
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def log_error(self, format: str, *args: Any) -> None:
        pass  # answered with the envelope above; the journal records what reached the app

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:  # the peer, or a "disconnect" fault, closed the connection first
            self.rfile.close()


class _CappedReader:
    """The connection's reader, with reads capped at 64 KiB.

    After each response werkzeug drains the socket with ``read(10_000_000)``,
    which allocates (and frees) 10 MB per request; capped, it reads what is there.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.readline = stream.readline  # the request parser's hot path, without __getattr__

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size > MAX_BODY_BYTES:
            size = MAX_BODY_BYTES
        data: bytes = self._stream.read(size)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _envelope(data: Any) -> bytes:
    return json.dumps({"data": data, "success": True}, separators=(",", ":")).encode()


class Answer:
    """A finished response as a plain WSGI application.

    The fake server builds every answer of its own with this instead of
    ``werkzeug.Response``: the headers are a list, set once, so an answer costs a
    few microseconds (the token endpoint's throughput depends on it).
    """

    __slots__ = ("body", "headers", "status_code")

    def __init__(
        self,
        body: bytes,
        status: int = 200,
        content_type: str = "application/json",
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.body = body
        self.status_code = status
        self.headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        self.headers.extend(headers)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            phrase = HTTPStatus(self.status_code).phrase
        except ValueError:
            phrase = "Unknown"
        start_response(f"{self.status_code} {phrase}", self.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.body]


def _failure(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> Answer:
    body = json.dumps({"success": False, "error": error, "error_description": description})
    extra = [("Cache-Control", "no-store"), *(headers or {}).items()]
    return Answer(body.encode(), status, headers=extra)


_TOKEN_ENVELOPE = (
    b'{"data":{"accessToken":"%s","accessTokenExpiresAt":"%s","client":%s,"user":%d,'
    b'"scope":true},"success":true}'
)
_TOKEN_HEADERS = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


def _iso_ms(epoch: float) -> str:
    """``2026-12-28T16:10:43.457Z``: ISO-8601 UTC with milliseconds, as the service sends."""
    t = time.gmtime(epoch)
    millis = int(epoch * 1000) % 1000
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{millis:03d}Z"
    )


class FakeExpertFile(HTTPServer):
    """A fake ExpertFile public API on 127.0.0.1, for tests and offline demos.

    Use it as a context manager (``with FakeExpertFile() as server: …``), or
    call :meth:`start` and :meth:`stop`. It is a ``pytest_httpserver.HTTPServer``:
    extra routes registered with ``expect_request`` take precedence over the
    built-in ones, and :meth:`check_handler_errors` re-raises any exception a
    handler met (the pytest fixture does this after each test).

    Args:
        host: address to bind; loopback by default.
        port: TCP port; 0 picks a free one (see :attr:`url`).
        client_id: the demo client's id.
        client_secret: the demo client's secret.
        org_id: the demo client's organization id (``data.user`` in the token).
        experts: how many experts each organization has.
        token_ttl: lifetime of issued tokens, in seconds (30 days by default).
        max_page_size: the largest ``page_size`` the data endpoints accept.
        seed: seed of the synthetic data; the same seed gives the same records.
        paging: ``"offset"`` (``page_from`` is a row offset, the assumed reading)
            or ``"page"`` (``page_from`` is a page number, the other reading).
        latency: seconds every response waits before it is sent.
        journal_size: how many requests :attr:`journal` keeps (oldest dropped).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        org_id: int = DEFAULT_ORG_ID,
        experts: int = DEFAULT_EXPERTS,
        token_ttl: float = DEFAULT_TOKEN_TTL,
        max_page_size: int = DEFAULT_MAX_PAGE_SIZE,
        seed: int = 0,
        paging: Paging = "offset",
        latency: float = 0.0,
        journal_size: int = 1000,
    ) -> None:
        super().__init__(host, port, threaded=True)
        self.client_id = client_id
        self.client_secret = client_secret
        self.org_id = org_id
        self.seed = seed
        self._defaults: dict[str, Any] = {
            "experts": experts,
            "token_ttl": token_ttl,
            "max_page_size": max_page_size,
            "paging": paging,
            "latency": latency,
        }
        self._hmac = hmac.new(secrets.token_bytes(32), digestmod=hashlib.sha256)
        self._lock = threading.Lock()
        self._journal: deque[JournalEntry] = deque(maxlen=journal_size)
        self._issued: deque[str] = deque(maxlen=journal_size)
        self._in_flight = 0
        self._directories: dict[tuple[int, int], Directory] = {}
        self._serial = 0  # tokens issued so far; survives reset() so old tokens stay invalid
        self.reset()

    # -- configuration and state ----------------------------------------------
    def reset(self) -> None:
        """Back to the constructor's settings: one client, no faults, empty journal.

        Tokens issued before the reset stop working, so each test starts clean.
        """
        with self._lock:
            self.experts: int = self._defaults["experts"]
            self.token_ttl: float = self._defaults["token_ttl"]
            self.max_page_size: int = self._defaults["max_page_size"]
            self.paging: Paging = self._defaults["paging"]
            self.latency: float = self._defaults["latency"]
            self._clients = {
                self.client_id: Client(self.client_id, self.client_secret, self.org_id)
            }
            self._faults: list[_Fault] = []
            self._journal.clear()
            self._issued.clear()
            self.max_in_flight = 0
            self._token_requests = 0
            self._clock_offset = 0.0
            self._min_serial = self._serial + 1
            self._revoked: set[str] = set()
            self._experts_change: tuple[int, int] | None = None
        super().clear()

    def add_client(self, client_id: str, client_secret: str, org_id: int) -> Client:
        """Register another client (until the next :meth:`reset`)."""
        client = Client(client_id, client_secret, org_id)
        with self._lock:
            self._clients[client_id] = client
        return client

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321``."""
        return self.url_for("").rstrip("/")

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATHS[0]

    @property
    def token_requests(self) -> int:
        """How many POSTs the token endpoints received since the last reset."""
        return self._token_requests

    @property
    def issued_tokens(self) -> list[str]:
        """The most recent access tokens issued (bounded like the journal), oldest first.

        For tests that check a token never leaks into logs or messages.
        """
        with self._lock:
            return list(self._issued)

    @property
    def journal(self) -> list[JournalEntry]:
        """The most recent requests (bounded), oldest first, secrets redacted."""
        with self._lock:
            return list(self._journal)

    def now(self) -> float:
        """The server's clock (wall clock plus :meth:`advance_clock`), epoch seconds."""
        return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock forward, so tokens expire without sleeping."""
        with self._lock:
            self._clock_offset += seconds

    def expire_tokens(self) -> None:
        """Make every token issued so far invalid (as if they had all expired)."""
        with self._lock:
            self._min_serial = self._serial + 1

    def revoke(self, token: str) -> None:
        """Make one token invalid."""
        with self._lock:
            self._revoked.add(token)

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        *,
        retry_after: float | None = None,
        path: str | None = None,
        error: str = "server_error",
    ) -> None:
        """Answer the next ``n`` matching requests with ``status`` and the failure envelope.

        Args:
            n: how many requests fail.
            status: the HTTP status to send.
            retry_after: if given, sent as the ``Retry-After`` header (seconds, rounded up).
            path: which requests: ``None`` (any), ``"token"``, ``"data"``, or a path prefix.
            error: the ``error`` code in the body.
        """
        # Retry-After is whole seconds (RFC 9110 10.2.3)
        headers = {} if retry_after is None else {"Retry-After": str(math.ceil(retry_after))}
        description = f"fake server: injected failure {status}"
        self._add_fault(n, path, lambda _req: _failure(status, error, description, headers))

    def slow_next(self, n: int = 1, seconds: float = 1.0, *, path: str | None = None) -> None:
        """Delay the next ``n`` matching responses by ``seconds`` (to cause read timeouts)."""
        self._add_fault(n, path, None, delay=seconds)

    def malformed_next(
        self,
        n: int = 1,
        kind: MalformedKind = "invalid_json",
        *,
        path: str | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        status: int = 200,
    ) -> None:
        """Answer the next ``n`` matching requests with a broken response.

        Args:
            n: how many responses are broken.
            kind: ``invalid_json``, ``success_false`` (200 with ``success: false``),
                ``missing_keys`` (``success: true`` with empty ``data``), ``html``
                (an HTML error page), ``empty`` (no body), ``array`` (a JSON array),
                ``truncated`` (body shorter than its ``Content-Length``),
                ``wrong_content_type`` (200 with a ``text/plain`` body), or
                ``disconnect`` (the connection is closed without an answer).
            path: which requests, as in :meth:`fail_next`.
            body: send exactly these bytes instead (``kind`` is then ignored).
            content_type: the content type that goes with ``body``.
            status: the status that goes with ``body``.
        """
        respond = _MALFORMED[kind] if body is None else _raw(body, content_type, status)
        self._add_fault(n, path, respond)

    def change_experts_after(self, requests: int, experts: int) -> None:
        """After ``requests`` more data requests, the organization has ``experts`` experts.

        This is how a test makes ``total`` change in the middle of a pull.
        """
        with self._lock:
            self._experts_change = (requests, experts)

    def _add_fault(
        self,
        n: int,
        path: str | None,
        respond: Callable[[Request], Answer] | None,
        delay: float = 0.0,
    ) -> None:
        with self._lock:
            self._faults.append(_Fault(n, path, respond, delay))

    def _take_fault(self, path: str) -> _Fault | None:
        if not self._faults:  # the common case, without the lock
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- server plumbing --------------------------------------------------------
    def start(self) -> None:
        """Start serving in a background thread (threaded: requests run concurrently)."""
        if self.is_running():
            raise HTTPServerError("Server is already running")
        try:
            self.server = make_server(
                self.host,
                self.port,
                Request.application(self.application),
                threaded=True,
                request_handler=_Handler,
            )
        except SystemExit:  # werkzeug exits the process when it cannot bind
            raise OSError(errno.EADDRINUSE, f"cannot listen on {self.host}:{self.port}") from None
        self.port = self.server.port
        self.server_thread = threading.Thread(
            target=self.thread_target, name="fake-expertfile", daemon=True
        )
        self.server_thread.start()

    def thread_target(self) -> None:
        # A short poll interval makes stop() take milliseconds instead of up to 0.5 s.
        if self.server is not None:
            self.server.serve_forever(poll_interval=0.005)

    # Any WSGI application may answer, not only a werkzeug Response: Answer is one.
    def application(self, request: Request) -> Answer | Response:  # type: ignore[override]
        # Not super().application(): its unbounded log keeps every request and response.
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        # Read the body first, whatever the route: werkzeug drains unread input after
        # answering with a blocking read, which would hang a client waiting for EOF.
        request.environ["fake_server.body"] = _read_body(request.environ)
        try:
            response = self.dispatch(request)
        except Exception as exc:  # a bug in a handler: report it in the test, answer 500
            if exc not in self.handler_errors:
                self.handler_errors.append(exc)
            response = _failure(
                500, "server_error", "fake server: internal error (see the test's report)"
            )
        finally:
            with self._lock:
                self._in_flight -= 1
        self._record(request, response)
        return response

    def dispatch(self, request: Request) -> Answer | Response:  # type: ignore[override]
        if (
            self.ordered_handlers
            or self.oneshot_handlers.match(request)
            or self.handlers.match(request)
        ):
            return super().dispatch(request)  # routes the test registered come first
        path = request.path
        if path in TOKEN_PATHS and request.method == "POST":
            with self._lock:
                self._token_requests += 1  # every POST received, faulted ones too
        fault = self._take_fault(path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.respond is not None:
                return fault.respond(request)
        if self.latency:
            time.sleep(self.latency)
        if path in TOKEN_PATHS:
            return self._token(request)
        org_route = _ORG_ROUTE.match(path)
        if org_route:
            return self._data(request, org_route["org"], org_route["kind"], org_route["username"])
        spotlight_route = _SPOTLIGHT_ROUTE.match(path)
        if spotlight_route:
            return self._data(request, spotlight_route["org"], "spotlight", None)
        return _failure(404, "not_found", f"no route for {request.method} {path}")

    def _record(self, request: Request, response: Answer | Response) -> None:
        environ = request.environ
        auth = environ.get("HTTP_AUTHORIZATION", "")
        entry = JournalEntry(
            method=request.method,
            path=request.path,
            query_string=environ.get("QUERY_STRING", ""),
            form=environ.get("fake_server.form", {}),
            authorization=f"{auth.split(' ', 1)[0]} {REDACTED}" if auth else "",
            status=response.status_code,
            time=time.time(),
        )
        self._journal.append(entry)  # deque.append is atomic; the deque bounds the memory

    # -- token endpoint ---------------------------------------------------------
    def _token(self, request: Request) -> Answer | Response:
        if request.method != "POST":
            return _failure(
                405, "invalid_request", "use POST for the token endpoint", {"Allow": "POST"}
            )
        if _content_length(request.environ) > MAX_BODY_BYTES:
            return _failure(
                413, "invalid_request", f"the body is larger than {MAX_BODY_BYTES} bytes"
            )
        raw: bytes = request.environ["fake_server.body"]
        if len(raw) > MAX_BODY_BYTES:
            return _failure(
                413, "invalid_request", f"the body is larger than {MAX_BODY_BYTES} bytes"
            )
        mimetype = request.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if mimetype != "application/x-www-form-urlencoded":
            return _failure(
                400, "invalid_request", "send the parameters as application/x-www-form-urlencoded"
            )
        try:
            pairs = parse_qsl(
                raw.decode("utf-8"),
                keep_blank_values=True,
                strict_parsing=bool(raw),
                errors="strict",
            )
        except (UnicodeDecodeError, ValueError):
            return _failure(400, "invalid_request", "the body is not a readable form")
        form: dict[str, str] = {}
        for name, value in pairs:
            if name in form:
                return _failure(400, "invalid_request", f"parameter {name!r} is repeated")
            form[name] = value
        # kept, redacted, for the journal
        request.environ["fake_server.form"] = {
            k: (REDACTED if k == "client_secret" else v[:200]) for k, v in form.items()
        }

        basic = self._basic_credentials(request)
        if basic == ("", ""):
            return _failure(
                400, "invalid_request", "the Authorization header is not valid Basic credentials"
            )
        if basic and (
            ("client_id" in form and form["client_id"] != basic[0]) or "client_secret" in form
        ):
            return _failure(400, "invalid_request", "send client credentials in one way only")
        grant = form.get("grant_type")
        if grant is None:
            return _failure(400, "invalid_request", "missing parameter grant_type")
        if grant != "client_credentials":
            return _failure(
                400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
            )
        client_id, client_secret = basic or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        client = self._clients.get(client_id)
        expected = client.client_secret if client else secrets.token_urlsafe(16)
        if (
            not hmac.compare_digest(client_secret.encode(), expected.encode())
            or client is None
            or not client_id
        ):
            headers = {"WWW-Authenticate": 'Basic realm="ExpertFile"'} if basic else {}
            return _failure(
                401,
                "invalid_client",
                "client authentication failed: unknown client or wrong secret",
                headers,
            )

        with self._lock:
            self._serial += 1
            serial = self._serial
        expires = self.now() + self.token_ttl
        token = self._sign(serial, int(expires * 1000), client)
        self._issued.append(token)  # deque.append is atomic
        # The envelope has a fixed shape: formatting it beats json.dumps on the hot path.
        body = _TOKEN_ENVELOPE % (
            token.encode(),
            _iso_ms(expires).encode(),
            client.json_id,
            client.org_id,
        )
        return Answer(body, 200, headers=_TOKEN_HEADERS)

    @staticmethod
    def _basic_credentials(request: Request) -> tuple[str, str] | None:
        header = request.environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ("", "")
        user, sep, password = decoded.partition(":")
        if not sep:
            return ("", "")
        # RFC 6749 2.3.1: both parts are form-urlencoded before base64
        return unquote(user.replace("+", " ")), unquote(password.replace("+", " "))

    def _sign(self, serial: int, expires_ms: int, client: Client) -> str:
        nonce = secrets.token_hex(8)
        payload = f"{serial}:{expires_ms}:{client.org_id}:{nonce}:{client.client_id}".encode()
        mac = self._mac(payload)
        return (
            base64.urlsafe_b64encode(payload).decode().rstrip("=")
            + "."
            + base64.urlsafe_b64encode(mac).decode()
        )

    def _mac(self, payload: bytes) -> bytes:
        mac = self._hmac.copy()  # copying the keyed state is cheaper than keying anew
        mac.update(payload)
        return mac.digest()[:18]

    def _verify(self, token: str) -> int | str:
        """The org id the token grants, or why it is not valid."""
        encoded, _, mac = token.partition(".")
        try:
            payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            given = base64.urlsafe_b64decode(mac)
        except (binascii.Error, ValueError):
            return "the access token is not valid"
        if not hmac.compare_digest(self._mac(payload), given):
            return "the access token is not valid"
        serial, expires_ms, org, _ = payload.decode().split(":", 3)
        if int(serial) < self._min_serial or int(expires_ms) <= self.now() * 1000:
            return "the access token has expired"
        if token in self._revoked:
            return "the access token has been revoked"
        return int(org)

    # -- data endpoints ---------------------------------------------------------
    def _data(
        self, request: Request, org: str, kind: str, username: str | None
    ) -> Answer | Response:
        if request.method not in ("GET", "HEAD"):
            return _failure(
                405, "invalid_request", "the data endpoints answer GET only", {"Allow": "GET"}
            )
        scheme, _, token = request.environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        granted = (
            self._verify(token.strip())
            if scheme.lower() == "bearer" and token.strip()
            else ("send Authorization: Bearer <accessToken>")
        )
        if isinstance(granted, str):
            return _failure(
                401,
                "invalid_token",
                granted,
                {"WWW-Authenticate": _bearer_challenge(granted)},
            )
        if org != str(granted):
            return _failure(
                403, "forbidden", f"this token is for organization {granted}, not {org}"
            )
        directory = self._directory(granted, count_request=username is None)
        if username is not None:
            index = directory.index_of(unquote(username))
            if index is None:
                return _failure(
                    404, "not_found", f"no expert {username!r} in organization {granted}"
                )
            return self._json(_envelope(directory.expert_detail(index)))
        try:
            query, fields, size, start = self._parse_list_query(request)
        except ValueError as exc:
            return _failure(400, "invalid_request", str(exc))
        if kind == "expert":
            hits, aggregations = directory.search(query)
            rows = [directory.expert(i, fields) for i in hits[start : start + size]]
            total = len(hits)
        elif kind == "employee":
            total, aggregations = directory.staff_count, {}
            rows = [directory.staff(i) for i in range(start, min(start + size, total))]
        else:
            total, aggregations = directory.spotlight_count, {}
            rows = [directory.spotlight(i) for i in range(start, min(start + size, total))]
        return self._json(
            _envelope({_LIST_KEYS[kind]: rows, "total": total, "aggregations": aggregations})
        )

    @staticmethod
    def _json(body: bytes) -> Answer:
        return Answer(body)

    def _directory(self, org_id: int, *, count_request: bool) -> Directory:
        with self._lock:
            if count_request and self._experts_change is not None:
                left, new_count = self._experts_change
                self._experts_change = (left - 1, new_count) if left > 1 else None
                if left <= 1:
                    self.experts = new_count
            key = (org_id, self.experts)
            directory = self._directories.get(key)
            if directory is None:
                if len(self._directories) >= 8:
                    self._directories.pop(next(iter(self._directories)))
                directory = self._directories[key] = Directory(org_id, self.experts, self.seed)
            return directory

    def _parse_list_query(self, request: Request) -> tuple[Query, frozenset[str] | None, int, int]:
        args = request.args
        for name in ("page_size", "page_from"):
            if len(args.getlist(name)) > 1:
                raise ValueError(f"parameter {name} is repeated")
        size = _non_negative_int(args.get("page_size", "10"), "page_size")
        start = _non_negative_int(args.get("page_from", "0"), "page_from")
        if size > self.max_page_size:
            raise ValueError(f"page_size must be at most {self.max_page_size}")
        if self.paging == "page":
            start *= size
        choices = {}
        for name, allowed in _CHOICES.items():
            value = args.get(name, "")
            if value and value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
            choices[name] = value
        lists = {}
        for name in ("countries", "topics", "industries", "categories", "tags", "fields"):
            try:
                lists[name] = parse_list(args.get(name, ""))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        query = Query(
            q=args.get("q", ""),
            access=choices["access"] or "public",
            status=choices["status"] or "published",
            sort=choices["sort"],
            countries=lists["countries"],
            topics=lists["topics"],
            industries=lists["industries"],
            categories=lists["categories"],
            tags=lists["tags"],
        )
        fields = frozenset(lists["fields"]) if lists["fields"] else None
        return query, fields, size, start


def _content_length(environ: dict[str, Any]) -> int:
    value = environ.get("CONTENT_LENGTH", "")
    return int(value) if value.isascii() and value.isdigit() else 0


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request body, up to one byte over the limit (a larger one is not read at all)."""
    stream = environ["wsgi.input"]
    length = _content_length(environ)
    if length:
        return bytes(stream.read(length)) if length <= MAX_BODY_BYTES else b""
    if environ.get("wsgi.input_terminated"):  # chunked: werkzeug de-chunks until the end
        return bytes(stream.read(MAX_BODY_BYTES + 1))
    return b""


def _bearer_challenge(description: str) -> str:
    return f'Bearer realm="ExpertFile", error="invalid_token", error_description="{description}"'


def _non_negative_int(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ValueError(f"{name} must be a whole number from 0, not {value[:20]!r}")
    return int(value)


def _raw(
    body: bytes, content_type: str = "application/json", status: int = 200
) -> Callable[[Request], Answer]:
    return lambda _req: Answer(body, status, content_type)


def _truncated(_req: Request) -> Answer:
    answer = Answer(b'{"data": {"accessToken": "abc')
    answer.headers[1] = ("Content-Length", "4096")  # promises more than it sends
    return answer


def _disconnect(req: Request) -> Answer:
    sock = req.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        sock.shutdown(socket.SHUT_RDWR)
    return Answer(b"")


_MALFORMED: dict[str, Callable[[Request], Answer]] = {
    "invalid_json": _raw(b'{"data": {"accessToken": '),
    "success_false": _raw(b'{"success": false, "message": "Something went wrong"}'),
    "missing_keys": _raw(b'{"data": {}, "success": true}'),
    "html": _raw(b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", 502),
    "empty": _raw(b""),
    "array": _raw(b"[]"),
    "truncated": _truncated,
    "wrong_content_type": _raw(b"OK", "text/plain"),
    "disconnect": _disconnect,
}
