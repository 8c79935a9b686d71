"""Mutations of the token, its cache, the login state and the login form."""

from mutations import Mutation

LIFE = "tests/auth/test_token_lifecycle.py"
ODD = "tests/transport/test_odd_answers.py"

MUTATIONS = [
    Mutation(
        name="token: success accepted when merely truthy",
        path="expertfile_nb/_auth/token.py",
        old='    if parsed.get("success") is not True:',
        new='    if not parsed.get("success"):',
        tests=[f"{ODD}::test_success_must_be_exactly_true"],
    ),
    Mutation(
        name="token: an expiry without a time zone taken as UTC",
        path="expertfile_nb/_auth/token.py",
        old='        raise ValueError("timestamp has no time zone")',
        new="        moment = moment.replace(tzinfo=timezone.utc)",
        tests=[f"{ODD}::test_an_expiry_without_a_time_zone_is_refused"],
    ),
    Mutation(
        name="token: a token that cannot go in a header accepted",
        path="expertfile_nb/_auth/token.py",
        old="    if not valid_token_text(access_token):\n        raise bad(",
        new="    if False:\n        raise bad(",
        tests=[f"{ODD}::test_a_token_that_cannot_go_in_a_header_is_refused"],
    ),
    Mutation(
        name="token: organization id read with str.isdigit (accepts '²')",
        path="expertfile_nb/_auth/token.py",
        old="    return int(text) if _ORG_ID.fullmatch(text) else None",
        new="    return int(text) if text.isdigit() else None",
        tests=[f"{ODD}::test_an_odd_organization_id_is_refused"],
    ),
    Mutation(
        name="token: the token POST follows redirects (the secret re-posted elsewhere)",
        path="expertfile_nb/_auth/token.py",
        old="allow_redirects=False",
        new="allow_redirects=True",
        tests=[
            "tests/transport/test_reliability_transport.py::test_the_token_request_does_not_follow_redirects"
        ],
    ),
    Mutation(
        name="token: a broken token answer is not tried again",
        path="expertfile_nb/_auth/token.py",
        old="BODY_ATTEMPTS = 3",
        new="BODY_ATTEMPTS = 1",
        tests=["tests/transport/test_reliability_faults.py::test_token_endpoint_transient"],
    ),
    Mutation(
        name="token: a network error keeps the request (and its secret) as its context",
        path="expertfile_nb/_auth/token.py",
        old="            failure = type(exc).__name__\n",
        new="            raise NetworkError(type(exc).__name__)\n",
        tests=[
            "tests/transport/test_redaction_forms.py::test_network_errors_keep_no_request_that_carried_the_secret"
        ],
    ),
    Mutation(
        name="token: leeway ignored (remembered tokens used to the last second)",
        path="expertfile_nb/_auth/token.py",
        old="        return self.expires_at.timestamp() - lw",
        new="        return self.expires_at.timestamp()",
        tests=[f"{LIFE}::test_a_remembered_token_within_the_leeway_is_not_used"],
    ),
    Mutation(
        name="token: not picklable",
        path="expertfile_nb/_auth/token.py",
        old="        return (Token, args)",
        new="        return (Token, args[:3])",
        tests=[f"{LIFE}::test_token_pickles_and_copies"],
    ),
    Mutation(
        name="auth: renewal not single-flight (no re-check under the lock)",
        path="expertfile_nb/_auth/provider.py",
        old="                return token  # another thread renewed it while we waited",
        new="                pass",
        tests=["tests/auth/test_token_cache.py::test_one_session_shared_by_16_threads"],
    ),
    Mutation(
        name="auth: a 401 renews nothing (the rejected token kept)",
        path="expertfile_nb/_auth/provider.py",
        old="and (rejected is None or token.access_token != rejected)",
        new="and True",
        tests=[
            "tests/auth/test_token_cache.py::test_revoked_token_costs_one_401_and_one_new_token"
        ],
    ),
    Mutation(
        name="auth: the bearer token sent to every origin",
        path="expertfile_nb/_auth/provider.py",
        old="        if r.url and r.url.startswith(self._prefix):",
        new="        if r.url:",
        tests=["tests/auth/test_session.py::test_token_is_not_attached_to_other_origins"],
    ),
    Mutation(
        name="auth: a due token is not renewed before use",
        path="expertfile_nb/_auth/provider.py",
        old="        if time.time() >= slot[1]:\n            self.renew()",
        new="        if False:\n            self.renew()",
        tests=[f"{LIFE}::test_a_due_token_is_renewed_before_it_is_used"],
    ),
    Mutation(
        name="auth: a token due on arrival is renewed before every request",
        path="expertfile_nb/_auth/provider.py",
        old="            refresh_at = now + 60.0",
        new="            refresh_at = refresh_at",
        tests=[f"{LIFE}::test_a_token_due_on_arrival_is_not_fetched_again_per_request"],
    ),
    Mutation(
        name="auth: remember=True after a login writes nothing",
        path="expertfile_nb/_auth/provider.py",
        old="            if token is not None:\n                with token_file.locked()",
        new="            if False:\n                with token_file.locked()",
        tests=[f"{LIFE}::test_remember_after_an_earlier_login_writes_the_file"],
    ),
    Mutation(
        name="token file: a file readable by others is trusted",
        path="expertfile_nb/_auth/token_file.py",
        old='            if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):',
        new="            if False:",
        tests=[
            "tests/auth/test_token_file.py::test_world_readable_file_is_ignored_and_rewritten_0600",
            "tests/transport/test_reliability_cache.py::test_broken_file_warns_and_is_rewritten",
        ],
    ),
    Mutation(
        name="token file: a folder others can write to is used",
        path="expertfile_nb/_auth/token_file.py",
        old="        if mode & (stat.S_IWGRP | stat.S_IWOTH):",
        new="        if False:",
        tests=[f"{LIFE}::test_a_cache_folder_others_can_write_is_not_used"],
    ),
    Mutation(
        name="token file: another client's remembered token used",
        path="expertfile_nb/_auth/token_file.py",
        old='            if client_id is not None and entry.get("client_id") != client_id:',
        new="            if False:",
        tests=[f"{LIFE}::test_a_remembered_token_of_another_client_is_not_used"],
    ),
    Mutation(
        name="token file: another base URL's remembered token used",
        path="expertfile_nb/_auth/token_file.py",
        old='            if entry.get("base_url") != base_url:',
        new="            if False:",
        tests=[f"{LIFE}::test_a_remembered_token_for_another_base_url_is_not_used"],
    ),
    Mutation(
        name="token file: logout leaves the remembered token",
        path="expertfile_nb/_auth/login.py",
        old="            removed = cache.delete(url)",
        new="            removed = False",
        tests=["tests/auth/test_token_file.py::test_logout_deletes_the_remembered_token"],
    ),
    Mutation(
        name="login: a second login() asks the chain again (the form's login is lost)",
        path="expertfile_nb/_auth/login.py",
        old="    in_use = _logged_in_at(url)",
        new="    in_use = None",
        tests=[f"{LIFE}::test_login_while_logged_in_returns_the_token_in_use"],
    ),
    Mutation(
        name="login: NotLoggedInError only after a wait",
        path="expertfile_nb/_auth/login.py",
        old="    current = STATE.current\n    if current is None:\n        _login_from_chain(",
        new=(
            "    current = STATE.current\n    __import__('time').sleep(20)\n"
            "    if current is None:\n        _login_from_chain("
        ),
        tests=[f"{LIFE}::test_not_logged_in_is_raised_at_once"],
    ),
    Mutation(
        name="form: the secret is not blanked first",
        path="expertfile_nb/widget.py",
        old='        self.client_secret.value = ""  # first',
        new="        pass  # first",
        tests=[
            "tests/notebook_ui/test_widget.py::test_success_blanks_secret_first_and_reports_org_and_expiry"
        ],
    ),
    Mutation(
        name="form: left disabled after a failed login",
        path="expertfile_nb/widget.py",
        old="            self._set_editable(not logged_in)",
        new="            self._set_editable(False)",
        tests=[f"{ODD}::test_the_form_is_not_left_disabled_by_a_malformed_base_url"],
    ),
    Mutation(
        name="token: an expiry past the last representable day is a bare OverflowError",
        path="expertfile_nb/_auth/token.py",
        old="    except OverflowError:  # e.g.",
        new="    except ZeroDivisionError:  # e.g.",
        tests=[f"{ODD}::test_an_expiry_out_of_range_is_refused"],
    ),
    Mutation(
        name="token file: no cross-process lock (racing processes each fetch a token)",
        path="expertfile_nb/_auth/token_file.py",
        old="            lock.acquire()\n",
        new="            pass\n",
        tests=["tests/transport/test_reliability_cache.py::test_processes_racing_on_one_file"],
    ),
    Mutation(
        name="auth: deleting a remembered token says one was there when none was",
        path="expertfile_nb/_auth/token_file.py",
        old='        had = any(e.get("base_url") == base_url for e in self.read_all())',
        new="        had = True",
        tests=[
            "tests/auth/test_token_file.py::test_logout_in_a_new_process_deletes_only_the_token_for_the_base_url_in_use"
        ],
    ),
    Mutation(
        name="token file: a folder at the token cache path is opened as a file",
        path="expertfile_nb/_auth/token_file.py",
        old="        if not stat.S_ISREG(os.fstat(fd).st_mode):",
        new="        if False:",
        tests=[
            "tests/auth/test_token_file.py::test_a_token_cache_path_that_is_a_folder_is_warned_about_not_a_crash"
        ],
    ),
    Mutation(
        name="config: a timeout of 0 is taken (requests would wait for ever, or refuse)",
        path="expertfile_nb/_http/config.py",
        old="0 < value < math.inf",
        new="0 <= value < math.inf",
        tests=["tests/auth/test_login_sources.py::test_a_wrong_setting_is_a_configuration_error"],
    ),
    Mutation(
        name="login: a bare login() looks at the default base URL, not at the login in use",
        path="expertfile_nb/_auth/login.py",
        old="    if base_url is None and client_id is None and client_secret is None and current",
        new="    if False and current",
        tests=[
            "tests/auth/test_login_sources.py::test_a_bare_login_returns_the_login_made_with_a_base_url"
        ],
    ),
    Mutation(
        name="query: a lone surrogate is sent (a bare UnicodeEncodeError later)",
        path="expertfile_nb/_reads/query.py",
        old='        text.encode("utf-8")\n',
        new='        text.encode("utf-8", "surrogatepass")\n',
        tests=[
            "tests/reads/test_pull_query.py::test_bad_values_are_configuration_errors",
            "tests/reads/test_pull_query.py::test_a_username_that_cannot_be_sent_is_a_configuration_error",
        ],
    ),
    Mutation(
        name="auth: a refused token is said to have expired on the next call",
        path="expertfile_nb/_auth/provider.py",
        old="                    self._rejected = rejected is not None",
        new="                    self._rejected = False",
        tests=[
            "tests/auth/test_login_sources.py::test_a_refused_prepared_token_is_said_to_be_refused_on_every_call"
        ],
    ),
    Mutation(
        name="auth: the bearer prefix has no '/' (:8765 matches :87650)",
        path="expertfile_nb/_auth/provider.py",
        old='        self._prefix = provider.base_url + "/"',
        new="        self._prefix = provider.base_url",
        tests=[
            "tests/auth/test_session.py::"
            "test_token_is_not_attached_to_a_port_that_only_begins_like_the_base_urls"
        ],
    ),
    Mutation(
        name="token file: saving one client's token drops the other clients' for that URL",
        path="expertfile_nb/_auth/token_file.py",
        old='e.get("base_url") == base_url and (forget is None or e.get("client_id") == forget)',
        new='e.get("base_url") == base_url',
        tests=[
            "tests/auth/test_token_file.py::test_remembering_one_clients_token_keeps_the_other_clients"
        ],
    ),
    Mutation(
        name="login: a later login's deadline (or timeout) is not used by the kept provider",
        path="expertfile_nb/_auth/login.py",
        old="            kept.replace_fetch(*_token_fetch(url, settings))",
        new="            pass",
        tests=[
            "tests/auth/test_login_deadline.py::test_a_later_logins_deadline_holds_for_its_renewals"
        ],
    ),
    Mutation(
        name="auth: waiting for another thread's token request ignores the call's deadline",
        path="expertfile_nb/_auth/provider.py",
        old="        if not self._lock.acquire(timeout=-1 if left is None else max(0.0, left[0])):",
        new="        if not self._lock.acquire():",
        tests=[
            "tests/auth/test_login_deadline.py::"
            "test_waiting_for_another_threads_relogin_ends_at_the_calls_deadline"
        ],
    ),
]
