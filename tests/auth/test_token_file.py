"""remember=True keeps the token (never the secret) in a 0600 file, atomically and locked."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.helpers import FileWatcher, race_logins


def cache_file() -> Path:
    return Path(os.environ["EXPERTFILE_TOKEN_CACHE"])


def test_remember_writes_token_not_secret_0600_in_0700(expertfile_env: FakeExpertFile) -> None:
    token = ef.login(remember=True)
    path = cache_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert token.access_token in text
    assert expertfile_env.client_secret not in text
    entry = json.loads(text)["tokens"][0]
    assert entry["org_id"] == expertfile_env.org_id and entry["base_url"] == expertfile_env.url
    assert not list(path.parent.glob(".token-*"))  # no temporary file left behind


def test_without_remember_nothing_is_written(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    assert not cache_file().exists()


def test_default_location_is_the_user_cache_folder(
    expertfile_env: FakeExpertFile, monkeypatch: pytest.MonkeyPatch, clean_environ: Path
) -> None:
    monkeypatch.delenv("EXPERTFILE_TOKEN_CACHE")
    ef.login(remember=True)
    files = list(clean_environ.rglob("token.json"))
    assert len(files) == 1 and "expertfile-nb" in str(files[0])


def test_four_processes_one_token_request_file_always_valid(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    with FileWatcher(cache_file()) as watcher:
        results = race_logins(4, tmp_path / "go")
    assert [status for status, _, _ in results] == [0] * 4, results
    assert [out.strip() for _, out, _ in results] == [str(expertfile_env.org_id)] * 4
    assert expertfile_env.token_requests == 1
    assert watcher.reads > 0
    assert watcher.torn == []


def test_world_readable_file_is_ignored_and_rewritten_0600(expertfile_env: FakeExpertFile) -> None:
    ef.login(remember=True)
    path = cache_file()
    path.chmod(0o644)
    # a new process finds the file readable by others: it warns, does not trust it, rewrites it
    result = subprocess.run(
        [sys.executable, "-c", "import expertfile_nb as ef; print(ef.login(remember=True).org_id)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "TokenCacheWarning" in result.stderr and "readable by other users" in result.stderr
    assert expertfile_env.token_requests == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_logout_deletes_the_remembered_token(expertfile_env: FakeExpertFile) -> None:
    ef.login(remember=True)
    assert cache_file().exists()
    message = ef.logout()
    assert "remembered token was deleted" in message
    assert not cache_file().exists() or json.loads(cache_file().read_text())["tokens"] == []


def test_logout_in_a_new_process_deletes_only_the_token_for_the_base_url_in_use(
    expertfile_env: FakeExpertFile,
) -> None:
    with FakeExpertFile() as other:
        ef.login(
            base_url=other.url,
            client_id=other.client_id,
            client_secret=other.client_secret,
            remember=True,
        )
    ef.login(base_url=expertfile_env.url, remember=True)  # credentials from the environment
    kept = {e["base_url"] for e in json.loads(cache_file().read_text())["tokens"]}
    assert kept == {expertfile_env.url, other.url}

    def new_process_logout() -> str:
        result = subprocess.run(
            [sys.executable, "-c", "import expertfile_nb as ef; print(ef.logout())"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    first, second = new_process_logout(), new_process_logout()
    assert "Was not logged in, but a remembered token was found and deleted" in first
    assert expertfile_env.url in first
    assert second.strip().startswith("Was not logged in.")
    kept = {e["base_url"] for e in json.loads(cache_file().read_text())["tokens"]}
    assert kept == {other.url}  # the token for another base URL is kept


def test_a_token_cache_path_that_is_a_folder_is_warned_about_not_a_crash(
    expertfile_env: FakeExpertFile,
) -> None:
    cache_file().parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    cache_file().mkdir(mode=0o700)
    with pytest.warns(ef.TokenCacheWarning) as warned:
        ef.login(remember=True)  # the read is ignored, the write fails: both warn
    said = " ".join(str(w.message) for w in warned)
    assert "not a regular file" in said and "cannot write it" in said
    assert len(ef.get_experts(limit=3, progress=False)) == 3
    assert cache_file().is_dir()  # left as it was
    cache_file().rmdir()  # (or the fixture's logout warns again)


def test_remembering_one_clients_token_keeps_the_other_clients(
    expertfile_server: FakeExpertFile,
) -> None:
    url = expertfile_server.url
    expertfile_server.add_client("second-client", "second-secret-9f2c", expertfile_server.org_id)
    ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=url, remember=True
    )
    ef.login("second-client", "second-secret-9f2c", base_url=url, remember=True)
    entries = json.loads(cache_file().read_text())["tokens"]
    assert sorted(e["client_id"] for e in entries) == sorted(
        [expertfile_server.client_id, "second-client"]
    )
