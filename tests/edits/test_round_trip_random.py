"""A randomized round trip against the bundled fake: 200 seeded trials of plan → apply
(faults after writes, a crash then ``ef.resume``) → someone else's edits → undo.

Each trial edits a few people: fields the read shows (compared), a field no read shows
(named in ``unverifiable=``: written blind, never undone), biography and tagline, and
creates a person; the kinds listed in :data:`OPS` are drawn. After each undo:

- every field is its before value, or someone else's later value with the undo
  reporting a conflict for it, or (an unverifiable edit) the new value with the undo
  not reporting it applied;
- nothing was written that the plan did not show (each write's person and fields are
  the plan's);
- nothing was doubled: one write per planned write in the apply (resume included) and
  one per reversed write in the undo, counted in the fake's own journal.

One fake per module with a dozen experts; ``reset()`` before each trial gives every
trial the same starting data.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import expertfile_nb as ef
from expertfile_nb._edits.change import SECTION_COLUMNS
from expertfile_nb._edits.send import compare_value
from fake_server import FakeExpertFile

TRIALS = 200
#: the kinds of change a trial draws from: an edit of a field the read shows, of one it
#: does not (opted in), of biography/tagline; a create; a delete (allow_delete=True: the
#: undo brings the whole profile back); someone else editing a person the apply created
#: (the undo must report a conflict, neither delete it nor skip it silently)
OPS: tuple[str, ...] = ("shown", "hidden", "section", "create", "delete", "edit_created")
#: faults (500, dropped connection) also after a biography/tagline POST
FAULTS_AFTER_SECTION_WRITES = True
SHOWN = ("job_title", "company", "location_city", "phone_number")
HIDDEN = ("department", "location_room")
WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeExpertFile]:
    with FakeExpertFile(experts=12) as fake:
        yield fake


@pytest.fixture(scope="module")
def pool(server: FakeExpertFile) -> list[str]:
    ef.login(server.client_id, server.client_secret, base_url=server.url)
    frame = ef.get_experts(limit=12, progress=False, access="all", status="all")
    return [str(n) for n in frame.username]


def _keys(entries: list[Any], org: int) -> Counter[tuple[str, ...]]:
    """Each made write as (what, person, field…): an account PUT counts once per field, a
    section POST once per item sent (a restore adds several items to one section)."""
    base = f"/v2/organization/{org}/expert"
    counted: Counter[tuple[str, ...]] = Counter()
    for e in entries:
        rest = e.path[len(base) :].strip("/")
        if e.method == "PUT":
            for field in e.form:
                counted["update", rest, field] += 1
        elif e.method == "POST" and not rest:
            counted["create", e.form.get("email", "")] += 1
        elif e.method == "POST":
            person, section = rest.split("/", 1)
            item = json.dumps(sorted(e.form.items()))
            counted["section", person, section, item] += 1
        else:
            counted["delete", rest] += 1
    return counted


def _hidden(server: FakeExpertFile, name: str, field: str) -> Any:
    person = server.store.person(server.org_id, name)
    return None if person is None else person.account.get(field)


def _same(a: Any, b: Any) -> bool:
    return compare_value(a) == compare_value(b)


def _found(fullname: str) -> list[str]:
    frame = ef.get_experts(q=fullname, searchfield="fullname", access="all", status="all")
    return [str(n) for n in frame.username]


def _crash(journal: Path, rng: random.Random) -> None:
    """The journal as a crash leaves it: the results written after the last (synced)
    ``sending`` record lost, sometimes the last line torn."""
    lines = journal.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if json.loads(line)["type"] == "sending")
    kept = lines[: last + 1] + [
        line for line in lines[last + 1 :] if json.loads(line)["type"] != "result"
    ]
    if rng.random() < 0.3:
        kept.append('{"type":"result","n":0,"sta')  # torn by the crash
    journal.write_text("".join(kept))


def _trial(server: FakeExpertFile, pool: list[str], seed: int, tmp: Path) -> None:
    rng = random.Random(seed)  # noqa: S311 # test data, not a secret
    server.reset()
    ef.login(server.client_id, server.client_secret, base_url=server.url)
    org = server.org_id
    people = rng.sample(pool, 3)
    ops = [(rng.choice(OPS), rng.randrange(len(people))) for _ in range(rng.randint(1, 4))]
    for name in {people[row] for op, row in ops if op == "hidden"}:
        # a value the hidden fields hold, that no read shows: an undo must not lose it
        ef.update_expert(name, department=f"Dept {seed}", location_room=f"R{seed}")
    before = ef.get_profiles(people, progress=False)
    for field in HIDDEN:  # what the service holds, as the user may know it
        before[field] = [_hidden(server, n, field) for n in before.username]
    after = before.copy()
    blind: set[str] = set()
    emails: dict[str, str] = {}  # email → full name of each person created
    for k, (op, person) in enumerate(ops):
        # gone once deleted: its edits are no-ops (a new row's username is <NA>: not this one)
        row = (after.username == people[person]).fillna(False).astype(bool)
        if op == "shown":
            field = rng.choice(SHOWN)
            after.loc[row, field] = rng.choice([f"{field} {seed}.{k}", None])
        elif op == "hidden":
            field = rng.choice(HIDDEN)
            after.loc[row, field] = f"new {field} {seed}"
            blind.add(field)
        elif op == "section":
            column = rng.choice(list(SECTION_COLUMNS))
            after.loc[row, column] = f"{column} {seed}.{k}"
        elif op == "create":
            email = f"new.{seed}.{k}@example.org"
            new = {"firstname": "Nova", "lastname": f"Trial{seed}x{k}", "job_title": "Fellow"}
            new |= {"email": email, "company": "Example"}
            new |= {"location_city": rng.choice(["", "Oslo"])}
            after = pd.concat([after, pd.DataFrame([new])], ignore_index=True)
            emails[email] = f"{new['firstname']} {new['lastname']}"
        elif op == "delete":
            after = after[~row].reset_index(drop=True)
    plan = ef.plan_changes(before, after, allow_delete=True, unverifiable=sorted(blind))
    if not len(plan):
        return
    planned = _keys_of_plan(plan, org)

    # the apply: a fault after a write, and sometimes a crash resumed
    journal = tmp / f"{seed}.jsonl"
    begin = len(server.journal)
    fault = rng.choice(["none", "500", "drop"])
    sections = any(c.field in SECTION_COLUMNS for c in plan)
    if sections and not FAULTS_AFTER_SECTION_WRITES:
        fault = "none"
    if fault == "500":
        server.fail_after_write_next(1)
    elif fault == "drop":
        server.drop_after_write_next(1)
    result = plan.apply(journal=journal, workers=rng.choice([1, 3]))
    unsure = _unconfirmed(result, seed)
    if not unsure and rng.random() < 0.4:
        _crash(journal, rng)
        _unconfirmed(ef.resume(journal), seed)
    applied = _keys(_made_since(server, begin), org)
    # nothing the plan did not show (a section write as its section, whatever item it sent)
    assert {k[:3] for k in applied} <= planned, (seed, applied, planned)
    assert max(applied.values(), default=1) == 1, (seed, applied)  # nothing doubled

    # someone else edits one of the people (maybe a field the plan changed)
    theirs: dict[tuple[str, str], str] = {}
    if rng.random() < 0.5:
        name = rng.choice(people)
        if name in set(after.username):
            field = rng.choice(SHOWN)
            theirs[name, field] = f"theirs {seed}"
            ef.update_expert(name, **{field: theirs[name, field]})
    if "edit_created" in OPS and emails and rng.random() < 0.5:
        created = [s["username"] for s in result.statuses if s["action"] == "create"]
        if created and created[0]:
            ef.update_expert(created[0], job_title=f"theirs {seed}")
            theirs[created[0], "job_title"] = f"theirs {seed}"

    start = len(server.journal)
    if rng.random() < 0.3 and (FAULTS_AFTER_SECTION_WRITES or not sections):
        server.fail_after_write_next(1)
    undone = result.undo()
    undo_writes = _keys(_made_since(server, start), org)
    assert max(undo_writes.values(), default=1) == 1, (seed, undo_writes)
    reverse = {(s["username"], s["field"]): s for s in undone.statuses}

    # after the undo: every field its before value, or reported
    deleted = [c.username or "" for c in plan if c.action == "delete"]
    kept = [n for n in people if n not in deleted]
    now = ef.get_profiles(kept, progress=False).set_index("username")
    was = before.set_index("username")
    for name in kept:
        for field in [*SHOWN, *SECTION_COLUMNS]:
            got = now.loc[name, field]
            if (name, field) in theirs:
                assert got == theirs[name, field], (seed, name, field)
                if any(c.username == name and c.field == field for c in plan):
                    assert reverse[name, field]["status"] == "conflict", (seed, reverse)
            else:
                assert _same(got, was.loc[name, field]), (seed, name, field, got)
        for field in HIDDEN:
            if _same(_hidden(server, name, field), was.loc[name, field]):
                continue
            # an unverifiable edit: left as written, and the undo says it did not undo it
            assert field in blind, (seed, name, field)
            assert reverse[name, field]["status"] != "applied", (seed, reverse)
            assert ("update", name, field) not in undo_writes, (seed, undo_writes)
    restored = [s["username"] for s in undone.statuses if s["action"] == "create"]
    assert len(restored) == len(deleted), (seed, "one restore a delete", undone.statuses)
    assert all(isinstance(b, str) for b in restored), (seed, "undo names whom it re-created")
    backs = ef.get_profiles(restored, progress=False).set_index("username") if deleted else None
    for name in deleted:  # back whole, under the username the undo reports
        assert backs is not None
        (back,) = [b for b in restored if backs.loc[b, "email"] == was.loc[name, "email"]]
        again = backs.loc[back]
        for field in ["firstname", "lastname", "email", *SHOWN, *SECTION_COLUMNS]:
            assert _same(again[field], was.loc[name, field]), (seed, name, field)
    for email, fullname in emails.items():
        found = [
            s for s in result.statuses if s["action"] == "create" and s["new"]["email"] == email
        ]
        assert len(found) == 1, (seed, email, [(s["action"], s["status"]) for s in result.statuses])
        (created,) = found
        if (created["username"], "job_title") in theirs:  # edited since: left, reported
            assert any(s["status"] == "conflict" for s in undone.statuses), (seed, undone)
            assert _found(fullname) == [created["username"]], (seed, email)
        else:
            assert _found(fullname) == [], (seed, email)


def _unconfirmed(result: ef.ApplyResult, seed: int) -> list[dict[str, Any]]:
    """The changes not applied, each an unverifiable write whose outcome is unknown (a
    blind write answered 500, or announced by a run that crashed): never taken as done,
    never sent again. Anything else not applied fails the trial."""
    unsure = [s for s in result.statuses if s["status"] not in ("applied", "already applied")]
    assert all(
        s["unverifiable"] and s["detail"].startswith("UnconfirmedWriteError") for s in unsure
    ), (seed, [(u["field"], u["unverifiable"], u["status"], u["detail"][:80]) for u in unsure])
    return unsure


def _made_since(server: FakeExpertFile, start: int) -> list[Any]:
    entries = server.journal[start:]
    return [
        e
        for e in entries
        if e.method in WRITES and "/oauth/" not in e.path and not 400 <= e.status < 500
    ]


def _keys_of_plan(plan: ef.ChangePlan, org: int) -> set[tuple[str, ...]]:
    """The writes the plan shows, as :func:`_keys` counts them."""
    keys: set[tuple[str, ...]] = set()
    for change in plan:
        if change.action == "update" and change.field in SECTION_COLUMNS:
            keys.add(("section", change.username or "", SECTION_COLUMNS[change.field][0]))
        elif change.action == "update":
            keys.add(("update", change.username or "", change.field or ""))
        elif change.action == "create":
            keys.add(("create", change.new["email"]))
        else:
            keys.add(("delete", change.username or ""))
    return keys


def test_randomized_round_trips_restore_every_field_or_report_it(
    server: FakeExpertFile, pool: list[str], tmp_path: Path
) -> None:
    for seed in range(TRIALS):
        _trial(server, pool, seed, tmp_path)
