"""notebooks/pipeline.ipynb: saved without outputs, and it runs headless against the fake."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "pipeline.ipynb"


def test_the_pipeline_notebook_is_saved_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "widgets" not in nb.metadata


def test_the_pipeline_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    text = [json.dumps(cell.get("outputs", [])) for cell in nb.cells]
    assert "'experts': 60" in text[3]  # the load's rows
    assert "topic" in text[5] and "image/png" in text[6]  # the SQL, then the chart
    assert "Head of Data" in text[9]  # the edit arrived
    assert text[9].count("('") == 1  # the leaver's row is gone
    assert "[(59, 59)]" in text[10]  # the leaver is gone, no duplicate
    assert (tmp_path / "expertfile_nb.duckdb").exists()
