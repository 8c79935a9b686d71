"""Benchmark a pull against a service that answers 429 above N requests a second.

The fake server runs in a child process (so the client does not share its GIL) with
50 ms latency and a token-bucket limit of N requests a second (``fake_server._ratelimit``:
one second's worth at once, ``Retry-After`` in whole seconds). The bound is
``requests / N``: the time the service's limit allows for the requests that were
answered. Printed: ``get_experts`` (paced: AIMD on the requests in flight, see
``expertfile_nb._reads.pace``) and, as the baseline in the same run, what a data team writes
by hand: 4 threads at a fixed concurrency, each request retried by urllib3 on 429 after
``Retry-After``; for each, the wall time over that bound, the 429s, and whether it
finished. Medians of the rounds.

    python bench/bench_ratelimit.py          # full size
    python bench/bench_ratelimit.py --tiny   # a smoke run, as CI does
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import expertfile_nb as ef

EVERYONE = {"access": "all", "status": "all"}
WORKERS = 16


def server_child(experts: int, latency: float, rate: float) -> None:
    """Serve; on stdin ``reset`` empties the record (and fills the bucket), ``stats`` prints
    what the limit saw as one JSON line."""
    from fake_server import FakeExpertFile
    from fake_server._ratelimit import limit_rate

    with FakeExpertFile(experts=experts, latency=latency) as server:
        limit = limit_rate(server, rate)
        print(f"serving on {server.url}", flush=True)
        for line in sys.stdin:
            if line.strip() == "reset":
                limit.reset()
                print("ok", flush=True)
            elif line.strip() == "stats":
                seen = limit.seen
                print(
                    json.dumps(
                        {
                            "refused": limit.refused,
                            "answered": sum(not s.refused for s in seen),
                            "max_in_flight": max((s.in_flight for s in seen), default=0),
                        }
                    ),
                    flush=True,
                )


class Server:
    def __init__(self, experts: int, latency: float, rate: float) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable, __file__, "--server-child",
                json.dumps([experts, latency, rate]),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().split(" on ", 1)[1].split()[0]

    def ask(self, command: str) -> str:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def hand_written(url: str, token: str, org: int, experts: int) -> int:
    """Fixed concurrency: pages of 100 on 4 threads, urllib3 retrying 429 after Retry-After."""
    session = requests.Session()
    retry = Retry(total=4, status_forcelist=(429,), backoff_factor=0.5)
    session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=WORKERS))
    session.headers["Authorization"] = f"Bearer {token}"

    def page(start: int) -> int:
        response = session.get(
            f"{url}/v2/organization/{org}/expert",
            params={"page_size": "100", "page_from": str(start), **EVERYONE},
            timeout=30,
        )
        response.raise_for_status()
        return len(response.json()["data"]["experts"])

    with ThreadPoolExecutor(WORKERS) as pool:
        return sum(pool.map(page, range(0, experts, 100)))


def measure(server: Server, run: Any) -> tuple[float, dict[str, int], str]:
    server.ask("reset")
    time.sleep(1.0)  # the bucket full, as at the start of any pull
    server.ask("reset")
    t0 = time.perf_counter()
    try:
        run()
        outcome = "finished"
    except Exception as exc:  # a failure is a result here
        outcome = f"FAILED ({type(exc).__name__})"
    wall = time.perf_counter() - t0
    return wall, json.loads(server.ask("stats")), outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help="a smoke run (CI)")
    parser.add_argument("--server-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.server_child:
        server_child(*json.loads(args.server_child))
        return
    experts, rate, rounds = (1_000, 5.0, 1) if args.tiny else (10_000, 20.0, 3)
    print(f"bench_ratelimit ({'tiny' if args.tiny else 'full'})")
    if args.tiny:
        print("  (a smoke run: too small to measure; the targets apply to full runs)")
    server = Server(experts, 0.05, rate)
    try:
        token = ef.login("demo-client", "demo-secret", base_url=server.url)
        runs: dict[str, list[tuple[float, dict[str, int], str]]] = {"paced": [], "fixed": []}
        for _ in range(rounds):  # interleaved, so drift hits both alike
            runs["paced"].append(
                measure(server, lambda: ef.get_experts(progress=False, workers=WORKERS, **EVERYONE))  # type: ignore[arg-type]  # EVERYONE holds str; the filters are Literals
            )
            runs["fixed"].append(
                measure(
                    server,
                    lambda: hand_written(server.url, token.access_token, token.org_id, experts),
                )
            )
        print(
            f"  {experts} experts, 50 ms latency, {WORKERS} workers, 429 above {rate:g} requests/s:"
        )
        for name, label in (
            ("paced", "get_experts (paced)"),
            ("fixed", "fixed concurrency, urllib3 retries"),
        ):
            ratios = sorted(wall / (stats["answered"] / rate) for wall, stats, _ in runs[name])
            median = statistics.median(ratios)
            wall, stats, outcome = sorted(runs[name], key=lambda r: r[0])[len(runs[name]) // 2]
            failed = sum(o != "finished" for _, _, o in runs[name])
            print(
                f"    {label}: {wall:.2f} s for {stats['answered']} requests answered, "
                f"{stats['refused']} 429s, at most {stats['max_in_flight']} at once -> "
                f"{median:.2f}x requests / N (rounds {', '.join(f'{r:.2f}' for r in ratios)}; "
                f"{failed} of {len(ratios)} failed{'' if not failed else ': ' + outcome})"
            )
        print("    target: get_experts within 1.1x of requests / N, no failure")
    finally:
        ef.logout()
        server.close()


if __name__ == "__main__":
    main()
