"""The fake's settings: one frozen object, documented in one place.

Its fields are exactly the points where the documents are silent (each
``fake_server.ASSUMPTIONS`` entry names one: the fake's choice is the default, the other
plausible behaviour the other value), the size of the organization, and the fault
controls that make the fake misbehave on purpose. A server starts from
``FakeExpertFile(settings=Settings(...))`` (or the same names as keywords:
``FakeExpertFile(paging="page")``); a test changes one with
``server.configure(paging="page")`` or, as a shorthand, ``server.paging = "page"``; and
``server.reset()`` goes back to the settings the server was made with. A value outside
the documented choices (or a number out of its range: an int setting takes whole numbers
only, a float one finite numbers) is a ``ValueError`` naming the setting and its choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args, get_origin, get_type_hints

from fake_server._answers import ErrorBody
from fake_server._forms import (
    AccomplishmentDate,
    NewUsername,
    SectionPostAnswer,
    StaffDeleteOfExpert,
    WriteJson,
    WriteValidation,
)
from fake_server._query import (
    ArrayParams,
    FieldsMode,
    MonthFormat,
    NameOrder,
    OversizePages,
    Paging,
    PlainParams,
    SearchfieldValues,
    UnknownFields,
    UnlistedParams,
)
from fake_server._reads import (
    CorporationValue,
    DocVersion,
    GuessedItems,
    InferredSections,
    Nulls,
    SuccessKey,
    TokenJson,
    TokenPaths,
)

__all__ = [
    "ASSUMPTION_SETTINGS",
    "DEFAULT_EXPERTS",
    "DEFAULT_MAX_PAGE_SIZE",
    "DEFAULT_TOKEN_TTL",
    "FAULT_SETTINGS",
    "ORGANIZATION_SETTINGS",
    "SETTING_NAMES",
    "Settings",
]

DEFAULT_EXPERTS = 250
DEFAULT_TOKEN_TTL = 30 * 24 * 3600
DEFAULT_MAX_PAGE_SIZE = 100
WriteFailure = Literal["error", "drop"]
ForeignOrgStatus = Literal[403, 404]
UndocumentedWriteStatus = Literal[405, 404]


@dataclass(frozen=True)
class Settings:
    """Every setting of the fake server (see the module's docstring for how to change one).

    The organization:

    Attributes:
        experts: how many experts each organization has.
        token_ttl: token lifetime in seconds (30 days, as documented).

    Where the documents are silent (``ASSUMPTIONS``; the first value is the default):

    Attributes:
        paging: ``"offset"`` (``page_from`` is a row offset) or ``"page"`` (a page number).
        max_page_size: the largest page served, 1 or more (see ``oversize_pages``).
        oversize_pages: a ``page_size`` over ``max_page_size`` is ``"cap"``-ped silently
            or ``"refuse"``-d with a 400 that names ``page_size``.
        error_body: the failure envelope: ``"error"`` (``error`` + ``error_description``)
            or ``"message"`` (``message``).
        array_params: array parameters travel as ``"json"`` text (``["CA","US"]``) or
            ``"comma"``-separated.
        fields_mode: with ``fields=[…]``, items carry the default keys and the requested
            names (``"add"``) or ``"only"`` the requested names.
        unlisted_params: a query parameter the endpoint does not document is ``"ignore"``-d
            or ``"refuse"``-d with a 400 naming it.
        plain_params: ``companies`` and the staff list's ``countries``/``fields`` (plain
            strings in the documents): JSON-array text is read as several values
            (``"array_text"``) or the value is one literal (``"plain"``).
        searchfield_values: ``searchfield`` other than ``fullname``: a 400 (``"fullname"``)
            or ignored (``"any"``).
        month_format: spotlight ``month``: ``1``-``12`` or ``2024-05`` (``"both"``), or
            only ``1``-``12`` (``"number"``).
        unknown_fields: a ``fields`` name outside the 45 return fields: a 400
            (``"refuse"``) or dropped (``"ignore"``).
        name_order: ``sort=name`` orders by last name then first (``"last"``) or the reverse.
        success_key: ``"always"`` sends ``"success": true``; ``"as_sampled"`` leaves it out
            of the reads whose documented samples have none (biography, tagline, links, …).
        nulls: ``"as_sampled"`` sends ``null`` where the documented samples do (testimonial
            and research-focus ``date``, ``cover_alt_title``, media ``thumbnail_alt_title``).
        doc_version: where the vendor's two documents differ (tag and affiliation items,
            the staff profile's ``corporationprofile``/``profiletype``), follow
            ``"gitbook"`` or ``"slate"``.
        guessed_items: items the documents show empty or unusable (social, profile avatar
            and profiletype, aggregations, spotlight tags/assets): ``"fill"``-ed with the
            fake's guesses or ``"as_sampled"`` (empty, as in the samples).
        inferred_sections: the expert profile sections the 2019 sample lacks (avatar,
            tagline, …): ``"add"`` or ``"omit"``.
        token_json: the token endpoint takes a JSON body as well as a form (``"accept"``)
            or only a form (``"refuse"``).
        token_paths: the token endpoint answers at ``/v2/oauth/token`` and
            ``/oauth/token`` (``"both"``) or at ``/v2/oauth/token`` only (``"v2"``).
        foreign_org_status: the status for another organization's data (403; 404 hides it).
        corporation_value: ``corporation`` in list items: the organization's ``"slug"`` or
            its ``"name"``.
        write_validation: a write missing a required field or with a value outside the
            documented ones is ``"strict"``-ly refused (400) or ``"lenient"``-ly stored (a
            1/0 flag sent empty or otherwise is then left as it was). An inquiry's
            ``location_state`` must be a listed code when its country is CA or US
            (documented).
        write_json: a write's body may be a JSON object as well as a form (``"accept"``),
            or only a form (``"refuse"``: a JSON body is a 400).
        accomplishment_date: an accomplishment's body ``date`` lands in the item's
            ``"start"``, or in ``"both"`` its ``start`` and ``end``.
        section_post_answer: the biography, tagline and social POST answers: the fake's
            readings of the invalid samples (``"as_guessed"``) or ``{"id": null}`` for all
            three (``"id_null"``).
        new_username: a created person's username: ``first-last-new-N`` (``"name"``) or
            ``new-N`` (``"numbered"``).
        undocumented_write_status: the status of a write the documents do not give for
            that section (e.g. PUT on a topic): 405 with ``Allow``, or 404.
        staff_delete_of_expert: ``DELETE /staff/<username>`` of someone who is an expert
            (experts are on the staff list too): deletes the person, expert profile
            included (``"delete"``), or answers 404 and changes nothing (``"404"``).

    The fault controls (the one-shot faults are methods of the server: ``fail_next``…):

    Attributes:
        latency: seconds to wait before each answer.
        write_failure_rate: the share of writes (0 to 1) answered 500 *after* the change
            was made (``write_failure="error"``) or cut without an answer (``"drop"``),
            drawn from a generator seeded with ``write_failure_seed``.
        write_failure: ``"error"`` or ``"drop"`` (see ``write_failure_rate``).
        write_failure_seed: the seed of the random failures.
    """

    # the organization
    experts: int = DEFAULT_EXPERTS
    token_ttl: float = DEFAULT_TOKEN_TTL
    # where the documents are silent: each is an ASSUMPTIONS entry's setting
    paging: Paging = "offset"
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE
    oversize_pages: OversizePages = "cap"
    error_body: ErrorBody = "error"
    array_params: ArrayParams = "json"
    fields_mode: FieldsMode = "add"
    unlisted_params: UnlistedParams = "ignore"
    plain_params: PlainParams = "array_text"
    searchfield_values: SearchfieldValues = "fullname"
    month_format: MonthFormat = "both"
    unknown_fields: UnknownFields = "refuse"
    name_order: NameOrder = "last"
    success_key: SuccessKey = "always"
    nulls: Nulls = "never"
    doc_version: DocVersion = "gitbook"
    guessed_items: GuessedItems = "fill"
    inferred_sections: InferredSections = "add"
    token_json: TokenJson = "accept"  # noqa: S105 -- a setting, not a password
    token_paths: TokenPaths = "both"  # noqa: S105 -- a setting, not a password
    foreign_org_status: ForeignOrgStatus = 403
    corporation_value: CorporationValue = "slug"
    write_validation: WriteValidation = "strict"
    write_json: WriteJson = "accept"
    accomplishment_date: AccomplishmentDate = "start"
    section_post_answer: SectionPostAnswer = "as_guessed"
    new_username: NewUsername = "name"
    undocumented_write_status: UndocumentedWriteStatus = 405
    staff_delete_of_expert: StaffDeleteOfExpert = "delete"
    # the fault controls
    latency: float = 0.0
    write_failure_rate: float = 0.0
    write_failure: WriteFailure = "error"
    write_failure_seed: int = 0

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if not any(type(value) is type(a) and value == a for a in allowed):  # 404.0: no
                choices = ", ".join(repr(a) for a in allowed)
                raise ValueError(f"the fake's {name} is one of {choices}, not {value!r}")
        for name in _NUMBERS:
            value = getattr(self, name)
            whole = _HINTS[name] is int  # an int setting takes no float (range(), slices)
            least = _LEAST.get(name, 0)
            if (
                isinstance(value, bool)
                or not isinstance(value, int if whole else (int, float))
                or not math.isfinite(value)
                or value < least
            ):
                kind = "a whole number" if whole else "a number"
                raise ValueError(f"the fake's {name} is {kind}, {least} or more, not {value!r}")
        if self.write_failure_rate > 1:
            rate = self.write_failure_rate
            raise ValueError(f"the fake's write_failure_rate is a share, 0 to 1, not {rate!r}")


#: the size of the organization
ORGANIZATION_SETTINGS = ("experts", "token_ttl")
#: the fault controls
FAULT_SETTINGS = ("latency", "write_failure_rate", "write_failure", "write_failure_seed")
#: the settings no document decides: each is the ``setting`` of an ``ASSUMPTIONS`` entry
ASSUMPTION_SETTINGS = tuple(
    f.name for f in fields(Settings) if f.name not in (*ORGANIZATION_SETTINGS, *FAULT_SETTINGS)
)
#: every setting's name
SETTING_NAMES = tuple(f.name for f in fields(Settings))
_HINTS: dict[str, Any] = get_type_hints(Settings)
_CHOICES = {n: get_args(t) for n, t in _HINTS.items() if get_origin(t) is Literal}
_NUMBERS = tuple(n for n, t in _HINTS.items() if t in (int, float))
#: the least value of a number setting other than 0: a page holds one row at least
_LEAST = {"max_page_size": 1}
