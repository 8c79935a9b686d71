"""Mutations of the command line, the demo, the fake server's arguments and the retry setting."""

from mutations import Mutation

RETRY = "tests/transport/test_retry_setting.py"
CLI = "tests/cli/test_cli_login.py"
DEMO = "tests/cli/test_demo.py"
CHECK_TESTS = "tests/checks/test_check.py"
CAPTURE_CLI = "tests/checks/test_capture_cli.py"
FAKE_CLI = "tests/fake/test_fake_cli.py"

MUTATIONS = [
    Mutation(
        name="retry: EXPERTFILE_RETRY_BACKOFF ignored by the default policy",
        path="expertfile_nb/_http/transport.py",
        old="        backoff_factor=retry_backoff(),\n",
        new="        backoff_factor=0.5,\n",
        tests=[f"{RETRY}::test_the_setting_reaches_real_retries"],
    ),
    Mutation(
        name="retry: a bad EXPERTFILE_RETRY_BACKOFF accepted",
        path="expertfile_nb/_http/config.py",
        old="    if not 0.0 <= value <= 60.0:  # also refuses nan\n",
        new="    if value < 0.0:\n",
        tests=[f"{RETRY}::test_a_bad_value_is_a_configuration_error_before_any_request"],
    ),
    Mutation(
        name="cli: a closed pipe ends in a traceback",
        path="expertfile_nb/cli/main.py",
        old="    except BrokenPipeError:\n        # The reader went away",
        new="    except ZeroDivisionError:\n        # The reader went away",
        tests=[f"{DEMO}::test_a_pipe_closed_from_the_start_still_gets_the_csv"],
    ),
    Mutation(
        name="cli: demo falls back to the fake unless the environment holds a full pair",
        path="expertfile_nb/cli/demo.py",
        old="    found = _credentials.find(url)\n",
        new=(
            "    import os as _os\n"
            "    env = _os.environ.get\n"
            "    found = _credentials.find(url) if (env('EXPERTFILE_CLIENT_ID') and "
            "env('EXPERTFILE_CLIENT_SECRET')) or env('EXPERTFILE_ACCESS_TOKEN') else None\n"
        ),
        tests=[
            f"{DEMO}::test_half_a_credential_pair_is_an_error_not_the_fake",
            f"{DEMO}::test_a_remembered_token_is_used_not_the_fake",
        ],
    ),
    Mutation(
        name="cli: demo falls back to the fake with an expired remembered token",
        path="expertfile_nb/cli/demo.py",
        old="    if TokenFile(default_cache_file()).load(url, None) is not None:\n",
        new="    if False:\n",
        tests=[f"{DEMO}::test_an_expired_remembered_token_is_an_error_not_the_fake"],
    ),
    Mutation(
        name="cli: demo stops at a closed pipe before writing the CSV",
        path="expertfile_nb/cli/demo.py",
        old="        except BrokenPipeError:\n            self.closed = True\n",
        new="        except ZeroDivisionError:\n            self.closed = True\n",
        tests=[f"{DEMO}::test_a_pipe_closed_from_the_start_still_gets_the_csv"],
    ),
    Mutation(
        name="cli: not logged in: the notebook's Python advice printed in a shell",
        path="expertfile_nb/cli/main.py",
        old="    if isinstance(exc, NotLoggedInError):\n",
        new="    if False:\n",
        tests=[f"{CLI}::test_not_logged_in_gives_shell_advice"],
    ),
    Mutation(
        name="cli: a refused token: 'Log in again: ef.login()' printed in a shell",
        path="expertfile_nb/cli/main.py",
        old="    if again >= 0:\n",
        new="    if False:\n",
        tests=[f"{CLI}::test_an_expired_or_rejected_token_gives_shell_advice"],
    ),
    Mutation(
        name="cli: commands in messages not spelled as the program was invoked",
        path="expertfile_nb/cli/main.py",
        old='        text = text.replace(f"`{spelling}", f"`{prog} ")\n',
        new="        pass\n",
        tests=[f"{CLI}::test_commands_in_messages_are_spelled_as_invoked"],
    ),
    Mutation(
        name="cli: check --json not checked before the probes",
        path="expertfile_nb/cli/main.py",
        old="    if problem:  # before any request: a typo in --json costs nothing\n",
        new="    if False:  # before any request: a typo in --json costs nothing\n",
        tests=[f"{CHECK_TESTS}::test_an_unwritable_json_path_is_refused_before_any_request"],
    ),
    Mutation(
        name="cli: capture --out not checked before the login",
        path="expertfile_nb/cli/main.py",
        old="    if problem:  # before any request\n",
        new="    if False:  # before any request\n",
        tests=[f"{CAPTURE_CLI}::test_an_unusable_out_is_refused_before_any_request"],
    ),
    Mutation(
        name="cli: capture --out under a file taken for a new folder",
        path="expertfile_nb/cli/demo.py",
        old="    if not parent.is_dir():\n",
        new="    if False:\n",
        tests=[f"{CAPTURE_CLI}::test_an_unusable_out_is_refused_before_any_request"],
    ),
    Mutation(
        name="cli: demo --out not checked before the pull",
        path="expertfile_nb/cli/main.py",
        old="    if problem:  # before logging in and pulling",
        new="    if False:  # before logging in and pulling",
        tests=[f"{DEMO}::test_unwritable_out_is_refused_before_the_pull"],
    ),
    Mutation(
        name="cli: demo draws progress when stderr is not a terminal",
        path="expertfile_nb/cli/main.py",
        old="and sys.stderr is not None and sys.stderr.isatty()\n",
        new="\n",
        tests=[f"{DEMO}::test_progress_only_on_a_terminal"],
    ),
    Mutation(
        name="cli: list columns written as Python reprs",
        path="expertfile_nb/cli/demo.py",
        old="    csv_ready(experts).to_csv(out, index=False)",
        new="    experts.to_csv(out, index=False)",
        tests=[f"{DEMO}::test_list_columns_are_json_arrays_in_the_csv"],
    ),
    Mutation(
        name="cli: status ignores the remembered token",
        path="expertfile_nb/cli/state.py",
        old="    here_valid = [token for token in here if not token.is_expired()]\n",
        new="    here_valid: list[Token] = []\n",
        tests=[f"{CLI}::test_remembered_login_serves_the_next_commands_without_a_request"],
    ),
    Mutation(
        name="cli: status does not mention tokens for other base URLs",
        path="expertfile_nb/cli/state.py",
        old='            f"A token for {other_url} is remembered in {cache}; to use it: "',
        new='            f"A token is remembered in {cache}; to use it: "',
        tests=[f"{CLI}::test_status_mentions_a_token_remembered_for_another_base_url"],
    ),
    Mutation(
        name="cli: usage names python -m whatever the program was",
        path="expertfile_nb/cli/main.py",
        old='    if name in ("__main__.py", "", "-c"):\n        return "python -m expertfile_nb"',
        new='    if True:\n        return "python -m expertfile_nb"',
        tests=[f"{CLI}::test_version_and_usage_name_the_program_as_invoked"],
    ),
    Mutation(
        name="fake cli: any port accepted",
        path="fake_server/__main__.py",
        old="    if not 0 <= value <= 65535:\n",
        new="    if False:\n",
        tests=[f"{FAKE_CLI}::test_bad_arguments_are_usage_errors"],
    ),
    Mutation(
        name="fake cli: negative counts accepted",
        path="fake_server/__main__.py",
        old='    if value < 0:\n        raise argparse.ArgumentTypeError(f"{value} is negative',
        new='    if False:\n        raise argparse.ArgumentTypeError(f"{value} is negative',
        tests=[f"{FAKE_CLI}::test_bad_arguments_are_usage_errors"],
    ),
    Mutation(
        name="fake cli: a non-loopback --host accepted (its export line the client refuses)",
        path="fake_server/__main__.py",
        old="    if not loopback:\n",
        new="    if False:\n",
        tests=[f"{FAKE_CLI}::test_bad_arguments_are_usage_errors"],
    ),
    Mutation(
        name="fake cli: werkzeug's text shown for a busy port",
        path="fake_server/__main__.py",
        old="        with contextlib.redirect_stderr(io.StringIO()):",
        new="        with contextlib.nullcontext():",
        tests=[f"{FAKE_CLI}::test_port_in_use_is_a_clear_error"],
    ),
    Mutation(
        name="fake cli: a closed pipe ends in a traceback",
        path="fake_server/__main__.py",
        old="    except BrokenPipeError:\n",
        new="    except ZeroDivisionError:\n",
        tests=[f"{FAKE_CLI}::test_a_reader_that_goes_away_ends_it_quietly"],
    ),
    Mutation(
        name="fake cli: --help without the defaults",
        path="fake_server/__main__.py",
        old="formatter_class=_HelpWithDefaults,",
        new="formatter_class=argparse.HelpFormatter,",
        tests=[f"{FAKE_CLI}::test_help_shows_every_default"],
    ),
    Mutation(
        name="cli: check --budget under the minimum left to the check (exit 1, not a usage error)",
        path="expertfile_nb/cli/main.py",
        old="    if value < MIN_BUDGET:\n",
        new="    if False:\n",
        tests=[f"{CLI}::test_a_budget_too_small_is_a_usage_error"],
    ),
    Mutation(
        name="cli: --help leaves out EXPERTFILE_ORG_ID",
        path="expertfile_nb/cli/main.py",
        old='    f"{ENV_ACCESS_TOKEN} with {ENV_ORG_ID}",\n',
        new="    ENV_ACCESS_TOKEN,\n",
        tests=[f"{CLI}::test_help_names_every_setting_and_default"],
    ),
    Mutation(
        name="cli: capture --limit takes a negative number (and logs in first)",
        path="expertfile_nb/cli/main.py",
        old='type=_count(0),\n        metavar="N",\n        help="at most N records',
        new='type=int,\n        metavar="N",\n        help="at most N records',
        tests=[f"{CAPTURE_CLI}::test_bad_numbers_are_refused_before_any_request"],
    ),
    Mutation(
        name="cli: check --deadline ignored",
        path="expertfile_nb/cli/main.py",
        old="check(budget=args.budget, deadline=args.deadline)",
        new="check(budget=args.budget)",
        tests=[f"{CHECK_TESTS}::test_the_command_stops_at_its_deadline"],
    ),
    Mutation(
        name="cli: a file the command cannot write ends in a traceback",
        path="expertfile_nb/cli/main.py",
        old="    except OSError as exc:  # a file that could not be written",
        new="    except ZeroDivisionError as exc:  # a file that could not be written",
        tests=[f"{CHECK_TESTS}::test_an_unwritable_json_file_is_one_line"],
    ),
]
