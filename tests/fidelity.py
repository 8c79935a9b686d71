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

from typing import Any

import requests

import expertfile_nb as ef
import fake_server
from fake_server import FakeExpertFile
from tests.contract import documented as doc
from tests.contract import test_client_contract as client_contract
from tests.contract import test_client_vendor_samples as client_samples
from tests.contract import test_client_writes as client_writes
from tests.contract import test_fake_reads as fake_reads
from tests.contract import test_fake_writes_contract as fake_writes
from tests.contract import vendor_samples as vs
from tests.contract import writes as wr

#: the client function for a read, and the contract test that serves it the documented page
#: (tests/contract/test_client_contract.py); every read is also served the vendor's own
#: sample by tests/contract/test_client_vendor_samples.py
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
_BY_ID = "get_section_item(…, section, item_id)"
_SAMPLE_TEST = "test_the_vendors_sample_comes_back_from_the_client"


def _client_of(name: str) -> tuple[str, str]:
    """The client function of a read and the contract test(s) that hold it."""
    function, test = CLIENT.get(name, ("", ""))
    if not function:
        kind, _, rest = name.partition(".")
        if rest.endswith(".get") and rest != "get":
            function = _BY_ID if kind == "expert" else _BY_ID.replace(")", ", kind='staff')")
        elif kind == "staff":
            function = "get_staff_member(…, section=…)"
        else:
            function = "get_expert(…, section=…)"
    if name == "token":
        return function, test
    if test:
        assert hasattr(client_contract, test), test
    tests = [t for t in (test, _SAMPLE_TEST) if t]
    if name in ("expert.list", "staff.list", "spotlight.list"):
        tests[-1] = "test_the_vendors_list_sample_becomes_a_frame"
    for t in tests:
        assert hasattr(client_contract, t) or hasattr(client_samples, t), t
    return function, ", ".join(tests)


def _client_write(w: wr.Write) -> str:
    """The client function of a documented write (what test_client_writes calls)."""
    noun = "expert" if w.person == "expert" else "staff_member"
    if w.name.startswith("inquiry["):
        return "send_inquiry(kind, …)"
    if w.section is None:
        return f"{w.op}_{noun}(…)"
    verb = {"create": "add", "update": "update", "delete": "delete"}[w.op]
    staff = ", kind='staff'" if w.person == "staff" else ""
    return f"{verb}_section_item(…, {w.section!r}{staff}, …)"


def _write_verdicts() -> dict[str, list[str]]:
    """Per documented write: the fake's problems, from test_fake_writes_contract's own
    check (the write sent with a valid body to a fresh fake; the answer held to the
    documented shape, or to the contract's guess where ``Write.answer_guess`` names one)."""
    results: dict[str, list[str]] = {}
    with FakeExpertFile() as server:
        for w in wr.WRITES:
            server.reset()  # each write against the fake's starting data
            client = fake_writes.Client(server)
            body = wr.example_body(w, username=client.first())
            try:
                data, _, _ = fake_writes._do(client, w, body)
            except AssertionError as exc:
                results[w.name] = [str(exc).splitlines()[0][:80]]
                continue
            results[w.name] = doc.mismatches(data, fake_writes._expected_answer(w, body))
    return results


def _source(name: str) -> str:
    if name == "token":
        return "DOC-GB"
    if name == "staff.get" or name.split(".")[1] in ("tag", "affiliation"):
        return "DOC-SL, DOC-GB"
    return "DOC-SL"


def _verdicts(**fake_settings: Any) -> dict[str, tuple[list[str], int]]:
    """Per read: the fake's problems under its defaults, and under how many of the read
    settings (``test_fake_reads.SETTINGS``) it is documented — the test's own check.

    Args:
        **fake_settings: ``FakeExpertFile`` arguments (none for the committed document; a
            test passes some to see that a fake which differs shows up in the rows).
    """
    results: dict[str, tuple[list[str], int]] = {}
    with FakeExpertFile(**fake_settings) as server:
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


def render(**fake_settings: Any) -> str:
    """docs/API_FIDELITY.md, from a ``FakeExpertFile(**fake_settings)`` (its defaults: none)."""
    verdicts = _verdicts(**fake_settings)
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
        function, contract = _client_of(name)
        first = function.split(",")[0].split("(")[0].strip()
        assert hasattr(ef, first), first
        client = f"`ef.{function}`"
        test = f"`{contract}`" if contract else "—"
        path = f"`{sample.method} {sample.path}`"
        if sample.path_note:
            path += f" ({sample.path_note})"
        lines.append(
            f"| {name} | {_cell(sample.section)}: {_cell(sample.title)} | {_cell(path)} "
            f"| {_source(name)} | {_cell(verdict)} | {under} | {client} | {test} |"
        )
    write_verdicts = _write_verdicts()
    lines += [
        "",
        "## Every documented write",
        "",
        f"{len(wr.WRITES)} writes (`tests/contract/writes.py`: the reference's expert and staff",
        "create/update/delete, section items and inquiries). The fake's column is",
        "`tests/contract/test_fake_writes_contract.py`'s check, run now against a",
        "`FakeExpertFile` reset to its starting data (the write sent with a valid body, the",
        "answer held to the documented shape, or where the documents give none to the",
        "contract's guess, named in the row); the client function is held to the documented",
        "form and answer, served by a plain `pytest_httpserver`, by",
        "`test_every_documented_write_sends_the_form_and_returns_the_documented_data`",
        "(`tests/contract/test_client_writes.py`).",
        "",
        "| write | method and path | fake's answer | client |",
        "| --- | --- | --- | --- |",
    ]
    assert hasattr(
        client_writes, "test_every_documented_write_sends_the_form_and_returns_the_documented_data"
    )
    for w in wr.WRITES:
        problems = write_verdicts[w.name]
        held_to = f"the guess: {w.answer_guess}" if w.answer_guess else "documented shape"
        verdict = held_to if not problems else f"DIFFERS: {problems[0]}"
        function = _client_write(w)
        assert hasattr(ef, function.split("(")[0]), function
        lines.append(
            f"| {_cell(w.name)} | `{w.method} {_cell(w.path)}` | {_cell(verdict)} "
            f"| `ef.{_cell(function)}` |"
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
        "  follows either. Offset pages overlap the one before by one row, which must match;",
        "  pages that cannot (page numbers, one-row pages) have the rows on each side of every",
        "  boundary read again once all pages are in.",
        "- Page size: a page shorter than asked is followed (a capped service); a 400 naming",
        "  `page_size` is retried with a smaller size, logged once.",
        "- Errors: any non-200, non-JSON or `success` other than `true` is a failure; an answer",
        "  with no `success` at all (as in some of the vendor's samples) is read by its `data`,",
        "  held to the documented shape; `error`, `error_description` and `message` are quoted",
        "  when present (redacted).",
        "- Arrays go out as JSON-array text, as the documents write them; parameters documented",
        "  as plain strings (`companies`, the staff list's `countries`) as plain strings;",
        "  `all`, the documented default, as the word. Only the parameters the caller set are",
        "  sent, so the service's documented defaults apply. Country codes are checked against",
        "  the vendor's list (`expertfile_nb.codes`).",
        "- Writes are never resent by the transport: one that may have happened is read back",
        "  first (`UnconfirmedWriteError` when the read cannot tell).",
        "- Frames have the documented columns (also when empty) plus whatever else the service",
        "  sent, flattened; nothing is invented.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
