"""``login()``, ``logout()``, ``status()`` and ``get_session()``: one login behind every front.

Where credentials come from, first match wins:

1. ``login(client_id=…, client_secret=…)``;
2. the environment: ``EXPERTFILE_CLIENT_ID`` and ``EXPERTFILE_CLIENT_SECRET``, as a pair;
3. ``EXPERTFILE_ACCESS_TOKEN`` with ``EXPERTFILE_ORG_ID``: a token prepared elsewhere;
4. a token remembered on disk by an earlier ``login(..., remember=True)``;
5. in Google Colab, ``EXPERTFILE_CLIENT_ID``/``SECRET`` from Colab's secrets (after 2);
6. in a notebook, the login form (``login_widget()``);
7. otherwise a :class:`~expertfile_nb.errors.NotLoggedInError` saying how to log in.

Tokens are cached in memory per (base URL, client id) for the whole process, so a
second ``login()`` costs no request; they are renewed when less than the leeway
is left (the smaller of 60 s and 10 % of the token's lifetime by default).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import NamedTuple, overload

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from expertfile_nb._auth import BearerAuth, TokenProvider
from expertfile_nb._config import (
    DEFAULT_TIMEOUT,
    ENV_ACCESS_TOKEN,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_ORG_ID,
    ENV_TOKEN_EXPIRES_AT,
    Credentials,
    default_cache_file,
    mask,
    resolve_base_url,
)
from expertfile_nb._session import USER_AGENT, ExpertFileSession, Timeout, default_retry
from expertfile_nb._token import Token, TokenFile, env_token, fetch_token
from expertfile_nb.errors import ConfigurationError, NotLoggedInError

__all__ = ["LoginStatus", "get_session", "login", "logout", "status"]

SOURCE_ARGUMENTS = "arguments"
SOURCE_ENV = "environment (EXPERTFILE_CLIENT_ID/SECRET)"
SOURCE_ENV_TOKEN = "environment (EXPERTFILE_ACCESS_TOKEN)"  # noqa: S105 -- a label
SOURCE_REMEMBERED = "remembered token"
SOURCE_COLAB = "Colab secrets"
SOURCE_FORM = "login form"

TokenFetch = Callable[[Credentials], Token]

HOW_TO_LOG_IN = (
    "Not logged in. Call ef.login(client_id, client_secret) or ef.login_widget() in a notebook,\n"
    "or set EXPERTFILE_CLIENT_ID and EXPERTFILE_CLIENT_SECRET (or EXPERTFILE_ACCESS_TOKEN and "
    "EXPERTFILE_ORG_ID)."
)


class _Login:
    """The login in use: its token provider, where it came from, its request settings."""

    __slots__ = ("provider", "retries", "session", "source", "timeout")

    def __init__(
        self, provider: TokenProvider, source: str, timeout: Timeout, retries: Retry | int | None
    ) -> None:
        self.provider = provider
        self.source = source
        self.timeout = timeout
        self.retries = retries
        self.session: ExpertFileSession | None = None  # made on first use by shared_session()


_lock = threading.RLock()
_providers: dict[tuple[str, str], TokenProvider] = {}
_current: _Login | None = None
_form_shown = False  # a login form was displayed: NotLoggedInError points at it


def _token_http(retries: Retry | int | None) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    http.headers["Accept"] = "application/json"
    adapter = HTTPAdapter(max_retries=default_retry(post=True) if retries is None else retries)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    return http


def _fetcher(base_url: str, timeout: Timeout, retries: Retry | int | None) -> TokenFetch:
    http = _token_http(retries)

    def fetch(credentials: Credentials) -> Token:
        return fetch_token(http, base_url, credentials, timeout=timeout)

    return fetch


def _env_credentials() -> Credentials | None:
    client_id = os.environ.get(ENV_CLIENT_ID, "").strip()
    secret = os.environ.get(ENV_CLIENT_SECRET, "").strip()
    if client_id and secret:
        return Credentials(client_id, secret)
    if client_id or secret:
        missing = ENV_CLIENT_SECRET if client_id else ENV_CLIENT_ID
        present = ENV_CLIENT_ID if client_id else ENV_CLIENT_SECRET
        raise ConfigurationError(
            f"{present} is set but {missing} is not. Set both (they are used as a pair), "
            "or unset both."
        )
    return None


@overload
def login(
    client_id: str,
    client_secret: str,
    *,
    base_url: str | None = None,
    remember: bool = False,
    leeway: float | None = None,
    timeout: Timeout | None = None,
    retries: Retry | int | None = None,
) -> Token: ...


@overload
def login(
    client_id: None = None,
    client_secret: None = None,
    *,
    base_url: str | None = None,
    remember: bool = False,
    leeway: float | None = None,
    timeout: Timeout | None = None,
    retries: Retry | int | None = None,
) -> Token | None: ...


def login(
    client_id: str | None = None,
    client_secret: str | None = None,
    *,
    base_url: str | None = None,
    remember: bool = False,
    leeway: float | None = None,
    timeout: Timeout | None = None,
    retries: Retry | int | None = None,
) -> Token | None:
    """Log in to the ExpertFile API and keep the token for this session.

    Credentials are looked for in the order of the module docstring. A second
    call with the same credentials reuses the cached token: no new request.
    In a notebook with no credentials anywhere, it shows the login form and
    returns ``None``; data calls then raise :class:`NotLoggedInError` at once
    until the form has logged in (so "Run All" and headless runs never hang).

    Args:
        client_id: the organization's client id (ExpertFile: Settings → Integrations).
        client_secret: its client secret. Pass both or neither.
        base_url: the API's base URL; default ``EXPERTFILE_BASE_URL`` or
            ``https://public-api.expertfile.com``.
        remember: also keep the token (never the secret) in a file, mode 0600:
            ``EXPERTFILE_TOKEN_CACHE``, or ``token.json`` in the user cache folder.
        leeway: renew tokens this many seconds before they expire (default:
            the smaller of 60 s and 10 % of their lifetime; 0 is allowed).
        timeout: (connect, read) seconds for each request (default 5 and 30).
        retries: a ``urllib3`` ``Retry`` or a number of retries (default: 4 with
            exponential backoff).

    Returns:
        The token (its ``repr`` hides the token itself), or ``None`` when the form was shown.

    Raises:
        NotLoggedInError: no credentials were found anywhere.
        ConfigurationError: half a credential pair, or a bad base URL.
        InsecureTransportError: an ``http://`` base URL that is not loopback.
        AuthenticationError: the service refused the credentials.
        TokenResponseError: the service's answer was not a token.
        NetworkError: the service could not be reached.
    """
    url = resolve_base_url(base_url)
    if leeway is not None and leeway < 0:
        raise ConfigurationError("leeway must be 0 or more seconds.")
    settings = _Settings(remember, leeway, DEFAULT_TIMEOUT if timeout is None else timeout, retries)
    if client_id is not None or client_secret is not None:
        if not client_id or not client_secret:
            raise ConfigurationError("Pass both client_id and client_secret, or neither.")
        credentials = Credentials(client_id.strip(), client_secret.strip())
        return login_with(credentials, url, SOURCE_ARGUMENTS, settings)
    try:
        return _login_from_chain(url, settings)
    except NotLoggedInError:
        if not in_notebook():
            raise
    global _form_shown
    from IPython.display import display

    from expertfile_nb.widget import LoginForm

    display(LoginForm(base_url=url, remember=remember))  # type: ignore[no-untyped-call]
    _form_shown = True
    return None


class _Settings:
    """How to log in and keep the token, whatever the credentials' source."""

    __slots__ = ("leeway", "remember", "retries", "timeout")

    def __init__(
        self,
        remember: bool = False,
        leeway: float | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retries: Retry | int | None = None,
    ) -> None:
        self.remember = remember
        self.leeway = leeway
        self.timeout = timeout
        self.retries = retries


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where a login form can be shown)."""
    ipython = sys.modules.get("IPython")  # loaded in every kernel; never imported here
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def _colab_credentials() -> Credentials | None:
    """``EXPERTFILE_CLIENT_ID``/``SECRET`` from Colab's secrets, when running in Colab."""
    if "google.colab" not in sys.modules:
        return None
    try:
        from google.colab import userdata

        client_id = userdata.get(ENV_CLIENT_ID)
        secret = userdata.get(ENV_CLIENT_SECRET)
    except Exception:  # refused access, missing secret, timeout: fall through to the form
        return None
    if isinstance(client_id, str) and isinstance(secret, str) and client_id and secret:
        return Credentials(client_id.strip(), secret.strip())
    return None


def _login_from_chain(url: str, settings: _Settings) -> Token:
    """Log in from the first source that has credentials (never shows a form)."""
    credentials = _env_credentials()
    if credentials is not None:
        return login_with(credentials, url, SOURCE_ENV, settings)
    credentials = _colab_credentials()
    if credentials is not None:
        return login_with(credentials, url, SOURCE_COLAB, settings)
    provider, source = _provider_without_secret(url, settings.leeway)
    token = provider.get()
    _set_current(_Login(provider, source, settings.timeout, settings.retries))
    return token


def login_from_environment(*, base_url: str | None = None, remember: bool = False) -> Token:
    """Like ``login()`` with no credentials passed, but never shows a form (command line)."""
    return _login_from_chain(resolve_base_url(base_url), _Settings(remember=remember))


def _set_current(login: _Login | None) -> None:
    global _current
    with _lock:
        previous, _current = _current, login
    if previous is not None and previous.session is not None:
        previous.session.close()


def login_with(credentials: Credentials, url: str, source: str, settings: _Settings) -> Token:
    """Log in with these credentials (the one place every front end ends up)."""
    token_file = TokenFile(default_cache_file()) if settings.remember else None
    with _lock:
        provider = _providers.get((url, credentials.client_id))
        if provider is None or provider.credentials != credentials:
            fetch = _fetcher(url, settings.timeout, settings.retries)
            provider = TokenProvider(url, credentials, fetch, leeway=settings.leeway)
            _providers[(url, credentials.client_id)] = provider
        if settings.leeway is not None and settings.leeway != provider.leeway:
            provider.leeway = settings.leeway
            provider.forget()
        if token_file is not None:
            provider.token_file = token_file
    token = provider.get()
    _set_current(_Login(provider, source, settings.timeout, settings.retries))
    return token


def _provider_without_secret(url: str, leeway: float | None) -> tuple[TokenProvider, str]:
    def cannot_fetch(_credentials: Credentials) -> Token:
        raise AssertionError("a provider without credentials never fetches")

    prepared = os.environ.get(ENV_ACCESS_TOKEN, "").strip()
    if prepared:
        token = env_token(
            prepared, os.environ.get(ENV_ORG_ID), os.environ.get(ENV_TOKEN_EXPIRES_AT)
        )
        return TokenProvider(url, None, cannot_fetch, token=token, leeway=leeway), SOURCE_ENV_TOKEN
    remembered_file = TokenFile(default_cache_file())
    if remembered_file.path.exists():
        remembered = remembered_file.load(url, None)
        if remembered is not None and not remembered.is_expired(leeway):
            provider = TokenProvider(
                url, None, cannot_fetch, token=remembered, token_file=remembered_file, leeway=leeway
            )
            return provider, SOURCE_REMEMBERED
    raise NotLoggedInError(HOW_TO_LOG_IN)


def _ensure_login() -> _Login:
    """The login in use, or one made from the environment; never shows a form."""
    with _lock:
        if _current is None:
            try:
                _login_from_chain(resolve_base_url(), _Settings())
            except NotLoggedInError:
                if _form_shown:
                    raise NotLoggedInError(
                        "Not logged in yet: finish the login form above, or set "
                        "EXPERTFILE_CLIENT_ID and EXPERTFILE_CLIENT_SECRET."
                    ) from None
                raise
        current = _current
    if current is None:  # pragma: no cover -- the chain either sets it or raises
        raise NotLoggedInError(HOW_TO_LOG_IN)
    return current


def get_session(
    *, timeout: Timeout | None = None, retries: Retry | int | None = None
) -> ExpertFileSession:
    """A ``requests.Session`` signed with the current token (logging in first if needed).

    Its auth asks for a valid token on every request, so a token that expires
    is replaced without the caller noticing (when the secret is available). It
    joins relative paths to the base URL, applies timeouts and retries, and
    raises typed errors (see :mod:`expertfile_nb._session`).

    Args:
        timeout: (connect, read) seconds (default: the login's).
        retries: a ``urllib3`` ``Retry`` or a number (default: the login's).

    Raises:
        NotLoggedInError: no login happened and none could be made from the environment.
    """
    current = _ensure_login()
    return _new_session(current, timeout, retries)


def _new_session(
    current: _Login, timeout: Timeout | None = None, retries: Retry | int | None = None
) -> ExpertFileSession:
    token = current.provider.get()
    return ExpertFileSession(
        current.provider.base_url,
        auth=BearerAuth(current.provider),
        timeout=current.timeout if timeout is None else timeout,
        retries=current.retries if retries is None else retries,
        org_id=token.org_id,
        pool_size=16,  # the most pages a pull fetches at once
    )


def shared_session() -> ExpertFileSession:
    """The session the data functions use by default: one per login, so connections
    (and, against the real service, TLS sessions) are reused from one pull to the next."""
    current = _ensure_login()
    with _lock:
        if current.session is None:
            current.session = _new_session(current)
        return current.session


class LoginStatus(NamedTuple):
    """What ``status()`` reports. Its text never holds the secret or the token."""

    logged_in: bool
    base_url: str
    source: str | None = None
    org_id: int | None = None
    client_id: str | None = None  # masked
    expires_at: datetime | None = None
    remembered_in: str | None = None

    @property
    def time_left(self) -> str:
        if self.expires_at is None:
            return ""
        seconds = (self.expires_at - datetime.now(timezone.utc)).total_seconds()
        if seconds <= 0:
            return "expired"
        days, rest = divmod(int(seconds), 86400)
        hours, rest = divmod(rest, 3600)
        return f"{days} d {hours} h" if days else f"{hours} h {rest // 60} min"

    def __str__(self) -> str:
        if not self.logged_in:
            return f"Not logged in (base URL {self.base_url}).\n{HOW_TO_LOG_IN}"
        expiry = self.expires_at.strftime("%Y-%m-%d %H:%M UTC") if self.expires_at else "unknown"
        lines = [
            f"Logged in to organization {self.org_id} at {self.base_url}",
            f"  client id: {self.client_id or '(prepared token)'}",
            f"  from:      {self.source}",
            f"  token:     valid until {expiry} ({self.time_left} left)",
        ]
        if self.remembered_in:
            lines.append(f"  remembered in {self.remembered_in}")
        return "\n".join(lines)

    def __repr__(self) -> str:  # the REPL and the notebook's text/plain show the text
        return self.__str__()

    def _repr_html_(self) -> str:
        from html import escape

        if not self.logged_in:
            return f"<div><b>ExpertFile:</b> not logged in ({escape(self.base_url)}).</div>"
        rows = [
            ("Organization", str(self.org_id)),
            ("Client id", self.client_id or "(prepared token)"),
            ("Credentials from", self.source or ""),
            ("Token valid for", self.time_left),
            ("Base URL", self.base_url),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<div><b>ExpertFile: logged in</b><table>{body}</table></div>"


def status() -> LoginStatus:
    """Which login is in use: source, org id, masked client id, expiry. Makes no request."""
    with _lock:
        current = _current
    if current is None or current.provider.token is None:
        try:
            url = resolve_base_url()
        except ConfigurationError:
            url = os.environ.get("EXPERTFILE_BASE_URL", "")
        return LoginStatus(logged_in=False, base_url=url)
    token = current.provider.token
    provider = current.provider
    return LoginStatus(
        logged_in=True,
        base_url=provider.base_url,
        source=current.source,
        org_id=token.org_id,
        client_id=mask(token.client_id) if token.client_id else None,
        expires_at=token.expires_at,
        remembered_in=str(provider.token_file.path) if provider.token_file else None,
    )


def logout() -> str:
    """Forget the token in memory and on disk.

    Returns:
        What was done, and whether environment variables would log you straight back in.
    """
    global _current, _form_shown
    with _lock:
        current, _current = _current, None
        _form_shown = False
        providers = list(_providers.values())
        _providers.clear()
    for provider in providers:
        provider.forget()
    if current is not None and current.session is not None:
        current.session.close()
    url = current.provider.base_url if current else None
    removed = False
    cache = TokenFile(default_cache_file())
    if current is not None and current.provider.token_file is not None:
        cache = current.provider.token_file
    if cache.path.exists():
        with cache.locked():
            removed = cache.delete(url)
    message = "Logged out" if current else "Was not logged in"
    message += "; the remembered token was deleted." if removed else "."
    back_in = [
        name for name in (ENV_CLIENT_ID, ENV_ACCESS_TOKEN) if os.environ.get(name, "").strip()
    ]
    if back_in:
        message += f" Note: {' and '.join(back_in)} set in the environment will log you back in."
    return message
