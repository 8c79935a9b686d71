"""The main job: `python -m expertfile_nb demo` works on a fresh install with nothing set."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fake_server import FakeExpertFile


def run_demo(
    command: list[str], out: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "demo", "--out", str(out)], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "expertfile_nb"], [shutil.which("expertfile-nb") or "expertfile-nb"]],
)
def test_demo_offline_with_nothing_configured(command: list[str], tmp_path: Path) -> None:
    out = tmp_path / "experts.csv"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERTFILE_")}
    result = run_demo(command, out, env)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "bundled fake" in text
    assert "organization 4242" in text and "Token valid until" in text
    assert "Top topics" in text and "Top countries" in text
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert f"Pulled {len(rows)} experts" in text and len(rows) > 100
    assert len({r["username"] for r in rows}) == len(rows)
    assert "demo-secret" not in text + result.stderr


def test_demo_uses_the_configured_service(expertfile_env: FakeExpertFile, tmp_path: Path) -> None:
    expertfile_env.experts = 600
    out = tmp_path / "mine.csv"
    result = run_demo([sys.executable, "-m", "expertfile_nb"], out, dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert "bundled fake" not in result.stdout
    assert expertfile_env.url in result.stdout
    methods = [e.method for e in expertfile_env.journal]
    assert set(methods) == {"POST", "GET"} and methods.count("POST") == 1  # read-only, one token
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert f"Pulled {len(rows)} experts" in result.stdout and len(rows) > 300


def test_demo_reports_a_bad_secret_in_one_line(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    env = {**os.environ, "EXPERTFILE_CLIENT_SECRET": "Not-The-Right-One"}
    result = run_demo([sys.executable, "-m", "expertfile_nb"], tmp_path / "x.csv", env)
    assert result.returncode == 1
    assert "invalid_client" in result.stderr and "Traceback" not in result.stderr
    assert "Not-The-Right-One" not in result.stderr + result.stdout
