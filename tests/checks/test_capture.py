"""``capture`` → ``FakeExpertFile(dataset=…)``: a capture served offline answers as the original.

One fake (its own seed and size) stands in for the organization; its capture is
served by another fake; every client function returns the same data from both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd
import pytest
import requests

import expertfile_nb as ef
from expertfile_nb._checks import capture as ef_capture
from expertfile_nb._checks.anonymize import Pseudonyms
from expertfile_nb._checks.capture import capture
from fake_server import FakeExpertFile


@pytest.fixture(scope="module")
def original() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(seed=7, experts=37, org_id=5151) as server:
        yield server


def session_for(server: FakeExpertFile, retries: int | None = None) -> requests.Session:
    ef.login(server.client_id, server.client_secret, base_url=server.url)
    return ef.get_session(retries=retries)


def capture_from(server: FakeExpertFile, out: Path, **options: Any) -> ef_capture.Capture:
    """A capture without retries, the first expert's media/document failing (HTTP 500): that
    section, and only it, is skipped and said so; everything else is saved."""
    session = session_for(server, retries=0)
    first = ef.get_experts(session=session, limit=1)["username"][0]
    broken = f"/v2/organization/{server.org_id}/expert/{first}/media/document"
    server.fail_next(1, 500, path=broken)
    summary = capture(out, session=session, **options)
    assert len(summary.skipped) == 1, summary.skipped
    ((skipped),) = summary.skipped
    name = skipped.split("/")[1]
    assert name == (f"user-{name[5:]}" if summary.anonymized else ef_capture.file_name(first))
    assert skipped == f"expert/{name}/media/document (HTTP 500)", skipped
    manifest = json.loads((out / "capture.json").read_text())
    assert manifest["skipped"] == summary.skipped and "Not saved" in str(summary)
    assert not (out / "expert" / name / "media__document.json").exists()
    assert (out / "expert" / name / "media__youtube.json").exists()
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


def personal_values(folder: Path) -> set[str]:
    """Every value of a (plain) capture that names or reaches a person."""
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
            "username", "email", "phone_number", "tagline", "biography", "authors",
            "tagged_experts", "lastname", "location_city", "location_address",
        ):  # fmt: skip
            personal.add(value)

    for path in folder.rglob("*.json"):
        walk(json.loads(path.read_text()))
    return personal


def test_anonymized_capture_keeps_no_name_or_email(
    original: FakeExpertFile, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    capture_from(original, plain, profiles=3)
    masked = tmp_path / "masked"
    summary = capture_from(original, masked, profiles=3, anonymize=True)
    personal = personal_values(plain)
    assert any("@" in p for p in personal) and len(personal) > 80
    texts = {p: p.read_text() for p in masked.rglob("*") if p.is_file()}
    for value in personal:
        survivors = [str(p) for p, text in texts.items() if value in text or value in str(p)]
        assert survivors == [], f"{value!r} survives in {survivors[:3]}"
    manifest = json.loads((masked / "capture.json").read_text())
    assert summary.anonymized and manifest["anonymized"] is True
    assert manifest["anonymize_key"] == "discarded"
    # joins still work: the served anonymized capture reads a listed expert's profile
    with FakeExpertFile(dataset=masked) as copy:
        second = session_for(copy)
        username = ef.get_experts(session=second)["username"][0]
        assert username.startswith("user-")
        assert ef.get_expert(username, session=second)["account"][0]["username"] == username


def test_each_capture_has_its_own_key_unless_one_is_kept(
    original: FakeExpertFile, tmp_path: Path
) -> None:
    """The pseudonyms of a capture cannot be recomputed from the source: a new random key
    each time, written nowhere; the same key file gives the same pseudonyms."""
    one, two = tmp_path / "one", tmp_path / "two"
    for out in (one, two):
        capture_from(original, out, profiles=1, limit=5, anonymize=True)
    names = [
        [r["username"] for r in json.loads((out / "experts.json").read_text())["data"]["experts"]]
        for out in (one, two)
    ]
    assert len(names[0]) == 5 and not set(names[0]) & set(names[1]), names
    key_file = tmp_path / "keys" / "capture.key"
    kept, again = tmp_path / "kept", tmp_path / "again"
    capture_from(original, kept, profiles=3, anonymize=True, anonymize_key_file=key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert json.loads((kept / "capture.json").read_text())["anonymize_key"] == "kept by its user"
    for out in (one, two, kept):
        assert not any(key in p.read_text() for p in out.rglob("*") if p.is_file())
    capture_from(original, again, profiles=1, limit=5, anonymize=True, anonymize_key_file=key_file)
    for path in again.rglob("*.json"):  # the same input, the same pseudonym
        relative = path.relative_to(again)
        if str(relative).startswith(("expert/", "staff/", "spotlight/")):
            assert path.read_text() == (kept / relative).read_text(), relative
    with pytest.raises(ef.ConfigurationError, match="inside the capture"):
        capture(tmp_path / "x", anonymize=True, anonymize_key_file=tmp_path / "x" / "k")


def test_each_kind_of_personal_value_gets_its_own_pseudonym(
    original: FakeExpertFile, tmp_path: Path
) -> None:
    """Value by value, a plain capture against an anonymized one made with a known key:
    emails, phones, URLs, names, cities and addresses each replaced by their own rule, and
    every username — in lists, profiles, file names and spotlights' tagged_experts — the
    same pseudonym."""
    plain, masked, key_file = tmp_path / "plain", tmp_path / "masked", tmp_path / "k"
    capture_from(original, plain, profiles=3)
    capture_from(original, masked, profiles=3, anonymize=True, anonymize_key_file=key_file)
    pseudonyms = Pseudonyms(bytes.fromhex(key_file.read_text().strip()))
    seen: dict[str, int] = {}

    def expect(kind: str, ok: bool, a: object, b: object) -> None:
        assert ok, f"{kind}: {a!r} became {b!r}"
        seen[kind] = seen.get(kind, 0) + 1

    def same(a: Any, b: Any, key: str = "", section: str = "") -> None:
        if isinstance(a, dict):
            assert isinstance(b, dict) and len(a) == len(b)
            for (k, v), w in zip(a.items(), b.values(), strict=True):
                same(v, w, k, key)
        elif isinstance(a, list):
            assert isinstance(b, list) and len(a) == len(b)
            for v, w in zip(a, b, strict=True):
                same(v, w, key, section)
        elif isinstance(a, str) and a:
            if key == "username":
                expect("username", b == pseudonyms.username(a), a, b)
            elif key == "tagged_experts" or (key == "key" and section == "tagged_experts"):
                expect("tagged", b == pseudonyms.username(a), a, b)
            elif "email" in key:
                expect("email", b.endswith("@example.invalid") and a not in b, a, b)
            elif "phone" in key:
                expect("phone", b.startswith("+1 555 ") and a != b, a, b)
            elif a.startswith("http"):
                expect("url", b.startswith("https://example.invalid/"), a, b)
            elif key == "lastname":
                expect("lastname", b.startswith("Name ") and a not in b, a, b)
            elif key in ("location_city", "location_address"):
                expect(key, b.startswith("text ") and a not in b, a, b)

    for path in plain.rglob("*.json"):
        relative = path.relative_to(plain)
        parts = list(relative.parts)
        if parts[0] in ("expert", "staff"):  # the file is named after the username
            stem = Path(parts[1]).stem if len(parts) == 2 else parts[1]
            parts[1] = parts[1].replace(stem, pseudonyms.username(unquote(stem)))
        twin = masked.joinpath(*parts)
        assert twin.is_file(), twin
        if relative.name != "capture.json":
            same(json.loads(path.read_text()), json.loads(twin.read_text()))
    kinds = {"username", "tagged", "email", "phone", "url", "lastname"}
    assert set(seen) == kinds | {"location_city", "location_address"}, seen


def test_capture_refuses_a_folder_in_use(original: FakeExpertFile, tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me")
    with pytest.raises(ef.ConfigurationError, match="not an empty folder"):
        capture(tmp_path, session=session_for(original))


def test_a_folder_that_is_no_capture_is_refused(tmp_path: Path) -> None:
    from fake_server._dataset import DatasetError

    with pytest.raises(DatasetError, match="expertfile-nb capture --out"):
        FakeExpertFile(dataset=tmp_path)
