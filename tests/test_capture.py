"""``capture`` → ``FakeExpertFile(dataset=…)``: a capture served offline answers as the original.

One fake (its own seed and size) stands in for the organization; its capture is
served by another fake; every client function returns the same data from both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests

import expertfile_nb as ef
from expertfile_nb import _capture as ef_capture
from expertfile_nb._capture import capture
from fake_server import FakeExpertFile


@pytest.fixture(scope="module")
def original() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(seed=7, experts=37, org_id=5151) as server:
        yield server


def session_for(server: FakeExpertFile, retries: int | None = None) -> requests.Session:
    ef.login(server.client_id, server.client_secret, base_url=server.url)
    return ef.get_session(retries=retries)


def capture_from(server: FakeExpertFile, out: Path, **options: Any) -> ef_capture.Capture:
    """A capture without retries: the fake's one broken section (media/document) fails at once."""
    summary = capture(out, session=session_for(server, retries=0), **options)
    assert all("media/document" in s for s in summary.skipped), summary.skipped
    return summary


@pytest.fixture
def captured(original: FakeExpertFile, tmp_path: Path) -> Path:
    out = tmp_path / "capture"
    summary = capture_from(original, out, profiles=2)
    assert summary.counts["experts"] > 30 and summary.counts["expert profiles"] == 2
    for noun in ("experts", "staff", "spotlights"):  # the documented envelope, total as saved
        body = json.loads((out / f"{noun}.json").read_text())
        assert body["success"] is True
        assert body["data"]["total"] == len(body["data"][noun]) == summary.counts[noun]
    return out


def test_served_capture_answers_as_the_original(original: FakeExpertFile, captured: Path) -> None:
    first = session_for(original)
    with FakeExpertFile(dataset=captured, org_id=5151) as copy:
        second = session_for(copy)
        for get in (ef.get_experts, ef.get_staff, ef.get_spotlights):
            a, b = get(session=first, page_size=7), get(session=second, page_size=10)
            pd.testing.assert_frame_equal(a, b)
            assert a.attrs["aggregations"] == b.attrs["aggregations"]
        experts = ef.get_experts(session=first)
        staff = ef.get_staff(session=first)
        spotlights = ef.get_spotlights(session=first)
        for username in experts["username"][:2]:
            assert ef.get_expert(username, session=first) == ef.get_expert(username, session=second)
            for section in ("biography", "education", "media/youtube"):
                assert ef.get_expert(username, section, session=first) == ef.get_expert(
                    username, section, session=second
                )
        for username in staff["username"][:2]:
            assert ef.get_staff_member(username, session=first) == ef.get_staff_member(
                username, session=second
            )
        for spotlight_id in spotlights["id"][:2]:
            assert ef.get_spotlight(int(spotlight_id), session=first) == ef.get_spotlight(
                int(spotlight_id), session=second
            )
        with pytest.raises(ef.NotFoundError):
            ef.get_expert(experts["username"][5], session=second)  # not captured


def test_capture_serves_its_own_paging_filters_auth_and_clock(
    original: FakeExpertFile, captured: Path
) -> None:
    first = session_for(original)
    with FakeExpertFile(dataset=captured, paging="page", max_page_size=5) as copy:
        second = session_for(copy)
        pd.testing.assert_frame_equal(ef.get_experts(session=first), ef.get_experts(session=second))
        # q, topics, spotlight filters: as far as the items tell, the same answers
        topic = ef.get_experts(session=first)["topics"][0][0]
        for kwargs in ({"q": "professor"}, {"topics": [topic]}):
            a = ef.get_experts(session=first, **kwargs)
            b = ef.get_experts(session=second, **kwargs)
            assert list(a["username"]) == list(b["username"]) and len(a) > 0, kwargs
        year = ef.get_spotlights(session=first)["year"][0]
        for kwargs in ({"status": "published"}, {"year": year}):
            a, b = (
                ef.get_spotlights(session=first, **kwargs),
                ef.get_spotlights(session=second, **kwargs),
            )
            assert list(a["id"]) == list(b["id"]), kwargs
        with pytest.raises(ef.ExpertFileError, match="countries: a capture's items cannot answer"):
            ef.get_experts(session=second, countries=["CA"])
        copy.fail_next(1, 503)  # faults: retried as against any fake
        assert len(ef.get_staff(session=second)) > 0
        copy.advance_clock(31 * 24 * 3600)  # the token expires on the virtual clock
        assert len(ef.get_spotlights(session=second)) > 0
        assert copy.token_requests == 2


def test_anonymized_capture_keeps_no_name_or_email(
    original: FakeExpertFile, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    capture_from(original, plain, profiles=3)
    masked = tmp_path / "masked"
    capture_from(original, masked, profiles=3, anonymize=True)
    again = tmp_path / "again"
    capture_from(original, again, profiles=1, limit=5, anonymize=True)

    personal: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            first, last = value.get("firstname"), value.get("lastname")
            if isinstance(first, str) and isinstance(last, str):
                personal.add(f"{first} {last}")
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in (
            "username", "email", "phone_number", "tagline", "biography", "authors", "tagged_experts"
        ):  # fmt: skip
            personal.add(value)

    for path in plain.rglob("*.json"):
        walk(json.loads(path.read_text()))
    assert any("@" in p for p in personal) and len(personal) > 80
    texts = {p: p.read_text() for p in masked.rglob("*") if p.is_file()}
    names = {str(p.relative_to(masked)) for p in texts}
    for value in personal:
        survivors = [str(p) for p, text in texts.items() if value in text or value in str(p)]
        assert survivors == [], f"{value!r} survives in {survivors[:3]}"
    # the same input gives the same pseudonym: a second capture's files are a subset
    for path in again.rglob("*.json"):
        relative = str(path.relative_to(again))
        assert relative in names, relative
        if relative.startswith(("expert/", "staff/", "spotlight/")):
            assert path.read_text() == (masked / relative).read_text()
    # joins still work: the served anonymized capture reads a listed expert's profile
    with FakeExpertFile(dataset=masked) as copy:
        second = session_for(copy)
        username = ef.get_experts(session=second)["username"][0]
        assert username.startswith("user-")
        assert ef.get_expert(username, session=second)["account"][0]["username"] == username


def test_capture_refuses_a_folder_in_use(original: FakeExpertFile, tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me")
    with pytest.raises(ef.ConfigurationError, match="not an empty folder"):
        capture(tmp_path, session=session_for(original))


def test_a_folder_that_is_no_capture_is_refused(tmp_path: Path) -> None:
    from fake_server._dataset import DatasetError

    with pytest.raises(DatasetError, match="expertfile-nb capture --out"):
        FakeExpertFile(dataset=tmp_path)
