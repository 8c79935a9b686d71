"""The fake closes a connection that sends nothing for ``idle_timeout`` seconds: idle between
requests, or stalled in the middle of one (request line, headers or body half sent).

Raw sockets, each read bounded by its own timeout; a connection the server keeps open fails
the test when that timeout runs out."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from fake_server import FakeExpertFile
from tests.helpers import read_exports

HALF_SENT = [
    b"",  # connected, nothing sent
    b"GET /v2/organization/4242/expert HT",  # half a request line
    b"GET /v2/organization/4242/expert HTTP/1.1\r\nHost: x\r\n",  # headers not ended
    b"POST /v2/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\ngrant_",  # short body
    b"POST /v2/oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",  # answered, then idle on keep-alive
]


def closed_by_server(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` (after any answer) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


def test_idle_and_half_sent_connections_are_closed() -> None:
    with FakeExpertFile(idle_timeout=0.5) as server:
        socks = []
        try:
            for n in range(40):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                socks.append(sock)
                sock.sendall(HALF_SENT[n % len(HALF_SENT)])
            open_ones = [
                HALF_SENT[n % len(HALF_SENT)]
                for n, sock in enumerate(socks)
                if not closed_by_server(sock, 10)
            ]
            assert open_ones == []
        finally:
            for sock in socks:
                sock.close()
        connections = server.server.open_connections
        deadline = time.monotonic() + 10
        while connections and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not connections  # every handler thread let its connection go


def test_a_request_dripped_byte_by_byte_is_cut_off() -> None:
    request = b"GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
    with (
        FakeExpertFile(idle_timeout=0.5) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        sent = 0
        try:
            for byte in request:  # one byte every 0.05 s: never idle for 0.5 s
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.05)
        except OSError:  # the server closed it: later sends fail
            pass
        assert sent < len(request) and closed_by_server(sock, 10)


def test_a_connection_in_use_is_kept() -> None:
    with (
        FakeExpertFile(idle_timeout=0.5) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        for _ in range(3):  # three requests on one connection, 0.2 s apart
            sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 404")
            time.sleep(0.2)


def test_the_command_takes_an_idle_timeout() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0", "--idle-timeout", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(read_exports(proc)["EXPERTFILE_BASE_URL"].rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(HALF_SENT[2])
            assert closed_by_server(sock, 10)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
