"""Mutations of the reads issue 17 adds: whole profiles in bulk, by-id reads, codes."""

from __future__ import annotations

from mutations import Mutation

PROFILES = "expertfile_nb/_profiles.py"
PROFILE_TESTS = "tests/pull/test_profiles.py"

MUTATIONS = [
    Mutation(
        name="profiles: a failed profile is dropped instead of raised",
        path=PROFILES,
        old="    if failed:\n",
        new="    if False:\n",
        tests=[f"{PROFILE_TESTS}::test_a_missing_profile_is_named_and_nothing_returned"],
    ),
    Mutation(
        name="profiles: another person's profile is taken as the one asked",
        path=PROFILES,
        old="if sent is not None and sent != username:",
        new="if False:",
        tests=[f"{PROFILE_TESTS}::test_another_persons_profile_is_refused"],
    ),
    Mutation(
        name="profiles: a username asked twice is read twice (two rows)",
        path=PROFILES,
        old="return list(dict.fromkeys(name.strip() for name in given))",
        new="return [name.strip() for name in given]",
        tests=[f"{PROFILE_TESTS}::test_one_row_per_username_with_the_account_columns"],
    ),
    Mutation(
        name="profiles: the documented account columns are not fixed (absent ones missing)",
        path=PROFILES,
        old='    "is_private": "Int64",\n',
        new="",
        tests=[f"{PROFILE_TESTS}::test_one_row_per_username_with_the_account_columns"],
    ),
    Mutation(
        name="profiles: a profile without its account record becomes an empty row",
        path=PROFILES,
        old="len(account) != 1 or not isinstance(account[0], dict)",
        new="False",
        tests=[f"{PROFILE_TESTS}::test_a_profile_without_its_account_is_refused"],
    ),
]
