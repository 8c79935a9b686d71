"""The fake server answers in the documented shapes (``tests/contract/documented.py``).

Each documented read endpoint's default answer must have exactly the documented
keys and types — list items, single reads, profile sections, aggregations —
and the documented defaults must be the ones the fake applies. The shapes come
from the documents only; a renamed or dropped key in the fake fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from fake_server import FakeExpertFile
from tests.contract import documented as doc
from tests.helpers import get_data, get_token, token_form

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def token(expertfile_server: FakeExpertFile) -> str:
    return get_token(expertfile_server)


def _data(server: FakeExpertFile, path: str, token: str, **params: Any) -> Any:
    response = get_data(server, path, token, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "success"} and body["success"] is True
    return body["data"]


def _usernames(server: FakeExpertFile, token: str, endpoint: doc.ListEndpoint, n: int) -> list[str]:
    path = endpoint.path.format(org=server.org_id)
    rows = _data(server, path, token, page_size=n)[endpoint.list_key]
    return [row["username"] for row in rows]


def test_token_answer_is_documented(expertfile_server: FakeExpertFile) -> None:
    import requests

    response = requests.post(
        expertfile_server.url + doc.TOKEN_PATH, data=token_form(expertfile_server), timeout=10
    )
    body = response.json()
    assert set(body) == {"data", "success"} and body["success"] is True
    assert doc.mismatches(body["data"], doc.TOKEN_DATA) == []
    assert body["data"]["user"] == expertfile_server.org_id


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=repr)
def test_list_page_is_documented(
    expertfile_server: FakeExpertFile, token: str, endpoint: doc.ListEndpoint
) -> None:
    data = _data(expertfile_server, endpoint.path.format(org=expertfile_server.org_id), token)
    assert doc.mismatches(data, endpoint.data) == []
    rows = data[endpoint.list_key]
    assert rows, "the default page is empty: nothing to hold to the documents"
    assert doc.mismatches(rows, [endpoint.item]) == []
    for key in endpoint.timestamps:
        # Unix seconds: after 2000 and before 2100
        assert all(946_684_800 < row[key] < 4_102_444_800 for row in rows)


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=repr)
def test_documented_defaults_are_applied(
    expertfile_server: FakeExpertFile, token: str, endpoint: doc.ListEndpoint
) -> None:
    path = endpoint.path.format(org=expertfile_server.org_id)
    implicit = _data(expertfile_server, path, token)
    defaults = {name: d for name, (d, _) in endpoint.params.items() if d is not None}
    assert _data(expertfile_server, path, token, **defaults) == implicit
    assert len(implicit[endpoint.list_key]) == int(doc.PAGING["page_size"][0] or 0)


@pytest.mark.parametrize(
    ("endpoint", "name", "value"),
    [
        (endpoint, name, value)
        for endpoint in doc.LIST_ENDPOINTS
        for name, (_, allowed) in endpoint.params.items()
        for value in allowed or ()
    ],
    ids=lambda v: v if isinstance(v, str) else repr(v),
)
def test_every_documented_value_is_accepted(
    expertfile_server: FakeExpertFile, token: str, endpoint: doc.ListEndpoint, name: str, value: str
) -> None:
    params = {name: value, "q": "a"} if name == "searchfield" else {name: value}
    data = _data(
        expertfile_server, endpoint.path.format(org=expertfile_server.org_id), token, **params
    )
    assert doc.mismatches(data, endpoint.data) == []


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=repr)
def test_array_parameters_take_json_array_text(
    expertfile_server: FakeExpertFile, token: str, endpoint: doc.ListEndpoint
) -> None:
    path = endpoint.path.format(org=expertfile_server.org_id)
    for name in endpoint.array_params:
        value = '["fullname"]' if name == "fields" else '["x","y"]'
        response = get_data(expertfile_server, path, token, **{name: value})
        assert response.status_code == 200, (name, response.text)


def test_expert_profile_is_documented(expertfile_server: FakeExpertFile, token: str) -> None:
    org = expertfile_server.org_id
    filled: set[str] = set()
    for username in _usernames(expertfile_server, token, doc.EXPERTS, 10):
        data = _data(expertfile_server, f"/v2/organization/{org}/expert/{username}", token)
        assert set(doc.EXPERT_PROFILE) <= set(data)
        assert set(data) - set(doc.EXPERT_PROFILE) <= set(doc.EXPERT_PROFILE_INFERRED)
        documented = {k: v for k, v in data.items() if k in doc.EXPERT_PROFILE}
        assert doc.mismatches(documented, doc.EXPERT_PROFILE) == []
        assert all(isinstance(data[k], list) for k in data)
        assert data["account"][0]["username"] == username
        filled |= {k for k, v in documented.items() if v}
    shaped = {k for k, v in doc.EXPERT_PROFILE.items() if v != doc.ANY_ITEMS}
    assert shaped <= filled, f"never filled, so never checked: {sorted(shaped - filled)}"


@pytest.mark.parametrize("segment", doc.EXPERT_SECTIONS)
def test_expert_sections_are_documented(
    expertfile_server: FakeExpertFile, token: str, segment: str
) -> None:
    org = expertfile_server.org_id
    shape = doc.EXPERT_SECTIONS[segment]
    seen = 0
    for username in _usernames(expertfile_server, token, doc.EXPERTS, 10):
        base = f"/v2/organization/{org}/expert/{username}/{segment}"
        items = _data(expertfile_server, base, token)
        assert doc.mismatches(items, [shape]) == []
        seen += len(items)
        if segment in doc.SECTIONS_WITHOUT_ID or not items:
            continue
        one = _data(expertfile_server, f"{base}/{items[0]['id']}", token)
        assert one == items[:1]  # a one-element list
    assert seen, f"no expert has a {segment} item: nothing to hold to the documents"


def test_staff_member_is_documented(expertfile_server: FakeExpertFile, token: str) -> None:
    org = expertfile_server.org_id
    expertfile_server.max_page_size = 1000
    everyone = _usernames(expertfile_server, token, doc.STAFF, 1000)
    experts = set(_usernames(expertfile_server, token, doc.EXPERTS, 1000))
    staff_only = [u for u in everyone if u not in experts]
    assert staff_only and set(everyone) & experts  # the list holds staff and experts
    for username in (*staff_only[:3], *sorted(set(everyone) & experts)[:3]):
        data = _data(expertfile_server, f"/v2/organization/{org}/staff/{username}", token)
        assert doc.mismatches(data, doc.STAFF_PROFILE) == []
        assert data["account"][0]["username"] == username


def test_spotlight_is_documented(expertfile_server: FakeExpertFile, token: str) -> None:
    org = expertfile_server.org_id
    rows = _data(expertfile_server, f"/v2/spotlight/{org}/search", token)["spotlights"]
    for row in rows[:3]:
        data = _data(expertfile_server, f"/v2/spotlight/{org}/{row['id']}", token)
        assert doc.mismatches(data, doc.SPOTLIGHT_DATA) == []
        (one,) = data["spotlight"]
        assert one["id"] == row["id"] and one["title"] == row["spotlight_title"]
        assert one["published_date"] == row["published_date"]


def test_return_fields_are_the_documented_ones() -> None:
    from fake_server._fields import RETURN_FIELDS

    assert RETURN_FIELDS == doc.RETURN_FIELDS


@pytest.mark.parametrize("endpoint", [doc.EXPERTS, doc.STAFF], ids=repr)
def test_every_return_field_can_be_asked_for(
    expertfile_server: FakeExpertFile, token: str, endpoint: doc.ListEndpoint
) -> None:
    path = endpoint.path.format(org=expertfile_server.org_id)
    fields = "[" + ",".join(f'"{name}"' for name in doc.RETURN_FIELDS) + "]"
    rows = _data(expertfile_server, path, token, fields=fields)[endpoint.list_key]
    assert rows and all(set(doc.RETURN_FIELDS) <= set(row) for row in rows)
    # the default keys stay (the fake's documented choice, fields_mode="add")
    assert doc.mismatches(rows, [endpoint.item], exact=False) == []
