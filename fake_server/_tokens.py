"""Issuing and checking access tokens, and the token endpoint that issues them.

Tokens are signed, not stored: a token carries its serial number, expiry, org
and client, and an HMAC with a key made at start-up. So 100,000 token requests
cost no memory, ``expire_tokens()`` is one integer, and only explicitly revoked
tokens are remembered.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import random
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

from werkzeug.wrappers import Request

from fake_server._wsgi import MAX_BODY_BYTES, Answer

__all__ = ["REDACTED", "TOKEN_PATHS", "Client", "TokenIssuer"]

TOKEN_PATHS = ("/v2/oauth/token", "/oauth/token")
REDACTED = "***"
Fail = Callable[..., Answer]  # (status, error, description, headers=None) -> Answer

_TOKEN_ENVELOPE = (
    b'{"data":{"accessToken":"%s","accessTokenExpiresAt":"%s","client":%s,"user":%d,'
    b'"scope":true},"success":true}'
)
_TOKEN_HEADERS = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


@dataclass(frozen=True)
class Client:
    """A registered API client: its credentials and the organization it reads."""

    client_id: str
    client_secret: str = field(repr=False)
    org_id: int

    @functools.cached_property
    def json_id(self) -> bytes:
        """The client id as a JSON string literal."""
        return json.dumps(self.client_id).encode()


def _iso_ms(epoch: float) -> str:
    """``2026-12-28T16:10:43.457Z``: ISO-8601 UTC with milliseconds, as the service sends."""
    t = time.gmtime(epoch)
    millis = int(epoch * 1000) % 1000
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{millis:03d}Z"
    )


class TokenIssuer:
    """Signs tokens, checks them, and remembers the few that were revoked.

    Args:
        history: how many recently issued tokens :attr:`issued` keeps.
    """

    def __init__(self, history: int = 1000) -> None:
        self._hmac = hmac.new(secrets.token_bytes(32), digestmod=hashlib.sha256)
        # A token's nonce only makes it unlike the others (the serial already does, the MAC
        # makes it unforgeable): drawn without a system call per token.
        self._nonces = random.Random(secrets.randbits(64))  # noqa: S311 -- not a secret
        self._lock = threading.Lock()
        self._serial = 0  # survives forget() so old tokens stay invalid
        self.min_serial = 1
        self.revoked: set[str] = set()
        self.issued: deque[str] = deque(maxlen=history)

    def forget(self) -> None:
        """Invalidate every token issued so far and forget revocations and history."""
        with self._lock:
            self.min_serial = self._serial + 1
            self.revoked = set()
            self.issued.clear()

    def expire_all(self) -> None:
        """Every token issued so far stops working."""
        with self._lock:
            self.min_serial = self._serial + 1

    def revoke(self, token: str) -> None:
        """One token stops working."""
        with self._lock:
            self.revoked.add(token)

    def issue(self, client: Client, expires: float) -> str:
        """A new token for ``client`` that expires at ``expires`` (epoch seconds)."""
        with self._lock:
            self._serial += 1
            serial = self._serial
        nonce = f"{self._nonces.getrandbits(64):016x}"
        expires_ms = int(expires * 1000)
        payload = f"{serial}:{expires_ms}:{client.org_id}:{nonce}:{client.client_id}".encode()
        token = (
            base64.urlsafe_b64encode(payload).decode().rstrip("=")
            + "."
            + base64.urlsafe_b64encode(self._mac(payload)).decode()
        )
        self.issued.append(token)  # deque.append is atomic
        return token

    def _mac(self, payload: bytes) -> bytes:
        mac = self._hmac.copy()  # copying the keyed state is cheaper than keying anew
        mac.update(payload)
        return mac.digest()[:18]

    def _payload(self, token: str) -> bytes | None:
        encoded, _, mac = token.partition(".")
        try:
            payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            given = base64.urlsafe_b64decode(mac)
        except (binascii.Error, ValueError):
            return None
        return payload if hmac.compare_digest(self._mac(payload), given) else None

    def is_ours(self, text: str) -> bool:
        """Whether ``text`` is a token this issuer signed (valid or not): for redaction."""
        return "." in text and len(text) < 512 and self._payload(text) is not None

    def verify(self, token: str, now: float) -> int | str:
        """The org id the token grants at ``now``, or why it is not valid."""
        payload = self._payload(token)
        if payload is None:
            return "the access token is not valid"
        serial, expires_ms, org, _ = payload.decode().split(":", 3)
        if int(serial) < self.min_serial or int(expires_ms) <= now * 1000:
            return "the access token has expired"
        if token in self.revoked:
            return "the access token has been revoked"
        return int(org)

    def answer(
        self,
        request: Request,
        clients: dict[str, Client],
        expires: float,
        fail: Fail,
        *,
        json_body: bool = True,
    ) -> Answer:
        """The token endpoint: check the form and the credentials, then issue a token.

        Args:
            request: the POST (its body already read into ``environ["fake_server.body"]``).
            clients: the registered clients by id.
            expires: when a token issued now expires (epoch seconds).
            fail: builds the failure answer in the configured envelope.
            json_body: also take the parameters as a JSON object (the current site's table
                says JSON; its samples send a form).
        """
        raw: bytes = request.environ["fake_server.body"]
        if _content_length(request) > MAX_BODY_BYTES or len(raw) > MAX_BODY_BYTES:
            return fail(413, "invalid_request", f"the body is larger than {MAX_BODY_BYTES} bytes")
        mimetype = request.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if json_body and mimetype == "application/json":
            pairs = _json_pairs(raw)
            if pairs is None:
                return fail(400, "invalid_request", "the body is not a JSON object of strings")
        elif mimetype != "application/x-www-form-urlencoded":
            return fail(
                400, "invalid_request", "send the parameters as application/x-www-form-urlencoded"
            )
        else:
            parsed = _parse_form(raw)
            if parsed is None:
                return fail(400, "invalid_request", "the body is not a readable form")
            pairs = list(parsed)
        form: dict[str, str] = {}
        for name, value in pairs:
            if name in form:
                return fail(400, "invalid_request", f"parameter {name!r} is repeated")
            form[name] = value
        # kept, redacted, for the journal
        request.environ["fake_server.form"] = {
            k: (REDACTED if k == "client_secret" else v[:200]) for k, v in form.items()
        }

        basic = _basic_credentials(request)
        if basic == ("", ""):
            return fail(
                400, "invalid_request", "the Authorization header is not valid Basic credentials"
            )
        if basic and (
            ("client_id" in form and form["client_id"] != basic[0]) or "client_secret" in form
        ):
            return fail(400, "invalid_request", "send client credentials in one way only")
        grant = form.get("grant_type")
        if grant is None:
            return fail(400, "invalid_request", "missing parameter grant_type")
        if grant != "client_credentials":
            return fail(
                400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
            )
        client_id, client_secret = basic or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        client = clients.get(client_id)
        expected = client.client_secret if client else secrets.token_urlsafe(16)
        if (
            not hmac.compare_digest(client_secret.encode(), expected.encode())
            or client is None
            or not client_id
        ):
            headers = {"WWW-Authenticate": 'Basic realm="ExpertFile"'} if basic else {}
            return fail(
                401,
                "invalid_client",
                "client authentication failed: unknown client or wrong secret",
                headers,
            )
        token = self.issue(client, expires)
        # The envelope has a fixed shape: formatting it beats json.dumps on the hot path.
        body = _TOKEN_ENVELOPE % (
            token.encode(),
            _iso_ms(expires).encode(),
            client.json_id,
            client.org_id,
        )
        return Answer(body, 200, headers=_TOKEN_HEADERS)


#: forms already parsed, by their bytes: a client sends the same one each time it logs in
_FORMS: dict[bytes, tuple[tuple[str, str], ...]] = {}
_FORMS_KEPT = 64
_FORM_BYTES_KEPT = 1024


def _parse_form(raw: bytes) -> tuple[tuple[str, str], ...] | None:
    """The name/value pairs of a form body, or ``None`` if it is not a readable form.

    Parsing is a pure function of the bytes, so the few small forms seen last are kept.
    """
    pairs = _FORMS.get(raw)
    if pairs is not None:
        return pairs
    try:
        pairs = tuple(
            parse_qsl(
                raw.decode("utf-8"),
                keep_blank_values=True,
                strict_parsing=bool(raw),
                errors="strict",
            )
        )
    except (UnicodeDecodeError, ValueError):
        return None
    if len(raw) <= _FORM_BYTES_KEPT:
        if len(_FORMS) >= _FORMS_KEPT:
            _FORMS.clear()  # a bound, not a policy: the common case is one form
        _FORMS[raw] = pairs
    return pairs


def _content_length(request: Request) -> int:
    value = request.environ.get("fake_server.content_length", "")
    return int(value) if value.isascii() and value.isdigit() else 0


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    user, sep, password = decoded.partition(":")
    if not sep:
        return ("", "")
    # RFC 6749 2.3.1: both parts are form-urlencoded before base64
    return unquote(user.replace("+", " ")), unquote(password.replace("+", " "))


def bearer_challenge(description: str) -> str:
    """The ``WWW-Authenticate`` value for a refused bearer token."""
    return f'Bearer realm="ExpertFile", error="invalid_token", error_description="{description}"'


def _json_pairs(raw: bytes) -> list[tuple[str, str]] | None:
    """The name/value pairs of a JSON object whose values are strings, or ``None``."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return None
    return list(value.items())
