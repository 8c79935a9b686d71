"""Every answer is read within a deadline and a size cap (typed errors, no endless wait)."""

from __future__ import annotations

import gzip
import socket
import threading
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from expertfile_nb._auth.session import ExpertFileSession
from fake_server import FakeExpertFile
from tests.helpers import DrippingServer, http_answer


@pytest.fixture(params=["body", "headers"])
def dripper(request: pytest.FixtureRequest) -> Iterator[DrippingServer]:
    """A server that sends its answer one byte every 0.1 s: headers first, or the body only.
    The body is over 100 bytes: its drip lasts more than 10 s."""
    empty = {"data": {"experts": [], "total": 0}, "success": True, "padding": "." * 60}
    server = DrippingServer(lambda _method, _path: http_answer(200, empty, drip=request.param))
    yield server
    server.close()


def test_a_dripping_answer_ends_at_the_deadline(dripper: DrippingServer) -> None:
    # each byte comes well within the 5 s read timeout: only the deadline can end it (a
    # shorter read timeout, under load, could end a stalled drip first and hide a deadline
    # that does not hold).
    # 4 s, not less: the body drip must have begun (headers parsed, the connection handing
    # its socket to the response) before the alarm fires, even on a machine running many
    # mutants at once (2 s was once too short there); the whole drip takes over 10 s, so a
    # client that does not stop at the deadline is seen
    session = ExpertFileSession(dripper.url, timeout=(1, 5), retries=0, deadline=4.0)
    with pytest.raises(ef.DeadlineExceededError, match="within 4 s") as caught:
        session.get("/v2/organization/1/expert")
    assert not dripper.finished.is_set()  # it gave up before the answer was complete
    assert caught.value.deadline == 4.0
    assert isinstance(caught.value, ef.NetworkError)
    # nothing reachable from it holds the request (whose Authorization carried the token)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


class HeaderDripper:
    """The status line at once, then a header line every 0.1 s, never the blank line that
    ends them. With ``silent_first``, the first connection gets no answer at all (its
    attempt ends at the deadline; urllib3 would then retry on a new connection)."""

    def __init__(self, *, silent_first: bool) -> None:
        self.silent_first = silent_first
        self.connections = 0
        self.stop = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            self.connections += 1
            silent = self.silent_first and self.connections == 1
            threading.Thread(target=self.answer, args=(conn, silent), daemon=True).start()

    def answer(self, conn: socket.socket, silent: bool) -> None:
        with conn:
            try:
                conn.recv(65536)
                if silent:
                    self.stop.wait(30)
                    return
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not self.stop.wait(0.1):
                    conn.sendall(b"X-Drip: a\r\n")
            except OSError:
                return  # the client hung up

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.mark.parametrize("silent_first", [False, True], ids=["headers cut", "retry after"])
def test_the_deadline_holds_for_cut_headers_and_for_retries(silent_first: bool) -> None:
    # "headers cut": the deadline shuts the socket between two header lines; the answer
    # must not pass for a whole (empty) 200. "retry after": the first attempt ends at the
    # deadline and urllib3 would retry on a new connection, which has no deadline to end it.
    server = HeaderDripper(silent_first=silent_first)
    # the read timeout is longer than the deadline: only the deadline ends the silent attempt
    session = ExpertFileSession(server.url, timeout=(1, 5), deadline=1.0)  # default retries
    outcome: list[BaseException | int] = []

    def call() -> None:
        try:
            outcome.append(session.get("/v2/organization/1/expert").status_code)
        except BaseException as exc:  # reported by the assertions below
            outcome.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(30)  # bounded: a hang fails the test instead of holding the suite
    for _ in range(50):  # on a loaded machine the server's thread may not have counted it yet
        if server.connections:
            break
        server.stop.wait(0.1)
    server.close()
    assert outcome, "the call was still blocked 30 s after a 1 s deadline"
    assert isinstance(outcome[0], ef.DeadlineExceededError), outcome
    assert server.connections == 1  # no retry was started after the deadline


def test_a_decompression_bomb_is_refused_once(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b" " * (80 * 1024 * 1024), compresslevel=9)  # ~80 KB → 80 MB
    httpserver.expect_request("/big").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), retries=2)
    with pytest.raises(ef.ResponseTooLargeError) as caught:
        session.get("/big")
    assert caught.value.limit == 64 * 1024 * 1024  # the documented default for data
    # not fetched again: too large is not "broken" (the server is shared by the tests of a
    # worker: a late request of an earlier test's thread may be in its log too)
    assert [request.path for request, _ in httpserver.log].count("/big") == 1


def test_the_cap_is_settable(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(b"x" * 5000)
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), max_bytes=4096)
    with pytest.raises(ef.ResponseTooLargeError, match="4,096 bytes"):
        session.get("/page")
    small = ExpertFileSession(httpserver.url_for("").rstrip("/"), max_bytes=10_000)
    assert len(small.get("/page").content) == 5000


def test_an_answer_of_exactly_the_cap_is_accepted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(b"x" * 4096)
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), max_bytes=4096)
    assert len(session.get("/page").content) == 4096


def test_a_nested_gzip_bomb_at_the_token_endpoint_is_refused_in_small_memory(
    httpserver: HTTPServer,
) -> None:
    # 64 MiB of zeros, gzipped twice: about 200 bytes on the wire. The token cap is 64 KiB;
    # the answer must be refused while decompressing, not after. (urllib3 before 2.6
    # decompressed a whole layer at once: this grew by the full 64 MiB, and more.)
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    layer = b"".join(inner.compress(b"\0" * (1 << 20)) for _ in range(64)) + inner.flush()
    bomb = gzip.compress(layer, 9)
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip", "Content-Type": "application/json"}
    )
    url = httpserver.url_for("").rstrip("/")
    tracemalloc.start()
    try:
        # bounded: decompressing is bounded by the deadline too, so with a cap that does
        # not hold (64 MiB, say) this ends in 30 s as a DeadlineExceededError, not in minutes
        with pytest.raises(ef.ResponseTooLargeError) as caught:
            ef.login("id", "secret", base_url=url, retries=0, deadline=30)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.limit == 64 * 1024  # the documented cap for the token
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB for a 64 KiB cap"


def test_get_session_sets_the_cap_and_the_deadline(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    small = ef.get_session(max_bytes=1024, deadline=60)
    with pytest.raises(ef.ResponseTooLargeError, match="1,024 bytes"):
        ef.get_experts(session=small, page_size=10)  # a page of 10 experts is ~6 KB
    for wrong in ({"max_bytes": 0}, {"deadline": 0}, {"deadline": float("inf")}):
        with pytest.raises(ef.ConfigurationError):
            ef.get_session(**wrong)  # type: ignore[arg-type]  # wrong values on purpose
