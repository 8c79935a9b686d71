"""A single write never publishes the access token or the client secret this process holds
(the plan refuses such an edit too: tests/edits/test_plan_safety.py)."""

from __future__ import annotations

import base64

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.edits.shared import names, writes


def test_a_write_holding_the_token_in_any_form_is_refused_and_nothing_is_sent(
    fake: FakeExpertFile,
) -> None:
    token = fake.issued_tokens[-1]
    person = names(1)[0]
    forms = {
        "the token": token,
        "its base64": base64.b64encode(token.encode()).decode(),
        "inside a text": f"see {token} here",
    }
    for value in forms.values():
        with pytest.raises(
            ef.ConfigurationError, match="job_title holds the access token"
        ) as caught:
            ef.update_expert(person, job_title=value)
        assert token not in str(caught.value)
    with pytest.raises(ef.ConfigurationError, match="holds the access token"):
        ef.add_section_item(person, "biography", description=token)
    with pytest.raises(ef.ConfigurationError, match="client secret"):
        ef.update_expert(person, company=fake.client_secret)
    assert writes(fake) == []
    assert token not in ef.get_profiles([person]).to_string()
