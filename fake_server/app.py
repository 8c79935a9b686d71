"""``FakeExpertFile``: the fake ExpertFile server's settings, controls, reset and journal.

The wire format follows ``docs/API_REFERENCE.md``; where the documents are
silent the fake makes a choice, listed with the setting that flips it in
``fake_server.ASSUMPTIONS``. The parts live beside this module: ``_wsgi``
(werkzeug, keep-alive connections), ``_tokens`` (the token endpoint),
``_routes`` (the table of data endpoints), ``faults`` (broken answers),
``_data`` and ``_profiles`` (the synthetic organizations).
"""

from __future__ import annotations

import difflib
import math
import random
import threading
import time
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer, HTTPServerError
from werkzeug.wrappers import Request, Response

from fake_server._answers import failure
from fake_server._data import Directory
from fake_server._dataset import DATASET_ROUTES, Dataset
from fake_server._forms import (
    WRITE_METHODS,
)
from fake_server._journal import JournalEntry, Redactor, record, record_rejected
from fake_server._query import (
    ListSettings,
)
from fake_server._routes import ROUTES, route
from fake_server._store import Store
from fake_server._tokens import TOKEN_PATHS, Client, TokenIssuer
from fake_server._write_routes import with_writes
from fake_server._wsgi import (
    DEFAULT_IDLE_TIMEOUT,
    Answer,
    close_connections,
    read_body,
    serve,
)
from fake_server.faults import (
    MALFORMED,
    Delay,
    Disconnect,
    MalformedKind,
    PendingFault,
    Raw,
    Responder,
)
from fake_server.settings import (
    SETTING_NAMES,
    Settings,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_ORG_ID",
    "Client",
    "FakeExpertFile",
    "JournalEntry",
]

DEFAULT_CLIENT_ID = "demo-client"
DEFAULT_CLIENT_SECRET = "demo-secret"  # noqa: S105 -- the documented demo credential
DEFAULT_ORG_ID = 4242


class FakeExpertFile(HTTPServer):
    """A fake ExpertFile public API on 127.0.0.1, for tests and offline demos.

    Use it as a context manager (``with FakeExpertFile() as server: …``), or
    call :meth:`start` and :meth:`stop`. It is a ``pytest_httpserver.HTTPServer``:
    extra routes registered with ``expect_request`` take precedence over the
    built-in ones, and :meth:`check_handler_errors` re-raises any exception a
    handler met (the pytest fixture does this after each test). Connections are
    kept alive (HTTP/1.1), as the real service does.

    Args:
        host: address to bind; loopback by default.
        port: TCP port; 0 picks a free one (see :attr:`url`).
        client_id: the demo client's id.
        client_secret: the demo client's secret.
        org_id: the demo client's organization id (``data.user`` in the token).
        seed: makes a different, still deterministic, data set.
        journal_size: how many requests (and issued tokens) are remembered.
        dataset: a folder written by ``expertfile-nb capture``: the data endpoints then
            answer from it (see ``fake_server._dataset`` for the filters it supports)
            instead of the synthetic organization (``experts`` and ``seed`` unused).
            Writes change the fake's memory only: the folder is never written.
        idle_timeout: seconds a connection has to send a whole request, from its opening or
            the last answer, before the server closes it: idle, stalled half-way or dripping
            bytes (taken at :meth:`start`).
        settings: every other setting (:class:`fake_server.Settings`: the points where the
            documents are silent, the size of the organization, the fault controls).
        **overrides: any of those settings by name, over ``settings``
            (``FakeExpertFile(experts=600, paging="page")``).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        org_id: int = DEFAULT_ORG_ID,
        seed: int = 0,
        journal_size: int = 1000,
        dataset: str | Path | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        settings: Settings | None = None,
        **overrides: Any,
    ) -> None:
        super().__init__(host, port, threaded=True)
        self.dataset: Dataset | None = None if dataset is None else Dataset(dataset)
        self.client_id = client_id
        self.client_secret = client_secret
        self.org_id = org_id
        self.seed = seed
        self.idle_timeout = idle_timeout
        # the settings reset() goes back to: an unknown name is a TypeError, as for any
        # keyword, and a value outside its choices a ValueError (Settings checks them)
        self._initial = replace(settings or Settings(), **overrides)
        self._settings = self._initial
        # writes: kept in memory (never in the dataset folder), behind the read routes
        self.store = Store()
        self.write_routes = with_writes(ROUTES if self.dataset is None else DATASET_ROUTES)
        self.tokens = TokenIssuer(journal_size)
        self._lock = threading.Lock()
        self._journal: deque[JournalEntry] = deque(maxlen=journal_size)
        self._in_flight = 0
        # Bumped by reset(): a request that began before a reset and ends after it (a test's
        # slow request its client gave up on) is kept out of the next test's journal and counts.
        self._generation = 0
        self._directories: dict[tuple[int, int], Directory] = {}
        self.reset()

    # -- configuration and state ----------------------------------------------
    def reset(self) -> None:
        """Back to the constructor's settings: one client, no faults, empty journal.

        Tokens issued before the reset stop working, so each test starts clean.
        """
        with self._lock:
            self._generation += 1
            self._clients = {
                self.client_id: Client(self.client_id, self.client_secret, self.org_id)
            }
            self._faults: list[PendingFault] = []
            self._journal.clear()
            self.max_in_flight = 0
            self._token_requests = 0
            self._clock_offset = 0.0
            self._experts_change: tuple[int, int] | None = None
            self._settings = self._initial
            self._write_rng = random.Random(self._initial.write_failure_seed)  # noqa: S311 -- test faults, not secrets
            self._after_write: list[PendingFault] = []
        self.store.reset()
        self.tokens.forget()
        super().clear()

    def __setattr__(self, name: str, value: Any) -> None:
        # ``server.pagin = "page"`` would make a new attribute and change nothing: a new
        # name close to a setting's is taken for a typo (any other is the caller's own)
        if name[:1] != "_" and name not in self.__dict__ and not hasattr(type(self), name):
            close = difflib.get_close_matches(name, SETTING_NAMES, n=1, cutoff=0.8)
            if close:
                raise AttributeError(
                    f"the fake has no setting {name!r}: did you mean {close[0]!r}? "
                    "(fake_server.Settings lists them all)"
                )
        super().__setattr__(name, value)

    @property
    def settings(self) -> Settings:
        """The settings in force (frozen: change them with :meth:`configure`)."""
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be a fake_server.Settings, not {type(settings)}")
        self.configure(**{name: getattr(settings, name) for name in SETTING_NAMES})

    def configure(self, **changes: Any) -> Settings:
        """Change settings until the next :meth:`reset` (``server.paging = "page"`` is the
        same as ``server.configure(paging="page")``). Naming ``write_failure_seed``, even
        with the seed in force, starts the random write failures again from that seed.

        Returns:
            The settings now in force.

        Raises:
            TypeError: a name that is not a setting.
            ValueError: a value outside the setting's choices.
        """
        with self._lock:
            self._settings = replace(self._settings, **changes)
            if "write_failure_seed" in changes:
                self._write_rng = random.Random(self._settings.write_failure_seed)  # noqa: S311 -- test faults, not secrets
            return self._settings

    def add_client(self, client_id: str, client_secret: str, org_id: int) -> Client:
        """Register another client (until the next :meth:`reset`)."""
        client = Client(client_id, client_secret, org_id)
        with self._lock:
            self._clients[client_id] = client
        return client

    def clients(self) -> dict[str, Client]:
        """The registered clients by id."""
        return self._clients

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321``."""
        return self.url_for("").rstrip("/")

    @property
    def token_url(self) -> str:
        """The token endpoint's URL."""
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
            return list(self.tokens.issued)

    @property
    def journal(self) -> list[JournalEntry]:
        """The most recent requests (bounded), oldest first, secrets and tokens redacted."""
        with self._lock:
            return list(self._journal)

    @property
    def in_flight(self) -> int:
        """Requests being answered right now."""
        return self._in_flight

    def list_settings(self) -> ListSettings:
        """The list endpoints' settings, as they are now."""
        return ListSettings(
            self._settings.paging,
            self._settings.max_page_size,
            self._settings.oversize_pages,
            self._settings.array_params,
            self._settings.unlisted_params,
            self._settings.plain_params,
            self._settings.searchfield_values,
            self._settings.month_format,
            self._settings.unknown_fields,
            self._settings.name_order,
        )

    def failure(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> Answer:
        """A failure answer in the configured envelope (``error_body``)."""
        return failure(status, error, description, headers, style=self._settings.error_body)

    def now(self) -> float:
        """The server's clock (wall clock plus :meth:`advance_clock`), epoch seconds."""
        return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock forward, so tokens expire without sleeping."""
        with self._lock:
            self._clock_offset += seconds

    def expire_tokens(self) -> None:
        """Make every token issued so far invalid (as if they had all expired)."""
        self.tokens.expire_all()

    def revoke(self, token: str) -> None:
        """Make one token invalid."""
        self.tokens.revoke(token)

    # -- faults -----------------------------------------------------------------
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
        self.add_fault(n, lambda _req: self.failure(status, error, description, headers), path=path)

    def slow_next(self, n: int = 1, seconds: float = 1.0, *, path: str | None = None) -> None:
        """Delay the next ``n`` matching responses by ``seconds`` (to cause read timeouts)."""
        self.add_fault(n, Delay(seconds), path=path)

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
            kind: one of ``fake_server.faults.MALFORMED_KINDS``: ``invalid_json``,
                ``success_false`` (200 with ``success: false``), ``missing_keys``
                (``success: true`` with empty ``data``), ``html`` (an HTML error page),
                ``empty`` (no body), ``array`` (a JSON array), ``truncated`` (body
                shorter than its ``Content-Length``), ``wrong_content_type`` (200 with a
                ``text/plain`` body), or ``disconnect`` (closed without an answer).
            path: which requests, as in :meth:`fail_next`.
            body: send exactly these bytes instead (``kind`` is then ignored).
            content_type: the content type that goes with ``body``.
            status: the status that goes with ``body``.

        Raises:
            ValueError: ``kind`` is not one of the registered kinds.
        """
        if body is None and kind not in MALFORMED:
            raise ValueError(f"kind must be one of {', '.join(MALFORMED)}, not {kind!r}")
        self.add_fault(
            n, MALFORMED[kind] if body is None else Raw(body, content_type, status), path=path
        )

    def add_fault(self, n: int, respond: Responder, *, path: str | None = None) -> None:
        """Let ``respond`` (see ``fake_server.faults``) answer the next ``n`` matching requests.

        Args:
            n: how many requests.
            respond: a responder; when it returns ``None`` the normal answer follows.
            path: which requests, as in :meth:`fail_next`.
        """
        with self._lock:
            self._faults.append(PendingFault(n, path, respond, TOKEN_PATHS))

    def fail_writes_next(
        self,
        n: int = 1,
        status: int = 429,
        *,
        retry_after: float | None = 1,
        path: str | None = None,
        error: str = "rate_limited",
    ) -> None:
        """Refuse the next ``n`` writes (POST, PUT, DELETE) *before* making the change.

        Args:
            n: how many writes.
            status: the status (429 by default, with ``Retry-After``).
            retry_after: the ``Retry-After`` header in seconds (``None``: no header).
            path: which writes, as in :meth:`fail_next`.
            error: the ``error`` code in the body.
        """
        headers = {} if retry_after is None else {"Retry-After": str(math.ceil(retry_after))}
        description = f"fake server: injected failure {status}, nothing was changed"
        with self._lock:
            self._faults.append(
                PendingFault(
                    n,
                    path,
                    lambda _req: self.failure(status, error, description, headers),
                    TOKEN_PATHS,
                    WRITE_METHODS,
                )
            )

    def fail_after_write_next(
        self, n: int = 1, status: int = 500, *, path: str | None = None, error: str = "server_error"
    ) -> None:
        """Make the next ``n`` writes, then answer each with ``status`` as if it had failed.

        The change is kept: a client that retries blindly writes twice.
        """
        description = f"fake server: injected failure {status}"
        self._add_after_write(n, lambda _req: self.failure(status, error, description), path)

    def drop_after_write_next(self, n: int = 1, *, path: str | None = None) -> None:
        """Make the next ``n`` writes, then cut each connection without an answer (the
        client sees a dropped connection or a timeout; the change is kept)."""
        self._add_after_write(n, Disconnect(), path)

    def _add_after_write(self, n: int, respond: Responder, path: str | None) -> None:
        with self._lock:
            self._after_write.append(PendingFault(n, path, respond, TOKEN_PATHS, WRITE_METHODS))

    def after_write(self, request: Request) -> Answer | None:
        """The answer that replaces a successful write's (after-write faults), or ``None``."""
        respond: Responder | None = None
        with self._lock:
            for fault in self._after_write:
                if fault.matches(request.path, request.method):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._after_write.remove(fault)
                    respond = fault.respond
                    break
            if (
                respond is None
                and self._settings.write_failure_rate > 0
                and self._write_rng.random() < self._settings.write_failure_rate
            ):
                respond = (
                    Disconnect()
                    if self._settings.write_failure == "drop"
                    else lambda _req: self.failure(
                        500, "server_error", "fake server: random failure after the write"
                    )
                )
        if respond is None:
            return None
        answer = respond(request)
        return answer if isinstance(answer, Answer) else None

    def change_experts_after(self, requests: int, experts: int) -> None:
        """After ``requests`` more list requests, the organization has ``experts`` experts.

        This is how a test makes ``total`` change in the middle of a pull.
        """
        with self._lock:
            self._experts_change = (requests, experts)

    def _take_fault(self, path: str, method: str = "GET") -> Responder | None:
        if not self._faults:  # the common case, without the lock
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(path, method):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault.respond
        return None

    # -- data -------------------------------------------------------------------
    def directory(self, org_id: int, *, count_request: bool) -> Directory:
        """The organization's data (a list request counts towards :meth:`change_experts_after`)."""
        with self._lock:
            if count_request and self._experts_change is not None:
                left, new_count = self._experts_change
                self._experts_change = (left - 1, new_count) if left > 1 else None
                if left <= 1:
                    self._settings = replace(self._settings, experts=new_count)
            key = (org_id, self._settings.experts)
            directory = self._directories.get(key)
            if directory is None:
                if len(self._directories) >= 8:
                    self._directories.pop(next(iter(self._directories)))
                directory = self._directories[key] = Directory(
                    org_id, self._settings.experts, self.seed
                )
            return directory

    # -- serving ------------------------------------------------------------------
    def start(self) -> None:
        """Start serving in a background thread (threaded: requests run concurrently).

        Raises:
            HTTPServerError: it is already running.
            OSError: the address cannot be bound.
        """
        if self.is_running():
            raise HTTPServerError("Server is already running")
        self.server = serve(
            self.host, self.port, Request.application(self.application), self.idle_timeout
        )
        self.server.on_rejected = self._record_rejected  # type: ignore[attr-defined]  # read by the handler
        self.port = self.server.port
        self.server_thread = threading.Thread(
            target=self.thread_target, name="fake-expertfile", daemon=True
        )
        self.server_thread.start()

    def thread_target(self) -> None:
        # No polling: stop() wakes the loop at once (see fake_server._wsgi).
        if self.server is not None:
            self.server.serve_forever()

    def stop(self) -> None:
        """Stop serving, and close the connections clients still keep open."""
        server = self.server
        super().stop()
        if server is not None:
            close_connections(server)
            server.server_close()

    # Any WSGI application may answer, not only a werkzeug Response: Answer is one.
    def application(self, request: Request) -> Answer | Response:  # type: ignore[override]  # see above
        # Not super().application(): its unbounded log keeps every request and response.
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            request.environ["fake_server.generation"] = self._generation
        try:
            try:
                # Read the body first, whatever the route: the connection is kept for the
                # next request only once this one has been read to the end.
                request.environ["fake_server.body"] = read_body(request.environ)
            except OSError:
                response: Answer | Response = self.failure(
                    400, "invalid_request", "the chunked body is malformed"
                )
            else:
                response = self.dispatch(request)
        except Exception as exc:  # a bug in a handler: report it in the test, answer 500
            if exc not in self.handler_errors:
                self.handler_errors.append(exc)
            response = self.failure(
                500, "server_error", "fake server: internal error (see the test's report)"
            )
        finally:
            with self._lock:
                self._in_flight -= 1
        self._record(request, response)
        return response

    def dispatch(self, request: Request) -> Answer | Response:  # type: ignore[override]  # Answer is a WSGI app too
        if (
            self.ordered_handlers
            or self.oneshot_handlers.match(request)
            or self.handlers.match(request)
        ):
            return super().dispatch(request)  # routes the test registered come first
        path = request.path
        if path.rstrip("/") in TOKEN_PATHS and request.method == "POST":  # the route takes a /
            with self._lock:
                if self._current(request):
                    self._token_requests += 1  # every POST received, faulted ones too
        respond = self._take_fault(path, request.method)
        if respond is not None:
            answer = respond(request)
            if answer is not None:
                return answer
        if self._settings.latency:
            time.sleep(self._settings.latency)
        return route(self, request, self.write_routes)

    def _current(self, request: Request) -> bool:
        """Whether ``request`` began after the last reset (call with the lock held)."""
        return bool(request.environ.get("fake_server.generation") == self._generation)

    def _record(self, request: Request, response: Answer | Response) -> None:
        entry = record(request, response.status_code, self._redactor())
        with self._lock:
            if self._current(request):  # a request from before the reset is not this test's
                self._journal.append(entry)

    def _record_rejected(self, method: str, target: str, status: int) -> None:
        self._journal.append(record_rejected(method, target, status, self._redactor()))

    def _redactor(self) -> Redactor:
        return Redactor(tuple(c.client_secret for c in self._clients.values()), self.tokens.is_ours)


def _setting(name: str) -> property:
    def get(self: FakeExpertFile) -> Any:
        return getattr(self._settings, name)

    def set_(self: FakeExpertFile, value: Any) -> None:
        self.configure(**{name: value})

    return property(get, set_, doc=f"``settings.{name}``; setting it calls :meth:`configure`.")


# ``server.latency`` reads, and ``server.latency = 0.1`` changes, one setting: a shorthand
for _name in SETTING_NAMES:
    setattr(FakeExpertFile, _name, _setting(_name))
