"""What the pipeline tests share: a fake organization the environment points at, a dlt
pipeline into a real DuckDB file with its tables read back, and what the service holds read
with the package's own functions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dlt  # the test extra installs dlt[duckdb] and pyarrow (a skip would hide a break)
import duckdb
import pytest

import expertfile_nb as ef
from expertfile_nb.pipeline import expertfile_source
from fake_server import FakeExpertFile

TABLES = ("experts", "staff", "spotlights", "profiles")


@contextmanager
def organization(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, experts: int
) -> Iterator[FakeExpertFile]:
    """A fake of ``experts`` experts, the EXPERTFILE_* variables pointing at it, dlt in tmp."""
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")  # no report to dltHub from a test
    with FakeExpertFile(experts=experts) as server:
        monkeypatch.setenv("EXPERTFILE_BASE_URL", server.url)
        monkeypatch.setenv("EXPERTFILE_CLIENT_ID", server.client_id)
        monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", server.client_secret)
        yield server


class Warehouse:
    """A dlt pipeline into a DuckDB file, and a way to read the tables back.

    Args:
        path: the folder of the DuckDB file and dlt's pipelines.
        backend: the source's backend unless a run names one (``None``: the default).
    """

    def __init__(self, path: Path, backend: str | None = None) -> None:
        self.file = path / "warehouse.duckdb"  # a catalog named as the dataset confuses DuckDB
        self.backend = backend
        self.pipeline = dlt.pipeline(
            "expertfile_test" if backend is None else f"expertfile_{backend}",
            destination=dlt.destinations.duckdb(str(self.file)),
            dataset_name="expertfile",
            pipelines_dir=str(path / "pipelines"),
        )

    def run(self, **options: Any) -> Any:
        if self.backend is not None:
            options.setdefault("backend", self.backend)
        return self.pipeline.run(expertfile_source(progress=False, **options))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.file), read_only=True) as con:
            return [tuple(row) for row in con.execute(sql).fetchall()]

    def count(self, table: str) -> int:
        return int(self.rows(f"select count(*) from expertfile.{table}")[0][0])  # noqa: S608

    def keys(self, table: str) -> list[Any]:
        key = "id" if table == "spotlights" else "username"
        return sorted(r[0] for r in self.rows(f"select {key} from expertfile.{table}"))  # noqa: S608

    def tables(self) -> list[str]:
        """The tables the source made (dlt's own left out), by name."""
        return sorted(
            r[0]
            for r in self.rows(
                "select table_name from information_schema.tables "
                "where table_schema = 'expertfile' and table_name not like '_dlt%'"
            )
        )

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table the source made."""
        return {
            name: sorted(self.rows(f"select * from expertfile.{name}"), key=repr)  # noqa: S608
            for name in self.tables()
        }


def service() -> dict[str, list[Any]]:
    """What the service holds, read with the package's own functions."""
    experts = sorted(ef.get_experts(access="all").username)
    staff = sorted(
        [*ef.get_staff(access="public").username, *ef.get_staff(access="private").username]
    )
    return {
        "experts": experts,
        "staff": staff,
        "spotlights": sorted(int(i) for i in ef.get_spotlights().id),
        "profiles": sorted(set(experts) | set(staff)),
    }
