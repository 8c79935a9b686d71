"""Benchmark the fake server against a bare ``pytest_httpserver.HTTPServer``, in one run.

Both servers run in a child process, threaded, on 127.0.0.1; the load comes from
another process: ``wrk`` when it is installed (``apt-get install wrk``), else a
Python load process. Either keeps its connections open, as a ``requests.Session``
does; the bare server closes each one (werkzeug's default), ours keeps it. The
bare server's handler returns a constant JSON body: it is the floor any server
built on pytest-httpserver could reach. Throughput is printed as a ratio against
the baseline measured in this same run; absolute times are shown for context.
Load is bounded by time.

    python bench/bench_server.py          # full size (about a minute and a half)
    python bench/bench_server.py --tiny   # a smoke run, as CI does
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

FORM = urlencode(
    {"client_id": "demo-client", "client_secret": "demo-secret", "grant_type": "client_credentials"}
)
HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
WRK = shutil.which("wrk")


# -- child process: run one server until stdin closes ------------------------------------------
def serve(kind: str, experts: int) -> None:
    if kind == "ours":
        from fake_server import FakeExpertFile

        server = FakeExpertFile(experts=experts)
    else:
        from pytest_httpserver import HTTPServer

        server = HTTPServer("127.0.0.1", 0, threaded=True)
        body = {"data": {"accessToken": "x" * 40, "user": 4242}, "success": True}
        server.expect_request("/v2/oauth/token", method="POST").respond_with_json(body)
    server.start()
    print(server.port, flush=True)
    sys.stdin.read()  # parent closes stdin to stop us
    server.stop()


class Child:
    def __init__(self, kind: str, experts: int = 250) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", kind, "--experts", str(experts)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # werkzeug's per-request log lines
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# -- load generation: another process (wrk when installed, else a Python load process) -------
WRK_SCRIPT = f"""
wrk.method = "POST"
wrk.body = "{FORM}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def post_token(port: int) -> float:
    """One token request on a fresh connection; its latency."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/v2/oauth/token", FORM, HEADERS)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"status {response.status}")
    return time.perf_counter() - start


def _wrk(port: int, connections: int, seconds: float) -> tuple[float, float]:
    """(requests per second, p99 seconds) measured by wrk on ``connections`` connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [
                WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
                "-s", script.name, f"http://127.0.0.1:{port}/v2/oauth/token",
            ],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw failed answers:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]  # wrk prints it
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]  # as above
    return rate, float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def _python_worker(port: int, deadline: float, out: list[float]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # reused, as wrk does
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        conn.request("POST", "/v2/oauth/token", FORM, HEADERS)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"status {response.status}")
        out.append(time.perf_counter() - start)
    conn.close()


def python_load(port: int, connections: int, seconds: float) -> None:
    """Child-process entry: load ``port`` for ``seconds``; print rate and latencies as JSON."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_python_worker, args=(port, deadline, latencies[i]))
        for i in range(connections)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for per in latencies for x in per]
    print(json.dumps({"rate": len(flat) / (time.perf_counter() - start), "p99": p99(flat)}))


def load(port: int, connections: int, seconds: float) -> tuple[float, float]:
    """(requests per second, p99 seconds) from a separate load-generating process."""
    if WRK:
        return _wrk(port, connections, seconds)
    out = subprocess.run(
        [sys.executable, __file__, "--load", str(port), str(connections), str(seconds)],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    result = json.loads(out)
    return float(result["rate"]), float(result["p99"])


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


def time_in_process(kind: str, rounds: int) -> dict[str, float]:
    """Median start→first response, stop() and reset() times, in seconds."""
    from pytest_httpserver import HTTPServer

    from fake_server import FakeExpertFile

    starts, stops, resets = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        if kind == "ours":
            server = FakeExpertFile()
            server.start()
        else:
            server = HTTPServer("127.0.0.1", 0, threaded=True)
            server.expect_request("/v2/oauth/token", method="POST").respond_with_json({"ok": 1})
            server.start()
            logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request lines
        post_token(server.port)
        starts.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        if kind == "ours":
            server.reset()
        else:
            server.clear()
        resets.append(time.perf_counter() - t1)
        t2 = time.perf_counter()
        server.stop()
        stops.append(time.perf_counter() - t2)
    return {
        "start": statistics.median(starts),
        "stop": statistics.median(stops),
        "reset": statistics.median(resets),
    }


def fresh_process_first_token() -> float:
    """Seconds from launching ``python -m fake_server`` to its first token answer."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().split(" on ", 1)[1].split()[0]
    port = int(url.rsplit(":", 1)[1])
    post_token(port)
    elapsed = time.perf_counter() - t0
    proc.terminate()
    proc.wait(timeout=10)
    return elapsed


def sigterm_to_exit() -> float:
    """Seconds from SIGTERM to the exit of a ``python -m fake_server`` that has answered once."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline().split(" on ", 1)[1].split()[0].rsplit(":", 1)[1])
    for line in proc.stdout:
        if line.startswith("Press Ctrl-C"):
            break
    post_token(port)
    time.sleep(0.2)  # settled: waiting for the next signal
    start = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    return time.perf_counter() - start


def big_directory_rss(experts: int) -> float:
    """RSS (MB) of a server holding ``experts`` experts after a full scan and a detail lookup."""
    child = Child("ours", experts)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", child.port, timeout=120)
        conn.request("POST", "/v2/oauth/token", FORM, HEADERS)
        token = json.loads(conn.getresponse().read())["data"]["accessToken"]
        conn.close()
        auth = {"Authorization": f"Bearer {token}"}
        for path in (
            "/v2/organization/4242/expert?q=genomics&status=all&access=all&page_size=100",
            "/v2/organization/4242/expert/nobody",
        ):
            conn = http.client.HTTPConnection("127.0.0.1", child.port, timeout=120)
            conn.request("GET", path, headers=auth)
            conn.getresponse().read()
            conn.close()
        return child.rss_mb()
    finally:
        child.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help="a smoke run (CI)")
    parser.add_argument("--serve", choices=["ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--experts", type=int, default=250, help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        python_load(int(args.load[0]), int(args.load[1]), float(args.load[2]))
        return
    if args.serve:
        serve(args.serve, args.experts)
        return

    seconds = 1.0 if args.tiny else 4.0
    memory_seconds = 1.0 if args.tiny else 20.0
    rounds = 3 if args.tiny else 15
    big = 2_000 if args.tiny else 100_000
    tool = "wrk" if WRK else "a Python load process (install wrk for better figures)"
    print(f"bench_server ({'tiny' if args.tiny else 'full'}): token requests, load by {tool}")
    if args.tiny:
        print("  (a smoke run: too small to measure; the targets apply to full runs)")
    # Both servers run at once; the load alternates between them in rounds, so drift on a
    # shared machine hits both alike.
    children = {kind: Child(kind) for kind in ("bare", "ours")}
    rounds_each = 1 if args.tiny else 3
    rates: dict[str, dict[int, list[float]]] = {"bare": {1: [], 8: []}, "ours": {1: [], 8: []}}
    tails: dict[str, dict[int, list[float]]] = {"bare": {1: [], 8: []}, "ours": {1: [], 8: []}}
    try:
        for c in (1, 8):
            for _ in range(rounds_each):
                for kind, child in children.items():
                    rate, tail = load(child.port, c, seconds)
                    rates[kind][c].append(rate)
                    tails[kind][c].append(tail)
    finally:
        for child in children.values():
            child.close()
    for c in (1, 8):
        ours, bare = statistics.median(rates["ours"][c]), statistics.median(rates["bare"][c])
        # the median round: one round disturbed by another job on the machine is not the server
        ours_p99 = statistics.median(tails["ours"][c])
        bare_p99 = statistics.median(tails["bare"][c])
        print(
            f"  token throughput, {c} connection(s): ours {ours:7.0f}/s  bare {bare:7.0f}/s  "
            f"ratio {ours / bare:.2f}x  (target >= 1.00x)"
        )
        target = "  (target <= 5 ms)" if c == 1 else "  (8 threads share one GIL: context)"
        print(
            f"  p99 latency, {c} connection(s): ours {ours_p99 * 1000:.2f} ms  "
            f"bare {bare_p99 * 1000:.2f} ms{target}"
        )

    ours_t, bare_t = time_in_process("ours", rounds), time_in_process("bare", rounds)
    for name, target in (("start", "20 ms"), ("stop", "20 ms"), ("reset", "1 ms")):
        print(
            f"  {name}(): ours {ours_t[name] * 1000:7.2f} ms  bare {bare_t[name] * 1000:7.2f} ms  "
            f"ratio {ours_t[name] / max(bare_t[name], 1e-9):.3f}x  (target <= {target})"
        )

    child = Child("ours")
    try:
        load(child.port, 4, 2.0)  # the journal and the token history fill up first
        before = child.rss_mb()
        rate, _ = load(child.port, 4, memory_seconds)
        after = child.rss_mb()
    finally:
        child.close()
    per_1000 = (after - before) * 1024 / max(rate * memory_seconds / 1000, 1e-9)
    print(
        f"  RSS growth over {memory_seconds:.0f} s of token requests on 4 connections: "
        f"{after - before:+.1f} MB ({before:.1f} -> {after:.1f} MB; target <= 5 MB), "
        f"{per_1000:+.1f} KB per 1,000 requests (target <= 50 KB)"
    )
    sigterm = statistics.median(sigterm_to_exit() for _ in range(1 if args.tiny else 7))
    print(f"  `python -m fake_server` SIGTERM to exit: {sigterm * 1000:.0f} ms (target <= 20 ms)")
    first = statistics.median(fresh_process_first_token() for _ in range(1 if args.tiny else 5))
    print(
        f"  fresh `python -m fake_server` to first token: {first * 1000:.0f} ms (target <= 500 ms)"
    )
    rss = big_directory_rss(big)
    print(f"  RSS serving {big} experts (after a full scan): {rss:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
