"""expertfile-nb apply: what a CSV's cells and columns mean (issue 21, point 4).

A missing, empty or blank cell leaves its field alone (a short row clears nothing); a
duplicated, unknown or unnamed column, a row longer than the header and a CSV without a
``username`` column are refused (exit 2) before anything is read or written; every
message names the CSV line and the column. ``--kind staff`` plans and writes staff; a
dry run shows the logged-in organization's paths; a conflict is listed with what the
service holds now, and ends with exit 3. Each command runs as its own process against
the fake server, as a scheduled job would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

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


def requests_made(server: FakeExpertFile, since: int = 0) -> list[str]:
    """Every request but the token's (from the ``since``-th on)."""
    return [f"{e.method} {e.path}" for e in server.journal[since:] if "/oauth/" not in e.path]


def writes(server: FakeExpertFile) -> list[Any]:
    return [
        e
        for e in server.journal
        if e.method in ("POST", "PUT", "DELETE") and "/oauth/" not in e.path
    ]


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line of stderr an error leaves (never a traceback)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def edits(tmp_path: Path) -> Path:
    return tmp_path / "edits.csv"


def test_a_short_row_leaves_the_missing_fields_alone(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path
) -> None:
    before = ef.get_profiles(people[:1]).iloc[0]
    assert before["location_city"] and before["company"]  # something a clear would lose
    edits.write_text(f"username,job_title,location_city,company\n{people[0]},Dean\n")
    result = run(str(edits))
    assert result.returncode == 0, result.stdout + result.stderr
    sent = writes(expertfile_env)
    assert len(sent) == 1 and sent[0].form == {"job_title": "Dean"}
    after = ef.get_profiles(people[:1]).iloc[0]
    assert after["job_title"] == "Dean"
    assert after["location_city"] == before["location_city"]
    assert after["company"] == before["company"]


def test_a_short_row_with_a_flag_column_is_no_crash(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path
) -> None:
    edits.write_text(f"username,job_title,is_published\n{people[0]},Dean\n")
    result = run(str(edits))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert [e.form for e in writes(expertfile_env)] == [{"job_title": "Dean"}]


def test_blank_cells_leave_their_fields_alone(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path
) -> None:
    edits.write_text(
        "username,job_title,location_city,is_published\n"
        f"{people[0]},Dean,   ,  \n"
        f"{people[1]}, \t ,Oslo,\n"
        ",,,\n"  # a row of nothing (as spreadsheets leave them) is no edit
    )
    dry = run(str(edits), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "Plan for experts: 2 update," in dry.stdout
    assert f"{people[0]}.job_title" in dry.stdout and f"{people[1]}.location_city" in dry.stdout
    done = run(str(edits))
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(tuple(e.form) for e in writes(expertfile_env)) == [
        ("job_title",),
        ("location_city",),
    ]


def test_surrounding_spaces_are_not_written(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path
) -> None:
    edits.write_text(f'username,job_title\n  {people[0]} ," Dean of Arts  "\n')
    result = run(str(edits))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [e.form for e in writes(expertfile_env)] == [{"job_title": "Dean of Arts"}]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("username,job_title,username", ["line 1", "column 'username'", "twice"]),
        ("username,job_title,job_title", ["line 1", "column 'job_title'", "twice"]),
        ("username,job_title,shoe_size", ["line 1", "column 'shoe_size'", "not a profile field"]),
        ("username,Job_Title", ["line 1", "column 'Job_Title'", "not a profile field"]),
        ("username,job_title,", ["line 1", "column 3", "no name"]),
        ("name,job_title", ["line 1", "no username column"]),
        ("job_title", ["line 1", "no username column"]),
    ],
)
def test_a_bad_header_is_exit_2_before_anything_is_read(
    expertfile_env: FakeExpertFile,
    people: list[str],
    edits: Path,
    header: str,
    words: list[str],
) -> None:
    edits.write_text(f"{header}\n{people[0]},Dean,Chair\n")
    earlier = len(expertfile_env.journal)
    result = run(str(edits))
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result)
    assert all(word in line for word in words), line
    assert requests_made(expertfile_env, earlier) == []  # refused before the first request


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # a quote never closed would swallow the rows after it into one cell
        ('username,job_title\n{0},"Dean\n{1},Chair\n', ["line 2", "not a CSV row"]),
        ('username,job_title\n{0},"Dean"s\n', ["line 2", "not a CSV row"]),
        # a row longer than the header: which line, how many cells
        ("username,job_title\n{0},Dean\n{1},Chair,extra\n", ["line 3", "3 cells", "2 columns"]),
        # a row that spans lines (a quoted line break) is named by the line it starts on
        (
            'username,job_title\n\n{0},"Dean\nof Arts"\n{1},"Chair\nof Arts",x\n',
            ["line 5", "3 cells"],
        ),
        # a flag that is no flag, a number that is no number
        ("username,is_published\n{0},1\n{1},5\n", ["line 3", "column is_published", "1/0"]),
        ("username,is_published\n{0},1\n{1},yes\n", ["line 3", "column is_published", "whole"]),
        ("username,corporation_id\n{0},x\n", ["line 2", "column corporation_id", "whole number"]),
        # a field the service does not let one change, edited on the second row
        ("username,job_title,id\n{0},Dean,\n{1},,5\n", ["line 3", "column id", "not let one"]),
        # the same person twice
        ("username,job_title\n{0},Dean\n{0},Chair\n", ["line 3", "line 2", "edited twice"]),
        ("username,job_title\n{0},Dean\n,Chair\n", ["line 3", "no username"]),
        ("username,job_title\n{0},Dean\nbad\u0007name,Chair\n", ["line 3", "column username"]),
        # a person the service does not know (a 404 of the read)
        (
            "username,job_title\n{0},Dean\nnobody.here,Chair\n",
            ["line 3", "column username", "'nobody.here'", "not found"],
        ),
    ],
)
def test_every_message_names_the_line_and_the_column(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path, text: str, words: list[str]
) -> None:
    edits.write_text(text.format(*people))
    result = run(str(edits))
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result)
    assert all(word in line for word in words), line
    assert str(edits) in line and "after changes" not in line
    assert writes(expertfile_env) == []


def test_the_dry_run_shows_the_paths_of_the_logged_in_organization(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path
) -> None:
    edits.write_text(f"username,job_title\n{people[0]},Dean\n")
    result = run(str(edits), "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    org = expertfile_env.org_id
    assert f"would send: PUT /v2/organization/{org}/expert/{people[0]}" in result.stdout
    assert "{org}" not in result.stdout and writes(expertfile_env) == []


def test_kind_staff_reads_plans_and_writes_staff(
    expertfile_env: FakeExpertFile, edits: Path
) -> None:
    experts = set(ef.get_experts(access="all")["username"])
    name = next(str(u) for u in ef.get_staff()["username"] if u not in experts)  # staff only
    ef.logout()
    edits.write_text(f"username,job_title\n{name},Dean of Staff\n")
    dry = run(str(edits), "--kind", "staff", "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "Plan for staff: 1 update" in dry.stdout
    assert f"would send: PUT /v2/organization/{expertfile_env.org_id}/staff/{name}" in dry.stdout
    done = run(str(edits), "--kind", "staff")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [f"{e.method} {e.path}" for e in writes(expertfile_env)] == [
        f"PUT /v2/organization/{expertfile_env.org_id}/staff/{name}"
    ]
    assert ef.get_profiles([name], kind="staff").loc[0, "job_title"] == "Dean of Staff"


def test_a_conflict_is_listed_with_what_the_service_holds_and_is_exit_3(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path
) -> None:
    server = expertfile_env
    where = f"/v2/organization/{server.org_id}/expert/{people[1]}"

    def someone_else(_request: object) -> None:
        """At the apply's re-read (the person's second read), someone else edits first."""
        calls.append(1)
        if len(calls) == 2:
            token = server.issued_tokens[-1]
            answer = requests.put(
                server.url + where,
                data={"company": "Someone else's"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text

    calls: list[int] = []
    server.add_fault(2, someone_else, path=where)
    edits.write_text(
        f"username,job_title,company\n{people[0]},Dean,\n{people[1]},Chair,Our Company\n"
    )
    result = run(str(edits))
    assert result.returncode == 3, result.stdout + result.stderr
    assert len(calls) == 2
    conflicts = [line for line in result.stdout.splitlines() if line.startswith("conflict")]
    assert len(conflicts) == 1, result.stdout
    assert f"{people[1]}.company" in conflicts[0] and "line 3" in conflicts[0]
    assert '"Someone else\'s"' in conflicts[0]  # what the service holds now
    assert "2 applied, 1 conflict" in result.stdout
    profile = ef.get_profiles(people[1:2]).iloc[0]
    assert profile["company"] == "Someone else's" and profile["job_title"] == "Chair"


def test_help_says_what_cells_mean_and_the_exit_statuses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "apply", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for words in (
        "missing, empty or blank cell leaves the field as it is",
        "A CSV cannot clear a field",
        "3 finished with conflicts or failed changes",
        "2 bad usage or CSV",
    ):
        assert words in text, text


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "33"], "--workers"),
        (["--pace", "-1"], "--pace"),
        (["--pace", "inf"], "--pace"),
        (["--pace", "nan"], "--pace"),
    ],
)
def test_bad_workers_or_pace_are_exit_2_before_anything_is_read(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path, option: list[str], words: str
) -> None:
    edits.write_text(f"username,job_title\n{people[0]},Dean\n")
    earlier = len(expertfile_env.journal)
    result = run(str(edits), *option)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr.splitlines()[-1] and "Traceback" not in result.stderr
    assert requests_made(expertfile_env, earlier) == []


def test_journal_is_refused_with_a_journal_to_finish_or_undo(
    expertfile_env: FakeExpertFile, people: list[str], edits: Path, tmp_path: Path
) -> None:
    edits.write_text(f"username,job_title\n{people[0]},Dean\n")
    journal = tmp_path / "j.jsonl"
    assert run(str(edits), "--journal", str(journal)).returncode == 0
    for args in ([str(journal)], ["--undo", str(journal)]):
        result = run(*args, "--journal", str(tmp_path / "other.jsonl"))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "--journal" in one_line(result)
        assert not (tmp_path / "other.jsonl").exists()
    assert len(writes(expertfile_env)) == 1


def test_a_field_no_read_shows_needs_unverifiable_by_name(
    expertfile_env: FakeExpertFile, people: list[str], tmp_path: Path
) -> None:
    """An expert's department is shown by no documented read: a CSV column of it is
    refused (exit 2, naming it and the flag) unless --unverifiable names it; then it is
    written, and the undo leaves it alone (never written back to a value nobody saw)."""
    csv = tmp_path / "edits.csv"
    csv.write_text(f"username,department\n{people[0]},Chemistry\n")
    refused = run(str(csv))
    assert refused.returncode == 2
    assert "department" in one_line(refused) and "--unverifiable" in refused.stderr
    assert writes(expertfile_env) == []
    journal = tmp_path / "j.jsonl"
    done = run(str(csv), "--unverifiable", "department", "--journal", str(journal))
    assert done.returncode == 0, done.stderr
    person = expertfile_env.store.person(expertfile_env.org_id, people[0])
    assert person is not None and person.account["department"] == "Chemistry"
    undone = run("--undo", str(journal))
    assert undone.returncode == 3, undone.stdout  # reported: not undone
    assert "not undone" in undone.stdout
    assert person.account["department"] == "Chemistry"
    assert [e.method for e in writes(expertfile_env)] == ["PUT"]
