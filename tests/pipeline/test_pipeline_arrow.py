"""``expertfile_source(backend="pyarrow")``: Arrow tables, Parquet load files (issue 23 §3).

The same contract as the default backend (tests/test_pipeline.py), held again here: the four
tables with their keys, a second run merges without a duplicate, an edit arrives, a removed
person is deleted, a fault mid-pull commits nothing, history keeps every version; and what
differs: no child tables, every list JSON text in a column of its row. A real dlt pipeline
into a real DuckDB file, against the fake service; dlt's folders in the test's tmp_path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

import expertfile_nb as ef
from expertfile_nb.cli.main import main
from expertfile_nb.errors import ConfigurationError
from expertfile_nb.pipeline import DELETED, _ArrowBatches, expertfile_source
from fake_server import FakeExpertFile
from tests.pipeline.warehouse import TABLES, Warehouse, service


def load_formats(info: Any) -> dict[str, set[str]]:
    """The file formats of a run's load jobs, by table (dlt's own tables and SQL left out)."""
    found: dict[str, set[str]] = {}
    for package in info.load_packages:
        for job in package.jobs["completed_jobs"]:
            name, kind = job.job_file_info.table_name, job.job_file_info.file_format
            if not name.startswith("_dlt") and kind != "sql":
                found.setdefault(name, set()).add(kind)
    return found


def test_the_tables_hold_what_the_service_holds_without_child_tables(
    warehouse: Warehouse,
) -> None:
    info = warehouse.run()
    held = service()
    assert warehouse.tables() == sorted(TABLES)  # no experts__topics, no profiles__education
    for table in TABLES:
        assert warehouse.keys(table) == held[table], table
    # Arrow tables reach DuckDB as Parquet files, not through dlt's Python normalizer
    assert load_formats(info) == {table: {"parquet"} for table in TABLES}
    someone = held["experts"][0]
    # a list is JSON text in its row: the topics as the service sent them
    ((topics, small),) = warehouse.rows(
        "select topics, avatar__small from expertfile.experts "  # noqa: S608
        f"where username = '{someone}'"
    )
    sent = next(r for r in ef.iter_experts(access="all") if r["username"] == someone)
    assert json.loads(topics) == sent["topics"]
    assert small == sent["avatar"]["small"]  # objects flattened as dlt names them
    # profiles: the account fields as columns, username among them; sections as JSON text
    profile = ef.get_profiles([someone], sections=["education"])
    ((firstname, kind, education),) = warehouse.rows(
        "select firstname, kind, education from expertfile.profiles "  # noqa: S608
        f"where username = '{someone}'"
    )
    assert (firstname, kind) == (profile.firstname.iloc[0], "experts")
    assert json.loads(education) == list(profile.education.iloc[0])


def test_a_second_run_merges_without_a_duplicate(warehouse: Warehouse) -> None:
    warehouse.run()
    first = warehouse.snapshot()
    warehouse.run()
    held = service()
    for table in TABLES:
        key = "id" if table == "spotlights" else "username"
        counts = warehouse.rows(
            f"select count(*), count(distinct {key}) from expertfile.{table}"  # noqa: S608
        )
        assert counts[0][0] == counts[0][1] == len(held[table]), table
    assert {t: len(r) for t, r in warehouse.snapshot().items()} == {
        t: len(r) for t, r in first.items()
    }


def test_an_edit_arrives_and_a_removed_person_is_deleted(warehouse: Warehouse) -> None:
    warehouse.run()
    leaver, someone = service()["experts"][:2]
    ef.update_expert(someone, job_title="Chief Arrow Officer")
    ef.delete_expert(leaver)
    warehouse.run()
    held = service()
    assert leaver not in held["experts"]
    for table in TABLES:
        assert warehouse.keys(table) == held[table], table
    assert warehouse.rows(
        f"select job_title from expertfile.profiles where username = '{someone}'"  # noqa: S608
    ) == [("Chief Arrow Officer",)]
    flagged = f"select count(*) from expertfile.experts where {DELETED}"  # noqa: S608
    assert warehouse.rows(flagged) == [(0,)]


def test_a_fault_mid_pull_commits_nothing(warehouse: Warehouse, fake: FakeExpertFile) -> None:
    warehouse.run()
    before = warehouse.snapshot()
    ef.delete_expert(service()["experts"][0])
    # the lists read fine; then every profile read fails (after the client's retries)
    fake.fail_next(10_000, status=503, path=f"/v2/organization/{fake.org_id}/expert/")
    with pytest.raises(Exception, match="profile") as failed:
        warehouse.run()
    cause: BaseException | None = failed.value
    while cause is not None and not isinstance(cause, ef.IncompleteDataError):
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, ef.IncompleteDataError)
    assert warehouse.snapshot() == before


def test_history_keeps_every_version(warehouse: Warehouse) -> None:
    warehouse.run(history=True)
    someone, leaver = service()["experts"][2:4]
    ef.update_expert(someone, job_title="Director of Arrow History")
    ef.delete_expert(leaver)
    warehouse.run(history=True)
    versions = warehouse.rows(
        "select job_title, _dlt_valid_to is null from expertfile.profiles "  # noqa: S608
        f"where username = '{someone}' order by _dlt_valid_from"
    )
    assert [v[1] for v in versions] == [False, True]
    assert versions[1][0] == "Director of Arrow History"
    assert warehouse.rows(
        "select count(*), count(_dlt_valid_to) from expertfile.profiles "  # noqa: S608
        f"where username = '{leaver}'"
    ) == [(1, 1)]


def test_an_unknown_backend_is_refused(fake: FakeExpertFile) -> None:
    with pytest.raises(ConfigurationError, match="backend"):
        expertfile_source(backend="pandas")  # type: ignore[arg-type]


def test_a_column_keeps_one_type_from_batch_to_batch() -> None:
    """dlt buffers a resource's Arrow tables together and neither promotes nor casts them."""
    batches = _ArrowBatches("username")
    first = batches.table([{"username": "a", "n": 1, "tags": [{"x": 1}], "o": {"p": "q"}}])
    later = [
        batches.table([{"username": "b", "n": 2.0, "tags": [{"x": "text"}, {"y": [1]}]}]),
        batches.table([{"username": "c", "n": "three", "tags": []}, {"username": "d", "n": 4}]),
        batches.table([{"username": "e", "n": None, "tags": None}]),
        batches.table([{"username": "f", "n": [5], "tags": "plain"}]),
    ]
    assert first.schema.field("username").nullable is False  # as the key's dlt hint
    assert first.column_names == ["username", "n", "tags", "o__p"]
    for table in (first, *later[:2]):
        assert table.schema.field("n").type == pa.int64()
        assert table.schema.field("tags").type == pa.string()
    assert later[0].column("n").to_pylist() == [2]
    assert later[0].column("tags").to_pylist() == ['[{"x": "text"}, {"y": [1]}]']
    assert later[1].column("tags").to_pylist() == ["[]", None]
    # a value that does not fit the column's type: a text column beside it, as dlt does
    assert later[1].column("n").to_pylist() == [None, 4]
    assert later[1].column("n__v_text").to_pylist() == ["three", None]
    assert later[2].column_names == ["username"]  # no value in the batch: dlt fills in NULL
    # a list where numbers came before: JSON text beside the column; text where lists came
    assert later[3].column("n__v_text").to_pylist() == ["[5]"]
    assert "n" not in later[3].column_names
    assert later[3].column("tags").to_pylist() == ["plain"]
    # the whole lot concatenates as dlt's writer does (promote_options="none")
    assert pa.concat_tables([first.select(["username", "n"]), later[0].select(["username", "n"])])


def test_the_load_command_takes_the_backend(
    fake: FakeExpertFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["load", "--backend", "pyarrow", "--no-progress"]) == 0
    assert "0 rows in child tables" in capsys.readouterr().out
    with duckdb.connect(str(tmp_path / "expertfile_nb.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'expertfile' and table_name not like '_dlt%'"
        ).fetchall()
        assert sorted(t[0] for t in tables) == sorted(TABLES)
        row = con.execute("select count(*) from expertfile.experts").fetchone()
        assert row == (len(service()["experts"]),)


class ExtraField:
    """An ``ef.Client`` on the fake (a client passed in, as documented) whose expert list
    carries one more field, of the test's choosing: the service changing a field's kind."""

    def __init__(self, client: ef.Client, value: Any, field: str = "rank") -> None:
        self.client = client
        self.value = value
        self.field = field

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def iter_experts(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for row in self.client.iter_experts(*args, **kwargs):
            yield {**row, self.field: self.value}


def test_a_later_run_keeps_the_column_types_it_loaded(
    warehouse: Warehouse, fake: FakeExpertFile
) -> None:
    client = ef.Client(fake.client_id, fake.client_secret, base_url=fake.url)
    warehouse.run(client=ExtraField(client, 7), resources="experts")
    warehouse.run(client=ExtraField(client, "first"), resources="experts")  # text, then
    held = service()["experts"]
    assert warehouse.rows(
        "select count(*), count(rank), count(rank__v_text), min(rank__v_text) "
        "from expertfile.experts"
    ) == [(len(held), 0, len(held), "first")]
    ((kind,),) = warehouse.rows(
        "select data_type from information_schema.columns where table_schema = 'expertfile' "
        "and table_name = 'experts' and column_name = 'rank'"
    )
    assert kind == "BIGINT"


def test_a_later_run_keeps_the_type_of_a_column_dlt_renamed(
    warehouse: Warehouse, fake: FakeExpertFile
) -> None:
    """A field whose name dlt normalizes (``Rank-Score`` is dlt's ``rank_score``) keeps the
    type it was loaded with too: looked up by dlt's name, not the record's."""
    client = ef.Client(fake.client_id, fake.client_secret, base_url=fake.url)
    warehouse.run(client=ExtraField(client, 7, "Rank-Score"), resources="experts")
    warehouse.run(client=ExtraField(client, "first", "Rank-Score"), resources="experts")
    held = service()["experts"]
    assert warehouse.rows(
        "select count(*), count(rank_score), count(rank_score__v_text), min(rank_score__v_text) "
        "from expertfile.experts"
    ) == [(len(held), 0, len(held), "first")]


@pytest.fixture
def warehouse(fake: FakeExpertFile, tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path, "pyarrow")
