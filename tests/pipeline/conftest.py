"""Fixtures the pipeline tests share: a fake organization the environment points at, with
dlt's folders in the test's tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server import FakeExpertFile
from tests.pipeline.warehouse import organization


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeExpertFile]:
    """A small fake organization (12 experts), the environment pointing at it."""
    with organization(monkeypatch, tmp_path, 12) as server:
        yield server
