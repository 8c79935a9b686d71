"""The capture from the command line, served by ``python -m fake_server --dataset`` and by the
pytest fixtures of a project that points them at it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from expertfile_nb._checks.capture import capture
from expertfile_nb._redact import contains_any
from expertfile_nb.cli.main import main
from fake_server import FakeExpertFile
from tests.helpers import read_exports
from tests.hostile import Hostile


@pytest.fixture
def capture_dir(
    expertfile_env: FakeExpertFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    out = tmp_path / "capture"
    assert main(["capture", "--out", str(out), "--limit", "12", "--profiles", "1"]) == 0
    assert f"into {out}: 12 experts, 12 staff, 12 spotlights" in capsys.readouterr().out
    manifest = json.loads((out / "capture.json").read_text())
    assert manifest["limit"] == 12 and manifest["anonymized"] is False
    for path in out.rglob("*.json"):  # nothing of the login is written
        text = path.read_text()
        assert expertfile_env.client_secret not in text
        assert not any(token in text for token in expertfile_env.issued_tokens)
    return out


def test_fake_server_command_serves_a_capture(capture_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0", "--dataset", str(capture_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        exports = read_exports(proc)
        ef.login(
            exports["EXPERTFILE_CLIENT_ID"],
            exports["EXPERTFILE_CLIENT_SECRET"],
            base_url=exports["EXPERTFILE_BASE_URL"],
        )
        served = ef.get_experts()
        saved = json.loads((capture_dir / "experts.json").read_text())["data"]["experts"]
        assert list(served["username"]) == [r["username"] for r in saved]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_fake_server_command_refuses_a_folder_that_is_no_capture(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", "--port", "0", "--dataset", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "is not a capture" in result.stderr


PROJECT_TEST = """
import expertfile_nb as ef

def test_my_code_on_my_organization(expertfile_env):
    assert expertfile_env.dataset is not None
    experts = ef.get_experts()
    assert len(experts) == 12
"""


@pytest.mark.parametrize("how", ["env", "ini"])
def test_fixtures_serve_a_capture(
    capture_dir: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    pytester.makepyfile(test_project=PROJECT_TEST)
    # this checkout's code, not whichever copy of the package is installed
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    if how == "env":
        monkeypatch.setenv("EXPERTFILE_FAKE_DATASET", str(capture_dir))
    else:
        pytester.makeini(f"[pytest]\nexpertfile_dataset = {capture_dir}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_capture_of_a_served_capture_is_the_same(capture_dir: Path, tmp_path: Path) -> None:
    with FakeExpertFile(dataset=capture_dir) as copy:
        ef.login(copy.client_id, copy.client_secret, base_url=copy.url)
        again = tmp_path / "again"
        from expertfile_nb._checks.capture import capture

        capture(again, profiles=0)
    for name in ("experts.json", "staff.json", "spotlights.json"):
        assert json.loads((again / name).read_text()) == json.loads(
            (capture_dir / name).read_text()
        )


def _not_root() -> bool:
    import os

    return os.geteuid() != 0


@pytest.mark.parametrize(
    "bad", ["a-file", "a-file/below", "full-folder"] + (["locked/new"] if _not_root() else [])
)
def test_an_unusable_out_is_refused_before_any_request(
    expertfile_env: FakeExpertFile, tmp_path: Path, bad: str
) -> None:
    (tmp_path / "a-file").write_text("keep me")
    (tmp_path / "full-folder").mkdir()
    (tmp_path / "full-folder" / "x").write_text("")
    (tmp_path / "locked").mkdir(mode=0o500)
    result = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "capture", "--out", str(tmp_path / bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("python -m expertfile_nb capture: error: ")
    assert f"--out {tmp_path / bad}" in result.stderr and "Traceback" not in result.stderr
    assert expertfile_env.journal == []  # no login, no pull
    assert (tmp_path / "a-file").read_text() == "keep me"
    if bad == "a-file/below":
        assert f"{tmp_path / 'a-file'} is a file, not a folder" in result.stderr


def test_missing_parents_of_out_are_created(
    expertfile_env: FakeExpertFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "deeper" / "capture"
    assert main(["capture", "--out", str(out), "--limit", "2", "--profiles", "0"]) == 0
    assert (out / "capture.json").is_file()


@pytest.mark.parametrize(
    "bad",
    [["--limit", "-5"], ["--profiles", "-1"], ["--limit", "x"], ["--anonymize-key-file", "k"]],
)
def test_bad_numbers_are_refused_before_any_request(
    expertfile_env: FakeExpertFile,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    bad: list[str],
) -> None:
    try:
        status = main(["capture", "--out", str(tmp_path / "c"), *bad])
    except SystemExit as stop:  # argparse's usage errors
        status = stop.code  # type: ignore[assignment] # an int here, as argparse exits
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and err.strip().splitlines()[-1].count("error:") == 1, err
    assert "Traceback" not in err and expertfile_env.journal == []
    assert not (tmp_path / "c").exists()


def test_hostile_usernames_leave_only_the_capture(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Usernames that are too long for a file, climb out of the folder, equal the token, or
    are no string: the capture is written whole, inside its folder, with none of them as a
    file name and the token nowhere; each one left out is said."""
    service = Hostile()
    service.usernames = [
        "x" * 300,
        "../../escape",
        service.token,
        7,
        "fine",
    ]
    service.serve(httpserver)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    ef.login(service.client_id, service.secret, base_url=service.url)
    summary = capture("out", profiles=6, session=ef.get_session(retries=0))
    assert sorted(p.name for p in work.iterdir()) == ["out"], "nothing beside the capture"
    files = [p for p in (work / "out").rglob("*") if p.is_file()]
    assert {str(p.relative_to(work / "out")) for p in files if p.parent.name == "expert"} == {
        "expert/..%2F..%2Fescape.json",
        "expert/7.json",
        "expert/fine.json",
    }
    for path in files:
        assert not contains_any(str(path) + path.read_text(), [service.token, service.secret])
    assert summary.counts["expert profiles"] == 3
    skipped = json.loads((work / "out" / "capture.json").read_text())["skipped"]
    assert skipped == summary.skipped
    assert "expert #1 (the username is too long for a file name)" in skipped
    assert "expert #3 (the username holds the token or secret)" in skipped


def test_a_failed_capture_leaves_nothing(
    httpserver: HTTPServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A capture that fails half way (the token refused for a profile, after one profile was
    written): one line, exit 1, and no folder, partial or hidden, left behind."""
    service = Hostile(usernames=["fine", "revoked"]).serve(httpserver)
    monkeypatch.setenv("EXPERTFILE_BASE_URL", service.url)
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", service.client_id)
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", service.secret)
    where = tmp_path / "where"
    assert main(["capture", "--out", str(where / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert list(where.iterdir()) == []
