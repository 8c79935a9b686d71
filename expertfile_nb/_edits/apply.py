"""Applying a plan: the workers, the pacing, the journal, and each change's read, write and
confirmation (:class:`_Applier`).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expertfile_nb._auth.session import Environment, environment_read, read_environment
from expertfile_nb._edits.journal import (
    Journal,
    binding_of,
    check_binding,
    default_journal_path,
    read_journal,
)
from expertfile_nb._edits.send import SETTLE_SECONDS, compare_value, kind_of, person_segment
from expertfile_nb._edits.table import ACCOUNT_CREATE
from expertfile_nb._http.deadline import time_left, within
from expertfile_nb.errors import ConfigurationError, ExpertFileError, NotFoundError

if TYPE_CHECKING:
    import requests
from expertfile_nb._edits.change import (
    _EARLIER_LOCK,
    FINAL,
    SECTION_COLUMNS,
    Change,
    _not_seen_whole,
    _same,
)
from expertfile_nb._edits.plan import ApplyResult, ChangePlan, _groups, _split, _status
from expertfile_nb._edits.restore import (
    _never_undone,
    _restoring,
    _shown,
    _without_secrets,
    find,
    restore_person,
)


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
        from expertfile_nb._auth.login import _ensure_login

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
        # the writes in flight: a change's read, comparison and synced journal line are
        # done outside it (in the threads beyond ``workers``), only the write inside
        self._slots = threading.BoundedSemaphore(workers)
        # group commit of the ``sending`` records (``_announce``): records appended, records
        # known to be on disk, and whether a thread is syncing them now
        self._sync = threading.Condition()
        self._written = self._synced = 0
        self._syncing = False
        self._reads: dict[int, Future[dict[str, Any] | None]] = {}
        self._todo: list[list[int]] = []
        self._reader = ThreadPoolExecutor(max_workers=1)  # replaced in run()
        self._fetched = 0  # the reads asked for: of the changes before this one
        self._environment: Environment | None = None  # set in run()
        self._ahead = 2 * workers  # set in run()
        self.undoing = undoing  # an undo's run: what may not be undone is reported
        self._created: dict[int, str] = {}  # restores: the person an earlier run created
        self._sent_before: set[int] = set()  # changes an earlier run announced sending
        self._parts_before: dict[int, set[str | None]] = {}  # and the parts of restores
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
                for i in record["n"] if "part" in record else ():
                    self._parts_before.setdefault(i, set()).add(record["part"])
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
            # twice the threads of the writes in flight: while ``workers`` writes travel,
            # the next changes are compared and announced (fsync), each then waiting for a
            # slot (``_turn``); never more than ``workers`` writes at once. One worker
            # stays strictly one change after another: a change is announced only once
            # the one before has its outcome in the journal
            threads = 2 * self.workers if self.workers > 1 else 1
            # the re-reads run ahead in their own pool: a change's read is asked for when
            # the change ``ahead`` places before it starts, about two rounds of writes
            # before its own write (one round with threads beyond the slots), so a
            # person's GET overlaps the writes of the people before them, every slot stays
            # busy, and no re-read is older than about one round trip when its write goes.
            # The first ones travel while the plan line is written (a read writes
            # nothing; no write is announced before the plan line is on disk)
            self._ahead = 3 * self.workers - threads
            # proxies and CA bundle: read from the environment once a run (as a pull does
            # once a pass), not for each read and write (requests would, ~0.3 ms each)
            self._environment = read_environment(self.session)
            reads = ThreadPoolExecutor(max_workers=self.workers)
            pool = ThreadPoolExecutor(max_workers=threads)
            try:
                self._todo, self._reader = todo, reads
                self._prefetch_to(threads - 1 + self._ahead)
                if journal.empty:
                    plan_line = {**self.plan._record(), **binding_of(self.session)}
                    journal.write(plan_line, sync=True)
                    if self.source is not None:
                        journal.write({"type": "source", "sending": self.source}, sync=True)
                list(pool.map(self._step, range(len(todo))))
            finally:
                # on an interrupt (Ctrl-C) the writes not started are dropped; those in
                # flight finish and are journaled; ef.resume(journal) does the rest
                pool.shutdown(wait=True, cancel_futures=True)
                reads.shutdown(wait=True, cancel_futures=True)
        ordered = [self.statuses[n] for n in range(len(self.plan.changes))]
        return ApplyResult(self.plan, ordered, self.path)

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """One write's slot: at most ``workers`` writes in flight, their starts ``pace``
        apart. Taken after the write's ``sending`` record is synced, held until its
        answer (re-reads and waits of :func:`send_write` included)."""
        with self._slots:
            self._wait_turn()
            yield

    def _wait_turn(self) -> None:
        if not self.pace:
            return
        with self._pace_lock:
            start = max(self._next, time.monotonic())
            self._next = start + self.pace
        time.sleep(max(0.0, start - time.monotonic()))

    def _announce(self, record: dict[str, Any]) -> None:
        """Append a ``sending`` record and return once it is on disk (as
        ``journal.write(record, sync=True)``), syncing together the records that other
        threads appended meanwhile: one ``fsync`` covers every record appended before it
        began, so each thread waits for one that began after its own record was written
        (or makes it). An ``fsync`` that fails raises in the thread that made it; the
        others then sync again themselves."""
        with self._sync:
            self.journal.write(record)
            self._written += 1
            mine = self._written
            while self._synced < mine:
                if self._syncing:
                    self._sync.wait()
                    continue
                self._syncing = True
                upto = self._written  # every one of these is in the file already
                self._sync.release()
                try:
                    os.fsync(self.journal._fd)
                finally:
                    self._sync.acquire()
                    self._syncing = False
                    self._sync.notify_all()
                self._synced = max(self._synced, upto)

    def _finish(self, n: int, status: str, detail: str = "", **extra: Any) -> None:
        record = _status(n, self.plan.changes[n], status, detail, **extra)
        self.statuses[n] = record
        self.journal.write({"type": "result", "n": n, "status": status, "detail": detail, **extra})

    def _group(self, group: list[int]) -> None:
        first = self.plan.changes[group[0]]
        if self.undoing and first.action == "update":
            head = group[0]  # the person's re-read was prefetched under the group's first
            reasons = {n: _never_undone(self.plan.changes[n]) for n in group}
            skipped = [n for n in group if reasons[n]]
            for n in skipped:
                self._finish(n, "not undone", reasons[n] or "")
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
                restore_person(self, group[0], first)
            elif first.action == "create":
                self._create(group[0], first)
            else:
                self._delete(group[0], first)
        except ExpertFileError as error:
            for n in group:
                if n not in self.statuses:
                    self._finish(n, "failed", f"{type(error).__name__}: {error}")

    def _prefetch_to(self, last: int) -> None:
        """Ask for the reads of the changes up to ``last`` not asked for yet."""
        with self._pace_lock:
            first, self._fetched = self._fetched, max(self._fetched, last + 1)
        for k in range(first, last + 1):
            self._prefetch(k)

    def _prefetch(self, k: int) -> None:
        if k < len(self._todo):
            first = self.plan.changes[self._todo[k][0]]
            if first.action != "create":
                future = self._reader.submit(self._read, first.username or "")
                self._reads[self._todo[k][0]] = future

    def _step(self, k: int) -> None:
        self._prefetch_to(k + self._ahead)
        with environment_read(self._environment):
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
        from expertfile_nb._edits.readback import _get_data

        path = self.person.path(self.session.org_id, person_segment(username))  # type: ignore[attr-defined] # an ExpertFileSession
        with environment_read(self._environment):
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
        from expertfile_nb._edits import people as writes

        noun = "expert" if self.plan.kind == "experts" else "staff_member"
        function: Callable[..., Any] = getattr(writes, f"{name}_{noun}")
        return function

    def _send_part(self, username: str, section: str | None, fields: dict[str, Any]) -> None:
        """One write of a person's update: the account's PUT (``section`` None) or a
        section's POST (biography, tagline, an item)."""
        if section is None:
            self._call("update")(username, session=self.session, deadline=self.deadline, **fields)
        else:
            from expertfile_nb._edits.items import add_section_item

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
            now = account[field]  # read cleaned of a held token (envelope.load_json)
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
            self._announce({"type": "sending", "n": ns})
            try:
                with self._turn():
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

    def _settle(self) -> bool:
        """Wait ``SETTLE_SECONDS`` before looking for a person again, if that fits in the
        deadline (what is left of the create's, or one write's); ``False`` if it does not:
        then nothing is resent (the status says to run it again)."""
        left = time_left()
        if self.deadline is not None and (left[0] if left else self.deadline) <= SETTLE_SECONDS:
            return False
        time.sleep(SETTLE_SECONDS)
        return True

    def _create(self, n: int, change: Change) -> None:
        from expertfile_nb._edits.people import find_person
        from expertfile_nb._edits.send import encode_fields

        body = encode_fields(change.new, ACCOUNT_CREATE, what="Create")
        # the searches and the settle delay count in the deadline; the write, sent after
        # its turn (the apply's own pacing), has a deadline of its own, as every write
        with within(self.deadline) if self.deadline else contextlib.nullcontext():
            existing = find_person(self.person, body, self.session)
            if n in self._sent_before and existing == "":
                # an earlier run sent this create and stopped before its outcome: a new
                # record may take a moment to show, so it is looked for again before it
                # is resent
                existing = find_person(self.person, body, self.session) if self._settle() else None
        if n in self._sent_before and existing is None:
            return self._finish(
                n,
                "failed",
                "UnconfirmedWriteError: an earlier run of this journal sent this create "
                "and the people could not be searched for it (or a namesake shows the names "
                "alone, or not again within the deadline): not sent again (run it again)",
            )
        if existing:
            named = {} if _not_seen_whole(existing) else {"username": existing}
            self._finish(n, "already applied", **named)
            return
        self.journal.write({"type": "sending", "n": [n]}, sync=True)
        with self._turn():
            answer = self._call("create")(
                session=self.session, deadline=self.deadline, **change.new
            )
        name = answer.get("username") if isinstance(answer, dict) else None
        if isinstance(name, str) and _not_seen_whole(name):
            # never into the journal or the statuses; undo finds the person by the fields
            detail = "the service answered a username holding the token: not recorded"
            self._finish(n, "applied", detail)
            return
        self._finish(n, "applied", **({"username": name} if name else {}))

    def _delete(self, n: int, change: Change) -> None:
        """Delete a person unless edited since the plan: the whole profile is read just
        before, compared with the plan's before values (as the service shows them), and
        journaled (synced) with the ``sending`` record: the before-image undo restores."""
        from expertfile_nb._edits.readback import _get_data

        prefetched = self._reads.pop(n, None)
        if prefetched is not None:
            prefetched.cancel()  # a delete reads the whole profile itself, just before
        username = change.username
        if not username:  # an undo of a create the service did not name: look it up
            username = find(self, change.old)
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
        with self._turn():
            self._call("delete")(username, session=self.session, deadline=self.deadline)
        self._finish(n, "applied", username=username)
        return None
