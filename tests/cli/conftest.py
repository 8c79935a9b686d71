"""Fixtures the command-line tests share."""

from __future__ import annotations

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile


@pytest.fixture
def people(expertfile_env: FakeExpertFile) -> list[str]:
    """Three usernames of a 12-expert fake the commands log in to from the environment."""
    expertfile_env.experts = 12
    names = list(ef.get_experts(access="all")["username"][:3])
    ef.logout()
    return names
