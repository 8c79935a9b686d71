"""An independent review of the undo of changes whose before-image was read with ``***``
(the service echoed the token, the read cleaned it): tests that kill the mutations of
``mutations/echo24.py`` the first tests let live. Against the bundled fake."""

from __future__ import annotations

import json
import time
from pathlib import Path

import expertfile_nb as ef
from expertfile_nb._redact import REDACTED
from fake_server import FakeExpertFile
from tests.edits.shared import names, service_shows, writes


def test_a_deleted_persons_section_item_read_with_stars_is_not_written_back(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """The tagline reads ``see ***`` (the service echoed the token there): the delete's
    image leaves that item out, so the undo never adds a tagline holding ``***`` (nor the
    token); the rest of the person comes back."""
    people = names(2)
    token = fake.issued_tokens[-1]
    service_shows(fake, people[0], "tagline", tagline=f"see {token}")
    before = ef.get_profiles(people, progress=False)
    assert before.set_index("username").tagline[people[0]] == f"see {REDACTED}"
    plan = ef.plan_changes(before, before.iloc[1:], allow_delete=True)
    journal = tmp_path / "j.jsonl"
    result = plan.apply(journal=journal)
    assert result.counts == {"applied": 1}, result.statuses
    start = time.time()
    undone = result.undo()
    assert undone.counts == {"applied": 1}, undone.statuses
    sent = json.dumps([e.form for e in writes(fake, start)])
    assert sent != "[]", "the person was brought back"
    assert token not in sent and REDACTED not in sent
    for where in (journal, Path(str(journal) + ".undo.jsonl")):
        assert token not in where.read_text()


def test_a_deleted_person_whose_required_field_read_with_stars_is_not_made_with_stars(
    fake: FakeExpertFile, tmp_path: Path
) -> None:
    """``job_title`` is required to make a person: the image leaves it out (it read
    ``Dr *** x``), so the undo cannot make them whole; it must neither send ``***`` nor
    the token, and say what it did."""
    people = names(2)
    token = fake.issued_tokens[-1]
    service_shows(fake, people[0], job_title=f"Dr {token} x")
    before = ef.get_profiles(people, progress=False)
    plan = ef.plan_changes(before, before.iloc[1:], allow_delete=True)
    result = plan.apply(journal=tmp_path / "j.jsonl")
    assert result.counts == {"applied": 1}, result.statuses
    start = time.time()
    undone = result.undo()
    sent = json.dumps([e.form for e in writes(fake, start)])
    assert token not in sent and REDACTED not in sent
    assert "job_title" in json.dumps(undone.statuses)
