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
from tests.contract import writes as doc
from tests.reads.service import PlainService

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


def concrete(shape: Any) -> Any:
    """A value of a documented shape (ints 2, strings "text", null, lists of one)."""
    if shape is doc.NULL:
        return None
    if isinstance(shape, dict):
        return {key: concrete(sub) for key, sub in shape.items()}
    if isinstance(shape, list):
        return [concrete(shape[0])] if shape else []
    return {int: 2, str: "text", bool: True}[shape]


def documented_answer(w: doc.Write) -> dict[str, Any]:
    """The vendor's sample verbatim where it is valid JSON in the envelope; else one of the
    documented shape."""
    try:
        sample = json.loads(w.sample or "")
    except ValueError:
        sample = None
    if isinstance(sample, dict) and sample.get("success") is True:
        return sample
    return {"data": concrete(w.answer), "success": True}


def call_for(w: doc.Write, body: dict[str, str]) -> Callable[[], Any]:
    """The client function of a documented write, called with ``body``."""
    kind = "experts" if w.person == "expert" else "staff"
    noun = "expert" if w.person == "expert" else "staff_member"
    if w.name.startswith("inquiry["):
        return lambda: ef.send_inquiry(w.path.rsplit("/", 1)[-1], **body)
    if w.section is None:
        if w.op == "create":
            return lambda: getattr(ef, f"create_{noun}")(**body)
        if w.op == "update":
            return lambda: getattr(ef, f"update_{noun}")(USER, **body)
        return lambda: getattr(ef, f"delete_{noun}")(USER)
    section = w.section
    if w.op == "create":
        return lambda: ef.add_section_item(USER, section, kind=kind, **body)  # type: ignore[arg-type] # kind is one of the two
    if w.op == "update":
        return lambda: ef.update_section_item(USER, section, 7, kind=kind, **body)  # type: ignore[arg-type] # kind is one of the two
    return lambda: ef.delete_section_item(USER, section, 7, kind=kind)  # type: ignore[arg-type] # kind is one of the two


@pytest.mark.parametrize("w", doc.WRITES, ids=lambda w: w.name)
def test_every_documented_write_sends_the_form_and_returns_the_documented_data(
    plain: PlainService, w: doc.Write
) -> None:
    body = doc.example_body(w, username=USER)
    path = w.url_path(ORG, USER, 7)
    documented = documented_answer(w)
    answer(plain, w.method, path, documented)
    got = call_for(w, body)()
    [(method, sent_path, form, ctype)] = writes_received(plain)
    assert (method, sent_path, form) == (w.method, path, body)
    if body:
        assert ctype == "application/x-www-form-urlencoded"
    data = documented["data"]
    one = isinstance(data, list) and len(data) == 1  # an echo, or a single section's list
    assert got == (data[0] if one else data)


@pytest.mark.parametrize("w", [w for w in doc.WRITES if w.required], ids=lambda w: w.name)
def test_each_required_field_is_checked_before_any_request(
    plain: PlainService, w: doc.Write
) -> None:
    body = doc.example_body(w, username=USER)
    for name in w.required:
        with pytest.raises(ef.ConfigurationError) as caught:
            call_for(w, {k: v for k, v in body.items() if k != name})()
        assert name in str(caught.value)
    assert writes_received(plain) == []


ENUMS = [(w, f) for w in doc.WRITES for f in w.fields if f.values and w.op != "delete"]


@pytest.mark.parametrize(("w", "field"), ENUMS, ids=[f"{w.name}-{f.name}" for w, f in ENUMS])
def test_a_value_outside_a_documented_list_is_refused(
    plain: PlainService, w: doc.Write, field: doc.Field
) -> None:
    body = doc.example_body(w, username=USER) | {field.name: "not-documented"}
    with pytest.raises(ef.ConfigurationError, match=field.name):
        call_for(w, body)()
    assert writes_received(plain) == []


def test_the_client_table_is_the_documented_one() -> None:
    from expertfile_nb._edits.table import (
        ACCOUNT_CREATE,
        ACCOUNT_REQUIRED,
        ACCOUNT_UPDATE,
        INQUIRIES,
        KINDS,
    )

    names = {"create": "add", "update": "update", "delete": "delete"}
    for kind, person, ops in (
        ("experts", "expert", doc.EXPERT_SECTION_OPS),
        ("staff", "staff", doc.STAFF_SECTION_OPS),
    ):
        table = KINDS[kind].sections
        assert set(table) == set(ops)
        for section, allowed in ops.items():
            assert table[section].ops == {names[o] for o in allowed}, section
            fields = doc.SECTION_CREATE_FIELDS[section]
            assert set(table[section].required) == {f.name for f in fields if f.required}
            assert set(table[section].fields) == {f.name for f in fields}, section
        assert set(ACCOUNT_CREATE) == set(doc.write(f"create_{person}").field_names)
        assert set(ACCOUNT_REQUIRED) == set(doc.write(f"create_{person}").required)
        assert set(ACCOUNT_UPDATE) == set(doc.write(f"update_{person}").field_names)
    assert set(INQUIRIES) == set(doc.INQUIRY_TYPES)


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
        (
            lambda: ef.add_section_item(
                USER, "education", institution="U", degree="D", date="1998-05"
            ),
            "date must be a whole number",
        ),
        (lambda: ef.send_inquiry("gossip", message="x"), "inquiry_type must be one of"),
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
