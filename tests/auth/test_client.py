"""``ef.Client``: one organization's token, session and settings, side by side with others.

Two fake servers (two organizations, different credentials) in one process, used from
many threads at once: one token each, no crosstalk in the token, the remembered-token
entry, the writes or the errors; and the default login stays untouched.
"""

from __future__ import annotations

import inspect
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.helpers import get_token

WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture
def other() -> Iterator[FakeExpertFile]:
    """A second organization: its own server, credentials, org id and size."""
    with FakeExpertFile(
        client_id="agency-b", client_secret="secret-of-b", org_id=777, experts=45
    ) as server:
        yield server


def write_profiles(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_two_clients_many_threads_one_token_each(
    expertfile_server: FakeExpertFile, other: FakeExpertFile
) -> None:
    expertfile_server.experts = 30
    a = ef.Client(expertfile_server.client_id, expertfile_server.client_secret,
                  base_url=expertfile_server.url)  # fmt: skip
    b = ef.Client(other.client_id, other.client_secret, base_url=other.url)
    results: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def hammer(name: str, client: ef.Client) -> None:
        try:
            start.wait()
            for _ in range(3):
                frame = client.get_experts(progress=False, page_size=10, access="all", status="all")
                results[name].append(len(frame))
                assert client.get_session().org_id == (
                    expertfile_server.org_id if name == "a" else other.org_id
                )
        except BaseException as exc:  # collected: a thread's assertion must fail the test
            errors.append(exc)

    threads = [
        threading.Thread(target=hammer, args=(name, client))
        for _ in range(8)
        for name, client in (("a", a), ("b", b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(results["a"]) == {30} and len(results["a"]) == 24
    assert set(results["b"]) == {45} and len(results["b"]) == 24
    assert expertfile_server.token_requests == 1
    assert other.token_requests == 1
    assert a.status().org_id == expertfile_server.org_id
    assert b.status().org_id == 777
    assert not ef.status().logged_in  # the default login is not touched by either


def test_a_client_never_uses_the_default_login(
    expertfile_server: FakeExpertFile, other: FakeExpertFile
) -> None:
    ef.login(expertfile_server.client_id, expertfile_server.client_secret,
             base_url=expertfile_server.url)  # fmt: skip
    b = ef.Client(other.client_id, other.client_secret, base_url=other.url)
    assert b.get_expert(b.iter_experts(progress=False).__next__()["username"])
    assert ef.status().org_id == expertfile_server.org_id  # still the default's
    assert b.status().org_id == other.org_id
    assert ef.get_session().org_id == expertfile_server.org_id
    # no token of one organization ever went to the other's server
    assert expertfile_server.token_requests == 1 and other.token_requests == 1
    b.logout()
    assert ef.status().logged_in  # logging the client out leaves the default logged in
    assert not b.status().logged_in


def test_remembered_entries_are_per_client(
    expertfile_server: FakeExpertFile, other: FakeExpertFile
) -> None:
    a = ef.Client(expertfile_server.client_id, expertfile_server.client_secret,
                  base_url=expertfile_server.url, remember=True)  # fmt: skip
    b = ef.Client(other.client_id, other.client_secret, base_url=other.url, remember=True)
    a.login()
    b.login()
    cache = Path(os.environ["EXPERTFILE_TOKEN_CACHE"])
    entries = json.loads(cache.read_text())["tokens"]
    assert sorted(e["base_url"] for e in entries) == sorted([expertfile_server.url, other.url])
    a.logout()
    left = json.loads(cache.read_text())["tokens"]
    assert [e["base_url"] for e in left] == [other.url]
    # a new client for b's organization reuses b's remembered token: no new request
    again = ef.Client(other.client_id, other.client_secret, base_url=other.url, remember=True)
    again.login()
    assert other.token_requests == 1


def test_plan_applies_and_undoes_through_its_client(
    expertfile_server: FakeExpertFile, other: FakeExpertFile, tmp_path: Path
) -> None:
    a = ef.Client(expertfile_server.client_id, expertfile_server.client_secret,
                  base_url=expertfile_server.url)  # fmt: skip
    b = ef.Client(other.client_id, other.client_secret, base_url=other.url)
    names = b.get_experts(limit=2, progress=False, access="all", status="all").username.tolist()
    before = b.get_profiles(names, progress=False)
    after = before.copy()
    after.loc[0, "job_title"] = "Dean of Things"
    plan = b.plan_changes(before, after)
    assert len(plan) == 1
    assert plan.apply(dry_run=True).counts == {"would send": 1}
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.ok, result.statuses
    assert b.get_profiles(names[:1], progress=False).loc[0, "job_title"] == "Dean of Things"
    undone = result.undo()
    assert undone.ok, undone.statuses
    assert (
        b.get_profiles(names[:1], progress=False).loc[0, "job_title"] == before.loc[0, "job_title"]
    )
    assert [e for e in expertfile_server.journal if e.method in WRITES] == []
    assert len([e for e in other.journal if e.method in WRITES]) >= 2
    assert expertfile_server.token_requests == 0  # a was never used
    assert not ef.status().logged_in
    del a


def test_errors_name_their_own_client(
    expertfile_server: FakeExpertFile, other: FakeExpertFile
) -> None:
    a = ef.Client(expertfile_server.client_id, "wrong-secret", base_url=expertfile_server.url)
    b = ef.Client(other.client_id, other.client_secret, base_url=other.url)
    with pytest.raises(ef.AuthenticationError):
        a.get_experts(progress=False)
    assert (
        len(b.get_experts(progress=False, access="all", status="all")) == 45
    )  # b is not affected by a's refusal
    with pytest.raises(ef.NotFoundError) as caught:
        b.get_expert("no-such-person")
    assert "777" in str(caught.value)  # b's organization, not a's


def test_methods_mirror_the_module_functions() -> None:
    for name in (
        "get_experts", "iter_experts", "get_staff", "get_spotlights", "get_expert",
        "get_staff_member", "get_spotlight", "get_section_item", "get_profiles",
        "create_expert", "update_expert", "delete_expert", "create_staff_member",
        "update_staff_member", "delete_staff_member", "add_section_item",
        "update_section_item", "delete_section_item", "send_inquiry", "plan_changes",
        "resume", "undo", "check",
    ):  # fmt: skip
        function = getattr(ef, name)
        method = getattr(ef.Client("x", "y", base_url="http://127.0.0.1:9"), name)
        assert method.__doc__ == function.__doc__, name
        own = list(inspect.signature(method).parameters)
        assert own == list(inspect.signature(function).parameters), name


def test_client_settings_are_checked_at_once() -> None:
    with pytest.raises(ef.ConfigurationError, match="both"):
        ef.Client("only-an-id")
    with pytest.raises(ef.InsecureTransportError):
        ef.Client("a", "b", base_url="http://example.org")
    with pytest.raises(ef.ConfigurationError, match="timeout"):
        ef.Client("a", "b", timeout=0)
    client = ef.Client("an-id", "the-secret-value")
    assert "the-secret-value" not in repr(client)
    with pytest.raises(TypeError):
        __import__("pickle").dumps(client)


def test_client_without_credentials_says_how() -> None:
    client = ef.Client(base_url="http://127.0.0.1:9")
    with pytest.raises(ef.NotLoggedInError, match="profile"):
        client.get_experts()
    assert not client.status().logged_in


def test_client_from_a_profile(
    expertfile_server: FakeExpertFile,
    other: FakeExpertFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_profiles(
        tmp_path / "config.toml",
        f"""
[profiles.main]
base_url = "{expertfile_server.url}"
client_id = "{expertfile_server.client_id}"
client_secret = "{expertfile_server.client_secret}"

[profiles.agency-b]
base_url = "{other.url}"
client_id = "{other.client_id}"
client_secret = "{other.client_secret}"
""",
    )
    monkeypatch.setenv("EXPERTFILE_CONFIG", str(config))
    # the environment names the other organization: a profile named on purpose wins
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", expertfile_server.client_id)
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", expertfile_server.client_secret)
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    b = ef.Client(profile="agency-b")
    assert b.login().org_id == 777
    state = b.status()
    assert state.profile == "agency-b" and state.base_url == other.url
    assert "profile:   agency-b" in str(state) and "agency-b" in state._repr_html_()
    assert expertfile_server.token_requests == 0
    # without a profile, the client follows the environment
    assert ef.Client().login().org_id == expertfile_server.org_id


def test_client_with_an_unknown_profile_lists_the_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_profiles(tmp_path / "c.toml", '[profiles.prod]\nbase_url = "https://x.org"\n')
    monkeypatch.setenv("EXPERTFILE_CONFIG", str(config))
    with pytest.raises(ef.ProfileError, match=r"No profile 'stagng'.*prod"):
        ef.Client(profile="stagng")


def test_logout_deletes_only_its_own_entry_at_a_shared_base_url(
    expertfile_server: FakeExpertFile,
) -> None:
    expertfile_server.add_client("second-client", "second-secret", 99)
    url = expertfile_server.url
    a = ef.Client(expertfile_server.client_id, expertfile_server.client_secret, base_url=url,
                  remember=True)  # fmt: skip
    b = ef.Client("second-client", "second-secret", base_url=url, remember=True)
    assert (a.login().org_id, b.login().org_id) == (expertfile_server.org_id, 99)
    cache = Path(os.environ["EXPERTFILE_TOKEN_CACHE"])
    assert len(json.loads(cache.read_text())["tokens"]) == 2
    assert "deleted" in a.logout()
    left = json.loads(cache.read_text())["tokens"]
    assert [e["client_id"] for e in left] == ["second-client"]
    assert b.status().logged_in and not a.status().logged_in


def test_two_clients_apply_at_once_each_to_its_own_organization(
    expertfile_server: FakeExpertFile, other: FakeExpertFile
) -> None:
    clients = {
        "a": (
            ef.Client(
                expertfile_server.client_id,
                expertfile_server.client_secret,
                base_url=expertfile_server.url,
            ),
            expertfile_server,
        ),
        "b": (ef.Client(other.client_id, other.client_secret, base_url=other.url), other),
    }
    results: dict[str, ef.ApplyResult] = {}
    errors: list[BaseException] = []

    def edit(name: str) -> None:
        client, _server = clients[name]
        try:
            names = client.get_experts(limit=3, progress=False, access="all").username.tolist()
            before = client.get_profiles(names, progress=False)
            after = before.copy()
            after["job_title"] = f"Title of {name}"
            results[name] = client.plan_changes(before, after).apply()
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results["a"].ok and results["b"].ok
    assert results["a"].journal != results["b"].journal  # one journal each
    for name, (client, server) in clients.items():
        titles = client.get_profiles(progress=False, kind="experts").job_title
        assert (titles == f"Title of {name}").sum() == 3, name
        assert server.token_requests == 1


def test_a_clients_check_probes_with_its_own_token_and_organization(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the default login holds organization 4242's token; a client with a prepared token of
    # another service and organization checks that one, never with the default's org id
    with FakeExpertFile() as first, FakeExpertFile(org_id=777) as second:
        ef.login(first.client_id, first.client_secret, base_url=first.url)
        ef.get_experts(limit=1, progress=False)
        token = get_token(second)
        monkeypatch.setenv("EXPERTFILE_BASE_URL", second.url)
        monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", token)
        monkeypatch.setenv("EXPERTFILE_ORG_ID", "777")
        client = ef.Client()
        client.check(budget=16)
        paths = [entry.path for entry in second.journal]
        assert any(p.startswith("/v2/organization/777/") for p in paths), paths
        assert not any("/organization/4242" in p for p in paths), paths
        # the client's own token, not whatever the environment holds by now
        for name in ("EXPERTFILE_BASE_URL", "EXPERTFILE_ACCESS_TOKEN", "EXPERTFILE_ORG_ID"):
            monkeypatch.delenv(name)
        second.reset()
        report = client.check(budget=16)
        assert report.base_url == second.url
        assert any(e.path.startswith("/v2/organization/777/") for e in second.journal)


def test_a_check_of_another_service_uses_that_services_token_and_organization(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # logged in to one service (organization 4242), ef.check() of another with a prepared
    # token probes the token's organization, not the login's
    with FakeExpertFile() as first, FakeExpertFile(org_id=777) as second:
        ef.login(first.client_id, first.client_secret, base_url=first.url)
        ef.get_experts(limit=1, progress=False)
        monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", get_token(second))
        monkeypatch.setenv("EXPERTFILE_ORG_ID", "777")
        ef.check(base_url=second.url, budget=16)
        paths = [entry.path for entry in second.journal]
    assert any(p.startswith("/v2/organization/777/") for p in paths), paths
    assert not any("/organization/4242" in p for p in paths), paths
