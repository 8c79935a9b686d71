"""Bad input to the fake server: always a 4xx envelope, never a 500, and it keeps serving."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server import FakeExpertFile
from tests.helpers import get_token, token_form
from tests.reliability import PROPERTY_EXAMPLES, case

FAMILY = "fake server bad input"


def assert_envelope_4xx(response: requests.Response) -> None:
    assert 400 <= response.status_code < 500, response.text[:200]
    body = response.json()
    assert body["success"] is False and body["error"]


def assert_still_serving(server: FakeExpertFile) -> None:
    ok = requests.post(server.token_url, data=token_form(server), timeout=10)
    assert ok.status_code == 200


def raw_request(server: FakeExpertFile, data: bytes) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=10) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def experts(server: FakeExpertFile, query: str = "") -> str:
    return f"{server.url}/v2/organization/{server.org_id}/expert{query}"


def bearer(server: FakeExpertFile) -> dict[str, str]:
    return {"Authorization": f"Bearer {get_token(server)}"}


CASES: dict[str, Any] = {
    "body over 64 KiB": lambda s: requests.post(s.token_url, data={"x": "y" * 70_000}, timeout=10),
    "non-UTF-8 body": lambda s: requests.post(
        s.token_url, data=b"client_id=\xff\xfe", headers=FORM, timeout=10
    ),
    "repeated parameters": lambda s: requests.post(
        s.token_url, data="grant_type=a&grant_type=b", headers=FORM, timeout=10
    ),
    "JSON body": lambda s: requests.post(s.token_url, json={"client_id": "x"}, timeout=10),
    "DELETE on token": lambda s: requests.delete(s.token_url, timeout=10),
    "PUT on data": lambda s: requests.put(experts(s), timeout=10),
    "very long URL": lambda s: requests.get(experts(s, "?q=" + "a" * 100_000), timeout=10),
    "huge page_from": lambda s: requests.get(
        experts(s, "?page_from=99999999999999"), headers=bearer(s), timeout=10
    ),
    "negative page_size": lambda s: requests.get(
        experts(s, "?page_size=-1"), headers=bearer(s), timeout=10
    ),
    "unreadable org in path": lambda s: requests.get(
        f"{s.url}/v2/organization/%00%ff/expert", headers=bearer(s), timeout=10
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_requests(expertfile_server: FakeExpertFile, name: str) -> None:
    with case(FAMILY, name):
        assert_envelope_4xx(CASES[name](expertfile_server))
        assert_still_serving(expertfile_server)


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
    ],
    ids=["garbage request line", "request line over 64 KiB", "bad HTTP version"],
)
def test_broken_http_gets_the_envelope(expertfile_server: FakeExpertFile, raw: bytes) -> None:
    with case(FAMILY, f"raw: {raw[:20]!r}"):
        answer = raw_request(expertfile_server, raw)
        head, _, body = answer.partition(b"\r\n\r\n")
        status = int(head.split()[1])
        assert 400 <= status < 500
        assert json.loads(body)["success"] is False
        assert_still_serving(expertfile_server)


query_values = (
    st.text(max_size=30)
    | st.integers().map(str)
    | st.sampled_from(["[", "[1]", '["a",', "-0", "1e9", "%"])
)
queries = st.dictionaries(
    st.sampled_from(
        [
            "page_size",
            "page_from",
            "q",
            "access",
            "status",
            "sort",
            "countries",
            "topics",
            "fields",
            "tags",
            "x",
        ]
    ),
    query_values,
    max_size=5,
)


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(params=queries)
def test_any_query_is_200_or_400_never_500(
    make_expertfile_server: FakeExpertFile, params: dict[str, str]
) -> None:
    server = make_expertfile_server
    with case(FAMILY, f"query {params}"):
        token = server.issued_tokens[-1] if server.issued_tokens else get_token(server)
        response = requests.get(
            f"{server.url}/v2/organization/{server.org_id}/expert",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code in (200, 400), response.text[:200]
        assert response.json()["success"] is (response.status_code == 200)
    server.check_handler_errors()
