"""Settings: the base URL, environment variable names, defaults, and ``Credentials``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from expertfile_nb.errors import ConfigurationError, InsecureTransportError

DEFAULT_BASE_URL = "https://public-api.expertfile.com"
TOKEN_PATH = "/v2/oauth/token"  # noqa: S105 -- a URL path

ENV_CLIENT_ID = "EXPERTFILE_CLIENT_ID"
ENV_CLIENT_SECRET = "EXPERTFILE_CLIENT_SECRET"  # noqa: S105 -- a variable's name
ENV_BASE_URL = "EXPERTFILE_BASE_URL"
ENV_TOKEN_CACHE = "EXPERTFILE_TOKEN_CACHE"  # noqa: S105 -- a variable's name
ENV_ACCESS_TOKEN = "EXPERTFILE_ACCESS_TOKEN"  # noqa: S105 -- a variable's name
ENV_ORG_ID = "EXPERTFILE_ORG_ID"
ENV_TOKEN_EXPIRES_AT = "EXPERTFILE_TOKEN_EXPIRES_AT"  # noqa: S105 -- a variable's name
ENV_RETRY_BACKOFF = "EXPERTFILE_RETRY_BACKOFF"

#: (connect, read) seconds for every request unless the caller says otherwise
DEFAULT_TIMEOUT = (5.0, 30.0)
#: seconds: the first retry waits this long, each next one twice as long (up to 8 s)
DEFAULT_RETRY_BACKOFF = 0.5

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def mask(value: str, keep: int = 4) -> str:
    """``"demo-client"`` → ``"demo…"``: enough to recognise, not enough to use."""
    if len(value) <= keep:
        return "…"
    return value[:keep] + "…"


class Credentials:
    """An organization's client id and secret. The secret never shows in ``repr``."""

    __slots__ = ("client_id", "client_secret")

    def __init__(self, client_id: str, client_secret: str) -> None:
        for name, value in (("client id", client_id), ("client secret", client_secret)):
            if not isinstance(value, str) or not value.strip():
                raise ConfigurationError(
                    f"The {name} is empty. Copy it from ExpertFile: Settings → Integrations."
                )
        self.client_id = client_id
        self.client_secret = client_secret

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


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    import ipaddress  # only for http:// URLs: keeps import time low

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(url: str) -> None:
    """Refuse any URL that is not HTTPS, unless it points at this machine.

    Raises:
        InsecureTransportError: ``http://`` to a host that is not loopback.
        ConfigurationError: a URL that is neither HTTP nor HTTPS, or has no host.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"{url!r} is not an http(s) URL with a host name.")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureTransportError(
            f"Refusing plain HTTP to {parts.hostname}: your secret and token would travel "
            "unencrypted. Use https:// (plain http:// is allowed only for 127.0.0.1/localhost)."
        )


def resolve_base_url(base_url: str | None = None) -> str:
    """The base URL to use: the argument, else ``EXPERTFILE_BASE_URL``, else the real service.

    Raises:
        InsecureTransportError: ``http://`` for a host that is not loopback.
        ConfigurationError: not a URL, or it carries a user name or password.
    """
    url = (base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ConfigurationError("Put credentials in client_id/client_secret, not in the base URL.")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"The base URL must not have a query or fragment: {url!r}.")
    check_transport(url)
    return url


def default_cache_file() -> Path:
    """``EXPERTFILE_TOKEN_CACHE``, else ``token.json`` in the user cache folder (platformdirs)."""
    configured = os.environ.get(ENV_TOKEN_CACHE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # only when a token is remembered: keeps import time low

    return Path(platformdirs.user_cache_dir("expertfile-nb", appauthor=False)) / "token.json"


_TOKENISH = re.compile(
    r"(?i)((?:access_?token|client_?secret|authorization|bearer|token)[\"']?\s*[:=]?\s*[\"']?)"
    r"([A-Za-z0-9._~+/=-]{8,})"
)


def redact(text: str, *secrets: str | None, limit: int = 200) -> str:
    """A short excerpt of ``text`` with the given secrets and anything token-like removed."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _TOKENISH.sub(r"\1***", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def retry_backoff() -> float:
    """The retry back-off factor: ``EXPERTFILE_RETRY_BACKOFF`` seconds, else 0.5.

    Test suites set it small so that retries against a fake server do not sleep
    for real; ``Retry-After`` from the server is honoured either way.

    Raises:
        ConfigurationError: the variable is not a number of seconds from 0 to 60.
    """
    raw = os.environ.get(ENV_RETRY_BACKOFF, "").strip()
    if not raw:
        return DEFAULT_RETRY_BACKOFF
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 60.0:  # also refuses nan
        raise ConfigurationError(
            f"{ENV_RETRY_BACKOFF}={raw!r} is not a number of seconds from 0 to 60. "
            f"Unset it for the default ({DEFAULT_RETRY_BACKOFF:g} s)."
        )
    return value
