"""Fixtures the write-path tests share: the fake logged in, and a plain documented service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.reads.service import PlainService


@pytest.fixture
def fake(expertfile_server: FakeExpertFile) -> FakeExpertFile:
    """The bundled fake (reset for each test), logged in to."""
    server = expertfile_server
    ef.login(server.client_id, server.client_secret, base_url=server.url)
    return server


@pytest.fixture(scope="module")
def server() -> Iterator[PlainService]:
    """A plain pytest_httpserver serving documented pages (not our fake): one a module."""
    service = PlainService().start()
    yield service
    service.stop()
