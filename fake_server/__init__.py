"""A fake ExpertFile public API for offline tests and demos.

``FakeExpertFile`` answers the token endpoint and every documented read endpoint
over real HTTP on 127.0.0.1, in the wire format of ``docs/API_REFERENCE.md``,
keeps connections alive as the real service does, and can misbehave on purpose
(``fail_next``, ``malformed_next``, ``slow_next``, ``add_fault``,
``expire_tokens``, ``revoke``, ``advance_clock``). Where the documents are
silent it makes a choice; ``ASSUMPTIONS`` lists each one with the setting that
flips it; ``Settings`` holds every setting, in one frozen object.

It never imports ``expertfile_nb``: it states the API contract on its own.
"""

from fake_server._assumptions import ASSUMPTIONS, Assumption
from fake_server._dataset import DatasetError
from fake_server.app import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_ORG_ID,
    Client,
    FakeExpertFile,
    JournalEntry,
)
from fake_server.settings import (
    DEFAULT_EXPERTS,
    DEFAULT_MAX_PAGE_SIZE,
    DEFAULT_TOKEN_TTL,
    Settings,
)

__all__ = [
    "ASSUMPTIONS",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_EXPERTS",
    "DEFAULT_MAX_PAGE_SIZE",
    "DEFAULT_ORG_ID",
    "DEFAULT_TOKEN_TTL",
    "Assumption",
    "Client",
    "DatasetError",
    "FakeExpertFile",
    "JournalEntry",
    "Settings",
]
