"""The fake server serves every documented write as ``tests/contract/writes.py`` says.

For each write: the documented answer shape, the documented validation (a missing
required field or a value outside the documented ones is refused, and nothing
changes), and the change visible to the later reads (section list, by-id read,
profile, list pulls). The shapes and fields come from the documents only.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fake_server import FakeExpertFile
from tests.contract import documented as doc
from tests.contract import vendor_samples as vs
from tests.contract import writes as wr
from tests.helpers import assert_failure, get_token

pytestmark = pytest.mark.filterwarnings("error")


class Client:
    """Plain HTTP to the fake, with a token (no client library: the fake's side of the contract)."""

    def __init__(self, server: FakeExpertFile) -> None:
        self.server = server
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {get_token(server)}"
        self.org = server.org_id

    def send(
        self, w: wr.Write, body: dict[str, str], username: str = "", item_id: object = ""
    ) -> requests.Response:
        url = self.server.url + w.url_path(self.org, username, item_id)
        return self.http.request(w.method, url, data=body, timeout=10)

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(self.server.url + path.format(org=self.org), params=params, timeout=10)

    def data(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def first(self, noun: str = "expert", list_key: str = "experts") -> str:
        rows = self.data(f"/v2/organization/{{org}}/{noun}", page_size=5)[list_key]
        return str(rows[0]["username"])


@pytest.fixture
def client(expertfile_server: FakeExpertFile) -> Client:
    return Client(expertfile_server)


def _ok(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "success"} and body["success"] is True, body
    return body["data"]


def _target(client: Client, w: wr.Write) -> str:
    """A person the write can be about: an expert, or for staff writes someone on the staff list."""
    if w.person == "staff":
        return client.first("employee", "staff")
    return client.first()


def _section_path(w: wr.Write, username: str) -> str:
    return f"/v2/organization/{{org}}/{w.person}/{username}/{w.section}"


def _expected_answer(w: wr.Write, body: dict[str, str]) -> Any:
    if w.name == "create_expert":  # the body echoed as a one-element list
        return [dict.fromkeys(body, str)]
    return w.answer


def _send(
    client: Client, w: wr.Write, body: dict[str, str] | None = None
) -> tuple[requests.Response, str, Any]:
    """Send ``w`` with a valid body to a fresh target; (the response, username, item id)."""
    username = (
        "" if w.person is None or (w.op == "create" and w.section is None) else _target(client, w)
    )
    item_id: Any = ""
    if w.op in ("update", "delete") and w.section is not None:
        add = wr.write(w.name.replace(f"{w.op}_item", "add_item"))
        item_id = _ok(client.send(add, wr.example_body(add), username))["id"]
    if body is None:
        body = wr.example_body(w, username=client.first())
    return client.send(w, body, username, item_id), username, item_id


def _do(client: Client, w: wr.Write, body: dict[str, str] | None = None) -> tuple[Any, str, Any]:
    """Send ``w`` with a valid body to a fresh target; (answer data, username, item id)."""
    response, username, item_id = _send(client, w, body)
    return _ok(response), username, item_id


@pytest.mark.parametrize("w", wr.WRITES, ids=repr)
def test_write_answers_as_documented(client: Client, w: wr.Write) -> None:
    body = wr.example_body(w, username=client.first())
    data, _, item_id = _do(client, w, body)
    assert doc.mismatches(data, _expected_answer(w, body)) == []
    if w.op != "create" and w.section is not None:
        assert data["id"] == item_id  # the item written, not another one


@pytest.mark.parametrize("w", wr.WRITES, ids=repr)
def test_write_takes_only_the_required_fields(client: Client, w: wr.Write) -> None:
    body = wr.example_body(w, required_only=True, username=client.first())
    _do(client, w, body)


def _item(items: list[dict[str, Any]], item_id: Any) -> dict[str, Any] | None:
    return next((i for i in items if str(i.get("id")) == str(item_id)), None)


def _expected_item(w: wr.Write, body: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in w.fields:
        if f.item_key and f.name in body:
            out[f.item_key] = int(body[f.name]) if f.kind != "str" else body[f.name]
    return out


SECTION_WRITES = [w for w in wr.WRITES if w.section is not None]


@pytest.mark.parametrize("w", SECTION_WRITES, ids=repr)
def test_section_write_is_visible_to_reads(client: Client, w: wr.Write) -> None:
    body = wr.example_body(w)
    data, username, item_id = _do(client, w, body)
    items = client.data(_section_path(w, username))
    expected = _expected_item(w, body)
    if w.section in wr.SINGLE_SECTIONS:
        if expected:
            assert items and {k: items[0][k] for k in expected} == expected
        return
    written = _item(items, data["id"] if w.op == "create" else item_id)
    one = client.get(_section_path(w, username) + f"/{item_id or data['id']}")
    if w.op == "delete":
        assert written is None, items
        assert_failure(one, 404, "not_found")
        return
    assert written is not None, items
    assert {k: written[k] for k in expected} == expected
    assert _ok(one) == [written]  # the by-id read: a one-element list
    assert doc.mismatches(written, doc.EXPERT_SECTIONS[w.section]) == []


@pytest.mark.parametrize("w", [w for w in SECTION_WRITES if w.op == "create"], ids=repr)
def test_added_item_shows_in_the_profile(client: Client, w: wr.Write) -> None:
    body = wr.example_body(w)
    _, username, _ = _do(client, w, body)
    profile = client.data(f"/v2/organization/{{org}}/{w.person}/{username}")
    shape = doc.EXPERT_PROFILE if w.person == "expert" else doc.STAFF_PROFILE
    assert doc.mismatches({k: profile[k] for k in shape}, shape) == []
    expected = _expected_item(w, body)
    sections = [
        k for k in profile if k.lower() == w.section or (w.section, k) == ("patent", "patents")
    ]
    found = [item for k in sections for item in profile[k] if isinstance(item, dict)]
    if not sections or not expected or w.section in ("social",):
        return  # the profile documents no such section (or none of the written keys)
    keys = [k for k in expected if any(k in item for item in found)]
    want = {k: expected[k] for k in keys}
    assert any(
        {k: str(item.get(k)) for k in keys} == {k: str(v) for k, v in want.items()}
        for item in found
    ), found


@pytest.mark.parametrize("person", ["expert", "staff"])
def test_person_update_is_visible_to_reads(client: Client, person: str) -> None:
    w = wr.write(f"update_{person}")
    body = wr.example_body(w)
    body |= {"is_published": "0", "is_private": "0"}
    data, username, _ = _do(client, w, body)
    assert data == {"user": username, "updated": True}
    account = client.data(f"/v2/organization/{{org}}/{person}/{username}")["account"][0]
    for f in w.fields:
        if f.item_key:
            assert str(account[f.item_key]) == body[f.name], f.name
    if person == "expert":
        unpublished = client.data(
            "/v2/organization/{org}/expert", status="unpublished", page_size=100
        )
        assert username in [row["username"] for row in unpublished["experts"]]
        published = client.data("/v2/organization/{org}/expert", status="published", page_size=100)
        assert username not in [row["username"] for row in published["experts"]]


@pytest.mark.parametrize("person", ["expert", "staff"])
def test_person_create_is_visible_to_reads(client: Client, person: str) -> None:
    w = wr.write(f"create_{person}")
    body = wr.example_body(w) | {"firstname": "Zelda", "lastname": "Quillfeather"}
    before = client.data("/v2/organization/{org}/employee")["total"]
    data = _ok(client.send(w, body))
    listed = client.data("/v2/organization/{org}/employee", q="quillfeather")["staff"]
    assert len(listed) == 1
    username = listed[0]["username"]
    if person == "staff":
        assert data == {"username": username, "inserted": True}
    else:
        assert [
            row["username"]
            for row in client.data("/v2/organization/{org}/expert", q="quillfeather")["experts"]
        ] == [username]
    assert client.data("/v2/organization/{org}/employee")["total"] == before + 1
    account = client.data(f"/v2/organization/{{org}}/{person}/{username}")["account"][0]
    for f in w.fields:
        if f.item_key:
            assert account[f.item_key] == body[f.name], f.name
    shape = doc.EXPERT_PROFILE if person == "expert" else doc.STAFF_PROFILE
    profile = client.data(f"/v2/organization/{{org}}/{person}/{username}")
    assert doc.mismatches({k: profile[k] for k in shape}, shape) == []


@pytest.mark.parametrize("person", ["expert", "staff"])
def test_person_delete_is_visible_to_reads(client: Client, person: str) -> None:
    w = wr.write(f"delete_{person}")
    username = _target(client, w)
    account_id = client.data(f"/v2/organization/{{org}}/{person}/{username}")["account"][0]["id"]
    data = _ok(client.send(w, {}, username))
    assert data == {"id": account_id, "deleted": True}
    assert_failure(client.get(f"/v2/organization/{{org}}/{person}/{username}"), 404, "not_found")
    rows = client.data("/v2/organization/{org}/employee", page_size=100)["staff"]
    assert username not in [row["username"] for row in rows]
    assert_failure(client.send(w, {}, username), 404, "not_found")


REQUIRED = [(w, f.name) for w in wr.WRITES for f in w.fields if f.required]


@pytest.mark.parametrize(("w", "name"), REQUIRED, ids=lambda v: v if isinstance(v, str) else v.name)
def test_missing_required_field_is_refused_and_changes_nothing(
    client: Client, w: wr.Write, name: str
) -> None:
    username = "" if w.person is None or w.section is None else _target(client, w)
    before = client.data(_section_path(w, username)) if w.section else None
    total = client.data("/v2/organization/{org}/employee")["total"]
    body = wr.example_body(w, username=client.first())
    del body[name]
    response = client.send(w, body, username)
    assert name in assert_failure(response, 400, "invalid_request")["error_description"]
    if w.section:
        assert client.data(_section_path(w, username)) == before
    assert client.data("/v2/organization/{org}/employee")["total"] == total


ENUMS = [(w, f.name) for w in wr.WRITES for f in w.fields if f.values and w.op != "delete"]


@pytest.mark.parametrize(("w", "name"), ENUMS, ids=lambda v: v if isinstance(v, str) else v.name)
def test_value_outside_the_documented_ones_is_refused(
    client: Client, w: wr.Write, name: str
) -> None:
    body = wr.example_body(w, username=client.first()) | {name: "bogus"}
    username = (
        "" if w.person is None or (w.op == "create" and w.section is None) else _target(client, w)
    )
    item_id: Any = ""
    if w.op == "update" and w.section is not None:
        add = wr.write(f"add_item[{w.name.split('[')[1]}")
        item_id = _ok(client.send(add, wr.example_body(add), username))["id"]
    response = client.send(w, body, username, item_id)
    assert name in assert_failure(response, 400, "invalid_request")["error_description"]


def test_lenient_validation_stores_what_was_sent(
    expertfile_server: FakeExpertFile, client: Client
) -> None:
    expertfile_server.write_validation = "lenient"
    w = wr.write("add_item[link]")
    username = client.first()
    data = _ok(client.send(w, {"name": "Only a name"}, username))
    assert _item(client.data(_section_path(w, username)), data["id"]) == {
        "id": data["id"],
        "name": "Only a name",
        "url": "",
    }


def test_json_bodies_are_accepted(client: Client) -> None:
    w = wr.write("add_item[link]")
    username = client.first()
    url = client.server.url + w.url_path(client.org, username)
    data = _ok(
        client.http.post(url, json={"name": "JSON", "url": "https://example.org/j"}, timeout=10)
    )
    assert _item(client.data(_section_path(w, username)), data["id"])["name"] == "JSON"  # type: ignore[index]  # found, or the test fails here


def test_trailing_slash_paths_as_the_vendor_writes_them(client: Client) -> None:
    username = client.first()
    url = client.server.url + f"/v2/organization/{client.org}/expert/{username}/link/"
    assert _ok(client.http.post(url, data={"name": "Slash", "url": "https://e.org"}, timeout=10))[
        "id"
    ]


def test_inquiry_recipient_must_be_an_expert_of_the_organization(client: Client) -> None:
    w = wr.write("inquiry[general]")
    body = wr.example_body(w, username="nobody-at-all")
    response = client.send(w, body)
    assert "username" in assert_failure(response, 400, "invalid_request")["error_description"]


def test_undocumented_section_write_is_405(client: Client) -> None:
    username = client.first()
    topic = client.data(f"/v2/organization/{{org}}/expert/{username}/topic")[0]["id"]
    url = client.server.url + f"/v2/organization/{client.org}/expert/{username}/topic/{topic}"
    response = client.http.put(url, data={"name": "x"}, timeout=10)
    assert_failure(response, 405, "invalid_request")
    assert "PUT" not in response.headers["Allow"]


def test_journal_shows_writes_redacted(expertfile_server: FakeExpertFile, client: Client) -> None:
    w = wr.write("add_item[link]")
    username = client.first()
    secret = expertfile_server.client_secret
    _ok(client.send(w, {"name": f"see {secret}", "url": "https://e.org"}, username))
    entry = expertfile_server.journal[-1]
    assert (entry.method, entry.path, entry.status) == (
        "POST",
        w.url_path(client.org, username),
        200,
    )
    assert entry.form["url"] == "https://e.org"
    assert secret not in repr(entry) and "***" in entry.form["name"]
    assert entry.authorization == "Bearer ***"


def test_reset_restores_the_initial_data(expertfile_server: FakeExpertFile, client: Client) -> None:
    username = client.first()
    path = f"/v2/organization/{{org}}/expert/{username}"
    before = client.data(path)
    _ok(client.send(wr.write("update_expert"), {"job_title": "Changed"}, username))
    assert client.data(path) != before
    expertfile_server.reset()
    assert Client(expertfile_server).data(path) == before


def _initial_item(client: Client, w: wr.Write) -> tuple[str, dict[str, Any]] | None:
    """A person of the initial data with an item in ``w``'s section, and that item."""
    noun, key = ("expert", "experts") if w.person == "expert" else ("employee", "staff")
    rows = client.data(f"/v2/organization/{{org}}/{noun}", page_size=20)[key]
    for row in rows:
        items = client.data(_section_path(w, row["username"]))
        if items:
            return row["username"], items[0]
    return None


@pytest.mark.parametrize("w", [w for w in SECTION_WRITES if w.op != "create"], ids=repr)
def test_initial_items_can_be_updated_and_deleted(client: Client, w: wr.Write) -> None:
    found = _initial_item(client, w)
    if found is None:
        pytest.skip(f"no {w.section} item in the first people of the initial data")
    username, item = found
    body = wr.example_body(w)
    data = _ok(client.send(w, body, username, item["id"]))
    assert data["id"] == item["id"]
    items = client.data(_section_path(w, username))
    one = client.get(_section_path(w, username) + f"/{item['id']}")
    if w.op == "delete":
        assert _item(items, item["id"]) is None
        assert_failure(one, 404, "not_found")
        assert_failure(client.send(w, {}, username, item["id"]), 404, "not_found")
        return
    expected = _expected_item(w, body)
    assert _ok(one) == [item | expected]
    assert _item(items, item["id"]) == item | expected


def test_list_fields_show_written_account_values(client: Client) -> None:
    username = client.first()
    _ok(client.send(wr.write("update_expert"), {"job_title": "Dean of Fields"}, username))
    _ok(client.send(wr.write("create_expert"), wr.example_body(wr.write("create_expert"))))
    rows = client.data(
        "/v2/organization/{org}/expert", fields='["jobtitle","username"]', page_size=100
    )
    by_name = {row["username"]: row for row in rows["experts"]}
    assert by_name[username]["jobtitle"] == "Dean of Fields"
    created = [row for row in rows["experts"] if row["jobtitle"] == "Example job_title"]
    assert len(created) == 1 and "-new-" in created[0]["username"]
    assert doc.mismatches(created[0], doc.EXPERTS.item, exact=False) == []


# -- issue 21: fidelity of the writes -------------------------------------------------------
def test_research_focus_create_keeps_its_subtitle(client: Client) -> None:
    """DOC-SL's *Add Research Focus* lists an optional subtitle (its row reads "sub`title`"):
    the item made shows it in the section's reads, the list and the one by id."""
    w = wr.write("add_item[researchfocus]")
    username = client.first()
    data = _ok(client.send(w, wr.example_body(w) | {"subtitle": "A subtitle"}, username))
    path = _section_path(w, username)
    written = _item(client.data(path), data["id"])
    assert written is not None and written["subtitle"] == "A subtitle", written
    assert _ok(client.get(f"{path}/{data['id']}")) == [written]
    assert doc.mismatches(written, doc.EXPERT_SECTIONS["researchfocus"]) == []


def _inquiry(client: Client, country: str, state: str) -> requests.Response:
    w = wr.write("inquiry[general]")
    body = wr.example_body(w, username=client.first())
    return client.send(w, body | {"location_country": country, "location_state": state})


def test_inquiry_state_is_a_documented_code_in_canada_and_the_us(
    expertfile_server: FakeExpertFile, client: Client
) -> None:
    """DOC-SL, every inquiry's location_state: "if country is Canada or U.S.A valid state or
    province codes must be passed" (the §Helper lists, kept in tests/contract/vendor/)."""
    for country, states in vs.state_codes().items():
        for state in states:
            _ok(_inquiry(client, country, state))
    for country, state in (("FR", "Île-de-France"), ("GB", "ZZ"), ("MX", "ON")):
        _ok(_inquiry(client, country, state))  # elsewhere any text
    sent = len(expertfile_server.store.inquiries)
    for country, state in (("CA", "NY"), ("US", "ON"), ("US", "ZZ"), ("CA", "Ontario")):
        response = _inquiry(client, country, state)
        description = assert_failure(response, 400, "invalid_request")["error_description"]
        assert "location_state" in description and country in description, description
    assert len(expertfile_server.store.inquiries) == sent  # nothing recorded
    expertfile_server.write_validation = "lenient"  # as the other checks: stored as sent
    _ok(_inquiry(client, "US", "ZZ"))


@pytest.mark.parametrize("post_answer", ["as_guessed", "id_null"])
@pytest.mark.parametrize("w", wr.WRITES, ids=repr)
def test_success_as_sampled_answers_each_write_as_its_sample(
    expertfile_server: FakeExpertFile, client: Client, w: wr.Write, post_answer: str
) -> None:
    """With success_key="as_sampled" a write's answer has "success" where its sample has it
    (the biography and tagline POST samples have none), whatever section_post_answer."""
    expertfile_server.success_key = "as_sampled"
    expertfile_server.section_post_answer = post_answer  # type: ignore[assignment]  # a value it takes
    response, _, _ = _send(client, w)
    assert response.status_code == 200, response.text
    sampled = w.sample is None or '"success"' in w.sample
    body = response.json()
    assert set(body) == ({"data", "success"} if sampled else {"data"}), body
    if post_answer == "as_guessed":
        assert doc.mismatches(body["data"], _expected_answer(w, wr.example_body(w))) == []


def test_staff_delete_of_an_expert_deletes_the_expert_or_is_404(
    expertfile_server: FakeExpertFile, client: Client
) -> None:
    """Experts are on the staff list too; DELETE /staff/<an expert> is not documented: the
    fake deletes the person, expert profile included (staff_delete_of_expert="delete"), or
    answers 404 ("404") and changes nothing; a staff member who is no expert is deleted."""
    w = wr.write("delete_staff")
    expert = client.first()
    profile = f"/v2/organization/{{org}}/expert/{expert}"
    assert expertfile_server.staff_delete_of_expert == "delete"
    assert _ok(client.send(w, {}, expert))["deleted"] is True
    assert_failure(client.get(profile), 404, "not_found")
    assert_failure(client.get(f"/v2/organization/{{org}}/staff/{expert}"), 404, "not_found")
    expertfile_server.reset()
    expertfile_server.staff_delete_of_expert = "404"
    client = Client(expertfile_server)
    before = client.data(profile)
    description = assert_failure(client.send(w, {}, expert), 404, "not_found")
    assert "expert" in description["error_description"]
    assert client.data(profile) == before
    rows = client.data("/v2/organization/{org}/employee", page_size=100)["staff"]
    staff_only = next(
        r["username"]
        for r in rows
        if client.get(f"/v2/organization/{{org}}/expert/{r['username']}").status_code == 404
    )
    assert _ok(client.send(w, {}, staff_only))["deleted"] is True
    assert_failure(client.get(f"/v2/organization/{{org}}/staff/{staff_only}"), 404, "not_found")


def _created(client: Client, person: str, lastname: str) -> str:
    """The username of a person created now (the expert create answer does not carry it)."""
    w = wr.write(f"create_{person}")
    _ok(client.send(w, wr.example_body(w) | {"lastname": lastname}))
    rows = client.data("/v2/organization/{org}/employee", q=lastname)["staff"]
    return str(rows[0]["username"])


def _listed(client: Client, person: str, username: str) -> list[bool]:
    """Whether ``username`` is on the published, unpublished, public, private lists."""
    noun, key = ("expert", "experts") if person == "expert" else ("employee", "staff")
    out = []
    for name, value in (
        ("status", "published"),
        ("status", "unpublished"),
        ("access", "public"),
        ("access", "private"),
    ):
        if person == "staff" and name == "status":
            continue  # the staff list documents no status
        rows = client.data(f"/v2/organization/{{org}}/{noun}", page_size=100, **{name: value})
        out.append(username in [r["username"] for r in rows[key]])
    return out


@pytest.mark.parametrize("created", [False, True], ids=["of the data", "created"])
@pytest.mark.parametrize("flag", ["is_published", "is_private"])
@pytest.mark.parametrize("person", ["expert", "staff"])
def test_an_empty_flag_is_refused_or_left_alone(
    expertfile_server: FakeExpertFile, client: Client, person: str, flag: str, created: bool
) -> None:
    """A flag sent empty (a form's ``is_published=``, JSON null) is not 1 or 0: strict
    validation answers 400 naming it and changes nothing; lenient validation leaves the flag
    as it was and stores the rest of the body. Never a 500 (a crash of the store)."""
    w = wr.write(f"update_{person}")
    username = _created(client, person, "Flagless") if created else _target(client, w)
    path = f"/v2/organization/{{org}}/{person}/{username}"
    before, listed = client.data(path), _listed(client, person, username)
    response = client.send(w, {flag: "", "job_title": "Not kept"}, username)
    assert flag in assert_failure(response, 400, "invalid_request")["error_description"]
    assert client.data(path) == before
    expertfile_server.write_validation = "lenient"
    url = client.server.url + w.url_path(client.org, username)
    for sent in (
        client.send(w, {flag: "", "job_title": "Kept"}, username),
        client.http.put(url, json={flag: None, "job_title": "Kept"}, timeout=10),
    ):
        assert _ok(sent) == {"user": username, "updated": True}
    after = client.data(path)
    assert after["account"][0].pop("job_title") == "Kept"
    unchanged = {k: v for k, v in before["account"][0].items() if k != "job_title"}
    assert after["account"][0] == unchanged
    assert _listed(client, person, username) == listed
