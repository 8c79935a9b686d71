"""Benchmark pulling experts into pandas against a hand-written loop, in one run.

The baseline is what a data team writes by hand: a sequential ``requests`` loop over
``page_from`` with a fixed bearer header, then ``pandas.json_normalize``. Both pull
the same experts from the same fake server (in a child process, so the client does
not share its GIL), once with 50 ms latency per response (what a real network
costs) and once with none; medians of the rounds. With latency, also the share of the
network's limit reached: (pages / workers) x RTT, the time if every page cost exactly one
round trip and nothing else (docs/performance.md says where the rest goes). Memory:
peak RSS of a child process that iterates ``iter_experts`` over 10,000 and 50,000 experts.

    python bench/bench_pull.py          # full size
    python bench/bench_pull.py --tiny   # a smoke run, as CI does
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

import expertfile_nb as ef

EVERYONE = {"access": "all", "status": "all"}


def start_server(experts: int, latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "fake_server", "--port", "0",
            "--experts", str(experts), "--latency", str(latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    url = proc.stdout.readline().split(" on ", 1)[1].split()[0]
    return proc, url


def hand_written(url: str, token: str, org: int) -> Any:
    import pandas as pd  # not at the top: the iter_experts child must not carry pandas

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    records: list[dict[str, object]] = []
    page_from = 0
    while True:
        response = session.get(
            f"{url}/v2/organization/{org}/expert",
            params={"page_size": 100, "page_from": page_from, **EVERYONE},
            timeout=30,
        )
        response.raise_for_status()
        data = response.json()["data"]
        records.extend(data["experts"])
        page_from += 100
        if page_from >= data["total"]:
            break
    return pd.json_normalize(records)


def bare_fetch(url: str, token: str, org: int, experts: int) -> None:
    """The same pages, 4 at a time, bytes only: what this machine and server allow."""
    from concurrent.futures import ThreadPoolExecutor

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def page(start: int) -> int:
        params = {"page_size": "100", "page_from": str(start), **EVERYONE}
        url_ = f"{url}/v2/organization/{org}/expert"
        return len(session.get(url_, params=params, timeout=30).content)

    with ThreadPoolExecutor(4) as pool:
        sum(pool.map(page, range(0, experts, 100)))


def compare(experts: int, latency: float, rounds: int) -> None:
    proc, url = start_server(experts, latency)
    try:
        token = ef.login("demo-client", "demo-secret", base_url=url)
        ef.get_experts(limit=10, progress=False)  # warm both paths
        hand_written(url, token.access_token, token.org_id)
        ours_t, loop_t, bare_t = [], [], []
        for _ in range(rounds):  # interleaved, so drift hits both alike
            t0 = time.perf_counter()
            frame = ef.get_experts(progress=False, workers=4, **EVERYONE)  # type: ignore[arg-type]  # EVERYONE holds str; the filters are Literals
            ours_t.append(time.perf_counter() - t0)
            if latency:
                t0 = time.perf_counter()
                bare_fetch(url, token.access_token, token.org_id, experts)
                bare_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            loop = hand_written(url, token.access_token, token.org_id)
            loop_t.append(time.perf_counter() - t0)
        assert len(frame) == len(loop) == experts
        ours, base = statistics.median(ours_t), statistics.median(loop_t)
        target = ">= 3x faster" if latency else "no slower than 1.1x the loop"
        print(
            f"  {experts} experts, {latency * 1000:.0f} ms latency: get_experts {ours:.2f} s "
            f"(rounds {', '.join(f'{t:.2f}' for t in ours_t)}), hand-written loop {base:.2f} s "
            f"-> {base / ours:.2f}x faster (time ratio {ours / base:.2f}x; target {target})"
        )
        if latency:
            # the network's limit: every page a round trip, 4 at a time, nothing else
            limit = -(-experts // 100) / 4 * latency
            bare = statistics.median(bare_t)
            print(
                f"  get_experts at {limit / ours:.0%} of the (pages / workers) x RTT limit "
                f"({limit:.2f} s; target >= 90%); the same pages fetched bare, 4 at a time, "
                f"bytes only: {bare:.2f} s = {limit / bare:.0%} of it (what this machine and "
                f"server allow), get_experts {ours / bare:.2f}x that"
            )
    finally:
        ef.logout()
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def iter_child(experts: int) -> None:
    proc, url = start_server(experts, 0.0)
    try:
        ef.login("demo-client", "demo-secret", base_url=url)
        count = sum(1 for _ in ef.iter_experts(progress=False, **EVERYONE))  # type: ignore[arg-type]  # EVERYONE holds str; the filters are Literals
        assert count == experts
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent
        status = Path("/proc/self/status").read_text()
        print(int(status.split("VmHWM:")[1].split()[0]) / 1024)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def iter_peak_mb(experts: int) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--iter-child", str(experts)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help="a smoke run (CI)")
    parser.add_argument("--iter-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.iter_child:
        iter_child(args.iter_child)
        return
    experts = 500 if args.tiny else 10_000
    rounds = 1 if args.tiny else 3
    print(f"bench_pull ({'tiny' if args.tiny else 'full'})")
    if args.tiny:
        print("  (a smoke run: too small to measure; the targets apply to full runs)")
    compare(experts, 0.05, rounds)
    compare(experts, 0.0, rounds)
    sizes = (1_000, 5_000) if args.tiny else (10_000, 50_000)
    peaks = {n: iter_peak_mb(n) for n in sizes}
    small, large = sizes
    print(
        f"  iter_experts peak RSS: {small} experts {peaks[small]:.0f} MB, {large} experts "
        f"{peaks[large]:.0f} MB (ratio {peaks[large] / peaks[small]:.2f}x for "
        f"{large // small}x the rows)"
    )


if __name__ == "__main__":
    main()
