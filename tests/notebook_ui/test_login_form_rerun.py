"""A second *Run All* keeps the login form (logged in, with *Log out*), not a ``Token(...)``.

In a notebook, ``ef.login()`` with no credentials shows the form; once the form has
logged in, the same cell run again returns the token in use. It comes back as a
``FormToken``: a ``Token`` for code, displayed as the form in its logged-in state.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import expertfile_nb as ef
from expertfile_nb._notebook import FormToken
from expertfile_nb.widget import LoginForm
from fake_server import FakeExpertFile


def test_form_token_is_a_token_shown_as_the_logged_in_form(
    expertfile_server: FakeExpertFile,
) -> None:
    form = LoginForm(base_url=expertfile_server.url)
    form.client_id.value = expertfile_server.client_id
    form.client_secret.value = expertfile_server.client_secret
    form.submit()
    token = ef.login()  # outside a kernel: the plain token
    assert type(token) is ef.Token
    shown = FormToken.of(token)
    assert shown == token and isinstance(shown, ef.Token) and shown.org_id == token.org_id
    assert type(copy.copy(shown)) is ef.Token
    assert type(pickle.loads(pickle.dumps(shown))) is ef.Token  # noqa: S301 -- our own bytes
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert token.access_token not in json.dumps(bundle)
    assert expertfile_server.client_secret not in json.dumps(bundle)


def test_show_logged_in_offers_log_out(expertfile_server: FakeExpertFile) -> None:
    token = ef.login(
        expertfile_server.client_id, expertfile_server.client_secret, base_url=expertfile_server.url
    )
    form = LoginForm(base_url=expertfile_server.url)
    form.show_logged_in(token)
    assert f"Logged in to organization {token.org_id}" in form.status.value
    assert form.login_button.layout.display == "none" and form.logout_button.layout.display is None
    assert form.client_id.disabled and form.client_secret.disabled
    form.logout_button.click()
    assert not ef.status().logged_in
    assert form.login_button.layout.display is None and not form.client_id.disabled


def test_run_all_twice_keeps_the_form(expertfile_server: FakeExpertFile, tmp_path: Path) -> None:
    # the cell typing the secret is not logged (the suite's leak check reads the logs)
    quiet = logging.getLogger("test_login_form_rerun.nbclient")
    quiet.setLevel(logging.WARNING)
    quiet.propagate = False
    setup = (
        f"import os\nos.environ['EXPERTFILE_BASE_URL'] = {expertfile_server.url!r}\n"
        "import expertfile_nb as ef"
    )
    fill = (
        f"form = ef.login_widget()\nform.client_id.value = {expertfile_server.client_id!r}\n"
        f"form.client_secret.value = {expertfile_server.client_secret!r}\nform.submit()"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell("ef.login()"),  # Run All 1: the form, empty
        nbformat.v4.new_code_cell(fill),  # the user logs in with the form
        nbformat.v4.new_code_cell("ef.login()"),  # Run All 2: the same cell again
        nbformat.v4.new_code_cell(
            "t = ef.login()\nprint(isinstance(t, ef.Token), t.org_id, ef.status().source)"
        ),
    ]
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        store_widget_state=True,
        log=quiet,
    )
    client.execute()
    first = json.dumps(nb.cells[1].outputs)
    again = json.dumps(nb.cells[3].outputs)
    assert "application/vnd.jupyter.widget-view+json" in first
    assert "application/vnd.jupyter.widget-view+json" in again  # the form, not only a repr
    shown = nb.cells[3].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]
    state = json.dumps(nb.metadata["widgets"])
    assert shown["model_id"] in state
    assert f"Logged in to organization {expertfile_server.org_id}" in state
    assert "Log out" in state
    assert f"True {expertfile_server.org_id} login form" in json.dumps(nb.cells[4].outputs)
    assert expertfile_server.token_requests == 1
    saved = json.dumps(nb)
    for token in expertfile_server.issued_tokens:
        assert token not in saved
