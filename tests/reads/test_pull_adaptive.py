"""A pull paces itself to a service that answers 429 above N requests a second.

The fake's rate limit (``fake_server._ratelimit``, a token bucket) answers 429 with
``Retry-After`` and records, for each request, how many the server was answering at once.
Outcomes only: the frame is whole, the 429s are few, the concurrency the server saw went
down, the pauses were at least what was asked. No durations are asserted (lower bounds
on the gaps a client left are: a slow machine only makes them longer).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from werkzeug.wrappers import Request

import expertfile_nb as ef
from expertfile_nb._reads.pace import MAX_PAUSE, THROTTLED_ATTEMPTS, Pace
from fake_server import FakeExpertFile
from fake_server._answers import failure
from fake_server._ratelimit import FOREVER, limit_rate
from fake_server._wsgi import Answer

EVERYONE: dict[str, Any] = {"access": "all", "status": "all"}


def _requests(experts: int, size: int = 100) -> int:
    """A pull's requests with offsets: the first page, the probe, the overlapping pages."""
    return 2 + -(-(experts - size) // (size - 1))


def test_a_rate_limited_service_is_pulled_whole_with_few_429s(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 2000
    expertfile_env.latency = 0.02
    ef.login()
    limit = limit_rate(expertfile_env, per_second=10)
    frame = ef.get_experts(workers=8, progress=False, **EVERYONE)
    assert len(frame) == 2000 and frame["username"].is_unique
    passed = [s for s in limit.seen if not s.refused]
    assert len(passed) == _requests(2000)  # every page once: no page given up and re-pulled
    # a halving and a pause per burst: far fewer 429s than pages (a fixed 8 in flight, each
    # waiting Retry-After alone and coming back together, meets one for most requests)
    assert 0 < limit.refused < len(passed) // 2


def test_the_server_sees_fewer_requests_at_once_after_a_429(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 2000
    expertfile_env.latency = 0.1  # long enough for the first burst to overlap, slow machine or not
    ef.login()
    limit = limit_rate(expertfile_env, per_second=10)
    workers = 8
    ef.get_experts(workers=workers, progress=False, **EVERYONE)
    before = max(s.in_flight for s in limit.seen[:10])  # the first burst, the bucket full
    first = next(s for s in limit.seen if s.refused)
    # after the first pause: halved to 4, one more after each round of answers, never 8
    # again in the 22 requests of this pull (4 + 5 + 6 + 7 answers would be needed)
    after = [s.in_flight for s in limit.seen if s.at >= first.at + 1.0]
    assert before > workers // 2
    assert after and max(after) < workers


class OneRefusal:
    """Answers 429 (``Retry-After: 1``) to the first request for ``page_from``; notes when
    each request arrived."""

    def __init__(self, page_from: str) -> None:
        self.page_from = page_from
        self.arrivals: list[tuple[float, str]] = []
        self.refused_at: float | None = None
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Answer | None:
        with self.lock:
            now = time.monotonic()
            self.arrivals.append((now, request.args.get("page_from", "")))
            if request.args.get("page_from") != self.page_from or self.refused_at is not None:
                return None
            self.refused_at = now
        return failure(429, "rate_limited", "slow down", {"Retry-After": "1"})


def test_a_429_pauses_the_whole_pull_not_only_its_page(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 2000
    expertfile_env.latency = 0.02
    ef.login()
    refusal = OneRefusal("495")  # the sixth page of 100 rows, overlapping by one
    expertfile_env.add_fault(FOREVER, refusal, path="data")
    workers = 4
    assert len(ef.get_experts(workers=workers, progress=False, **EVERYONE)) == 2000
    assert refusal.refused_at is not None
    during = [
        page for at, page in refusal.arrivals if refusal.refused_at < at < refusal.refused_at + 0.95
    ]
    # only requests already on their way when the 429 came (the others waited it out);
    # a client that lets each page wait alone sends the rest of the pull meanwhile
    assert len(during) <= workers - 1, during


def test_retry_after_is_waited_out_before_the_next_request(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 500
    ef.login()
    limit = limit_rate(expertfile_env, per_second=2, burst=3)
    assert len(ef.get_experts(workers=1, progress=False, **EVERYONE)) == 500
    seen = limit.seen
    refusals = [i for i, s in enumerate(seen) if s.refused]
    assert refusals, "the limit was never reached: the test proves nothing"
    for i in refusals:  # Retry-After: 1 (whole seconds); nothing was sent meanwhile
        assert i + 1 < len(seen) and seen[i + 1].at - seen[i].at >= 0.99


def test_without_retry_after_the_pull_backs_off_and_finishes(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 1500
    expertfile_env.latency = 0.01
    ef.login()
    # the first 8 data requests of the 16 that start together are answered 429 without
    # Retry-After: the pull backs off by itself (a doubling pause) and asks them again. A
    # fixed count, not a rate: under a loaded machine a token bucket either let every
    # request through or refused one page 5 times (both seen in full runs)
    refused: list[str] = []

    def answer(request: Request) -> Answer:
        refused.append(request.args.get("page_from", ""))
        return failure(429, "rate_limited", "slow down", {})

    expertfile_env.add_fault(8, answer, path="data")
    start = time.time()
    frame = ef.get_experts(workers=16, progress=False, **EVERYONE)
    assert len(frame) == 1500 and frame["username"].is_unique
    assert len(refused) == 8
    answered = [e for e in expertfile_env.journal if e.time >= start and e.path.endswith("/expert")]
    assert sum(e.status == 200 for e in answered) == _requests(1500)  # every page once


def test_retries_zero_means_a_429_ends_the_pull_at_once(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 500
    ef.login()

    def answer(request: Request) -> Answer | None:  # the first page, not what went with it
        if request.args.get("page_from") == "0":
            return failure(429, "rate_limited", "slow down", {"Retry-After": "1"})
        return None

    expertfile_env.add_fault(FOREVER, answer, path="data")
    with pytest.raises(ef.IncompleteDataError, match="page_from=0") as caught:
        ef.get_experts(session=ef.get_session(retries=0), progress=False, **EVERYONE)
    assert isinstance(caught.value.__cause__, ef.RateLimitError)
    # the first page asked once; the requests sent with it (workers - 1 at most, workers=4 by
    # default), once each
    asked = _asked(expertfile_env)
    assert asked.count("0") == 1 and len(asked) <= 4 and len(set(asked)) == len(asked)


def test_a_page_refused_again_and_again_ends_the_pull_after_the_bound(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 500
    ef.login()
    expertfile_env.fail_next(1000, status=429, path="data")  # no Retry-After: the back-off
    with pytest.raises(ef.IncompleteDataError, match="page_from=0") as caught:
        ef.get_experts(progress=False, **EVERYONE)
    assert isinstance(caught.value.__cause__, ef.RateLimitError)
    asked = _asked(expertfile_env)
    assert asked.count("0") == THROTTLED_ATTEMPTS
    # the requests sent with the first page (workers - 1 at most, workers=4 by default) gave way
    # at their 429
    others = [page for page in asked if page != "0"]
    assert len(others) <= 4 - 1 and len(set(others)) == len(others)


def _asked(server: FakeExpertFile) -> list[str]:
    """The page_from of every data request, in order."""
    return [e.query["page_from"] for e in server.journal if e.method == "GET"]


# -- the policy itself ------------------------------------------------------------------


def test_a_429_halves_once_per_burst_and_answers_grow_it_back() -> None:
    pace = Pace(8)
    epochs = _places(pace, 8)
    assert pace.limit == 8
    pace.too_many(epochs[0], 0)
    assert pace.limit == 4
    for epoch in epochs[1:4]:  # the same burst: no further halving
        pace.too_many(epoch, 0)
    assert pace.limit == 4
    for _ in epochs[4:]:
        pace.answered()
    assert pace.limit == 5  # a round of 4 answers: one more
    (fresh,) = _places(pace, 1)
    pace.too_many(fresh, 0)  # a new burst: halved again
    assert pace.limit == 2 and pace.lowest == 2
    for _ in range(100):
        got = pace.acquire()
        assert got is not None
        pace.answered()
    assert pace.limit == 8  # never above workers


def test_the_limit_never_goes_below_one() -> None:
    pace = Pace(2)
    for _ in range(5):
        epoch = pace.acquire()
        assert epoch is not None
        pace.too_many(epoch, 0)
    assert pace.limit == 1


def test_the_pause_is_retry_after_capped_or_a_doubling_back_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXPERTFILE_RETRY_BACKOFF", "0.25")
    pace = Pace(4)
    first, second = _places(pace, 2)  # taken before any pause: nothing is waited for here
    assert pace.too_many(first, 2.0) == 2.0
    assert pace.too_many(second, 3600.0) == MAX_PAUSE
    pace = Pace(5)
    places = _places(pace, 5)
    assert [pace.too_many(e, None) for e in places[:3]] == [0.25, 0.5, 1.0]
    pace.answered()  # an answer ends the streak (places[3]'s)
    assert pace.too_many(places[4], None) == 0.25


def _places(pace: Pace, n: int) -> list[int]:
    epochs = [pace.acquire() for _ in range(n)]
    assert None not in epochs
    return [e for e in epochs if e is not None]


def test_a_closed_pace_sends_nothing_more() -> None:
    pace = Pace(1)
    assert pace.acquire() is not None
    pace.close()
    assert pace.acquire() is None


def test_a_pull_that_fails_sends_nothing_more_for_pages_waiting_out_a_429(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 300
    ef.login()
    served: list[str] = []
    asked_to_wait = threading.Event()

    def answer(request: Request) -> Answer | None:
        page = request.args.get("page_from", "")
        served.append(page)
        if page == "99":  # the first later page: refused for good, once 198 waits
            asked_to_wait.wait(10)
            return failure(400, "invalid_request", "no such page")
        if page == "198" and served.count("198") == 1:  # the next: asked to wait
            asked_to_wait.set()
            return failure(429, "rate_limited", "slow down", {"Retry-After": "1"})
        return None

    expertfile_env.add_fault(FOREVER, answer, path="data")
    with pytest.raises(ef.APIError, match="no such page"):
        ef.get_experts(workers=3, progress=False, **EVERYONE)
    assert served.count("198") == 1  # the page waiting out its pause was not sent again
