"""plan.apply reads the proxy and CA-bundle settings once a run (``requests`` would read
them for every read and write), and still honours them: its reads and writes go through
the proxy the environment names, with the CA bundle it names, as of when it starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

import expertfile_nb as ef
from expertfile_nb._auth.session import ExpertFileSession
from tests.reads.test_pull_environment import CONNECT, HOST, RecordingProxy


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    recording = RecordingProxy()
    yield recording
    recording.close()


@pytest.fixture
def https_session(monkeypatch: pytest.MonkeyPatch) -> ExpertFileSession:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return ExpertFileSession(f"https://{HOST}", org_id=4242, retries=0)


def plan(people: int = 3) -> ef.ChangePlan:
    before = pd.DataFrame([{"username": f"expert.{i}", "job_title": "Dean"} for i in range(people)])
    return ef.plan_changes(before, before.assign(job_title="Provost"))


def test_an_apply_goes_through_the_proxy_the_environment_names(
    https_session: ExpertFileSession,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    result = plan().apply(journal=tmp_path / "j.jsonl", session=https_session, workers=2)
    # each person's read asked the proxy (which refused it): nothing was written
    assert result.counts == {"failed": 3}
    assert len(proxy.lines) == 3
    assert all(line.startswith(CONNECT) for line in proxy.lines)


def test_an_apply_uses_the_ca_bundle_the_environment_names(
    https_session: ExpertFileSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "no-such-bundle.pem"))
    result = plan().apply(journal=tmp_path / "j.jsonl", session=https_session, workers=2)
    assert result.counts == {"failed": 3}
    assert all("no-such-bundle.pem" in s["detail"] for s in result.statuses), result.statuses


class _Then(list[str]):
    """A proxy's lines that run ``then`` at each new one (before the proxy answers it)."""

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self.then = then

    def append(self, line: str) -> None:
        super().append(line)
        self.then()


def test_the_reads_ahead_use_the_environment_as_of_the_start(
    https_session: ExpertFileSession,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The re-reads fetched ahead (in their own threads) use the environment read when the
    run started too: a proxy named once the first read has gone is used by none of them."""
    later = RecordingProxy()
    try:
        proxy.lines = _Then(lambda: monkeypatch.setenv("HTTPS_PROXY", later.url))
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        result = plan(6).apply(journal=tmp_path / "j.jsonl", session=https_session, workers=1)
    finally:
        later.close()
    assert result.counts == {"failed": 6}
    assert len(proxy.lines) == 6
    assert later.lines == []
