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


def test_write_rows_say_what_each_answer_was_held_to() -> None:
    """A write row says "documented shape" only where the check held the fake's answer to a
    documented shape; where it held it to a guess (create_expert: the body echoed; biography,
    tagline and social: a reading of samples that are not JSON) the row names the guess."""
    from tests.contract import writes as wr

    rows = {
        line.split(" | ")[0].removeprefix("| "): line
        for line in DOC.read_text().splitlines()
        if line.startswith("| ") and " | " in line
    }
    guessed = {w.name for w in wr.WRITES if w.answer_guess}
    assert {"create_expert", "add_item[biography]", "add_item[staff/tagline]"} <= guessed
    for w in wr.WRITES:
        if w.name in guessed:
            assert "documented shape" not in rows[w.name], rows[w.name]
            assert f"the guess: {w.answer_guess}" in rows[w.name], rows[w.name]
        else:
            assert "| documented shape |" in rows[w.name], rows[w.name]
    assert "echo" in rows["create_expert"], rows["create_expert"]
