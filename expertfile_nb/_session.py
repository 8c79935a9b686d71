"""The ``requests.Session`` every call goes through: timeouts, retries, typed errors.

- Relative paths are joined to the base URL: ``session.get("/v2/organization/4242/expert")``.
- Every request gets a timeout (``DEFAULT_TIMEOUT`` unless the caller passes one).
- ``urllib3.util.Retry`` retries GETs on 429/500/502/503/504 and connection
  errors, with exponential backoff and ``Retry-After`` (capped, so a server
  asking for an hour cannot hang a notebook).
- A 401 from a data call drops the token (only if it is still the one that
  request used), gets one new token through the provider's single-flight
  path, and replays the request once.
- A response that is still an error after all that becomes a typed
  :class:`~expertfile_nb.errors.APIError`; a failed connection a
  :class:`~expertfile_nb.errors.NetworkError`.
- Plain ``http://`` is refused for any host but loopback, and a redirect never
  carries the token to another origin.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from expertfile_nb import __version__
from expertfile_nb._auth import BearerAuth
from expertfile_nb._config import DEFAULT_TIMEOUT, check_transport, redact, retry_backoff
from expertfile_nb.errors import (
    APIError,
    AuthenticationError,
    BrokenResponseError,
    ExpertFileError,
    NetworkError,
    NotFoundError,
    RateLimitError,
)

log = logging.getLogger("expertfile_nb")

USER_AGENT = f"expertfile-nb/{__version__} python-requests/{requests.__version__}"
RETRY_STATUSES = (429, 500, 502, 503, 504)
Timeout = float | tuple[float, float]


class CappedRetry(Retry):
    """``urllib3`` ``Retry`` whose wait for ``Retry-After`` is capped at ``max_retry_after`` s."""

    max_retry_after: float = 30.0

    def get_retry_after(self, response: Any) -> float | None:
        try:
            seconds = super().get_retry_after(response)
        except InvalidHeader:  # e.g. "0.5": not RFC 9110's whole seconds; use the backoff
            return None
        return None if seconds is None else min(seconds, self.max_retry_after)


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


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


def hidden_values(response: requests.Response, auth: object = None) -> tuple[str | None, ...]:
    """What must never appear in a message built from a response's body: the bearer token
    the request carried, and the client secret behind ``auth``."""
    header = response.request.headers.get("Authorization") if response.request else None
    token = str(header).removeprefix("Bearer ") if header else None
    credentials = auth.provider.credentials if isinstance(auth, BearerAuth) else None
    return token, credentials.client_secret if credentials else None


def error_from_response(response: requests.Response, auth: object = None) -> ExpertFileError:
    """The typed error for a data response that is an HTTP error."""
    status = response.status_code
    url = response.url
    code: str | None = None
    description = ""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("error") if isinstance(body.get("error"), str) else None
        description = " ".join(
            str(body[k]) for k in ("error_description", "message") if isinstance(body.get(k), str)
        )
    elif response.content:
        description = response.content[:200].decode("utf-8", "replace")
    detail = f": {redact(description, *hidden_values(response, auth))}" if description else ""
    where = f"{response.request.method} {urlsplit(url).path}" if response.request else url
    if status == 401:
        return AuthenticationError(
            f"The service rejected the access token for {where} ({status} {code or ''}"
            f"{detail}). Log in again with ef.login().",
            status=status,
            error=code or "invalid_token",
        )
    if status == 403:
        return APIError(
            f"{where} is not allowed for this client ({status}){detail}. Check that the "
            "organization id in the URL is the one your token was issued for.",
            status=status,
            url=url,
            error=code,
        )
    if status == 404:
        return NotFoundError(
            f"{where} was not found (404){detail}.", status=status, url=url, error=code
        )
    if status == 429:
        retry_after = CappedRetry().get_retry_after(response)  # parses seconds or HTTP-date
        wait = "a minute" if retry_after is None else f"{retry_after:g} s"
        return RateLimitError(
            f"{where} was rate limited (429) and retries ran out{detail}. Wait "
            f"{wait} and try again.",
            status=status,
            url=url,
            error=code,
            retry_after=retry_after,
        )
    advice = "The service is having trouble; try again later." if status >= 500 else ""
    return APIError(
        f"{where} failed with HTTP {status}{detail}. {advice}".rstrip(),
        status=status,
        url=url,
        error=code,
    )


class ExpertFileSession(requests.Session):
    """A ``requests.Session`` for the ExpertFile API (see the module docstring).

    Args:
        base_url: joined to relative paths; the token goes only to this origin.
        auth: the bearer auth (``None``: unauthenticated requests).
        timeout: (connect, read) seconds, or one number for both.
        retries: a ``urllib3`` ``Retry``, a number of retries, or ``None`` for the default.
        org_id: the organization the token reads (``session.org_id``), if known.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: BearerAuth | None = None,
        timeout: Timeout | None = None,
        retries: Retry | int | None = None,
        org_id: int | None = None,
        pool_size: int = 10,
    ) -> None:
        super().__init__()
        check_transport(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout: Timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.org_id = org_id
        self.auth = auth
        self.max_redirects = 5
        self.headers["User-Agent"] = USER_AGENT
        self.headers["Accept"] = "application/json"
        policy = default_retry() if retries is None else retries
        adapter = HTTPAdapter(max_retries=policy, pool_connections=4, pool_maxsize=pool_size)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        self.hooks["response"] = [self._replay_on_401, self._raise_for_status]

    def __repr__(self) -> str:
        return f"<ExpertFileSession {self.base_url} org={self.org_id}>"

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """As ``requests.Session.request``, with the base URL and default timeout applied.

        Raises:
            NetworkError: no answer after the retries (connection refused, reset, timeout).
            APIError: an HTTP error status after the retries (and its subclasses).
            AuthenticationError: the token was rejected and could not be renewed.
        """
        if isinstance(url, bytes):
            url = url.decode()
        if url.startswith("/"):
            url = self.base_url + url
        if len(args) < 7:  # timeout is requests' 7th argument after the URL
            kwargs.setdefault("timeout", self.timeout)
        try:
            return super().request(method, url, *args, **kwargs)
        except ExpertFileError:
            raise
        except (requests.ConnectionError, requests.Timeout) as exc:
            kind = "timed out" if isinstance(exc, requests.Timeout) else "could not connect"
            raise NetworkError(
                f"{method!s} {urlsplit(url).path} {kind} after retries "
                f"({type(exc).__name__}). Check the network and try again."
            ) from exc
        except requests.RequestException as exc:
            raise BrokenResponseError(
                f"{method!s} {urlsplit(url).path} failed: {type(exc).__name__}. The connection "
                "broke while the answer arrived; try again."
            ) from exc

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        check_transport(request.url or "")
        return super().send(request, **kwargs)

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        # Stricter than requests: any change of scheme, host or port drops the token.
        if "Authorization" in prepared_request.headers and _origin(
            prepared_request.url or ""
        ) != _origin(self.base_url):
            del prepared_request.headers["Authorization"]

    def _replay_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        request = response.request
        if (
            response.status_code != 401
            or not isinstance(self.auth, BearerAuth)
            or getattr(request, "_expertfile_replayed", False)
            or "Authorization" not in request.headers
        ):
            return response
        used = str(request.headers["Authorization"]).removeprefix("Bearer ")
        log.debug(
            "401 on %s %s: renewing the token once", request.method, urlsplit(response.url).path
        )
        response.close()
        self.auth.provider.renew(rejected=used)
        replay = request.copy()
        replay.headers["Authorization"] = self.auth.provider.header()
        replay._expertfile_replayed = True  # type: ignore[attr-defined]
        adapter = self.get_adapter(replay.url or "")
        retried = adapter.send(replay, **kwargs)
        retried.history.insert(0, response)
        return retried

    def _raise_for_status(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code >= 400:
            raise error_from_response(response, self.auth)
        return response
