"""get_profiles: whole profiles in bulk, one row per person, verified."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import expertfile_nb as ef
from expertfile_nb._profiles import ACCOUNT_COLUMNS
from tests.contract import pages
from tests.pull.service import Listing, PlainService

EXPERT = "/v2/organization/{org}/expert/"
STAFF = "/v2/organization/{org}/staff/"


def _profile(base: dict[str, Any], username: str, **account: Any) -> dict[str, Any]:
    body = copy.deepcopy(base)
    body["data"]["account"][0].update(username=username, **account)
    return body


def _serve_experts(plain: PlainService, names: list[str]) -> None:
    for name in names:
        plain.route(EXPERT + name, _profile(pages.EXPERT_PROFILE, name, firstname=name.upper()))


def test_one_row_per_username_with_the_account_columns(plain: PlainService) -> None:
    _serve_experts(plain, ["peter.evans", "ana.lima"])
    frame = ef.get_profiles(["peter.evans", "ana.lima", "peter.evans"], workers=2)
    assert list(frame.columns[: len(ACCOUNT_COLUMNS)]) == list(ACCOUNT_COLUMNS)
    assert list(frame["username"]) == ["peter.evans", "ana.lima"]
    assert list(frame["firstname"]) == ["PETER.EVANS", "ANA.LIMA"]
    sent = pages.EXPERT_PROFILE["data"]["account"][0]
    assert frame.loc[0, "job_title"] == sent["job_title"]
    assert frame.loc[0, "email"] == sent["email"]
    for name, dtype in ACCOUNT_COLUMNS.items():
        assert str(frame[name].dtype) == dtype, name
    assert frame["is_private"].isna().all()  # not in the profile: missing, not made up


def test_usernames_none_means_everyone_in_the_list(plain: PlainService) -> None:
    names = [item["username"] for item in pages.EXPERT_ITEMS]
    plain.list_endpoint(EXPERT.rstrip("/"), Listing("experts", pages.EXPERT_ITEMS))
    _serve_experts(plain, names)
    frame = ef.get_profiles(progress=False)
    assert list(frame["username"]) == names


def test_staff_profiles_and_sections_as_list_columns(plain: PlainService) -> None:
    body = _profile(pages.STAFF_PROFILE, "mira.okafor")
    plain.route(STAFF + "mira.okafor", body)
    frame = ef.get_profiles("mira.okafor", kind="staff", sections=["biography", "tagline"])
    assert frame.loc[0, "department"] == body["data"]["account"][0]["department"]
    assert frame.loc[0, "is_published"] == body["data"]["account"][0]["is_published"]
    assert frame.loc[0, "biography"] == body["data"]["biography"]
    assert frame.loc[0, "tagline"] == body["data"]["tagline"]


def test_a_missing_profile_is_named_and_nothing_returned(plain: PlainService) -> None:
    _serve_experts(plain, ["peter.evans"])
    plain.server.expect_request(
        EXPERT.format(org=pages.ORG) + "nobody", method="GET"
    ).respond_with_json({"success": False, "error": "not_found"}, status=404)
    with pytest.raises(ef.IncompleteDataError, match="'nobody'"):
        ef.get_profiles(["peter.evans", "nobody"])


def test_another_persons_profile_is_refused(plain: PlainService) -> None:
    plain.route(EXPERT + "peter.evans", _profile(pages.EXPERT_PROFILE, "ana.lima"))
    with pytest.raises(ef.IncompleteDataError, match=r"'ana\.lima'"):
        ef.get_profiles(["peter.evans"])


def test_a_profile_without_its_account_is_refused(plain: PlainService) -> None:
    body = copy.deepcopy(pages.EXPERT_PROFILE)
    body["data"]["account"] = []
    plain.route(EXPERT + "peter.evans", body)
    with pytest.raises(ef.IncompleteDataError, match="account"):
        ef.get_profiles(["peter.evans"])


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ({"kind": "expert"}, "kind"),
        ({"workers": 0}, "workers"),
        ({"sections": ["educaton"]}, "educaton"),
        ({"usernames": ["ok", ""]}, "usernames"),
    ],
)
def test_bad_arguments_are_typed(plain: PlainService, arguments: dict[str, Any], word: str) -> None:
    arguments = {"usernames": ["peter.evans"], **arguments}
    with pytest.raises(ef.ConfigurationError, match=word):
        ef.get_profiles(**arguments)
    assert plain.data_queries() == []
