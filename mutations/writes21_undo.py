"""Mutations of undo and the journal (issue 21: points 3, 6, 7, 8 and the minor ones)."""

from mutations import Mutation

UNDO = "tests/edits/test_undo_safety.py"
JOURNAL = "tests/edits/test_journal_safety.py"
JOURNAL_PY = "expertfile_nb/_edits/journal.py"

MUTATIONS = [
    Mutation(
        name="writes21_undo: delete conflict compared raw (not as the service shows values)",
        path="expertfile_nb/_edits/apply.py",
        old="            if k in current and compare_value(current[k]) != compare_value(v)\n"
        "        ]\n        if edited:\n"
        '            self._finish(n, "conflict", f"edited meanwhile:',
        new="            if k in current and current[k] != v\n"
        "        ]\n        if edited:\n"
        '            self._finish(n, "conflict", f"edited meanwhile:',
        tests=[f"{UNDO}::test_a_delete_is_compared_as_the_service_shows_values"],
    ),
    Mutation(
        name="writes21_undo: a person edited since is deleted anyway (no delete conflict)",
        path="expertfile_nb/_edits/apply.py",
        old='        if edited:\n            self._finish(n, "conflict", f"edited meanwhile:',
        new="        if edited and False:\n"
        '            self._finish(n, "conflict", f"edited meanwhile:',
        tests=[
            f"{UNDO}::test_an_undo_deletes_the_person_the_create_answer_named",
            f"{UNDO}::test_a_person_whose_biography_changed_since_the_plan_is_not_deleted",
        ],
    ),
    Mutation(
        name="writes21_undo: a create's answered username ignored by undo",
        path="expertfile_nb/_edits/undo.py",
        old='        if record.get("type") == "result" and record.get("username"):\n',
        new='        if record.get("type") == "result" and record.get("username") and False:\n',
        tests=[f"{UNDO}::test_an_undo_deletes_the_person_the_create_answer_named"],
    ),
    Mutation(
        name="writes21_undo: an unfound create kept as a delete of None",
        path="expertfile_nb/_edits/apply.py",
        old="            if not username:\n                return self._finish(\n"
        '                    n,\n                    "conflict",',
        new="            if not username and False:\n                return self._finish(\n"
        '                    n,\n                    "conflict",',
        tests=[f"{UNDO}::test_an_undo_of_an_unfound_create_sends_no_delete"],
    ),
    Mutation(
        name="writes21_undo: plan line rewritten on every resume",
        path="expertfile_nb/_edits/apply.py",
        old="            if journal.empty:\n",
        new="            if True:\n",
        tests=[f"{JOURNAL}::test_the_plan_line_is_written_once"],
    ),
    Mutation(
        name="writes21_undo: a delete's sending (with its image) not fsynced",
        path="expertfile_nb/_edits/apply.py",
        old='{"type": "sending", "n": [n], "image": image}, sync=True)',
        new='{"type": "sending", "n": [n], "image": image}, sync=False)',
        tests=[f"{JOURNAL}::test_each_sending_record_is_synced_before_its_write"],
    ),
    Mutation(
        name="writes21_undo: the journal never syncs",
        path=JOURNAL_PY,
        old="        if sync:\n            os.fsync(self._fd)\n",
        new="        if sync and False:\n            os.fsync(self._fd)\n",
        tests=[f"{JOURNAL}::test_each_sending_record_is_synced_before_its_write"],
    ),
    Mutation(
        name="writes21_undo: delete image (plan) of the required fields only",
        path="expertfile_nb/_edits/diff.py",
        old="            _redacted({k: _plain(v) for k, v in row.items() if k in EDITABLE}),\n",
        new="            _redacted({k: _plain(v) for k, v in row.items()"
        " if k in ACCOUNT_REQUIRED}),\n",
        tests=[f"{UNDO}::test_a_person_whose_biography_changed_since_the_plan_is_not_deleted"],
    ),
    Mutation(
        name="writes21_undo: delete image (journal) of the account only",
        path="expertfile_nb/_edits/apply.py",
        old='{"type": "sending", "n": [n], "image": image}, sync=True)',
        new='{"type": "sending", "n": [n], "image": {"account": image["account"]}}, sync=True)',
        tests=[f"{UNDO}::test_a_deleted_person_is_restored_whole_under_a_new_username"],
    ),
    Mutation(
        name="writes21_undo: undo drops falsy fields (0, '', False) of the before-image",
        path="expertfile_nb/_edits/restore.py",
        old="        if account.get(k) is not None and compare_value(shown.get(k))",
        new="        if account.get(k) and compare_value(shown.get(k))",
        tests=[f"{UNDO}::test_a_restore_keeps_zero_and_empty_values"],
    ),
    Mutation(
        name="writes21_undo: a restore re-adds items the new profile already shows",
        path="expertfile_nb/_edits/restore.py",
        old="            match = next((h for h in have if _same_item(h, want)), None)\n",
        new="            match = None\n",
        tests=[f"{UNDO}::test_a_restore_stopped_part_way_adds_only_what_is_missing"],
    ),
    Mutation(
        name="writes21_undo: a restore takes no section items back",
        path="expertfile_nb/_edits/restore.py",
        old="            writes.append((section.name, want))\n",
        new="            pass\n",
        tests=[f"{UNDO}::test_a_deleted_person_is_restored_whole_under_a_new_username"],
    ),
    Mutation(
        name="writes21_undo: journal version unchecked",
        path=JOURNAL_PY,
        old="    if version != VERSION:\n",
        new="    if False:\n",
        tests=[f"{JOURNAL}::test_a_journal_of_another_version_is_refused"],
    ),
    Mutation(
        name="writes21_undo: default journal path to the second only",
        path=JOURNAL_PY,
        old='folder / f"apply-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.jsonl"',
        new='folder / f"apply-{stamp}.jsonl"',
        tests=[f"{JOURNAL}::test_default_journal_paths_never_collide"],
    ),
    Mutation(
        name="writes21_undo: a resume does not check the journal's service",
        path="expertfile_nb/_edits/apply.py",
        old="        check_binding(header, self.session, self.path)\n",
        new="",
        tests=[f"{JOURNAL}::test_a_journal_is_refused_against_another_service"],
    ),
    Mutation(
        name="writes21_undo: an undo does not check the apply journal's service",
        path="expertfile_nb/_edits/undo.py",
        old="        check_binding(header, session, journal)\n",
        new="",
        tests=[
            f"{JOURNAL}::test_a_journal_is_refused_against_another_service",
            f"{JOURNAL}::test_a_journal_is_refused_in_another_organization",
        ],
    ),
    Mutation(
        name="writes21_undo: a journal is not locked",
        path=JOURNAL_PY,
        old="            self._handle = _lock(self._fd, self.path)\n",
        new="            self._handle = None\n",
        tests=[f"{JOURNAL}::test_a_second_run_on_a_journal_in_use_is_refused"],
    ),
    Mutation(
        name="writes21_undo: journal records not checked against the plan",
        path=JOURNAL_PY,
        old="        _check_record(record, count, str(where), line)\n",
        new="        pass\n",
        tests=[f"{JOURNAL}::test_a_tampered_journal_is_one_typed_error"],
    ),
    Mutation(
        name="writes21_undo: journal plan not checked",
        path=JOURNAL_PY,
        old="    count = _check_header(records[0], str(where))\n",
        new="    count = len(records[0].get('changes') or [])\n",
        tests=[f"{JOURNAL}::test_a_tampered_journal_is_one_typed_error"],
    ),
    Mutation(
        name="writes21_undo: an undo's plan depends on a lookup (not resumable)",
        path="expertfile_nb/_edits/undo.py",
        old='            reverse.append(Change("delete", names.get(n), None, change.new, None))\n',
        new='            reverse.append(Change("delete", names.get(n) or str(time.time()), None,'
        " change.new, None))\n",
        tests=[f"{UNDO}::test_an_undo_run_twice_writes_nothing_the_second_time"],
    ),
    Mutation(
        name="writes21_undo: a delete never carried out is restored as a second person",
        path="expertfile_nb/_edits/restore.py",
        old="    if not username and still_there(app, old, change.new):",
        new="    if False:",
        tests=[f"{UNDO}::test_a_delete_the_service_refused_is_not_restored_twice"],
    ),
    Mutation(
        name="writes21_undo: an undo's journal resumed as a plain apply (blind write-back)",
        path="expertfile_nb/_edits/undo.py",
        old='    if any(record.get("type") == "source" for record in records):\n',
        new="    if False:\n",
        tests=[f"{UNDO}::test_an_undo_journal_is_not_resumed_as_an_apply"],
    ),
]
