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
from tests.helpers import assert_failure, get_data, get_token, token_form

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
    for suffix in (".list", ".get"):  # both samples show the null
        path = read_path(expertfile_server, token, f"expert.{segment}{suffix}")
        expertfile_server.nulls = "never"
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


# -- each setting does all its ASSUMPTIONS entry says, not just what one probe sees ------
def test_guessed_items_as_sampled_sends_the_samples_empty_items(
    expertfile_server: FakeExpertFile,
) -> None:
    token = get_token(expertfile_server)
    expertfile_server.guessed_items = "as_sampled"
    org = expertfile_server.org_id
    experts = _body(expertfile_server, f"/v2/organization/{org}/expert", token)["data"]
    assert experts["aggregations"] == vs.parsed("expert.list")["data"]["aggregations"]
    spotlights = _body(expertfile_server, f"/v2/spotlight/{org}/search", token)["data"]
    assert spotlights["aggregations"] == vs.parsed("spotlight.list")["data"]["aggregations"]
    (sampled_row,) = vs.parsed("spotlight.list")["data"]["spotlights"]
    for row in spotlights["spotlights"]:
        assert {k: row[k] for k in ("tags", "tagged_experts", "assets")} == {
            k: sampled_row[k] for k in ("tags", "tagged_experts", "assets")
        }
    (record,) = _body(
        expertfile_server, read_path(expertfile_server, token, "spotlight.get"), token
    )["data"]["spotlight"]
    (sampled,) = vs.parsed("spotlight.get")["data"]["spotlight"]
    assert (record["tags"], record["tagged_experts"]) == (
        sampled["tags"],
        sampled["tagged_experts"],
    )
    for name in ("expert.get", "staff.get"):  # both documents show avatar (and profiletype) []
        profile = _body(expertfile_server, read_path(expertfile_server, token, name), token)["data"]
        guessed = [k for k in ("avatar", "profiletype") if k in profile]
        assert guessed and all(profile[k] == [] for k in guessed), (name, guessed)


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_unlisted_params_refuse_still_takes_every_documented_parameter(
    expertfile_server: FakeExpertFile, endpoint: doc.ListEndpoint
) -> None:
    token = get_token(expertfile_server)
    expertfile_server.unlisted_params = "refuse"
    path = endpoint.path.format(org=expertfile_server.org_id)
    values = {"q": "a", "fields": "username", "searchfield": "fullname"}
    for name, (default, _) in endpoint.params.items():
        response = get_data(
            expertfile_server, path, token, **{name: default or values.get(name, "x")}
        )
        assert response.status_code == 200, (name, response.text)


def test_the_staff_lists_plain_parameters_are_never_split(
    expertfile_server: FakeExpertFile,
) -> None:
    """The staff list's countries and fields are plain strings (undocumented as arrays):
    with array_params=comma the experts' are split at commas, the staff list's are not."""
    token = get_token(expertfile_server)
    expertfile_server.array_params = "comma"
    org = expertfile_server.org_id
    experts, staff = f"/v2/organization/{org}/expert", f"/v2/organization/{org}/employee"
    assert _body(expertfile_server, experts, token, countries="US,CA")["data"]["total"] > 0
    assert _body(expertfile_server, staff, token, countries="US")["data"]["total"] > 0
    assert _body(expertfile_server, staff, token, countries="US,CA")["data"]["total"] == 0
    assert get_data(expertfile_server, experts, token, fields="email,city").status_code == 200
    refused = get_data(expertfile_server, staff, token, fields="email,city")
    assert refused.status_code == 400 and "email,city" in refused.json()["error_description"]


def test_foreign_org_status_404_answers_not_found(expertfile_server: FakeExpertFile) -> None:
    token = get_token(expertfile_server)
    url = f"/v2/organization/{expertfile_server.org_id + 1}/expert"
    assert_failure(get_data(expertfile_server, url, token), 403, "forbidden")
    expertfile_server.foreign_org_status = 404
    assert_failure(get_data(expertfile_server, url, token), 404, "not_found")


def test_month_as_year_month_means_that_month_of_that_year(
    expertfile_server: FakeExpertFile,
) -> None:
    """ASSUMPTIONS: month takes 1 to 12 or year-month such as 2024-05 — the latter is May
    2024 (as month=5&year=2024), not May of every year; a year that disagrees is a 400."""
    token = get_token(expertfile_server)
    path = f"/v2/spotlight/{expertfile_server.org_id}/search"
    every = _body(expertfile_server, path, token, page_size=100)["data"]["spotlights"]
    year_month = every[3]["year-month"]
    year, month = year_month.split("-")

    def ids(**params: str) -> list[int]:
        rows = _body(expertfile_server, path, token, page_size=100, **params)["data"]
        return [row["id"] for row in rows["spotlights"]]

    expected = [row["id"] for row in every if row["year-month"] == year_month]
    assert expected and len(ids(month=month)) > len(expected)  # other years have that month
    assert ids(month=year_month) == ids(month=month, year=year) == expected
    assert ids(month=year_month, year=year) == expected
    other = str(int(year) + 1)
    refused = get_data(expertfile_server, path, token, month=year_month, year=other)
    assert_failure(refused, 400, "invalid_request")
    assert "year" in refused.json()["error_description"]


#: the reads of one person (their profile, and each section list or item)
PERSON_READS = [name for name in vs.READS if "{username}" in vs.SAMPLES[name].path]


@pytest.mark.parametrize("name", PERSON_READS)
def test_reads_of_a_person_written_to_are_still_documented(
    expertfile_server: FakeExpertFile, name: str
) -> None:
    """A write to a person makes the store answer that person's reads: each must still be
    documented under every read setting (no "success" where the samples have none)."""
    token = get_token(expertfile_server)
    path = read_path(expertfile_server, token, name)
    person, username = path.split("/")[4:6]
    response = requests.put(
        f"{expertfile_server.url}/v2/organization/{expertfile_server.org_id}/{person}/{username}",
        data={"job_title": "Written to"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert expertfile_server.store.person(expertfile_server.org_id, username) is not None
    for settings in SETTINGS:
        assert fake_problems(expertfile_server, token, name, settings) == [], settings
