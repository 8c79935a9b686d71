"""Helpers the write-path tests share (fixtures are in this folder's conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import requests

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.helpers import get_token

WRITES = ("POST", "PUT", "DELETE")
#: a new expert's row of an ``after`` frame (every field a create requires)
NEW = {"username": None, "firstname": "Ada", "lastname": "Quill", "job_title": "Analyst"}
NEW |= {"email": "ada@x.org", "company": "X"}
#: an expert list that shows nobody (a search that lags behind a create)
NOBODY = {"data": {"experts": [], "total": 0}, "success": True}


def fresh(server: FakeExpertFile) -> FakeExpertFile:
    """A module's fake as new (no fault, no one-shot answer), logged in to."""
    server.reset()
    server.clear_all_handlers()
    ef.login(server.client_id, server.client_secret, base_url=server.url)
    return server


def a_create_sent_by_an_earlier_run(fake: FakeExpertFile, journal: Path) -> None:
    """The journal of an apply of a create of NEW that stopped after sending it."""
    plan = ef.plan_changes(pd.DataFrame(columns=list(NEW)), pd.DataFrame([NEW]))
    header = {**plan._record(), "base_url": fake.url.rstrip("/"), "org": str(fake.org_id)}
    lines = [json.dumps(header), json.dumps({"type": "sending", "n": [0]})]
    journal.write_text("\n".join(lines) + "\n")
    journal.chmod(0o600)


def names(count: int) -> list[str]:
    """The first ``count`` usernames of the organization logged in to."""
    frame = ef.get_experts(limit=count, progress=False, access="all", status="all")
    return [str(n) for n in frame.username.tolist()[:count]]


def writes(server: FakeExpertFile, since: float = 0.0) -> list[Any]:
    """The writes ``server`` received since ``since`` (its journal's entries; no token POST)."""
    return [
        e
        for e in server.journal
        if e.method in WRITES and e.time >= since and "/oauth/" not in e.path
    ]


def service_shows(
    server: FakeExpertFile, username: str, section: str | None = None, **fields: str
) -> None:
    """Make the fake hold ``fields`` for an expert (the account's, or an item of
    ``section``), as a hostile or careless service would echo them: a plain PUT (POST for a
    section) with a token of the fake's own, not through the package (which refuses to send
    a value holding the token it uses)."""
    path = f"{server.url}/v2/organization/{server.org_id}/expert/{username}"
    answer = requests.request(
        "POST" if section else "PUT",
        f"{path}/{section}" if section else path,
        data=fields,
        headers={"Authorization": f"Bearer {get_token(server)}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
