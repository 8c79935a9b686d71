"""The first page does not travel alone: the probe and the next pages go out with it.

Before the first page answers, the pull does not know ``total``, the size the service
accepts, or how it reads ``page_from``; it sends the probe and the next pages planned as
offsets anyway (reads are safe to send), keeps the answers its plan has (the same
``page_from`` and ``page_size``) and drops the others unread. These tests hold it to that
against a plain service that caps, refuses, pages by number, or has fewer rows than the
pages sent ahead (module docstring of ``expertfile_nb/_reads/paging.py``, 1 and 5).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from tests.reads.service import Listing, PlainService

EXPERTS = "/v2/organization/{org}/expert"


def experts(n: int) -> list[dict[str, Any]]:
    return [{"username": f"e{i:04d}"} for i in range(n)]


def names(n: int) -> list[str]:
    return [f"e{i:04d}" for i in range(n)]


def held(plain: PlainService, listing: Listing, others: int = 3) -> Listing:
    """Serve ``listing``, its first page's first answer given only once the ``others``
    requests sent with it have arrived: what the pull drops was sent, and the test sees it
    (else a page dropped before its thread sent it is never asked, as it should be)."""
    arrived = threading.Semaphore(0)
    firsts: list[int] = []

    def answer(request: Request) -> Response:
        if request.args["page_from"] != "0":
            arrived.release()
        elif not firsts:
            firsts.append(1)
            for _ in range(others):
                arrived.acquire(timeout=10)
        return listing(request)

    plain.route(EXPERTS, answer)
    return listing


def test_the_first_page_goes_out_with_the_probe_and_the_next_pages(plain: PlainService) -> None:
    """The first page is answered only once the three others of its round have arrived:
    they were sent before its answer (a pull that waited for it would wait here in vain)."""
    listing = Listing("experts", experts(250))
    arrived: list[tuple[int, int]] = []
    round_in = threading.Event()
    lock = threading.Lock()
    first_answered: list[bool] = []  # whether the round was in when the first page answered

    def answer(request: Request) -> Response:
        asked = (int(request.args["page_from"]), int(request.args["page_size"]))
        with lock:
            arrived.append(asked)
            if len(arrived) == 4:
                round_in.set()
        if asked == (0, 100):
            first_answered.append(round_in.wait(10))
        return listing(request)

    plain.route(EXPERTS, answer)
    frame = ef.get_experts(page_size=100, workers=4)
    assert frame["username"].tolist() == names(250)
    assert first_answered == [True]
    # workers requests at once, none waiting for a place: the first page, the probe and the
    # two later pages 250 rows call for (starting on the last row of the page before); each
    # answer used, nothing asked twice
    assert sorted(arrived[:4]) == [(0, 100), (1, 2), (99, 100), (198, 100)]
    assert len(arrived) == 4


def test_pages_sent_ahead_past_a_small_total_are_dropped(plain: PlainService) -> None:
    served = held(plain, Listing("experts", experts(150)))
    frame = ef.get_experts(page_size=100, workers=4)
    assert frame["username"].tolist() == names(150)
    # (198, 100) went with the first page; 150 rows end at (99, 100): its empty answer is
    # not read (an empty page before total would end the pull)
    assert sorted(served.served) == [(0, 100), (1, 2), (99, 100), (198, 100)]
    rows = list(ef.iter_experts(page_size=100, workers=4))
    assert [r["username"] for r in rows] == names(150)


def test_pages_sent_ahead_are_dropped_when_the_service_caps_pages(plain: PlainService) -> None:
    served = held(plain, Listing("experts", experts(400)))
    served.max_page = 34  # pages of 34 overlap by one: 33, 66, 99, ... (99 and 198 again)
    frame = ef.get_experts(page_size=100, workers=4)
    assert frame["username"].tolist() == names(400)
    asked = Counter(served.served)
    # the pages sent ahead at the size asked, once each; the plan pages by the cap, from
    # page_from=33 on, and asks 99 and 198 again at its own size
    assert {key for key in asked if key[1] == 100} == {(0, 100), (99, 100), (198, 100)}
    assert all(count == 1 for count in asked.values())
    later = sorted(start for start, size in asked if size == 34)
    assert later == list(range(33, 400 - 34 + 33, 33))


def test_pages_sent_ahead_at_a_refused_size_are_dropped(plain: PlainService) -> None:
    """Page 2 at 199 rows starts where page 3 at 100 does (198): the refused request is not
    taken for the one the plan makes."""
    served = held(plain, Listing("experts", experts(450)))
    served.refuse_above = 100
    frame = ef.get_experts(page_size=199, workers=4)
    assert frame["username"].tolist() == names(450)
    asked = Counter(served.served)
    assert {key for key in asked if key[1] == 199} == {(0, 199), (198, 199), (396, 199)}
    assert sorted(start for start, size in served.served if size == 100) == [0, 99, 198, 297, 396]
    assert all(count == 1 for count in asked.values())


@pytest.mark.parametrize("use_iter", [False, True], ids=["get", "iter"])
def test_pages_sent_ahead_are_dropped_when_page_from_is_a_page_number(
    plain: PlainService, use_iter: bool
) -> None:
    served = held(plain, Listing("experts", experts(1000)))
    served.by_page = True
    if use_iter:
        got = [r["username"] for r in ef.iter_experts(page_size=100, workers=4)]
    else:
        got = ef.get_experts(page_size=100, workers=4)["username"].tolist()
    assert got == names(1000)
    # read as pages 99 and 198 (empty here): sent with the first page, never read; then
    # pages 1-9 by number, and the second look at the boundaries
    offsets = [key for key in served.served if key[1] == 100 and key[0] not in range(10)]
    assert sorted(offsets) == [(99, 100), (198, 100)]
    assert sorted(start for start, size in served.served if size == 100)[:10] == list(range(10))


def test_nothing_goes_ahead_when_the_limit_fits_the_first_page(plain: PlainService) -> None:
    served = plain.list_endpoint(EXPERTS, Listing("experts", experts(500)))
    assert len(ef.get_experts(limit=40, workers=8)) == 40
    assert served.served == [(0, 40)]
    served.served = []
    assert len(ef.get_experts(limit=150, page_size=100, workers=8)) == 150
    # the probe and one page: no more than the limit can use
    assert sorted(served.served) == [(0, 100), (1, 2), (99, 100)]


@pytest.mark.parametrize(
    ("rows", "total", "error"),
    [(7, 6, "held 7 rows where 6 were due"), (0, 10**9, "was empty")],
    ids=["one row too many", "empty"],
)
def test_a_re_pull_after_a_pass_of_one_page_sends_nothing_ahead(
    plain: PlainService, rows: int, total: int, error: str
) -> None:
    """The first pass's only page held everything it needed (one row too many: a mismatch),
    or nothing; the re-pull sends its first page alone. Each first page is answered once
    what went with it has arrived (the first pass: the probe and two pages; the re-pull:
    nothing, so it waits its 2 s in vain)."""
    listing = Listing("experts", experts(rows))
    listing.total = total
    arrived: list[tuple[int, int]] = []
    others = threading.Semaphore(0)

    def answer(request: Request) -> Response:
        asked = (int(request.args["page_from"]), int(request.args["page_size"]))
        arrived.append(asked)
        if asked != (0, 100):
            others.release()
        elif arrived.count(asked) == 1:  # the first pass (the re-pull begins after it ended)
            for _ in range(3):
                others.acquire(timeout=10)
        else:
            others.acquire(timeout=2)
        return listing(request)

    plain.route(EXPERTS, answer)
    with pytest.raises(ef.IncompleteDataError, match=error):
        ef.get_experts(workers=4)
    # the re-pull knew that one page was all it could need
    assert sorted(arrived[:4]) == [(0, 100), (1, 2), (99, 100), (198, 100)]
    assert arrived[4:] == [(0, 100)]


def test_a_page_sent_ahead_and_answered_429_is_asked_again_by_the_plan(
    plain: PlainService,
) -> None:
    """It gave way (it was not asked again on its own), then the plan asked for it."""
    listing = Listing("experts", experts(250))
    refused: list[int] = []

    def answer(request: Request) -> Response:
        if request.args["page_from"] == "99" and not refused:
            refused.append(99)
            with listing.lock:
                listing.served.append((99, int(request.args["page_size"])))
            body = '{"success": false, "error": "rate_limited", "error_description": "slow"}'
            return Response(body, status=429, headers={"Retry-After": "0"})
        return listing(request)

    plain.route(EXPERTS, answer)
    frame = ef.get_experts(page_size=100, workers=4)
    assert frame["username"].tolist() == names(250)
    assert Counter(listing.served) == {(0, 100): 1, (1, 2): 1, (99, 100): 2, (198, 100): 1}
