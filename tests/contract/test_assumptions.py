"""Every guess the fake makes is listed in ``fake_server.ASSUMPTIONS`` with a setting,
and each setting flips what the fake does.

For each entry a probe asks the fake, over HTTP, the question the entry is about;
its answer under the default and under the other value must differ. A setting
that does nothing, or a guess without a setting, fails here.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import pytest
import requests

from fake_server import ASSUMPTIONS, Assumption, FakeExpertFile, Settings
from fake_server.settings import ASSUMPTION_SETTINGS
from tests.helpers import get_data, get_token, token_form

Probe = Callable[[FakeExpertFile, str], Any]

#: constructor arguments that are not guesses about the service
NOT_GUESSES = {
    "experts", "token_ttl",  # the organization's size
    # fault controls: a slow service, random failures after a write
    "latency", "write_failure_rate", "write_failure", "write_failure_seed",
}  # fmt: skip


def _get(server: FakeExpertFile, token: str, path: str, **params: Any) -> requests.Response:
    return get_data(server, path.format(org=server.org_id), token, **params)


def _data(server: FakeExpertFile, token: str, path: str, **params: Any) -> Any:
    response = _get(server, token, path, **params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


EXPERTS = "/v2/organization/{org}/expert"
SPOTLIGHTS = "/v2/spotlight/{org}/search"


def _first_expert(server: FakeExpertFile, token: str) -> str:
    return str(_data(server, token, EXPERTS, page_size=1)["experts"][0]["username"])


def _first_staff(server: FakeExpertFile, token: str) -> str:
    rows = _data(server, token, "/v2/organization/{org}/employee", page_size=1)["staff"]
    return str(rows[0]["username"])


def _section(server: FakeExpertFile, token: str, segment: str) -> Any:
    """The response to the first expert's ``segment`` that has items."""
    for row in _data(server, token, EXPERTS, page_size=30)["experts"]:
        response = _get(server, token, f"{EXPERTS}/{row['username']}/{segment}")
        if response.json()["data"]:
            return response.json()
    pytest.fail(f"no expert with a {segment} item")


def _companies(server: FakeExpertFile, token: str) -> int:
    names = []
    for row in _data(server, token, EXPERTS, page_size=30)["experts"]:
        account = _data(server, token, f"{EXPERTS}/{row['username']}")["account"][0]
        if account["company"] not in names:
            names.append(account["company"])
        if len(names) == 2:
            break
    text = "[" + ",".join(f'"{n}"' for n in names) + "]"
    return int(_data(server, token, EXPERTS, companies=text)["total"])


def _token_status(server: FakeExpertFile, path: str, *, json: bool = False) -> int:
    form = token_form(server)
    body = {"json": form} if json else {"data": form}
    return requests.post(server.url + path, timeout=10, **body).status_code  # type: ignore[arg-type]  # json= or data=


def _write(
    server: FakeExpertFile, token: str, method: str, path: str, **body: Any
) -> requests.Response:
    """A write over HTTP (``data=`` a form or ``json=`` an object) to ``path`` ({org} filled)."""
    headers = {"Authorization": f"Bearer {token}"}
    url = server.url + path.format(org=server.org_id)
    return requests.request(method, url, headers=headers, timeout=10, **body)


def _created_username(server: FakeExpertFile, token: str) -> str:
    person = {"firstname": "Ann", "lastname": "Lee", "job_title": "Dean", "email": "a@e.org"}
    person["company"] = "Acme"
    response = _write(server, token, "POST", "/v2/organization/{org}/staff", data=person)
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["username"]).rstrip("0123456789")  # N grows each time


def _accomplishment_dates(server: FakeExpertFile, token: str) -> list[int]:
    path = f"{EXPERTS}/{_first_expert(server, token)}/accomplishment"
    body = {"title": "Prize", "description": "won", "type": "71", "date": "1349841600"}
    response = _write(server, token, "POST", path, data=body)
    assert response.status_code == 200, response.text
    (item,) = _data(server, token, f"{path}/{response.json()['data']['id']}")
    return [item["start"], item["end"]]


def _undocumented_write(server: FakeExpertFile, token: str) -> int:
    path = f"{EXPERTS}/{_first_expert(server, token)}/topic"
    topic = _data(server, token, path)[0]["id"]
    return _write(server, token, "PUT", f"{path}/{topic}", data={"name": "x"}).status_code


def _staff_delete_of_expert(server: FakeExpertFile, token: str) -> list[int]:
    """DELETE /staff/<an expert>: its status, then the status of that expert's profile."""
    expert = _first_expert(server, token)
    deleted = _write(server, token, "DELETE", f"/v2/organization/{{org}}/staff/{expert}")
    return [deleted.status_code, _get(server, token, f"{EXPERTS}/{expert}").status_code]


PROBES: dict[str, Probe] = {
    "meaning of page_from": lambda s, t: [
        r["username"] for r in _data(s, t, EXPERTS, page_size=2, page_from=1)["experts"]
    ],
    "largest page_size": lambda s, t: len(_data(s, t, EXPERTS, page_size=100)["experts"]),
    "a page_size over the largest": lambda s, t: _get(s, t, EXPERTS, page_size=1000).status_code,
    "failure envelope": lambda s, t: sorted(_get(s, None, EXPERTS).json()),  # type: ignore[arg-type]  # no token, on purpose
    "how array parameters travel (countries, topics, tags, fields, …)": lambda s, t: _data(
        s, t, EXPERTS, countries="US,CA"
    )["total"],
    "keys of list items when fields=[…] is given": lambda s, t: sorted(
        _data(s, t, EXPERTS, fields='["email"]')["experts"][0]
    ),
    "a fields name outside the 45 documented return fields": lambda s, t: (
        _get(s, t, EXPERTS, fields='["nope"]').status_code
    ),
    "HTTP status for another organization's data": lambda s, t: (
        get_data(s, f"/v2/organization/{s.org_id + 1}/expert", t).status_code
    ),
    "corporation in list items": lambda s, t: _data(s, t, EXPERTS)["experts"][0]["corporation"],
    "aggregations": lambda s, t: _data(s, t, EXPERTS)["aggregations"],
    "spotlight tags, tagged_experts and assets items": lambda s, t: _data(s, t, SPOTLIGHTS)[
        "spotlights"
    ][0]["tags"],
    "social items": lambda s, t: _section(s, t, "social")["data"],
    "avatar and profiletype items": lambda s, t: _data(
        s, t, f"/v2/organization/{{org}}/staff/{_first_staff(s, t)}"
    )["profiletype"],
    "order of list results": lambda s, t: _first_expert(s, t),
    "expert profile sections beyond the 2019 sample": lambda s, t: sorted(
        _data(s, t, f"{EXPERTS}/{_first_expert(s, t)}")
    ),
    "items that differ between the current site and the older reference": lambda s, t: sorted(
        _section(s, t, "tag")["data"][0]
    ),
    "staff profile section names": lambda s, t: sorted(
        _data(s, t, f"/v2/organization/{{org}}/staff/{_first_staff(s, t)}")
    ),
    '"success" in the reads whose samples have none': lambda s, t: sorted(
        _section(s, t, "biography")
    ),
    "values the samples show as null": lambda s, t: _section(s, t, "testimonial")["data"][0][
        "date"
    ],
    "companies (experts and staff)": _companies,
    "searchfield other than fullname": lambda s, t: (
        _get(s, t, EXPERTS, q="a", searchfield="tagline").status_code
    ),
    "spotlight month format": lambda s, t: _get(s, t, SPOTLIGHTS, month="2024-05").status_code,
    "query parameters an endpoint does not document": lambda s, t: (
        _get(s, t, SPOTLIGHTS, sort="name").status_code
    ),
    "token request body": lambda s, t: _token_status(s, "/v2/oauth/token", json=True),
    "token path": lambda s, t: _token_status(s, "/oauth/token"),
    "a write missing a required field": lambda s, t: (
        _write(
            s, t, "POST", f"{EXPERTS}/{_first_expert(s, t)}/link", data={"name": "no url"}
        ).status_code
    ),
    "write bodies": lambda s, t: (
        _write(
            s, t, "POST", f"{EXPERTS}/{_first_expert(s, t)}/link", json={"name": "J", "url": "u"}
        ).status_code
    ),
    "the username of a created expert or staff member": _created_username,
    "the biography, tagline and social POST answers": lambda s, t: _write(
        s, t, "POST", f"{EXPERTS}/{_first_expert(s, t)}/biography", data={"description": "d"}
    ).json()["data"],
    "the accomplishment date field": _accomplishment_dates,
    "a write to a section the documents give no such write for": _undocumented_write,
    "DELETE /staff/<username> of an expert": _staff_delete_of_expert,
}
#: the other value where it is not an identifier
OTHER = {"max_page_size": 5, "foreign_org_status": 404, "undocumented_write_status": 404}


def _probe(assumption: Assumption) -> Probe:
    found = [p for point, p in PROBES.items() if assumption.point.startswith(point)]
    assert len(found) == 1, f"no probe for {assumption.point!r}"
    return found[0]


def test_every_assumption_has_a_setting_and_a_probe() -> None:
    assert all(a.setting and len(a.values) == 2 and a.default in a.values for a in ASSUMPTIONS)
    assert len({a.point for a in ASSUMPTIONS}) == len(ASSUMPTIONS)
    for assumption in ASSUMPTIONS:
        _probe(assumption)
    assert len(PROBES) == len(ASSUMPTIONS)


def test_assumptions_are_exactly_the_settings() -> None:
    # one frozen object holds every setting: the ASSUMPTIONS' settings, the size of the
    # organization and the fault controls; nothing else, and none left out
    names = {f.name for f in dataclasses.fields(Settings)}
    assert {a.setting for a in ASSUMPTIONS} == names - NOT_GUESSES
    assert {a.setting for a in ASSUMPTIONS} == set(ASSUMPTION_SETTINGS)
    # the server's own arguments are where it listens, who logs in and what it serves
    arguments = set(inspect.signature(FakeExpertFile).parameters)
    assert arguments == {
        "host", "port", "client_id", "client_secret", "org_id", "seed", "journal_size",
        "dataset", "idle_timeout", "settings", "overrides",
    }  # fmt: skip


@pytest.mark.parametrize("assumption", ASSUMPTIONS, ids=lambda a: a.point[:40])
def test_each_setting_flips_its_behaviour(
    expertfile_server: FakeExpertFile, assumption: Assumption
) -> None:
    setting = str(assumption.setting)
    probe = _probe(assumption)
    token = get_token(expertfile_server)
    assert str(getattr(expertfile_server, setting)) == assumption.default
    before = probe(expertfile_server, token)
    other = next(v for v in assumption.values if v != assumption.default)
    setattr(expertfile_server, setting, OTHER.get(setting, other))
    after = probe(expertfile_server, get_token(expertfile_server))
    assert before != after, f"{setting}={other} changes nothing: {before!r}"
    expertfile_server.reset()
    assert str(getattr(expertfile_server, setting)) == assumption.default
