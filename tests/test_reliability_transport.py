"""Transport: no plain HTTP off this machine, and the token never leaves its origin."""

from __future__ import annotations

import pytest

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
