"""Small helpers for talking to the fake server without the client library."""

from __future__ import annotations

from typing import Any

import requests

from fake_server import FakeExpertFile


def token_form(server: FakeExpertFile, **overrides: str) -> dict[str, str]:
    form = {
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "grant_type": "client_credentials",
    }
    form.update(overrides)
    return form


def get_token(server: FakeExpertFile) -> str:
    response = requests.post(server.token_url, data=token_form(server), timeout=10)
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["accessToken"]
    return token


def get_data(
    server: FakeExpertFile, path: str, token: str | None, **params: Any
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(server.url + path, params=params, headers=headers, timeout=10)


def assert_failure(response: requests.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["success"] is False
    assert body["error"] == error
    assert isinstance(body["error_description"], str) and body["error_description"]
    return body
