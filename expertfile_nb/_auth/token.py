"""The access token: its model, reading the token endpoint's answer, and the token request.

The file that remembers tokens is :mod:`expertfile_nb._auth.token_file`.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import requests

from expertfile_nb._http.config import ENV_TOKEN_EXPIRES_AT, TOKEN_PATH
from expertfile_nb._http.deadline import within
from expertfile_nb._http.envelope import error_fields, load_json
from expertfile_nb._redact import drop_secret_locals, hold, mask, redact
from expertfile_nb.errors import (
    AuthenticationError,
    ConfigurationError,
    NetworkError,
    TokenResponseError,
)


class Credentials(Protocol):
    """What the token request needs of :class:`expertfile_nb._auth.credentials.Credentials`."""

    client_id: str
    client_secret: str


log = logging.getLogger("expertfile_nb")

#: Tokens are refreshed when less than this is left (or 10 % of their lifetime, if smaller).
DEFAULT_LEEWAY = 60.0
#: what a bearer token may hold: printable ASCII without spaces (RFC 6750's b64token, widened)
_TOKEN_TEXT = re.compile(r"[\x21-\x7e]{1,4096}")
#: an organization id: ASCII digits, at most 18 (fits an int64; 5,000 digits would not)
_ORG_ID = re.compile(r"[0-9]{1,18}")


def valid_token_text(value: object) -> bool:
    """Whether ``value`` can go into an ``Authorization: Bearer`` header as it is."""
    return isinstance(value, str) and _TOKEN_TEXT.fullmatch(value) is not None


def parse_org_id(value: object) -> int | None:
    """An organization id from the token answer or the environment (``"4242"`` or 4242)."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    return int(text) if _ORG_ID.fullmatch(text) else None


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
        hold(access_token)  # kept out of every error message and log record from now on

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

    def __reduce__(self) -> tuple[type[Token], tuple[str, datetime, int, str, datetime]]:
        # immutable with __slots__: pickle and copy rebuild it through __init__
        args = (self.access_token, self.expires_at, self.org_id, self.client_id, self.obtained_at)
        return (Token, args)

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
    def from_json(cls, item: dict[str, Any]) -> Token | None:
        """A token from a token-file entry, or ``None`` if the entry is not one."""
        access_token, org_id = item.get("access_token"), parse_org_id(item.get("org_id"))
        if not valid_token_text(access_token) or org_id is None:
            return None
        try:
            return cls(
                access_token=str(access_token),
                expires_at=parse_timestamp(str(item["expires_at"])),
                org_id=org_id,
                client_id=str(item["client_id"]),
                obtained_at=parse_timestamp(str(item["obtained_at"])),
            )
        except (KeyError, ValueError, TypeError):
            return None


def time_left(expires_at: datetime) -> str:
    """``"29 d 23 h"``, ``"5 h 12 min"`` or ``"expired"``: the time until ``expires_at``."""
    seconds = (expires_at - datetime.now(timezone.utc)).total_seconds()
    if seconds <= 0:
        return "expired"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days} d {hours} h" if days else f"{hours} h {rest // 60} min"


def validity(expires_at: datetime, *, assumed: bool = False) -> str:
    """``"valid until 2026-12-29 10:00 UTC (29 d 23 h left)"``, or, when the expiry is a
    guess (a prepared token without ``EXPERTFILE_TOKEN_EXPIRES_AT``), a phrase that says so."""
    until = f"{expires_at:%Y-%m-%d %H:%M} UTC"
    if assumed:
        return (
            f"expiry not known ({ENV_TOKEN_EXPIRES_AT} is not set); assumed {until}, the "
            "documented 30 days"
        )
    return f"valid until {until} ({time_left(expires_at)} left)"


def parse_timestamp(value: str) -> datetime:
    """ISO-8601 with or without milliseconds, ``Z`` or an offset → aware UTC datetime.

    Raises:
        ValueError: not such a timestamp.
    """
    text = value.strip()
    if not text.isascii() or len(text) > 40:
        raise ValueError("not an ISO-8601 timestamp")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)  # 3.10 needs 0, 3 or 6 fraction digits: fine here
    if moment.tzinfo is None:
        raise ValueError("timestamp has no time zone")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-05:00: past the last representable day
        raise ValueError("timestamp out of range") from None


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
    client_id = credentials.client_id if credentials else None
    parsed: Any = load_json(body, raw=True)  # the token itself: never cleaned
    # whatever the body calls a token is kept out of every message, as is the secret
    data_part = parsed.get("data") if isinstance(parsed, dict) else None
    offered = data_part.get("accessToken") if isinstance(data_part, dict) else None
    hidden = (secret, offered.strip() if isinstance(offered, str) else None)

    def quote(text: str, limit: int = 200) -> str:
        return redact(text, *hidden, limit=limit, client_id=client_id)

    excerpt = quote(body.decode("utf-8", "replace"), 120) if body else "(empty)"

    if status != 200:
        code, description = error_fields(parsed)
        code = quote(code, 60) if code else None
        detail = f": {quote(description)}" if description else f" (body: {excerpt})"
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
        code, description = error_fields(parsed)
        code = quote(code, 60) if code else None
        if code or description:
            raise AuthenticationError(
                f"The token request failed: {quote(description or code or '')}.",
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
    access_token = access_token.strip()
    if not valid_token_text(access_token):
        raise bad(
            "with a data.accessToken that cannot be sent in a header (spaces, control or "
            "non-ASCII characters, or over 4096 characters)"
        )
    try:
        expires_at = parse_timestamp(str(data["accessTokenExpiresAt"]))
    except (KeyError, ValueError, TypeError):
        raise bad("without a readable data.accessTokenExpiresAt") from None
    org_id = parse_org_id(data.get("user"))
    if org_id is None:
        raise bad("without a numeric organization id (data.user)")
    client = data.get("client")
    issued_to = client if isinstance(client, str) and client else ""
    return Token(
        access_token=access_token,
        expires_at=expires_at,
        org_id=org_id,
        client_id=client_id if client_id is not None else issued_to,
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
    deadline: float | None = None,
) -> Token:
    """POST the client-credentials form to ``{base_url}/v2/oauth/token`` and read the answer.

    Args:
        http: the session to send it with (see ``_transport.configure``).
        base_url: the API's base URL.
        credentials: the client id and secret.
        timeout: (connect, read) seconds for each request.
        deadline: seconds for the whole of it, every try included (and never past the
            deadline of a call this request is part of); ``None``: only the session's own
            per-request deadline.

    Raises:
        AuthenticationError: the credentials were refused.
        TokenResponseError: the answer was not a token.
        NetworkError: no answer after the session's retries.
        DeadlineExceededError: no whole answer within the deadline.
    """
    hold(credentials.client_secret)
    try:
        if deadline is None:
            return _fetch_token(http, base_url, credentials, timeout)
        with within(deadline):
            return _fetch_token(http, base_url, credentials, timeout)
    except BaseException as exc:
        # the finished frames below hold the secret (the form, the parser's locals): a
        # notebook's verbose traceback would show them
        drop_secret_locals(exc)
        raise


def _fetch_token(
    http: requests.Session,
    base_url: str,
    credentials: Credentials,
    timeout: float | tuple[float, float],
) -> Token:
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
        failure: str | None = None
        try:
            response = http.post(url, data=form, timeout=timeout, allow_redirects=False)
            token = parse_token_response(response.status_code, response.content, credentials)
        except requests.RequestException as exc:
            if attempt < BODY_ATTEMPTS and _broke_mid_body(exc):
                log.debug("the token answer broke off (%s); trying again", type(exc).__name__)
                continue
            failure = type(exc).__name__
        except TokenResponseError as exc:
            if attempt < BODY_ATTEMPTS and exc.status == 200:
                log.debug("the token answer was unreadable; trying again")
                continue
            raise
        if failure is not None:
            # raised outside the except block: the requests exception holds the request,
            # whose body holds the secret; it must be neither cause nor context
            raise NetworkError(
                f"Could not reach the token endpoint {url}: {failure}. Check your "
                "network and the base URL, then try again."
            )
        break
    log.debug("got a token for org %s, valid until %s", token.org_id, token.expires_at)
    return token


def env_token(value: str, org_id: str | None, expires_at: str | None) -> Token:
    """A token prepared elsewhere (``EXPERTFILE_ACCESS_TOKEN`` and friends).

    Raises:
        ConfigurationError: ``EXPERTFILE_ORG_ID`` is missing or not a number, or the
            expiry cannot be read.
    """
    org = parse_org_id(org_id or "")
    if org is None:
        raise ConfigurationError(
            "EXPERTFILE_ACCESS_TOKEN is set but EXPERTFILE_ORG_ID is missing or not a number. "
            "Set both, e.g. with the output of `expertfile-nb token --export`."
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
    if not valid_token_text(value.strip()):
        raise ConfigurationError(
            "EXPERTFILE_ACCESS_TOKEN holds spaces, control or non-ASCII characters: it cannot "
            "be a token. Set it again from `expertfile-nb token --export`."
        )
    return Token(access_token=value.strip(), expires_at=expiry, org_id=org, client_id="")
