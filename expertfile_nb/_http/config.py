"""Settings: the base URL (checked and normalized), environment variable names, defaults."""

from __future__ import annotations

import math
import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


def positive_seconds(value: object) -> bool:
    """Whether ``value`` is a number of seconds above 0 (finite; not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf


def check_timeout(value: object) -> float | tuple[float, float]:
    """``value`` if it is a usable timeout: seconds > 0, or (connect, read) seconds.

    Raises:
        ConfigurationError: anything else (0, a negative number, NaN, a string, a 3-tuple).
    """
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(map(positive_seconds, value)):
        return (float(value[0]), float(value[1]))
    if isinstance(value, (int, float)) and positive_seconds(value):
        return float(value)
    raise ConfigurationError(
        f"timeout must be seconds above 0, or (connect, read) seconds such as (5, 30); "
        f"got {value!r:.40}."
    )


def check_leeway(value: object) -> float | None:
    """``value`` if it is a usable leeway: ``None`` (the default) or 0 or more seconds.

    Raises:
        ConfigurationError: anything else.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf:
        return float(value)
    raise ConfigurationError(f"leeway must be 0 or more seconds; got {value!r:.40}.")


LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


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


def _split(url: str) -> tuple[str, str, str, int | None, str]:
    """(scheme, host, path, port, query+fragment) of ``url``, or a ConfigurationError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigurationError(
            f"{url!r} is not a valid URL (check the brackets of an IPv6 address and the port)."
        ) from None
    return (
        parts.scheme.lower(),
        (parts.hostname or ""),
        parts.path,
        port,
        parts.query + parts.fragment,
    )


def check_transport(url: str) -> None:
    """Refuse any URL that is not HTTPS, unless it points at this machine.

    Raises:
        InsecureTransportError: ``http://`` to a host that is not loopback.
        ConfigurationError: a URL that is neither HTTP nor HTTPS, or has no host.
    """
    scheme, host, _path, _port, _rest = _split(url)
    if scheme not in ("http", "https") or not host:
        raise ConfigurationError(f"{url!r} is not an http(s) URL with a host name.")
    if scheme == "http" and not is_loopback(host):
        raise InsecureTransportError(
            f"Refusing plain HTTP to {host}: your secret and token would travel "
            "unencrypted. Use https:// (plain http:// is allowed only for 127.0.0.1/localhost)."
        )


def normalize_url(url: str) -> str:
    """Scheme and host in lower case, dot segments removed, no trailing slash.

    The token is sent only to the origin of the normalized base URL, so two
    spellings of one server (``HTTP://LocalHost:8765/./``) are one origin.
    """
    parts = urlsplit(url)
    scheme, host, path, port, _rest = _split(url)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    if path:
        path = posixpath.normpath(path)
        path = "" if path in (".", "/", "//") else path
    return urlunsplit((scheme, netloc, path.rstrip("/"), parts.query, parts.fragment))


def resolve_base_url(base_url: str | None = None) -> str:
    """The base URL to use, normalized: the argument, else ``EXPERTFILE_BASE_URL``, else the
    real service.

    Raises:
        InsecureTransportError: ``http://`` for a host that is not loopback.
        ConfigurationError: not a URL, or it carries a user name, password, query or fragment.
    """
    raw = base_url if base_url is not None else os.environ.get(ENV_BASE_URL)
    if raw is not None and not isinstance(raw, str):
        raise ConfigurationError(f"The base URL must be a string such as {DEFAULT_BASE_URL!r}.")
    url = (raw or DEFAULT_BASE_URL).strip()
    if not isinstance(url, str) or not url.isprintable() or " " in url:
        raise ConfigurationError(f"The base URL {url!r:.80} has spaces or control characters.")
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is not None and (parts.username or parts.password):
        raise ConfigurationError("Put credentials in client_id/client_secret, not in the base URL.")
    if parts is not None and (parts.query or parts.fragment):
        raise ConfigurationError(f"The base URL must not have a query or fragment: {url!r}.")
    check_transport(url)
    return normalize_url(url)


def default_cache_file() -> Path:
    """``EXPERTFILE_TOKEN_CACHE``, else ``token.json`` in the user cache folder (platformdirs)."""
    configured = os.environ.get(ENV_TOKEN_CACHE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # only when a token is remembered: keeps import time low

    return Path(platformdirs.user_cache_dir("expertfile-nb", appauthor=False)) / "token.json"


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
