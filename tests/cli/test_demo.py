"""The main job: `python -m expertfile_nb demo` works on a fresh install with nothing set."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from expertfile_nb._auth.token import Token
from expertfile_nb._auth.token_file import TokenFile
from fake_server import FakeExpertFile
from tests.helpers import get_token


def run_demo(
    command: list[str], out: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "demo", "--out", str(out)], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.parametrize(
    "command",
    # the script installed beside the venv's python, as `expertfile-nb` on a PATH would be
    [[sys.executable, "-m", "expertfile_nb"], [str(Path(sys.executable).parent / "expertfile-nb")]],
)
def test_demo_offline_with_nothing_configured(command: list[str], tmp_path: Path) -> None:
    out = tmp_path / "experts.csv"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERTFILE_")}
    result = run_demo(command, out, env)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "bundled fake" in text
    assert "organization 4242" in text and "Token valid until" in text
    assert "Top topics" in text and "Top countries" in text
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert f"Pulled {len(rows)} experts" in text and len(rows) > 100
    assert len({r["username"] for r in rows}) == len(rows)
    assert "demo-secret" not in text + result.stderr


def test_demo_uses_the_configured_service(expertfile_env: FakeExpertFile, tmp_path: Path) -> None:
    expertfile_env.experts = 600
    out = tmp_path / "mine.csv"
    result = run_demo([sys.executable, "-m", "expertfile_nb"], out, dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert "bundled fake" not in result.stdout
    assert expertfile_env.url in result.stdout
    methods = [e.method for e in expertfile_env.journal]
    assert set(methods) == {"POST", "GET"} and methods.count("POST") == 1  # read-only, one token
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert f"Pulled {len(rows)} experts" in result.stdout and len(rows) > 300


def test_demo_reports_a_bad_secret_in_one_line(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    env = {**os.environ, "EXPERTFILE_CLIENT_SECRET": "Not-The-Right-One"}
    result = run_demo([sys.executable, "-m", "expertfile_nb"], tmp_path / "x.csv", env)
    assert result.returncode == 1
    assert "invalid_client" in result.stderr and "Traceback" not in result.stderr
    assert "Not-The-Right-One" not in result.stderr + result.stdout


MODULE = [sys.executable, "-m", "expertfile_nb"]


def test_list_columns_are_json_arrays_in_the_csv(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    out = tmp_path / "experts.csv"
    result = run_demo(MODULE, out, dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert "list columns as JSON arrays" in result.stdout
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    topics = [json.loads(row["topics"]) for row in rows]
    assert all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in topics)
    assert sum(map(len, topics)) > len(rows)  # real lists, not empty ones


def test_demo_says_what_it_pulled(expertfile_env: FakeExpertFile, tmp_path: Path) -> None:
    result = run_demo(MODULE, tmp_path / "x.csv", dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert "experts (public, any status)" in result.stdout
    (page, *_rest) = [e for e in expertfile_env.journal if e.method == "GET"]
    assert page.query["access"] == "public" and page.query.get("status", "all") == "all"


@pytest.mark.parametrize("bad", ["missing-folder/x.csv", "a-folder"])
def test_unwritable_out_is_refused_before_the_pull(
    expertfile_env: FakeExpertFile, tmp_path: Path, bad: str
) -> None:
    (tmp_path / "a-folder").mkdir()
    result = run_demo(MODULE, tmp_path / bad, dict(os.environ))
    assert result.returncode == 2
    assert result.stderr.startswith("python -m expertfile_nb demo: error: ")
    assert f"--out {tmp_path / bad}" in result.stderr and "Traceback" not in result.stderr
    assert expertfile_env.journal == []  # no login, no pull
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "home"]


@pytest.mark.parametrize("lines", [1, 2], ids=["head -1", "head -2"])
def test_a_closed_pipe_ends_quietly_and_the_csv_is_written(
    expertfile_env: FakeExpertFile, tmp_path: Path, lines: int
) -> None:
    out = tmp_path / "experts.csv"
    # `expertfile-nb demo --out experts.csv | head -N`: read N lines, close the reading end
    with subprocess.Popen(
        [*MODULE, "demo", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = [proc.stdout.readline() for _ in range(lines)]
        proc.stdout.close()
        err = proc.stderr.read()
    assert first[0].startswith("Using the ExpertFile service configured")
    # 141: the reader went away while the demo still wrote; 0: it had written everything
    assert proc.returncode in (0, 141), err
    assert "Traceback" not in err and "Error" not in err
    with out.open() as handle:  # the product of the demo is written all the same
        assert len(list(csv.DictReader(handle))) > 100  # every public expert


def test_a_pipe_closed_from_the_start_still_gets_the_csv(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    reading, writing = os.pipe()
    os.close(reading)  # every write fails: what `| head` does when it has had enough
    out = tmp_path / "x.csv"
    try:
        result = subprocess.run(
            [*MODULE, "demo", "--out", str(out)],
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=dict(os.environ),
        )
    finally:
        os.close(writing)
    assert result.returncode == 141  # what a shell reports for a reader that went away
    assert result.stderr == ""
    with out.open() as handle:  # the product of the demo is written all the same
        assert len(list(csv.DictReader(handle))) > 100  # every public expert


def bare_environ(**extra: str) -> dict[str, str]:
    """This process's environment without the client id and secret (the base URL stays)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET")
    }
    return {**env, **extra}


@pytest.mark.parametrize("only", ["EXPERTFILE_CLIENT_ID", "EXPERTFILE_CLIENT_SECRET"])
def test_half_a_credential_pair_is_an_error_not_the_fake(
    expertfile_server: FakeExpertFile, tmp_path: Path, only: str
) -> None:
    out = tmp_path / "x.csv"
    env = bare_environ(EXPERTFILE_BASE_URL=expertfile_server.url, **{only: "someone"})
    result = run_demo(MODULE, out, env)
    assert result.returncode == 1, result.stdout
    assert "Set both" in result.stderr and "Traceback" not in result.stderr
    assert "bundled fake" not in result.stdout and not out.exists()


def test_a_remembered_token_is_used_not_the_fake(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    login = subprocess.run(
        [*MODULE, "login", "--remember"], capture_output=True, text=True, timeout=60
    )
    assert login.returncode == 0, login.stderr
    tokens_before = expertfile_env.token_requests
    result = run_demo(MODULE, tmp_path / "x.csv", bare_environ())
    assert result.returncode == 0, result.stderr
    assert "bundled fake" not in result.stdout
    assert "remembered token" in result.stdout and expertfile_env.url in result.stdout
    assert expertfile_env.token_requests == tokens_before  # the remembered token, no new one
    assert [e.method for e in expertfile_env.journal].count("GET") > 1


def test_a_prepared_token_is_used_not_the_fake(
    expertfile_server: FakeExpertFile, tmp_path: Path
) -> None:
    env = bare_environ(
        EXPERTFILE_BASE_URL=expertfile_server.url,
        EXPERTFILE_ACCESS_TOKEN=get_token(expertfile_server),
        EXPERTFILE_ORG_ID=str(expertfile_server.org_id),
    )
    result = run_demo(MODULE, tmp_path / "x.csv", env)
    assert result.returncode == 0, result.stderr
    assert "bundled fake" not in result.stdout and "EXPERTFILE_ACCESS_TOKEN" in result.stdout
    assert f"organization {expertfile_server.org_id}" in result.stdout
    assert expertfile_server.token_requests == 1  # the test's own: the demo used the token


def test_an_expired_remembered_token_is_an_error_not_the_fake(
    expertfile_server: FakeExpertFile, tmp_path: Path
) -> None:
    past = datetime.now(timezone.utc) - timedelta(days=1)
    cache = TokenFile(Path(os.environ["EXPERTFILE_TOKEN_CACHE"]))
    expired = Token(access_token="old-token-0123456789", expires_at=past, org_id=7, client_id="c")
    assert cache.save(expertfile_server.url, expired)
    out = tmp_path / "x.csv"
    result = run_demo(MODULE, out, bare_environ(EXPERTFILE_BASE_URL=expertfile_server.url))
    assert result.returncode == 1, result.stdout
    assert "bundled fake" not in result.stdout and not out.exists()
    assert result.stderr.startswith("error: Not logged in") and "Traceback" not in result.stderr
    assert expertfile_server.journal == []


def test_progress_only_on_a_terminal(expertfile_env: FakeExpertFile, tmp_path: Path) -> None:
    expertfile_env.experts = 600  # several pages: a pull that would show a bar
    piped = run_demo(MODULE, tmp_path / "a.csv", dict(os.environ))
    assert piped.returncode == 0 and "|" not in piped.stderr and "it/s" not in piped.stderr

    controller, terminal = pty.openpty()
    # a terminal 100 columns wide (a new pty has 0, and tqdm draws nothing in 0 columns)
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    seen: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the demo ended
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    try:
        result = subprocess.run(
            [*MODULE, "demo", "--out", str(tmp_path / "b.csv")],
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
            env=dict(os.environ),
        )
    finally:
        os.close(terminal)
        reader.join(timeout=30)
        os.close(controller)
    assert result.returncode == 0
    drawn = b"".join(seen).decode("utf-8", "replace")
    # the bar was drawn on the terminal, then cleared when the pull ended (leave=False)
    assert re.search(r"ExpertFile experts: .*\| \d+/\d+ \[", drawn), drawn
    assert drawn.rstrip(" ").endswith("\r"), drawn  # nothing of it left on the screen


def test_a_base_url_set_alone_is_an_error_not_the_fake(
    expertfile_server: FakeExpertFile, tmp_path: Path
) -> None:
    """EXPERTFILE_BASE_URL alone names a service the demo cannot log in to: it says so
    (and how to go on either way) rather than quietly demonstrating something else."""
    out = tmp_path / "x.csv"
    result = run_demo(MODULE, out, bare_environ(EXPERTFILE_BASE_URL=expertfile_server.url))
    assert result.returncode == 1, result.stdout
    assert "bundled fake" not in result.stdout and not out.exists()
    assert result.stderr.startswith("error: EXPERTFILE_BASE_URL is set"), result.stderr
    assert expertfile_server.url in result.stderr
    assert "EXPERTFILE_CLIENT_ID" in result.stderr and "unset EXPERTFILE_BASE_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert expertfile_server.journal == []


def printed_table(text: str, title: str) -> list[tuple[str, int]]:
    """The rows of the table printed under ``title`` (name, count), in order."""
    block = text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in block.splitlines()[1:]:  # the first line is the header
        name, count = line.rsplit(maxsplit=1)
        rows.append((name.strip(), int(count)))
    return rows


def test_the_csv_leads_with_name_job_title_and_country_and_reproduces_the_summary(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    """What an analyst looks for first comes first, and every count the demo prints can be
    counted again from its CSV alone."""
    import pandas as pd

    out = tmp_path / "experts.csv"
    result = run_demo(MODULE, out, dict(os.environ))
    assert result.returncode == 0, result.stderr
    csv_frame = pd.read_csv(out, keep_default_na=False)
    assert list(csv_frame.columns[:4]) == ["username", "fullname", "jobtitle", "country"]
    assert (csv_frame["fullname"] != "").all() and (csv_frame["country"] != "").all()

    countries = printed_table(result.stdout, "Top countries")
    counted = csv_frame["country"].value_counts()
    assert countries and all(counted[code] == n for code, n in countries)
    assert [n for _, n in countries] == counted.sort_values(ascending=False).head(10).tolist()

    topics = printed_table(result.stdout, "Top topics")
    by_topic = csv_frame["topics"].map(json.loads).explode().value_counts()
    assert topics and all(by_topic[name] == n for name, n in topics)
    assert [n for _, n in topics] == by_topic.head(10).tolist()
