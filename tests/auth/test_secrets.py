"""The secret and the token never show: not in reprs, logs, warnings or error messages.

(conftest.py also checks every test's captured output and logs for them.)
"""

from __future__ import annotations

import json
import logging

import pytest

import expertfile_nb as ef
from expertfile_nb._auth.credentials import Credentials
from fake_server import FakeExpertFile


def test_reprs_hide_secret_and_token(expertfile_env: FakeExpertFile) -> None:
    token = ef.login()
    session = ef.get_session()
    credentials = Credentials(expertfile_env.client_id, expertfile_env.client_secret)
    texts = [
        repr(token),
        str(token),
        repr(credentials),
        repr(session),
        repr(session.auth),
        str(ef.status()),
    ]
    for text in texts:
        assert token.access_token not in text
        assert expertfile_env.client_secret not in text
    assert "***" in repr(token) and "***" in repr(credentials)


def test_debug_log_of_a_whole_session_holds_no_secret(
    expertfile_env: FakeExpertFile, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ef.login()
    session = ef.get_session()
    expertfile_env.revoke(expertfile_env.issued_tokens[-1])
    session.get(f"/v2/organization/{expertfile_env.org_id}/expert")
    with pytest.raises(ef.AuthenticationError):
        ef.login(expertfile_env.client_id, "Wr0ng-S3cret-Value", base_url=expertfile_env.url)
    assert "requesting a token" in caplog.text  # the logger was really capturing
    for secret in [
        expertfile_env.client_secret,
        "Wr0ng-S3cret-Value",
        *expertfile_env.issued_tokens,
    ]:
        assert secret not in caplog.text


def test_wrong_secret_error_names_invalid_client_without_secret(
    expertfile_server: FakeExpertFile,
) -> None:
    with pytest.raises(ef.AuthenticationError) as caught:
        ef.login(expertfile_server.client_id, "Wr0ng-S3cret-Value", base_url=expertfile_server.url)
    assert caught.value.error == "invalid_client" and caught.value.status == 401
    text = str(caught.value)
    assert "invalid_client" in text and "Settings" in text
    assert "Wr0ng-S3cret-Value" not in text


def test_server_echoing_the_token_is_redacted(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    token = expertfile_env.issued_tokens[-1]
    body = f'{{"success": false, "error": "bad", "error_description": "token {token} is odd"}}'
    expertfile_env.malformed_next(1, body=body.encode(), status=400, path="data")
    with pytest.raises(ef.APIError) as caught:
        ef.get_session().get(f"/v2/organization/{expertfile_env.org_id}/expert")
    assert token not in str(caught.value)
    chained = caught.value.__cause__ or caught.value.__context__
    assert chained is None or token not in str(chained)


def test_server_echoing_the_secret_in_token_error_is_redacted(
    expertfile_server: FakeExpertFile,
) -> None:
    secret = "Echo-Me-Secret-123"
    body = json.dumps(
        {"success": False, "error": "invalid_client", "error_description": f"bad secret {secret}"}
    )
    expertfile_server.malformed_next(1, body=body.encode(), status=401, path="token")
    with pytest.raises(ef.AuthenticationError) as caught:
        ef.login("demo-client", secret, base_url=expertfile_server.url)
    assert secret not in str(caught.value)


def test_the_suite_wide_leak_check_can_fail(pytester: pytest.Pytester) -> None:
    from pathlib import Path

    pytester.makeconftest((Path(__file__).resolve().parents[1] / "conftest.py").read_text())
    pytester.makepyfile(
        test_leaky="""
import logging

def test_prints_secret(expertfile_server):
    print("oops", expertfile_server.client_secret)

def test_logs_token(expertfile_server):
    import requests
    form = {"client_id": expertfile_server.client_id,
            "client_secret": expertfile_server.client_secret, "grant_type": "client_credentials"}
    r = requests.post(expertfile_server.token_url, data=form, timeout=10)
    logging.getLogger("expertfile_nb").warning("token is %s", r.json()["data"]["accessToken"])

def test_clean(expertfile_server):
    print("nothing to see")
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*LEAK: a secret*", "*LEAK: a token*"])
