"""A fake ExpertFile public API for offline tests and demos.

``FakeExpertFile`` answers the token endpoint and the data endpoints over real
HTTP on 127.0.0.1, exactly in the wire format of ``docs/API_REFERENCE.md``, and can
misbehave on purpose (``fail_next``, ``malformed_next``, ``slow_next``,
``expire_tokens``, ``revoke``, ``advance_clock``, ``paging="page"``).

It never imports ``expertfile_nb``: it states the API contract on its own.
"""

from fake_server.app import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_EXPERTS,
    DEFAULT_MAX_PAGE_SIZE,
    DEFAULT_ORG_ID,
    DEFAULT_TOKEN_TTL,
    Client,
    FakeExpertFile,
    JournalEntry,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_EXPERTS",
    "DEFAULT_MAX_PAGE_SIZE",
    "DEFAULT_ORG_ID",
    "DEFAULT_TOKEN_TTL",
    "Client",
    "FakeExpertFile",
    "JournalEntry",
]
