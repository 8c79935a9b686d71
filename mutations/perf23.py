"""Mutations of issue 23 §3: the pull paced to a service's rate limit, the probe travelling
with the pages, the rows made a page at a time."""

from __future__ import annotations

from mutations import Mutation

PACE = "expertfile_nb/_reads/pace.py"
PAGING = "expertfile_nb/_reads/paging.py"
FRAMES = "expertfile_nb/_reads/frames.py"
TRANSPORT = "expertfile_nb/_http/transport.py"
ADAPTIVE = "tests/reads/test_pull_adaptive.py"
ROWS = "tests/reads/test_pull_rows.py"

MUTATIONS = [
    Mutation(
        name="pace: a 429 does not halve the requests in flight",
        path=PACE,
        old="self.limit = max(1, self.limit // 2)",
        new="self.limit = max(1, self.limit)",
        tests=[
            f"{ADAPTIVE}::test_a_429_halves_once_per_burst_and_answers_grow_it_back",
            f"{ADAPTIVE}::test_the_server_sees_fewer_requests_at_once_after_a_429",
        ],
    ),
    Mutation(
        name="pace: every 429 of one burst halves again",
        path=PACE,
        old="if epoch == self._epoch:  # not answered by a halving yet",
        new="if True:",
        tests=[f"{ADAPTIVE}::test_a_429_halves_once_per_burst_and_answers_grow_it_back"],
    ),
    Mutation(
        name="pace: answers never let the requests in flight grow back",
        path=PACE,
        old="                self.limit += 1\n",
        new="                pass\n",
        tests=[f"{ADAPTIVE}::test_a_429_halves_once_per_burst_and_answers_grow_it_back"],
    ),
    Mutation(
        name="pace: growing past workers",
        path=PACE,
        old="if self._run >= self.limit and self.limit < self.workers:",
        new="if self._run >= self.limit:",
        tests=[f"{ADAPTIVE}::test_a_429_halves_once_per_burst_and_answers_grow_it_back"],
    ),
    Mutation(
        name="pace: Retry-After not waited for",
        path=PACE,
        old="pause = min(max(retry_after, 0.0), MAX_PAUSE)",
        new="pause = 0.0",
        tests=[
            f"{ADAPTIVE}::test_the_pause_is_retry_after_capped_or_a_doubling_back_off",
            f"{ADAPTIVE}::test_retry_after_is_waited_out_before_the_next_request",
            f"{ADAPTIVE}::test_a_429_pauses_the_whole_pull_not_only_its_page",
        ],
    ),
    Mutation(
        name="pace: Retry-After not capped (an hour hangs the pull)",
        path=PACE,
        old="pause = min(max(retry_after, 0.0), MAX_PAUSE)",
        new="pause = max(retry_after, 0.0)",
        tests=[f"{ADAPTIVE}::test_the_pause_is_retry_after_capped_or_a_doubling_back_off"],
    ),
    Mutation(
        name="pace: the back-off without Retry-After does not double",
        path=PACE,
        old="pause = min(self._backoff * 2 ** (self._streak - 1), MAX_BACKOFF)",
        new="pause = min(self._backoff, MAX_BACKOFF)",
        tests=[f"{ADAPTIVE}::test_the_pause_is_retry_after_capped_or_a_doubling_back_off"],
    ),
    Mutation(
        name="pace: an answer does not end the streak of 429s",
        path=PACE,
        old="            self._streak = 0\n",
        new="",
        tests=[f"{ADAPTIVE}::test_the_pause_is_retry_after_capped_or_a_doubling_back_off"],
    ),
    Mutation(
        name="transport: urllib3 retries the pull's 429s itself (no pacing)",
        path=TRANSPORT,
        old="            deferred.append(status_code)  # the caller paces it (pacing_429)\n"
        "            return False\n",
        new="            pass\n",
        tests=[f"{ADAPTIVE}::test_a_429_pauses_the_whole_pull_not_only_its_page"],
    ),
    Mutation(
        name="paging: a page answered 429 once more than the bound",
        path=PAGING,
        old="if not deferred or throttled >= THROTTLED_ATTEMPTS:",
        new="if not deferred or throttled > THROTTLED_ATTEMPTS:",
        tests=[f"{ADAPTIVE}::test_a_page_refused_again_and_again_ends_the_pull_after_the_bound"],
    ),
    Mutation(
        name="paging: retries=0 not taken at its word (a 429 asked again)",
        path=PAGING,
        old="if not deferred or throttled >= THROTTLED_ATTEMPTS:",
        new="if throttled >= THROTTLED_ATTEMPTS:",
        tests=[f"{ADAPTIVE}::test_retries_zero_means_a_429_ends_the_pull_at_once"],
    ),
    Mutation(
        name="paging: the pages begun as offsets kept when the probe finds page numbers",
        path=PAGING,
        old="kept = ahead.pop((start[0], size), None)",
        new="kept = ahead.pop(next(iter(ahead)), None) if ahead else None",
        tests=[
            "tests/reads/test_pull_experts.py::test_page_number_paging_is_detected_and_followed",
            "tests/reads/test_pull_ahead.py::"
            "test_pages_sent_ahead_are_dropped_when_page_from_is_a_page_number",
        ],
    ),
    Mutation(
        name="frames: rows not flattened (avatar as one column of dicts)",
        path=FRAMES,
        old="    for key, value in objects:\n        _into(row, key, value)",
        new="    for key, value in objects:\n        row[key] = value",
        tests=[f"{ROWS}::test_rows_are_what_json_normalize_makes_of_the_records"],
    ),
    Mutation(
        name="frames: flattened keys in the record's order, not json_normalize's",
        path=FRAMES,
        old="            objects.append((key, value))\n",
        new="            _into(row, key, value)\n",
        tests=[f"{ROWS}::test_rows_are_what_json_normalize_makes_of_the_records"],
    ),
    Mutation(
        name="frames: an empty key's objects named '.k', not 'k' as pandas does",
        path=FRAMES,
        old='name = f"{prefix}.{key}" if prefix else key',
        new='name = f"{prefix}.{key}"',
        tests=[f"{ROWS}::test_rows_are_what_json_normalize_makes_of_the_records"],
    ),
    Mutation(
        name="frames: topics with more than a title become titles",
        path=FRAMES,
        old='isinstance(topic, dict) and len(topic) == 1 and "title" in topic',
        new='isinstance(topic, dict) and "title" in topic',
        tests=[f"{ROWS}::test_topics_become_titles_only_when_every_item_is_a_title"],
    ),
    Mutation(
        name="paging: a failed pull still sends the pages waiting out a 429's pause",
        path=PAGING,
        old="            pace.close()\n            pool.shutdown(wait=True, cancel_futures=True)\n",
        new="            pool.shutdown(wait=True, cancel_futures=True)\n",
        tests=[
            f"{ADAPTIVE}::test_a_pull_that_fails_sends_nothing_more_for_pages_waiting_out_a_429"
        ],
    ),
]
