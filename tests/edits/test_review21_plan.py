"""A second review of issue 21's planning and apply side: tests that kill the mutations
of ``mutations/review21_plan.py`` and hold the bugs that review found (a resume after
one part of a person's update failed; a person whose profile holds the token).

Against one bundled fake per module (reset before each test), plus answers a test
registers on it (a profile read showing a field the documented read leaves out).
"""

from __future__ import annotations

import base64
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import expertfile_nb as ef
from expertfile_nb._edits.change import Change
from expertfile_nb._edits.plan import ChangePlan
from fake_server import FakeExpertFile
from tests.edits.shared import (
    NEW,
    a_create_sent_by_an_earlier_run,
    fresh,
    names,
    service_shows,
    writes,
)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(experts=6) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeExpertFile) -> FakeExpertFile:
    return fresh(server)


def profile_path(server: FakeExpertFile, name: str) -> str:
    return f"/v2/organization/{server.org_id}/expert/{name}"


# -- the token, at the source ------------------------------------------------------------
def test_a_before_cell_holding_the_token_in_a_list_reaches_no_view(fake: FakeExpertFile) -> None:
    token = fake.issued_tokens[-1]
    before = pd.DataFrame({"username": ["a", "b"], "job_title": [["Dean", token], "x"]})
    plan = ef.plan_changes(before, before.iloc[1:], allow_delete=True)
    views = [str(plan), plan._repr_html_(), plan.to_frame().to_csv(), repr(plan.changes)]
    assert not [v for v in views if token in v]


def test_a_secret_of_eight_characters_at_the_end_of_a_value_is_found(tmp_path: Path) -> None:
    secret = "s3cr3tXY"
    with FakeExpertFile(experts=1, client_secret=secret) as other:
        ef.login(other.client_id, secret, base_url=other.url)
        before = pd.DataFrame({"username": ["a"], "company": [f"Dr {secret}"]})
        plan = ef.plan_changes(before, before.assign(company="X"))
        assert secret not in str(plan) and secret not in repr(plan.changes)
        with pytest.raises(ef.ConfigurationError, match="token or the client secret"):
            ef.plan_changes(before.assign(company="X"), before)


def test_the_tokens_base64_shown_by_the_service_is_kept_out_of_the_plan(
    fake: FakeExpertFile,
) -> None:
    (name,) = names(1)
    token = fake.issued_tokens[-1]
    encoded = base64.b64encode(token.encode()).decode()
    service_shows(fake, name, job_title=encoded)
    assert ef.get_profiles([name], progress=False).job_title.tolist() == ["***"]  # read: clean
    # a frame read another way (another tool, a file) may still hold it: the plan's own net
    before = pd.DataFrame({"username": [name], "job_title": [encoded]})
    plan = ef.plan_changes(before, before.assign(job_title="Dean"))
    assert encoded not in str(plan) and encoded not in plan.to_frame().to_csv()


def test_a_new_row_holding_the_token_is_refused_without_showing_it(fake: FakeExpertFile) -> None:
    token = fake.issued_tokens[-1]
    before = pd.DataFrame(columns=list(NEW))
    with pytest.raises(ef.ConfigurationError, match="token") as caught:
        ef.plan_changes(before, pd.DataFrame([{**NEW, "company": f"at {token}!"}]))
    assert token not in str(caught.value)
    row = {**NEW, "username": token, "lastname": None}  # a new row: lacks a field
    with pytest.raises(ef.ConfigurationError, match="lastname") as caught:
        ef.plan_changes(before, pd.DataFrame([row]))
    assert token not in str(caught.value)


def test_an_edit_holding_the_token_inside_a_longer_text_is_refused(fake: FakeExpertFile) -> None:
    token = fake.issued_tokens[-1]
    before = pd.DataFrame({"username": ["a"], "company": ["X"]})
    for value in (f"Dr {token}", f"{token} Inc", f"x{token}y"):
        with pytest.raises(ef.ConfigurationError, match="token") as caught:
            ef.plan_changes(before, before.assign(company=value))
        assert token not in str(caught.value)


def test_a_conflict_with_the_token_keeps_it_out_of_the_status_and_journal(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    token = fake.issued_tokens[-1]
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before.assign(job_title="Dean"))
    service_shows(fake, name, job_title=token)  # someone else, meanwhile; the service echoes it
    journal = tmp_path / "j.jsonl"
    result = plan.apply(journal=journal)
    assert result.counts == {"conflict": 1}
    assert token not in repr(result.statuses) and token not in journal.read_text()
    assert result.statuses[0]["current"] == "***"


# -- comparing -------------------------------------------------------------------------
def test_a_compatibility_variant_is_a_change() -> None:
    before = pd.DataFrame({"username": ["a"], "location_room": ["x²"], "company": ["ﬁne"]})
    after = before.assign(location_room="x2", company="fine")
    plan = ef.plan_changes(before, after, unverifiable=["location_room"])
    assert sorted(c.field for c in plan) == ["company", "location_room"]


def test_numpy_values_are_planned_as_plain_python() -> None:
    before = pd.DataFrame({"username": ["a"], "is_published": np.array([1], dtype="int64")})
    after = before.assign(is_published=np.array([0], dtype="int64"))
    (change,) = ef.plan_changes(before, after, kind="staff")
    assert type(change.new) is int and type(change.old) is int
    assert json.loads(json.dumps(change.new)) == 0


# -- unverifiable= -------------------------------------------------------------------------
def test_one_field_named_as_a_string_is_the_opt_in() -> None:
    before = pd.DataFrame({"username": ["a"], "department": [None]})
    (change,) = ef.plan_changes(before, before.assign(department="X"), unverifiable="department")
    assert change.unverifiable


def test_a_shown_field_named_in_unverifiable_is_still_compared_and_undone(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(
        before, before.assign(job_title="Dean"), unverifiable=["job_title", "department"]
    )
    (change,) = plan
    assert change.unverifiable is False
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.ok and "without comparison" not in result.statuses[0]["detail"]
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    assert ef.get_profiles([name], progress=False).loc[0, "job_title"] == before.loc[0, "job_title"]


def test_an_unverifiable_change_a_read_does_show_is_compared_not_written_blind(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    profile = ef.get_expert(name)
    profile["account"][0]["department"] = "Biology"  # this service's read shows it
    fake.expect_request(profile_path(fake, name), method="GET").respond_with_json(
        {"data": profile, "success": True}
    )
    change = Change("update", name, "department", "Physics", "Chemistry", True)
    start = time.time()
    result = ChangePlan("experts", [change], []).apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"conflict": 1}, result.statuses
    assert writes(fake, start) == []


def test_the_undo_of_an_unverifiable_change_says_not_undone(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)[["username", "department", "job_title"]]
    after = before.assign(department="Chemistry", job_title="Dean")
    plan = ef.plan_changes(before, after, unverifiable=["department"])
    assert [c.field for c in plan] == ["department", "job_title"]  # the skipped one first
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.ok, result.statuses
    start = time.time()
    undone = result.undo()
    by_field = {s["field"]: s for s in undone.statuses}
    assert by_field["department"]["status"] == "not undone"
    assert by_field["department"]["unverifiable"] is True
    assert by_field["job_title"]["status"] == "applied", undone.statuses
    assert [e.form for e in writes(fake, start)] == [{"job_title": before.loc[0, "job_title"]}]


def test_a_blind_write_whose_read_failed_before_sending_is_sent_by_the_resume(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before.assign(department="X"), unverifiable=["department"])
    journal = tmp_path / "j.jsonl"
    fake.fail_next(1, status=400, path=profile_path(fake, name))  # the re-read: refused
    start = time.time()
    result = plan.apply(journal=journal)
    assert result.counts == {"failed": 1}
    assert writes(fake, start) == []  # nothing was sent
    start = time.time()
    resumed = ef.resume(journal)
    assert resumed.counts == {"applied": 1}, resumed.statuses
    assert [e.form for e in writes(fake, start)] == [{"department": "X"}]


def test_a_client_plans_with_unverifiable(fake: FakeExpertFile, tmp_path: Path) -> None:
    client = ef.Client(fake.client_id, fake.client_secret, base_url=fake.url)
    (name,) = names(1)
    before = client.get_profiles([name], progress=False)
    plan = client.plan_changes(before, before.assign(department="X"), unverifiable=["department"])
    (change,) = plan
    assert change.unverifiable
    assert plan.apply(journal=tmp_path / "j.jsonl").ok


# -- a person's update: each part its own write ---------------------------------------
def test_a_refused_account_put_does_not_keep_the_biography_back(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before.assign(job_title="Dean", biography="New bio"))
    fake.fail_writes_next(1, status=400, retry_after=None, path=profile_path(fake, name))
    result = plan.apply(journal=tmp_path / "j.jsonl")
    by_field = {s["field"]: s["status"] for s in result.statuses}
    assert by_field == {"job_title": "failed", "biography": "applied"}, result.statuses


def test_a_resume_after_the_biography_failed_keeps_the_finished_parts(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The account PUT (with a blind field) was made and confirmed, the biography POST
    failed: the resume sends the biography only and reports the PUT's changes as the
    earlier run finished them (not an unconfirmed blind write)."""
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)
    after = before.assign(department="Chem", job_title="Dean", biography="Bio")
    plan = ef.plan_changes(before, after, unverifiable=["department"])
    fake.fail_writes_next(1, status=400, retry_after=None, path=f"{profile_path(fake, name)}/bio")
    journal = tmp_path / "j.jsonl"
    first = plan.apply(journal=journal)
    assert {s["field"]: s["status"] for s in first.statuses}["biography"] == "failed"
    start = time.time()
    resumed = ef.resume(journal)
    assert resumed.ok, resumed.statuses
    assert {s["field"]: s["status"] for s in resumed.statuses} == {
        "job_title": "applied",
        "department": "applied",
        "biography": "applied",
    }
    assert [e.path for e in writes(fake, start)] == [f"{profile_path(fake, name)}/biography"]


# -- the plan's views and the empty plan ------------------------------------------------
def test_the_frame_marks_the_skipped_rows() -> None:
    before = pd.DataFrame({"username": ["a", "b"], "job_title": ["x", "y"]})
    plan = ef.plan_changes(before, before.iloc[:1].assign(job_title="Dean"))
    assert plan.to_frame()["skipped"].tolist() == [False, True]


def test_a_plan_of_skipped_rows_only_sends_nothing_and_writes_no_journal(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    before = pd.DataFrame({"username": ["a", "b"], "job_title": ["x", "y"]})
    plan = ef.plan_changes(before, before.iloc[:1])
    assert len(plan) == 0 and len(plan.skipped) == 1
    seen = len(fake.journal)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.journal is None and result.statuses == []
    assert not (tmp_path / "j.jsonl").exists() and len(fake.journal) == seen


# -- a new row -------------------------------------------------------------------------
def test_a_new_rows_blank_cells_of_fields_a_create_does_not_take_are_no_value() -> None:
    before = pd.DataFrame(columns=[*NEW, "is_published", "biography", "tagline"])
    row = {**NEW, "is_published": "", "biography": "  ", "tagline": pd.NA}
    (change,) = ef.plan_changes(before, pd.DataFrame([row]))
    assert change.action == "create"
    assert sorted(change.new) == sorted(k for k in NEW if k != "username")


# -- delete: a person whose profile holds the token ------------------------------------
def test_a_person_whose_profile_holds_the_token_is_deleted_and_the_token_kept_out(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    people = names(2)
    token = fake.issued_tokens[-1]
    service_shows(fake, people[0], location_address=f"Dr {token} x")  # the service echoes it
    before = ef.get_profiles(people, progress=False)
    plan = ef.plan_changes(before, before.iloc[1:], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    result = plan.apply(journal=journal)
    assert result.counts == {"applied": 1}, result.statuses
    assert token not in journal.read_text() and token not in repr(result.statuses)
    start = time.time()
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    assert "location_address" in undone.statuses[0]["detail"]  # not written back: never seen whole
    sent = json.dumps([e.form for e in writes(fake, start)])
    assert token not in sent and "***" not in sent
    assert token not in Path(str(journal) + ".undo.jsonl").read_text()


# -- a create an earlier run announced --------------------------------------------------
def test_a_create_a_crashed_run_sent_is_not_resent_when_the_search_lags(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The run announced the create and was killed before its answer; the person was
    made, but the first search after the restart does not show them yet: the resume
    looks again after a settle delay instead of creating a second person."""
    journal = tmp_path / "j.jsonl"
    a_create_sent_by_an_earlier_run(fake, journal)
    ef.create_expert(**{k: v for k, v in NEW.items() if k != "username"})  # what it sent
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert", method="GET"
    ).respond_with_json({"data": {"experts": [], "total": 0}, "success": True})  # lagging
    start = time.time()
    resumed = ef.resume(journal)
    assert resumed.counts == {"already applied": 1}, resumed.statuses
    assert writes(fake, start) == []


def test_a_journal_whose_unverifiable_mark_is_no_flag_is_refused(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """A journal edited by hand to ``"unverifiable": "no"`` (truthy text) would have its
    change written blind: refused, nothing sent (a resume and an undo alike)."""
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before.assign(department="X"), unverifiable=["department"])
    header = {**plan._record(), "base_url": fake.url.rstrip("/"), "org": str(fake.org_id)}
    header["changes"][0] = {**header["changes"][0], "field": "job_title", "unverifiable": "no"}
    journal = tmp_path / "j.jsonl"
    journal.write_text(json.dumps(header) + "\n")
    journal.chmod(0o600)
    start = time.time()
    for run in (ef.resume, ef.undo):
        with pytest.raises(ef.JournalError, match="malformed"):
            run(journal)
    assert writes(fake, start) == []


def test_a_create_a_crashed_run_sent_is_not_resent_when_the_people_cannot_be_searched(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    a_create_sent_by_an_earlier_run(fake, journal)
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert", method="GET"
    ).respond_with_json({"data": [], "success": True})  # no list of people: unreadable
    start = time.time()
    resumed = ef.resume(journal)
    assert resumed.counts == {"failed": 1}, resumed.statuses
    assert resumed.statuses[0]["detail"].startswith("UnconfirmedWriteError")
    assert writes(fake, start) == []


# -- pace ------------------------------------------------------------------------------
def test_pace_spaces_the_starts_of_the_writes_the_service_receives(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The writes arrive at least ``pace`` apart (a lower bound only: never flaky on a
    slow machine; without pacing three workers send them within milliseconds)."""
    people = names(3)
    before = ef.get_profiles(people, progress=False)
    plan = ef.plan_changes(before, before.assign(job_title="Paced"))
    start = time.time()
    assert plan.apply(journal=tmp_path / "j.jsonl", pace=0.4, workers=3).ok
    times = sorted(e.time for e in writes(fake, start))
    assert len(times) == 3
    assert all(b - a >= 0.3 for a, b in itertools.pairwise(times))


def test_an_update_whose_before_held_the_token_is_not_undone(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The read shows ``Dr *** x`` where the service held the token: the value before was
    never seen whole, so the undo writes nothing back (neither the token nor ``***``)."""
    (name,) = names(1)
    token = fake.issued_tokens[-1]
    service_shows(fake, name, job_title=f"Dr {token} x")
    before = ef.get_profiles([name], progress=False)
    assert before.job_title.tolist() == ["Dr *** x"]
    result = ef.plan_changes(before, before.assign(job_title="Dean")).apply(
        journal=tmp_path / "j.jsonl"
    )
    assert result.counts == {"applied": 1}, result.statuses
    start = time.time()
    undone = result.undo()
    assert undone.counts == {"not undone": 1}, undone.statuses
    assert "never seen whole" in undone.statuses[0]["detail"]
    assert writes(fake, start) == []
    assert ef.get_profiles([name], progress=False).job_title.tolist() == ["Dean"]


def test_a_settle_that_does_not_fit_in_the_deadline_is_not_waited(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The resumed create's second look comes after a 2 s settle delay; with a deadline
    shorter than that, the resume does not wait past it: nothing is resent, and the status
    says to run it again."""
    journal = tmp_path / "j.jsonl"
    a_create_sent_by_an_earlier_run(fake, journal)
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert", method="GET"
    ).respond_with_json({"data": {"experts": [], "total": 0}, "success": True})  # lagging
    start = time.time()
    resumed = ef.resume(journal, deadline=1.5)
    assert resumed.counts == {"failed": 1}, resumed.statuses
    assert "within the deadline" in resumed.statuses[0]["detail"]
    assert writes(fake, start) == []


def test_a_namesake_whose_account_shows_only_names_is_not_taken_for_the_new_person(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """Someone of the same name exists and their account read shows the names alone (no
    email, no job title to compare): they are not taken for the person to create ("already
    applied"); the create is sent."""
    fields = {k: v for k, v in NEW.items() if k != "username"}
    ef.create_expert(**{**fields, "email": "other@x.org"})
    (username,) = (
        ef.get_experts(access="all", status="all", progress=False)
        .query("username.str.startswith('ada-quill')")
        .username
    )
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert/{username}", method="GET"
    ).respond_with_json(
        {
            "data": {"account": [{"username": username, "firstname": "Ada", "lastname": "Quill"}]},
            "success": True,
        }
    )
    plan = ef.plan_changes(pd.DataFrame(columns=list(NEW)), pd.DataFrame([NEW]))
    start = time.time()
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses
    assert [e.method for e in writes(fake, start)] == ["POST"]
