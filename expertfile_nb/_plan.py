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
that holds one is refused (it would be published).
"""

from __future__ import annotations

import html
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from expertfile_nb._journal import (
    VERSION,
    Journal,
    JournalElsewhereError,
    JournalError,
    default_journal_path,
    locked,
    read_journal,
)
from expertfile_nb._redact import _held, forms_of, hide
from expertfile_nb._write_table import ACCOUNT_CREATE, ACCOUNT_REQUIRED, ACCOUNT_UPDATE, Kind
from expertfile_nb._writing import SETTLE_SECONDS, compare_value, kind_of, person_segment
from expertfile_nb.errors import ConfigurationError, ExpertFileError, NotFoundError

if TYPE_CHECKING:
    import pandas as pd
    import requests

__all__ = ["ApplyResult", "Change", "ChangePlan", "plan_changes", "resume", "undo"]

Action = Literal["update", "create", "delete"]
#: statuses after which a change is finished (a resume does not touch it again)
FINAL = frozenset({"applied", "already applied", "conflict"})
_HIDDEN = ("token", "secret", "password")
_SHOWN = 50  # changes listed in the text and HTML views
_EARLIER_LOCK = threading.Lock()
#: profile columns set by a single section's POST (API reference §3.4): column →
#: (section, form field); read back from the profile's section of the column's name
SECTION_COLUMNS = {"biography": ("biography", "description"), "tagline": ("tagline", "tagline")}
EDITABLE = (*ACCOUNT_UPDATE, *SECTION_COLUMNS)
#: editable account fields that no documented read of one person shows (API reference
#: §3.2 expert ``account``; §4.2 staff ``account``): planned only when named in
#: ``plan_changes(..., unverifiable=[...])``, written without comparison, never undone
UNSHOWN: dict[str, frozenset[str]] = {
    "experts": frozenset(
        {
            "department", "phone_number_extension", "location_building", "location_room",
            "is_private", "is_published",
        }
    ),
    "staff": frozenset({"is_private"}),
}  # fmt: skip
#: the fields a create takes no value for: a new row holding one is refused, not dropped
_NOT_CREATED = tuple(f for f in EDITABLE if f not in ACCOUNT_CREATE)


@dataclass(frozen=True)
class Change:
    """One planned change.

    Attributes:
        action: ``"update"``, ``"create"`` or ``"delete"``.
        username: the person (``None`` for a create: the service names new people).
        field: the field an update changes (``None`` for a create or a delete).
        old: the value in ``before`` (a delete: the before-image, a dict).
        new: the value in ``after`` (a create: the fields sent, a dict).
        unverifiable: an update of a field no read shows (:data:`UNSHOWN`), planned
            because it was named in ``plan_changes(..., unverifiable=[...])``: written
            without comparison, and never undone (``old`` is what ``before`` said, not
            something the service was seen to hold).
    """

    action: Action
    username: str | None
    field: str | None
    old: Any
    new: Any
    unverifiable: bool = False


def _plain(value: Any) -> Any:
    """A cell as a JSON-able Python value (numpy scalars unwrapped, NA as None)."""
    import pandas as pd

    if isinstance(value, (list, dict)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return str(value)
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _hidden(name: object) -> bool:
    # a create's or a delete's field is None, NaN in a pandas 3 string column
    return isinstance(name, str) and any(word in name.lower() for word in _HIDDEN)


def _key(value: object) -> str | None:
    """A value for comparing, as the service shows it (:func:`compare_value`) and in
    Unicode NFC; ``None`` for a value that is no text, number or flag (a dict, a list):
    such a value equals nothing, so it is never taken as read."""
    if isinstance(value, (dict, list, tuple, set)):
        return None
    return unicodedata.normalize("NFC", compare_value(value))


def _same(a: object, b: object) -> bool:
    """Whether two values are the same as the service shows them (see :func:`_key`)."""
    ka, kb = _key(a), _key(b)
    return ka is not None and ka == kb


_HEADS: list[tuple[tuple[str, ...], frozenset[str]]] = [((), frozenset())]
_HEAD = 8  # every held value is this long or longer (expertfile_nb._redact holds no less)


def _secret_heads() -> frozenset[str]:
    """The first 8 characters of every whole-value form (:func:`forms_of`) of the tokens
    and secrets this process holds; made again only when those change."""
    held = _held()
    key, heads = _HEADS[-1]
    if key != held:
        heads = frozenset(f[:_HEAD] for h in held for f in forms_of(h) if len(f) >= _HEAD)
        _HEADS[-1] = (held, heads)
    return heads


def _may_hold_secret(text: str) -> bool:
    """Whether ``text`` has a run that begins like a held value's form: a set look-up per
    character, so a value is checked in microseconds; only such a text goes through
    :func:`hide` (which finds every form, per-character escapes included)."""
    heads = _secret_heads()
    return bool(heads) and any(text[i : i + _HEAD] in heads for i in range(len(text) - _HEAD + 1))


def _redacted(value: Any) -> Any:
    """A value the service showed, without the token or secret this process holds."""
    if isinstance(value, str):
        return hide(value) if _may_hold_secret(value) else value
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _holds_secret(value: Any) -> bool:
    return bool(_redacted(value) != value)


def _noun(kind: str) -> str:
    return "expert" if kind == "experts" else "staff"


def _show(name: str | None, value: Any, width: int = 60) -> str:
    if _hidden(name):
        return "•••"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(k, v, 30)}" for k, v in value.items())
    text = "∅" if value is None else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


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
        from expertfile_nb._writing import encode_fields

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
        from expertfile_nb._config import positive_seconds

        if deadline is not None and not positive_seconds(deadline):
            raise ConfigurationError(f"deadline must be seconds above 0; got {deadline!r:.40}.")
        if dry_run:
            org = getattr(session, "org_id", None) or "{org}"
            statuses = [_status(i, c, "would send") for i, c in enumerate(self.changes)]
            return ApplyResult(self, statuses, None, self.would_send(org))
        if not self.changes:  # nothing to write: no login, no request, no journal
            return ApplyResult(self, [], None)
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
        return undo(self.journal, workers=workers, pace=pace, session=session, deadline=deadline)


class _Applier:
    """One run of a plan: the journal, the pacing, the workers."""

    def __init__(
        self,
        plan: ChangePlan,
        workers: int,
        pace: float,
        journal: str | Path | None,
        session: requests.Session | None,
        deadline: float | None,
        *,
        undoing: bool = False,
        source: int | None = None,
    ) -> None:
        from expertfile_nb._login import _ensure_login

        self.plan = plan
        self.person = kind_of(plan.kind)
        self.workers = workers
        self.pace = pace
        self.path = Path(journal) if journal is not None else default_journal_path()
        if session is None:  # its own, with a connection for each read and write in flight
            session = _ensure_login().new_session(pool_size=max(16, 2 * workers))
        self.session = session
        self.deadline = deadline
        self.statuses: dict[int, dict[str, Any]] = {}
        self._next = time.monotonic()
        self._pace_lock = threading.Lock()
        self._reads: dict[int, Future[dict[str, Any] | None]] = {}
        self._todo: list[list[int]] = []
        self._reader = ThreadPoolExecutor(max_workers=1)  # replaced in run()
        self.undoing = undoing  # an undo's run: what may not be undone is reported
        self._created: dict[int, str] = {}  # restores: the person an earlier run created
        self._sent_before: set[int] = set()  # changes an earlier run announced sending
        # an undo's run: how many writes its apply's journal announces; when an earlier
        # run of the undo saw fewer (the apply was resumed since), its results are stale
        self.source = source

    def _finished(self) -> dict[int, dict[str, Any]]:
        """The changes an earlier run of this journal finished (by index); the journal
        is open (and locked)."""
        if self.journal.empty:
            return {}
        header, records = read_journal(self.path)
        check_binding(header, self.session, self.path)
        if header.get("kind") != self.plan.kind or header.get("changes") != [
            asdict(c) for c in self.plan.changes
        ]:
            raise ConfigurationError(
                f"{str(self.path)!r} is the journal of another plan; pass a new path "
                "(or ef.resume(path) to finish that plan)."
            )
        done = {}
        for record in records:
            if record.get("type") == "result" and record.get("status") in FINAL:
                done[record["n"]] = record
            elif record.get("type") == "sending":
                self._sent_before.update(record["n"])
            elif record.get("type") == "created":
                self._created[record["n"]] = record["username"]
        noted = [r.get("sending") for r in records if r.get("type") == "source"]
        if self.source is not None and (not noted or noted[-1] != self.source):
            # the apply sent more after this undo last ran (it was resumed): each
            # reverse change is looked at again (each compares before it writes)
            done = {}
            self.journal.write({"type": "source", "sending": self.source}, sync=True)
        return done

    def run(self) -> ApplyResult:
        # the journal is opened (and locked) first: a second run on it is refused before
        # it reads what this one has finished, or writes a plan line of its own
        with Journal(self.path) as journal:
            self.journal = journal
            done = self._finished()
            if journal.empty:
                journal.write({**self.plan._record(), **binding_of(self.session)}, sync=True)
                if self.source is not None:
                    journal.write({"type": "source", "sending": self.source}, sync=True)
            todo = []
            for group in _groups(self.plan.changes):
                # a change an earlier run finished keeps its outcome, also when another
                # part of the person's update (their biography's POST) is still to do
                for n in group:
                    if n not in done:
                        continue
                    extra = {  # e.g. the username the service gave a new person
                        k: v
                        for k, v in done[n].items()
                        if k not in ("type", "n", "status", "detail")
                    }
                    self.statuses[n] = {
                        **_status(n, self.plan.changes[n], done[n]["status"], **extra),
                        "detail": "finished by an earlier run of this journal",
                    }
                rest = [n for n in group if n not in done]
                if rest:
                    todo.append(rest)
            # the re-reads run ahead in their own pool, at most two rounds of workers
            # ahead of the writes: a person's GET overlaps the PUTs of the people before
            # it, so the writes keep every worker busy, and no re-read is long stale
            reads = ThreadPoolExecutor(max_workers=self.workers)
            pool = ThreadPoolExecutor(max_workers=self.workers)
            try:
                self._todo, self._reader = todo, reads
                for k in range(min(len(todo), 2 * self.workers)):
                    self._prefetch(k)
                list(pool.map(self._step, range(len(todo))))
            finally:
                # on an interrupt (Ctrl-C) the writes not started are dropped; those in
                # flight finish and are journaled; ef.resume(journal) does the rest
                pool.shutdown(wait=True, cancel_futures=True)
                reads.shutdown(wait=True, cancel_futures=True)
        ordered = [self.statuses[n] for n in range(len(self.plan.changes))]
        return ApplyResult(self.plan, ordered, self.path)

    def _wait_turn(self) -> None:
        if not self.pace:
            return
        with self._pace_lock:
            start = max(self._next, time.monotonic())
            self._next = start + self.pace
        time.sleep(max(0.0, start - time.monotonic()))

    def _finish(self, n: int, status: str, detail: str = "", **extra: Any) -> None:
        record = _status(n, self.plan.changes[n], status, detail, **extra)
        self.statuses[n] = record
        self.journal.write({"type": "result", "n": n, "status": status, "detail": detail, **extra})

    def _group(self, group: list[int]) -> None:
        first = self.plan.changes[group[0]]
        if self.undoing and first.action == "update":
            head = group[0]  # the person's re-read was prefetched under the group's first
            skipped = [n for n in group if _never_undone(self.plan.changes[n])]
            for n in skipped:
                self._finish(n, "not undone", _NOT_UNDONE)
            group = [m for m in group if m not in skipped]
            if not group:
                self._reads.pop(head).cancel()
                return
            if group[0] != head:
                self._reads[group[0]] = self._reads.pop(head)
        try:
            if first.action == "update":
                self._update(first.username or "", group)
            elif first.action == "create" and _restoring(first):
                self._restore(group[0], first)
            elif first.action == "create":
                self._create(group[0], first)
            else:
                self._delete(group[0], first)
        except ExpertFileError as error:
            for n in group:
                if n not in self.statuses:
                    self._finish(n, "failed", f"{type(error).__name__}: {error}")

    def _prefetch(self, k: int) -> None:
        if k < len(self._todo):
            first = self.plan.changes[self._todo[k][0]]
            if first.action != "create":
                future = self._reader.submit(self._read, first.username or "")
                self._reads[self._todo[k][0]] = future

    def _step(self, k: int) -> None:
        self._prefetch(k + 2 * self.workers)
        self._group(self._todo[k])

    def _account(self, n: int) -> dict[str, Any] | None:
        """The account re-read for the group of change ``n`` (raises what the read raised)."""
        return self._reads.pop(n).result()

    def _read(self, username: str) -> dict[str, Any] | None:
        """The person's current values: the account fields the profile shows and the
        section columns whose section it shows (an empty section: ``None``, the empty
        text). A field missing from the result is not shown: nothing to compare with.
        A section item's text that is no text (a number, a dict) is kept as it came, so
        it equals no planned value and is never written over."""
        from expertfile_nb.writes import _get_data

        path = self.person.path(self.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
        data = _get_data(self.session, path)
        rows = data.get("account") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            return None
        current = dict(rows[0])
        for column in SECTION_COLUMNS:
            items = data.get(column)
            if isinstance(items, list):  # an empty section: no value
                first = items[0] if items and isinstance(items[0], dict) else {}
                current[column] = first.get(column)
        return current

    def _call(self, name: str) -> Callable[..., Any]:
        from expertfile_nb import writes

        noun = "expert" if self.plan.kind == "experts" else "staff_member"
        function: Callable[..., Any] = getattr(writes, f"{name}_{noun}")
        return function

    def _send_part(self, username: str, section: str | None, fields: dict[str, Any]) -> None:
        """One write of a person's update: the account's PUT (``section`` None) or a
        section's POST (biography, tagline, an item)."""
        if section is None:
            self._call("update")(username, session=self.session, deadline=self.deadline, **fields)
        else:
            from expertfile_nb.writes import add_section_item

            add_section_item(
                username,
                section,
                kind=self.plan.kind,
                session=self.session,
                deadline=self.deadline,
                **fields,
            )

    def _update(self, username: str, group: list[int]) -> None:
        try:
            account = self._account(group[0])
        except NotFoundError:
            for n in group:
                self._finish(n, "conflict", "the person no longer exists")
            return
        if account is None:
            raise ConfigurationError(f"The profile of {username!r} has no account to compare.")
        send: dict[str, Any] = {}
        blind: set[int] = set()
        for n in group:
            change = self.plan.changes[n]
            field = change.field or ""
            if field not in account:  # no read shows it: nothing to compare with
                if change.unverifiable and self._announced_earlier(n):
                    self._finish(
                        n,
                        "failed",
                        "UnconfirmedWriteError: an earlier run of this journal sent this "
                        "unverifiable write and its outcome is unknown; no read shows "
                        f"{field!r}, so it is not sent again (apply the plan with a new "
                        "journal to write it again)",
                    )
                elif change.unverifiable:  # named in unverifiable=: written blind
                    send[field] = change.new
                    blind.add(n)
                else:
                    self._finish(
                        n,
                        "not written",
                        f"the profile read does not show {field!r}: its value could not "
                        "be compared before the write nor confirmed after it (plan it "
                        f"with unverifiable=[{field!r}] to write it without comparison)",
                    )
                continue
            now = _redacted(account[field])  # as the plan's old value was kept
            if _same(now, change.new):
                self._finish(n, "already applied")
            elif _same(now, change.old):
                send[field] = change.new
            else:
                self._finish(n, "conflict", "edited meanwhile", current=now)
        ours = [n for n in group if self.plan.changes[n].field in send]
        # each part (the account PUT, each section's POST) is a write of its own, with its
        # own outcome: one that fails or stays unconfirmed does not keep the others back
        for section, ns, fields in _split([self.plan.changes[n] for n in ours], ours):
            self.journal.write({"type": "sending", "n": ns}, sync=True)
            self._wait_turn()
            try:
                self._send_part(username, section, fields)
            except ExpertFileError as error:
                for n in ns:
                    self._finish(n, "failed", f"{type(error).__name__}: {error}")
                continue
            for n in ns:
                if n in blind:
                    detail = "unverifiable: written without comparison; undo leaves it alone"
                    self._finish(n, "applied", detail)
                else:
                    self._finish(n, "applied")

    def _announced_earlier(self, n: int) -> bool:
        """Whether an earlier run of this journal announced (``sending``) change ``n``:
        read once, on the first call (this run's own records then are of other changes,
        each change being handled once a run)."""
        with _EARLIER_LOCK:
            earlier: set[int] | None = getattr(self, "_earlier", None)
            if earlier is None:
                _, records = read_journal(self.path)
                earlier = set()
                for record in records:
                    if record.get("type") == "sending" and isinstance(record.get("n"), list):
                        earlier.update(i for i in record["n"] if isinstance(i, int))
                self._earlier = earlier
        return n in earlier

    def _create(self, n: int, change: Change) -> None:
        from expertfile_nb._writing import encode_fields
        from expertfile_nb.writes import find_person

        body = encode_fields(change.new, ACCOUNT_CREATE, what="Create")
        existing = find_person(self.person, body, self.session)
        if n in self._sent_before and not existing:
            # an earlier run sent this create and stopped before its outcome: a new record
            # may take a moment to show, so it is looked for again before it is resent
            if existing == "":
                time.sleep(SETTLE_SECONDS)
                existing = find_person(self.person, body, self.session)
            if existing is None:
                return self._finish(
                    n,
                    "failed",
                    "UnconfirmedWriteError: an earlier run of this journal sent this create "
                    "and the people could not be searched for it: not sent again (run it "
                    "again)",
                )
        if existing:
            named = {} if _holds_secret(existing) else {"username": existing}
            self._finish(n, "already applied", **named)
            return
        self.journal.write({"type": "sending", "n": [n]}, sync=True)
        self._wait_turn()
        answer = self._call("create")(session=self.session, deadline=self.deadline, **change.new)
        name = answer.get("username") if isinstance(answer, dict) else None
        if isinstance(name, str) and _holds_secret(name):
            # never into the journal or the statuses; undo finds the person by the fields
            detail = "the service answered a username holding the token: not recorded"
            self._finish(n, "applied", detail)
            return
        self._finish(n, "applied", **({"username": name} if name else {}))

    def _delete(self, n: int, change: Change) -> None:
        """Delete a person unless edited since the plan: the whole profile is read just
        before, compared with the plan's before values (as the service shows them), and
        journaled (synced) with the ``sending`` record: the before-image undo restores."""
        from expertfile_nb.writes import _get_data

        prefetched = self._reads.pop(n, None)
        if prefetched is not None:
            prefetched.cancel()  # a delete reads the whole profile itself, just before
        username = change.username
        if not username:  # an undo of a create the service did not name: look it up
            username = self._find(change.old)
            if username is None:
                return self._finish(n, "failed", "the people could not be searched; run it again")
            if not username:
                return self._finish(
                    n,
                    "conflict",
                    "not found by the fields it was created with: edited or deleted since; "
                    "nothing deleted",
                )
        path = self.person.path(self.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
        try:
            profile = _get_data(self.session, path)
        except NotFoundError:
            return self._finish(n, "already applied", username=username)
        current = _shown(profile)
        if current is None:
            raise ConfigurationError(f"The profile of {username!r} has no account to compare.")
        current = _redacted(current)  # as the plan's image was kept
        image = change.old if isinstance(change.old, dict) else {}
        edited = [
            k
            for k, v in image.items()
            if k in current and compare_value(current[k]) != compare_value(v)
        ]
        if edited:
            self._finish(n, "conflict", f"edited meanwhile: {', '.join(edited)}", username=username)
            return None
        image = _without_secrets(profile)
        self.journal.write({"type": "sending", "n": [n], "image": image}, sync=True)
        self._wait_turn()
        self._call("delete")(username, session=self.session, deadline=self.deadline)
        self._finish(n, "applied", username=username)
        return None

    def _exists(self, username: object) -> bool:
        from expertfile_nb.writes import _get_data

        if not isinstance(username, str) or not username:
            return False
        path = self.person.path(self.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
        try:
            return _shown(_get_data(self.session, path)) is not None
        except NotFoundError:
            return False

    def _find(self, fields: Mapping[str, Any]) -> str | None:
        """The username of the person whose account shows these create fields ("" if
        none, ``None`` if the people could not be searched)."""
        from expertfile_nb._writing import encode_fields
        from expertfile_nb.writes import find_person

        body = encode_fields(fields, ACCOUNT_CREATE, what="Find")
        return find_person(self.person, body, self.session)

    def _restore(self, n: int, change: Change) -> None:
        """Undo a delete: create the person again (the service names them anew), then
        write what the new profile does not show yet: the other account fields,
        biography and tagline, every section item the documents let one add. Each step
        compares first, so running it again (a resume, a second undo) writes only what
        is still missing and never creates the person twice: a create an earlier run sent
        is looked for by its fields, and sent again only if no one shows them now and
        still after the settle delay (as a single write's re-read does); if the people
        cannot be searched, nothing is sent."""
        from expertfile_nb import _writing
        from expertfile_nb.writes import _get_data

        old = change.old["username"]
        username = self._created.get(n)
        if not username and self._exists(old):  # the delete was sent but not carried out
            return self._finish(n, "already applied", f"{old!r} was not deleted: kept as it is")
        if not username and n in self._sent_before:  # an earlier run sent the create
            username = self._find(change.new)
            if username == "":  # absent: sent again only if still absent after a settle
                time.sleep(_writing.SETTLE_SECONDS)
                username = self._find(change.new)
            if username is None:
                return self._finish(
                    n,
                    "failed",
                    f"the create of {old!r} was sent by an earlier run and may have been made, "
                    "but the people could not be searched: not sent again; run it again",
                )
        if not username:
            self.journal.write({"type": "sending", "n": [n]}, sync=True)
            self._sent_before.add(n)
            self._wait_turn()
            answer = self._call("create")(
                session=self.session, deadline=self.deadline, **change.new
            )
            named = answer.get("username") if isinstance(answer, dict) else None
            username = named if isinstance(named, str) and named else self._find(change.new)
            if not username:
                return self._finish(
                    n, "failed", f"{old!r} was created again, but the new person is not found"
                )
        self._created[n] = username
        self.journal.write({"type": "created", "n": n, "username": username}, sync=True)
        path = self.person.path(self.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
        now = _get_data(self.session, path)
        writes, lost, unread = _restore_writes(self.person, change.old["profile"], now)
        for section, fields in writes:
            self.journal.write({"type": "sending", "n": [n], "part": section}, sync=True)
            self._wait_turn()
            self._send_part(username, section, fields)
        detail = f"restored as {username!r} (was {old!r})"
        if lost:
            detail += f"; not restorable (no documented write): {', '.join(lost)}"
        if unread:
            detail += (
                "; not shown by the read before the delete (or holding the token), left as "
                f"the service sets them: {', '.join(unread)}"
            )
        self._finish(n, "applied", detail, username=username, not_restored=lost, not_read=unread)
        return None


# -- planning ----------------------------------------------------------------------------
def _check_frame(frame: object, name: str) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ConfigurationError(f"{name} must be a DataFrame; got {type(frame).__name__}.")
    if "username" not in frame.columns:
        raise ConfigurationError(
            f"{name} has no 'username' column: plan from the frame of ef.get_profiles()."
        )
    if frame.columns.duplicated().any():
        raise ConfigurationError(f"{name} has duplicated column names.")
    return frame


def plan_changes(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    kind: Kind = "experts",
    allow_delete: bool = False,
    unverifiable: Iterable[str] = (),
) -> ChangePlan:
    """The changes that turn ``before`` into ``after``; nothing is sent.

    Rows are matched by ``username``. The editable columns are the account fields the
    service lets one update (``firstname``, ``job_title``, ``email``, …,
    ``is_published``) and ``biography`` and ``tagline`` (set through their section). A
    row of ``after`` whose username is empty or not
    in ``before`` is a new person (its username is not sent: the service names new
    people). A row of ``before`` missing from ``after`` is a delete only with
    ``allow_delete=True``; otherwise it is listed in ``plan.skipped`` and not deleted.

    Values equal as the service shows them (``None`` and ``""``, ``1`` and ``1.0``) or
    after Unicode NFC normalization are no change. A new row sets the create fields
    only: a value in its ``is_private``, ``is_published``, ``biography`` or ``tagline``
    is refused (create the person first, then plan those edits from a new read);
    its empty cells are not sent.

    Fields no documented read of one person shows (:data:`UNSHOWN`; experts:
    ``department``, ``phone_number_extension``, ``location_building``,
    ``location_room``, ``is_private``, ``is_published``; staff: ``is_private``) cannot
    be compared before a write, confirmed after it or undone: an edit of one is
    refused unless the field is named in ``unverifiable``. Such changes are marked
    ``unverifiable=True`` (in the plan, its journal and the apply's statuses), are
    written without comparison (each apply writes them again) and are never undone.

    Args:
        before: the profiles as read (``ef.get_profiles()``): one row per person.
        after: an edited copy of ``before``.
        kind: ``"experts"`` (default) or ``"staff"``.
        allow_delete: delete the people removed from ``after``.
        unverifiable: fields of :data:`UNSHOWN` whose edits are planned anyway, written
            blind and never undone, e.g. ``["is_published"]`` (a field a read shows is
            compared as usual whether named or not).

    Returns:
        A :class:`ChangePlan`: ``len(plan)`` changes, ``plan.to_frame()``, its HTML view
        in notebooks and ``print(plan)`` in terminals; ``plan.apply()`` makes them.

    Raises:
        ConfigurationError: a frame without ``username``, a username twice, a column of
            ``after`` not in ``before``, an edit of a field the service does not let
            one change (named, with a username), a new row missing a required field or
            setting one a create does not take, an edit of a field no read shows that
            ``unverifiable`` does not name, a value of ``after`` holding the access
            token or the client secret this process holds (it would be published).
    """
    import numpy as np
    import pandas as pd

    kind_of(kind)
    opted = _opted_in(unverifiable)
    unshown = UNSHOWN[kind]
    before = _check_frame(before, "before")
    after = _check_frame(after, "after")
    extra = [c for c in after.columns if c not in before.columns]
    if extra:
        raise ConfigurationError(
            f"after has column(s) that before has not: {', '.join(map(str, extra))}. Add "
            "them to before too (with the values the service holds) to plan their edits."
        )
    b_names = before["username"]
    if b_names.isna().any() or b_names.duplicated().any():
        twice = b_names[b_names.duplicated()].astype(str).tolist()[:5]
        raise ConfigurationError(
            f"before must have one row per username, none empty (repeated: {twice})."
        )
    a_names = after["username"]
    known = a_names.isin(b_names) & a_names.notna()
    if a_names[known].duplicated().any():
        twice = a_names[known][a_names[known].duplicated()].astype(str).tolist()[:5]
        raise ConfigurationError(f"after has usernames twice: {twice}.")

    changes: list[Change] = []
    columns = [c for c in after.columns if c != "username"]
    kept = after.loc[known.to_numpy()]
    if len(kept) and columns:
        new = kept.set_index("username")[columns]
        old = before.set_index("username").loc[new.index, columns]
        # copies: under pandas 3 a frame of string columns gives a read-only array
        nv = new.to_numpy(dtype=object).copy()
        ov = old.to_numpy(dtype=object).copy()
        n_na, o_na = pd.isna(nv), pd.isna(ov)
        marker = object()
        nv[n_na] = marker
        ov[o_na] = marker
        rows, cols = np.nonzero(nv != ov)
        names = new.index.to_numpy()
        readonly: dict[str, str] = {}
        blind: dict[str, str] = {}
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b = _plain(new.iat[r, c]), _plain(old.iat[r, c])
            if _same(a, b):
                continue  # "" for None, 1.0 for 1, NFD for NFC: the same value as shown
            field = str(columns[c])
            if field not in EDITABLE:
                readonly.setdefault(field, str(names[r]))
                continue
            _refuse_secret(a, f"after's {field!r} of {str(names[r])!r}")
            if field in unshown and field not in opted:
                blind.setdefault(field, str(names[r]))
                continue
            mark = field in unshown
            changes.append(Change("update", str(names[r]), field, _redacted(b), a, mark))
        if readonly:
            listed = ", ".join(f"{f!r} (e.g. {u!r})" for f, u in readonly.items())
            raise ConfigurationError(
                f"after changes field(s) the service does not let one change: {listed}. "
                f"The editable fields are: {', '.join(EDITABLE)}."
            )
        if blind:
            listed = ", ".join(f"{f!r} (e.g. {u!r})" for f, u in blind.items())
            raise ConfigurationError(
                f"after edits field(s) that no documented read of one {_noun(kind)} "
                f"profile shows: {listed}. Their value cannot be compared before the write, "
                "confirmed after it or restored by an undo, so they are not planned. To "
                "write them anyway, without comparison and never undone, name them: "
                f"plan_changes(before, after, unverifiable={sorted(blind)!r})."
            )
    for position, (_, row) in enumerate(after.loc[~known.to_numpy()].iterrows()):
        where = f"New row {position + 1} of after (username {_redacted(_plain(row['username']))!r})"
        fields = {
            k: _plain(v) for k, v in row.items() if k in ACCOUNT_CREATE and _key(_plain(v)) != ""
        }
        missing = [f for f in ACCOUNT_REQUIRED if not compare_value(fields.get(f))]
        if missing:
            raise ConfigurationError(f"{where} lacks required field(s): {', '.join(missing)}.")
        dropped = [f for f in _NOT_CREATED if f in row.index and _key(_plain(row[f])) != ""]
        if dropped:
            raise ConfigurationError(
                f"{where} sets {', '.join(dropped)}, which a create does not take (it takes "
                f"{', '.join(ACCOUNT_CREATE)}). Leave them empty and plan the create; once "
                "it is applied, read the new profile and plan those edits."
            )
        _refuse_secret(fields, where)
        changes.append(Change("create", None, None, None, fields))
    removed = before.loc[~b_names.isin(a_names[known]).to_numpy()]
    # a delete's before values: every editable column of the row (None, 0, "" and False
    # kept), compared with the service's (as it shows them) just before the delete
    deletes = [
        Change(
            "delete",
            str(row["username"]),
            None,
            _redacted({k: _plain(v) for k, v in row.items() if k in EDITABLE}),
            None,
        )
        for _, row in removed.iterrows()
    ]
    if allow_delete:
        return ChangePlan(kind, changes + deletes, [])
    return ChangePlan(kind, changes, deletes)


def _opted_in(unverifiable: object) -> frozenset[str]:
    """The fields named in ``unverifiable=``, checked."""
    names = [unverifiable] if isinstance(unverifiable, str) else unverifiable
    if not isinstance(names, Iterable):
        raise ConfigurationError(
            f"unverifiable must be a list of field names; got {type(names).__name__}."
        )
    chosen = list(names)
    unknown = [str(n) for n in chosen if n not in EDITABLE]
    if unknown:
        raise ConfigurationError(
            f"unverifiable names field(s) that are not editable: {', '.join(unknown)}. The "
            f"fields no read shows are: experts {sorted(UNSHOWN['experts'])}, staff "
            f"{sorted(UNSHOWN['staff'])}."
        )
    return frozenset(chosen)


def _refuse_secret(value: Any, where: str) -> None:
    if _holds_secret(value):
        raise ConfigurationError(
            f"{where} holds the access token or the client secret this session uses: it is "
            "not planned (it would be written into the profile, and the journal)."
        )


# -- resume and undo ---------------------------------------------------------------------
_NOT_UNDONE = (
    "not undone: the value before was never read back (the field was written as "
    "unverifiable), so writing it back could overwrite what the service holds"
)
#: profile sections (as the read names them) → the section the documents let one add to
_READ_SECTIONS = {
    "eventAppearance": "eventappearance",
    "patents": "patent",
    "corporationSocial": "social",
    "corporationsocial": "social",
}
#: read sections that are not the person's own data (the organization's, the kind's)
_NOT_THE_PERSONS = frozenset({"account", "corporationProfile", "corporationprofile", "profiletype"})


def _without_secrets(profile: Any) -> Any:
    """A profile read as a delete journals it: an account field or a section item holding
    the token or secret this process holds is left out (an undo never writes it back,
    neither the token nor a value with ``***`` in it; it reports the field as not read)."""
    if not isinstance(profile, dict):
        return _redacted(profile)
    kept: dict[str, Any] = {}
    for key, items in profile.items():
        if key == "account" and isinstance(items, list):
            kept[key] = [
                {k: v for k, v in row.items() if not _holds_secret(v)}
                if isinstance(row, dict)
                else _redacted(row)
                for row in items
            ]
        elif isinstance(items, list):
            kept[key] = [item for item in items if not _holds_secret(item)]
        else:
            kept[key] = _redacted(items)
    return kept


def _never_undone(change: Change) -> bool:
    """Whether an undo must leave this (reversed) update alone and report it."""
    return change.unverifiable  # written blind on the user's word: never undone blind


def _restoring(change: Change) -> bool:
    """A create that restores a deleted person (an undo's): ``old`` is the image."""
    return isinstance(change.old, dict) and isinstance(change.old.get("profile"), dict)


def _shown(profile: Any) -> dict[str, Any] | None:
    """The account fields and section columns a profile read shows (None: no account)."""
    rows = profile.get("account") if isinstance(profile, dict) else None
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
        return None
    current = dict(rows[0])
    for column in SECTION_COLUMNS:
        items = profile.get(column)
        if isinstance(items, list):  # an empty section: no value
            first = items[0] if items and isinstance(items[0], dict) else {}
            current[column] = first.get(column)
    return current


def _item_fields(section: Any, item: Mapping[str, Any]) -> dict[str, Any]:
    """A read item as the fields of its section's add (keys as the read names them)."""
    from expertfile_nb._write_table import READ_AS

    fields: dict[str, Any] = {}
    for name in section.fields:
        for key in READ_AS.get((section.name, name), (name,)):
            if item.get(key) is not None:
                fields[name] = item[key]
                break
    return fields


def _same_item(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two section items hold the same values, field by field, as the service
    shows them (see :func:`_same`)."""
    return all(_same(a.get(k), b.get(k)) for k in {*a, *b})


def _restore_writes(
    person: Any, image: Mapping[str, Any], now: Any
) -> tuple[list[tuple[str | None, dict[str, Any]]], list[str], list[str]]:
    """The writes that bring the profile ``image`` back onto a person whose profile reads
    ``now``: (section or None for the account, fields) in order; the sections (or items)
    no documented write can bring back; the account fields the image does not show (never
    written blind: the new person keeps what the service gives them)."""
    current = now if isinstance(now, dict) else {}
    shown = _shown(current) or {}
    account = (_shown({"account": image.get("account")}) or {}) if image.get("account") else {}
    fields = {
        k: account[k]
        for k in ACCOUNT_UPDATE
        if account.get(k) is not None and compare_value(shown.get(k)) != compare_value(account[k])
    }
    unread = [k for k in ACCOUNT_UPDATE if k not in account]
    writes: list[tuple[str | None, dict[str, Any]]] = [(None, fields)] if fields else []
    lost: list[str] = []
    for key, items in image.items():
        if key in _NOT_THE_PERSONS or not isinstance(items, list) or not items:
            continue
        section = person.sections.get(_READ_SECTIONS.get(key, key.lower()))
        if section is None or "add" not in section.ops:
            lost.append(key)
            continue
        have = [
            _item_fields(section, item)
            for item in current.get(key, []) or []
            if isinstance(item, dict)
        ]
        for i, item in enumerate(items):
            want = _item_fields(section, item) if isinstance(item, dict) else {}
            if not section.single:
                want = {k: v for k, v in want.items() if compare_value(v)}
            if not want or any(not compare_value(want.get(f)) for f in section.required):
                if want or section.required:
                    lost.append(f"{key}[{i}]")
                continue
            match = next((h for h in have if _same_item(h, want)), None)
            if match is not None:
                have.remove(match)  # one shown item matches one item of the image
                continue
            writes.append((section.name, want))
    return writes, lost, unread


def binding_of(session: Any) -> dict[str, str | None]:
    """The service and organization a session writes to, as a journal records them."""
    base = getattr(session, "base_url", None)
    org = getattr(session, "org_id", None)
    return {
        "base_url": None if base is None else str(base).rstrip("/"),
        "org": None if org is None else str(org),
    }


def check_binding(header: Mapping[str, Any], session: Any, path: str | Path) -> None:
    """Refuse a journal applied to another service or organization than ``session``'s.

    Raises:
        JournalElsewhereError: naming both.
    """
    here = binding_of(session)
    there = {k: header.get(k) for k in here}
    if there != here:
        raise JournalElsewhereError(
            f"{str(path)!r} was applied to {there['base_url']} (organization "
            f"{there['org']}); you are logged in to {here['base_url']} (organization "
            f"{here['org']}). Nothing was sent: log in to the service the journal names "
            "to finish or undo it."
        )


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
    from expertfile_nb._login import _ensure_login

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
