"""Single writes and their read-back (issue 21): a write the service made and then failed
is confirmed by reading it back, never resent blindly, never a crash.

Two kinds of servers:

- the bundled fake (``FakeExpertFile``), which keeps a write and then fails it on request
  (``fail_after_write_next``, ``drop_after_write_next``);
- a plain ``pytest_httpserver`` directory (:class:`Directory`) answering the documented
  routes and shapes, where a test scripts what the service does with each write and how
  its reads show the result (a lag before a new record is searchable, values shown as
  floats or with spaces, people only the private staff list shows).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest
import urllib3.exceptions
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb._edits.send import compare_value
from fake_server import FakeExpertFile
from tests.contract import pages
from tests.reads.service import PlainService

ORG = pages.ORG
BASE = f"/v2/organization/{ORG}"
WRITES = ("POST", "PUT", "DELETE")
ADA: dict[str, Any] = {
    "firstname": "Ada",
    "lastname": "Quill",
    "job_title": "Analyst",
    "email": "ada@example.org",
    "company": "Example",
}


# -- the bundled fake --------------------------------------------------------------------


def _writes(fake: FakeExpertFile) -> list[tuple[str, str]]:
    return [
        (e.method, e.path) for e in fake.journal if e.method in WRITES and "/oauth/" not in e.path
    ]


def _someone(fake: FakeExpertFile) -> str:
    frame = ef.get_experts(limit=1, progress=False, access="all", status="all")
    return str(frame.username.iloc[0])


def _links(username: str) -> list[dict[str, Any]]:
    session = ef.get_session()
    answer = session.get(f"/v2/organization/{session.org_id}/expert/{username}/link").json()
    return [i for i in answer["data"] if isinstance(i, dict)]


@pytest.mark.parametrize("fault", ["500", "502", "drop"])
def test_writes21_an_added_item_the_service_made_then_failed_is_confirmed_once(
    fake: FakeExpertFile, fault: str
) -> None:
    username = _someone(fake)
    if fault == "drop":
        fake.drop_after_write_next(1)
    else:
        fake.fail_after_write_next(1, int(fault))
    got = ef.add_section_item(username, "link", name="after-fault", url="https://e.org/x")
    items = [i for i in _links(username) if i.get("name") == "after-fault"]
    assert len(items) == 1  # made once, never sent again
    assert got == {"id": items[0]["id"]}
    assert [m for m, _ in _writes(fake)] == ["POST"]


def test_writes21_an_updated_item_the_service_made_then_failed_is_confirmed_once(
    fake: FakeExpertFile,
) -> None:
    username = _someone(fake)
    item = _links(username)[0]
    fake.fail_after_write_next(1, 500)
    got = ef.update_section_item(username, "link", item["id"], name="renamed after a 500")
    assert got == {"id": item["id"], "updated": True}
    assert [m for m, _ in _writes(fake)] == ["PUT"]
    assert [i["name"] for i in _links(username) if i["id"] == item["id"]] == ["renamed after a 500"]


def test_writes21_a_biography_the_service_set_then_failed_is_confirmed_once(
    fake: FakeExpertFile,
) -> None:
    username = _someone(fake)
    fake.drop_after_write_next(1)
    ef.add_section_item(username, "biography", description="Set before the drop.")
    assert [m for m, _ in _writes(fake)] == ["POST"]


def test_writes21_a_deleted_item_the_service_removed_then_failed_is_confirmed_once(
    fake: FakeExpertFile,
) -> None:
    username = _someone(fake)
    item = _links(username)[0]
    fake.fail_after_write_next(1, 500)
    assert ef.delete_section_item(username, "link", item["id"]) == {
        "id": item["id"],
        "deleted": True,
    }
    assert [m for m, _ in _writes(fake)] == ["DELETE"]


def test_writes21_a_plan_whose_biography_post_failed_after_the_write_is_applied_once(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    username = _someone(fake)
    before = ef.get_profiles([username], progress=False)
    after = before.copy()
    after.loc[0, "biography"] = "Rewritten; the answer was a 500."
    plan = ef.plan_changes(before, after)
    fake.fail_after_write_next(1, 500)
    result = plan.apply(journal=tmp_path / "journal.jsonl")
    assert result.counts == {"applied": 1}
    assert [m for m, _ in _writes(fake)] == ["POST"]


# -- a plain directory that answers as the documents show --------------------------------
class Directory:
    """People and section items behind the documented routes, with scripted writes.

    Attributes:
        people: (kind, username) → the account (``"experts"`` or ``"staff"``).
        private: staff usernames only the ``access=private`` list shows.
        items: (username, section) → its items.
        script: one word per write to come: ``ok``, ``500-after`` (made, then 500),
            ``500-before`` (500, nothing made), ``429-N`` (429 with Retry-After: N).
        lag: how many reads a person or item created before a failed answer stays unlisted.
        show: how a read shows a stored value (default: as stored).
        writes: (method, raw path, form) of every write received.
    """

    def __init__(self) -> None:
        self.people: dict[tuple[str, str], dict[str, Any]] = {}
        self.private: set[str] = set()
        self.items: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.script: list[str] = []
        self.lag = 0
        self.hidden: dict[str, int] = {}
        self.ghosts: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
        self.show: Callable[[str, Any], Any] = lambda _key, value: value
        self.writes: list[tuple[str, str, dict[str, str]]] = []
        self.next_id = 100
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        raw = str(request.environ.get("RAW_URI") or request.environ["REQUEST_URI"])
        raw_path = raw.split("?", 1)[0]
        parts = [unquote(p) for p in raw_path[len(BASE) + 1 :].split("/") if p]
        with self.lock:
            if request.method == "GET":
                return self.read(parts, request.args)
            form = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
            self.writes.append((request.method, raw_path, form))
            step = self.script.pop(0) if self.script else "ok"
            if step.startswith("429-"):
                return _json({"success": False, "error": "rate_limited"}, 429, step[4:])
            if step == "500-before":
                return _json({"success": False, "error": "server_error"}, 500)
            answer = self.write(request.method, parts, form, hide=step != "ok")
        if step == "500-after":
            return _json({"success": False, "error": "server_error"}, 500)
        return answer

    def write(self, method: str, parts: list[str], form: dict[str, str], hide: bool) -> Response:
        kind = "experts" if parts[0] == "expert" else "staff"
        if len(parts) == 1:  # a create
            username = f"{form['firstname']}.{form['lastname']}".lower()
            while (kind, username) in self.people:
                username += "2"
            self.people[kind, username] = {"username": username, **form}
            if hide:
                self.hidden[username] = self.lag
            data: Any = [form] if kind == "experts" else {"username": username, "inserted": True}
            return _json({"data": data, "success": True})
        username = parts[1]
        if (kind, username) not in self.people:
            return _json({"success": False, "error": "not_found"}, 404)
        if len(parts) == 2:
            if method == "DELETE":
                del self.people[kind, username]
                return _json({"data": {"id": 1, "deleted": True}, "success": True})
            self.people[kind, username].update(form)
            return _json({"data": {"user": username, "updated": True}, "success": True})
        items = self.items.setdefault((username, parts[2]), [])
        if len(parts) == 3:
            self.next_id += 1
            items.append({"id": self.next_id, **form})
            if hide:
                self.hidden[str(self.next_id)] = self.lag
            return _json({"data": {"id": self.next_id}, "success": True})
        mine = [i for i in items if str(i["id"]) == parts[3]]
        if not mine:
            return _json({"success": False, "error": "not_found"}, 404)
        if method == "DELETE":
            items.remove(mine[0])
            if hide:  # reads keep showing it for a while
                self.ghosts[parts[1], parts[2]] = (mine[0], self.lag)
            return _json({"data": {"id": mine[0]["id"], "deleted": True}, "success": True})
        mine[0].update(form)
        return _json({"data": {"id": mine[0]["id"], "updated": True}, "success": True})

    def read(self, parts: list[str], args: Any) -> Response:
        if parts[0] in ("expert", "employee") and len(parts) == 1:
            kind, key = ("experts", "experts") if parts[0] == "expert" else ("staff", "staff")
            rows = []
            for (k, username), person in self.people.items():
                name = f"{person.get('firstname', '')} {person.get('lastname', '')}"
                if k != kind or name.strip() != args.get("q", "").strip():
                    continue
                if kind == "staff" and (username in self.private) != (
                    args.get("access") == "private"
                ):
                    continue
                if self.hidden.get(username, 0) > 0:
                    self.hidden[username] -= 1
                    continue
                rows.append({"username": username})
            return _json({"data": {key: rows, "total": len(rows)}, "success": True})
        kind = "experts" if parts[0] == "expert" else "staff"
        account = self.people.get((kind, parts[1]))
        if account is None:
            return _json({"success": False, "error": "not_found"}, 404)
        if len(parts) == 2:
            shown = {k: self.show(k, v) for k, v in account.items()}
            return _json({"data": {"account": [shown]}, "success": True})
        items = []
        for item in self.items.get((parts[1], parts[2]), []):
            if self.hidden.get(str(item["id"]), 0) > 0:
                self.hidden[str(item["id"])] -= 1
                continue
            items.append(item)
        ghost, count = self.ghosts.get((parts[1], parts[2]), ({}, 0))
        if count > 0:
            self.ghosts[parts[1], parts[2]] = (ghost, count - 1)
            items.append(ghost)
        shown_items = [{k: self.show(k, v) for k, v in i.items()} for i in items]
        return _json({"data": shown_items, "success": True})


def _json(body: Any, status: int = 200, retry_after: str | None = None) -> Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return Response(
        json.dumps(body), status=status, content_type="application/json", headers=headers
    )


@pytest.fixture
def directory(server: PlainService) -> Directory:
    server.begin()
    held = Directory()
    held.people["experts", "peter.evans"] = {
        "username": "peter.evans",
        "firstname": "Peter",
        "lastname": "Evans",
        "job_title": "Professor",
    }
    held.items["peter.evans", "link"] = [{"id": 12, "name": "Home", "url": "https://e.org"}]
    pattern = re.compile(rf"^{re.escape(BASE)}/.*")
    for method in ("GET", *WRITES):
        server.server.expect_request(pattern, method=method).respond_with_handler(held)
    return held


def _posts(directory: Directory) -> list[dict[str, str]]:
    return [form for method, _path, form in directory.writes if method == "POST"]


# create: found again after a lag, never sent twice; a namesake is not the one created
def test_writes21_a_create_whose_read_back_lags_is_found_not_sent_again(
    directory: Directory,
) -> None:
    directory.script = ["500-after"]
    directory.lag = 1  # the first search after the create does not list it yet
    assert ef.create_expert(**ADA) == ADA
    assert _posts(directory) == [ADA]  # one ada.quill


def test_writes21_a_create_that_cannot_settle_within_the_deadline_is_unconfirmed(
    directory: Directory,
) -> None:
    directory.script = ["500-before"]
    with pytest.raises(ef.UnconfirmedWriteError, match="Read it before trying again"):
        ef.create_expert(deadline=1.0, **ADA)
    assert _posts(directory) == [ADA]


def test_writes21_a_create_shown_absent_after_settling_is_sent_again(
    directory: Directory,
) -> None:
    directory.script = ["500-before"]
    assert ef.create_expert(**ADA) == ADA
    assert _posts(directory) == [ADA, ADA]
    assert ("experts", "ada.quill") in directory.people and len(directory.people) == 2


def test_writes21_a_namesake_is_not_taken_for_the_person_created(directory: Directory) -> None:
    directory.people["experts", "ada.quill"] = {
        "username": "ada.quill",
        **ADA,
        "email": "other@x.org",
    }
    directory.script = ["500-before"]
    ef.create_expert(**ADA)
    assert _posts(directory) == [ADA, ADA]  # the namesake did not stop the real create
    assert ("experts", "ada.quill2") in directory.people


def test_writes21_a_staff_member_created_private_is_found_in_the_private_list(
    directory: Directory,
) -> None:
    directory.private.add("ada.quill")
    directory.script = ["500-after"]
    assert ef.create_staff_member(**ADA) == {"username": "ada.quill", "inserted": True}
    assert len(_posts(directory)) == 1


def test_writes21_a_candidate_gone_while_searching_is_skipped(directory: Directory) -> None:
    # the search lists someone whose account then answers 404 (deleted meanwhile)
    directory.people["experts", "ghost"] = {"username": "ghost", **ADA}
    directory.script = ["500-after"]
    original = directory.read

    def read(parts: list[str], args: Any) -> Response:
        if parts[-1] == "ghost":
            return _json({"success": False, "error": "not_found"}, 404)
        return original(parts, args)

    directory.read = read  # type: ignore[method-assign] # the test's own server
    assert ef.create_expert(**ADA) == ADA
    assert len(_posts(directory)) == 1


def test_writes21_an_added_item_whose_read_back_lags_is_found_not_added_again(
    directory: Directory,
) -> None:
    directory.script = ["500-after"]
    directory.lag = 1
    got = ef.add_section_item("peter.evans", "link", name="Lab", url="https://e.org/lab")
    assert [i["name"] for i in directory.items["peter.evans", "link"]] == ["Home", "Lab"]
    assert got == {"id": directory.items["peter.evans", "link"][1]["id"]}
    assert len(directory.writes) == 1


# updates: what the read shows is compared as the write sends it
def test_writes21_a_read_back_with_spaces_around_the_value_confirms_it(
    directory: Directory,
) -> None:
    directory.show = lambda key, value: f" {value}\n" if key == "job_title" else value
    directory.script = ["500-after"]
    assert ef.update_expert("peter.evans", job_title="Dean")["updated"] is True
    assert len(directory.writes) == 1


def test_writes21_a_value_sent_with_spaces_is_confirmed_by_the_trimmed_read(
    directory: Directory,
) -> None:
    directory.show = lambda key, value: value.strip() if isinstance(value, str) else value
    directory.script = ["500-after"]
    assert ef.update_expert("peter.evans", job_title="  Dean ")["updated"] is True
    assert len(directory.writes) == 1


def test_writes21_a_number_read_back_as_a_float_confirms_it(directory: Directory) -> None:
    directory.show = lambda key, value: float(value) if key == "phone_number_extension" else value
    directory.script = ["500-after"]
    assert ef.update_expert("peter.evans", phone_number_extension=1234)["updated"] is True
    assert len(directory.writes) == 1


def test_writes21_compare_value_reads_a_whole_float_as_the_int() -> None:
    assert compare_value(1.0) == compare_value(1) == compare_value("1") == "1"
    assert compare_value(" x\n") == "x"


def test_writes21_a_whole_float_is_sent_as_the_int(directory: Directory) -> None:
    ef.update_expert("peter.evans", phone_number_extension=1234.0, location_postal=2.0)
    [(_m, _p, form)] = directory.writes
    assert form == {"phone_number_extension": "1234", "location_postal": "2"}


def test_writes21_a_person_gone_on_read_back_is_not_found_not_unconfirmed(
    directory: Directory,
) -> None:
    directory.script = ["500-before"]
    del directory.people["experts", "peter.evans"]  # the read-back answers 404
    with pytest.raises(ef.NotFoundError):
        ef.update_expert("peter.evans", job_title="Dean")
    assert len(directory.writes) == 1


def test_writes21_a_slash_in_a_username_is_encoded_on_every_write(directory: Directory) -> None:
    directory.people["experts", "a/b"] = {"username": "a/b", "job_title": "x"}
    ef.update_expert("a/b", job_title="Dean")
    ef.add_section_item("a/b", "tag", name="t")
    ef.delete_expert("a/b")
    assert [path for _m, path, _f in directory.writes] == [
        f"{BASE}/expert/a%2Fb",
        f"{BASE}/expert/a%2Fb/tag",
        f"{BASE}/expert/a%2Fb",
    ]


# section items: ids compared as values, a delete confirmed by the item being gone
def test_writes21_an_item_id_given_as_text_matches_the_read_number(directory: Directory) -> None:
    directory.script = ["500-after"]
    got = ef.update_section_item("peter.evans", "link", "12", name="Work")
    assert got == {"id": "12", "updated": True}
    assert len(directory.writes) == 1


def test_writes21_a_deleted_item_is_confirmed_by_its_absence(directory: Directory) -> None:
    directory.script = ["500-after"]
    assert ef.delete_section_item("peter.evans", "link", 12)["deleted"] is True
    assert len(directory.writes) == 1
    directory.items["peter.evans", "link"] = [{"id": 12, "name": "Home", "url": "https://e.org"}]
    directory.script = ["500-before", "500-before"]
    # not deleted: the read still shows it (id 12 for "12"), so it is sent again
    assert ef.delete_section_item("peter.evans", "link", "12")["deleted"] is True
    assert directory.items["peter.evans", "link"] == []
    assert [m for m, _p, _f in directory.writes].count("DELETE") == 4


def test_writes21_a_delete_resent_after_a_stale_read_that_finds_it_gone_is_done(
    directory: Directory,
) -> None:
    directory.script = ["500-after"]
    directory.lag = 1  # the first read after the delete still shows the item
    assert ef.delete_section_item("peter.evans", "link", 12) == {"id": 12, "deleted": True}
    assert directory.items["peter.evans", "link"] == []
    # sent again (a delete is idempotent); its 404 says the first one did it
    assert [m for m, _p, _f in directory.writes] == ["DELETE", "DELETE"]


def test_writes21_a_delete_of_an_item_that_is_not_there_is_not_found(
    directory: Directory,
) -> None:
    with pytest.raises(ef.NotFoundError):
        ef.delete_section_item("peter.evans", "link", 99)
    assert len(directory.writes) == 1


def test_writes21_an_added_item_read_back_under_its_documented_key(directory: Directory) -> None:
    # the current site shows a tag item as {id, tag}; the body says name
    directory.show = lambda key, value: value
    directory.script = ["500-after"]
    original = directory.read

    def read(parts: list[str], args: Any) -> Response:
        if parts[-1] == "tag":
            items = directory.items.get(("peter.evans", "tag"), [])
            return _json({"data": [{"id": i["id"], "tag": i["name"]} for i in items]})
        return original(parts, args)

    directory.read = read  # type: ignore[method-assign] # the test's own server
    got = ef.add_section_item("peter.evans", "tag", name="physics")
    assert got == {"id": directory.items["peter.evans", "tag"][0]["id"]}
    assert len(directory.writes) == 1


# 429: the wait the service asked for, bounded by the deadline
def test_writes21_a_429_asking_longer_than_the_deadline_is_not_sent_again(
    directory: Directory,
) -> None:
    directory.script = ["429-30"]
    with pytest.raises(ef.RateLimitError):
        ef.update_expert("peter.evans", job_title="Dean", deadline=3)
    assert len(directory.writes) == 1  # Retry-After: 30 does not fit in 3 s: not resent


# the transport: a write whose connection never opened is retried; one that may have been
# sent is never resent by urllib3, whatever the error
def test_writes21_the_transport_retries_a_write_only_when_nothing_was_sent(
    directory: Directory,
) -> None:
    session = ef.get_session()
    policy = session.get_adapter("http://").max_retries  # type: ignore[attr-defined] # an HTTPAdapter
    refused = urllib3.exceptions.NewConnectionError(None, "refused")  # type: ignore[arg-type] # no connection object
    assert policy.increment("PUT", "/x", error=refused).total == policy.total - 1
    for error in (
        urllib3.exceptions.SSLError("bad record mac"),
        urllib3.exceptions.ProtocolError("Connection aborted."),
        urllib3.exceptions.ReadTimeoutError(None, "/x", "read timed out"),  # type: ignore[arg-type] # no pool
    ):
        with pytest.raises(type(error)):
            policy.increment("PUT", "/x", error=error)


# inquiries: the documented state codes when the country is CA or US
INQUIRY: dict[str, Any] = {
    "firstname": "A",
    "lastname": "B",
    "email": "a@b.org",
    "message": "Hello",
    "location_city": "Toronto",
    "location_state": "ON",
    "location_country": "CA",
    "username": "peter.evans",
}


@pytest.mark.parametrize(
    ("country", "state"), [("CA", "Ontario"), ("US", "ON"), ("CA", "NL"), ("US", "ny")]
)
def test_writes21_an_inquiry_state_that_is_not_a_documented_code_is_refused(
    directory: Directory, country: str, state: str
) -> None:
    with pytest.raises(ef.ConfigurationError, match="location_state") as caught:
        ef.send_inquiry(
            "general", **INQUIRY | {"location_country": country, "location_state": state}
        )
    assert country in str(caught.value)
    assert directory.writes == []


def test_writes21_an_inquiry_country_that_is_not_a_documented_code_is_refused(
    directory: Directory,
) -> None:
    with pytest.raises(ef.ConfigurationError, match="location_country must be"):
        ef.send_inquiry("general", **INQUIRY | {"location_country": "Canada"})
    assert directory.writes == []


def test_writes21_an_inquiry_state_elsewhere_is_free_text(server: PlainService) -> None:
    server.begin()
    path = f"{BASE}/inquiry/general"
    server.server.expect_request(path, method="POST").respond_with_json(
        {"data": {"id": 5}, "success": True}
    )
    body = INQUIRY | {"location_country": "FR", "location_state": "Bretagne"}
    assert ef.send_inquiry("general", **body) == {"id": 5}
    assert ef.send_inquiry("general", **INQUIRY | {"location_state": "NF"}) == {"id": 5}


def test_writes21_a_research_focus_is_added_with_its_subtitle(directory: Directory) -> None:
    got = ef.add_section_item("peter.evans", "researchfocus", title="T", subtitle="S", details="D")
    [(method, _path, form)] = directory.writes
    assert (method, form) == ("POST", {"title": "T", "subtitle": "S", "details": "D"})
    assert got == {"id": directory.items["peter.evans", "researchfocus"][0]["id"]}
