"""One table of the organization into a file: ``expertfile-nb pull TABLE --out FILE``.

The format follows the file's suffix:

- ``.csv``: the frame :func:`expertfile_nb.get_experts` (and the others) would give, list
  and dict cells as JSON text (as ``expertfile-nb demo`` writes them);
- ``.parquet``: the same columns, lists as list columns and dicts as structs (pyarrow,
  in the ``dlt`` extra);
- ``.jsonl``: one JSON object a line, the same columns, lists as lists.

The rows are those of the frames (``username`` … ``avatar.original`` for experts, the
topics' titles, timestamps as UTC datetimes; the whole profile with every section for
``profiles``), whole organization (as the ``load`` command's tables).

**Streamed, and only a verified table.** The pull goes a batch at a time into a
spool file beside the output (memory stays flat as the organization grows); once the
whole pull has verified (an :class:`~expertfile_nb.errors.IncompleteDataError` can come
after the last row), the spool is written out to a temporary file in the same folder,
which then takes the output's name in one step. A pull that fails leaves no output
file, and an existing file as it was.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from expertfile_nb._reads.tables import (
    ModuleReader,
    ReadClient,
    Table,
    profile_records,
    records,
    table_name,
)
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["FORMATS", "PullResult", "file_format", "pull_to_file"]

#: suffix -> format name
FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}


def file_format(out: str | os.PathLike[str]) -> str:
    """The format of ``out`` by its suffix.

    Raises:
        ConfigurationError: a suffix other than ``.csv``, ``.parquet`` or ``.jsonl``, or
            ``.parquet`` without pyarrow installed.
    """
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise ConfigurationError(
            f"Cannot tell the format of {str(out)[:80]!r} by its suffix: name a file ending "
            f"in {', '.join(FORMATS)}."
        )
    if FORMATS[suffix] == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "Writing Parquet needs pyarrow: pip install 'expertfile-nb[dlt]' (or "
                "pyarrow); or name a .csv or .jsonl file."
            ) from None
    return FORMATS[suffix]


class PullResult:
    """What :func:`pull_to_file` wrote: ``rows``, ``path``, ``format``, ``seconds``."""

    def __init__(self, rows: int, path: Path, fmt: str, seconds: float) -> None:
        self.rows = rows
        self.path = path
        self.format = fmt
        self.seconds = seconds

    def __str__(self) -> str:
        lists = {
            "csv": "list columns as JSON text",
            "parquet": "list columns as lists",
            "jsonl": "one JSON object a line",
        }[self.format]
        return (
            f"Wrote {self.rows} rows to {self.path} ({self.format}, {lists}) "
            f"in {self.seconds:.2f} s"
        )


def _frames(
    reader: ReadClient, table: Table, workers: int, progress: bool | None
) -> Iterator[pd.DataFrame]:
    """The table a batch at a time, each batch a frame as the ``get_*`` functions make it."""
    from expertfile_nb._reads.endpoints import EXPERTS, SPOTLIGHTS, STAFF
    from expertfile_nb._reads.frames import build_frame
    from expertfile_nb._reads.profiles import PROFILE_COLUMNS

    if table == "profiles":
        columns = {**PROFILE_COLUMNS["experts"], "kind": "string"}
        for batch in profile_records(reader, workers=workers, progress=progress):
            yield build_frame(batch, columns)
        return
    endpoint = {"experts": EXPERTS, "staff": STAFF, "spotlights": SPOTLIGHTS}[table]
    for batch in records(reader, table, workers=workers, progress=progress):
        yield build_frame(batch, endpoint.columns)


def _unify(schema: pa.Schema | None, new: pa.Schema, text: set[str]) -> pa.Schema:
    """The schema that holds both; a column whose types cannot be unified becomes text
    (its name is added to ``text``)."""
    import pyarrow as pa

    new = pa.schema([f for f in new if f.name not in text])
    if schema is None:
        return new
    try:
        return pa.unify_schemas([schema, new], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):
        pass
    kept = []
    for field in new:
        index = schema.get_field_index(field.name)
        if index < 0:
            kept.append(field)
            continue
        try:
            pa.unify_schemas(
                [pa.schema([schema.field(index)]), pa.schema([field])],
                promote_options="permissive",
            )
            kept.append(field)
        except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):
            text.add(field.name)
    old = pa.schema([f for f in schema if f.name not in text])
    return pa.unify_schemas([old, pa.schema(kept)], promote_options="permissive")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, dict)) else False
    except (TypeError, ValueError):
        return False


def _as_text(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@contextmanager
def _spool(folder: Path) -> Iterator[IO[bytes]]:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed and removed below
        "w+b", dir=folder, prefix=".expertfile-pull-", suffix=".spool", delete=False
    )
    try:
        yield handle
    finally:
        handle.close()
        Path(handle.name).unlink(missing_ok=True)


def _spooled(spool: IO[bytes], batches: int) -> Iterator[pd.DataFrame]:
    spool.seek(0)
    for _ in range(batches):
        frame: pd.DataFrame = pickle.load(spool)  # noqa: S301 -- our own spool
        yield frame


def pull_to_file(
    table: str,
    out: str | os.PathLike[str],
    *,
    client: ReadClient | None = None,
    workers: int = 4,
    progress: bool | None = None,
) -> PullResult:
    """Pull one table of the organization, verified, into ``out`` (format by suffix).

    Args:
        table: ``experts``, ``staff``, ``spotlights`` or ``profiles``.
        out: the file to write; replaced in one step once the pull has verified.
        client: an ``ef.Client`` or anything with the read functions; default: the
            current login (the usual chain).
        workers: pages or profiles read at once, 1-16.
        progress: a progress bar while pulling; default: in notebooks and terminals.

    Returns:
        What was written.

    Raises:
        IncompleteDataError: the pull did not verify; nothing was written.
        ConfigurationError: an unknown table or suffix, or Parquet without pyarrow.
    """
    chosen = table_name(table)
    fmt = file_format(out)
    path = Path(out).expanduser()
    folder = path.absolute().parent
    reader = client if client is not None else ModuleReader()
    started = time.perf_counter()
    columns: dict[str, None] = {}
    schema: pa.Schema | None = None
    text: set[str] = set()
    batches = rows = 0
    with _spool(folder) as spool:
        for frame in _frames(reader, chosen, workers, progress):
            columns.update(dict.fromkeys(frame.columns))
            if fmt == "parquet":
                import pyarrow as pa

                found = pa.Schema.from_pandas(frame, preserve_index=False).remove_metadata()
                schema = _unify(schema, found, text)
            pickle.dump(frame, spool, protocol=pickle.HIGHEST_PROTOCOL)
            batches += 1
            rows += len(frame)
        # the pull has verified: only now is anything written where the user looks
        frames = (_with_columns(f, list(columns)) for f in _spooled(spool, batches))
        writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
        _replace(path, lambda part: writer(part, frames, list(columns), schema, text))
    return PullResult(rows, path.absolute(), fmt, time.perf_counter() - started)


def _with_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` with every column of the table, in order; one it lacks is all ``None``."""
    import pandas as pd

    for name in columns:
        if name not in frame.columns:
            frame[name] = pd.Series([None] * len(frame), dtype="object", index=frame.index)
    chosen: pd.DataFrame = frame[columns]
    return chosen


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file beside ``path``, which then takes its name."""
    handle, name = tempfile.mkstemp(dir=path.absolute().parent, prefix=f".{path.name}.")
    os.close(handle)
    part = Path(name)
    try:
        write(part)
        part.chmod(0o644 & ~_umask())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_csv(
    part: Path, frames: Iterator[pd.DataFrame], columns: list[str], _schema: Any, _text: Any
) -> None:
    from expertfile_nb.cli.demo import csv_ready

    first = True
    with part.open("w", encoding="utf-8", newline="") as handle:
        for frame in frames:
            csv_ready(frame).to_csv(handle, header=first, index=False)
            first = False
        if first:  # nothing at all: the header alone
            handle.write(",".join(columns) + "\n")


def _write_jsonl(
    part: Path, frames: Iterator[pd.DataFrame], _columns: Any, _schema: Any, _text: Any
) -> None:
    with part.open("w", encoding="utf-8") as handle:
        for frame in frames:
            if len(frame):
                text = frame.to_json(orient="records", lines=True, date_format="iso")
                handle.write(text.rstrip("\n") + "\n")


def _write_parquet(
    part: Path,
    frames: Iterator[pd.DataFrame],
    columns: list[str],
    schema: pa.Schema | None,
    text: set[str],
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = {f.name: f for f in schema} if schema is not None else {}
    target = pa.schema(
        [
            pa.field(name, pa.string())
            if name in text or name not in fields
            else fields[name].with_nullable(True)
            for name in columns
        ]
    )
    with pq.ParquetWriter(part, target) as writer:
        for frame in frames:
            for name in text & set(frame.columns):
                frame[name] = frame[name].map(_as_text).astype(object)
            for name in columns:
                if name not in fields and name not in text:  # never a value: all missing
                    frame[name] = frame[name].map(_as_text).astype(object)
            writer.write_table(pa.Table.from_pandas(frame, schema=target, preserve_index=False))
