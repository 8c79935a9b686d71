"""``python -m fake_server`` and the ``expertfile-fake-server`` script run until interrupted."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys

import pytest
import requests


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
    assert proc.stdout is not None
    exports: dict[str, str] = {}
    for line in proc.stdout:
        match = re.match(r"export (EXPERTFILE_\w+)=(.*)", line.strip())
        if match:
            exports[match[1]] = match[2]
        if line.startswith("Press Ctrl-C"):
            break
    return proc, exports


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "fake_server"],
        [shutil.which("expertfile-fake-server") or "expertfile-fake-server"],
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
        assert "cannot listen" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
