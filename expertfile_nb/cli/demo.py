"""``python -m expertfile_nb demo``: the main job, end to end, in one command.

It uses the bundled fake server only when nothing is configured at all: no
``EXPERTFILE_CLIENT_ID``, ``EXPERTFILE_CLIENT_SECRET`` or ``EXPERTFILE_ACCESS_TOKEN``
and no token remembered (``login --remember``) for the base URL. Then it starts the
fake as a child process (``python -m fake_server`` — the client never imports the
fake server) and says so. ``EXPERTFILE_BASE_URL`` set alone is not "nothing": it names
a service the demo has no login for, so the demo stops and says what to set (or to
unset it for the offline demo) rather than quietly showing the fake instead. Otherwise
it logs in through the same chain as every
other command, with read-only calls — half a client id/secret pair, or an expired
remembered token, is an error, never a reason to fall back to the fake.

It pulls the public experts in any status (``access="public"``, ``status="all"``, the
service's documented defaults) and says so. It also asks for each expert's name, job
title and country (``fields=``, :data:`ANALYST_FIELDS`), so the CSV leads with
``username``, ``fullname``, ``jobtitle``, ``country`` — what an analyst looks for first
— followed by what the list sends anyway (``topics``, ``tagline``, …). Every count the
demo prints is counted from the rows it writes (top topics from ``topics``, top
countries from ``country``; ties in name order), so the CSV reproduces it. In the CSV,
list columns (``topics`` and the like) are JSON arrays — ``json.loads`` or any JSON
reader splits them — and the file is written whatever happens to standard output: a
reader that stops early (``demo | head -1``) still gets it (the demo stops printing,
writes the CSV, and exits 141 as a process ended by a closed pipe does).
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

from expertfile_nb._auth import credentials as _credentials
from expertfile_nb._auth import login as _login
from expertfile_nb._auth import status as _status
from expertfile_nb._auth.token_file import TokenFile
from expertfile_nb._http.config import ENV_BASE_URL, default_cache_file, resolve_base_url
from expertfile_nb._reads.data import get_experts
from expertfile_nb.cli.state import describe_token
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


def check_writable(out: str, option: str = "--out") -> str | None:
    """Why the file ``out`` cannot be written, or ``None`` if it can (checked by opening it).

    The file is opened for appending (so an existing file is left as it is); a file
    that did not exist is removed again. ``option`` names it in the message.
    """
    path = Path(out).expanduser()
    if path.is_dir():
        example = path / ("experts.csv" if option == "--out" else "check.json")
        return f"{option} {out} is a folder; name a file in it, e.g. {option} {example}"
    existed = path.exists()
    try:
        with path.open("a"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"cannot write {option} {out} ({reason}); choose a file in a folder you can write to"
    if not existed:
        path.unlink()
    return None


def check_new_folder(out: str, option: str = "--out") -> str | None:
    """Why ``out`` cannot become a new folder of files, or ``None`` if it can.

    Missing parents are fine (they are created); an existing file, a folder that is not
    empty, a file where a parent should be, or a parent this user cannot write in are not.
    """
    path = Path(out).expanduser()
    if path.exists():
        if not path.is_dir():
            return f"{option} {out} is a file; name a new folder, e.g. {option} {path}-capture"
        if any(path.iterdir()):
            return f"{option} {out} is a folder that is not empty; name a new or empty one"
        return None
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot create {option} {out}: {parent} is a file, not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot create {option} {out}: no permission to write in {parent}"
    return None


def _configured() -> str | None:
    """Where the login would come from (the login chain's label), or ``None``: nothing at all.

    The login chain itself decides (:func:`expertfile_nb._auth.credentials.find`); a token
    remembered for the base URL counts even when it has expired (the login then says
    how to get a new one).

    Raises:
        ConfigurationError: half a client id/secret pair, a prepared token without its
            org id, or an unusable ``EXPERTFILE_BASE_URL``.
    """
    url = resolve_base_url()
    found = _credentials.find(url)
    if found is not None:
        return found.source
    if TokenFile(default_cache_file()).load(url, None) is not None:
        return f"{_credentials.SOURCE_REMEMBERED}, expired or about to"
    return None


class _Output:
    """Standard output that, once its reader has gone away, swallows what follows.

    The demo goes on to write its CSV; :meth:`done` then reports the closed pipe
    (``BrokenPipeError``), which the command line turns into a quiet exit 141.
    """

    def __init__(self) -> None:
        self.closed = False

    def say(self, *lines: str) -> None:
        if self.closed:
            return
        try:
            for line in lines:
                print(line)
            sys.stdout.flush()
        except BrokenPipeError:
            self.closed = True
            devnull = os.open(os.devnull, os.O_WRONLY)  # the interpreter's last flush too
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)

    def done(self) -> None:
        if self.closed:
            raise BrokenPipeError("standard output was closed by its reader")


def run_demo(out: str = "experts.csv", progress: bool = True) -> int:
    """Log in, pull every expert, print a summary and write a CSV. Returns the exit status.

    Raises:
        ConfigurationError: something is configured but unusable (see :func:`_configured`),
            or ``EXPERTFILE_BASE_URL`` is set with no login for it.
        BrokenPipeError: standard output was closed early (the CSV was written all the same).
    """
    output = _Output()
    source = _configured()
    named = os.environ.get(ENV_BASE_URL, "").strip()
    if source is None and named:
        raise ConfigurationError(
            f"{ENV_BASE_URL} is set ({resolve_base_url()}) but there is no login for it: set "
            "EXPERTFILE_CLIENT_ID and EXPERTFILE_CLIENT_SECRET (or run `python -m expertfile_nb "
            f"login --remember`), or unset {ENV_BASE_URL} for the offline demo on the bundled "
            "fake server."
        )
    if source is not None:
        output.say(f"Using the ExpertFile service configured here ({source}; read-only calls).")
        return _pull_and_report(Path(out), progress, output)
    output.say(
        "Nothing configured (no EXPERTFILE_CLIENT_ID/SECRET, EXPERTFILE_ACCESS_TOKEN or",
        "remembered token): starting the bundled fake ExpertFile server for an offline demo",
        "(synthetic data).",
    )
    saved = {k: v for k, v in os.environ.items() if k.startswith("EXPERTFILE_")}
    try:
        with _offline_server():
            return _pull_and_report(Path(out), progress, output)
    finally:
        for name in [k for k in os.environ if k.startswith("EXPERTFILE_")]:
            del os.environ[name]
        os.environ.update(saved)
        _login.logout()


#: the return fields the demo asks for besides the default item: name, job title, country
ANALYST_FIELDS = ("fullname", "jobtitle", "country")


def _top(values: pd.Series[Any]) -> pd.Series[Any]:
    """The ten most frequent values (missing and empty ones left out), most first, ties in
    name order: what ``value_counts`` on the CSV's column gives, order of ties aside."""
    present = values[values.map(lambda v: isinstance(v, str) and v != "")]
    counts = present.value_counts().sort_index(kind="stable")
    top: pd.Series[Any] = counts.sort_values(ascending=False, kind="stable").head(10)
    return top


def _list_column(experts: pd.DataFrame) -> str | None:
    """The column holding each expert's topic titles: ``topics`` (the default item) or
    ``topic`` (the return field), whichever the service sent."""
    for name in ("topics", "topic"):
        if name in experts.columns:
            return name
    return None


def _pull_and_report(out: Path, progress: bool, output: _Output) -> int:
    import pandas as pd

    token = _login.login_from_environment()
    state = _status.status()
    output.say(
        f"Connected to {state.base_url} as organization {token.org_id}",
        describe_token(token, assumed=state.expiry_assumed).rstrip("."),
    )
    started = time.perf_counter()
    experts = get_experts(
        access="public", status="all", fields=list(ANALYST_FIELDS), progress=progress
    )
    elapsed = time.perf_counter() - started
    csv_ready(experts).to_csv(out, index=False)  # whatever became of stdout: see the docstring
    output.done()  # the reader went away: stop here, quietly (exit 141)
    print(f"Pulled {len(experts)} experts (public, any status) in {elapsed:.2f} s")
    if len(experts):
        topics_column = _list_column(experts)
        tables = {
            "topic": None if topics_column is None else _top(experts[topics_column].explode()),
            "country": _top(experts["country"]) if "country" in experts.columns else None,
        }
        with pd.option_context("display.width", 100):
            for name, top in tables.items():
                print(f"\nTop {'countries' if name == 'country' else 'topics'}:")
                if top is None or top.empty:
                    print(f"(the service sent no {name} for these experts)")
                else:
                    print(top.rename_axis(name).reset_index(name="experts").to_string(index=False))
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
