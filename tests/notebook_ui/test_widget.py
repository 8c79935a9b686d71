"""The login form, driven like a person would: set values, click, read the status line."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import ipywidgets
import pytest
from ipywidgets.embed import embed_data

import expertfile_nb as ef
from fake_server import FakeExpertFile


class Recorder:
    """Every value a trait took, in order, with what other fields held at that moment."""

    def __init__(self, form: ef.widget.LoginForm) -> None:  # type: ignore[name-defined]  # ef.widget is a submodule
        self.status: list[tuple[str, str]] = []
        self.disabled: list[bool] = []
        form.status.observe(
            lambda change: self.status.append((change["new"], form.client_secret.value)), "value"
        )
        form.login_button.observe(lambda change: self.disabled.append(change["new"]), "disabled")


def filled_form(server: FakeExpertFile, secret: str | None = None) -> Any:
    form = ef.login_widget(base_url=server.url)
    form.client_id.value = server.client_id
    form.client_secret.value = server.client_secret if secret is None else secret
    return form


def test_success_blanks_secret_first_and_reports_org_and_expiry(
    expertfile_server: FakeExpertFile,
) -> None:
    form = filled_form(expertfile_server)
    seen = Recorder(form)
    form.login_button.click()
    assert form.client_secret.value == ""
    assert seen.status[0] == ("Connecting…", "")  # the secret was already blank
    assert seen.disabled == [True]  # disabled while connecting, and stays so once logged in
    assert form.client_id.disabled and form.client_secret.disabled and form.base_url.disabled
    final = form.status.value
    assert f"Logged in to organization {expertfile_server.org_id} — token valid until" in final
    assert "(29 d 23 h left)" in final
    assert form.logout_button.layout.display is None
    assert form.login_button.layout.display == "none"
    assert ef.status().source == "login form"
    assert expertfile_server.token_requests == 1


def test_form_login_is_the_same_login(expertfile_server: FakeExpertFile) -> None:
    filled_form(expertfile_server).submit()
    session = ef.get_session()
    assert session.get(f"/v2/organization/{session.org_id}/expert").status_code == 200
    assert expertfile_server.token_requests == 1


def test_wrong_secret_says_so_without_the_secret(expertfile_server: FakeExpertFile) -> None:
    form = filled_form(expertfile_server, secret="Typo-In-Secret-42")
    form.login_button.click()
    status = form.status.value
    assert "Wrong client id or secret" in status and "invalid_client" in status
    assert "Typo-In-Secret-42" not in status
    assert form.client_secret.value == ""
    assert form.login_button.disabled is False
    assert not ef.status().logged_in


def test_server_description_is_html_escaped(expertfile_server: FakeExpertFile) -> None:
    body = json.dumps(
        {
            "success": False,
            "error": "invalid_client",
            "error_description": "<script>alert(1)</script>",
        }
    )
    expertfile_server.malformed_next(1, body=body.encode(), status=401, path="token")
    form = filled_form(expertfile_server)
    form.submit()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in form.status.value
    assert "<script>" not in form.status.value


def test_network_error(expertfile_server: FakeExpertFile) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    form = ef.login_widget(base_url=f"http://127.0.0.1:{port}")
    form.client_id.value, form.client_secret.value = "id", "secret"
    form.submit()
    assert "Could not reach" in form.status.value


@pytest.mark.parametrize(("status", "words"), [(429, "rate limited"), (503, "HTTP 503")])
def test_rate_limit_and_server_error_are_explained(
    expertfile_server: FakeExpertFile, status: int, words: str
) -> None:
    from expertfile_nb.widget import explain

    expertfile_server.fail_next(1, status=status, path="token")
    with pytest.raises(ef.TokenResponseError) as caught:
        ef.login(
            expertfile_server.client_id,
            expertfile_server.client_secret,
            base_url=expertfile_server.url,
            retries=0,
        )
    assert words in explain(caught.value, expertfile_server.url)


def test_bad_base_url_is_explained(expertfile_server: FakeExpertFile) -> None:
    form = filled_form(expertfile_server)
    form.base_url.value = "http://api.example.com"
    form.submit()
    assert "Check the form" in form.status.value and "https" in form.status.value
    assert expertfile_server.token_requests == 0


def test_enter_in_the_secret_field_submits(expertfile_server: FakeExpertFile) -> None:
    form = filled_form(expertfile_server)
    form.client_secret._handle_custom_msg(
        {"event": "submit"}, []
    )  # what the browser sends on Enter
    assert "Logged in to organization" in form.status.value


def test_log_out_button(expertfile_server: FakeExpertFile) -> None:
    form = filled_form(expertfile_server)
    form.submit()
    form.logout_button.click()
    assert "Logged out" in form.status.value
    assert not ef.status().logged_in
    assert not form.client_id.disabled and not form.login_button.disabled  # editable again
    assert form.login_button.layout.display is None
    assert form.logout_button.layout.display == "none"


def test_display_bundle_and_widget_state_hold_no_secret(expertfile_server: FakeExpertFile) -> None:
    form = filled_form(expertfile_server)
    form.submit()
    bundle = form._repr_mimebundle_()
    assert "ef.login(client_id, client_secret)" in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    state = json.dumps(embed_data(views=[form.widget]))
    blob = json.dumps(bundle) + state + repr(form)
    for secret in [expertfile_server.client_secret, *expertfile_server.issued_tokens]:
        assert secret not in blob


def test_prefills_from_environment(
    expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", "from-env")
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    form = ef.login_widget()
    assert form.client_id.value == "from-env"
    assert form.base_url.value == expertfile_server.url
    assert form.client_secret.value == ""
    assert form.remember.value is False
    assert isinstance(form.widget, ipywidgets.VBox)


def test_the_secret_field_sends_its_value_only_on_submit(
    expertfile_server: FakeExpertFile,
) -> None:
    """Not on every key press: the front end is told so in the field's state."""
    form = filled_form(expertfile_server)
    models = embed_data(views=[form.widget])["manager_state"]["state"]
    secret_field = models[form.client_secret.model_id]
    assert secret_field["model_name"] == "PasswordModel"
    assert secret_field["state"]["continuous_update"] is False


@pytest.mark.parametrize("remember", [True, False])
def test_remember_on_this_machine_is_what_is_done(
    expertfile_server: FakeExpertFile, remember: bool
) -> None:
    cache = Path(os.environ["EXPERTFILE_TOKEN_CACHE"])
    form = filled_form(expertfile_server)
    form.remember.value = remember
    form.submit()
    assert "Logged in to organization" in form.status.value
    assert cache.exists() is remember
    assert ef.status().remembered_in == (str(cache) if remember else None)
