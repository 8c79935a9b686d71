"""``expertfile-nb apply``: profile edits from a CSV, for scheduled jobs.

    expertfile-nb apply EDITS.csv [--kind experts|staff] [--dry-run] [--journal FILE]
    expertfile-nb apply JOURNAL           # finish an apply that stopped
    expertfile-nb apply --undo JOURNAL    # restore the before-images

The CSV has a ``username`` column and one column per field to set (the editable
profile fields of :func:`expertfile_nb.plan_changes`); an empty cell leaves the field
as it is. The people are read first (:func:`expertfile_nb.get_profiles`), the edits
planned against what was read, the plan printed, and — unless ``--dry-run`` — applied
with a journal, exactly as ``plan.apply()`` does in a notebook.

Exit status: 0 every change applied (or there was nothing to do, or a dry run);
1 a failure before or around the writes (login, network, the service), one line on
stderr; 2 bad usage or a bad CSV, nothing sent; 3 the apply finished with conflicts or
failed changes (the journal names them; ``apply JOURNAL`` tries the unfinished ones
again).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expertfile_nb.errors import ConfigurationError, NotLoggedInError

if TYPE_CHECKING:
    import pandas as pd

    from expertfile_nb._plan import ApplyResult

__all__ = ["EXIT_NOT_ALL_APPLIED", "add_apply_command"]

#: the apply ran to its end, but some changes were conflicts or failed
EXIT_NOT_ALL_APPLIED = 3
_USAGE = 2
_MAX_CSV_BYTES = 64 * 1024 * 1024


class _BadInput(Exception):
    """A CSV or argument that cannot be applied: exit 2, nothing sent."""


def add_apply_command(commands: Any) -> None:
    """Add ``apply`` to the command line's subcommands."""
    apply = commands.add_parser(
        "apply",
        help="apply profile edits from a CSV (or finish/undo an apply from its journal)",
        description="Apply profile edits from a CSV keyed by username: the people are read, "
        "the edits planned against what was read, the plan printed, then applied with a "
        "journal (nothing is written with --dry-run). A field someone else changed since it "
        "was read is a conflict and is left alone. Given a journal instead of a CSV, finish "
        "that apply. Exit status: 0 all applied (or nothing to do, or a dry run), 1 failed, "
        "2 bad usage or CSV (nothing sent), 3 finished with conflicts or failed changes.",
    )
    apply.add_argument(
        "source",
        metavar="CSV_OR_JOURNAL",
        help="a CSV with a username column and a column per field to set (an empty cell "
        "leaves the field as it is), or the journal of an apply to finish",
    )
    apply.add_argument(
        "--kind", choices=("experts", "staff"), default="experts", help="default: %(default)s"
    )
    apply.add_argument(
        "--dry-run", action="store_true", help="print what would be sent; send nothing"
    )
    apply.add_argument("--undo", action="store_true", help="CSV_OR_JOURNAL is a journal: undo it")
    apply.add_argument("--journal", metavar="FILE", help="where to write the journal (new file)")
    apply.add_argument(
        "--workers", type=int, default=8, help="writes in flight at once (default: %(default)s)"
    )
    apply.add_argument(
        "--pace",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="at least this long between the starts of two writes (default: %(default)s)",
    )
    apply.set_defaults(run=run_apply)


def run_apply(args: argparse.Namespace) -> int:
    """The ``apply`` command (see the module docstring for the exit status)."""
    try:
        source = _existing(args.source)
        if args.undo or _is_journal(source):
            return _from_journal(source, args)
        return _from_csv(source, args)
    except _BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return _USAGE
    except ConfigurationError as exc:
        if isinstance(exc, NotLoggedInError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return _USAGE


def _existing(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise _BadInput(f"{name}: no such file (a CSV of edits or an apply's journal).")
    if path.stat().st_size > _MAX_CSV_BYTES:
        raise _BadInput(f"{name}: larger than {_MAX_CSV_BYTES // 2**20} MiB; split it.")
    return path


def _is_journal(path: Path) -> bool:
    """A journal is JSON lines whose first record is the plan."""
    with path.open("rb") as file:
        first = file.readline(1 << 20).strip()
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and record.get("type") == "plan"


def _from_journal(path: Path, args: argparse.Namespace) -> int:
    import expertfile_nb as ef

    if args.dry_run:
        raise _BadInput("--dry-run applies to a CSV; a journal's plan is shown by applying it.")
    if args.undo:
        if not _is_journal(path):
            raise _BadInput(f"{path}: not the journal of an apply.")
        result = ef.undo(path, workers=args.workers, pace=args.pace)
    else:
        result = ef.resume(path, workers=args.workers, pace=args.pace)
    return _report(result)


def _read_edits(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
            header = rows[0].keys() if rows else []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _BadInput(f"{path}: not a UTF-8 CSV ({exc}).") from None
    if not rows:
        raise _BadInput(f"{path}: no rows of edits.")
    if "username" not in header:
        raise _BadInput(f"{path}: the first line must name the columns, one of them username.")
    if None in header or any(None in row for row in rows):
        raise _BadInput(f"{path}: a row has more cells than the header has columns.")
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        name = (row.get("username") or "").strip()
        if not name:
            raise _BadInput(f"{path}, line {line}: no username (creating people is not done here).")
        if name in seen:
            raise _BadInput(f"{path}, line {line}: {name!r} is edited twice.")
        seen.add(name)
        row["username"] = name
    return rows


def _edited(before: pd.DataFrame, rows: list[dict[str, str]], path: Path) -> pd.DataFrame:
    """``before`` with the CSV's non-empty cells put in (numbers as whole numbers)."""
    import pandas as pd

    unknown = [c for c in rows[0] if c not in before.columns]
    if unknown:
        raise _BadInput(
            f"{path}: column(s) {', '.join(map(repr, unknown))} are not profile fields."
        )
    after: pd.DataFrame = before.copy()
    place = {name: i for i, name in enumerate(after["username"])}
    for line, row in enumerate(rows, start=2):
        for field, text in row.items():
            if field == "username" or text == "":
                continue
            value: Any = text
            if pd.api.types.is_integer_dtype(after[field].dtype):
                try:
                    value = int(text)
                except ValueError:
                    raise _BadInput(
                        f"{path}, line {line}: {field} must be a whole number; got {text!r}."
                    ) from None
            after.loc[place[row["username"]], field] = value
    return after


def _from_csv(path: Path, args: argparse.Namespace) -> int:
    import expertfile_nb as ef

    rows = _read_edits(path)
    before = ef.get_profiles([row["username"] for row in rows], kind=args.kind)
    after = _edited(before, rows, path)
    plan = ef.plan_changes(before, after, kind=args.kind)
    print(plan)
    if not len(plan):
        print("Nothing to change: the service already holds every value.")
        return 0
    if args.dry_run:
        result = plan.apply(dry_run=True)
        for request in result.requests or []:
            print(f"would send: {request['method']} {request['path']}")
        print(f"Dry run: {len(result.requests or [])} write(s) would be sent; nothing was sent.")
        return 0
    journal = Path(args.journal) if args.journal else None
    if journal is not None and journal.exists():
        raise _BadInput(f"{journal}: exists; a new apply needs a new journal file.")
    return _report(plan.apply(journal=journal, workers=args.workers, pace=args.pace))


def _report(result: ApplyResult) -> int:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts.items()))
    print(f"{counts or 'nothing to do'}; journal: {result.journal}")
    if result.ok:
        return 0
    for status in result.statuses:
        if status["status"] not in ("applied", "already applied"):
            where = ".".join(str(p) for p in (status["username"], status["field"]) if p)
            print(f"{status['status']}: {status['action']} {where} {status['detail']}".rstrip())
    return EXIT_NOT_ALL_APPLIED
