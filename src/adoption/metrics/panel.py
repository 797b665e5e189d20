"""Registers over time: the firms of two extracts linked by tax code, and what changed.

A firm is the same firm in two extracts when its tax code is the same: a firm whose
address is written on the 2025 map in the later extract and on the old map in the earlier
one is a firm that stayed (or moved), never an entry and an exit. Whether it moved is
decided on the finest geography both extracts give, and left unknown (null) where they
cannot decide (an old commune split between two 2025 units, a district without its
commune); a change of activity likewise on the class both extracts give.
"""

from __future__ import annotations

import pandas as pd

from ..core.schema import Enterprises as E

# The flows :func:`flow_counts` counts, in the order a report shows them.
FLOWS = ("entered", "left", "closed", "status_changed", "moved", "activity_changed", "started_platform")
# Statuses of a firm that is closing or closed.
CLOSED = ("dissolving", "dissolved")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as strings with nulls, or all null when the extract does not have it."""
    if name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[name].astype("string")


def _units_2025(frame: pd.DataFrame) -> pd.Series:
    """Each row's possible 2025 units: its unit, or the candidates of a split commune."""
    code, candidates = _column(frame, "commune2025_code"), _column(frame, "commune2025_candidates")
    return pd.Series([frozenset([c]) if not pd.isna(c) else frozenset(k.split("|")) if not pd.isna(k) else frozenset()
                      for c, k in zip(code, candidates)], index=frame.index, dtype=object)


def _moved(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """True where the firm's place changed, False where it did not, null where the two
    extracts cannot tell: on the 2025 map when both place it there (two sets of candidate
    units that share none differ; that share one cannot be told apart), else on the old
    communes, else on the old districts where they differ."""
    units_a, units_b = _units_2025(before), _units_2025(after)
    commune_a, commune_b = _column(before, E.commune_code), _column(after, E.commune_code)
    district_a, district_b = _column(before, E.district_code), _column(after, E.district_code)
    out = []
    for ua, ub, ca, cb, da, db in zip(units_a, units_b, commune_a, commune_b, district_a, district_b):
        if ua and ub and (ua.isdisjoint(ub) or (len(ua) == 1 and ua == ub)):
            out.append(ua.isdisjoint(ub))
        elif not pd.isna(ca) and not pd.isna(cb):
            out.append(ca != cb)
        elif not pd.isna(da) and not pd.isna(db) and da != db:
            out.append(True)
        else:
            out.append(pd.NA)
    return pd.Series(out, index=before.index, dtype="boolean")


def _changed(before: pd.DataFrame, after: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Whether a value changed, on the first of ``columns`` both extracts give; null where
    none is given by both."""
    out = pd.Series(pd.NA, index=before.index, dtype="boolean")
    for column in columns:
        a, b = _column(before, column), _column(after, column)
        known = out.isna() & a.notna() & b.notna()
        out[known] = (a[known] != b[known]).to_numpy()
    return out


def _platforms(platforms: pd.DataFrame | None) -> dict[str, frozenset]:
    """Each tax code's platform categories. One pass over the rows: a groupby iterated
    group by group took a minute on the default register's 50,000 platform users."""
    if platforms is None or platforms.empty:
        return {}
    codes = platforms["tax_code"].astype(str)
    known = codes.notna().to_numpy()
    found: dict[str, set[str]] = {}
    for code, platform in zip(codes[known].tolist(), platforms["platform"][known].tolist()):
        found.setdefault(code, set()).add(str(platform))
    return {code: frozenset(values) for code, values in found.items()}


def flows(previous: pd.DataFrame, current: pd.DataFrame, *, previous_platforms: pd.DataFrame | None = None,
          current_platforms: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per tax code of either extract (clean ``enterprises`` tables): whether it
    ``entered`` (in the current extract only) or ``left`` (in the previous only, struck
    off the register), and, for a firm in both: ``status_changed``, ``closed`` (now
    dissolving or dissolved, and not before), ``moved`` and ``activity_changed`` (null
    where the extracts cannot tell), ``started_platform`` (no platform before, one now)
    and ``new_platforms`` (the platform categories recorded now and not before, ``|``-
    joined, from the platform tables when given). ``district_code`` and
    ``commune2025_code`` place the firm where it is now (where it was, for a firm that
    left); ``is_branch`` as in the register.

    By hand: firm 1 stays and starts using a platform, firm 2 leaves, firm 3 enters and
    firm 4 is dissolved.

    >>> before = pd.DataFrame({"tax_code": ["1", "2", "4"], "status": "active", "uses_digital_platform": False,
    ...                        "district_code": "718", "is_branch": False})
    >>> after = pd.DataFrame({"tax_code": ["1", "3", "4"], "status": ["active", "active", "dissolved"],
    ...                       "uses_digital_platform": [True, False, False], "district_code": "718", "is_branch": False})
    >>> table = flows(before, after).set_index("tax_code")
    >>> table[["entered", "left", "closed", "started_platform"]].astype(int).values.tolist()
    [[0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]]
    """
    a = previous.assign(tax_code=previous[E.tax_code].astype(str)).drop_duplicates(E.tax_code).set_index(E.tax_code)
    b = current.assign(tax_code=current[E.tax_code].astype(str)).drop_duplicates(E.tax_code).set_index(E.tax_code)
    codes = b.index.union(a.index).sort_values()
    both = a.index.intersection(b.index, sort=False)
    before, after = a.reindex(both), b.reindex(both)
    out = pd.DataFrame(index=pd.Index(codes, name=E.tax_code))
    out["entered"] = ~out.index.isin(a.index)
    out["left"] = ~out.index.isin(b.index)
    now, then = b.reindex(codes), a.reindex(codes)
    for column in (E.district_code, "commune2025_code"):  # where it is now, or where it was for a firm that left
        out[column] = _column(now, column).where(~out["left"].to_numpy(), _column(then, column)).to_numpy()
    branch = pd.Series(False, index=codes, dtype=bool)
    for frame in (a, b):
        if E.is_branch in frame.columns:
            branch[frame.index] = frame[E.is_branch].fillna(False).astype(bool).to_numpy()
    out[E.is_branch] = branch.to_numpy()
    status_a, status_b = _column(before, E.status), _column(after, E.status)
    flags = {
        "status_changed": (status_a != status_b).fillna(False).astype(bool),
        "closed": (status_b.isin(CLOSED) & ~status_a.isin(CLOSED)).fillna(False).astype(bool),
        "moved": _moved(before, after),
        "activity_changed": _changed(before, after, (E.vsic4, "vsic2025_4")),
        "started_platform": (~before[E.uses_digital_platform].fillna(False).astype(bool)
                             & after[E.uses_digital_platform].fillna(False).astype(bool)),
    }
    for name, values in flags.items():
        dtype = "boolean" if name in ("moved", "activity_changed") else bool
        out[name] = values.reindex(codes).astype(dtype) if dtype != bool else values.reindex(codes, fill_value=False).astype(bool)
    old, new = _platforms(previous_platforms), _platforms(current_platforms)
    out["new_platforms"] = pd.Series(["|".join(sorted(new.get(c, frozenset()) - old.get(c, frozenset()))) or pd.NA
                                      if c in both else pd.NA for c in codes], index=out.index, dtype="string")
    return out.reset_index()[[E.tax_code, E.is_branch, E.district_code, "commune2025_code", *FLOWS[:2], "status_changed",
                              "closed", "moved", "activity_changed", "started_platform", "new_platforms"]]


def flow_counts(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many head offices (branches are not counted) each flow of a :func:`flows` table
    holds, in total or by ``by`` (``district_code``, ``commune2025_code``); ``moved`` and
    ``activity_changed`` count the firms known to have changed, and ``moved_unknown`` and
    ``activity_unknown`` those the extracts cannot tell.

    >>> table = pd.DataFrame({"is_branch": [False, False, False, True], "district_code": ["718", "719", "719", "718"],
    ...     "entered": [True, False, False, True], "left": False, "closed": False, "status_changed": False,
    ...     "moved": pd.array([pd.NA, True, pd.NA, False], dtype="boolean"),
    ...     "activity_changed": pd.array([pd.NA, False, False, False], dtype="boolean"),
    ...     "started_platform": [False, True, False, False]})
    >>> flow_counts(table).iloc[0][["entered", "moved", "moved_unknown", "activity_unknown", "started_platform"]].tolist()
    [1, 1, 1, 0, 1]
    """
    heads = table[~table[E.is_branch].astype(bool)]
    counted = pd.DataFrame({
        **{name: heads[name].fillna(False).astype(bool) for name in FLOWS},
        "moved_unknown": heads["moved"].isna(),
        "activity_unknown": heads["activity_changed"].isna(),
    })
    counted.loc[heads["entered"].to_numpy() | heads["left"].to_numpy(), ["moved_unknown", "activity_unknown"]] = False
    if by is None:
        return counted.sum().astype(int).to_frame().T
    return counted.groupby(heads[by].astype("string").fillna("unknown"), sort=True).sum().astype(int).reset_index(names=by)
