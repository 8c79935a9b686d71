"""``expertfile-nb pull TABLE --out FILE`` and ``expertfile-nb load``.

    expertfile-nb pull {experts,staff,spotlights,profiles} --out FILE   # .csv .parquet .jsonl
    expertfile-nb load [--destination duckdb] [--dataset-name expertfile] [--profile NAME]
                       [--backend {python,pyarrow}] [--history] [--full]

``pull`` writes one table, verified, to a file (see ``cli/pull_out.py``). ``load`` runs a
dlt pipeline (``expertfile_nb.pipeline``) of the whole organization into a dlt
destination: by default DuckDB, the file ``expertfile_nb.duckdb`` in the current folder
(a DuckDB file named like its dataset, ``expertfile.duckdb`` with dataset
``expertfile``, confuses DuckDB's name binding, so the file is named after the pipeline,
``expertfile_nb``). Any other destination by its dlt name (``bigquery``, ``postgres``,
``filesystem``, …), configured as dlt configures it (``.dlt/secrets.toml`` or
``DESTINATION__…`` variables). Progress bars on a terminal; then one line: rows per
table and the time.

Exit status: 0 done; 1 failed (one line on stderr; nothing of a failed load is
committed); 2 bad usage (nothing was sent).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from expertfile_nb._reads.tables import TABLES
from expertfile_nb.errors import ExpertFileError

__all__ = ["PIPELINE_NAME", "add_pipeline_commands"]

#: the dlt pipeline's name; the default DuckDB file is named after it
PIPELINE_NAME = "expertfile_nb"
_USAGE = 2


def add_pipeline_commands(commands: Any) -> None:
    """Add ``pull`` and ``load`` to the command line's subcommands."""
    pull = commands.add_parser(
        "pull",
        help="one table, verified, into a .csv, .parquet or .jsonl file",
        description="Pull one table of the whole organization, verified, into a file whose "
        "suffix says the format: .csv (list columns as JSON text), .parquet (list columns "
        "as lists; needs pyarrow), .jsonl (one JSON object a line). The pull is spooled "
        "beside the file and written only once it has verified; a failed pull leaves no "
        "file (and an existing one as it was).",
    )
    pull.add_argument("table", choices=TABLES, help="the table to pull")
    pull.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    pull.add_argument("--workers", type=int, default=4, help="requests at once (1-16)")
    pull.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown only on a terminal)"
    )
    pull.set_defaults(run=_cmd_pull)
    load = commands.add_parser(
        "load",
        help="the whole organization into DuckDB (or any dlt destination), merged",
        description="Load experts, staff, spotlights and profiles into a dlt destination, "
        "merged by username (spotlights: id): rows updated in place, new people added, "
        "people the service no longer has deleted. Default: DuckDB, the file "
        f"{PIPELINE_NAME}.duckdb here. Needs the dlt extra: pip install 'expertfile-nb[dlt]'.",
    )
    load.add_argument(
        "--destination",
        default="duckdb",
        help="a dlt destination name, configured as dlt configures it (default: %(default)s)",
    )
    load.add_argument(
        "--dataset-name", default="expertfile", help="the dataset (schema) (default: %(default)s)"
    )
    load.add_argument(
        "--history",
        action="store_true",
        help="keep every version of every row (dlt's scd2) instead of updating in place",
    )
    load.add_argument(
        "--full",
        action="store_true",
        help="read every spotlight, not only the years from the latest loaded",
    )
    load.add_argument(
        "--backend",
        choices=("python", "pyarrow"),
        default="python",
        help="pyarrow: rows as Arrow tables, a third faster, lists as JSON text "
        "columns instead of child tables (default: %(default)s)",
    )
    load.add_argument("--workers", type=int, default=4, help="requests at once (1-16)")
    load.add_argument(
        "--no-progress", action="store_true", help="no progress bars (shown only on a terminal)"
    )
    load.set_defaults(run=_cmd_load)


def _progress(args: argparse.Namespace) -> bool:
    return not args.no_progress and sys.stderr is not None and sys.stderr.isatty()


def _cmd_pull(args: argparse.Namespace) -> int:
    from expertfile_nb.cli.demo import check_writable
    from expertfile_nb.cli.pull_out import file_format, pull_to_file

    try:
        file_format(args.out)
    except ExpertFileError as exc:
        print(f"{args.prog} pull: error: {exc}", file=sys.stderr)
        return _USAGE
    problem = check_writable(args.out)
    if problem:  # before logging in and pulling
        print(f"{args.prog} pull: error: {problem}", file=sys.stderr)
        return _USAGE
    print(pull_to_file(args.table, args.out, workers=args.workers, progress=_progress(args)))
    return 0


def _failure(exc: BaseException) -> BaseException:
    """The error inside dlt's: the package's own when there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ExpertFileError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return exc


def _cmd_load(args: argparse.Namespace) -> int:
    if args.destination == "duckdb" and args.dataset_name == PIPELINE_NAME:
        print(
            f"{args.prog} load: error: --dataset-name {PIPELINE_NAME} is the name of the DuckDB "
            f"file ({PIPELINE_NAME}.duckdb), which DuckDB cannot tell apart from the dataset; "
            "choose another dataset name.",
            file=sys.stderr,
        )
        return _USAGE
    try:
        import dlt
    except ImportError:
        print(
            f"{args.prog} load: error: the load needs dlt: pip install 'expertfile-nb[dlt]'",
            file=sys.stderr,
        )
        return _USAGE
    from expertfile_nb.pipeline import expertfile_source

    progress = _progress(args)
    pipeline = dlt.pipeline(
        PIPELINE_NAME, destination=args.destination, dataset_name=args.dataset_name
    )
    source = expertfile_source(
        history=args.history,
        incremental=not args.full,
        workers=args.workers,
        progress=progress,
        backend=args.backend,
    )
    if progress:
        print(
            f"Loading {', '.join(TABLES)} into {args.destination} dataset {args.dataset_name}…",
            file=sys.stderr,
        )
    started = time.perf_counter()
    try:
        pipeline.run(source)
    except Exception as exc:  # dlt wraps every failure in its own PipelineStepFailed
        cause = _failure(exc)
        if isinstance(cause, ExpertFileError):
            raise cause from None  # the command line's one line, exit 1
        first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        print(
            f"error: the load failed, nothing of it was committed: {first[:300]}",
            file=sys.stderr,
        )
        return 1
    print(_summary(pipeline, args, time.perf_counter() - started))
    return 0


def _summary(pipeline: Any, args: argparse.Namespace, seconds: float) -> str:
    """One line: the rows each table received, child tables together, and the time."""
    counts: dict[str, int] = {}
    trace = pipeline.last_trace
    info = getattr(trace, "last_normalize_info", None) if trace is not None else None
    for table, rows in (getattr(info, "row_counts", None) or {}).items():
        if not table.startswith("_dlt"):
            counts[table] = int(rows)
    top = [f"{t} {counts.get(t, 0)}" for t in TABLES]
    children = sum(n for t, n in counts.items() if t not in TABLES)
    where = args.destination
    if args.destination == "duckdb":
        where = f"duckdb ({PIPELINE_NAME}.duckdb)"
    return (
        f"Loaded into {where}, dataset {args.dataset_name}, in {seconds:.1f} s: rows "
        f"{', '.join(top)}; {children} rows in child tables."
    )
