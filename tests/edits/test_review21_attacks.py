"""Attacks by a reviewer of issue 21's fixes: faults in the middle of an undo's restore,
an undo killed and run again, odd CSVs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile

WRITES = ("POST", "PUT", "DELETE")


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
    fake.fail_writes_next(
        4, status=500, retry_after=None, path=f"/v2/organization/{fake.org_id}/expert"
    )
    first = ef.undo(journal, workers=1)
    assert not first.ok and first.statuses[0]["status"] == "failed"
    check_restored(journal, image, people)


def test_a_restore_refused_part_way_through_its_items_is_finished_by_undo_again(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, image, journal = deleted(tmp_path)
    people = everyone()
    # the first item added after the create, and its resends: 500, nothing added
    fake.fail_writes_next(
        4, status=500, retry_after=None, path=f"/v2/organization/{fake.org_id}/expert/"
    )
    first = ef.undo(journal, workers=1)
    assert not first.ok and first.statuses[0]["status"] == "failed"
    check_restored(journal, image, people)


def undo_lines(journal: Path) -> list[str]:
    return Path(str(journal) + ".undo.jsonl").read_text().splitlines()


def crash_after(journal: Path, keep: Any) -> None:
    """The undo journal as a crash would leave it: the lines up to the first ``keep``."""
    lines = undo_lines(journal)
    cut = next(i for i, line in enumerate(lines) if keep(json.loads(line))) + 1
    Path(str(journal) + ".undo.jsonl").write_text("\n".join(lines[:cut]) + "\n")


def test_an_undo_stopped_after_its_create_was_sent_does_not_create_again(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, _image, journal = deleted(tmp_path)
    people = everyone()
    assert ef.undo(journal).ok
    (new,) = everyone() - people
    # killed right after the create was announced: no "created", no result
    crash_after(journal, lambda r: r.get("type") == "sending")
    since = len(fake.journal)
    again = ef.undo(journal)
    assert again.ok, again.statuses
    assert again.statuses[0]["username"] == new
    assert everyone() - people == {new}
    assert [e for e in fake.journal[since:] if e.method in WRITES] == []


def test_an_undo_stopped_after_its_create_keeps_the_person_it_made_even_renamed(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, _image, journal = deleted(tmp_path)
    people = everyone()
    assert ef.undo(journal).ok
    (new,) = everyone() - people
    crash_after(journal, lambda r: r.get("type") == "created")
    ef.update_expert(new, firstname="Renamed")  # someone edits the new person meanwhile
    again = ef.undo(journal)
    assert again.ok, again.statuses
    assert again.statuses[0]["username"] == new
    assert everyone() - people == {new}  # not created a second time


def test_undo_restores_the_profile_read_just_before_the_delete_that_was_made(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    name = rich_expert()
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before[before.username != name], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    fake.fail_writes_next(
        4, status=500, retry_after=None, path=f"/v2/organization/{fake.org_id}/expert/{name}"
    )
    assert plan.apply(journal=journal).counts == {"failed": 1}
    ef.add_section_item(name, "link", name="Added later", url="https://e.org/later")
    image = ef.get_expert(name)
    assert ef.resume(journal).counts == {"applied": 1}
    undone = ef.undo(journal)
    assert undone.ok, undone.statuses
    now = ef.get_expert(undone.statuses[0]["username"])
    assert items(now, "link", "url") == items(image, "link", "url")
    assert "https://e.org/later" in items(now, "link", "url")


@pytest.mark.parametrize("n", [True, False, 2, -1, "0"])
def test_a_record_naming_no_change_of_the_plan_is_refused(
    fake: FakeExpertFile, tmp_path: Path, n: Any
) -> None:
    names = list(ef.get_experts(limit=2, progress=False, access="all", status="all").username)
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after["job_title"] = "Dean"
    journal = tmp_path / "j.jsonl"
    assert ef.plan_changes(before, after).apply(journal=journal).ok  # changes 0 and 1 only
    lines = journal.read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["type"] == "result"
    record["n"] = n
    journal.write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n")
    with pytest.raises(ef.JournalError, match="damaged"):
        ef.undo(journal)


def test_a_person_whose_first_write_finished_before_a_crash_gets_the_second_on_resume(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = list(ef.get_experts(limit=1, progress=False, access="all", status="all").username)
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after["job_title"] = "Dean of Resumes"
    after["tagline"] = "Finished by a resume"
    plan = ef.plan_changes(before, after)
    assert len(plan) == 2  # one PUT (the account) and one POST (the tagline)
    journal = tmp_path / "j.jsonl"
    assert plan.apply(journal=journal, workers=1).ok
    lines = journal.read_text().splitlines()
    first = next(i for i, x in enumerate(lines) if json.loads(x).get("type") == "result")
    journal.write_text("\n".join(lines[: first + 1]) + "\n")  # crashed after one result
    resumed = ef.resume(journal)
    assert resumed.ok, resumed.statuses
    assert ef.get_profiles(names, progress=False).tagline.iloc[0] == "Finished by a resume"


def test_a_restore_stopped_between_two_equal_items_adds_the_second(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    name = rich_expert()
    for _ in range(2):  # the same link twice: both are the person's
        ef.add_section_item(name, "link", name="Twice", url="https://e.org/twice")
    image = ef.get_expert(name)
    before = ef.get_profiles([name], progress=False)
    plan = ef.plan_changes(before, before[before.username != name], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    assert plan.apply(journal=journal).ok
    undone = ef.undo(journal)
    assert undone.ok
    new = undone.statuses[0]["username"]
    twice = [i for i in ef.get_expert(new)["link"] if i.get("name") == "Twice"]
    assert len(twice) == 2
    # as if the undo had stopped between the two adds: the second one is gone
    ef.delete_section_item(new, "link", twice[1]["id"])
    crash_after(journal, lambda r: r.get("type") == "created")
    assert ef.undo(journal).ok
    assert items(ef.get_expert(new), "link", "url") == items(image, "link", "url")


def test_the_cli_undo_of_an_older_journal_is_exit_2(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    journal = tmp_path / "old.jsonl"
    journal.write_text(
        json.dumps({"v": 1, "type": "plan", "kind": "experts", "changes": []}) + "\n"
    )
    for args in (["--undo", str(journal)], [str(journal)]):
        done = subprocess.run(
            [sys.executable, "-m", "expertfile_nb", "apply", *args],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 2, (done.returncode, done.stderr)
        assert "version 1" in done.stderr and "Traceback" not in done.stderr


def test_an_undo_after_the_apply_was_resumed_undoes_what_the_resume_wrote(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    names = list(ef.get_experts(limit=2, progress=False, access="all", status="all").username)
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after["job_title"] = "Dean after a resume"
    journal = tmp_path / "j.jsonl"
    # the second person's PUT refused (400: nothing written): that change failed
    fake.fail_writes_next(1, status=400, retry_after=None,
                          path=f"/v2/organization/{fake.org_id}/expert/{names[1]}")  # fmt: skip
    assert ef.plan_changes(before, after).apply(journal=journal, workers=1).counts == {
        "applied": 1,
        "failed": 1,
    }
    assert ef.undo(journal).ok
    assert ef.resume(journal).ok  # the failed change is sent now
    assert list(ef.get_profiles(names, progress=False).job_title)[1] == "Dean after a resume"
    again = ef.undo(journal)
    assert again.ok, again.statuses
    assert list(ef.get_profiles(names, progress=False).job_title) == list(before.job_title)
    since = len(fake.journal)
    assert ef.undo(journal).ok  # and run once more: nothing written
    assert [e for e in fake.journal[since:] if e.method in WRITES] == []


# -- the CSV apply CLI -------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["1.5", "1.0", "1e0"])
def test_a_flag_cell_with_decimals_is_exit_2_naming_it(
    expertfile_env: FakeExpertFile, tmp_path: Path, cell: str
) -> None:
    from tests.cli.test_apply_csv import one_line, run

    name = str(ef.get_experts(limit=1, access="all", progress=False).username.iloc[0])
    ef.logout()
    edits = tmp_path / "edits.csv"
    edits.write_text(f"username,is_published\n{name},{cell}\n")
    result = run(str(edits))
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result)
    assert "line 2" in line and "column is_published" in line and "whole" in line


def test_an_exported_csv_with_its_unchanged_read_only_columns_applies(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    from tests.cli.test_apply_csv import run

    names = list(ef.get_experts(limit=2, access="all", progress=False).username[:2])
    frame = ef.get_profiles(names, progress=False)
    ef.logout()
    edits = tmp_path / "edits.csv"
    lines = ["\ufeffusername,job_title,id,corporation_id"]
    for _, row in frame.iterrows():
        lines.append(f"{row.username},Dean,{row.id},{row.corporation_id}")
    edits.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(str(edits), "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("would send: PUT") == 2


@pytest.mark.parametrize("undo", [False, True])
def test_a_dry_run_of_a_journal_is_exit_2_and_writes_nothing(
    expertfile_env: FakeExpertFile, tmp_path: Path, undo: bool
) -> None:
    from tests.cli.test_apply_csv import one_line, run

    ef.login(expertfile_env.client_id, expertfile_env.client_secret, base_url=expertfile_env.url)
    names = list(ef.get_experts(limit=2, access="all", progress=False).username[:2])
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after["job_title"] = "Dean"
    journal = tmp_path / "j.jsonl"
    assert ef.plan_changes(before, after).apply(journal=journal, workers=1).ok
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(lines[:-1]) + "\n")  # one change left to finish
    ef.logout()
    since = len(writes(expertfile_env))
    result = run(*(["--undo"] if undo else []), str(journal), "--dry-run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--dry-run" in one_line(result)
    assert len(writes(expertfile_env)) == since
