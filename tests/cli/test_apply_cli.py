"""expertfile-nb apply: profile edits from a CSV, as a scheduled job runs them.

Each command is its own process against the fake server (which keeps writes): dry run
(no write), apply, the same CSV again (no write), undo from the journal (old values back);
bad CSVs end with exit 2 before anything is written.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "apply", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def writes(server: FakeExpertFile) -> list[str]:
    return [
        f"{e.method} {e.path}"
        for e in server.journal
        if e.method in ("POST", "PUT", "DELETE") and "/oauth/" not in e.path
    ]


def test_dry_run_apply_again_undo(
    expertfile_env: FakeExpertFile, people: list[str], tmp_path: Path
) -> None:
    edits = tmp_path / "edits.csv"
    edits.write_text(
        f"username,job_title,location_city\n{people[0]},Dean,\n{people[1]},,Oslo\n{people[2]},,\n"
    )
    journal = tmp_path / "journal.jsonl"

    dry = run(str(edits), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"{people[0]}.job_title" in dry.stdout and "→ 'Dean'" in dry.stdout
    assert "would send: PUT" in dry.stdout and "nothing was written" in dry.stdout
    assert writes(expertfile_env) == []

    done = run(str(edits), "--journal", str(journal))
    assert done.returncode == 0, done.stderr
    assert "2 applied" in done.stdout and str(journal) in done.stdout
    assert len(writes(expertfile_env)) == 2  # one PUT per person, an empty cell is no edit
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    profiles = ef.get_profiles(people[:2])
    assert profiles.loc[0, "job_title"] == "Dean" and profiles.loc[1, "location_city"] == "Oslo"

    again = run(str(edits))
    assert again.returncode == 0, again.stderr
    assert "Nothing to change" in again.stdout
    assert len(writes(expertfile_env)) == 2

    undone = run("--undo", str(journal))
    assert undone.returncode == 0, undone.stderr
    restored = ef.get_profiles(people[:2])
    assert restored.loc[0, "job_title"] != "Dean"
    for secret in [expertfile_env.client_secret, *expertfile_env.issued_tokens]:
        assert secret not in journal.read_text() + done.stdout + undone.stdout


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name,job_title\nx,Dean\n", "username"),
        ("username,job_title\n{0},Dean\n{0},Chair\n", "edited twice"),
        ("username,job_title\n,Dean\n", "no username"),
        ("username,shoe_size\n{0},42\n", "column 'shoe_size' is not a profile field"),
        ("username,is_published\n{0},yes\n", "column is_published: must be a whole number"),
        ("username,job_title\n{0},Dean,extra\n", "more than the header's 2 columns"),
        ("username,id\n{0},5\n", "does not let one change"),
    ],
)
def test_a_bad_csv_is_exit_2_and_writes_nothing(
    expertfile_env: FakeExpertFile, people: list[str], tmp_path: Path, text: str, words: str
) -> None:
    edits = tmp_path / "edits.csv"
    edits.write_text(text.format(people[0]))
    result = run(str(edits))
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert writes(expertfile_env) == []


def test_a_missing_file_and_a_non_journal_undo_are_exit_2(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope.csv")).returncode == 2
    edits = tmp_path / "edits.csv"
    edits.write_text("username,job_title\nx,Dean\n")
    result = run("--undo", str(edits))
    assert result.returncode == 2 and "not the journal" in result.stderr


def test_not_logged_in_is_exit_1(tmp_path: Path) -> None:
    edits = tmp_path / "edits.csv"
    edits.write_text("username,job_title\nx,Dean\n")
    result = run(str(edits))
    assert result.returncode == 1 and "Not logged in" in result.stderr


def test_a_refused_write_is_exit_3_and_named(
    expertfile_env: FakeExpertFile, people: list[str], tmp_path: Path
) -> None:
    edits = tmp_path / "edits.csv"
    edits.write_text(f"username,job_title\n{people[0]},Dean\n")
    expertfile_env.fail_writes_next(5, 400, path="data")  # refused: nothing to re-read
    result = run(str(edits), "--journal", str(tmp_path / "j.jsonl"))
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"failed: update {people[0]}.job_title" in result.stdout


def test_an_existing_journal_is_exit_2_and_kept(
    expertfile_env: FakeExpertFile, people: list[str], tmp_path: Path
) -> None:
    edits = tmp_path / "edits.csv"
    edits.write_text(f"username,job_title\n{people[0]},Dean\n")
    journal = tmp_path / "j.jsonl"
    journal.write_text("someone's notes\n")
    earlier = len(expertfile_env.journal)
    result = run(str(edits), "--journal", str(journal))
    assert result.returncode == 2 and "exists" in result.stderr
    assert journal.read_text() == "someone's notes\n" and writes(expertfile_env) == []
    # refused before the people are read
    assert [e.path for e in expertfile_env.journal[earlier:] if "/oauth/" not in e.path] == []


def test_a_journal_given_to_apply_finishes_its_plan(
    expertfile_env: FakeExpertFile, people: list[str], tmp_path: Path
) -> None:
    edits = tmp_path / "edits.csv"
    edits.write_text(f'\ufeffusername,job_title\r\n{people[0]},"Dean\r\nof Arts"\r\n')
    journal = tmp_path / "j.jsonl"
    assert run(str(edits), "--journal", str(journal)).returncode == 0
    assert ef.get_profiles(people[:1]).loc[0, "job_title"] == "Dean\r\nof Arts"
    # as if it stopped after announcing the write: only the plan and a sending line
    journal.write_text("".join(journal.read_text().splitlines(keepends=True)[:2]))
    resumed = run(str(journal))
    assert resumed.returncode == 0, resumed.stderr
    assert "1 already applied" in resumed.stdout and len(writes(expertfile_env)) == 1
