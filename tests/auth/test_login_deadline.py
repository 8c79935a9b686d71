"""A login, and a data call that logs in again, end at their deadline (a dripping service).

Each server here drips its answer a byte every 0.1 s (``DrippingServer``): a token
answer takes about 17 s to arrive whole, so a test whose client did not give up still
ends, and fails (the call succeeds, or ends with another error).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import expertfile_nb as ef
from tests.contract.pages import CLIENT_ID, ORG, SECRET, TOKEN
from tests.helpers import Answer, DrippingServer, http_answer

REFUSED = {"success": False, "error": "invalid_token", "error_description": "expired"}


@pytest.fixture(params=["body", "headers"])
def dripping_token(request: pytest.FixtureRequest) -> Iterator[DrippingServer]:
    """A token endpoint whose answer (a good token) drips: its body, or everything."""
    server = DrippingServer(lambda _method, _path: http_answer(200, TOKEN, drip=request.param))
    yield server
    server.close()


def test_login_ends_at_its_deadline(dripping_token: DrippingServer) -> None:
    # each byte comes well within the 0.5 s read timeout: only the deadline can end it
    with pytest.raises(ef.DeadlineExceededError, match="within 1 s") as caught:
        ef.login(CLIENT_ID, SECRET, base_url=dripping_token.url, timeout=(1, 0.5), deadline=1)
    assert caught.value.deadline == 1
    assert not dripping_token.finished.is_set()  # it gave up before the answer was whole


def test_the_default_login_deadline_follows_the_timeout(dripping_token: DrippingServer) -> None:
    # ten times (connect + read), at least 5 s: (0.5, 0.5) gives 10 s, not the 120 s default.
    # Not shorter timeouts: under a loaded CI a byte dripped every 0.1 s may come 0.3 s late
    # (a 0.3 s read timeout then ends the login before its deadline); the drip takes 18 s
    with pytest.raises(ef.DeadlineExceededError) as caught:
        ef.login(CLIENT_ID, SECRET, base_url=dripping_token.url, timeout=(0.5, 0.5))
    assert caught.value.deadline == 10
    assert not dripping_token.finished.is_set()


def test_expertfile_deadline_sets_the_login_deadline(
    dripping_token: DrippingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_DEADLINE", "1")
    with pytest.raises(ef.DeadlineExceededError) as caught:
        ef.login(CLIENT_ID, SECRET, base_url=dripping_token.url)
    assert caught.value.deadline == 1
    for wrong in ("0", "-3", "soon", "nan", "inf"):
        monkeypatch.setenv("EXPERTFILE_DEADLINE", wrong)
        with pytest.raises(ef.ConfigurationError, match="EXPERTFILE_DEADLINE"):
            ef.login(CLIENT_ID, SECRET, base_url=dripping_token.url)
    monkeypatch.delenv("EXPERTFILE_DEADLINE")
    for deadline in (0, -1, float("nan"), True):
        with pytest.raises(ef.ConfigurationError, match="deadline must be"):
            ef.login(CLIENT_ID, SECRET, base_url=dripping_token.url, deadline=deadline)
    assert dripping_token.requests == [("POST", "/v2/oauth/token")]  # the first one only


def test_the_command_line_login_takes_a_deadline(dripping_token: DrippingServer) -> None:
    env = {
        **os.environ,
        "EXPERTFILE_CLIENT_ID": CLIENT_ID,
        "EXPERTFILE_CLIENT_SECRET": SECRET,
        "EXPERTFILE_BASE_URL": dripping_token.url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "login", "--deadline", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "within 1 s" in result.stderr and SECRET not in result.stderr
    assert not dripping_token.finished.is_set()


class RefusingService:
    """The first token comes at once; every data call is refused (401), and every later
    token answer drips: a data call's re-login can only end at the call's deadline."""

    def __init__(self) -> None:
        self.tokens = 0
        self.server = DrippingServer(self.answer)

    def answer(self, method: str, path: str) -> Answer:
        if path.startswith("/v2/oauth/token"):
            self.tokens += 1
            return http_answer(200, TOKEN, drip=None if self.tokens == 1 else "body")
        return http_answer(401, REFUSED)


@pytest.fixture
def refusing() -> Iterator[RefusingService]:
    service = RefusingService()
    yield service
    service.server.close()


def test_a_sessions_deadline_covers_its_relogin(refusing: RefusingService) -> None:
    ef.login(CLIENT_ID, SECRET, base_url=refusing.server.url)
    session = ef.get_session(deadline=2)
    with pytest.raises(ef.DeadlineExceededError, match="within 2 s") as caught:
        session.get(f"/v2/organization/{ORG}/expert")
    assert caught.value.deadline == 2
    assert refusing.tokens == 2  # it was the re-login that the deadline ended
    assert not refusing.server.finished.is_set()


def test_waiting_for_another_threads_relogin_ends_at_the_calls_deadline(
    refusing: RefusingService,
) -> None:
    # A's re-login drips (its call may take 30 s); B, refused too, waits for A's token
    # (single flight) but no longer than its own 1 s
    ef.login(CLIENT_ID, SECRET, base_url=refusing.server.url)
    path = f"/v2/organization/{ORG}/expert"
    outcome: list[BaseException] = []

    def call_a() -> None:
        try:
            ef.get_session(deadline=30).get(path)
        except BaseException as exc:  # reported by the assertions below
            outcome.append(exc)

    first = threading.Thread(target=call_a, daemon=True)
    first.start()
    for _ in range(100):  # until A's token request has started (bounded)
        if refusing.tokens == 2:
            break
        refusing.server.stop.wait(0.05)
    assert refusing.tokens == 2
    with pytest.raises(ef.DeadlineExceededError, match="Another request") as caught:
        ef.get_session(deadline=1).get(path)
    assert caught.value.deadline == 1
    assert refusing.tokens == 2  # B asked for no token of its own
    refusing.server.close()  # A's drip ends; so does A
    first.join(30)
    assert outcome and isinstance(outcome[0], ef.ExpertFileError)


def test_a_later_logins_deadline_holds_for_its_renewals(refusing: RefusingService) -> None:
    url = refusing.server.url
    ef.login(CLIENT_ID, SECRET, base_url=url)
    ef.login(CLIENT_ID, SECRET, base_url=url, deadline=1)  # the token in hand: no request
    assert refusing.tokens == 1
    with pytest.raises(ef.DeadlineExceededError) as caught:
        ef.get_session(deadline=60).get(f"/v2/organization/{ORG}/expert")
    assert caught.value.deadline == 1  # the renewal ended at the later login's deadline
    assert not refusing.server.finished.is_set()


def test_get_session_bounds_the_login_it_needs_first(
    dripping_token: DrippingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("EXPERTFILE_BASE_URL", dripping_token.url)
    with pytest.raises(ef.DeadlineExceededError) as caught:
        ef.get_session(deadline=1)
    assert caught.value.deadline == 1
    assert not dripping_token.finished.is_set()


def test_the_documented_login_deadline_is_the_one_used() -> None:
    # docs/reading.md states the default; `login --help` shows the one the code uses
    page = Path(__file__).resolve().parents[2] / "docs" / "reading.md"
    promised = re.search(
        r"ten times the timeout's connect \+ read seconds, from 5 to (\d+) s",
        " ".join(page.read_text().split()),
    )
    assert promised is not None, "docs/reading.md's deadline paragraph changed: update this test"
    shown = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "login", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    used = re.search(r"else (\d+) s\)", " ".join(shown.split()))
    assert used is not None and used[1] == promised[1]
