"""A set of record keys that costs 12-24 bytes a key: the whole-pull duplicate check."""

from __future__ import annotations

import hashlib
from array import array

__all__ = ["KeySet"]


class KeySet:
    """The keys seen so far, in 12 to 24 bytes a key, so that ``iter_*`` can check the
    whole pull for duplicates while its memory stays small next to the records'.

    A key is kept as a 64-bit BLAKE2b digest of its type and value in an open-addressing
    table (``array('Q')``, at most two thirds full). Two different keys would have to share a
    digest to be taken for one another: about one chance in 10**19 per pair.
    """

    def __init__(self) -> None:
        self.slots = array("Q", [0]) * 1024
        self.used = 0

    def add(self, key: tuple[str, str | int]) -> bool:
        """Add ``key``; ``False`` if it was there already."""
        text = f"{key[0]}:{key[1]}".encode("utf-8", "surrogatepass")
        digest = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") or 1
        if not self._place(self.slots, digest):
            return False
        self.used += 1
        if self.used * 3 > len(self.slots) * 2:
            bigger = array("Q", [0]) * (2 * len(self.slots))
            for old in self.slots:
                if old:
                    self._place(bigger, old)
            self.slots = bigger
        return True

    @staticmethod
    def _place(slots: array[int], digest: int) -> bool:
        mask = len(slots) - 1
        i = digest & mask
        while slots[i]:
            if slots[i] == digest:
                return False
            i = (i + 1) & mask
        slots[i] = digest
        return True
