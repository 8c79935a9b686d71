"""The notebooks run headless (nbclient), and nothing they save holds a secret or a token."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from fake_server import FakeExpertFile

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def execute(nb: nbformat.NotebookNode, folder: Path, timeout: int = 120) -> NotebookClient:
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        store_widget_state=True,
    )
    client.execute()
    return client


def assert_clean(text: str, server: FakeExpertFile) -> None:
    for secret in [server.client_secret, *server.issued_tokens]:
        assert secret not in text


@pytest.mark.parametrize(
    "name", ["quickstart.ipynb", "offline_testing.ipynb", "edit_profiles.ipynb"]
)
def test_notebooks_are_saved_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "widgets" not in nb.metadata


def test_quickstart_runs_against_the_fake_server(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    expertfile_env.experts = 600
    nb = nbformat.read(NOTEBOOKS / "quickstart.ipynb", as_version=4)
    execute(nb, tmp_path)
    outputs = json.dumps([cell.get("outputs", []) for cell in nb.cells])
    assert "experts" in outputs
    assert "Logged in to organization" in outputs  # the status card
    assert "image/png" in outputs  # the chart
    assert (tmp_path / "experts.csv").exists()
    saved = tmp_path / "executed.ipynb"
    nbformat.write(nb, saved)
    assert_clean(saved.read_text(), expertfile_env)
    assert expertfile_env.token_requests == 1


def test_offline_testing_notebook_runs(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / "offline_testing.ipynb", as_version=4)
    execute(nb, tmp_path)
    outputs = json.dumps([cell.get("outputs", []) for cell in nb.cells])
    assert "1200" in outputs


def test_no_credentials_stops_at_once_with_not_logged_in(
    expertfile_server: FakeExpertFile, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import expertfile_nb as ef\nef.login()"),
        nbformat.v4.new_code_cell("experts = ef.get_experts()"),
    ]
    with pytest.raises(CellExecutionError) as caught:  # a hang would be CellTimeoutError
        execute(nb, tmp_path, timeout=300)
    assert caught.value.ename == "NotLoggedInError"
    assert "finish the login form above" in str(caught.value)
    # the form was displayed by login() (its text fallback says what to do without widgets)
    shown = json.dumps(nb.cells[0].outputs)
    assert "application/vnd.jupyter.widget-view+json" in shown and "EXPERTFILE_CLIENT_ID" in shown
    assert expertfile_server.token_requests == 0


def test_edit_profiles_round_trip_headless(tmp_path: Path) -> None:
    """Audit, plan, dry run (no write), apply, re-apply (no write), undo (old values back)."""
    nb = nbformat.read(NOTEBOOKS / "edit_profiles.ipynb", as_version=4)
    execute(nb, tmp_path)
    text = [json.dumps(cell.get("outputs", [])) for cell in nb.cells]
    assert "8 still name the old unit" in text[3]
    assert "8 update, 0 create, 0 delete" in text[5]  # the plan, HTML and text
    assert "Business School" in text[5] and "School of Business" in text[5]
    assert "writes received by the service: 0" in text[7]  # the dry run sent nothing
    assert "{'applied': 8} | writes received: 8" in text[8]
    assert "{'already applied': 8} | writes received: 8" in text[10]  # nothing written again
    assert "School of Business    8" in text[10]
    assert "{'applied': 8}" in text[12] and "Business School    8" in text[12]  # undone
    saved = tmp_path / "executed.ipynb"
    nbformat.write(nb, saved)
    assert "demo-secret" not in saved.read_text()  # the in-kernel server's secret
