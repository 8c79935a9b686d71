"""``expertfile-nb load``: the whole organization into DuckDB, a one-line summary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb  # the test extra installs dlt[duckdb] (a test that skipped would hide a break)
import pytest

import expertfile_nb as ef
from expertfile_nb.cli.main import main
from fake_server import FakeExpertFile
from tests.pipeline.warehouse import organization


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeExpertFile]:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with organization(monkeypatch, tmp_path, 8) as server:
        yield server


def test_load_fills_a_duckdb_file_and_says_so_in_one_line(
    fake: FakeExpertFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "--no-progress"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    experts = len(ef.get_experts(access="all"))
    assert re.search(rf"experts {experts}\b", out[0])
    assert re.search(r"in \d+\.\d s", out[0])
    file = tmp_path / "work" / "expertfile_nb.duckdb"
    with duckdb.connect(str(file), read_only=True) as con:
        row = con.execute("select count(*) from expertfile.experts").fetchone()
        assert row is not None and row[0] == experts
        row = con.execute("select count(*) from expertfile.profiles").fetchone()
        assert row is not None and row[0] > experts  # the staff who are not experts too
    # a second load merges: the same rows, no duplicate
    assert main(["load", "--no-progress"]) == 0
    with duckdb.connect(str(file), read_only=True) as con:
        row = con.execute(
            "select count(*), count(distinct username) from expertfile.experts"
        ).fetchone()
        assert row == (experts, experts)


def test_a_failed_load_is_one_line_and_exit_1(
    fake: FakeExpertFile, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail_next(10_000, status=503, path=f"/v2/organization/{fake.org_id}/employee")
    assert main(["load", "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: The pull of staff stopped")


def test_load_with_a_named_profile(
    fake: FakeExpertFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.work]\nbase_url = "{fake.url}"\nclient_id = "{fake.client_id}"\n'
        f'client_secret = "{fake.client_secret}"\n'
    )
    config.chmod(0o600)
    monkeypatch.setenv("EXPERTFILE_CONFIG", str(config))
    for name in ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET", "EXPERTFILE_BASE_URL"):
        monkeypatch.delenv(name)
    assert main(["load", "--profile", "work", "--no-progress"]) == 0
    assert "experts" in capsys.readouterr().out
    assert fake.token_requests == 1
    ef.logout()  # each command is its own process; here, forget the login of the first
    assert main(["load", "--profile", "home", "--no-progress"]) == 1
    assert "'home'" in capsys.readouterr().err


def test_a_dataset_named_like_the_duckdb_file_is_refused(
    fake: FakeExpertFile, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "--dataset-name", "expertfile_nb"]) == 2
    assert "choose another dataset name" in capsys.readouterr().err


def test_the_readme_pipelines_snippet_runs(fake: FakeExpertFile, tmp_path: Path) -> None:
    """The source's example in docs/pipelines.md (where the README sends you) runs as written."""
    import os
    import subprocess
    import sys

    page = (Path(__file__).resolve().parents[2] / "docs" / "pipelines.md").read_text()
    section = page.split("## The source", 1)[1].split("\n## ", 1)[0]
    (snippet,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    result = subprocess.run(
        [sys.executable, "-c", snippet],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=tmp_path / "work",
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with duckdb.connect(str(tmp_path / "work" / "expertfile_nb.duckdb"), read_only=True) as con:
        row = con.execute("select count(*) from expertfile.profiles").fetchone()
    assert row is not None and row[0] > 8
