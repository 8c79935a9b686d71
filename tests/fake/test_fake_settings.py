"""The fake's settings: one frozen object; changed by name until a reset; checked."""

from __future__ import annotations

import dataclasses

import pytest

from fake_server import FakeExpertFile, Settings
from tests.contract import writes as wr
from tests.contract.test_fake_writes_contract import Client
from tests.helpers import get_data, get_token

LINK = wr.write("add_item[link]")


def test_the_settings_are_one_frozen_object() -> None:
    settings = Settings(paging="page")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.paging = "offset"  # type: ignore[misc]  # what the test checks


def test_a_value_outside_its_choices_is_refused_naming_the_setting_and_choices() -> None:
    with pytest.raises(ValueError, match="paging is one of 'offset', 'page', not 'pages'"):
        Settings(paging="pages")  # type: ignore[arg-type]  # what the test checks
    with pytest.raises(ValueError, match="latency is a number, 0 or more, not -1"):
        Settings(latency=-1)
    with pytest.raises(ValueError, match="write_failure_rate is a share"):
        Settings(write_failure_rate=2)


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("foreign_org_status", 500),  # the status choices are the two documented readings
        ("foreign_org_status", "404"),
        ("foreign_org_status", 404.0),
        ("undocumented_write_status", 200),
        ("undocumented_write_status", True),
    ],
)
def test_a_status_setting_takes_only_its_two_statuses(name: str, wrong: object) -> None:
    with pytest.raises(ValueError, match=f"{name} is one of"):
        Settings(**{name: wrong})  # what the test checks
    assert getattr(Settings(**{name: 404}), name) == 404


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


@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("experts", True, "a whole number, 0 or more"),  # a bool is an int to Python
        ("latency", "0.1", "a number, 0 or more"),
        ("experts", -1, "a whole number, 0 or more"),
        ("write_failure_seed", -1, "a whole number, 0 or more"),
        # caught here, not as a 500 of the first list request (range() of a float…)
        ("experts", 2.5, "a whole number, 0 or more"),
        ("max_page_size", 2.5, "a whole number, 1 or more"),
        ("max_page_size", 0, "a whole number, 1 or more"),  # no page could be served
        ("token_ttl", float("inf"), "a number, 0 or more"),  # a token's expiry overflows
        ("latency", float("nan"), "a number, 0 or more"),
    ],
)
def test_a_number_setting_takes_a_number_in_its_range(
    name: str, value: object, wanted: str
) -> None:
    with pytest.raises(ValueError, match=f"the fake's {name} is {wanted}, not "):
        Settings(**{name: value})  # type: ignore[arg-type]  # what the test checks


def test_a_write_failure_rate_is_a_share_from_zero_to_one_both_included() -> None:
    assert Settings(write_failure_rate=1).write_failure_rate == 1
    assert Settings(write_failure_rate=0).write_failure_rate == 0
    with pytest.raises(ValueError, match=r"write_failure_rate is a share, 0 to 1, not 1\.5"):
        Settings(write_failure_rate=1.5)


def test_the_settings_property_takes_a_settings_object_and_keeps_it_until_reset() -> None:
    server = FakeExpertFile(experts=5)
    with pytest.raises(TypeError, match=r"settings must be a fake_server\.Settings"):
        server.settings = {"paging": "page"}  # type: ignore[assignment]  # what the test checks
    assert server.settings == Settings(experts=5)
    server.settings = Settings(paging="page")
    assert server.settings == Settings(paging="page") and server.experts == 250
    server.reset()
    assert server.settings == Settings(experts=5)


def _write_statuses(server: FakeExpertFile, n: int = 24) -> list[int]:
    """The statuses of ``n`` link writes (each made; some answered 500 at random)."""
    client = Client(server)
    username = client.first()
    return [
        client.send(LINK, {"name": f"w{i}", "url": "https://e.org"}, username).status_code
        for i in range(n)
    ]


def test_a_seed_set_later_draws_the_failures_of_a_server_made_with_it() -> None:
    """``configure(write_failure_seed=…)`` starts the draws again from that seed, and
    ``reset()`` from the constructor's: a test's failures do not depend on what ran before."""
    with FakeExpertFile(experts=5, write_failure_rate=0.5, write_failure_seed=3) as made:
        seeded = _write_statuses(made)
    with FakeExpertFile(experts=5, write_failure_rate=0.5) as server:
        unseeded = _write_statuses(server)
        assert unseeded != seeded  # the seed matters: the check below means something
        assert set(seeded) == {200, 500}
        server.configure(write_failure_seed=3)  # the draws so far are forgotten
        assert _write_statuses(server) == seeded
        server.write_failure_seed = 3  # the shorthand, the same seed: drawn from the start
        assert _write_statuses(server) == seeded
        server.reset()  # the constructor's seed (0), from the start
        server.write_failure_rate = 0.5
        assert _write_statuses(server) == unseeded


def test_a_mistyped_setting_is_an_error_naming_the_setting() -> None:
    server = FakeExpertFile()
    with pytest.raises(AttributeError, match="no setting 'pagin': did you mean 'paging'"):
        server.pagin = "page"  # type: ignore[attr-defined]  # what the test checks
    assert server.settings == Settings()
    server.note = "mine"  # type: ignore[attr-defined]  # a name of the caller's own is kept
    assert server.note == "mine"  # type: ignore[attr-defined]
