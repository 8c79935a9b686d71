"""Small helpers for talking to the fake server without the client library."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
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


RACE_WORKER = """
import os, sys, time
import expertfile_nb as ef
from expertfile_nb._auth.state import STATE

folder, rounds = sys.argv[1], int(sys.argv[2])
out = open(os.path.join(folder, f"out-{os.getpid()}"), "a")
for n in range(rounds):
    while not os.path.exists(os.path.join(folder, f"go-{n}")):
        time.sleep(0.001)
    STATE.clear()  # as a new process: nothing in memory, the token comes from the file or a request
    try:
        out.write(f"{n} {ef.login(remember=True).org_id}\\n")
    except Exception as exc:
        out.write(f"{n} ERROR {type(exc).__name__}\\n")
    out.flush()
    open(os.path.join(folder, f"done-{n}-{os.getpid()}"), "w").close()
"""


class RaceWorkers:
    """``processes`` long-lived processes that log in together once per round.

    Starting a process per login costs an interpreter and an import each time;
    these start once, and each round they all wait for ``go-N``, forget what they
    hold in memory, and call ``login(remember=True)`` at the same moment.
    """

    def __init__(self, processes: int, rounds: int, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-c", RACE_WORKER, str(folder), str(rounds)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]

    def run_round(self, n: int, timeout: float = 60.0) -> list[str]:
        """Start round ``n``; return what each process printed for it."""
        (self.folder / f"go-{n}").touch()
        deadline = time.monotonic() + timeout
        while len(list(self.folder.glob(f"done-{n}-*"))) < len(self.procs):
            if time.monotonic() > deadline or any(p.poll() not in (None, 0) for p in self.procs):
                raise AssertionError(f"round {n} did not finish: {self.errors()}")
            time.sleep(0.005)
        lines = []
        for out in self.folder.glob("out-*"):
            lines += [line.split(" ", 1)[1] for line in out.read_text().splitlines()
                      if line.startswith(f"{n} ")]  # fmt: skip
        return lines

    def errors(self) -> str:
        return " | ".join(p.stderr.read()[-500:] for p in self.procs if p.poll() and p.stderr)

    def close(self) -> None:
        """Stop the processes: after the last round they end by themselves; after a failed
        round they would wait for a round that never comes."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stderr:
                proc.stderr.close()


def read_exports(proc: subprocess.Popen[str]) -> dict[str, str]:
    """The ``export EXPERTFILE_…=…`` lines a started ``python -m fake_server`` prints."""
    assert proc.stdout is not None
    exports: dict[str, str] = {}
    for line in proc.stdout:
        match = re.match(r"export (EXPERTFILE_\w+)=(.*)", line.strip())
        if match:
            exports[match[1]] = match[2]
        if line.startswith("Press Ctrl-C"):
            break
    return exports


#: what a :class:`DrippingServer` sends for one request: (head, body, drip), where drip is
#: ``"headers"`` (everything a byte at a time), ``"body"`` (the head at once) or ``None``
Answer = tuple[bytes, bytes, "str | None"]


def http_answer(
    status: int, body: Any, *, drip: str | None = None, headers: dict[str, str] | None = None
) -> Answer:
    """An HTTP/1.1 answer with a JSON body (or bytes as they are), for a DrippingServer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode(), data, drip


class DrippingServer:
    """A raw HTTP server on 127.0.0.1 whose answers may come one byte every 0.1 s.

    ``answer(method, path)`` says what to send (:func:`http_answer`); each connection
    gets one answer, in its own thread. A drip is bounded by the answer's length (a few
    hundred bytes: some seconds) and ends when the server is closed, so a test whose
    client does not give up still ends. ``requests`` lists the (method, path) received;
    ``finished`` is set when a dripped answer was sent to its last byte, so a test can
    tell that the client gave up before the end — an order of events, not a timing.
    """

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: list[tuple[str, str]] = []
        self.finished = threading.Event()
        self.stop = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                raw = b""
                while b"\r\n\r\n" not in raw:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    raw += chunk
                head, _, rest = raw.partition(b"\r\n\r\n")
                length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                while length and len(rest) < int(length[1]):
                    rest += conn.recv(65536)
                method, path = head.split(b"\r\n", 1)[0].decode().split(" ")[:2]
                self.requests.append((method, path))
                top, body, drip = self.answer(method, path)
                if drip is None:
                    conn.sendall(top + body)
                    return
                if drip == "body":
                    conn.sendall(top)
                    top = b""
                for byte in top + body:
                    if self.stop.wait(0.1):
                        return
                    conn.sendall(bytes([byte]))
                self.finished.set()
            except OSError:
                return  # the client hung up: it gave up before the end

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.listener.close()
