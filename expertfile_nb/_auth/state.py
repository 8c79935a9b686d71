"""The process-wide login state: the only mutable state of the package, in one owner.

:data:`STATE` holds the token providers (one per base URL and client, so a second
``login()`` makes no request), the login in use, and whether a login form was
shown. Every front end (``login()``, the form, the command line, the data
functions) goes through :mod:`expertfile_nb._auth.login`, which is the only module
that touches it. The lock guards these fields only: no token request is ever
made while holding it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from expertfile_nb._auth.provider import BearerAuth, TokenProvider
from expertfile_nb._auth.session import ExpertFileSession
from expertfile_nb._http.transport import DEFAULT_DEADLINE, MAX_DATA_BYTES, Timeout

if TYPE_CHECKING:
    from urllib3.util.retry import Retry

__all__ = ["STATE", "Login", "LoginState"]


class Login:
    """The login in use: its token provider, where its credentials came from, its settings."""

    __slots__ = ("_session", "profile", "provider", "retries", "source", "timeout")

    def __init__(
        self,
        provider: TokenProvider,
        source: str,
        timeout: Timeout,
        retries: Retry | int | None,
        profile: str | None = None,
    ) -> None:
        self.provider = provider
        self.source = source
        self.profile = profile  # the named profile the credentials came from, if any
        self.timeout = timeout
        self.retries = retries
        self._session: ExpertFileSession | None = None

    def new_session(
        self,
        timeout: Timeout | None = None,
        retries: Retry | int | None = None,
        *,
        max_bytes: int = MAX_DATA_BYTES,
        deadline: float = DEFAULT_DEADLINE,
        pool_size: int = 16,
    ) -> ExpertFileSession:
        """A session signed by this login's provider (asks for a token if none is held);
        ``pool_size``: connections kept open (the most requests in flight at once)."""
        token = self.provider.get()
        return ExpertFileSession(
            self.provider.base_url,
            auth=BearerAuth(self.provider),
            timeout=self.timeout if timeout is None else timeout,
            retries=self.retries if retries is None else retries,
            org_id=token.org_id,
            pool_size=pool_size,  # 16: the most pages a pull fetches at once
            max_bytes=max_bytes,
            deadline=deadline,
        )

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


class LoginState:
    """Providers by (base URL, client id), the login in use, and the form flag."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._providers: dict[tuple[str, str], TokenProvider] = {}
        self._current: Login | None = None
        self.form_shown = False  # a login form was displayed: NotLoggedInError points at it
        #: the profile the command line's ``--profile`` named for the default login
        self.profile: str | None = None

    @property
    def current(self) -> Login | None:
        return self._current

    def provider(self, key: tuple[str, str]) -> TokenProvider | None:
        """The provider kept for ``key``, if any."""
        with self._lock:
            return self._providers.get(key)

    def keep(self, key: tuple[str, str], provider: TokenProvider) -> TokenProvider:
        """Keep ``provider`` for ``key`` unless another thread kept one first; returns the kept."""
        with self._lock:
            kept = self._providers.get(key)
            if (
                kept is not None
                and kept.credentials == provider.credentials
                and kept.leeway == provider.leeway
            ):
                return kept
            self._providers[key] = provider
            return provider

    def use(self, login: Login) -> None:
        """Make ``login`` the one in use (closing the previous one's shared session)."""
        with self._lock:
            previous, self._current = self._current, login
            self.form_shown = False
        if previous is not None and previous is not login:
            previous.close()

    def shared_session(self, login: Login) -> ExpertFileSession:
        """The session the data functions share for ``login`` (connections are reused)."""
        with self._lock:
            session = login._session
        if session is None:
            session = login.new_session()  # may ask for a token: outside the lock
            with self._lock:
                if login._session is None:
                    login._session = session
                else:
                    session.close()
                    session = login._session
        return session

    def clear(self) -> tuple[Login | None, list[TokenProvider]]:
        """Forget everything; returns the login that was in use and the providers."""
        with self._lock:
            current, self._current = self._current, None
            providers = list(self._providers.values())
            self._providers.clear()
            self.form_shown = False
            self.profile = None
        if current is not None:
            current.close()
        return current, providers


#: the one instance
STATE = LoginState()
