"""The fake answers every documented read (74, plus the token) as the contract says.

For each read of ``vendor_samples.READS`` the fake's answer, over real HTTP, must
have exactly the documented keys and types of ``documented.READ_SHAPES`` — under
its default settings and under each read setting that makes it follow the
vendor's samples more literally (nulls, no ``success``, the older reference's
spellings, the samples' empty items). The shapes come from the documents (and
accept the vendor's own samples: ``test_vendor_fixtures``), never from the fake.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fake_server import FakeExpertFile
from tests.contract import documented as doc
from tests.contract import vendor_samples as vs
from tests.helpers import get_data, get_token, token_form

pytestmark = pytest.mark.filterwarnings("error")

#: the settings under which every read must still be documented
SETTINGS: tuple[dict[str, str], ...] = (
    {},
    {"nulls": "as_sampled"},
    {"success_key": "as_sampled"},
    {"doc_version": "slate"},
    {"guessed_items": "as_sampled"},
    {"inferred_sections": "omit"},
)
_PATHS: dict[tuple[str, str], str] = {}


def _body(server: FakeExpertFile, path: str, token: str, **params: Any) -> Any:
    response = get_data(server, path, token, **params)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def read_path(server: FakeExpertFile, token: str, name: str) -> str:
    """A path for read ``name`` whose answer has items (so there is something to check)."""
    key = (server.url, name)
    if key in _PATHS:
        return _PATHS[key]
    template = vs.SAMPLES[name].path
    org = server.org_id
    values: dict[str, Any] = {"org": org}
    if name.startswith("spotlight."):
        rows = _body(server, f"/v2/spotlight/{org}/search", token)["data"]["spotlights"]
        values["id"] = rows[0]["id"]
    elif "{username}" in template:
        who = name.split(".")[0]
        lists = {
            "expert": f"/v2/organization/{org}/expert",
            "staff": f"/v2/organization/{org}/employee",
        }
        rows = _body(server, lists[who], token, page_size=40)["data"][
            "experts" if who == "expert" else "staff"
        ]
        base = template.removesuffix("/{id}")
        for row in rows:
            path = base.format(org=org, username=row["username"])
            items = _body(server, path, token)["data"]
            if items:
                values["username"] = row["username"]
                if "{id}" in template:
                    values["id"] = items[0]["id"]
                break
        else:
            pytest.fail(f"no one of 40 has a {name} item: nothing to hold to the documents")
    _PATHS[key] = template.format(**values)
    return _PATHS[key]


def fake_problems(
    server: FakeExpertFile, token: str, name: str, settings: dict[str, str]
) -> list[str]:
    """Every way the fake's answer to read ``name`` under ``settings`` differs from the
    contract (empty: documented). ``docs/API_FIDELITY.md`` is made from this."""
    path = read_path(server, token, name)
    before = {setting: getattr(server, setting) for setting in settings}
    for setting, value in settings.items():
        setattr(server, setting, value)
    try:
        response = get_data(server, path, token)
    finally:
        for setting, value in before.items():
            setattr(server, setting, value)
    if response.status_code != 200:
        return [f"{path}: status {response.status_code}"]
    body = response.json()
    problems = [f"undocumented envelope key {k!r}" for k in set(body) - {"data", "success"}]
    if body.get("success", True) is not True:
        problems.append(f"success is {body['success']!r}")
    omitted = settings.get("success_key") == "as_sampled" and name in doc.SUCCESS_OMITTED
    if ("success" in body) == omitted:
        problems.append("success sent where the sample has none" if omitted else "no success")
    data = body.get("data")
    if name == "expert.get" and isinstance(data, dict):  # sections the documents infer
        extra = set(data) - set(doc.EXPERT_PROFILE)
        problems += [
            f"undocumented section {k!r}" for k in extra - set(doc.EXPERT_PROFILE_INFERRED)
        ]
        if extra and settings.get("inferred_sections") == "omit":
            problems.append("inferred sections sent with inferred_sections=omit")
        problems += [
            f"section {k!r} is not an array" for k in extra if not isinstance(data[k], list)
        ]
        data = {k: v for k, v in data.items() if k in doc.EXPERT_PROFILE}
    problems += doc.mismatches(data, doc.READ_SHAPES[name])
    if isinstance(data, list) and not data:
        problems.append("an empty answer: nothing held to the documents")
    if isinstance(data, list) and name.endswith(".get") and len(data) != 1:
        problems.append(f"{len(data)} items where the documents show a one-element list")
    return problems


@pytest.mark.parametrize(
    "settings", SETTINGS, ids=lambda s: ",".join(map("=".join, s.items())) or "default"
)
@pytest.mark.parametrize("name", vs.READS)
def test_every_read_is_documented(
    expertfile_server: FakeExpertFile, name: str, settings: dict[str, str]
) -> None:
    token = get_token(expertfile_server)
    assert fake_problems(expertfile_server, token, name, settings) == []


def test_the_token_is_documented(expertfile_server: FakeExpertFile) -> None:
    response = requests.post(
        expertfile_server.url + vs.SAMPLES["token"].path,
        data=token_form(expertfile_server),
        timeout=10,
    )
    body = response.json()
    assert body["success"] is True
    assert doc.mismatches(body["data"], doc.READ_SHAPES["token"]) == []


@pytest.mark.parametrize(("segment", "key"), doc.NULLABLE, ids=lambda v: str(v))
def test_nulls_as_sampled_sends_null_where_the_samples_do(
    expertfile_server: FakeExpertFile, segment: str, key: str
) -> None:
    token = get_token(expertfile_server)
    path = read_path(expertfile_server, token, f"expert.{segment}.list")
    assert all(item[key] is not None for item in _body(expertfile_server, path, token)["data"])
    expertfile_server.nulls = "as_sampled"
    assert all(item[key] is None for item in _body(expertfile_server, path, token)["data"])


def test_staff_profile_spelling_follows_doc_version(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    path = read_path(expertfile_server, token, "staff.get")
    gitbook = _body(expertfile_server, path, token)["data"]
    assert doc.mismatches(gitbook, doc.STAFF_PROFILE) == []
    expertfile_server.doc_version = "slate"
    slate = _body(expertfile_server, path, token)["data"]
    assert doc.mismatches(slate, doc.STAFF_PROFILE_SLATE) == []
    assert slate["corporationProfile"] == gitbook["corporationprofile"]
    assert "profiletype" not in slate


def test_tag_and_affiliation_items_follow_doc_version(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    for name, slate_keys in (
        ("expert.tag.list", {"id", "name"}),
        ("staff.tag.list", {"id", "name"}),
        ("expert.affiliation.list", {"id", "name", "notes", "link"}),
    ):
        path = read_path(expertfile_server, token, name)
        expertfile_server.doc_version = "gitbook"
        gitbook = _body(expertfile_server, path, token)["data"]
        assert all(set(item) != slate_keys for item in gitbook)
        expertfile_server.doc_version = "slate"
        slate = _body(expertfile_server, path, token)["data"]
        assert all(set(item) == slate_keys for item in slate), name


# -- point 2: the documented default "all" means all -------------------------------------
@pytest.mark.parametrize(
    ("endpoint", "name"),
    [
        (endpoint, name)
        for endpoint in doc.LIST_ENDPOINTS
        for name, (default, _) in endpoint.params.items()
        if default == "all" and name not in ("status", "access")
    ]
    + [(doc.STAFF, "countries"), (doc.STAFF, "companies")],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_all_means_all(
    expertfile_server: FakeExpertFile, endpoint: doc.ListEndpoint, name: str
) -> None:
    token = get_token(expertfile_server)
    path = endpoint.path.format(org=expertfile_server.org_id)
    implicit = _body(expertfile_server, path, token)["data"]
    assert implicit[endpoint.list_key] and implicit["total"] > 0
    assert _body(expertfile_server, path, token, **{name: "all"})["data"] == implicit


# -- point 9: the token endpoint takes a JSON body too ------------------------------------
def test_token_takes_a_json_body_unless_refused(expertfile_server: FakeExpertFile) -> None:
    def post() -> requests.Response:
        return requests.post(
            expertfile_server.token_url, json=token_form(expertfile_server), timeout=10
        )

    accepted = post()
    assert accepted.status_code == 200, accepted.text
    assert doc.mismatches(accepted.json()["data"], doc.TOKEN_DATA) == []
    expertfile_server.token_json = "refuse"
    refused = post()
    assert refused.status_code == 400
    assert "x-www-form-urlencoded" in refused.json()["error_description"]


@pytest.mark.parametrize(
    "body", [b"[]", b'{"client_id": 1}', b"{", b"\xff"], ids=["array", "number", "cut", "bytes"]
)
def test_unreadable_json_token_bodies_are_400(
    expertfile_server: FakeExpertFile, body: bytes
) -> None:
    response = requests.post(
        expertfile_server.token_url,
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# -- point 7: parameters as the documents give them ---------------------------------------
def test_companies_is_a_plain_string_whatever_array_params_says(
    expertfile_server: FakeExpertFile,
) -> None:
    token = get_token(expertfile_server)
    org = expertfile_server.org_id
    path = f"/v2/organization/{org}/expert"
    user = _body(expertfile_server, path, token, page_size=1)["data"]["experts"][0]["username"]
    company = _body(expertfile_server, f"{path}/{user}", token)["data"]["account"][0]["company"]
    one = _body(expertfile_server, path, token, companies=company)["data"]
    assert one["total"] > 0
    expertfile_server.array_params = "comma"  # arrays split at commas; companies is no array
    assert _body(expertfile_server, path, token, companies=company)["data"] == one
    assert _body(expertfile_server, path, token, companies=f"{company},x")["data"]["total"] == 0


@pytest.mark.parametrize(
    ("endpoint", "name", "value"),
    [
        ("spotlights", "access", "all"),
        ("spotlights", "sort", "name"),
        ("staff", "status", "published"),
        ("staff", "topics", '["x"]'),
    ],
)
def test_parameters_an_endpoint_does_not_list_are_ignored_or_refused(
    expertfile_server: FakeExpertFile, endpoint: str, name: str, value: str
) -> None:
    token = get_token(expertfile_server)
    path = {e.name: e.path for e in doc.LIST_ENDPOINTS}[endpoint].format(
        org=expertfile_server.org_id
    )
    plain = _body(expertfile_server, path, token)["data"]
    assert _body(expertfile_server, path, token, **{name: value})["data"] == plain
    expertfile_server.unlisted_params = "refuse"
    response = get_data(expertfile_server, path, token, **{name: value})
    assert response.status_code == 400 and name in response.json()["error_description"]
