"""The client against the documents: documented pages served verbatim by a plain server.

Not ``fake_server``: a plain ``pytest_httpserver.HTTPServer`` answers each documented
read with the hand-written page of ``pages.py`` (which ``test_documented_pages.py``
holds to ``documented.py``). The client must return the documented values under the
documented keys and columns, and no column the service did not send; and it must
send each documented parameter under its documented name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import expertfile_nb as ef
from tests.contract import documented as doc
from tests.contract import pages
from tests.reads.service import SECRETS, PlainService

PAGES = {
    "experts": pages.expert_page(),
    "staff": pages.staff_page(),
    "spotlights": pages.spotlight_page(),
}
GET = {"experts": ef.get_experts, "staff": ef.get_staff, "spotlights": ef.get_spotlights}
ITER = {"experts": ef.iter_experts, "staff": ef.iter_staff, "spotlights": ef.iter_spotlights}


@pytest.fixture(scope="module")
def server() -> Iterator[PlainService]:
    service = PlainService().start()
    yield service
    service.stop()


@pytest.fixture
def plain(
    server: PlainService, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[PlainService]:
    """The plain server, logged in to; fails the test if its secret or token was shown."""
    yield server.begin()
    shown = "".join(capsys.readouterr()) + caplog.text
    assert not any(secret in shown for secret in SECRETS), "LEAK: the secret or token was shown"


def flat(shape: Any, prefix: str = "") -> list[str]:
    """The column names of a documented item shape: nested objects joined with '.'."""
    names: list[str] = []
    for key, sub in shape.items():
        names += flat(sub, f"{prefix}{key}.") if isinstance(sub, dict) else [prefix + key]
    return names


def expected(endpoint: doc.ListEndpoint, item: dict[str, Any], column: str) -> Any:
    """The documented value of ``column``, as the frame documents it."""
    value: Any = item
    for part in column.split("."):
        value = value[part]
    if column in endpoint.timestamps:
        return pd.Timestamp(value, unit="s", tz="UTC")
    if column == "topics":
        return [t["title"] for t in value]  # the documented conversion
    return value


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_documented_list_pages_become_documented_columns(
    plain: PlainService, endpoint: doc.ListEndpoint
) -> None:
    page = PAGES[endpoint.name]
    plain.route(endpoint.path, page)
    frame = GET[endpoint.name]()
    assert list(frame.columns) == flat(endpoint.item)  # documented, in order; none made up
    items = page["data"][endpoint.list_key]
    assert len(frame) == len(items)
    for row, item in zip(frame.to_dict("records"), items, strict=True):
        for column in frame.columns:
            assert row[column] == expected(endpoint, item, column), column
    assert frame.attrs["aggregations"] == page["data"].get("aggregations")


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_iterators_yield_the_documented_records_verbatim(
    plain: PlainService, endpoint: doc.ListEndpoint
) -> None:
    page = PAGES[endpoint.name]
    plain.route(endpoint.path, page)
    assert list(ITER[endpoint.name]()) == page["data"][endpoint.list_key]


def _value(name: str, default: str | None, allowed: tuple[str, ...] | None) -> Any:
    if allowed:
        return allowed[-1]
    if name == "fields":
        return ["username"]
    if name == "month":
        return "11"  # the client refuses a month outside 1-12
    if name == "year":
        return "2024"
    if name == "countries":
        return ["CA", "US"]  # documented codes (the client checks them)
    return "x" if name in ("q", "searchfield") else ["x"]


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_each_documented_parameter_is_sent_under_its_name(
    plain: PlainService, endpoint: doc.ListEndpoint
) -> None:
    plain.route(endpoint.path, {"data": {endpoint.list_key: [], "total": 0}, "success": True})
    params = {n: spec for n, spec in endpoint.params.items() if n not in doc.PAGING}
    GET[endpoint.name](**{n: _value(n, *spec) for n, spec in params.items()})
    sent = plain.data_queries()[0]
    assert set(sent) == set(params) | set(doc.PAGING)
    for name in endpoint.array_params:
        assert sent[name].startswith("[") and sent[name].endswith("]")  # JSON-array text


def test_get_expert_is_the_documented_profile(plain: PlainService) -> None:
    plain.route("/v2/organization/{org}/expert/peter.evans", pages.EXPERT_PROFILE)
    profile = ef.get_expert("peter.evans")
    assert profile == pages.EXPERT_PROFILE["data"]
    assert doc.mismatches(profile, doc.EXPERT_PROFILE) == []


def test_get_expert_section_is_the_documented_list(plain: PlainService) -> None:
    plain.route("/v2/organization/{org}/expert/peter.evans/education", pages.EXPERT_EDUCATION)
    education = ef.get_expert("peter.evans", "education")
    assert education == pages.EXPERT_EDUCATION["data"]
    assert doc.mismatches(education, [doc.EXPERT_SECTIONS["education"]]) == []


def test_every_documented_expert_section_can_be_asked_for(plain: PlainService) -> None:
    for section in doc.EXPERT_SECTIONS:
        plain.route(
            f"/v2/organization/{{org}}/expert/peter.evans/{section}", pages.EXPERT_EDUCATION
        )
        assert ef.get_expert("peter.evans", section) == pages.EXPERT_EDUCATION["data"]


def test_get_staff_member_is_the_documented_profile(plain: PlainService) -> None:
    plain.route("/v2/organization/{org}/staff/mira.okafor", pages.STAFF_PROFILE)
    member = ef.get_staff_member("mira.okafor")
    documented = dict(pages.STAFF_PROFILE["data"])
    # the current site's spelling is given as the older reference's (one spelling for users)
    documented["corporationProfile"] = documented.pop("corporationprofile")
    assert member == documented


def test_get_spotlight_is_the_documented_record(plain: PlainService) -> None:
    plain.route("/v2/spotlight/{org}/9001", pages.SPOTLIGHT_ONE)
    spotlight = ef.get_spotlight(9001)
    sent = pages.SPOTLIGHT_ONE["data"]["spotlight"][0]
    # Unix seconds become UTC datetimes, as in get_spotlights' frame; the rest as sent
    for key in ("published_date", "created"):
        assert spotlight.pop(key) == pd.Timestamp(sent[key], unit="s", tz="UTC")
    assert spotlight == {k: v for k, v in sent.items() if k not in ("published_date", "created")}


@pytest.mark.parametrize("empty_first", [True, False], ids=["empty first", "empty last"])
def test_a_staff_profile_with_both_spellings_keeps_the_one_holding_data(
    plain: PlainService, empty_first: bool
) -> None:
    """A page carrying ``corporationProfile: []`` and ``corporationprofile: [item]`` (in
    either order) gives the item under the one spelling; nothing is lost."""
    documented = dict(pages.STAFF_PROFILE["data"])
    items = documented.pop("corporationprofile")
    both = (
        {"corporationProfile": [], "corporationprofile": items}
        if empty_first
        else {"corporationprofile": items, "corporationProfile": []}
    )
    page = {"data": {**documented, **both}, "success": True}
    plain.route("/v2/organization/{org}/staff/mira.okafor", page)
    member = ef.get_staff_member("mira.okafor")
    assert member == {**documented, "corporationProfile": items}


@pytest.mark.parametrize("empty_first", [True, False])
def test_the_profiles_frame_keeps_the_spelling_holding_data(
    plain: PlainService, empty_first: bool
) -> None:
    """``get_profiles`` reads the same page as ``get_staff_member``: its
    ``corporationProfile`` column holds the item whichever spelling carries it."""
    documented = dict(pages.STAFF_PROFILE["data"])
    items = documented.pop("corporationprofile")
    both = (
        {"corporationProfile": [], "corporationprofile": items}
        if empty_first
        else {"corporationprofile": items, "corporationProfile": []}
    )
    page = {"data": {**documented, **both}, "success": True}
    plain.route("/v2/organization/{org}/staff/mira.okafor", page)
    frame = ef.get_profiles(["mira.okafor"], kind="staff", sections=["corporationProfile"])
    assert frame.loc[0, "corporationProfile"] == items


def test_a_staff_profile_with_two_different_spellings_keeps_every_item(
    plain: PlainService,
) -> None:
    """Both spellings holding items: the older reference's first, then the current site's
    items it does not already hold (each once)."""
    documented = dict(pages.STAFF_PROFILE["data"])
    (item,) = documented.pop("corporationprofile")
    other = {**item, "id": item["id"] + 1, "name": "Another Corporation"}
    page = {
        "data": {**documented, "corporationprofile": [other, item], "corporationProfile": [item]},
        "success": True,
    }
    plain.route("/v2/organization/{org}/staff/mira.okafor", page)
    assert ef.get_staff_member("mira.okafor")["corporationProfile"] == [item, other]
