"""In a notebook, an ``ExpertFileError`` shows as its message and what to do, not 50 lines.

The cells run in a real kernel (nbclient); ``%tb`` still shows the whole traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from fake_server import FakeExpertFile


def run(cells: list[str], folder: Path) -> nbformat.NotebookNode:
    """Run ``cells`` in a fresh kernel, each one even after an error (as a user re-runs)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return nb


def error_of(cell: nbformat.NotebookNode) -> dict[str, object]:
    [error] = [out for out in cell.outputs if out.output_type == "error"]
    return dict(error)


@pytest.mark.parametrize(
    ("call", "ename", "says"),
    [
        (
            'ef.get_experts(countries=["XX"], progress=False)',
            "ConfigurationError",
            "'XX' is not a documented country code",
        ),
        ('ef.get_expert("no-such-person")', "NotFoundError", "no expert 'no-such-person'"),
    ],
)
def test_an_expertfile_error_shows_as_its_message_in_a_line_or_two(
    expertfile_env: FakeExpertFile, tmp_path: Path, call: str, ename: str, says: str
) -> None:
    nb = run(["import expertfile_nb as ef\nef.login()", call], tmp_path)
    error = error_of(nb.cells[1])
    assert error["ename"] == ename
    shown = "\n".join(error["traceback"])  # type: ignore[arg-type]
    assert len(shown.splitlines()) <= 3, shown
    assert shown.startswith(f"{ename}: ") and says in shown
    assert "%tb" in shown  # where the rest is
    text = json.dumps([cell.get("outputs", []) for cell in nb.cells])
    for secret in [expertfile_env.client_secret, *expertfile_env.issued_tokens]:
        assert secret not in text


def test_percent_tb_still_shows_the_whole_traceback(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    nb = run(["import expertfile_nb as ef", 'ef.get_expert("no-such-person")', "%tb"], tmp_path)
    short = "\n".join(error_of(nb.cells[1])["traceback"])  # type: ignore[arg-type]
    full = "\n".join(error_of(nb.cells[2])["traceback"])  # type: ignore[arg-type]
    assert len(full.splitlines()) > 10 and "get_expert" in full and "NotFoundError" in full
    assert len(short.splitlines()) <= 3
