"""A secret or token the service echoes in its data never reaches a frame (the plain service).

A hostile or careless service may put the client secret or the access token this process
holds into a record — as it is, base64, hex, percent-encoded, JSON-escaped, split over
lines — in a value or a key. Every answer's data is cleaned as it is read
(``expertfile_nb._http.envelope.load_json``): each such string becomes ``***`` (the part
that holds it), the rest of the record is kept, and a warning says so without the value.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb._redact import REDACTED, contains_any
from tests.contract import pages
from tests.reads.service import SECRETS, Listing, PlainService

EXPERTS = "/v2/organization/{org}/expert"
PROFILE = "/v2/organization/{org}/expert/peter.evans"
TOKEN, SECRET = pages.ACCESS_TOKEN, pages.SECRET


def every_char_escaped(value: str) -> str:
    return "".join(f"%{byte:02X}" for byte in value.encode())


def echoing(**values: Any) -> dict[str, Any]:
    return {**pages.EXPERT_ITEMS[0], "username": "echo.er", **values}


ECHOES: dict[str, Any] = {
    "plain": echoing(tagline=f"Dean {TOKEN}"),
    "base64": echoing(tagline=base64.b64encode(TOKEN.encode()).decode()),
    "hex": echoing(tagline=TOKEN.encode().hex()),
    "percent": echoing(tagline=f"https://x.test/?t={every_char_escaped(TOKEN)}"),
    "html": echoing(tagline="".join(f"&#{ord(c)};" for c in TOKEN)),
    "lines": echoing(tagline=f"{TOKEN[:9]}\n{TOKEN[9:]}"),
    "secret": echoing(tagline=f"key={quote(SECRET, safe='')}"),
    "cut short": echoing(tagline=TOKEN[:20]),
    "in a list": echoing(topics=[{"title": "Economics"}, {"title": f"see {TOKEN}"}]),
    "in a key": echoing(**{TOKEN: "x"}),
}


@pytest.mark.parametrize("form", list(ECHOES))
def test_an_echoed_token_never_reaches_the_frame(
    plain: PlainService, form: str, caplog: pytest.LogCaptureFixture
) -> None:
    ordinary = {**pages.EXPERT_ITEMS[0], "username": "ada.quill"}
    plain.list_endpoint(EXPERTS, Listing("experts", [ordinary, ECHOES[form]]))
    with caplog.at_level(logging.WARNING, logger="expertfile_nb"):
        frame = ef.get_experts(progress=False)
    assert sorted(frame.username) == ["ada.quill", "echo.er"]  # every row is kept
    text = frame.to_csv() + json.dumps(frame.to_dict("records"), default=str)
    assert not contains_any(text, SECRETS)
    assert TOKEN[:16] not in text
    assert REDACTED in text
    ada = frame[frame.username == "ada.quill"].iloc[0]
    assert ada.tagline == pages.EXPERT_ITEMS[0]["tagline"]  # the other record as it was
    assert "replaced with ***" in caplog.text and not contains_any(caplog.text, SECRETS)


def test_the_rest_of_a_value_is_kept(plain: PlainService) -> None:
    plain.list_endpoint(EXPERTS, Listing("experts", [echoing(tagline=f"Dean {TOKEN} of x")]))
    frame = ef.get_experts(progress=False)
    assert frame.tagline.tolist() == [f"Dean {REDACTED} of x"]


def test_a_single_read_is_cleaned_too(plain: PlainService) -> None:
    profile = json.loads(json.dumps(pages.EXPERT_PROFILE))
    profile["data"]["account"][0]["job_title"] = TOKEN
    profile["data"]["affiliation"][0]["notes"] = f"MSc {SECRET}"
    plain.route(PROFILE, profile)
    got = ef.get_expert("peter.evans")
    assert got["account"][0]["job_title"] == REDACTED
    assert got["affiliation"][0]["notes"] == f"MSc {REDACTED}"
    assert not contains_any(json.dumps(got), SECRETS)


def test_an_answer_holding_none_is_read_as_it_is(plain: PlainService) -> None:
    rows = [{**pages.EXPERT_ITEMS[0], "username": f"u{n}", "tagline": "Toke"} for n in range(3)]
    plain.list_endpoint(EXPERTS, Listing("experts", rows))
    frame = ef.get_experts(progress=False)
    assert frame.tagline.tolist() == ["Toke"] * 3


def raw_page(text: str) -> Callable[[Request], Response]:
    """A page whose JSON text is written by hand (escapes no encoder here would choose)."""

    def answer(_request: Request) -> Response:
        return Response(text, content_type="application/json")

    return answer


@pytest.mark.parametrize(
    "written",
    [
        "".join(f"\\u{ord(c):04x}" for c in TOKEN),  # every character a JSON escape
        TOKEN[:5] + "\\u" + f"{ord(TOKEN[5]):04X}" + TOKEN[6:],  # one, upper-case hex
        "https:\\/\\/x.test\\/" + TOKEN,  # PHP's escaped slashes beside it
        TOKEN[:10] + "\\n" + TOKEN[10:],  # a JSON line break inside it
    ],
    ids=["all escaped", "one escaped", "escaped slashes", "line break"],
)
def test_a_token_written_with_json_escapes_is_found(plain: PlainService, written: str) -> None:
    row = json.dumps({**pages.EXPERT_ITEMS[0], "tagline": "@@"}).replace("@@", written)
    text = f'{{"data": {{"experts": [{row}], "total": 1}}, "success": true}}'
    plain.route(EXPERTS, raw_page(text))
    frame = ef.get_experts(progress=False)
    assert len(frame) == 1 and REDACTED in frame.tagline.iloc[0]
    assert not contains_any(frame.to_csv(), SECRETS)


@pytest.mark.parametrize("echoers", [1, 2])
def test_a_username_that_is_the_token_stops_the_pull_saying_why(
    plain: PlainService, echoers: int
) -> None:
    """A key read as ``***`` names no record: it could not be told apart (two would look
    the same; a merge would fold them), read by its key, or written to. The pull stops
    with a typed error that says so (not a 404 for ``/expert/***``, not "came twice")."""
    rows = [{**pages.EXPERT_ITEMS[0], "username": "ada.quill"}]
    rows += [{**pages.EXPERT_ITEMS[0], "username": f"{TOKEN}{'x' * n}"} for n in range(echoers)]
    plain.list_endpoint(EXPERTS, Listing("experts", rows))
    with pytest.raises(ef.IncompleteDataError, match="holding the access token") as caught:
        ef.get_experts(progress=False)
    assert "came twice" not in str(caught.value)
    assert not contains_any(str(caught.value), SECRETS)
