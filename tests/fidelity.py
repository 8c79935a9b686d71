"""The source of docs/API_FIDELITY.md: every documented read, the fake's answer held to the
documents live, the client function that reads it, and every choice the fake makes where the
documents are silent.

``python -m tests.fidelity > docs/API_FIDELITY.md`` writes it; ``test_api_fidelity_doc``
checks the committed file equals a fresh rendering, so it is always current. Nothing in it
is written by hand: one row per vendor sample (``tests/contract/vendor_samples.py``); the
fake's columns are ``test_fake_reads.fake_problems`` run over real HTTP against a
``FakeExpertFile`` (its defaults and each read setting); the client column names functions
that exist and the contract tests that hold them to documented pages.
"""

from __future__ import annotations

import requests

import expertfile_nb as ef
import fake_server
from fake_server import FakeExpertFile
from tests.contract import documented as doc
from tests.contract import test_client_contract as client_contract
from tests.contract import test_fake_reads as fake_reads
from tests.contract import vendor_samples as vs

#: the client function for a read, and the contract test that serves it the documented page
#: (tests/contract/test_client_contract.py); a read not here has no client function yet
CLIENT: dict[str, tuple[str, str]] = {
    "token": ("login", ""),
    "expert.list": (
        "get_experts, iter_experts",
        "test_documented_list_pages_become_documented_columns",
    ),
    "staff.list": ("get_staff, iter_staff", "test_documented_list_pages_become_documented_columns"),
    "spotlight.list": (
        "get_spotlights, iter_spotlights",
        "test_documented_list_pages_become_documented_columns",
    ),
    "expert.get": ("get_expert", "test_get_expert_is_the_documented_profile"),
    "staff.get": ("get_staff_member", "test_get_staff_member_is_the_documented_profile"),
    "spotlight.get": ("get_spotlight", "test_get_spotlight_is_the_documented_record"),
    **{
        f"expert.{segment}" + ("" if segment in doc.SECTIONS_WITHOUT_ID else ".list"): (
            "get_expert(…, section=…)",
            "test_every_documented_expert_section_can_be_asked_for",
        )
        for segment in doc.EXPERT_SECTIONS
    },
}


def _source(name: str) -> str:
    if name == "token":
        return "DOC-GB"
    if name == "staff.get" or name.split(".")[1] in ("tag", "affiliation"):
        return "DOC-SL, DOC-GB"
    return "DOC-SL"


def _verdicts() -> dict[str, tuple[list[str], int]]:
    """Per read: the fake's problems under its defaults, and under how many of the read
    settings (``test_fake_reads.SETTINGS``) it is documented — the test's own check."""
    results: dict[str, tuple[list[str], int]] = {}
    with FakeExpertFile() as server:
        token_answer = requests.post(
            server.url + vs.SAMPLES["token"].path,
            data={
                "client_id": server.client_id,
                "client_secret": server.client_secret,
                "grant_type": "client_credentials",
            },
            timeout=10,
        )
        token = token_answer.json()["data"]["accessToken"]
        results["token"] = (doc.mismatches(token_answer.json()["data"], doc.TOKEN_DATA), 1)
        for name in vs.READS:
            checks = [fake_reads.fake_problems(server, token, name, s) for s in fake_reads.SETTINGS]
            results[name] = (checks[0], sum(not problems for problems in checks))
    return results


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "¦").split())


def render() -> str:
    verdicts = _verdicts()
    settings = len(fake_reads.SETTINGS)
    lines = [
        "# API fidelity: the documented service, the fake, and the client",
        "",
        "Generated: `python -m tests.fidelity > docs/API_FIDELITY.md`; a test checks this file",
        "equals a fresh rendering. One row per documented read of the vendor's older complete",
        "reference (DOC-SL, 74 reads) and the token (DOC-GB, the current site); the vendor's",
        "sample answers are kept verbatim in `tests/contract/vendor/` and the shapes of",
        "`tests/contract/documented.py` accept each of them. The fake's columns are the result",
        "of `tests/contract/test_fake_reads.py`'s check, run over real HTTP against a",
        f"`FakeExpertFile` with its defaults and with each of its {settings} read settings",
        "(defaults; nulls, success key, spellings, empty items as in the samples; no inferred",
        "sections). The client's names the function and the contract test that serves it",
        "documented pages from a plain `pytest_httpserver` (not the fake).",
        "",
        "## Every documented read",
        "",
        "| read | vendor's heading | path | source | fake's default answer "
        "| documented under settings | client | client contract |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, sample in vs.SAMPLES.items():
        problems, passed = verdicts[name]
        verdict = "documented keys and types" if not problems else f"DIFFERS: {problems[0]}"
        under = "—" if name == "token" else f"{passed} of {settings}"
        if name != "token" and passed != settings:
            under = f"DIFFERS under {settings - passed} of {settings}"
        client, test = "—", "—"
        if name in CLIENT:
            function, contract = CLIENT[name]
            first = function.split(",")[0].split("(")[0].strip()
            assert hasattr(ef, first), first
            client = f"`ef.{function}`"
            if contract:
                assert hasattr(client_contract, contract), contract
                test = f"`{contract}`"
        path = f"`{sample.method} {sample.path}`"
        if sample.path_note:
            path += f" ({sample.path_note})"
        lines.append(
            f"| {name} | {_cell(sample.section)}: {_cell(sample.title)} | {_cell(path)} "
            f"| {_source(name)} | {_cell(verdict)} | {under} | {client} | {test} |"
        )
    lines += [
        "",
        "## Where the documents are silent: the fake's choices",
        "",
        "Each point is a guess until someone checks the real service. The fake makes the choice",
        "below, and a `FakeExpertFile` setting (an argument and attribute) makes it do the other",
        "thing, so tests can hold the client to both; `tests/contract/test_assumptions.py`",
        "checks every point has one and that it changes the fake's answer.",
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
        "  follows either, and every page overlaps the one before by one row, which must match.",
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
