"""The query of a list request: each documented parameter's kind, checked and encoded.

Only what the caller set is sent. A parameter the caller leaves at ``None`` is not
sent at all, so the service applies its own documented default (``status`` is
``all`` there, ``access`` is ``public``): the client never restates a default,
and never gets one wrong.

Arrays go out as JSON-array text, the form the API reference writes them in
(``countries=["CA","US"]``). ``fields`` takes the 45 documented return-field
names (:data:`RETURN_FIELDS`); a typo is refused with the closest name.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from expertfile_nb.errors import ConfigurationError

__all__ = ["RETURN_FIELDS", "Param", "build_query"]

# API reference §7.1 (Helper > Return Fields): the valid values of ``fields``.
RETURN_FIELDS: tuple[str, ...] = (
    "accomplishment", "accreditation", "address", "article", "avatar_large", "avatar_medium",
    "avatar_original", "avatar_small", "book", "building", "city", "company", "corporation_id",
    "corporation_logo", "corporation_name", "corporation_username", "country", "course",
    "department", "description", "email", "event_appearance", "firstname", "fullname",
    "industry", "jobtitle", "lastname", "media_appearance", "patent", "phone_number",
    "phone_number_extension", "postal", "research_focus", "research_grant", "room",
    "slideshare", "spotlight", "state", "tagline", "talk", "testimonial", "topic", "username",
    "vimeo", "youtube",
)  # fmt: skip

Kind = Literal["text", "choice", "array", "plain", "fields", "period"]

#: the documented default of the array parameters and the spotlight period: sent as the
#: word itself (never as ``["all"]``, which a service may read as a value named "all")
ALL = "all"


@dataclass(frozen=True)
class Param:
    """One documented query parameter.

    Attributes:
        kind: ``text`` (free text), ``choice`` (one of ``allowed``), ``array`` (strings,
            sent as JSON-array text, as the documents' examples write them), ``plain``
            (documented as a plain string with no array example: one string is sent
            as it is; several go as JSON-array text, a guess), ``fields`` (an array of
            return-field names), ``period`` (a month or year: a whole number or its
            digits, or a year-month such as ``2024-05``).
            ``array``, ``plain`` and ``period`` take ``"all"``, their documented
            default, and send it as the word.
        allowed: the documented values of a ``choice``.
        default: what the service does when the parameter is not sent (documentation
            only: the client never sends it).
    """

    kind: Kind
    allowed: tuple[str, ...] = ()
    default: str | None = None


def shown(value: object, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters, for a message (even for an ``int`` too
    long to print)."""
    try:
        return repr(value)[:width]
    except ValueError:  # an int over sys.get_int_max_str_digits() digits
        return f"<an {type(value).__name__} of {value.bit_length()} bits>"  # type: ignore[attr-defined]  # only ints fail here


def sendable(name: str, text: str) -> str:
    """``text`` if it can travel in a URL (UTF-8).

    Raises:
        ConfigurationError: it holds a lone surrogate (text decoded with ``surrogateescape``
            or cut from the middle of an emoji, say).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigurationError(
            f"{name} holds a character that cannot be sent ({text[exc.start]!r}, at "
            f"position {exc.start}): check where the text came from."
        ) from None
    return text


def build_query(
    params: Mapping[str, Param], given: Mapping[str, object], *, record_key: str
) -> dict[str, str]:
    """The query string values for the parameters the caller set (not ``None``).

    Args:
        params: the endpoint's documented parameters.
        given: the caller's arguments by name (others are ignored).
        record_key: the key every record must carry for the pull to verify it; added
            to ``fields`` when the caller's list leaves it out.

    Raises:
        ConfigurationError: a value of the wrong type or outside the documented ones.
    """
    query: dict[str, str] = {}
    for name, param in params.items():
        value = given.get(name)
        if value is not None:
            query[name] = sendable(name, _encode(name, param, value, record_key))
    return query


def _encode(name: str, param: Param, value: object, record_key: str) -> str:
    if param.kind == "text":
        if not isinstance(value, str):
            raise ConfigurationError(f"{name} must be a string, not {shown(value)}.")
        return value
    if param.kind == "choice":
        if value not in param.allowed:
            raise ConfigurationError(
                f"{name} must be one of {', '.join(map(repr, param.allowed))}; got {shown(value)}."
            )
        return str(value)
    if (
        param.kind in ("array", "plain", "period")
        and isinstance(value, str)
        and value.strip().lower() == ALL
    ):
        return ALL
    if param.kind == "period":
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value < 10**6:
            raise ConfigurationError(
                f"{name} must be a whole number like 2024, not {shown(value)}."
            )
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ConfigurationError(f"{name} must be a whole number, not {shown(value)}.")
        text = str(value).strip()
        year, dash, month = text.partition("-")
        digits = (year + month) if dash else text
        if not text.isascii() or not digits.isdigit() or (dash and not (year and month)):
            raise ConfigurationError(
                f"{name} must be a whole number like 2024 (or a year-month like 2024-05, or "
                f'"all"), not {shown(value, 40)}'
            )
        if (dash or name == "month") and not 1 <= int(month if dash else text) <= 12:
            raise ConfigurationError(
                f"the month must be 1 to 12 (in {name}); got {shown(value, 40)}."
            )
        return text
    items = _strings(name, value)
    if not items and param.kind in ("array", "plain"):
        # "[]" would be read as "none of these" (or a value named "[]"): a silently empty frame
        raise ConfigurationError(
            f'{name} is an empty list: leave it out (or give "all") for no filter, or name '
            "at least one value."
        )
    if name == "countries":
        _check_countries(items)
    if param.kind == "plain" and len(items) == 1:
        return items[0]
    if param.kind == "fields":
        _check_fields(items)
        if record_key not in items:
            # The pull verifies records by this key; without it nothing can be checked.
            items.append(record_key)
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)


def _strings(name: str, value: object) -> list[str]:
    items = [value] if isinstance(value, str) else value
    wrong = ConfigurationError(f"{name} must be a string or a list of strings, not {shown(value)}.")
    if not isinstance(items, Iterable) or isinstance(items, (bytes, Mapping)):
        raise wrong
    out = list(items)
    if not all(isinstance(item, str) for item in out):
        raise wrong
    return out


def _check_countries(codes: list[str]) -> None:
    from expertfile_nb.codes import COUNTRIES

    for code in codes:
        if code not in COUNTRIES:
            close = code.strip().upper()
            hint = f" Did you mean {close!r}?" if close in COUNTRIES else ""
            raise ConfigurationError(
                f"{shown(code)} is not a documented country code.{hint} The codes are the "
                "vendor's two-letter list, in expertfile_nb.codes.COUNTRIES."
            )


def _check_fields(names: list[str]) -> None:
    for name in names:
        if name not in RETURN_FIELDS:
            close = difflib.get_close_matches(name, RETURN_FIELDS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigurationError(
                f"{name!r} is not a documented return field.{hint} The documented names are "
                f"in expertfile_nb.data.RETURN_FIELDS."
            )
