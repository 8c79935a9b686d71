"""python -m expertfile_nb login | status | logout | token --export."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fake_server import FakeExpertFile


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "expertfile_nb", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_login_prints_org_and_expiry(expertfile_env: FakeExpertFile) -> None:
    result = run("login")
    assert result.returncode == 0, result.stderr
    assert (
        f"organization {expertfile_env.org_id}" in result.stdout and "valid until" in result.stdout
    )
    assert expertfile_env.issued_tokens[-1] not in result.stdout + result.stderr


def test_status_and_logout(expertfile_env: FakeExpertFile) -> None:
    status = run("status")
    assert status.returncode == 0 and "Logged in to organization" in status.stdout
    logout = run("logout")
    assert logout.returncode == 0 and "EXPERTFILE_CLIENT_ID" in logout.stdout


def test_token_needs_export_flag(expertfile_env: FakeExpertFile) -> None:
    result = run("token")
    assert result.returncode == 2 and "--export" in result.stderr
    assert expertfile_env.token_requests == 0


def test_token_export_round_trip(
    expertfile_env: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("token", "--export")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("export EXPERTFILE_ACCESS_TOKEN=")
    exported = dict(part.split("=", 1) for part in line.removeprefix("export ").split())
    assert exported["EXPERTFILE_ORG_ID"] == str(expertfile_env.org_id)
    # elsewhere, with only those variables, data pulls work
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERTFILE_")}
    env.update(exported)
    code = (
        "import expertfile_nb as ef; s = ef.get_session(); "
        "print(s.get(f'/v2/organization/{s.org_id}/expert').status_code)"
    )
    pulled = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert pulled.stdout.strip() == "200", pulled.stderr
    assert expertfile_env.token_requests == 1


def test_errors_are_one_line_without_traceback(expertfile_server: FakeExpertFile) -> None:
    result = run(
        "login", env={"EXPERTFILE_BASE_URL": expertfile_server.url, "EXPERTFILE_CLIENT_ID": "x"}
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and "EXPERTFILE_CLIENT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
