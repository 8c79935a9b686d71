"""The source of docs/API_FIDELITY.md: every documented read, the fake's answer held to the
documents live, the client function that reads it, and every choice the fake makes where the
documents are silent.

``python -m tests.fidelity > docs/API_FIDELITY.md`` writes it; ``test_api_fidelity_doc``
checks the committed file equals a fresh rendering, so it is always current. Nothing in it
is written by hand: the fake's column comes from real requests to a ``FakeExpertFile``,
checked with ``tests/contract/documented.py``; the client column names functions that
exist and the contract tests that hold them to documented pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

import expertfile_nb as ef
import fake_server
from fake_server import FakeExpertFile
from tests.contract import documented as doc
from tests.contract import test_client_contract as client_contract
from tests.contract import test_fake_contract as fake_contract


@dataclass(frozen=True)
class Read:
    """One documented read endpoint."""

    name: str
    path: str  # documented, with {org} and friends
    source: str
    shape: Callable[[Any], tuple[Any, Any]]  # data -> (value to check, shape)
    client: str  # the client function, or "" for none
    client_test: str  # in tests/contract/test_client_contract.py
    fake_test: str  # in tests/contract/test_fake_contract.py
    exact: bool = True


def _list(endpoint: doc.ListEndpoint) -> Callable[[Any], tuple[Any, Any]]:
    return lambda data: (data, endpoint.data)


def _items(endpoint: doc.ListEndpoint) -> Callable[[Any], tuple[Any, Any]]:
    return lambda data: (data[endpoint.list_key], [endpoint.item])


def _section(shape: Any) -> Callable[[Any], tuple[Any, Any]]:
    return lambda data: (data, [shape])


def _profile(sections: dict[str, Any], inferred: tuple[str, ...] = ()) -> Callable[..., Any]:
    def check(data: Any) -> tuple[Any, Any]:
        known = {k: v for k, v in data.items() if k not in inferred}
        return known, sections

    return check


READS: tuple[Read, ...] = (
    Read(
        "token",
        "POST /v2/oauth/token",
        "DOC-GB",
        lambda data: (data, doc.TOKEN_DATA),
        "login",
        "",
        "test_token_answer_is_documented",
    ),
    *(
        Read(
            f"{endpoint.name} (list)",
            f"GET {endpoint.path}",
            "DOC-SL",
            _list(endpoint),
            f"get_{endpoint.name}, iter_{endpoint.name}",
            "test_documented_list_pages_become_documented_columns",
            "test_list_page_is_documented",
        )
        for endpoint in doc.LIST_ENDPOINTS
    ),
    Read(
        "one expert's profile",
        "GET /v2/organization/{org}/expert/{username}",
        "DOC-SL (+ DOC-GB path)",
        _profile(doc.EXPERT_PROFILE, doc.EXPERT_PROFILE_INFERRED),
        "get_expert",
        "test_get_expert_is_the_documented_profile",
        "test_expert_profile_is_documented",
    ),
    *(
        Read(
            f"expert section '{segment}'",
            f"GET /v2/organization/{{org}}/expert/{{username}}/{segment}",
            "DOC-SL" if segment not in ("tag", "affiliation") else "DOC-GB",
            _section(shape),
            "get_expert(…, section=…)",
            "test_every_documented_expert_section_can_be_asked_for",
            "test_expert_sections_are_documented",
        )
        for segment, shape in doc.EXPERT_SECTIONS.items()
    ),
    Read(
        "one staff member",
        "GET /v2/organization/{org}/staff/{username}",
        "DOC-GB (sections), DOC-SL (items)",
        _profile(doc.STAFF_PROFILE),
        "get_staff_member",
        "test_get_staff_member_is_the_documented_profile",
        "test_staff_member_is_documented",
    ),
    Read(
        "one spotlight",
        "GET /v2/spotlight/{org}/{id}",
        "DOC-SL",
        lambda data: (data, doc.SPOTLIGHT_DATA),
        "get_spotlight",
        "test_get_spotlight_is_the_documented_record",
        "test_spotlight_is_documented",
    ),
)


def _fake_answers(server: FakeExpertFile) -> dict[str, tuple[int, Any]]:
    """(status, data) of the fake's default answer to each read, over real HTTP."""
    http = requests.Session()
    form = {
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "grant_type": "client_credentials",
    }
    answer = http.post(server.url + doc.TOKEN_PATH, data=form, timeout=10)
    token = answer.json()["data"]["accessToken"]
    http.headers["Authorization"] = f"Bearer {token}"

    def get(path: str) -> tuple[int, Any]:
        response = http.get(server.url + path, timeout=10)
        body = response.json()
        return response.status_code, body.get("data") if body.get("success") is True else None

    org = server.org_id
    experts = get(f"/v2/organization/{org}/expert?page_size=1")[1]["experts"]
    staff = get(f"/v2/organization/{org}/employee?page_size=50")[1]["staff"]
    spotlights = get(f"/v2/spotlight/{org}/search?page_size=1")[1]["spotlights"]
    expert = experts[0]["username"]
    # a staff member who is not an expert, if the organization has one
    member = next((s["username"] for s in staff if s["username"] != expert), staff[0]["username"])
    values = {
        "org": str(org),
        "username": expert,
        "id": str(spotlights[0]["id"]),
    }
    answers = {"token": (answer.status_code, answer.json().get("data"))}
    for read in READS[1:]:
        path = read.path.removeprefix("GET ").format(**values)
        if read.name == "one staff member":
            path = f"/v2/organization/{org}/staff/{member}"
        answers[read.name] = get(path)
    http.close()
    return answers


def _verdict(read: Read, status: int, data: Any) -> str:
    if status != 200 or data is None:
        return f"NOT SERVED ({status})"
    value, shape = read.shape(data)
    problems = doc.mismatches(value, shape)
    return "documented keys and types" if not problems else f"DIFFERS: {problems[0]}"


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "¦").split())


def render() -> str:
    with FakeExpertFile() as server:
        answers = _fake_answers(server)
    lines = [
        "# API fidelity: the documented service, the fake, and the client",
        "",
        "Generated: `python -m tests.fidelity > docs/API_FIDELITY.md`; a test checks this file",
        "equals a fresh rendering. Shapes are those of `tests/contract/documented.py`, written by",
        "hand from `docs/API_REFERENCE.md` (DOC-GB: the vendor's current site; DOC-SL: its older",
        "reference). The fake's column comes from real requests to a default `FakeExpertFile`;",
        "the client's names the function and the contract test that serves it documented pages",
        "from a plain `pytest_httpserver` (not the fake).",
        "",
        "## Every documented read",
        "",
        "| read | documented path | source | fake's default answer | client | client contract |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for read in READS:
        status, data = answers[read.name]
        verdict = _verdict(read, status, data)
        assert hasattr(fake_contract, read.fake_test), read.fake_test
        client = "—"
        if read.client:
            first = read.client.split(",")[0].split("(")[0].strip()
            assert hasattr(ef, first), first
            client = f"`ef.{read.client}`"
        test = "—"
        if read.client_test:
            assert hasattr(client_contract, read.client_test), read.client_test
            test = f"`{read.client_test}`"
        lines.append(
            f"| {_cell(read.name)} | `{read.path}` | {read.source} | {_cell(verdict)} "
            f"| {client} | {test} |"
        )
    lines += [
        "",
        "The sub-resources by id (`…/expert/{username}/{section}/{id}`, `…/staff/{username}/"
        "{section}`) are served by the fake as documented (a one-element list); the client has",
        "no function of its own for them: use `ef.get_session()`.",
        "",
        "## Where the documents are silent: the fake's choices",
        "",
        "Each point is a guess until someone checks the real service. The fake makes the choice",
        "below; where the real service could plausibly do otherwise, a `FakeExpertFile` setting",
        "(also a `python -m fake_server` flag) makes it do the other thing, so tests can hold the",
        "client to both.",
        "",
        "| point | the fake's choice | setting (values; default) |",
        "| --- | --- | --- |",
    ]
    for assumption in fake_server.ASSUMPTIONS:
        setting = "—"
        if assumption.setting:
            values = ", ".join(f"`{v}`" for v in assumption.values)
            setting = f"`{assumption.setting}` ({values}; default `{assumption.default}`)"
        lines.append(f"| {_cell(assumption.point)} | {_cell(assumption.choice)} | {setting} |")
    lines += [
        "",
        "## What the client does instead of trusting those choices",
        "",
        "- `page_from`: one small probe per pull tells an offset from a page number; the pull",
        "  follows either. Offset pages overlap the one before by one row, which must match;",
        "  pages that cannot (page numbers, one-row pages) have the rows on each side of every",
        "  boundary read again once all pages are in.",
        "- Page size: a page shorter than asked is followed (a capped service); a 400 naming",
        "  `page_size` is retried with a smaller size, logged once.",
        "- Errors: any non-200, non-JSON or `success` other than `true` is a failure; `error`,",
        "  `error_description` and `message` are quoted when present (redacted).",
        "- Arrays go out as JSON-array text, as the documents write them; only the parameters",
        "  the caller set are sent, so the service's documented defaults apply.",
        "- Frames have the documented columns (also when empty) plus whatever else the service",
        "  sent, flattened; nothing is invented.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
