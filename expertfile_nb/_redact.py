"""Keeping secrets and tokens out of every message, in every form they travel in.

A client secret or access token can come back inside a server's error text not
only as itself but encoded, in two layers that may be combined:

- a whole-value encoding (:func:`forms_of`): the value itself; its base64, standard
  or URL-safe, with or without padding; the base64 of the HTTP Basic pair
  ``id:secret`` (when the client id is known); its hex, lower or upper case;
- per-character escapes, in any mix, of the characters of such a form (:func:`pattern_of`):
  percent-encoding (``%2F`` or ``%2f``, ``+`` for a space), JSON ``\\uXXXX``
  escapes in either case (Python's ``\\u00fc``, Go's ``\\u003c`` for ``<``, PHP's
  ``\\/``), HTML entities, named (``&amp;``, ``&sol;``) or numeric, decimal or hex, in
  either case and with leading zeros (``&#47;``, ``&#x2F;``, ``&#X002f;``); and whitespace
  (a line break, or a JSON ``\\n``) between any two characters, as when a server wraps a
  long value over lines.

Every one of those is removed **before** the text is folded or cut to an excerpt,
so neither can leave a recognisable part behind. A value shorter than four
characters is not redacted on its own: it would wipe ordinary words.
"""

from __future__ import annotations

import base64
import functools
import html.entities
import json
import re
from collections.abc import Iterable
from urllib.parse import quote_plus

__all__ = ["REDACTED", "excerpt", "forms_of", "mask", "pattern_of", "redact", "scrub"]

REDACTED = "***"
_MIN_LENGTH = 4  # shorter values would redact ordinary words; no real secret is this short
_EXCERPT_SOURCE = 64 * 1024  # how much of a body an excerpt is taken from
#: what may stand between two characters of a value: whitespace, or JSON's escaped kind
_SEPARATOR = r"(?:\s|\\[nrt])*"

_TOKENISH = re.compile(
    r"(?i)((?:access_?token|client_?secret|authorization|bearer|basic|token)[\"']?\s*[:=]?\s*[\"']?)"
    r"([A-Za-z0-9._~+/=%-]{8,})"
)

#: a character → the names of the HTML entities for it ("&amp;", "&amp", "&AMP;", ...)
_NAMED: dict[str, list[str]] = {}
for _name, _char in html.entities.html5.items():
    if len(_char) == 1:
        _NAMED.setdefault(_char, []).append("&" + _name)


def mask(value: str, keep: int = 4) -> str:
    """``"demo-client"`` → ``"demo…"``: enough to recognise, not enough to use."""
    if len(value) <= keep:
        return "…"
    return value[:keep] + "…"


def _base64(data: bytes) -> set[str]:
    encoded = {base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()}
    return encoded | {form.rstrip("=") for form in encoded}


def forms_of(secret: str, client_id: str | None = None) -> list[str]:
    """Every whole-value encoding in which ``secret`` may travel: itself, its base64
    (standard and URL-safe, padded or not), its hex (lower and upper case) and, when
    ``client_id`` is given, the base64 of the HTTP Basic pair (raw and form-encoded).
    :func:`pattern_of` matches each of them with any per-character escapes. A secret
    shorter than four characters has no forms of its own. Longest first."""
    forms: set[str] = set()
    if len(secret) >= _MIN_LENGTH:
        raw = secret.encode()
        forms |= {secret, raw.hex(), raw.hex().upper()} | _base64(raw)
    if client_id is not None:
        for pair in (f"{client_id}:{secret}", f"{quote_plus(client_id)}:{quote_plus(secret)}"):
            forms |= _base64(pair.encode())
    return sorted(forms, key=len, reverse=True)


def _hex(value: int, width: int = 0) -> str:
    """``0x2f`` → ``"2[Ff]"``: hex digits in either case."""
    return "".join(f"[{d}{d.lower()}]" if d.isalpha() else d for d in f"{value:0{width}X}")


@functools.lru_cache(maxsize=1024)
def _escapes(char: str) -> str:
    """A regular expression for ``char`` written as itself or escaped, one character at a
    time: percent-encoded, JSON-escaped, an HTML entity (numeric or named)."""
    code = ord(char)
    options = [re.escape(char)]
    if char == " ":
        options.append(r"\+")
    options.append("".join("%" + _hex(byte, 2) for byte in char.encode()))
    units = char.encode("utf-16-be")  # JSON escapes UTF-16 code units: two beyond the BMP
    halves = [int.from_bytes(units[i : i + 2], "big") for i in range(0, len(units), 2)]
    options.append("".join(r"\\u" + _hex(unit, 4) for unit in halves))
    short = json.dumps(char)[1:-1]  # \" \\ \n ...
    if short != char and not short.startswith("\\u"):
        options.append(re.escape(short))
    if char == "/":
        options.append(r"\\/")
    options.append(f"&#0*{code};?")
    options.append(f"&#[xX]0*{_hex(code)};?")
    options.extend(re.escape(name) for name in sorted(_NAMED.get(char, ()), key=len, reverse=True))
    return "(?:" + "|".join(options) + ")"


def pattern_of(*secrets: str | None, client_id: str | None = None) -> re.Pattern[str] | None:
    """One regular expression matching every form (:func:`forms_of`) of every given
    secret, each character as itself or escaped, whitespace allowed between any two;
    ``None`` when there is nothing to hide."""
    forms = sorted(
        {form for secret in secrets if secret for form in forms_of(secret, client_id)},
        key=len,
        reverse=True,
    )
    if not forms:
        return None
    return re.compile("|".join(_SEPARATOR.join(map(_escapes, form)) for form in forms))


def _remove(text: str, secrets: tuple[str | None, ...], client_id: str | None) -> str:
    pattern = pattern_of(*secrets, client_id=client_id)
    return text if pattern is None else pattern.sub(REDACTED, text)


def redact(
    text: str,
    *secrets: str | None,
    limit: int = 200,
    client_id: str | None = None,
) -> str:
    """A short excerpt of ``text`` with the given secrets (in every form) and anything
    token-like removed; whitespace folded after that; cut to ``limit`` characters last."""
    text = _remove(text, secrets, client_id)
    text = _TOKENISH.sub(lambda m: m.group(1) + REDACTED, text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def scrub(text: str, *secrets: str | None, client_id: str | None = None) -> str:
    """``text`` whole, with every form of the given secrets replaced (no cut, no folding)."""
    return _remove(text, secrets, client_id)


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


def contains_any(text: str, values: Iterable[str | None], client_id: str | None = None) -> bool:
    """Whether any form of any of ``values`` occurs in ``text`` (for tests and checks)."""
    pattern = pattern_of(*values, client_id=client_id)
    return pattern is not None and pattern.search(text) is not None
