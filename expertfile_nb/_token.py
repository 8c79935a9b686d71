"""The access token: its model, the token request, and the file that remembers it."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

from expertfile_nb._config import TOKEN_PATH, Credentials, mask, redact
from expertfile_nb.errors import (
    AuthenticationError,
    ConfigurationError,
    NetworkError,
    TokenCacheWarning,
    TokenResponseError,
)

log = logging.getLogger("expertfile_nb")

#: Tokens are refreshed when less than this is left (or 10 % of their lifetime, if smaller).
DEFAULT_LEEWAY = 60.0
CACHE_FORMAT = 1


class Token:
    """An access token and what the service said about it.

    Immutable. ``repr`` and ``str`` never show the token itself; read :attr:`access_token`.

    Attributes:
        access_token: the bearer token (secret: do not print it).
        expires_at: when it expires (timezone-aware UTC).
        org_id: the organization it reads (``data.user`` in the token response).
        client_id: the client it was issued to.
        obtained_at: when it was received (UTC); with ``expires_at``, its lifetime.
    """

    # A plain class, not a dataclass: importing dataclasses costs more than this whole module.
    __slots__ = ("access_token", "client_id", "expires_at", "obtained_at", "org_id")
    access_token: str
    expires_at: datetime
    org_id: int
    client_id: str
    obtained_at: datetime

    def __init__(
        self,
        access_token: str,
        expires_at: datetime,
        org_id: int,
        client_id: str,
        obtained_at: datetime | None = None,
    ) -> None:
        values = {
            "access_token": access_token,
            "expires_at": expires_at,
            "org_id": org_id,
            "client_id": client_id,
            "obtained_at": obtained_at or datetime.now(timezone.utc),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Token is immutable")

    def _key(self) -> tuple[str, datetime, int, str]:
        return (self.access_token, self.expires_at, self.org_id, self.client_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Token(org_id={self.org_id}, client_id={mask(self.client_id)!r}, "
            f"expires_at={self.expires_at.isoformat(timespec='seconds')!r}, access_token='***')"
        )

    __str__ = __repr__

    @property
    def lifetime(self) -> float:
        """Seconds from :attr:`obtained_at` to :attr:`expires_at`."""
        return max(0.0, (self.expires_at - self.obtained_at).total_seconds())

    def default_leeway(self) -> float:
        """The smaller of 60 s and 10 % of the lifetime."""
        return min(DEFAULT_LEEWAY, 0.1 * self.lifetime)

    def refresh_at(self, leeway: float | None = None) -> float:
        """The epoch second from which the token counts as expired."""
        lw = self.default_leeway() if leeway is None else leeway
        return self.expires_at.timestamp() - lw

    def is_expired(self, leeway: float | None = None) -> bool:
        """Whether less than ``leeway`` seconds are left (default: :meth:`default_leeway`)."""
        return datetime.now(timezone.utc).timestamp() >= self.refresh_at(leeway)

    def to_json(self, base_url: str) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "client_id": self.client_id,
            "org_id": self.org_id,
            "access_token": self.access_token,
            "expires_at": self.expires_at.isoformat(),
            "obtained_at": self.obtained_at.isoformat(),
        }

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Token:
        return cls(
            access_token=str(item["access_token"]),
            expires_at=parse_timestamp(str(item["expires_at"])),
            org_id=int(item["org_id"]),
            client_id=str(item["client_id"]),
            obtained_at=parse_timestamp(str(item["obtained_at"])),
        )


def parse_timestamp(value: str) -> datetime:
    """ISO-8601 with or without milliseconds, ``Z`` or an offset → aware UTC datetime.

    Raises:
        ValueError: not such a timestamp.
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)  # 3.10 needs 0, 3 or 6 fraction digits: fine here
    if moment.tzinfo is None:
        raise ValueError("timestamp has no time zone")
    return moment.astimezone(timezone.utc)


def _server_error_text(body: Any) -> tuple[str | None, str]:
    """(error code, readable description) from a failure body, as far as it has them."""
    if not isinstance(body, dict):
        return None, ""
    code = body.get("error") if isinstance(body.get("error"), str) else None
    parts = [
        body[key]
        for key in ("error_description", "message")
        if isinstance(body.get(key), str) and body[key]
    ]
    return code, " ".join(parts)


def parse_token_response(status: int, body: bytes, credentials: Credentials | None = None) -> Token:
    """Read the token endpoint's answer strictly.

    Args:
        status: the HTTP status.
        body: the raw body.
        credentials: the credentials sent (their secret is kept out of any message).

    Returns:
        The token.

    Raises:
        AuthenticationError: 400/401/403 with an OAuth error (wrong id or secret, …).
        TokenResponseError: any other answer that is not a well-formed token envelope.
    """
    secret = credentials.client_secret if credentials else None
    try:
        parsed: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        parsed = None
    # whatever the body calls a token is kept out of every message, as is the secret
    data_part = parsed.get("data") if isinstance(parsed, dict) else None
    offered = data_part.get("accessToken") if isinstance(data_part, dict) else None
    hidden = (secret, offered if isinstance(offered, str) else None)
    excerpt = redact(body.decode("utf-8", "replace"), *hidden, limit=120) if body else "(empty)"

    if status != 200:
        code, description = _server_error_text(parsed)
        detail = f": {redact(description, *hidden)}" if description else f" (body: {excerpt})"
        if status in (400, 401, 403) and code:
            advice = {
                "invalid_client": "Check the client id and secret (ExpertFile: Settings → "
                "Integrations).",
                "unsupported_grant_type": "This is a bug in expertfile-nb; please report it.",
            }.get(code, "Check the client id and secret.")
            raise AuthenticationError(
                f"The token request was refused ({status} {code}){detail}. {advice}",
                status=status,
                error=code,
            )
        raise TokenResponseError(
            f"The token endpoint answered HTTP {status}{detail}. Try again later; if it "
            "persists, check the base URL.",
            status=status,
        )

    def bad(what: str) -> TokenResponseError:
        return TokenResponseError(
            f"The token endpoint answered 200 but {what} (body: {excerpt}). Check that the "
            "base URL points at the ExpertFile public API.",
            status=status,
        )

    if not isinstance(parsed, dict):
        raise bad("not with a JSON object")
    if parsed.get("success") is not True:
        code, description = _server_error_text(parsed)
        if code or description:
            raise AuthenticationError(
                f"The token request failed: {redact(description or code or '', *hidden)}.",
                status=status,
                error=code,
            )
        raise bad('without "success": true')
    data = parsed.get("data")
    if not isinstance(data, dict):
        raise bad('without a "data" object')
    access_token = data.get("accessToken")
    if not isinstance(access_token, str) or not access_token.strip():
        raise bad("without data.accessToken")
    try:
        expires_at = parse_timestamp(str(data["accessTokenExpiresAt"]))
    except (KeyError, ValueError, TypeError):
        raise bad("without a readable data.accessTokenExpiresAt") from None
    org = data.get("user")
    if isinstance(org, bool) or not isinstance(org, (int, str)) or not str(org).strip().isdigit():
        raise bad("without the organization id (data.user)")
    client = data.get("client")
    client_id = client if isinstance(client, str) and client else ""
    if credentials is not None:
        client_id = credentials.client_id
    return Token(
        access_token=access_token.strip(),
        expires_at=expires_at,
        org_id=int(str(org).strip()),
        client_id=client_id,
    )


BODY_ATTEMPTS = 3


def _broke_mid_body(exc: requests.RequestException) -> bool:
    return isinstance(
        exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
    )


def fetch_token(
    http: requests.Session,
    base_url: str,
    credentials: Credentials,
    *,
    timeout: float | tuple[float, float],
) -> Token:
    """POST the client-credentials form to ``{base_url}/v2/oauth/token`` and read the answer.

    Raises:
        AuthenticationError: the credentials were refused.
        TokenResponseError: the answer was not a token.
        NetworkError: no answer after the session's retries.
    """
    url = base_url + TOKEN_PATH
    log.debug("requesting a token from %s for client %s", url, mask(credentials.client_id))
    form = {
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "grant_type": "client_credentials",
    }
    # The session's urllib3 Retry covers statuses and connections; an answer that arrives
    # broken (cut off, or 200 with a body that is not a token) gets two more tries here.
    for attempt in range(1, BODY_ATTEMPTS + 1):
        try:
            response = http.post(url, data=form, timeout=timeout, allow_redirects=False)
            token = parse_token_response(response.status_code, response.content, credentials)
        except requests.RequestException as exc:
            if attempt < BODY_ATTEMPTS and _broke_mid_body(exc):
                log.debug("the token answer broke off (%s); trying again", type(exc).__name__)
                continue
            raise NetworkError(
                f"Could not reach the token endpoint {url}: {type(exc).__name__}. Check your "
                "network and the base URL, then try again."
            ) from None
        except TokenResponseError as exc:
            if attempt < BODY_ATTEMPTS and exc.status == 200:
                log.debug("the token answer was unreadable; trying again")
                continue
            raise
        break
    log.debug("got a token for org %s, valid until %s", token.org_id, token.expires_at)
    return token


# -- the file that remembers tokens --------------------------------------------------
class TokenFile:
    """A JSON file of remembered tokens (never secrets), one per (base URL, client id).

    It is written atomically (temporary file, fsync, ``os.replace``) with mode
    0600 in a folder created 0700, and :meth:`locked` holds a cross-process lock
    (``filelock``) so that processes starting together fetch one token, not one each.
    A file that is unreadable, corrupt or readable by others is skipped with a
    :class:`TokenCacheWarning`, never a crash; the next write replaces it.
    """

    def __init__(self, path: Path, *, lock_timeout: float = 60.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"TokenFile({str(self.path)!r})"

    @contextlib.contextmanager
    def locked(self) -> Iterator[bool]:
        """Hold the cross-process lock; yields ``False`` if no lock could be made (read-only)."""
        from filelock import FileLock, Timeout  # only when a token is remembered

        try:
            self._ensure_folder()
            lock = FileLock(str(self.path) + ".lock", timeout=self.lock_timeout, mode=0o600)
            lock.acquire()
        except Timeout:
            raise ConfigurationError(
                f"Another process has held the token cache lock {self.path}.lock for "
                f"{self.lock_timeout:g} s. If no other process is logging in, delete that file."
            ) from None
        except OSError as exc:
            self._warn(f"cannot lock it ({exc.strerror}); remembering in memory only")
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def _ensure_folder(self) -> None:
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _warn(self, what: str) -> None:
        warnings.warn(f"Token cache {self.path}: {what}.", TokenCacheWarning, stacklevel=4)

    def read_all(self) -> list[dict[str, Any]]:
        """The entries in the file; ``[]`` (with a warning) if it cannot be trusted."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return []
        except OSError as exc:
            self._warn(f"cannot read it ({exc.strerror}); ignoring it")
            return []
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
                self._warn(
                    f"it is readable by other users (mode {stat.S_IMODE(mode):o}); ignoring it — "
                    "it will be rewritten with mode 600"
                )
                return []
            raw = handle.read()
        try:
            content = json.loads(raw)
            entries = content["tokens"]
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            self._warn("it is not a token cache file this version can read; ignoring it")
            return []
        return entries

    def load(self, base_url: str, client_id: str | None) -> Token | None:
        """The remembered token for ``base_url`` (and ``client_id``, if given), if any."""
        best: Token | None = None
        for entry in self.read_all():
            if entry.get("base_url") != base_url:
                continue
            if client_id is not None and entry.get("client_id") != client_id:
                continue
            try:
                token = Token.from_json(entry)
            except (KeyError, ValueError, TypeError):
                continue
            if best is None or token.expires_at > best.expires_at:
                best = token
        return best

    def save(self, base_url: str, token: Token | None, client_id: str | None = None) -> bool:
        """Store ``token`` (or, with ``None``, forget ``client_id``'s) for ``base_url``.

        Returns:
            Whether the file was written.
        """
        forget = token.client_id if token else client_id
        kept = [
            e
            for e in self.read_all()
            if not (
                e.get("base_url") == base_url and (forget is None or e.get("client_id") == forget)
            )
        ]
        if token is not None:
            kept.append(token.to_json(base_url))
        return self._write({"format": CACHE_FORMAT, "tokens": kept})

    def _write(self, content: dict[str, Any]) -> bool:
        try:
            self._ensure_folder()
            import tempfile  # only when a token is remembered: keeps import time low

            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".token-", suffix=".tmp")
        except OSError as exc:
            self._warn(f"cannot write it ({exc.strerror}); the token is kept in memory only")
            return False
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
                json.dump(content, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            self._warn(f"cannot write it ({exc.strerror}); the token is kept in memory only")
            return False
        return True

    def delete(self, base_url: str | None = None) -> bool:
        """Forget every token (or those for ``base_url``). Returns whether any was forgotten."""
        if not self.path.exists():
            return False
        if base_url is None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return True
        return self.save(base_url, None)


def env_token(value: str, org_id: str | None, expires_at: str | None) -> Token:
    """A token prepared elsewhere (``EXPERTFILE_ACCESS_TOKEN`` and friends).

    Raises:
        ConfigurationError: ``EXPERTFILE_ORG_ID`` is missing or not a number, or the
            expiry cannot be read.
    """
    if not org_id or not org_id.strip().isdigit():
        raise ConfigurationError(
            "EXPERTFILE_ACCESS_TOKEN is set but EXPERTFILE_ORG_ID is missing or not a number. "
            "Set both, e.g. with the output of `python -m expertfile_nb token --export`."
        )
    now = datetime.now(timezone.utc)
    if expires_at:
        try:
            expiry = parse_timestamp(expires_at)
        except ValueError:
            raise ConfigurationError(
                "EXPERTFILE_TOKEN_EXPIRES_AT is not an ISO-8601 time with a time zone."
            ) from None
    else:
        # Unknown: assume the service's documented 30 days; a 401 will say otherwise.
        expiry = now + timedelta(days=30)
    return Token(access_token=value.strip(), expires_at=expiry, org_id=int(org_id), client_id="")
