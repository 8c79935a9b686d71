"""The fake server's fast path for plain requests answers exactly as its general path does.

A plain HTTP/1.1 request (printable ASCII, headers already received) is parsed by the fake's
own code instead of ``http.server``'s and gets its WSGI environ without werkzeug's builder (see
``fake_server._wsgi``). Any other request takes the general path. These tests send the same
request both ways (a header with a byte outside ASCII sends it down the general path) and
compare what the application saw, then check what the fast path decides about the connection.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from fake_server import FakeExpertFile

#: environ keys whose values are objects or differ by connection
_PER_CONNECTION = {
    "wsgi.input",
    "wsgi.errors",
    "werkzeug.socket",
    "werkzeug.request",
    "REMOTE_PORT",
}


def _seen(server: FakeExpertFile, head: bytes, body: bytes = b"") -> dict[str, Any]:
    """Send ``head`` (request line and headers) and ``body``; the environ the handler saw."""
    seen: list[dict[str, Any]] = []

    def handler(request: Request) -> Response:
        seen.append({k: v for k, v in request.environ.items() if isinstance(v, (str, int))})
        seen[-1]["body"] = request.get_data().decode()
        seen[-1]["headers"] = sorted(request.headers.items())
        return Response(json.dumps({"ok": True}), content_type="application/json")

    server.expect_oneshot_request(
        "/echo/x", method=head.split(b" ", 1)[0].decode()
    ).respond_with_handler(handler)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + b"\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        assert response.status == 200
    (environ,) = seen
    return environ


@pytest.mark.parametrize(
    "head",
    [
        b"GET /echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        b"GET /echo/x?a=1&b=x+y&a=2 HTTP/1.1\r\nHost: h\r\nAccept:   */*  \r\nX-Two: 1\r\n"
        b"x-two: 2\r\nX_Under: no\r\nEmpty:\r\nTabbed:\t v\t\r\n",
        b"POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 7\r\nConnection: keep-alive\r\n",
        b"GET /echo/%78?q=%C3%A9 HTTP/1.1\r\nHost: h\r\n",  # decoded: werkzeug's environ
    ],
    ids=["minimal", "query-and-odd-headers", "post-form", "percent-in-target"],
)
def test_a_plain_request_sees_what_the_general_path_sees(
    expertfile_server: FakeExpertFile, head: bytes
) -> None:
    body = b"a=1&b=2" if head.startswith(b"POST") else b""
    fast = _seen(expertfile_server, head, body)
    # one byte outside ASCII in an extra header: http.server's parser and werkzeug's environ
    general = _seen(expertfile_server, head + b"X-Latin: caf\xe9\r\n", body)
    assert general.pop("HTTP_X_LATIN") == "caf\u00e9"  # read as latin-1 by http.server
    general["headers"] = [h for h in general["headers"] if h[0] != "X-Latin"]
    for key in _PER_CONNECTION:
        fast.pop(key, None)
        general.pop(key, None)
    assert fast == general


def _answers_then_closed(server: FakeExpertFile, head: bytes) -> tuple[int, bool]:
    """Send one request; its status, and whether the server then closed the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + b"\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        sock.settimeout(10)
        try:
            closed = sock.recv(1) == b""
        except ConnectionResetError:
            closed = True
        except TimeoutError:
            closed = False
        return response.status, closed


def test_connection_close_on_a_plain_request_closes_it(
    expertfile_server: FakeExpertFile,
) -> None:
    status, closed = _answers_then_closed(
        expertfile_server, b"GET /nowhere HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
    )
    assert status == 404 and closed


def test_expect_100_continue_on_a_plain_request_is_answered(
    expertfile_server: FakeExpertFile,
) -> None:
    with socket.create_connection(("127.0.0.1", expertfile_server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /v2/oauth/token HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\n"
        )
        assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"a=b")
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        assert response.status == 400  # the form has no grant_type: the body was read


def test_each_token_form_is_answered_for_what_it_says(expertfile_server: FakeExpertFile) -> None:
    """Forms are parsed once per distinct body: a different body is never another's answer."""
    conn = http.client.HTTPConnection("127.0.0.1", expertfile_server.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = []
    try:
        for secret in ("demo-secret", "wrong-secret", "demo-secret", "wrong-secret"):
            form = f"client_id=demo-client&client_secret={secret}&grant_type=client_credentials"
            conn.request("POST", "/v2/oauth/token", form, headers)
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        conn.close()
    assert statuses == [200, 401, 200, 401]
    assert expertfile_server.token_requests == 4
