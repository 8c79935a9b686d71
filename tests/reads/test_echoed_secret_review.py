"""An independent review of the cleaning of echoed secrets and tokens (the plain service).

Tests that kill the mutations of ``mutations/echo24.py`` the first tests let live, and
the forms the review found getting through: a mix of percent and HTML escapes in one
value, a secret holding a quote or a backslash, an answer in UTF-16 or UTF-32, a value
split by whitespace other than a line break, a value right after a literal backslash.
Each test serves a page whose JSON text it writes itself (the escapes a server may
choose) and reads it through the public functions.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb import _redact
from expertfile_nb._redact import REDACTED, contains_any
from tests.contract import pages
from tests.reads.service import SECRETS, Listing, PlainService

EXPERTS = "/v2/organization/{org}/expert"
STAFF = "/v2/organization/{org}/employee"
SPOTLIGHTS = "/v2/spotlight/{org}/search"
PROFILE = "/v2/organization/{org}/expert/peter.evans"
EDUCATION = "/v2/organization/{org}/expert/peter.evans/education"
TOKEN, SECRET = pages.ACCESS_TOKEN, pages.SECRET


def percent(value: str) -> str:
    return "".join(f"%{byte:02X}" for byte in value.encode())


def entities(value: str) -> str:
    return "".join(f"&#{ord(c)};" for c in value)


def raw_page(text: str, charset: str = "utf-8") -> Callable[[Request], Response]:
    """A page whose JSON text is written by hand, sent in ``charset``."""

    def answer(_request: Request) -> Response:
        return Response(text.encode(charset), content_type="application/json")

    return answer


def page_holding(written: str) -> str:
    """An expert page whose one row's tagline is ``written`` as it stands in the JSON text
    (escapes included: nothing is escaped again)."""
    row = json.dumps({**pages.EXPERT_ITEMS[0], "tagline": "@@"}).replace("@@", written)
    return f'{{"data": {{"experts": [{row}], "total": 1}}, "success": true}}'


def read_tagline(plain: PlainService, text: str, charset: str = "utf-8") -> str:
    plain.route(EXPERTS, raw_page(text, charset))
    frame = ef.get_experts(progress=False)
    assert len(frame) == 1
    return str(frame.tagline.iloc[0])


@pytest.fixture(autouse=True)
def held_afresh() -> Iterator[None]:
    """Each test holds only what its own logins hold: a secret another test held (a
    non-ASCII one sends every answer to the exact search) must not decide the outcome."""
    with _redact._HELD_LOCK:
        _redact._HELD.clear()
    yield
    with _redact._HELD_LOCK:
        _redact._HELD.clear()


@pytest.fixture
def secret_login(plain: PlainService) -> Iterator[Callable[[str], None]]:
    """Log in to the plain service with another client secret (the token is the same)."""
    used: list[str] = []

    def login(secret: str) -> None:
        used.append(secret)
        ef.login(pages.CLIENT_ID, secret, base_url=plain.url)

    yield login
    ef.login(pages.CLIENT_ID, SECRET, base_url=plain.url)


# -- forms the first tests did not hold (they killed no mutation) --------------------------
def test_a_secret_with_spaces_echoed_form_encoded_is_cleaned(
    plain: PlainService, secret_login: Callable[[str], None]
) -> None:
    secret = "a client secret with spaces 42"
    secret_login(secret)
    tagline = read_tagline(plain, page_holding(f"key={quote_plus(secret)}"))
    assert tagline == f"key={REDACTED}"


def test_a_secret_written_with_escaped_slashes_is_found(
    plain: PlainService, secret_login: Callable[[str], None]
) -> None:
    """PHP writes every ``/`` as ``\\/``: a secret whose first characters hold slashes."""
    secret = "abc/def/ghi/jkl/mno-0123"
    secret_login(secret)
    tagline = read_tagline(plain, page_holding("see " + secret.replace("/", "\\/")))
    assert tagline == f"see {REDACTED}"


@pytest.mark.parametrize(
    "written",
    [
        percent(TOKEN[:9]) + "%0A" + percent(TOKEN[9:]),
        entities(TOKEN[:9]) + "&#10;" + entities(TOKEN[9:]),
    ],
    ids=["percent", "html"],
)
def test_an_escaped_token_split_by_an_escaped_line_break_is_found(
    plain: PlainService, written: str
) -> None:
    tagline = read_tagline(plain, page_holding(written))
    assert tagline == REDACTED


def test_a_token_whose_letters_p_to_z_are_json_escaped_is_found(plain: PlainService) -> None:
    """Only ``t`` and ``r`` escaped (``\\u0074``): an escape of an ASCII character beyond
    ``o`` must send the answer to the exact search too."""
    written = "".join(f"\\u{ord(c):04x}" if c in "tr" else c for c in TOKEN)
    tagline = read_tagline(plain, page_holding(written))
    assert REDACTED in tagline and not contains_any(tagline, SECRETS)


def test_a_non_ascii_secret_in_an_ascii_escaped_answer_is_found(
    plain: PlainService, secret_login: Callable[[str], None]
) -> None:
    """A server that escapes every non-ASCII character (``\\u00e9``) writes the secret
    in a form its UTF-8 bytes are not in."""
    secret = "sécret-für-tests-0123"
    secret_login(secret)
    written = json.dumps(f"key {secret}")[1:-1]  # ensure_ascii: \u00e9, \u00fc
    assert "\\u00e9" in written
    tagline = read_tagline(plain, page_holding(written))
    assert tagline == f"key {REDACTED}"


@pytest.mark.parametrize(
    "written",
    [percent(TOKEN[:20]), entities(TOKEN[:20]), TOKEN[:9] + "\\n" + TOKEN[9:20]],
    ids=["percent", "html", "split"],
)
def test_a_token_cut_short_and_encoded_becomes_stars(plain: PlainService, written: str) -> None:
    """What :func:`hide` cannot cut exactly (a cut-short value, encoded) is replaced whole."""
    tagline = read_tagline(plain, page_holding(written))
    assert tagline == REDACTED


def test_an_answer_holding_none_is_not_warned_about(
    plain: PlainService, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [{**pages.EXPERT_ITEMS[0], "username": f"u{n}"} for n in range(3)]
    plain.list_endpoint(EXPERTS, Listing("experts", rows))
    with caplog.at_level(logging.DEBUG, logger="expertfile_nb"):
        frame = ef.get_experts(progress=False)
    assert len(frame) == 3
    assert "replaced with" not in caplog.text


def test_logging_in_again_keeps_the_token_usable(plain: PlainService) -> None:
    """The token endpoint answers with the token the process already holds (still valid):
    that answer is the token itself, read raw, never cleaned into ``***``."""
    ef.logout()  # the token is held by now; forgotten here, so the next login asks again
    ef.login(pages.CLIENT_ID, SECRET, base_url=plain.url)
    tokens = [r for r, _ in plain.server.log if r.path == "/v2/oauth/token"]
    assert len(tokens) == 2  # the fixture's, and this one
    seen: list[str] = []

    def answer(request: Request) -> Response:
        seen.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response('{"success": false, "error": "invalid_token"}', status=401)
        return Response(
            json.dumps({"data": {"experts": [pages.EXPERT_ITEMS[0]], "total": 1}, "success": True}),
            content_type="application/json",
        )

    plain.route(EXPERTS, answer)
    frame = ef.get_experts(progress=False)
    assert len(frame) == 1 and seen and set(seen) == {f"Bearer {TOKEN}"}  # every page sent


# -- forms the review found getting through (each failed before the fix) ----------------
def test_a_token_mixing_percent_and_html_escapes_is_found(plain: PlainService) -> None:
    written = percent(TOKEN[:10]) + entities(TOKEN[10:])
    tagline = read_tagline(plain, page_holding(written))
    assert tagline == REDACTED


@pytest.mark.parametrize(
    "secret",
    ['a-"quoted"-secret-0123', "a-back\\slash-secret-0123", "C:\\nightly-secret-0123"],
    ids=["quote", "backslash", "backslash n"],
)
def test_a_secret_holding_a_quote_or_backslash_is_found(
    plain: PlainService, secret_login: Callable[[str], None], secret: str
) -> None:
    secret_login(secret)
    plain.list_endpoint(
        EXPERTS, Listing("experts", [{**pages.EXPERT_ITEMS[0], "tagline": f"key {secret}"}])
    )
    frame = ef.get_experts(progress=False)
    assert frame.tagline.tolist() == [f"key {REDACTED}"]


def test_a_value_after_a_literal_backslash_is_found(
    plain: PlainService, secret_login: Callable[[str], None]
) -> None:
    """``C:\\nightly…`` is written ``C:\\\\nightly…``: the ``\\n`` there is no line break."""
    secret = "nightly-secret-0123456789"
    secret_login(secret)
    plain.list_endpoint(
        EXPERTS, Listing("experts", [{**pages.EXPERT_ITEMS[0], "tagline": f"C:\\{secret}"}])
    )
    frame = ef.get_experts(progress=False)
    assert frame.tagline.tolist() == [f"C:\\{REDACTED}"]


@pytest.mark.parametrize("charset", ["utf-16", "utf-16-le", "utf-32"])
def test_an_answer_in_utf16_or_utf32_is_cleaned(plain: PlainService, charset: str) -> None:
    """JSON may come in UTF-16 or UTF-32 (``json.loads`` reads them): the raw bytes then
    hold no UTF-8 needle."""
    tagline = read_tagline(plain, page_holding(f"see {TOKEN}"), charset)
    assert tagline == f"see {REDACTED}"


@pytest.mark.parametrize(
    "gap",
    ["\\f", "\\u000b", "\\u001f", "\u00a0", "\\u00a0", "\u2028", "\\u3000"],
    ids=["formfeed", "vtab", "unit separator", "nbsp", "nbsp escaped", "line sep", "ideographic"],
)
def test_a_token_split_by_any_whitespace_is_found(plain: PlainService, gap: str) -> None:
    """:func:`hide` reads any whitespace between two characters as a gap (``\\s``): so
    does the cleaning of the data."""
    tagline = read_tagline(plain, page_holding(f"see {TOKEN[:9]}{gap}{TOKEN[9:]}"))
    assert tagline == f"see {REDACTED}"


# -- the other reads (they go the same way; held here) -----------------------------------
def test_every_kind_of_read_is_cleaned(plain: PlainService) -> None:
    staff = {**pages.STAFF_ITEMS[0], "tagline": f"see {TOKEN}"}
    spotlight = {**pages.SPOTLIGHT_ITEMS[0], "tags": ["x", {"nested": [{TOKEN: SECRET}]}]}
    plain.list_endpoint(EXPERTS, Listing("experts", [{**pages.EXPERT_ITEMS[0], TOKEN: 1}]))
    plain.list_endpoint(STAFF, Listing("staff", [staff]))
    plain.list_endpoint(
        SPOTLIGHTS,
        Listing("spotlights", [spotlight], aggregations=pages.SPOTLIGHT_AGGREGATIONS),
    )
    education = json.loads(json.dumps(pages.EXPERT_EDUCATION))
    education["data"][0]["notes"] = base64.encodebytes((TOKEN * 4).encode()).decode()
    plain.route(EDUCATION, education)
    seen: list[Any] = [
        ef.get_staff(progress=False).to_dict("records"),
        ef.get_spotlights(progress=False).to_dict("records"),
        list(ef.iter_experts()),
        ef.get_expert("peter.evans", "education"),
    ]
    text = json.dumps(seen, default=str)
    assert not contains_any(text, SECRETS) and TOKEN[:16] not in text
    assert text.count(REDACTED) >= 5


def test_an_answer_holding_a_lone_surrogate_is_cleaned(plain: PlainService) -> None:
    """An ASCII escape sends the answer to the exact search (re-encoded); a lone surrogate
    (``\\ud800``, which ``json.loads`` reads) cannot be encoded as UTF-8: the answer must
    be searched all the same, not handed back as it is. (A single read: a frame cannot
    hold a lone surrogate at all.)"""
    profile = json.loads(json.dumps(pages.EXPERT_PROFILE))
    profile["data"]["account"][0]["job_title"] = "@@"
    written = "\\u0063" + TOKEN[1:] + " \\ud800"
    plain.route(PROFILE, raw_page(json.dumps(profile).replace("@@", written)))
    got = ef.get_expert("peter.evans")
    assert got["account"][0]["job_title"].startswith(REDACTED)
    assert not contains_any(json.dumps(got), SECRETS)


@pytest.mark.parametrize("status", [200, 400, 500])
def test_a_page_that_is_also_an_error_shows_the_token_nowhere(
    plain: PlainService, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """``success: false`` with data beside it, the token echoed in both (encoded)."""
    body = {
        "success": False,
        "error": "invalid_request",
        "error_description": f"bad {percent(TOKEN)} / {base64.b64encode(SECRET.encode()).decode()}",
        "data": {"experts": [{**pages.EXPERT_ITEMS[0], "username": TOKEN}], "total": 1},
    }

    def answer(_request: Request) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    plain.route(EXPERTS, answer)
    with pytest.raises(ef.ExpertFileError) as caught:
        ef.get_experts(progress=False)
    shown = str(caught.value) + repr(caught.value) + json.dumps(vars(caught.value), default=str)
    assert not contains_any(shown, SECRETS) and TOKEN[:16] not in shown


def test_a_token_nested_deeper_than_python_recurses_is_cleaned(plain: PlainService) -> None:
    """``json.loads`` reads 600 nested lists; the cleaning must walk them too (a bare
    ``RecursionError`` was raised, the token in the locals of every frame it left)."""
    depth = 600
    written = "[" * depth + json.dumps(f"see {TOKEN}") + "]" * depth
    row = json.dumps({**pages.EXPERT_ITEMS[0], "tagline": "@@"}).replace('"@@"', written)
    text = f'{{"data": {{"experts": [{row}], "total": 1}}, "success": true}}'
    plain.route(EXPERTS, raw_page(text))
    frame = ef.get_experts(progress=False)
    text = frame.to_csv()
    assert len(frame) == 1 and REDACTED in text
    assert not contains_any(text, SECRETS) and TOKEN[:16] not in text


def innermost(value: Any) -> Any:
    """The first non-list at the bottom of nested lists (a loop: they nest deep)."""
    while isinstance(value, list) and value:
        value = value[0]
    return value


def test_an_answer_nested_as_deep_as_json_reads_is_cleaned(plain: PlainService) -> None:
    """Near ``json.loads``'s own limit, re-encoding the answer (the exact search, sent
    there by an ASCII escape) runs out of recursion one level before reading it did: the
    answer must then be walked string by string, not handed back as it is. Each depth up
    to the one ``json.loads`` refuses (a typed error) is read."""
    profile = json.loads(json.dumps(pages.EXPERT_PROFILE))
    profile["data"]["account"][0]["job_title"] = "@@"
    template = json.dumps(profile)
    read = 0
    for depth in range(1000, 900, -1):
        written = "[" * depth + '"\\u0073ee ' + TOKEN + '"' + "]" * depth
        plain.server.clear_all_handlers()
        plain.route(PROFILE, raw_page(template.replace('"@@"', written)))
        try:
            got = ef.get_expert("peter.evans")
        except ef.ExpertFileError:
            continue  # deeper than json.loads reads: refused, nothing shown
        read += 1
        bottom = innermost(got["account"][0]["job_title"])
        assert isinstance(bottom, str) and REDACTED in bottom, depth
        assert not contains_any(bottom, SECRETS), depth
        if read >= 5:
            break
    assert read >= 5


def test_an_answer_too_deep_to_re_encode_holding_none_is_not_warned_about(
    plain: PlainService, caplog: pytest.LogCaptureFixture
) -> None:
    """Walked string by string (too deep to re-encode), an answer that holds no token is
    read as it is and no warning says otherwise."""
    profile = json.loads(json.dumps(pages.EXPERT_PROFILE))
    profile["data"]["account"][0]["job_title"] = "@@"
    template = json.dumps(profile)
    read = 0
    for depth in range(1000, 900, -1):
        written = "[" * depth + '"\\u0073ee nothing"' + "]" * depth
        plain.server.clear_all_handlers()
        plain.route(PROFILE, raw_page(template.replace('"@@"', written)))
        with caplog.at_level(logging.WARNING, logger="expertfile_nb"):
            try:
                got = ef.get_expert("peter.evans")
            except ef.ExpertFileError:
                continue
        read += 1
        assert innermost(got["account"][0]["job_title"]) == "see nothing", depth
        assert "replaced with" not in caplog.text, depth
        if read >= 5:
            break
    assert read >= 5
