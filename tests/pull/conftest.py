"""The ``plain`` fixture: a documented-shape service that is not ``fake_server``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pull.service import SECRETS, PlainService


@pytest.fixture
def plain(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[PlainService]:
    """A plain service, logged in; the test fails if its secret or token was printed or logged."""
    service = PlainService().start()
    try:
        yield service
    finally:
        service.stop()
    out, err = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in out + err + caplog.text, "LEAK: the secret or token was shown"
