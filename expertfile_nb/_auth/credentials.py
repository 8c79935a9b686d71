"""Where credentials come from: one readable chain, in the documented order.

:func:`find` is the whole chain (the README and ``ef.login``'s docstring list
the same order); each step is a small function that returns ``None`` when its
source has nothing:

1. ``login(client_id, client_secret)`` — handled by the caller, before the chain;
2. a profile named explicitly: ``ef.Client(profile=…)`` or ``--profile`` on the command line;
3. the environment pair ``EXPERTFILE_CLIENT_ID`` + ``EXPERTFILE_CLIENT_SECRET``;
4. the profile named by ``EXPERTFILE_PROFILE``;
5. in Google Colab, the same two names in Colab's secrets;
6. ``EXPERTFILE_ACCESS_TOKEN`` + ``EXPERTFILE_ORG_ID``: a token prepared elsewhere;
7. a token remembered on disk by an earlier ``login(..., remember=True)``;
8. (in a notebook, the login form — shown by ``login()``, not found here).

As with the AWS CLI and the Databricks SDK, a profile named on purpose beats the
environment, and ``EXPERTFILE_PROFILE`` (a setting of the shell, like the pair) comes
after the pair. A profile's ``base_url`` is used with its credentials unless a base URL
is passed explicitly; a profile without credentials only sets the base URL for the
sources after it. The profiles file is read only when a profile is named
(:mod:`expertfile_nb._auth.profiles`).
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

from expertfile_nb._auth.profiles import Profile, load_profile, profile_from_environment
from expertfile_nb._auth.token import Token, env_token
from expertfile_nb._auth.token_file import TokenFile
from expertfile_nb._http.config import (
    ENV_ACCESS_TOKEN,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_ORG_ID,
    ENV_TOKEN_EXPIRES_AT,
    default_cache_file,
    resolve_base_url,
)
from expertfile_nb.errors import ConfigurationError

__all__ = [
    "SOURCE_ARGUMENTS",
    "SOURCE_COLAB",
    "SOURCE_ENV",
    "SOURCE_ENV_TOKEN",
    "SOURCE_FORM",
    "SOURCE_PROFILE",
    "SOURCE_REMEMBERED",
    "Credentials",
    "Found",
    "find",
]

SOURCE_ARGUMENTS = "arguments"
SOURCE_ENV = "environment (EXPERTFILE_CLIENT_ID/SECRET)"
SOURCE_COLAB = "Colab secrets"
SOURCE_ENV_TOKEN = "environment (EXPERTFILE_ACCESS_TOKEN)"  # noqa: S105 -- a label
SOURCE_REMEMBERED = "remembered token"
SOURCE_FORM = "login form"
SOURCE_PROFILE = "profile"  # "profile 'NAME' (PATH)" in status


def profile_source(profile: Profile) -> str:
    """The source label of a login from ``profile``."""
    return f"{SOURCE_PROFILE} {profile.name!r} ({profile.path})"


class Credentials:
    """An organization's client id and secret. The secret never shows in ``repr``."""

    __slots__ = ("client_id", "client_secret")

    def __init__(self, client_id: str, client_secret: str) -> None:
        for name, value in (("client id", client_id), ("client secret", client_secret)):
            if not isinstance(value, str) or not value.strip():
                raise ConfigurationError(
                    f"The {name} is empty. Copy it from ExpertFile: Settings → Integrations."
                )
            if not value.strip().isprintable():
                raise ConfigurationError(
                    f"The {name} holds control characters (a pasted line break?). Copy it "
                    "again from ExpertFile: Settings → Integrations."
                )
        self.client_id = client_id.strip()
        self.client_secret = client_secret.strip()

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Credentials)
            and self.client_id == other.client_id
            and self.client_secret == other.client_secret
        )

    def __hash__(self) -> int:
        return hash((self.client_id, self.client_secret))

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret='***')"

    def __reduce__(self) -> tuple[type[Credentials], tuple[str, str]]:
        raise TypeError("Credentials are not pickled: the secret would be written out.")


class Found(NamedTuple):
    """What the chain found: credentials to log in with, or a token that cannot be renewed."""

    source: str
    credentials: Credentials | None = None
    token: Token | None = None
    token_file: TokenFile | None = None
    #: the profile in use (its name), if one was named
    profile: str | None = None
    #: the profile's base URL, if it has one: the login goes there
    base_url: str | None = None


def from_environment() -> Credentials | None:
    """``EXPERTFILE_CLIENT_ID`` + ``EXPERTFILE_CLIENT_SECRET``, used as a pair.

    Raises:
        ConfigurationError: only one of the two is set.
    """
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


def from_colab() -> Credentials | None:
    """``EXPERTFILE_CLIENT_ID``/``SECRET`` from Colab's secrets, when running in Colab."""
    if "google.colab" not in sys.modules:
        return None
    try:
        from google.colab import userdata

        client_id = userdata.get(ENV_CLIENT_ID)
        secret = userdata.get(ENV_CLIENT_SECRET)
    except Exception:  # refused access, missing secret, timeout: fall through to the next source
        return None
    if isinstance(client_id, str) and isinstance(secret, str) and client_id and secret:
        return Credentials(client_id, secret)
    return None


def prepared_token() -> Token | None:
    """``EXPERTFILE_ACCESS_TOKEN`` (+ ``EXPERTFILE_ORG_ID``, ``EXPERTFILE_TOKEN_EXPIRES_AT``)."""
    value = os.environ.get(ENV_ACCESS_TOKEN, "").strip()
    if not value:
        return None
    return env_token(value, os.environ.get(ENV_ORG_ID), os.environ.get(ENV_TOKEN_EXPIRES_AT))


def remembered_token(base_url: str, leeway: float | None) -> tuple[Token, TokenFile] | None:
    """A remembered token for ``base_url`` that is not due for renewal, and its file."""
    token_file = TokenFile(default_cache_file())
    if not token_file.path.exists():
        return None
    token = token_file.load(base_url, None)
    if token is None or token.is_expired(leeway):
        return None
    return token, token_file


def _with_profile(profile: Profile, url: str, leeway: float | None, moved: bool) -> Found | None:
    """The profile's credentials; without any, the later sources at its base URL. ``moved``:
    ``url`` is the profile's own base URL (the login goes there)."""
    where = url if moved else None
    if profile.client_id and profile.client_secret:
        credentials = Credentials(profile.client_id, profile.client_secret)
        return Found(profile_source(profile), credentials, profile=profile.name, base_url=where)
    paired = from_environment()
    found = Found(SOURCE_ENV, paired) if paired else _after_environment(url, leeway)
    return found._replace(profile=profile.name, base_url=where) if found else None


def _after_environment(url: str, leeway: float | None) -> Found | None:
    credentials = from_colab()
    if credentials is not None:
        return Found(SOURCE_COLAB, credentials=credentials)
    token = prepared_token()
    if token is not None:
        return Found(SOURCE_ENV_TOKEN, token=token)
    remembered = remembered_token(url, leeway)
    if remembered is not None:
        return Found(SOURCE_REMEMBERED, token=remembered[0], token_file=remembered[1])
    return None


def find(
    base_url: str,
    leeway: float | None = None,
    *,
    profile: str | None = None,
    url_given: bool = False,
    for_client: bool = False,
) -> Found | None:
    """The first source, in the documented order, that has something to log in with.

    Args:
        base_url: where to log in (a profile's own ``base_url`` replaces it unless
            ``url_given``).
        leeway: a remembered token due within this many seconds is not used.
        profile: a profile named explicitly (it comes before the environment); default,
            for the default login, the one ``--profile`` chose (``STATE.profile``).
        url_given: ``base_url`` was passed explicitly: it wins over a profile's.
        for_client: the chain of an ``ef.Client``: only ``profile`` is named explicitly.

    Raises:
        ConfigurationError: half a pair in the environment.
        ProfileError: a named profile that cannot be used.
    """

    def use(name: str) -> Found | None:
        named = load_profile(name)
        moved = bool(named.base_url) and not url_given
        url = resolve_base_url(named.base_url) if moved else base_url
        return _with_profile(named, url, leeway, moved)

    if profile is None and not for_client:
        from expertfile_nb._auth.state import STATE  # the default login's choice (``--profile``)

        profile = STATE.profile
    if profile is not None:
        return use(profile)
    credentials = from_environment()
    if credentials is not None:
        return Found(SOURCE_ENV, credentials=credentials)
    from_env = profile_from_environment()
    if from_env is not None:
        return use(from_env)
    return _after_environment(base_url, leeway)
