"""get_expert, get_staff_member, get_spotlight: the documented single reads, and what is not."""

from __future__ import annotations

from typing import Any

import pytest

import expertfile_nb as ef
from tests.contract import pages
from tests.reads.service import PlainService

PROFILE = "/v2/organization/{org}/expert/peter.evans"
SPOTLIGHT = "/v2/spotlight/{org}/9001"


def test_a_section_is_its_own_request(plain: PlainService) -> None:
    plain.route(PROFILE + "/education", pages.EXPERT_EDUCATION)
    plain.route(PROFILE + "/media/youtube", {"data": [], "success": True})
    assert ef.get_expert("peter.evans", "education") == pages.EXPERT_EDUCATION["data"]
    assert ef.get_expert("peter.evans", section="media/youtube") == []


def test_a_misspelt_section_is_refused_with_the_closest(plain: PlainService) -> None:
    with pytest.raises(ef.ConfigurationError, match="Did you mean 'education'"):
        ef.get_expert("peter.evans", "educaton")
    with pytest.raises(ef.ConfigurationError, match="not a documented section"):
        ef.get_staff_member("mira.okafor", "patent")  # an expert section, not a staff one
    assert plain.data_queries() == []


def test_usernames_are_one_path_segment(plain: PlainService) -> None:
    plain.route("/v2/organization/{org}/expert/a/b c", pages.EXPERT_PROFILE)  # as decoded
    assert ef.get_expert("a/b c")["account"] == pages.EXPERT_PROFILE["data"]["account"]
    request, _response = plain.server.log[-1]
    assert request.environ["REQUEST_URI"].endswith("/expert/a%2Fb%20c")


@pytest.mark.parametrize("username", ["", "   ", None, 3.5, True, ".", ".."])
def test_an_empty_or_odd_username_is_refused(username: Any) -> None:
    with pytest.raises(ef.ConfigurationError, match="username"):
        ef.get_expert(username)


def test_not_found_is_typed(plain: PlainService) -> None:
    plain.server.expect_request("/v2/organization/777/staff/nobody").respond_with_json(
        {"success": False, "error": "not_found", "error_description": "no such user"}, status=404
    )
    with pytest.raises(ef.NotFoundError, match="no such user"):
        ef.get_staff_member("nobody")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (PROFILE, {"data": [], "success": True}),  # a profile is an object
        (PROFILE, {"data": {"account": {"id": 1}}, "success": True}),  # of lists
        (PROFILE, {"data": {}, "success": False}),
        (PROFILE, {"success": True}),
        (PROFILE + "/education", {"data": {"education": []}, "success": True}),  # a list
    ],
)
def test_an_undocumented_profile_shape_is_an_api_error(
    plain: PlainService, path: str, body: Any
) -> None:
    plain.route(path, body)
    with pytest.raises(ef.APIError, match="documented"):
        ef.get_expert("peter.evans", "education" if path.endswith("education") else None)


def test_a_spotlight_is_unwrapped(plain: PlainService) -> None:
    plain.route(SPOTLIGHT, pages.SPOTLIGHT_ONE)
    sent = pages.SPOTLIGHT_ONE["data"]["spotlight"][0]
    for spotlight in (ef.get_spotlight(9001), ef.get_spotlight("9001")):
        assert spotlight["title"] == sent["title"] and spotlight["id"] == sent["id"]
        assert spotlight["created"].timestamp() == sent["created"]  # a UTC datetime
        assert spotlight["created"].tzinfo is not None


@pytest.mark.parametrize(
    "data",
    [
        {"spotlight": []},
        {"spotlight": [{"id": 1}, {"id": 2}]},
        {"spotlight": {"id": 1}},
        {"spotlight": ["x"]},
        [{"id": 1}],
        {"id": 1},
    ],
)
def test_anything_but_one_spotlight_is_an_api_error(plain: PlainService, data: Any) -> None:
    plain.route(SPOTLIGHT, {"data": data, "success": True})
    with pytest.raises(ef.APIError, match="one record"):
        ef.get_spotlight(9001)


def test_a_deeply_nested_answer_is_an_api_error(plain: PlainService) -> None:
    from werkzeug.wrappers import Response

    deep = b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b', "success": true}'
    plain.route(PROFILE, lambda _r: Response(deep, content_type="application/json"))
    with pytest.raises(ef.APIError, match="envelope"):
        ef.get_expert("peter.evans")


def test_an_item_by_id_is_unwrapped_and_checked(plain: PlainService) -> None:
    one = pages.EXPERT_EDUCATION_ONE
    plain.route(PROFILE + "/education/12", one)
    assert ef.get_section_item("peter.evans", "education", 12) == one["data"][0]
    two = {"data": [{"id": 7, "name": "a", "url": "u"}] * 2, "success": True}
    plain.route(PROFILE + "/link/7", two)  # two items: not "a specific" one
    with pytest.raises(ef.APIError, match="one-element list"):
        ef.get_section_item("peter.evans", "link", "7")


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (("peter.evans", "biography", 1), "not a documented section"),  # one record: no id
        (("peter.evans", "educaton", 1), "Did you mean 'education'"),
        (("peter.evans", "education", ""), "item_id"),
        (("peter.evans", "education", True), "item_id"),
    ],
)
def test_an_item_read_checks_its_arguments_first(
    plain: PlainService, arguments: tuple[Any, ...], words: str
) -> None:
    with pytest.raises(ef.ConfigurationError, match=words):
        ef.get_section_item(*arguments)
    with pytest.raises(ef.ConfigurationError, match="kind"):
        ef.get_section_item("peter.evans", "education", 1, kind="expert")  # type: ignore[arg-type]
    assert plain.data_queries() == []


@pytest.mark.parametrize("success", ["true", None, 1, False], ids=repr)
def test_a_success_that_is_not_true_is_never_success(plain: PlainService, success: Any) -> None:
    # absent is read by its data (the vendor's samples); present, only true is success
    plain.route(PROFILE, {**pages.EXPERT_PROFILE, "success": success})
    with pytest.raises(ef.APIError, match="envelope"):
        ef.get_expert("peter.evans")


def test_a_spotlight_keeps_a_non_number_time_as_sent(plain: PlainService) -> None:
    record = {**pages.SPOTLIGHT_ONE["data"]["spotlight"][0], "created": True}
    plain.route(SPOTLIGHT, {"data": {"spotlight": [record]}, "success": True})
    assert ef.get_spotlight(9001)["created"] is True  # never 1970-01-01 00:00:01


def test_a_staff_profile_has_one_spelling(plain: PlainService) -> None:
    plain.route("/v2/organization/{org}/staff/mira.okafor", pages.STAFF_PROFILE)
    assert "corporationprofile" in pages.STAFF_PROFILE["data"]  # the current site's
    profile = ef.get_staff_member("mira.okafor")
    assert profile["corporationProfile"] == pages.STAFF_PROFILE["data"]["corporationprofile"]
    assert "corporationprofile" not in profile
