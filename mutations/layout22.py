"""Mutations of issue 22 §2's new surfaces, by an independent review: the fake's one
frozen ``Settings`` (its checks, ``configure``, ``reset``, the ``server.X = v`` shorthand,
the seeded write failures, the pytest fixture), the kept list answers (a refusal, the
headers, ``latency``, a write), the import-direction test (upward imports in functions,
under ``TYPE_CHECKING``, relative; an ``__init__`` that runs code; a module no longer
named), the environment read once a pass, and the public ``data``/``writes`` modules."""

from __future__ import annotations

from mutations import Mutation

SETTINGS = "fake_server/settings.py"
APP = "fake_server/app.py"
ROUTES = "fake_server/_routes.py"
SETTINGS_TESTS = "tests/fake/test_fake_settings.py"
CACHE = "tests/fake/test_fake_list_cache.py"
LAYOUT = "tests/test_layout.py"
ONE_WAY = f"{LAYOUT}::test_imports_go_one_way"
SUB_PACKAGE = f"{LAYOUT}::test_each_sub_package_says_what_it_owns_and_may_import"
ENVIRONMENT = "tests/reads/test_pull_environment.py"
PACKAGE = "tests/test_package.py"
SHIMS = f"{PACKAGE}::test_the_public_modules_data_and_writes_keep_their_names"

MUTATIONS = [
    # -- the fake's Settings ---------------------------------------------------------------
    Mutation(
        name="layout22: Settings takes True for a number (a bool is an int)",
        path=SETTINGS,
        old="                isinstance(value, bool)\n                or not isinstance(",
        new="                False\n                or not isinstance(",
        tests=[f"{SETTINGS_TESTS}::test_a_number_setting_takes_a_number_in_its_range"],
    ),
    Mutation(
        name="layout22: Settings takes a float for an int setting (experts=2.5: a 500 later)",
        path=SETTINGS,
        old="or not isinstance(value, int if whole else (int, float))",
        new="or not isinstance(value, (int, float))",
        tests=[f"{SETTINGS_TESTS}::test_a_number_setting_takes_a_number_in_its_range"],
    ),
    Mutation(
        name="layout22: Settings takes inf and nan (token_ttl=inf: a 500 later)",
        path=SETTINGS,
        old="                or not math.isfinite(value)\n",
        new="",
        tests=[f"{SETTINGS_TESTS}::test_a_number_setting_takes_a_number_in_its_range"],
    ),
    Mutation(
        name="layout22: max_page_size=0 taken (every page empty)",
        path=SETTINGS,
        old='_LEAST = {"max_page_size": 1}',
        new="_LEAST: dict[str, int] = {}",
        tests=[f"{SETTINGS_TESTS}::test_a_number_setting_takes_a_number_in_its_range"],
    ),
    Mutation(
        name="layout22: Settings checks only its float settings (experts=-1 taken)",
        path=SETTINGS,
        old="_NUMBERS = tuple(n for n, t in _HINTS.items() if t in (int, float))",
        new="_NUMBERS = tuple(n for n, t in _HINTS.items() if t is float)",
        tests=[f"{SETTINGS_TESTS}::test_a_number_setting_takes_a_number_in_its_range"],
    ),
    Mutation(
        name="layout22: write_failure_rate=1 (every write fails) refused",
        path=SETTINGS,
        old="if self.write_failure_rate > 1:",
        new="if self.write_failure_rate >= 1:",
        tests=[
            f"{SETTINGS_TESTS}::test_a_write_failure_rate_is_a_share_from_zero_to_one_both_included"
        ],
    ),
    Mutation(
        name="layout22: the fault controls counted among the ASSUMPTIONS' settings",
        path=SETTINGS,
        old="if f.name not in (*ORGANIZATION_SETTINGS, *FAULT_SETTINGS)",
        new="if f.name not in ORGANIZATION_SETTINGS",
        tests=["tests/contract/test_assumptions.py::test_assumptions_are_exactly_the_settings"],
    ),
    Mutation(
        name="layout22: configure(write_failure_seed=…) does not start the draws again",
        path=APP,
        old='if "write_failure_seed" in changes:',
        new="if False:",
        tests=[
            f"{SETTINGS_TESTS}::test_a_seed_set_later_draws_the_failures_of_a_server_made_with_it"
        ],
    ),
    Mutation(
        name="layout22: the constructor's write_failure_seed unused (always 0)",
        path=APP,
        old="self._write_rng = random.Random(self._initial.write_failure_seed)",
        new="self._write_rng = random.Random(0)",
        tests=[
            f"{SETTINGS_TESTS}::test_a_seed_set_later_draws_the_failures_of_a_server_made_with_it"
        ],
    ),
    Mutation(
        name="layout22: server.settings = <not a Settings> not refused by type",
        path=APP,
        old="        if not isinstance(settings, Settings):\n            raise TypeError",
        new="        if False:\n            raise TypeError",
        tests=[
            f"{SETTINGS_TESTS}"
            "::test_the_settings_property_takes_a_settings_object_and_keeps_it_until_reset"
        ],
    ),
    Mutation(
        name="layout22: server.settings = … outlives reset (becomes the constructor's)",
        path=APP,
        old="        self.configure(**{name: getattr(settings, name) for name in SETTING_NAMES})",
        new=(
            "        self._initial = settings\n"
            "        self.configure(**{name: getattr(settings, name) for name in SETTING_NAMES})"
        ),
        tests=[
            f"{SETTINGS_TESTS}"
            "::test_the_settings_property_takes_a_settings_object_and_keeps_it_until_reset"
        ],
    ),
    Mutation(
        name="layout22: the server.X = v shorthand outlives reset (leaks into the next test)",
        path=APP,
        old="        self.configure(**{name: value})",
        new=(
            "        self._initial = replace(self._initial, **{name: value})\n"
            "        self.configure(**{name: value})"
        ),
        tests=[
            "tests/fake/test_fake_plugin.py",
            f"{SETTINGS_TESTS}"
            "::test_a_change_lasts_until_reset_and_reset_goes_back_to_the_servers_settings",
        ],
    ),
    Mutation(
        name="layout22: change_experts_after(n) changes the count one list request late",
        path=APP,
        old=("(left - 1, new_count) if left > 1 else None\n                if left <= 1:"),
        new=("(left - 1, new_count) if left > 2 else None\n                if left <= 2:"),
        tests=["tests/fake/test_fake_controls.py::test_change_experts_after_changes_total"],
    ),
    # -- the kept list answers -------------------------------------------------------------
    Mutation(
        name="layout22: latency only on POSTs (a list page, kept or not, sent at once)",
        path=APP,
        old="        if self._settings.latency:",
        new='        if self._settings.latency and request.method == "POST":',
        tests=[f"{CACHE}::test_latency_delays_a_kept_page_too"],
    ),
    Mutation(
        name="layout22: a refused list request kept (sent again as a 200)",
        path=ROUTES,
        old="    answer = render()\n",
        new=(
            "    try:\n"
            "        answer = render()\n"
            "    except BadRequest as exc:\n"
            '        answer = server.failure(400, "invalid_request", str(exc))\n'
        ),
        tests=[f"{CACHE}::test_a_refused_list_request_is_refused_each_time"],
    ),
    Mutation(
        name="layout22: a kept list answer sent as text/plain",
        path=ROUTES,
        old="            return Answer(body)",
        new='            return Answer(body, content_type="text/plain")',
        tests=[f"{CACHE}::test_a_kept_answer_is_sent_as_it_was_rendered"],
    ),
    Mutation(
        name="layout22: an organization with only deletes still served the kept pages",
        path="fake_server/_store.py",
        old="return bool(self._people.get(org) or self._deleted.get(org))",
        new="return bool(self._people.get(org))",
        tests=[f"{CACHE}::test_a_write_shows_and_a_reset_forgets_it"],
    ),
    # -- the import direction ----------------------------------------------------------------
    Mutation(
        name="layout22: _reads imports the client inside a function",
        path="expertfile_nb/_reads/data.py",
        old='    {raises}\n    """\n    return _frame_of(EXPERTS, locals())',
        new=(
            '    {raises}\n    """\n'
            "    from expertfile_nb.client import Client  # noqa: F401\n"
            "    return _frame_of(EXPERTS, locals())"
        ),
        tests=[ONE_WAY],
    ),
    Mutation(
        name="layout22: _edits imports the command line under TYPE_CHECKING",
        path="expertfile_nb/_edits/apply.py",
        old="if TYPE_CHECKING:\n    import requests\n",
        new="if TYPE_CHECKING:\n    import expertfile_nb.cli\n    import requests\n",
        tests=[ONE_WAY],
    ),
    Mutation(
        name="layout22: _reads imports the client by a relative import in a function",
        path="expertfile_nb/_reads/records.py",
        old='    org = getattr(session, "org_id", None)\n',
        new=(
            '    from .. import client  # noqa: F401\n    org = getattr(session, "org_id", None)\n'
        ),
        tests=[ONE_WAY],
    ),
    Mutation(
        name="layout22: a sub-package __init__ loads a module (a call, not a docstring)",
        path="expertfile_nb/_auth/__init__.py",
        old="May import: ``_http`` and the base modules (``errors``, ``_redact``, ``codes``, "
        '``_version``).\n"""\n',
        new="May import: ``_http`` and the base modules (``errors``, ``_redact``, ``codes``, "
        '``_version``).\n"""\n__import__("expertfile_nb._auth.session")\n',
        tests=[SUB_PACKAGE],
    ),
    Mutation(
        name="layout22: _auth's docstring stops naming its module token",
        path="expertfile_nb/_auth/__init__.py",
        old="the access token and its request (``token``)",
        new="the access token and its request",
        tests=[SUB_PACKAGE],
    ),
    # -- the environment read once a pass --------------------------------------------------
    Mutation(
        name="layout22: a pull's environment left in force after it (a later read uses it)",
        path="expertfile_nb/_auth/session.py",
        old="    token = _READ.set(environment)\n    try:\n        yield\n    finally:\n"
        "        _READ.reset(token)",
        new="    _READ.set(environment)\n    yield",
        tests=[f"{ENVIRONMENT}::test_a_request_after_a_pull_reads_the_environment_again"],
    ),
    Mutation(
        name="layout22: the environment read for another URL (NO_PROXY unheeded)",
        path="expertfile_nb/_auth/session.py",
        old='session, session.base_url + "/", {}, None, None, None',
        new='session, "https://elsewhere.invalid/", {}, None, None, None',
        tests=[
            f"{ENVIRONMENT}"
            "::test_each_pull_goes_through_the_proxy_the_environment_names_when_it_starts"
        ],
    ),
    # -- the public modules and a light import -------------------------------------------------
    Mutation(
        name="layout22: expertfile_nb.data loses RETURN_FIELDS",
        path="expertfile_nb/_reads/data.py",
        old='_SINGLE_READS = [\n    "RETURN_FIELDS",\n',
        new="_SINGLE_READS = [\n",
        tests=[SHIMS],
    ),
    Mutation(
        name="layout22: expertfile_nb.writes' __all__ loses find_person",
        path="expertfile_nb/writes.py",
        old='    "find_person",\n',
        new="",
        tests=[SHIMS],
    ),
    Mutation(
        name="layout22: import expertfile_nb loads the writes (and _edits) at once",
        path="expertfile_nb/__init__.py",
        old='_DATA = "expertfile_nb._reads.data"',
        new='import expertfile_nb.writes  # noqa: E402\n_DATA = "expertfile_nb._reads.data"',
        tests=[f"{PACKAGE}::test_import_leaves_the_data_layer_and_the_form_until_first_use"],
    ),
    Mutation(
        name="layout22: a mistyped setting on the server silently becomes an attribute",
        path="fake_server/app.py",
        old="            if close:\n",
        new="            if False:\n",
        tests=[
            "tests/fake/test_fake_settings.py::"
            "test_a_mistyped_setting_is_an_error_naming_the_setting"
        ],
    ),
]
