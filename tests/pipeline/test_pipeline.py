"""The dlt source: a real dlt pipeline into a real DuckDB file, against the fake service.

Acceptance (issue 23): counts equal to the service, a second run merges without a
duplicate, an edit arrives, a removed person is reflected, a fault mid-pull commits
nothing. dlt's data and pipelines folders are in the test's tmp_path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import expertfile_nb as ef
from expertfile_nb.pipeline import DELETED, expertfile_source
from fake_server import FakeExpertFile
from tests.pipeline.warehouse import TABLES, Warehouse, service


def test_a_load_holds_what_the_service_holds(warehouse: Warehouse) -> None:
    warehouse.run()
    held = service()
    for table in TABLES:
        assert warehouse.keys(table) == held[table], table
    # sections became child tables, one row per item, linked to their person
    education = ef.get_profiles(held["experts"], sections=["education"])
    items = sum(len(x) for x in education.education)
    assert items > 0
    assert warehouse.rows(
        "select count(*) from expertfile.profiles__education e "
        "join expertfile.profiles p on e._dlt_parent_id = p._dlt_id where p.kind = 'experts'"
    ) == [(items,)]
    assert warehouse.count("experts__topics") > 0


def test_a_second_run_merges_without_a_duplicate(warehouse: Warehouse) -> None:
    warehouse.run()
    first = warehouse.snapshot()
    warehouse.run()
    for table in TABLES:
        key = "id" if table == "spotlights" else "username"
        counts = warehouse.rows(
            f"select count(*), count(distinct {key}) from expertfile.{table}"  # noqa: S608
        )
        assert counts[0][0] == counts[0][1] == len(service()[table])
    second = warehouse.snapshot()
    assert {t: len(rows) for t, rows in second.items()} == {
        t: len(rows) for t, rows in first.items()
    }


def test_an_edit_arrives(warehouse: Warehouse) -> None:
    warehouse.run()
    someone = service()["experts"][3]
    ef.update_expert(someone, job_title="Chief Pipeline Officer")
    warehouse.run()
    assert warehouse.rows(
        f"select job_title from expertfile.profiles where username = '{someone}'"  # noqa: S608
    ) == [("Chief Pipeline Officer",)]
    assert warehouse.count("profiles") == len(service()["profiles"])


def test_a_new_person_is_added(warehouse: Warehouse) -> None:
    warehouse.run()
    before = set(service()["experts"])
    ef.create_expert(
        firstname="Ada", lastname="Newcomer", job_title="Fellow", email="ada@example.org",
        company="Meridian Institute",
    )  # fmt: skip
    (new,) = set(service()["experts"]) - before
    warehouse.run()
    assert new in warehouse.keys("profiles")
    assert warehouse.keys("experts") == service()["experts"]


def test_a_removed_person_is_deleted_with_their_sections(warehouse: Warehouse) -> None:
    warehouse.run()
    someone = service()["experts"][0]
    ef.delete_expert(someone)
    warehouse.run()
    held = service()
    assert someone not in held["experts"]
    for table in TABLES:
        assert warehouse.keys(table) == held[table], table
    orphans = warehouse.rows(
        "select count(*) from expertfile.profiles__education e left join "
        "expertfile.profiles p on e._dlt_root_id = p._dlt_id where p._dlt_id is null"
    )
    assert orphans == [(0,)]
    # the tombstone column is there, and no row is left flagged
    flagged = f"select count(*) from expertfile.experts where {DELETED}"  # noqa: S608
    assert warehouse.rows(flagged) == [(0,)]


def test_a_fault_mid_pull_commits_nothing(warehouse: Warehouse, fake: FakeExpertFile) -> None:
    warehouse.run()
    before = warehouse.snapshot()
    gone = service()["experts"][0]
    ef.delete_expert(gone)
    ef.update_expert(service()["experts"][1], job_title="Changed In The Failed Run")
    # the lists read fine; then every profile read fails (after the client's retries)
    fake.fail_next(10_000, status=503, path=f"/v2/organization/{fake.org_id}/expert/")
    with pytest.raises(Exception, match="profile") as failed:
        warehouse.run()
    cause: BaseException | None = failed.value
    while cause is not None and not isinstance(cause, ef.IncompleteDataError):
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, ef.IncompleteDataError)
    assert warehouse.snapshot() == before  # the experts list, read whole, was not committed
    # the failed run left no state behind: the next good run still deletes the person
    fake.reset()  # no faults; the data as it was made (the person is back): delete again
    ef.delete_expert(gone)
    warehouse.run()
    assert gone not in warehouse.keys("experts")
    assert gone not in warehouse.keys("profiles")
    assert warehouse.keys("experts") == service()["experts"]


def test_a_list_that_changes_mid_pull_commits_nothing(
    warehouse: Warehouse, fake: FakeExpertFile
) -> None:
    warehouse.run()
    before = warehouse.snapshot()
    # after the first page, the organization has fewer experts: the pull does not verify
    fake.max_page_size = 5  # pages of 5 (the service's cap): the list takes 3 pages
    # the first page and what goes with it (the probe and two pages, workers=4): 12
    fake.change_experts_after(4, 9)
    with pytest.raises(Exception) as failed:  # noqa: PT011 # dlt's own, wrapping ours
        warehouse.pipeline.run(expertfile_source(resources=["experts"], progress=False))
    # the pull's own error inside dlt's (which page or check broke depends on timing: the
    # probe travels with the first pages)
    cause: BaseException | None = failed.value
    while cause is not None and not isinstance(cause, ef.IncompleteDataError):
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, ef.IncompleteDataError), failed.value
    assert warehouse.snapshot() == before


def test_a_first_run_that_fails_creates_no_table(
    warehouse: Warehouse, fake: FakeExpertFile
) -> None:
    fake.fail_next(10_000, status=503, path=f"/v2/organization/{fake.org_id}/staff")
    with pytest.raises(Exception, match="staff"):
        warehouse.run()
    assert not warehouse.file.exists() or warehouse.snapshot() == {}


def test_history_keeps_every_version(warehouse: Warehouse) -> None:
    warehouse.run(history=True)
    someone, leaver = service()["experts"][2:4]
    ef.update_expert(someone, job_title="Director of History")
    ef.delete_expert(leaver)
    warehouse.run(history=True)
    versions = warehouse.rows(
        "select job_title, _dlt_valid_to is null from expertfile.profiles "  # noqa: S608
        f"where username = '{someone}' order by _dlt_valid_from"
    )
    assert len(versions) == 2
    assert versions[1] == ("Director of History", True)
    assert versions[0][1] is False
    assert warehouse.rows(
        f"select count(*) from expertfile.profiles where username = '{leaver}' "  # noqa: S608
        "and _dlt_valid_to is null"
    ) == [(0,)]
    assert warehouse.rows(
        f"select count(*) from expertfile.profiles where username = '{leaver}'"  # noqa: S608
    ) == [(1,)]


def test_spotlights_are_read_by_year_after_the_first_run(
    warehouse: Warehouse, fake: FakeExpertFile
) -> None:
    def spotlight_queries(start: int) -> list[dict[str, str]]:
        return [e.query for e in list(fake.journal)[start:] if e.path.startswith("/v2/spotlight/")]

    warehouse.pipeline.run(expertfile_source(resources="spotlights", progress=False))
    assert all("year" not in q for q in spotlight_queries(0))  # the first run reads them all
    latest = max(int(y) for y in ef.get_spotlights().year)
    start = len(fake.journal)
    warehouse.pipeline.run(expertfile_source(resources="spotlights", progress=False))
    years = {q.get("year") for q in spotlight_queries(start)}
    assert str(latest) in years
    assert None not in years  # only the years from the latest loaded
    assert warehouse.keys("spotlights") == service()["spotlights"]
    start = len(fake.journal)
    warehouse.pipeline.run(
        expertfile_source(resources="spotlights", incremental=False, progress=False)
    )
    assert all("year" not in q for q in spotlight_queries(start))
    assert warehouse.keys("spotlights") == service()["spotlights"]


def test_credentials_from_dlt_secrets(
    warehouse: Warehouse, fake: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET", "EXPERTFILE_BASE_URL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("SOURCES__EXPERTFILE__CLIENT_ID", fake.client_id)
    monkeypatch.setenv("SOURCES__EXPERTFILE__CLIENT_SECRET", fake.client_secret)
    monkeypatch.setenv("SOURCES__EXPERTFILE__BASE_URL", fake.url)
    warehouse.pipeline.run(expertfile_source(resources=["experts"], progress=False))
    assert warehouse.count("experts") == 12


def test_half_a_pair_in_dlt_secrets_is_refused(
    fake: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__EXPERTFILE__CLIENT_ID", fake.client_id)
    with pytest.raises(Exception, match="client_secret is missing"):
        expertfile_source()


def test_a_named_profile_logs_in_with_its_own_credentials(
    warehouse: Warehouse, fake: FakeExpertFile, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.work]\nbase_url = "{fake.url}"\nclient_id = "{fake.client_id}"\n'
        f'client_secret = "{fake.client_secret}"\n'
    )
    config.chmod(0o600)
    monkeypatch.setenv("EXPERTFILE_CONFIG", str(config))
    for name in ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET", "EXPERTFILE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    warehouse.pipeline.run(expertfile_source(profile="work", resources=["experts"], progress=False))
    assert warehouse.count("experts") == len(ef.Client(profile="work").get_experts(access="all"))
    with pytest.raises(ef.ProfileError, match="work"):
        expertfile_source(profile="home")


def test_an_unknown_resource_is_refused(fake: FakeExpertFile) -> None:
    with pytest.raises(Exception, match="not one of the tables"):
        expertfile_source(resources=["expert"])


def test_a_token_prepared_elsewhere_is_enough(
    warehouse: Warehouse, fake: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = ef.login()
    assert token is not None
    ef.logout()
    for name in ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", token.access_token)
    monkeypatch.setenv("EXPERTFILE_ORG_ID", str(token.org_id))
    warehouse.pipeline.run(expertfile_source(resources=["staff"], progress=False))
    assert warehouse.count("staff") == len(service()["staff"])
    assert fake.token_requests == 1  # the worker never logged in itself


class CountingClient:
    """A client of our own: the package's read functions as methods, calls counted."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def iter_experts(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append("iter_experts")
        return ef.iter_experts(*args, **kwargs)

    def iter_staff(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append("iter_staff")
        return ef.iter_staff(*args, **kwargs)

    def iter_spotlights(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append("iter_spotlights")
        return ef.iter_spotlights(*args, **kwargs)

    def get_profiles(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("get_profiles")
        return ef.get_profiles(*args, **kwargs)

    def get_session(self, *args: Any, **kwargs: Any) -> Any:
        return ef.get_session(*args, **kwargs)


def test_a_client_passed_in_is_used(warehouse: Warehouse) -> None:
    client = CountingClient()
    warehouse.pipeline.run(expertfile_source(client, progress=False))
    assert {"iter_experts", "iter_staff", "iter_spotlights", "get_profiles"} <= set(client.calls)
    assert warehouse.keys("profiles") == service()["profiles"]


@pytest.fixture
def warehouse(fake: FakeExpertFile, tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path)
