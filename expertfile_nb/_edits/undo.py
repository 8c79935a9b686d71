"""Finishing a journal (:func:`resume`) and taking an applied plan back (:func:`undo`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.journal import (
    JournalError,
    check_binding,
    locked,
    read_journal,
)
from expertfile_nb._edits.table import ACCOUNT_CREATE

if TYPE_CHECKING:
    import requests
from expertfile_nb._edits.apply import _Applier
from expertfile_nb._edits.change import Change
from expertfile_nb._edits.plan import ApplyResult, ChangePlan

__all__ = ["resume", "undo"]


def _plan_of(header: Mapping[str, Any]) -> ChangePlan:
    """The plan of a checked journal header (read_journal checked its shape)."""
    from dataclasses import fields

    known = {f.name for f in fields(Change)}
    try:
        changes = [Change(**{k: v for k, v in c.items() if k in known}) for c in header["changes"]]
    except TypeError as exc:
        raise JournalError(f"A change of the journal's plan is malformed ({exc}).") from None
    flags = [n for n, c in enumerate(changes) if not isinstance(c.unverifiable, bool)]
    if flags:  # truthy text would have a change written blind
        raise JournalError(
            f"Change {flags[0]} of the journal's plan is malformed (its unverifiable mark is "
            "not true or false): it was damaged; nothing was sent."
        )
    return ChangePlan(header["kind"], changes, [])


def resume(
    journal: str | Path,
    *,
    workers: int = 8,
    pace: float = 0.0,
    session: requests.Session | None = None,
    deadline: float | None = None,
) -> ApplyResult:
    """Finish an apply that stopped: the plan is read from its journal; changes it
    finished are not touched, the others are re-read and applied (into the same journal).

    Args:
        journal: the journal file of the apply (``result.journal``).
        workers: writes in flight at once.
        pace: seconds between the starts of two writes.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for each write, waits and re-reads included.

    A create an earlier run announced but whose answer it never got is looked for
    again after a settle delay (a new person may take a moment to show in the search)
    before it is sent again; when the people cannot be searched it is reported as
    unconfirmed, not sent.

    Returns:
        The :class:`ApplyResult` of the whole plan.

    Raises:
        ConfigurationError: not a journal of ``plan.apply()``.
        JournalError: an older version, a journal damaged by hand, another run of it is
            going on, or the journal of an undo (finished by undoing the apply again).
        JournalElsewhereError: the journal was applied to another service or
            organization than the one logged in to (both named).
    """
    header, records = read_journal(journal)
    if any(record.get("type") == "source" for record in records):
        # an undo's journal: resumed as a plain apply, its reversed changes would skip the
        # undo's rules (an unverifiable change written back blind, a restore sent twice)
        raise JournalError(
            f"{str(journal)!r} is the journal of an undo, not of an apply: finish the undo "
            "by undoing the apply's journal again (ef.undo(APPLY_JOURNAL); command line: "
            "expertfile-nb apply --undo APPLY_JOURNAL). Nothing was sent."
        )
    return _plan_of(header).apply(
        journal=journal, workers=workers, pace=pace, session=session, deadline=deadline
    )


def _reverse(plan: ChangePlan, records: Iterable[Mapping[str, Any]]) -> list[Change]:
    """The changes that undo what the journal's records say was sent, in plan order.

    Made from the journal alone (no read), so the same journal always gives the same
    undo plan: an undo run again, or finished after a failure, resumes its own journal.
    """
    sent: set[int] = set()
    names: dict[int, str] = {}
    images: dict[int, dict[str, Any]] = {}
    for record in records:
        if record.get("type") == "sending":
            sent.update(record["n"])
            if isinstance(record.get("image"), dict):
                for n in record["n"]:
                    images[n] = record["image"]  # the latest read before the delete
        if record.get("type") == "result" and record.get("username"):
            names[record["n"]] = record["username"]
    reverse: list[Change] = []
    for n in sorted(sent):
        change = plan.changes[n]
        if change.action == "update":
            reverse.append(replace(change, old=change.new, new=change.old))
        elif change.action == "create":
            reverse.append(Change("delete", names.get(n), None, change.new, None))
        else:
            image = images.get(n)
            rows = image.get("account") if image else None
            if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
                raise JournalError(
                    f"The journal announces the delete of {change.username!r} without the "
                    "profile read before it: it was damaged; nothing was sent."
                )
            create = {k: rows[0][k] for k in ACCOUNT_CREATE if rows[0].get(k) is not None}
            old = {"username": change.username, "profile": image}
            reverse.append(Change("create", None, None, old, create))
    return reverse


def undo(
    journal: str | Path,
    *,
    workers: int = 8,
    pace: float = 0.0,
    session: requests.Session | None = None,
    deadline: float | None = None,
) -> ApplyResult:
    """Restore the before-images of what an apply wrote, from its journal.

    Each change the apply sent is reversed, with the same care as an apply:

    - an update goes back to its old value; a field edited since is a *conflict* and is
      left alone (an update written as unverifiable is *not undone*: its old value was
      never read back);
    - a created person is deleted, unless edited since (a *conflict*, also when they
      are no longer found by the fields they were created with);
    - a deleted person is created again from the whole profile read just before the
      delete: the account fields, biography, tagline and every section item the
      documents let one add (links, topics, education, …). The service names new
      people, so they come back under a **new username**: the status's ``username``
      and ``detail`` give it (and the undo's journal records it). What no documented
      write restores (an avatar, documents, videos, news) is named in ``detail`` and
      ``not_restored``; an account field (named in ``detail``) or a section item that
      held the access token or the client secret this process holds was journaled
      without it and is not written back.

    The undo keeps its own journal, ``<journal>.undo.jsonl``, made from the apply's
    journal alone: running the undo again writes nothing more, and an undo that stopped
    or failed part-way is finished by running it again (``ef.undo(journal)`` or
    ``expertfile-nb apply --undo JOURNAL``). If the apply was resumed after an undo (it
    sent more), the next undo looks at every change again, as each compares first. Only
    the service and organization the journal was applied to are written.

    Args:
        journal: the journal file of the apply (``result.journal``).
        workers: writes in flight at once.
        pace: seconds between the starts of two writes.
        session: a session from :func:`expertfile_nb.get_session`; default: the shared one.
        deadline: seconds for each write, waits and re-reads included.

    Returns:
        The :class:`ApplyResult` of the undo.

    Raises:
        ConfigurationError: not a journal of ``plan.apply()``, or a bad argument.
        JournalError: an older version, a journal damaged by hand, or another run of it
            is going on.
        JournalElsewhereError: the journal was applied to another service or
            organization than the one logged in to (both named).
    """
    from expertfile_nb._auth.login import _ensure_login

    ChangePlan("experts", [], []).apply(dry_run=True, workers=workers, pace=pace, deadline=deadline)
    if session is None:  # its own, with a connection for each read and write in flight
        session = _ensure_login().new_session(pool_size=max(16, 2 * workers))
    with locked(journal):  # the apply is not going on meanwhile
        header, records = read_journal(journal)
        check_binding(header, session, journal)
        plan = _plan_of(header)
        reverse = ChangePlan(plan.kind, _reverse(plan, records), [])
        target = Path(str(journal) + ".undo.jsonl")
        sending = sum(1 for r in records if r.get("type") == "sending")
        applier = _Applier(
            reverse, workers, float(pace), target, session, deadline, undoing=True, source=sending
        )
        return applier.run()
