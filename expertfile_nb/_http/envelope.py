"""The service's envelope, read in one place: ``{"data": …, "success": true}`` and error fields.

Every answer is read through these functions, so that an unreadable body (not
JSON, not UTF-8, nested deeper than Python can parse) is always "no body"
rather than a crash, and ``success`` must be exactly ``true`` — or absent: the vendor's
own samples leave it out of some answers (Get Biography, Get Tagline, Get All Links,
Get All Research Grant, Get a Specific Industry), so an answer without it is read by
its ``data`` alone, which each caller then holds to the documented shape. A
``success`` that is there and is anything but ``true`` is never success.

Every answer's data is cleaned as it is read (:func:`expertfile_nb._redact.clean`): a
client secret or token this process holds, echoed by the service in a record's value or
key, becomes ``***`` before any DataFrame, file, warehouse or message sees it. Only the
token endpoint's own answer is read raw (it *is* the token).
"""

from __future__ import annotations

import json
from typing import Any

from expertfile_nb._redact import clean

__all__ = ["data_of", "error_fields", "load_json"]


def load_json(content: bytes | None, *, raw: bool = False) -> Any:
    """The decoded JSON body, or ``None`` if it cannot be read as JSON; every held secret
    or token removed from its strings unless ``raw`` (the token endpoint's answer only)."""
    if not content:
        return None
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return body if raw else clean(body, content)


def data_of(body: Any) -> Any:
    """``body["data"]`` when ``body`` is the success envelope (``"success": true``, or no
    ``success`` key at all, as in some of the vendor's samples), else None."""
    if isinstance(body, dict) and body.get("success", True) is True:
        return body.get("data")
    return None


def error_fields(body: Any) -> tuple[str | None, str]:
    """(error code, readable description) from a failure body, as far as it has them.

    The documents do not say what a failure looks like; this reads the fields
    an OAuth-style body (``error``, ``error_description``) or a plain one
    (``message``) would carry.
    """
    if not isinstance(body, dict):
        return None, ""
    code = body.get("error") if isinstance(body.get("error"), str) else None
    parts = [
        body[key]
        for key in ("error_description", "message")
        if isinstance(body.get(key), str) and body[key]
    ]
    return code, " ".join(parts)
