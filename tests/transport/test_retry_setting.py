"""EXPERTFILE_RETRY_BACKOFF: the retry back-off the tests shorten, read by the default policy.

The suite runs with it set small (tests/conftest.py); these tests check that the
setting reaches real retries, that the default without it is the documented 0.5 s,
and that a bad value is a clear error before any request.
"""

from __future__ import annotations

import os

import pytest

import expertfile_nb as ef
from expertfile_nb._http.transport import default_retry
from fake_server import FakeExpertFile


def test_the_suite_runs_with_a_short_back_off() -> None:
    assert float(os.environ["EXPERTFILE_RETRY_BACKOFF"]) < 0.1


def test_default_is_half_a_second_doubling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPERTFILE_RETRY_BACKOFF")
    assert default_retry().backoff_factor == 0.5
    assert default_retry(post=True).backoff_factor == 0.5
    monkeypatch.setenv("EXPERTFILE_RETRY_BACKOFF", " ")
    assert default_retry().backoff_factor == 0.5  # blank: unset


def test_the_setting_reaches_real_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPERTFILE_RETRY_BACKOFF", "0.25")
    with FakeExpertFile() as server:  # its own server: its journal holds this test's requests
        ef.login(server.client_id, server.client_secret, base_url=server.url)
        session = ef.get_session()
        assert session.get_adapter(server.url).max_retries.backoff_factor == 0.25
        server.fail_next(2, status=503, path="data")
        assert session.get(f"/v2/organization/{server.org_id}/expert").status_code == 200
        gets = [e for e in server.journal if e.method == "GET"]
    assert [e.status for e in gets] == [503, 503, 200]
    # urllib3 waits backoff * 2 ** (n - 1) before the n-th retry after the first
    assert gets[2].time - gets[1].time >= 0.5


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf", "61"])
def test_a_bad_value_is_a_configuration_error_before_any_request(
    expertfile_env: FakeExpertFile, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("EXPERTFILE_RETRY_BACKOFF", value)
    with pytest.raises(ef.ConfigurationError, match=r"EXPERTFILE_RETRY_BACKOFF=.* from 0 to 60"):
        ef.login()
    assert expertfile_env.token_requests == 0
