"""Small helpers for talking to the fake server without the client library."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import requests

from fake_server import FakeExpertFile


def token_form(server: FakeExpertFile, **overrides: str) -> dict[str, str]:
    form = {
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "grant_type": "client_credentials",
    }
    form.update(overrides)
    return form


def get_token(server: FakeExpertFile) -> str:
    response = requests.post(server.token_url, data=token_form(server), timeout=10)
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["accessToken"]
    return token


def get_data(
    server: FakeExpertFile, path: str, token: str | None, **params: Any
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(server.url + path, params=params, headers=headers, timeout=10)


def assert_failure(response: requests.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["success"] is False
    assert body["error"] == error
    assert isinstance(body["error_description"], str) and body["error_description"]
    return body


class FileWatcher:
    """Reads a file over and over in a thread; remembers any content that is not valid JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reads = 0
        self.torn: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                text = self.path.read_text()
            except (FileNotFoundError, PermissionError):
                continue
            self.reads += 1
            try:
                json.loads(text)
            except ValueError:
                self.torn.append(text)

    def __enter__(self) -> FileWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


RACE_CODE = (
    "import os, sys, time, expertfile_nb as ef\n"
    "while not os.path.exists(sys.argv[1]): time.sleep(0.001)\n"
    "print(ef.login(remember=True).org_id)\n"
)


def race_logins(processes: int, go: Path) -> list[tuple[int, str, str]]:
    """Start processes that wait for ``go`` to exist, then all call login(remember=True).

    Returns (exit status, stdout, stderr) for each.
    """
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE_CODE, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    return results


def experts_path(server: FakeExpertFile) -> str:
    """The expert list path of the server's demo organization."""
    return f"/v2/organization/{server.org_id}/expert"
