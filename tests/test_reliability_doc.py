"""docs/RELIABILITY.md is the suite's own report: same families, real counts, nothing failed.

Regenerate it with ``python -m pytest --reliability-report=docs/RELIABILITY.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.reliability import FAMILIES, PROPERTY_EXAMPLES, RACE_ROUNDS

DOC = Path(__file__).resolve().parents[1] / "docs" / "RELIABILITY.md"
MINIMUM = {
    "token envelopes (property)": PROPERTY_EXAMPLES,
    "data envelopes (property)": PROPERTY_EXAMPLES,
    "fake server bad input": PROPERTY_EXAMPLES,
    "token cache chaos": RACE_ROUNDS,
}


def table() -> dict[str, tuple[int, str]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        match = re.match(
            r"^\| (?P<family>[^|]+?) \| (?P<cases>\d+) \| [^|]+ \| [^|]* \| (?P<holds>.+) \|$", line
        )
        if match:
            rows[match["family"]] = (int(match["cases"]), match["holds"])
    return rows


def test_doc_lists_every_family_the_suite_runs() -> None:
    assert set(table()) == set(FAMILIES), (
        "regenerate: python -m pytest --reliability-report=docs/RELIABILITY.md"
    )


def test_doc_counts_are_real_and_nothing_failed() -> None:
    for family, (cases, holds) in table().items():
        assert cases >= MINIMUM.get(family, 1), family
        assert not holds.startswith("FAILED"), family
        assert holds == FAMILIES[family]
