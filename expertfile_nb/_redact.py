"""Keeping secrets and tokens out of every message, in every form they travel in.

A client secret or access token can come back inside a server's error text not
only as itself but encoded, in two layers that may be combined:

- a whole-value encoding (:func:`forms_of`): the value itself; its base64, standard
  or URL-safe, with or without padding; the base64 of the HTTP Basic pair
  ``id:secret`` (when the client id is known); its hex, lower or upper case;
- per-character escapes, in any mix, of the characters of such a form: percent-encoding
  (``%2F`` or ``%2f``, ``+`` for a space), JSON ``\\uXXXX`` escapes in either case
  (Python's ``\\u00fc``, Go's ``\\u003c`` for ``<``, PHP's ``\\/``), HTML entities, named
  (``&amp;``, ``&sol;``) or numeric, decimal or hex, in either case and with leading zeros
  (``&#47;``, ``&#x2F;``, ``&#X002f;``); and whitespace (a line break, or a JSON ``\\n``)
  between any two characters, as when a server wraps a long value over lines.

How: the text is read twice, as it is and with every escape decoded, each time without
whitespace and keeping where each character came from (:func:`_canonical`); each form
is looked for in both readings (``str.find``: no pattern to build per secret), and
what it covers in the text is replaced. A mix that no encoder writes — some characters
escaped while a literal ``%``, ``&`` or backslash of the value itself happens to form an
escape next to them — is not recognized.

Every one of those is removed **before** the text is folded or cut to an excerpt,
so neither can leave a recognisable part behind. A value shorter than four
characters is not redacted on its own: it would wipe ordinary words.

A net under every call site: the client secrets and tokens this process holds are
:func:`held <hold>` here (the 64 most recent, of 8 characters or more), and
:func:`hide` removes them — in every form above, and also a run of their first 16
characters or more, as a value cut short leaves — from every error message and
error URL when the error is made (:mod:`expertfile_nb.errors`), and from every log
record of the ``expertfile_nb`` and ``urllib3`` loggers when it is logged. So a
message built from anything a server sent (a record key, a redirect URL) cannot
carry them, whichever call site forgot. :func:`clean` does the same for the data of every
answer read (a record's value or key that echoes a held value becomes ``***`` before
it reaches a DataFrame, a file or a warehouse). :func:`drop_secret_locals` clears the
locals of the finished frames of a traceback that hold one (a notebook's verbose
traceback shows locals).
"""

from __future__ import annotations

import base64
import contextlib
import html
import html.entities
import json
import logging
import re
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any
from urllib.parse import quote_plus, unquote_to_bytes

__all__ = [
    "REDACTED",
    "clean",
    "contains_any",
    "drop_secret_locals",
    "excerpt",
    "forms_of",
    "hide",
    "hold",
    "mask",
    "redact",
    "scrub",
]

REDACTED = "***"
_MIN_LENGTH = 4  # shorter values would redact ordinary words; no real secret is this short
_EXCERPT_SOURCE = 64 * 1024  # how much of a body an excerpt is taken from

#: a value named by a key (``access_token=…``, ``"token": "…"``, ``Bearer …``): the key must
#: stand on its own (``accessTokenExpiresAt`` is another key, not ``accessToken`` + a value)
#: and be followed by ``:``, ``=`` or a space
_TOKENISH = re.compile(
    r"(?i)((?<![A-Za-z0-9])(?:access_?token|client_?secret|authorization|bearer|basic|token)"
    r"[\"']?(?:\s*[:=]\s*|\s+)[\"']?)"
    r"([A-Za-z0-9._~+/=%-]{8,})"
)


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
    Each is found with any per-character escapes (see the module docstring). A secret
    shorter than four characters has no forms of its own. Longest first."""
    forms: set[str] = set()
    if len(secret) >= _MIN_LENGTH:
        raw = secret.encode()
        forms |= {secret, raw.hex(), raw.hex().upper()} | _base64(raw)
    if client_id is not None:
        for pair in (f"{client_id}:{secret}", f"{quote_plus(client_id)}:{quote_plus(secret)}"):
            forms |= _base64(pair.encode())
    return sorted(forms, key=len, reverse=True)


#: whitespace, or JSON's escaped kind: what may stand between two characters of a value
_GAP = r"(?:\s|\\[nrt])+"
#: one escaped character (a run of percent escapes is one UTF-8 sequence or more)
_ESCAPE = (
    r"(?:%[0-9A-Fa-f]{2})+"
    r"|\\u[dD][89abAB][0-9A-Fa-f]{2}\\u[dD][c-fC-F][0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}"
    r"|\\[\"\\/bf]"
    r"|&#[0-9]{1,8};?|&#[xX][0-9A-Fa-f]{1,7};?|&[A-Za-z][A-Za-z0-9]{1,31};?"
)
_UNITS = re.compile(f"(?P<gap>{_GAP})|(?P<escape>{_ESCAPE})")
_GAPS = re.compile(_GAP)
_SHORT_ESCAPES = {'\\"': '"', "\\\\": "\\", "\\/": "/", "\\b": "\b", "\\f": "\f"}


def _decoded(escape: str) -> list[str]:
    """The characters one escape stands for; ``[]`` if it stands for none (then it is text)."""
    first = escape[0]
    if first == "%":
        data = bytes.fromhex(escape.replace("%", ""))
        return list(data.decode("utf-8", "replace"))
    if escape.startswith("\\u"):
        units = [int(escape[i + 2 : i + 6], 16) for i in range(0, len(escape), 6)]
        if len(units) == 2:
            return [chr(0x10000 + ((units[0] - 0xD800) << 10) + (units[1] - 0xDC00))]
        return [chr(units[0])]
    if first == "\\":
        return [_SHORT_ESCAPES[escape]]
    body = escape[1:].rstrip(";")
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in "xX" else int(body[1:])
        return [chr(code)] if 0 < code <= 0x10FFFF else []
    named = html.entities.html5.get(body + ";" if escape.endswith(";") else body)
    return [named] if named is not None and len(named) == 1 else []


def _canonical(text: str, decode: bool) -> tuple[str, list[int], list[int]]:
    """``text`` without whitespace (and, with ``decode``, with every escape replaced by
    its character), and where each of its characters starts and ends in ``text``."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pattern = _UNITS if decode else _GAPS
    at = 0
    for match in pattern.finditer(text):
        chars.append(text[at : match.start()])
        starts.extend(range(at, match.start()))
        ends.extend(range(at + 1, match.start() + 1))
        at = match.end()
        if decode and match.lastgroup == "escape":
            decoded = _decoded(match.group())
            if not decoded:  # not an escape after all (an unknown entity): text
                chars.append(match.group())
                starts.extend(range(match.start(), match.end()))
                ends.extend(range(match.start() + 1, match.end() + 1))
                continue
            # a run of percent escapes may stand for several characters: all span the run
            kept = [c for c in decoded if not c.isspace()]
            chars.extend(kept)
            starts.extend([match.start()] * len(kept))
            ends.extend([match.end()] * len(kept))
    chars.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return "".join(chars), starts, ends


def _spans(text: str, secrets: Iterable[str | None], client_id: str | None) -> list[list[int]]:
    """Where in ``text`` any form of any secret stands, escaped or not (merged, in order)."""
    forms = {form for secret in secrets if secret for form in forms_of(secret, client_id)}
    if not forms:
        return []
    needles = set()
    for form in forms:  # a space may travel as "+", a "+" come back as a space (a form
        # decoded); whitespace is dropped
        needles |= {
            "".join(f.split()) for f in (form, form.replace(" ", "+"), form.replace("+", " "))
        }
    found: list[list[int]] = []
    readings = [False, True] if any(c in text for c in "%\\&") else [False]
    for decode in readings:
        plain, starts, ends = _canonical(text, decode)
        for needle in needles:
            at = plain.find(needle)
            while at >= 0:
                found.append([starts[at], ends[at + len(needle) - 1]])
                at = plain.find(needle, at + 1)
    found.sort()
    merged: list[list[int]] = []
    for span in found:
        if merged and span[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(span)
    return merged


def _remove(text: str, secrets: tuple[str | None, ...], client_id: str | None) -> str:
    spans = _spans(text, secrets, client_id)
    for start, end in reversed(spans):
        text = text[:start] + REDACTED + text[end:]
    return text


def redact(
    text: str,
    *secrets: str | None,
    limit: int = 200,
    client_id: str | None = None,
) -> str:
    """A short excerpt of ``text`` with the given secrets (in every form) and anything
    token-like removed; whitespace folded after that; cut to ``limit`` characters last.

    Only the first 64 KiB of a longer text are read (the word the cut goes through is
    dropped too, so no part of a secret survives it): a huge text costs no more.
    """
    if len(text) > _EXCERPT_SOURCE:
        text = re.sub(r"\S*$", "", text[:_EXCERPT_SOURCE])
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
    return bool(_spans(text, values, client_id))


#: the secrets and tokens this process holds, most recent last (see the module docstring)
_HELD: dict[str, None] = {}
_HELD_LOCK = threading.Lock()
_HELD_MAX = 64
#: shorter values are not held: a test secret such as "secret" would wipe ordinary words
#: from every message; a real client secret or token is far longer
_HELD_MIN = 8


def hold(value: str | None) -> None:
    """Keep ``value`` (a client secret or token of 8 characters or more) out of every
    error message and log record made from now on (:func:`hide`)."""
    if not value or len(value) < _HELD_MIN:
        return
    with _HELD_LOCK:
        _HELD.pop(value, None)
        _HELD[value] = None
        while len(_HELD) > _HELD_MAX:
            del _HELD[next(iter(_HELD))]


def _held() -> tuple[str, ...]:
    with _HELD_LOCK:
        return tuple(_HELD)


#: a run this long of a held value's first characters is removed too (a value cut short);
#: shorter runs are not: tokens and secrets may begin like the client id or one another
_RUN_MIN = 16


def _cut_runs(text: str, values: tuple[str, ...]) -> str:
    """``text`` with every run of 16 or more characters that starts like one of ``values``
    replaced (what is left of a value cut short, as ``f"{value!r:.40}"`` does)."""
    for value in values:
        if len(value) <= _RUN_MIN:
            continue  # whole forms only (hide's first step)
        head = value[:_RUN_MIN]
        at = text.find(head)
        while at >= 0:
            end = at + _RUN_MIN
            while end < len(text) and end - at < len(value) and text[end] == value[end - at]:
                end += 1
            text = text[:at] + REDACTED + text[end:]
            at = text.find(head, at + len(REDACTED))
    return text


def hide(text: str) -> str:
    """``text`` without any held secret or token (every form of :func:`forms_of`, and any
    run of 16 or more of their first characters). Errors and log records pass through it."""
    held = _held()
    if not held or not text:
        return text
    return _cut_runs(_remove(text, held, None), held)


_NEEDLES: dict[tuple[str, ...], tuple[bytes, ...]] = {}
_LOG = logging.getLogger("expertfile_nb")
#: the ASCII characters ``str.isspace`` (and so :func:`hide`'s ``\s``) calls whitespace
_WHITESPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
#: the other whitespace characters, in UTF-8: U+0085, U+00A0, U+1680, U+2000..U+200A,
#: U+2028, U+2029, U+202F, U+205F, U+3000 (a value split by a no-break space is found too)
_WIDE_SPACE = re.compile(
    rb"\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80"
)
#: a JSON escape of an ASCII character (``\u0041`` for ``A``) or of a wide whitespace
#: character (``\u00a0``): it could hide a needle's character, or a gap, from a search of
#: the raw text, so such an answer is searched as re-encoded
_ASCII_ESCAPE = re.compile(rb"\\u(?:00[0-7]|0085|00[aA]0|1680|200[0-9aA]|202[89fF]|205[fF]|3000)")
#: JSON's two-character escapes, read (after ``\\``, see :func:`_unjson`); the whitespace
#: ones, and the escapes of control characters ``json.dumps`` writes, become a space
_JSON_ESCAPES = (
    (b'\\"', b'"'),
    (b"\\/", b"/"),
    (b"\\n", b" "),
    (b"\\r", b" "),
    (b"\\t", b" "),
    (b"\\f", b" "),
)
#: the whitespace ``json.dumps`` writes as ``\u00XX`` (only a re-encoded answer holds them)
_JSON_SPACES = (b"\\u000b", b"\\u001c", b"\\u001d", b"\\u001e", b"\\u001f")


def _needles(held: tuple[str, ...]) -> tuple[bytes, ...]:
    """What a search for the held values looks for, in UTF-8, without whitespace: each
    value's first 16 characters (the whole of a shorter one; :func:`hide` cuts such a run)
    and its other whole-value forms; a needle holding another is left out (found by it)."""
    found = _NEEDLES.get(held)
    if found is None:
        forms: set[str] = set()
        for value in held:
            for form in forms_of(value):
                form = form[:_RUN_MIN] if form == value else form
                forms |= {
                    "".join(f.split())
                    for f in (form, form.replace(" ", "+"), form.replace("+", " "))
                }
        kept = sorted(form for form in forms if form)
        kept = [f for f in kept if not any(o != f and o in f for o in kept)]
        found = tuple(form.encode() for form in kept)
        _NEEDLES.clear()  # one entry: the held values change rarely
        _NEEDLES[held] = found
    return found


def _unjson(text: bytes) -> bytes:
    """``text`` with JSON's escapes read (the whitespace ones as a space): each ``\\\\``
    is taken first, left to right, as a JSON reader pairs them, so the ``\\n`` of
    ``C:\\\\nightly`` stays an ``n``. A ``\\uXXXX`` of any other character stays
    (:func:`clean` sends an answer holding an ASCII one to the re-encoded search)."""
    text = text.replace(b"\\\\", b"\x00")  # JSON text holds no raw NUL
    for escape, plain in _JSON_ESCAPES:
        text = text.replace(escape, plain)
    if b"\\u00" in text:
        for escape in _JSON_SPACES:
            text = text.replace(escape, b" ")
    return text.replace(b"\x00", b"\\")


def _compact(text: bytes) -> bytes:
    """``text`` without any whitespace (what :func:`hide` reads as a gap)."""
    text = text.translate(None, _WHITESPACE)
    return text if text.isascii() else _WIDE_SPACE.sub(b"", text)


def _mentions(text: bytes, needles: tuple[bytes, ...], *, json_text: bool = False) -> bool:
    """Whether ``text`` (UTF-8) may hold one of ``needles``: without whitespace, as it is,
    percent-decoded, HTML-unescaped, and both (a mix of the two in one value). JSON text
    (``json_text``) is read with its escapes decoded; a string both as it is and so (it
    may hold JSON text itself). Each reading is made at C speed and searched with ``in``;
    a string found is then cleaned exactly (:func:`hide`)."""
    variants = [text]
    if b"\\" in text:
        variants = [_unjson(text)] if json_text else [text, _unjson(text)]
    for variant in variants:
        compact = _compact(variant)
        readings = [compact]
        if b"%" in compact:
            readings.append(_compact(unquote_to_bytes(compact)))
        if b"&" in compact:  # the percent-decoded reading: escapes may stand beside entities
            unescaped = html.unescape(readings[-1].decode("utf-8", "replace")).encode()
            readings.append(_compact(unescaped))
        if any(needle in reading for reading in readings for needle in needles):
            return True
    return False


def _clean_text(value: str, needles: tuple[bytes, ...], changed: list[str]) -> str:
    if not _mentions(value.encode("utf-8", "replace"), needles):
        return value
    changed.append(REDACTED)
    hidden = hide(value)  # exact: only the part that holds it
    return REDACTED if _mentions(hidden.encode("utf-8", "replace"), needles) else hidden


def _clean_value(value: Any, needles: tuple[bytes, ...], changed: list[str]) -> Any:
    """``value`` with every string (keys included) cleaned, lists and dicts copied; one
    entry added to ``changed`` for each string cleaned. A loop, not a recursion:
    ``json.loads`` reads lists nested deeper than Python recurses."""

    def fresh(item: Any) -> Any:
        """A string cleaned; a new empty container to fill (queued); anything else itself."""
        if isinstance(item, str):
            return _clean_text(item, needles, changed)
        if isinstance(item, (list, dict)):
            copy: Any = [] if isinstance(item, list) else {}
            queue.append((item, copy))
            return copy
        return item

    queue: list[tuple[Any, Any]] = []
    result = fresh(value)
    while queue:
        source, target = queue.pop()
        if isinstance(source, list):
            target.extend(fresh(item) for item in source)
        else:
            for key, item in source.items():
                target[fresh(key)] = fresh(item)
    return result


def clean(value: Any, raw: bytes | None = None, what: str = "an answer") -> Any:
    """Parsed JSON ``value`` with every held secret or token (:func:`hold`) removed from
    its strings, keys included, in every form :func:`hide` knows; ``value`` itself when
    none is there. ``raw``, the JSON text ``value`` was parsed from, is searched as it is
    when it can be (no JSON escape of an ASCII character, plain ASCII needles): a
    ``translate`` and a few ``in`` searches per answer; else ``value`` re-encoded (or, nested
    too deep for that, walked string by string). Only an answer that holds one is walked.
    A warning is logged (without the value)."""
    held = _held()
    if not held or value is None:
        return value
    needles = _needles(held)
    plain = all(
        needle.isascii() and b'"' not in needle and b"\\" not in needle for needle in needles
    )
    if (
        raw is None
        or not plain
        or not json.detect_encoding(raw).startswith("utf-8")  # UTF-16 or 32: no needle
        or _ASCII_ESCAPE.search(raw)
    ):
        try:  # a lone surrogate (from "\\ud800") cannot be UTF-8: replaced, still searched
            text = json.dumps(value, ensure_ascii=False, check_circular=False)
        except (TypeError, ValueError, RecursionError):
            raw = None  # nested too deep to re-encode (json.loads read one level more)
        else:
            raw = text.encode("utf-8", "replace")
    if raw is not None and not _mentions(raw, needles, json_text=True):
        return value
    changed: list[str] = []  # raw None: every string is searched on its own
    cleaned = _clean_value(value, needles, changed)
    if not changed:
        return value
    _LOG.warning(
        "%s held a client secret or access token this process holds (the service echoed "
        "it); it was replaced with %s in the data.",
        what,
        REDACTED,
    )
    return cleaned


class _Hiding(logging.Filter):
    """Removes held secrets and tokens from a log record's message before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _HELD:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted: logging reports it itself
            return True
        clean = hide(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


#: this package's logger and urllib3's (its DEBUG lines quote every URL requested, a
#: redirect's target included); a filter on a logger sees only that logger's records
_LOGGERS = (
    "expertfile_nb",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)
_FILTER = _Hiding()
for _name in _LOGGERS:
    logging.getLogger(_name).addFilter(_FILTER)


def _holds_any(value: object, held: tuple[str, ...]) -> bool:
    """Whether ``value`` (a string, or a shallow container of strings) holds a held value."""
    if isinstance(value, str):
        return any(secret in value for secret in held)
    if isinstance(value, dict):
        items: list[object] = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        return False
    return any(isinstance(item, str) and _holds_any(item, held) for item in items[:1000])


def drop_secret_locals(error: BaseException, *also: str | None) -> None:
    """Clear the local variables of every finished frame on ``error``'s traceback (and on
    those of its cause and context) that holds a held secret or token (or one of ``also``)
    in a string, so that a verbose traceback (IPython's ``%xmode Verbose``) cannot show it.
    A frame still running (the caller's) cannot be cleared: its function drops its own."""
    held = _held() + tuple(value for value in also if isinstance(value, str) and value)
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and held:
        seen.add(id(current))
        tb: TracebackType | None = current.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if any(_holds_any(v, held) for v in frame.f_locals.values()):
                with contextlib.suppress(RuntimeError):  # still running: it drops its own
                    frame.clear()
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
