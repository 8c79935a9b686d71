"""The fake server under bad input: an envelope and a 4xx, a journal entry, counters right.

Also its connections: kept alive (HTTP/1.1) as the real service does, closed
when an answer lies about its length, and closed when the server stops.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
from typing import get_args

import pytest
import requests

from fake_server import ASSUMPTIONS, Assumption, FakeExpertFile
from fake_server.faults import MALFORMED, MALFORMED_KINDS, MalformedKind
from tests.helpers import assert_failure, get_data, get_token, token_form


def _raw_exchange(server: FakeExpertFile, request: bytes) -> tuple[int, dict[str, object]]:
    """Send bytes as they are; read one answer; its status and JSON body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = json.loads(response.read())
        return response.status, body


def test_deep_json_filter_is_400_not_500(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    deep = "[" * 3000 + "]" * 3000
    response = get_data(
        expertfile_server,
        f"/v2/organization/{expertfile_server.org_id}/expert",
        token,
        countries=deep,
    )
    assert "countries" in assert_failure(response, 400, "invalid_request")["error_description"]
    assert expertfile_server.journal[-1].status == 400
    assert expertfile_server.in_flight == 0


def test_malformed_chunked_body_is_an_envelope_400(expertfile_server: FakeExpertFile) -> None:
    status, body = _raw_exchange(
        expertfile_server,
        b"POST /v2/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"ZZZ\r\ngrant_type=client_credentials\r\n0\r\n\r\n",
    )
    assert status == 400
    assert body["success"] is False and body["error"] == "invalid_request"
    assert "chunked" in str(body["error_description"])
    (entry,) = expertfile_server.journal
    assert (entry.method, entry.path, entry.status) == ("POST", "/v2/oauth/token", 400)
    assert expertfile_server.in_flight == 0
    expertfile_server.check_handler_errors()  # not a handler bug: nothing to re-raise


def test_journal_redacts_secrets_and_tokens_wherever_they_appear(
    expertfile_server: FakeExpertFile, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="urllib3")  # its DEBUG lines quote the URLs sent
    server = expertfile_server
    token = get_token(server)
    secret = server.client_secret
    requests.post(
        server.token_url, params={"client_secret": secret}, data=token_form(server), timeout=10
    )
    requests.get(
        server.url + f"/v2/organization/{server.org_id}/expert",
        params={"access_token": token, "q": f"x{secret}y", "other": token},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    requests.get(server.url + f"/v2/organization/{server.org_id}/expert/{token}", timeout=10)
    requests.post(server.token_url, data=token_form(server, note=secret), timeout=10)
    # as a parameter's name, as a bare Authorization header, joined to other characters
    requests.get(server.url + f"/v2/x?{secret}=1&{token}", timeout=10)
    requests.get(server.url + "/v2/x", headers={"Authorization": token}, timeout=10)
    requests.get(server.url + f"/v2/x/x_{token}-y", timeout=10)
    text = repr(server.journal) + "".join(
        e.query_string + e.path + json.dumps(e.form) + e.authorization for e in server.journal
    )
    assert secret not in text
    for issued in server.issued_tokens:
        assert issued[:16] not in text and issued[-24:] not in text  # not even a part
    assert "***" in text
    assert server.journal[1].query["client_secret"] == "***"
    assert server.journal[2].query["access_token"] == "***"
    assert server.journal[2].authorization == "Bearer ***"


def test_connections_are_kept_alive(expertfile_server: FakeExpertFile) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", expertfile_server.port, timeout=10)
    try:
        form = "&".join(f"{k}={v}" for k, v in token_form(expertfile_server).items())
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", "/v2/oauth/token", form, headers)
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        assert first.getheader("Connection") is None and not first.will_close
        conn.request("POST", "/v2/oauth/token", form, headers)
        second = conn.getresponse()
        second.read()
        assert second.status == 200 and conn.sock is sock  # the same connection
    finally:
        conn.close()


def test_a_session_reuses_one_connection(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        path = expertfile_server.url + f"/v2/organization/{expertfile_server.org_id}/expert"
        peers = set()
        for _ in range(3):
            response = session.get(path, stream=True, timeout=10)
            peers.add(response.raw.connection.sock.getsockname())
            response.content  # noqa: B018 -- reads the body, returning the connection to the pool
        assert len(peers) == 1


def test_truncated_answer_closes_its_connection(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.malformed_next(kind="truncated")
    conn = http.client.HTTPConnection("127.0.0.1", expertfile_server.port, timeout=10)
    try:
        conn.request("GET", "/v2/oauth/token")
        response = conn.getresponse()
        assert response.getheader("Connection") == "close"
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    finally:
        conn.close()
    assert get_token(expertfile_server)  # and the server goes on


def test_stop_closes_idle_keep_alive_connections() -> None:
    with FakeExpertFile(idle_timeout=60) as server:  # stop() closes it, not the idle timeout
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/nowhere")
        conn.getresponse().read()
        sock = conn.sock
        assert sock is not None
    assert sock.recv(1) == b""  # the server closed its end
    conn.close()


def test_malformed_kinds_and_registry_agree() -> None:
    assert get_args(MalformedKind) == MALFORMED_KINDS == tuple(MALFORMED)


def test_unknown_malformed_kind_is_refused(expertfile_server: FakeExpertFile) -> None:
    with pytest.raises(ValueError, match="invalid_json"):
        expertfile_server.malformed_next(kind="garbage")  # type: ignore[arg-type]  # on purpose


def test_message_style_failure_envelope(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.error_body = "message"
    response = get_data(
        expertfile_server, f"/v2/organization/{expertfile_server.org_id}/expert", None
    )
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"success", "message"} and body["success"] is False


@pytest.mark.parametrize(
    "assumption", [a for a in ASSUMPTIONS if a.setting], ids=lambda a: str(a.setting)
)
def test_each_assumption_names_a_real_setting(assumption: Assumption) -> None:
    assert assumption.setting is not None
    server = FakeExpertFile()
    assert str(getattr(server, assumption.setting)) == assumption.default
    for value in assumption.values:
        if value.isidentifier():  # the constructor takes every listed value
            other = FakeExpertFile(**{assumption.setting: value})  # type: ignore[arg-type]  # str for a Literal, on purpose
            assert getattr(other, assumption.setting) == value


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"HELLO\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 400),
        (b"GET /\r\n", 400),  # HTTP/0.9: no headers follow, none are awaited
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(200)) + b"\r\n", 431),
    ],
    ids=["request line", "version", "HTTP/0.9", "long target", "many headers"],
)
def test_requests_refused_before_parsing_are_enveloped_and_recorded(
    expertfile_server: FakeExpertFile, request_bytes: bytes, status: int
) -> None:
    answered, body = _raw_exchange(expertfile_server, request_bytes)
    assert answered == status
    assert body["success"] is False and body["error"] == "invalid_request"
    assert [e.status for e in expertfile_server.journal] == [status]
    assert expertfile_server.in_flight == 0


def test_a_token_post_with_a_trailing_slash_is_counted_and_faulted(
    expertfile_server: FakeExpertFile,
) -> None:
    url = expertfile_server.token_url + "/"
    assert requests.post(url, data=token_form(expertfile_server), timeout=10).status_code == 200
    assert expertfile_server.token_requests == 1
    expertfile_server.fail_next(1, status=503, path="token")
    assert requests.post(url, data=token_form(expertfile_server), timeout=10).status_code == 503
