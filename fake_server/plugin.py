"""pytest fixtures for the fake ExpertFile server (registered as a ``pytest11`` plugin).

- ``make_expertfile_server`` (session): one server for the whole run, on a free port.
- ``expertfile_server``: that server, reset before each test; any exception a
  request handler met during the test is re-raised when the test ends.
- ``expertfile_env``: the same, with ``EXPERTFILE_BASE_URL``,
  ``EXPERTFILE_CLIENT_ID`` and ``EXPERTFILE_CLIENT_SECRET`` set for the test.

To run the tests on a capture of your organization (``expertfile-nb capture --out
DIR``) instead of the synthetic one, set the ``expertfile_dataset`` ini option (in
``pyproject.toml``'s ``[tool.pytest.ini_options]``, relative to the rootdir) or the
``EXPERTFILE_FAKE_DATASET`` environment variable (it wins) to that folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server.app import FakeExpertFile

DATASET_ENV = "EXPERTFILE_FAKE_DATASET"
DATASET_INI = "expertfile_dataset"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(DATASET_INI, "serve this capture folder (expertfile-nb capture) in the fixtures")


def dataset_folder(config: pytest.Config) -> Path | None:
    """The capture the fixtures serve: ``EXPERTFILE_FAKE_DATASET``, else the ini option."""
    from_env = os.environ.get(DATASET_ENV, "").strip()
    if from_env:
        return Path(from_env)
    from_ini = str(config.getini(DATASET_INI) or "").strip()
    return config.rootpath / from_ini if from_ini else None


@pytest.fixture(scope="session")
def make_expertfile_server(pytestconfig: pytest.Config) -> Iterator[FakeExpertFile]:
    """One fake server for the session (started once: starting costs milliseconds, not tests)."""
    with FakeExpertFile(dataset=dataset_folder(pytestconfig)) as server:
        yield server


@pytest.fixture
def expertfile_server(make_expertfile_server: FakeExpertFile) -> Iterator[FakeExpertFile]:
    """The session's fake server, reset for this test."""
    server = make_expertfile_server
    server.reset()
    yield server
    server.check_handler_errors()


@pytest.fixture
def expertfile_env(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> FakeExpertFile:
    """The fake server, with the ``EXPERTFILE_*`` variables pointing at it."""
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", expertfile_server.client_id)
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", expertfile_server.client_secret)
    for name in ("EXPERTFILE_ACCESS_TOKEN", "EXPERTFILE_ORG_ID"):
        monkeypatch.delenv(name, raising=False)
    return expertfile_server
