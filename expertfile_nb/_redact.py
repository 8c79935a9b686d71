"""Keeping secrets and tokens out of every message, in every form they travel in.

A client secret or access token can come back inside a server's error text not
only as itself but URL-encoded (a form body echoed), JSON-escaped (a JSON echo
of a non-ASCII value), or base64-encoded (an HTTP Basic header echoed). Every
one of those forms is removed **before** the text is cut to an excerpt, so a
cut can never leave a recognisable prefix behind.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "excerpt", "forms_of", "mask", "redact", "scrub"]

REDACTED = "***"
_MIN_LENGTH = 4  # shorter values would redact ordinary words; no real secret is this short
_EXCERPT_SOURCE = 64 * 1024  # how much of a body an excerpt is taken from
_PERCENT = re.compile(r"%[0-9A-F]{2}")

_TOKENISH = re.compile(
    r"(?i)((?:access_?token|client_?secret|authorization|bearer|basic|token)[\"']?\s*[:=]?\s*[\"']?)"
    r"([A-Za-z0-9._~+/=%-]{8,})"
)


def mask(value: str, keep: int = 4) -> str:
    """``"demo-client"`` → ``"demo…"``: enough to recognise, not enough to use."""
    if len(value) <= keep:
        return "…"
    return value[:keep] + "…"


def forms_of(secret: str, client_id: str | None = None) -> list[str]:
    """Every form in which ``secret`` may travel: raw, URL-encoded (``quote`` and
    ``quote_plus``), JSON-escaped (with and without ``ensure_ascii``), and the
    base64 of HTTP Basic credentials (when ``client_id`` is given). Longest first."""
    percent = {quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)}
    escaped = {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    forms = {secret, *percent, *escaped}
    # the same, as other encoders write them: lower-case percent escapes, PHP's "\/",
    # HTML entities (named or numeric)
    forms.update(_PERCENT.sub(lambda m: m.group().lower(), form) for form in percent)
    forms.update(form.replace("/", "\\/") for form in escaped)
    forms.add(html.escape(secret))
    forms.add("".join(c if c.isalnum() else f"&#{ord(c)};" for c in secret))
    if client_id is not None:
        for pair in (f"{client_id}:{secret}", f"{quote_plus(client_id)}:{quote_plus(secret)}"):
            encoded = base64.b64encode(pair.encode()).decode()
            forms.update({encoded, encoded.rstrip("=")})
    return sorted((f for f in forms if len(f) >= _MIN_LENGTH), key=len, reverse=True)


def redact(
    text: str,
    *secrets: str | None,
    limit: int = 200,
    client_id: str | None = None,
) -> str:
    """A short excerpt of ``text`` with the given secrets (in every form) and anything
    token-like removed; whitespace folded; cut to ``limit`` characters last."""
    hidden: list[str] = []
    for secret in secrets:
        if secret:
            hidden.extend(forms_of(secret, client_id))
    for form in sorted(set(hidden), key=len, reverse=True):
        text = text.replace(form, REDACTED)
    text = _TOKENISH.sub(lambda m: m.group(1) + REDACTED, text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def scrub(text: str, *secrets: str | None, client_id: str | None = None) -> str:
    """``text`` whole, with every form of the given secrets replaced (no cut, no folding)."""
    hidden: set[str] = set()
    for secret in secrets:
        if secret:
            hidden.update(forms_of(secret, client_id))
    for form in sorted(hidden, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def excerpt(
    content: bytes, *secrets: str | None, limit: int = 200, client_id: str | None = None
) -> str:
    """A short, redacted excerpt of a body (for a message).

    At most the first 64 KiB are read; if the body is longer, the word that the cut
    goes through is dropped too, so no part of a secret survives a cut. Then every
    form of every secret is removed, whitespace folded, and the result cut to ``limit``.
    """
    text = content[:_EXCERPT_SOURCE].decode("utf-8", "replace")
    if len(content) > _EXCERPT_SOURCE:
        text = re.sub(r"\S*$", "", text)
    return redact(text, *secrets, limit=limit, client_id=client_id)


def contains_any(text: str, values: Iterable[str | None]) -> bool:
    """Whether any form of any of ``values`` occurs in ``text`` (for tests and checks)."""
    return any(form in text for value in values if value for form in forms_of(value))
