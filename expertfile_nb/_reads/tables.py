"""The organization's four tables, read in verified batches: shared by the dlt source
(``expertfile_nb.pipeline``) and ``expertfile-nb pull --out``. No dlt, no pyarrow.

A *reader* is anything with the package's read functions as methods
(:class:`ReadClient`): an ``ef.Client``, or, by default, the module's own functions
(:class:`ModuleReader`), which log in through the usual chain on first use.

What each table holds, the whole organization:

- ``experts``: the expert list, every access and status (``access="all"``).
- ``staff``: the staff list, public then private (it has no ``access="all"``).
- ``spotlights``: the spotlight list, every status (the service's default); by year
  when asked (:func:`spotlight_batches`).
- ``profiles``: the whole profile of everyone, experts (``kind="experts"``) then the
  staff who are not experts (``kind="staff"``), every documented section.

Each batch comes from a pull that is checked as it goes (``iter_*``: a count, a total,
a duplicate or a shifted page raises :class:`~expertfile_nb.errors.IncompleteDataError`,
also after the last row); a caller that keeps nothing until the last batch has arrived
keeps only a verified snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal, Protocol

from expertfile_nb.errors import ConfigurationError, IncompleteDataError

if TYPE_CHECKING:
    import pandas as pd
    import requests

__all__ = [
    "BATCH",
    "KEYS",
    "TABLES",
    "ModuleReader",
    "ReadClient",
    "profile_records",
    "records",
    "spotlight_batches",
    "table_name",
]

Table = Literal["experts", "staff", "spotlights", "profiles"]
TABLES: tuple[Table, ...] = ("experts", "staff", "spotlights", "profiles")
#: each table's primary key
KEYS: dict[Table, str] = {
    "experts": "username",
    "staff": "username",
    "spotlights": "id",
    "profiles": "username",
}
#: records per batch (a page of the list, or profiles read per call)
BATCH = 100


class ReadClient(Protocol):
    """What the pipeline and ``pull --out`` need of a client: the package's read functions.

    ``ef.Client`` has them, as has the module itself (see :class:`ModuleReader`).
    """

    def iter_experts(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]: ...
    def iter_staff(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]: ...
    def iter_spotlights(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]: ...
    def get_profiles(self, *args: Any, **kwargs: Any) -> pd.DataFrame: ...
    def get_session(self, *args: Any, **kwargs: Any) -> requests.Session: ...


class ModuleReader:
    """The module-level read functions as a :class:`ReadClient` (the current login)."""

    def iter_experts(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        from expertfile_nb._reads.data import iter_experts

        return iter_experts(*args, **kwargs)

    def iter_staff(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        from expertfile_nb._reads.data import iter_staff

        return iter_staff(*args, **kwargs)

    def iter_spotlights(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        from expertfile_nb._reads.data import iter_spotlights

        return iter_spotlights(*args, **kwargs)

    def get_profiles(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        from expertfile_nb._reads.profiles import get_profiles

        return get_profiles(*args, **kwargs)

    def get_session(self, *args: Any, **kwargs: Any) -> requests.Session:
        from expertfile_nb._auth.login import get_session

        return get_session(*args, **kwargs)


def table_name(name: object) -> Table:
    """``name`` checked to be one of :data:`TABLES`."""
    for table in TABLES:
        if name == table:
            return table
    raise ConfigurationError(f"{str(name)[:40]!r} is not one of the tables: {', '.join(TABLES)}.")


def _batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _once(key: str, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
    """The batches of several pulls, checked for a record that came in two of them."""
    seen: set[Any] = set()
    for batch in batches:
        for row in batch:
            value = row.get(key)
            if value in seen:
                raise IncompleteDataError(
                    f"The record {value!r:.60} came in two lists (public and private staff): "
                    "the data changed during the pull. Nothing was kept; run it again."
                )
            seen.add(value)
        yield batch


def records(
    reader: ReadClient, table: Table, *, workers: int = 4, progress: bool | None = None
) -> Iterator[list[dict[str, Any]]]:
    """The records of a list table (not ``profiles``) as the service sent them, in batches.

    Raises:
        IncompleteDataError: the pull did not verify (also after its last batch).
    """
    options: dict[str, Any] = {"workers": workers, "progress": progress, "page_size": BATCH}
    if table == "experts":
        yield from _batches(reader.iter_experts(access="all", **options))
    elif table == "staff":
        pulls = (
            _batches(reader.iter_staff(access=access, **options))
            for access in ("public", "private")
        )
        yield from _once("username", (batch for pull in pulls for batch in pull))
    elif table == "spotlights":
        yield from _batches(reader.iter_spotlights(**options))
    else:
        raise ConfigurationError(f"records() reads the list tables, not {table!r}.")


def spotlight_batches(
    reader: ReadClient, years: Iterable[int], *, workers: int = 4, progress: bool | None = None
) -> Iterator[list[dict[str, Any]]]:
    """The spotlights of the given years (the documented ``year`` filter), one pull each."""
    options: dict[str, Any] = {"workers": workers, "progress": progress, "page_size": BATCH}
    pulls = (_batches(reader.iter_spotlights(year=str(year), **options)) for year in years)
    yield from _once("id", (batch for pull in pulls for batch in pull))


def _usernames(reader: ReadClient, workers: int) -> tuple[list[str], list[str]]:
    """(experts, staff who are not experts): every username, from the verified lists."""
    fields: dict[str, Any] = {"fields": "username", "workers": workers, "progress": False}
    experts = [str(r["username"]) for r in reader.iter_experts(access="all", **fields)]
    known = set(experts)
    staff: list[str] = []
    for access in ("public", "private"):
        for row in reader.iter_staff(access=access, **fields):
            name = str(row["username"])
            if name not in known:
                known.add(name)
                staff.append(name)
    return experts, staff


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as plain dicts: missing values (``<NA>``, ``NaT``) as ``None``."""
    plain = frame.astype(object)
    return [
        {name: _plain(value) for name, value in row.items()}
        for row in plain.to_dict(orient="records")
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, (list, dict, str)) or value is None:
        return value
    import pandas as pd

    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # an array-like cell: not a missing value
        return value
    return value


def profile_records(
    reader: ReadClient, *, workers: int = 4, progress: bool | None = None
) -> Iterator[list[dict[str, Any]]]:
    """Whole profiles, every documented section, with a ``kind`` column, in batches.

    Experts first (read as experts), then the staff who are not experts (read as staff).
    Each batch is verified by ``get_profiles`` (every username exactly once, as its own
    account); the usernames come from the verified lists.
    """
    from expertfile_nb._reads.progress import progress_bar

    experts, staff = _usernames(reader, workers)
    bar = progress_bar("ExpertFile profiles", len(experts) + len(staff), BATCH, progress)
    try:
        for kind, people in (("experts", experts), ("staff", staff)):
            for start in range(0, len(people), BATCH):
                chosen = people[start : start + BATCH]
                frame = reader.get_profiles(
                    chosen, kind=kind, sections="all", workers=workers, progress=False
                )
                rows = frame_records(frame)
                for row in rows:
                    row["kind"] = kind
                if bar is not None:
                    bar.update(len(rows))
                yield rows
    finally:
        if bar is not None:
            bar.close()
