"""Benchmark the fake server against a bare ``pytest_httpserver.HTTPServer``, in one run.

Both servers run in a child process (so the load generator does not share their
GIL), threaded, on 127.0.0.1. The bare server's handler returns a constant JSON
body: it is the floor any server built on pytest-httpserver could reach. Every
figure is printed as a ratio against the baseline measured in this same run;
absolute times are shown for context only. Load is bounded by request count.

    python bench/bench_server.py          # full size (about a minute)
    python bench/bench_server.py --tiny   # a smoke run, as CI does
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

FORM = urlencode(
    {"client_id": "demo-client", "client_secret": "demo-secret", "grant_type": "client_credentials"}
)
HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


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


# -- load generation ---------------------------------------------------------------------------
def post_token(port: int) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/v2/oauth/token", FORM, HEADERS)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"status {response.status}")
    return time.perf_counter() - start


def load(port: int, connections: int, requests: int) -> tuple[float, list[float]]:
    """(requests per second, per-request latencies) for ``requests`` spread over ``connections``."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = max(1, requests // connections)

    def worker() -> None:
        mine = [post_token(port) for _ in range(per_thread)]
        with lock:
            latencies.extend(mine)

    post_token(port)  # warm up
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, latencies


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
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.experts)
        return

    n = 60 if args.tiny else 4000
    memory_requests = 300 if args.tiny else 100_000
    rounds = 3 if args.tiny else 15
    big = 2_000 if args.tiny else 100_000
    print(f"bench_server ({'tiny' if args.tiny else 'full'}): {n} token requests per case")
    # Both servers run at once; the load alternates between them in rounds, so drift on a
    # shared machine hits both alike.
    children = {kind: Child(kind) for kind in ("bare", "ours")}
    rounds_each = 2 if args.tiny else 5
    results: dict[str, dict[int, tuple[float, list[float]]]] = {"bare": {}, "ours": {}}
    try:
        for c in (1, 8):
            for kind in children:
                results[kind][c] = (0.0, [])
            elapsed: dict[str, float] = {"bare": 0.0, "ours": 0.0}
            for _ in range(rounds_each):
                for kind, child in children.items():
                    rate, latencies = load(child.port, c, n // rounds_each)
                    elapsed[kind] += len(latencies) / rate
                    results[kind][c][1].extend(latencies)
            for kind in children:
                done = len(results[kind][c][1])
                results[kind][c] = (done / elapsed[kind], results[kind][c][1])
    finally:
        for child in children.values():
            child.close()
    for c in (1, 8):
        ours, bare = results["ours"][c][0], results["bare"][c][0]
        print(
            f"  token throughput, {c} connection(s): ours {ours:7.0f}/s  bare {bare:7.0f}/s  "
            f"ratio {ours / bare:.2f}x  (target >= 1.00x)"
        )
    ours_p99, bare_p99 = p99(results["ours"][1][1]), p99(results["bare"][1][1])
    print(
        f"  p99 latency, 1 connection: ours {ours_p99 * 1000:.2f} ms  bare {bare_p99 * 1000:.2f} ms"
        f"  ratio {ours_p99 / bare_p99:.2f}x  (target <= 5 ms)"
    )

    ours_t, bare_t = time_in_process("ours", rounds), time_in_process("bare", rounds)
    for name, target in (("start", "20 ms"), ("stop", "20 ms"), ("reset", "1 ms")):
        print(
            f"  {name}(): ours {ours_t[name] * 1000:7.2f} ms  bare {bare_t[name] * 1000:7.2f} ms  "
            f"ratio {ours_t[name] / max(bare_t[name], 1e-9):.3f}x  (target <= {target})"
        )

    child = Child("ours")
    try:
        load(child.port, 4, 200)
        before = child.rss_mb()
        load(child.port, 4, memory_requests)
        after = child.rss_mb()
    finally:
        child.close()
    print(
        f"  RSS growth over {memory_requests} token requests: {after - before:+.1f} MB "
        f"({before:.1f} -> {after:.1f} MB; target <= 5 MB)"
    )
    first = statistics.median(fresh_process_first_token() for _ in range(1 if args.tiny else 5))
    print(
        f"  fresh `python -m fake_server` to first token: {first * 1000:.0f} ms (target <= 500 ms)"
    )
    rss = big_directory_rss(big)
    print(f"  RSS serving {big} experts (after a full scan): {rss:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
