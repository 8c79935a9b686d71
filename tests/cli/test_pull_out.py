"""``expertfile-nb pull TABLE --out FILE``: .parquet, .csv, .jsonl, verified, never half-written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa  # the test extra installs it (a test that skipped would hide a break)
import pyarrow.parquet as pq
import pytest

import expertfile_nb as ef
from expertfile_nb.cli.main import main
from fake_server import FakeExpertFile


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeExpertFile]:
    """More experts than one batch (100): the file is written from several."""
    with FakeExpertFile(experts=130) as server:
        monkeypatch.setenv("EXPERTFILE_BASE_URL", server.url)
        monkeypatch.setenv("EXPERTFILE_CLIENT_ID", server.client_id)
        monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", server.client_secret)
        yield server


def pull(table: str, out: Path) -> int:
    return main(["pull", table, "--out", str(out), "--no-progress"])


def test_parquet_has_every_row_and_lists_as_lists(fake: FakeExpertFile, tmp_path: Path) -> None:
    out = tmp_path / "experts.parquet"
    assert pull("experts", out) == 0
    table = pq.read_table(out)
    expected = ef.get_experts(access="all")
    assert table.num_rows == len(expected) == 130
    assert sorted(table.column("username").to_pylist()) == sorted(expected.username)
    assert pa.types.is_list(table.schema.field("topics").type)
    names, topics = table.column("username").to_pylist(), table.column("topics").to_pylist()
    got = dict(zip(names, topics, strict=True))
    for username, titles in zip(expected.username, expected.topics, strict=True):
        assert got[username] == list(titles)
    assert table.column_names[:3] == ["username", "corporation", "topics"]


def test_parquet_profiles_have_their_sections_as_lists(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    out = tmp_path / "profiles.parquet"
    assert pull("profiles", out) == 0
    table = pq.read_table(out)
    experts = list(ef.get_experts(access="all").username)
    staff = [*ef.get_staff(access="public").username, *ef.get_staff(access="private").username]
    assert sorted(table.column("username").to_pylist()) == sorted(set(experts) | set(staff))
    assert pa.types.is_list(table.schema.field("education").type)
    rows = table.to_pylist()
    someone = next(r for r in rows if r["username"] == experts[0])
    profile = ef.get_expert(experts[0])
    assert len(someone["education"]) == len(profile["education"])
    assert someone["kind"] == "experts"


def test_spotlight_timestamps_are_timestamps(fake: FakeExpertFile, tmp_path: Path) -> None:
    out = tmp_path / "spotlights.parquet"
    assert pull("spotlights", out) == 0
    table = pq.read_table(out)
    assert table.num_rows == len(ef.get_spotlights())
    assert pa.types.is_timestamp(table.schema.field("published_date").type)
    assert pa.types.is_list(table.schema.field("tags").type)


def test_csv_has_lists_as_json_text(fake: FakeExpertFile, tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "experts.csv"
    assert pull("experts", out) == 0
    read = pd.read_csv(out)
    expected = ef.get_experts(access="all")
    assert len(read) == len(expected)
    topics = dict(zip(read.username, read.topics.map(json.loads), strict=True))
    for username, titles in zip(expected.username, expected.topics, strict=True):
        assert topics[username] == list(titles)


def test_jsonl_is_one_object_a_line(fake: FakeExpertFile, tmp_path: Path) -> None:
    out = tmp_path / "staff.jsonl"
    assert pull("staff", out) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    staff = [*ef.get_staff(access="public").username, *ef.get_staff(access="private").username]
    rows = [json.loads(line) for line in lines]
    assert sorted(row["username"] for row in rows) == sorted(staff)
    assert all(isinstance(row["avatar.small"], str) for row in rows)


def test_a_pull_that_fails_leaves_the_file_as_it_was(
    fake: FakeExpertFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "experts.parquet"
    out.write_bytes(b"yesterday's file")
    fake.max_page_size = 40  # several pages, then the list changes under the pull
    fake.change_experts_after(4, 100)
    assert pull("experts", out) == 1
    assert "error:" in capsys.readouterr().err
    assert out.read_bytes() == b"yesterday's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experts.parquet", "home"]


def test_a_pull_that_fails_leaves_no_file(fake: FakeExpertFile, tmp_path: Path) -> None:
    out = tmp_path / "profiles.csv"
    fake.fail_next(10_000, status=503, path=f"/v2/organization/{fake.org_id}/expert/")
    assert pull("profiles", out) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_an_unknown_suffix_is_refused_before_any_request(
    fake: FakeExpertFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pull("experts", tmp_path / "experts.xlsx") == 2
    assert ".csv, .parquet, .jsonl" in capsys.readouterr().err
    assert fake.journal == []
