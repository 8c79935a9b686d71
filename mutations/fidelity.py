"""Mutations of issue 17's read fidelity: the vendor's samples, the contract of all 74
reads, the fake's read settings and its ASSUMPTIONS."""

from __future__ import annotations

from mutations import Mutation

FIXTURES = "tests/contract/test_vendor_fixtures.py"
READS = "tests/contract/test_fake_reads.py"
ASSUME = "tests/contract/test_assumptions.py"

MUTATIONS = [
    Mutation(
        name="contract: testimonial date typed non-null (the sample shows null)",
        path="tests/contract/documented.py",
        old='"date": Nullable(int),  # null in both DOC-SL samples\n    },\n    "patent"',
        new='"date": int,\n    },\n    "patent"',
        tests=[FIXTURES],
    ),
    Mutation(
        name="contract: a vendor repair left out (a sample no longer parses)",
        path="tests/contract/vendor_samples.py",
        old='Repair("placeholder", \'"reading_time": int\', \'"reading_time": 1\'),',
        new="",
        tests=[FIXTURES],
    ),
    Mutation(
        name="fake: 'all' read as a value, not as no filter",
        path="fake_server/_query.py",
        old='if not value or value.lower() == "all":  # the documented default: no filter',
        new="if not value:",
        tests=[f"{READS}::test_all_means_all"],
    ),
    Mutation(
        name="fake: month=all refused",
        path="fake_server/_query.py",
        old='month_text = "" if month_text.lower() == "all" else month_text',
        new="",
        tests=[f"{READS}::test_all_means_all"],
    ),
    Mutation(
        name="fake: success_key=as_sampled leaves success out of every read",
        path="fake_server/_reads.py",
        old='return success_key == "always" or (person, segment, by_id)',
        new='return success_key == "always" and (person, segment, by_id)',
        tests=[f"{READS}::test_every_read_is_documented"],
    ),
    Mutation(
        name="fake: nulls=as_sampled sends no null",
        path="fake_server/_reads.py",
        old='if nulls == "as_sampled" and segment in SAMPLED_NULLS:',
        new='if nulls == "never" and segment in SAMPLED_NULLS:',
        tests=[f"{READS}::test_nulls_as_sampled_sends_null_where_the_samples_do"],
    ),
    Mutation(
        name="fake: doc_version=slate keeps profiletype in the staff profile",
        path="fake_server/_reads.py",
        old='        if k != "profiletype"\n',
        new="",
        tests=[f"{READS}::test_staff_profile_spelling_follows_doc_version"],
    ),
    Mutation(
        name="fake: the token endpoint refuses a JSON body",
        path="fake_server/_tokens.py",
        old='if json_body and mimetype == "application/json":',
        new="if False:",
        tests=[f"{READS}::test_token_takes_a_json_body_unless_refused"],
    ),
    Mutation(
        name="fake: unlisted_params=refuse does nothing",
        path="fake_server/_query.py",
        old='if settings.unlisted_params == "refuse":',
        new="if False:",
        tests=[ASSUME],
    ),
    Mutation(
        name="fake: a new guess without an ASSUMPTIONS entry",
        path="fake_server/settings.py",
        old="    # the fault controls\n",
        new="    guess: int = 0\n    # the fault controls\n",
        tests=[f"{ASSUME}::test_assumptions_are_exactly_the_settings"],
    ),
    Mutation(
        name="fake: guessed_items=as_sampled still fills the social item",
        path="fake_server/_reads.py",
        old='return [{"id": None}]',
        new="return items",
        tests=[ASSUME],
    ),
]
