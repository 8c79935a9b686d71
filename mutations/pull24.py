"""Mutations of issue 23 §3 (the pull at the network's limit, third round): the first page
goes out with the probe and the next pages; what its plan does not have is dropped."""

from __future__ import annotations

from mutations import Mutation

PAGING = "expertfile_nb/_reads/paging.py"
AHEAD = "tests/reads/test_pull_ahead.py"
ADAPTIVE = "tests/reads/test_pull_adaptive.py"
VERIFY = "tests/reads/test_pull_verification.py"
EXPERTS = "tests/reads/test_pull_experts.py"

MUTATIONS = [
    Mutation(
        name="pull24: nothing goes with the first page (it travels alone again)",
        path=PAGING,
        old="            places = min(self.workers, pace.limit) - 1\n",
        new="            places = 0\n",
        tests=[
            f"{AHEAD}::test_the_first_page_goes_out_with_the_probe_and_the_next_pages",
            f"{AHEAD}::test_pages_sent_ahead_past_a_small_total_are_dropped",
        ],
    ),
    Mutation(
        name="pull24: the probe waits for the first page's answer",
        path=PAGING,
        old="probe = _Sent(pool, self._fetch, 1, 2, guess=True) if places and asked >= 2 else None",
        new="probe = None",
        tests=[f"{AHEAD}::test_the_first_page_goes_out_with_the_probe_and_the_next_pages"],
    ),
    Mutation(
        name="pull24: the first page asked again after it went out with the others",
        path=PAGING,
        old="first, size = self._first_page(asked, first_try)",
        new="first, size = self._first_page(asked, None)",
        tests=[
            f"{AHEAD}::test_the_first_page_goes_out_with_the_probe_and_the_next_pages",
            f"{AHEAD}::test_pages_sent_ahead_past_a_small_total_are_dropped",
        ],
    ),
    Mutation(
        name="pull24: pages sent ahead past the limit",
        path=PAGING,
        old="sys.maxsize if self.limit is None else self.limit,",
        new="sys.maxsize,",
        tests=[
            f"{AHEAD}::test_nothing_goes_ahead_when_the_limit_fits_the_first_page",
            f"{EXPERTS}::test_limit_fetches_no_more_pages_than_needed",
        ],
    ),
    Mutation(
        name="pull24: pages sent ahead although the limit fits the first page",
        path=PAGING,
        old="if self.one_page or (self.limit is not None and self.limit <= asked):",
        new="if self.one_page:",
        tests=[
            f"{AHEAD}::test_nothing_goes_ahead_when_the_limit_fits_the_first_page",
            f"{EXPERTS}::test_limit_fetches_no_more_pages_than_needed",
        ],
    ),
    Mutation(
        name="pull24: a re-pull of a one-page pass sends pages ahead again",
        path=PAGING,
        old="self.one_page = target <= len(first.rows) or not first.rows",
        new="self.one_page = False",
        tests=[
            f"{AHEAD}::test_a_re_pull_after_a_pass_of_one_page_sends_nothing_ahead",
            f"{VERIFY}::test_a_total_of_a_billion_with_empty_pages_ends_at_once",
        ],
    ),
    Mutation(
        name="pull24: a re-pull after an empty first page sends pages ahead again",
        path=PAGING,
        old="self.one_page = target <= len(first.rows) or not first.rows",
        new="self.one_page = target <= len(first.rows)",
        tests=[
            f"{AHEAD}::test_a_re_pull_after_a_pass_of_one_page_sends_nothing_ahead",
            f"{VERIFY}::test_a_total_of_a_billion_with_empty_pages_ends_at_once",
        ],
    ),
    Mutation(
        name="pull24: a page sent ahead taken by its page_from alone (a refused size's answer)",
        path=PAGING,
        old="kept = ahead.pop((start[0], size), None)",
        new="kept = next((ahead.pop(k) for k in list(ahead) if k[0] == start[0]), None)",
        tests=[f"{AHEAD}::test_pages_sent_ahead_at_a_refused_size_are_dropped"],
    ),
    Mutation(
        name="pull24: a page sent ahead and answered 429 asks again on its own",
        path=PAGING,
        old="                if guess:\n                    raise _GaveWay from exc\n",
        new="",
        tests=[f"{ADAPTIVE}::test_a_page_refused_again_and_again_ends_the_pull_after_the_bound"],
    ),
    Mutation(
        name="pull24: a page that gave way to a 429 is not asked again by the plan",
        path="expertfile_nb/_reads/page.py",
        old="            return self.future.result()\n        except _GaveWay:",
        new="            return self.future.result()\n        except ZeroDivisionError:",
        tests=[f"{AHEAD}::test_a_page_sent_ahead_and_answered_429_is_asked_again_by_the_plan"],
    ),
]
