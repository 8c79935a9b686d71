"""Frames from what the service sends: documented columns always, extras as sent, none made up."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

import expertfile_nb as ef
from tests.contract import documented as doc
from tests.contract import pages
from tests.reads.service import PlainService

FIXED = {
    "experts": {
        "username": "string",
        "corporation": "string",
        "topics": "object",
        "tagline": "string",
        "avatar.small": "string",
        "avatar.medium": "string",
        "avatar.large": "string",
        "avatar.original": "string",
    },
    "spotlights": {
        "spotlight_title": "string",
        "tags": "object",
        "tagged_experts": "object",
        "created_date": "datetime64[ns, UTC]",
        "modified_date": "datetime64[ns, UTC]",
        "published_date": "datetime64[ns, UTC]",
        "corporation_id": "Int64",
        "assets": "object",
        "id": "Int64",
        "published": "Int64",
        "year": "string",
        "year-month": "string",
    },
}


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return frame.dtypes.astype(str).to_dict()


@pytest.mark.parametrize("name", ["experts", "spotlights"])
def test_an_empty_result_has_the_documented_columns_and_dtypes(
    plain: PlainService, name: str
) -> None:
    endpoint = next(e for e in doc.LIST_ENDPOINTS if e.name == name)
    plain.route(endpoint.path, {"data": {endpoint.list_key: [], "total": 0}, "success": True})
    frame = getattr(ef, f"get_{name}")()
    assert len(frame) == 0
    assert dtypes(frame) == FIXED[name]  # these columns, these dtypes, this order


def test_a_full_page_has_the_same_columns_and_dtypes_first(plain: PlainService) -> None:
    plain.route(doc.SPOTLIGHTS.path, pages.spotlight_page())
    frame = ef.get_spotlights()
    assert dtypes(frame) == FIXED["spotlights"]


def test_keys_the_documents_do_not_show_are_kept_flattened(plain: PlainService) -> None:
    items = copy.deepcopy(pages.EXPERT_ITEMS)
    items[0]["firstname"] = "Peter"
    items[1]["location"] = {"city": "Lisbon", "country": "PT"}
    plain.route(doc.EXPERTS.path, pages.expert_page(items))
    frame = ef.get_experts()
    extra = list(frame.columns[len(FIXED["experts"]) :])
    assert extra == ["firstname", "location.city", "location.country"]
    assert frame["firstname"].tolist()[0] == "Peter" and pd.isna(frame["firstname"][1])
    assert frame["location.city"].tolist()[1] == "Lisbon"


def test_no_column_is_made_up(plain: PlainService) -> None:
    plain.route(doc.STAFF.path, pages.staff_page())
    frame = ef.get_staff()
    assert list(frame.columns) == [
        "username",
        "corporation",
        "tagline",
        "avatar.small",
        "avatar.medium",
        "avatar.large",
        "avatar.original",
    ]


def test_timestamps_become_utc_datetimes(plain: PlainService) -> None:
    plain.route(doc.SPOTLIGHTS.path, pages.spotlight_page())
    frame = ef.get_spotlights()
    first = frame.iloc[0]
    assert first["published_date"] == pd.Timestamp(1700007200, unit="s", tz="UTC")
    assert first["created_date"] == pd.Timestamp("2023-11-14 22:13:20", tz="UTC")
    assert str(first["published_date"].tz) == "UTC"


def test_a_missing_timestamp_is_nat(plain: PlainService) -> None:
    items = copy.deepcopy(pages.SPOTLIGHT_ITEMS)
    del items[1]["modified_date"]
    plain.route(doc.SPOTLIGHTS.path, pages.spotlight_page(items))
    frame = ef.get_spotlights()
    assert pd.isna(frame["modified_date"][1]) and not pd.isna(frame["modified_date"][0])


def test_a_missing_whole_number_is_na(
    plain: PlainService, caplog: pytest.LogCaptureFixture
) -> None:
    items = copy.deepcopy(pages.SPOTLIGHT_ITEMS)
    del items[0]["corporation_id"]
    plain.route(doc.SPOTLIGHTS.path, pages.spotlight_page(items))
    frame = ef.get_spotlights()
    assert str(frame["corporation_id"].dtype) == "Int64"
    assert pd.isna(frame["corporation_id"][0]) and frame["corporation_id"][1] == pages.ORG
    assert "does not fit" not in caplog.text


def test_topics_become_lists_of_titles(plain: PlainService) -> None:
    plain.route(doc.EXPERTS.path, pages.expert_page())
    frame = ef.get_experts()
    assert frame["topics"].tolist() == [["Infectious Disease", "Genomics"], [], ["Robotics"]]


def test_aggregations_reach_the_user(plain: PlainService) -> None:
    plain.route(doc.SPOTLIGHTS.path, pages.spotlight_page())
    assert ef.get_spotlights().attrs["aggregations"] == pages.SPOTLIGHT_AGGREGATIONS
    plain.route(doc.STAFF.path, pages.staff_page())
    assert ef.get_staff().attrs["aggregations"] is None  # the staff list documents none


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("corporation_id", "not-a-number"),
        ("corporation_id", 1.5),
        ("published", True),
        ("published_date", "2023-11-14"),
        ("year", 2023),
        # valid JSON numbers that no int64 or pandas time can hold: kept, not a crash
        ("created_date", 1e12),
        ("created_date", float("inf")),
        ("id", 2**70),
        ("corporation_id", 1e30),
        ("corporation_id", 9.223372036854776e18),
    ],
)
def test_values_that_do_not_fit_a_column_are_kept_as_sent(
    plain: PlainService, caplog: pytest.LogCaptureFixture, column: str, value: Any
) -> None:
    items = copy.deepcopy(pages.SPOTLIGHT_ITEMS)
    items[0][column] = value
    plain.route(doc.SPOTLIGHTS.path, pages.spotlight_page(items))
    frame = ef.get_spotlights()
    assert frame[column].tolist()[0] == value
    assert frame[column].tolist()[1] == pages.SPOTLIGHT_ITEMS[1][column]
    assert f"column {column!r} does not fit" in caplog.text


def test_a_list_is_never_turned_into_text(plain: PlainService) -> None:
    items = copy.deepcopy(pages.EXPERT_ITEMS)
    items[0]["tagline"] = ["not", "a", "string"]
    plain.route(doc.EXPERTS.path, pages.expert_page(items))
    assert ef.get_experts()["tagline"].tolist()[0] == ["not", "a", "string"]
