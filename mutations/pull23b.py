"""Mutations of issue 23 §3 (the pull at the network's limit, second round): the fake's kept
list answers, the environment read once a pass, a missing CA bundle named."""

from __future__ import annotations

from mutations import Mutation

ROUTES = "fake_server/_routes.py"
SESSION = "expertfile_nb/_auth/session.py"
PAGING = "expertfile_nb/_reads/paging.py"
CACHE = "tests/fake/test_fake_list_cache.py"
ENVIRONMENT = "tests/reads/test_pull_environment.py"

MUTATIONS = [
    Mutation(
        name="fake cache: the settings left out of the key (a changed paging ignored)",
        path=ROUTES,
        old="        server.settings,  # frozen: any change of a setting is another key\n",
        new="",
        tests=[f"{CACHE}::test_a_setting_changed_after_a_read_changes_the_answer"],
    ),
    Mutation(
        name="fake cache: the query left out of the key (every page the first one read)",
        path=ROUTES,
        old="tuple(sorted((k, tuple(v)) for k, v in request.args.lists())),",
        new="(),",
        tests=[
            f"{CACHE}::test_each_query_path_and_server_has_its_own_answer",
            f"{CACHE}::test_a_setting_changed_after_a_read_changes_the_answer",
        ],
    ),
    Mutation(
        name="fake cache: the path left out of the key (the staff list answered as experts)",
        path=ROUTES,
        old="    key = (\n        request.path,\n",
        new="    key = (\n",
        tests=[f"{CACHE}::test_each_query_path_and_server_has_its_own_answer"],
    ),
    Mutation(
        name="fake cache: one key for every organization's data (server, count, reset)",
        path=ROUTES,
        old="            number = _directory_ids[d] = next(_serials)",
        new="            number = _directory_ids[d] = 0",
        tests=[
            f"{CACHE}::test_each_query_path_and_server_has_its_own_answer",
            f"{CACHE}::test_the_expert_count_changing_changes_the_answer",
        ],
    ),
    Mutation(
        name="fake cache: nothing ever dropped (unbounded)",
        path=ROUTES,
        old="        while _rendered_size[0] > RENDERED_BYTES:",
        new="        while False:",
        tests=[f"{CACHE}::test_the_kept_answers_stay_within_their_bound"],
    ),
    Mutation(
        name="fake cache: an answer counted but not kept (the size drifts from the pages)",
        path=ROUTES,
        old="            _rendered[number, key] = answer.body\n",
        new="            pass\n",
        tests=[f"{CACHE}::test_the_kept_answers_stay_within_their_bound"],
    ),
    Mutation(
        name="environment: read once for the session's life, not once a pass",
        path=PAGING,
        old="        self.environment = read_environment(self.session)",
        new=(
            "        self.environment = getattr(self.session, 'read_once', None) or "
            "read_environment(self.session)\n"
            "        self.session.read_once = self.environment  # type: ignore[attr-defined]"
        ),
        tests=[
            f"{ENVIRONMENT}::test_each_pull_goes_through_the_proxy_the_environment_names_when_it_starts"
        ],
    ),
    Mutation(
        name="environment: the proxies read are dropped",
        path=SESSION,
        old='                "proxies": dict(read.proxies),',
        new='                "proxies": {},',
        tests=[
            f"{ENVIRONMENT}::test_each_pull_goes_through_the_proxy_the_environment_names_when_it_starts"
        ],
    ),
    Mutation(
        name="environment: the CA bundle read is dropped (verify=True)",
        path=SESSION,
        old='                "verify": read.verify,',
        new='                "verify": True,',
        tests=[f"{ENVIRONMENT}::test_a_pull_uses_the_ca_bundle_the_environment_names"],
    ),
    Mutation(
        name="environment: a missing CA bundle escapes as a bare OSError",
        path=SESSION,
        old="        except OSError as exc:  # requests' own check",
        new="        except ZeroDivisionError as exc:  # requests' own check",
        tests=[f"{ENVIRONMENT}::test_a_pull_uses_the_ca_bundle_the_environment_names"],
    ),
]
