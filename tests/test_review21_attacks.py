"""Attacks by a reviewer of issue 21's fixes: faults in the middle of an undo's restore,
an undo killed and run again, odd CSVs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile

WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture
def fake(expertfile_server: FakeExpertFile) -> FakeExpertFile:
    ef.login(expertfile_server.client_id, expertfile_server.client_secret,
             base_url=expertfile_server.url)  # fmt: skip
    return expertfile_server


def writes(server: FakeExpertFile) -> list[str]:
    return [
        f"{e.method} {e.path}"
        for e in server.journal
        if e.method in WRITES and "/oauth/" not in e.path
    ]


def rich_expert() -> str:
    frame = ef.get_experts(limit=10, progress=False, access="all", status="all")
    for name in frame.username:
        p = ef.get_expert(name)
        if p.get("link") and p.get("education") and p.get("topic") and p.get("biography"):
            return str(name)
    raise AssertionError("no expert with links, education, topics and a biography")


def deleted(tmp_path: Path) -> tuple[str, dict[str, Any], Path]:
    name = rich_expert()
    image = ef.get_expert(name)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before[before.username != name], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    assert plan.apply(journal=journal).counts == {"applied": 1}
    return name, image, journal


def items(profile: dict[str, Any], key: str, field: str) -> list[str]:
    return sorted(str(i.get(field)).strip() for i in profile.get(key) or [])


def everyone() -> set[str]:
    frame = ef.get_experts(progress=False, access="all", status="all")
    return {str(u) for u in frame.username}


def check_restored(journal: Path, image: dict[str, Any], people: set[str]) -> None:
    """Undo run again finishes the restore; a third run writes nothing; one person."""
    second = ef.undo(journal, workers=1)
    assert second.ok, second.statuses
    (status,) = second.statuses
    new = status["username"]
    assert everyone() - people == {new}
    now = ef.get_expert(new)
    for key, field in (("link", "url"), ("education", "school"), ("topic", "topic")):
        assert items(now, key, field) == items(image, key, field), key
    assert ef.undo(journal, workers=1).ok
    assert everyone() - people == {new}


def test_a_restore_whose_create_was_refused_is_finished_by_undo_again(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, image, journal = deleted(tmp_path)
    people = everyone()
    # the create and its three resends: 500, nothing made (each re-read shows it absent)
    fake.fail_writes_next(4, status=500, retry_after=None, path=f"/v2/organization/{fake.org_id}/expert")
    first = ef.undo(journal, workers=1)
    assert not first.ok and first.statuses[0]["status"] == "failed"
    check_restored(journal, image, people)


def test_a_restore_refused_part_way_through_its_items_is_finished_by_undo_again(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, image, journal = deleted(tmp_path)
    people = everyone()
    # the first item added after the create, and its resends: 500, nothing added
    fake.fail_writes_next(4, status=500, retry_after=None, path=f"/v2/organization/{fake.org_id}/expert/")
    first = ef.undo(journal, workers=1)
    assert not first.ok and first.statuses[0]["status"] == "failed"
    check_restored(journal, image, people)
