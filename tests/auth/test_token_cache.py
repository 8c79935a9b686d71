"""The token is kept and reused: one request for many calls, renewed only when due."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.helpers import experts_path


def test_two_logins_one_token_request(expertfile_env: FakeExpertFile) -> None:
    first = ef.login()
    second = ef.login()
    assert first == second
    assert expertfile_env.token_requests == 1


def test_16_threads_x_25_gets_from_cold_cache_one_token_request(
    expertfile_env: FakeExpertFile,
) -> None:
    start = threading.Barrier(16)  # nothing logged in yet: every thread starts cold

    def worker() -> int:
        session = None
        start.wait()
        ok = 0
        for _ in range(25):
            session = session or ef.get_session()
            ok += (
                session.get(experts_path(expertfile_env), params={"page_size": 1}).status_code
                == 200
            )
        return ok

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: worker(), range(16)))
    assert sum(results) == 16 * 25
    assert expertfile_env.token_requests == 1


def test_one_session_shared_by_16_threads(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session()
    expertfile_env.expire_tokens()  # every thread's first request now meets a 401
    barrier = threading.Barrier(16)
    before = expertfile_env.token_requests

    def worker() -> int:
        barrier.wait()
        return session.get(experts_path(expertfile_env)).status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda _: worker(), range(16)))
    assert statuses == [200] * 16
    assert (
        expertfile_env.token_requests - before == 1
    )  # 16 threads hit the 401 together: one new token


def test_token_expired_by_clock_is_replaced_transparently(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session()
    assert session.get(experts_path(expertfile_env)).status_code == 200
    expertfile_env.advance_clock(31 * 24 * 3600)  # the server says it expired
    response = session.get(experts_path(expertfile_env))
    assert response.status_code == 200
    assert expertfile_env.token_requests == 2
    assert [e.status for e in expertfile_env.journal if e.method == "GET"] == [200, 401, 200]


def test_revoked_token_costs_one_401_and_one_new_token(expertfile_env: FakeExpertFile) -> None:
    token = ef.login()
    session = ef.get_session()
    expertfile_env.revoke(token.access_token)
    response = session.get(experts_path(expertfile_env))
    assert response.status_code == 200
    assert expertfile_env.token_requests == 2
    assert [e.status for e in expertfile_env.journal if e.method == "GET"] == [401, 200]
    assert len(response.history) == 1 and response.history[0].status_code == 401


def test_second_401_is_authentication_error(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    session = ef.get_session()
    expertfile_env.fail_next(2, status=401, error="invalid_token", path="data")
    with pytest.raises(ef.AuthenticationError) as caught:
        session.get(experts_path(expertfile_env))
    assert caught.value.status == 401
    assert caught.value.error == "invalid_token"
    assert expertfile_env.token_requests == 2  # one renewal, not a loop


def test_token_due_within_leeway_is_renewed_before_use(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.token_ttl = 30  # leeway default: min(60 s, 3 s) = 3 s
    ef.login()
    session = ef.get_session()
    session.get(experts_path(expertfile_env))
    assert expertfile_env.token_requests == 1  # a short token is not refetched on every call
    ef.logout()
    ef.login(leeway=40)  # more than the token's lifetime: due the moment it arrives
    session = ef.get_session()
    for _ in range(5):
        session.get(experts_path(expertfile_env))
    # a token that is due on arrival is used (with a warning) rather than renewed before
    # every request; the service's 401 says when it is really over
    assert expertfile_env.token_requests == 2
    assert all(e.status == 200 for e in expertfile_env.journal)


def test_default_leeway_is_smaller_of_60s_and_10_percent(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.token_ttl = 100
    short = ef.login()
    assert abs(short.default_leeway() - 10) < 0.5
    ef.logout()
    expertfile_env.token_ttl = 30 * 24 * 3600
    long = ef.login()
    assert long.default_leeway() == 60
