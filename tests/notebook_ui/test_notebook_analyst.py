"""The quickstart as an analyst runs it: useful columns first, charts that say what they show."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from fake_server import FakeExpertFile

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# appended to the notebook: every figure still referenced, with its axes' labels
CHECK = """
import json as _json
from matplotlib.figure import Figure as _Figure
print("LABELS=" + _json.dumps([
    [ax.get_xlabel(), ax.get_ylabel()]
    for _v in list(globals().values()) if isinstance(_v, _Figure) for ax in _v.axes
]))
print("COLUMNS=" + _json.dumps(list(experts.columns[:4])))
"""


def _printed(nb: nbformat.NotebookNode, key: str) -> object:
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    line = next(line for line in text.splitlines() if line.startswith(key + "="))
    return json.loads(line[len(key) + 1 :])


def test_the_quickstart_leads_with_name_job_title_country_and_labels_its_chart_axes(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    nb = nbformat.read(NOTEBOOKS / "quickstart.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CHECK))
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    assert _printed(nb, "COLUMNS") == ["username", "fullname", "jobtitle", "country"]
    labels = _printed(nb, "LABELS")
    assert labels, "no figure found"
    assert all(x and y for x, y in labels), labels  # type: ignore[union-attr]
