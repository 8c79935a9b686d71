"""expertfile-nb login | status | logout | token --export, run as a shell user would.

Each command is its own process (subprocess): what one command leaves for the next is
only what it wrote to the remembered-token file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import expertfile_nb
from fake_server import FakeExpertFile

SCRIPT = str(Path(sys.executable).parent / "expertfile-nb")  # installed beside the venv's python
MODULE = [sys.executable, "-m", "expertfile_nb"]


def run(
    *args: str, env: dict[str, str] | None = None, command: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(command or MODULE), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def without_credentials() -> dict[str, str]:
    """This process's environment less the client id and secret (EXPERTFILE_BASE_URL stays)."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET")
    }


def run_bare(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MODULE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**without_credentials(), **extra},
    )


def test_login_prints_org_and_expiry(expertfile_env: FakeExpertFile) -> None:
    result = run("login")
    assert result.returncode == 0, result.stderr
    assert (
        f"organization {expertfile_env.org_id}" in result.stdout and "valid until" in result.stdout
    )
    assert expertfile_env.issued_tokens[-1] not in result.stdout + result.stderr


def test_login_without_remember_says_nothing_was_kept(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    result = run("login")
    assert result.returncode == 0, result.stderr
    assert "Nothing was kept" in result.stdout
    assert "python -m expertfile_nb login --remember" in result.stdout
    assert not (tmp_path / "cache" / "token.json").exists()


def test_remembered_login_serves_the_next_commands_without_a_request(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    login = run("login", "--remember")
    assert login.returncode == 0, login.stderr
    cache = tmp_path / "cache" / "token.json"
    assert f"remembered in {cache}" in login.stdout
    assert "python -m expertfile_nb logout" in login.stdout
    requests_so_far = len(expertfile_env.journal)

    status = run_bare("status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(
        f"Logged in to organization {expertfile_env.org_id} at {expertfile_env.url} "
        f"with the token remembered in {cache}."
    )
    assert "left)" in status.stdout
    assert len(expertfile_env.journal) == requests_so_far  # status made no request

    logout = run_bare("logout")
    assert logout.returncode == 0, logout.stderr
    assert logout.stdout.startswith(f"Deleted the token remembered for {expertfile_env.url}")
    assert "EXPERTFILE_CLIENT_ID" not in logout.stdout  # not set in that shell: not mentioned

    after = run_bare("status")
    assert after.returncode == 1
    assert after.stdout.startswith(f"Not logged in at {expertfile_env.url}.")
    assert "export EXPERTFILE_CLIENT_ID=… EXPERTFILE_CLIENT_SECRET=…" in after.stdout
    again = run_bare("logout")
    assert again.stdout.startswith(f"No token was remembered for {expertfile_env.url}")
    assert len(expertfile_env.journal) == requests_so_far


def test_status_and_logout(expertfile_env: FakeExpertFile) -> None:
    # Behaviour change (issue 9): status makes no request, so with a client id and secret
    # in the environment it says they will be used, not which organization they log in to.
    status = run("status")
    assert status.returncode == 0 and "EXPERTFILE_CLIENT_ID (demo…)" in status.stdout
    assert "status makes no request" in status.stdout
    assert expertfile_env.journal == [] and expertfile_env.token_requests == 0
    logout = run("logout")
    assert logout.returncode == 0 and "EXPERTFILE_CLIENT_ID" in logout.stdout
    assert "unset EXPERTFILE_CLIENT_ID EXPERTFILE_CLIENT_SECRET" in logout.stdout
    assert "Was not logged in" not in logout.stdout


def test_status_with_a_prepared_token_makes_no_request(expertfile_server: FakeExpertFile) -> None:
    result = run_bare(
        "status",
        EXPERTFILE_BASE_URL=expertfile_server.url,
        EXPERTFILE_ACCESS_TOKEN="prepared-elsewhere",
        EXPERTFILE_ORG_ID="31",
        EXPERTFILE_TOKEN_EXPIRES_AT="2099-01-01T00:00:00Z",
    )
    assert result.returncode == 0, result.stderr
    assert "Logged in to organization 31" in result.stdout
    assert "EXPERTFILE_ACCESS_TOKEN" in result.stdout and "2099-01-01 00:00 UTC" in result.stdout
    assert "prepared-elsewhere" not in result.stdout
    assert expertfile_server.journal == []
    expired = run_bare(
        "status",
        EXPERTFILE_BASE_URL=expertfile_server.url,
        EXPERTFILE_ACCESS_TOKEN="prepared-elsewhere",
        EXPERTFILE_ORG_ID="31",
        EXPERTFILE_TOKEN_EXPIRES_AT="2001-01-01T00:00:00Z",
    )
    assert expired.returncode == 1 and "has expired" in expired.stdout
    assert "python -m expertfile_nb token --export" in expired.stdout
    unknown = run_bare(  # no expiry given: the 30 days are an assumption, said as one
        "status",
        EXPERTFILE_BASE_URL=expertfile_server.url,
        EXPERTFILE_ACCESS_TOKEN="prepared-elsewhere",
        EXPERTFILE_ORG_ID="31",
    )
    assert unknown.returncode == 0, unknown.stderr
    assert "expiry not known" in unknown.stdout and "valid until" not in unknown.stdout


def test_status_mentions_a_token_remembered_for_another_base_url(
    expertfile_env: FakeExpertFile,
) -> None:
    assert run("login", "--remember").returncode == 0
    elsewhere = "http://127.0.0.1:9"  # another base URL; status never connects to it
    result = run_bare("status", EXPERTFILE_BASE_URL=elsewhere)
    assert result.returncode == 1
    assert result.stdout.startswith(f"Not logged in at {elsewhere}.")
    assert f"A token for {expertfile_env.url} is remembered" in result.stdout
    assert f"export EXPERTFILE_BASE_URL={expertfile_env.url}" in result.stdout
    logout = run_bare("logout", EXPERTFILE_BASE_URL=elsewhere)
    assert f"EXPERTFILE_BASE_URL={expertfile_env.url} python -m expertfile_nb logout" in (
        logout.stdout
    )


def test_shell_messages_give_no_python_advice(expertfile_env: FakeExpertFile) -> None:
    outputs = [run_bare(command).stdout for command in ("status", "logout")]
    outputs += [run(command).stdout for command in ("status", "login", "logout")]
    for text in outputs:
        assert "ef." not in text and "login(" not in text and "Not logged in: Not" not in text


def test_half_a_credential_pair_is_explained(expertfile_server: FakeExpertFile) -> None:
    result = run_bare(
        "status", EXPERTFILE_BASE_URL=expertfile_server.url, EXPERTFILE_CLIENT_ID="someone"
    )
    assert result.returncode == 1
    assert "EXPERTFILE_CLIENT_SECRET is not set" in result.stdout


@pytest.mark.parametrize(
    ("command", "prog"), [(MODULE, "python -m expertfile_nb"), ([SCRIPT], "expertfile-nb")]
)
def test_version_and_usage_name_the_program_as_invoked(command: list[str], prog: str) -> None:
    version = run("--version", command=command)
    assert version.returncode == 0
    assert version.stdout.strip() == f"{prog} {expertfile_nb.__version__}"
    usage = run("no-such-command", command=command)
    assert usage.returncode == 2
    assert usage.stderr.startswith(f"usage: {prog} ")
    refused = run("token", command=command)
    assert f"Use: {prog} token --export" in refused.stderr


def test_token_needs_export_flag(expertfile_env: FakeExpertFile) -> None:
    result = run("token")
    assert result.returncode == 2 and "--export" in result.stderr
    assert expertfile_env.token_requests == 0


def test_token_export_round_trip(
    expertfile_env: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("token", "--export")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("export EXPERTFILE_ACCESS_TOKEN=")
    exported = dict(part.split("=", 1) for part in line.removeprefix("export ").split())
    assert exported["EXPERTFILE_ORG_ID"] == str(expertfile_env.org_id)
    # elsewhere, with only those variables, data pulls work
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERTFILE_")}
    env.update(exported)
    code = (
        "import expertfile_nb as ef; s = ef.get_session(); "
        "print(s.get(f'/v2/organization/{s.org_id}/expert').status_code)"
    )
    pulled = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert pulled.stdout.strip() == "200", pulled.stderr
    assert expertfile_env.token_requests == 1


def test_errors_are_one_line_without_traceback(expertfile_server: FakeExpertFile) -> None:
    result = run(
        "login", env={"EXPERTFILE_BASE_URL": expertfile_server.url, "EXPERTFILE_CLIENT_ID": "x"}
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and "EXPERTFILE_CLIENT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_retry_setting_is_a_clear_error(expertfile_env: FakeExpertFile) -> None:
    result = run("login", env={"EXPERTFILE_RETRY_BACKOFF": "soon"})
    assert result.returncode == 1
    assert result.stderr.startswith("error: EXPERTFILE_RETRY_BACKOFF='soon' is not a number")
    assert "Traceback" not in result.stderr and expertfile_env.token_requests == 0


PYTHON_ADVICE = ("ef.", "login(", "login_widget")


@pytest.mark.parametrize(
    "args",
    [["login"], ["token", "--export"], ["check"], ["capture", "--out", "x"]],
    ids=" ".join,
)
@pytest.mark.parametrize(
    ("command", "prog"), [(MODULE, "python -m expertfile_nb"), ([SCRIPT], "expertfile-nb")]
)
def test_not_logged_in_gives_shell_advice(
    expertfile_server: FakeExpertFile,
    tmp_path: Path,
    args: list[str],
    command: list[str],
    prog: str,
) -> None:
    result = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**without_credentials(), "EXPERTFILE_BASE_URL": expertfile_server.url},
    )
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("error: Not logged in. export EXPERTFILE_CLIENT_ID=…")
    assert f"`{prog} login --remember`" in result.stderr
    assert f"`{prog} token --export`" in result.stderr
    assert not any(advice in result.stderr for advice in PYTHON_ADVICE), result.stderr
    assert "Traceback" not in result.stderr and expertfile_server.journal == []


@pytest.mark.parametrize("expires", ["2001-01-01T00:00:00Z", "2099-01-01T00:00:00Z"])
def test_an_expired_or_rejected_token_gives_shell_advice(
    expertfile_server: FakeExpertFile, tmp_path: Path, expires: str
) -> None:
    result = run_bare(
        "demo",
        "--out",
        str(tmp_path / "x.csv"),
        EXPERTFILE_BASE_URL=expertfile_server.url,
        EXPERTFILE_ACCESS_TOKEN="not-a-token-the-service-issued",
        EXPERTFILE_ORG_ID=str(expertfile_server.org_id),
        EXPERTFILE_TOKEN_EXPIRES_AT=expires,
    )
    assert result.returncode == 1, result.stdout
    assert "Log in again: export EXPERTFILE_CLIENT_ID=…" in result.stderr
    assert "`python -m expertfile_nb login --remember`" in result.stderr
    assert not any(advice in result.stderr for advice in PYTHON_ADVICE), result.stderr
    assert "Traceback" not in result.stderr


def test_commands_in_messages_are_spelled_as_invoked(expertfile_server: FakeExpertFile) -> None:
    env = {
        **without_credentials(),
        "EXPERTFILE_BASE_URL": expertfile_server.url,
        "EXPERTFILE_ACCESS_TOKEN": "prepared-elsewhere",
    }
    for command, prog, other in [
        (MODULE, "python -m expertfile_nb", "expertfile-nb "),
        ([SCRIPT], "expertfile-nb", "python -m expertfile_nb"),
    ]:
        result = subprocess.run(
            [*command, "login"], capture_output=True, text=True, timeout=60, env=env
        )
        assert result.returncode == 1
        assert f"`{prog} token --export`" in result.stderr
        assert other not in result.stderr


def test_help_names_every_setting_and_default() -> None:
    main_help = " ".join(run("--help").stdout.split())
    assert "EXPERTFILE_ACCESS_TOKEN with EXPERTFILE_ORG_ID" in main_help
    capture_help = " ".join(run("capture", "--help").stdout.split())
    assert "each list (default: all)" in capture_help and "(default: 3)" in capture_help
    check_help = " ".join(run("check", "--help").stdout.split())
    assert "at least 16 (default: 30)" in check_help


@pytest.mark.parametrize(("budget", "message"), [("5", "5 is too few"), ("lots", "'lots'")])
def test_a_budget_too_small_is_a_usage_error(
    expertfile_env: FakeExpertFile, budget: str, message: str
) -> None:
    result = run("check", "--budget", budget)
    assert result.returncode == 2
    assert f"python -m expertfile_nb check: error: argument --budget: {message}" in result.stderr
    assert "Traceback" not in result.stderr and expertfile_env.journal == []
