"""``python -m mutations [-k WORD] [--list] [-j N]``: run the mutation catalogue; exit 1 if
any survives.

Every mutation runs in a scratch copy of the repository (the work tree is never
touched): the file is changed, the mutation's tests run with ``-x``, the file is
restored. ``-j N`` runs N at once, each in its own copy (default: the number of CPUs).
A mutation that survives among the others is run once more alone, at the end: a test that
catches the bug only on a quiet machine (a deadline racing a loaded CPU) kills it then, and
the report names it as timing-sensitive; one that survives alone too is a survivor.
A mutation whose ``old`` text is not found exactly once is an error
too: the catalogue has fallen behind the code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from mutations import Mutation

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", "__pycache__", ".venv", "*.egg-info", ".mypy_cache")


def catalogue() -> list[Mutation]:
    found: list[Mutation] = []
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"mutations.{info.name}")
        found.extend(getattr(module, "MUTATIONS", []))
    names = [m.name for m in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"mutation names must be unique: {sorted(duplicates)}")
    return found


def run_one(mutation: Mutation, copy: Path) -> tuple[str, float]:
    """'killed', 'survived' or 'stale: …', and the seconds it took."""
    target = copy / mutation.path
    original = target.read_text()
    if original.count(mutation.old) != 1:
        return f"stale: the text occurs {original.count(mutation.old)} times in {mutation.path}", 0
    target.write_text(original.replace(mutation.old, mutation.new))
    started = time.monotonic()
    try:
        env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(  # noqa: S603 -- our own interpreter running pytest
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p",
             "no:randomly", "--no-header", *mutation.tests],
            cwd=copy, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    finally:
        target.write_text(original)
    elapsed = time.monotonic() - started
    if result.returncode == 1:
        return "killed", elapsed
    if result.returncode == 0:
        return "survived", elapsed
    tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
    return f"error (pytest exit {result.returncode}): {' | '.join(tail)}", elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mutations", description=__doc__)
    parser.add_argument("-k", dest="word", help="only mutations whose name contains WORD")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")
    parser.add_argument(
        "-j", dest="jobs", type=int, default=os.cpu_count() or 1, help="mutations run at once"
    )
    args = parser.parse_args(argv)
    mutations = [m for m in catalogue() if not args.word or args.word in m.name]
    if args.list:
        for m in mutations:
            print(f"{m.name}  [{m.path}] -> {', '.join(m.tests)}")
        print(f"{len(mutations)} mutations")
        return 0
    started = time.monotonic()
    failures: list[str] = []
    jobs = max(1, min(args.jobs, len(mutations)))
    done = iter(range(1, len(mutations) + 1))
    lock = threading.Lock()
    survivors: list[Mutation] = []
    sensitive: list[str] = []

    def work(chunk: list[Mutation], copy: Path) -> None:
        for mutation in chunk:
            outcome, seconds = run_one(mutation, copy)
            with lock:
                index = next(done)
                print(
                    f"[{index:>3}/{len(mutations)}] {outcome:<8} {seconds:5.1f}s  {mutation.name}"
                )
                sys.stdout.flush()
                if outcome == "survived":
                    survivors.append(mutation)
                elif outcome != "killed":
                    failures.append(f"{mutation.name}: {outcome}")

    with tempfile.TemporaryDirectory(prefix="mutations-") as scratch:
        copies = [Path(scratch) / f"repo{n}" for n in range(jobs)]
        for copy in copies:
            shutil.copytree(ROOT, copy, ignore=IGNORE)
        threads = [
            threading.Thread(target=work, args=(mutations[n::jobs], copy))
            for n, copy in enumerate(copies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for mutation in survivors:  # once more, alone on the machine
            outcome, seconds = run_one(mutation, copies[0])
            print(f"[alone  ] {outcome:<8} {seconds:5.1f}s  {mutation.name}")
            sys.stdout.flush()
            if outcome == "killed":
                sensitive.append(mutation.name)
            else:
                failures.append(f"{mutation.name}: {outcome} (also when run alone)")
    total = time.monotonic() - started
    killed = len(mutations) - len(failures)
    print(f"\n{killed} of {len(mutations)} mutations killed in {total:.0f} s.")
    for name in sensitive:
        print(f"  killed only when run alone (a timing-sensitive test: make it robust)  {name}")
    for failure in failures:
        print(f"  NOT KILLED  {failure}")
    return 1 if failures or not mutations else 0


if __name__ == "__main__":
    raise SystemExit(main())
