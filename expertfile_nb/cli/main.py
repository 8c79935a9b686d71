"""Command line: ``expertfile-nb demo | login | status | logout | token --export``.

Also ``python -m expertfile_nb …``; messages name the program the way it was invoked.
Every command takes ``--profile NAME`` (before or after the command): a ``[profiles.NAME]``
table of the profiles file, used before ``EXPERTFILE_CLIENT_ID``/``SECRET``.

- ``demo``: the main job — log in, pull every expert, print a summary, write a CSV
  (with nothing configured at all — no client id, secret, access token or remembered
  token — it starts the bundled fake server and says so).
- ``login``: log in from the environment and print the org id and expiry. Each
  command is its own process, so a token outlives the command only with
  ``--remember`` (the token, never the secret, in a 0600 file).
- ``status``: what the next command would log in with — from the environment and
  the remembered-token file only; it makes no request.
- ``logout``: delete the remembered token; say what still logs you back in.
- ``check [--json FILE]``: a short read-only probe of the live service; exit 1 when it
  differs from what the fake server assumes.
- ``capture --out DIR``: save the organization's answers for ``python -m fake_server
  --dataset DIR`` (``--anonymize`` replaces personal data with pseudonyms).
- ``apply EDITS.csv [--dry-run]``: profile edits from a CSV keyed by username, planned,
  printed and applied with a journal; ``apply JOURNAL`` finishes one, ``--undo`` reverts
  it (exit 3: conflicts or failed changes; see ``cli/apply.py``).
- ``pull TABLE --out FILE`` / ``load``: a table into .csv/.parquet/.jsonl; the whole
  organization into DuckDB or any dlt destination (see ``cli/pull.py``).
- ``token --export``: print ``export EXPERTFILE_ACCESS_TOKEN=… EXPERTFILE_ORG_ID=…`` —
  the one place a token is ever printed, and only on that explicit request.
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from expertfile_nb import __version__
from expertfile_nb._auth import login as _login
from expertfile_nb._auth import status as _status
from expertfile_nb._http.config import (
    ENV_ACCESS_TOKEN,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_ORG_ID,
    default_cache_file,
)
from expertfile_nb.cli.apply import add_apply_command
from expertfile_nb.cli.pull import add_pipeline_commands
from expertfile_nb.errors import ExpertFileError, NotLoggedInError


def program_name(argv0: str | None = None) -> str:
    """The program as the user typed it: ``expertfile-nb``, or ``python -m expertfile_nb``."""
    name = Path(sys.argv[0] if argv0 is None else argv0).name
    if name in ("__main__.py", "", "-c"):
        return "python -m expertfile_nb"
    return name


def how_to_log_in(prog: str) -> str:
    """What to type in a shell to log in (the library's own advice is Python, for notebooks)."""
    return (
        f"export {ENV_CLIENT_ID}=… {ENV_CLIENT_SECRET}=… (then `{prog} login --remember` keeps "
        f"the token for the next commands), or export {ENV_ACCESS_TOKEN}=… {ENV_ORG_ID}=… "
        f"as printed by `{prog} token --export` where the credentials are."
    )


def shell_message(exc: ExpertFileError, prog: str) -> str:
    """The error's message worded for a shell: shell commands, never ``ef.login()``.

    The one place the command line rewords the library's messages: advice to log in
    becomes what to type in a shell, and a command named in the message is spelled as
    this program was invoked.
    """
    if isinstance(exc, NotLoggedInError):
        return f"Not logged in. {how_to_log_in(prog)}"
    text = str(exc)
    again = text.find("Log in again")
    if again >= 0:
        text = f"{text[:again]}Log in again: {how_to_log_in(prog)}"
    for spelling in ("python -m expertfile_nb ", "expertfile-nb "):
        text = text.replace(f"`{spelling}", f"`{prog} ")
    return text


def _cmd_login(args: argparse.Namespace) -> int:
    from expertfile_nb.cli.state import describe_token, remembered_token

    token = _login.login_from_environment(remember=args.remember, deadline=args.deadline)
    state = _status.status()
    print(f"Logged in to organization {token.org_id} at {state.base_url}.")
    print(
        f"Credentials from: {state.source}. {describe_token(token, assumed=state.expiry_assumed)}"
    )
    cache = default_cache_file()
    if remembered_token(cache, state.base_url, token) is not None:
        print(f"The token (never the secret) is remembered in {cache}, mode 600: commands use")
        print(f"it while {ENV_CLIENT_ID}/SECRET are unset. To delete it: {args.prog} logout")
    elif args.remember:
        print(f"The token could not be remembered in {cache} (see the warning above).")
        return 1
    else:
        print("Nothing was kept: each command is its own process and logs in again.")
        print(
            "To keep the token (never the secret) for the next commands: "
            f"{args.prog} login --remember"
        )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from expertfile_nb.cli.state import report_status

    text, logged_in = report_status(args.prog)
    print(text)
    return 0 if logged_in else 1


def _cmd_logout(args: argparse.Namespace) -> int:
    from expertfile_nb.cli.state import report_logout

    print(report_logout(args.prog))
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    if not args.export:
        print(
            "Refusing to print the token without --export (it would end up in your terminal "
            f"history or logs). Use: {args.prog} token --export",
            file=sys.stderr,
        )
        return 2
    token = _login.login_from_environment(remember=args.remember)
    print(
        f"export EXPERTFILE_ACCESS_TOKEN={shlex.quote(token.access_token)} "
        f"EXPERTFILE_ORG_ID={token.org_id} "
        f"EXPERTFILE_TOKEN_EXPIRES_AT={token.expires_at.isoformat()} "
        f"EXPERTFILE_BASE_URL={shlex.quote(_status.status().base_url)}"
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from expertfile_nb.cli.demo import check_writable, run_demo

    problem = check_writable(args.out)
    if problem:  # before logging in and pulling: a typo in --out costs nothing
        print(f"{args.prog} demo: error: {problem}", file=sys.stderr)
        return 2
    show_progress = not args.no_progress and sys.stderr is not None and sys.stderr.isatty()
    # one line at a time, even into a pipe: a reader sees each step as it happens
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    status: int = run_demo(out=args.out, progress=show_progress)
    return status


def _cmd_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from expertfile_nb._checks.check import check
    from expertfile_nb.cli.demo import check_writable

    problem = check_writable(args.json, "--json") if args.json else None
    if problem:  # before any request: a typo in --json costs nothing
        print(f"{args.prog} check: error: {problem}", file=sys.stderr)
        return 2
    report = check(budget=args.budget, deadline=args.deadline)
    print(report.table())
    if args.json:
        try:
            Path(args.json).write_text(report.dumps(), encoding="utf-8")
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, args.json) from None
        print(f"JSON report (no token, secret or record value) written to {args.json}")
    return report.exit_status


def _cmd_capture(args: argparse.Namespace) -> int:
    from expertfile_nb._checks.capture import capture
    from expertfile_nb.cli.demo import check_new_folder

    problem = check_new_folder(args.out)
    if problem:  # before any request
        print(f"{args.prog} capture: error: {problem}", file=sys.stderr)
        return 2
    key_file = args.anonymize_key_file
    if key_file is not None and not args.anonymize:
        print(
            f"{args.prog} capture: error: --anonymize-key-file needs --anonymize", file=sys.stderr
        )
        return 2
    print(
        capture(
            args.out,
            limit=args.limit,
            profiles=args.profiles,
            anonymize=args.anonymize,
            anonymize_key_file=key_file,
        )
    )
    return 0


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; ``prog`` defaults to the program as invoked."""
    prog = prog or program_name()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Log in to the ExpertFile API and pull your organization's experts.",
        epilog=f"Credentials: {', '.join(_ENV_HELP)}. Each command is its own process: "
        "use `login --remember` to keep the token (never the secret) between commands.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="log in, pull every expert, print a summary, write a CSV (the bundled fake if "
        "nothing is configured)",
        description="Log in, pull every expert, print a summary and write a CSV. The bundled "
        "fake server is used only when nothing is configured at all: no EXPERTFILE_CLIENT_ID, "
        "EXPERTFILE_CLIENT_SECRET or EXPERTFILE_ACCESS_TOKEN, and no token remembered (login "
        "--remember) for the base URL. Otherwise it logs in as the other commands do.",
    )
    demo.add_argument(
        "--out",
        default="experts.csv",
        help="CSV file to write (default: %(default)s); list columns are JSON arrays",
    )
    demo.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown only on a terminal)"
    )
    demo.set_defaults(run=_cmd_demo)
    login = commands.add_parser("login", help="log in from EXPERTFILE_CLIENT_ID/SECRET")
    login.add_argument(
        "--remember",
        action="store_true",
        help="keep the token (never the secret) on disk, mode 600, for the next commands",
    )
    from expertfile_nb._http.transport import ENV_DEADLINE, TOKEN_DEADLINE

    login.add_argument(
        "--deadline",
        type=float,
        metavar="SECONDS",
        help=f"seconds for the whole token request, every try included (default: "
        f"{ENV_DEADLINE} if set, else {TOKEN_DEADLINE:g} s)",
    )
    login.set_defaults(run=_cmd_login)
    commands.add_parser(
        "status", help="what the next command logs in with (makes no request)"
    ).set_defaults(run=_cmd_status)
    commands.add_parser("logout", help="delete the remembered token").set_defaults(run=_cmd_logout)
    token = commands.add_parser("token", help="print the token as export lines (--export)")
    token.add_argument("--export", action="store_true", help="print the export line")
    token.add_argument("--remember", action="store_true", help="keep the token on disk (0600)")
    token.set_defaults(run=_cmd_token)
    check = commands.add_parser(
        "check", help="probe the live service (read-only, <= 30 requests) against the fake"
    )
    check.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    check.add_argument(
        "--budget",
        type=_budget,
        default=30,
        help="most requests, at least 16 (default: %(default)s)",
    )
    check.add_argument(
        "--deadline",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="time for the whole check, pauses included; the points left then are reported "
        "as not probed (default: %(default)g)",
    )
    check.set_defaults(run=_cmd_check)
    capture = commands.add_parser(
        "capture",
        help="save the organization's answers as files the fake server can serve",
        description="Save the organization's answers as files the fake server can serve "
        "(python -m fake_server --dataset DIR). The folder appears only when complete.",
        epilog="--anonymize replaces usernames, names, emails, phones, URLs and free text "
        "with pseudonyms made with a random key, new for each capture and not written to "
        "the folder (or kept in --anonymize-key-file, outside it, to make repeatable "
        "captures). It does not hide ids, numbers, dates, flags, countries, the "
        "organization's slug, or the topics, tags, categories, industries and languages; "
        "nor who is tagged with whom, or how many records there are. Anyone holding the key "
        "file can test guesses of names against the pseudonyms: keep it private.",
    )
    capture.add_argument("--out", required=True, metavar="DIR", help="folder to write (new)")
    capture.add_argument(
        "--limit",
        type=_count(0),
        metavar="N",
        help="at most N records of each list (default: all)",
    )
    capture.add_argument(
        "--profiles",
        type=_count(0),
        default=3,
        metavar="N",
        help="whole profiles to save of each kind (default: %(default)s)",
    )
    capture.add_argument(
        "--anonymize",
        action="store_true",
        help="pseudonyms for personal data, with a random key (see below)",
    )
    capture.add_argument(
        "--anonymize-key-file",
        metavar="FILE",
        help="with --anonymize: read the key from FILE, or create FILE (mode 600) with a new "
        "one, so that captures made with it give the same pseudonyms; never inside --out",
    )
    capture.set_defaults(run=_cmd_capture)
    add_apply_command(commands)
    add_pipeline_commands(commands)
    _add_profile_option(parser, commands.choices.values())
    return parser


def _add_profile_option(
    parser: argparse.ArgumentParser, commands: Iterable[argparse.ArgumentParser]
) -> None:
    """``--profile NAME`` before or after any command: a [profiles.NAME] of the profiles
    file, used before EXPERTFILE_CLIENT_ID/SECRET (a choice made on purpose wins)."""
    what = (
        "a [profiles.NAME] table of the profiles file (EXPERTFILE_CONFIG, default "
        "expertfile-nb/config.toml in the user config folder); wins over EXPERTFILE_* "
        "credentials and EXPERTFILE_PROFILE"
    )
    parser.add_argument("--profile", metavar="NAME", help=what)
    for command in commands:  # after the command too; SUPPRESS keeps one given before it
        command.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS, help=what)


#: 128 + SIGPIPE: what a shell reports for a program whose reader went away
EXIT_CLOSED_PIPE = 141

_ENV_HELP = (
    "--profile NAME (a [profiles.NAME] of the profiles file)",
    f"{ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}",
    "EXPERTFILE_PROFILE",
    f"{ENV_ACCESS_TOKEN} with {ENV_ORG_ID}",
    ENV_BASE_URL,
)


def _budget(text: str) -> int:
    """``check --budget``: a whole number of requests, at least the check's minimum."""
    from expertfile_nb._checks.check import MIN_BUDGET

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < MIN_BUDGET:
        raise argparse.ArgumentTypeError(f"{value} is too few: use at least {MIN_BUDGET}")
    return value


def _seconds(text: str) -> float:
    """``check --deadline``: a positive number of seconds (at most a day)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 24 * 3600:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is not more than 0 s and at most a day")
    return value


def _count(minimum: int) -> Callable[[str], int]:
    """An argument type: a whole number of at least ``minimum``."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small: use at least {minimum}")
        return value

    return whole


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 done, 1 failed (one line on stderr), 2 bad usage, 130 interrupted.
    """
    args = build_parser().parse_args(argv)
    try:
        if args.profile is not None:
            from expertfile_nb._auth.state import STATE

            STATE.profile = args.profile  # the default login's chain starts with it
        status: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handler below
    except ExpertFileError as exc:
        print(f"error: {shell_message(exc, args.prog)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, with the status of a process ended
        # by SIGPIPE as shells report it. stdout now points at devnull so that the
        # interpreter's last flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLOSED_PIPE
    except OSError as exc:  # a file that could not be written (a full disk, a lost folder)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or type(exc).__name__}{where}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
