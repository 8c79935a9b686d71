"""The fake's settings: one frozen object; changed by name until a reset; checked."""

from __future__ import annotations

import dataclasses

import pytest

from fake_server import FakeExpertFile, Settings
from tests.helpers import get_data, get_token


def test_the_settings_are_one_frozen_object() -> None:
    settings = Settings(paging="page")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.paging = "offset"  # type: ignore[misc]  # what the test checks


def test_a_value_outside_its_choices_is_refused_naming_the_setting_and_choices() -> None:
    with pytest.raises(ValueError, match="paging is one of 'offset', 'page', not 'pages'"):
        Settings(paging="pages")  # type: ignore[arg-type]  # what the test checks
    with pytest.raises(ValueError, match="latency is a number"):
        Settings(latency=-1)
    with pytest.raises(ValueError, match="write_failure_rate is a share"):
        Settings(write_failure_rate=2)


def test_an_unknown_setting_is_a_type_error_as_for_any_keyword() -> None:
    with pytest.raises(TypeError, match="pagin"):
        FakeExpertFile(pagin="page")


def test_keywords_override_the_settings_object() -> None:
    server = FakeExpertFile(settings=Settings(paging="page", experts=7), experts=9)
    assert server.settings == Settings(paging="page", experts=9)


def test_a_change_lasts_until_reset_and_reset_goes_back_to_the_servers_settings() -> None:
    with FakeExpertFile(experts=5) as server:
        token = get_token(server)
        server.configure(experts=3)
        server.paging = "page"  # the shorthand for configure(paging="page")
        assert server.settings == Settings(experts=3, paging="page")
        assert (
            get_data(server, f"/v2/organization/{server.org_id}/expert", token).json()["data"][
                "total"
            ]
            == 3
        )
        server.reset()
        assert server.settings == Settings(experts=5)
        assert server.paging == "offset" and server.experts == 5
        token = get_token(server)
        assert (
            get_data(server, f"/v2/organization/{server.org_id}/expert", token).json()["data"][
                "total"
            ]
            == 5
        )


def test_a_bad_value_set_on_a_running_server_changes_nothing() -> None:
    with FakeExpertFile() as server:
        with pytest.raises(ValueError, match="error_body"):
            server.error_body = "html"
        assert server.settings == Settings()
