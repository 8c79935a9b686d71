"""``python -m expertfile_nb demo``: the main job, end to end, in one command.

With ``EXPERTFILE_CLIENT_ID``/``EXPERTFILE_CLIENT_SECRET`` (or ``EXPERTFILE_ACCESS_TOKEN``)
set, it uses the configured service with read-only calls. With nothing set, it
starts the bundled fake server as a child process (``python -m fake_server`` —
the client never imports the fake server) and says so.

It pulls the public experts in any status (``access="public"``, ``status="all"``,
the service's documented defaults) and says so. In the CSV, list columns (``topics``
and the like) are JSON arrays — ``json.loads`` or any JSON reader splits them — and
the file is written before the summary is printed, so a reader that stops early
(``demo | head``) still gets it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expertfile_nb import _login
from expertfile_nb._config import ENV_ACCESS_TOKEN, ENV_CLIENT_ID, ENV_CLIENT_SECRET
from expertfile_nb.data import get_experts
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def _offline_server() -> Iterator[str]:
    """Start ``python -m fake_server`` on a free port; yield its base URL; stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        exports: dict[str, str] = {}
        for line in proc.stdout or ():
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                exports[name] = value
            if line.startswith("Press Ctrl-C"):
                break
        if "EXPERTFILE_BASE_URL" not in exports:
            err = proc.stderr.read() if proc.stderr else ""
            raise ConfigurationError(f"Could not start the bundled fake server: {err.strip()}")
        os.environ.update(exports)
        yield exports["EXPERTFILE_BASE_URL"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def check_writable(out: str) -> str | None:
    """Why ``out`` cannot be written, or ``None`` if it can (checked by opening it).

    The file is opened for appending (so an existing file is left as it is); a file
    that did not exist is removed again.
    """
    path = Path(out).expanduser()
    if path.is_dir():
        return f"--out {out} is a folder; name a file in it, e.g. --out {path / 'experts.csv'}"
    existed = path.exists()
    try:
        with path.open("a"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"cannot write --out {out} ({reason}); choose a file in a folder you can write to"
    if not existed:
        path.unlink()
    return None


def _configured() -> bool:
    return bool(
        (os.environ.get(ENV_CLIENT_ID) and os.environ.get(ENV_CLIENT_SECRET))
        or os.environ.get(ENV_ACCESS_TOKEN)
    )


def run_demo(out: str = "experts.csv", progress: bool = True) -> int:
    """Log in, pull every expert, print a summary and write a CSV. Returns the exit status."""
    if _configured():
        print("Using the ExpertFile service configured in the environment (read-only calls).")
        return _pull_and_report(Path(out), progress)
    print("No EXPERTFILE_CLIENT_ID/EXPERTFILE_CLIENT_SECRET set: starting the bundled fake")
    print("ExpertFile server for an offline demo (synthetic data).")
    saved = {k: v for k, v in os.environ.items() if k.startswith("EXPERTFILE_")}
    try:
        with _offline_server():
            return _pull_and_report(Path(out), progress)
    finally:
        for name in [k for k in os.environ if k.startswith("EXPERTFILE_")]:
            del os.environ[name]
        os.environ.update(saved)
        _login.logout()


def _top_countries(experts: pd.DataFrame) -> pd.Series[Any]:
    """The ten countries with most experts, from the first page's aggregations (list items
    carry no country in the documents; the buckets' shape is the fake's reading)."""
    import pandas as pd

    found = experts.attrs.get("aggregations")
    countries = found.get("countries") if isinstance(found, dict) else None
    buckets = countries.get("buckets") if isinstance(countries, dict) else None
    counts = {
        b["key"]: b["doc_count"]
        for b in (buckets if isinstance(buckets, list) else [])
        if isinstance(b, dict) and "key" in b and "doc_count" in b
    }
    top: pd.Series[Any] = pd.Series(counts, dtype="object").head(10)
    return top


def _pull_and_report(out: Path, progress: bool) -> int:
    import pandas as pd

    token = _login.login_from_environment()
    state = _login.status()
    print(f"Connected to {state.base_url} as organization {token.org_id}")
    print(f"Token valid until {token.expires_at:%Y-%m-%d %H:%M} UTC ({state.time_left} left)")
    started = time.perf_counter()
    experts = get_experts(access="public", status="all", progress=progress)
    elapsed = time.perf_counter() - started
    csv_ready(experts).to_csv(out, index=False)  # before the summary: see the docstring
    print(f"Pulled {len(experts)} experts (public, any status) in {elapsed:.2f} s")
    if len(experts):
        topics = experts["topics"].explode().value_counts().head(10)
        countries = _top_countries(experts)
        with pd.option_context("display.width", 100):
            print("\nTop topics:")
            print(topics.rename_axis("topic").reset_index(name="experts").to_string(index=False))
            print("\nTop countries:")
            print(
                countries.rename_axis("country").reset_index(name="experts").to_string(index=False)
            )
    print(f"\nWrote {len(experts)} rows to {out.resolve()} (list columns as JSON arrays)")
    return 0


def _json_cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with list and dict cells as JSON text, which CSV readers can split."""
    out: pd.DataFrame = frame.copy()
    for column in out.select_dtypes(include="object").columns:
        if out[column].map(lambda v: isinstance(v, list | dict)).any():
            out[column] = out[column].map(_json_cell)
    return out
