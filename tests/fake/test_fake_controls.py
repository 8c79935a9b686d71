"""The fake server misbehaves on purpose when asked, and resets cleanly."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
import requests
from werkzeug.wrappers import Request, Response

from fake_server import FakeExpertFile
from fake_server.faults import Chain, Delay, Raw
from tests.helpers import assert_failure, get_data, get_token, token_form


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {seconds} s")
        time.sleep(0.005)


def post_token(server: FakeExpertFile) -> requests.Response:
    return requests.post(server.token_url, data=token_form(server), timeout=10)


def test_fail_next_counts_down_and_sends_retry_after(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.fail_next(2, status=503, retry_after=3)
    first, second, third = (post_token(expertfile_server) for _ in range(3))
    assert_failure(first, 503, "server_error")
    assert first.headers["Retry-After"] == "3"
    assert second.status_code == 503
    assert third.status_code == 200


def test_fail_next_only_on_a_path(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    expertfile_server.fail_next(1, status=500, path="data")
    assert post_token(expertfile_server).status_code == 200
    path = f"/v2/organization/{expertfile_server.org_id}/expert"
    assert get_data(expertfile_server, path, token).status_code == 500
    assert get_data(expertfile_server, path, token).status_code == 200


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("invalid_json", lambda r: r.content.startswith(b"{") and not _parses(r.content)),
        ("success_false", lambda r: r.json()["success"] is False),
        ("missing_keys", lambda r: r.json() == {"data": {}, "success": True}),
        ("html", lambda r: r.headers["Content-Type"].startswith("text/html")),
        ("empty", lambda r: r.content == b""),
        ("array", lambda r: r.json() == []),
        ("wrong_content_type", lambda r: r.headers["Content-Type"].startswith("text/plain")),
    ],
)
def test_malformed_kinds(expertfile_server: FakeExpertFile, kind: str, check: object) -> None:
    expertfile_server.malformed_next(1, kind)  # type: ignore[arg-type]  # every kind, as a str
    response = post_token(expertfile_server)
    assert check(response)  # type: ignore[operator]  # the table's checks are callables
    assert post_token(expertfile_server).json()["success"] is True


def test_truncated_and_disconnect_break_the_connection(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.malformed_next(1, "truncated")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        post_token(expertfile_server)
    expertfile_server.malformed_next(1, "disconnect")
    with pytest.raises(requests.ConnectionError):
        post_token(expertfile_server)
    assert post_token(expertfile_server).status_code == 200


def test_malformed_with_raw_body(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.malformed_next(
        1, body=b"\xff\xfe", content_type="application/json", status=200
    )
    assert post_token(expertfile_server).content == b"\xff\xfe"


def test_latency_does_not_serialize_requests(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.latency = 0.3
    threads = [threading.Thread(target=post_token, args=(expertfile_server,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert expertfile_server.token_requests == 6
    assert expertfile_server.max_in_flight >= 3  # they overlapped inside the server


def test_slow_next_delays_then_answers(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.slow_next(1, 2.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            expertfile_server.token_url, data=token_form(expertfile_server), timeout=(5, 0.2)
        )
    assert post_token(expertfile_server).status_code == 200


def test_change_experts_after_changes_total(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    path = f"/v2/organization/{expertfile_server.org_id}/expert"
    expertfile_server.change_experts_after(2, 500)
    totals = [
        get_data(expertfile_server, path, token, status="all", access="all").json()["data"]["total"]
        for _ in range(3)
    ]
    assert totals == [250, 500, 500]


def test_reset_restores_everything(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    expertfile_server.fail_next(5)
    expertfile_server.latency = 1.0
    expertfile_server.paging = "page"
    expertfile_server.experts = 10
    expertfile_server.add_client("extra", "extra-secret", 1)
    expertfile_server.advance_clock(1000)
    expertfile_server.reset()
    assert expertfile_server.token_requests == 0
    assert expertfile_server.journal == []
    assert (expertfile_server.latency, expertfile_server.paging, expertfile_server.experts) == (
        0.0,
        "offset",
        250,
    )
    path = f"/v2/organization/{expertfile_server.org_id}/expert"
    assert get_data(expertfile_server, path, token).status_code == 401  # old tokens stop working
    assert post_token(expertfile_server).status_code == 200
    assert (
        requests.post(
            expertfile_server.token_url,
            data=token_form(expertfile_server, client_id="extra", client_secret="extra-secret"),
            timeout=10,
        ).status_code
        == 401
    )


def test_a_request_begun_before_a_reset_is_not_counted_after_it(
    expertfile_server: FakeExpertFile,
) -> None:
    # One test's slow request, which its client gave up on, ends after the next test's reset:
    # it must not show up in that test's journal or token count (it once made a test flaky).
    expertfile_server.slow_next(1, 1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            expertfile_server.token_url, data=token_form(expertfile_server), timeout=(5, 0.05)
        )
    _wait_for(lambda: expertfile_server.max_in_flight >= 1)  # the server has begun it
    expertfile_server.reset()
    _wait_for(lambda: expertfile_server.in_flight == 0)  # ... and ended it, after the reset
    assert expertfile_server.journal == []
    assert expertfile_server.token_requests == 0


def test_journal_is_bounded_and_redacted() -> None:
    with FakeExpertFile(journal_size=5) as server:
        token = get_token(server)
        for _ in range(10):
            get_data(server, f"/v2/organization/{server.org_id}/expert", token, access_token=token)
        journal = server.journal
    assert len(journal) == 5
    assert token not in repr(journal)
    assert all(e.authorization == "Bearer ***" for e in journal)
    assert journal[-1].query["access_token"] == "***"


def test_extra_routes_take_precedence(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.expect_request("/v2/oauth/token", method="POST").respond_with_json(
        {"success": True, "data": "custom"}
    )
    assert post_token(expertfile_server).json()["data"] == "custom"


def test_handler_errors_are_reraised(expertfile_server: FakeExpertFile) -> None:
    def broken(_request: Request) -> Response:
        raise ZeroDivisionError("bug in handler")

    expertfile_server.expect_request("/boom").respond_with_handler(broken)
    response = requests.get(expertfile_server.url + "/boom", timeout=10)
    assert response.status_code == 500
    with pytest.raises(ZeroDivisionError, match="bug in handler"):
        expertfile_server.check_handler_errors()


def test_start_stop_and_port_in_use() -> None:
    with FakeExpertFile() as server:
        port = server.port
        assert post_token(server).status_code == 200
        with pytest.raises(OSError, match="cannot listen"):
            FakeExpertFile(port=port).start()
    assert not server.is_running()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_faults_compose_from_small_responders(expertfile_server: FakeExpertFile) -> None:
    broken = Chain(Delay(0.0), Raw(b"<html>busy</html>", "text/html", 502))
    expertfile_server.add_fault(1, broken, path="token")
    expertfile_server.add_fault(1, Delay(0.0), path="token")  # delays, then answers normally
    first = requests.post(
        expertfile_server.token_url, data=token_form(expertfile_server), timeout=10
    )
    assert (first.status_code, first.text) == (502, "<html>busy</html>")
    assert get_token(expertfile_server)
    assert [e.status for e in expertfile_server.journal] == [502, 200]
