"""Mutations of the data layer: paging, verification, frames, the query, the single reads."""

from __future__ import annotations

from mutations import Mutation

PAGING = "expertfile_nb/_reads/paging.py"
FRAMES = "expertfile_nb/_reads/frames.py"
QUERY = "expertfile_nb/_reads/query.py"
READS = "expertfile_nb/_reads/records.py"
VERIFY = "tests/reads/test_pull_verification.py"
CHANGING = "tests/reads/test_pull_changing_org.py"
SIZE = "tests/reads/test_pull_page_size.py"
FRAME_TESTS = "tests/reads/test_pull_frames.py"
QUERY_TESTS = "tests/reads/test_pull_query.py"
CONTRACT = "tests/contract/test_client_contract.py"
NO_OVERLAP = "tests/reads/test_pull_no_overlap.py"

MUTATIONS = [
    Mutation(
        name="paging: count == total check removed (a short or long page passes)",
        path=PAGING,
        old="if len(page.rows) != due:",
        new="if False:",
        tests=[
            f"{VERIFY}::test_a_short_middle_page_and_a_long_last_page_are_caught",
            f"{VERIFY}::test_count_must_equal_total",
        ],
    ),
    Mutation(
        name="paging: whole-pull duplicate check removed",
        path=PAGING,
        old="if not seen.add(key):",
        new="if False:",
        tests=[f"{VERIFY}::test_duplicates_are_caught_while_streaming"],
    ),
    Mutation(
        name="paging: overlap check removed (a changed membership passes)",
        path=PAGING,
        old="if skip and self.key(page.rows[0]) != last:",
        new="if False:",
        tests=[f"{VERIFY}::test_the_overlap_mismatch_names_where_it_broke", CHANGING],
    ),
    Mutation(
        name="paging: pages back to back, without the overlapping row",
        path=PAGING,
        old="overlap = 1 if size >= 2 else 0",
        new="overlap = 0",
        tests=[f"{VERIFY}::test_pages_overlap_by_one_row_at_no_extra_request"],
    ),
    Mutation(
        name="paging: total change on a later page not checked",
        path=PAGING,
        old="if page.total != total:",
        new="if False:",
        tests=[f"{VERIFY}::test_a_changed_total_is_pulled_again_once"],
    ),
    Mutation(
        name="paging: an empty first page is not checked before the plan (no early stop)",
        path=PAGING,
        old="self._check(first, 0, 0, size, total, None, 0)",
        new="pass",
        tests=[f"{VERIFY}::test_a_total_of_a_billion_with_empty_pages_ends_at_once"],
    ),
    Mutation(
        name="paging: request bound - one page more than total and page size call for",
        path=PAGING,
        old="pages = -(-(target - size) // step)",
        new="pages = -(-(target - size) // step) + 1",
        tests=[f"{VERIFY}::test_the_request_count_is_bounded_by_total_and_page_size"],
    ),
    Mutation(
        name="paging: limit ignored when planning (pages past the limit fetched)",
        path=PAGING,
        old="target = total if self.limit is None else min(total, self.limit)",
        new="target = total",
        tests=["tests/reads/test_pull_experts.py::test_limit_fetches_no_more_pages_than_needed"],
    ),
    Mutation(
        name="paging: no re-pull after a mismatch",
        path="expertfile_nb/_reads/page.py",
        old="except Mismatch as first:",
        new="except ZeroDivisionError as first:",
        tests=[f"{VERIFY}::test_a_changed_total_is_pulled_again_once"],
    ),
    Mutation(
        name="paging: keys compared without their type (1 and '1' taken for one)",
        path=PAGING,
        old="return type(value).__name__, value",
        new='return "", str(value)',
        tests=[f"{VERIFY}::test_keys_are_compared_as_sent_type_included"],
    ),
    Mutation(
        name="paging: page-size refusal fallback removed",
        path=PAGING,
        old='if exc.status == 400 and "page_size" in str(exc) and size > 1:',
        new="if False:",
        tests=[f"{SIZE}::test_a_refused_page_size_is_retried_smaller_and_logged_once"],
    ),
    Mutation(
        name="paging: a capped page is not followed",
        path=PAGING,
        old="size = len(first.rows)  # the service's largest page is smaller: use it",
        new="pass",
        tests=[f"{SIZE}::test_a_capped_page_is_followed"],
    ),
    Mutation(
        name="paging: page numbers not recognised by the probe",
        path=PAGING,
        old="        if probe == keys[2:4] or (len(keys) == 3 and probe[:1] == keys[2:3]):",
        new="        if False:",
        tests=[
            "tests/reads/test_pull_experts.py::test_page_number_paging_is_detected_and_followed"
        ],
    ),
    Mutation(
        name="frames: Unix-second timestamps not converted",
        path=FRAMES,
        old="    if dtype == UTC_SECONDS:\n        seconds",
        new="    if False:\n        seconds",
        tests=[f"{FRAME_TESTS}::test_timestamps_become_utc_datetimes"],
    ),
    Mutation(
        name="frames: topics left as objects instead of titles",
        path=FRAMES,
        old='            row["topics"] = titles',
        new="            pass",
        tests=[f"{FRAME_TESTS}::test_topics_become_lists_of_titles"],
    ),
    Mutation(
        name="frames: documented columns not added when absent",
        path=FRAMES,
        old="if name not in frame.columns:",
        new="if False:",
        tests=[f"{FRAME_TESTS}::test_an_empty_result_has_the_documented_columns_and_dtypes"],
    ),
    Mutation(
        name="frames: a value that does not fit is coerced instead of kept",
        path=FRAMES,
        old="            fits = _fits(values, dtype)",
        new="            fits = True",
        tests=[f"{FRAME_TESTS}::test_a_list_is_never_turned_into_text"],
    ),
    Mutation(
        name="frames: aggregations dropped",
        path=FRAMES,
        old='result.attrs["aggregations"] = aggregations',
        new='result.attrs["aggregations"] = None',
        tests=[f"{FRAME_TESTS}::test_aggregations_reach_the_user"],
    ),
    Mutation(
        name="query: sends the service's defaults the caller did not set",
        path=QUERY,
        old="value = given.get(name)",
        new="value = given.get(name) or param.default",
        tests=[f"{QUERY_TESTS}::test_only_paging_is_sent_when_nothing_is_set"],
    ),
    Mutation(
        name="query: fields not checked against the documented return fields",
        path=QUERY,
        old="if name not in RETURN_FIELDS:",
        new="if False:",
        tests=[f"{QUERY_TESTS}::test_fields_are_checked_and_username_is_added"],
    ),
    Mutation(
        name="reads: a spotlight of several records accepted",
        path=READS,
        old="len(items) != 1",
        new="len(items) < 1",
        tests=["tests/reads/test_single_reads.py::test_anything_but_one_spotlight_is_an_api_error"],
    ),
    Mutation(
        name="reads: the spotlight not unwrapped from data.spotlight",
        path=READS,
        old="record: dict[str, Any] = items[0]",
        new="record: dict[str, Any] = data",
        tests=[f"{CONTRACT}::test_get_spotlight_is_the_documented_record"],
    ),
    Mutation(
        name="contract: a documented column renamed on the client side",
        path="expertfile_nb/_reads/endpoints.py",
        old='"spotlight_title": "string",',
        new='"title": "string",',
        tests=[f"{CONTRACT}::test_documented_list_pages_become_documented_columns"],
    ),
    Mutation(
        name="paging: page-number services go unnoticed with first pages of 2 or 3 rows",
        path="expertfile_nb/_reads/paging.py",
        old="        if len(first.rows) >= 2:\n",
        new="        if len(first.rows) >= 4:\n",
        tests=[
            "tests/reads/test_pull_experts.py::test_page_number_paging_is_followed_with_small_pages"
        ],
    ),
    Mutation(
        name="paging: a 4xx on a page is wrapped as IncompleteDataError",
        path="expertfile_nb/_reads/paging.py",
        old="            and 400 <= (exc.status or 0) < 500",
        new="            and 400 <= (exc.status or 0) < 400",
        tests=["tests/reads/test_pull_experts.py::test_a_4xx_on_a_later_page_is_raised_as_it_is"],
    ),
    Mutation(
        name="paging: a refused login mid-pull is wrapped as IncompleteDataError",
        path="expertfile_nb/_reads/paging.py",
        old="(AuthenticationError, ConfigurationError, ResponseTooLargeError)",
        new="(ConfigurationError, ResponseTooLargeError)",
        tests=[
            "tests/reads/test_pull_experts.py::test_a_login_refused_mid_pull_is_an_authentication_error"
        ],
    ),
    Mutation(
        name="paging: a persistent 429 is raised as it is, not as IncompleteDataError",
        path="expertfile_nb/_reads/paging.py",
        old="            and not isinstance(exc, RateLimitError)\n",
        new="\n",
        tests=["tests/transport/test_reliability_faults.py"],
    ),
    Mutation(
        name="paging: a page over the size cap is wrapped as IncompleteDataError",
        path="expertfile_nb/_reads/paging.py",
        old="(AuthenticationError, ConfigurationError, ResponseTooLargeError)",
        new="(AuthenticationError, ConfigurationError)",
        tests=[
            "tests/transport/test_answer_bounds.py::test_get_session_sets_the_cap_and_the_deadline"
        ],
    ),
    Mutation(
        name="paging: no second look where pages cannot overlap (page numbers, one-row pages)",
        path=PAGING,
        old="        if cuts:\n            self._second_look(",
        new="        if False:\n            self._second_look(",
        tests=[NO_OVERLAP],
    ),
    Mutation(
        name="paging: the second look reads only the later page's side of each boundary",
        path=PAGING,
        old="looks[cut - 1, 1] = looks[cut, 1] = None",
        new="looks[cut, 1] = None",
        tests=[NO_OVERLAP],
    ),
    Mutation(
        name="paging: the second look never straddles a boundary with one small page",
        path=PAGING,
        old="m = next((m for m in range(2, size + 1) if cut % m), 1) if self.by_page else 1",
        new="m = 1",
        tests=[f"{NO_OVERLAP}::test_the_second_look_costs_one_small_request_a_boundary"],
    ),
    Mutation(
        name="paging: the second look compares no keys",
        path=PAGING,
        old="if position in sides and now.get(position) != sides[position]:",
        new="if False:",
        tests=[NO_OVERLAP],
    ),
    Mutation(
        name="paging: a boundary row missing at the second look passes",
        path=PAGING,
        old="if position in sides and now.get(position) != sides[position]:",
        new="if position in now and now[position] != sides.get(position, now[position]):",
        tests=[f"{NO_OVERLAP}::test_a_boundary_row_missing_at_the_second_look_is_a_mismatch"],
    ),
    Mutation(
        name="paging: bool usernames accepted as keys",
        path=PAGING,
        old="if isinstance(value, bool) or not isinstance(value, (str, int)):",
        new="if not isinstance(value, (str, int)):",
        tests=[f"{VERIFY}::test_a_key_that_is_not_a_string_or_whole_number_is_refused"],
    ),
    Mutation(
        name="package: import expertfile_nb loads the data layer (the pull, its thread pool)",
        path="expertfile_nb/__init__.py",
        old="from expertfile_nb._version import __version__\n",
        new="from expertfile_nb._version import __version__\nfrom expertfile_nb import data\n",
        tests=[
            "tests/test_package.py::test_import_leaves_the_data_layer_and_the_form_until_first_use"
        ],
    ),
    Mutation(
        name="paging: a failed second look lets the looks not yet begun go on",
        path=PAGING,
        # both stops: map's cancelling of the looks not begun, and the closed pace (which
        # keeps a look that begins after the failure from sending anything)
        old="pages = list(pool.map(lambda look: self._fetch(*look), looks))\n"
        "            finally:\n"
        "                self.pace.close()\n",
        new="pages = [f.result() for f in [pool.submit(self._fetch, *look) for look in looks]]\n"
        "            finally:\n"
        "                pass\n",
        tests=[f"{NO_OVERLAP}::test_a_second_look_that_fails_stops_at_once"],
    ),
]
