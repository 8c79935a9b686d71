"""``ef.login()``: the login chain, and in a notebook the login form when the chain is empty.

It sits above both :mod:`expertfile_nb._auth.login` (the chain, no widgets) and
:mod:`expertfile_nb.widget` (the form, which calls the chain), so neither imports
the other back.
"""

from __future__ import annotations

from typing import Any, overload

from urllib3.util.retry import Retry

from expertfile_nb._auth.credentials import SOURCE_FORM
from expertfile_nb._auth.login import Options, in_notebook, login_quietly
from expertfile_nb._auth.state import STATE
from expertfile_nb._auth.token import Token
from expertfile_nb._http.config import resolve_base_url
from expertfile_nb._http.transport import Timeout
from expertfile_nb._redact import drop_secret_locals
from expertfile_nb.errors import NotLoggedInError

__all__ = ["FormToken", "login"]


class FormToken(Token):
    """The token of a login made with the form, as a bare ``ef.login()`` returns it in a
    notebook: a :class:`Token` for code, shown as the form in its logged-in state (with
    *Log out*) when it ends a cell. So a second *Run All* shows the form where the first
    did, not a ``Token(...)``. Copied or pickled, it is a plain :class:`Token`."""

    __slots__ = ()

    @classmethod
    def of(cls, token: Token) -> FormToken:
        """``token`` as a :class:`FormToken`."""
        return cls(
            token.access_token, token.expires_at, token.org_id, token.client_id, token.obtained_at
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        from expertfile_nb.widget import LoginForm  # ipywidgets: only when it is shown

        current = STATE.current
        base_url = current.provider.base_url if current is not None else None
        remember = current is not None and current.provider.token_file is not None
        form = LoginForm(client_id=self.client_id, base_url=base_url, remember=remember)
        form.show_logged_in(self)
        bundle = form._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def _form_is_the_front() -> bool:
    """Whether the login in use came from the login form."""
    current = STATE.current
    return current is not None and current.source == SOURCE_FORM


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
    deadline: float | None = None,
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
    deadline: float | None = None,
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
    deadline: float | None = None,
) -> Token | None:
    """Log in to the ExpertFile API and keep the token for this session.

    Credentials are looked for in this order: the arguments, a profile named with
    ``--profile`` (command line), the environment
    (``EXPERTFILE_CLIENT_ID``/``EXPERTFILE_CLIENT_SECRET``), the profile named by
    ``EXPERTFILE_PROFILE`` (a ``[profiles.NAME]`` table of the profiles file, whose
    ``base_url`` is used unless ``base_url`` is passed), Colab's secrets, a prepared token
    (``EXPERTFILE_ACCESS_TOKEN`` with ``EXPERTFILE_ORG_ID``), a remembered token. For
    several organizations in one process, use :class:`expertfile_nb.Client`.

    Once logged in (from any source, the form included, at any base URL), ``login()``
    without credentials or ``base_url`` returns the token in use without a request; with
    the same credentials again, the cached token is reused. In a notebook with no
    credentials anywhere, it shows the login form and returns ``None``; data calls then raise
    :class:`NotLoggedInError` at once until the form has logged in (so "Run
    All" and headless runs never hang).

    Args:
        client_id: the organization's client id (ExpertFile: Settings → Integrations).
        client_secret: its client secret. Pass both or neither.
        base_url: the API's base URL; default ``EXPERTFILE_BASE_URL`` or
            ``https://public-api.expertfile.com``. To use the bundled fake server
            from a notebook, pass its ``url`` here (and its ``client_id``/``client_secret``).
        remember: also keep the token (never the secret) in a file, mode 0600:
            ``EXPERTFILE_TOKEN_CACHE``, or ``token.json`` in the user cache folder.
            Also after an earlier ``login()``: the token in use is written then.
        leeway: renew tokens this many seconds before they expire (default:
            the smaller of 60 s and 10 % of their lifetime; 0 is allowed).
        timeout: (connect, read) seconds for each request (default 5 and 30).
        retries: a ``urllib3`` ``Retry`` or a number of retries (default: 4 with
            exponential backoff).
        deadline: seconds for the whole token request, every try included (this
            login's, and each later renewal's); past it, ``DeadlineExceededError``.
            Default: ``EXPERTFILE_DEADLINE`` if set, else ten times the timeout's
            connect + read seconds, from 5 to 120 s (120 s with the default timeout).

    Returns:
        The token (its ``repr`` hides the token itself), or ``None`` when the form was shown.
        In a notebook, once the form has logged in, a bare ``login()`` (a second *Run
        All*) returns the token as a :class:`FormToken`: the form, logged in, with *Log
        out*, when it ends a cell; a :class:`Token` for code.

    Raises:
        NotLoggedInError: no credentials were found anywhere.
        ConfigurationError: half a credential pair, or a bad base URL.
        InsecureTransportError: an ``http://`` base URL that is not loopback.
        AuthenticationError: the service refused the credentials.
        TokenResponseError: the service's answer was not a token.
        NetworkError: the service could not be reached.
        DeadlineExceededError: no whole token answer within the deadline.
    """
    try:
        options = Options(remember, leeway, timeout, retries, deadline)
        token = login_quietly(client_id, client_secret, base_url, options)
        if client_id is None and _form_is_the_front() and in_notebook():
            return FormToken.of(token)
        return token
    except NotLoggedInError:
        if not in_notebook():
            raise
    except BaseException as exc:
        # this frame and the finished ones below stay on the error's traceback, which a
        # notebook's verbose mode prints with their locals: none may hold the secret
        drop_secret_locals(exc, client_secret)
        client_secret = None
        raise
    from IPython.display import display

    from expertfile_nb.widget import LoginForm  # only when a form is shown: ipywidgets' module

    display(LoginForm(base_url=resolve_base_url(base_url), remember=remember))  # type: ignore[no-untyped-call] # IPython ships no types for display
    STATE.form_shown = True
    return None
