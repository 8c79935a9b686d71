"""Transport: no plain HTTP off this machine, the token never leaves its origin, one origin
however the base URL is spelt, no proxy for plain http, no redirected token request."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.reliability import case

FAMILY = "transport"
REMOTE_HTTP = [
    "http://public-api.expertfile.com",
    "http://10.0.0.1:8080",
    "http://[2001:db8::1]",
    "HTTP://Example.COM",
]


@pytest.mark.parametrize("url", REMOTE_HTTP)
def test_plain_http_to_remote_is_refused_before_any_request(url: str) -> None:
    with case(FAMILY, f"login over {url}"), pytest.raises(ef.InsecureTransportError):
        ef.login("id", "secret", base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.8.9.10:1"]
)
def test_loopback_http_is_allowed(url: str) -> None:
    with case(FAMILY, f"loopback {url}"), pytest.raises(ef.NetworkError):
        ef.login("id", "secret", base_url=url, retries=0)  # allowed: it tries (nobody listens)


def test_redirect_to_plain_http_off_machine_is_refused_before_it_is_sent(
    expertfile_env: FakeExpertFile,
) -> None:
    with case(FAMILY, "redirect to http://public-api.expertfile.com/x"):
        expertfile_env.expect_request("/v2/hop").respond_with_data(
            "", status=302, headers={"Location": "http://public-api.expertfile.com/x"}
        )
        ef.login()
        with pytest.raises(ef.InsecureTransportError):
            ef.get_session(retries=0).get("/v2/hop")


# Only origins on this machine: the test must see what arrived there (and sends nothing off it).
@pytest.mark.parametrize("location", ["{other}/landing", "http://localhost:{port}/landing"])
def test_redirects_to_another_origin_never_carry_the_token(
    expertfile_env: FakeExpertFile, location: str
) -> None:
    with case(FAMILY, f"redirect to {location}"), FakeExpertFile() as other:
        other.expect_request("/landing").respond_with_json({"ok": True})
        target = location.format(other=other.url, port=other.port)
        expertfile_env.expect_request("/v2/hop").respond_with_data(
            "", status=302, headers={"Location": target}
        )
        ef.login()
        assert ef.get_session(retries=0).get("/v2/hop").json() == {"ok": True}
        landing = [e for e in other.journal if e.path == "/landing"]
        assert len(landing) == 1  # it arrived...
        assert landing[0].authorization == ""  # ...without the token


@pytest.mark.parametrize(
    "spelling",
    ["http://LocalHost:{port}", "HTTP://127.0.0.1:{port}", "http://127.0.0.1:{port}/./"],
)
def test_the_token_is_sent_however_the_base_url_is_spelt(
    expertfile_server: FakeExpertFile, spelling: str
) -> None:
    with case(FAMILY, f"base URL spelt {spelling}"):
        url = spelling.format(port=expertfile_server.port)
        ef.login(expertfile_server.client_id, expertfile_server.client_secret, base_url=url)
        session = ef.get_session()
        response = session.get(f"/v2/organization/{session.org_id}/expert")
        assert response.status_code == 200
        assert [e.status for e in expertfile_server.journal if e.method == "GET"] == [200]


def test_plain_http_never_goes_through_a_proxy(
    expertfile_server: FakeExpertFile, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with case(FAMILY, "plain http with HTTP_PROXY set"):
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
    with case(FAMILY, "token request redirected"):
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
