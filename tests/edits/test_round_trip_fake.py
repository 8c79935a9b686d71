"""The round trip against the bundled fake, which keeps writes and fails them on request.

plan → dry run (no write in the fake's journal) → apply → re-apply (no write) → undo
(before-images back); conflicts, partial failure and resume; writes the fake makes and
then fails (a 500, a dropped connection) are re-read, never written twice; and a
randomized run where 10 % of the writes fail after being made.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile

WRITES = ("POST", "PUT", "DELETE")


def log_in(server: FakeExpertFile) -> None:
    ef.login(server.client_id, server.client_secret, base_url=server.url)


def profiles(usernames: list[str]) -> pd.DataFrame:
    """The profile frame the round trip starts from: one row per person."""
    return ef.get_profiles(usernames, progress=False)


def usernames(count: int, offset: int = 0) -> list[str]:
    frame = ef.get_experts(limit=count + offset, progress=False, access="all", status="all")
    return frame.username.tolist()[offset : offset + count]


def writes_since(server: FakeExpertFile, since: float) -> list[Any]:
    return [e for e in server.journal if e.method in WRITES and e.time >= since]


def edited(before: pd.DataFrame) -> pd.DataFrame:
    after = before.copy()
    after.loc[0, "job_title"] = "Dean of Things"
    after.loc[1, ["job_title", "company"]] = ["Provost", "Elsewhere"]
    after.loc[2, "location_city"] = "Halifax"
    return after


@pytest.fixture
def fake(expertfile_server: FakeExpertFile) -> FakeExpertFile:
    log_in(expertfile_server)
    return expertfile_server


def test_plan_dry_run_apply_reapply_undo(fake: FakeExpertFile, tmp_path: Path) -> None:
    names = usernames(4)
    before = profiles(names)
    plan = ef.plan_changes(before, edited(before))
    assert len(plan) == 4
    start = time.time()
    plan.apply(dry_run=True)
    assert writes_since(fake, start) == []
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.ok, result.statuses
    assert sorted(e.path.rsplit("/", 1)[-1] for e in writes_since(fake, start)) == sorted(names[:3])
    assert profiles(names).equals(edited(before))
    again = time.time()
    assert plan.apply(journal=tmp_path / "again.jsonl").counts == {"already applied": 4}
    assert writes_since(fake, again) == []
    undone = result.undo()
    assert undone.ok, undone.statuses
    assert profiles(names).equals(before)  # the before-images are back


def test_a_change_made_by_someone_else_is_a_conflict(fake: FakeExpertFile, tmp_path: Path) -> None:
    names = usernames(3)
    before = profiles(names)
    plan = ef.plan_changes(before, edited(before))
    ef.update_expert(names[1], company="Someone else's")
    result = plan.apply(journal=tmp_path / "j.jsonl")
    status = {(s["username"], s["field"]): s["status"] for s in result.statuses}
    assert status[(names[1], "company")] == "conflict"
    assert status[(names[1], "job_title")] == "applied"
    assert ef.get_expert(names[1])["account"][0]["company"] == "Someone else's"


def test_partial_failure_then_resume(fake: FakeExpertFile, tmp_path: Path) -> None:
    names = usernames(3)
    before = profiles(names)
    plan = ef.plan_changes(before, edited(before))
    where = f"/v2/organization/{fake.org_id}/expert/{names[0]}"
    fake.fail_writes_next(1, status=400, retry_after=None, path=where, error="invalid")
    journal = tmp_path / "j.jsonl"
    result = plan.apply(journal=journal)
    by_user = {s["username"]: s["status"] for s in result.statuses}
    assert by_user[names[0]] == "failed" and by_user[names[2]] == "applied"
    start = time.time()
    assert ef.resume(journal).ok
    assert [e.path.rsplit("/", 1)[-1] for e in writes_since(fake, start)] == [names[0]]
    assert profiles(names).equals(edited(before))


@pytest.mark.parametrize("failure", ["500 after the write", "connection dropped after it"])
def test_a_write_made_then_failed_is_not_written_twice(fake: FakeExpertFile, failure: str) -> None:
    (name,) = usernames(1)
    if failure.startswith("500"):
        fake.fail_after_write_next(1)
    else:
        fake.drop_after_write_next(1)
    start = time.time()
    assert ef.update_expert(name, job_title="Chair")["updated"] is True
    assert len(writes_since(fake, start)) == 1
    assert ef.get_expert(name)["account"][0]["job_title"] == "Chair"


def test_a_429_is_waited_out_and_sent_again(fake: FakeExpertFile) -> None:
    (name,) = usernames(1)
    fake.fail_writes_next(2, status=429, retry_after=0)
    start = time.time()
    assert ef.update_expert(name, job_title="Chair")["updated"] is True
    assert [e.status for e in writes_since(fake, start)] == [429, 429, 200]


def test_create_and_delete_round_trip(fake: FakeExpertFile, tmp_path: Path) -> None:
    names = usernames(3)
    before = profiles(names)
    new = {"firstname": "Ada", "lastname": "Quillfeather", "job_title": "Analyst"}
    new |= {"email": "ada.q@example.org", "company": "Example"}
    after = pd.concat([before.iloc[:2], pd.DataFrame([new])], ignore_index=True)
    # the create (the first write, workers=1) is made, then answered 500
    fake.fail_after_write_next(1, path=f"/v2/organization/{fake.org_id}/expert")
    plan = ef.plan_changes(before, after, allow_delete=True)
    result = plan.apply(journal=tmp_path / "j.jsonl", workers=1)
    assert result.counts == {"applied": 2}, result.statuses
    posts = [e for e in fake.journal if e.method == "POST" and "/oauth/" not in e.path]
    assert len(posts) == 1  # found after the 500, not created twice
    with pytest.raises(ef.NotFoundError):
        ef.get_expert(names[2])
    assert plan.apply(journal=tmp_path / "again.jsonl").counts == {"already applied": 2}
    assert result.undo().ok
    found = ef.get_experts(q="Ada Quillfeather", searchfield="fullname", access="all", status="all")
    assert found.empty


def test_no_write_lost_or_doubled_when_10_percent_fail_after_being_made(tmp_path: Path) -> None:
    rng = random.Random(18)  # noqa: S311 # test data, not a secret
    with FakeExpertFile(write_failure_rate=0.1, write_failure_seed=18, experts=60) as server:
        log_in(server)
        session = ef.get_session()
        pool = usernames(60)
        known = profiles(pool).set_index("username", drop=False)  # kept up to date below
        failed = 0
        for trial in range(200):
            names = rng.sample(pool, 3)
            before = known.loc[names].reset_index(drop=True)
            after = before.copy()
            for row in range(rng.randint(1, 3)):
                field = rng.choice(["job_title", "company", "location_city"])
                after.loc[row, field] = f"{field} {trial}"
            plan = ef.plan_changes(before, after)
            start = time.time()
            result = plan.apply(journal=tmp_path / f"{trial}.jsonl", workers=2, session=session)
            assert result.ok, result.statuses
            writes = writes_since(server, start)
            touched = sorted({c.username or "" for c in plan.changes})
            assert sorted(e.path.rsplit("/", 1)[-1] for e in writes) == touched  # once each
            failed += sum(e.status == 500 for e in writes)
            assert profiles(names).equals(after)  # none lost
            known.loc[names] = after.to_numpy()
        assert failed >= 20  # the fake did fail some 10 % of the writes after making them
