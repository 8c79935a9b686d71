"""docs/API_FIDELITY.md is current: it equals a fresh rendering from the fake and the client."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "API_FIDELITY.md"


def test_api_fidelity_doc_is_current() -> None:
    from tests.fidelity import render

    fresh = render()
    assert "DIFFERS" not in fresh and "NOT SERVED" not in fresh, fresh
    assert DOC.read_text() == fresh, "regenerate: python -m tests.fidelity > docs/API_FIDELITY.md"
