"""Mutations of the documented writes, their safety, and the round trip (issue 18)."""

from mutations import Mutation

CONTRACT = "tests/contract/test_client_writes.py"
SAFETY = "tests/test_write_safety.py"
PLAN = "tests/test_plan.py"
TRIP = "tests/test_round_trip.py"

MUTATIONS = [
    Mutation(
        name="writes: the transport lets urllib3 resend PUT/DELETE (a numeric or any-method Retry)",
        path="expertfile_nb/_transport.py",
        old='refused = WRITE_METHODS - ({"POST"} if post else set())',
        new="refused: frozenset[str] = frozenset()",
        tests=[f"{SAFETY}::test_the_transport_never_resends_a_write"],
    ),
    Mutation(
        name="writes: a 5xx is taken as 'not carried out' (no re-read)",
        path="expertfile_nb/_writing.py",
        old="(error.status is None or error.status >= 500)",
        new="(error.status is None or error.status >= 600)",
        tests=[f"{SAFETY}::test_an_update_carried_out_before_a_500_is_not_sent_again"],
    ),
    Mutation(
        name="writes: a write the re-read shows as done is sent again",
        path="expertfile_nb/_writing.py",
        old="        if happened is True:\n",
        new="        if happened is True and False:\n",
        tests=[
            f"{SAFETY}::test_an_update_carried_out_before_a_500_is_not_sent_again",
            f"{SAFETY}::test_an_update_whose_answer_came_too_late_is_re_read_not_resent",
        ],
    ),
    Mutation(
        name="writes: a write the re-read cannot confirm is sent again",
        path="expertfile_nb/_writing.py",
        old="        if happened is None:\n",
        new="        if happened is None and False:\n",
        tests=[f"{SAFETY}::test_a_write_that_cannot_be_read_back_is_unconfirmed_and_not_resent"],
    ),
    Mutation(
        name="writes: a 429 is not sent again after Retry-After",
        path="expertfile_nb/_writing.py",
        old="            time.sleep(wait)  # a 429 was not carried out: safe to send again\n"
        "            continue\n",
        new="            raise\n",
        tests=[f"{SAFETY}::test_a_429_is_sent_again_after_retry_after"],
    ),
    Mutation(
        name="writes: a delete is confirmed by the record still existing",
        path="expertfile_nb/writes.py",
        old="lambda s: not _exists(s, path),",
        new="lambda s: _exists(s, path),",
        tests=[f"{SAFETY}::test_a_delete_carried_out_before_a_500_is_not_sent_again"],
    ),
    Mutation(
        name="writes: a create is never looked for after a 500",
        path="expertfile_nb/writes.py",
        old="return None if name is None else bool(name)",
        new="return False",
        tests=[f"{SAFETY}::test_a_created_expert_found_after_a_500_is_not_created_twice"],
    ),
    Mutation(
        name="writes: flags sent as true/false, not the documented 1/0",
        path="expertfile_nb/_writing.py",
        old='            return "1"\n        if value in (False, 0, "0"):',
        new='            return "true"\n        if value in (False, 0, "0"):',
        tests=[
            f"{CONTRACT}::test_every_documented_write_sends_the_form_and_returns_the_documented_data"
        ],
    ),
    Mutation(
        name="writes: a missing required field is sent anyway",
        path="expertfile_nb/_writing.py",
        old="    if missing:\n",
        new="    if False:\n",
        tests=[f"{CONTRACT}::test_each_required_field_is_checked_before_any_request"],
    ),
    Mutation(
        name="writes: an unknown field is sent anyway",
        path="expertfile_nb/_writing.py",
        old="    if unknown:\n",
        new="    if False:\n",
        tests=[f"{CONTRACT}::test_a_bad_write_is_refused_before_any_request"],
    ),
    Mutation(
        name="writes: a value outside a documented enum is sent anyway",
        path="expertfile_nb/_writing.py",
        old="if body.get(name) and body[name] not in values:",
        new="if False:",
        tests=[f"{CONTRACT}::test_a_value_outside_a_documented_list_is_refused"],
    ),
    Mutation(
        name="writes: an operation a section does not document is sent anyway",
        path="expertfile_nb/_writing.py",
        old="    if op not in row.ops:\n",
        new="    if False:\n",
        tests=[f"{CONTRACT}::test_a_bad_write_is_refused_before_any_request"],
    ),
    Mutation(
        name="writes: an update answer is not checked for updated: true",
        path="expertfile_nb/writes.py",
        old='if not isinstance(data, dict) or data.get("updated") is not True:',
        new="if not isinstance(data, dict):",
        tests=[f"{CONTRACT}::test_an_answer_that_is_not_the_documented_one_is_an_api_error"],
    ),
    Mutation(
        name="writes: a tagline/availability answer (no id) taken for a broken one",
        path="expertfile_nb/writes.py",
        old="        if row.single:  # each answers its own way",
        new="        if False:  # each answers its own way",
        tests=[
            f"{CONTRACT}::test_every_documented_write_sends_the_form_and_returns_the_documented_data"
        ],
    ),
    Mutation(
        name="writes: a date that is not a whole number is sent",
        path="expertfile_nb/_writing.py",
        old='    if name in INTEGER_FIELDS and text and not text.lstrip("-").isdigit():',
        new="    if False:",
        tests=[f"{CONTRACT}::test_a_bad_write_is_refused_before_any_request"],
    ),
    Mutation(
        name="writes: an inquiry that got no clear answer is sent again",
        path="expertfile_nb/writes.py",
        old="        lambda s: None,  # nothing to read back",
        new="        lambda s: False,  # nothing to read back",
        tests=[f"{SAFETY}::test_an_inquiry_without_a_clear_answer_is_not_sent_again"],
    ),
    Mutation(
        name="plan: cells compared as equal when they differ",
        path="expertfile_nb/_plan.py",
        old="rows, cols = np.nonzero(nv != ov)",
        new="rows, cols = np.nonzero(nv != nv)",
        tests=[f"{PLAN}::test_one_update_per_changed_field_and_nothing_else"],
    ),
    Mutation(
        name="plan: '' and None (or 1 and 1.0) planned as a change",
        path="expertfile_nb/_plan.py",
        old="            if compare_value(a) == compare_value(b):\n",
        new="            if False:\n",
        tests=[f"{PLAN}::test_same_values_in_other_forms_are_no_change"],
    ),
    Mutation(
        name="plan: removed rows deleted without allow_delete",
        path="expertfile_nb/_plan.py",
        old="    if allow_delete:\n",
        new="    if True:\n",
        tests=[f"{PLAN}::test_new_rows_are_creates_and_removed_rows_are_skipped_unless_allowed"],
    ),
    Mutation(
        name="plan: a read-only field's edit is silently dropped",
        path="expertfile_nb/_plan.py",
        old="        if readonly:\n",
        new="        if False:\n",
        tests=[f"{PLAN}::test_a_plan_that_cannot_be_made_says_why"],
    ),
    Mutation(
        name="plan: the HTML view does not escape values",
        path="expertfile_nb/_plan.py",
        old="        esc = html.escape\n",
        new="        esc = str\n",
        tests=[f"{PLAN}::test_views_show_old_and_new_escaped_and_no_hidden_value"],
    ),
    Mutation(
        name="apply: a field edited meanwhile is overwritten",
        path="expertfile_nb/_plan.py",
        old="            elif now == compare_value(change.old):\n",
        new="            elif True:\n",
        tests=[f"{TRIP}::test_a_field_edited_meanwhile_is_a_conflict_not_overwritten"],
    ),
    Mutation(
        name="apply: a field already holding the new value is written again",
        path="expertfile_nb/_plan.py",
        old="            elif now == compare_value(change.new):\n",
        new="            elif False:\n",
        tests=[f"{TRIP}::test_dry_run_apply_reapply_undo"],
    ),
    Mutation(
        name="apply: a dry run sends the writes",
        path="expertfile_nb/_plan.py",
        old="        if dry_run:\n",
        new="        if False:\n",
        tests=[f"{PLAN}::test_a_dry_run_sends_nothing_and_says_what_would_be_sent"],
    ),
    Mutation(
        name="resume: changes finished by an earlier run are done again",
        path="expertfile_nb/_plan.py",
        old='if record.get("type") == "result" and record.get("status") in FINAL:',
        new="if False:",
        tests=[f"{TRIP}::test_an_interrupted_apply_resumes_where_it_stopped"],
    ),
    Mutation(
        name="undo: an update is undone to its new value",
        path="expertfile_nb/_plan.py",
        old='Change("update", change.username, change.field, change.new, change.old)',
        new='Change("update", change.username, change.field, change.old, change.new)',
        tests=[f"{TRIP}::test_dry_run_apply_reapply_undo"],
    ),
    Mutation(
        name="apply: a biography column is not read back from the profile",
        path="expertfile_nb/_plan.py",
        old="                current[column] = first.get(column)",
        new="                current[column] = None",
        tests=[f"{TRIP}::test_a_biography_column_is_set_by_the_documented_post"],
    ),
    Mutation(
        name="journal: a journal file made earlier keeps its wider rights",
        path="expertfile_nb/_journal.py",
        old="        os.fchmod(self._fd, 0o600)",
        new="        pass",
        tests=[f"{TRIP}::test_the_journal_is_private_and_holds_before_images_not_secrets"],
    ),
]
