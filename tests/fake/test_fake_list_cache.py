"""The fake sends a list answer it rendered before only while nothing it is made of changed.

``fake_server._routes`` keeps each rendered list page (docs/performance.md: rendering 100
experts cost the fake ~0.7 ms of its GIL a page). These tests hold every kept answer to
what a server started fresh with the same settings answers: after a setting changes, a
write, a reset, the expert count changing, on another path, another server, another query.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fake_server import FakeExpertFile, _routes
from tests.helpers import get_data, get_token

EXPERTS = "/v2/organization/{org}/expert"
STAFF = "/v2/organization/{org}/employee"
SPOTLIGHTS = "/v2/spotlight/{org}/search"


def read(server: FakeExpertFile, path: str, **params: Any) -> Any:
    response = get_data(server, path.format(org=server.org_id), get_token(server), **params)
    assert response.status_code == 200, response.text
    return response.json()


def fresh(path: str, params: dict[str, Any], **settings: Any) -> Any:
    """What a server started with ``settings`` answers (nothing kept from before)."""
    with FakeExpertFile(**({"experts": 60} | settings)) as server:
        return read(server, path, **params)


@pytest.fixture
def server() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(experts=60) as started:
        yield started


# (setting, value, the list, its query): each changes the answer of that query
SETTINGS = [
    ("paging", "page", EXPERTS, {"page_size": 5, "page_from": 2}),
    ("max_page_size", 3, EXPERTS, {"page_size": 5}),
    ("corporation_value", "name", EXPERTS, {"page_size": 5}),
    ("fields_mode", "only", EXPERTS, {"page_size": 5, "fields": '["email"]'}),
    ("guessed_items", "as_sampled", EXPERTS, {"page_size": 5}),
    ("name_order", "first", STAFF, {"page_size": 5}),
    ("array_params", "comma", EXPERTS, {"page_size": 5, "countries": "CA,US"}),
    ("guessed_items", "as_sampled", SPOTLIGHTS, {"page_size": 5}),
]


@pytest.mark.parametrize(
    ("setting", "value", "path", "params"), SETTINGS, ids=lambda v: str(v)[:20]
)
def test_a_setting_changed_after_a_read_changes_the_answer(
    server: FakeExpertFile, setting: str, value: Any, path: str, params: dict[str, Any]
) -> None:
    before = read(server, path, **params)
    assert read(server, path, **params) == before  # kept, and the same
    setattr(server, setting, value)
    after = read(server, path, **params)
    assert after == fresh(path, params, **{setting: value})
    assert after != before  # the setting matters to this query: the check means something


def test_a_write_shows_and_a_reset_forgets_it(server: FakeExpertFile) -> None:
    before = read(server, EXPERTS, page_size=5)
    gone = before["data"]["experts"][0]["username"]
    token = get_token(server)
    deleted = requests.delete(
        f"{server.url}{EXPERTS.format(org=server.org_id)}/{gone}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert deleted.status_code == 200, deleted.text
    after = read(server, EXPERTS, page_size=5)
    assert gone not in [e["username"] for e in after["data"]["experts"]]
    assert after["data"]["total"] == before["data"]["total"] - 1
    server.reset()
    assert read(server, EXPERTS, page_size=5) == before


def test_the_expert_count_changing_changes_the_answer(server: FakeExpertFile) -> None:
    before = read(server, EXPERTS, page_size=5)
    server.change_experts_after(1, 40)
    after = read(server, EXPERTS, page_size=5)
    assert after == fresh(EXPERTS, {"page_size": 5}, experts=40) != before
    server.reset()  # back to the constructor's count
    assert read(server, EXPERTS, page_size=5) == before


def test_each_query_path_and_server_has_its_own_answer(server: FakeExpertFile) -> None:
    first = read(server, EXPERTS, page_size=5)
    assert read(server, EXPERTS, page_from=0, page_size=5) == first  # in another order
    assert read(server, EXPERTS, page_size=5, page_from=3) == fresh(
        EXPERTS, {"page_size": 5, "page_from": 3}
    )
    # the same query string on the staff list
    assert read(server, STAFF, page_size=5) == fresh(STAFF, {"page_size": 5})
    # another server in the same process: other data (another seed), the same request
    with FakeExpertFile(experts=60, seed=7) as other:
        assert read(other, EXPERTS, page_size=5) != first
    assert read(server, EXPERTS, page_size=5) == first


def test_the_kept_answers_stay_within_their_bound() -> None:
    """10,000 experts read eight times over (45 MB): the least recently sent go."""
    with FakeExpertFile(experts=10_000) as big:
        for start in range(0, 10_000, 12):  # pages of 100, each an eighth on: 834 of them
            read(big, EXPERTS, page_size=100, page_from=start, status="all", access="all")
        kept = list(_routes._rendered.values())
        assert sum(map(len, kept)) == _routes._rendered_size[0] <= _routes.RENDERED_BYTES
        assert 300 < len(kept) < 834


def test_a_refused_list_request_is_refused_each_time(server: FakeExpertFile) -> None:
    """Only answers are kept, never a refusal: the same bad query is a 400 every time."""
    path = EXPERTS.format(org=server.org_id)
    token = get_token(server)
    answers = [get_data(server, path, token, fields='["no_such_field"]') for _ in range(2)]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert "no_such_field" in answers[1].text


def test_a_kept_answer_is_sent_as_it_was_rendered(server: FakeExpertFile) -> None:
    path = EXPERTS.format(org=server.org_id)
    token = get_token(server)
    first, again = (get_data(server, path, token, page_size=5) for _ in range(2))
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert again.headers["Content-Type"] == first.headers["Content-Type"] == "application/json"


def test_latency_delays_a_kept_page_too(server: FakeExpertFile) -> None:
    """``latency`` is the service's slowness: a page the fake kept is no faster."""
    path = EXPERTS.format(org=server.org_id)
    token = get_token(server)
    read(server, EXPERTS, page_size=5)  # rendered and kept
    server.latency = 1.0
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(
            server.url + path,
            params={"page_size": 5},
            headers={"Authorization": f"Bearer {token}"},
            timeout=(5, 0.2),
        )
