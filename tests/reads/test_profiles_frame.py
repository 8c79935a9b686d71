"""get_profiles: whole profiles in bulk, one verified row per person.

Against the documented profiles served by a plain server (never the fake's habits), and
against the fake server for the whole organization.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb._reads.profiles import PROFILE_COLUMNS, PROFILE_SECTIONS
from fake_server import FakeExpertFile
from tests.contract import pages
from tests.reads.service import PlainService

EXPERT = "/v2/organization/{org}/expert/"
STAFF = "/v2/organization/{org}/staff/"


def profile_of(username: str, firstname: str = "Peter") -> dict[str, Any]:
    """The documented expert profile, as another person."""
    body = copy.deepcopy(pages.EXPERT_PROFILE)
    body["data"]["account"][0].update(username=username, firstname=firstname)
    return body


def test_a_row_is_the_documented_account(plain: PlainService) -> None:
    plain.route(EXPERT + "peter.evans", pages.EXPERT_PROFILE)
    frame = ef.get_profiles(["peter.evans"])
    account = pages.EXPERT_PROFILE["data"]["account"][0]
    row = frame.iloc[0]
    assert list(frame["username"]) == ["peter.evans"]
    for field in ("firstname", "lastname", "job_title", "email", "company", "location_city"):
        assert row[field] == account[field]
    assert row["id"] == account["id"] and str(frame["id"].dtype) == "Int64"
    # documented writable fields the sample does not carry are there, missing, not made up
    assert frame["department"].isna().all() and str(frame["department"].dtype) == "string"
    assert frame["is_published"].isna().all() and str(frame["is_published"].dtype) == "Int64"
    assert frame.attrs["kind"] == "experts"


def test_every_person_once_in_the_order_asked(plain: PlainService) -> None:
    names = [f"p{i}" for i in range(9)]
    for i, name in enumerate(names):
        plain.route(EXPERT + name, profile_of(name, f"First{i}"))
    frame = ef.get_profiles([*reversed(names), "p3"], workers=3)
    assert list(frame["username"]) == list(reversed(names))  # a repeat is read once
    assert list(frame["firstname"]) == [f"First{i}" for i in reversed(range(9))]
    assert len(plain.data_queries()) == 9


def test_another_persons_account_is_refused(plain: PlainService) -> None:
    plain.route(EXPERT + "peter.evans", profile_of("someone.else"))
    with pytest.raises(ef.IncompleteDataError, match="another person"):
        ef.get_profiles(["peter.evans"])


def test_an_account_without_its_username_is_refused(plain: PlainService) -> None:
    # the documented accounts (both kinds) carry the username: one without it cannot be
    # checked to be the person asked for
    body = profile_of("a")
    del body["data"]["account"][0]["username"]
    plain.route(EXPERT + "a", body)
    with pytest.raises(ef.IncompleteDataError, match="without its username"):
        ef.get_profiles(["a"])


@pytest.mark.parametrize("accounts", [[], [{"username": "a"}, {"username": "a"}]])
def test_a_profile_without_its_one_account_is_refused(
    plain: PlainService, accounts: list[Any]
) -> None:
    body = profile_of("a")
    body["data"]["account"] = accounts
    plain.route(EXPERT + "a", body)
    with pytest.raises(ef.IncompleteDataError, match="'a' came back with"):
        ef.get_profiles(["a"])


def test_a_failing_profile_ends_the_call_naming_the_person(plain: PlainService) -> None:
    plain.route(EXPERT + "ok", profile_of("ok"))

    def broken(_request: Request) -> Response:
        return Response("oops", status=500)

    plain.route(EXPERT + "broken", broken)
    with pytest.raises(ef.IncompleteDataError, match="'broken' failed after retries"):
        ef.get_profiles(["ok", "broken"], workers=1)


def test_an_unknown_person_is_not_found(plain: PlainService) -> None:
    plain.server.expect_request(f"/v2/organization/{pages.ORG}/expert/nobody").respond_with_json(
        {"success": False, "error": "not_found", "error_description": "no such user"}, status=404
    )
    with pytest.raises(ef.NotFoundError):
        ef.get_profiles(["nobody"])


def test_sections_are_columns_of_lists(plain: PlainService) -> None:
    plain.route(EXPERT + "peter.evans", pages.EXPERT_PROFILE)
    frame = ef.get_profiles("peter.evans", sections=["education", "link", "tagline"])
    assert frame.loc[0, "education"] == pages.EXPERT_PROFILE["data"]["education"]
    assert frame.loc[0, "link"] == []  # not in the documented sample: an empty list
    assert list(frame.columns[-2:]) == ["education", "link"]  # tagline is a text column


def test_biography_and_tagline_are_text_columns(plain: PlainService) -> None:
    body = profile_of("a")
    body["data"]["tagline"] = [{"tagline": "Bees, mostly"}]
    plain.route(EXPERT + "a", body)
    empty = profile_of("b")
    empty["data"]["biography"] = []
    plain.route(EXPERT + "b", empty)
    frame = ef.get_profiles(["a", "b"])
    text = pages.EXPERT_PROFILE["data"]["biography"][0]["biography"]
    assert frame.loc[0, "biography"] == text and frame.loc[0, "tagline"] == "Bees, mostly"
    assert frame.loc[1, ["biography", "tagline"]].isna().all()
    assert str(frame["biography"].dtype) == "string"


@pytest.mark.parametrize("spelling", ["corporationprofile", "corporationProfile"])
def test_staff_corporation_profile_has_one_spelling(plain: PlainService, spelling: str) -> None:
    body = copy.deepcopy(pages.STAFF_PROFILE)
    body["data"][spelling] = body["data"].pop("corporationprofile")
    plain.route(STAFF + "mira.okafor", body)
    frame = ef.get_profiles(["mira.okafor"], kind="staff", sections=["corporationProfile"])
    assert frame.loc[0, "corporationProfile"] == [pages.CORPORATION_PROFILE]
    assert frame.loc[0, "department"] == "Communications"
    assert frame.loc[0, "is_published"] == 1


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"kind": "expert"}, "kind"),
        ({"usernames": [3.5]}, "username"),
        ({"usernames": ["ok", ".."]}, "username"),
        ({"usernames": 5}, "usernames"),
        ({"sections": ["biografy"]}, "Did you mean 'biography'"),
        ({"sections": ["patents"], "kind": "staff"}, "not a documented section"),
        ({"workers": 0}, "workers"),
    ],
)
def test_wrong_arguments_are_refused_before_any_request(
    plain: PlainService, arguments: dict[str, Any], words: str
) -> None:
    arguments.setdefault("usernames", ["peter.evans"])
    with pytest.raises(ef.ConfigurationError, match=words):
        ef.get_profiles(**arguments)
    assert plain.data_queries() == []


def test_everyone_from_the_fake(expertfile_server: FakeExpertFile) -> None:
    expertfile_server.experts = 23
    ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=expertfile_server.url
    )
    listed = ef.get_experts(access="all")
    frame = ef.get_profiles(workers=4)
    assert sorted(frame["username"]) == sorted(listed["username"])
    one = ef.get_expert(frame.loc[5, "username"])["account"][0]
    assert frame.loc[5, "email"] == one["email"] and frame.loc[5, "lastname"] == one["lastname"]
    assert frame["firstname"].notna().all()


def test_a_username_with_spaces_is_read_once_as_itself(plain: PlainService) -> None:
    plain.route(EXPERT + "a", profile_of("a"))
    frame = ef.get_profiles([" a", "a ", "a"])
    assert list(frame["username"]) == ["a"] and len(plain.data_queries()) == 1


def test_all_sections_keep_biography_and_tagline_as_text(plain: PlainService) -> None:
    plain.route(STAFF + "mira.okafor", pages.STAFF_PROFILE)
    frame = ef.get_profiles("mira.okafor", kind="staff", sections="all")
    fixed = list(PROFILE_COLUMNS["staff"])
    lists = [s for s in PROFILE_SECTIONS["staff"] if s not in ("biography", "tagline")]
    assert list(frame.columns) == [*fixed, *lists]
    assert str(frame["biography"].dtype) == "string"
