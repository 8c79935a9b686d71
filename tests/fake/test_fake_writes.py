"""The fake's writes under faults and load, and on a capture (``dataset=``).

The shapes and validation of every documented write are held to the documents
in ``tests/contract/test_fake_writes_contract.py``; here: the faults a write can
meet (refused before the change, failed or cut *after* it), many writers at once,
and a capture that takes writes in memory and is never changed on disk.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from fake_server import FakeExpertFile
from tests.checks.test_capture import capture_from
from tests.contract import writes as wr
from tests.contract.test_fake_writes_contract import Client
from tests.helpers import assert_failure

pytestmark = pytest.mark.filterwarnings("error")

LINK = wr.write("add_item[link]")


@pytest.fixture
def client(expertfile_server: FakeExpertFile) -> Client:
    return Client(expertfile_server)


def _links(client: Client, username: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = client.data(f"/v2/organization/{{org}}/expert/{username}/link")
    return items


def test_refused_before_the_write_changes_nothing(
    expertfile_server: FakeExpertFile, client: Client
) -> None:
    username = client.first()
    before = _links(client, username)
    expertfile_server.fail_writes_next(1, 429, retry_after=3)
    response = client.send(LINK, {"name": "n", "url": "https://e.org"}, username)
    assert_failure(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "3"
    assert _links(client, username) == before
    # reads are not writes: the fault waited for a write, and is used up now
    assert client.send(LINK, {"name": "n", "url": "https://e.org"}, username).status_code == 200


def test_failure_after_the_write_keeps_the_change(
    expertfile_server: FakeExpertFile, client: Client
) -> None:
    username = client.first()
    expertfile_server.fail_after_write_next(1, 500)
    response = client.send(LINK, {"name": "after-500", "url": "https://e.org"}, username)
    assert_failure(response, 500, "server_error")
    assert [i["name"] for i in _links(client, username)].count("after-500") == 1
    assert expertfile_server.journal[-2].status == 500  # the journal says what the client saw


def test_dropped_connection_after_the_write_keeps_the_change(
    expertfile_server: FakeExpertFile, client: Client
) -> None:
    username = client.first()
    expertfile_server.drop_after_write_next(1)
    with pytest.raises(requests.ConnectionError):
        client.send(LINK, {"name": "after-drop", "url": "https://e.org"}, username)
    assert [i["name"] for i in _links(client, username)].count("after-drop") == 1


def test_random_failures_after_writes_are_seeded_and_every_write_is_kept() -> None:
    def run() -> tuple[list[int], list[str]]:
        with FakeExpertFile(experts=5, write_failure_rate=0.3, write_failure_seed=11) as server:
            client = Client(server)
            username = client.first()
            statuses = [
                client.send(LINK, {"name": f"w{n}", "url": "https://e.org"}, username).status_code
                for n in range(40)
            ]
            names = [str(i["name"]) for i in _links(client, username)]
            return statuses, names

    statuses, names = run()
    assert 0 < statuses.count(500) < 40 and set(statuses) == {200, 500}
    assert [n for n in names if n.startswith("w")] == [f"w{n}" for n in range(40)]  # each once
    assert run()[0] == statuses  # the same seed, the same failures


def test_concurrent_writers_lose_nothing(client: Client) -> None:
    username = client.first()
    before = len(_links(client, username))
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often: a race shows up if there is one
    try:
        with ThreadPoolExecutor(8) as pool:
            ids = list(
                pool.map(
                    lambda n: client.send(
                        LINK, {"name": f"c{n}", "url": "https://e.org"}, username
                    ).json()["data"]["id"],
                    range(160),
                )
            )
    finally:
        sys.setswitchinterval(switch)
    assert len(set(ids)) == 160  # every write got its own id
    assert len(_links(client, username)) == before + 160


def test_store_serializes_writes(expertfile_server: FakeExpertFile, client: Client) -> None:
    """While one write holds the store, another waits (checked without timing: the lock is
    held from outside, a write is sent from a thread, and it has not finished)."""
    username = client.first()
    done = threading.Event()

    def write() -> None:
        client.send(LINK, {"name": "waited", "url": "https://e.org"}, username)
        done.set()

    with expertfile_server.store._lock:  # the store's own lock
        thread = threading.Thread(target=write)
        thread.start()
        finished_while_held = done.wait(0.5)
    thread.join(10)
    assert not finished_while_held
    assert done.is_set()


# -- a capture takes writes in memory ------------------------------------------------------
@pytest.fixture(scope="module")
def original() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(seed=3, experts=12, org_id=5151) as server:
        yield server


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_capture_takes_writes_in_memory_and_the_folder_is_unchanged(
    original: FakeExpertFile, tmp_path: Path
) -> None:
    folder = tmp_path / "capture"
    capture_from(original, folder, profiles=2)
    files = _digest(folder)
    with FakeExpertFile(dataset=folder, org_id=5151) as copy:
        client = Client(copy)
        rows = client.data("/v2/organization/{org}/expert", page_size=50)["experts"]
        profiled = [
            r["username"] for r in rows if (folder / "expert" / f"{r['username']}.json").exists()
        ]
        username = profiled[0]
        # a section item, a profile field, a new expert, a deleted one
        data = client.send(LINK, {"name": "captured", "url": "https://e.org"}, username).json()[
            "data"
        ]
        assert data["id"] in [i["id"] for i in _links(client, username)]
        assert (
            client.send(wr.write("update_expert"), {"job_title": "Dean"}, username).status_code
            == 200
        )
        profile = client.data(f"/v2/organization/{{org}}/expert/{username}")
        assert profile["account"][0]["job_title"] == "Dean"
        new = wr.example_body(wr.write("create_expert")) | {"lastname": "Capturedcreate"}
        assert client.send(wr.write("create_expert"), new).status_code == 200
        assert client.data("/v2/organization/{org}/expert", q="capturedcreate")["total"] == 1
        gone = rows[-1]["username"]
        assert client.send(wr.write("delete_expert"), {}, gone).status_code == 200
        after = client.data("/v2/organization/{org}/expert", page_size=50)
        assert gone not in [r["username"] for r in after["experts"]]
        assert after["total"] == len(rows)  # one created, one deleted
        copy.reset()
        assert Client(copy).data("/v2/organization/{org}/expert", page_size=50)["experts"] == rows
    assert _digest(folder) == files  # never written
