"""pytest fixtures for the fake ExpertFile server (registered as a ``pytest11`` plugin).

- ``make_expertfile_server`` (session): one server for the whole run, on a free port.
- ``expertfile_server``: that server, reset before each test; any exception a
  request handler met during the test is re-raised when the test ends.
- ``expertfile_env``: the same, with ``EXPERTFILE_BASE_URL``,
  ``EXPERTFILE_CLIENT_ID`` and ``EXPERTFILE_CLIENT_SECRET`` set for the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_server.app import FakeExpertFile


@pytest.fixture(scope="session")
def make_expertfile_server() -> Iterator[FakeExpertFile]:
    """One fake server for the session (started once: starting costs milliseconds, not tests)."""
    with FakeExpertFile() as server:
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
