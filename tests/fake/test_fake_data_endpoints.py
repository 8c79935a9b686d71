"""The fake server's data endpoints: bearer checks, paging, filters, shapes."""

from __future__ import annotations

import json

import pytest

from fake_server import FakeExpertFile
from tests.helpers import assert_failure, get_data, get_token

EXPERTS = "/v2/organization/{org}/expert"


@pytest.fixture
def token(expertfile_server: FakeExpertFile) -> str:
    return get_token(expertfile_server)


def experts_path(server: FakeExpertFile) -> str:
    return EXPERTS.format(org=server.org_id)


def test_list_shape(expertfile_server: FakeExpertFile, token: str) -> None:
    response = get_data(expertfile_server, experts_path(expertfile_server), token, page_size=3)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == {"experts", "total", "aggregations"}
    assert len(data["experts"]) == 3
    assert isinstance(data["total"], int) and data["total"] > 3
    assert isinstance(data["aggregations"], dict)
    expert = data["experts"][0]
    # API_REFERENCE 3.1: exactly these keys, corporation a string
    assert set(expert) == {"username", "corporation", "topics", "tagline", "avatar"}
    assert isinstance(expert["corporation"], str)
    assert set(expert["avatar"]) == {"small", "medium", "large", "original"}
    assert all(set(t) == {"title"} for t in expert["topics"])


def test_default_page_size_is_ten(expertfile_server: FakeExpertFile, token: str) -> None:
    data = get_data(expertfile_server, experts_path(expertfile_server), token).json()["data"]
    assert len(data["experts"]) == 10


def test_records_are_deterministic_for_a_seed(
    token: str, expertfile_server: FakeExpertFile
) -> None:
    first = get_data(expertfile_server, experts_path(expertfile_server), token, page_size=50).json()
    with FakeExpertFile() as other:
        second = get_data(other, experts_path(other), get_token(other), page_size=50).json()
    assert first == second


def test_paging_by_offset_covers_every_row_once(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    expertfile_server.experts = 230
    seen: list[str] = []
    total = None
    for start in range(0, 400, 100):
        data = get_data(
            expertfile_server,
            experts_path(expertfile_server),
            token,
            page_size=100,
            page_from=start,
        ).json()["data"]
        total = data["total"]
        seen += [e["username"] for e in data["experts"]]
    assert total == len(seen) == len(set(seen))


def test_page_mode_reads_page_from_as_page_number(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    path = experts_path(expertfile_server)
    by_offset = get_data(expertfile_server, path, token, page_size=10, page_from=20).json()["data"]
    expertfile_server.paging = "page"
    by_page = get_data(expertfile_server, path, token, page_size=10, page_from=2).json()["data"]
    assert by_offset["experts"] == by_page["experts"]


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": -1},
        {"page_size": "ten"},
        {"page_from": -5},
        {"page_from": "1.5"},
        {"access": "everyone"},
        {"status": "draft"},
        {"sort": "age"},
        {"countries": '["CA", 1]'},
        {"countries": "[not json"},
    ],
)
def test_bad_query_is_400(
    expertfile_server: FakeExpertFile, token: str, params: dict[str, object]
) -> None:
    response = get_data(expertfile_server, experts_path(expertfile_server), token, **params)
    assert_failure(response, 400, "invalid_request")


def test_max_page_size_is_configurable(expertfile_server: FakeExpertFile, token: str) -> None:
    expertfile_server.max_page_size = 500
    data = get_data(expertfile_server, experts_path(expertfile_server), token, page_size=500).json()
    assert len(data["data"]["experts"]) == data["data"]["total"]


def test_oversize_page_is_capped_by_default(expertfile_server: FakeExpertFile, token: str) -> None:
    data = get_data(expertfile_server, experts_path(expertfile_server), token, page_size=150).json()
    assert len(data["data"]["experts"]) == 100 < data["data"]["total"]


def test_oversize_page_can_be_refused(expertfile_server: FakeExpertFile, token: str) -> None:
    expertfile_server.oversize_pages = "refuse"
    response = get_data(expertfile_server, experts_path(expertfile_server), token, page_size=101)
    assert "page_size" in assert_failure(response, 400, "invalid_request")["error_description"]
    assert get_data(expertfile_server, experts_path(expertfile_server), token, page_size=100).ok


def _total(server: FakeExpertFile, token: str, **params: object) -> int:
    response = get_data(server, experts_path(server), token, page_size=100, **params)
    assert response.status_code == 200, response.text
    total: int = response.json()["data"]["total"]
    return total


def _all(server: FakeExpertFile, token: str, **params: object) -> list[dict[str, object]]:
    """Every matching expert, with the return fields ``fields`` names (default keys kept)."""
    server.max_page_size = 1000
    params.setdefault("fields", '["firstname","lastname","country"]')
    response = get_data(server, experts_path(server), token, page_size=1000, **params)
    experts: list[dict[str, object]] = response.json()["data"]["experts"]
    return experts


def test_country_filter_json_array_and_comma_list(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    everyone = _all(expertfile_server, token)
    expected = sum(1 for e in everyone if e["country"] in ("CA", "US"))
    assert 0 < expected < len(everyone)
    assert _total(expertfile_server, token, countries=json.dumps(["CA", "US"])) == expected
    assert _total(expertfile_server, token, countries="CA,US") == 0  # one value, "CA,US"
    expertfile_server.array_params = "comma"
    assert _total(expertfile_server, token, countries="CA,US") == expected


def test_topic_filter(expertfile_server: FakeExpertFile, token: str) -> None:
    everyone = _all(expertfile_server, token)
    expected = sum(1 for e in everyone if {"title": "Genomics"} in e["topics"])  # type: ignore[operator]  # a list of dicts
    assert expected > 0
    assert _total(expertfile_server, token, topics='["Genomics"]') == expected


def test_q_searches_names_taglines_and_topics(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    everyone = _all(expertfile_server, token)
    target = everyone[7]
    found = _all(expertfile_server, token, q=str(target["lastname"]).upper())
    assert target in found
    assert all(str(target["lastname"]).lower() in json.dumps(e).lower() for e in found)
    topic = _all(expertfile_server, token, q="genomics")
    by_name = _all(expertfile_server, token, q="genomics", searchfield="fullname")
    assert topic and not by_name  # searchfield=fullname: the name only


def test_status_and_access_filters_partition(expertfile_server: FakeExpertFile, token: str) -> None:
    every = _total(expertfile_server, token, status="all", access="all")
    assert every == expertfile_server.experts
    published = _total(expertfile_server, token, status="published", access="all")
    unpublished = _total(expertfile_server, token, status="unpublished", access="all")
    assert published + unpublished == every
    public = _total(expertfile_server, token)  # the documented defaults: public, any status
    assert public == _total(expertfile_server, token, access="public", status="all")
    assert public < every


def test_sort_by_name_is_the_default(expertfile_server: FakeExpertFile, token: str) -> None:
    experts = _all(expertfile_server, token)
    keys = [(str(e["lastname"]), str(e["firstname"])) for e in experts]
    assert keys == sorted(keys)
    assert experts == _all(expertfile_server, token, sort="name")


def test_fields_adds_the_requested_return_fields(
    expertfile_server: FakeExpertFile, token: str
) -> None:
    expert = get_data(
        expertfile_server, experts_path(expertfile_server), token, fields='["fullname","email"]'
    ).json()["data"]["experts"][0]
    assert set(expert) == {"username", "corporation", "topics", "tagline", "avatar"} | {
        "fullname",
        "email",
    }
    expertfile_server.fields_mode = "only"
    expert = get_data(
        expertfile_server, experts_path(expertfile_server), token, fields='["fullname","email"]'
    ).json()["data"]["experts"][0]
    assert set(expert) == {"fullname", "email"}


def test_unknown_return_field_is_400(expertfile_server: FakeExpertFile, token: str) -> None:
    response = get_data(
        expertfile_server, experts_path(expertfile_server), token, fields='["fulname"]'
    )
    assert "fulname" in assert_failure(response, 400, "invalid_request")["error_description"]


def test_detail_has_sections(expertfile_server: FakeExpertFile, token: str) -> None:
    username = get_data(expertfile_server, experts_path(expertfile_server), token).json()["data"][
        "experts"
    ][0]["username"]
    data = get_data(
        expertfile_server, f"{experts_path(expertfile_server)}/{username}", token
    ).json()["data"]
    for section in ("account", "biography", "topic", "education", "industry"):
        assert isinstance(data[section], list)
    assert data["account"][0]["username"] == username
    assert set(data["biography"][0]) == {"biography"}
    assert isinstance(data["industry"][0]["id"], str)


def test_unknown_username_is_404(expertfile_server: FakeExpertFile, token: str) -> None:
    response = get_data(
        expertfile_server, f"{experts_path(expertfile_server)}/no-such-person", token
    )
    assert_failure(response, 404, "not_found")


def test_staff_and_spotlights(expertfile_server: FakeExpertFile, token: str) -> None:
    org = expertfile_server.org_id
    staff = get_data(
        expertfile_server, f"/v2/organization/{org}/employee", token, page_size=5
    ).json()
    spot = get_data(expertfile_server, f"/v2/spotlight/{org}/search", token, page_size=5).json()
    assert len(staff["data"]["staff"]) == 5 and staff["data"]["total"] > expertfile_server.experts
    assert len(spot["data"]["spotlights"]) == 5 and spot["data"]["total"] > 0


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc", "Bearer "])
def test_missing_or_unknown_token_is_401(
    expertfile_server: FakeExpertFile, header: str | None
) -> None:
    import requests

    headers = {"Authorization": header} if header else {}
    response = requests.get(
        expertfile_server.url + experts_path(expertfile_server), headers=headers, timeout=10
    )
    assert_failure(response, 401, "invalid_token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_by_clock_is_401(expertfile_server: FakeExpertFile, token: str) -> None:
    expertfile_server.advance_clock(30 * 24 * 3600 + 1)
    body = assert_failure(
        get_data(expertfile_server, experts_path(expertfile_server), token), 401, "invalid_token"
    )
    assert "expired" in body["error_description"]


def test_expire_tokens_and_revoke(expertfile_server: FakeExpertFile, token: str) -> None:
    other = get_token(expertfile_server)
    expertfile_server.revoke(token)
    assert_failure(
        get_data(expertfile_server, experts_path(expertfile_server), token), 401, "invalid_token"
    )
    assert get_data(expertfile_server, experts_path(expertfile_server), other).status_code == 200
    expertfile_server.expire_tokens()
    assert_failure(
        get_data(expertfile_server, experts_path(expertfile_server), other), 401, "invalid_token"
    )
    fresh = get_token(expertfile_server)
    assert get_data(expertfile_server, experts_path(expertfile_server), fresh).status_code == 200


def test_token_of_another_org_is_403(expertfile_server: FakeExpertFile, token: str) -> None:
    response = get_data(expertfile_server, "/v2/organization/1/expert", token)
    assert_failure(response, 403, "forbidden")


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/expert"), ("PUT", "/employee"), ("POST", "/expert/{user}/cv")],
)
def test_undocumented_write_is_405(
    expertfile_server: FakeExpertFile, token: str, method: str, path: str
) -> None:
    """A write the documents do not list (deleting the whole list, writing a read-only
    section) is 405; the documented writes are served (tests/contract/test_fake_writes_contract)."""
    import requests

    org = experts_path(expertfile_server)
    user = requests.get(
        expertfile_server.url + org, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()["data"]["experts"][0]["username"]
    url = expertfile_server.url + org.rsplit("/", 1)[0] + path.format(user=user)
    response = requests.request(
        method, url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert_failure(response, 405, "invalid_request")


def test_unknown_path_is_404(expertfile_server: FakeExpertFile, token: str) -> None:
    assert_failure(get_data(expertfile_server, "/v2/nothing/here", token), 404, "not_found")


def test_hundred_thousand_experts(token: str, expertfile_server: FakeExpertFile) -> None:
    expertfile_server.experts = 100_000
    first = get_data(
        expertfile_server,
        experts_path(expertfile_server),
        token,
        page_size=100,
        status="all",
        access="all",
    )
    assert first.json()["data"]["total"] == 100_000
    last = get_data(
        expertfile_server,
        experts_path(expertfile_server),
        token,
        page_size=100,
        page_from=99_950,
        status="all",
        access="all",
    ).json()["data"]["experts"]
    assert len(last) == 50
