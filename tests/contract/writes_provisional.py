"""The documented writes, by hand from ``docs/API_REFERENCE.md`` §1, §3.3, §3.4, §4.3.

Provisional: the client's contract tests read this until the shared write contract
(``tests/contract/writes.py``) is merged; it is written independently of the client's
own table (``expertfile_nb/_write_table.py``), which a test compares with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACCOUNT_REQUIRED = ("firstname", "lastname", "job_title", "email", "company")
ACCOUNT_OPTIONAL = (
    "department", "phone_number", "phone_number_extension", "location_city",
    "location_state", "location_country", "location_postal", "location_address",
    "location_building", "location_room",
)  # fmt: skip

# §3.3 (Slate sample): the body echoed as a one-element list
EXPERT_CREATE_ANSWER: dict[str, Any] = {
    "data": [
        {
            "firstname": "Peter", "lastname": "Evans", "job_title": "Professor",
            "email": "peter.evans@example.org", "company": "Example University",
            "phone_number": "555-0100", "location_city": "Toronto", "location_state": "ON",
            "location_country": "CA", "location_postal": "M5V 2T6",
            "location_address": "1 Example Rd",
        }
    ],
    "success": True,
}  # fmt: skip
STAFF_CREATE_ANSWER = {"data": {"username": "new.staff", "inserted": True}, "success": True}
UPDATE_ANSWER = {"data": {"user": "peter.evans", "updated": True}, "success": True}
DELETE_ANSWER = {"data": {"id": 12, "deleted": True}, "success": True}
# §1: section item writes
ITEM_CREATE_ANSWER = {"data": {"id": 1}, "success": True}
ITEM_UPDATE_ANSWER = {"data": {"id": 1, "updated": True}, "success": True}
ITEM_DELETE_ANSWER = {"data": {"id": 1, "deleted": True}, "success": True}
# §3.4 biography POST sample {"data":[{"id":null}]} (success added: the §1 envelope)
SINGLE_POST_ANSWER: dict[str, Any] = {"data": [{"id": None}], "success": True}

ALL = frozenset({"add", "update", "delete"})


@dataclass(frozen=True)
class Section:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    ops: frozenset[str] = ALL
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def single(self) -> bool:
        return self.ops == frozenset({"add"})


_POST = frozenset({"add"})
_POST_DELETE = frozenset({"add", "delete"})
SECTIONS = {
    "biography": Section((), ("description",), _POST),
    "tagline": Section((), ("tagline",), _POST),
    "link": Section(("name", "url")),
    "sampletalk": Section(("title", "description")),
    "accomplishment": Section(
        ("title", "description"), ("type", "date"), choices={"type": ("71", "73")}
    ),
    "affiliation": Section(("name",)),
    "eventappearance": Section(("title", "event_name"), ("location", "date")),
    "mediaappearance": Section(
        ("title", "organization", "details"), ("type", "url", "date"),
        choices={"type": ("print", "online", "tv", "radio")},
    ),
    "education": Section(("institution", "degree"), ("major", "description", "date")),
    "testimonial": Section(("name", "title", "company", "recommendation"), ("url",)),
    "patent": Section(("number", "title", "detail"), ("date", "url")),
    "researchgrant": Section(("organization", "title", "detail"), ("date", "url", "amount")),
    "partnership": Section(("title", "individual", "details"), ("date", "url", "organization")),
    "course": Section(("title", "details"), ("url",)),
    "article": Section(("title", "publisher", "details"), ("url", "authors")),
    "researchfocus": Section(("title", "details"), ("url", "date")),
    "topic": Section(("name",), ops=_POST_DELETE),
    "industry": Section(("name",), ops=_POST_DELETE),
    "language": Section(("name",)),
    "fee": Section(("fee_min", "fee_max"), ops=_POST),
    "availability": Section(
        (),
        tuple(f"availability_{k}" for k in (
            "keynote", "moderator", "panelist", "workshop", "host_mc", "appearance",
            "corptraining", "open",
        )),
        _POST,
    ),
    "social": Section((), (
        "twitter", "facebook", "linkedin", "gplus", "stackexchange", "github", "flickr",
        "pinterest", "instagram", "tumblr", "youtube",
    ), _POST),
    "category": Section(("name",), ops=_POST_DELETE),
    "tag": Section(("name",), ops=_POST_DELETE),
}  # fmt: skip
EXPERT_SECTIONS = tuple(SECTIONS)
STAFF_SECTIONS = ("biography", "tagline", "link", "education", "language", "category", "tag")
