"""Mutations of the fake server: its documented shapes and defaults, its robustness, its journal."""

from __future__ import annotations

from mutations import Mutation

CONTRACT = "tests/contract/test_fake_contract.py"
DATA = "tests/fake/test_fake_data_endpoints.py"
READS = "tests/fake/test_fake_reads.py"
ROBUST = "tests/fake/test_fake_robustness.py"
WRITES = "tests/fake/test_fake_writes.py"
WRITES_CONTRACT = "tests/contract/test_fake_writes_contract.py"
DATASET = "fake_server/_dataset.py"
FOLDER = "tests/fake/test_dataset_folder.py"
IDLE = "tests/fake/test_fake_idle_timeout.py"
FLIPS = "tests/contract/test_assumptions.py::test_each_setting_flips_its_behaviour"

MUTATIONS = [
    Mutation(
        name="fake: expert list item key topics renamed",
        path="fake_server/_data.py",
        old='"topics": [{"title": t} for t in self.topics_of(i)],',
        new='"topic": [{"title": t} for t in self.topics_of(i)],',
        tests=[f"{CONTRACT}::test_list_page_is_documented"],
    ),
    Mutation(
        name="fake: spotlight list item says title, not spotlight_title",
        path="fake_server/_spotlights.py",
        old='"spotlight_title": self.title(s),',
        new='"title": self.title(s),',
        tests=[f"{CONTRACT}::test_list_page_is_documented"],
    ),
    Mutation(
        name="fake: profile account location_city renamed city",
        path="fake_server/_profiles.py",
        old='"location_city": city,',
        new='"city": city,',
        tests=[f"{CONTRACT}::test_expert_profile_is_documented"],
    ),
    Mutation(
        name="fake: profile industry id an int, not a string",
        path="fake_server/_profiles.py",
        old='"profile/industry": [{"id": str(INDUSTRY_IDS[',
        new='"profile/industry": [{"id": (INDUSTRY_IDS[',
        tests=[f"{CONTRACT}::test_expert_profile_is_documented"],
    ),
    Mutation(
        name="fake: staff list carries aggregations",
        path="fake_server/_routes.py",
        old='return ok({"staff": rows, "total": total})',
        new='return ok({"staff": rows, "total": total, "aggregations": {}})',
        tests=[f"{CONTRACT}::test_list_page_is_documented"],
    ),
    Mutation(
        name="fake: single spotlight not wrapped in a one-element list",
        path="fake_server/_routes.py",
        old=(
            '{"spotlight": [spotlight_data(d.spotlights.record(s), server.settings.guessed_items)]}'
        ),
        new='{"spotlight": spotlight_data(d.spotlights.record(s), server.settings.guessed_items)}',
        tests=[f"{CONTRACT}::test_spotlight_is_documented"],
    ),
    Mutation(
        name="fake: expert status defaults to published, not all",
        path="fake_server/_query.py",
        old='"all"), "all"),\n        topics=',
        new='"all"), "published"),\n        topics=',
        tests=[f"{CONTRACT}::test_documented_defaults_are_applied"],
    ),
    Mutation(
        name="fake: page_size over the maximum refused by default",
        path="fake_server/settings.py",
        old='    oversize_pages: OversizePages = "cap"\n',
        new='    oversize_pages: OversizePages = "refuse"\n',
        tests=[f"{DATA}::test_oversize_page_is_capped_by_default"],
    ),
    Mutation(
        name="fake: page_from read as a page number by default",
        path="fake_server/settings.py",
        old='    paging: Paging = "offset"\n',
        new='    paging: Paging = "page"\n',
        tests=[f"{DATA}::test_paging_by_offset_covers_every_row_once"],
    ),
    Mutation(
        name="fake: comma-separated arrays setting ignored",
        path="fake_server/_query.py",
        old='if settings.array_params == "comma":',
        new="if False:",
        tests=[f"{DATA}::test_country_filter_json_array_and_comma_list"],
    ),
    Mutation(
        name="fake: a 3,000-deep JSON filter is a 500",
        path="fake_server/_query.py",
        old="except (ValueError, RecursionError):",
        new="except ValueError:",
        tests=[f"{ROBUST}::test_deep_json_filter_is_400_not_500"],
    ),
    Mutation(
        name="fake: malformed chunked body not answered with the envelope 400",
        path="fake_server/app.py",
        old="            except OSError:\n",
        new="            except KeyError:\n",
        tests=[f"{ROBUST}::test_malformed_chunked_body_is_an_envelope_400"],
    ),
    Mutation(
        name="fake: journal keeps the query string unredacted",
        path="fake_server/_journal.py",
        old="redacted = redact.pairs(pairs)",
        new="redacted = pairs",
        tests=[f"{ROBUST}::test_journal_redacts_secrets_and_tokens_wherever_they_appear"],
    ),
    Mutation(
        name="fake: journal keeps the Authorization header",
        path="fake_server/_journal.py",
        old="        authorization=_scheme_only(auth),",
        new="        authorization=auth,",
        tests=[f"{ROBUST}::test_journal_redacts_secrets_and_tokens_wherever_they_appear"],
    ),
    Mutation(
        name="fake: every answer closes its connection (no keep-alive)",
        path="fake_server/_wsgi.py",
        old="if not environ.get(_DRAINED) or environ.get(CLOSE):",
        new="if True:",
        tests=[f"{ROBUST}::test_connections_are_kept_alive"],
    ),
    Mutation(
        name="fake: a truncated answer keeps its connection open",
        path="fake_server/faults.py",
        old="answer = Answer(self.body, close=True)",
        new="answer = Answer(self.body, close=False)",
        tests=[f"{ROBUST}::test_truncated_answer_closes_its_connection"],
    ),
    Mutation(
        name="fake: stop() leaves idle keep-alive connections open",
        path="fake_server/app.py",
        old="            close_connections(server)\n",
        new="            pass\n",
        tests=[f"{ROBUST}::test_stop_closes_idle_keep_alive_connections"],
    ),
    Mutation(
        name="fake: a malformed kind missing from the registry",
        path="fake_server/faults.py",
        old='    "disconnect": Disconnect(),\n',
        new="",
        tests=[f"{ROBUST}::test_malformed_kinds_and_registry_agree"],
    ),
    Mutation(
        name="fake: countries filter ignored",
        path="fake_server/_data.py",
        old="if countries and self.place(i)[0] not in countries:",
        new="if False:",
        tests=[f"{READS}::test_staff_filters"],
    ),
    Mutation(
        name="fake: searchfield=fullname ignored",
        path="fake_server/_data.py",
        old='if query.searchfield != "fullname":',
        new="if True:",
        tests=[f"{DATA}::test_q_searches_names_taglines_and_topics"],
    ),
    Mutation(
        name="fake: spotlight tagged filter ignored",
        path="fake_server/_spotlights.py",
        old="if tagged and not tagged.intersection(self.tagged(s)):",
        new="if False:",
        tests=[f"{READS}::test_spotlight_filters"],
    ),
    Mutation(
        name="fake: expired tokens accepted",
        path="fake_server/_tokens.py",
        old="if int(serial) < self.min_serial or int(expires_ms) <= now * 1000:",
        new="if int(serial) < self.min_serial:",
        tests=[f"{DATA}::test_expired_by_clock_is_401"],
    ),
    Mutation(
        name="fake: a token for another organization accepted",
        path="fake_server/_routes.py",
        old='if params["org"] != str(granted):',
        new="if False:",
        tests=[f"{DATA}::test_token_of_another_org_is_403"],
    ),
    Mutation(
        name="fake: the journal keeps a token joined to other characters",
        path="fake_server/_journal.py",
        old="            text = _TOKEN_LIKE.sub(self._token_in, text)",
        new=(
            "            text = _TOKEN_LIKE.sub("
            "lambda m: REDACTED if self.is_token(m[0]) else m[0], text)"
        ),
        tests=[
            "tests/fake/test_fake_robustness.py::test_journal_redacts_secrets_and_tokens_wherever_they_appear"
        ],
    ),
    Mutation(
        name="fake: the journal keeps a bare Authorization header",
        path="fake_server/_journal.py",
        old='    return f"{scheme} {REDACTED}" if scheme.lower() in _SCHEMES else REDACTED',
        new='    return f"{scheme[:20]} {REDACTED}"',
        tests=[
            "tests/fake/test_fake_robustness.py::test_journal_redacts_secrets_and_tokens_wherever_they_appear"
        ],
    ),
    Mutation(
        name="fake: a token POST with a trailing slash is not counted",
        path="fake_server/app.py",
        old='        if path.rstrip("/") in TOKEN_PATHS and request.method == "POST":',
        new='        if path in TOKEN_PATHS and request.method == "POST":',
        tests=[
            "tests/fake/test_fake_robustness.py::test_a_token_post_with_a_trailing_slash_is_counted_and_faulted"
        ],
    ),
    Mutation(
        name="fake: a request begun before a reset is journaled after it",
        path="fake_server/app.py",
        old="            if self._current(request):  # a request from before the reset",
        new="            if True:  # a request from before the reset",
        tests=[
            "tests/fake/test_fake_controls.py::test_a_request_begun_before_a_reset_is_not_counted_after_it"
        ],
    ),
    Mutation(
        name="fake: an HTTP/0.9 request line waits for headers that never come",
        path="fake_server/_wsgi.py",
        old="        if len(words) != 2:",
        new="        if True:",
        tests=[
            "tests/fake/test_fake_robustness.py::test_requests_refused_before_parsing_are_enveloped_and_recorded"
        ],
    ),
    # -- writes (fake_server/_store.py) ------------------------------------------------
    Mutation(
        name="fake writes: the store is not thread-safe (a write does not take its lock)",
        path="fake_server/_store.py",
        old='        with self._lock:\n            if kind == "_create_person":',
        new='        if True:\n            if kind == "_create_person":',
        tests=[f"{WRITES}::test_store_serializes_writes"],
    ),
    Mutation(
        name="fake writes: a write is not visible to later reads",
        path="fake_server/_store.py",
        old="        if not self.dirty(org):  # nothing written here",
        new="        if True:  # nothing written here",
        tests=[
            f"{WRITES_CONTRACT}::test_section_write_is_visible_to_reads",
            f"{WRITES_CONTRACT}::test_person_update_is_visible_to_reads",
        ],
    ),
    Mutation(
        name="fake writes: the required-field check removed",
        path="fake_server/_forms.py",
        old='    missing = [name for name in required if not form.get(name, "").strip()]',
        new="    missing: list[str] = []",
        tests=[f"{WRITES_CONTRACT}::test_missing_required_field_is_refused_and_changes_nothing"],
    ),
    Mutation(
        name="fake writes: the documented-values check removed",
        path="fake_server/_forms.py",
        old="        if name in form and form[name] not in allowed:",
        new="        if False:",
        tests=[f"{WRITES_CONTRACT}::test_value_outside_the_documented_ones_is_refused"],
    ),
    Mutation(
        name="fake writes: a fault after the write answers before writing",
        path="fake_server/_write_routes.py",
        old=(
            "            try:\n"
            "                answer = s.store.write(server, request, org, params, kind_)"
        ),
        new=(
            "            early = s.after_write(request)\n"
            "            if early is not None:\n"
            "                return early\n"
            "            try:\n"
            "                answer = s.store.write(server, request, org, params, kind_)"
        ),
        tests=[
            f"{WRITES}::test_failure_after_the_write_keeps_the_change",
            f"{WRITES}::test_dropped_connection_after_the_write_keeps_the_change",
        ],
    ),
    Mutation(
        name="fake writes: a deleted section item is still read",
        path="fake_server/_people.py",
        old="            if key in self.deleted:",
        new="            if key in ():",
        tests=[f"{WRITES_CONTRACT}::test_initial_items_can_be_updated_and_deleted"],
    ),
    Mutation(
        name="fake writes: an update of an initial item is not read back",
        path="fake_server/_people.py",
        old="item if change is None else item | {k: change[k] for k in item if k in change}",
        new="item",
        tests=[f"{WRITES_CONTRACT}::test_initial_items_can_be_updated_and_deleted"],
    ),
    Mutation(
        name="fake writes: expert create answers an object, not the body as a one-element list",
        path="fake_server/_store.py",
        old="            return ok([echo])",
        new="            return ok(echo)",
        tests=[f"{WRITES_CONTRACT}::test_write_answers_as_documented"],
    ),
    Mutation(
        name="fake writes: reset keeps the writes",
        path="fake_server/app.py",
        old="        self.store.reset()",
        new="        pass",
        tests=[f"{WRITES_CONTRACT}::test_reset_restores_the_initial_data"],
    ),
    Mutation(
        name="fake writes: a deleted person is still listed",
        path="fake_server/_store.py",
        old="[i for i in found if d.username(i) not in deleted and i not in touched]",
        new="[i for i in found if i not in touched]",
        tests=[f"{WRITES_CONTRACT}::test_person_delete_is_visible_to_reads"],
    ),
    Mutation(
        name="fake writes: the 429 before a write is sent after making the change",
        path="fake_server/app.py",
        old="                    WRITE_METHODS,\n                )\n            )",
        new="                    frozenset({'GET'}),\n                )\n            )",
        tests=[f"{WRITES}::test_refused_before_the_write_changes_nothing"],
    ),
    Mutation(
        name="fake writes: fields=[...] on a list shows the account as it was before a write",
        path="fake_server/_store.py",
        old="                    values[name] = person.account[key]",
        new="                    pass",
        tests=[f"{WRITES_CONTRACT}::test_list_fields_show_written_account_values"],
    ),
    Mutation(
        name="fake: idle_timeout ignored (a stalled connection is held 30 s)",
        path="fake_server/_wsgi.py",
        old='self.idle_timeout: float = getattr(self.server, "idle_timeout", self.timeout)',
        new="self.idle_timeout: float = 30.0",
        tests=[
            f"{IDLE}::test_idle_and_half_sent_connections_are_closed",
            f"{IDLE}::test_the_command_takes_an_idle_timeout",
        ],
    ),
    Mutation(
        name="fake: a request dripped byte by byte is never cut off (timeout per read only)",
        path="fake_server/_wsgi.py",
        old="        left = self.handler.deadline - time.monotonic()\n",
        new="        left = self.handler.idle_timeout\n",
        tests=[f"{IDLE}::test_a_request_dripped_byte_by_byte_is_cut_off"],
    ),
    Mutation(
        name="dataset: usernames not quoted into file names",
        path=DATASET,
        old='name = quote(value, safe="")',
        new="name = value",
        tests=[f"{FOLDER}::test_a_username_is_found_by_its_quoted_file_name"],
    ),
    Mutation(
        name="dataset: manifest format not checked",
        path=DATASET,
        old=' or manifest.get("format") != FORMAT:',
        new=":",
        tests=[f"{FOLDER}::test_a_spoiled_capture_is_one_error_naming_file_and_reason"],
    ),
    Mutation(
        name="dataset: manifest version not checked",
        path=DATASET,
        old="if type(version) is not int or version != VERSION:",
        new="if type(version) is not int:",
        tests=[f"{FOLDER}::test_a_spoiled_capture_is_one_error_naming_file_and_reason"],
    ),
    Mutation(
        name="dataset: filtered expert lists keep unfiltered aggregations",
        path=DATASET,
        old="    if filtered:\n",
        new="    if False:\n",
        tests=[f"{FOLDER}::test_a_filtered_list_recounts_its_aggregations"],
    ),
    Mutation(
        name="dataset: filtered spotlight lists keep unfiltered aggregations",
        path=DATASET,
        old="    if query != type(query)():\n",
        new="    if False:\n",
        tests=[f"{FOLDER}::test_a_filtered_list_recounts_its_aggregations"],
    ),
    Mutation(
        name="dataset: section item id compared without str()",
        path=DATASET,
        old='str(i.get("id")) == item_id',
        new='i.get("id") == item_id',
        tests=[f"{FOLDER}::test_a_section_item_is_found_by_its_numeric_id"],
    ),
    Mutation(
        name="dataset: symbolic links followed",
        path=DATASET,
        old="            if stat.S_ISLNK(info.st_mode) and relative:\n",
        new="            if False:\n",
        tests=[f"{FOLDER}::test_a_spoiled_capture_is_one_error_naming_file_and_reason"],
    ),
    Mutation(
        name="dataset: a FIFO or device taken for a file",
        path=DATASET,
        old="            if not stat.S_ISREG(info.st_mode):\n",
        new="            if False:\n",
        tests=[f"{FOLDER}::test_a_spoiled_capture_is_one_error_naming_file_and_reason"],
    ),
    Mutation(
        name="dataset: nesting depth not checked",
        path=DATASET,
        old="        if not _depth_ok(value):\n",
        new="        if False:\n",
        tests=[f"{FOLDER}::test_a_spoiled_capture_is_one_error_naming_file_and_reason"],
    ),
    Mutation(
        name="dataset: list items not checked",
        path=DATASET,
        old="            problem = _list_problem(noun, data)\n",
        new="            problem = None\n",
        tests=[f"{FOLDER}::test_a_spoiled_capture_is_one_error_naming_file_and_reason"],
    ),
    Mutation(
        name="dataset: profile files read at request time (a FIFO profile loads)",
        path=DATASET,
        old='for folder in ("expert", "staff", "spotlight"):',
        new="for folder in ():",
        tests=[f"{FOLDER}::test_the_command_says_what_is_wrong_in_one_line"],
    ),
    Mutation(
        name="fake writes: write_json=refuse still takes a JSON body",
        path="fake_server/_store.py",
        old='form = read_form(request, json_body=s.settings.write_json == "accept")',
        new="form = read_form(request, json_body=True)",
        tests=[f"{FLIPS}[write bodies]"],
    ),
    Mutation(
        name="fake writes: new_username=numbered still names the username after the person",
        path="fake_server/_store.py",
        old='prefix = "" if s.settings.new_username == "numbered" else f"{stem}-"',
        new='prefix = f"{stem}-"',
        tests=[f"{FLIPS}[the username of a created expert or staf]"],
    ),
    Mutation(
        name="fake writes: section_post_answer=id_null still answers the guessed shapes",
        path="fake_server/_store.py",
        old='            if s.settings.section_post_answer == "id_null":',
        new="            if False:",
        tests=[f"{FLIPS}[the biography, tagline and social POST a]"],
    ),
    Mutation(
        name="fake writes: accomplishment_date=both leaves the end unset",
        path="fake_server/_store.py",
        old='            values["end"] = values["start"]  # a one-day accomplishment',
        new="            pass  # a one-day accomplishment",
        tests=[f"{FLIPS}[the accomplishment date field]"],
    ),
    Mutation(
        name="fake writes: undocumented_write_status=404 still answers 405",
        path="fake_server/_write_routes.py",
        old="                if s.settings.undocumented_write_status == 404:",
        new="                if False:",
        tests=[f"{FLIPS}[a write to a section the documents give ]"],
    ),
]
