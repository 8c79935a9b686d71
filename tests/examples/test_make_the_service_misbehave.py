"""How to: test that your code survives a flaky service, with the fake's fault controls."""

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile


def test_two_503s_then_success(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.fail_next(2, status=503, path="data")
    experts = ef.get_experts(limit=20)
    assert len(experts) == 20  # the client retried; nothing was lost
    statuses = [entry.status for entry in expertfile_env.journal if entry.method == "GET"]
    assert statuses.count(503) == 2


def test_an_expired_token_is_replaced(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    expertfile_env.advance_clock(31 * 24 * 3600)  # the service now says the token expired
    assert len(ef.get_experts(limit=5)) == 5
    assert expertfile_env.token_requests == 2  # one 401, one new token, the call replayed


def test_wrong_credentials_are_a_clear_error(expertfile_server: FakeExpertFile) -> None:
    with pytest.raises(ef.AuthenticationError, match="invalid_client"):
        ef.login("demo-client", "not-the-secret", base_url=expertfile_server.url)
