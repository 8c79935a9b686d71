"""No secret or token in any form: raw, base64, hex; URL-, JSON- or HTML-escaped; split.

Each server here echoes what it received the way a real error page might, over
real HTTP; the error the user sees (and the login form's status line, which a
saved notebook keeps, and the copy of the answer an ``APIError`` carries) must
hold none of those forms.
"""

from __future__ import annotations

import base64
import html
import json
import pickle
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb._redact import forms_of, redact
from fake_server import FakeExpertFile

# '+', '/' and '=' change under URL-encoding; 'ü' under JSON's \\u escaping
SECRET = "Kx9+aB/cd=ü-7Q"
# '<', '>' and '&' change under HTML escaping and Go's JSON escaping; its base64 has a '+'
# (URL-safe: '-') and padding
SECRET_HTML = "s3cr3t/Pa+ss&w0rd=<x>?"
# 13 characters and ':' : the secret's own base64 does not line up with the pair's
CLIENT = "echo-client-1"


def _each(fmt: str) -> Callable[[str], str]:
    """Every character that is not a letter or digit written as ``fmt % ord(c)``."""
    return lambda v: "".join(c if c.isalnum() else fmt % ord(c) for c in v)


def _b64(encode: Callable[[bytes], bytes], pad: bool = True) -> Callable[[str], str]:
    return lambda v: encode(v.encode()).decode().rstrip("" if pad else "=")


def _go(v: str) -> str:  # Go's encoding/json: <, > and & as \u003c \u003e \u0026
    escaped = json.dumps(v)[1:-1]
    return escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: every form a server has been seen to echo a value in, by name
FORMS: dict[str, Callable[[str], str]] = {
    "raw": lambda v: v,
    "quote": lambda v: quote(v, safe=""),
    "quote_plus": quote_plus,
    "quote_lower_escapes": lambda v: re.sub(
        "%[0-9A-F]{2}", lambda m: m.group().lower(), quote(v, safe="")
    ),
    "percent_every_byte": lambda v: "".join(f"%{b:02x}" for b in v.encode()),
    "json_ascii": lambda v: json.dumps(v)[1:-1],
    "json_php_slash": lambda v: json.dumps(v)[1:-1].replace("/", "\\/"),
    "json_go": _go,
    "json_every_char_upper": lambda v: "".join(f"\\u{ord(c):04X}" for c in v),
    "html_escape": html.escape,
    "html_escape_quote_false": lambda v: html.escape(v, quote=False),
    "html_named": lambda v: v.replace("/", "&sol;").replace("+", "&plus;").replace("=", "&equals;"),
    "html_decimal": _each("&#%d;"),
    "html_decimal_zeros": _each("&#%05d;"),
    "html_hex_upper": _each("&#x%X;"),
    "html_hex_lower": _each("&#x%x;"),
    "html_hex_big_x_zeros": _each("&#X%04X;"),
    "base64": _b64(base64.b64encode),
    "base64_unpadded": _b64(base64.b64encode, pad=False),
    "base64_urlsafe": _b64(base64.urlsafe_b64encode),
    "base64_urlsafe_unpadded": _b64(base64.urlsafe_b64encode, pad=False),
    "basic_pair": lambda v: base64.b64encode(f"{CLIENT}:{v}".encode()).decode(),
    "hex": lambda v: v.encode().hex(),
    "hex_upper": lambda v: v.encode().hex().upper(),
    "split_by_newline": lambda v: v[:6] + "\n" + v[6:],
    "split_by_json_newline": lambda v: json.dumps(v[:6] + "\r\n" + v[6:])[1:-1],
    "quote_split_by_newline": lambda v: quote(v[:5], safe="") + "\n  " + quote(v[5:], safe=""),
}


def every_form(value: str, pair: bool = True) -> list[str]:
    """``pair=False`` for a token, which never travels in an HTTP Basic pair."""
    return [encode(value) for name, encode in FORMS.items() if pair or name != "basic_pair"]


def assert_clean(text: str, value: str, pair: bool = True) -> None:
    for name, encode in FORMS.items():
        if name == "basic_pair" and not pair:
            continue
        assert encode(value) not in text, f"{name} {encode(value)!r} leaked: {text!r}"
    # a value wrapped over lines comes out joined when whitespace is folded
    assert value not in "".join(text.split()), f"split {value!r} leaked: {text!r}"


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
    assert_clean(response.text, token)  # the copy of the body the error keeps


def test_redact_handles_every_form_and_short_values() -> None:
    text = " ".join(forms_of(SECRET, CLIENT))
    assert_clean(redact(text, SECRET, client_id=CLIENT, limit=10_000), SECRET)
    for secret in (SECRET, SECRET_HTML):
        text = " | ".join(every_form(secret))
        assert_clean(redact(text, secret, client_id=CLIENT, limit=10_000), secret)
    assert redact("id abc", "abc") == "id abc"  # too short to be a secret: ordinary words stay


def test_ordinary_text_is_left_alone() -> None:
    # escapes and entities that spell no secret stay as they are
    text = "a &amp; b %2F c \\u0041 &#x41; d &#47; Kx9 aB cd=ü ZGVtbw== 64656d6f"
    assert redact(text, SECRET, SECRET_HTML, "tok-0123456789", client_id=CLIENT) == text
    # a four-character value goes only where it stands whole, as itself or encoded
    assert redact("xy1 and xy12 and x%79%312", "xy12") == "xy1 and *** and ***"
    assert redact("the demo went well", "demo-secret-1") == "the demo went well"


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


def answer(status: int | str, body: str, content_type: str) -> Response:
    return Response(body.encode(), status=status, content_type=content_type)


#: where in a token error the echo stands: a JSON error_description, an HTML page
SHAPES: dict[str, Callable[[str], Response]] = {
    "json": lambda echoed: answer(
        401,
        json.dumps(
            {"success": False, "error": "invalid_client", "error_description": f"bad: {echoed}"}
        ),
        "application/json",
    ),
    "html": lambda echoed: answer(
        401, f"<html><body>Bad request: {echoed}</body></html>", "text/html"
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("secret", [SECRET, SECRET_HTML], ids=["unicode", "html"])
@pytest.mark.parametrize("form", list(FORMS))
def test_no_form_of_the_secret_survives_a_token_error(
    httpserver: HTTPServer, form: str, secret: str, shape: str
) -> None:
    echoed = FORMS[form](secret)
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_response(
        SHAPES[shape](echoed)
    )
    with pytest.raises(ef.ExpertFileError) as caught:
        ef.login(CLIENT, secret, base_url=httpserver.url_for("").rstrip("/"), retries=0)
    error = caught.value
    assert "***" in str(error)  # the echo was there, and was redacted
    kept = pickle.dumps(error).decode("utf-8", "replace")
    for text in (str(error), repr(error), repr(error.args), kept):
        assert_clean(text, secret)


@pytest.mark.parametrize(
    "form", ["html_hex_upper", "html_decimal_zeros", "split_by_newline", "base64", "json_go"]
)
def test_the_login_form_keeps_no_form_of_an_echoed_secret(
    httpserver: HTTPServer, form: str
) -> None:
    echoed = FORMS[form](SECRET_HTML)
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_response(
        SHAPES["json"](echoed)
    )
    widget = ef.login_widget(base_url=httpserver.url_for("").rstrip("/"))
    widget.client_id.value, widget.client_secret.value = CLIENT, SECRET_HTML
    widget.submit()
    state = json.dumps(widget.status.get_state())
    assert "✗" in widget.status.value and "***" in widget.status.value
    assert_clean(state, SECRET_HTML)
    assert_clean(html.unescape(state), SECRET_HTML)


TOKEN = "tok_AbCd/Ef01+23456789.xyz-TOKEN"


def test_a_data_errors_copy_of_the_answer_keeps_no_form_of_the_token(
    httpserver: HTTPServer,
) -> None:
    token_body = {
        "data": {
            "accessToken": TOKEN,
            "accessTokenExpiresAt": "2099-01-01T00:00:00.000Z",
            "client": CLIENT,
            "user": 4242,
            "scope": True,
        },
        "success": True,
    }
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_json(token_body)

    def echo_token(request: Request) -> Response:
        sent = request.headers["Authorization"]
        forms = " | ".join(every_form(TOKEN, pair=False))
        response = answer(f"404 Unknown {sent}", f"no such expert; seen: {forms}", "text/plain")
        response.headers["WWW-Authenticate"] = (
            f'Bearer error="invalid_token", error_description="{sent} expired"'
        )
        response.headers["X-Debug-Authorization"] = sent
        response.headers["X-Debug-Token-Encoded"] = FORMS["html_hex_lower"](TOKEN)
        response.headers["X-Request-Id"] = "req-42"
        return response

    path = "/v2/organization/4242/expert/nobody"
    httpserver.expect_request(path).respond_with_handler(echo_token)
    ef.login(CLIENT, SECRET, base_url=httpserver.url_for("").rstrip("/"))
    with pytest.raises(ef.NotFoundError) as caught:
        ef.get_session(retries=0).get(path)
    error = caught.value
    copy = error.response
    assert copy is not None
    texts = [str(error), copy.text, repr(dict(copy.headers)), str(copy.reason)]
    texts.append(pickle.dumps(error).decode("utf-8", "replace"))
    for text in texts:
        assert_clean(text, TOKEN, pair=False)
    # still a useful copy: the status, the headers that hold nothing secret, the rest
    assert copy.status_code == 404 and copy.headers["X-Request-Id"] == "req-42"
    assert copy.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert copy.headers["X-Debug-Authorization"] == "Bearer ***"
    assert copy.headers["Content-Type"].startswith("text/plain")
    assert copy.text.startswith("no such expert; seen: ***")


def test_a_plus_read_back_as_a_space_is_still_found() -> None:
    """A form decoder turns the secret's '+' into a space (``Kx9 aB/cd=ü-7Q``): redacted too,
    in a message and in data."""
    from expertfile_nb import _redact

    shown = SECRET.replace("+", " ")
    assert SECRET not in redact(f"echo {shown} end", SECRET)
    assert "aB/cd" not in redact(f"echo {shown} end", SECRET)
    held = dict(_redact._HELD)
    _redact.hold(SECRET)
    try:
        cleaned = _redact.clean({"note": f"key={shown}"})
    finally:  # held values are the process's: later tests must not inherit this one
        _redact._HELD.clear()
        _redact._HELD.update(held)
    assert "aB/cd" not in json.dumps(cleaned, ensure_ascii=False)
