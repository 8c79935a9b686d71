"""The notebook login form: ``login_widget()`` (the only module that imports ipywidgets).

The form only reads values, blanks the secret field and calls the same
``login`` as every other front end — it holds no HTTP logic of its own. The
secret is blanked *before* anything else happens, so it is never left in the
widget state that a saved notebook keeps.
"""

from __future__ import annotations

import os
from html import escape
from typing import Any

from expertfile_nb._auth import login as _login
from expertfile_nb._auth.token import Token, time_left
from expertfile_nb._http.config import DEFAULT_BASE_URL, ENV_BASE_URL
from expertfile_nb.errors import (
    AuthenticationError,
    ConfigurationError,
    ExpertFileError,
    NetworkError,
    TokenResponseError,
)

__all__ = ["LoginForm", "login_widget"]

TEXT_FALLBACK = (
    "ExpertFile login form. If you see this text instead of a form, widgets cannot render "
    "here: call ef.login(client_id, client_secret), or set EXPERTFILE_CLIENT_ID and "
    "EXPERTFILE_CLIENT_SECRET and call ef.login()."
)


def explain(error: ExpertFileError, base_url: str) -> str:
    """One plain-language, HTML-escaped sentence for a failed login (plus the service's own
    words, when it sent any, in small print)."""
    said = ""
    if isinstance(error, AuthenticationError):
        if error.error == "invalid_client":
            head = (
                "Wrong client id or secret: copy both again from ExpertFile "
                "(Settings → Integrations)."
            )
        else:
            head = f"The service refused the login ({error.error or error.status})."
        # the service's description, already redacted: the part after "…): "
        text = str(error)
        if "): " in text:
            said = text.split("): ", 1)[1].split(". ", 1)[0]
        said = f"{error.error}: {said}" if error.error and said else said
    elif isinstance(error, NetworkError):
        head = f"Could not reach {base_url}: check your network and the base URL (under Advanced)."
    elif isinstance(error, TokenResponseError) and error.status == 429:
        head = "Too many login attempts (rate limited): wait a minute and try again."
    elif isinstance(error, TokenResponseError) and (error.status or 0) >= 500:
        head = f"The ExpertFile service had a problem (HTTP {error.status}): try again later."
    elif isinstance(error, TokenResponseError):
        head = (
            f"{base_url} did not answer like the ExpertFile API: check the base URL "
            "(under Advanced)."
        )
    elif isinstance(error, ConfigurationError):
        head = f"Check the form: {error}"
    else:
        head = f"The login did not work: {error}"
    small = f" <small style='color:#666'>({escape(said)})</small>" if said else ""
    return f"<span style='color:#b00020'>✗ {escape(head)}</span>{small}"


class LoginForm:
    """A login form: Client ID, Client Secret, "Remember on this machine", base URL, Log in.

    Display it (it is the last value of a cell, or pass it to ``display``). Tests
    and scripts can drive it like a person: set :attr:`client_id` and
    :attr:`client_secret` values and call :meth:`submit` (or ``login_button.click()``).
    """

    def __init__(
        self, *, client_id: str | None = None, base_url: str | None = None, remember: bool = False
    ) -> None:
        import ipywidgets as w

        label = {"description_width": "100px"}

        self.client_id = w.Text(
            value=client_id if client_id is not None else _login.current_client_id(),
            description="Client ID",
            style=label,
            placeholder="from ExpertFile: Settings → Integrations",
            layout=w.Layout(width="480px"),
        )
        self.client_secret = w.Password(
            value="",
            description="Client Secret",
            style=label,
            continuous_update=False,  # the secret reaches the kernel only on submit
            layout=w.Layout(width="480px"),
        )
        self.remember = w.Checkbox(
            value=remember, description="Remember on this machine", indent=False
        )
        self.base_url = w.Text(
            value=base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
            description="Base URL",
            style=label,
            layout=w.Layout(width="480px"),
        )
        advanced = w.Accordion(children=[self.base_url], titles=("Advanced",), selected_index=None)
        self.login_button = w.Button(description="Log in", button_style="primary", icon="sign-in")
        self.logout_button = w.Button(description="Log out", layout=w.Layout(display="none"))
        self.status = w.HTML(value="")
        self.widget = w.VBox(
            [
                w.HTML("<b>Log in to ExpertFile</b>"),
                self.client_id,
                self.client_secret,
                self.remember,
                advanced,
                w.HBox([self.login_button, self.logout_button]),
                self.status,
            ]
        )
        self.login_button.on_click(lambda _button: self.submit())
        self.logout_button.on_click(lambda _button: self.log_out())
        # Enter in the secret field submits too (the front end sends a "submit" event)
        self.client_secret.on_msg(self._on_secret_msg)

    def __repr__(self) -> str:
        return "LoginForm(" + repr(self.client_id.value) + ")"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = TEXT_FALLBACK
        return bundle

    def _on_secret_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("event") == "submit":
            self.submit()

    def submit(self) -> None:
        """Read the values, blank the secret, log in, and show the outcome in place."""
        secret = self.client_secret.value
        self.client_secret.value = ""  # first, before anything can fail or be saved
        client_id = self.client_id.value.strip()
        base_url = self.base_url.value.strip()
        self._set_editable(False)
        self.status.value = "Connecting…"
        logged_in = False
        try:
            try:
                token = _login.login_from_form(client_id, secret, base_url, self.remember.value)
            finally:
                del secret
            self._say_logged_in(token)
            logged_in = True
        except ExpertFileError as exc:
            self.status.value = explain(exc, base_url)
        except Exception:  # never leave the form disabled on "Connecting…"
            self.status.value = (
                "<span style='color:#b00020'>✗ The login failed unexpectedly; see the log.</span>"
            )
            raise
        finally:
            # logged in: the fields stay read-only and the form offers Log out instead
            self._set_editable(not logged_in)
            self.login_button.layout.display = "none" if logged_in else None
            self.logout_button.layout.display = None if logged_in else "none"

    def _say_logged_in(self, token: Token) -> None:
        expiry = token.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        self.status.value = (
            f"<span style='color:#1b5e20'>✓ Logged in to organization {token.org_id} — "
            f"token valid until {escape(expiry)} ({time_left(token.expires_at)} left)</span>"
        )

    def show_logged_in(self, token: Token) -> None:
        """Show the form as after a login with ``token``: fields read-only, *Log out* offered
        (what a second *Run All* shows where the first showed the empty form)."""
        self._say_logged_in(token)
        self._set_editable(False)
        self.login_button.layout.display = "none"
        self.logout_button.layout.display = None

    def _set_editable(self, editable: bool) -> None:
        for field in (self.client_id, self.client_secret, self.remember, self.base_url):
            field.disabled = not editable
        self.login_button.disabled = not editable

    def log_out(self) -> None:
        """Forget the token (memory and disk) and say so."""
        self.status.value = escape(_login.logout())
        self.logout_button.layout.display = "none"
        self.login_button.layout.display = None
        self._set_editable(True)


def login_widget(
    *, client_id: str | None = None, base_url: str | None = None, remember: bool = False
) -> LoginForm:
    """A login form for notebooks; returns it, so it shows when it ends a cell.

    Args:
        client_id: prefill; default the current login's, or ``EXPERTFILE_CLIENT_ID``.
        base_url: prefill (under "Advanced"); default ``EXPERTFILE_BASE_URL``.
        remember: the initial state of "Remember on this machine".
    """
    return LoginForm(client_id=client_id, base_url=base_url, remember=remember)
