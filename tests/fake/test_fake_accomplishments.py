"""The fake's profile data is plausible where an analyst looks: spans end after they start."""

from __future__ import annotations

import expertfile_nb as ef
from fake_server import FakeExpertFile


def test_every_accomplishment_ends_no_earlier_than_it_starts(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 80
    usernames = ef.get_experts(progress=False)["username"].tolist()
    spans = [
        (item["start"], item["end"])
        for username in usernames
        for item in ef.get_expert(username, "accomplishment")
    ]
    assert len(spans) > 40  # enough to have seen the bug: about half were backwards
    backwards = [(start, end) for start, end in spans if end < start]
    assert backwards == []
