"""A plain server's expert directory that keeps writes, for the client's round-trip tests.

Not ``fake_server``: the documented routes and answers only (API reference §3.1-§3.3),
over a dict of accounts, with scripted or random failures *after* a write is carried
out (the case that tempts a client to write twice) and a log of every write received.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, unquote

from werkzeug.wrappers import Request, Response

from tests.contract import pages
from tests.reads.service import PlainService

BASE = f"/v2/organization/{pages.ORG}/expert"
FIELDS = (
    "firstname", "lastname", "job_title", "email", "company", "department", "phone_number",
    "location_city", "location_state", "location_country",
)  # fmt: skip


def _json(body: Any, status: int = 200, **headers: str) -> Response:
    return Response(
        json.dumps(body), status=status, content_type="application/json", headers=headers
    )


def make_accounts(count: int) -> dict[str, dict[str, str]]:
    accounts = {}
    for i in range(count):
        name = f"expert.{i:05d}"
        accounts[name] = {"username": name, **{f: f"{f} {i}" for f in FIELDS}}
        accounts[name]["email"] = f"{name}@example.org"
    return accounts


class Directory:
    """Accounts behind ``/v2/organization/:org/expert[/:username]``.

    Attributes:
        accounts: username → account (strings).
        writes: (method, username or None, form) of every write received, in order.
        fail_after: probability that a write is carried out and then answered 500.
        fail_next: that many writes to come are carried out and answered 500.
        refuse: usernames whose writes are answered 500 without being carried out.
        latency: seconds every answer waits.
    """

    def __init__(self, accounts: dict[str, dict[str, str]], seed: int = 0) -> None:
        self.accounts = accounts
        self.writes: list[tuple[str, str | None, dict[str, str]]] = []
        self.fail_after = 0.0
        self.fail_next = 0
        self.refuse: set[str] = set()
        self.latency = 0.0
        self.random = random.Random(seed)  # noqa: S311 # which writes fail, not a secret
        self.lock = threading.Lock()
        self.created = 0
        self.failed_after = 0
        self.biographies: dict[str, str] = {}

    def install(self, service: PlainService) -> Directory:
        pattern = re.compile(rf"^{re.escape(BASE)}(/[^/]+(/biography)?)?$")
        service.server.expect_request(pattern).respond_with_handler(self)
        return self

    def __call__(self, request: Request) -> Response:
        if self.latency:
            time.sleep(self.latency)
        tail = request.path[len(BASE) :].lstrip("/")
        name = unquote(tail.removesuffix("/biography")) if tail else None
        if request.method == "GET":
            return self._read(name, request)
        form = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
        if tail.endswith("/biography") and name is not None:  # §3.4: POST sets it
            with self.lock:
                self.writes.append(("POST biography", name, form))
                self.biographies[name] = form.get("description", "")
            return _json({"data": [{"id": None}], "success": True})
        with self.lock:
            self.writes.append((request.method, name, form))
            if name in self.refuse:
                return _json({"success": False, "error": "server_error"}, 500)
            if name is not None and name not in self.accounts:
                return _json({"success": False, "error": "not_found"}, 404)
            if request.method == "PUT" and name is not None:
                self.accounts[name].update(form)
                answer = _json({"data": {"user": name, "updated": True}, "success": True})
            elif request.method == "DELETE" and name is not None:
                del self.accounts[name]
                answer = _json({"data": {"id": 1, "deleted": True}, "success": True})
            else:
                self.created += 1
                new = f"new.{self.created}"
                self.accounts[new] = {"username": new, **form}
                answer = _json({"data": [form], "success": True})
            failed = self.fail_next > 0 or self.random.random() < self.fail_after
            self.fail_next = max(0, self.fail_next - 1)
            self.failed_after += failed
        return _json({"success": False, "error": "server_error"}, 500) if failed else answer

    def _read(self, name: str | None, request: Request) -> Response:
        with self.lock:
            if name is None:
                q = request.args.get("q", "").lower()  # searchfield=fullname: the name
                rows = [
                    {"username": u}
                    for u, a in self.accounts.items()
                    if q in f"{a.get('firstname', '')} {a.get('lastname', '')}".lower()
                ]
                return _json({"data": {"experts": rows, "total": len(rows)}, "success": True})
            if name not in self.accounts:
                return _json({"success": False, "error": "not_found"}, 404)
            bio = self.biographies.get(name)
            profile = {
                "account": [dict(self.accounts[name])],
                "biography": [] if bio is None else [{"biography": bio}],
            }
            return _json({"data": profile, "success": True})

    def frame(self) -> Any:
        """The accounts as a profile frame (one row per username)."""
        import pandas as pd

        with self.lock:
            return pd.DataFrame([dict(a) for a in self.accounts.values()])
