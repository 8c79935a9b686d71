"""Round-trip editing never writes a value it could not read, never undoes to a value it
never saw, never drops a cell of a new row, never lets the token into a plan, and its
views do not crash on mixed plans (issue 21: points 2, 5, 9, 10 and the minor ones).

Against one bundled fake per module (reset before each test), plus a few answers the
test registers on it (a profile whose biography section is empty or not text, a create
answered with the token as its username).
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from werkzeug import Request

import expertfile_nb as ef
from expertfile_nb._edits.change import UNSHOWN, Change
from expertfile_nb._edits.plan import ChangePlan
from fake_server import FakeExpertFile
from tests.edits.shared import NEW, fresh, names, service_shows, writes


@pytest.fixture(scope="module")
def server() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(experts=8) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeExpertFile) -> FakeExpertFile:
    return fresh(server)


def profile_path(server: FakeExpertFile, name: str, kind: str = "expert") -> str:
    return f"/v2/organization/{server.org_id}/{kind}/{name}"


# -- point 2: fields no read shows -----------------------------------------------------
def test_an_edit_of_a_field_no_read_shows_is_refused_naming_it_and_the_opt_in(
    fake: FakeExpertFile,
) -> None:
    before = ef.get_profiles(names(2), progress=False)
    assert before["department"].isna().all()  # the expert read does not show it
    after = before.copy()
    after.loc[0, "department"] = "Chemistry"
    after.loc[1, "is_published"] = 0
    with pytest.raises(ef.ConfigurationError) as caught:
        ef.plan_changes(before, after)
    message = str(caught.value)
    assert "'department'" in message and "'is_published'" in message
    assert "unverifiable=['department', 'is_published']" in message
    assert "no documented read" in message
    with pytest.raises(ef.ConfigurationError, match="not editable: departmnet"):
        ef.plan_changes(before, after, unverifiable=["departmnet"])
    plan = ef.plan_changes(before, after, unverifiable=["department", "is_published"])
    assert sorted((c.field, c.unverifiable) for c in plan) == [
        ("department", True),
        ("is_published", True),
    ]
    assert "unverifiable" in str(plan) and "unverifiable" in plan._repr_html_()
    assert plan.to_frame()["unverifiable"].tolist() == [True, True]


def test_staff_fields_the_staff_read_shows_are_planned_and_compared() -> None:
    assert UNSHOWN["staff"] == frozenset({"is_private"})
    before = pd.DataFrame(
        {"username": ["s1"], "department": ["Physics"], "is_published": [1], "is_private": [0]}
    )
    after = before.assign(department="Chemistry", is_published=0)
    plan = ef.plan_changes(before, after, kind="staff")
    assert {(c.field, c.unverifiable) for c in plan} == {
        ("department", False),
        ("is_published", False),
    }
    with pytest.raises(ef.ConfigurationError, match="'is_private'"):
        ef.plan_changes(before, after.assign(is_private=1), kind="staff")


def test_an_opted_in_unshown_edit_is_written_marked_and_never_undone(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    ef.update_expert(name, department="Physics")  # the service holds it; no read shows it
    before = ef.get_profiles([name], progress=False)
    after = before.assign(department="Chemistry", job_title="Dean")
    plan = ef.plan_changes(before, after, unverifiable=["department"])
    journal = tmp_path / "j.jsonl"
    result = plan.apply(journal=journal)
    assert result.ok, result.statuses
    by_field = {s["field"]: s for s in result.statuses}
    assert by_field["department"]["unverifiable"] is True
    assert "without comparison" in by_field["department"]["detail"]
    assert by_field["job_title"]["unverifiable"] is False
    assert result.to_frame()["unverifiable"].tolist() == [
        s["unverifiable"] for s in result.statuses
    ]
    header = json.loads(journal.read_text().splitlines()[0])
    assert {c["field"]: c["unverifiable"] for c in header["changes"]} == {
        "department": True,
        "job_title": False,
    }
    start = time.time()
    result.undo()
    sent = writes(fake, start)
    assert sent, "the job title is undone"
    assert all("department" not in e.form for e in sent)  # never '' nor a guess
    assert ef.get_expert(name)["account"][0]["job_title"] == before.loc[0, "job_title"]


def test_an_unshown_field_not_opted_in_is_never_written_at_apply(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    plan = ChangePlan("experts", [Change("update", name, "is_published", 1, 0)], [])
    start = time.time()
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"not written": 1}
    assert "does not show 'is_published'" in result.statuses[0]["detail"]
    assert not result.ok
    assert writes(fake, start) == []


def test_an_unshown_field_cleared_is_sent_not_taken_as_already_applied(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False).assign(department="Physics")
    after = before.assign(department=None)
    plan = ef.plan_changes(before, after, unverifiable=["department"])
    start = time.time()
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses
    assert [e.form.get("department") for e in writes(fake, start)] == [""]


def test_a_plan_applied_twice_writes_nothing_the_second_time(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    people = names(2)
    before = ef.get_profiles(people, progress=False)
    after = before.assign(job_title="Provost", location_room=None)
    plan = ef.plan_changes(before, after)
    assert plan.apply(journal=tmp_path / "1.jsonl").ok
    start = time.time()
    assert plan.apply(journal=tmp_path / "2.jsonl").counts == {"already applied": 2}
    assert writes(fake, start) == []


def _serve_profile(fake: FakeExpertFile, name: str, biography: list[Any]) -> None:
    """The person's profile as the fake holds it, with this biography section."""
    profile = ef.get_expert(name)
    profile["biography"] = biography
    fake.expect_request(profile_path(fake, name), method="GET").respond_with_json(
        {"data": profile, "success": True}
    )


def test_an_empty_biography_section_is_compared_as_empty_text(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    _serve_profile(fake, name, [])
    before = ef.get_profiles([name], progress=False)
    assert pd.isna(before.loc[0, "biography"])
    plan = ef.plan_changes(before, before.assign(biography="New text"))
    start = time.time()
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses
    assert [e.form for e in writes(fake, start)] == [{"description": "New text"}]


def test_a_biography_that_is_no_text_is_never_written_over(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    _serve_profile(fake, name, [{"biography": {"html": "<p>Theirs</p>"}}])
    before = ef.get_profiles([name], progress=False)
    assert pd.isna(before.loc[0, "biography"])  # not text: not shown as text
    plan = ef.plan_changes(before, before.assign(biography="Mine"))
    start = time.time()
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"conflict": 1}, result.statuses
    assert writes(fake, start) == []


# -- point 5: views of mixed plans -------------------------------------------------------
def test_the_frames_of_a_plan_mixing_updates_creates_and_deletes() -> None:
    before = pd.DataFrame(
        {
            "username": ["a", "b"],
            "firstname": ["A", "B"],
            "lastname": ["L", "M"],
            "job_title": ["x", "y"],
            "email": ["a@x.org", "b@x.org"],
            "company": ["X", "X"],
        }
    )
    new = {"username": None, "firstname": "C", "lastname": "N", "job_title": "z"}
    new |= {"email": "c@x.org", "company": "X"}
    after = pd.concat([before.iloc[:1].assign(job_title="Dean"), pd.DataFrame([new])])
    plan = ef.plan_changes(before, after, allow_delete=True)
    assert [c.action for c in plan] == ["update", "create", "delete"]
    frame = plan.to_frame()
    assert frame["action"].tolist() == ["update", "create", "delete"]
    assert frame.loc[1, "new"] == {k: v for k, v in new.items() if k != "username"}
    result = plan.apply(dry_run=True)
    assert result.to_frame()["status"].tolist() == ["would send"] * 3


# -- point 9: the token never enters a plan, a journal or a status ----------------------
def test_a_profile_value_equal_to_the_token_reaches_no_view_or_journal(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    people = names(2)
    token = fake.issued_tokens[-1]
    service_shows(fake, people[0], job_title=token)  # the service echoes it
    before = ef.get_profiles(people, progress=False)
    after = before.assign(job_title="Dean").iloc[1:]
    plan = ef.plan_changes(before, after, allow_delete=True)
    views = [str(plan), plan._repr_html_(), plan.to_frame().to_csv()]
    views.append(json.dumps(plan.apply(dry_run=True).requests, default=str))
    assert not [v for v in views if token in v]
    with pytest.raises(ef.ConfigurationError, match="token") as caught:
        ef.plan_changes(before, before.assign(company=token))
    assert token not in str(caught.value)
    journal = tmp_path / "j.jsonl"
    plan = ef.plan_changes(before, before.assign(job_title="Dean"))
    result = plan.apply(journal=journal)
    assert result.ok, result.statuses  # the service's token value compared as redacted
    assert token not in journal.read_text() and token not in repr(result.statuses)


def test_a_frame_read_elsewhere_holding_the_token_is_kept_out_of_the_plan(
    fake: FakeExpertFile,
) -> None:
    """The package's reads show an echoed token as ***; a frame read another way (another
    tool, an old file) may hold it whole: the plan keeps it out of an update's before value
    and a delete's image all the same."""
    people = names(2)
    token = fake.issued_tokens[-1]
    before = ef.get_profiles(people, progress=False)
    before.loc[before.username == people[0], "company"] = token  # deleted below
    before.loc[before.username == people[1], "job_title"] = f"Dr {token}"  # updated below
    after = before[before.username == people[1]].assign(job_title="Dean")
    plan = ef.plan_changes(before, after, allow_delete=True)
    assert sorted(c.action for c in plan.changes) == ["delete", "update"]
    views = [str(plan), plan._repr_html_(), plan.to_frame().to_csv(), repr(plan.changes)]
    assert not [v for v in views if token in v]


def test_a_create_answered_with_the_token_as_username_keeps_it_out(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    token = fake.issued_tokens[-1]
    path = f"/v2/organization/{fake.org_id}/staff"
    fake.expect_oneshot_request(path, method="POST").respond_with_json(
        {"data": {"username": token, "inserted": True}, "success": True}
    )
    new = {"username": None, "firstname": "Tok", "lastname": "En", "job_title": "x"}
    new |= {"email": "t@x.org", "company": "X"}
    before = pd.DataFrame(columns=list(new))
    plan = ef.plan_changes(before, pd.DataFrame([new]), kind="staff")
    journal = tmp_path / "j.jsonl"
    result = plan.apply(journal=journal)
    assert result.counts == {"applied": 1}, result.statuses
    assert token not in journal.read_text() and token not in repr(result.statuses)
    # the read shows it as ***: no username was seen, none is recorded (not "***")
    assert "username" not in result.statuses[0] or result.statuses[0]["username"] is None
    assert "not recorded" in result.statuses[0]["detail"]
    assert '"username": "***"' not in journal.read_text()


# -- point 10: a new row's other fields ---------------------------------------------------


@pytest.mark.parametrize("field", ["is_published", "is_private", "biography", "tagline"])
def test_a_new_rows_field_a_create_does_not_take_is_refused_not_dropped(field: str) -> None:
    before = pd.DataFrame(columns=[*NEW, field])
    value = 0 if field.startswith("is_") else "Text"
    with pytest.raises(ef.ConfigurationError, match=f"sets {field}, which a create"):
        ef.plan_changes(before, pd.DataFrame([{**NEW, field: value}]))


def test_a_new_rows_empty_cells_are_not_sent() -> None:
    before = pd.DataFrame(columns=[*NEW, "department", "location_city", "is_published"])
    row = {**NEW, "department": pd.NA, "location_city": "  ", "is_published": None}
    plan = ef.plan_changes(before, pd.DataFrame([row]))
    (sent,) = plan.would_send()
    assert sorted(sent["body"]) == sorted(k for k in NEW if k != "username")


# -- minor: NFC and NFD -------------------------------------------------------------------
def test_the_same_text_composed_or_decomposed_is_no_change() -> None:
    before = pd.DataFrame({"username": ["a"], "location_city": ["Montréal"]})
    after = before.assign(location_city=unicodedata.normalize("NFD", "Montréal"))
    assert len(ef.plan_changes(before, after)) == 0


# -- the write path: pace and the create's announcement ------------------------------
def test_pace_spaces_the_writes(fake: FakeExpertFile, tmp_path: Path) -> None:
    people = names(3)
    before = ef.get_profiles(people, progress=False)
    plan = ef.plan_changes(before, before.assign(job_title="Paced"))
    start = time.monotonic()
    assert plan.apply(journal=tmp_path / "j.jsonl", pace=0.3, workers=3).ok
    assert time.monotonic() - start >= 0.6  # three writes started 0.3 s apart at least


def test_a_create_is_announced_in_the_journal_before_it_is_sent(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    seen: list[list[str]] = []

    def look(request: Request) -> None:
        if request.method == "POST":
            types = [json.loads(line)["type"] for line in journal.read_text().splitlines()]
            seen.append(types)

    fake.add_fault(1000, look, path=f"/v2/organization/{fake.org_id}/expert")
    before = pd.DataFrame(columns=list(NEW))
    result = ef.plan_changes(before, pd.DataFrame([NEW])).apply(journal=journal)
    assert result.ok, result.statuses
    assert seen == [["plan", "sending"]]


def test_a_resume_never_resends_a_blind_write_an_earlier_run_sent(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    (name,) = names(1)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before.assign(department="X"), unverifiable=["department"])
    journal = tmp_path / "j.jsonl"
    fake.fail_after_write_next(1)  # made, then answered 500: no read can tell
    result = plan.apply(journal=journal)
    assert result.counts == {"failed": 1}
    assert result.statuses[0]["detail"].startswith("UnconfirmedWriteError")
    start = time.time()
    resumed = ef.resume(journal)
    assert resumed.counts == {"failed": 1}
    assert "not sent again" in resumed.statuses[0]["detail"]
    assert writes(fake, start) == []


def test_an_empty_plan_writes_no_journal_and_sends_nothing(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    before = ef.get_profiles(list(ef.get_experts(access="all").username[:2]))
    plan = ef.plan_changes(before, before.copy())
    assert len(plan) == 0
    journal = tmp_path / "j.jsonl"
    seen = len(expertfile_env.journal)
    result = plan.apply(journal=journal)
    assert result.ok and result.journal is None and not journal.exists()
    assert result.undo().statuses == []
    assert len(expertfile_env.journal) == seen  # not even a re-read
