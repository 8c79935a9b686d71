"""Mutations of ``check`` (the live probe), ``capture`` (with its pseudonyms) and the fake's
serving of a capture."""

from __future__ import annotations

from mutations import Mutation

CHECK = "expertfile_nb/_check.py"
PROBES = "expertfile_nb/_check_probes.py"
PROBE = "expertfile_nb/_probe.py"
ANONYMIZE = "expertfile_nb/_anonymize.py"
CAPTURE = "expertfile_nb/_capture.py"
DATASET = "fake_server/_dataset.py"
CHECK_TESTS = "tests/test_check.py"
CAPTURE_TESTS = "tests/test_capture.py"

MUTATIONS = [
    Mutation(
        name="check: page_from read as a page number when it is an offset",
        path=PROBES,
        old='"offset" if got == names[1:3] else',
        new='"offset" if got == names[2:4] else',
        tests=[f"{CHECK_TESTS}::test_default_settings_show_no_difference"],
    ),
    Mutation(
        name="check: a capped large page reported as refused",
        path=PROBES,
        old='oversize, lo, hi = "cap", count, count + 1',
        new='oversize, lo, hi = "refuse", count, count + 1',
        tests=[f"{CHECK_TESTS}::test_default_settings_show_no_difference"],
    ),
    Mutation(
        name="check: fields=[…] always read as adding keys",
        path=PROBES,
        old='"only" if sent == set(_PROBE_FIELDS) else "add"',
        new='"add"',
        tests=[f"{CHECK_TESTS}::test_a_flipped_setting_is_exactly_the_difference"],
    ),
    Mutation(
        name="check: failure bodies not compared with the assumed envelope",
        path=PROBES,
        old="compare_shape(expected, shapes)",
        new="compare_shape(expected, [])",
        tests=[f"{CHECK_TESTS}::test_a_flipped_setting_is_exactly_the_difference"],
    ),
    Mutation(
        name="check: the largest page size not compared with the assumed one",
        path=PROBES,
        old='observed, same, largest = f"{lo} rows", lo == limit, lo',
        new='observed, same, largest = f"{lo} rows", True, lo',
        tests=[f"{CHECK_TESTS}::test_a_flipped_setting_is_exactly_the_difference"],
    ),
    Mutation(
        name="check: a profile's values written into the report",
        path=PROBES,
        old='observed = f"{len(data)} sections"',
        new='observed = f"{len(data)} sections {data}"',
        tests=[f"{CHECK_TESTS}::test_json_holds_no_token_secret_or_record_value"],
    ),
    Mutation(
        name="check: any budget accepted",
        path=CHECK,
        old="budget < MIN_BUDGET",
        new="budget < 0",
        tests=[f"{CHECK_TESTS}::test_a_budget_too_small_is_refused"],
    ),
    Mutation(
        name="check: the probe writes (POST instead of GET)",
        path=PROBE,
        old='return self._send("GET", path',
        new='return self._send("POST", path',
        tests=[f"{CHECK_TESTS}::test_default_settings_show_no_difference"],
    ),
    Mutation(
        name="capture: usernames kept under --anonymize",
        path=ANONYMIZE,
        old='USERNAME_KEYS = frozenset({"username", "tagged_experts", "tagged"})',
        new='USERNAME_KEYS = frozenset({"tagged"})',
        tests=[f"{CAPTURE_TESTS}::test_anonymized_capture_keeps_no_name_or_email"],
    ),
    Mutation(
        name="capture: a list's total is not the number of records saved",
        path=CAPTURE,
        old='"total": len(records)}',
        new='"total": len(records) + 1}',
        tests=[f"{CAPTURE_TESTS}::test_served_capture_answers_as_the_original"],
    ),
    Mutation(
        name="dataset: page_from ignored (every page is the first)",
        path=DATASET,
        old="return hits[start : start + size]",
        new="return hits[:size]",
        tests=[f"{CAPTURE_TESTS}::test_served_capture_answers_as_the_original"],
    ),
    Mutation(
        name="dataset: q ignored on people",
        path=DATASET,
        old='or _has(needle, row.get("username"))',
        new="or True",
        tests=[f"{CAPTURE_TESTS}::test_capture_serves_its_own_paging_filters_auth_and_clock"],
    ),
    Mutation(
        name="dataset: the synthetic organization served instead of the capture",
        path="fake_server/app.py",
        old="ROUTES if self.dataset is None else DATASET_ROUTES",
        new="ROUTES",
        tests=[f"{CAPTURE_TESTS}::test_served_capture_answers_as_the_original"],
    ),
    Mutation(
        name="check: a difference does not say the value that reproduces it",
        path=PROBES,
        old='            "paging",\n            meaning,\n',
        new='            "paging",\n            None,\n',
        tests=[f"{CHECK_TESTS}::test_a_flipped_setting_is_exactly_the_difference"],
    ),
]
