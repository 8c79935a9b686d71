"""The session: base URL, timeouts, retries with Retry-After, typed errors, safe transport."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest
import requests
from pytest_httpserver import HTTPServer
from urllib3.util.retry import Retry

import expertfile_nb as ef
from expertfile_nb._auth.provider import BearerAuth, TokenProvider
from expertfile_nb._auth.session import ExpertFileSession
from expertfile_nb._auth.token import Token
from fake_server import FakeExpertFile
from tests.helpers import experts_path


def test_relative_paths_and_defaults(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session()
    assert isinstance(session, requests.Session)
    assert session.org_id == expertfile_env.org_id
    response = session.get(experts_path(expertfile_env), params={"page_size": 2})
    assert response.url.startswith(expertfile_env.url + experts_path(expertfile_env))
    assert len(response.json()["data"]["experts"]) == 2
    assert session.timeout == (5.0, 30.0)
    assert session.headers["User-Agent"].startswith("expertfile-nb/")


def test_token_endpoint_503_503_then_success(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.fail_next(2, status=503, path="token")
    token = ef.login()
    assert token.org_id == expertfile_env.org_id
    assert expertfile_env.token_requests == 3


def test_retry_after_is_honoured(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session()
    expertfile_env.fail_next(1, status=429, retry_after=1, path="data")
    assert session.get(experts_path(expertfile_env)).status_code == 200
    failed, retried = [e for e in expertfile_env.journal if e.method == "GET"]
    assert failed.status == 429 and retried.status == 200
    assert retried.time - failed.time >= 0.95  # it waited as the server asked


def test_persistent_500_on_data_is_a_typed_error_after_bounded_retries(
    expertfile_env: FakeExpertFile,
) -> None:
    ef.login()
    session = ef.get_session()
    expertfile_env.fail_next(100, status=500, path="data")
    with pytest.raises(ef.APIError) as caught:
        session.get(experts_path(expertfile_env))
    assert caught.value.status == 500
    assert "try again later" in str(caught.value)
    assert sum(e.method == "GET" for e in expertfile_env.journal) == 5  # 1 + 4 retries, then stop


def test_persistent_500_at_token_endpoint_is_token_response_error(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.fail_next(100, status=500, path="token")
    with pytest.raises(ef.TokenResponseError) as caught:
        ef.login(
            retries=Retry(
                total=2,
                status_forcelist=[500],
                allowed_methods=None,
                backoff_factor=0,
                raise_on_status=False,
            )
        )
    assert caught.value.status == 500
    assert expertfile_env.token_requests == 3


def test_rate_limit_error_carries_retry_after(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session(retries=0)
    expertfile_env.fail_next(1, status=429, retry_after=7, path="data", error="rate_limited")
    with pytest.raises(ef.RateLimitError) as caught:
        session.get(experts_path(expertfile_env))
    assert caught.value.retry_after == 7
    assert caught.value.error == "rate_limited"


def test_404_is_not_found_error(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    with pytest.raises(ef.NotFoundError) as caught:
        ef.get_session().get(experts_path(expertfile_env) + "/nobody-here")
    assert caught.value.status == 404 and "nobody-here" in caught.value.url


def test_connection_refused_is_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ef.NetworkError, match="token endpoint"):
        ef.login("id", "secret", base_url=f"http://127.0.0.1:{port}", retries=0)


def test_read_timeout_is_network_error(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session(timeout=(5, 0.2), retries=0)
    expertfile_env.slow_next(1, 1.0, path="data")
    with pytest.raises(ef.NetworkError, match="timed out"):
        session.get(experts_path(expertfile_env))


def test_transient_read_timeout_is_retried(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session(timeout=(5, 0.2))
    expertfile_env.slow_next(1, 1.0, path="data")
    assert session.get(experts_path(expertfile_env)).status_code == 200


def test_token_is_not_attached_to_other_origins(expertfile_env: FakeExpertFile) -> None:
    with FakeExpertFile() as other:
        other.expect_request("/anything").respond_with_json({})
        ef.login()
        ef.get_session().get(other.url + "/anything")
        assert [e.authorization for e in other.journal] == [""]


def test_token_is_not_attached_to_a_port_that_only_begins_like_the_base_urls(
    httpserver: HTTPServer,
) -> None:
    # a base URL on :4567 must not send its token to :45678 (same host, a longer port)
    httpserver.expect_request("/anything").respond_with_json({})
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    token = Token("port-prefix-token-1234", expires, 1, "c")
    for base, sent in [
        (f"http://{httpserver.host}:{httpserver.port // 10}", ""),
        (httpserver.url_for("").rstrip("/"), "Bearer port-prefix-token-1234"),  # the control
    ]:
        provider = TokenProvider(base, None, lambda _c: token, token=token)
        session = ExpertFileSession(base, auth=BearerAuth(provider), retries=0)
        session.get(httpserver.url_for("/anything"))
        assert httpserver.log[-1][0].headers.get("Authorization", "") == sent


def test_retry_after_that_is_not_whole_seconds_falls_back_to_backoff(
    expertfile_env: FakeExpertFile,
) -> None:
    ef.login()
    session = ef.get_session()
    expertfile_env.expect_oneshot_request(experts_path(expertfile_env)).respond_with_data(
        "{}", status=503, headers={"Retry-After": "0.5"}
    )
    assert session.get(experts_path(expertfile_env)).status_code == 200


def test_default_timeout_applies_with_positional_arguments(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session(timeout=(5, 0.2), retries=0)
    expertfile_env.slow_next(1, 1.0, path="data")
    with pytest.raises(ef.NetworkError, match="timed out"):
        # params positionally: Session.request's signature in every requests release
        # (Session.get takes positional params only since requests 2.33)
        session.request("GET", experts_path(expertfile_env), {"page_size": 1})


def test_a_timeout_given_by_position_is_the_one_used(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session(timeout=(5, 30), retries=0)
    expertfile_env.slow_next(1, 1.0, path="data")
    with pytest.raises(ef.NetworkError, match="timed out"):
        # Session.request(method, url, params, data, headers, cookies, files, auth, timeout)
        session.request(
            "GET", experts_path(expertfile_env), None, None, None, None, None, None, 0.2
        )


@pytest.mark.parametrize(
    ("url", "headers"),
    [("v2/no-leading-slash", {}), ("/v2/x", {"X-Note": "line\nbreak"}), ("http://", {})],
)
def test_a_caller_mistake_is_a_configuration_error(
    expertfile_env: FakeExpertFile, url: str, headers: dict[str, str]
) -> None:
    ef.login()
    with pytest.raises(ef.ConfigurationError, match="cannot be sent"):
        ef.get_session().get(url, headers=headers)
