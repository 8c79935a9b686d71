"""Planning: two profile frames compared by ``username`` into a :class:`ChangePlan`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from expertfile_nb._edits.send import compare_value, kind_of
from expertfile_nb._edits.table import ACCOUNT_CREATE, ACCOUNT_REQUIRED, Kind
from expertfile_nb.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd
from expertfile_nb._edits.change import (
    _NOT_CREATED,
    EDITABLE,
    UNSHOWN,
    Change,
    _holds_secret,
    _key,
    _noun,
    _plain,
    _redacted,
    _same,
)
from expertfile_nb._edits.plan import ChangePlan

__all__ = ["plan_changes"]


def _check_frame(frame: object, name: str) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ConfigurationError(f"{name} must be a DataFrame; got {type(frame).__name__}.")
    if "username" not in frame.columns:
        raise ConfigurationError(
            f"{name} has no 'username' column: plan from the frame of ef.get_profiles()."
        )
    if frame.columns.duplicated().any():
        raise ConfigurationError(f"{name} has duplicated column names.")
    return frame


def plan_changes(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    kind: Kind = "experts",
    allow_delete: bool = False,
    unverifiable: Iterable[str] = (),
) -> ChangePlan:
    """The changes that turn ``before`` into ``after``; nothing is sent.

    Rows are matched by ``username``. The editable columns are the account fields the
    service lets one update (``firstname``, ``job_title``, ``email``, …,
    ``is_published``) and ``biography`` and ``tagline`` (set through their section). A
    row of ``after`` whose username is empty or not
    in ``before`` is a new person (its username is not sent: the service names new
    people). A row of ``before`` missing from ``after`` is a delete only with
    ``allow_delete=True``; otherwise it is listed in ``plan.skipped`` and not deleted.

    Values equal as the service shows them (``None`` and ``""``, ``1`` and ``1.0``) or
    after Unicode NFC normalization are no change. A new row sets the create fields
    only: a value in its ``is_private``, ``is_published``, ``biography`` or ``tagline``
    is refused (create the person first, then plan those edits from a new read);
    its empty cells are not sent.

    Fields no documented read of one person shows (:data:`UNSHOWN`; experts:
    ``department``, ``phone_number_extension``, ``location_building``,
    ``location_room``, ``is_private``, ``is_published``; staff: ``is_private``) cannot
    be compared before a write, confirmed after it or undone: an edit of one is
    refused unless the field is named in ``unverifiable``. Such changes are marked
    ``unverifiable=True`` (in the plan, its journal and the apply's statuses), are
    written without comparison (each apply writes them again) and are never undone.

    Args:
        before: the profiles as read (``ef.get_profiles()``): one row per person.
        after: an edited copy of ``before``.
        kind: ``"experts"`` (default) or ``"staff"``.
        allow_delete: delete the people removed from ``after``.
        unverifiable: fields of :data:`UNSHOWN` whose edits are planned anyway, written
            blind and never undone, e.g. ``["is_published"]`` (a field a read shows is
            compared as usual whether named or not).

    Returns:
        A :class:`ChangePlan`: ``len(plan)`` changes, ``plan.to_frame()``, its HTML view
        in notebooks and ``print(plan)`` in terminals; ``plan.apply()`` makes them.

    Raises:
        ConfigurationError: a frame without ``username``, a username twice, a column of
            ``after`` not in ``before``, an edit of a field the service does not let
            one change (named, with a username), a new row missing a required field or
            setting one a create does not take, an edit of a field no read shows that
            ``unverifiable`` does not name, a value of ``after`` holding the access
            token or the client secret this process holds (it would be published).
    """
    import numpy as np
    import pandas as pd

    kind_of(kind)
    opted = _opted_in(unverifiable)
    unshown = UNSHOWN[kind]
    before = _check_frame(before, "before")
    after = _check_frame(after, "after")
    extra = [c for c in after.columns if c not in before.columns]
    if extra:
        raise ConfigurationError(
            f"after has column(s) that before has not: {', '.join(map(str, extra))}. Add "
            "them to before too (with the values the service holds) to plan their edits."
        )
    b_names = before["username"]
    if b_names.isna().any() or b_names.duplicated().any():
        twice = b_names[b_names.duplicated()].astype(str).tolist()[:5]
        raise ConfigurationError(
            f"before must have one row per username, none empty (repeated: {twice})."
        )
    a_names = after["username"]
    known = a_names.isin(b_names) & a_names.notna()
    if a_names[known].duplicated().any():
        twice = a_names[known][a_names[known].duplicated()].astype(str).tolist()[:5]
        raise ConfigurationError(f"after has usernames twice: {twice}.")

    changes: list[Change] = []
    columns = [c for c in after.columns if c != "username"]
    kept = after.loc[known.to_numpy()]
    if len(kept) and columns:
        new = kept.set_index("username")[columns]
        old = before.set_index("username").loc[new.index, columns]
        # copies: under pandas 3 a frame of string columns gives a read-only array
        nv = new.to_numpy(dtype=object).copy()
        ov = old.to_numpy(dtype=object).copy()
        n_na, o_na = pd.isna(nv), pd.isna(ov)
        marker = object()
        nv[n_na] = marker
        ov[o_na] = marker
        rows, cols = np.nonzero(nv != ov)
        names = new.index.to_numpy()
        readonly: dict[str, str] = {}
        blind: dict[str, str] = {}
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b = _plain(new.iat[r, c]), _plain(old.iat[r, c])
            if _same(a, b):
                continue  # "" for None, 1.0 for 1, NFD for NFC: the same value as shown
            field = str(columns[c])
            if field not in EDITABLE:
                readonly.setdefault(field, str(names[r]))
                continue
            _refuse_secret(a, f"after's {field!r} of {str(names[r])!r}")
            if field in unshown and field not in opted:
                blind.setdefault(field, str(names[r]))
                continue
            mark = field in unshown
            changes.append(Change("update", str(names[r]), field, _redacted(b), a, mark))
        if readonly:
            listed = ", ".join(f"{f!r} (e.g. {u!r})" for f, u in readonly.items())
            raise ConfigurationError(
                f"after changes field(s) the service does not let one change: {listed}. "
                f"The editable fields are: {', '.join(EDITABLE)}."
            )
        if blind:
            listed = ", ".join(f"{f!r} (e.g. {u!r})" for f, u in blind.items())
            raise ConfigurationError(
                f"after edits field(s) that no documented read of one {_noun(kind)} "
                f"profile shows: {listed}. Their value cannot be compared before the write, "
                "confirmed after it or restored by an undo, so they are not planned. To "
                "write them anyway, without comparison and never undone, name them: "
                f"plan_changes(before, after, unverifiable={sorted(blind)!r})."
            )
    for position, (_, row) in enumerate(after.loc[~known.to_numpy()].iterrows()):
        where = f"New row {position + 1} of after (username {_redacted(_plain(row['username']))!r})"
        fields = {
            k: _plain(v) for k, v in row.items() if k in ACCOUNT_CREATE and _key(_plain(v)) != ""
        }
        missing = [f for f in ACCOUNT_REQUIRED if not compare_value(fields.get(f))]
        if missing:
            raise ConfigurationError(f"{where} lacks required field(s): {', '.join(missing)}.")
        dropped = [f for f in _NOT_CREATED if f in row.index and _key(_plain(row[f])) != ""]
        if dropped:
            raise ConfigurationError(
                f"{where} sets {', '.join(dropped)}, which a create does not take (it takes "
                f"{', '.join(ACCOUNT_CREATE)}). Leave them empty and plan the create; once "
                "it is applied, read the new profile and plan those edits."
            )
        _refuse_secret(fields, where)
        changes.append(Change("create", None, None, None, fields))
    removed = before.loc[~b_names.isin(a_names[known]).to_numpy()]
    # a delete's before values: every editable column of the row (None, 0, "" and False
    # kept), compared with the service's (as it shows them) just before the delete
    deletes = [
        Change(
            "delete",
            str(row["username"]),
            None,
            _redacted({k: _plain(v) for k, v in row.items() if k in EDITABLE}),
            None,
        )
        for _, row in removed.iterrows()
    ]
    if allow_delete:
        return ChangePlan(kind, changes + deletes, [])
    return ChangePlan(kind, changes, deletes)


def _opted_in(unverifiable: object) -> frozenset[str]:
    """The fields named in ``unverifiable=``, checked."""
    names = [unverifiable] if isinstance(unverifiable, str) else unverifiable
    if not isinstance(names, Iterable):
        raise ConfigurationError(
            f"unverifiable must be a list of field names; got {type(names).__name__}."
        )
    chosen = list(names)
    unknown = [str(n) for n in chosen if n not in EDITABLE]
    if unknown:
        raise ConfigurationError(
            f"unverifiable names field(s) that are not editable: {', '.join(unknown)}. The "
            f"fields no read shows are: experts {sorted(UNSHOWN['experts'])}, staff "
            f"{sorted(UNSHOWN['staff'])}."
        )
    return frozenset(chosen)


def _refuse_secret(value: Any, where: str) -> None:
    if _holds_secret(value):
        raise ConfigurationError(
            f"{where} holds the access token or the client secret this session uses: it is "
            "not planned (it would be written into the profile, and the journal)."
        )
