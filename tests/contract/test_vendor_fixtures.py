"""The vendor's samples are kept verbatim, and every repair to them is marked."""

from __future__ import annotations

import json

import pytest

from tests.contract import documented as doc
from tests.contract import vendor_samples as vs


def test_every_documented_read_and_the_token_is_kept() -> None:
    assert len(vs.READS) == 74 == len(set(vs.READS))
    assert set(vs.SAMPLES) == {*vs.READS, "token"}
    files = {p.name for p in vs.FOLDER.iterdir()}
    helpers = {f"{name}.json.txt" for name in vs.HELPER_FILES}
    assert files == {s.file.name for s in vs.SAMPLES.values()} | helpers
    paths = [(s.method, s.path) for s in vs.SAMPLES.values()]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("name", vs.SAMPLES)
def test_repairs_are_needed_and_enough(name: str) -> None:
    sample = vs.SAMPLES[name]
    text = vs.verbatim(name)
    try:
        json.loads(text)
        valid = True
    except json.JSONDecodeError:
        valid = False
    assert valid == (not sample.repairs), "repairs listed for valid JSON, or none for invalid"
    assert all(
        r.kind in {"comment", "comma", "placeholder", "structure", "quoting"}
        for r in sample.repairs
    )
    assert isinstance(vs.parsed(name), dict)
    # a repair never touches the keys or values the vendor wrote, beyond its own text
    for repair in sample.repairs:
        assert repair.old in text


def test_iter_samples_yields_name_path_and_parsed_sample() -> None:
    rows = list(vs.iter_samples())
    assert [r[0] for r in rows] == ["token", *vs.READS]
    assert all(path.startswith("/v2/") and ":" not in path for _, path, _ in rows)
    assert len(list(vs.iter_samples(token=False))) == 74


# -- the contract (documented.py) holds every read, and accepts the vendor's own sample ---
@pytest.mark.parametrize("name", vs.SAMPLES)
def test_each_documented_shape_accepts_the_vendors_sample(name: str) -> None:
    body = vs.parsed(name)
    assert doc.mismatches(body["data"], doc.READ_SHAPES[name]) == []
    assert set(body) - {"data", "success"} == set()
    assert body.get("success", True) is True


def test_the_contract_holds_every_read_and_the_token() -> None:
    assert set(doc.READ_SHAPES) == set(vs.SAMPLES)


def test_success_is_omitted_exactly_where_the_samples_omit_it() -> None:
    omitted = {name for name in vs.SAMPLES if "success" not in vs.parsed(name)}
    assert omitted == doc.SUCCESS_OMITTED


@pytest.mark.parametrize(("segment", "key"), doc.NULLABLE, ids=lambda v: str(v))
def test_nullable_fields_are_null_in_the_samples_and_typed_so(segment: str, key: str) -> None:
    for suffix in (".list", ".get"):
        name = f"expert.{segment}{suffix}"
        items = vs.parsed(name)["data"]
        assert items and all(item[key] is None for item in items)
        (item_shape,) = doc.READ_SHAPES[name]
        assert isinstance(item_shape[key], doc.Nullable)
        assert doc.mismatches([{**items[0], key: []}], doc.READ_SHAPES[name]) != []


def test_nullable_and_one_of_shapes_check_what_they_say() -> None:
    assert doc.mismatches(None, doc.Nullable(int)) == []
    assert doc.mismatches("1", doc.Nullable(int)) != []
    either = doc.OneOf({"a": int}, {"b": str}, labels=("x", "y"))
    assert doc.mismatches({"a": 1}, either) == doc.mismatches({"b": "1"}, either) == []
    assert doc.mismatches({"a": "1"}, either) != []
    # the staff profile: either spelling, never a mixture
    sample = vs.parsed("staff.get")["data"]
    assert doc.mismatches(sample, doc.STAFF_PROFILE) != []  # DOC-SL spelling
    mixed = {**sample, "profiletype": []}
    assert doc.mismatches(mixed, doc.STAFF_PROFILE_EITHER) != []


def test_the_documented_country_and_state_lists() -> None:
    countries = vs.country_codes()
    text = (vs.FOLDER / "helper.countries.json.txt").read_text()
    assert len(countries) == text.count(":") and list(countries)[:2] == ["US", "CA"]
    assert countries["ZW"] == "ZIMBABWE" and "TP" in countries and "YU" in countries
    states = vs.state_codes()
    assert "NF" in states["CA"] and len(states["CA"]) == 13
    assert len(states["US"]) == 51 and "DC" in states["US"]
