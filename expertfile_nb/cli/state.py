"""What the command line says about the login, read without a single request.

``status`` and ``logout`` run in a process of their own, where nothing is logged in
yet: the truth is in the environment (``EXPERTFILE_*``) and in the remembered-token
file. This module reads both and words it for a shell — what to type next is a
shell command, never Python.
"""

from __future__ import annotations

import os
from pathlib import Path

from expertfile_nb._auth.credentials import prepared_token
from expertfile_nb._auth.profiles import load_profile, profile_from_environment
from expertfile_nb._auth.state import STATE
from expertfile_nb._auth.token import Token, validity
from expertfile_nb._auth.token_file import TokenFile
from expertfile_nb._http.config import (
    ENV_ACCESS_TOKEN,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_ORG_ID,
    ENV_TOKEN_EXPIRES_AT,
    default_cache_file,
    resolve_base_url,
)
from expertfile_nb._redact import mask


def describe_token(token: Token, *, assumed: bool = False) -> str:
    """``Token valid until 2026-12-29 10:00 UTC (29 d 23 h left).`` (or its expiry said to
    be a guess: :func:`expertfile_nb._auth.token.validity`)."""
    return f"Token {validity(token.expires_at, assumed=assumed)}."


def _remembered(cache: Path) -> list[tuple[str, Token]]:
    """Every readable (base URL, token) in the remembered-token file."""
    found = []
    for entry in TokenFile(cache).read_all():
        token = Token.from_json(entry)
        url = entry.get("base_url")
        if token is not None and isinstance(url, str):  # others are skipped, as by the login
            found.append((url, token))
    return found


def remembered_token(cache: Path, base_url: str, token: Token) -> Token | None:
    """The entry for ``token`` in the remembered-token file, if it was written there."""
    for url, kept in _remembered(cache):
        if url == base_url and kept.access_token == token.access_token:
            return kept
    return None


def _env_pair() -> tuple[str, str]:
    return os.environ.get(ENV_CLIENT_ID, "").strip(), os.environ.get(ENV_CLIENT_SECRET, "").strip()


def report_status(prog: str) -> tuple[str, bool]:
    """The ``status`` text, and whether the next command can log in without asking.

    Raises:
        ConfigurationError: ``EXPERTFILE_BASE_URL`` or a prepared token is not usable.
        ProfileError: the profile named (``--profile``, ``EXPERTFILE_PROFILE``) cannot be used.
    """
    url = resolve_base_url()
    cache = default_cache_file()
    client_id, secret = _env_pair()
    lines: list[str] = []
    # the profile in use: --profile, else EXPERTFILE_PROFILE unless the pair is set
    chosen = STATE.profile or (None if client_id and secret else profile_from_environment())
    profile = load_profile(chosen) if chosen else None
    if profile is not None:
        url = resolve_base_url(profile.base_url) if profile.base_url else url
        if profile.client_id:
            lines.append(
                f"Profile: {profile.name} (in {profile.path}), client id {mask(profile.client_id)}"
                f"; the next command logs in to {url} with it."
            )
            lines.append("Not checked: status makes no request (`login` does).")
            return "\n".join(lines), True
        lines.append(f"Profile: {profile.name} (in {profile.path}): its base URL, {url}.")
    prepared = prepared_token()
    kept = _remembered(cache)
    here = [token for kept_url, token in kept if kept_url == url]
    here_valid = [token for token in here if not token.is_expired()]
    ready = True
    if client_id and secret:
        lines.append(
            f"Ready: {ENV_CLIENT_ID} ({mask(client_id)}) and {ENV_CLIENT_SECRET} are set; the "
            f"next command logs in to {url} with them."
        )
        lines.append("Not checked: status makes no request (`login` does).")
    elif client_id or secret:
        missing = ENV_CLIENT_SECRET if client_id else ENV_CLIENT_ID
        lines.append(f"Not logged in: {missing} is not set (the two are used as a pair).")
        lines.append(f"Set it: export {missing}=…")
        ready = False
    elif prepared is not None:
        token = prepared
        if token.is_expired(0):
            lines.append(f"Not logged in: the token in {ENV_ACCESS_TOKEN} has expired.")
            lines.append(f"Where the credentials are, run: {prog} token --export")
            ready = False
        else:
            lines.append(
                f"Logged in to organization {token.org_id} at {url} with the token in "
                f"{ENV_ACCESS_TOKEN}."
            )
            assumed = not os.environ.get(ENV_TOKEN_EXPIRES_AT, "").strip()
            lines.append(describe_token(token, assumed=assumed))
    elif here_valid:
        token = max(here_valid, key=lambda t: t.expires_at)
        lines.append(
            f"Logged in to organization {token.org_id} at {url} with the token remembered in "
            f"{cache}."
        )
        lines.append(describe_token(token))
        lines.append(f"To forget it: {prog} logout")
    else:
        lines.append(f"Not logged in at {url}.")
        lines.append(
            f"To log in: export {ENV_CLIENT_ID}=… {ENV_CLIENT_SECRET}=…, then: "
            f"{prog} login --remember"
        )
        ready = False
    if (client_id or prepared is not None) and here_valid:
        lines.append(
            f"Also remembered in {cache}: a token for organization "
            f"{here_valid[0].org_id} at {url} (used when the environment has none)."
        )
    for token in here:
        if token.is_expired():
            lines.append(
                f"The token remembered for {url} has expired: {prog} login --remember gets a "
                "new one."
            )
            break
    for other_url in sorted({kept_url for kept_url, _ in kept if kept_url != url}):
        lines.append(
            f"A token for {other_url} is remembered in {cache}; to use it: "
            f"export {ENV_BASE_URL}={other_url}"
        )
    return "\n".join(lines), ready


def report_logout(prog: str) -> str:
    """Delete the token remembered for the base URL in use; say what still logs you in.

    Raises:
        ConfigurationError: ``EXPERTFILE_BASE_URL`` is not usable.
    """
    url = resolve_base_url()
    chosen = STATE.profile or profile_from_environment()
    profile = load_profile(chosen) if chosen else None
    if profile is not None and profile.base_url:
        url = resolve_base_url(profile.base_url)
    cache = TokenFile(default_cache_file())
    kept = _remembered(cache.path)
    lines: list[str] = []
    if any(kept_url == url for kept_url, _ in kept):
        with cache.locked():
            deleted = cache.delete(url)
        lines.append(
            f"Deleted the token remembered for {url} from {cache.path}."
            if deleted
            else f"Could not delete the token remembered for {url} in {cache.path}."
        )
    else:
        lines.append(f"No token was remembered for {url}: nothing to delete.")
    for other_url in sorted({kept_url for kept_url, _ in kept if kept_url != url}):
        lines.append(
            f"Still remembered: a token for {other_url}. To delete it too: "
            f"{ENV_BASE_URL}={other_url} {prog} logout"
        )
    client_id, secret = _env_pair()
    if client_id or secret:
        lines.append(
            f"{ENV_CLIENT_ID}/{ENV_CLIENT_SECRET} are set in this shell: the next command logs "
            f"in again with them. To stop that: unset {ENV_CLIENT_ID} {ENV_CLIENT_SECRET}"
        )
    if os.environ.get(ENV_ACCESS_TOKEN, "").strip():
        lines.append(
            f"{ENV_ACCESS_TOKEN} is set in this shell: the next command uses it. To stop that: "
            f"unset {ENV_ACCESS_TOKEN} {ENV_ORG_ID} {ENV_TOKEN_EXPIRES_AT}"
        )
    return "\n".join(lines)
