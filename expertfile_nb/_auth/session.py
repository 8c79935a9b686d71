"""The ``requests.Session`` every data call goes through: base URL, auth, typed errors.

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
- Plain ``http://`` is refused for any host but loopback, never goes through a
  proxy (``HTTP_PROXY`` would see the secret in clear text), and a redirect never
  carries the token to another origin. ``https://`` follows requests' proxy rules.
- Every answer is read with two bounds: a deadline for the whole answer (not
  per socket read: a server that drips bytes cannot hold a call for ever) and a
  cap on its decompressed size. Past either, a typed error. The deadline bounds
  the whole call: its retries, redirects, and a re-login after a 401 with the
  replay, all together.
- No error keeps a reference to a request that carried the token or the secret.
- ``requests`` reads the proxy and CA-bundle settings from the environment on every
  request (``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``…: about 0.2 ms, most of
  it scanning ``os.environ``). A pull reads them once per pass instead
  (:func:`read_environment`, :func:`environment_read`): every page of the pass goes
  where its first would have gone, and a pull started after a change sees the change.

How requests travel (retries, deadline, size cap, proxies) is
:mod:`expertfile_nb._http.transport`; every session is set up by its ``configure``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
from requests.hooks import default_hooks
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.retry import Retry

from expertfile_nb._auth.provider import BearerAuth
from expertfile_nb._http.config import (
    DEFAULT_TIMEOUT,
    check_timeout,
    check_transport,
    positive_seconds,
)
from expertfile_nb._http.deadline import within
from expertfile_nb._http.envelope import error_fields, load_json
from expertfile_nb._http.transport import (
    DEFAULT_DEADLINE,
    MAX_DATA_BYTES,
    Timeout,
    asked_to_wait,
    configure,
)
from expertfile_nb._redact import REDACTED, excerpt, hide, redact, scrub
from expertfile_nb.errors import (
    APIError,
    AuthenticationError,
    BrokenResponseError,
    ConfigurationError,
    ExpertFileError,
    NetworkError,
    NotConnectedError,
    NotFoundError,
    RateLimitError,
)

log = logging.getLogger("expertfile_nb")


def _never_connected(error: BaseException) -> bool:
    """Whether ``requests``' error says no connection was ever opened (refused, a name that
    does not resolve, a connect timeout): then nothing was sent. A write is retried only in
    that case (transport), so every try of it failed the same way."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


def sanitized(response: requests.Response, hidden: tuple[str | None, ...]) -> requests.Response:
    """A copy of ``response`` to keep in an error: its body, its header values and its
    reason phrase with every form of ``hidden`` removed (a server may echo the token in
    ``WWW-Authenticate`` or a debug header), its request's ``Authorization`` masked, its
    request body and hooks dropped (the body of a token request holds the secret; the
    hooks lead back to the session)."""
    copy = requests.Response()
    copy.status_code = response.status_code
    copy.headers = CaseInsensitiveDict(
        {
            hide(scrub(name, *hidden)): hide(scrub(value, *hidden))
            for name, value in response.headers.items()
        }
    )
    copy._content = scrub(response.content.decode("utf-8", "replace"), *hidden).encode()
    copy._content_consumed = True  # type: ignore[attr-defined] # requests' own flag
    copy.url = hide(scrub(response.url or "", *hidden))
    copy.reason = scrub(response.reason, *hidden) if response.reason else response.reason
    copy.encoding = response.encoding
    if response.request is not None:
        request = response.request.copy()
        request.url = copy.url
        request.body = None
        request.hooks = default_hooks()
        if "Authorization" in request.headers:
            scheme = str(request.headers["Authorization"]).split(" ", 1)[0]
            request.headers["Authorization"] = f"{scheme} {REDACTED}"
        copy.request = request
    return copy


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
    body = load_json(response.content)
    code, description = error_fields(body)
    hidden = hidden_values(response, auth)
    url = scrub(response.url, *hidden)  # a redirect may have led to a URL that holds the token
    if not isinstance(body, dict) and response.content:
        description = excerpt(response.content, *hidden)  # redacted before it is cut
    code = redact(code, *hidden, limit=60) if code else None
    detail = f": {redact(description, *hidden)}" if description else ""
    kept = sanitized(response, hidden)
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
            response=kept,
        )
    if status == 404:
        return NotFoundError(
            f"{where} was not found (404){detail}.",
            status=status,
            url=url,
            error=code,
            response=kept,
        )
    if status == 429:
        # what the service asked for, uncapped (the cap only bounds our own waiting)
        retry_after = asked_to_wait(response)
        wait = "a minute" if retry_after is None else f"{retry_after:g} s"
        return RateLimitError(
            f"{where} was rate limited (429) and retries ran out{detail}. Wait "
            f"{wait} and try again.",
            status=status,
            url=url,
            error=code,
            retry_after=retry_after,
            response=kept,
        )
    advice = "The service is having trouble; try again later." if status >= 500 else ""
    return APIError(
        f"{where} failed with HTTP {status}{detail}. {advice}".rstrip(),
        status=status,
        url=url,
        error=code,
        response=kept,
    )


# How many arguments after the URL come before ``timeout`` in the installed requests'
# ``Session.request(self, method, url, params, data, …, timeout, …)``: read from its code
# object (``inspect`` would add 10 ms to the import and 10 us to every request).
_CODE = requests.Session.request.__code__
_TIMEOUT_POSITION = _CODE.co_varnames[: _CODE.co_argcount].index("timeout") - 3


def _sets_timeout(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether a ``Session.request`` call (after its URL) names a timeout, by keyword or by
    position."""
    return "timeout" in kwargs or len(args) > _TIMEOUT_POSITION


class Environment(NamedTuple):
    """What ``requests`` took from the environment and the session (proxies, ``verify``,
    ``cert``, ``stream``) for requests to one base URL, read once: see
    :func:`read_environment`. A named tuple, not a dataclass: ``import expertfile_nb``
    stays light (``dataclasses`` is among what it leaves out: tests/test_package.py)."""

    proxies: dict[str, str]
    stream: Any
    verify: Any
    cert: Any


#: the statuses of the answers one call got so far: see ExpertFileSession.request
_ANSWERED: ContextVar[list[int] | None] = ContextVar("expertfile_answered", default=None)

#: the environment read for the requests this thread (context) sends: see environment_read
_READ: ContextVar[Environment | None] = ContextVar("expertfile_environment", default=None)


def read_environment(session: requests.Session) -> Environment | None:
    """The proxy and CA-bundle settings ``session`` would use for its base URL, read now
    from the environment (``None`` for a session that does not consult them, or that is
    not an :class:`ExpertFileSession`: it reads them itself, as ``requests`` does)."""
    if not isinstance(session, ExpertFileSession) or not session.trust_env:
        return None
    # requests' own reading (not ours, which would give back the one in force)
    merged = requests.Session.merge_environment_settings(
        session, session.base_url + "/", {}, None, None, None
    )
    return Environment(dict(merged["proxies"]), merged["stream"], merged["verify"], merged["cert"])


@contextmanager
def environment_read(environment: Environment | None) -> Iterator[None]:
    """Within it, an :class:`ExpertFileSession` request uses ``environment`` instead of
    reading the environment again: for requests to the base URL ``environment`` was read
    for, with no proxies, ``verify``, ``cert`` or ``stream`` of their own (a pull's pages).
    Proxies are chosen by scheme and host only, so every path of one base URL has the same."""
    token = _READ.set(environment)
    try:
        yield
    finally:
        _READ.reset(token)


class ExpertFileSession(requests.Session):
    """A ``requests.Session`` for the ExpertFile API (see the module docstring).

    Args:
        base_url: joined to relative paths; the token goes only to this origin.
        auth: the bearer auth (``None``: unauthenticated requests).
        timeout: (connect, read) seconds, or one number for both.
        retries: a ``urllib3`` ``Retry``, a number of retries, or ``None`` for the default.
        org_id: the organization the token reads (``session.org_id``), if known.
        pool_size: connections kept open (the most pages a pull fetches at once).
        max_bytes: the largest answer accepted, decompressed (default 64 MiB).
        deadline: seconds for one call and its whole answer: retries, redirects and a
            re-login after a 401 (with the replay) included (default 300).
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
        max_bytes: int = MAX_DATA_BYTES,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        super().__init__()
        check_transport(base_url)
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ConfigurationError(
                f"max_bytes must be a number of bytes above 0; got {max_bytes!r:.40}."
            )
        if not positive_seconds(deadline):
            raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
        self.base_url = base_url.rstrip("/")
        self.deadline = float(deadline)
        self.timeout: Timeout = DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout)
        self.org_id = org_id
        self.auth = auth
        self.max_redirects = 5
        configure(
            self, retries=retries, max_bytes=max_bytes, deadline=deadline, pool_size=pool_size
        )
        self.hooks["response"] = [self._note_answer, self._replay_on_401, self._raise_for_status]

    def __repr__(self) -> str:
        return f"<ExpertFileSession {self.base_url} org={self.org_id}>"

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """As ``requests.Session.request``, with the base URL and default timeout applied.

        Raises:
            NetworkError: no answer after the retries (connection refused, reset, timeout).
            NotConnectedError: no connection ever opened, so nothing was sent (not raised
                once an answer came: a redirect followed to where no connection opens
                is a plain ``NetworkError``, as the call may have been carried out).
            APIError: an HTTP error status after the retries (and its subclasses).
            AuthenticationError: the token was rejected and could not be renewed.
            DeadlineExceededError: the whole call (a re-login included) outlasted
                ``deadline``.
            ConfigurationError: the path cannot be sent, or the CA bundle or certificate
                file named (``REQUESTS_CA_BUNDLE``, ``verify``, ``cert``) is not there.
        """
        if isinstance(url, bytes):
            url = url.decode()
        if url.startswith("/"):
            url = self.base_url + url
        if not _sets_timeout(args, kwargs):
            kwargs["timeout"] = self.timeout
        where = f"{method!s} {urlsplit(url).path}"
        failure: ExpertFileError
        answered: list[int] = []  # a redirect followed: the call reached the service
        mark = _ANSWERED.set(answered)
        try:
            with within(self.deadline):  # the whole call: retries, re-login and replay
                return super().request(method, url, *args, **kwargs)
        except ExpertFileError:
            raise
        except (requests.ConnectionError, requests.Timeout) as exc:
            if answered:  # e.g. a 303 after a PUT, then no connection to where it led
                failure = NetworkError(
                    f"{where} was answered ({answered[-1]}), then its redirect could not be "
                    f"followed ({type(exc).__name__}): it may have been carried out. Check "
                    "the network and the base URL, and read the record before trying again."
                )
            elif _never_connected(exc):
                failure = NotConnectedError(
                    f"{where} could not connect after retries ({type(exc).__name__}): "
                    "nothing was sent. Check the network and the base URL, and try again."
                )
            else:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "broke off"
                failure = NetworkError(
                    f"{where} {kind} after retries ({type(exc).__name__}). Check the network "
                    "and try again."
                )
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidHeader,
            requests.exceptions.URLRequired,
        ) as exc:
            failure = ConfigurationError(
                f"{where!r:.120} cannot be sent ({type(exc).__name__}): check the path (relative "
                "paths start with '/') and the headers (no line breaks)."
            )
        except requests.RequestException as exc:
            failure = BrokenResponseError(
                f"{where} failed: {type(exc).__name__}. The connection broke while the answer "
                "arrived; try again."
            )
        except OSError as exc:  # requests' own check of the CA bundle and certificate files
            failure = ConfigurationError(
                f"{where} cannot be sent: {str(exc)[:300]}. Check REQUESTS_CA_BUNDLE and "
                "CURL_CA_BUNDLE (or the session's verify and cert): they must name files "
                "that exist."
            )
        finally:
            _ANSWERED.reset(mark)
        # raised here, outside the except block: the requests exception (and the request
        # it holds, with the token) stays neither the cause nor the context of our error
        raise failure

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:  # requests' own TypedDict (its stubs' private _Settings)
        read = _READ.get()
        if read is not None:  # read once for the pass of a pull (environment_read)
            return {
                "proxies": dict(read.proxies),
                "stream": read.stream,
                "verify": read.verify,
                "cert": read.cert,
            }
        return super().merge_environment_settings(url, proxies, stream, verify, cert)

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

    def _note_answer(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """Note that the call got an answer: a redirect (or a 401's replay) that then cannot
        connect is not "nothing was sent" (``NotConnectedError``), but a ``NetworkError``."""
        answered = _ANSWERED.get()
        if answered is not None:
            answered.append(response.status_code)
        return response

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
        replay._expertfile_replayed = True  # type: ignore[attr-defined]  # a marker: replayed once only
        adapter = self.get_adapter(replay.url or "")
        retried = adapter.send(replay, **kwargs)
        retried.history.insert(0, response)
        return retried

    def _raise_for_status(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code >= 400:
            raise error_from_response(response, self.auth)
        return response
