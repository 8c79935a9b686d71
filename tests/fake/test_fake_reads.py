"""The staff and spotlight lists honour their documented parameters; single reads find records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import FakeExpertFile
from tests.helpers import assert_failure, get_data, get_token


@pytest.fixture
def token(expertfile_server: FakeExpertFile) -> str:
    return get_token(expertfile_server)


def _data(server: FakeExpertFile, path: str, token: str, **params: Any) -> Any:
    server.max_page_size = 2000
    response = get_data(server, path.format(org=server.org_id), token, page_size=2000, **params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


STAFF = "/v2/organization/{org}/employee"
SPOTLIGHTS = "/v2/spotlight/{org}/search"
FIELDS = '["fullname","country","company"]'


def test_staff_list_holds_experts_and_staff_only_people(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    staff = {r["username"] for r in _data(expertfile_server, STAFF, token)["staff"]}
    experts = {
        r["username"]
        for r in _data(expertfile_server, "/v2/organization/{org}/expert", token)["experts"]
    }
    assert experts < staff  # the public experts are staff too, and some staff are not experts


@pytest.mark.parametrize("name", ["countries", "companies"])
def test_staff_filters(expertfile_server: FakeExpertFile, token: str, name: str) -> None:
    everyone = _data(expertfile_server, STAFF, token, fields=FIELDS)["staff"]
    key = {"countries": "country", "companies": "company"}[name]
    value = everyone[0][key]
    expected = [r["username"] for r in everyone if r[key] == value]
    found = _data(expertfile_server, STAFF, token, **{name: json.dumps([value])})
    assert [r["username"] for r in found["staff"]] == expected
    assert found["total"] == len(expected) < len(everyone)


def test_staff_access_and_search(expertfile_server: FakeExpertFile, token: str) -> None:
    public = _data(expertfile_server, STAFF, token)["total"]
    private = _data(expertfile_server, STAFF, token, access="private")["total"]
    assert public > private > 0
    assert_failure(
        get_data(
            expertfile_server, STAFF.format(org=expertfile_server.org_id), token, access="all"
        ),
        400,
        "invalid_request",
    )
    person = _data(expertfile_server, STAFF, token, fields=FIELDS)["staff"][3]
    found = _data(expertfile_server, STAFF, token, q=person["fullname"], searchfield="fullname")
    assert person["username"] in [r["username"] for r in found["staff"]]
    featured = _data(expertfile_server, STAFF, token, sort="featured")["staff"]
    assert sorted(r["username"] for r in featured) == sorted(
        r["username"] for r in _data(expertfile_server, STAFF, token)["staff"]
    )


def test_spotlight_filters(expertfile_server: FakeExpertFile, token: str) -> None:
    every = _data(expertfile_server, SPOTLIGHTS, token)
    rows = every["spotlights"]
    assert every["total"] == len(rows) > 0
    years = {r["year"] for r in rows}
    assert len(years) >= 5  # dates spread over years
    dates = [r["published_date"] for r in rows]
    assert dates == sorted(dates, reverse=True)

    def ids(**params: Any) -> list[int]:
        return [
            r["id"] for r in _data(expertfile_server, SPOTLIGHTS, token, **params)["spotlights"]
        ]

    assert ids(status="published") == [r["id"] for r in rows if r["published"] == 1]
    assert ids(status="unpublished") == [r["id"] for r in rows if r["published"] == 0]
    sample = rows[3]
    tag, person = sample["tags"][0], sample["tagged_experts"][0]
    assert ids(tags=json.dumps([tag])) == [r["id"] for r in rows if tag in r["tags"]]
    assert ids(tagged=json.dumps([person])) == [
        r["id"] for r in rows if person in r["tagged_experts"]
    ]
    year, month = sample["year-month"].split("-")
    assert ids(year=year) == [r["id"] for r in rows if r["year"] == year]
    assert ids(year=year, month=str(int(month))) == [
        r["id"] for r in rows if r["year-month"] == sample["year-month"]
    ]
    assert sample["id"] in ids(q=sample["spotlight_title"].split(":")[1].strip())
    assert every["aggregations"]["year"] == {
        y: sum(r["year"] == y for r in rows) for y in sorted(years)
    }


@pytest.mark.parametrize(
    "params", [{"month": "13"}, {"year": "24"}, {"status": "draft"}, {"tags": "[1]"}]
)
def test_bad_spotlight_query_is_400(
    expertfile_server: FakeExpertFile, token: str, params: dict[str, str]
) -> None:
    response = get_data(
        expertfile_server, SPOTLIGHTS.format(org=expertfile_server.org_id), token, **params
    )
    assert_failure(response, 400, "invalid_request")


@pytest.mark.parametrize(
    "path",
    [
        "/v2/organization/{org}/expert/nobody",
        "/v2/organization/{org}/expert/nobody/education",
        "/v2/organization/{org}/expert/{expert}/nosuchsection",
        "/v2/organization/{org}/expert/{expert}/education/999999999",
        "/v2/organization/{org}/expert/{staff_only}",
        "/v2/organization/{org}/staff/nobody",
        "/v2/organization/{org}/staff/{expert}/patent",
        "/v2/spotlight/{org}/1",
        "/v2/spotlight/{org}/not-a-number",
    ],
)
def test_unknown_records_are_404(expertfile_server: FakeExpertFile, token: str, path: str) -> None:
    staff = _data(expertfile_server, STAFF, token)["staff"]
    experts = _data(expertfile_server, "/v2/organization/{org}/expert", token)["experts"]
    expert_names = {e["username"] for e in experts}
    staff_only = next(r["username"] for r in staff if r["username"] not in expert_names)
    url = path.format(
        org=expertfile_server.org_id, expert=experts[0]["username"], staff_only=staff_only
    )
    assert_failure(get_data(expertfile_server, url, token), 404, "not_found")


def test_staff_sections_and_media_segments(expertfile_server: FakeExpertFile, token: str) -> None:
    username = _data(expertfile_server, STAFF, token)["staff"][0]["username"]
    org = expertfile_server.org_id
    education = get_data(
        expertfile_server, f"/v2/organization/{org}/staff/{username}/education", token
    ).json()["data"]
    assert isinstance(education, list) and education
    videos = [
        get_data(
            expertfile_server, f"/v2/organization/{org}/expert/{e['username']}/media/youtube", token
        ).json()["data"]
        for e in _data(expertfile_server, "/v2/organization/{org}/expert", token)["experts"][:10]
    ]
    assert any(videos) and all(isinstance(v, list) for v in videos)


def test_every_segment_the_fake_serves_answers(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    from fake_server._layouts import EXPERT_SEGMENTS

    org = expertfile_server.org_id
    experts = _data(expertfile_server, "/v2/organization/{org}/expert", token)["experts"][:30]
    for segment in EXPERT_SEGMENTS:
        for expert in experts:  # some people have items in a section, others none
            path = f"/v2/organization/{org}/expert/{expert['username']}/{segment}"
            response = get_data(expertfile_server, path, token)
            assert response.status_code == 200, (segment, response.text)
    assert expertfile_server.handler_errors == []
