"""The documented writes: create, update and delete experts, staff and their profile items.

One function per documented write, all made from the table in ``_edits/table.py``
and sent by ``_edits/send.py`` (checked before any request, form-encoded, never resent
blindly: a write that may have happened is re-read first). Each returns the
documented answer's ``data``:

- ``create_expert`` → the echoed record (a dict; the service sends a one-element list);
- ``create_staff_member`` → ``{"username": …, "inserted": True}``;
- ``update_*`` → ``{"user": username, "updated": True}``;
- ``delete_*`` → ``{"id": …, "deleted": True}``;
- ``add_section_item`` → ``{"id": …}`` (``None`` for the single sections, e.g. biography);
- ``update_section_item`` / ``delete_section_item`` → ``{"id": …, "updated"/"deleted": True}``."""

from expertfile_nb._edits.inquiry import send_inquiry
from expertfile_nb._edits.items import add_section_item, delete_section_item, update_section_item
from expertfile_nb._edits.people import (
    create_expert,
    create_staff_member,
    delete_expert,
    delete_staff_member,
    find_person,
    update_expert,
    update_staff_member,
)

__all__ = [
    "add_section_item",
    "create_expert",
    "create_staff_member",
    "delete_expert",
    "delete_section_item",
    "delete_staff_member",
    "find_person",
    "send_inquiry",
    "update_expert",
    "update_section_item",
    "update_staff_member",
]
