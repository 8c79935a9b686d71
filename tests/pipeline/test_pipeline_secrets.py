"""A token or secret the service echoes in a record never reaches a warehouse or a file.

The package cleans every answer's data as it is read (tests/reads/test_echoed_secret.py
holds the forms); here the whole way is held: a real dlt pipeline into a real DuckDB file,
both backends, and ``pull --out`` to Parquet, CSV and JSON lines, against the fake.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

import expertfile_nb as ef
from expertfile_nb._redact import REDACTED, contains_any
from expertfile_nb.cli.main import main
from fake_server import FakeExpertFile
from tests.edits.shared import service_shows
from tests.pipeline.warehouse import Warehouse

SECRET = "a-longer-client-secret-7Qx"


@pytest.fixture
def echoing(
    fake: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> tuple[ef.Client, list[str], str]:
    """A client logged in to the fake (with a secret long enough to be held), and the
    fake holding that client's token and secret in an expert's fields."""
    fake.add_client("echo-client", SECRET, fake.org_id)
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", "echo-client")
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", SECRET)
    client = ef.Client("echo-client", SECRET, base_url=fake.url)
    name = str(client.get_experts(limit=1, progress=False).username.iloc[0])
    token = fake.issued_tokens[-1]  # the client's, before service_shows gets one of its own
    service_shows(fake, name, job_title=f"key {SECRET}")
    service_shows(fake, name, "tagline", tagline=f"see {token}")  # shown in list rows too
    return client, [token, SECRET], name


@pytest.mark.parametrize("backend", ["python", "pyarrow"])
def test_an_echoed_token_never_reaches_the_warehouse(
    echoing: tuple[ef.Client, list[str], str], tmp_path: Path, backend: str
) -> None:
    client, secrets, name = echoing
    warehouse = Warehouse(tmp_path, backend)
    warehouse.run(client=client)
    snapshot = repr(warehouse.snapshot())
    assert name in snapshot and REDACTED in snapshot
    assert not contains_any(snapshot, secrets)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
@pytest.mark.parametrize("table", ["experts", "profiles"])
def test_an_echoed_token_never_reaches_a_file(
    echoing: tuple[ef.Client, list[str], str], tmp_path: Path, suffix: str, table: str
) -> None:
    _client, secrets, name = echoing
    out = tmp_path / f"{table}{suffix}"
    assert main(["pull", table, "--out", str(out), "--no-progress"]) == 0
    text = repr(pq.read_table(out).to_pylist()) if suffix == ".parquet" else out.read_text()
    assert name in text and REDACTED in text
    assert not contains_any(text, secrets)
