"""The client against the vendor's own sample answers, every documented read.

Each of the 74 reads of ``vendor_samples.READS`` is served by a plain
``pytest_httpserver`` (not our fake) at its documented path, with the vendor's text
as published (after only the marked repairs that make it JSON), and the matching
client function must give back what the vendor's answer holds:

- a profile, a section or a whole-record section: the ``data`` as sent (the staff
  profile's ``corporationprofile`` is given as ``corporationProfile`` either way);
- an item by id (``get_section_item``): the one record of the one-element list;
- a spotlight by id: the record, its Unix seconds as UTC datetimes;
- a list: a frame with one row per sample item, the items' values in the documented
  columns. The list samples announce a ``total`` (12) larger than the one item they
  show, which a verified pull rightly refuses; they are served with ``total`` equal to
  the items shown, everything else as the vendor wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import expertfile_nb as ef
from tests.contract import pages
from tests.contract.vendor_samples import READS, SAMPLES, parsed, repaired
from tests.reads.service import Listing, PlainService

USERNAME = "peter.evans"
LISTS = {"expert.list": ef.get_experts, "staff.list": ef.get_staff}


@pytest.fixture(scope="module")
def server() -> Iterator[PlainService]:
    service = PlainService().start()
    yield service
    service.stop()


def _item_id(data: Any) -> str:
    if isinstance(data, list) and data and isinstance(data[0], dict) and "id" in data[0]:
        return str(data[0]["id"])
    return "1"


def _serve(server: PlainService, name: str) -> tuple[Any, str]:
    """Serve sample ``name`` at its path; its ``data`` and the item id used in the path."""
    sample = SAMPLES[name]
    data = parsed(name)["data"]
    item = _item_id(data)
    path = sample.path.format(org=pages.ORG, username=USERNAME, id=item)
    server.server.expect_request(path, method="GET").respond_with_data(
        repaired(name), content_type="application/json"
    )
    return data, item


def test_every_documented_read_is_covered() -> None:
    assert len(READS) == 74
    kinds = {n.split(".")[0] for n in READS}
    assert kinds == {"expert", "staff", "spotlight"}


@pytest.mark.parametrize("name", [n for n in READS if n not in (*LISTS, "spotlight.list")])
def test_the_vendors_sample_comes_back_from_the_client(server: PlainService, name: str) -> None:
    server.begin()
    data, item = _serve(server, name)
    kind, _, rest = name.partition(".")
    staff = kind == "staff"
    if name == "spotlight.get":
        got = ef.get_spotlight(item)
        sent = data["spotlight"][0]
        for key in ("published_date", "created"):
            assert got.pop(key) == pd.Timestamp(sent.pop(key), unit="s", tz="UTC")
        assert got == sent
    elif rest == "get":  # the whole profile
        got = (ef.get_staff_member if staff else ef.get_expert)(USERNAME)
        expected = {
            "corporationProfile" if k == "corporationprofile" else k: v for k, v in data.items()
        }
        assert got == expected
    elif rest.endswith(".get"):  # one item by id
        section = rest.removesuffix(".get").replace(".", "/")
        got = ef.get_section_item(USERNAME, section, item, kind="staff" if staff else "experts")
        assert [got] == data
    else:  # a section's list, or a section that is one record
        section = rest.removesuffix(".list").replace(".", "/")
        got = (ef.get_staff_member if staff else ef.get_expert)(USERNAME, section)
        assert got == data
    assert len(server.data_queries()) == 1


@pytest.mark.parametrize("name", [*LISTS, "spotlight.list"])
def test_the_vendors_list_sample_becomes_a_frame(server: PlainService, name: str) -> None:
    server.begin()
    data = parsed(name)["data"]
    key = next(k for k, v in data.items() if isinstance(v, list))
    extra = {k: v for k, v in data.items() if k not in (key, "total")}
    server.route(SAMPLES[name].path, Listing(key, data[key], **extra))
    frame = LISTS.get(name, ef.get_spotlights)()
    assert len(frame) == len(data[key])
    for row, item in zip(frame.to_dict("records"), data[key], strict=True):
        for field, value in item.items():
            if isinstance(value, dict):  # flattened: avatar.original
                for sub, inner in value.items():
                    assert row[f"{field}.{sub}"] == inner
            elif field == "topics":
                assert row["topics"] == [t["title"] for t in value]
            elif field.endswith("_date"):
                assert row[field] == pd.Timestamp(value, unit="s", tz="UTC")
            else:
                assert json.dumps(row[field], default=str) == json.dumps(value)
    assert frame.attrs["aggregations"] == data.get("aggregations")
