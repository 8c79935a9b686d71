"""The hand-written pages in ``pages.py`` have exactly the documented shapes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract import documented as doc
from tests.contract import pages


@pytest.mark.parametrize(
    ("page", "shape"),
    [
        (pages.TOKEN["data"], doc.TOKEN_DATA),
        (pages.expert_page()["data"], doc.EXPERTS.data),
        (pages.staff_page()["data"], doc.STAFF.data),
        (pages.spotlight_page()["data"], doc.SPOTLIGHTS.data),
        (pages.EXPERT_PROFILE["data"], doc.EXPERT_PROFILE),
        (pages.STAFF_PROFILE["data"], doc.STAFF_PROFILE),
        (pages.SPOTLIGHT_ONE["data"], doc.SPOTLIGHT_DATA),
        (pages.EXPERT_EDUCATION["data"], [doc.EXPERT_SECTIONS["education"]]),
    ],
    ids=["token", "experts", "staff", "spotlights", "expert", "staff_member", "spotlight", "edu"],
)
def test_page_has_the_documented_shape(page: Any, shape: Any) -> None:
    assert doc.mismatches(page, shape) == []


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_list_items_have_the_documented_shape(endpoint: doc.ListEndpoint) -> None:
    page = {"experts": pages.expert_page, "staff": pages.staff_page}.get(
        endpoint.name, pages.spotlight_page
    )()
    assert doc.mismatches(page["data"][endpoint.list_key], [endpoint.item]) == []


def test_the_checker_notices_a_renamed_or_dropped_key() -> None:
    item = dict(pages.EXPERT_ITEMS[0])
    item["user_name"] = item.pop("username")
    problems = doc.mismatches(item, doc.EXPERTS.item)
    assert "data: missing key 'username'" in problems
    assert "data: undocumented key 'user_name'" in problems
    assert doc.mismatches({"id": True}, {"id": int}) != []  # a bool is not an int
    assert doc.mismatches({"a": 1}, {"a": 1 and int, "b": str}, exact=False) == [
        "data: missing key 'b'"
    ]


def test_return_fields_are_the_45_documented_names() -> None:
    assert len(doc.RETURN_FIELDS) == len(set(doc.RETURN_FIELDS)) == 45
