"""The token's life: remembered when asked (also later), leeway on remembered tokens, the right
client's token only, a token due on arrival, copies, a cache folder others can write to."""

from __future__ import annotations

import copy
import json
import os
import pickle
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import expertfile_nb as ef
from fake_server import FakeExpertFile


def cache_file() -> Path:
    return Path(os.environ["EXPERTFILE_TOKEN_CACHE"])


def plant(base_url: str, client_id: str, token: str, expires_in: float, org_id: int) -> None:
    """Write a remembered token as an earlier process would have (format 1)."""
    now = datetime.now(timezone.utc)
    entry = {
        "base_url": base_url,
        "client_id": client_id,
        "org_id": org_id,
        "access_token": token,
        "expires_at": (now + timedelta(seconds=expires_in)).isoformat(),
        "obtained_at": (now - timedelta(days=30)).isoformat(),
    }
    path = cache_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "tokens": [entry]}))
    path.chmod(0o600)


def test_remember_after_an_earlier_login_writes_the_file(expertfile_env: FakeExpertFile) -> None:
    token = ef.login()
    assert not cache_file().exists()
    assert ef.login(remember=True) == token
    saved = json.loads(cache_file().read_text())["tokens"]
    assert [e["access_token"] for e in saved] == [expertfile_env.issued_tokens[-1]]
    assert expertfile_env.token_requests == 1


def test_login_while_logged_in_returns_the_token_in_use(expertfile_server: FakeExpertFile) -> None:
    form = ef.login_widget(base_url=expertfile_server.url)
    form.client_id.value = expertfile_server.client_id
    form.client_secret.value = expertfile_server.client_secret
    form.submit()
    token = ef.login(base_url=expertfile_server.url)  # no credentials anywhere but the form's
    assert token is not None and token.org_id == expertfile_server.org_id
    assert expertfile_server.token_requests == 1


def test_a_remembered_token_within_the_leeway_is_not_used(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    plant(expertfile_server.url, "demo-client", "almost-over-token-123", 30, 4242)
    with pytest.raises(ef.NotLoggedInError):  # 30 s left < the 60 s leeway: not a login
        ef.login()


def test_a_remembered_token_of_another_client_is_not_used(
    expertfile_env: FakeExpertFile,
) -> None:
    plant(expertfile_env.url, "other-client", "other-clients-token-1234", 3600 * 24, 4242)
    token = ef.login(remember=True)
    assert token.access_token != "other-clients-token-1234"
    assert expertfile_env.token_requests == 1


def test_a_token_due_on_arrival_is_not_fetched_again_per_request(httpserver: HTTPServer) -> None:
    past = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    answer = {
        "data": {
            "accessToken": "already-over-token-1",
            "accessTokenExpiresAt": past,
            "client": "c",
            "user": 7,
            "scope": True,
        },
        "success": True,
    }
    httpserver.expect_request("/v2/oauth/token", method="POST").respond_with_json(answer)
    httpserver.expect_request("/v2/organization/7/expert").respond_with_json(
        {"data": {"experts": [], "total": 0}, "success": True}
    )
    ef.login("c", "s", base_url=httpserver.url_for("").rstrip("/"))
    session = ef.get_session()
    for _ in range(11):
        assert session.get("/v2/organization/7/expert").status_code == 200
    token_posts = [r for r, _ in httpserver.log if r.path == "/v2/oauth/token"]
    assert len(token_posts) == 1


def test_token_pickles_and_copies(expertfile_env: FakeExpertFile) -> None:
    token = ef.login()
    assert pickle.loads(pickle.dumps(token)) == token  # noqa: S301 -- our own bytes
    assert copy.deepcopy(token) == token and copy.copy(token) == token


def test_a_cache_folder_others_can_write_is_not_used(
    expertfile_env: FakeExpertFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("EXPERTFILE_TOKEN_CACHE", str(shared / "token.json"))
    with pytest.warns(ef.TokenCacheWarning, match="writable by other users"):
        token = ef.login(remember=True)
    assert token.org_id == expertfile_env.org_id
    assert not (shared / "token.json").exists()


def test_not_logged_in_is_raised_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            ef.get_session()
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(10)  # a guard against a hang, not a timing claim: it raises immediately
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ef.NotLoggedInError)


def test_retry_after_is_capped(expertfile_env: FakeExpertFile) -> None:
    from expertfile_nb._http.transport import CappedRetry

    class ShortCap(CappedRetry):
        max_retry_after = 0.2  # the default is 30 s; shortened so the test does not sleep

    ef.login()
    retry = ShortCap(total=1, status_forcelist=[429], respect_retry_after_header=True)
    session = ef.get_session(retries=retry)
    expertfile_env.fail_next(1, status=429, retry_after=3600, path="data")
    outcome: list[int] = []
    worker = threading.Thread(
        target=lambda: outcome.append(
            session.get(f"/v2/organization/{expertfile_env.org_id}/expert").status_code
        ),
        daemon=True,
    )
    worker.start()
    worker.join(20)  # a guard against a hang (an uncapped wait is an hour), not a timing claim
    assert outcome == [200]  # waited at most the cap, then the retry went through


def test_rate_limit_error_tells_the_wait_the_service_asked_for(
    expertfile_env: FakeExpertFile,
) -> None:
    ef.login()
    expertfile_env.fail_next(1, status=429, retry_after=3600, path="data")
    with pytest.raises(ef.RateLimitError, match="Wait 3600 s") as caught:
        ef.get_session(retries=0).get(f"/v2/organization/{expertfile_env.org_id}/expert")
    assert caught.value.retry_after == 3600


def test_a_remembered_token_for_another_base_url_is_not_used(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    plant("https://public-api.expertfile.com", "demo-client", "real-service-token-12", 86400, 4242)
    with pytest.raises(ef.NotLoggedInError):
        ef.login()


def test_a_due_token_is_renewed_before_it_is_used(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.token_ttl = 2
    ef.login(leeway=1.5)  # due 0.5 s after it arrives, valid at the service for 2 s
    session = ef.get_session()
    time.sleep(0.6)  # let it fall due (this test is about renewal, not about speed)
    assert session.get(f"/v2/organization/{expertfile_env.org_id}/expert").status_code == 200
    assert expertfile_env.token_requests == 2  # renewed before use
    assert [e.status for e in expertfile_env.journal if e.method == "GET"] == [200]  # no 401
