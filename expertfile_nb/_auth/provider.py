"""Bearer auth over "give me a valid token": ``TokenProvider`` and ``BearerAuth``."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

import requests

from expertfile_nb._auth.credentials import Credentials
from expertfile_nb._auth.token import Token
from expertfile_nb._auth.token_file import TokenFile
from expertfile_nb._http.deadline import time_left
from expertfile_nb._redact import hold, mask
from expertfile_nb.errors import AuthenticationError, DeadlineExceededError

log = logging.getLogger("expertfile_nb")

# (Authorization header value, epoch second from which to renew, token)
_Slot = tuple[str, float, "Token | None"]
_EMPTY: _Slot = ("", 0.0, None)


class TokenProvider:
    """Hands out a valid token for one (base URL, client): cached, renewed when due.

    The token is kept in memory; with a :class:`TokenFile` it is also remembered
    on disk. Renewal is single-flight: threads that find the token due together
    wait for one token request (and, with a file, so do processes, through the
    file's lock).

    Args:
        base_url: the API's base URL.
        credentials: the client id and secret; ``None`` for a token prepared
            elsewhere, which cannot be renewed.
        fetch: ``fetch(credentials) -> Token``, the token request.
        token: a token to start with.
        token_file: where to remember tokens, if the user asked.
        leeway: renew this many seconds before expiry; ``None``: the smaller
            of 60 s and 10 % of the token's lifetime.

    Its settings are fixed when it is made; only :meth:`remember_in` changes one,
    under the provider's own lock.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None,
        fetch: Callable[[Credentials], Token],
        *,
        token: Token | None = None,
        token_file: TokenFile | None = None,
        leeway: float | None = None,
    ) -> None:
        self.base_url = base_url
        self.credentials = credentials
        hold(credentials.client_secret if credentials else None)  # out of every message
        self._token_file = token_file
        self.leeway = leeway
        self._fetch = fetch
        #: what ``fetch`` was made with (timeout, retries, deadline), for the login to compare
        self.fetch_settings: object = None
        self._lock = threading.Lock()
        self._slot: _Slot = _EMPTY
        self._rejected = False  # the token was dropped because the service refused it
        if token is not None:
            self._store(token)

    def __repr__(self) -> str:
        who = mask(self.credentials.client_id) if self.credentials else "prepared token"
        return f"TokenProvider({self.base_url!r}, {who!r})"

    @property
    def token(self) -> Token | None:
        """The token held now (maybe due for renewal), without any request."""
        return self._slot[2]

    @property
    def token_file(self) -> TokenFile | None:
        """Where the token is remembered on disk, if the user asked."""
        return self._token_file

    def remember_in(self, token_file: TokenFile) -> None:
        """Remember tokens in ``token_file`` from now on, starting with the one held now."""
        with self._lock:
            if self._token_file is not None and self._token_file.path == token_file.path:
                return  # remembered there already (each renewal writes it)
            self._token_file = token_file
            token = self._slot[2]
            if token is not None:
                with token_file.locked() as have_lock:
                    if have_lock:
                        token_file.save(self.base_url, token)

    def _store(self, token: Token | None) -> None:
        if token is None:
            self._slot = _EMPTY
            return
        refresh_at = token.refresh_at(self.leeway)
        now = time.time()
        if refresh_at <= now and self.credentials is not None:
            # The service issued a token that is already due by this machine's clock (a
            # clock ahead of the service's, or a very short lifetime). Renewing at once
            # would ask for a new token before every request; use it for a minute instead
            # and let a 401 say when it is really over.
            log.warning(
                "the new token is already due by this machine's clock (expires %s); "
                "using it until the service refuses it — check the clock",
                token.expires_at.isoformat(timespec="seconds"),
            )
            refresh_at = now + 60.0
        self._slot = (f"Bearer {token.access_token}", refresh_at, token)

    def get(self) -> Token:
        """A token with more than the leeway left, fetched only if needed."""
        slot = self._slot
        if slot[2] is not None and time.time() < slot[1]:
            return slot[2]
        return self.renew()

    def header(self) -> str:
        """``"Bearer …"`` for a valid token (the hot path of every request)."""
        slot = self._slot
        if time.time() >= slot[1]:
            self.renew()
            slot = self._slot
        return slot[0]

    def renew(self, rejected: str | None = None) -> Token:
        """Get a new token unless another thread already did.

        Args:
            rejected: the access token the server just refused (401). It is
                dropped only if it is still the current one.

        Raises:
            AuthenticationError: the token is due or was rejected, and there is no
                secret in this process to get another.
            DeadlineExceededError: the call this is part of ran out of time, waiting for
                another thread's token request or in its own.
        """
        with self._locked():
            token = self._slot[2]
            if (
                token is not None
                and time.time() < self._slot[1]
                and (rejected is None or token.access_token != rejected)
            ):
                return token  # another thread renewed it while we waited
            if self.credentials is None:
                if token is not None:  # the first call to find it gone says why, for all
                    self._rejected = rejected is not None
                self._store(None)
                refused = rejected is not None or self._rejected
                why = "was rejected by the service" if refused else "has expired"
                raise AuthenticationError(
                    f"The access token {why}, and no client secret is available here to get "
                    "a new one. Log in again: ef.login(), or set EXPERTFILE_CLIENT_ID and "
                    "EXPERTFILE_CLIENT_SECRET.",
                    status=401 if refused else None,
                    error="invalid_token" if refused else None,
                )
            credentials = self.credentials
            if self._token_file is None:
                token = self._fetch(credentials)
            else:
                token = self._renew_through_file(self._token_file, credentials, rejected)
            self._store(token)
            return token

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the lock; inside a call with a deadline, wait no longer than it has left."""
        left = time_left()
        if not self._lock.acquire(timeout=-1 if left is None else max(0.0, left[0])):
            assert left is not None  # noqa: S101 -- only a bounded wait can fail
            raise DeadlineExceededError(
                f"Another request was getting a new token; stopped waiting for it after the "
                f"call's {left[1]:g} s. The service is very slow: try again later.",
                deadline=left[1],
            )
        try:
            yield
        finally:
            self._lock.release()

    def replace_fetch(self, fetch: Callable[[Credentials], Token], settings: object) -> None:
        """Fetch new tokens with ``fetch`` from now on (a later login's timeout, retries or
        deadline); ``settings`` is what :attr:`fetch_settings` then says."""
        with self._lock:
            self._fetch = fetch
            self.fetch_settings = settings

    def _renew_through_file(
        self, token_file: TokenFile, credentials: Credentials, rejected: str | None
    ) -> Token:
        with token_file.locked() as have_lock:
            if have_lock:
                remembered = token_file.load(self.base_url, credentials.client_id)
                if (
                    remembered is not None
                    and not remembered.is_expired(self.leeway)
                    and remembered.access_token != rejected
                ):
                    log.debug("using the remembered token from %s", token_file.path)
                    return remembered
            token = self._fetch(credentials)
            if have_lock:
                token_file.save(self.base_url, token)
            return token

    def forget(self) -> None:
        """Drop the token held in memory."""
        with self._lock:
            self._store(None)


class BearerAuth(requests.auth.AuthBase):
    """Signs each request with ``Authorization: Bearer <token>`` from a :class:`TokenProvider`.

    The token is asked for on every request, so a token that is due is replaced
    without the caller noticing. It is attached only to URLs under the base URL:
    a request to any other origin goes out without it.
    """

    def __init__(self, provider: TokenProvider) -> None:
        self.provider = provider
        self._prefix = provider.base_url + "/"

    def __repr__(self) -> str:
        return f"BearerAuth({self.provider!r})"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        # The hot path of every request: one clock read, no I/O, no lock (see header()).
        if r.url and r.url.startswith(self._prefix):
            r.headers["Authorization"] = self.provider.header()
        return r
