"""The vendor's samples are kept verbatim, and every repair to them is marked."""

from __future__ import annotations

import json

import pytest

from tests.contract import vendor_samples as vs


def test_every_documented_read_and_the_token_is_kept() -> None:
    assert len(vs.READS) == 74 == len(set(vs.READS))
    assert set(vs.SAMPLES) == {*vs.READS, "token"}
    files = {p.name for p in vs.FOLDER.iterdir()}
    assert files == {s.file.name for s in vs.SAMPLES.values()}
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
