"""``expertfile-nb apply``: profile edits from a CSV, for scheduled jobs.

    expertfile-nb apply EDITS.csv [--kind experts|staff] [--dry-run] [--journal FILE]
    expertfile-nb apply JOURNAL           # finish an apply that stopped
    expertfile-nb apply --undo JOURNAL    # restore the before-images

The CSV's first line names its columns: ``username`` and the profile fields to set
(the columns of :func:`expertfile_nb.get_profiles`; the editable ones are those of
:func:`expertfile_nb.plan_changes`), each once. A missing (a short row), empty or blank
(spaces only) cell leaves its field as it is; other cells lose their surrounding
spaces. So a CSV cannot clear a field: that is done from Python, with the field
emptied (``""``) in the frame given to ``ef.plan_changes``. An unknown, unnamed or
duplicated column, a row with more cells than the header, a row without a username, a
username twice or one the service does not know, a value the write would refuse (a
flag not 1/0, a number not whole) and an edit of a field the service does not let one
change are refused — each named with its CSV line and column — before anything is
written (the header's faults before anything is read). The people are read first
(:func:`expertfile_nb.get_profiles`), the edits planned against what was read, the plan
printed, and — unless ``--dry-run``, which prints the paths of the logged-in
organization — applied with a journal, exactly as ``plan.apply()`` does in a notebook.

Exit status: 0 every change applied (or there was nothing to do, or a dry run);
1 a failure before or around the writes (login, network, the service), one line on
stderr; 2 bad usage or a bad CSV, one line on stderr, nothing written; 3 the apply
finished with conflicts or failed changes, each listed on stdout (a conflict with what
the service holds now, which is left alone; the journal names them too; ``apply
JOURNAL`` tries the unfinished ones again).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from expertfile_nb.errors import ConfigurationError, NotFoundError, NotLoggedInError

if TYPE_CHECKING:
    import pandas as pd

    from expertfile_nb._edits.plan import ApplyResult
    from expertfile_nb._edits.table import Kind

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
        "journal (nothing is written with --dry-run). The CSV's first line names the "
        "columns: username and the profile fields to set, each once. A missing, empty or "
        "blank cell leaves the field as it is; other cells lose their surrounding spaces. "
        "A CSV cannot clear a field: do that from Python (the field emptied in the frame "
        "given to ef.plan_changes). A field someone else changed since it was read is a "
        "conflict and is left alone. Given a journal instead of a CSV, finish that apply.",
        epilog="Exit status: 0 all applied (or nothing to do, or a dry run), 1 failed (login, "
        "network, the service), 2 bad usage or CSV (its line and column named; nothing "
        "written), 3 finished with conflicts or failed changes (each listed, a conflict "
        "with what the service holds now).",
    )
    apply.add_argument(
        "source",
        metavar="CSV_OR_JOURNAL",
        help="a CSV with a username column and a column per field to set, or the journal "
        "of an apply to finish",
    )
    apply.add_argument(
        "--kind",
        choices=("experts", "staff"),
        default="experts",
        help="who the CSV's usernames are (default: %(default)s)",
    )
    apply.add_argument(
        "--dry-run",
        action="store_true",
        help="read the people and print the plan and the writes it would send; write nothing",
    )
    apply.add_argument("--undo", action="store_true", help="CSV_OR_JOURNAL is a journal: undo it")
    apply.add_argument(
        "--unverifiable",
        action="append",
        default=[],
        metavar="FIELD",
        help="write FIELD although no documented read shows it (an expert's department, "
        "is_published, …): sent without comparing before or confirming after, and never "
        "undone; without it, a CSV column of such a field is refused (exit 2). Repeat for "
        "several fields",
    )
    apply.add_argument(
        "--journal", metavar="FILE", help="with a CSV: where to write the journal (a new file)"
    )
    apply.add_argument(
        "--workers",
        type=_workers,
        default=8,
        help="writes in flight at once, 1 to 32 (default: %(default)s)",
    )
    apply.add_argument(
        "--pace",
        type=_pace,
        default=0.0,
        metavar="SECONDS",
        help="at least this long between the starts of two writes, at most an hour "
        "(default: %(default)s)",
    )
    apply.set_defaults(run=run_apply)


def _workers(text: str) -> int:
    """``--workers``: a whole number from 1 to 32 (as ``plan.apply`` takes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 32:
        raise argparse.ArgumentTypeError(f"{value} is not from 1 to 32")
    return value


def _pace(text: str) -> float:
    """``--pace``: seconds from 0 to an hour (a longer pause is no pace but a stop)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text} is not from 0 to 3600 seconds")
    return value


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
    if args.journal:
        raise _BadInput(
            f"--journal applies to a CSV; {path} is itself the journal (an undo keeps its "
            f"own, {path}.undo.jsonl)."
        )
    if args.undo:
        if not _is_journal(path):
            raise _BadInput(f"{path}: not the journal of an apply.")
        result = ef.undo(path, workers=args.workers, pace=args.pace)
    else:
        result = ef.resume(path, workers=args.workers, pace=args.pace)
    return _report(result)


@dataclasses.dataclass
class _Row:
    """One CSV row of edits: where it starts, whose it is, the cells that set a field."""

    line: int
    username: str
    cells: dict[str, Any] = dataclasses.field(default_factory=dict)


def _read_edits(path: Path, kind: Kind) -> list[_Row]:
    """The CSV's rows of edits, checked without asking the service anything.

    The first line names the columns: ``username`` and profile fields (the fixed
    columns of :func:`expertfile_nb.get_profiles`), each once. A missing, empty or
    blank cell leaves its field alone; other cells lose their surrounding spaces and
    are checked as the write would check them (flags 1/0, whole numbers).
    """
    from expertfile_nb._reads.profiles import PROFILE_COLUMNS

    dtypes = PROFILE_COLUMNS[kind]
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    start = 1  # the line where the record being read starts
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file, strict=True)  # an unclosed quote is an error
            header = next(reader, None)
            if header is None:
                raise _BadInput(f"{path}: empty; the first line names the columns.")
            columns = _columns(path, header, dtypes)
            start = reader.line_num + 1
            for record in reader:
                line, start = start, reader.line_num + 1
                row = _row(path, line, columns, record, dtypes)
                if row is None:
                    continue
                if row.username in seen:
                    raise _BadInput(
                        f"{path}, line {line}, column username: {row.username!r} is edited "
                        f"twice (also on line {seen[row.username]}); one row per person."
                    )
                seen[row.username] = line
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise _BadInput(f"{path}: not a UTF-8 CSV ({exc.reason} at byte {exc.start}).") from None
    except csv.Error as exc:
        raise _BadInput(f"{path}, line {start}: not a CSV row ({exc}).") from None
    if not rows:
        raise _BadInput(f"{path}: no rows of edits.")
    return rows


def _columns(path: Path, header: list[str], dtypes: Mapping[str, str]) -> list[str]:
    """The header's column names, checked: ``username`` among them, each a profile
    field, none twice, none unnamed."""
    from expertfile_nb._edits.change import EDITABLE

    if "username" not in header:
        raise _BadInput(
            f"{path}, line 1: no username column; the first line must name the columns, "
            "one of them username (the people to edit)."
        )
    for number, name in enumerate(header, start=1):
        if not name.strip():
            raise _BadInput(f"{path}, line 1: column {number} has no name.")
        if header.index(name) + 1 != number:
            raise _BadInput(
                f"{path}, line 1: column {name!r} is named twice (columns "
                f"{header.index(name) + 1} and {number}); name each column once."
            )
        if name not in dtypes:
            raise _BadInput(
                f"{path}, line 1: column {name!r} is not a profile field. The editable "
                f"fields are: {', '.join(EDITABLE)}."
            )
    return header


def _row(
    path: Path,
    line: int,
    columns: list[str],
    record: list[str],
    dtypes: Mapping[str, str],
) -> _Row | None:
    """One record as a row of edits (``None``: a row of blank cells, no edit)."""
    from expertfile_nb._edits.send import encode_fields, person_segment
    from expertfile_nb._edits.table import ACCOUNT_UPDATE

    if len(record) > len(columns):
        raise _BadInput(
            f"{path}, line {line}: {len(record)} cells, more than the header's "
            f"{len(columns)} columns; quote a cell that holds a comma."
        )
    # a short row's missing cells are not there: they leave their fields alone
    cells = {name: text.strip() for name, text in zip(columns, record, strict=False)}
    if not any(cells.values()):
        return None
    name = cells["username"]
    if not name:
        raise _BadInput(
            f"{path}, line {line}, column username: no username (creating people is not done here)."
        )
    try:
        person_segment(name)
    except ConfigurationError as exc:
        raise _BadInput(f"{path}, line {line}, column username: {exc}") from None
    row = _Row(line, name)
    for field, text in cells.items():
        if field == "username" or text == "":
            continue  # a blank cell (or a missing one) leaves the field alone
        value: Any = text
        if dtypes[field] == "Int64":
            try:
                value = int(text)
            except ValueError:
                raise _BadInput(
                    f"{path}, line {line}, column {field}: must be a whole number; got {text!r}."
                ) from None
        if field in ACCOUNT_UPDATE:
            try:
                encode_fields({field: value}, ACCOUNT_UPDATE, what=field)
            except ConfigurationError as exc:
                raise _BadInput(f"{path}, line {line}, column {field}: {exc}") from None
        row.cells[field] = value
    return row


def _profiles(rows: list[_Row], kind: Kind, path: Path) -> pd.DataFrame:
    """The profiles of the CSV's people; a person the service does not know is named
    with the CSV line."""
    import expertfile_nb as ef
    from expertfile_nb._edits.send import person_segment

    try:
        return ef.get_profiles([row.username for row in rows], kind=kind)
    except NotFoundError as exc:
        asked = urlsplit(exc.url).path
        for row in rows:
            if asked.endswith("/" + person_segment(row.username)):
                noun = "expert" if kind == "experts" else "staff member"
                raise _BadInput(
                    f"{path}, line {row.line}, column username: {row.username!r} not found: "
                    f"the service knows no {noun} of that username (check it, or --kind)."
                ) from None
        raise


def _edited(before: pd.DataFrame, rows: list[_Row], path: Path) -> pd.DataFrame:
    """``before`` with the CSV's cells put in; a cell that would change a field the
    service does not let one change is refused (its line and column named)."""
    from expertfile_nb._edits.change import EDITABLE, _plain, _show
    from expertfile_nb._edits.send import compare_value

    after: pd.DataFrame = before.copy()
    place = {name: i for i, name in enumerate(after["username"])}
    for row in rows:
        at = place[row.username]
        for column, value in row.cells.items():
            held = _plain(before.at[at, column])
            if column not in EDITABLE and compare_value(value) != compare_value(held):
                raise _BadInput(
                    f"{path}, line {row.line}, column {column}: the service does not let one "
                    f"change {column} ({row.username} has {_show(column, held)}; the CSV says "
                    f"{_show(column, value)}); leave the cell empty. The editable fields are: "
                    f"{', '.join(EDITABLE)}."
                )
            after.at[at, column] = value
    return after


def _from_csv(path: Path, args: argparse.Namespace) -> int:
    import expertfile_nb as ef
    from expertfile_nb._auth.login import shared_session

    rows = _read_edits(path, args.kind)
    journal = Path(args.journal) if args.journal and not args.dry_run else None
    if journal is not None and journal.exists():  # refused before anything is read
        raise _BadInput(f"{journal}: exists; a new apply needs a new journal file.")
    before = _profiles(rows, args.kind, path)
    after = _edited(before, rows, path)
    try:
        plan = ef.plan_changes(
            before, after, kind=args.kind, unverifiable=tuple(args.unverifiable or ())
        )
    except ConfigurationError as exc:
        hint = " On the command line: --unverifiable FIELD." if "unverifiable=" in str(exc) else ""
        raise _BadInput(f"{path}: {exc}{hint}") from None
    print(plan)
    if not len(plan):
        print("Nothing to change: the service already holds every value.")
        return 0
    if args.dry_run:
        result = plan.apply(dry_run=True, session=shared_session())
        for request in result.requests or []:
            print(f"would send: {request['method']} {request['path']}")
        print(f"Dry run: {len(result.requests or [])} write(s) would be sent; nothing was written.")
        return 0
    result = plan.apply(journal=journal, workers=args.workers, pace=args.pace)
    return _report(result, {row.username: row.line for row in rows})


def _report(result: ApplyResult, lines: Mapping[str, int] | None = None) -> int:
    """Print the counts and every change not applied (a conflict with what the service
    holds now); the exit status: 0 all applied, else 3."""
    from expertfile_nb._edits.change import _show

    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts.items()))
    print(f"{counts or 'nothing to do'}; journal: {result.journal}")
    if result.ok:
        return 0
    for status in result.statuses:
        if status["status"] not in ("applied", "already applied"):
            where = ".".join(str(p) for p in (status["username"], status["field"]) if p)
            if lines and status["username"] in lines:
                where += f" (CSV line {lines[status['username']]})"
            detail = status["detail"]
            if "current" in status:
                detail += f"; the service holds {_show(status['field'], status['current'])} now"
            print(f"{status['status']}: {status['action']} {where}: {detail}".rstrip(": "))
    return EXIT_NOT_ALL_APPLIED
