"""The organization changes during the pull: a frame is the data at the start or at the end.

A plain handler holds a list and edits it once, just before a page request drawn at
random: an insert, a delete, a move (a record changes place) or a swap (two trade
places). Over hundreds of seeded trials with several page sizes and worker counts,
every pull that returns must return exactly the records the service held before
the edit or after it, in that order; a pull that cannot must raise
IncompleteDataError. (What one edit cannot do, several separate edits inside
pages can: see the limits in ``expertfile_nb/_reads/paging.py``.)
"""

from __future__ import annotations

import random
from typing import Any

import pytest

import expertfile_nb as ef
from tests.reads.service import Listing, PlainService

EXPERTS = "/v2/organization/{org}/expert"
TRIALS = 240
EDITS = ("insert", "delete", "move", "swap", "none")


def edit(records: list[dict[str, Any]], kind: str, rng: random.Random, serial: int) -> None:
    """One edit, in place."""
    n = len(records)
    if kind == "insert":
        records.insert(rng.randrange(n + 1), {"username": f"new{serial}"})
    elif kind == "delete" and n:
        del records[rng.randrange(n)]
    elif kind == "move" and n > 1:
        records.insert(rng.randrange(n), records.pop(rng.randrange(n)))
    elif kind == "swap" and n > 1:
        i, j = rng.sample(range(n), 2)
        records[i], records[j] = records[j], records[i]


def names(records: list[dict[str, Any]]) -> list[str]:
    return [r["username"] for r in records]


@pytest.mark.parametrize("use_iter", [False, True], ids=["get_experts", "iter_experts"])
def test_every_frame_is_the_start_or_the_end(plain: PlainService, use_iter: bool) -> None:
    rng = random.Random(20261129 + use_iter)  # noqa: S311  # seeded test data, not secrets
    served = plain.list_endpoint(EXPERTS, Listing("experts", []))
    outcomes = {"start": 0, "end": 0, "error": 0}
    for trial in range(TRIALS):
        count = rng.randrange(0, 50)
        page_size = rng.choice([3, 4, 7, 10, 25])
        workers = rng.choice([1, 2, 4])
        kind = rng.choice(EDITS)
        served.records = [{"username": f"u{trial}-{i:03d}"} for i in range(count)]
        served.served = []
        start = names(served.records)
        at = rng.randrange(1, 4 + count // max(1, page_size - 1))  # a request of this pull

        def maybe_edit(lst: Listing, _from: int, _size: int, plan: Any = (at, kind, trial)) -> None:
            if len(lst.served) == plan[0]:
                edit(lst.records, plan[1], rng, plan[2])

        served.before = maybe_edit
        try:
            if use_iter:
                got = names(list(ef.iter_experts(page_size=page_size, workers=workers)))
            else:
                got = ef.get_experts(page_size=page_size, workers=workers)["username"].tolist()
        except ef.IncompleteDataError:
            outcomes["error"] += 1
            continue
        end = names(served.records)
        assert got in (start, end), (trial, kind, page_size, workers, at)
        outcomes["start" if got == start else "end"] += 1
    # the trials exercised both sides: edits seen and not seen, and caught changes
    assert outcomes["start"] > 20 and outcomes["end"] > 20, outcomes
    assert outcomes["error"] > 5 or not use_iter, outcomes
