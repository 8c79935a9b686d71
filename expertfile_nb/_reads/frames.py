"""Records as the service sent them → a pandas DataFrame.

The columns are the endpoint's documented keys, always present with fixed
dtypes (also when nothing matched), then whatever else the service sent, in
the order it first appears. Nested objects are flattened as
:func:`pandas.json_normalize` does (``avatar.original``); no column is made up. The
flattening (:func:`flat_rows`) needs no pandas and runs a page at a time during a
pull, while the next pages travel: only the frame itself is built after the last page.

Two conversions, both documented: Unix-second timestamps become UTC datetimes,
and ``topics`` (``[{"title": …}]``) becomes a list of titles. A value that does
not fit its documented dtype is kept as sent (the column becomes ``object``)
and logged, rather than lost or turned into something else.

This is the only module that imports pandas, and only when a frame is built.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from expertfile_nb._reads.endpoints import UTC_SECONDS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_frame", "flat_rows", "frame_of_rows"]

log = logging.getLogger("expertfile_nb")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# What each documented dtype accepts, as pandas reads the values sent (missing ones
# aside). Whole numbers with a missing value among them arrive as floats.
_NUMBERS = frozenset({"integer", "floating", "mixed-integer-float", "empty"})
_FITS: dict[str, frozenset[str]] = {
    "string": frozenset({"string", "empty"}),
    "Int64": _NUMBERS,
    "boolean": frozenset({"boolean", "empty"}),
    UTC_SECONDS: _NUMBERS,
}


def _fits(values: pd.Series[Any], dtype: str) -> bool:
    from pandas.api.types import infer_dtype

    if dtype not in _FITS:
        return True  # object: anything
    if infer_dtype(values, skipna=True) not in _FITS[dtype]:
        return False
    if dtype in ("Int64", UTC_SECONDS):
        numbers = values.dropna().astype("float64")
        # whole numbers that the column can hold exactly: an int64, or seconds pandas can
        # place on its time line (about the years 1678 to 2262)
        bound = 2.0**63 if dtype == "Int64" else 9.2e9
        whole = dtype != "Int64" or bool((numbers % 1 == 0).all())
        return whole and bool((numbers.abs() < bound).all())
    return True


def _convert(values: pd.Series[Any], dtype: str) -> pd.Series[Any]:
    import pandas as pd

    if dtype == UTC_SECONDS:
        seconds = values.map(lambda v: None if _missing(v) else v).astype("Float64")
        # the unit pandas picks varies between versions; the documented dtype does not
        utc = pd.DatetimeTZDtype("ns", "UTC")  # = UTC_SECONDS, as the stubs want it
        return pd.to_datetime(seconds, unit="s", utc=True).astype(utc)
    converted: pd.Series[Any] = values.astype(dtype)  # type: ignore[call-overload]  # dtype is a str
    return converted


def _titles(topics: list[Any]) -> list[Any] | None:
    """``topics`` as a list of titles when every item is ``{"title": …}`` alone, else None."""
    for topic in topics:
        if not (isinstance(topic, dict) and len(topic) == 1 and "title" in topic):
            return None
    return [topic["title"] for topic in topics]


def _into(flat: dict[str, Any], prefix: str, value: dict[str, Any]) -> None:
    for key, inner in value.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(inner, dict):
            _into(flat, name, inner)
        else:
            flat[name] = inner


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` as a row, in one pass: ``topics`` as titles, objects flattened as
    :func:`pandas.json_normalize` does (``avatar.small``): the keys that are not objects
    first, then the objects' keys, depth first; an empty object leaves no key."""
    row: dict[str, Any] = {}
    objects: list[tuple[str, dict[str, Any]]] = []
    for key, value in record.items():
        if isinstance(value, dict):
            objects.append((key, value))
        else:
            row[key] = value
    topics = row.get("topics")
    if isinstance(topics, list):
        titles = _titles(topics)
        if titles is not None:
            row["topics"] = titles
    for key, value in objects:
        _into(row, key, value)
    return row


def flat_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records as rows of the frame: ``topics`` as titles, objects flattened. Done a page
    at a time while the pull waits for the next (see :func:`frame_of_rows`); no pandas."""
    return [_row(record) for record in records]


def build_frame(
    records: list[dict[str, Any]], columns: Mapping[str, str], aggregations: Any = None
) -> pd.DataFrame:
    """The frame of ``records``: the documented ``columns`` first, then what else was sent.

    Args:
        records: the records, as the service sent them.
        columns: the documented columns (flattened names) and their dtypes.
        aggregations: the first page's ``aggregations``, kept in
            ``frame.attrs["aggregations"]`` (``None`` when the service sent none).
    """
    return frame_of_rows(flat_rows(records), columns, aggregations)


def frame_of_rows(
    rows: list[dict[str, Any]], columns: Mapping[str, str], aggregations: Any = None
) -> pd.DataFrame:
    """:func:`build_frame` of records already made rows by :func:`flat_rows`: a pull
    flattens each page as it arrives, so that only this is left once the last one is in."""
    import pandas as pd

    frame = pd.DataFrame(rows) if rows else pd.DataFrame(index=pd.RangeIndex(0))
    for name in columns:
        if name not in frame.columns:
            frame[name] = pd.Series([None] * len(frame), dtype="object", index=frame.index)
    for name, dtype in columns.items():
        values = frame[name]
        try:
            fits = _fits(values, dtype)
            if fits:
                frame[name] = _convert(values, dtype)
        except (TypeError, ValueError, OverflowError):  # a value _fits did not foresee
            fits = False
        if not fits:
            # Keep every value rather than lose it or make it up: the column stays as sent.
            log.warning("column %r does not fit %s; kept as sent (object)", name, dtype)
            frame[name] = values.astype("object")
    ordered = list(columns) + [c for c in frame.columns if c not in columns]
    result: pd.DataFrame = frame[ordered].reset_index(drop=True)
    result.attrs["aggregations"] = aggregations
    return result
