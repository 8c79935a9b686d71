"""The fault matrix: each fault, at the token endpoint and on data pages, transient and persistent.

Transient = 2 failures (fewer than the retries): the result is complete and correct.
Persistent = the fault never stops: a typed error, in a bounded time (recorded in
docs/RELIABILITY.md). The client runs with its default retry policy and a 0.5 s
read timeout.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.reliability import case

READ_TIMEOUT = 0.5
Inject = Callable[[FakeExpertFile, int, str], None]

FAULTS: dict[str, Inject] = {
    "500": lambda s, n, path: s.fail_next(n, status=500, path=path),
    "502": lambda s, n, path: s.fail_next(n, status=502, path=path),
    "503": lambda s, n, path: s.fail_next(n, status=503, path=path),
    "429 + Retry-After: 1": lambda s, n, path: s.fail_next(n, status=429, retry_after=1, path=path),
    "connection reset": lambda s, n, path: s.malformed_next(n, "disconnect", path=path),
    "read timeout": lambda s, n, path: s.slow_next(n, READ_TIMEOUT * 3, path=path),
    "truncated body": lambda s, n, path: s.malformed_next(n, "truncated", path=path),
    "wrong content type": lambda s, n, path: s.malformed_next(n, "wrong_content_type", path=path),
}
PERSISTENT = 1000


def login(server: FakeExpertFile) -> ef.Token:
    return ef.login(
        server.client_id, server.client_secret, base_url=server.url, timeout=(5, READ_TIMEOUT)
    )


@pytest.mark.parametrize("fault", FAULTS)
def test_token_endpoint_transient(expertfile_server: FakeExpertFile, fault: str) -> None:
    with case("fault matrix: token endpoint", f"{fault}, transient"):
        FAULTS[fault](expertfile_server, 2, "token")
        token = login(expertfile_server)
        assert token.org_id == expertfile_server.org_id


@pytest.mark.parametrize("fault", FAULTS)
def test_token_endpoint_persistent(expertfile_server: FakeExpertFile, fault: str) -> None:
    with case("fault matrix: token endpoint", f"{fault}, persistent"):
        FAULTS[fault](expertfile_server, PERSISTENT, "token")
        with pytest.raises((ef.TokenResponseError, ef.NetworkError)) as caught:
            login(expertfile_server)
        assert expertfile_server.client_secret not in str(caught.value)
        assert expertfile_server.token_requests <= 12  # bounded: it gave up


@pytest.mark.parametrize("fault", FAULTS)
def test_data_pages_transient(expertfile_server: FakeExpertFile, fault: str) -> None:
    with case("fault matrix: data pages", f"{fault}, transient"):
        expertfile_server.experts = 1000
        login(expertfile_server)
        FAULTS[fault](expertfile_server, 2, "data")
        frame = ef.get_experts(access="all", status="all", progress=False)
        assert len(frame) == 1000
        assert frame["username"].is_unique


@pytest.mark.parametrize("fault", FAULTS)
def test_data_pages_persistent(expertfile_server: FakeExpertFile, fault: str) -> None:
    with case("fault matrix: data pages", f"{fault}, persistent"):
        expertfile_server.experts = 1000
        login(expertfile_server)
        FAULTS[fault](expertfile_server, PERSISTENT, "data")
        with pytest.raises(ef.IncompleteDataError, match="page_from=0") as caught:
            ef.get_experts(access="all", status="all", progress=False)
        assert isinstance(caught.value.__cause__, ef.ExpertFileError)
        # bounded: the first page and the 3 requests sent with it (workers=4), each tried at
        # most 5 times (the session's retries)
        assert sum(e.method == "GET" for e in expertfile_server.journal) <= 4 * 5
