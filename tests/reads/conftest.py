"""The ``plain`` fixture: a documented-shape service that is not ``fake_server``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reads.service import SECRETS, PlainService


@pytest.fixture(scope="session")
def plain_server() -> Iterator[PlainService]:
    """One server for the session (starting and stopping one takes half a second)."""
    service = PlainService().start()
    yield service
    service.stop()


@pytest.fixture
def plain(
    plain_server: PlainService,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Iterator[PlainService]:
    """The plain service, cleared and logged in to; the test fails if its secret or token
    was printed or logged."""
    yield plain_server.begin()
    out, err = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in out + err + caplog.text, "LEAK: the secret or token was shown"
