"""Round-trip editing: compare two profile frames, review the plan, apply it, undo it.

``plan_changes(before, after)`` compares the frames by ``username`` (vectorized: a
10,000 x 20 frame takes milliseconds) and lists one change per edited field
(update), per new row (create) and per removed row (delete, only with
``allow_delete=True``; otherwise the removed rows are listed as skipped, since a
filtered copy of ``before`` is the usual way to pick rows to edit).

``plan.apply()`` sends the writes of ``writes.py`` (one PUT per person, carrying
that person's changed fields), several at once, paced, and keeps a journal
(``_journal.py``). Before each write the person is read again: a field whose
value is no longer the ``before`` value is a *conflict* (someone else edited it)
and is not written; a field that already holds the new value is *already applied*
and is not written either, which is what makes applying a plan twice, or resuming
it, safe.

Never a value that could not be read: some account fields are shown by no documented
read of one person (:data:`UNSHOWN`: the expert profile's ``account``, API reference
§3.2, leaves out ``department``, ``phone_number_extension``, ``location_building``,
``location_room``, ``is_private`` and ``is_published``; the staff profile's, §4.2,
leaves out ``is_private``). The list endpoints' ``fields`` parameter names some of
them (``department``, ``building``, ``room``) but documents neither the keys an item
carries them under nor a way to ask for one person, so it is no read to compare with.
An edit of such a field cannot be compared before the write, confirmed after it or
undone, so :func:`plan_changes` refuses it unless it is named in ``unverifiable=``;
such a change carries ``unverifiable=True`` (in the plan, its journal and the
statuses), is written without comparison, and is never undone. At apply time a field
the re-read does not show is written only if its change is marked so; otherwise it is
reported ``not written``.

Values are compared as the service shows them (:func:`compare_value`: ``None`` and
``""``, ``1`` and ``1.0`` are the same) and in Unicode NFC: ``"é"`` composed or as ``e`` and
a combining accent is the same text, so no invisible change is planned.

The access token and the client secret this process holds never enter a plan, a
journal or a status: a value the service shows that holds one (itself, its base64 or
hex, or its first 16 characters) is kept with ``***`` in its place; an edited value
that holds one is refused (it would be published)."""

from __future__ import annotations

import html
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.journal import (
    VERSION,
)
from expertfile_nb._edits.send import kind_of, person_segment
from expertfile_nb._edits.table import ACCOUNT_CREATE, ACCOUNT_UPDATE, Kind
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd
    import requests
from expertfile_nb._edits.change import _SHOWN, SECTION_COLUMNS, Change, _hidden, _show

__all__ = ["ApplyResult", "ChangePlan"]


class ChangePlan:
    """The changes between two profile frames; nothing is sent until :meth:`apply`.

    Attributes:
        kind: ``"experts"`` or ``"staff"``.
        changes: the changes :meth:`apply` makes, in order.
        skipped: changes listed but not made (removed rows without ``allow_delete``).
    """

    def __init__(self, kind: Kind, changes: list[Change], skipped: list[Change]) -> None:
        self.kind = kind
        self.changes = changes
        self.skipped = skipped

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Any:
        return iter(self.changes)

    def to_frame(self) -> pd.DataFrame:
        """The plan as a DataFrame: ``action``, ``username``, ``field``, ``old``, ``new``,
        ``unverifiable``, ``skipped`` (one row per change; skipped ones last). ``old`` and
        ``new`` hold objects (a create's fields and a delete's image are dicts)."""
        rows = [{**asdict(c), "skipped": False} for c in self.changes]
        rows += [{**asdict(c), "skipped": True} for c in self.skipped]
        columns = ["action", "username", "field", "old", "new", "unverifiable", "skipped"]
        return _frame(rows, columns)

    def _lines(self) -> list[tuple[str, Change]]:
        lines: list[tuple[str, Change]] = []
        for change in self.changes:
            if change.action == "update":
                text = (
                    f"~ {change.username}.{change.field}: {_show(change.field, change.old)}"
                    f" → {_show(change.field, change.new)}"
                )
                if change.unverifiable:
                    text += "  (unverifiable: written without comparison, never undone)"
            elif change.action == "create":
                text = f"+ create {self.kind[:-1] if self.kind == 'experts' else 'staff'}: "
                text += _show(None, change.new, 200)
            else:
                text = f"- delete {change.username}"
            lines.append((text, change))
        for change in self.skipped:
            lines.append((f"  (skipped: {change.username} was removed; pass allow_delete=True "
                          "to delete)", change))  # fmt: skip
        return lines

    def __str__(self) -> str:
        counts = self._counts()
        head = f"Plan for {self.kind}: {counts}"
        lines = self._lines()
        body = [text for text, _ in lines[:_SHOWN]]
        if len(lines) > _SHOWN:
            body.append(f"… and {len(lines) - _SHOWN} more (plan.to_frame() lists them all)")
        return "\n".join([head, *body])

    def __repr__(self) -> str:
        return f"<ChangePlan {self.kind}: {self._counts()}>"

    def _counts(self) -> str:
        parts = [
            f"{sum(c.action == a for c in self.changes)} {a}"
            for a in ("update", "create", "delete")
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        colour = {"update": "#fff8e1", "create": "#e8f5e9", "delete": "#ffebee"}
        for change in (self.changes + self.skipped)[:_SHOWN]:
            skipped = change in self.skipped
            style = "color:#888" if skipped else f"background:{colour[change.action]}"
            if change.action == "update":
                old = f'<del style="color:#b71c1c">{esc(_show(change.field, change.old))}</del>'
                new = f'<ins style="color:#1b5e20">{esc(_show(change.field, change.new))}</ins>'
                if change.unverifiable:
                    new += " (unverifiable: written without comparison, never undone)"
            elif change.action == "create":
                old, new = (
                    "",
                    f'<ins style="color:#1b5e20">{esc(_show(None, change.new, 200))}</ins>',
                )
            else:
                old = f'<del style="color:#b71c1c">{esc(_show(None, change.old, 200))}</del>'
                new = "(skipped: allow_delete=False)" if skipped else "(deleted)"
            rows.append(
                f'<tr style="{style}"><td>{esc(change.action)}</td>'
                f"<td>{esc(str(change.username or ''))}</td><td>{esc(str(change.field or ''))}"
                f"</td><td>{old}</td><td>→</td><td>{new}</td></tr>"
            )
        more = len(self.changes) + len(self.skipped) - _SHOWN
        tail = f"<p>… and {more} more (plan.to_frame() lists them all)</p>" if more > 0 else ""
        return (
            f"<div><b>Plan for {esc(self.kind)}</b>: {esc(self._counts())}"
            "<table><thead><tr><th>action</th><th>username</th><th>field</th><th>old</th>"
            f"<th></th><th>new</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{tail}"
            "</div>"
        )

    # -- applying ---------------------------------------------------------------------
    def would_send(self, org: object = "{org}") -> list[dict[str, Any]]:
        """What :meth:`apply` would send (if nobody else edits meanwhile): one dict per
        write with ``method``, ``path``, ``body`` and ``changes`` (indexes into
        :attr:`changes`)."""
        from expertfile_nb._edits.send import encode_fields

        person = kind_of(self.kind)
        sent: list[dict[str, Any]] = []
        for group in _groups(self.changes):
            first = self.changes[group[0]]
            if first.action == "update":
                where = person.path(org, person_segment(first.username))
                for section, ns, fields in _split([self.changes[i] for i in group], group):
                    method, path = (
                        ("PUT", where) if section is None else ("POST", f"{where}/{section}")
                    )
                    allowed = tuple(fields) if section else ACCOUNT_UPDATE
                    form = encode_fields(fields, allowed, what=f"Update {first.username}")
                    sent.append({"method": method, "path": path, "body": form, "changes": ns})
                continue
            body: dict[str, str] | None
            if first.action == "create":
                body = encode_fields(first.new, ACCOUNT_CREATE, what="Create")
                method, path = "POST", person.path(org)
            else:
                method, path, body = (
                    "DELETE",
                    person.path(org, person_segment(first.username)),
                    None,
                )
            sent.append({"method": method, "path": path, "body": body, "changes": group})
        return sent

    def apply(
        self,
        *,
        dry_run: bool = False,
        workers: int = 8,
        pace: float = 0.0,
        journal: str | Path | None = None,
        session: requests.Session | None = None,
        deadline: float | None = None,
    ) -> ApplyResult:
        """Make the changes: re-read each person, skip conflicts, send the writes.

        Args:
            dry_run: send nothing (not even a read); the result's ``requests`` says
                what would be sent.
            workers: writes in flight at once (1-32).
            pace: at least this many seconds between the starts of two writes (0: none).
            journal: the journal file (JSON lines, ``0600``); default: a new file in the
                user data folder (``result.journal``). An existing journal of the same
                plan is resumed: finished changes are not touched again.
            session: a session from :func:`expertfile_nb.get_session`; default: the
                shared one.
            deadline: seconds for each write, waits and re-reads included (default 120).

        Returns:
            An :class:`ApplyResult` with a status per change: ``applied``,
            ``already applied`` (the service already held the new value: nothing sent),
            ``conflict`` (the service no longer held the ``before`` value: not written),
            ``failed`` (the error said), or ``would send`` in a dry run.

        Raises:
            ConfigurationError: a bad argument, or ``journal`` is the journal of another plan.
        """
        if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 32:
            raise ConfigurationError(f"workers must be 1 to 32; got {workers!r:.40}.")
        if isinstance(pace, bool) or not isinstance(pace, (int, float)) or not pace >= 0:
            raise ConfigurationError(f"pace must be seconds (0 or more); got {pace!r:.40}.")
        from expertfile_nb._http.config import positive_seconds

        if deadline is not None and not positive_seconds(deadline):
            raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
        if dry_run:
            org = getattr(session, "org_id", None) or "{org}"
            statuses = [_status(i, c, "would send") for i, c in enumerate(self.changes)]
            return ApplyResult(self, statuses, None, self.would_send(org))
        if not self.changes:  # nothing to write: no login, no request, no journal
            return ApplyResult(self, [], None)
        from expertfile_nb._edits.apply import _Applier  # it imports this module

        return _Applier(self, workers, float(pace), journal, session, deadline).run()

    def _record(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "type": "plan",
            "kind": self.kind,
            "changes": [asdict(c) for c in self.changes],
        }


def _status(n: int, change: Change, status: str, detail: str = "", **extra: Any) -> dict[str, Any]:
    # a shallow dict, not asdict (which deep-copies every before-image)
    fields = {
        "action": change.action,
        "username": change.username,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "unverifiable": change.unverifiable,
    }
    return {"n": n, **fields, "status": status, "detail": detail, **extra}


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows of changes as a frame; ``old``/``new`` kept as objects (a create's dict, a
    delete's image), hidden fields' values shown as ``•••``."""
    import pandas as pd

    shown = [
        {**row, **dict.fromkeys(("old", "new"), "•••")} if _hidden(row.get("field")) else row
        for row in rows
    ]
    frame: pd.DataFrame = pd.DataFrame(shown, columns=columns)
    frame["unverifiable"] = [row.get("unverifiable") is True for row in shown]
    return frame


def _split(
    changes: list[Change], ns: list[int]
) -> list[tuple[str | None, list[int], dict[str, Any]]]:
    """A person's updates as writes: (section or None for the account, change indexes,
    form fields): the account fields in one PUT, each section column in its own POST."""
    account = [(n, c) for n, c in zip(ns, changes, strict=True) if c.field not in SECTION_COLUMNS]
    writes: list[tuple[str | None, list[int], dict[str, Any]]] = []
    if account:
        writes.append((None, [n for n, _ in account], {str(c.field): c.new for _, c in account}))
    for n, change in zip(ns, changes, strict=True):
        if change.field in SECTION_COLUMNS:
            section, form = SECTION_COLUMNS[change.field]
            writes.append((section, [n], {form: change.new}))
    return writes


def _groups(changes: list[Change]) -> list[list[int]]:
    """Indexes of the changes sent together: a person's updates in one PUT; each create
    and each delete alone."""
    groups: dict[Any, list[int]] = {}
    for n, change in enumerate(changes):
        key = ("u", change.username) if change.action == "update" else (change.action, n)
        groups.setdefault(key, []).append(n)
    return list(groups.values())


class ApplyResult:
    """What :meth:`ChangePlan.apply` did, change by change.

    Attributes:
        plan: the plan applied.
        statuses: one dict per change (``n``, ``action``, ``username``, ``field``,
            ``old``, ``new``, ``status``, ``detail``).
        journal: the journal file (``None`` for a dry run or an empty plan, which writes none).
        requests: a dry run: what would be sent (see :meth:`ChangePlan.would_send`).
    """

    def __init__(
        self,
        plan: ChangePlan,
        statuses: list[dict[str, Any]],
        journal: Path | None,
        requests: list[dict[str, Any]] | None = None,
    ) -> None:
        self.plan = plan
        self.statuses = statuses
        self.journal = journal
        self.requests = requests

    @property
    def counts(self) -> dict[str, int]:
        """How many changes ended in each status."""
        counts: dict[str, int] = {}
        for status in self.statuses:
            counts[status["status"]] = counts.get(status["status"], 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        """Whether every change is applied (or already was): no conflict, no failure."""
        return all(s["status"] in ("applied", "already applied") for s in self.statuses)

    def to_frame(self) -> pd.DataFrame:
        """The statuses as a DataFrame, one row per change (``n``, ``action``,
        ``username``, ``field``, ``old``, ``new``, ``unverifiable``, ``status``,
        ``detail``)."""
        columns = ["n", "action", "username", "field", "old", "new", "unverifiable"]
        return _frame(self.statuses, [*columns, "status", "detail"])

    def __repr__(self) -> str:
        where = f", journal {self.journal}" if self.journal else " (dry run: nothing sent)"
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items())) or "nothing"
        return f"<ApplyResult {counts}{where}>"

    def undo(
        self,
        *,
        workers: int = 8,
        pace: float = 0.0,
        session: requests.Session | None = None,
        deadline: float | None = None,
    ) -> ApplyResult:
        """Restore the before-images of what this apply wrote (see :func:`undo`).

        Raises:
            ConfigurationError: a dry run (nothing to undo).
        """
        if self.journal is None and not self.plan.changes:
            return ApplyResult(self.plan, [], None)  # an empty plan: nothing to undo
        if self.journal is None:
            raise ConfigurationError("A dry run wrote nothing: there is nothing to undo.")
        from expertfile_nb._edits.undo import undo  # it imports this module

        return undo(self.journal, workers=workers, pace=pace, session=session, deadline=deadline)
