"""Pseudonyms for a capture: names, emails, phones, URLs and free text replaced.

Each pseudonym is a keyed BLAKE2b digest of the value. The key is random, new for
each capture and never written into it (:func:`new_key`), unless the user keeps it in
a key file of their own to make repeatable captures: with the same key the same input
gives the same pseudonym, across records and runs, so joins still work — a username
in the expert list, in a profile, in a spotlight's ``tagged_experts`` and in a
capture's file names becomes the same ``user-…``.

What is kept as it is: numbers and booleans (ids, timestamps, flags), the
organization's slug, country codes, years and months, and the vocabulary of topics,
tags, categories, industries and languages, which describe the organization, not a
person; also the shape of the data (who is tagged with whom, how many records).
Without the key, a pseudonym cannot be tested against a guessed name; whoever holds
the key can test guesses (names are few), so a key file must stay private.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

__all__ = ["KEY_BYTES", "Pseudonyms", "new_key"]

#: bytes of a key (BLAKE2b takes up to 64)
KEY_BYTES = 32
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


def new_key() -> bytes:
    """A random key for one capture."""
    return secrets.token_bytes(KEY_BYTES)


class Pseudonyms:
    """The pseudonyms of one key.

    Args:
        key: the key (:func:`new_key`), 16 to 64 bytes.
    """

    def __init__(self, key: bytes) -> None:
        if not 16 <= len(key) <= 64:
            raise ValueError("a pseudonym key is 16 to 64 bytes")
        self._key = key

    def __repr__(self) -> str:
        return "Pseudonyms(key=…)"  # the key never shows

    def _digest(self, kind: str, value: str) -> str:
        return hashlib.blake2b(
            f"{kind}\0{value}".encode(), key=self._key, digest_size=10
        ).hexdigest()

    def username(self, username: str) -> str:
        """The pseudonym of a username (``user-`` and 12 hex digits)."""
        return f"user-{self._digest('username', username)[:12]}"

    def _string(self, value: str, key: str, section: str) -> str:
        lower = key.lower()
        if lower in USERNAME_KEYS or (lower == "key" and section == "tagged_experts"):
            return self.username(value)
        if lower in KEEP_KEYS or section in KEEP_SECTIONS or lower in KEEP_SECTIONS:
            return value
        if "email" in lower:
            return f"{self._digest('email', value)[:12]}@example.invalid"
        if "phone" in lower or "fax" in lower:
            return f"+1 555 {int(self._digest('phone', value), 16) % 10**7:07d}"
        if value.startswith(("http://", "https://")):
            return f"https://example.invalid/{self._digest('url', value)[:16]}"
        if lower in NAME_KEYS:
            return f"Name {self._digest('name', value)[:8]}"
        return f"text {self._digest('text', value)[:12]}" if value else value

    def apply(self, value: Any, key: str = "", section: str = "") -> Any:
        """A copy of ``value`` (parsed JSON) with its personal strings replaced.

        Args:
            value: a parsed JSON value: an envelope, a record, a list.
            key: the key ``value`` sits under (a list's items sit under the list's key).
            section: the key of the object ``value`` belongs to.
        """
        if isinstance(value, dict):
            return {k: self.apply(v, k, key) for k, v in value.items()}
        if isinstance(value, list):
            return [self.apply(v, key, section) for v in value]
        if isinstance(value, str):
            return self._string(value, key, section)
        return value
