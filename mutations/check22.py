"""Mutations of issue 22's last crosstalk: a client's ``check`` uses its own login."""

from mutations import Mutation

TEST = "tests/auth/test_client.py::test_a_clients_check_probes_with_its_own_token_and_organization"

MUTATIONS = [
    Mutation(
        name="check22: a check of another service takes the default login's organization",
        path="expertfile_nb/_checks/check.py",
        old="current is not None and current.provider.base_url == url and current.provider.token",
        new="current is not None and current.provider.token",
        tests=[
            TEST.replace(
                "a_clients_check_probes_with_its_own",
                "a_check_of_another_service_uses_that_services",
            )
        ],
    ),
    Mutation(
        name="check22: a client holding only a token checks with whatever the chain finds",
        path="expertfile_nb/client.py",
        old="            elif provider.token is not None:",
        new="            elif False:",
        tests=[TEST],
    ),
    Mutation(
        name="check22: check --profile probes EXPERTFILE_BASE_URL, not the profile's service",
        path="expertfile_nb/_checks/check.py",
        old="    url = found.base_url or url  # a profile's own service (--profile)\n",
        new="",
        tests=[
            "tests/auth/test_profiles_file.py::test_check_with_a_profile_probes_the_profiles_service"
        ],
    ),
]
