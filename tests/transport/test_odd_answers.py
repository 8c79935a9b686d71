"""Odd answers and odd settings become typed errors that say what to do — never a crash.

Every token answer here is served for real by a plain ``pytest_httpserver``; none of
the messages may contain the token that was offered.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from fake_server import FakeExpertFile

TOKEN_TEXT = "odd-token-1234567890"


def token_answer(**data: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "accessToken": TOKEN_TEXT,
        "accessTokenExpiresAt": "2099-01-01T00:00:00.000Z",
        "client": "c",
        "user": 42,
        "scope": True,
    }
    body.update(data)
    return {"data": body, "success": True}


def serve_token(httpserver: HTTPServer, body: Any) -> str:
    text = body if isinstance(body, (bytes, str)) else json.dumps(body)
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_data(
        text, content_type="application/json"
    )
    return httpserver.url_for("").rstrip("/")


@pytest.mark.parametrize(
    "access_token",
    ["odd\ntoken-1234567890", "odd-tökén-1234567890", "odd\x00token-1234567890", "odd token 12345"],
    ids=["newline", "non-ascii", "nul", "space"],
)
def test_a_token_that_cannot_go_in_a_header_is_refused(
    httpserver: HTTPServer, access_token: str
) -> None:
    url = serve_token(httpserver, token_answer(accessToken=access_token))
    with pytest.raises(ef.TokenResponseError, match="cannot be sent in a header") as caught:
        ef.login("c", "s", base_url=url, retries=0)
    assert "token-1234567890" not in str(caught.value) and "12345" not in str(caught.value)


@pytest.mark.parametrize("user", ["²", "9" * 5000, -1, 1.5, True, "", None])
def test_an_odd_organization_id_is_refused(httpserver: HTTPServer, user: object) -> None:
    url = serve_token(httpserver, token_answer(user=user))
    with pytest.raises(ef.TokenResponseError, match="organization id"):
        ef.login("c", "s", base_url=url, retries=0)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"accessTokenExpiresAt": "2099-01-01T00:00:00"}, "accessTokenExpiresAt"),  # no zone
        ({"accessTokenExpiresAt": 4102444800}, "accessTokenExpiresAt"),
    ],
)
def test_an_expiry_without_a_time_zone_is_refused(
    httpserver: HTTPServer, data: dict[str, Any], words: str
) -> None:
    url = serve_token(httpserver, token_answer(**data))
    with pytest.raises(ef.TokenResponseError, match=words):
        ef.login("c", "s", base_url=url, retries=0)


def test_success_must_be_exactly_true(httpserver: HTTPServer) -> None:
    body = token_answer()
    body["success"] = "true"
    url = serve_token(httpserver, body)
    with pytest.raises(ef.TokenResponseError, match='"success": true'):
        ef.login("c", "s", base_url=url, retries=0)


def test_a_deeply_nested_answer_is_unreadable_not_a_crash(httpserver: HTTPServer) -> None:
    url = serve_token(httpserver, "[" * 30_000 + "]" * 30_000)  # under the token answer's cap
    with pytest.raises(ef.TokenResponseError):
        ef.login("c", "s", base_url=url, retries=0)


def test_a_deeply_nested_error_body_on_data(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    body = ('{"error": ' * 100_000 + "1" + "}" * 100_000).encode()
    expertfile_env.malformed_next(1, body=body, status=400, path="data")
    with pytest.raises(ef.APIError, match="HTTP 400"):
        ef.get_session().get(f"/v2/organization/{expertfile_env.org_id}/expert")


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "http://127.0.0.1:x"])
def test_a_malformed_base_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ef.ConfigurationError, match="not a valid URL"):
        ef.login("c", "s", base_url=url)


def test_the_form_is_not_left_disabled_by_a_malformed_base_url() -> None:
    form = ef.login_widget(base_url="http://[::1")
    form.client_id.value, form.client_secret.value = "c", "s"
    form.submit()
    assert "not a valid URL" in form.status.value
    assert not form.login_button.disabled and not form.client_id.disabled


@pytest.mark.parametrize("org", ["²", "4" * 40, "-4", ""])
def test_an_odd_prepared_org_id_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, org: str
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", TOKEN_TEXT)
    monkeypatch.setenv("EXPERTFILE_ORG_ID", org)
    with pytest.raises(ef.ConfigurationError, match="EXPERTFILE_ORG_ID"):
        ef.login()
    assert not ef.status().logged_in  # and status() itself does not raise


def test_a_prepared_token_with_a_line_break_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", "abc\ndef-ghijklmnop")
    monkeypatch.setenv("EXPERTFILE_ORG_ID", "42")
    with pytest.raises(ef.ConfigurationError, match="cannot be a token") as caught:
        ef.login()
    assert "ghijklmnop" not in str(caught.value)


@pytest.mark.parametrize("expiry", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
def test_an_expiry_out_of_range_is_refused(httpserver: HTTPServer, expiry: str) -> None:
    url = serve_token(httpserver, token_answer(accessTokenExpiresAt=expiry))
    with pytest.raises(ef.TokenResponseError, match="accessTokenExpiresAt"):
        ef.login("c", "s", base_url=url, retries=0)
