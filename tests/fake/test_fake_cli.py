"""``python -m fake_server`` and the ``expertfile-fake-server`` script run until interrupted."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.helpers import read_exports


def start(*args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [
            *args,
            "--port",
            "0",
            "--client-id",
            "cli-client",
            "--client-secret",
            "cli-secret",
            "--org-id",
            "77",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, read_exports(proc)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "fake_server"],
        [str(Path(sys.executable).parent / "expertfile-fake-server")],  # the venv's script
    ],
)
def test_command_prints_exports_serves_and_stops_on_ctrl_c(command: list[str]) -> None:
    proc, exports = start(*command)
    try:
        assert set(exports) == {
            "EXPERTFILE_BASE_URL",
            "EXPERTFILE_CLIENT_ID",
            "EXPERTFILE_CLIENT_SECRET",
        }
        assert exports["EXPERTFILE_BASE_URL"].startswith("http://127.0.0.1:")
        response = requests.post(
            exports["EXPERTFILE_BASE_URL"] + "/v2/oauth/token",
            data={
                "client_id": "cli-client",
                "client_secret": "cli-secret",
                "grant_type": "client_credentials",
            },
            timeout=10,
        )
        assert response.json()["data"]["user"] == 77
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_port_in_use_is_a_clear_error() -> None:
    proc, exports = start(sys.executable, "-m", "fake_server")
    try:
        port = exports["EXPERTFILE_BASE_URL"].rsplit(":", 1)[1]
        second = subprocess.run(
            [sys.executable, "-m", "fake_server", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        # one line of our own (werkzeug's text is not shown), with the way out
        assert second.stderr.startswith(f"fake_server: cannot listen on 127.0.0.1:{port} ")
        assert "--port 0 for any free port" in second.stderr
        # the reason, said once: "(Address already in use)", not "(cannot listen ...)" again
        assert f"({os.strerror(errno.EADDRINUSE)})" in second.stderr, second.stderr
        assert second.stderr.count("cannot listen") == 1, second.stderr
        assert len(second.stderr.strip().splitlines()) == 1, second.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "argument --port: 99999 is not a port: use 0-65535"),
        (["--port", "-5"], "argument --port: -5 is not a port: use 0-65535"),
        (["--port", "http"], "argument --port: 'http' is not a whole number"),
        (["--experts", "-1"], "argument --experts: -1 is negative: use 0 or more"),
        (["--org-id", "0"], "argument --org-id: 0 is not positive"),
        (["--token-ttl", "0"], "argument --token-ttl: 0 is not more than 0 seconds"),
        (["--token-ttl", "inf"], "argument --token-ttl: 'inf' is not a finite number"),
        (["--latency", "-1"], "argument --latency: -1 is negative"),
        (["--client-secret", " "], "argument --client-secret: must not be empty"),
        (["--host", "0.0.0.0"], "argument --host: 0.0.0.0 is not a loopback address"),  # noqa: S104
        (["--host", "example.org"], "argument --host: example.org is not a loopback address"),
    ],
)
def test_bad_arguments_are_usage_errors(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", *args], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.startswith("usage: python -m fake_server")
    assert f"python -m fake_server: error: {message}" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""  # it never started


def test_edge_values_are_accepted() -> None:
    proc, exports = start(
        sys.executable, "-m", "fake_server", "--experts", "0", "--token-ttl", "0.5"
    )
    try:
        url = exports["EXPERTFILE_BASE_URL"]
        form = {"client_id": "cli-client", "client_secret": "cli-secret"}
        token = requests.post(
            url + "/v2/oauth/token", data={**form, "grant_type": "client_credentials"}, timeout=10
        ).json()["data"]["accessToken"]
        answer = requests.get(
            url + "/v2/organization/77/expert",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        assert answer["data"]["total"] == 0
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)


def test_help_shows_every_default() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # argparse wraps lines
    for option, default in [
        ("--host", "127.0.0.1"),
        ("--client-id", "demo-client"),
        ("--client-secret", "demo-secret"),
        ("--org-id", "4242"),
        ("--paging", "offset"),
        ("--max-page-size", "100"),
        ("--oversize-pages", "cap"),
        ("--error-body", "error"),
        ("--array-params", "json"),
        ("--fields-mode", "add"),
    ]:
        after = text.split(f" {option} ", 1)[1].split(" --", 1)[0]
        assert f"(default: {default})" in after, (option, after)
    assert "(default: None)" not in text


def test_a_reader_that_goes_away_ends_it_quietly() -> None:
    # `python -m fake_server | head -4`, then Ctrl-C
    proc, exports = start(sys.executable, "-m", "fake_server")
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    url = exports["EXPERTFILE_BASE_URL"]
    assert requests.get(url + "/v2/organization/77/expert", timeout=10).status_code == 401
    proc.send_signal(signal.SIGINT)  # it kept serving; "stopped" now meets a closed pipe
    err = proc.stderr.read()
    proc.wait(timeout=10)
    proc.stderr.close()
    assert proc.returncode == 141, err
    assert err == ""
