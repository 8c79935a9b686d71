"""``FakeExpertFile``: the fake ExpertFile server's settings, controls, reset and journal.

The wire format follows ``docs/API_REFERENCE.md``; where the documents are
silent the fake makes a choice, listed with the setting that flips it in
``fake_server.ASSUMPTIONS``. The parts live beside this module: ``_wsgi``
(werkzeug, keep-alive connections), ``_tokens`` (the token endpoint),
``_routes`` (the table of data endpoints), ``faults`` (broken answers),
``_data`` and ``_profiles`` (the synthetic organizations).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer, HTTPServerError
from werkzeug.wrappers import Request, Response

from fake_server._answers import ErrorBody, failure
from fake_server._data import Directory
from fake_server._dataset import DATASET_ROUTES, Dataset
from fake_server._journal import JournalEntry, Redactor, record, record_rejected
from fake_server._query import (
    ArrayParams,
    FieldsMode,
    ListSettings,
    MonthFormat,
    NameOrder,
    OversizePages,
    Paging,
    PlainParams,
    SearchfieldValues,
    UnknownFields,
    UnlistedParams,
)
from fake_server._reads import (
    CorporationValue,
    DocVersion,
    GuessedItems,
    InferredSections,
    Nulls,
    SuccessKey,
    TokenJson,
    TokenPaths,
)
from fake_server._routes import ROUTES, route
from fake_server._store import (
    WRITE_METHODS,
    AccomplishmentDate,
    NewUsername,
    SectionPostAnswer,
    StaffDeleteOfExpert,
    Store,
    WriteJson,
    WriteValidation,
    with_writes,
)
from fake_server._tokens import TOKEN_PATHS, Client, TokenIssuer
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

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_EXPERTS",
    "DEFAULT_MAX_PAGE_SIZE",
    "DEFAULT_ORG_ID",
    "DEFAULT_TOKEN_TTL",
    "Client",
    "FakeExpertFile",
    "JournalEntry",
]

DEFAULT_CLIENT_ID = "demo-client"
DEFAULT_CLIENT_SECRET = "demo-secret"  # noqa: S105 -- the documented demo credential
DEFAULT_ORG_ID = 4242
DEFAULT_EXPERTS = 250
DEFAULT_TOKEN_TTL = 30 * 24 * 3600
DEFAULT_MAX_PAGE_SIZE = 100


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
        experts: how many experts each organization has.
        token_ttl: token lifetime in seconds (30 days, as documented).
        max_page_size: the largest page served (undocumented; see ``oversize_pages``).
        seed: makes a different, still deterministic, data set.
        paging: ``"offset"`` (``page_from`` is a row offset) or ``"page"`` (a page number).
        latency: seconds to wait before each answer.
        journal_size: how many requests (and issued tokens) are remembered.
        oversize_pages: a ``page_size`` over ``max_page_size`` is ``"cap"``-ped silently
            or ``"refuse"``-d with a 400 that names ``page_size``.
        error_body: the failure envelope: ``"error"`` (``error`` + ``error_description``)
            or ``"message"`` (``message``).
        array_params: array parameters travel as ``"json"`` text (``["CA","US"]``) or
            ``"comma"``-separated.
        fields_mode: with ``fields=[…]``, items carry the default keys and the requested
            names (``"add"``) or ``"only"`` the requested names.
        unlisted_params: a query parameter the endpoint does not document is ``"ignore"``-d or
            ``"refuse"``-d with a 400 naming it.
        plain_params: ``companies`` and the staff list's ``countries``/``fields`` (plain strings
            in the documents): JSON-array text is read as several values (``"array_text"``)
            or the value is one literal (``"plain"``).
        searchfield_values: ``searchfield`` other than ``fullname``: a 400 (``"fullname"``) or
            ignored (``"any"``).
        month_format: spotlight ``month``: ``1``-``12`` or ``2024-05``, May 2024 (``"both"``),
            or only ``1``-``12`` (``"number"``).
        unknown_fields: a ``fields`` name outside the 45 return fields: a 400 (``"refuse"``) or
            dropped (``"ignore"``).
        name_order: ``sort=name`` orders by last name then first (``"last"``) or the reverse.
        success_key: ``"always"`` sends ``"success": true``; ``"as_sampled"`` leaves it out of
            the reads whose documented samples have none (biography, tagline, links, …).
        nulls: ``"as_sampled"`` sends ``null`` where the documented samples do (testimonial
            and research-focus ``date``, ``cover_alt_title``, media ``thumbnail_alt_title``).
        doc_version: where the vendor's two documents differ (tag and affiliation items,
            the staff profile's ``corporationprofile``/``profiletype``), follow ``"gitbook"``
            or ``"slate"``.
        guessed_items: items the documents show empty or unusable (social, profile avatar and
            profiletype, aggregations, spotlight tags/assets): ``"fill"``-ed with the fake's guesses
            or ``"as_sampled"`` (empty, as in the samples).
        inferred_sections: the expert profile sections the 2019 sample lacks (avatar, tagline, …):
            ``"add"`` or ``"omit"``.
        token_json: the token endpoint takes a JSON body as well as a form (``"accept"``) or
            only a form (``"refuse"``).
        token_paths: the token endpoint answers at ``/v2/oauth/token`` and ``/oauth/token``
            (``"both"``) or at ``/v2/oauth/token`` only (``"v2"``).
        foreign_org_status: the status for another organization's data (403; 404 hides it).
        corporation_value: ``corporation`` in list items: the organization's ``"slug"`` or
            its ``"name"``.
        dataset: a folder written by ``expertfile-nb capture``: the data endpoints then
            answer from it (see ``fake_server._dataset`` for the filters it supports)
            instead of the synthetic organization (``experts`` and ``seed`` unused).
            Writes change the fake's memory only: the folder is never written.
        write_validation: a write missing a required field or with a value outside the
            documented ones is ``"strict"``-ly refused (400) or ``"lenient"``-ly stored (a
            1/0 flag sent empty or otherwise is then left as it was). An inquiry's
            ``location_state`` must be a listed code when its country is CA or US (documented).
        write_json: a write's body may be a JSON object as well as a form (``"accept"``), or
            only a form (``"refuse"``: a JSON body is a 400).
        accomplishment_date: an accomplishment's body ``date`` lands in the item's
            ``"start"``, or in ``"both"`` its ``start`` and ``end``.
        section_post_answer: the biography, tagline and social POST answers: the fake's
            readings of the invalid samples (``"as_guessed"``) or ``{"id": null}`` for all
            three (``"id_null"``).
        new_username: a created person's username: ``first-last-new-N`` (``"name"``) or
            ``new-N`` (``"numbered"``).
        undocumented_write_status: the status of a write the documents do not give for that
            section (e.g. PUT on a topic): 405 with ``Allow``, or 404.
        staff_delete_of_expert: ``DELETE /staff/<username>`` of someone who is an expert
            (experts are on the staff list too): deletes the person, expert profile
            included (``"delete"``), or answers 404 and changes nothing (``"404"``).
        write_failure_rate: the share of writes (0 to 1) answered 500 *after* the change
            was made (``write_failure="error"``) or cut without an answer (``"drop"``),
            drawn from a generator seeded with ``write_failure_seed``.
        write_failure: ``"error"`` or ``"drop"`` (see ``write_failure_rate``).
        write_failure_seed: the seed of the random failures.
        idle_timeout: seconds a connection has to send a whole request, from its opening or
            the last answer, before the server closes it: idle, stalled half-way or dripping
            bytes (taken at :meth:`start`).
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
        oversize_pages: OversizePages = "cap",
        error_body: ErrorBody = "error",
        array_params: ArrayParams = "json",
        fields_mode: FieldsMode = "add",
        unlisted_params: UnlistedParams = "ignore",
        plain_params: PlainParams = "array_text",
        searchfield_values: SearchfieldValues = "fullname",
        month_format: MonthFormat = "both",
        unknown_fields: UnknownFields = "refuse",
        name_order: NameOrder = "last",
        success_key: SuccessKey = "always",
        nulls: Nulls = "never",
        doc_version: DocVersion = "gitbook",
        guessed_items: GuessedItems = "fill",
        inferred_sections: InferredSections = "add",
        token_json: TokenJson = "accept",  # noqa: S107 -- a setting, not a password
        token_paths: TokenPaths = "both",  # noqa: S107 -- a setting, not a password
        foreign_org_status: int = 403,
        corporation_value: CorporationValue = "slug",
        dataset: str | Path | None = None,
        write_validation: WriteValidation = "strict",
        write_json: WriteJson = "accept",
        accomplishment_date: AccomplishmentDate = "start",
        section_post_answer: SectionPostAnswer = "as_guessed",
        new_username: NewUsername = "name",
        undocumented_write_status: int = 405,
        staff_delete_of_expert: StaffDeleteOfExpert = "delete",
        write_failure_rate: float = 0.0,
        write_failure: str = "error",
        write_failure_seed: int = 0,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        super().__init__(host, port, threaded=True)
        self.dataset: Dataset | None = None if dataset is None else Dataset(dataset)
        self.client_id = client_id
        self.client_secret = client_secret
        self.org_id = org_id
        self.seed = seed
        self.idle_timeout = idle_timeout
        self._defaults: dict[str, Any] = {
            "experts": experts,
            "token_ttl": token_ttl,
            "max_page_size": max_page_size,
            "paging": paging,
            "latency": latency,
            "oversize_pages": oversize_pages,
            "error_body": error_body,
            "array_params": array_params,
            "fields_mode": fields_mode,
            "write_validation": write_validation,
            "write_failure_rate": write_failure_rate,
            "write_failure": write_failure,
            "write_failure_seed": write_failure_seed,
            "unlisted_params": unlisted_params,
            "plain_params": plain_params,
            "searchfield_values": searchfield_values,
            "month_format": month_format,
            "unknown_fields": unknown_fields,
            "name_order": name_order,
            "success_key": success_key,
            "nulls": nulls,
            "doc_version": doc_version,
            "guessed_items": guessed_items,
            "inferred_sections": inferred_sections,
            "token_json": token_json,
            "token_paths": token_paths,
            "foreign_org_status": foreign_org_status,
            "corporation_value": corporation_value,
            "write_json": write_json,
            "accomplishment_date": accomplishment_date,
            "section_post_answer": section_post_answer,
            "new_username": new_username,
            "undocumented_write_status": undocumented_write_status,
            "staff_delete_of_expert": staff_delete_of_expert,
        }
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
            self.experts: int = self._defaults["experts"]
            self.token_ttl: float = self._defaults["token_ttl"]
            self.max_page_size: int = self._defaults["max_page_size"]
            self.paging: Paging = self._defaults["paging"]
            self.latency: float = self._defaults["latency"]
            self.oversize_pages: OversizePages = self._defaults["oversize_pages"]
            self.error_body: ErrorBody = self._defaults["error_body"]
            self.array_params: ArrayParams = self._defaults["array_params"]
            self.fields_mode: FieldsMode = self._defaults["fields_mode"]
            self.unlisted_params: UnlistedParams = self._defaults["unlisted_params"]
            self.plain_params: PlainParams = self._defaults["plain_params"]
            self.searchfield_values: SearchfieldValues = self._defaults["searchfield_values"]
            self.month_format: MonthFormat = self._defaults["month_format"]
            self.unknown_fields: UnknownFields = self._defaults["unknown_fields"]
            self.name_order: NameOrder = self._defaults["name_order"]
            self.success_key: SuccessKey = self._defaults["success_key"]
            self.nulls: Nulls = self._defaults["nulls"]
            self.doc_version: DocVersion = self._defaults["doc_version"]
            self.guessed_items: GuessedItems = self._defaults["guessed_items"]
            self.inferred_sections: InferredSections = self._defaults["inferred_sections"]
            self.token_json: TokenJson = self._defaults["token_json"]
            self.token_paths: TokenPaths = self._defaults["token_paths"]
            self.foreign_org_status: int = self._defaults["foreign_org_status"]
            self.corporation_value: CorporationValue = self._defaults["corporation_value"]
            self._clients = {
                self.client_id: Client(self.client_id, self.client_secret, self.org_id)
            }
            self._faults: list[PendingFault] = []
            self._journal.clear()
            self.max_in_flight = 0
            self._token_requests = 0
            self._clock_offset = 0.0
            self._experts_change: tuple[int, int] | None = None
            self.write_validation: WriteValidation = self._defaults["write_validation"]
            self.write_json: WriteJson = self._defaults["write_json"]
            self.accomplishment_date: AccomplishmentDate = self._defaults["accomplishment_date"]
            self.section_post_answer: SectionPostAnswer = self._defaults["section_post_answer"]
            self.new_username: NewUsername = self._defaults["new_username"]
            self.undocumented_write_status: int = self._defaults["undocumented_write_status"]
            self.staff_delete_of_expert: StaffDeleteOfExpert = self._defaults[
                "staff_delete_of_expert"
            ]
            self.write_failure_rate: float = self._defaults["write_failure_rate"]
            self.write_failure: str = self._defaults["write_failure"]
            self._write_rng = random.Random(self._defaults["write_failure_seed"])  # noqa: S311 -- test faults, not secrets
            self._after_write: list[PendingFault] = []
        self.store.reset()
        self.tokens.forget()
        super().clear()

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
            self.paging,
            self.max_page_size,
            self.oversize_pages,
            self.array_params,
            self.unlisted_params,
            self.plain_params,
            self.searchfield_values,
            self.month_format,
            self.unknown_fields,
            self.name_order,
        )

    def failure(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> Answer:
        """A failure answer in the configured envelope (``error_body``)."""
        return failure(status, error, description, headers, style=self.error_body)

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
                and self.write_failure_rate > 0
                and self._write_rng.random() < self.write_failure_rate
            ):
                respond = (
                    Disconnect()
                    if self.write_failure == "drop"
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
                    self.experts = new_count
            key = (org_id, self.experts)
            directory = self._directories.get(key)
            if directory is None:
                if len(self._directories) >= 8:
                    self._directories.pop(next(iter(self._directories)))
                directory = self._directories[key] = Directory(org_id, self.experts, self.seed)
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
        if self.latency:
            time.sleep(self.latency)
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
