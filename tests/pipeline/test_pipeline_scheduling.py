"""docs/examples/dagster_expertfile.py: defined, importable, and it loads when run."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.pipeline.warehouse import organization

# dagster's own resources read a pydantic attribute pydantic 2 deprecates; not ours to fix
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:The `__fields__` attribute is deprecated:DeprecationWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:Accessing the 'model_fields' attribute on the instance:DeprecationWarning"
    ),
]

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "dagster_expertfile.py"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeExpertFile]:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with organization(monkeypatch, tmp_path, 6) as server:
        yield server


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dagster_expertfile", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dagster_example_is_defined_without_a_request(fake: FakeExpertFile) -> None:
    example = load_example()
    defs = example.defs
    keys = {key.to_user_string() for key in example.expertfile_assets.keys}
    assert {"dlt_expertfile_experts", "dlt_expertfile_staff"} <= keys, keys
    assert len(keys) == 4
    (schedule,) = list(defs.schedules)
    assert schedule.cron_schedule == example.NIGHTLY
    assert schedule.job.name == "expertfile_nightly"
    assert fake.journal == []  # defining the assets made no request


def test_the_dagster_example_loads_the_organization(fake: FakeExpertFile, tmp_path: Path) -> None:
    import dagster
    import duckdb

    example = load_example()
    result = dagster.materialize(
        [example.expertfile_assets], resources={"dlt": example.DagsterDltResource()}
    )
    assert result.success
    with duckdb.connect(str(tmp_path / "work" / "expertfile_nb.duckdb"), read_only=True) as con:
        row = con.execute("select count(*) from expertfile.experts").fetchone()
    assert row is not None and row[0] == len(ef.get_experts(access="all"))
