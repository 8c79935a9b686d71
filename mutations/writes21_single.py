"""Mutations of the single writes, their read-back and their encoding (issue 21)."""

from mutations import Mutation

READBACK = "tests/edits/test_write_readback.py"
SAFETY = "tests/edits/test_write_safety.py"


def _t(name: str) -> str:
    return f"{READBACK}::test_writes21_{name}"


MUTATIONS = [
    Mutation(
        name="writes21: a section read-back passes the section name where a function is expected",
        path="expertfile_nb/_edits/items.py",
        old="        results = [_matches(item, body, _item_keys(row.name)) for item in items]",
        new="        results = [_matches(item, body, row.name) for item in items]  # type: ignore",
        tests=[
            _t("an_added_item_the_service_made_then_failed_is_confirmed_once"),
            _t("a_biography_the_service_set_then_failed_is_confirmed_once"),
            _t("a_plan_whose_biography_post_failed_after_the_write_is_applied_once"),
        ],
    ),
    Mutation(
        name="writes21: an updated item is read back without its documented read keys",
        path="expertfile_nb/_edits/items.py",
        old="        return _matches(mine[0], body, _item_keys(row.name)) if mine else None",
        new="        return _matches(mine[0], body, row.name) if mine else None  # type: ignore",
        tests=[_t("an_updated_item_the_service_made_then_failed_is_confirmed_once")],
    ),
    Mutation(
        name="writes21: an item field read back only under its body name (tag shown as tag)",
        path="expertfile_nb/_edits/readback.py",
        old="    return lambda name: READ_AS.get((section, name), (name,))",
        new="    return lambda name: (name,)",
        tests=[_t("an_added_item_read_back_under_its_documented_key")],
    ),
    Mutation(
        name="writes21: a create not found at once is resent (no settle delay, two ada.quill)",
        path="expertfile_nb/_edits/send.py",
        old="        if happened is False and write.creates:\n",
        new="        if False:\n",
        tests=[
            _t("a_create_whose_read_back_lags_is_found_not_sent_again"),
            _t("a_create_that_cannot_settle_within_the_deadline_is_unconfirmed"),
            _t("an_added_item_whose_read_back_lags_is_found_not_added_again"),
        ],
    ),
    Mutation(
        name="writes21: the settle delay taken even when it does not fit in the deadline",
        path="expertfile_nb/_edits/send.py",
        old="    if time.monotonic() + SETTLE_SECONDS >= end:\n        return None\n",
        new="",
        tests=[_t("a_create_that_cannot_settle_within_the_deadline_is_unconfirmed")],
    ),
    Mutation(
        name="writes21: a create person is not marked as adding a record",
        path="expertfile_nb/_edits/people.py",
        old="parse, probe, done, creates=True)",
        new="parse, probe, done, creates=False)",
        tests=[_t("a_create_whose_read_back_lags_is_found_not_sent_again")],
    ),
    Mutation(
        name="writes21: an added item is not marked as adding a record",
        path="expertfile_nb/_edits/items.py",
        old="creates=not row.single",
        new="creates=False",
        tests=[_t("an_added_item_whose_read_back_lags_is_found_not_added_again")],
    ),
    Mutation(
        name="writes21: no strip in compare_value",
        path="expertfile_nb/_edits/send.py",
        old="    return str(value).strip()\n",
        new="    return str(value)\n",
        tests=[
            _t("a_read_back_with_spaces_around_the_value_confirms_it"),
            _t("compare_value_reads_a_whole_float_as_the_int"),
        ],
    ),
    Mutation(
        name="writes21: compare_value treats 1.0 and 1 differently",
        path="expertfile_nb/_edits/send.py",
        old="    if isinstance(value, float) and value.is_integer():\n"
        "        return str(int(value))\n",
        new="",
        tests=[
            _t("a_number_read_back_as_a_float_confirms_it"),
            _t("compare_value_reads_a_whole_float_as_the_int"),
        ],
    ),
    Mutation(
        name="writes21: a read-back compares with the sent value unstripped",
        path="expertfile_nb/_edits/readback.py",
        old="        if compare_value(record[key]) != value.strip():",
        new="        if compare_value(record[key]) != value:",
        tests=[_t("a_value_sent_with_spaces_is_confirmed_by_the_trimmed_read")],
    ),
    Mutation(
        name="writes21: Retry-After ignored on writes (a fixed wait)",
        path="expertfile_nb/_edits/send.py",
        old="wait = min(error.retry_after if error.retry_after is not None else 1.0, MAX_WAIT)",
        new="wait = 1.0",
        tests=[_t("a_429_asking_longer_than_the_deadline_is_not_sent_again")],
    ),
    Mutation(
        name="writes21: a 404 on read-back (the person gone) taken as 'cannot tell'",
        path="expertfile_nb/_edits/send.py",
        old="            if isinstance(error, NotFoundError):\n"
        "                raise\n"
        "            last = error",
        new="            last = error",
        tests=[_t("a_person_gone_on_read_back_is_not_found_not_unconfirmed")],
    ),
    Mutation(
        name="writes21: a searched candidate whose account is gone ends the search unconfirmed",
        path="expertfile_nb/_edits/people.py",
        old="            except NotFoundError:\n                continue\n",
        new="            except NotFoundError:\n                return None\n",
        tests=[_t("a_candidate_gone_while_searching_is_skipped")],
    ),
    Mutation(
        name="writes21: a whole float sent as '1234.0'",
        path="expertfile_nb/_edits/send.py",
        old="    if isinstance(value, float) and value.is_integer():\n        value = int(value)\n",
        new="",
        tests=[_t("a_whole_float_is_sent_as_the_int")],
    ),
    Mutation(
        name="writes21: '/' in a username not encoded on writes",
        path="expertfile_nb/_edits/send.py",
        old='    return quote(text, safe="")',
        new='    return quote(text, safe="/")',
        tests=[_t("a_slash_in_a_username_is_encoded_on_every_write")],
    ),
    Mutation(
        name="writes21: find_person takes a namesake (the name only, not every create field)",
        path="expertfile_nb/_edits/people.py",
        old="            if account is not None and _matches(account, body):",
        new="            if account is not None:",
        tests=[_t("a_namesake_is_not_taken_for_the_person_created")],
    ),
    Mutation(
        name="writes21: private staff never searched for a create",
        path="expertfile_nb/_edits/people.py",
        old='access = ("all",) if person.kind == "experts" else ("public", "private")',
        new='access = ("all",) if person.kind == "experts" else ("public",)',
        tests=[_t("a_staff_member_created_private_is_found_in_the_private_list")],
    ),
    Mutation(
        name="writes21: an updated item's id compared by type ('12' is not 12)",
        path="expertfile_nb/_edits/items.py",
        old='if compare_value(i.get("id")) == compare_value(item_id)]',
        new='if i.get("id") == item_id]',
        tests=[_t("an_item_id_given_as_text_matches_the_read_number")],
    ),
    Mutation(
        name="writes21: a deleted item's id compared by type ('12' is not 12)",
        path="expertfile_nb/_edits/items.py",
        old='return not any(compare_value(i.get("id")) == compare_value(item_id) for i in items)',
        new='return not any(i.get("id") == item_id for i in items)',
        tests=[_t("a_deleted_item_is_confirmed_by_its_absence")],
    ),
    Mutation(
        name="writes21: delete_section_item read-back inverted",
        path="expertfile_nb/_edits/items.py",
        old='return not any(compare_value(i.get("id")) == compare_value(item_id) for i in items)',
        new='return any(compare_value(i.get("id")) == compare_value(item_id) for i in items)',
        tests=[
            _t("a_deleted_item_is_confirmed_by_its_absence"),
            _t("a_deleted_item_the_service_removed_then_failed_is_confirmed_once"),
        ],
    ),
    Mutation(
        name="writes21: a write not retried when its connection never opened",
        path="expertfile_nb/_http/transport.py",
        old="            and not self._is_connection_error(error)"
        "  # not connected: nothing was sent\n",
        new="",
        tests=[_t("the_transport_retries_a_write_only_when_nothing_was_sent")],
    ),
    Mutation(
        name="writes21: the transport's 'never resend a write' guard removed (an SSL error)",
        path="expertfile_nb/_http/transport.py",
        old="        if (\n            error is not None\n            and method is not None\n",
        new="        if False and (\n"
        "            error is not None\n"
        "            and method is not None\n",
        tests=[_t("the_transport_retries_a_write_only_when_nothing_was_sent")],
    ),
    Mutation(
        name="writes21: an inquiry state outside the documented CA/US codes is sent",
        path="expertfile_nb/_edits/inquiry.py",
        old="    if country in STATES and state not in STATES[country]:\n",
        new="    if False:\n",
        tests=[_t("an_inquiry_state_that_is_not_a_documented_code_is_refused")],
    ),
    Mutation(
        name="writes21: an inquiry country that is not a documented code is sent",
        path="expertfile_nb/_edits/inquiry.py",
        old="    if country not in COUNTRIES:\n",
        new="    if False:\n",
        tests=[_t("an_inquiry_country_that_is_not_a_documented_code_is_refused")],
    ),
    Mutation(
        name="writes21: Add Research Focus refuses its documented subtitle",
        path="expertfile_nb/_edits/table.py",
        old='("title", "details"), ("subtitle", "url", "date")',
        new='("title", "details"), ("url", "date")',
        tests=[_t("a_research_focus_is_added_with_its_subtitle")],
    ),
    Mutation(
        name="writes21: a delete resent after a stale read, answered 404, raised as not found",
        path="expertfile_nb/_edits/send.py",
        old='if isinstance(error, NotFoundError) and write.method == "DELETE" and resends:',
        new="if False:",
        tests=[_t("a_delete_resent_after_a_stale_read_that_finds_it_gone_is_done")],
    ),
    Mutation(
        name="writes21: a first delete answered 404 taken as done (no such item)",
        path="expertfile_nb/_edits/send.py",
        old='if isinstance(error, NotFoundError) and write.method == "DELETE" and resends:',
        new='if isinstance(error, NotFoundError) and write.method == "DELETE":',
        tests=[_t("a_delete_of_an_item_that_is_not_there_is_not_found")],
    ),
]
