"""No secret or token in any form: raw, URL-encoded, JSON-escaped, HTTP Basic base64.

Each server here echoes what it received the way a real error page might, over
real HTTP; the error the user sees (and the login form's status line, which a
saved notebook keeps) must hold none of those forms.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, quote_plus

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb._redact import forms_of, redact
from fake_server import FakeExpertFile

# '+', '/' and '=' change under URL-encoding; 'ü' under JSON's \\u escaping
SECRET = "Kx9+aB/cd=ü-7Q"
CLIENT = "echo-client"


def every_form(value: str) -> list[str]:
    pair = f"{CLIENT}:{value}"
    return [
        value,
        quote(value, safe=""),
        quote_plus(value),
        json.dumps(value)[1:-1],
        base64.b64encode(pair.encode()).decode(),
    ]


def assert_clean(text: str, value: str) -> None:
    for form in every_form(value):
        assert form not in text, f"{form!r} leaked"


def echo_body(request: Request) -> Response:
    return Response(b"You sent: " + request.get_data(), status=400, content_type="text/plain")


def echo_json(request: Request) -> Response:
    # json.dumps escapes non-ASCII as \\uXXXX: the secret comes back in its JSON-escaped form
    sent = dict(request.form)
    text = json.dumps({"success": False, "error": "invalid_request", "error_description": sent})
    return Response(text.encode(), status=400, content_type="application/json")


def echo_basic(request: Request) -> Response:
    pair = base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
    return Response(f"Authorization: Basic {pair} was refused", status=401)


def echo_bare(request: Request) -> Response:
    # each form on its own, with no "secret=" or "Basic" beside it to give it away
    forms = " | ".join(every_form(SECRET)[1:])
    return Response(f"unknown credential, seen as: {forms}", status=400)


@pytest.mark.parametrize(
    "handler", [echo_body, echo_json, echo_basic, echo_bare], ids=["url", "json", "b64", "bare"]
)
def test_token_errors_hold_no_form_of_the_secret(httpserver: HTTPServer, handler: object) -> None:
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_handler(handler)  # type: ignore[arg-type]  # parametrized as object
    with pytest.raises(ef.ExpertFileError) as caught:
        ef.login(CLIENT, SECRET, base_url=httpserver.url_for("").rstrip("/"), retries=0)
    assert_clean(str(caught.value), SECRET)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_the_login_form_keeps_no_form_of_the_secret(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_handler(echo_body)
    form = ef.login_widget(base_url=httpserver.url_for("").rstrip("/"))
    form.client_id.value, form.client_secret.value = CLIENT, SECRET
    form.submit()
    assert "✗" in form.status.value
    assert_clean(form.status.value, SECRET)
    assert not form.login_button.disabled


def test_redaction_comes_before_the_cut(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    token = expertfile_env.issued_tokens[-1]
    # the token straddles the 200th character: cut first, a prefix would survive
    body = ("x" * 190 + token + " trailing").encode()
    expertfile_env.malformed_next(1, body=body, status=500, path="data", content_type="text/plain")
    with pytest.raises(ef.APIError) as caught:
        ef.get_session(retries=0).get(f"/v2/organization/{expertfile_env.org_id}/expert")
    assert token[:8] not in str(caught.value)


def test_data_error_echoing_the_token_url_encoded(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    token = expertfile_env.issued_tokens[-1]
    body = json.dumps({"success": False, "error": "bad", "message": f"got {quote(token, safe='')}"})
    expertfile_env.malformed_next(1, body=body.encode(), status=400, path="data")
    with pytest.raises(ef.APIError) as caught:
        ef.get_session().get(f"/v2/organization/{expertfile_env.org_id}/expert")
    assert_clean(str(caught.value), token)
    # the error is also a requests.HTTPError, carrying a copy of the answer without the token
    response = caught.value.response
    assert response is not None and response.status_code == 400
    assert token not in str(response.request.headers)


def test_redact_handles_every_form_and_short_values() -> None:
    text = " ".join(forms_of(SECRET, CLIENT))
    assert_clean(redact(text, SECRET, client_id=CLIENT, limit=10_000), SECRET)
    assert redact("id abc", "abc") == "id abc"  # too short to be a secret: ordinary words stay


def test_network_errors_keep_no_request_that_carried_the_secret() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ef.NetworkError) as caught:
        ef.login(CLIENT, SECRET, base_url=f"http://127.0.0.1:{port}", retries=0)
    # neither cause nor context: the requests exception's request holds the form body
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_an_error_pickles_and_leads_back_to_no_secret(expertfile_env: FakeExpertFile) -> None:
    import pickle

    ef.login()
    token = expertfile_env.issued_tokens[-1]
    body = json.dumps({"success": False, "error": "bad", "message": f"token was {token}"})
    expertfile_env.malformed_next(1, body=body.encode(), status=404, path="data")
    with pytest.raises(ef.NotFoundError) as caught:
        ef.get_session().get(f"/v2/organization/{expertfile_env.org_id}/expert")
    # no path from the error to the session (hooks), the secret or the token...
    kept = pickle.dumps(caught.value)
    for value in (token, expertfile_env.client_secret):
        for form in every_form(value):
            assert form.encode() not in kept
    # ...and it crosses a process boundary intact
    again = pickle.loads(kept)  # noqa: S301 -- our own bytes
    assert isinstance(again, ef.NotFoundError) and again.status == 404


@pytest.mark.parametrize("cut", [4096, 64 * 1024])
def test_a_token_straddling_a_cut_leaves_no_prefix(
    expertfile_env: FakeExpertFile, cut: int
) -> None:
    ef.login()
    token = expertfile_env.issued_tokens[-1]
    # spaces fold to one: a prefix left at the cut would come first in the message
    body = (" " * (cut - 10) + token + " after").encode()
    expertfile_env.malformed_next(1, body=body, status=500, path="data", content_type="text/plain")
    with pytest.raises(ef.APIError) as caught:
        ef.get_session(retries=0).get(f"/v2/organization/{expertfile_env.org_id}/expert")
    assert token[:8] not in str(caught.value)


def echo_other_encoders(request: Request) -> Response:
    # what other encoders make of the secret: PHP's json_encode, lower-case escapes, HTML
    php = json.dumps(SECRET).strip('"').replace("/", "\\/")
    lower = re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(SECRET, safe=""))
    entities = "".join(c if c.isalnum() else f"&#{ord(c)};" for c in SECRET)
    return Response(f"rejected: {php} {lower} {entities}", status=400)


def test_other_encoders_forms_are_removed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_handler(
        echo_other_encoders
    )
    with pytest.raises(ef.ExpertFileError) as caught:
        ef.login(CLIENT, SECRET, base_url=httpserver.url_for("").rstrip("/"), retries=0)
    text = str(caught.value)
    assert "Kx9" not in text and "kx9" not in text, text
