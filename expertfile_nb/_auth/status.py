"""``status()``: the login in use, as a card in a notebook and a line in a terminal.

What :func:`status` reports comes from the login state, or, before any login, from the
credentials chain and the remembered-token file (no request is made).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import NamedTuple

from expertfile_nb._auth import credentials as _credentials
from expertfile_nb._auth.credentials import find
from expertfile_nb._auth.login import HOW_TO_LOG_IN
from expertfile_nb._auth.state import STATE
from expertfile_nb._auth.token import time_left, validity
from expertfile_nb._http.config import (
    ENV_BASE_URL,
    ENV_TOKEN_EXPIRES_AT,
    resolve_base_url,
)
from expertfile_nb._redact import mask
from expertfile_nb.errors import ConfigurationError

__all__ = ["LoginStatus", "status", "status_before_login"]


class LoginStatus(NamedTuple):
    """What ``status()`` reports. Its text never holds the secret or the token."""

    logged_in: bool
    base_url: str
    source: str | None = None
    org_id: int | None = None
    client_id: str | None = None  # masked
    expires_at: datetime | None = None
    remembered_in: str | None = None
    #: not logged in: where the next login would come from (a source label), if anywhere
    ready: str | None = None
    #: not logged in: what is wrong with the settings (half a client id/secret pair, …)
    problem: str | None = None
    #: a prepared token with no EXPERTFILE_TOKEN_EXPIRES_AT: ``expires_at`` is a guess
    expiry_assumed: bool = False
    #: the named profile in use (logged in), or the one the next login would use
    profile: str | None = None

    @property
    def time_left(self) -> str:
        """``"29 d 23 h"``, ``"5 h 12 min"`` or ``"expired"``."""
        return time_left(self.expires_at) if self.expires_at is not None else ""

    def __str__(self) -> str:
        if not self.logged_in:
            if self.problem:
                return f"Not logged in (base URL {self.base_url}): {self.problem}"
            if self.ready:
                return (
                    f"Not logged in yet (base URL {self.base_url}); ready to, from the "
                    f"{self.ready}: ef.login() or the first data call logs in with it."
                )
            return f"Not logged in (base URL {self.base_url}).\n{HOW_TO_LOG_IN}"
        expiry = (
            validity(self.expires_at, assumed=self.expiry_assumed)
            if self.expires_at
            else "expiry unknown"
        )
        lines = [
            f"Logged in to organization {self.org_id} at {self.base_url}",
            f"  client id: {self.client_id or '(prepared token)'}",
            f"  from:      {self.source}",
            f"  token:     {expiry}",
        ]
        if self.profile:
            lines.insert(1, f"  profile:   {self.profile}")
        if self.remembered_in:
            lines.append(f"  remembered in {self.remembered_in}")
        return "\n".join(lines)

    def __repr__(self) -> str:  # the REPL and the notebook's text/plain show the text
        return self.__str__()

    def _repr_html_(self) -> str:

        if not self.logged_in:
            return self._card_not_logged_in()
        rows = [
            ("Organization", str(self.org_id)),
            ("Client id", self.client_id or "(prepared token)"),
            ("Credentials from", self.source or ""),
            (
                "Token valid for",
                f"{self.time_left} (assumed)" if self.expiry_assumed else self.time_left,
            ),
            ("Base URL", self.base_url),
        ]
        if self.remembered_in:
            rows.append(("Remembered in", self.remembered_in))
        if self.profile:
            rows.insert(0, ("Profile", self.profile))
        return _card("ExpertFile: logged in ✓", rows)

    def _card_not_logged_in(self) -> str:
        """The card of ``status()`` before any login: what is wrong or ready, and what to do."""
        rows = [("Base URL", self.base_url or "(not usable)")]
        if self.profile:
            rows.insert(0, ("Profile", self.profile))
        if self.problem:
            title = "ExpertFile: not logged in ✗"
            rows += [
                ("Problem", self.problem),
                ("To do", "Fix the setting above, then ef.login()."),
            ]
        elif self.ready:
            title = "ExpertFile: not logged in yet"
            rows += [
                ("Ready from", self.ready),
                ("To do", "ef.login(), or the first data call, logs in with it."),
            ]
        else:
            title = "ExpertFile: not logged in"
            rows += [
                ("To do", "ef.login(client_id, client_secret), or ef.login_widget() for a form"),
                ("Or", "set EXPERTFILE_CLIENT_ID and EXPERTFILE_CLIENT_SECRET, then ef.login()"),
                ("Or", "EXPERTFILE_PROFILE=NAME: a [profiles.NAME] of the profiles file"),
            ]
        return _card(title, rows)


def _card(title: str, rows: list[tuple[str, str]]) -> str:
    """A small bordered table: the notebook view of :class:`LoginStatus`."""
    from html import escape

    cell = "text-align:left;padding:2px 12px 2px 0;vertical-align:top"
    body = "".join(
        f"<tr><th style='{cell};font-weight:normal;color:#555'>{escape(k)}</th>"
        f"<td style='{cell}'>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return (
        "<div style='display:inline-block;border:1px solid #ccc;border-radius:6px;"
        "padding:8px 14px;text-align:left'>"
        f"<div style='font-weight:bold;margin-bottom:4px'>{escape(title)}</div>"
        f"<table style='border-collapse:collapse;margin:0'>{body}</table></div>"
    )


def status() -> LoginStatus:
    """Which login is in use: source, org id, masked client id, expiry. Makes no request.

    Not logged in, it says where the next login would come from (``ready``), or what is
    wrong with the settings (``problem``).
    """
    current = STATE.current
    if current is None or current.provider.token is None:
        return status_before_login(STATE.profile)
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
        expiry_assumed=current.source == _credentials.SOURCE_ENV_TOKEN
        and not os.environ.get(ENV_TOKEN_EXPIRES_AT, "").strip(),
        profile=current.profile,
    )


def status_before_login(
    profile: str | None, base_url: str | None = None, *, default_login: bool = True
) -> LoginStatus:
    """``status()`` with nothing logged in: where the next login would come from, or what
    is wrong with the settings. Reads the environment and files; makes no request."""
    try:
        url = resolve_base_url(base_url)
    except ConfigurationError as exc:
        return LoginStatus(
            False, base_url or os.environ.get(ENV_BASE_URL, ""), problem=str(exc), profile=profile
        )
    try:
        found = find(
            url, profile=profile, url_given=base_url is not None, for_client=not default_login
        )
    except ConfigurationError as exc:
        return LoginStatus(False, url, problem=str(exc), profile=profile)
    if found is None:
        return LoginStatus(False, url, profile=profile)
    return LoginStatus(False, found.base_url or url, ready=found.source, profile=found.profile)
