"""Token-cache chaos: broken, empty, exposed, missing, read-only files, and racing processes."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.helpers import FileWatcher, RaceWorkers
from tests.reliability import RACE_PROCESSES, RACE_ROUNDS, case

FAMILY = "token cache chaos"


def cache_file() -> Path:
    return Path(os.environ["EXPERTFILE_TOKEN_CACHE"])


def _corrupt(path: Path) -> None:
    path.write_text('{"format": 1, "tokens": [')


def _empty(path: Path) -> None:
    path.write_text("")


def _wrong_shape(path: Path) -> None:
    path.write_text('{"tokens": {"not": "a list"}}')


def _binary(path: Path) -> None:
    path.write_bytes(b"\xff\xfe\x00\x01")


def _exposed(path: Path) -> None:
    path.write_text(json.dumps({"format": 1, "tokens": []}))
    path.chmod(0o644)


BROKEN_FILES: dict[str, Callable[[Path], None]] = {
    "corrupt JSON": _corrupt,
    "empty file": _empty,
    "wrong shape": _wrong_shape,
    "binary garbage": _binary,
    "group/world-readable": _exposed,
}


@pytest.mark.parametrize("kind", BROKEN_FILES)
def test_broken_file_warns_and_is_rewritten(expertfile_env: FakeExpertFile, kind: str) -> None:
    with case(FAMILY, kind):
        path = cache_file()
        path.parent.mkdir(mode=0o700)
        BROKEN_FILES[kind](path)
        if kind != "group/world-readable":
            path.chmod(0o600)
        with pytest.warns(ef.TokenCacheWarning):
            token = ef.login(remember=True)
        content = json.loads(path.read_text())
        assert content["tokens"][0]["access_token"] == token.access_token
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_missing_folder_is_created_0700(expertfile_env: FakeExpertFile) -> None:
    with case(FAMILY, "missing folder"):
        assert not cache_file().parent.exists()
        ef.login(remember=True)
        assert stat.S_IMODE(cache_file().parent.stat().st_mode) == 0o700


def test_unusable_folder_keeps_the_token_in_memory(
    expertfile_env: FakeExpertFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with case(FAMILY, "read-only folder"):
        blocker = tmp_path / "a-file-not-a-folder"
        blocker.write_text("")
        monkeypatch.setenv("EXPERTFILE_TOKEN_CACHE", str(blocker / "token.json"))
        with pytest.warns(ef.TokenCacheWarning, match="memory only"):
            token = ef.login(remember=True)
        assert token.org_id == expertfile_env.org_id
        assert ef.login(remember=True) == token  # kept in memory: no second request
        assert expertfile_env.token_requests == 1


def test_processes_racing_on_one_file(expertfile_env: FakeExpertFile, tmp_path: Path) -> None:
    """RACE_ROUNDS rounds; in each, RACE_PROCESSES processes log in together on an empty cache."""
    path = cache_file()
    workers = RaceWorkers(RACE_PROCESSES, RACE_ROUNDS, tmp_path / "race")
    try:
        with FileWatcher(path) as watcher:
            for round_number in range(RACE_ROUNDS):
                label = f"{RACE_PROCESSES} processes racing (round {round_number + 1})"
                with case(FAMILY, label):
                    if path.parent.exists():
                        shutil.rmtree(path.parent)
                    before = expertfile_env.token_requests
                    printed = workers.run_round(round_number)
                    assert printed == [str(expertfile_env.org_id)] * RACE_PROCESSES, printed
                    assert expertfile_env.token_requests - before == 1
    finally:
        workers.close()
    assert watcher.torn == []
