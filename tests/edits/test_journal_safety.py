"""A journal finishes only the plan it holds, only where it was applied (issue 21, point 8
and the minor points).

A journal names the service and organization it was applied to, and a resume or undo
elsewhere is refused naming both (exit 2 in the CLI); an older journal, or one damaged
by hand, is one typed error, never a traceback; two runs on one journal at once are
refused; the plan line is written once; a ``sending`` record is synced before the write
it announces; default journal paths never collide.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sys as _sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import expertfile_nb as ef
from expertfile_nb._edits.journal import (
    JournalElsewhereError,
    JournalError,
    default_journal_path,
    locked,
)
from fake_server import FakeExpertFile


@pytest.fixture
def other() -> Iterator[FakeExpertFile]:
    with FakeExpertFile() as server:
        yield server


def applied(tmp_path: Path, count: int = 3) -> tuple[list[str], Path]:
    frame = ef.get_experts(limit=count, progress=False, access="all", status="all")
    names = list(frame.username[:count])
    before = ef.get_profiles(names, progress=False)
    after = before.copy()
    after["job_title"] = "Dean"
    journal = tmp_path / "j.jsonl"
    result = ef.plan_changes(before, after).apply(journal=journal, workers=1)
    assert result.ok, result.statuses
    return names, journal


def writes(server: FakeExpertFile) -> list[str]:
    return [
        f"{e.method} {e.path}"
        for e in server.journal
        if e.method in ("POST", "PUT", "DELETE") and "/oauth/" not in e.path
    ]


def test_the_journal_names_its_service_and_organization(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    _, journal = applied(tmp_path)
    header = json.loads(journal.read_text().splitlines()[0])
    assert header["base_url"] == fake.url.rstrip("/") and header["org"] == str(fake.org_id)


@pytest.mark.parametrize("run", ["resume", "undo"])
def test_a_journal_is_refused_against_another_service(
    fake: FakeExpertFile, other: FakeExpertFile, tmp_path: Path, run: str
) -> None:
    _, journal = applied(tmp_path)
    if run == "resume":  # a change left to finish
        lines = journal.read_text().splitlines()
        journal.write_text("\n".join(lines[:-1]) + "\n")
    ef.login(other.client_id, other.client_secret, base_url=other.url)
    with pytest.raises(JournalElsewhereError) as caught:
        getattr(ef, run)(journal)
    assert fake.url.rstrip("/") in str(caught.value) and other.url.rstrip("/") in str(caught.value)
    assert writes(other) == []


def test_a_journal_is_refused_in_another_organization(fake: FakeExpertFile, tmp_path: Path) -> None:
    _, journal = applied(tmp_path)
    lines = journal.read_text().splitlines()
    header = json.loads(lines[0])
    header["org"] = "9999"
    journal.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    with pytest.raises(JournalElsewhereError, match=r"organization 9999.*organization"):
        ef.undo(journal)


def test_the_cli_exits_2_naming_both_services(
    expertfile_env: FakeExpertFile, other: FakeExpertFile, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ef.login(expertfile_env.client_id, expertfile_env.client_secret, base_url=expertfile_env.url)
    _, journal = applied(tmp_path)
    ef.logout()
    env = {**os.environ, "EXPERTFILE_BASE_URL": other.url,
           "EXPERTFILE_CLIENT_ID": other.client_id,
           "EXPERTFILE_CLIENT_SECRET": other.client_secret}  # fmt: skip
    for args in ([str(journal)], ["--undo", str(journal)]):
        done = subprocess.run(
            [sys.executable, "-m", "expertfile_nb", "apply", *args],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert (
            expertfile_env.url.rstrip("/") in done.stderr and other.url.rstrip("/") in done.stderr
        )
        assert "Traceback" not in done.stderr
    assert writes(other) == []


def rewrite(journal: Path, edit: Any) -> None:
    records = [json.loads(x) for x in journal.read_text().splitlines()]
    edit(records)
    journal.write_text("".join(json.dumps(r) + "\n" for r in records))


def first_of(kind: str) -> Any:
    def pick(records: list[dict[str, Any]]) -> dict[str, Any]:
        return next(r for r in records if r.get("type") == kind)

    return pick


TAMPERS = {
    "sending index out of range": lambda r: first_of("sending")(r).update(n=[99]),
    "sending index as text": lambda r: first_of("sending")(r).update(n=["0"]),
    "sending index not a list": lambda r: first_of("sending")(r).update(n=0),
    "result index as text": lambda r: first_of("result")(r).update(n="1"),
    "change without a field": lambda r: r[0]["changes"][0].pop("field"),
    "change of an unknown action": lambda r: r[0]["changes"][0].update(action="rename"),
    "changes not a list": lambda r: r[0].update(changes={"a": 1}),
    "kind unknown": lambda r: r[0].update(kind="people"),
    "username a number": lambda r: r[0]["changes"][0].update(username=7),
}


@pytest.mark.parametrize("tamper", TAMPERS)
@pytest.mark.parametrize("run", ["resume", "undo"])
def test_a_tampered_journal_is_one_typed_error(
    fake: FakeExpertFile, tmp_path: Path, tamper: str, run: str
) -> None:
    _, journal = applied(tmp_path)
    rewrite(journal, TAMPERS[tamper])
    before = len(writes(fake))
    with pytest.raises(JournalError):
        getattr(ef, run)(journal)
    assert len(writes(fake)) == before


def test_a_tampered_journal_is_exit_2_in_the_cli(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    ef.login(expertfile_env.client_id, expertfile_env.client_secret, base_url=expertfile_env.url)
    _, journal = applied(tmp_path)
    ef.logout()
    rewrite(journal, TAMPERS["sending index out of range"])
    done = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "apply", "--undo", str(journal)],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 2 and "damaged" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("version", [1, 3, "2", True])
def test_a_journal_of_another_version_is_refused(
    fake: FakeExpertFile, tmp_path: Path, version: object
) -> None:
    _, journal = applied(tmp_path)
    rewrite(journal, lambda r: r[0].update(v=version))
    with pytest.raises(JournalError, match="version"):
        ef.undo(journal)
    with pytest.raises(JournalError, match="version"):
        ef.resume(journal)


def test_a_second_run_on_a_journal_in_use_is_refused(fake: FakeExpertFile, tmp_path: Path) -> None:
    _, journal = applied(tmp_path)
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(lines[:2]) + "\n")  # the plan and one write announced
    before = len(writes(fake))
    with locked(journal):  # another run holds it
        with pytest.raises(JournalError, match="in use"):
            ef.resume(journal)
        with pytest.raises(JournalError, match="in use"):
            ef.undo(journal)
    assert len(writes(fake)) == before
    assert ef.resume(journal).ok  # once it is free


def test_two_runs_at_once_write_each_person_once(fake: FakeExpertFile, tmp_path: Path) -> None:
    names, journal = applied(tmp_path)
    journal.write_text(journal.read_text().splitlines()[0] + "\n")  # nothing finished
    for name in names:
        ef.update_expert(name, job_title="Professor")  # so the plan is to be written again
    results: list[Any] = []
    start = len(writes(fake))

    def run() -> None:
        try:
            results.append(ef.resume(journal))
        except JournalError as error:
            results.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(writes(fake)) - start <= len(names)


def test_the_plan_line_is_written_once(fake: FakeExpertFile, tmp_path: Path) -> None:
    _, journal = applied(tmp_path)
    ef.resume(journal)
    ef.resume(journal)
    plans = [x for x in journal.read_text().splitlines() if json.loads(x)["type"] == "plan"]
    assert len(plans) == 1


def test_each_sending_record_is_synced_before_its_write(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    # os.fsync seen through the profiler (a C call), not patched
    calls: list[str] = []
    lock = threading.Lock()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "c_call" and arg is os.fsync:
            with lock:
                calls.append("fsync")

    frame = ef.get_experts(limit=3, progress=False, access="all", status="all")
    before = ef.get_profiles(list(frame.username[:3]), progress=False)
    after = before.iloc[:2].copy()
    after["job_title"] = "Dean"
    plan = ef.plan_changes(before, after, allow_delete=True)  # two updates, a delete
    journal = tmp_path / "j.jsonl"
    threading.setprofile(profile)
    _sys.setprofile(profile)
    try:
        assert plan.apply(journal=journal, workers=1).ok
    finally:
        _sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    sending = [x for x in journal.read_text().splitlines() if '"sending"' in x]
    assert len(sending) == 3 and '"image"' in sending[-1]
    assert len(calls) >= 1 + len(sending)  # the plan line, then each announcement


def test_default_journal_paths_never_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # never the real data folder
    paths = {default_journal_path() for _ in range(200)}  # the same second, the same process
    assert len(paths) == 200
