"""The pyarrow backend into a destination that is not DuckDB, in a file format that is not
Parquet: dlt's ``filesystem`` destination writing JSON lines or CSV (dlt converts the Arrow
tables). Every table holds what the service holds. (A filesystem destination cannot merge:
dlt appends there and says so; the merge is held on DuckDB in test_pipeline_arrow.py.)
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import dlt
import pytest

import expertfile_nb as ef
from expertfile_nb.pipeline import expertfile_source
from fake_server import FakeExpertFile
from tests.pipeline.warehouse import TABLES, service


def read_rows(folder: Path, kind: str) -> list[dict[str, Any]]:
    """Every row in the files dlt wrote for one table (gzip-compressed or not: older dlt
    names a compressed file without ``.gz``)."""
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        text = (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode()
        if kind == "jsonl":
            rows += [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            rows += list(csv.DictReader(io.StringIO(text)))
    return rows


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_the_pyarrow_backend_loads_into_files_that_are_not_parquet(
    fake: FakeExpertFile, tmp_path: Path, kind: str
) -> None:
    client = ef.Client(fake.client_id, fake.client_secret, base_url=fake.url)
    pipeline = dlt.pipeline(
        f"expertfile_fs_{kind}",
        destination=dlt.destinations.filesystem(f"file://{tmp_path / 'bucket'}"),
        dataset_name="expertfile",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    source = expertfile_source(client=client, backend="pyarrow", progress=False)
    pipeline.run(source, loader_file_format=kind)
    held = service()
    for table in TABLES:
        rows = read_rows(tmp_path / "bucket" / "expertfile" / table, kind)
        key = "id" if table == "spotlights" else "username"
        found = sorted(int(r[key]) if table == "spotlights" else r[key] for r in rows)
        assert found == held[table], table
    someone = next(
        r
        for r in read_rows(tmp_path / "bucket" / "expertfile" / "experts", kind)
        if r["username"] == held["experts"][0]
    )
    topics = ef.get_experts(access="all").set_index("username").topics[held["experts"][0]]
    titles = [item["title"] for item in json.loads(someone["topics"])]  # JSON text, whole
    assert titles == list(topics)
