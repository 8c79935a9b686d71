"""Helpers the write-path tests share (fixtures are in this folder's conftest.py)."""

from __future__ import annotations

from typing import Any

import expertfile_nb as ef
from fake_server import FakeExpertFile

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
