"""Tests a reviewer of issue 21 wrote to kill the mutations that survived
(``mutations/review21.py``): single writes against a plain ``pytest_httpserver``
directory answering the documented routes (``tests/edits/test_write_readback.py``'s), with
reads that show less than a write sent, lists of an odd shape, and records that take a
moment to show.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pandas as pd
import pytest
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from expertfile_nb._edits.send import compare_value
from tests.edits.test_write_readback import ADA, BASE, WRITES, Directory, _json, _posts
from tests.reads.service import PlainService


class Odd(Directory):
    """A directory whose reads can show less, or other shapes, than it stores.

    Attributes:
        drop: keys no read shows (of accounts and items).
        bare: usernames whose account read shows only the username.
        bad_lists: people lists and section lists answer an object without the list.
        hide_seconds: a person created by a failed answer is not listed for this long.
    """

    def __init__(self) -> None:
        super().__init__()
        self.drop: set[str] = set()
        self.bare: set[str] = set()
        self.bad_lists = False
        self.hide_seconds = 0.0
        self.born: dict[str, float] = {}

    def write(self, method: str, parts: list[str], form: dict[str, str], hide: bool) -> Response:
        before = set(self.people)
        answer = super().write(method, parts, form, hide)
        for _kind, username in set(self.people) - before:
            if hide and self.hide_seconds:
                self.hidden.pop(username, None)
                self.born[username] = time.monotonic()
        return answer

    def read(self, parts: list[str], args: Any) -> Response:
        if self.bad_lists and (len(parts) == 1 or len(parts) == 3):
            return _json({"data": {"nothing": []}, "success": True})
        answer = super().read(parts, args)
        body = json.loads(answer.get_data(as_text=True))
        data = body.get("data")
        if len(parts) == 1 and isinstance(data, dict):
            now = time.monotonic()
            for key in ("experts", "staff"):
                if isinstance(data.get(key), list):
                    data[key] = [
                        row
                        for row in data[key]
                        if now - self.born.get(row["username"], -1e9) >= self.hide_seconds
                    ]
        elif len(parts) == 2 and isinstance(data, dict) and data.get("account"):
            row = data["account"][0]
            if parts[1] in self.bare:
                data["account"] = [{"username": row.get("username")}]
            else:
                data["account"] = [{k: v for k, v in row.items() if k not in self.drop}]
        elif len(parts) == 3 and isinstance(data, list):
            body["data"] = [{k: v for k, v in i.items() if k not in self.drop} for i in data]
        return _json(body, answer.status_code)


@pytest.fixture
def odd(server: PlainService) -> Odd:
    server.begin()
    held = Odd()
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


def _sent(odd: Odd, method: str) -> list[tuple[str, dict[str, str]]]:
    return [(path, form) for m, path, form in odd.writes if m == method]


# -- _edits/send.py -------------------------------------------------------------------------
def test_a_read_back_refused_once_is_read_again(
    odd: Odd,
    server: PlainService,
) -> None:
    odd.script = ["500-after"]
    state = {"broken": 1}

    def first_read_broken(request: Request) -> Response:
        if request.method == "GET" and state["broken"]:
            state["broken"] -= 1
            return _json({"success": False, "error": "busy"}, 409)
        return odd(request)

    server.begin()
    pattern = re.compile(rf"^{re.escape(BASE)}/.*")
    for method in ("GET", *WRITES):
        server.server.expect_request(pattern, method=method).respond_with_handler(first_read_broken)
    assert ef.update_expert("peter.evans", job_title="Dean") == {
        "user": "peter.evans",
        "updated": True,
    }
    assert len(_sent(odd, "PUT")) == 1


def test_a_write_shown_undone_is_sent_at_most_four_times(odd: Odd) -> None:
    odd.script = ["500-before"] * 10
    with pytest.raises(ef.APIError):
        ef.update_expert("peter.evans", job_title="Dean")
    assert len(_sent(odd, "PUT")) == 4  # once, and MAX_RESENDS (3) more after re-reads


def test_a_nan_clears_the_field_never_sends_nan(odd: Odd) -> None:
    ef.update_expert("peter.evans", job_title=float("nan"))
    assert _sent(odd, "PUT")[0][1] == {"job_title": ""}


def test_a_required_field_of_spaces_is_refused_before_any_request(odd: Odd) -> None:
    with pytest.raises(ef.ConfigurationError, match="firstname"):
        ef.create_expert(**{**ADA, "firstname": "   "})
    assert odd.writes == []


def test_compare_value_puts_pandas_missing_values_and_flags_as_writes_send_them() -> None:
    assert compare_value(pd.NA) == compare_value(None) == compare_value(pd.NaT) == ""
    assert compare_value(True) == "1" and compare_value(False) == "0"


def test_a_flag_read_back_as_true_confirms_the_1_sent(odd: Odd) -> None:
    odd.script = ["500-after"]
    odd.show = lambda key, value: value == "1" if key == "is_published" else value
    ef.update_expert("peter.evans", is_published=True)
    assert len(_sent(odd, "PUT")) == 1


def test_a_create_that_shows_only_after_a_moment_is_waited_for_not_sent_again(
    odd: Odd,
) -> None:
    odd.script = ["500-after"]
    odd.hide_seconds = 0.8  # listed 0.8 s after it is made; the settle delay is longer
    assert ef.create_expert(**ADA) == ADA
    assert _posts(odd) == [ADA]


def test_a_slash_in_an_item_id_is_encoded(odd: Odd) -> None:
    with pytest.raises(ef.NotFoundError):
        ef.update_section_item("peter.evans", "link", "a/b", name="x")
    assert [path for path, _ in _sent(odd, "PUT")] == [f"{BASE}/expert/peter.evans/link/a%2Fb"]


@pytest.mark.parametrize("name", ["..", " .. ", "."])
def test_a_dot_username_is_refused_before_any_request(odd: Odd, name: str) -> None:
    with pytest.raises(ef.ConfigurationError, match="username"):
        ef.update_expert(name, job_title="x")
    assert odd.writes == []


# -- writes.py ---------------------------------------------------------------------------
def test_a_namesake_whose_account_shows_nothing_is_not_the_person_created(odd: Odd) -> None:
    odd.people["experts", "ada.quill"] = {"username": "ada.quill", **ADA, "email": "o@x.org"}
    odd.bare.add("ada.quill")
    odd.script = ["500-before"]
    assert ef.create_expert(**ADA) == ADA
    assert _posts(odd) == [ADA, ADA]  # absent after the settle delay: sent again, once
    assert ("experts", "ada.quill2") in odd.people


def test_a_create_whose_people_list_cannot_be_read_is_unconfirmed_not_resent(odd: Odd) -> None:
    odd.script = ["500-after"]
    odd.bad_lists = True
    with pytest.raises(ef.UnconfirmedWriteError):
        ef.create_expert(**ADA)
    assert _posts(odd) == [ADA]


def test_an_added_item_the_section_read_cannot_show_is_unconfirmed_not_resent(odd: Odd) -> None:
    odd.script = ["500-after"]
    odd.drop = {"name", "url"}  # the list shows the items, without the fields sent
    with pytest.raises(ef.UnconfirmedWriteError):
        ef.add_section_item("peter.evans", "link", name="Lab", url="https://e.org/lab")
    assert len(_posts(odd)) == 1
    assert len(odd.items["peter.evans", "link"]) == 2


def test_an_updated_item_the_read_does_not_list_is_unconfirmed_not_resent(odd: Odd) -> None:
    odd.script = ["500-after"]
    odd.hidden["12"] = 10  # item 12 missing from the next reads of the list
    with pytest.raises(ef.UnconfirmedWriteError):
        ef.update_section_item("peter.evans", "link", 12, name="Renamed")
    assert len(_sent(odd, "PUT")) == 1


def test_a_deleted_item_whose_section_cannot_be_read_is_unconfirmed(odd: Odd) -> None:
    odd.script = ["500-before"]
    odd.bad_lists = True
    with pytest.raises(ef.UnconfirmedWriteError):
        ef.delete_section_item("peter.evans", "link", 12)
    assert [i["id"] for i in odd.items["peter.evans", "link"]] == [12]  # still there
