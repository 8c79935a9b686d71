"""Review lead24: the edits this session changed, attacked from outside.

A resumed create's (and restore's) settle delay is waited only if it fits in what is left
of the deadline; a namesake whose account shows the names alone is "cannot tell" (a resume
then sends nothing); the restore of a deleted person takes the holder of the old username
for them only if names and email (when both show one) are the image's.

Against one bundled fake per module (reset before each test), plus answers a test
registers on it (a lagging search, a read that shows less).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from werkzeug import Request, Response

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.edits.shared import (
    NEW,
    NOBODY,
    a_create_sent_by_an_earlier_run,
    fresh,
    names,
    writes,
)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(experts=4) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeExpertFile) -> FakeExpertFile:
    return fresh(server)


def list_path(fake: FakeExpertFile) -> str:
    return f"/v2/organization/{fake.org_id}/expert"


def deleted(fake: FakeExpertFile, tmp_path: Path) -> tuple[str, ef.ApplyResult]:
    """An expert deleted by an apply (its journal holds the before-image)."""
    first, _second = names(2)
    before = ef.get_profiles([first, _second], progress=False)
    plan = ef.plan_changes(before, before[before.username != first], allow_delete=True)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses
    assert result.journal is not None
    return first, result


def undo_stopped_before(result: ef.ApplyResult, *types: str) -> None:
    """The undo's journal as if its run stopped before writing records of these types."""
    undo_journal = Path(str(result.journal) + ".undo.jsonl")
    lines = undo_journal.read_text().splitlines()
    kept = [x for x in lines if json.loads(x).get("type") not in types]
    undo_journal.write_text("".join(x + "\n" for x in kept))


# -- the settle delay, within what is left of the deadline ---------------------------------
def test_a_settle_that_no_longer_fits_after_a_slow_search_is_not_waited(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The deadline (3.5 s) is longer than the settle delay (2 s), but the first search took
    1.8 s of it: what is left does not hold the delay, so the resume does not wait (nor
    search again, nor resend); the status says to run it again."""

    def slow_nobody(request: Request) -> Response:
        time.sleep(1.8)  # a slow service, not a timed assertion
        return Response(json.dumps(NOBODY), content_type="application/json")

    journal = tmp_path / "j.jsonl"
    a_create_sent_by_an_earlier_run(fake, journal)
    fake.expect_oneshot_request(list_path(fake), method="GET").respond_with_handler(slow_nobody)
    start = time.time()
    resumed = ef.resume(journal, deadline=3.5)
    assert resumed.counts == {"failed": 1}, resumed.statuses
    assert "within the deadline" in resumed.statuses[0]["detail"]
    assert writes(fake, start) == []


# -- find_person's namesake, on a resume ---------------------------------------------------
def test_a_resumed_create_does_not_resend_past_a_namesake_shown_by_names_alone(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """An earlier run sent the create; someone of that name now shows, their account read
    showing the names alone: that may be the person the earlier run made (the read showed
    less), so nothing is sent again; the status says to run it again."""
    fields: dict[str, Any] = {k: v for k, v in NEW.items() if k != "username"}
    ef.create_expert(**{**fields, "email": "other@x.org"})
    (username,) = (
        ef.get_experts(access="all", status="all", progress=False)
        .query("username.str.startswith('ada-quill')")
        .username
    )
    only_names = {"username": username, "firstname": "Ada", "lastname": "Quill"}
    fake.expect_oneshot_request(f"{list_path(fake)}/{username}", method="GET").respond_with_json(
        {"data": {"account": [only_names]}, "success": True}
    )
    journal = tmp_path / "j.jsonl"
    a_create_sent_by_an_earlier_run(fake, journal)
    start = time.time()
    resumed = ef.resume(journal)
    assert resumed.counts == {"failed": 1}, resumed.statuses
    assert "not sent again" in resumed.statuses[0]["detail"]
    assert writes(fake, start) == []


# -- the restore of a deleted person -------------------------------------------------------
def test_a_resumed_restore_whose_settle_does_not_fit_sends_nothing(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """An undo sent the create that restores a deleted person and stopped before its
    outcome; on the next run the search lags (nobody yet) and the deadline (1.5 s) is
    shorter than the settle delay: not searched again at once, not resent."""
    _old, result = deleted(fake, tmp_path)
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    undo_stopped_before(result, "created", "result")
    fake.expect_oneshot_request(list_path(fake), method="GET").respond_with_json(NOBODY)
    start = time.time()
    again = ef.undo(Path(str(result.journal)), deadline=1.5)
    assert again.counts == {"failed": 1}, again.statuses
    assert "within the deadline" in again.statuses[0]["detail"]
    assert writes(fake, start) == []


def test_a_resumed_restore_whose_parts_cannot_settle_in_the_deadline_sends_nothing(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """An undo stopped after sending a restored person's links; on the next run the first
    read of the new profile lags (no link yet) and the deadline (1.5 s) is shorter than the
    settle delay: the links are not added again, the status says to run it again."""
    _old, result = deleted(fake, tmp_path)
    undone = result.undo()
    new = undone.statuses[0]["username"]
    undo_stopped_before(result, "result")
    profile: dict[str, Any] = ef.get_expert(new)
    assert profile["link"], "the restored person has links"
    fake.expect_oneshot_request(f"{list_path(fake)}/{new}", method="GET").respond_with_json(
        {"data": {**profile, "link": []}, "success": True}
    )  # lagging
    start = time.time()
    again = ef.undo(Path(str(result.journal)), deadline=1.5)
    assert again.counts == {"failed": 1}, again.statuses
    assert "does not fit in the deadline" in again.statuses[0]["detail"]
    assert writes(fake, start) == []


def test_a_namesake_with_another_email_holding_the_old_username_is_not_the_person(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The deleted person's username now shows the same names but another email: someone
    else (a namesake given the username): the person is restored anew, not "not deleted"."""
    old = names(1)[0]
    account = ef.get_expert(old)["account"][0]
    assert account.get("email"), "the fake's read shows an email"
    _old, result = deleted(fake, tmp_path)
    namesake = {
        "username": old,
        "firstname": account["firstname"],
        "lastname": account["lastname"],
        "email": "someone.else@x.org",
    }
    fake.expect_oneshot_request(f"{list_path(fake)}/{old}", method="GET").respond_with_json(
        {"data": {"account": [namesake]}, "success": True}
    )
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    assert undone.statuses[0]["username"] != old
    assert "restored as" in undone.statuses[0]["detail"]


def test_the_person_still_there_is_known_by_names_when_the_read_shows_no_email(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The delete was refused (the person is still there); the read the undo makes shows
    the names but no email: they are still taken for the person (email compared only when
    both show one), so nobody is created twice."""
    first, second = names(2)
    before = ef.get_profiles([first, second], progress=False)
    plan = ef.plan_changes(before, before[before.username != first], allow_delete=True)
    fake.fail_writes_next(1, status=400, retry_after=None, error="invalid")
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"failed": 1}, result.statuses
    profile = ef.get_expert(first)
    account = {k: v for k, v in profile["account"][0].items() if k != "email"}
    assert profile["account"][0].get("email"), "the fake's read shows an email"
    fake.expect_oneshot_request(f"{list_path(fake)}/{first}", method="GET").respond_with_json(
        {"data": {**profile, "account": [account]}, "success": True}
    )
    start = time.time()
    undone = result.undo()
    assert undone.counts == {"already applied": 1}, undone.statuses
    assert writes(fake, start) == []


# -- a create's deadline: its searches and settle, not the apply's own pacing ------------
def test_a_create_waiting_for_its_paced_turn_still_has_its_deadline(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """Two creates, one worker, 4 s between the starts of two writes, 2 s a write: the
    second waits for its turn (the apply's own pacing, not the service), then is sent with
    its whole deadline, as an update would be; it is not failed unsent for the wait."""
    rows = [
        {**NEW, "firstname": "Ada", "lastname": "Quill", "email": "ada@x.org"},
        {**NEW, "firstname": "Bea", "lastname": "Lark", "email": "bea@x.org"},
    ]
    plan = ef.plan_changes(pd.DataFrame(columns=list(NEW)), pd.DataFrame(rows))
    start = time.time()
    result = plan.apply(journal=tmp_path / "j.jsonl", workers=1, pace=4, deadline=2)
    assert result.counts == {"applied": 2}, result.statuses
    assert [e.method for e in writes(fake, start)] == ["POST", "POST"]


def test_a_resumed_restore_counts_its_slow_search_in_the_deadline(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """As a resumed create: the undo's restore was sent by an earlier run, the search for
    the person takes 1.8 s of a 3.5 s deadline and shows nobody yet: what is left does not
    hold the settle delay, so it is not waited (nor searched again, nor resent)."""

    def slow_nobody(request: Request) -> Response:
        time.sleep(1.8)  # a slow service, not a timed assertion
        return Response(json.dumps(NOBODY), content_type="application/json")

    _old, result = deleted(fake, tmp_path)
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    undo_stopped_before(result, "created", "result")
    fake.expect_oneshot_request(list_path(fake), method="GET").respond_with_handler(slow_nobody)
    start = time.time()
    again = ef.undo(Path(str(result.journal)), deadline=3.5)
    assert again.counts == {"failed": 1}, again.statuses
    assert "within the deadline" in again.statuses[0]["detail"]
    assert writes(fake, start) == []
