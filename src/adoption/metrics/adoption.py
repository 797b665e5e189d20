"""Digital-platform adoption: headline figures, breakdowns, platforms and adoption over time.

The register is a census, so the rates here carry no sampling interval.
Definitions are in docs/glossary.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import ParameterError
from ..core.schema import Enterprises as E, Platforms as P, in_scope_mask
from . import disclosure
from .headline import compare_published, headline  # noqa: F401 - part of this module's API
from .maps import DEFAULT_MAP, resolve_unit, unit_mask
from .sectors import SECTOR_COLUMNS, placed

# Dimensions adoption can be broken down by. Each is a column of the enterprise table,
# except "district" (read from district_code) and "cohort" (from registered_on).
DIMENSIONS = (
    "province", "district", "commune_code", "vsic_section", "vsic_division", "size_class", "ownership",
    "in_industrial_park", "cohort", "vsic2025_section", "vsic2025_division", "commune2025", "size_band",
)
# Size bands: the size classes with medium and large firms together, for tables of many
# small groups (the 36 units of the 2025 map by size), where medium and large firms apart
# are too few to show without hiding most cells.
SIZE_BANDS = {"micro": "micro", "small": "small", "medium": "medium_large", "large": "medium_large"}
# The group of firms in a former commune split between two 2025 units with nothing in
# their row to say which: shown as what it is, never spread over the units.
NOT_ASSIGNABLE = "not_assignable"
# Registration cohorts: (label, first year, last year).
COHORTS = (("before 2000", 1900, 1999), ("2000-2009", 2000, 2009), ("2010-2014", 2010, 2014),
           ("2015-2019", 2015, 2019), ("2020-2023", 2020, 2023), ("2024 or later", 2024, 9999))


def cohort(registered_on: pd.Series) -> pd.Categorical:
    """Registration cohort of each firm (see :data:`COHORTS`); null without a date.

    >>> cohort(pd.Series(pd.to_datetime(["1995-05-01", "2021-01-01", None]))).tolist()
    ['before 2000', '2020-2023', nan]
    """
    years = pd.to_datetime(registered_on).dt.year
    labels = [label for label, _, _ in COHORTS]
    bins = [COHORTS[0][1] - 1] + [last for _, _, last in COHORTS]
    return pd.Categorical(pd.cut(years, bins=bins, labels=labels), categories=labels, ordered=True)


def group_key(firms: pd.DataFrame, by: str) -> tuple[str, pd.Series]:
    if by not in DIMENSIONS:
        raise ParameterError(f"cannot break adoption down by {by!r}; valid dimensions: {', '.join(DIMENSIONS)}")
    if by == "province":
        return "province_code", firms[E.province_code]
    if by == "district":
        return "district_code", firms[E.district_code]
    if by == "cohort":
        return "cohort", pd.Series(cohort(firms[E.registered_on]), index=firms.index)
    if by == "size_band":
        bands = firms[E.size_class].astype("string").map(SIZE_BANDS)
        return "size_band", pd.Series(pd.Categorical(bands, categories=list(dict.fromkeys(SIZE_BANDS.values())),
                                                     ordered=True), index=firms.index)
    if by == "commune2025":  # the 2025 map: the unit, or "not assignable" for a split commune
        code = firms["commune2025_code"].astype("string")
        undecided = code.isna().to_numpy() & firms["commune2025_candidates"].notna().to_numpy()
        return "commune2025_code", code.mask(undecided, NOT_ASSIGNABLE)
    if by in SECTOR_COLUMNS:  # a firm the classification cannot place is a group of its own
        return by, placed(firms[by])
    return by, firms[by]


def adoption_by(firms: pd.DataFrame, by: str | tuple[str, str], *, protected: bool = False,
                secret_total: bool = False) -> pd.DataFrame:
    """Firms, adopters and adoption rate by one or two dimensions of :data:`DIMENSIONS`.

    Columns: the group key(s), ``firms``, ``adopters``, ``adoption_rate``,
    ``share_of_firms``; groups in their natural order (district code, section letter,
    size class order). The register is a census: rates carry no sampling interval.

    ``protected=True`` (for shared reports) protects the table split into adopters and
    non-adopters (``disclosure.protect(..., split="uses_digital_platform")``): a group's
    firms are hidden when under 3; its adopters when adopters or non-adopters (firms -
    adopters, which the table implies) number 0, 1 or 2 while the group has firms, since
    a group where every firm, or none, uses platforms tells each firm's use; and more cells,
    chosen and checked by the LP audit, so that none of these can be recovered from the
    other groups and the totals (all firms, all adopters and, for two dimensions, each
    one-way margin, as the other tables and the headline publish them). The adoption rate
    is shown only where firms and adopters both are, the share of firms where firms are.
    Hidden figures are null and ``hidden`` marks a group with any hidden figure. Where no
    choice of hidden figures protects the groups, since a table lists only groups that
    have firms (8 firms in 8 sectors: each is 1), the table has no row and
    ``attrs["withheld"]`` (:attr:`adoption.metrics.disclosure.Protected.withheld`).
    ``secret_total=True``: the adopters of all these firms are hidden elsewhere (the
    headline, following a table of every province: :func:`adoption.metrics.areas.linked_hidden`),
    so the table keeps them as uncertain as a primary cell: its groups' adopters do not add
    up to them. Where protecting a group needs a margin hidden too (a two-way table whose
    one-way margins alone tell that two groups have no adopters, say), ``table.attrs["hidden_margins"]``
    lists it, as (dimension, group, part: ``True`` adopters, ``False`` non-adopters,
    ``"total"`` firms): the other tables must not show it beside this one.

    >>> frame = pd.DataFrame({"ownership": pd.Categorical(["fdi", "fdi", "state"]),
    ...                       "uses_digital_platform": [True, False, True]})
    >>> adoption_by(frame, "ownership")["adoption_rate"].tolist()
    [0.5, 1.0]
    """
    dims = (by,) if isinstance(by, str) else tuple(by)
    keys = [group_key(firms, d) for d in dims]
    # .array keeps a categorical's order (size classes micro to large), .to_numpy() would not.
    frame = pd.DataFrame({name: values.array for name, values in keys})
    frame[E.uses_digital_platform] = firms[E.uses_digital_platform].to_numpy()
    names = [name for name, _ in keys]
    grouped = frame.groupby(names, observed=True, sort=True)[E.uses_digital_platform]
    table = pd.DataFrame({"firms": grouped.size(), "adopters": grouped.sum().astype("int64")})
    table = table[table["firms"] > 0]
    table["adoption_rate"] = table["adopters"] / table["firms"]
    table["share_of_firms"] = table["firms"] / table["firms"].sum()
    table = table.reset_index()
    if protected and table.empty:  # no firm with a known value: nothing to hide
        table["hidden"] = pd.Series(dtype=bool)
    elif protected:
        guard = disclosure.protect(frame.dropna(subset=names), *names, split=E.uses_digital_platform, secret_total=secret_total,
                                   published=_headline_groups(frame, names))
        if guard.withheld:  # even its list of groups would tell firms apart: no row is shown
            table = table.iloc[:0].assign(hidden=pd.Series(dtype=bool))
            table.attrs.update(withheld=True, hidden_margins=[])
            return table
        cells = disclosure.split_hidden(guard, list(zip(*(table[name] for name in names))))
        hidden = {"firms": cells["group"], "share_of_firms": cells["group"] | cells["all_firms"],
                  "adopters": cells["with"], "adoption_rate": cells["group"] | cells["with"] | cells["without"]}
        table = disclosure.hide(table, cells.any(axis=1).to_numpy(), list(hidden),
                                masks={column: mask.to_numpy() for column, mask in hidden.items()})
        table.attrs["hidden_margins"] = disclosure.hidden_margins(guard, names)
    return table


# The groups whose firms the headline counts (unless 1 or 2): its FDI enterprises and its
# enterprises in industrial parks.
HEADLINE_GROUPS = {E.ownership: "fdi", E.in_industrial_park: True}


def _headline_groups(frame: pd.DataFrame, names: list[str]) -> tuple:
    """The (key, group) pairs of ``names`` whose firms the headline shows: the groups of
    :data:`HEADLINE_GROUPS` of 3 firms or more."""
    out = []
    for name in names:
        if name in HEADLINE_GROUPS:
            group = HEADLINE_GROUPS[name]
            if (frame[name].astype(object) == group).sum() >= disclosure.MIN_COUNT:
                out.append((name, group))
    return tuple(out)


def platforms_of(firms: pd.DataFrame, platforms: pd.DataFrame) -> pd.DataFrame:
    """The platform records of ``firms`` (matched on the tax code).

    The codes are compared as Python objects: pandas' string dtype's ``isin`` takes over
    a second on the default register's 100,000 records, the object path milliseconds.

    >>> firms = pd.DataFrame({"tax_code": pd.array(["1", "2"], dtype="string")})
    >>> platforms = pd.DataFrame({"tax_code": pd.array(["2", "3", "2"], dtype="string")})
    >>> platforms_of(firms, platforms).index.tolist()
    [0, 2]
    """
    codes = platforms[P.tax_code].astype(object)
    return platforms[codes.isin(firms[E.tax_code].astype(object)).to_numpy()]


def adoption_by_platform(firms: pd.DataFrame, platforms: pd.DataFrame, *, protected: bool = False) -> pd.DataFrame:
    """Firms using each platform category, and their share of the firms in scope.

    A firm counts in every category it uses, so the rows do not add up to a total:
    ``protected=True`` hides the firms and share of a category used by fewer than 3 firms,
    or by all the firms in scope but 0, 1 or 2
    (:func:`adoption.metrics.disclosure.part_hidden`), with no secondary suppression
    needed. (A category's users are at most the adopters; where the headline shows those,
    at least 3 firms do not use it.) Of 1 or 2 adopters, whom the headline hides, no
    category is listed (``attrs["withheld"]``): a listed one would tell that one adopts.

    >>> firms = pd.DataFrame({"tax_code": ["1", "2", "3", "4"]})
    >>> platforms = pd.DataFrame({"tax_code": ["1", "1", "2"], "platform": ["ecommerce", "erp", "ecommerce"]})
    >>> adoption_by_platform(firms, platforms).set_index("platform")["share_of_firms"].to_dict()
    {'ecommerce': 0.5, 'erp': 0.25}
    """
    mine = platforms_of(firms, platforms)
    counts = mine.groupby("platform", observed=True)[E.tax_code].nunique()
    table = pd.DataFrame({"platform": counts.index.astype(str), "firms": counts.to_numpy()})
    table["share_of_firms"] = table["firms"] / len(firms)
    adopters = int(firms[E.uses_digital_platform].sum()) if E.uses_digital_platform in firms else mine[E.tax_code].nunique()
    if protected and 0 < adopters < disclosure.MIN_COUNT and len(table):
        # 1 or 2 adopters, hidden in the headline: a category listed would tell that one adopts.
        table = table.iloc[:0].assign(hidden=pd.Series(dtype=bool))
        table.attrs["withheld"] = True
        return table
    if protected:
        rare = [disclosure.part_hidden(users, len(firms)) for users in table["firms"]]
        table = disclosure.hide(table, rare, ["firms", "share_of_firms"])
    return table.sort_values("firms", ascending=False, kind="stable").reset_index(drop=True)


def adoption_over_time(
    enterprises: pd.DataFrame,
    platforms: pd.DataFrame,
    *,
    by: str | None = None,
    district: str | None = None,
    map_: str = DEFAULT_MAP,
    protected: bool = False,
    secret_total: bool = False,
) -> pd.DataFrame:
    """Cumulative adoption by month, from each firm's first ``adopted_on``, over two
    populations of head offices (branches are never counted).

    ``enterprises`` is the whole clean register (not only today's firms in scope): each
    month's denominator holds every head office registered by the end of that month,
    whatever its status today, so that firms now suspended or dissolved, with their
    platform records, count in the months they were there. The register has no closure
    dates: a firm that had closed before a month is still counted in it, and a firm
    struck off the register is not counted at all. Head offices without a registration
    date cannot be placed and are left out (``attrs["undated"]`` says how many;
    ``attrs["firms_today"]``: today's firms in scope).

    Columns: ``month`` (month start), the group (with ``by``), ``firms`` (head offices
    registered by the end of the month), ``adopters`` (of them, those whose first
    platform record is from that month or before; a record older than the registration
    counts from the registration month), ``adoption_rate`` (adopters / firms), and the
    second line: ``firms_today`` (today's firms in scope, :func:`adoption.in_scope`: the
    denominator does not move), ``adopters_today`` (of them, first platform by the end of
    the month) and ``adoption_rate_today``. ``district`` keeps one unit of ``map_`` (a
    district unit on the 2023 map, a ward or commune on the 2025 map).

    ``protected=True`` hides, for each month (and group), the adopters and rate of a line
    whose adopters or non-adopters number 0, 1 or 2, and its firms when under 3; without
    ``by``, also a month whose count is 1 or 2 firms on from the month shown before it
    (the step would date those firms' start); with ``by``, each month's groups are
    protected as one table (:func:`adoption_by`'s rule). ``secret_total=True``: today's
    adopters are hidden elsewhere (see :func:`adoption_by`), so the last month of the line
    over today's firms, which counts them, is hidden too.

    By hand: firm 1 registered in January 2020, adopted in February; firm 2 registered in
    March, adopted in March; firm 3 registered in 2019, dissolved, adopted in January.

    >>> firms = pd.DataFrame({"tax_code": ["1", "2", "3"], "is_branch": False,
    ...     "status": ["active", "active", "dissolved"], "district_code": "718",
    ...     "registered_on": pd.to_datetime(["2020-01-10", "2020-03-05", "2019-06-01"])})
    >>> platforms = pd.DataFrame({"tax_code": ["1", "2", "3"],
    ...     "adopted_on": pd.to_datetime(["2020-02-15", "2020-03-20", "2020-01-02"])})
    >>> series = adoption_over_time(firms, platforms)
    >>> series[["firms", "adopters", "firms_today", "adopters_today"]].values.tolist()
    [[2, 1, 2, 0], [2, 2, 2, 1], [3, 3, 2, 2]]
    """
    heads = enterprises[~enterprises[E.is_branch].astype(bool).to_numpy()]
    code = resolve_unit(district, map_)
    if code is not None:
        heads = heads[unit_mask(heads, code, map_).to_numpy()]
    mine = platforms_of(heads, platforms)
    first = mine.groupby("tax_code", observed=True)[P.adopted_on].min()
    frame = pd.DataFrame({
        "adopted": _months(first.reindex(heads[E.tax_code].astype(object)).to_numpy()),
        "registered": _months(heads[E.registered_on].to_numpy()),
        "today": in_scope_mask(heads).to_numpy(dtype=bool),
    })
    names = []
    if by is not None:
        name, values = group_key(heads, by)
        frame[name] = values.to_numpy()
        names = [name]
    columns = ["month", *names, "firms", "adopters", "adoption_rate", "firms_today", "adopters_today", "adoption_rate_today"]
    counts = {"undated": int(frame["registered"].isna().sum()), "firms_today": int(frame["today"].sum())}
    if frame["adopted"].notna().sum() == 0:
        out = pd.DataFrame(columns=columns)
        out.attrs.update(counts)
        return out
    months = pd.date_range(frame["adopted"].min(), frame["adopted"].max(), freq="MS")
    # A firm enters the first line at its registration, and counts as an adopter from its
    # first record or its registration, whichever is later.
    entered = frame["adopted"].where(frame["adopted"] > frame["registered"], frame["registered"]).where(frame["adopted"].notna())
    frame["entered"] = entered
    groups = frame.groupby(names, observed=True) if names else [((), frame)]
    parts = []
    for group, rows in groups:
        part = pd.DataFrame({
            "month": months,
            "firms": _count_by(rows["registered"], months),
            "adopters": _count_by(rows["entered"], months),
            "firms_today": int(rows["today"].sum()),
            "adopters_today": _count_by(rows["adopted"][rows["today"].to_numpy()], months),
        })
        for column, name in zip(names, group if isinstance(group, tuple) else (group,)):
            part.insert(1, column, name)
        parts.append(part)
    if not parts:  # no firm has a known value of ``by``
        out = pd.DataFrame(columns=columns)
        out.attrs.update(counts)
        return out
    out = pd.concat(parts, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["adoption_rate"] = out["adopters"] / out["firms"].where(out["firms"] > 0)
        out["adoption_rate_today"] = out["adopters_today"] / out["firms_today"].where(out["firms_today"] > 0)
    out = out[columns]
    if protected:
        out = _protect_over_time(out, names, secret_total=secret_total)
    out.attrs.update(counts)
    return out


def _steps_hidden(values: np.ndarray, own: np.ndarray, *, start: float | None = None, end_known: bool = False) -> np.ndarray:
    """The months of a cumulative count to hide: those ``own`` (each month's own rule)
    hides, and those whose step from the month shown before is 1 or 2 firms, since the
    difference of two shown months would tell the month one or two firms started.
    ``start``: the count before the first month, when known; ``end_known``: the last
    month's count is published elsewhere (the headline), so unless its own rule hides it,
    it is shown and the months before it are hidden until the step to it is 0 or 3 or more.

    >>> _steps_hidden(np.array([3., 4, 8, 9, 9, 12]), np.zeros(6, bool)).tolist()
    [False, True, False, True, True, False]
    >>> _steps_hidden(np.array([3., 6, 7]), np.zeros(3, bool), start=0.0, end_known=True).tolist()
    [False, True, False]
    """
    hidden = np.array(own, dtype=bool)
    anchored = end_known and len(values) > 0 and not hidden[-1]
    last = start
    for at in range(len(values) - anchored):
        if hidden[at]:
            continue
        if last is not None and 0 < values[at] - last < disclosure.MIN_COUNT:
            hidden[at] = True
        else:
            last = values[at]
    if anchored:  # counts never fall: going back, the step to the last month only grows
        for at in range(len(values) - 2, -1, -1):
            if hidden[at]:
                continue
            if not 0 < values[-1] - values[at] < disclosure.MIN_COUNT:
                break
            hidden[at] = True
    return hidden


def _months(dates) -> pd.Series:
    """Month starts of ``dates`` (NaT stays NaT)."""
    values = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[s]")
    return pd.Series(pd.to_datetime(values.astype("datetime64[M]")))


def _count_by(months_of: pd.Series, months: pd.DatetimeIndex) -> np.ndarray:
    """How many of ``months_of`` (month starts, NaT never) fall in each of ``months`` or before."""
    known = np.sort(months_of.dropna().to_numpy(dtype="datetime64[ns]"))
    return np.searchsorted(known, months.to_numpy(dtype="datetime64[ns]"), side="right")


def _protect_over_time(out: pd.DataFrame, names: list[str], *, secret_total: bool = False) -> pd.DataFrame:
    """Each month of each line protected as :func:`adoption_by` protects a table, from the
    counts the series already holds (a month's groups split into adopters and the rest)."""
    out = out.astype({"firms": "float64", "adopters": "float64", "firms_today": "float64", "adopters_today": "float64"})
    lines = (("firms", "adopters", "adoption_rate"), ("firms_today", "adopters_today", "adoption_rate_today"))
    for firms, adopters, rate in lines:
        if not names:
            f, a = out[firms].to_numpy(dtype=float), out[adopters].to_numpy(dtype=float)
            # Months of no adopter come before the first (0 adopters); the last month of
            # today's firms is the headline's adopters, published whatever the series shows.
            own = np.array([disclosure.part_hidden(int(x), int(y)) for x, y in zip(a, f)], dtype=bool)
            if secret_total and adopters == "adopters_today" and len(own):
                own[-1] = True  # the headline's adopters, hidden there (a shown month keeps 3 non-adopters below it)
            hide_a = _steps_hidden(a, own, start=0.0, end_known=adopters == "adopters_today")
            hide_f = _steps_hidden(f, (f > 0) & (f < disclosure.MIN_COUNT))
            out.loc[out.index[hide_a], [adopters, rate]] = np.nan
            out.loc[out.index[hide_f], [firms, rate]] = np.nan
            continue
        counted = out[["month", names[0], firms, adopters]].copy()  # before this line's cells are hidden
        for month, rows in counted.groupby("month", sort=False).groups.items():
            rows = rows[(counted.loc[rows, firms] > 0).to_numpy()]  # groups with firms this month
            if rows.empty:
                continue
            month_counts = counted.loc[rows].sort_values(names[0], kind="stable")
            total, with_ = month_counts[firms].to_numpy(float), month_counts[adopters].to_numpy(float)
            cube = np.column_stack([total - with_, with_, total])
            cube = np.vstack([cube, cube.sum(axis=0)])
            groups = month_counts[names[0]].tolist()
            guard = disclosure.protect_counts(cube, [groups, disclosure.SPLIT], split=True)
            index = month_counts.index
            if guard.withheld:  # no choice protects this month's groups: none of them is shown
                out.loc[counted.index[counted["month"] == month], [firms, adopters, rate]] = np.nan
                continue
            cells = disclosure.split_hidden(guard, [(g,) for g in groups])
            out.loc[index[cells["group"].to_numpy()], firms] = np.nan
            out.loc[index[cells["with"].to_numpy()], adopters] = np.nan
            out.loc[index[cells.any(axis=1).to_numpy()], rate] = np.nan
    return out
