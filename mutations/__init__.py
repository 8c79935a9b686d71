"""The mutation check: minimal, semantic bugs put into the code on purpose, one at a time.

Each :class:`Mutation` names a behaviour the README or the docs promise, the smallest
change that breaks it, and the tests that must then fail. ``python -m mutations``
applies each one to a copy of the repository, runs its tests there, and reports
the mutations that survived (their tests stayed green): a guarantee no test holds.
The catalogue is the ``MUTATIONS`` lists of the other modules in this package,
one module per area.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug.

    Attributes:
        name: what it breaks, e.g. ``"paging: count == total check removed"``.
        path: the file to change, relative to the repository root.
        old: text that occurs exactly once in that file.
        new: what it becomes.
        tests: pytest node ids or files that must go red.
    """

    name: str
    path: str
    old: str
    new: str
    tests: list[str]
