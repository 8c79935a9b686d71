"""Undo that gives back what an apply took (issue 21, points 3, 6 and 7).

Against the bundled fake, which keeps writes: a delete journals the whole profile read
just before it and undo brings all of it back (account fields, biography, tagline,
every section item) under the new username the service gives; a delete or an undo of
a create leaves alone a person edited since (a reported conflict, never silence); an
undo run twice writes nothing the second time, and an undo that failed part-way is
finished by running it again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import expertfile_nb as ef
from expertfile_nb._edits.table import ACCOUNT_UPDATE, READ_AS
from fake_server import FakeExpertFile

WRITES = ("POST", "PUT", "DELETE")
#: the sections of the fake's expert profile the documents let one add to, by read name
RESTORABLE = {
    "accomplishment": "accomplishment", "affiliation": "affiliation", "article": "article",
    "availability": "availability", "biography": "biography", "course": "course",
    "corporationSocial": "social", "eventAppearance": "eventappearance",
    "education": "education", "language": "language", "partnership": "partnership",
    "industry": "industry", "patents": "patent", "tagline": "tagline", "topic": "topic",
    "tag": "tag", "category": "category", "link": "link",
}  # fmt: skip


def writes_since(server: FakeExpertFile, since: float) -> list[str]:
    return [
        f"{e.method} {e.path}"
        for e in server.journal
        if e.method in WRITES and e.time >= since and "/oauth/" not in e.path
    ]


def experts(count: int) -> list[str]:
    frame = ef.get_experts(limit=count, progress=False, access="all", status="all")
    return list(frame.username[:count])


def comparable(section: str, item: dict[str, Any]) -> dict[str, str]:
    """An item's values as a write sends them (ids and fields no write takes left out)."""
    from expertfile_nb._edits.table import KINDS

    row = KINDS["experts"].sections[section]
    out = {}
    for name in row.fields:
        for key in READ_AS.get((section, name), (name,)):
            if item.get(key) is not None:
                out[name] = str(item[key]).strip()
                break
    return out


def restorable(profile: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The profile as undo can bring it back: account fields, then each section's items."""
    account = profile["account"][0]
    shown: dict[str, list[dict[str, str]]] = {
        "account": [{k: str(account[k]) for k in ACCOUNT_UPDATE if account.get(k) is not None}]
    }
    for key, section in RESTORABLE.items():
        items = [comparable(section, item) for item in profile.get(key) or []]
        shown[key] = sorted((i for i in items if any(i.values())), key=json.dumps)
    return shown


def test_a_deleted_person_is_restored_whole_under_a_new_username(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(3)
    before = ef.get_profiles(names, progress=False)
    image = ef.get_expert(names[1])
    assert image["link"] and image["education"] and image["topic"] and image["biography"]
    plan = ef.plan_changes(before, before[before.username != names[1]], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    assert plan.apply(journal=journal).counts == {"applied": 1}
    sending = [json.loads(x) for x in journal.read_text().splitlines() if '"sending"' in x]
    assert sending[0]["image"]["link"] == image["link"]  # the whole profile, journaled
    undone = ef.undo(journal)
    assert undone.ok, undone.statuses
    (status,) = undone.statuses
    new = status["username"]
    assert new and new != names[1] and repr(new) in status["detail"]
    assert restorable(ef.get_expert(new)) == restorable(image)
    # what no documented write adds is named, not silently dropped
    unwritable = {"avatar", "video", "document", "news", "book", "assessment"}
    assert set(status["not_restored"]) == {k for k in unwritable if image.get(k)}
    assert all(k in status["detail"] for k in status["not_restored"])
    # fields the read did not show are named too (never written blind)
    assert status["not_read"] == [k for k in ACCOUNT_UPDATE if k not in image["account"][0]]
    undo_journal = Path(str(journal) + ".undo.jsonl").read_text()
    assert json.dumps(new) in undo_journal  # the new username is in the undo's journal


def test_a_restore_keeps_zero_and_empty_values(fake: FakeExpertFile, tmp_path: Path) -> None:
    staff = list(ef.get_staff(limit=2, progress=False).username[:2])
    ef.update_staff_member(staff[0], is_published=0, department="")
    before = ef.get_profiles(staff, kind="staff", progress=False)
    assert ef.get_staff_member(staff[0])["account"][0]["is_published"] in (0, "0")
    plan = ef.plan_changes(before, before[before.username != staff[0]], kind="staff",
                           allow_delete=True)  # fmt: skip
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.ok, result.statuses
    undone = result.undo()
    assert undone.ok, undone.statuses
    account = ef.get_staff_member(undone.statuses[0]["username"])["account"][0]
    assert str(account["is_published"]) == "0"  # a new staff member is published otherwise


def test_a_delete_is_compared_as_the_service_shows_values(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    # a postal code read from a CSV as a number, an empty biography as NA: the same values
    before["location_postal"] = before["location_postal"].astype("Int64").astype(object)
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    assert isinstance(plan.changes[0].old["location_postal"], int)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses


def test_a_person_whose_biography_changed_since_the_plan_is_not_deleted(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    ef.add_section_item(names[0], "biography", description="Rewritten by a colleague.")
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.statuses[0]["status"] == "conflict"
    assert "biography" in result.statuses[0]["detail"]
    assert ef.get_expert(names[0])["account"]


NEW = {"firstname": "Ada", "lastname": "Quill", "job_title": "Analyst",
       "email": "ada.quill@example.org", "company": "Example"}  # fmt: skip


def find(fields: dict[str, str], kind: str = "experts") -> str | None:
    from expertfile_nb._edits.people import find_person
    from expertfile_nb._edits.send import kind_of

    return find_person(kind_of(kind), fields, ef.get_session())


def created(fake: FakeExpertFile, tmp_path: Path, kind: str = "experts") -> tuple[Any, Path]:
    names = (
        experts(1)
        if kind == "experts"
        else list(ef.get_staff(limit=1, progress=False).username[:1])
    )
    before = ef.get_profiles(names, kind=kind, progress=False)  # type: ignore[arg-type]
    after = pd.concat([before, pd.DataFrame([NEW])], ignore_index=True)
    journal = tmp_path / "j.jsonl"
    result = ef.plan_changes(before, after, kind=kind).apply(journal=journal)  # type: ignore[arg-type]
    assert result.counts == {"applied": 1}, result.statuses
    return result, journal


def test_an_undo_of_a_created_person_edited_since_is_a_conflict(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, journal = created(fake, tmp_path)
    person = find(NEW)
    assert person
    ef.update_expert(person, email="ada@elsewhere.org")  # their own address, set since
    start = time.time()
    undone = ef.undo(journal)
    assert undone.counts == {"conflict": 1} and not undone.ok, undone.statuses
    assert writes_since(fake, start) == []
    assert ef.get_expert(person)["account"]


def test_an_undo_deletes_the_person_the_create_answer_named(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    result, journal = created(fake, tmp_path, kind="staff")
    person = result.statuses[0]["username"]
    assert person
    ef.update_staff_member(person, email="ada@elsewhere.org")
    undone = ef.undo(journal)
    (status,) = undone.statuses
    assert status["status"] == "conflict" and "email" in status["detail"], status
    ef.update_staff_member(person, email="ada.quill@example.org")  # back as created
    journal2 = Path(str(journal) + ".undo.jsonl")
    journal2.unlink()
    assert ef.undo(journal).counts == {"applied": 1}
    with pytest.raises(ef.NotFoundError):
        ef.get_staff_member(person)


def test_an_undo_of_an_unfound_create_sends_no_delete(fake: FakeExpertFile, tmp_path: Path) -> None:
    result, journal = created(fake, tmp_path, kind="staff")
    person = result.statuses[0]["username"]
    # the journal lost the username (the answer named nobody), and the person was edited
    lines = [json.loads(x) for x in journal.read_text().splitlines()]
    for record in lines:
        record.pop("username", None) if record.get("type") == "result" else None
    journal.write_text("".join(json.dumps(r) + "\n" for r in lines))
    ef.update_staff_member(person, firstname="Adeline")
    start = time.time()
    undone = ef.undo(journal)
    (status,) = undone.statuses
    assert status["status"] == "conflict" and "not found" in status["detail"], status
    assert writes_since(fake, start) == []


def test_an_undo_run_twice_writes_nothing_the_second_time(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(3)
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after.loc[0, "job_title"] = "Dean"
    after = pd.concat([after[after.username != names[2]], pd.DataFrame([NEW])])
    result = ef.plan_changes(before, after, allow_delete=True).apply(journal=tmp_path / "j.jsonl")
    assert result.ok, result.statuses
    first = result.undo()
    assert first.ok, first.statuses
    start = time.time()
    second = result.undo()
    assert second.ok, second.statuses
    assert writes_since(fake, start) == []


def test_an_undo_that_failed_part_way_is_finished_by_running_it_again(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(3)
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after.loc[0, "job_title"] = "Dean"
    after = pd.concat([after[after.username != names[2]], pd.DataFrame([NEW])])
    journal = tmp_path / "j.jsonl"
    result = ef.plan_changes(before, after, allow_delete=True).apply(journal=journal, workers=1)
    assert result.ok, result.statuses
    fake.fail_writes_next(1, status=400, retry_after=None, error="invalid")
    partly = ef.undo(journal, workers=1)
    assert partly.counts.get("failed") == 1 and not partly.ok, partly.statuses
    finished = ef.undo(journal, workers=1)
    assert finished.ok, finished.statuses
    assert ef.get_expert(names[0])["account"][0]["job_title"] == before.job_title[0]
    assert find(NEW) == ""  # the created person is gone
    restored = [s["username"] for s in finished.statuses if s["action"] == "create"]
    assert len(restored) == 1 and ef.get_expert(restored[0])["account"]


def test_a_restore_stopped_part_way_adds_only_what_is_missing(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    image = ef.get_expert(names[0])
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    plan.apply(journal=journal)
    new = ef.undo(journal).statuses[0]["username"]
    # a crash after the create and some of the items: the result line never written,
    # one link not added yet
    undo_journal = Path(str(journal) + ".undo.jsonl")
    lines = undo_journal.read_text().splitlines()
    undo_journal.write_text("".join(x + "\n" for x in lines if '"result"' not in x))
    link = ef.get_expert(new)["link"][0]
    ef.delete_section_item(new, "link", link["id"])
    start = time.time()
    again = ef.undo(journal)
    assert again.ok and again.statuses[0]["username"] == new, again.statuses
    assert writes_since(fake, start) == [f"POST /v2/organization/{fake.org_id}/expert/{new}/link"]
    assert restorable(ef.get_expert(new)) == restorable(image)


def test_a_delete_the_service_refused_is_not_restored_twice(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    fake.fail_writes_next(1, status=400, retry_after=None, error="invalid")
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"failed": 1}, result.statuses
    start = time.time()
    undone = result.undo()
    assert undone.counts == {"already applied": 1}, undone.statuses
    assert writes_since(fake, start) == []  # the person is still there: no second one


def test_an_undo_journal_is_not_resumed_as_an_apply(fake: FakeExpertFile, tmp_path: Path) -> None:
    """An undo's journal resumed as a plain apply would write an unverifiable change's old
    value back blind: refused (the CLI's `apply UNDO_JOURNAL` too), nothing sent."""
    names = experts(1)
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after.loc[0, "department"] = "Chemistry"  # no read shows it: written blind, opted in
    plan = ef.plan_changes(before, after, unverifiable=["department"])
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.ok, result.statuses
    undone = result.undo()
    assert [s["status"] for s in undone.statuses] == ["not undone"]
    start = time.time()
    with pytest.raises(ef.JournalError, match="journal of an undo"):
        ef.resume(undone.journal)
    assert writes_since(fake, start) == []
    person = fake.store.person(fake.org_id, names[0])
    assert person is not None and person.account["department"] == "Chemistry"


def test_a_username_someone_else_holds_since_the_delete_is_restored_anew(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The service gave the deleted person's username to someone else (the documents do not
    say it never does): the undo does not take that stranger for the person ("not deleted"),
    it creates the person again, under a new username."""
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses
    stranger = {"username": names[0], "firstname": "Someone", "lastname": "Else"}
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert/{names[0]}", method="GET"
    ).respond_with_json({"data": {"account": [stranger]}, "success": True})
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    assert undone.statuses[0]["username"] != names[0]
    assert "restored as" in undone.statuses[0]["detail"]


def test_a_restore_answered_with_the_token_as_username_goes_no_further(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The create that restores a person is answered with the token as the new username:
    read as ***, it names nobody; nothing is written to it, nothing of it journaled."""
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    token = fake.issued_tokens[-1]
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert", method="POST"
    ).respond_with_json({"data": [{"firstname": "X", "username": token}], "success": True})
    start = time.time()
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    assert "holds the token" in undone.statuses[0]["detail"]
    sent = writes_since(fake, start)
    assert all(w.startswith("POST ") for w in sent) and len(sent) <= 1  # the create only
    text = Path(str(result.journal) + ".undo.jsonl").read_text()
    assert token not in text and '"username": "***"' not in text


def test_a_restore_resumed_after_its_items_were_sent_waits_for_them_to_show(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """An undo that stopped after sending a restored person's links: on the next run the
    first read of the new profile lags (no link yet); the links are looked for again after
    the settle delay, not added a second time."""
    names = experts(2)
    before = ef.get_profiles(names, progress=False)
    plan = ef.plan_changes(before, before[before.username != names[0]], allow_delete=True)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    undone = result.undo()
    new = undone.statuses[0]["username"]
    undo_journal = Path(str(result.journal) + ".undo.jsonl")
    lines = undo_journal.read_text().splitlines()
    assert json.loads(lines[-1])["type"] == "result"
    undo_journal.write_text("\n".join(lines[:-1]) + "\n")  # stopped before its result
    profile = ef.get_expert(new)
    assert profile["link"], "the restored person has links"
    fake.expect_oneshot_request(
        f"/v2/organization/{fake.org_id}/expert/{new}", method="GET"
    ).respond_with_json({"data": {**profile, "link": []}, "success": True})  # lagging
    start = time.time()
    again = ef.undo(result.journal)
    assert again.counts == {"applied": 1}, again.statuses
    assert writes_since(fake, start) == []  # no second link
    assert len(ef.get_expert(new)["link"]) == len(profile["link"])
