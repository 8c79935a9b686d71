"""Mutations invented by a reviewer of issue 21's fixes (writes, read-back, journal, undo, CSV)."""

from mutations import Mutation

READBACK = "tests/test_write_readback.py"
SAFETY = "tests/test_write_safety.py"
UNDO = "tests/test_undo_safety.py"
JOURNAL = "tests/test_journal_safety.py"
CSV = "tests/test_apply_csv.py"
CLI = "tests/test_apply_cli.py"
ROUND = "tests/test_round_trip.py"
REVIEW = "tests/test_review21_writes.py"
ATTACKS = "tests/test_review21_attacks.py"


def _m(name: str, path: str, old: str, new: str, *tests: str) -> Mutation:
    # the reviewer's own tests last: the older files fail first when they can
    tests_run = list(dict.fromkeys([*tests, REVIEW, ATTACKS]))
    return Mutation(name=f"review21: {name}", path=path, old=old, new=new, tests=tests_run)


W = "expertfile_nb/_edits/send.py"
WR = "expertfile_nb/_edits/writes.py"
J = "expertfile_nb/_edits/journal.py"
C = "expertfile_nb/cli/apply.py"

MUTATIONS = [
    # -- _edits/send.py -------------------------------------------------------------------
    _m(
        "a 500 after a write taken as a refusal (no re-read)",
        W,
        "error.status is None or error.status >= 500)",
        "error.status is None or error.status > 500)",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "the re-read tried once (one failed GET: unconfirmed)",
        W,
        "    for attempt in range(3):\n",
        "    for attempt in range(1):\n",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "one resend more than MAX_RESENDS",
        W,
        "if resends > MAX_RESENDS or",
        "if resends > MAX_RESENDS + 1 or",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "a 429 waited for past the deadline",
        W,
        "            if time.monotonic() + wait >= end:\n                raise\n",
        "",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "NaN sent as 'nan'",
        W,
        "    if value is None or (isinstance(value, float) and math.isnan(value)):\n"
        '        return ""\n    if name in FLAG_FIELDS:',
        '    if value is None:\n        return ""\n    if name in FLAG_FIELDS:',
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "a required field of spaces only accepted",
        W,
        'if not body.get(name, "").strip()]',
        'if not body.get(name, "")]',
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "compare_value: pandas' NA compared as '<NA>'",
        W,
        '        if value is pd.NA or value is pd.NaT:\n            return ""\n',
        "        pass\n",
        READBACK,
        SAFETY,
        UNDO,
        REVIEW,
    ),
    _m(
        "compare_value: True compared as 'True' (not the 1 a write sends)",
        W,
        '    if value is True or value is False:\n        return "1" if value else "0"\n',
        "",
        READBACK,
        SAFETY,
        UNDO,
        REVIEW,
    ),
    _m(
        "the settle delay skipped (re-read at once)",
        W,
        "    time.sleep(SETTLE_SECONDS)\n",
        "",
        READBACK,
        REVIEW,
    ),
    _m(
        "a '..' username sent as a path segment",
        W,
        '    if text in (".", ".."):\n'
        '        raise ConfigurationError(f"username cannot be {text!r}.")\n',
        "",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "an item id's '/' not encoded",
        W,
        'return quote(sendable("item_id", str(item_id).strip()), safe="")',
        'return quote(sendable("item_id", str(item_id).strip()), safe="/")',
        READBACK,
        SAFETY,
        REVIEW,
    ),
    # -- writes.py ---------------------------------------------------------------------
    _m(
        "a read showing none of the sent fields confirms the write",
        WR,
        "    return True if seen else None\n",
        "    return True\n",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "find_person takes a candidate whose account shows none of the fields",
        WR,
        "if account is not None and _matches(account, body):",
        "if account is not None and _matches(account, body) is not False:",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "find_person: an unreadable list taken as 'nobody' (a create resent)",
        WR,
        "        if not isinstance(data, dict) or not isinstance(data.get(key), list):\n"
        "            return None\n",
        "        if not isinstance(data, dict) or not isinstance(data.get(key), list):\n"
        '            return ""\n',
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "an added item's read-back that cannot tell taken as absent (resent)",
        WR,
        "return False if any(r is False for r in results) or not items else None",
        "return False",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "a person's delete read-back inverted",
        WR,
        "        lambda s: not _exists(s, path),\n",
        "        lambda s: _exists(s, path),\n",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "an updated item not found on read-back taken as not done (resent)",
        WR,
        "return _matches(mine[0], body, _item_keys(row.name)) if mine else None",
        "return _matches(mine[0], body, _item_keys(row.name)) if mine else False",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    _m(
        "a deleted item's unreadable section taken as deleted",
        WR,
        "        if items is None:\n            return None\n        return not any(",
        "        if items is None:\n            return True\n        return not any(",
        READBACK,
        SAFETY,
        REVIEW,
    ),
    # -- _edits/plan.py: binding, run, delete, restore, reverse, undo ------------------------
    _m(
        "binding: the organization not compared",
        "expertfile_nb/_edits/journal.py",
        "    if there != here:\n",
        '    if there["base_url"] != here["base_url"]:\n',
        JOURNAL,
        UNDO,
        REVIEW,
    ),
    _m(
        "undo does not lock the apply's journal",
        "expertfile_nb/_edits/undo.py",
        "    with locked(journal):  # the apply is not going on meanwhile\n",
        "    if True:\n",
        JOURNAL,
        UNDO,
        REVIEW,
    ),
    _m(
        "a person already gone reported 'applied' by a delete",
        "expertfile_nb/_edits/apply.py",
        '            return self._finish(n, "already applied", username=username)\n',
        '            return self._finish(n, "applied", username=username)\n',
        UNDO,
        ROUND,
        REVIEW,
    ),
    _m(
        "a restore whose create an earlier run sent creates again",
        "expertfile_nb/_edits/apply.py",
        "        if not username and n in self._sent_before:  # an earlier run sent the create\n",
        "        if False:\n",
        UNDO,
        JOURNAL,
        REVIEW,
    ),
    _m(
        "a restore rewrites account fields the new person already shows",
        "expertfile_nb/_edits/restore.py",
        "        if account.get(k) is not None and compare_value(shown.get(k)) "
        "!= compare_value(account[k])\n",
        "        if account.get(k) is not None\n",
        UNDO,
        REVIEW,
    ),
    _m(
        "a restore takes one shown item as matching two of the image",
        "expertfile_nb/_edits/restore.py",
        "                have.remove(match)  # one shown item matches one item of the image\n",
        "                pass\n",
        UNDO,
        REVIEW,
    ),
    _m(
        "undo restores the first image of a delete, not the latest",
        "expertfile_nb/_edits/undo.py",
        '                    images[n] = record["image"]  # the latest read before the delete\n',
        '                    images.setdefault(n, record["image"])\n',
        UNDO,
        JOURNAL,
        REVIEW,
    ),
    _m(
        "a group partly finished by an earlier run is skipped whole",
        "expertfile_nb/_edits/apply.py",
        "                rest = [n for n in group if n not in done]\n",
        "                rest = [] if any(n in done for n in group) else list(group)\n",
        UNDO,
        JOURNAL,
        ROUND,
        REVIEW,
    ),
    _m(
        "a failed change counted as finished by a resume",
        "expertfile_nb/_edits/apply.py",
        'if record.get("type") == "result" and record.get("status") in FINAL:',
        'if record.get("type") == "result":',
        UNDO,
        JOURNAL,
        ROUND,
        REVIEW,
    ),
    _m(
        "a resume forgets the person an earlier run of the restore created",
        "expertfile_nb/_edits/apply.py",
        '                self._created[record["n"]] = record["username"]\n',
        "                pass\n",
        UNDO,
        JOURNAL,
        ATTACKS,
    ),
    _m(
        "a restore writes the organization's sections as the person's",
        "expertfile_nb/_edits/restore.py",
        "        if key in _NOT_THE_PERSONS or not isinstance(items, list) or not items:\n",
        "        if not isinstance(items, list) or not items:\n",
        UNDO,
        ATTACKS,
    ),
    _m(
        "a restore whose earlier create was shown not made is never sent again (stuck)",
        "expertfile_nb/_edits/apply.py",
        "            if username is None:\n                return self._finish(\n",
        "            if not username:\n                return self._finish(\n",
        UNDO,
        ATTACKS,
    ),
    _m(
        "an undo run after its apply was resumed keeps its stale results",
        "expertfile_nb/_edits/apply.py",
        "        if self.source is not None and (not noted or noted[-1] != self.source):\n",
        "        if False:\n",
        UNDO,
        ATTACKS,
    ),
    # -- _edits/journal.py -------------------------------------------------------------------
    _m(
        "a record may name the change one past the plan's end",
        J,
        "and 0 <= value < count\n",
        "and 0 <= value <= count\n",
        JOURNAL,
        REVIEW,
    ),
    _m(
        "a record may name a change by true/false",
        J,
        "return isinstance(value, int) and not isinstance(value, bool) and",
        "return isinstance(value, int) and",
        JOURNAL,
        REVIEW,
    ),
    _m(
        "the journal's lock is shared (two runs at once)",
        J,
        "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)",
        "fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)",
        JOURNAL,
        REVIEW,
    ),
    # -- cli/apply.py -----------------------------------------------------------------
    _m(
        "a journal elsewhere (ConfigurationError) exits 1, not 2",
        C,
        '        print(f"error: {exc}", file=sys.stderr)\n        return _USAGE\n\n\ndef _existing',
        '        print(f"error: {exc}", file=sys.stderr)\n        return 1\n\n\ndef _existing',
        CSV,
        CLI,
        JOURNAL,
        ATTACKS,
    ),
    _m(
        "a read-only column refused even when the CSV holds what the service does",
        C,
        "if column not in EDITABLE and compare_value(value) != compare_value(held):",
        "if column not in EDITABLE:",
        CSV,
        CLI,
    ),
    _m(
        "a row as long as the header refused",
        C,
        "    if len(record) > len(columns):\n",
        "    if len(record) >= len(columns):\n",
        CSV,
        CLI,
        REVIEW,
    ),
    _m(
        "a number cell with decimals truncated to a whole number",
        C,
        "                value = int(text)\n",
        "                value = int(float(text))\n",
        CSV,
        CLI,
        REVIEW,
    ),
    _m(
        "a row with one blank cell dropped whole",
        C,
        "    if not any(cells.values()):\n",
        "    if not all(cells.values()):\n",
        CSV,
        CLI,
        REVIEW,
    ),
    _m(
        "--dry-run with a journal finishes it (writes)",
        C,
        "    if args.dry_run:\n        raise _BadInput(",
        "    if False:\n        raise _BadInput(",
        CSV,
        CLI,
        REVIEW,
    ),
]
