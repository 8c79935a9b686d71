"""The client's writes against the documents: each documented write, answered verbatim.

A plain ``pytest_httpserver`` (not ``fake_server``) answers every documented write
(API reference §1, §3.3, §3.4, §4.3) with its documented answer. The client must
send the documented method, path and form body, and return the documented ``data``;
a write with a missing required field, an unknown field or an undocumented value is
refused before any request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest

import expertfile_nb as ef
from tests.contract import pages
from tests.contract import writes_provisional as doc
from tests.pull.service import PlainService

ORG = pages.ORG
USER = "peter.evans"


@pytest.fixture(scope="module")
def server() -> Iterator[PlainService]:
    service = PlainService().start()
    yield service
    service.stop()


@pytest.fixture
def plain(server: PlainService) -> PlainService:
    return server.begin()


def answer(plain: PlainService, method: str, path: str, body: Any) -> None:
    plain.server.expect_request(path, method=method).respond_with_json(body)


def writes_received(plain: PlainService) -> list[tuple[str, str, dict[str, str], str]]:
    """(method, path, form, content type) of every request but the token's."""
    return [
        (
            r.method,
            r.path,
            dict(parse_qsl(r.get_data(as_text=True), keep_blank_values=True)),
            r.headers.get("Content-Type", ""),
        )
        for r, _ in plain.server.log
        if r.path != "/v2/oauth/token"
    ]


def filled(names: tuple[str, ...], choices: dict[str, tuple[str, ...]]) -> dict[str, str]:
    # the availability flags are documented as 1/0
    return {
        n: choices[n][0] if n in choices else "1" if n.startswith("availability_") else f"{n} v"
        for n in names
    }


PERSON = {
    "experts": (ef.create_expert, ef.update_expert, ef.delete_expert, "expert"),
    "staff": (ef.create_staff_member, ef.update_staff_member, ef.delete_staff_member, "staff"),
}


@pytest.mark.parametrize("kind", ["experts", "staff"])
def test_create_person_sends_the_form_and_returns_the_documented_data(
    plain: PlainService, kind: str
) -> None:
    create, _, _, segment = PERSON[kind]
    fields = filled(doc.ACCOUNT_REQUIRED + doc.ACCOUNT_OPTIONAL, {})
    documented = doc.EXPERT_CREATE_ANSWER if kind == "experts" else doc.STAFF_CREATE_ANSWER
    answer(plain, "POST", f"/v2/organization/{ORG}/{segment}", documented)
    got = create(**fields)
    [(method, path, form, ctype)] = writes_received(plain)
    assert (method, path, form) == ("POST", f"/v2/organization/{ORG}/{segment}", fields)
    assert ctype == "application/x-www-form-urlencoded"
    data = documented["data"]
    assert got == (data[0] if kind == "experts" else data)


@pytest.mark.parametrize("kind", ["experts", "staff"])
def test_update_person_sends_flags_as_1_0_and_returns_the_documented_data(
    plain: PlainService, kind: str
) -> None:
    _, update, _, segment = PERSON[kind]
    path = f"/v2/organization/{ORG}/{segment}/{USER}"
    answer(plain, "PUT", path, doc.UPDATE_ANSWER)
    got = update(USER, job_title="Dean", is_private=False, is_published=True)
    [(method, sent_path, form, _)] = writes_received(plain)
    assert (method, sent_path) == ("PUT", path)
    assert form == {"job_title": "Dean", "is_private": "0", "is_published": "1"}
    assert got == doc.UPDATE_ANSWER["data"]


@pytest.mark.parametrize("kind", ["experts", "staff"])
def test_delete_person_returns_the_documented_data(plain: PlainService, kind: str) -> None:
    _, _, delete, segment = PERSON[kind]
    path = f"/v2/organization/{ORG}/{segment}/{USER}"
    answer(plain, "DELETE", path, doc.DELETE_ANSWER)
    assert delete(USER) == doc.DELETE_ANSWER["data"]
    assert [(m, p) for m, p, _, _ in writes_received(plain)] == [("DELETE", path)]


SECTION_CASES = [
    (kind, name, op)
    for kind, sections in (("experts", doc.EXPERT_SECTIONS), ("staff", doc.STAFF_SECTIONS))
    for name in sections
    for op in sorted(doc.SECTIONS[name].ops)
]


@pytest.mark.parametrize(("kind", "section", "op"), SECTION_CASES)
def test_every_documented_section_write(
    plain: PlainService, kind: str, section: str, op: str
) -> None:
    spec = doc.SECTIONS[section]
    base = f"/v2/organization/{ORG}/{PERSON[kind][3]}/{USER}/{section}"
    call: Callable[[], Any]
    if op == "add":
        fields = filled(spec.required + spec.optional, spec.choices)
        documented = doc.SINGLE_POST_ANSWER if spec.single else doc.ITEM_CREATE_ANSWER
        method, path = "POST", base
        call = lambda: ef.add_section_item(USER, section, kind=kind, **fields)  # noqa: E731 # one call per case
        expected = documented["data"][0] if spec.single else documented["data"]
    elif op == "update":
        fields = filled(spec.required[:1] or spec.optional[:1], spec.choices)
        documented, method, path = doc.ITEM_UPDATE_ANSWER, "PUT", f"{base}/7"
        call = lambda: ef.update_section_item(USER, section, 7, kind=kind, **fields)  # noqa: E731 # one call per case
        expected = documented["data"]
    else:
        fields, documented, method, path = {}, doc.ITEM_DELETE_ANSWER, "DELETE", f"{base}/7"
        call = lambda: ef.delete_section_item(USER, section, 7, kind=kind)  # noqa: E731 # one call per case
        expected = documented["data"]
    answer(plain, method, path, documented)
    assert call() == expected
    [(sent_method, sent_path, form, _)] = writes_received(plain)
    assert (sent_method, sent_path, form) == (method, path, fields)


def test_every_documented_write_is_wrapped() -> None:
    # the client's sections and operations are exactly the documented ones
    from expertfile_nb._write_table import KINDS

    for kind, names in (("experts", doc.EXPERT_SECTIONS), ("staff", doc.STAFF_SECTIONS)):
        table = KINDS[kind].sections
        assert set(table) == set(names)
        for name in names:
            assert table[name].ops == doc.SECTIONS[name].ops, name
            assert set(table[name].required) == set(doc.SECTIONS[name].required), name
            assert set(table[name].fields) == set(
                doc.SECTIONS[name].required + doc.SECTIONS[name].optional
            ), name


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: ef.create_expert(firstname="A", lastname="B", email="a@b.c"), "job_title"),
        (lambda: ef.create_staff_member(firstname="A"), "company"),
        (lambda: ef.update_expert(USER, jobtitle="Dean"), "'jobtitle' (did you mean 'job_title'?)"),
        (lambda: ef.update_expert(USER), "no field"),
        (lambda: ef.update_expert(USER, is_private="yes"), "is_private must be 1/0"),
        (lambda: ef.add_section_item(USER, "link", name="Home"), "missing: url"),
        (lambda: ef.add_section_item(USER, "lnk", name="x"), "Did you mean 'link'?"),
        (lambda: ef.update_section_item(USER, "topic", 1, name="x"), "no update for expert"),
        (lambda: ef.add_section_item(USER, "patent", kind="staff", number="1"), "not a writable"),
        (
            lambda: ef.add_section_item(
                USER, "mediaappearance", title="t", organization="o", details="d", type="web"
            ),
            "type must be one of print, online, tv, radio",
        ),
        (lambda: ef.delete_expert(""), "username must be a non-empty string"),
        (lambda: ef.update_expert(USER, deadline=0, job_title="x"), "deadline must be"),
        (lambda: ef.delete_staff_member(USER, deadline=-1), "deadline must be"),
    ],
)
def test_a_bad_write_is_refused_before_any_request(
    plain: PlainService, call: Callable[[], Any], named: str
) -> None:
    with pytest.raises(ef.ConfigurationError, match=None) as caught:
        call()
    assert named in str(caught.value)
    assert writes_received(plain) == []


def test_an_answer_that_is_not_the_documented_one_is_an_api_error(plain: PlainService) -> None:
    path = f"/v2/organization/{ORG}/expert/{USER}"
    answer(plain, "PUT", path, {"data": {"user": USER, "updated": False}, "success": True})
    with pytest.raises(ef.APIError, match="not with the documented shape"):
        ef.update_expert(USER, job_title="Dean")
    plain.server.clear()
    plain.server.expect_request(path, method="DELETE").respond_with_data(
        json.dumps({"ok": 1}), content_type="application/json"
    )
    with pytest.raises(ef.APIError, match="envelope"):
        ef.delete_expert(USER)
