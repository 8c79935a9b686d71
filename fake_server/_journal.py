"""The journal: what the fake server received, with every secret and token redacted.

Tests read it to see what the client sent; it must never become a place a
secret or a token can leak from. So the client secret and the access tokens are
replaced by ``***`` wherever they appear: the form, the query string (under any
name, a ``client_secret`` sent in a query included), the path, and the
``Authorization`` header (only its scheme is kept).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from werkzeug.wrappers import Request

from fake_server._tokens import REDACTED

__all__ = ["SECRET_PARAMETERS", "JournalEntry", "Redactor", "record", "record_rejected"]

#: Parameters whose value is always hidden, whatever it is.
SECRET_PARAMETERS = frozenset(
    {"client_secret", "access_token", "accesstoken", "token", "password", "secret"}
)
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_=-]{16,}")
_MAC_LENGTH = 24  # the base64 of the 18-byte MAC that ends every token (see _tokens)
_SCHEMES = frozenset({"bearer", "basic"})


class JournalEntry(NamedTuple):
    """One request the server received, with secrets and tokens redacted."""

    method: str
    path: str
    query_string: str
    form: dict[str, str]
    authorization: str
    status: int
    time: float

    @property
    def query(self) -> dict[str, str]:
        """The query parameters (parsed when asked: recording stays cheap)."""
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    def __repr__(self) -> str:
        return (
            f"JournalEntry({self.method} {self.path} query={self.query} form={self.form} "
            f"authorization={self.authorization!r} status={self.status})"
        )


class Redactor(NamedTuple):
    """Replaces the given secrets, and any text ``is_token`` recognizes, with ``***``."""

    secrets: tuple[str, ...]
    is_token: Callable[[str], bool]

    def text(self, text: str) -> str:
        """``text`` with every secret and token replaced."""
        for secret in self.secrets:
            if secret and secret in text:
                text = text.replace(secret, REDACTED)
        if "." in text:
            text = _TOKEN_LIKE.sub(self._token_in, text)
        return text

    def _token_in(self, match: re.Match[str]) -> str:
        """The match with any token inside it redacted, also one joined to other word
        characters (``x_<token>-y``): a token ends 24 characters after its dot."""
        run = match[0]
        dot = run.index(".")
        end = dot + 1 + _MAC_LENGTH
        for start in range(0, dot - 15):
            if self.is_token(run[start:end]):
                return run[:start] + REDACTED + run[end:]
        return run

    def pairs(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Form or query pairs: names and values redacted, secret-named values hidden."""
        return [
            (self.text(k), REDACTED if k.lower() in SECRET_PARAMETERS else self.text(v))
            for k, v in pairs
        ]


def record(request: Request, status: int, redact: Redactor) -> JournalEntry:
    """The journal entry for ``request``, answered with ``status``."""
    environ = request.environ
    auth = environ.get("HTTP_AUTHORIZATION", "")
    query = environ.get("QUERY_STRING", "")
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        redacted = redact.pairs(pairs)
        if redacted != pairs:
            query = urlencode(redacted, safe="*")
    form = environ.get("fake_server.form", {})
    if form:
        form = dict(redact.pairs(list(form.items())))
    return JournalEntry(
        method=request.method,
        path=redact.text(request.path),
        query_string=query,
        form=form,
        authorization=_scheme_only(auth),
        status=status,
        time=time.time(),
    )


def _scheme_only(auth: str) -> str:
    """The Authorization header with its credentials hidden: a known scheme is kept, anything
    else (a bare token, say) is hidden whole."""
    if not auth:
        return ""
    scheme = auth.split(" ", 1)[0]
    return f"{scheme} {REDACTED}" if scheme.lower() in _SCHEMES else REDACTED


def record_rejected(method: str, target: str, status: int, redact: Redactor) -> JournalEntry:
    """The journal entry for a request refused before it was parsed (bad request line, …)."""
    path, _, query = target[:2000].partition("?")
    if query:
        query = urlencode(redact.pairs(parse_qsl(query, keep_blank_values=True)), safe="*")
    return JournalEntry(
        method=method[:20],
        path=redact.text(path),
        query_string=query,
        form={},
        authorization="",
        status=status,
        time=time.time(),
    )
