"""Mutations a second reviewer invented for issue 21's planning and apply side
(``expertfile_nb/_plan.py``, ``apply --unverifiable``, ``Client.plan_changes``): the
redaction at the source, the opt-in of fields no read shows, a new row's cells, the
parts of a person's update, blind writes on resume, undo of unverifiable changes."""

from __future__ import annotations

from mutations import Mutation

SAFE = "tests/test_plan_safety.py"
REVIEW = "tests/test_review21_plan.py"
PLAN = "expertfile_nb/_plan.py"


def review(name: str) -> str:
    return f"{REVIEW}::{name}"


MUTATIONS = [
    Mutation(
        name="review21_plan: a list value the service shows is not redacted",
        path=PLAN,
        old="        return [_redacted(v) for v in value]\n",
        new="        return value\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a dict value (a delete's image) is not redacted",
        path=PLAN,
        old="        return {k: _redacted(v) for k, v in value.items()}\n",
        new="        return value\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a held form at the very end of a value is not looked for",
        path=PLAN,
        old="for i in range(len(text) - _HEAD + 1))",
        new="for i in range(len(text) - _HEAD))",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: the secret heads are made once (a new token is not looked for)",
        path=PLAN,
        old="    if key != held:\n",
        new="    if not heads:\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: only the raw token is looked for (its base64 or hex kept)",
        path=PLAN,
        old="for h in held for f in forms_of(h) if len(f) >= _HEAD)",
        new="for h in held for f in (h,) if len(f) >= _HEAD)",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: values compared in NFKC (x² and x2 taken as the same)",
        path=PLAN,
        old='    return unicodedata.normalize("NFC", compare_value(value))\n',
        new='    return unicodedata.normalize("NFKC", compare_value(value))\n',
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: a shown field holding null taken as not shown (never written)",
        path=PLAN,
        old="            if field not in account:  # no read shows it: nothing to compare with\n",
        new="            if account.get(field) is None:\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a failed account PUT keeps the person's section POSTs back",
        path=PLAN,
        old='                    self._finish(n, "failed", f"{type(error).__name__}: {error}")\n'
        "                continue\n",
        new='                    self._finish(n, "failed", f"{type(error).__name__}: {error}")\n'
        "                for m in ours:\n"
        "                    if m not in self.statuses:\n"
        '                        self._finish(m, "failed", "not sent")\n'
        "                return\n",
        tests=[SAFE, "tests/test_write_readback.py"],
    ),
    Mutation(
        name="review21_plan: a blind write that failed before it was sent is never resent",
        path=PLAN,
        old='                    if record.get("type") == "sending" and '
        'isinstance(record.get("n"), list):\n',
        new='                    if record.get("type") == "result" and record.get("status"):\n'
        '                        earlier.add(record["n"])\n'
        '                    if record.get("type") == "sending" and '
        'isinstance(record.get("n"), list):\n',
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a shown field named in unverifiable= is written blind, never undone",
        path=PLAN,
        old="            mark = field in unshown\n",
        new="            mark = field in opted\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: unverifiable='department' (a string) read letter by letter",
        path=PLAN,
        old="    names = [unverifiable] if isinstance(unverifiable, str) else unverifiable\n",
        new="    names = unverifiable\n",
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: a new row's blank (not empty) cell of a non-create field refused",
        path=PLAN,
        old='dropped = [f for f in _NOT_CREATED if f in row.index and _key(_plain(row[f])) != ""]',
        new="dropped = [f for f in _NOT_CREATED if f in row.index and _plain(row[f]) is not None]",
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: a new row holding the token is planned (it would be published)",
        path=PLAN,
        old="        _refuse_secret(fields, where)\n",
        new="",
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: a new row's username holding the token is shown in the error",
        path=PLAN,
        old="(username {_redacted(_plain(row['username']))!r})",
        new="(username {_plain(row['username'])!r})",
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: an undo drops the unverifiable mark of a reversed update",
        path=PLAN,
        old="            reverse.append(replace(change, old=change.new, new=change.old))\n",
        new='            reverse.append(Change("update", change.username, change.field, '
        "change.new, change.old))\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: undo loses the re-read when the person's first change is not undone",
        path=PLAN,
        old="            if group[0] != head:\n"
        "                self._reads[group[0]] = self._reads.pop(head)\n",
        new="",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: to_frame marks the skipped changes as not skipped",
        path=PLAN,
        old='        rows += [{**asdict(c), "skipped": True} for c in self.skipped]\n',
        new='        rows += [{**asdict(c), "skipped": False} for c in self.skipped]\n',
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: a plan of skipped rows only logs in and writes a journal",
        path=PLAN,
        old="        if not self.changes:  # nothing to write: no login, no request, no journal\n",
        new="        if not self.changes and not self.skipped:\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: numpy scalars kept in a plan (not JSON: the journal fails)",
        path=PLAN,
        old="    return item() if callable(item) else value\n",
        new="    return value\n",
        tests=[SAFE, "tests/test_plan.py"],
    ),
    Mutation(
        name="review21_plan: a conflict's current value kept unredacted (token in the journal)",
        path=PLAN,
        old='                self._finish(n, "conflict", "edited meanwhile", current=now)\n',
        new='                self._finish(n, "conflict", "edited meanwhile", '
        "current=account[field])\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: apply --unverifiable not passed to the plan",
        path="expertfile_nb/_apply_cli.py",
        old="unverifiable=tuple(args.unverifiable or ())",
        new="unverifiable=()",
        tests=["tests/test_apply_csv.py::test_a_field_no_read_shows_needs_unverifiable_by_name"],
    ),
    Mutation(
        name="review21_plan: Client.plan_changes drops unverifiable=",
        path="expertfile_nb/client.py",
        old="allow_delete=allow_delete, unverifiable=unverifiable\n",
        new="allow_delete=allow_delete\n",
        tests=["tests/test_client.py"],
    ),
    Mutation(
        name="review21_plan: an opted-in field that the read does show is written blind",
        path=PLAN,
        old="            if field not in account:  # no read shows it: nothing to compare with\n",
        new="            if field not in account or change.unverifiable:\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a value edited to equal the token is refused only when whole",
        path=PLAN,
        old="    return bool(_redacted(value) != value)\n",
        new="    return bool(_redacted(value) == '***')\n",
        tests=[SAFE, "tests/test_plan.py"],
    ),
]
