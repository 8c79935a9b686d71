"""A pull reads the proxy and CA-bundle settings once a pass, and still honours them.

``requests`` reads ``HTTPS_PROXY``, ``NO_PROXY`` and ``REQUESTS_CA_BUNDLE`` from the
environment on every request; a pull reads them when it starts (docs/performance.md).
These tests hold it to what ``requests`` would do: the pages go through the proxy the
environment names, the CA bundle it names is the one used, and a pull started after a
change sees the change.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

import expertfile_nb as ef
from expertfile_nb._auth.session import ExpertFileSession
from expertfile_nb.errors import ConfigurationError, IncompleteDataError

HOST = "expertfile.invalid"  # never resolved: an https request reaches only a proxy
CONNECT = f"CONNECT {HOST}:443 "  # what a proxy is asked first for an https request


class RecordingProxy:
    """A TCP server that records the first line of whatever connects to it and refuses it
    (``502``): where a request went, without going anywhere."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                self.lines.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def proxies() -> Iterator[tuple[RecordingProxy, RecordingProxy]]:
    first, second = RecordingProxy(), RecordingProxy()
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def https_session(monkeypatch: pytest.MonkeyPatch) -> ExpertFileSession:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return ExpertFileSession(f"https://{HOST}", org_id=4242, retries=0)


def test_each_pull_goes_through_the_proxy_the_environment_names_when_it_starts(
    https_session: ExpertFileSession,
    proxies: tuple[RecordingProxy, RecordingProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = proxies
    monkeypatch.setenv("HTTPS_PROXY", first.url)
    with pytest.raises(IncompleteDataError):
        ef.get_experts(session=https_session, progress=False)
    # the first page, and what went with it (workers - 1 at most, workers=4 by default): all
    # through the proxy
    assert 1 <= len(first.lines) <= 4 and all(line.startswith(CONNECT) for line in first.lines)
    through_first = len(first.lines)
    # the same session, the environment changed: the next pull reads it again
    monkeypatch.setenv("HTTPS_PROXY", second.url)
    with pytest.raises(IncompleteDataError):
        ef.get_experts(session=https_session, progress=False)
    assert second.lines and all(line.startswith(CONNECT) for line in second.lines)
    assert len(first.lines) == through_first
    through_second = len(second.lines)
    # NO_PROXY is read with it: no proxy at all, so the (unresolvable) host itself is tried
    monkeypatch.setenv("NO_PROXY", HOST)
    with pytest.raises(IncompleteDataError):
        ef.get_experts(session=https_session, progress=False)
    assert (len(first.lines), len(second.lines)) == (through_first, through_second)


def test_a_pull_uses_the_ca_bundle_the_environment_names(
    https_session: ExpertFileSession, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """A bundle that is not there is a configuration to fix, named as such (requests
    raises a bare ``OSError``); that the pull says so shows it used the bundle."""
    missing = f"{tmp_path}/no-such-bundle.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", missing)
    with pytest.raises(ConfigurationError, match=r"no-such-bundle\.pem") as caught:
        ef.get_experts(session=https_session, progress=False)
    assert "REQUESTS_CA_BUNDLE" in str(caught.value)


@pytest.mark.parametrize("workers", [1, 4])
def test_a_request_after_a_pull_reads_the_environment_again(
    https_session: ExpertFileSession,
    proxies: tuple[RecordingProxy, RecordingProxy],
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    """What a pull read is for its own pages only: a single read after it, in the same
    thread and session, goes where the environment says by then (with ``workers=1`` the
    pull reads its first page in this thread: nothing goes with it)."""
    first, second = proxies
    monkeypatch.setenv("HTTPS_PROXY", first.url)
    with pytest.raises(IncompleteDataError):
        ef.get_experts(session=https_session, progress=False, workers=workers)
    through_first = len(first.lines)
    monkeypatch.setenv("HTTPS_PROXY", second.url)
    with pytest.raises(ef.ExpertFileError):
        ef.get_expert("someone", session=https_session)
    assert len(first.lines) == through_first
    assert [line.startswith(CONNECT) for line in second.lines] == [True]
