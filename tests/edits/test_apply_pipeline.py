"""plan.apply's pipeline: the next changes are compared and announced while the writes
travel, but never more than ``workers`` writes at once, and never one whose ``sending``
record is not on disk yet (the records of several threads are synced together).

Against a plain server's directory that keeps writes (``tests/edits/writes_directory.py``), a
subclass of it that holds each write until one more arrives (or a moment passes), so
writes that would overlap do.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from tests.edits.writes_directory import Directory, make_accounts
from tests.reads.service import PlainService

#: how long a write is held waiting for one more to arrive (an upper bound, not a timing)
HOLD = 1.0


class Holding(Directory):
    """Holds each PUT until ``limit + 1`` are in the server at once, or ``HOLD`` s pass;
    logs each PUT's arrival in ``events`` (shared with the client's profiler)."""

    def __init__(self, count: int, limit: int, events: list[tuple[Any, ...]]) -> None:
        super().__init__(make_accounts(count))
        self.limit = limit
        self.events = events
        self.in_flight = 0
        self.peak = 0
        self.reads = self.answered = 0  # a person's GETs received, PUTs answered
        self.reads_ahead = 0  # the most reads received beyond the writes answered
        self.cond = threading.Condition()

    def __call__(self, request: Request) -> Response:
        if request.method == "GET" and request.path.count("/") == 5:  # a person's read
            with self.cond:
                self.reads += 1
                self.reads_ahead = max(self.reads_ahead, self.reads - self.answered)
        if request.method != "PUT":
            return super().__call__(request)
        with self.cond:
            self.events.append(("PUT", request.path.rsplit("/", 1)[1]))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.in_flight > self.limit, timeout=HOLD)
        try:
            return super().__call__(request)
        finally:
            with self.cond:
                self.in_flight -= 1
                self.answered += 1


def run(server: PlainService, tmp_path: Path, count: int, workers: int) -> Holding:
    server.begin()
    directory = Holding(count, workers, [])
    directory.install(server)
    before = directory.frame()
    after = before.assign(job_title=[f"Dean {i}" for i in range(count)])
    result = ef.plan_changes(before, after).apply(journal=tmp_path / "j.jsonl", workers=workers)
    assert result.counts == {"applied": count}, result.statuses
    return directory


def test_no_more_writes_travel_at_once_than_workers(server: PlainService, tmp_path: Path) -> None:
    # twice as many threads compare and announce changes as writes may travel: a write
    # beyond the budget would arrive while two are held, and be seen
    directory = run(server, tmp_path, 8, 2)
    assert directory.peak == 2  # the budget is used, and not exceeded


def test_the_reads_run_at_most_three_rounds_ahead_of_the_writes_answered(
    server: PlainService, tmp_path: Path
) -> None:
    # each write held until HOLD passes: the reads go as far ahead as they may. Twice the
    # threads of the writes start changes; each change started asks for the read of the
    # change ``workers`` places on: 3 x workers reads beyond the writes answered at most,
    # so a read is about one round of writes old when its own write goes
    directory = run(server, tmp_path, 15, 3)
    assert directory.reads == 15
    assert directory.reads_ahead == 9


def test_each_write_leaves_after_an_fsync_begun_after_its_sending_record(
    server: PlainService, tmp_path: Path
) -> None:
    # The client's os.write / os.fsync calls and its returns from announcing a record seen
    # through the profiler (not patched), the server's PUTs logged by the handler, in one
    # list under one lock. Each thread that appends a sending record must return from
    # announcing it only after an fsync that began after the record was appended has
    # ended; the PUT comes after. The first few syncs are held, once begun, until another
    # thread has appended its record (or HOLD passes): a record appended while an fsync
    # is under way, which that fsync need not cover, then certainly happens.
    events: list[tuple[Any, ...]] = []
    lock = threading.Lock()
    appended = threading.Event()
    held = [3]

    def profile(frame: Any, event: str, arg: Any) -> None:
        me = threading.get_ident()
        if event == "c_call" and arg is os.write:
            record = frame.f_locals.get("record")
            if isinstance(record, dict) and record.get("type") == "sending":
                with lock:
                    events.append(("sending", me, tuple(record["n"])))
                appended.set()
        elif event in ("c_call", "c_return") and arg is os.fsync:
            with lock:
                events.append((event, me))
                hold = event == "c_call" and frame.f_code.co_name == "_announce" and held[0] > 0
                held[0] -= hold
                if hold:
                    appended.clear()
            if hold:
                appended.wait(HOLD)
        elif event == "return" and frame.f_code.co_name == "_announce":
            with lock:
                events.append(("announced", me))

    count, workers = 24, 6
    server.begin()
    directory = Holding(count, workers, events)
    directory.install(server)
    directory.limit = 0  # not held: a write goes as soon as its slot and its record allow
    before = directory.frame()
    after = before.assign(job_title=[f"Dean {i}" for i in range(count)])
    plan = ef.plan_changes(before, after)
    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        result = plan.apply(journal=tmp_path / "j.jsonl", workers=workers)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    assert result.counts == {"applied": count}
    assert held == [0]  # the held syncs happened

    def first(kind: str, thread: int, after: int) -> int:
        return next(i for i in range(after + 1, len(events)) if events[i][:2] == (kind, thread))

    names = {c.username: n for n, c in enumerate(plan.changes)}
    puts = {names[e[1]]: i for i, e in enumerate(events) if e[0] == "PUT"}
    assert sorted(puts) == list(range(count))
    for written, event in enumerate(events):
        if event[0] != "sending":
            continue
        back = first("announced", event[1], written)
        covering = [
            i
            for i in range(written + 1, back)
            if events[i][0] == "c_call" and first("c_return", events[i][1], i) < back
        ]
        assert covering, f"the record of {event[2]} was taken as synced by an earlier fsync"
        assert all(puts[n] > back for n in event[2])


def test_one_worker_announces_a_change_after_the_one_before_has_its_outcome(
    server: PlainService, tmp_path: Path
) -> None:
    run(server, tmp_path, 4, 1)
    kinds = [json.loads(line)["type"] for line in (tmp_path / "j.jsonl").read_text().splitlines()]
    assert kinds == ["plan"] + ["sending", "result"] * 4
