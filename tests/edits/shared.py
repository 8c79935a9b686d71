"""Helpers the write-path tests share (fixtures are in this folder's conftest.py)."""

from __future__ import annotations

from typing import Any

import requests

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.helpers import get_token

WRITES = ("POST", "PUT", "DELETE")


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


def service_shows(server: FakeExpertFile, username: str, **fields: str) -> None:
    """Make the fake hold ``fields`` for an expert, as a hostile or careless service would
    echo them: a plain PUT with a token of the fake's own, not through the package (which
    refuses to send a value holding the token it uses)."""
    token = get_token(server)
    answer = requests.put(
        f"{server.url}/v2/organization/{server.org_id}/expert/{username}",
        data=fields,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
