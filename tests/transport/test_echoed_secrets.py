"""A hostile service echoes the token or the secret back in places no call site redacts:
a record key, a redirect URL, a header's name, a traceback's locals. None may reach a
message, an error attribute or a log record.

Every answer is served for real on 127.0.0.1 by a plain ``pytest_httpserver``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from expertfile_nb._redact import contains_any
from tests.contract.pages import ACCESS_TOKEN, CLIENT_ID, EXPERT_ITEMS, ORG, SECRET, TOKEN
from tests.contract.pages import expert_page as page

EXPERTS = f"/v2/organization/{ORG}/expert"
#: a token long enough that a message cutting a value to 40 characters leaves a prefix
LONG_TOKEN = "contract-token-" + "7c3e9a0f5d" * 6


def leaks(text: str, *values: str) -> bool:
    """Whether any form of ``values``, or a run of their first 16 characters, is in ``text``."""
    return contains_any(text, values, CLIENT_ID) or any(v[:16] in text for v in values)


def client_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the client logged (this package and urllib3; not the test server's own log)."""
    ours = ("expertfile_nb", "urllib3")
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))


def serve(httpserver: HTTPServer, access_token: str = ACCESS_TOKEN) -> str:
    """The token endpoint (issuing ``access_token``); returns the base URL, logged in."""
    token = {**TOKEN, "data": {**TOKEN["data"], "accessToken": access_token}}
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_json(token)
    url = httpserver.url_for("").rstrip("/")
    ef.login(CLIENT_ID, SECRET, base_url=url, retries=0)
    return url


def expert(username: Any) -> dict[str, Any]:
    return {**EXPERT_ITEMS[0], "username": username}


def test_a_record_key_equal_to_the_token_reaches_no_message_or_log(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    serve(httpserver)
    twice = page([expert(ACCESS_TOKEN), expert(ACCESS_TOKEN)])
    httpserver.expect_request(EXPERTS).respond_with_json(twice)
    # read as ***: a key that names nobody stops the pull, saying so (not "came twice")
    with pytest.raises(ef.IncompleteDataError, match="holding the access token") as caught:
        ef.get_experts()
    assert "replaced with ***" in caplog.text
    assert not leaks(str(caught.value), ACCESS_TOKEN)
    assert not leaks(client_log(caplog), ACCESS_TOKEN, SECRET)


@pytest.mark.parametrize("token", [ACCESS_TOKEN, LONG_TOKEN], ids=["whole", "cut short"])
def test_a_username_that_is_a_list_holding_the_token_reaches_no_message(
    httpserver: HTTPServer, token: str
) -> None:
    serve(httpserver, token)
    httpserver.expect_request(EXPERTS).respond_with_json(page([expert([token])]))
    with pytest.raises(ef.IncompleteDataError, match="no usable 'username'") as caught:
        ef.get_experts()
    assert not leaks(str(caught.value), token)
    with pytest.raises(ef.ConfigurationError, match="username must be") as given:
        ef.get_expert([token])  # type: ignore[arg-type] # a list taken from a record, as given
    assert not leaks(str(given.value), token)


def test_a_redirect_to_a_url_holding_the_token_reaches_no_message_attribute_or_log(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3's DEBUG lines quote every URL requested
    serve(httpserver)
    echo = f"/v2/echo/{ACCESS_TOKEN}/x"
    httpserver.expect_request(EXPERTS).respond_with_data(
        "", status=302, headers={"Location": f"{echo}?t={ACCESS_TOKEN}"}
    )
    httpserver.expect_request(echo).respond_with_json(
        {"success": False, "error": "not_found", "error_description": "no such thing"}, status=404
    )
    with pytest.raises(ef.NotFoundError) as caught:
        ef.get_experts()
    error = caught.value
    assert error.response is not None and error.response.request is not None
    log = client_log(caplog)
    assert "/v2/echo/" in error.url and "/v2/echo/" in log  # the redirect was followed
    texts = [str(error), error.url, error.response.url, str(error.response.request.url)]
    for text in [*texts, log]:
        assert not leaks(text, ACCESS_TOKEN), text


def test_a_header_name_holding_the_token_is_removed_from_the_kept_answer(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver)
    httpserver.expect_request(EXPERTS).respond_with_json(
        {"success": False, "error": "not_found", "error_description": "gone"},
        status=404,
        headers={f"X-Debug-{ACCESS_TOKEN}": "1", "X-Echo": ACCESS_TOKEN},
    )
    with pytest.raises(ef.NotFoundError) as caught:
        ef.get_experts()
    response = caught.value.response
    assert response is not None and "X-Echo" in response.headers  # the headers were kept
    assert not leaks(json.dumps(dict(response.headers)), ACCESS_TOKEN)


def test_a_failed_login_leaves_the_secret_in_no_frame_of_its_traceback(
    httpserver: HTTPServer,
) -> None:
    # IPython's "%xmode Verbose" prints every frame's locals: none of ours may hold it
    from IPython.core.ultratb import VerboseTB

    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_json(
        {"success": False, "error": "invalid_client", "error_description": "no"}, status=401
    )
    url = httpserver.url_for("").rstrip("/")
    with pytest.raises(ef.AuthenticationError) as caught:
        ef.login(CLIENT_ID, SECRET, base_url=url, retries=0)
    error = caught.value
    ours = error.__traceback__.tb_next if error.__traceback__ else None  # past this test's frame
    assert ours is not None and ours.tb_frame.f_code.co_name == "login"
    frames = []
    tb = ours
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    assert len(frames) >= 5  # the login, the chain, the provider, the request, the parser
    for frame in frames:
        for name, value in frame.f_locals.items():
            assert not leaks(repr(value), SECRET), (frame.f_code.co_name, name)
    try:
        verbose = VerboseTB(theme_name="nocolor")  # IPython 9
    except TypeError:
        verbose = VerboseTB(color_scheme="NoColor")  # IPython 8
    shown = verbose.text(type(error), error, ours)
    assert "client_secret" in shown  # the verbose traceback lists locals, and none holds it
    assert not leaks(shown, SECRET)


def test_masking_a_token_like_value_keeps_the_neighbouring_key(httpserver: HTTPServer) -> None:
    # a 200 without data.accessToken: the message quotes the body, whose next key is
    # accessTokenExpiresAt (one word, not "accessToken" followed by a value)
    body = {"success": True, "data": {"accessTokenExpiresAt": "2099-06-24T16:10:43Z", "user": 7}}
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_json(body)
    url = httpserver.url_for("").rstrip("/")
    with pytest.raises(ef.TokenResponseError, match=r"without data\.accessToken") as caught:
        ef.login(CLIENT_ID, SECRET, base_url=url, retries=0)
    assert '"accessTokenExpiresAt": "2099-06-24T16:10:43Z"' in str(caught.value)


@pytest.mark.parametrize(
    "named", ["access_token={}", '"token": "{}"', "Authorization: Bearer {}", "refresh_token={}"]
)
def test_a_token_like_value_in_an_error_is_masked(httpserver: HTTPServer, named: str) -> None:
    # a token the client never saw (another client's, a refresh token): masked by its key
    other = "Zq8vX2mLr4TbN6"
    description = f"debug: {named.format(other)} was not accepted"
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_json(
        {"success": False, "error": "invalid_request", "error_description": description},
        status=400,
    )
    url = httpserver.url_for("").rstrip("/")
    with pytest.raises(ef.AuthenticationError, match="was not accepted") as caught:
        ef.login(CLIENT_ID, SECRET, base_url=url, retries=0)
    assert other not in str(caught.value) and "***" in str(caught.value)
