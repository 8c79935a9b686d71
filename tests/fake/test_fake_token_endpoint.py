"""The fake server's token endpoint answers like the vendor's page says (and API_NOTES assumes)."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
import requests

from fake_server import FakeExpertFile
from tests.helpers import assert_failure, token_form

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.mark.parametrize("path", ["/v2/oauth/token", "/oauth/token"])
def test_success_has_exactly_the_seed_envelope(
    expertfile_server: FakeExpertFile, path: str
) -> None:
    response = requests.post(
        expertfile_server.url + path, data=token_form(expertfile_server), timeout=10
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"data", "success"}
    assert body["success"] is True
    data = body["data"]
    assert set(data) == {"accessToken", "accessTokenExpiresAt", "client", "user", "scope"}
    assert data["client"] == expertfile_server.client_id
    assert data["user"] == expertfile_server.org_id and isinstance(data["user"], int)
    assert data["scope"] is True
    assert ISO_MS_Z.match(data["accessTokenExpiresAt"])
    expires = datetime.fromisoformat(data["accessTokenExpiresAt"].replace("Z", "+00:00"))
    expected = datetime.now(timezone.utc) + timedelta(days=30)
    assert abs((expires - expected).total_seconds()) < 60
    assert expertfile_server.token_requests == 1


def test_tokens_are_new_each_time_and_long(expertfile_server: FakeExpertFile) -> None:
    tokens = {
        requests.post(
            expertfile_server.token_url, data=token_form(expertfile_server), timeout=10
        ).json()["data"]["accessToken"]
        for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(t) >= 40 for t in tokens)


def test_content_type_with_charset_is_accepted(expertfile_server: FakeExpertFile) -> None:
    body = "&".join(f"{k}={quote(v)}" for k, v in token_form(expertfile_server).items())
    response = requests.post(
        expertfile_server.token_url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
        timeout=10,
    )
    assert response.status_code == 200


def test_secret_with_form_special_characters(expertfile_server: FakeExpertFile) -> None:
    secret = "a+b/c=d&e%f g-é"
    expertfile_server.add_client("special", secret, 7)
    response = requests.post(
        expertfile_server.token_url,
        data=token_form(expertfile_server, client_id="special", client_secret=secret),
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["data"]["user"] == 7


def test_http_basic_client_authentication(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.add_client("basic:client", "s3cr+t", 9)
    userpass = f"{quote('basic:client', safe='')}:{quote('s3cr+t', safe='')}"
    header = "Basic " + base64.b64encode(userpass.encode()).decode()
    response = requests.post(
        expertfile_server.token_url,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": header},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["client"] == "basic:client"


def test_wrong_basic_secret_is_401_with_challenge(expertfile_server: FakeExpertFile) -> None:
    response = requests.post(
        expertfile_server.token_url,
        data={"grant_type": "client_credentials"},
        auth=(expertfile_server.client_id, "not-the-secret"),
        timeout=10,
    )
    assert_failure(response, 401, "invalid_client")
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_several_clients_each_with_its_org(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.add_client("second", "second-secret", 5151)
    first = requests.post(
        expertfile_server.token_url, data=token_form(expertfile_server), timeout=10
    )
    second = requests.post(
        expertfile_server.token_url,
        data=token_form(expertfile_server, client_id="second", client_secret="second-secret"),
        timeout=10,
    )
    assert first.json()["data"]["user"] == expertfile_server.org_id
    assert second.json()["data"]["user"] == 5151


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            {"client_secret": "demo-secret", "grant_type": "client_credentials"},
            401,
            "invalid_client",
        ),
        ({"client_id": "demo-client", "grant_type": "client_credentials"}, 401, "invalid_client"),
        ({"client_id": "demo-client", "client_secret": "demo-secret"}, 400, "invalid_request"),
        (
            {"client_id": "demo-client", "client_secret": "demo-secret", "grant_type": "password"},
            400,
            "unsupported_grant_type",
        ),
        (
            {
                "client_id": "nobody",
                "client_secret": "demo-secret",
                "grant_type": "client_credentials",
            },
            401,
            "invalid_client",
        ),
        (
            {
                "client_id": "demo-client",
                "client_secret": "demo-secreT",
                "grant_type": "client_credentials",
            },
            401,
            "invalid_client",
        ),
    ],
)
def test_form_failures(
    expertfile_server: FakeExpertFile, form: dict[str, str], status: int, error: str
) -> None:
    response = requests.post(expertfile_server.token_url, data=form, timeout=10)
    body = assert_failure(response, status, error)
    assert "demo-secre" not in response.text
    assert body["error_description"]


def test_repeated_parameter_is_invalid_request(expertfile_server: FakeExpertFile) -> None:
    body = (
        "client_id=demo-client&client_id=demo-client&client_secret=demo-secret"
        "&grant_type=client_credentials"
    )
    response = requests.post(
        expertfile_server.token_url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert_failure(response, 400, "invalid_request")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"client_id": "demo-client"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"client_id=%ZZ&&==", "application/x-www-form-urlencoded"),
        (b"", "text/plain"),
    ],
)
def test_unreadable_bodies_are_invalid_request(
    expertfile_server: FakeExpertFile, body: bytes, content_type: str
) -> None:
    response = requests.post(
        expertfile_server.token_url, data=body, headers={"Content-Type": content_type}, timeout=10
    )
    assert_failure(response, 400, "invalid_request")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(expertfile_server: FakeExpertFile, method: str) -> None:
    response = requests.request(method, expertfile_server.token_url, timeout=10)
    assert_failure(response, 405, "invalid_request")
    assert response.headers["Allow"] == "POST"


def test_body_over_64_kib_is_413(expertfile_server: FakeExpertFile) -> None:
    form = token_form(expertfile_server, padding="x" * (64 * 1024 + 1))
    response = requests.post(expertfile_server.token_url, data=form, timeout=10)
    assert_failure(response, 413, "invalid_request")
    # and the server answers the next request normally
    ok = requests.post(expertfile_server.token_url, data=token_form(expertfile_server), timeout=10)
    assert ok.status_code == 200


def test_secret_is_never_echoed_or_journaled(expertfile_server: FakeExpertFile) -> None:
    requests.post(
        expertfile_server.token_url,
        data=token_form(expertfile_server, client_secret="a-very-wrong-secret"),
        timeout=10,
    )
    requests.post(expertfile_server.token_url, data=token_form(expertfile_server), timeout=10)
    journal = repr(expertfile_server.journal)
    assert "a-very-wrong-secret" not in journal
    assert expertfile_server.client_secret not in journal
    assert [e.status for e in expertfile_server.journal] == [401, 200]
    assert expertfile_server.journal[0].form["client_secret"] == "***"
