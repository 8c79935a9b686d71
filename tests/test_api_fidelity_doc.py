"""docs/API_FIDELITY.md is current: it equals a fresh rendering from the fake and the client."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "API_FIDELITY.md"


def test_api_fidelity_doc_is_current() -> None:
    from tests.fidelity import render

    fresh = render()
    assert "DIFFERS" not in fresh and "NOT SERVED" not in fresh, fresh
    assert DOC.read_text() == fresh, "regenerate: python -m tests.fidelity > docs/API_FIDELITY.md"


def test_a_fake_that_differs_shows_in_its_rows() -> None:
    """The rows are the check's result, not fixed text: a fake that leaves "success" out
    where the samples do (but is asked under its other settings to send it) differs there."""
    from tests.contract import documented as doc
    from tests.contract import vendor_samples as vs
    from tests.fidelity import render

    rows = {
        line.split(" | ")[0].removeprefix("| "): line
        for line in render(success_key="as_sampled").splitlines()
        if line.startswith("| ") and " | " in line
    }
    for name in vs.READS:
        if name in doc.SUCCESS_OMITTED:
            assert "DIFFERS: no success" in rows[name], rows[name]
            assert "DIFFERS under 5 of 6" in rows[name], rows[name]
        else:
            assert "documented keys and types | 6 of 6" in rows[name], rows[name]
