"""Deterministic pseudonyms for a capture: names, emails, phones, URLs and free text replaced.

The same input always gives the same pseudonym (a keyed BLAKE2b digest of the
value), across records and runs, so joins still work: a username in the expert
list, in a profile, in a spotlight's ``tagged_experts`` and in a capture's file
names becomes the same ``user-…``. What is kept as it is: numbers and booleans
(ids, timestamps, flags), the organization's slug, country codes, years and
months, and the vocabulary of topics, tags, categories, industries and
languages, which describe the organization, not a person.

A digest of a low-entropy value (a name) can be guessed by hashing candidates;
a capture made with ``--anonymize`` is safe to share as test data, not to
publish as a secret.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["anonymize", "pseudonym_username"]

_KEY = b"expertfile-nb capture v1"
#: string values kept as they are, by their key
KEEP_KEYS = frozenset(
    {
        "corporation",
        "user_name",
        "private_username",
        "year",
        "year-month",
        "location_country",
        "country",
        "time_zone",
        "degree",
        "time",
        "key",
    }
)
#: sections (or list keys) whose strings are a vocabulary, not personal data
KEEP_SECTIONS = frozenset(
    {"topics", "topic", "tags", "tag", "category", "industry", "language", "profiletype"}
)
USERNAME_KEYS = frozenset({"username", "tagged_experts", "tagged"})
NAME_KEYS = frozenset(
    {"firstname", "lastname", "fullname", "first_name", "last_name", "middlename", "authors"}
)


def _digest(kind: str, value: str) -> str:
    return hashlib.blake2b(f"{kind}\0{value}".encode(), key=_KEY, digest_size=10).hexdigest()


def pseudonym_username(username: str) -> str:
    """The pseudonym of a username (``user-`` and 12 hex digits)."""
    return f"user-{_digest('username', username)[:12]}"


def _string(value: str, key: str, section: str) -> str:
    lower = key.lower()
    if lower in USERNAME_KEYS or (lower == "key" and section == "tagged_experts"):
        return pseudonym_username(value)
    if lower in KEEP_KEYS or section in KEEP_SECTIONS or lower in KEEP_SECTIONS:
        return value
    if "email" in lower:
        return f"{_digest('email', value)[:12]}@example.invalid"
    if "phone" in lower or "fax" in lower:
        return f"+1 555 {int(_digest('phone', value), 16) % 10**7:07d}"
    if value.startswith(("http://", "https://")):
        return f"https://example.invalid/{_digest('url', value)[:16]}"
    if lower in NAME_KEYS:
        return f"Name {_digest('name', value)[:8]}"
    return f"text {_digest('text', value)[:12]}" if value else value


def anonymize(value: Any, key: str = "", section: str = "") -> Any:
    """A copy of ``value`` (parsed JSON) with its personal strings replaced.

    Args:
        value: a parsed JSON value: an envelope, a record, a list.
        key: the key ``value`` sits under (a list's items sit under the list's key).
        section: the key of the object ``value`` belongs to.
    """
    if isinstance(value, dict):
        return {k: anonymize(v, k, key) for k, v in value.items()}
    if isinstance(value, list):
        return [anonymize(v, key, section) for v in value]
    if isinstance(value, str):
        return _string(value, key, section)
    return value
