"""Mutations of issue 21's planning and apply safety: fields no read shows, the token kept
out of plans, a new row's cells, NFC, pace, the create announced before it is sent."""

from __future__ import annotations

from mutations import Mutation

SAFE = "tests/edits/test_plan_safety.py"
RANDOM = "tests/edits/test_round_trip_random.py"

MUTATIONS = [
    Mutation(
        name="writes21_plan: an unshown field is marked 'already applied' (compared as empty)",
        path="expertfile_nb/_edits/apply.py",
        old="            if field not in account:  # no read shows it: nothing to compare with\n",
        new="            if field not in account and _same(None, change.new):\n"
        '                self._finish(n, "already applied")\n'
        "                continue\n"
        "            if field not in account:\n",
        tests=[f"{SAFE}::test_an_unshown_field_cleared_is_sent_not_taken_as_already_applied"],
    ),
    Mutation(
        name="writes21_plan: an unshown field not opted in is written blind at apply",
        path="expertfile_nb/_edits/apply.py",
        old="                elif change.unverifiable:  # named in unverifiable=: written blind\n",
        new="                elif True:\n",
        tests=[f"{SAFE}::test_an_unshown_field_not_opted_in_is_never_written_at_apply"],
    ),
    Mutation(
        name="writes21_plan: an edit of an unshown field is planned without the opt-in",
        path="expertfile_nb/_edits/diff.py",
        old="            if field in unshown and field not in opted:\n",
        new="            if False:\n",
        tests=[
            f"{SAFE}::test_an_edit_of_a_field_no_read_shows_is_refused_naming_it_and_the_opt_in"
        ],
    ),
    Mutation(
        name="writes21_plan: an opted-in unshown edit is not marked unverifiable",
        path="expertfile_nb/_edits/diff.py",
        old="            mark = field in unshown\n",
        new="            mark = False\n",
        tests=[f"{SAFE}::test_an_opted_in_unshown_edit_is_written_marked_and_never_undone"],
    ),
    Mutation(
        name="writes21_plan: a create is announced in the journal after it is sent",
        path="expertfile_nb/_edits/apply.py",
        old='        self.journal.write({"type": "sending", "n": [n]}, sync=True)\n'
        "        with self._turn():\n"
        '            answer = self._call("create")(\n'
        "                session=self.session, deadline=self.deadline, **change.new\n"
        "            )\n",
        new="        with self._turn():\n"
        '            answer = self._call("create")(\n'
        "                session=self.session, deadline=self.deadline, **change.new\n"
        "            )\n"
        '        self.journal.write({"type": "sending", "n": [n]}, sync=True)\n',
        tests=[f"{SAFE}::test_a_create_is_announced_in_the_journal_before_it_is_sent"],
    ),
    Mutation(
        name="writes21_plan: a resume resends an unverifiable write an earlier run sent",
        path="expertfile_nb/_edits/apply.py",
        old="                if change.unverifiable and self._announced_earlier(n):\n",
        new="                if False:\n",
        tests=[f"{SAFE}::test_a_resume_never_resends_a_blind_write_an_earlier_run_sent"],
    ),
    Mutation(
        name="writes21_plan: pace ignored",
        path="expertfile_nb/_edits/apply.py",
        old="        if not self.pace:\n            return\n",
        new="        return\n",
        tests=[
            f"{SAFE}::test_pace_spaces_the_writes",
            "tests/edits/test_review21_plan.py::test_pace_spaces_the_starts_of_the_writes_the_service_receives",
        ],
    ),
    Mutation(
        name="writes21_plan: a new row's empty cells sent",
        path="expertfile_nb/_edits/diff.py",
        old='if k in ACCOUNT_CREATE and _key(_plain(v)) != ""',
        new="if k in ACCOUNT_CREATE",
        tests=[f"{SAFE}::test_a_new_rows_empty_cells_are_not_sent"],
    ),
    Mutation(
        name="writes21_plan: a new row's is_published/biography/… silently dropped",
        path="expertfile_nb/_edits/diff.py",
        old="        if dropped:\n",
        new="        if False:\n",
        tests=[f"{SAFE}::test_a_new_rows_field_a_create_does_not_take_is_refused_not_dropped"],
    ),
    Mutation(
        name="writes21_plan: empty biography section written blind (not read as empty)",
        path="expertfile_nb/_edits/apply.py",
        old="            if isinstance(items, list):  # an empty section: no value\n",
        new="            if isinstance(items, list) and items:\n",
        tests=[f"{SAFE}::test_an_empty_biography_section_is_compared_as_empty_text"],
    ),
    Mutation(
        name="writes21_plan: a non-text biography turned into a string",
        path="expertfile_nb/_reads/profiles.py",
        old="        return text if isinstance(text, str) else None\n",
        new="        return text if isinstance(text, str) else (text and str(text))\n",
        tests=[f"{SAFE}::test_a_biography_that_is_no_text_is_never_written_over"],
    ),
    Mutation(
        name="writes21_plan: NFC and NFD of one text planned as a change",
        path="expertfile_nb/_edits/change.py",
        old='    return unicodedata.normalize("NFC", compare_value(value))\n',
        new="    return compare_value(value)\n",
        tests=[f"{SAFE}::test_the_same_text_composed_or_decomposed_is_no_change"],
    ),
    Mutation(
        name="writes21_plan: a before value holding the token kept in the plan",
        path="expertfile_nb/_edits/diff.py",
        old='changes.append(Change("update", str(names[r]), field, _redacted(b), a, mark))',
        new='changes.append(Change("update", str(names[r]), field, b, a, mark))',
        tests=[f"{SAFE}::test_a_frame_read_elsewhere_holding_the_token_is_kept_out_of_the_plan"],
    ),
    Mutation(
        name="writes21_plan: a create's username holding the token journaled",
        path="expertfile_nb/_edits/apply.py",
        old="        if isinstance(name, str) and _not_seen_whole(name):\n",
        new="        if False:\n",
        tests=[f"{SAFE}::test_a_create_answered_with_the_token_as_username_keeps_it_out"],
    ),
    Mutation(
        name="writes21_plan: plan frames crash on a create's or a delete's empty field",
        path="expertfile_nb/_edits/plan.py",
        old="    frame: pd.DataFrame = pd.DataFrame(shown, columns=columns)\n",
        new="    frame: pd.DataFrame = pd.DataFrame(rows, columns=columns)\n"
        "    hidden = frame['field'].map(lambda f: f is not None and 'token' in f.lower())\n"
        "    frame.loc[hidden.astype(bool), ['old', 'new']] = '***'\n",
        tests=[f"{SAFE}::test_the_frames_of_a_plan_mixing_updates_creates_and_deletes"],
    ),
    Mutation(
        name="writes21_plan: an empty plan still writes a journal (and logs in to re-read)",
        path="expertfile_nb/_edits/plan.py",
        old="        if not self.changes:  # nothing to write: no login, no request, no journal\n",
        new="        if False:\n",
        tests=[
            "tests/edits/test_plan_safety.py::test_an_empty_plan_writes_no_journal_and_sends_nothing"
        ],
    ),
]
