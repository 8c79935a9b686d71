"""Shared fixtures: a clean environment for every test, and a suite-wide leak check.

- Every ``EXPERTFILE_*`` variable is cleared, ``HOME`` and the cache folders point
  into the test's temporary folder, so no test reads or writes the user's home.
- ``EXPERTFILE_RETRY_BACKOFF`` is set small: retries still happen, in the same
  number, without sleeping for real (``Retry-After`` is still honoured).
- After each test the client forgets its login (``ef.logout()``).
- A test fails if the client secret or any token issued by a fake server it used
  (whatever the fixture's name) shows up, in any form the client redacts (raw,
  base64, hex; percent-, JSON- or HTML-escaped; split over lines), in the test's
  captured output or logs (the ``expertfile_nb`` logger is captured at DEBUG), or
  in the text of the error that failed it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import expertfile_nb as ef
from expertfile_nb._redact import contains_any
from fake_server import FakeExpertFile

pytest_plugins = ["pytester"]

#: seconds: the retry back-off factor every test runs with, so that retries (as many as
#: ever) do not sleep for real; the client's default is 0.5 s
RETRY_BACKOFF = 0.01


@pytest.fixture(autouse=True)
def clean_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No ``EXPERTFILE_*`` from outside; every cache in a temporary folder."""
    for name in list(os.environ):
        if name.startswith("EXPERTFILE_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("EXPERTFILE_TOKEN_CACHE", str(tmp_path / "cache" / "token.json"))
    monkeypatch.setenv("EXPERTFILE_RETRY_BACKOFF", str(RETRY_BACKOFF))
    yield home
    ef.logout()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reliability-report",
        metavar="PATH",
        help="write the reliability table (what was tried, counts, worst times) to PATH",
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # a pytest-xdist worker: the controller writes the report
        from tests.reliability import export

        worker_output["reliability"] = export()
        return
    path = session.config.getoption("--reliability-report")
    if path:
        from tests.reliability import render

        Path(path).write_text(render(RETRY_BACKOFF))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: called only when it runs
def pytest_testnodedown(node: Any, error: object) -> None:
    """Collect a finished xdist worker's reliability results into the controller's."""
    from tests.reliability import merge

    merge(getattr(node, "workeroutput", {}).get("reliability", {}))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # every fake server the test used, whatever its fixture is called (properties included)
    servers = [v for v in getattr(item, "funcargs", {}).values() if isinstance(v, FakeExpertFile)]
    if not servers or report.when != "call":
        return
    texts = [content for _name, content in report.sections]
    if call.excinfo is not None:
        texts.append(str(call.excinfo.value))
    for server in servers:
        secrets = [(server.client_secret, "secret")]
        secrets += [(token, "token") for token in server.issued_tokens]
        for text in texts:
            # in any form the client redacts (expertfile_nb._redact); all values at once
            # (one reading of the text), then which one, only when something was found
            if not contains_any(text, [value for value, _ in secrets], server.client_id):
                continue
            for secret, kind in secrets:
                if contains_any(text, [secret], server.client_id):
                    report.outcome = "failed"
                    report.longrepr = (
                        f"LEAK: a {kind} (in some form) appeared in captured output, logs or "
                        "an error message"
                    )
                    return
