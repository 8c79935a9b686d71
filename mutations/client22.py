"""Mutations of ``ef.Client``, the named profiles, ``--profile``, and the notebook fronts of
issue 22 (the logged-in form on a second Run All, the status card before a login)."""

from mutations import Mutation

CLIENT = "tests/auth/test_client.py"
PROFILES = "tests/auth/test_profiles_file.py"
RERUN = "tests/notebook_ui/test_login_form_rerun.py"

MUTATIONS = [
    Mutation(
        name="client22: a profile holding a secret is read whatever its mode",
        path="expertfile_nb/_auth/profiles.py",
        old="    if mode & (stat.S_IRWXG | stat.S_IRWXO):",
        new="    if False:",
        tests=[f"{PROFILES}::test_a_secret_others_can_read_is_refused"],
    ),
    Mutation(
        name="client22: a profile readable by the group is trusted",
        path="expertfile_nb/_auth/profiles.py",
        old="    if mode & (stat.S_IRWXG | stat.S_IRWXO):",
        new="    if mode & stat.S_IRWXO:",
        tests=[f"{PROFILES}::test_a_secret_others_can_read_is_refused"],
    ),
    Mutation(
        name="client22: the profile secret shows in repr",
        path="expertfile_nb/_auth/profiles.py",
        old="""        secret = "'***'" if self.client_secret else "None\"""",
        new="        secret = repr(self.client_secret)",
        tests=[f"{PROFILES}::test_profile_secret_never_in_repr"],
    ),
    Mutation(
        name="client22: an unknown profile does not list the profiles there",
        path="expertfile_nb/_auth/profiles.py",
        old='        listed = ", ".join(sorted(profiles)) or "none"',
        new='        listed = "(see the file)"',
        tests=[f"{PROFILES}::test_unknown_profile_lists_those_available"],
    ),
    Mutation(
        name="client22: malformed TOML without the parser's line",
        path="expertfile_nb/_auth/profiles.py",
        old='is not valid TOML: {exc}.")',
        new='is not valid TOML.")',
        tests=[f"{PROFILES}::test_malformed_toml_names_the_file_and_the_line"],
    ),
    Mutation(
        name="client22: the profile selection of a Client is ignored",
        path="expertfile_nb/client.py",
        old="url, profile=self._profile, url_given=url_given, for_client=True",
        new="url, profile=None, url_given=url_given, for_client=True",
        tests=[f"{CLIENT}::test_client_from_a_profile"],
    ),
    Mutation(
        name="client22: EXPERTFILE_PROFILE is ignored",
        path="expertfile_nb/_auth/credentials.py",
        old="    from_env = profile_from_environment()",
        new="    from_env = None",
        tests=[f"{PROFILES}::test_expertfile_profile_logs_the_default_in"],
    ),
    Mutation(
        name="client22: a profile named on purpose comes after the environment pair",
        path="expertfile_nb/_auth/credentials.py",
        old="    if profile is not None:\n        return use(profile)",
        new="    if profile is not None and from_environment() is None:\n"
        "        return use(profile)",
        tests=[f"{CLIENT}::test_client_from_a_profile"],
    ),
    Mutation(
        name="client22: a profile's base_url is not used",
        path="expertfile_nb/_auth/credentials.py",
        old="        moved = bool(named.base_url) and not url_given",
        new="        moved = False",
        tests=[f"{CLIENT}::test_client_from_a_profile"],
    ),
    Mutation(
        name="client22: two clients share one login state (and one token)",
        path="expertfile_nb/client.py",
        old="        self._state = LoginState()  # this client's own: "
        "nothing shared with the default",
        new="        from expertfile_nb._auth.state import STATE as shared\n\n"
        "        self._state = shared",
        tests=[
            f"{CLIENT}::test_two_clients_many_threads_one_token_each",
            f"{CLIENT}::test_a_client_never_uses_the_default_login",
        ],
    ),
    Mutation(
        name="client22: a method does not pass the client's session",
        path="expertfile_nb/client.py",
        old='            if given.get("session") is None:',
        new="            if False:",
        tests=[f"{CLIENT}::test_two_clients_many_threads_one_token_each"],
    ),
    Mutation(
        name="client22: the first login of a client is not guarded (one per thread)",
        path="expertfile_nb/client.py",
        old="            login = self._state.current\n            if login is not None:\n"
        "                return login",
        new="            login = None",
        tests=[f"{CLIENT}::test_two_clients_many_threads_one_token_each"],
    ),
    Mutation(
        name="client22: a client's plan applies through the default login",
        path="expertfile_nb/client.py",
        old="        return _ClientPlan(plan, self)",
        new="        return plan",
        tests=[f"{CLIENT}::test_plan_applies_and_undoes_through_its_client"],
    ),
    Mutation(
        name="client22: a client's apply result undoes through the default login",
        path="expertfile_nb/client.py",
        old="        return _ClientResult(result, self._client)",
        new="        return result",
        tests=[f"{CLIENT}::test_plan_applies_and_undoes_through_its_client"],
    ),
    Mutation(
        name="client22: a client's logout deletes every token remembered for its base URL",
        path="expertfile_nb/client.py",
        old="cache.save(login.provider.base_url, None, credentials.client_id)",
        new="cache.delete(login.provider.base_url)",
        tests=[f"{CLIENT}::test_logout_deletes_only_its_own_entry_at_a_shared_base_url"],
    ),
    Mutation(
        name="client22: remember=True of a client is ignored",
        path="expertfile_nb/client.py",
        old="        if settings.remember:\n"
        "            provider.remember_in(TokenFile(default_cache_file()))\n"
        "        return Login(",
        new="        return Login(",
        tests=[f"{CLIENT}::test_remembered_entries_are_per_client"],
    ),
    Mutation(
        name="client22: --profile on the command line is ignored",
        path="expertfile_nb/cli/main.py",
        old="            STATE.profile = args.profile",
        new="            STATE.profile = None",
        tests=[f"{PROFILES}::test_cli_profile_on_every_command"],
    ),
    Mutation(
        name="client22: --profile only before the command",
        path="expertfile_nb/cli/main.py",
        old="    for command in commands:  # after the command too",
        new="    for command in []:  # after the command too",
        tests=[f"{PROFILES}::test_cli_profile_on_every_command"],
    ),
    Mutation(
        name="client22: status does not say which profile is in use",
        path="expertfile_nb/_auth/status.py",
        old="        profile=current.profile,\n    )",
        new="        profile=None,\n    )",
        tests=[f"{PROFILES}::test_expertfile_profile_logs_the_default_in"],
    ),
    Mutation(
        name="client22: status before a login is a bare line, not the card saying what to do",
        path="expertfile_nb/_auth/status.py",
        old="            return self._card_not_logged_in()",
        new='            return f"<div>{escape(str(self).splitlines()[0])}</div>"',
        tests=[f"{PROFILES}::test_status_card_when_not_logged_in_says_what_to_do"],
    ),
    Mutation(
        name="client22: a second Run All shows a raw Token(...) instead of the form",
        path="expertfile_nb/_notebook.py",
        old="            return FormToken.of(token)",
        new="            return token",
        tests=[f"{RERUN}::test_run_all_twice_keeps_the_form"],
    ),
    Mutation(
        name="client22: the logged-in form shown again offers no Log out",
        path="expertfile_nb/widget.py",
        old='        self.login_button.layout.display = "none"\n'
        "        self.logout_button.layout.display = None\n\n    def _set_editable",
        new="        pass\n\n    def _set_editable",
        tests=[f"{RERUN}::test_show_logged_in_offers_log_out"],
    ),
    Mutation(
        name="client22: a profile's secret is not looked for in the keyring",
        path="expertfile_nb/_auth/profiles.py",
        old="        secret = _keyring_secret(client_id)",
        new="        secret = None",
        tests=[f"{PROFILES}::test_the_secret_from_a_keyring_backend"],
    ),
]
