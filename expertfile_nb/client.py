"""``ef.Client``: one organization's token, session and settings.

The module-level functions (``ef.get_experts()``, ``ef.update_expert()``, …) use the
process-wide default login, the way ``requests.get`` uses a throwaway ``Session``; a
:class:`Client` holds its own, so that two organizations (or staging and production)
live side by side in one process, from many threads at once, without sharing a token,
a remembered-token entry, a session or a setting::

    staging = ef.Client(profile="staging")
    production = ef.Client(profile="production")
    before = production.get_profiles()
    plan = production.plan_changes(before, after)
    result = plan.apply()                 # through production's session
    result.undo()                         # likewise

Every public read, write and round-trip function is also a method of the same name,
signature and documentation; the method passes the client's session as ``session=``
(pass one yourself to override it). Writes, plans and undos thus reach the organization
of the client they were made from, and only that one.

A client makes no request when it is made: its first call logs in (one token request,
however many threads make that first call together), and the token is renewed when due.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast, overload

from urllib3.util.retry import Retry

from expertfile_nb._auth import credentials as _credentials
from expertfile_nb._auth import login as _login
from expertfile_nb._auth.credentials import Credentials
from expertfile_nb._auth.login import Options
from expertfile_nb._auth.profiles import load_profile
from expertfile_nb._auth.provider import TokenProvider
from expertfile_nb._auth.session import ExpertFileSession
from expertfile_nb._auth.state import Login, LoginState
from expertfile_nb._auth.status import LoginStatus, status_before_login
from expertfile_nb._auth.token import Token
from expertfile_nb._auth.token_file import TokenFile
from expertfile_nb._checks.check import DEFAULT_BUDGET, DEFAULT_TIME_LIMIT, probe_service
from expertfile_nb._checks.check import check as _check
from expertfile_nb._checks.report import CheckReport
from expertfile_nb._edits.diff import plan_changes as _plan_changes
from expertfile_nb._edits.inquiry import send_inquiry
from expertfile_nb._edits.items import add_section_item, delete_section_item, update_section_item
from expertfile_nb._edits.journal import read_journal
from expertfile_nb._edits.people import (
    create_expert,
    create_staff_member,
    delete_expert,
    delete_staff_member,
    update_expert,
    update_staff_member,
)
from expertfile_nb._edits.plan import ApplyResult, ChangePlan
from expertfile_nb._edits.table import Kind
from expertfile_nb._edits.undo import resume as _resume
from expertfile_nb._edits.undo import undo as _undo
from expertfile_nb._http.config import (
    DEFAULT_TIMEOUT,
    check_timeout,
    default_cache_file,
    positive_seconds,
    resolve_base_url,
)
from expertfile_nb._http.deadline import within
from expertfile_nb._http.transport import DEFAULT_DEADLINE, MAX_DATA_BYTES, Timeout, login_deadline
from expertfile_nb._reads.data import (
    get_expert,
    get_experts,
    get_section_item,
    get_spotlight,
    get_spotlights,
    get_staff,
    get_staff_member,
    iter_experts,
    iter_spotlights,
    iter_staff,
)
from expertfile_nb._reads.profiles import get_profiles as _get_profiles
from expertfile_nb._redact import drop_secret_locals, hold, mask
from expertfile_nb.errors import ConfigurationError, NotLoggedInError

if TYPE_CHECKING:
    import pandas as pd
    import requests

__all__ = ["Client"]

P = ParamSpec("P")
R = TypeVar("R")

HOW_TO_LOG_IN = (
    "This client has no credentials: pass ef.Client(client_id, client_secret), or "
    "ef.Client(profile=NAME) with a [profiles.NAME] table in the profiles file, or set "
    "EXPERTFILE_CLIENT_ID and EXPERTFILE_CLIENT_SECRET (or EXPERTFILE_PROFILE)."
)


class _Method(Generic[P, R]):
    """A module function as a :class:`Client` method: same name, signature and docstring;
    the client's shared session goes in as ``session=`` unless the caller passes one."""

    def __init__(self, function: Callable[P, R]) -> None:
        self.function = function
        functools.update_wrapper(cast(Any, self), function)

    @overload
    def __get__(self, client: None, owner: type[Any]) -> _Method[P, R]: ...

    @overload
    def __get__(self, client: Client, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(self, client: Client | None, owner: type[Any]) -> Any:
        if client is None:
            return self
        function = self.function

        @functools.wraps(function)
        def method(*args: P.args, **kwargs: P.kwargs) -> R:
            given = cast("dict[str, Any]", kwargs)
            if given.get("session") is None:
                given["session"] = client._shared_session()
            return function(*args, **kwargs)

        return method


def _documented_as(function: Callable[..., Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Give a method the docstring of the module function it stands for (its own
    signature stays: it is the function's, ``self`` aside)."""

    def document(method: Callable[P, R]) -> Callable[P, R]:
        method.__doc__ = function.__doc__
        return method

    return document


class _ClientResult(ApplyResult):
    """An :class:`ApplyResult` whose :meth:`undo` goes through the client it came from."""

    def __init__(self, result: ApplyResult, client: Client) -> None:
        super().__init__(result.plan, result.statuses, result.journal, result.requests)
        self._client = client

    def undo(
        self,
        *,
        workers: int = 8,
        pace: float = 0.0,
        session: requests.Session | None = None,
        deadline: float | None = None,
    ) -> ApplyResult:
        if self.journal is None:
            return super().undo(workers=workers, pace=pace, session=session, deadline=deadline)
        return self._client.undo(
            self.journal, workers=workers, pace=pace, session=session, deadline=deadline
        )

    undo.__doc__ = ApplyResult.undo.__doc__


class _ClientPlan(ChangePlan):
    """A :class:`ChangePlan` whose :meth:`apply` goes through the client it came from."""

    def __init__(self, plan: ChangePlan, client: Client) -> None:
        super().__init__(plan.kind, plan.changes, plan.skipped)
        self._client = client

    def apply(
        self,
        *,
        dry_run: bool = False,
        workers: int = 8,
        pace: float = 0.0,
        journal: str | Path | None = None,
        session: requests.Session | None = None,
        deadline: float | None = None,
    ) -> ApplyResult:
        if session is None and not dry_run:
            session = self._client._apply_session(workers)
        result = super().apply(
            dry_run=dry_run,
            workers=workers,
            pace=pace,
            journal=journal,
            session=session,
            deadline=deadline,
        )
        return _ClientResult(result, self._client)

    apply.__doc__ = ChangePlan.apply.__doc__


class Client:
    """One organization: its token, its session, its remembered-token entry, its settings.

    Where the client's credentials come from, first match wins:

    1. ``client_id`` and ``client_secret`` (both or neither);
    2. ``profile``: the ``[profiles.NAME]`` table of the profiles file
       (``EXPERTFILE_CONFIG``, default ``expertfile-nb/config.toml`` in the user config
       folder), whose ``base_url`` is used too;
    3. ``EXPERTFILE_CLIENT_ID`` and ``EXPERTFILE_CLIENT_SECRET``;
    4. the profile named by ``EXPERTFILE_PROFILE``;
    5. Colab's secrets, ``EXPERTFILE_ACCESS_TOKEN`` (a token prepared elsewhere), a
       remembered token — as for :func:`expertfile_nb.login`.

    A profile named on purpose beats the environment; ``EXPERTFILE_PROFILE``, a shell
    setting like the pair, comes after the pair (as with the AWS CLI and the Databricks
    SDK). The base URL: ``base_url``, else the profile's, else ``EXPERTFILE_BASE_URL``,
    else the real service. Unlike ``ef.login()``, a client never uses the default
    login's token and never shows a form.

    Every public read, write and round-trip function of the package is also a method
    (``client.get_experts()``, ``client.update_expert()``, ``client.plan_changes()``,
    whose plan applies, and whose result undoes, through this client).

    Args:
        client_id: the organization's client id (ExpertFile: Settings → Integrations).
        client_secret: its client secret.
        base_url: the API's base URL.
        profile: a profile of the profiles file.
        remember: keep the token (never the secret) in the remembered-token file, in an
            entry of its own (base URL and client id).
        timeout: (connect, read) seconds for each request (default 5 and 30).
        retries: a ``urllib3`` ``Retry`` or a number of retries (default 4).
        deadline: seconds for each token request, every try included (default: as
            for :func:`expertfile_nb.login`).

    Raises:
        ConfigurationError: half a credential pair, a bad base URL or setting.
        ProfileError: ``profile`` cannot be used (no file, no such profile — the ones
            there are listed —, a malformed file, a secret others can read).
    """

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        base_url: str | None = None,
        profile: str | None = None,
        remember: bool = False,
        timeout: Timeout | None = None,
        retries: Retry | int | None = None,
        deadline: float | None = None,
    ) -> None:
        try:
            self._credentials: Credentials | None = None
            if client_id is not None or client_secret is not None:
                if not client_id or not client_secret:
                    raise ConfigurationError("Pass both client_id and client_secret, or neither.")
                self._credentials = Credentials(client_id, client_secret)
                hold(self._credentials.client_secret)
            self._profile = load_profile(profile).name if profile is not None else None
            self._base_url = resolve_base_url(base_url) if base_url is not None else None
            the_timeout = DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout)
            self._options = Options(
                remember=bool(remember),
                timeout=the_timeout,
                retries=retries,
                deadline=login_deadline(the_timeout, deadline),
            )
        except BaseException as exc:
            drop_secret_locals(exc, client_secret)
            client_secret = None
            raise
        self._lock = threading.Lock()
        self._state = LoginState()  # this client's own: nothing shared with the default

    def __repr__(self) -> str:
        login = self._state.current
        where = login.provider.base_url if login else (self._base_url or "base URL not chosen")
        who = f" profile={self._profile!r}" if self._profile else ""
        if self._credentials is not None:
            who += f" client_id={mask(self._credentials.client_id)!r}"
        return f"<expertfile_nb.Client {where}{who}>"

    def __reduce__(self) -> Any:
        raise TypeError("A Client is not pickled: its secret would be written out.")

    # -- the login ---------------------------------------------------------------------
    def _resolve(self) -> Login:
        """This client's login: credentials and base URL chosen, no request made."""
        with self._lock:
            login = self._state.current
            if login is not None:
                return login
            login = self._new_login()
            self._state.use(login)
            return login

    def _new_login(self) -> Login:
        url_given = self._base_url is not None
        url = self._base_url or resolve_base_url()
        settings = self._options
        timeout = settings.timeout or DEFAULT_TIMEOUT
        if self._credentials is not None:
            if self._profile is not None and not url_given:
                named = load_profile(self._profile)
                url = resolve_base_url(named.base_url) if named.base_url else url
            found: _credentials.Found | None = _credentials.Found(
                _credentials.SOURCE_ARGUMENTS, self._credentials
            )
        else:
            found = _credentials.find(
                url, profile=self._profile, url_given=url_given, for_client=True
            )
        if found is None:
            raise NotLoggedInError(HOW_TO_LOG_IN)
        url = found.base_url or url
        if found.credentials is not None:
            fetch, made_with = _login._token_fetch(url, settings)
            provider = TokenProvider(url, found.credentials, fetch)
            provider.fetch_settings = made_with
        else:

            def cannot_fetch(_credentials: Credentials) -> Token:
                raise AssertionError("a provider without credentials never fetches")

            provider = TokenProvider(
                url, None, cannot_fetch, token=found.token, token_file=found.token_file
            )
        if settings.remember:
            provider.remember_in(TokenFile(default_cache_file()))
        return Login(provider, found.source, timeout, settings.retries, found.profile)

    def login(self) -> Token:
        """Log in now (a token request unless a valid token is held) and return the token.

        Raises:
            NotLoggedInError: the client has no credentials anywhere.
            AuthenticationError: the service refused the credentials.
            NetworkError: the service could not be reached.
            DeadlineExceededError: no whole token answer within the deadline.
        """
        return self._resolve().provider.get()

    def logout(self) -> str:
        """Forget this client's token: in memory, and its own remembered entry (its base
        URL and client id; other entries, the default login's included, are kept).

        Returns:
            What was done.
        """
        with self._lock:
            login, providers = self._state.clear()
        for provider in providers:
            provider.forget()
        if login is None:
            return "This client was not logged in."
        login.provider.forget()
        message = f"Logged out of {login.provider.base_url}"
        credentials = login.provider.credentials
        cache = login.provider.token_file
        if cache is not None and credentials is not None and cache.path.exists():
            with cache.locked():
                had = cache.load(login.provider.base_url, credentials.client_id) is not None
                if had and cache.save(login.provider.base_url, None, credentials.client_id):
                    message += f"; its remembered token was deleted from {cache.path}"
        return message + "."

    def status(self) -> LoginStatus:
        """Which login this client uses: profile, source, org id, masked client id, expiry.
        Makes no request. Not logged in, it says where the login would come from."""
        login = self._state.current
        token = login.provider.token if login is not None else None
        if login is None or token is None:
            if self._credentials is not None:
                url = login.provider.base_url if login else (self._base_url or "")
                try:
                    url = url or resolve_base_url()
                except ConfigurationError as exc:
                    return LoginStatus(False, "", problem=str(exc), profile=self._profile)
                return LoginStatus(
                    False, url, ready=_credentials.SOURCE_ARGUMENTS, profile=self._profile
                )
            return status_before_login(self._profile, self._base_url, default_login=False)
        provider = login.provider
        return LoginStatus(
            logged_in=True,
            base_url=provider.base_url,
            source=login.source,
            org_id=token.org_id,
            client_id=mask(token.client_id) if token.client_id else None,
            expires_at=token.expires_at,
            remembered_in=str(provider.token_file.path) if provider.token_file else None,
            profile=login.profile,
        )

    def get_session(
        self,
        *,
        timeout: Timeout | None = None,
        retries: Retry | int | None = None,
        max_bytes: int = MAX_DATA_BYTES,
        deadline: float = DEFAULT_DEADLINE,
    ) -> ExpertFileSession:
        """A new ``requests.Session`` signed with this client's token (see
        :func:`expertfile_nb.get_session`; the defaults are this client's settings).

        Raises:
            NotLoggedInError: the client has no credentials anywhere.
            ConfigurationError: a setting with a wrong value.
            DeadlineExceededError: the login needed first did not end within ``deadline``.
        """
        if not positive_seconds(deadline):
            raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
        with within(deadline):
            return self._resolve().new_session(
                timeout, retries, max_bytes=max_bytes, deadline=deadline
            )

    def _shared_session(self) -> ExpertFileSession:
        """The session this client's methods share (connections reused between calls)."""
        return self._state.shared_session(self._resolve())

    def _apply_session(self, workers: int) -> ExpertFileSession:
        """A session for one apply, with a connection for each read and write in flight."""
        size = max(16, 2 * workers) if isinstance(workers, int) else 16
        return self._resolve().new_session(pool_size=size)

    # -- reads, writes: the module functions, through this client's session -------------
    get_experts = _Method(get_experts)
    get_staff = _Method(get_staff)
    get_spotlights = _Method(get_spotlights)
    iter_experts = _Method(iter_experts)
    iter_staff = _Method(iter_staff)
    iter_spotlights = _Method(iter_spotlights)
    get_expert = _Method(get_expert)
    get_staff_member = _Method(get_staff_member)
    get_spotlight = _Method(get_spotlight)
    get_section_item = _Method(get_section_item)
    get_profiles = _Method(_get_profiles)
    create_expert = _Method(create_expert)
    update_expert = _Method(update_expert)
    delete_expert = _Method(delete_expert)
    create_staff_member = _Method(create_staff_member)
    update_staff_member = _Method(update_staff_member)
    delete_staff_member = _Method(delete_staff_member)
    add_section_item = _Method(add_section_item)
    update_section_item = _Method(update_section_item)
    delete_section_item = _Method(delete_section_item)
    send_inquiry = _Method(send_inquiry)

    # -- the round trip -------------------------------------------------------------------
    @_documented_as(_plan_changes)
    def plan_changes(
        self,
        before: pd.DataFrame,
        after: pd.DataFrame,
        *,
        kind: Kind = "experts",
        allow_delete: bool = False,
        unverifiable: Iterable[str] = (),
    ) -> ChangePlan:
        plan = _plan_changes(
            before, after, kind=kind, allow_delete=allow_delete, unverifiable=unverifiable
        )
        return _ClientPlan(plan, self)

    @_documented_as(_resume)
    def resume(
        self,
        journal: str | Path,
        *,
        workers: int = 8,
        pace: float = 0.0,
        session: requests.Session | None = None,
        deadline: float | None = None,
    ) -> ApplyResult:
        read_journal(journal)  # not a journal: the error before any login
        session = session if session is not None else self._apply_session(workers)
        result = _resume(journal, workers=workers, pace=pace, session=session, deadline=deadline)
        return _ClientResult(result, self)

    @_documented_as(_undo)
    def undo(
        self,
        journal: str | Path,
        *,
        workers: int = 8,
        pace: float = 0.0,
        session: requests.Session | None = None,
        deadline: float | None = None,
    ) -> ApplyResult:
        read_journal(journal)
        session = session if session is not None else self._apply_session(workers)
        result = _undo(journal, workers=workers, pace=pace, session=session, deadline=deadline)
        return _ClientResult(result, self)

    @_documented_as(_check)
    def check(
        self,
        *,
        base_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        budget: int = DEFAULT_BUDGET,
        pace: float | None = None,
        deadline: float = DEFAULT_TIME_LIMIT,
    ) -> CheckReport:
        if base_url is None and client_id is None and client_secret is None:
            provider = self._resolve().provider
            base_url = provider.base_url
            if provider.credentials is not None:
                client_id = provider.credentials.client_id
                client_secret = provider.credentials.client_secret
            elif provider.token is not None:  # a prepared or remembered token: this client's
                token = provider.token
                return probe_service(
                    base_url,
                    token.access_token,
                    token.org_id,
                    budget=budget,
                    pace=pace,
                    deadline=deadline,
                )
        return _check(
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            budget=budget,
            pace=pace,
            deadline=deadline,
        )
