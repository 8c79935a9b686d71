"""Mutations of redaction, the session's transport rules, retries and answer bounds."""

from mutations import Mutation

FORMS = "tests/transport/test_redaction_forms.py"
MATRIX = f"{FORMS}::test_no_form_of_the_secret_survives_a_token_error"
WIDGET = f"{FORMS}::test_the_login_form_keeps_no_form_of_an_echoed_secret"
BOUNDS = "tests/transport/test_answer_bounds.py"
RULES = "tests/transport/test_reliability_transport.py"
ECHO = "tests/transport/test_echoed_secrets.py"
DEADLINE = "tests/auth/test_login_deadline.py"

MUTATIONS = [
    Mutation(
        name="redact: URL-encoded forms of a secret not removed",
        path="expertfile_nb/_redact.py",
        old='    r"(?:%[0-9A-Fa-f]{2})+"\n',
        new='    r"(?!)"\n',
        tests=[f"{FORMS}::test_token_errors_hold_no_form_of_the_secret", MATRIX],
    ),
    Mutation(
        name="redact: JSON \\uXXXX escapes of a secret (Python's, Go's) not removed",
        path="expertfile_nb/_redact.py",
        old='r"|\\\\u[dD][89abAB][0-9A-Fa-f]{2}\\\\u[dD][c-fC-F][0-9A-Fa-f]{2}|\\\\u[0-9A-Fa-f]{4}"',
        new='r""',
        tests=[f"{FORMS}::test_token_errors_hold_no_form_of_the_secret", MATRIX],
    ),
    Mutation(
        name="redact: decimal HTML entities of a secret not removed",
        path="expertfile_nb/_redact.py",
        old='r"|&#[0-9]{1,8};?|&#[xX]',
        new='r"|&#[xX]',
        tests=[f"{FORMS}::test_other_encoders_forms_are_removed", MATRIX],
    ),
    Mutation(
        name="redact: decimal HTML entities with leading zeros not removed",
        path="expertfile_nb/_redact.py",
        old='r"|&#[0-9]{1,8};?|&#[xX]',
        new='r"|&#[1-9][0-9]{0,7};?|&#[xX]',
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: hex HTML entities of a secret (&#x2F;) not removed",
        path="expertfile_nb/_redact.py",
        old="|&#[xX][0-9A-Fa-f]{1,7};?|",
        new="|",
        tests=[MATRIX, WIDGET],
    ),
    Mutation(
        name="redact: hex HTML entities with leading zeros (&#X002F;) not removed",
        path="expertfile_nb/_redact.py",
        old="|&#[xX][0-9A-Fa-f]{1,7};?|",
        new="|&#[xX][1-9A-Fa-f][0-9A-Fa-f]{0,6};?|",
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: hex digits of escapes matched in upper case only (%2f kept)",
        path="expertfile_nb/_redact.py",
        old='    r"(?:%[0-9A-Fa-f]{2})+"\n',
        new='    r"(?:%[0-9A-F]{2})+"\n',
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: named HTML entities of a secret (&amp;, &sol;) not removed",
        path="expertfile_nb/_redact.py",
        old="|&[A-Za-z][A-Za-z0-9]{1,31};?",
        new="",
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: a secret wrapped over lines comes out joined",
        path="expertfile_nb/_redact.py",
        old='_GAP = r"(?:\\s|\\\\[nrt])+"',
        new='_GAP = r"(?!)"',
        tests=[MATRIX, WIDGET],
    ),
    Mutation(
        name="redact: a secret split by a JSON-escaped line break (\\n) survives",
        path="expertfile_nb/_redact.py",
        old='_GAP = r"(?:\\s|\\\\[nrt])+"',
        new='_GAP = r"\\s+"',
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: only the literal reading is searched (escaped forms kept)",
        path="expertfile_nb/_redact.py",
        old='    readings = [False, True] if any(c in text for c in "%\\\\&") else [False]',
        new="    readings = [False]",
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: base64 of the secret alone not removed",
        path="expertfile_nb/_redact.py",
        old="        forms |= {secret, raw.hex(), raw.hex().upper()} | _base64(raw)",
        new="        forms |= {secret, raw.hex(), raw.hex().upper()}",
        tests=[MATRIX, WIDGET],
    ),
    Mutation(
        name="redact: URL-safe base64 of a secret not removed",
        path="expertfile_nb/_redact.py",
        old=(
            "    encoded = {base64.b64encode(data).decode(), "
            "base64.urlsafe_b64encode(data).decode()}"
        ),
        new="    encoded = {base64.b64encode(data).decode()}",
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: unpadded base64 of a secret not removed",
        path="expertfile_nb/_redact.py",
        old='    return encoded | {form.rstrip("=") for form in encoded}',
        new="    return encoded",
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: hex of a secret not removed",
        path="expertfile_nb/_redact.py",
        old="        forms |= {secret, raw.hex(), raw.hex().upper()} | _base64(raw)",
        new="        forms |= {secret} | _base64(raw)",
        tests=[MATRIX],
    ),
    Mutation(
        name="redact: values too short to be secrets redacted (ordinary words wiped)",
        path="expertfile_nb/_redact.py",
        old="    if len(secret) >= _MIN_LENGTH:",
        new="    if True:",
        tests=[f"{FORMS}::test_redact_handles_every_form_and_short_values"],
    ),
    Mutation(
        name="redact: HTTP Basic base64 form not removed",
        path="expertfile_nb/_redact.py",
        old="    if client_id is not None:",
        new="    if False:",
        tests=[f"{FORMS}::test_token_errors_hold_no_form_of_the_secret", MATRIX],
    ),
    Mutation(
        name="redact: the text is cut before it is redacted",
        path="expertfile_nb/_redact.py",
        old="    text = _remove(text, secrets, client_id)\n",
        new="    text = _remove(text[:limit], secrets, client_id)\n",
        tests=[f"{FORMS}::test_redaction_comes_before_the_cut"],
    ),
    Mutation(
        name="session: the token not redacted from data errors",
        path="expertfile_nb/_auth/session.py",
        old="    hidden = hidden_values(response, auth)",
        new="    hidden = (None, None)",
        tests=[f"{FORMS}::test_data_error_echoing_the_token_url_encoded"],
    ),
    Mutation(
        name="session: the error's response keeps the bearer token",
        path="expertfile_nb/_auth/session.py",
        old='            request.headers["Authorization"] = f"{scheme} {REDACTED}"',
        new='            request.headers["Authorization"] = request.headers["Authorization"]',
        tests=[f"{FORMS}::test_data_error_echoing_the_token_url_encoded"],
    ),
    Mutation(
        name="session: Retry-After not capped",
        path="expertfile_nb/_http/transport.py",
        old="        return None if seconds is None else min(seconds, self.max_retry_after)",
        new="        return seconds",
        tests=["tests/auth/test_token_lifecycle.py::test_retry_after_is_capped"],
    ),
    Mutation(
        name="session: plain http goes through the environment's proxy",
        path="expertfile_nb/_http/transport.py",
        old="            proxies = {}  # loopback only",
        new="            pass  # loopback only",
        tests=[f"{RULES}::test_plain_http_never_goes_through_a_proxy"],
    ),
    Mutation(
        name="session: a redirect to another origin keeps the token",
        path="expertfile_nb/_auth/session.py",
        old='            del prepared_request.headers["Authorization"]',
        new="            pass",
        tests=[
            "tests/transport/test_reliability_transport.py::test_redirects_to_another_origin_never_carry_the_token"
        ],
    ),
    Mutation(
        name="bounds: no deadline on a dripping answer",
        path="expertfile_nb/_http/transport.py",
        old="        alarm = WATCHDOG.arm(seconds)",
        new="        alarm = WATCHDOG.arm(1e9)",
        tests=[f"{BOUNDS}::test_a_dripping_answer_ends_at_the_deadline"],
    ),
    Mutation(
        name="bounds: no cap on the decompressed size",
        path="expertfile_nb/_http/transport.py",
        old="            if size > max_bytes:",
        new="            if False:",
        tests=[f"{BOUNDS}::test_the_cap_is_settable"],
    ),
    Mutation(
        name="config: the base URL is not normalized (the token never sent to HTTP://…)",
        path="expertfile_nb/_http/config.py",
        old="    return normalize_url(url)",
        new='    return url.rstrip("/")',
        tests=[f"{RULES}::test_the_token_is_sent_however_the_base_url_is_spelt"],
    ),
    Mutation(
        name="config: plain http allowed to any host",
        path="expertfile_nb/_http/config.py",
        old='    if scheme == "http" and not is_loopback(host):',
        new="    if False:",
        tests=[
            "tests/transport/test_reliability_transport.py::test_plain_http_to_remote_is_refused_before_any_request"
        ],
    ),
    Mutation(
        name="config: a malformed base URL is a bare ValueError",
        path="expertfile_nb/_http/config.py",
        old="    except ValueError:\n        raise ConfigurationError(",
        new="    except KeyError:\n        raise ConfigurationError(",
        tests=[
            "tests/transport/test_odd_answers.py::test_a_malformed_base_url_is_a_configuration_error"
        ],
    ),
    Mutation(
        name="session: the error's response keeps the session's hooks (and so the secret)",
        path="expertfile_nb/_auth/session.py",
        old="        request.hooks = default_hooks()",
        new="        pass",
        tests=[f"{FORMS}::test_an_error_pickles_and_leads_back_to_no_secret"],
    ),
    Mutation(
        name="session: the error's response keeps a header's echo of the token",
        path="expertfile_nb/_auth/session.py",
        old=": hide(scrub(value, *hidden))",
        new=": value",
        tests=[f"{FORMS}::test_a_data_errors_copy_of_the_answer_keeps_no_form_of_the_token"],
    ),
    Mutation(
        name="session: the error's response keeps the reason phrase's echo of the token",
        path="expertfile_nb/_auth/session.py",
        old="    copy.reason = scrub(response.reason, *hidden) if response.reason else",
        new="    copy.reason = response.reason if response.reason else",
        tests=[f"{FORMS}::test_a_data_errors_copy_of_the_answer_keeps_no_form_of_the_token"],
    ),
    Mutation(
        name="session: the error's response keeps the body's echo of the token",
        path="expertfile_nb/_auth/session.py",
        old=(
            '    copy._content = scrub(response.content.decode("utf-8", "replace"), '
            "*hidden).encode()"
        ),
        new="    copy._content = response.content",
        tests=[f"{FORMS}::test_an_error_pickles_and_leads_back_to_no_secret"],
    ),
    Mutation(
        name="redact: the word a cut goes through is kept",
        path="expertfile_nb/_redact.py",
        old='        text = re.sub(r"\\S*$", "", text)',
        new="        pass",
        tests=[f"{FORMS}::test_a_token_straddling_a_cut_leaves_no_prefix"],
    ),
    Mutation(
        name="session: a caller's malformed path is reported as a broken connection",
        path="expertfile_nb/_auth/session.py",
        old="            requests.exceptions.MissingSchema,\n",
        new="",
        tests=["tests/auth/test_session.py::test_a_caller_mistake_is_a_configuration_error"],
    ),
    Mutation(
        name="session: RateLimitError tells our capped wait, not the service's",
        path="expertfile_nb/_auth/session.py",
        old="        retry_after = asked_to_wait(response)",
        new="        retry_after = min(asked_to_wait(response) or 0, 30.0) or None",
        tests=[
            "tests/auth/test_token_lifecycle.py::test_rate_limit_error_tells_the_wait_the_service_asked_for"
        ],
    ),
    Mutation(
        name="transport: the session's default timeout is not applied",
        path="expertfile_nb/_auth/session.py",
        old='            kwargs["timeout"] = self.timeout',
        new="            pass",
        tests=[
            "tests/auth/test_session.py::test_default_timeout_applies_with_positional_arguments"
        ],
    ),
    Mutation(
        name="transport: a timeout given by position is not seen",
        path="expertfile_nb/_auth/session.py",
        old='    return "timeout" in kwargs or len(args) > _TIMEOUT_POSITION',
        new='    return "timeout" in kwargs',
        tests=["tests/auth/test_session.py::test_a_timeout_given_by_position_is_the_one_used"],
    ),
    Mutation(
        name="deadline: urllib3 retries after the deadline, on a connection nothing ends",
        path="expertfile_nb/_http/deadline.py",
        old="            raise DeadlinePassed\n",
        new="            pass\n",
        tests=[f"{BOUNDS}::test_the_deadline_holds_for_cut_headers_and_for_retries"],
    ),
    Mutation(
        name="deadline: an answer cut short by the deadline passes for a whole one",
        path="expertfile_nb/_http/transport.py",
        old="        if alarm.fired:  # raised here",
        new="        if alarm.fired and not locals().get('response'):  # raised here",
        tests=[f"{BOUNDS}::test_the_deadline_holds_for_cut_headers_and_for_retries"],
    ),
    Mutation(
        name="deadline: DeadlineExceededError raised in the except, its __context__ the request",
        path="expertfile_nb/_http/transport.py",
        old="            if not alarm.fired:\n                raise\n",
        new=(
            "            if not alarm.fired:\n                raise\n"
            "            raise self._late(request) from None\n"
        ),
        tests=[f"{BOUNDS}::test_a_dripping_answer_ends_at_the_deadline"],
    ),
    Mutation(
        name="session: get_session drops max_bytes (the default 64 MiB cap applies)",
        path="expertfile_nb/_auth/state.py",
        old="            max_bytes=max_bytes,\n",
        new="",
        tests=[f"{BOUNDS}::test_get_session_sets_the_cap_and_the_deadline"],
    ),
    Mutation(
        name="redact: token-like values masked only from 800 characters",
        path="expertfile_nb/_redact.py",
        old='    r"([A-Za-z0-9._~+/=%-]{8,})"',
        new='    r"([A-Za-z0-9._~+/=%-]{800,})"',
        tests=[f"{ECHO}::test_a_token_like_value_in_an_error_is_masked"],
    ),
    Mutation(
        name="redact: a token-like key eats the key next to it (accessToken*** for ...ExpiresAt)",
        path="expertfile_nb/_redact.py",
        old=r"(?:\s*[:=]\s*|\s+)",
        new=r"\s*[:=]?\s*",
        tests=[f"{ECHO}::test_masking_a_token_like_value_keeps_the_neighbouring_key"],
    ),
    Mutation(
        name="redact: errors are not cleaned of held secrets when made (a record key echoes it)",
        path="expertfile_nb/errors.py",
        old="(hide(arg) if isinstance(arg, str) else arg for arg in args)",
        new="(arg for arg in args)",
        tests=[
            f"{ECHO}::test_a_record_key_equal_to_the_token_reaches_no_message_or_log",
            f"{ECHO}::test_a_username_that_is_a_list_holding_the_token_reaches_no_message",
        ],
    ),
    Mutation(
        name="redact: a value cut short leaves its first characters",
        path="expertfile_nb/_redact.py",
        old="    return _cut_runs(_remove(text, held, None), held)",
        new="    return _remove(text, held, None)",
        tests=[f"{ECHO}::test_a_username_that_is_a_list_holding_the_token_reaches_no_message"],
    ),
    Mutation(
        name="redact: log records (urllib3's) keep a held token",
        path="expertfile_nb/_redact.py",
        old="            record.msg, record.args = clean, None",
        new="            pass",
        tests=[
            f"{ECHO}::test_a_redirect_to_a_url_holding_the_token_reaches_no_message_attribute_or_log"
        ],
    ),
    Mutation(
        name="session: the error's copy of the answer keeps a redirect URL's echo of the token",
        path="expertfile_nb/_auth/session.py",
        old='    copy.url = hide(scrub(response.url or "", *hidden))',
        new="    copy.url = response.url",
        tests=[
            f"{ECHO}::test_a_redirect_to_a_url_holding_the_token_reaches_no_message_attribute_or_log"
        ],
    ),
    Mutation(
        name="session: the error's response keeps a header name's echo of the token",
        path="expertfile_nb/_auth/session.py",
        old="            hide(scrub(name, *hidden)): hide(scrub(value, *hidden))",
        new="            name: hide(scrub(value, *hidden))",
        tests=[f"{ECHO}::test_a_header_name_holding_the_token_is_removed_from_the_kept_answer"],
    ),
    Mutation(
        name="redact: a failed login's traceback frames keep the secret in their locals",
        path="expertfile_nb/_redact.py",
        old="                    frame.clear()",
        new="                    pass",
        tests=[f"{ECHO}::test_a_failed_login_leaves_the_secret_in_no_frame_of_its_traceback"],
    ),
    Mutation(
        name="bounds: size cap refuses an answer of exactly the cap (> became >=)",
        path="expertfile_nb/_http/transport.py",
        old="            if size > max_bytes:",
        new="            if size >= max_bytes:",
        tests=[f"{BOUNDS}::test_an_answer_of_exactly_the_cap_is_accepted"],
    ),
    Mutation(
        name="bounds: the token's size cap 64 KiB became 64 MiB",
        path="expertfile_nb/_http/transport.py",
        old="MAX_TOKEN_BYTES = 64 * 1024",
        new="MAX_TOKEN_BYTES = 64 * 1024 * 1024",
        tests=[
            f"{BOUNDS}::test_a_nested_gzip_bomb_at_the_token_endpoint_is_refused_in_small_memory"
        ],
    ),
    Mutation(
        name="deadline: the login's token deadline 120 s became 300 s",
        path="expertfile_nb/_http/transport.py",
        old="TOKEN_DEADLINE = 120.0",
        new="TOKEN_DEADLINE = 300.0",
        tests=[f"{DEADLINE}::test_the_documented_login_deadline_is_the_one_used"],
    ),
    Mutation(
        name="deadline: login() ignores its deadline",
        path="expertfile_nb/_http/transport.py",
        old="    return float(deadline)\n",
        new="    return TOKEN_DEADLINE\n",
        tests=[f"{DEADLINE}::test_login_ends_at_its_deadline"],
    ),
    Mutation(
        name="deadline: the login's default deadline does not follow the timeout",
        path="expertfile_nb/_http/transport.py",
        old="min(TOKEN_DEADLINE, max(_SHORTEST_LOGIN_DEADLINE, 10 * (connect + read)))",
        new="TOKEN_DEADLINE",
        tests=[f"{DEADLINE}::test_the_default_login_deadline_follows_the_timeout"],
    ),
    Mutation(
        name="deadline: a session's deadline does not cover its re-login",
        path="expertfile_nb/_auth/session.py",
        old="            with within(self.deadline):  # the whole call",
        new="            with within(1e9):  # the whole call",
        tests=[f"{DEADLINE}::test_a_sessions_deadline_covers_its_relogin"],
    ),
    Mutation(
        name="deadline: an enclosing call's deadline is ignored by each request",
        path="expertfile_nb/_http/transport.py",
        old="        if enclosing is not None and enclosing[0] < seconds:",
        new="        if False:",
        tests=[f"{DEADLINE}::test_a_sessions_deadline_covers_its_relogin"],
    ),
    Mutation(
        name="deadline: a 'Connection: close' answer's socket is not watched (drips on)",
        path="expertfile_nb/_http/deadline.py",
        old="            alarm.watch(sock)",
        new="            pass",
        tests=[f"{BOUNDS}::test_a_dripping_answer_ends_at_the_deadline"],
    ),
]
