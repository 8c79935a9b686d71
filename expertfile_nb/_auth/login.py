"""``login()``, ``logout()``, ``status()`` and ``get_session()``: one login behind every front.

Where credentials come from, first match wins (:mod:`expertfile_nb._auth.credentials`):

1. ``login(client_id=…, client_secret=…)``;
2. a profile named on the command line (``--profile``; ``ef.Client(profile=…)`` for a client);
3. the environment: ``EXPERTFILE_CLIENT_ID`` and ``EXPERTFILE_CLIENT_SECRET``, as a pair;
4. the profile named by ``EXPERTFILE_PROFILE`` (:mod:`expertfile_nb._auth.profiles`);
5. in Google Colab, the same two names in Colab's secrets;
6. ``EXPERTFILE_ACCESS_TOKEN`` with ``EXPERTFILE_ORG_ID``: a token prepared elsewhere;
7. a token remembered on disk by an earlier ``login(..., remember=True)``;
8. in a notebook, the login form (``login_widget()``);
9. otherwise a :class:`~expertfile_nb.errors.NotLoggedInError` saying how to log in.

Once logged in, ``login()`` returns the token in use without a request. Tokens
are cached in memory per (base URL, client id) for the whole process; they are
renewed when less than the leeway is left (the smaller of 60 s and 10 % of the
token's lifetime by default). The state lives in :data:`expertfile_nb._auth.state.STATE`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NamedTuple

import requests
from urllib3.util.retry import Retry

from expertfile_nb._auth import credentials as _credentials
from expertfile_nb._auth.credentials import Credentials
from expertfile_nb._auth.provider import TokenProvider
from expertfile_nb._auth.session import ExpertFileSession
from expertfile_nb._auth.state import STATE, Login
from expertfile_nb._auth.token import Token, fetch_token
from expertfile_nb._auth.token_file import TokenFile
from expertfile_nb._http.config import (
    DEFAULT_TIMEOUT,
    ENV_ACCESS_TOKEN,
    ENV_CLIENT_ID,
    check_leeway,
    check_timeout,
    default_cache_file,
    positive_seconds,
    resolve_base_url,
)
from expertfile_nb._http.deadline import within
from expertfile_nb._http.transport import (
    DEFAULT_DEADLINE,
    MAX_DATA_BYTES,
    MAX_TOKEN_BYTES,
    Timeout,
    configure,
    login_deadline,
)
from expertfile_nb.errors import ConfigurationError, NotLoggedInError

__all__ = [
    "Options",
    "get_session",
    "in_notebook",
    "login_from_environment",
    "login_from_form",
    "login_quietly",
    "logout",
    "shared_session",
]

HOW_TO_LOG_IN = (
    "Not logged in. Call ef.login(client_id, client_secret) or ef.login_widget() in a notebook,\n"
    "or set EXPERTFILE_CLIENT_ID and EXPERTFILE_CLIENT_SECRET (or EXPERTFILE_ACCESS_TOKEN and "
    "EXPERTFILE_ORG_ID)."
)
FORM_ON_SCREEN = (
    "Not logged in yet: finish the login form above (or set EXPERTFILE_CLIENT_ID and "
    "EXPERTFILE_CLIENT_SECRET), then run this cell again."
)


class Options(NamedTuple):
    """How to log in and keep the token, whatever the credentials' source (see ``ef.login``)."""

    remember: bool = False
    leeway: float | None = None
    timeout: Timeout | None = None  # None: DEFAULT_TIMEOUT
    retries: Retry | int | None = None
    deadline: float | None = None  # None: _transport.login_deadline's default


def _token_fetch(url: str, settings: Options) -> tuple[Callable[[Credentials], Token], object]:
    """The token request with these settings, and what it was made with (to compare)."""
    timeout = settings.timeout or DEFAULT_TIMEOUT
    deadline = login_deadline(timeout, settings.deadline)
    http = configure(
        requests.Session(),
        retries=settings.retries,
        post=True,
        max_bytes=MAX_TOKEN_BYTES,
        deadline=deadline,
    )

    def fetch(creds: Credentials) -> Token:
        return fetch_token(http, url, creds, timeout=timeout, deadline=deadline)

    return fetch, (timeout, settings.retries, deadline)


def _provider(url: str, credentials: Credentials, settings: Options) -> TokenProvider:
    """The provider for these credentials: the one kept (fetching with these settings from
    now on), or a new one (keeping its token)."""
    key = (url, credentials.client_id)
    kept = STATE.provider(key)
    wanted = (
        settings.timeout or DEFAULT_TIMEOUT,
        settings.retries,
        login_deadline(settings.timeout or DEFAULT_TIMEOUT, settings.deadline),
    )
    if kept is not None and kept.credentials == credentials and kept.leeway == settings.leeway:
        if kept.fetch_settings != wanted:
            kept.replace_fetch(*_token_fetch(url, settings))
        return kept
    fetch, made_with = _token_fetch(url, settings)
    carried = kept.token if kept is not None and kept.credentials == credentials else None
    fresh = TokenProvider(url, credentials, fetch, token=carried, leeway=settings.leeway)
    fresh.fetch_settings = made_with
    return STATE.keep(key, fresh)


def _login_with(
    credentials: Credentials,
    url: str,
    source: str,
    settings: Options,
    profile: str | None = None,
) -> Token:
    """Log in with these credentials (the one place every front end ends up)."""
    provider = _provider(url, credentials, settings)
    if settings.remember:
        provider.remember_in(TokenFile(default_cache_file()))
    token = provider.get()
    timeout = settings.timeout or DEFAULT_TIMEOUT
    STATE.use(Login(provider, source, timeout, settings.retries, profile))
    return token


def _login_from_chain(url: str, settings: Options, *, url_given: bool = False) -> Token:
    """Log in from the first source that has credentials (never shows a form)."""
    found = _credentials.find(url, settings.leeway, url_given=url_given)
    if found is None:
        raise NotLoggedInError(FORM_ON_SCREEN if STATE.form_shown else HOW_TO_LOG_IN)
    url = found.base_url or url
    if found.credentials is not None:
        return _login_with(found.credentials, url, found.source, settings, found.profile)
    assert found.token is not None  # noqa: S101 -- find() gives credentials or a token

    def cannot_fetch(_credentials: Credentials) -> Token:
        raise AssertionError("a provider without credentials never fetches")

    provider = TokenProvider(
        url,
        None,
        cannot_fetch,
        token=found.token,
        token_file=found.token_file,
        leeway=settings.leeway,
    )
    if settings.remember:
        provider.remember_in(TokenFile(default_cache_file()))
    timeout = settings.timeout or DEFAULT_TIMEOUT
    STATE.use(Login(provider, found.source, timeout, settings.retries, found.profile))
    return provider.get()


def _logged_in_at(url: str) -> Token | None:
    """The token of the login in use for ``url`` if it is still good (no request)."""
    current = STATE.current
    if current is None or current.provider.base_url != url:
        return None
    token = current.provider.token
    if token is None or token.is_expired(current.provider.leeway):
        return None
    return token


def login_quietly(
    client_id: str | None, client_secret: str | None, base_url: str | None, options: Options
) -> Token:
    """``ef.login()`` without the form: the arguments, the login in use, else the chain.

    See :func:`expertfile_nb.login` for the arguments; ``options`` holds its keyword
    options as given (``None``: not given).

    Raises:
        NotLoggedInError: no credentials anywhere (``ef.login`` then shows the form in a
            notebook).
    """
    current = STATE.current
    if base_url is None and client_id is None and client_secret is None and current is not None:
        url = current.provider.base_url  # a bare login(): the login in use, wherever it is
    else:
        url = resolve_base_url(base_url)
    settings = options._replace(
        leeway=check_leeway(options.leeway),
        timeout=DEFAULT_TIMEOUT if options.timeout is None else check_timeout(options.timeout),
    )
    settings = settings._replace(
        deadline=login_deadline(settings.timeout or DEFAULT_TIMEOUT, options.deadline)
    )
    if client_id is not None or client_secret is not None:
        if not client_id or not client_secret:
            raise ConfigurationError("Pass both client_id and client_secret, or neither.")
        credentials = Credentials(client_id, client_secret)
        return _login_with(credentials, url, _credentials.SOURCE_ARGUMENTS, settings)
    in_use = _logged_in_at(url)
    if in_use is not None and options._replace(remember=False) == Options():
        if options.remember:
            current = STATE.current
            assert current is not None  # noqa: S101 -- _logged_in_at found it
            current.provider.remember_in(TokenFile(default_cache_file()))
        return in_use
    return _login_from_chain(url, settings, url_given=base_url is not None)


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where a login form can be shown)."""
    ipython = sys.modules.get("IPython")  # loaded in every kernel; never imported here
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def login_from_environment(
    *, base_url: str | None = None, remember: bool = False, deadline: float | None = None
) -> Token:
    """Like ``login()`` with no credentials passed, but never shows a form (command line).

    Raises:
        ConfigurationError: ``deadline`` (or ``EXPERTFILE_DEADLINE``) is not seconds above 0.
    """
    settings = Options(remember=remember, deadline=login_deadline(DEFAULT_TIMEOUT, deadline))
    url = resolve_base_url(base_url)
    return _login_from_chain(url, settings, url_given=base_url is not None)


def login_from_form(client_id: str, client_secret: str, base_url: str, remember: bool) -> Token:
    """What the login form calls: the same login as every other front end."""
    url = resolve_base_url(base_url or None)
    credentials = Credentials(client_id, client_secret)
    return _login_with(credentials, url, _credentials.SOURCE_FORM, Options(remember=remember))


def current_client_id() -> str:
    """The client id of the login in use, else the environment's, else empty (form prefill)."""
    current = STATE.current
    credentials = current.provider.credentials if current is not None else None
    return credentials.client_id if credentials else os.environ.get(ENV_CLIENT_ID, "")


def _ensure_login() -> Login:
    """The login in use, or one made from the environment; never shows a form."""
    current = STATE.current
    if current is None:
        _login_from_chain(resolve_base_url(), Options())  # raises NotLoggedInError
        current = STATE.current
    if current is None:  # pragma: no cover -- the chain either sets it or raises
        raise NotLoggedInError(HOW_TO_LOG_IN)
    return current


def get_session(
    *,
    timeout: Timeout | None = None,
    retries: Retry | int | None = None,
    max_bytes: int = MAX_DATA_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> ExpertFileSession:
    """A ``requests.Session`` signed with the current token (logging in first if needed).

    Its auth asks for a valid token on every request, so a token that expires
    is replaced without the caller noticing (when the secret is available). It
    joins relative paths to the base URL, applies timeouts and retries, bounds
    every answer (a deadline and a size cap), and raises the typed errors of
    :mod:`expertfile_nb.errors`. Pass it to the data functions as ``session=``.

    Args:
        timeout: (connect, read) seconds (default: the login's).
        retries: a ``urllib3`` ``Retry`` or a number (default: the login's).
        max_bytes: the largest answer accepted, decompressed (default 64 MiB); a
            larger one raises ``ResponseTooLargeError``.
        deadline: seconds for one call and its whole answer, retries, redirects and a
            re-login after a 401 included (default 300); past it,
            ``DeadlineExceededError``. Making the session (a login first, if needed) is
            bounded by it too.

    Raises:
        NotLoggedInError: no login happened and none could be made from the environment.
        ConfigurationError: a setting with a wrong value.
        DeadlineExceededError: the login needed first did not end within ``deadline``.
    """
    if not positive_seconds(deadline):
        raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
    with within(deadline):
        login = _ensure_login()
        return login.new_session(timeout, retries, max_bytes=max_bytes, deadline=deadline)


def shared_session() -> ExpertFileSession:
    """The session the data functions use by default: one per login, so connections
    (and, against the real service, TLS sessions) are reused from one pull to the next."""
    return STATE.shared_session(_ensure_login())


def logout() -> str:
    """Forget the token in memory and the one remembered on disk for the same base URL.

    Logged in, that is the login's base URL; not logged in (a new process, say), the
    base URL in use: ``EXPERTFILE_BASE_URL`` or the real service. Tokens remembered
    for other base URLs are kept.

    Returns:
        What was done, and whether environment variables would log you straight back in.

    Raises:
        ConfigurationError: not logged in, and ``EXPERTFILE_BASE_URL`` is not usable.
    """
    current, providers = STATE.clear()
    for provider in providers:
        provider.forget()
    url = current.provider.base_url if current else resolve_base_url()
    removed = False
    cache = TokenFile(default_cache_file())
    if current is not None and current.provider.token_file is not None:
        cache = current.provider.token_file
    if cache.path.exists():
        with cache.locked():
            removed = cache.delete(url)
    message = "Logged out" if current else "Was not logged in"
    if removed:
        message += (
            f"; the remembered token was deleted (base URL {url})."
            if current
            else f", but a remembered token was found and deleted (base URL {url})."
        )
    else:
        message += "."
    back_in = [
        name for name in (ENV_CLIENT_ID, ENV_ACCESS_TOKEN) if os.environ.get(name, "").strip()
    ]
    if back_in:
        message += f" Note: {' and '.join(back_in)} set in the environment will log you back in."
    return message
