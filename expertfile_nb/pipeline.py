"""The organization's data as a dlt source: DuckDB, Parquet or any dlt destination.

>>> import dlt
>>> from expertfile_nb.pipeline import expertfile_source
>>> pipeline = dlt.pipeline("expertfile", destination="duckdb", dataset_name="expertfile")
>>> pipeline.run(expertfile_source())

Needs the ``dlt`` extra (``pip install 'expertfile-nb[dlt]'``); ``import expertfile_nb``
does not load this module.

**Tables.** ``experts`` and ``staff`` (the lists, every access and status), ``spotlights``
(every status) and ``profiles`` (the whole profile of everyone: the account fields as
columns with ``username`` among them, ``biography`` and ``tagline`` as text, a ``kind``
column, ``experts`` or ``staff``; every other section becomes a child table as dlt
normalizes lists: ``profiles__education``, ``profiles__link``, …). ``experts__topics``
and the like are the lists of the list items.

**Merging.** Primary keys ``username`` (spotlights: ``id``), ``write_disposition="merge"``:
a second run updates rows in place and adds new people. People (and spotlights) the
service no longer has are **deleted** from the tables (with their child rows): each
resource keeps the keys it loaded in dlt's resource state, committed with the load, and
yields a tombstone (``_ef_deleted = true``, dlt's ``hard_delete`` column hint) for each
key that is gone. With ``history=True`` rows are never deleted: dlt's ``scd2`` strategy
keeps every version of a row with ``_dlt_valid_from`` / ``_dlt_valid_to``; a person who
changed gets a new version, one who left has their last version closed.

**Only verified snapshots.** Every resource reads through the package's verified pulls;
one that does not fit together raises :class:`~expertfile_nb.errors.IncompleteDataError`
(also after its last row). dlt extracts every resource before it normalizes or loads
anything, so the error fails ``pipeline.run`` (as ``PipelineStepFailed`` with the
``IncompleteDataError`` as its cause) and nothing of that run reaches the destination,
its resource state included: the tables stay as the last good run left them.

**Incremental.** The documented parameters allow it for spotlights only (``year``).
The first run reads every spotlight; later runs read the years from the latest one
loaded to the current one, a verified pull per year, and merge them (a spotlight gone
from those years is deleted). A spotlight edited in an older year, or moved to an older
year, is seen on the next full run: ``expertfile_source(incremental=False)``, e.g.
weekly. The lists of experts and staff and the profiles have no documented "changed
since" parameter: each run is a verified full snapshot, merged.

**Load files.** Every table (child tables included) is handed to the destination as
JSON lines (dlt's ``file_format="jsonl"`` hint), not as dlt's SQL ``INSERT`` statements,
which DuckDB and Postgres otherwise get: into DuckDB, dlt's load step of 10,000 experts
took 5-12 s and the process 890 MB with ``INSERT`` statements, 0.4-1 s and 200 MB with
JSON lines (``bench/bench_pipeline.py``). ``pipeline.run(source, loader_file_format=…)`` still
decides when given; a destination that cannot read JSON lines (Postgres, MS SQL) gets
its own format instead, and dlt logs a warning saying so (pass its format to ``run`` to
silence it). dlt also gzips its load files, which for a local DuckDB file is only work
(about half of its normalize step here): ``DATA_WRITER__DISABLE_COMPRESSION=true`` (or
``[data_writer] disable_compression = true`` in ``.dlt/config.toml``) turns that off.

**Arrow tables.** ``expertfile_source(backend="pyarrow")`` hands each batch to dlt as an
Arrow table: dlt writes it as Parquet in its extract step, its normalize step has nothing
to do, and DuckDB reads the Parquet file as it is. The same four tables, keys, merging,
deletions, history (``_dlt_id`` a hash of the row's values) and verified snapshots; the
columns are those of the default, objects flattened the same way (``avatar__small``),
except that every list stays in its row as JSON text (``topics``, ``education``, …; in
DuckDB ``json_extract_string(topics, '$[*].title')`` or ``topics::JSON``) and no child
table is made. For 10,000 experts into DuckDB the run took 1.4-2.1 times the bare pull,
the default 2.6-3.4 times (``bench/bench_pipeline.py``). Not the default, because the
tables differ: choose one backend per dataset (switching one leaves the other's columns
and child tables behind, stale).

**Credentials**, in this order: a ``client`` passed in (an ``ef.Client``, or anything
with the package's read functions as methods: :class:`~expertfile_nb._reads.tables.ReadClient`);
else dlt's config and secrets, ``[sources.expertfile]`` ``client_id``, ``client_secret``,
``base_url`` (an ``ef.Client`` of their own, logged in on first use), or ``profile``
there or as the argument (``ef.Client(profile=…)``, a ``[profiles.NAME]`` of the
profiles file); else the package's usual chain (``EXPERTFILE_CLIENT_ID``/``SECRET``,
``EXPERTFILE_PROFILE``, or a token prepared elsewhere in ``EXPERTFILE_ACCESS_TOKEN`` with
``EXPERTFILE_ORG_ID``, so many workers share one login, or a remembered token).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import dlt
from dlt.common.typing import TSecretStrValue
from dlt.extract.resource import DltResource

from expertfile_nb._reads.tables import (
    KEYS,
    TABLES,
    ModuleReader,
    ReadClient,
    profile_records,
    records,
    spotlight_batches,
    table_name,
)
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BACKENDS", "DELETED", "ReadClient", "expertfile_source", "profile_client"]

#: the tombstone column: ``true`` deletes the row with its key (dlt's ``hard_delete`` hint)
DELETED = "_ef_deleted"
#: the load files dlt writes: JSON lines, not its INSERT statements (see the module docstring)
FILE_FORMAT: Final = "jsonl"
#: resource state: the keys loaded by the last good run; spotlights: the latest year
_KEYS_STATE = "keys"
_YEAR_STATE = "latest_year"
#: dlt's row id column: scd2's row version (a hash of the row's values)
ROW_ID: Final = "_dlt_id"
#: how the rows reach dlt: dicts (dlt's normalizer, lists as child tables) or Arrow tables
Backend = Literal["python", "pyarrow"]
BACKENDS: tuple[Backend, ...] = ("python", "pyarrow")


def profile_client(profile: str) -> ReadClient:
    """The client of a named profile: ``ef.Client(profile=profile)`` (a ``[profiles.NAME]``
    table of the profiles file; see :class:`expertfile_nb.Client`).

    Raises:
        ProfileError: no such profile, no profiles file, or a file others can read.
    """
    from expertfile_nb.client import Client

    return Client(profile=profile)


def _pair_client(client_id: str, client_secret: str, base_url: str | None) -> ReadClient:
    """A client of its own for ``[sources.expertfile]``'s pair (it logs in on first use and
    leaves the process's default login alone)."""
    from expertfile_nb.client import Client

    return Client(client_id, client_secret, base_url=base_url)


def _reader(
    client: ReadClient | None,
    client_id: str | None,
    client_secret: str | None,
    base_url: str | None,
    profile: str | None,
) -> ReadClient:
    if client is not None:
        return client
    if profile:
        return profile_client(profile)
    if client_id or client_secret:
        if not (client_id and client_secret):
            missing = "client_secret" if client_id else "client_id"
            raise ConfigurationError(
                f"[sources.expertfile] has half a pair: {missing} is missing. Set both "
                "client_id and client_secret (secrets.toml or SOURCES__EXPERTFILE__…), or "
                "neither to log in as the package does (EXPERTFILE_* variables)."
            )
        return _pair_client(client_id, client_secret, base_url)
    return ModuleReader()


def _configured(name: str, *, secret: bool = False) -> str | None:
    """``[sources.expertfile] name`` from dlt's secrets (or config), ``None`` when unset."""
    key = f"sources.expertfile.{name}"
    value: Any = dlt.secrets.get(key) if secret else dlt.config.get(key)
    if value is None and not secret:
        value = dlt.secrets.get(key)  # secrets.toml may hold the whole section
    return None if value is None else str(value)


def _chosen(resources: str | Iterable[str] | None) -> list[str]:
    if resources is None:
        return list(TABLES)
    names = [resources] if isinstance(resources, str) else list(resources)
    chosen = [table_name(name) for name in names]
    if not chosen:
        raise ConfigurationError(f"resources is empty: name some of {', '.join(TABLES)}.")
    return list(dict.fromkeys(chosen))


def _tombstones(key: str, batches: Iterable[list[dict[str, Any]]]) -> Iterator[Any]:
    """The batches, then a tombstone for each key the last good run loaded and this one
    did not see; the keys seen become the resource's state (committed with the load)."""
    state = dlt.current.resource_state()
    before = set(state.get(_KEYS_STATE, ()))
    seen: list[Any] = []
    for batch in batches:
        seen.extend(row[key] for row in batch)
        yield batch
    gone = before.difference(seen)
    if gone:
        yield [{key: value, DELETED: True} for value in sorted(gone, key=str)]
    state[_KEYS_STATE] = seen


def _year(row: dict[str, Any]) -> int | None:
    text = str(row.get("year") or "")
    return int(text) if len(text) == 4 and text.isdigit() else None


def _spotlights(
    reader: ReadClient, *, incremental: bool, history: bool, workers: int, progress: bool | None
) -> Iterator[Any]:
    """Every spotlight on a first (or full) run; later, the years from the latest loaded."""
    state = dlt.current.resource_state()
    latest = state.get(_YEAR_STATE)
    if incremental and isinstance(latest, int):
        years = range(latest, max(latest, dt.datetime.now(dt.timezone.utc).year) + 1)
        batches = spotlight_batches(reader, years, workers=workers, progress=progress)
        covered: set[int] | None = set(years)
    else:
        batches = records(reader, "spotlights", workers=workers, progress=progress)
        covered = None
    found: list[int] = []
    known: dict[str, Any] = state.get(_KEYS_STATE, {})
    seen: dict[str, Any] = {}
    for batch in batches:
        for row in batch:
            year = _year(row)
            if year is not None:
                found.append(year)
            seen[str(row["id"])] = [row["id"], year]
        yield batch
    # tombstones for the spotlights of the years read (all of them on a full run) that are
    # gone; with history, scd2 closes them itself (merge key: year)
    kept = {
        k: v
        for k, v in known.items()
        if covered is not None and not (isinstance(v, list) and v[1] in covered)
    }
    gone = [v[0] for k, v in known.items() if k not in seen and k not in kept]
    if gone and not history:
        yield [{"id": value, DELETED: True} for value in gone]
    state[_KEYS_STATE] = {**kept, **seen}
    if found or latest is not None:
        state[_YEAR_STATE] = max([*found, *([latest] if isinstance(latest, int) else [])])


def _profile_hints() -> dict[str, Any]:
    """The profile frame's fixed columns as dlt column hints: a column that no one has a
    value in (yet) is still made, with its type."""
    from expertfile_nb._reads.profiles import PROFILE_COLUMNS

    types = {"string": "text", "Int64": "bigint"}
    hints: dict[str, Any] = {"kind": {"data_type": "text"}}
    for kind in ("experts", "staff"):
        for column, dtype in PROFILE_COLUMNS[kind].items():
            hints[column] = {"data_type": types.get(dtype, "text"), "nullable": True}
    return hints


_PROFILE_HINTS = _profile_hints()


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``row`` with its objects flattened as dlt's normalizer names them (``avatar__small``);
    lists stay lists."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{name}__"))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _digest(row: dict[str, Any]) -> str:
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class _ArrowBatches:
    """A resource's batches as Arrow tables of one schema from the first batch to the last
    (dlt buffers them together; it neither promotes nor casts them).

    Objects are flattened as dlt's normalizer names them (``avatar__small``). A list is
    JSON text: one type however its items' fields vary from batch to batch (Arrow's list
    and struct types would differ, and dlt does not promote them). A text column, not
    dlt's ``json`` type: dlt warns on every batch whose Arrow type differs from a hint.
    A column keeps the type of its first values (or the type dlt's schema has for it from
    an earlier run, ``loaded``): later batches are cast to it, and a value
    that does not fit (text where numbers came before) goes to a text column beside it,
    ``name__v_text``, as dlt's normalizer does with dicts; a batch that mixes kinds in a
    column of its own is text. The key is not nullable (as its dlt hint). A column without a
    value in a batch is left out of it (dlt fills it in as ``NULL``).

    With ``row_hash`` (history: dlt's ``scd2``), ``_dlt_id`` is a hash of the row's values,
    as dlt's normalizer makes it for dicts: scd2 tells a changed row by it (dlt's Arrow path
    would give random ids: every row a new version on every run).
    """

    def __init__(
        self,
        key: str,
        *,
        row_hash: bool = False,
        loaded: Callable[[str], pa.DataType | None] | None = None,
    ) -> None:
        self.key = key
        self.row_hash = row_hash
        self.types: dict[str, pa.DataType] = {}
        self.nested: set[str] = set()
        #: the types the table's columns have from earlier runs (dlt's stored schema)
        self.loaded = loaded or (lambda name: None)

    def table(self, batch: list[dict[str, Any]]) -> pa.Table:
        """The batch as an Arrow table."""
        import pyarrow as pa

        rows = [_flat(row) for row in batch]
        names = list(dict.fromkeys(name for row in rows for name in row))
        fields: list[pa.Field] = []
        arrays: list[pa.Array] = []
        for name in names:
            values = [row.get(name) for row in rows]
            if name not in self.types and (before := self.loaded(name)) is not None:
                self.types[name] = before
            known = self.types.get(name)
            # a list goes as JSON text, into a text column too; beside a column of numbers
            scalar = known is not None and not pa.types.is_string(known)
            if name in self.nested or (
                not scalar and any(isinstance(v, (list, dict)) for v in values)
            ):
                self.nested.add(name)
                columns = [(name, pa.array([_as_text(v) for v in values], type=pa.string()))]
            else:
                columns = self._scalars(name, values)
            for column, array in columns:
                if array.null_count == len(array):
                    continue
                nullable = column != self.key or array.null_count > 0
                fields.append(pa.field(column, array.type, nullable=nullable))
                arrays.append(array)
        if self.row_hash:
            fields.append(pa.field(ROW_ID, pa.string(), nullable=False))
            arrays.append(pa.array([_digest(row) for row in rows], type=pa.string()))
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def _scalars(self, name: str, values: list[Any]) -> list[tuple[str, pa.Array]]:
        """The column (and its text variant, ``name__v_text``, for values that do not fit
        the column's type, as dlt's normalizer makes one for dicts)."""
        import pyarrow as pa

        known = self.types.get(name)
        try:
            array = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            array = pa.array([_as_text(v) for v in values], type=pa.string())
        if pa.types.is_null(array.type):
            return []
        if known is None:
            self.types[name] = known = array.type
        if array.type == known:
            return [(name, array)]
        try:
            return [(name, array.cast(known))]
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
        fits: list[Any] = []
        others: list[str | None] = []
        for value in values:
            try:
                fits.append(pa.array([value]).cast(known)[0].as_py())
                others.append(None)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                fits.append(None)
                others.append(_as_text(value))
        variant = f"{name}__v_text"
        self.types.setdefault(variant, pa.string())
        return [(name, pa.array(fits, type=known)), (variant, pa.array(others, pa.string()))]


def _loaded_types(table: str) -> Callable[[str], pa.DataType | None]:
    """The Arrow type a column of the table has from earlier runs (dlt's stored schema), by
    the name the records use (``year-month`` for dlt's ``year_month``): a later run keeps
    it, and a value that does not fit goes beside the column (``name__v_text``)."""
    import pyarrow as pa

    types = {"text": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "bool": pa.bool_()}
    schema = dlt.current.source_schema()
    columns = schema.get_table_columns(table) if table in schema.tables else {}
    found = {
        name: types[str(column.get("data_type"))]
        for name, column in columns.items()
        if str(column.get("data_type")) in types and not name.startswith("_dlt")
    }
    return lambda name: found.get(schema.naming.normalize_identifier(name)) if found else None


def _check_backend(backend: object) -> None:
    if backend not in BACKENDS:
        raise ConfigurationError(
            f"backend={str(backend)[:40]!r} is not one of {', '.join(map(repr, BACKENDS))}."
        )
    if backend == "pyarrow":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "backend='pyarrow' needs pyarrow: pip install 'expertfile-nb[dlt]' (or "
                "pyarrow); or leave backend as 'python'."
            ) from None


def _disposition(history: bool) -> Any:
    if history:
        return {"disposition": "merge", "strategy": "scd2"}
    return "merge"


def _resource(
    name: str,
    reader: ReadClient,
    *,
    history: bool,
    incremental: bool,
    workers: int,
    progress: bool | None,
    backend: Backend = "python",
) -> DltResource:
    key = KEYS[table_name(name)]
    columns: dict[str, Any] = dict(_PROFILE_HINTS) if name == "profiles" else {}
    columns[key] = {**columns.get(key, {}), "nullable": False}
    hints: dict[str, Any] = {}
    if history:
        # scd2: every version kept, rows absent from a full snapshot closed; spotlights
        # read by year close only the absent rows of the years read (merge key)
        if name == "spotlights":
            hints["merge_key"] = "year"
    else:
        hints["primary_key"] = key
        columns[DELETED] = {"data_type": "bool", "hard_delete": True, "nullable": True}

    def dicts() -> Iterator[Any]:
        if name == "spotlights":
            yield from _spotlights(
                reader,
                incremental=incremental,
                history=history,
                workers=workers,
                progress=progress,
            )
            return
        if name == "profiles":
            batches = profile_records(reader, workers=workers, progress=progress)
        else:
            batches = records(reader, table_name(name), workers=workers, progress=progress)
        if history:
            yield from batches
        else:
            yield from _tombstones(key, batches)

    def rows() -> Iterator[Any]:
        if backend == "python":
            yield from dicts()
            return
        arrow = _ArrowBatches(key, row_hash=history, loaded=_loaded_types(name))
        for batch in dicts():
            yield arrow.table(batch)

    if backend == "python":
        # Arrow tables always become Parquet files, loaded as they are
        hints["file_format"] = FILE_FORMAT
    return dlt.resource(
        rows,
        name=name,
        write_disposition=_disposition(history),
        columns=columns,
        **hints,
    )


@dlt.source(name="expertfile", section="expertfile")
def expertfile_source(
    client: ReadClient | None = None,
    *,
    resources: str | Sequence[str] | None = None,
    history: bool = False,
    incremental: bool = True,
    workers: int = 4,
    progress: bool | None = None,
    backend: Backend = "python",
    client_id: str | None = None,
    client_secret: TSecretStrValue | None = None,
    base_url: str | None = None,
    profile: str | None = None,
) -> Any:
    """The organization's experts, staff, spotlights and profiles as a dlt source.

    Args:
        client: an ``ef.Client`` (or any object with the package's read functions as
            methods); default: dlt's ``[sources.expertfile]`` credentials, else the
            package's usual login chain (see the module docstring).
        resources: the tables to load, among ``experts``, ``staff``, ``spotlights`` and
            ``profiles``; default: all four.
        history: keep every version of every row (dlt's ``scd2`` merge strategy: columns
            ``_dlt_valid_from``, ``_dlt_valid_to``) instead of updating rows in place and
            deleting the rows of people who left.
        incremental: spotlights read from the latest year loaded (``False``: all of them).
        workers: pages (or profiles) read at once, 1-16.
        progress: progress bars while reading; default: in notebooks and terminals only.
        backend: ``"python"``: records handed to dlt as dicts, every list a child table
            (``experts__topics``, ``profiles__education``, …). ``"pyarrow"``: each batch as
            an Arrow table (needs pyarrow, in the ``dlt`` extra): dlt skips its Python
            normalizer and loads Parquet files as they are (a third less time); the same
            tables and keys, objects flattened the same way (``avatar__small``), but every
            list is JSON text in a column of its row (``topics``, ``education``) and no
            child table is made.
        client_id: from dlt's config (``[sources.expertfile]``), with ``client_secret``.
        client_secret: from dlt's secrets (``[sources.expertfile]``).
        base_url: the service's address, with ``client_id``/``client_secret``.
        profile: a named profile (``[profiles.NAME]`` of the profiles file), as
            ``ef.Client(profile=…)``.

    Returns:
        A dlt source whose resources are the tables chosen.

    Raises:
        ConfigurationError: an unknown resource or backend, ``"pyarrow"`` without
            pyarrow, half a client id/secret pair, or a named profile.
    """
    _check_backend(backend)
    if client is None:  # dlt injects these only in some versions: look them up here too
        client_id = client_id or _configured("client_id")
        client_secret = client_secret or _configured("client_secret", secret=True)
        base_url = base_url or _configured("base_url")
        profile = profile or _configured("profile")
    reader = _reader(client, client_id, client_secret, base_url, profile)
    return [
        _resource(
            name,
            reader,
            history=history,
            incremental=incremental,
            workers=workers,
            progress=progress,
            backend=backend,
        )
        for name in _chosen(resources)
    ]
