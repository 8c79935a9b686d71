"""Command line: ``python -m expertfile_nb demo | login | status | logout | token``.

- ``demo``: the main job — log in, pull every expert, print a summary, write a CSV
  (with nothing configured it starts the bundled fake server and says so).
- ``login``: log in from the environment and print the org id and expiry.
- ``status``: what is logged in (from the environment or the remembered token).
- ``logout``: forget the token in memory and on disk.
- ``check [--json FILE]``: a short read-only probe of the live service; exit 1 when it
  differs from what the fake server assumes.
- ``capture --out DIR``: save the organization's answers for ``python -m fake_server
  --dataset DIR`` (``--anonymize`` replaces personal data with pseudonyms).
- ``token --export``: print ``export EXPERTFILE_ACCESS_TOKEN=… EXPERTFILE_ORG_ID=…`` —
  the one place a token is ever printed, and only on that explicit request.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from expertfile_nb import _login
from expertfile_nb.errors import ExpertFileError


def _cmd_login(args: argparse.Namespace) -> int:
    token = _login.login_from_environment(remember=args.remember)
    print(
        f"Logged in to organization {token.org_id}; token valid until "
        f"{token.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    try:
        _login.login_from_environment()
    except ExpertFileError as exc:
        print(f"Not logged in: {exc}")
        return 1
    print(_login.status())
    return 0


def _cmd_logout(args: argparse.Namespace) -> int:
    print(_login.logout())
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    if not args.export:
        print(
            "Refusing to print the token without --export (it would end up in your terminal "
            "history or logs). Use: python -m expertfile_nb token --export",
            file=sys.stderr,
        )
        return 2
    token = _login.login_from_environment(remember=args.remember)
    print(
        f"export EXPERTFILE_ACCESS_TOKEN={shlex.quote(token.access_token)} "
        f"EXPERTFILE_ORG_ID={token.org_id} "
        f"EXPERTFILE_TOKEN_EXPIRES_AT={token.expires_at.isoformat()} "
        f"EXPERTFILE_BASE_URL={shlex.quote(_login.status().base_url)}"
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from expertfile_nb._demo import run_demo

    status: int = run_demo(out=args.out, progress=not args.no_progress)
    return status


def _cmd_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from expertfile_nb._check import check

    report = check(budget=args.budget)
    print(report.table())
    if args.json:
        Path(args.json).write_text(report.dumps(), encoding="utf-8")
        print(f"JSON report (no token, secret or record value) written to {args.json}")
    return report.exit_status


def _cmd_capture(args: argparse.Namespace) -> int:
    from expertfile_nb._capture import capture

    print(capture(args.out, limit=args.limit, profiles=args.profiles, anonymize=args.anonymize))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m expertfile_nb",
        description="Log in to the ExpertFile API and pull your organization's experts.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="log in, pull every expert, print a summary, write a CSV (offline if unset)"
    )
    demo.add_argument(
        "--out", default="experts.csv", help="CSV file to write (default: %(default)s)"
    )
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")
    demo.set_defaults(run=_cmd_demo)
    login = commands.add_parser("login", help="log in from EXPERTFILE_CLIENT_ID/SECRET")
    login.add_argument("--remember", action="store_true", help="keep the token on disk (0600)")
    login.set_defaults(run=_cmd_login)
    commands.add_parser("status", help="show the login in use").set_defaults(run=_cmd_status)
    commands.add_parser("logout", help="forget the token").set_defaults(run=_cmd_logout)
    token = commands.add_parser("token", help="print the token as export lines (--export)")
    token.add_argument("--export", action="store_true", help="print the export line")
    token.add_argument("--remember", action="store_true", help="keep the token on disk (0600)")
    token.set_defaults(run=_cmd_token)
    check = commands.add_parser(
        "check", help="probe the live service (read-only, <= 30 requests) against the fake"
    )
    check.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    check.add_argument("--budget", type=int, default=30, help="most requests (default: 30)")
    check.set_defaults(run=_cmd_check)
    capture = commands.add_parser(
        "capture", help="save the organization's answers as files the fake server can serve"
    )
    capture.add_argument("--out", required=True, metavar="DIR", help="folder to write (new)")
    capture.add_argument("--limit", type=int, help="at most N records of each list")
    capture.add_argument("--profiles", type=int, default=3, help="single reads of each kind")
    capture.add_argument("--anonymize", action="store_true", help="pseudonyms for personal data")
    capture.set_defaults(run=_cmd_capture)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except ExpertFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
