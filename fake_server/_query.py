"""Reading the documented query parameters of the list endpoints, with their documented defaults.

Each function raises :class:`BadRequest` with a message that names the
parameter and says what is allowed; the route answers it with a 400. ``all``,
the documented default of the filters, means no filter. Parameters an endpoint
does not document are ignored, as web services commonly do (``unlisted_params``
refuses them instead).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Literal

from werkzeug.datastructures import MultiDict

from fake_server._data import PeopleQuery
from fake_server._fields import RETURN_FIELDS
from fake_server._spotlights import SpotlightQuery

__all__ = [
    "DOCUMENTED_PARAMS",
    "ArrayParams",
    "BadRequest",
    "FieldsMode",
    "ListSettings",
    "OversizePages",
    "Paging",
    "people_query",
    "requested_fields",
    "spotlight_query",
    "window",
]

Paging = Literal["offset", "page"]
OversizePages = Literal["cap", "refuse"]
ArrayParams = Literal["json", "comma"]
FieldsMode = Literal["add", "only"]
UnlistedParams = Literal["ignore", "refuse"]
PlainParams = Literal["array_text", "plain"]
SearchfieldValues = Literal["fullname", "any"]
MonthFormat = Literal["both", "number"]
UnknownFields = Literal["refuse", "ignore"]
NameOrder = Literal["last", "first"]

#: the query parameters each list endpoint documents (DOC-SL)
_PAGING = ("q", "page_size", "page_from")
DOCUMENTED_PARAMS: dict[str, frozenset[str]] = {
    "experts": frozenset(
        (
            *_PAGING,
            "access",
            "status",
            "countries",
            "topics",
            "industries",
            "categories",
            "tags",
            "companies",
            "fields",
            "sort",
            "searchfield",
        )
    ),
    "staff": frozenset(
        (*_PAGING, "access", "countries", "companies", "fields", "sort", "searchfield")
    ),
    "spotlights": frozenset((*_PAGING, "status", "tags", "tagged", "month", "year")),
}


class BadRequest(Exception):
    """A parameter the fake refuses; the text says which and why."""


@dataclass(frozen=True)
class ListSettings:
    """The server's choices where the documents are silent (see ``ASSUMPTIONS``)."""

    paging: Paging = "offset"
    max_page_size: int = 100
    oversize_pages: OversizePages = "cap"
    array_params: ArrayParams = "json"
    unlisted_params: UnlistedParams = "ignore"
    plain_params: PlainParams = "array_text"
    searchfield_values: SearchfieldValues = "fullname"
    month_format: MonthFormat = "both"
    unknown_fields: UnknownFields = "refuse"
    name_order: NameOrder = "last"


def _unlisted(args: MultiDict[str, str], settings: ListSettings, endpoint: str) -> None:
    if settings.unlisted_params == "refuse":
        extra = sorted(set(args) - DOCUMENTED_PARAMS[endpoint])
        if extra:
            raise BadRequest(
                f"{', '.join(n[:40] for n in extra[:5])}: not a parameter of the {endpoint} list"
            )


def _single(args: MultiDict[str, str], name: str, default: str = "") -> str:
    values = args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"parameter {name} is repeated; send it once")
    return values[0] if values else default


def _whole(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadRequest(f"{name} must be a whole number from 0, not {value[:20]!r}")
    return int(value)


def window(args: MultiDict[str, str], settings: ListSettings) -> tuple[int, int]:
    """``(page size, first row)`` from ``page_size`` (default 10) and ``page_from`` (default 0)."""
    size = _whole(_single(args, "page_size", "10"), "page_size")
    start = _whole(_single(args, "page_from", "0"), "page_from")
    if size > settings.max_page_size:
        if settings.oversize_pages == "refuse":
            raise BadRequest(f"page_size must be at most {settings.max_page_size}, not {size}")
        size = settings.max_page_size
    if settings.paging == "page":
        start *= size
    return size, start


def _choice(args: MultiDict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _single(args, name) or default
    if value not in allowed:
        raise BadRequest(f"{name} must be one of {', '.join(allowed)}, not {value[:40]!r}")
    return value


def _array(args: MultiDict[str, str], name: str, settings: ListSettings) -> tuple[str, ...]:
    """An array parameter: JSON-array text (``["CA","US"]``) or comma-separated, per the setting."""
    value = _single(args, name).strip()
    if not value or value.lower() == "all":  # the documented default: no filter
        return ()
    if settings.array_params == "comma":
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if not value.startswith("["):
        return (value,)
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):  # a 3,000-deep array is refused, not a crash
        raise BadRequest(f'{name} must be a JSON array of strings, e.g. ["a","b"]') from None
    if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
        raise BadRequest(f'{name} must be a JSON array of strings, e.g. ["a","b"]')
    return tuple(v.strip() for v in parsed if v.strip())


def _plain(args: MultiDict[str, str], name: str, settings: ListSettings) -> tuple[str, ...]:
    """A parameter documented as a plain string (``companies``; the staff list's
    ``countries`` and ``fields``): one value; JSON-array text is read as several
    (``plain_params="array_text"``, a guess) or as one literal value (``"plain"``)."""
    value = _single(args, name).strip()
    if not value or value.lower() == "all":
        return ()
    if settings.plain_params == "plain" or not value.startswith("["):
        return (value,)
    return _array(args, name, replace(settings, array_params="json"))


def requested_fields(
    args: MultiDict[str, str], settings: ListSettings, *, staff: bool = False
) -> tuple[str, ...]:
    """The ``fields`` asked for, each one of the documented return-field names."""
    names = (_plain if staff else _array)(args, "fields", settings)
    if settings.unknown_fields == "ignore":
        names = tuple(n for n in names if n in RETURN_FIELDS)
    for name in names:
        if name not in RETURN_FIELDS:
            raise BadRequest(
                f"fields: {name[:40]!r} is not a return field; use names such as "
                "fullname, firstname, lastname, jobtitle, email, city, country"
            )
    return tuple(dict.fromkeys(names))


def _searchfield(args: MultiDict[str, str], settings: ListSettings) -> str:
    value = _single(args, "searchfield")
    if value not in ("", "fullname") and settings.searchfield_values == "any":
        return ""  # another field name: search every field
    if value not in ("", "fullname"):
        raise BadRequest(f"searchfield must be fullname (or left out), not {value[:40]!r}")
    return value


def people_query(args: MultiDict[str, str], settings: ListSettings, *, staff: bool) -> PeopleQuery:
    """The expert list's parameters (``staff=False``) or the staff list's (``staff=True``)."""
    _unlisted(args, settings, "staff" if staff else "experts")
    access = ("public", "private") if staff else ("public", "private", "all")
    query = PeopleQuery(
        staff=staff,
        q=_single(args, "q"),
        searchfield=_searchfield(args, settings),
        access=_choice(args, "access", access, "public"),
        countries=(_plain if staff else _array)(args, "countries", settings),
        companies=_plain(args, "companies", settings),
        sort=_choice(args, "sort", ("name", "featured"), "name"),
        name_order=settings.name_order,
    )
    if staff:  # the staff list documents no status, topics, industries, categories or tags
        return query
    return replace(
        query,
        status=_choice(args, "status", ("published", "unpublished", "all"), "all"),
        topics=_array(args, "topics", settings),
        industries=_array(args, "industries", settings),
        categories=_array(args, "categories", settings),
        tags=_array(args, "tags", settings),
    )


_MONTH = re.compile(r"(?:\d{4}-)?(0?[1-9]|1[0-2])")
_MONTH_NUMBER = re.compile(r"(0?[1-9]|1[0-2])")


def spotlight_query(args: MultiDict[str, str], settings: ListSettings) -> SpotlightQuery:
    """The spotlight list's parameters."""
    _unlisted(args, settings, "spotlights")
    month_text, year_text = _single(args, "month"), _single(args, "year")
    month_text = "" if month_text.lower() == "all" else month_text  # the documented default
    year_text = "" if year_text.lower() == "all" else year_text
    pattern = _MONTH if settings.month_format == "both" else _MONTH_NUMBER
    month = pattern.fullmatch(month_text) if month_text else None
    if month_text and month is None:
        raise BadRequest(f"month must be 1 to 12, not {month_text[:20]!r}")
    if year_text and not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        raise BadRequest(f"year must be four digits, e.g. 2024, not {year_text[:20]!r}")
    return SpotlightQuery(
        q=_single(args, "q"),
        status=_choice(args, "status", ("published", "unpublished", "all"), "all"),
        tags=_array(args, "tags", settings),
        tagged=_array(args, "tagged", settings),
        month=int(month[1]) if month else None,
        year=int(year_text) if year_text else None,
    )
