"""Every answer is read within a deadline and a size cap (typed errors, no endless wait)."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from expertfile_nb._session import ExpertFileSession


@pytest.fixture
def dripping_server() -> Iterator[str]:
    """A server that answers with headers at once, then one body byte every 0.2 s."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                body = b'{"data": {"experts": [], "total": 0}, "success": true}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                )
                for byte in body:
                    if stop.wait(0.2):
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()


def test_a_dripping_answer_ends_at_the_deadline(dripping_server: str) -> None:
    session = ExpertFileSession(dripping_server, timeout=(1, 0.5), retries=0, deadline=1.0)
    with pytest.raises(ef.DeadlineExceededError, match="still arriving after 1 s") as caught:
        session.get("/v2/organization/1/expert")
    assert caught.value.deadline == 1.0
    assert isinstance(caught.value, ef.NetworkError)


def test_a_decompression_bomb_is_refused_once(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b" " * (80 * 1024 * 1024), compresslevel=9)  # ~80 KB → 80 MB
    httpserver.expect_request("/big").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), retries=2)
    with pytest.raises(ef.ResponseTooLargeError) as caught:
        session.get("/big")
    assert caught.value.limit == 64 * 1024 * 1024  # the documented default for data
    assert len(httpserver.log) == 1  # not fetched again: too large is not "broken"


def test_the_cap_is_settable(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(b"x" * 5000)
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), max_bytes=4096)
    with pytest.raises(ef.ResponseTooLargeError, match="4,096 bytes"):
        session.get("/page")
    small = ExpertFileSession(httpserver.url_for("").rstrip("/"), max_bytes=10_000)
    assert len(small.get("/page").content) == 5000
