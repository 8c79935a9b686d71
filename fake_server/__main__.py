"""``python -m fake_server``: run the fake ExpertFile API until interrupted.

It listens on a loopback address only (127.0.0.1 by default; ``--host`` accepts
``localhost``, ``::1`` or another 127.x address): the client sends plain ``http://``
to loopback only, so the printed ``export EXPERTFILE_BASE_URL=…`` line always works.
A reader that goes away (``… | head -4``) does not stop the server; it then ends
quietly when stopped, with status 141 as a process ended by a closed pipe.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import ipaddress
import math
import os
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from fake_server._dataset import DatasetError
from fake_server._wsgi import DEFAULT_IDLE_TIMEOUT
from fake_server.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ORG_ID, FakeExpertFile
from fake_server.settings import (
    DEFAULT_EXPERTS,
    DEFAULT_MAX_PAGE_SIZE,
    DEFAULT_TOKEN_TTL,
    Settings,
)


def _number(text: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    value = int(_number(text, int))
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 0-65535 (0 = any free port)")
    return value


def count(text: str) -> int:
    """A whole number, 0 or more."""
    value = int(_number(text, int))
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative: use 0 or more")
    return value


def positive_int(text: str) -> int:
    """A whole number, 1 or more."""
    value = int(_number(text, int))
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive: use 1 or more")
    return value


def positive_seconds(text: str) -> float:
    """Seconds, more than 0."""
    value = _number(text, float)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not more than 0 seconds")
    return value


def seconds(text: str) -> float:
    """Seconds, 0 or more."""
    value = _number(text, float)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative: use 0 or more seconds")
    return value


def loopback_host(text: str) -> str:
    """A loopback address or ``localhost``: the only hosts the client talks plain http to."""
    try:
        loopback = text == "localhost" or ipaddress.ip_address(text).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise argparse.ArgumentTypeError(
            f"{text} is not a loopback address: the fake serves this machine only "
            "(127.0.0.1, ::1 or localhost), and the client sends plain http:// nowhere else"
        )
    return text


def nonempty(text: str) -> str:
    """A string that is not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _program_name() -> str:
    """``expertfile-fake-server``, or ``python -m fake_server``: as the user typed it."""
    name = Path(sys.argv[0]).name
    return "python -m fake_server" if name in ("__main__.py", "", "-c") else name


class _HelpWithDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in its help, except where there is none."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; print its URL and the matching ``export`` lines; stop on Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="A fake ExpertFile public API for offline work. The behaviour switches "
        "(--paging … --fields-mode) pick the other reading where the documents are silent "
        "(fake_server.ASSUMPTIONS; `expertfile-nb check` tells which one the service has).",
        formatter_class=_HelpWithDefaults,
    )
    parser.add_argument(
        "--host", type=loopback_host, default="127.0.0.1", help="loopback address to bind"
    )
    parser.add_argument("--port", type=port, default=8765, help="0-65535 (0 = any free port)")
    parser.add_argument(
        "--client-id", type=nonempty, default=DEFAULT_CLIENT_ID, help="the client id it accepts"
    )
    parser.add_argument(
        "--client-secret",
        type=nonempty,
        default=DEFAULT_CLIENT_SECRET,
        help="the client secret it accepts",
    )
    parser.add_argument(
        "--org-id",
        type=positive_int,
        default=DEFAULT_ORG_ID,
        help="the organization the tokens read, 1 or more",
    )
    parser.add_argument("--experts", type=count, default=DEFAULT_EXPERTS, help="0 or more")
    parser.add_argument(
        "--token-ttl",
        type=positive_seconds,
        default=DEFAULT_TOKEN_TTL,
        help="token lifetime in seconds, more than 0",
    )
    parser.add_argument("--latency", type=seconds, default=0.0, help="seconds before each response")
    # where the documents are silent (fake_server.ASSUMPTIONS): the other plausible behaviour
    parser.add_argument(
        "--paging",
        choices=("offset", "page"),
        default="offset",
        help="page_from as a row offset, or as a page number",
    )
    parser.add_argument(
        "--max-page-size",
        type=positive_int,
        default=DEFAULT_MAX_PAGE_SIZE,
        help="the largest page_size honoured",
    )
    parser.add_argument(
        "--oversize-pages",
        choices=("cap", "refuse"),
        default="cap",
        help="a larger page_size: capped silently, or refused with a 400",
    )
    parser.add_argument(
        "--error-body",
        choices=("error", "message"),
        default="error",
        help="failure bodies with error/error_description, or with message",
    )
    parser.add_argument(
        "--array-params",
        choices=("json", "comma"),
        default="json",
        help='array parameters as JSON text (["CA","US"]) or comma-separated (CA,US)',
    )
    parser.add_argument(
        "--fields-mode",
        choices=("add", "only"),
        default="add",
        help="fields=[…] adds keys to the default ones, or returns only those",
    )
    parser.add_argument(
        "--dataset",
        metavar="DIR",
        help="serve a capture (expertfile-nb capture --out DIR) instead of synthetic data",
    )
    parser.add_argument(
        "--idle-timeout",
        type=positive_seconds,
        default=DEFAULT_IDLE_TIMEOUT,
        help="seconds a connection has to send a whole request (after opening, or after "
        "the last answer) before it is closed",
    )
    args = parser.parse_args(argv)

    try:
        server = _server(args)
    except DatasetError as exc:
        print(f"fake_server: {exc}", file=sys.stderr)
        return 2
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # werkzeug's own text: ours is below
            server.start()
    except OSError as exc:
        # the reason from its number ("Address already in use"): the server's own text
        # repeats "cannot listen on ..."
        reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or type(exc).__name__)
        print(
            f"fake_server: cannot listen on {args.host}:{args.port} ({reason}); "
            "choose another --port, or --port 0 for any free port",
            file=sys.stderr,
        )
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    what = f"capture {args.dataset}" if args.dataset else f"{args.experts} experts"
    closed = _say(
        f"Fake ExpertFile API on {server.url} (org {args.org_id}, {what})",
        f"export EXPERTFILE_BASE_URL={shlex.quote(server.url)}",
        f"export EXPERTFILE_CLIENT_ID={shlex.quote(args.client_id)}",
        f"export EXPERTFILE_CLIENT_SECRET={shlex.quote(args.client_secret)}",
        "Press Ctrl-C to stop.",
    )
    while not stop.wait(0.5):
        pass
    server.stop()
    closed = _say("stopped") or closed
    return EXIT_CLOSED_PIPE if closed else 0


#: 128 + SIGPIPE: what a shell reports for a program whose reader went away
EXIT_CLOSED_PIPE = 141


def _say(*lines: str) -> bool:
    """Print ``lines``; whether standard output's reader has gone away (then stay quiet)."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)  # later prints and the last flush: silent
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return True
    return False


def _server(args: argparse.Namespace) -> FakeExpertFile:
    return FakeExpertFile(
        args.host,
        args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        org_id=args.org_id,
        dataset=args.dataset,
        idle_timeout=args.idle_timeout,
        settings=Settings(
            experts=args.experts,
            token_ttl=args.token_ttl,
            latency=args.latency,
            paging=args.paging,
            max_page_size=args.max_page_size,
            oversize_pages=args.oversize_pages,
            error_body=args.error_body,
            array_params=args.array_params,
            fields_mode=args.fields_mode,
        ),
    )


def run() -> None:
    """The command: :func:`main`, then exit at once.

    Everything is stopped and printed by then; the interpreter's own teardown (collecting
    every module) would only make a supervisor's SIGTERM wait longer.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone: nothing left to say
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
