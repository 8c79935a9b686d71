"""Transport: one origin however the base URL is spelt; no proxy for plain http; no redirected
token request."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from fake_server import FakeExpertFile


@pytest.mark.parametrize(
    "spelling",
    ["http://LocalHost:{port}", "HTTP://127.0.0.1:{port}", "http://127.0.0.1:{port}/./"],
)
def test_the_token_is_sent_however_the_base_url_is_spelt(
    expertfile_server: FakeExpertFile, spelling: str
) -> None:
    url = spelling.format(port=expertfile_server.port)
    ef.login(expertfile_server.client_id, expertfile_server.client_secret, base_url=url)
    session = ef.get_session()
    response = session.get(f"/v2/organization/{session.org_id}/expert")
    assert response.status_code == 200
    assert [e.status for e in expertfile_server.journal if e.method == "GET"] == [200]


def test_plain_http_never_goes_through_a_proxy(
    expertfile_server: FakeExpertFile, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a "proxy" that records whatever reaches it
    httpserver.expect_request("").respond_with_data("proxy", status=502)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("").rstrip("/"))
    monkeypatch.setenv("http_proxy", httpserver.url_for("").rstrip("/"))
    ef.login(
        expertfile_server.client_id,
        expertfile_server.client_secret,
        base_url=expertfile_server.url,
    )
    session = ef.get_session()
    assert session.get(f"/v2/organization/{session.org_id}/expert").status_code == 200
    assert httpserver.log == []  # the secret and the token never reached the proxy


def test_the_token_request_does_not_follow_redirects(httpserver: HTTPServer) -> None:
    elsewhere = HTTPServer(host="127.0.0.1")
    elsewhere.expect_request("/steal").respond_with_data("{}")
    elsewhere.start()
    try:
        httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_data(
            "", status=307, headers={"Location": elsewhere.url_for("/steal")}
        )
        with pytest.raises(ef.TokenResponseError, match="HTTP 307"):
            ef.login("c", "secret-value-1", base_url=httpserver.url_for("").rstrip("/"))
        assert elsewhere.log == []  # the secret was not posted again to the new place
    finally:
        elsewhere.stop()
