"""The dlt source's load files: JSON lines, not dlt's INSERT statements (issue 23 §3).

Into DuckDB, dlt's default (``insert_values``: SQL ``INSERT`` text) made the load step of
10,000 experts take 5-12 s and 890 MB (``bench/bench_pipeline.py``); every resource asks
for ``jsonl`` instead, child tables included. ``pipeline.run(..., loader_file_format=…)``
still decides when given. dlt's data and pipelines folders are in the test's tmp_path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt  # the test extra installs dlt[duckdb] (a test that skipped would hide a break)

from expertfile_nb.pipeline import expertfile_source
from fake_server import FakeExpertFile


def formats(tmp_path: Path, **run: Any) -> dict[str, set[str]]:
    """Load everything into DuckDB; the file formats of the load's jobs, by table."""
    pipeline = dlt.pipeline(
        "expertfile_format",
        destination=dlt.destinations.duckdb(str(tmp_path / "warehouse.duckdb")),
        dataset_name="expertfile",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    info = pipeline.run(expertfile_source(progress=False), **run)
    found: dict[str, set[str]] = {}
    for package in info.load_packages:
        for job in package.jobs["completed_jobs"]:
            name, kind = job.job_file_info.table_name, job.job_file_info.file_format
            if not name.startswith("_dlt") and kind != "sql":  # sql: the merge that follows
                found.setdefault(name, set()).add(kind)
    return found


def test_every_table_is_loaded_from_json_lines(fake: FakeExpertFile, tmp_path: Path) -> None:
    found = formats(tmp_path)
    assert {"experts", "experts__topics", "staff", "spotlights", "profiles"} <= set(found)
    assert any(name.startswith("profiles__") for name in found)  # the sections' tables
    assert all(kinds == {"jsonl"} for kinds in found.values()), found


def test_the_run_s_own_file_format_decides(fake: FakeExpertFile, tmp_path: Path) -> None:
    found = formats(tmp_path, loader_file_format="parquet")
    assert found
    assert all(kinds == {"parquet"} for kinds in found.values()), found
