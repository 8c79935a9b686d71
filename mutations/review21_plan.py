"""Mutations a second reviewer invented for issue 21's planning and apply side
(``expertfile_nb/_plan.py``, ``apply --unverifiable``, ``Client.plan_changes``): the
redaction at the source, the opt-in of fields no read shows, a new row's cells, the
parts of a person's update, blind writes on resume, undo of unverifiable changes."""

from __future__ import annotations

from mutations import Mutation

SAFE = "tests/edits/test_plan_safety.py"
REVIEW = "tests/edits/test_review21_plan.py"
DELETE_ECHO = "test_a_person_whose_profile_holds_the_token_is_deleted_and_the_token_kept_out"


def review(name: str) -> str:
    return f"{REVIEW}::{name}"


MUTATIONS = [
    Mutation(
        name="review21_plan: a list value the service shows is not redacted",
        path="expertfile_nb/_edits/change.py",
        old="        return [_redacted(v) for v in value]\n",
        new="        return value\n",
        tests=[review("test_a_before_cell_holding_the_token_in_a_list_reaches_no_view")],
    ),
    Mutation(
        name="review21_plan: a dict value (a delete's image) is not redacted",
        path="expertfile_nb/_edits/change.py",
        old="        return {k: _redacted(v) for k, v in value.items()}\n",
        new="        return value\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a held form at the very end of a value is not looked for",
        path="expertfile_nb/_edits/change.py",
        old="for i in range(len(text) - _HEAD + 1))",
        new="for i in range(len(text) - _HEAD))",
        tests=[review("test_a_secret_of_eight_characters_at_the_end_of_a_value_is_found")],
    ),
    Mutation(
        name="review21_plan: the secret heads are made once (a new token is not looked for)",
        path="expertfile_nb/_edits/change.py",
        old="    if key != held:\n",
        new="    if not heads:\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: only the raw token is looked for (its base64 or hex kept)",
        path="expertfile_nb/_edits/change.py",
        old="for h in held for f in forms_of(h) if len(f) >= _HEAD)",
        new="for h in held for f in (h,) if len(f) >= _HEAD)",
        tests=[review("test_the_tokens_base64_shown_by_the_service_is_kept_out_of_the_plan")],
    ),
    Mutation(
        name="review21_plan: values compared in NFKC (x² and x2 taken as the same)",
        path="expertfile_nb/_edits/change.py",
        old='    return unicodedata.normalize("NFC", compare_value(value))\n',
        new='    return unicodedata.normalize("NFKC", compare_value(value))\n',
        tests=[review("test_a_compatibility_variant_is_a_change")],
    ),
    Mutation(
        name="review21_plan: a shown field holding null taken as not shown (never written)",
        path="expertfile_nb/_edits/apply.py",
        old="            if field not in account:  # no read shows it: nothing to compare with\n",
        new="            if account.get(field) is None:\n",
        tests=[SAFE],
    ),
    Mutation(
        name="review21_plan: a failed account PUT keeps the person's section POSTs back",
        path="expertfile_nb/_edits/apply.py",
        old='                    self._finish(n, "failed", f"{type(error).__name__}: {error}")\n'
        "                continue\n",
        new='                    self._finish(n, "failed", f"{type(error).__name__}: {error}")\n'
        "                for m in ours:\n"
        "                    if m not in self.statuses:\n"
        '                        self._finish(m, "failed", "not sent")\n'
        "                return\n",
        tests=[review("test_a_refused_account_put_does_not_keep_the_biography_back")],
    ),
    Mutation(
        name="review21_plan: a blind write that failed before it was sent is never resent",
        path="expertfile_nb/_edits/apply.py",
        old='                    if record.get("type") == "sending" and '
        'isinstance(record.get("n"), list):\n',
        new='                    if record.get("type") == "result" and record.get("status"):\n'
        '                        earlier.add(record["n"])\n'
        '                    if record.get("type") == "sending" and '
        'isinstance(record.get("n"), list):\n',
        tests=[review("test_a_blind_write_whose_read_failed_before_sending_is_sent_by_the_resume")],
    ),
    Mutation(
        name="review21_plan: a shown field named in unverifiable= is written blind, never undone",
        path="expertfile_nb/_edits/diff.py",
        old="            mark = field in unshown\n",
        new="            mark = field in opted\n",
        tests=[review("test_a_shown_field_named_in_unverifiable_is_still_compared_and_undone")],
    ),
    Mutation(
        name="review21_plan: unverifiable='department' (a string) read letter by letter",
        path="expertfile_nb/_edits/diff.py",
        old="    names = [unverifiable] if isinstance(unverifiable, str) else unverifiable\n",
        new="    names = unverifiable\n",
        tests=[review("test_one_field_named_as_a_string_is_the_opt_in")],
    ),
    Mutation(
        name="review21_plan: a new row's blank (not empty) cell of a non-create field refused",
        path="expertfile_nb/_edits/diff.py",
        old='dropped = [f for f in _NOT_CREATED if f in row.index and _key(_plain(row[f])) != ""]',
        new="dropped = [f for f in _NOT_CREATED if f in row.index and _plain(row[f]) is not None]",
        tests=[review("test_a_new_rows_blank_cells_of_fields_a_create_does_not_take_are_no_value")],
    ),
    Mutation(
        name="review21_plan: a new row holding the token is planned (it would be published)",
        path="expertfile_nb/_edits/diff.py",
        old="        _refuse_secret(fields, where)\n",
        new="",
        tests=[review("test_a_new_row_holding_the_token_is_refused_without_showing_it")],
    ),
    Mutation(
        name="review21_plan: an undo drops the unverifiable mark of a reversed update",
        path="expertfile_nb/_edits/undo.py",
        old="            reverse.append(replace(change, old=change.new, new=change.old))\n",
        new='            reverse.append(Change("update", change.username, change.field, '
        "change.new, change.old))\n",
        tests=[review("test_the_undo_of_an_unverifiable_change_says_not_undone")],
    ),
    Mutation(
        name="review21_plan: undo loses the re-read when the person's first change is not undone",
        path="expertfile_nb/_edits/apply.py",
        old="            if group[0] != head:\n"
        "                self._reads[group[0]] = self._reads.pop(head)\n",
        new="",
        tests=[review("test_the_undo_of_an_unverifiable_change_says_not_undone")],
    ),
    Mutation(
        name="review21_plan: to_frame marks the skipped changes as not skipped",
        path="expertfile_nb/_edits/plan.py",
        old='        rows += [{**asdict(c), "skipped": True} for c in self.skipped]\n',
        new='        rows += [{**asdict(c), "skipped": False} for c in self.skipped]\n',
        tests=[review("test_the_frame_marks_the_skipped_rows")],
    ),
    Mutation(
        name="review21_plan: a plan of skipped rows only logs in and writes a journal",
        path="expertfile_nb/_edits/plan.py",
        old="        if not self.changes:  # nothing to write: no login, no request, no journal\n",
        new="        if not self.changes and not self.skipped:\n",
        tests=[review("test_a_plan_of_skipped_rows_only_sends_nothing_and_writes_no_journal")],
    ),
    Mutation(
        name="review21_plan: numpy scalars kept in a plan (not JSON: the journal fails)",
        path="expertfile_nb/_edits/change.py",
        old="    return item() if callable(item) else value\n",
        new="    return value\n",
        tests=[review("test_numpy_values_are_planned_as_plain_python")],
    ),
    Mutation(
        name="review21_plan: apply --unverifiable not passed to the plan",
        path="expertfile_nb/cli/apply.py",
        old="unverifiable=tuple(args.unverifiable or ())",
        new="unverifiable=()",
        tests=[
            "tests/cli/test_apply_csv.py::test_a_field_no_read_shows_needs_unverifiable_by_name"
        ],
    ),
    Mutation(
        name="review21_plan: Client.plan_changes drops unverifiable=",
        path="expertfile_nb/client.py",
        old="allow_delete=allow_delete, unverifiable=unverifiable\n",
        new="allow_delete=allow_delete\n",
        tests=[review("test_a_client_plans_with_unverifiable")],
    ),
    Mutation(
        name="review21_plan: an opted-in field that the read does show is written blind",
        path="expertfile_nb/_edits/apply.py",
        old="            if field not in account:  # no read shows it: nothing to compare with\n",
        new="            if field not in account or change.unverifiable:\n",
        tests=[
            review("test_an_unverifiable_change_a_read_does_show_is_compared_not_written_blind")
        ],
    ),
    Mutation(
        name="review21_plan: a value edited to equal the token is refused only when whole",
        path="expertfile_nb/_edits/change.py",
        old="    return bool(_redacted(value) != value)\n",
        new="    return bool(_redacted(value) == '***')\n",
        tests=[review("test_an_edit_holding_the_token_inside_a_longer_text_is_refused")],
    ),
    Mutation(
        name="review21_plan: a resume redoes every part of a person once one part is unfinished",
        path="expertfile_nb/_edits/apply.py",
        old="                rest = [n for n in group if n not in done]\n",
        new="                rest = group if any(n not in done for n in group) else []\n",
        tests=[review("test_a_resume_after_the_biography_failed_keeps_the_finished_parts")],
    ),
    Mutation(
        name="review21_plan: a delete journals the profile holding the token",
        path="expertfile_nb/_edits/apply.py",
        old="        image = _without_secrets(profile)\n",
        new="        image = profile\n",
        tests=[review(DELETE_ECHO)],
    ),
    Mutation(
        name="review21_plan: a delete journals the token's field redacted (undo writes ***)",
        path="expertfile_nb/_edits/restore.py",
        old="                {k: v for k, v in row.items() if not _not_seen_whole(v)}\n",
        new="                {k: _redacted(v) for k, v in row.items()}\n",
        tests=[review(DELETE_ECHO)],
    ),
    Mutation(
        name="review21_plan: a held form of exactly eight characters is not looked for",
        path="expertfile_nb/_edits/change.py",
        old="for h in held for f in forms_of(h) if len(f) >= _HEAD)",
        new="for h in held for f in forms_of(h) if len(f) > _HEAD)",
        tests=[review("test_a_secret_of_eight_characters_at_the_end_of_a_value_is_found")],
    ),
    Mutation(
        name="review21_plan: unverifiable= refuses a field the read shows",
        path="expertfile_nb/_edits/diff.py",
        old="    unknown = [str(n) for n in chosen if n not in EDITABLE]\n",
        new='    unknown = [str(n) for n in chosen if n not in UNSHOWN["experts"]]\n',
        tests=[review("test_a_shown_field_named_in_unverifiable_is_still_compared_and_undone")],
    ),
    Mutation(
        name="review21_plan: an edit holding the token is planned (it would be published)",
        path="expertfile_nb/_edits/diff.py",
        old='            _refuse_secret(a, f"after\'s {field!r} of {str(names[r])!r}")\n',
        new="",
        tests=[review("test_an_edit_holding_the_token_inside_a_longer_text_is_refused")],
    ),
    Mutation(
        name="review21_plan: a create a crashed run sent is resent after one lagging search",
        path="expertfile_nb/_edits/apply.py",
        old="                existing = find_person(self.person, body, self.session)"
        " if self._settle() else None\n",
        new="                pass\n",
        tests=[review("test_a_create_a_crashed_run_sent_is_not_resent_when_the_search_lags")],
    ),
    Mutation(
        name="review21_plan: a create a crashed run sent is resent when the search fails",
        path="expertfile_nb/_edits/apply.py",
        old="        if n in self._sent_before and existing is None:\n",
        new="        if False:\n",
        tests=[
            review(
                "test_a_create_a_crashed_run_sent_is_not_resent_when_the_people_cannot_be_searched"
            )
        ],
    ),
    Mutation(
        name="review21_plan: a journal's unverifiable mark taken as truthy text",
        path="expertfile_nb/_edits/undo.py",
        old="    if flags:  # truthy text would have a change written blind\n",
        new="    if False:\n",
        tests=[review("test_a_journal_whose_unverifiable_mark_is_no_flag_is_refused")],
    ),
    Mutation(
        name="review21_plan: pace spaces nothing (each start is taken as the next one)",
        path="expertfile_nb/_edits/apply.py",
        old="            self._next = start + self.pace\n",
        new="            self._next = start\n",
        tests=[review("test_pace_spaces_the_starts_of_the_writes_the_service_receives")],
    ),
]
