"""A real browser: JupyterLab under headless Chromium, logging in through the form, and
the plan of a profile edit as a person sees it.

JupyterLab runs on 127.0.0.1 with the quickstart and edit_profiles notebooks; Playwright
drives Debian's ``chromium`` (``executable_path``: Playwright's own browser download is not used).
On a machine without Chromium the test is skipped — except in CI, where it fails.

``EXPERTFILE_SCREENSHOTS=docs/images`` keeps the login form and the plan view as
``login-form.png`` and ``plan-view.png`` in that folder (the README shows them); without it
nothing is written outside the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_server import FakeExpertFile

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "browser-test-token"
# read at import: the suite clears every EXPERTFILE_* variable before each test runs
_SCREENSHOTS = os.environ.get("EXPERTFILE_SCREENSHOTS")
SCREENSHOTS = Path(_SCREENSHOTS).resolve() if _SCREENSHOTS else None

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is needed: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def jupyterlab(
    expertfile_server: FakeExpertFile, tmp_path: Path, clean_environ: Path
) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "work"
    root.mkdir()
    for name in ("quickstart.ipynb", "edit_profiles.ipynb"):
        shutil.copy(NOTEBOOKS / name, root)
    # Save widget state with the notebook (off by default): the strictest case for the secret.
    settings = tmp_path / "lab-settings" / "@jupyter-widgets" / "jupyterlab-manager"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"saveState": true}')
    # No "Would you like to get notified about Jupyter news?" toast over the outputs.
    notices = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERTFILE_")}
    env.update(
        EXPERTFILE_BASE_URL=expertfile_server.url,  # where the form logs in; no id or secret set
        EXPERTFILE_TOKEN_CACHE=str(tmp_path / "cache" / "token.json"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
    )
    log = (tmp_path / "jupyter.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{base}/api/status", params={"token": TOKEN}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    "JupyterLab did not start:\n" + (tmp_path / "jupyter.log").read_text()[-3000:]
                )
            time.sleep(0.25)
        yield base, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def keep_screenshot(element: Any, name: str) -> None:
    """Save ``element`` as ``name`` in the folder EXPERTFILE_SCREENSHOTS names, if any."""
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        element.screenshot(path=str(SCREENSHOTS / name))


def run_cell(page: Any, index: int) -> None:
    """Select cell ``index``, run it with Shift+Enter, wait until the kernel has run it."""
    from playwright.sync_api import expect

    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    for _attempt in range(3):  # a keypress can land while the notebook is still settling
        cell.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Shift+Enter")
        try:
            expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=20_000)
            return
        except AssertionError:
            continue
    expect(prompt).to_have_text(re.compile(r"\[\d+\]"))


def launch(playwright: Any, chromium: str) -> Any:
    return playwright.chromium.launch(
        executable_path=chromium,
        headless=True,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    )  # fmt: skip


def open_notebook(browser: Any, base: str, name: str) -> Any:
    """A page with notebook ``name`` open and its kernel idle."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    # On a busy machine (parallel test workers) JupyterLab may ask which kernel to
    # start, its kernel list having come late: the preselected one is the notebook's.
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    page.add_locator_handler(dialog, lambda: dialog.get_by_role("button", name="Select").click())
    page.goto(f"{base}/lab/tree/{name}?token={TOKEN}")
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible()
    # the kernel must be idle before we run anything
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_attached(
        timeout=90_000
    )
    return page


def test_quickstart_login_form_in_jupyterlab(
    chromium: str, jupyterlab: tuple[str, Path], expertfile_server: FakeExpertFile, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, root = jupyterlab
    expertfile_server.experts = 600
    expect.set_options(timeout=60_000)
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            page = open_notebook(browser, base, "quickstart.ipynb")
            # saved in the form Jupyter writes: opening it changes nothing
            expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0)

            run_cell(page, 1)  # import expertfile_nb as ef
            run_cell(page, 3)  # ef.login(): no credentials anywhere, so the form shows
            secret_box = page.locator(".jupyter-widgets input[type=password]")
            expect(secret_box).to_be_visible()
            form = page.locator(".jp-Notebook .jp-Cell").nth(3).locator(".jp-OutputArea-output")
            keep_screenshot(form, "login-form.png")  # as it first shows: nothing typed yet
            page.locator(".widget-text:has(label:text-is('Client ID')) input").fill(
                expertfile_server.client_id
            )
            secret_box.fill(expertfile_server.client_secret)
            page.get_by_role("button", name="Log in").click()
            expect(
                page.get_by_text(re.compile(r"Logged in to organization 4242 — token valid until"))
            ).to_be_visible()
            expect(secret_box).to_have_value("")

            run_cell(page, 7)  # experts = ef.get_experts(); print(...)
            count = page.locator(
                ".jp-OutputArea-output pre", has_text=re.compile(r"^\s*\d+ experts\s*$")
            )
            expect(count).to_be_visible()
            page.screenshot(path=str(tmp_path / "jupyterlab.png"))

            page.keyboard.press("Control+s")
            expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0)
        finally:
            if not browser.contexts or browser.contexts[0].pages:
                for context in browser.contexts:
                    for open_page in context.pages:
                        open_page.screenshot(path=str(tmp_path / "last.png"))
                        (tmp_path / "last.html").write_text(open_page.content())
            browser.close()

    saved = (root / "quickstart.ipynb").read_text()
    assert re.search(r"\d+ experts", saved)  # the run's outputs were saved...
    assert "application/vnd.jupyter.widget-state+json" in saved  # ...and the form's state...
    for secret in [expertfile_server.client_secret, *expertfile_server.issued_tokens]:
        assert secret not in saved  # ...but neither the secret nor the token
    assert expertfile_server.token_requests == 1


def test_the_plan_of_a_profile_edit_in_jupyterlab(
    chromium: str, jupyterlab: tuple[str, Path], tmp_path: Path
) -> None:
    """edit_profiles.ipynb in a real browser: the plan's HTML view shows each old and new
    value (a screenshot is kept), then the notebook applies, undoes and stops its server."""
    from playwright.sync_api import expect, sync_playwright

    base, _root = jupyterlab
    expect.set_options(timeout=60_000)
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            page = open_notebook(browser, base, "edit_profiles.ipynb")
            for index in (1, 3, 5):  # the bundled fake and login; the audit; the plan
                run_cell(page, index)
            plan = page.locator(".jp-Notebook .jp-Cell").nth(5).locator(".jp-OutputArea-output")
            expect(plan).to_contain_text("Business School")  # old
            expect(plan).to_contain_text("School of Business")  # new
            expect(plan).to_contain_text("company")
            plan.screenshot(path=str(tmp_path / "plan.png"))
            keep_screenshot(plan, "plan-view.png")
            assert (tmp_path / "plan.png").stat().st_size > 1000
            for index in (7, 8, 12, 13):  # dry run, apply, undo, stop the server
                run_cell(page, index)
            undone = page.locator(".jp-Notebook .jp-Cell").nth(12).locator(".jp-OutputArea")
            expect(undone).to_contain_text("'applied': 8")
        finally:
            browser.close()
