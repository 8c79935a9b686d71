"""A write to a service no connection reaches was never sent: ``NotConnectedError`` says so
(not ``UnconfirmedWriteError``, which would send the user to read the record first), and a
plan's status says it; a write whose connection opened and then broke stays unconfirmed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile


@pytest.fixture
def gone(tmp_path: Path) -> tuple[str, pd.DataFrame]:
    """Logged in to a fake that then stopped: its port refuses every connection."""
    with FakeExpertFile(experts=2) as server:
        ef.login(server.client_id, server.client_secret, base_url=server.url)
        before = ef.get_profiles(
            ef.get_experts(limit=1, progress=False).username.tolist(), progress=False
        )
    return str(before.username.iloc[0]), before


def test_a_write_that_never_connected_says_nothing_was_sent(
    gone: tuple[str, pd.DataFrame],
) -> None:
    name, _before = gone
    with pytest.raises(ef.NotConnectedError, match="nothing was sent") as caught:
        ef.update_expert(name, job_title="Dean", deadline=10)
    assert isinstance(caught.value, ef.NetworkError)  # as any network failure
    with pytest.raises(ef.NotConnectedError):
        ef.get_expert(name)  # a read says the same


def test_a_plan_whose_service_cannot_be_reached_says_nothing_was_sent(
    gone: tuple[str, pd.DataFrame], tmp_path: Path
) -> None:
    _name, before = gone
    plan = ef.plan_changes(before, before.assign(job_title="Dean"))
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"failed": 1}, result.statuses
    assert "NotConnectedError" in result.statuses[0]["detail"]
