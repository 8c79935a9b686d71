"""The wire envelope: ``{"data": …, "success": true}``, and the failure envelope in its two shapes.

The success envelope is documented. The failure body is not (a GAP in the
documents), so its shape is a setting (``error_body``, see ``ASSUMPTIONS``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fake_server._wsgi import Answer

__all__ = ["ErrorBody", "failure", "ok"]

ErrorBody = Literal["error", "message"]
_NO_STORE = ("Cache-Control", "no-store")


def ok(data: Any, *, success: bool = True) -> Answer:
    """``data`` in the documented success envelope (``success=False``: without the
    ``"success"`` key, as some of the vendor's samples show it)."""
    body = {"data": data, "success": True} if success else {"data": data}
    return Answer(json.dumps(body, separators=(",", ":")).encode())


def failure(
    status: int,
    error: str,
    description: str,
    headers: dict[str, str] | None = None,
    *,
    style: ErrorBody = "error",
) -> Answer:
    """A failure answer.

    Args:
        status: the HTTP status.
        error: a short code (``invalid_request``, ``invalid_token``, …).
        description: what was wrong and what to do.
        headers: more headers (``WWW-Authenticate``, ``Retry-After``, ``Allow``).
        style: ``"error"`` → ``{"success": false, "error", "error_description"}``;
            ``"message"`` → ``{"success": false, "message"}``.
    """
    body: dict[str, Any] = {"success": False}
    if style == "message":
        body["message"] = description
    else:
        body["error"] = error
        body["error_description"] = description
    extra = [_NO_STORE, *(headers or {}).items()]
    return Answer(json.dumps(body).encode(), status, headers=extra)
