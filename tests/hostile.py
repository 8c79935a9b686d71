"""A scripted hostile "service" on a plain ``pytest_httpserver`` (127.0.0.1), for ``check`` and
``capture``: it answers the documented paths with whatever a test sets — odd usernames, keys
and header names equal to the token or the secret, redirects, slow answers, other
challenges — and records every request line as sent (percent-encoding kept)."""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ORG = 42


@dataclass
class Hostile:
    """The service's script; ``url`` after :meth:`serve`."""

    client_id: str = "hostile-client"
    secret: str = field(default_factory=lambda: "sec-" + secrets.token_hex(16))
    token: str = field(default_factory=lambda: "tok-" + secrets.token_hex(16))
    usernames: list[Any] = field(default_factory=lambda: [f"person-{i}" for i in range(6)])
    lifetime_days: float = 30.0
    www_authenticate: str = 'Bearer realm="api"'
    headers: dict[str, str] = field(default_factory=dict)
    echo: bool = False  # keys equal to the token and the secret in every answer
    redirect: bool = False  # every data GET redirected to a path holding the token
    delay: float = 0.0  # seconds before each data answer
    token_delay: float = 0.0  # seconds before the token answer
    seen: list[str] = field(default_factory=list)  # "GET /raw/path?query"
    url: str = ""

    def serve(self, httpserver: HTTPServer) -> Hostile:
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.answer)
        self.url = httpserver.url_for("").rstrip("/")
        return self

    def _json(self, body: Any, status: int = 200, **headers: str) -> Response:
        return Response(
            json.dumps(body),
            status,
            {"Content-Type": "application/json", **self.headers, **headers},
        )

    def _echo(self, item: Any) -> Any:
        return {**item, self.token: 1, self.secret: 2} if self.echo else item

    def answer(self, request: Request) -> Response:
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        self.seen.append(f"{request.method} {raw}")
        path = request.path
        if request.method == "POST" and path == "/v2/oauth/token":
            if request.form.get("client_secret") != self.secret:
                return self._json({"success": False, "error": "invalid_client"}, 401)
            time.sleep(self.token_delay)
            ends = datetime.now(timezone.utc) + timedelta(days=self.lifetime_days)
            data = {
                "accessToken": self.token,
                "accessTokenExpiresAt": ends.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "client": self.client_id,
                "user": ORG,
                "scope": True,
            }
            return self._json({"success": True, "data": data})
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            failure = {"success": False, "error": "invalid_token", "error_description": "no"}
            return self._json(
                self._echo(failure), 401, **{"WWW-Authenticate": self.www_authenticate}
            )
        if self.redirect:
            where = f"/v2/echo/{self.token}/x?t={self.token}"
            return Response("", 302, {"Location": where})
        time.sleep(self.delay)
        return self._data(request, raw.split("?")[0])

    def _data(self, request: Request, path: str) -> Response:
        """Answers by the raw path: an encoded ``/`` stays inside its segment."""
        args = request.args
        people = [
            self._echo({"username": u, "firstname": "A", "lastname": "B"}) for u in self.usernames
        ]
        spotlights = [self._echo({"id": 7, "spotlight_title": "T", "tags": []})]
        lists = {
            f"/v2/organization/{ORG}/expert": ("experts", people),
            f"/v2/organization/{ORG}/employee": ("staff", people),
            f"/v2/spotlight/{ORG}/search": ("spotlights", spotlights),
        }
        if path in lists:
            key, rows = lists[path]
            start, size = int(args.get("page_from", 0)), int(args.get("page_size", 10))
            data = {key: rows[start : start + size], "total": len(rows)}
            if key != "staff":
                data["aggregations"] = {}
            return self._json({"success": True, "data": self._echo(data)})
        if path == f"/v2/spotlight/{ORG}/7":
            return self._json({"success": True, "data": {"spotlight": spotlights}})
        parts = path.split("/")
        if path.startswith((f"/v2/organization/{ORG}/expert/", f"/v2/organization/{ORG}/staff/")):
            if parts[5] == "revoked":  # a profile the token is refused for, again and again
                return self._json({"success": False, "error": "invalid_token"}, 401)
            if len(parts) == 6:
                profile = {"account": [self._echo({"username": parts[5]})], "biography": []}
                return self._json({"success": True, "data": self._echo(profile)})
            return self._json({"success": True, "data": []})
        return self._json({"success": False, "error": "not_found"}, 404)
