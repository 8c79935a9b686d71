"""Where credentials come from: one documented order, clear errors, no mixing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile


def test_explicit_arguments(expertfile_server: FakeExpertFile) -> None:
    token = ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=expertfile_server.url
    )
    assert token.org_id == expertfile_server.org_id
    assert token.client_id == expertfile_server.client_id
    assert token.expires_at.tzinfo is not None and token.expires_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]  # tzinfo checked just before
    assert ef.status().source == "arguments"


def test_environment_pair(expertfile_env: FakeExpertFile) -> None:
    token = ef.login()
    assert token.org_id == expertfile_env.org_id
    state = ef.status()
    assert state.logged_in and state.source is not None and "EXPERTFILE_CLIENT_ID" in state.source
    assert state.client_id == "demo…"


def test_arguments_win_over_environment(
    expertfile_env: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    expertfile_env.add_client("other", "other-secret", 99)
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", "wrong-in-env")
    assert ef.login("other", "other-secret").org_id == 99


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET"),
        ("EXPERTFILE_CLIENT_SECRET", "EXPERTFILE_CLIENT_ID"),
    ],
)
def test_half_a_pair_names_the_missing_variable(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch, present: str, missing: str
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv(present, "something")
    with pytest.raises(ef.ConfigurationError, match=missing):
        ef.login()
    assert expertfile_server.token_requests == 0


def test_half_a_pair_of_arguments(expertfile_server: FakeExpertFile) -> None:
    with pytest.raises(ef.ConfigurationError, match="both"):
        ef.login(client_id="x", base_url=expertfile_server.url)


def test_prepared_access_token(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=expertfile_server.url
    )
    prepared = expertfile_server.issued_tokens[-1]
    ef.logout()
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", prepared)
    monkeypatch.setenv("EXPERTFILE_ORG_ID", str(expertfile_server.org_id))
    token = ef.login()
    assert token.access_token == prepared
    assert ef.status().source == "environment (EXPERTFILE_ACCESS_TOKEN)"
    session = ef.get_session()
    assert session.get(f"/v2/organization/{session.org_id}/expert").status_code == 200
    assert expertfile_server.token_requests == 1


def test_prepared_token_needs_org_id(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", "abc")
    with pytest.raises(ef.ConfigurationError, match="EXPERTFILE_ORG_ID"):
        ef.login()


def test_prepared_token_rejected_is_authentication_error(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", "revoked-or-made-up-token")
    monkeypatch.setenv("EXPERTFILE_ORG_ID", str(expertfile_server.org_id))
    ef.login()
    session = ef.get_session()
    with pytest.raises(ef.AuthenticationError, match="no client secret") as caught:
        session.get(f"/v2/organization/{session.org_id}/expert")
    assert caught.value.error == "invalid_token"
    assert "revoked-or-made-up-token" not in str(caught.value)


def test_remembered_token_is_a_source(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    ef.login(
        expertfile_server.client_id,
        expertfile_server.client_secret,
        base_url=expertfile_server.url,
        remember=True,
    )
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    # a new process, with no credentials anywhere, finds the remembered token
    code = (
        "import expertfile_nb as ef; t = ef.login(); s = ef.status(); "
        "print(s.source, t.org_id, t.access_token == __import__('sys').argv[1])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, expertfile_server.issued_tokens[-1]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["remembered", "token", str(expertfile_server.org_id), "True"]
    assert expertfile_server.token_requests == 1


def test_nothing_configured_says_how_in_two_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(ef.NotLoggedInError) as caught:
        ef.login()
    message = str(caught.value)
    assert len(message.splitlines()) <= 3
    for way in ("ef.login(", "login_widget", "EXPERTFILE_CLIENT_ID", "EXPERTFILE_ACCESS_TOKEN"):
        assert way in message
    with pytest.raises(ef.NotLoggedInError):
        ef.get_session()
    assert not ef.status().logged_in


@pytest.mark.parametrize("url", ["ftp://127.0.0.1", "https://user:pw@host.example", "not a url"])
def test_bad_base_urls(url: str) -> None:
    with pytest.raises(ef.ConfigurationError):
        ef.login("id", "secret", base_url=url)


def test_status_text_and_html_hold_no_secret(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    state = ef.status()
    token = expertfile_env.issued_tokens[-1]
    for text in (str(state), repr(state), state._repr_html_()):
        assert token not in text and expertfile_env.client_secret not in text
    assert "4242" in str(state) and "valid until" in str(state)


def test_logout_says_env_would_log_back_in(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    message = ef.logout()
    assert "Logged out" in message and "EXPERTFILE_CLIENT_ID" in message
    assert not ef.status().logged_in


COLAB_USERDATA = """
import os

class SecretNotFoundError(Exception):
    pass

def get(name):
    if os.environ.get("FAKE_COLAB_REFUSE"):
        raise SecretNotFoundError(name)
    return {"EXPERTFILE_CLIENT_ID": "demo-client", "EXPERTFILE_CLIENT_SECRET": "demo-secret"}[name]
"""


@pytest.mark.parametrize("refuse", [False, True])
def test_colab_secrets_after_the_environment(
    expertfile_server: FakeExpertFile, tmp_path: Path, refuse: bool
) -> None:
    # Colab's own module stands in as a stub package first on the path, in a child process
    stub = tmp_path / "stub" / "google" / "colab"
    stub.mkdir(parents=True)
    (stub.parent / "__init__.py").write_text("")
    (stub / "__init__.py").write_text("")
    (stub / "userdata.py").write_text(COLAB_USERDATA)
    code = (
        "import google.colab, expertfile_nb as ef\n"
        "try:\n"
        f"    ef.login(base_url={expertfile_server.url!r}); print(ef.status().source)\n"
        "except ef.NotLoggedInError as e:\n"
        "    print('not logged in')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERTFILE_")}
    env["PYTHONPATH"] = str(stub.parent.parent)
    if refuse:
        env["FAKE_COLAB_REFUSE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("not logged in" if refuse else "Colab secrets")
    assert expertfile_server.token_requests == (0 if refuse else 1)


def test_status_before_a_login_says_what_would_log_in(
    expertfile_env: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = ef.status()  # the fixture set EXPERTFILE_CLIENT_ID/SECRET; nothing is logged in
    assert not state.logged_in and state.ready == "environment (EXPERTFILE_CLIENT_ID/SECRET)"
    assert "ready to" in str(state) and "set EXPERTFILE_CLIENT_ID" not in str(state)
    monkeypatch.delenv("EXPERTFILE_CLIENT_SECRET")
    state = ef.status()
    assert state.ready is None and "Set both" in (state.problem or "")
    assert (
        "EXPERTFILE_CLIENT_SECRET" in str(state)
        and "EXPERTFILE_CLIENT_SECRET" in state._repr_html_()
    )
    assert expertfile_env.journal == []  # no request


@pytest.mark.parametrize(
    "settings",
    [
        {"timeout": 0},
        {"timeout": -1},
        {"timeout": float("nan")},
        {"timeout": "5"},
        {"timeout": (5,)},
        {"timeout": (1, 2, 3)},
        {"leeway": "5"},
        {"leeway": float("inf")},
        {"base_url": PurePosixPath("/x")},
    ],
    ids=repr,
)
def test_a_wrong_setting_is_a_configuration_error(
    expertfile_env: FakeExpertFile, settings: dict[str, Any]
) -> None:
    with pytest.raises(ef.ConfigurationError):
        ef.login(**settings)
    assert expertfile_env.journal == []  # refused before any request


@pytest.mark.parametrize("timeout", [0, -1, "5", (1, 2, 3)], ids=repr)
def test_a_wrong_session_timeout_is_a_configuration_error(
    expertfile_env: FakeExpertFile, timeout: Any
) -> None:
    ef.login()
    with pytest.raises(ef.ConfigurationError, match="timeout"):
        ef.get_session(timeout=timeout)


def test_a_bare_login_returns_the_login_made_with_a_base_url(
    expertfile_server: FakeExpertFile,
) -> None:
    # EXPERTFILE_BASE_URL is not set: the default base URL is not the one logged in to
    token = ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=expertfile_server.url
    )
    assert ef.login() is token
    assert expertfile_server.token_requests == 1


def test_a_refused_prepared_token_is_said_to_be_refused_on_every_call(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", "not-a-token-the-service-knows")
    monkeypatch.setenv("EXPERTFILE_ORG_ID", str(expertfile_server.org_id))
    for _ in range(2):  # the second call must not say "expired": it was refused
        with pytest.raises(ef.AuthenticationError, match="rejected by the service") as caught:
            ef.get_experts(limit=1, progress=False)
        assert caught.value.status == 401


def test_status_says_a_prepared_tokens_expiry_is_assumed_when_not_given(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=expertfile_server.url
    )
    ef.logout()
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_ACCESS_TOKEN", token.access_token)
    monkeypatch.setenv("EXPERTFILE_ORG_ID", str(expertfile_server.org_id))
    ef.login()
    state = ef.status()
    assert state.expiry_assumed and "expiry not known" in str(state)
    assert "(assumed)" in state._repr_html_()
    monkeypatch.setenv("EXPERTFILE_TOKEN_EXPIRES_AT", "2099-01-01T00:00:00Z")
    ef.logout()
    ef.login()
    assert not ef.status().expiry_assumed and "valid until 2099-01-01" in str(ef.status())
