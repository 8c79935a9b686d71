"""Benchmark the dlt load into DuckDB and ``pull --out .parquet`` against the bare pull.

The fake server runs in a child process (so the client does not share its GIL), with
50 ms latency per response (what a real network costs). The baseline is measured in the
same run: the bare pull, ``ef.iter_experts`` of the same experts with the same options
the source uses (every access, pages of 100, 4 workers), rows counted and dropped. Each
round pulls bare, then loads the ``experts`` resource alone (``resources=["experts"]``)
into a fresh pipeline and DuckDB file, then runs that pipeline again (the nightly merge
into rows already there), then loads once more into a fresh one with dlt's load files
not gzipped (``DATA_WRITER__DISABLE_COMPRESSION=true``, a setting of the user's: for a
local DuckDB file the compression is only work), then with ``backend="pyarrow"`` into a
fresh one and again (Arrow tables: no Python normalizer, Parquet loaded as it is);
rounds interleaved, medians of them, the spread as noise.
Where the load's time goes comes from dlt's own trace (``pipeline.last_trace``: the
extract, normalize and load steps).

Memory: peak RSS (``VmHWM``) of a fresh child process that loads N and 5 x N experts
(the load; also its peak before dlt's load step, when only the pull, dlt's extract and
normalize have run and DuckDB has not), or runs ``expertfile-nb pull experts --out
x.parquet`` (the command line's ``main`` in the child) against a server without latency;
the ratio of the two peaks; the load with either backend.

dlt's data folder, the pipelines, the DuckDB files, the Parquet files and the token cache
all go to a temporary folder; dlt's telemetry is off.

    python bench/bench_pipeline.py          # full size
    python bench/bench_pipeline.py --tiny   # a smoke run, as CI does
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import expertfile_nb as ef

#: the options the source's ``experts`` resource reads with (expertfile_nb._reads.tables.records)
OPTIONS: dict[str, Any] = {"access": "all", "page_size": 100, "workers": 4, "progress": False}
STEPS = ("extract", "normalize", "load")


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


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


def peak_mb() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def bare_pull() -> int:
    return sum(1 for _ in ef.iter_experts(**OPTIONS))


def new_pipeline(folder: Path) -> Any:
    import dlt

    folder.mkdir(parents=True)
    return dlt.pipeline(
        "bench",
        destination=dlt.destinations.duckdb(str(folder / "warehouse.duckdb")),
        dataset_name="expertfile",
        pipelines_dir=str(folder / "pipelines"),
    )


def load(
    pipeline: Any, resources: list[str] | None = None, backend: str = "python"
) -> dict[str, float]:
    """One run; the wall time and dlt's steps, in seconds."""
    from expertfile_nb.pipeline import expertfile_source

    source = expertfile_source(resources=resources, workers=4, progress=False, backend=backend)
    t0 = time.perf_counter()
    pipeline.run(source)
    seconds = {"run": time.perf_counter() - t0}
    for step in pipeline.last_trace.steps:
        if step.step in STEPS:
            seconds[step.step] = (step.finished_at - step.started_at).total_seconds()
    return seconds


def rows_loaded(pipeline: Any) -> dict[str, int]:
    info = pipeline.last_trace.last_normalize_info
    counts = info.row_counts if info is not None else {}
    return {t: int(n) for t, n in counts.items() if not t.startswith("_dlt")}


def spread(values: list[float]) -> str:
    mid = statistics.median(values)
    noise = (max(values) - min(values)) / mid if mid else 0.0
    return f"{mid:.2f} s (rounds {', '.join(f'{v:.2f}' for v in values)}; spread {noise:.0%})"


def compare(experts: int, latency: float, rounds: int, work: Path) -> None:
    proc, url = start_server(experts, latency)
    try:
        ef.login("demo-client", "demo-secret", base_url=url)
        bare_pull()  # warm the connections; and dlt, DuckDB and the source's imports
        load(new_pipeline(work / "warm"), ["experts"])
        load(new_pipeline(work / "warm-arrow"), ["experts"], "pyarrow")  # pyarrow's import
        bare_t: list[float] = []
        runs: list[dict[str, float]] = []
        merges: list[dict[str, float]] = []
        plain: list[dict[str, float]] = []
        arrow: list[dict[str, float]] = []
        arrow_merges: list[dict[str, float]] = []
        counts: dict[str, int] = {}
        for index in range(rounds):  # interleaved, so drift hits both alike
            t0 = time.perf_counter()
            assert bare_pull() == experts
            bare_t.append(time.perf_counter() - t0)
            pipeline = new_pipeline(work / f"round{index}")
            runs.append(load(pipeline, ["experts"]))
            counts = rows_loaded(pipeline)
            merges.append(load(pipeline, ["experts"]))
            # dlt gzips its load files: for a local DuckDB file that is only work
            os.environ["DATA_WRITER__DISABLE_COMPRESSION"] = "true"
            try:
                plain.append(load(new_pipeline(work / f"plain{index}"), ["experts"]))
            finally:
                del os.environ["DATA_WRITER__DISABLE_COMPRESSION"]
            pipeline = new_pipeline(work / f"arrow{index}")
            arrow.append(load(pipeline, ["experts"], "pyarrow"))
            assert rows_loaded(pipeline).get("experts") == experts
            arrow_merges.append(load(pipeline, ["experts"], "pyarrow"))
        assert counts.get("experts") == experts, counts
        bare = statistics.median(bare_t)
        first = statistics.median(r["run"] for r in runs)
        again = statistics.median(r["run"] for r in merges)
        print(f"  {experts} experts, {latency * 1000:.0f} ms latency, 4 workers:")
        print(f"    bare pull (iter_experts)   {spread(bare_t)}")
        print(f"    dlt load into DuckDB       {spread([r['run'] for r in runs])}")
        print(f"    the same again (merge)     {spread([r['run'] for r in merges])}")
        print(f"    the load, uncompressed     {spread([r['run'] for r in plain])}")
        print(f"    backend='pyarrow'          {spread([r['run'] for r in arrow])}")
        print(f"    the same again (merge)     {spread([r['run'] for r in arrow_merges])}")
        labelled = (
            ("load", runs),
            ("merge", merges),
            ("uncompressed", plain),
            ("pyarrow", arrow),
            ("pyarrow merge", arrow_merges),
        )
        for label, seconds in labelled:
            steps = ", ".join(
                f"{step} {statistics.median(r.get(step, 0.0) for r in seconds):.2f} s"
                for step in STEPS
            )
            print(f"    {label} steps (dlt's trace, medians): {steps}")
        print(f"    rows: {', '.join(f'{t} {n}' for t, n in sorted(counts.items()))}")
        print(
            f"    load / bare pull: {first / bare:.2f}x (merge run {again / bare:.2f}x; "
            "target <= 1.3x)"
        )
        quick = statistics.median(r["run"] for r in plain)
        print(
            f"    with DATA_WRITER__DISABLE_COMPRESSION=true (dlt's load files not gzipped): "
            f"{quick / bare:.2f}x"
        )
        fast = statistics.median(r["run"] for r in arrow)
        fast_again = statistics.median(r["run"] for r in arrow_merges)
        print(
            f"    backend='pyarrow' / bare pull: {fast / bare:.2f}x (merge run "
            f"{fast_again / bare:.2f}x; target <= 1.3x)"
        )
    finally:
        ef.logout()
        stop_server(proc)


def load_child(experts: int, work: Path, backend: str) -> None:
    proc, url = start_server(experts, 0.0)
    try:
        ef.login("demo-client", "demo-secret", base_url=url)
        from expertfile_nb.pipeline import expertfile_source

        pipeline = new_pipeline(work)
        # pipeline.run's steps one by one: the peak before DuckDB works, then after
        source = expertfile_source(
            resources=["experts"], workers=4, progress=False, backend=backend
        )
        pipeline.extract(source)
        pipeline.normalize()
        before_load = peak_mb()
        pipeline.load()
        peak = peak_mb()
        assert rows_loaded(pipeline).get("experts") == experts
        print(before_load, peak)
    finally:
        stop_server(proc)


def pull_child(experts: int, work: Path) -> None:
    from expertfile_nb.cli.main import main

    proc, url = start_server(experts, 0.0)
    try:
        os.environ["EXPERTFILE_BASE_URL"] = url
        os.environ["EXPERTFILE_CLIENT_ID"] = "demo-client"
        os.environ["EXPERTFILE_CLIENT_SECRET"] = "demo-secret"
        out = work / "experts.parquet"
        work.mkdir(parents=True)
        code = main(["pull", "experts", "--out", str(out), "--no-progress"])
        peak = peak_mb()
        import pyarrow.parquet as pq

        assert code == 0
        assert pq.read_metadata(out).num_rows == experts
        print(peak)
    finally:
        stop_server(proc)


def child_peaks_mb(kind: str, experts: int, work: Path, backend: str) -> list[float]:
    """The peaks the child printed (the load: before its load step, and in all)."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            f"--{kind}-child",
            str(experts),
            "--work",
            str(work),
            "--backend",
            backend,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [float(value) for value in out.strip().splitlines()[-1].split()]


def memory(
    kind: str,
    label: str,
    sizes: tuple[int, int],
    rounds: int,
    work: Path,
    backend: str = "python",
) -> None:
    small, large = sizes
    peaks: dict[int, list[list[float]]] = {small: [], large: []}
    for index in range(rounds):
        for n in sizes:
            folder = work / f"{kind}-{backend}-{n}-{index}"
            peaks[n].append(child_peaks_mb(kind, n, folder, backend))

    def line(what: str, column: int, target: str) -> None:
        low = statistics.median(p[column] for p in peaks[small])
        high = statistics.median(p[column] for p in peaks[large])

        def each(n: int) -> str:
            return ", ".join(f"{p[column]:.0f}" for p in peaks[n])

        print(
            f"  {what} peak RSS: {small} experts {low:.0f} MB ({each(small)}), {large} "
            f"experts {high:.0f} MB ({each(large)}) -> ratio {high / low:.2f}x for "
            f"{large // small}x the rows{target}"
        )

    if kind == "load":  # what grows: ours (the pull, dlt's extract and normalize) or DuckDB
        line(f"{label}, up to its load step", 0, "")
    line(label, -1, " (target <= 1.2x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help="a smoke run (CI)")
    parser.add_argument("--load-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pull-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="python", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_child:
        load_child(args.load_child, args.work, args.backend)
        return
    if args.pull_child:
        pull_child(args.pull_child, args.work)
        return
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as name:
        work = Path(name)
        # inherited by the children: nothing of dlt or the login outside the folder
        os.environ["DLT_DATA_DIR"] = str(work / "dlt")
        os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
        os.environ["EXPERTFILE_TOKEN_CACHE"] = str(work / "token.json")
        for variable in ("EXPERTFILE_ACCESS_TOKEN", "EXPERTFILE_PROFILE"):
            os.environ.pop(variable, None)
        experts = 300 if args.tiny else 10_000
        rounds = 1 if args.tiny else 3
        print(f"bench_pipeline ({'tiny' if args.tiny else 'full'})")
        if args.tiny:
            print("  (a smoke run: too small to measure; the targets apply to full runs)")
        compare(experts, 0.05, rounds, work / "compare")
        sizes = (300, 1_500) if args.tiny else (10_000, 50_000)
        memory("load", "dlt load (experts)", sizes, rounds, work / "memory")
        label = "dlt load (experts), backend='pyarrow'"
        memory("load", label, sizes, rounds, work / "memory", "pyarrow")
        memory("pull", "pull experts --out x.parquet", sizes, rounds, work / "memory")


if __name__ == "__main__":
    main()
