"""Mutations of ``check`` (the live probe), ``capture`` (with its pseudonyms) and the fake's
serving of a capture."""

from __future__ import annotations

from mutations import Mutation

CHECK = "expertfile_nb/_checks/check.py"
PROBES = "expertfile_nb/_checks/probes.py"
PROBE = "expertfile_nb/_checks/prober.py"
ANONYMIZE = "expertfile_nb/_checks/anonymize.py"
CAPTURE = "expertfile_nb/_checks/capture.py"
DATASET = "fake_server/_dataset.py"
CHECK_TESTS = "tests/checks/test_check.py"
CAPTURE_TESTS = "tests/checks/test_capture.py"
CAPTURE_CLI_TESTS = "tests/checks/test_capture_cli.py"
KINDS = f"{CAPTURE_TESTS}::test_each_kind_of_personal_value_gets_its_own_pseudonym"

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
    Mutation(
        name="check: the budget lets one more request through",
        path=PROBE,
        old="if self.sent >= self.budget:\n            raise BudgetSpent\n        wait =",
        new="if self.sent > self.budget:\n            raise BudgetSpent\n        wait =",
        tests=[f"{CHECK_TESTS}::test_the_budget_stops_the_probes_in_the_middle"],
    ),
    Mutation(
        name="check: the probe follows redirects",
        path=PROBE,
        old="method, self.base_url + path, timeout=timeout, allow_redirects=False",
        new="method, self.base_url + path, timeout=timeout, allow_redirects=True",
        tests=[f"{CHECK_TESTS}::test_the_probe_never_follows_a_redirect"],
    ),
    Mutation(
        name="check: rate-limit headers never a difference",
        path=PROBES,
        old='", ".join(names) or "none",\n            not names,',
        new='", ".join(names) or "none",\n            True,',
        tests=[f"{CHECK_TESTS}::test_service_differences_the_fake_cannot_show"],
    ),
    Mutation(
        name="check: token lifetime tolerance 1 d -> 100 d",
        path=PROBES,
        old="abs(days - 30) < 1",
        new="abs(days - 30) < 100",
        tests=[f"{CHECK_TESTS}::test_a_token_lifetime_other_than_30_days_is_a_difference"],
    ),
    Mutation(
        name="check: any WWW-Authenticate scheme counts as Bearer",
        path=PROBES,
        old='scheme.lower() == "bearer",',
        new="True,",
        tests=[f"{CHECK_TESTS}::test_service_differences_the_fake_cannot_show"],
    ),
    Mutation(
        name="check: a listed username sent as it is (not encoded, not type-checked)",
        path=PROBES,
        old='path.replace("{username}", _segment("username", username))',
        new='path.replace("{username}", str(username))',
        tests=[f"{CHECK_TESTS}::test_a_listed_username_is_encoded_or_refused"],
    ),
    Mutation(
        name="check: findings not masked of the secret and the token",
        path=PROBES,
        old="return scrub(text, *self.probe.hidden, self.token)",
        new="return text",
        tests=[f"{CHECK_TESTS}::test_json_masks_what_a_service_echoes"],
    ),
    Mutation(
        name="check: no overall deadline",
        path=PROBE,
        old="self._ends = time.monotonic() + limit",
        new="self._ends = time.monotonic() + limit * 1000",
        tests=[f"{CHECK_TESTS}::test_a_slow_service_stops_at_the_deadline"],
    ),
    Mutation(
        name="capture: '/' allowed in file names",
        path=CAPTURE,
        old='name = quote(str(value), safe="")',
        new='name = quote(str(value), safe="/")',
        tests=[f"{CAPTURE_CLI_TESTS}::test_hostile_usernames_leave_only_the_capture"],
    ),
    Mutation(
        name="capture: a username too long for a file name is written anyway",
        path=CAPTURE,
        old="if len(name.encode()) > MAX_NAME_BYTES:\n            return None",
        new="if False:\n            return None",
        tests=[f"{CAPTURE_CLI_TESTS}::test_hostile_usernames_leave_only_the_capture"],
    ),
    Mutation(
        name="capture: a file named after a username equal to the token",
        path=CAPTURE,
        old="if REDACTED in text or contains_any(text, _hidden(self.session)):",
        new="if False:",
        tests=[f"{CAPTURE_CLI_TESTS}::test_hostile_usernames_leave_only_the_capture"],
    ),
    Mutation(
        name="capture: a failed capture leaves its partial folder",
        path=CAPTURE,
        old="    except ExpertFileError:\n        shutil.rmtree(work, ignore_errors=True)\n",
        new="    except ExpertFileError:\n",
        tests=[f"{CAPTURE_CLI_TESTS}::test_a_failed_capture_leaves_nothing"],
    ),
    Mutation(
        name="capture: skipped sections not reported",
        path=CAPTURE,
        old='result.skipped.append(f"{folder}/{name}/{section} (HTTP {exc.status})")',
        new="pass",
        tests=[f"{CAPTURE_TESTS}::test_served_capture_answers_as_the_original"],
    ),
    Mutation(
        name="capture: the manifest says not anonymized",
        path=CAPTURE,
        old='"anonymized": key is not None,',
        new='"anonymized": False,',
        tests=[f"{CAPTURE_TESTS}::test_anonymized_capture_keeps_no_name_or_email"],
    ),
    Mutation(
        name="capture: one pseudonym key for every capture (a constant)",
        path=ANONYMIZE,
        old="return secrets.token_bytes(KEY_BYTES)",
        new="return bytes(KEY_BYTES)",
        tests=[f"{CAPTURE_TESTS}::test_each_capture_has_its_own_key_unless_one_is_kept"],
    ),
    Mutation(
        name="anonymize: the email rule removed",
        path=ANONYMIZE,
        old='if "email" in lower:',
        new="if False:",
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: the phone rule removed",
        path=ANONYMIZE,
        old='if "phone" in lower or "fax" in lower:',
        new="if False:",
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: the URL rule removed",
        path=ANONYMIZE,
        old='if value.startswith(("http://", "https://")):',
        new="if False:",
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: the last-name rule removed",
        path=ANONYMIZE,
        old='{"firstname", "lastname", "fullname",',
        new='{"firstname", "fullname",',
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: the city kept",
        path=ANONYMIZE,
        old='"location_country",',
        new='"location_country", "location_city",',
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: the address kept",
        path=ANONYMIZE,
        old='"location_country",',
        new='"location_country", "location_address",',
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: tagged_experts aggregation keys not pseudonymized",
        path=ANONYMIZE,
        old='(lower == "key" and section == "tagged_experts")',
        new="False",
        tests=[KINDS],
    ),
    Mutation(
        name="anonymize: tagged_experts lists not pseudonymized like usernames",
        path=ANONYMIZE,
        old='USERNAME_KEYS = frozenset({"username", "tagged_experts", "tagged"})',
        new='USERNAME_KEYS = frozenset({"username", "tagged"})',
        tests=[KINDS],
    ),
]
