"""``python -m fake_server``: run the fake ExpertFile API until interrupted."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from fake_server._dataset import DatasetError
from fake_server.app import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_EXPERTS,
    DEFAULT_MAX_PAGE_SIZE,
    DEFAULT_ORG_ID,
    DEFAULT_TOKEN_TTL,
    FakeExpertFile,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; print its URL and the matching ``export`` lines; stop on Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m fake_server", description="A fake ExpertFile public API for offline work."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 = any free)")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--org-id", type=int, default=DEFAULT_ORG_ID)
    parser.add_argument("--experts", type=int, default=DEFAULT_EXPERTS)
    parser.add_argument("--token-ttl", type=float, default=DEFAULT_TOKEN_TTL, help="seconds")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each response")
    # where the documents are silent (fake_server.ASSUMPTIONS): the other plausible behaviour
    parser.add_argument("--paging", choices=("offset", "page"), default="offset")
    parser.add_argument("--max-page-size", type=int, default=DEFAULT_MAX_PAGE_SIZE)
    parser.add_argument("--oversize-pages", choices=("cap", "refuse"), default="cap")
    parser.add_argument("--error-body", choices=("error", "message"), default="error")
    parser.add_argument("--array-params", choices=("json", "comma"), default="json")
    parser.add_argument("--fields-mode", choices=("add", "only"), default="add")
    parser.add_argument(
        "--dataset", metavar="DIR", help="serve a capture (expertfile-nb capture --out DIR)"
    )
    args = parser.parse_args(argv)

    try:
        server = _server(args)
    except DatasetError as exc:
        print(f"fake_server: {exc}", file=sys.stderr)
        return 2
    try:
        server.start()
    except OSError as exc:
        print(f"fake_server: {exc.strerror}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    what = f"capture {args.dataset}" if args.dataset else f"{args.experts} experts"
    print(f"Fake ExpertFile API on {server.url} (org {args.org_id}, {what})")
    print(f"export EXPERTFILE_BASE_URL={shlex.quote(server.url)}")
    print(f"export EXPERTFILE_CLIENT_ID={shlex.quote(args.client_id)}")
    print(f"export EXPERTFILE_CLIENT_SECRET={shlex.quote(args.client_secret)}")
    print("Press Ctrl-C to stop.", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    print("stopped", flush=True)
    return 0


def _server(args: argparse.Namespace) -> FakeExpertFile:
    return FakeExpertFile(
        args.host,
        args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        org_id=args.org_id,
        experts=args.experts,
        token_ttl=args.token_ttl,
        latency=args.latency,
        paging=args.paging,
        max_page_size=args.max_page_size,
        oversize_pages=args.oversize_pages,
        error_body=args.error_body,
        array_params=args.array_params,
        fields_mode=args.fields_mode,
        dataset=args.dataset,
    )


if __name__ == "__main__":
    sys.exit(main())
