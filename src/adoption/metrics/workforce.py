"""Industrial-park workforce and the digital-skills training rule.

Decision 749/QĐ-TTg asks that workers in industrial parks be trained in digital skills
at least 1 hour a week. For a quarter that is 13 hours per worker (:data:`WEEKS`). The
figures here compare those required hours with the hours delivered, and the published
digital-transformation budget with the firms and workers it serves. Budget figures come
from the reference data's published figures, with their source.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import reference
from ..core.errors import ParameterError
from ..core.schema import Enterprises as E, Workforce as W
from . import disclosure

HOURS_PER_WEEK = 1
WEEKS = {"quarter": 13, "year": 52}
BY = ("industrial_park", "district", "period")


def training(records: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Training required by the 1 hour/week rule against what was delivered.

    The records give, for each park and quarter, the workers, the workers trained and the
    hours delivered: no hours per worker. Columns: the group (``by``: ``industrial_park``,
    ``district`` or ``period``; none for the whole province and year);

    * ``workers``: workers per quarter (the average over the quarters of the group);
    * ``trained_per_quarter``: workers trained per quarter (average);
    * ``worker_quarters_trained``: workers trained, summed over the quarters: a worker
      trained in two quarters counts twice, so over a year it can exceed the workers;
    * ``share_trained``: trained per quarter / workers;
    * ``hours_required`` (workers x 13 h each quarter), ``hours_delivered``, ``coverage``
      (delivered / required: hours, not workers who complied);
    * ``hours_per_trained``: hours delivered / worker-quarters trained;
    * ``share_13h_at_most``: the largest share of worker-quarters that can have had 13
      hours: in each park and quarter, no more workers than were trained, and no more than
      the hours delivered / 13; summed, over the workers summed over quarters. How many
      did, the records cannot tell;
    * ``gap_hours`` (required - delivered, not below 0) and ``gap_workers`` (workers not
      trained, per quarter on average).

    By hand: 100 workers in two quarters; 50 trained with 650 h, then 30 with 390 h.
    Required 2 x 1,300 = 2,600 h; delivered 1,040 h (coverage 0.4); 80 worker-quarters
    trained, 40 a quarter (share 0.4), 13 h each; at most min(50, 650 / 13) + min(30,
    390 / 13) = 80 of 200 worker-quarters had 13 h.

    >>> records = pd.DataFrame({"industrial_park": ["A", "A"], "district_code": ["718", "718"],
    ...     "period": ["2023-Q1", "2023-Q2"], "workers": [100, 100], "workers_trained": [50, 30],
    ...     "training_hours": [650, 390]})
    >>> training(records).iloc[0][["hours_required", "hours_delivered", "coverage", "share_13h_at_most"]].tolist()
    [2600.0, 1040.0, 0.4, 0.4]
    """
    if by is not None and by not in BY:
        raise ParameterError(f"cannot break training down by {by!r}; valid: {', '.join(BY)}")
    rule = HOURS_PER_WEEK * WEEKS["quarter"]
    frame = records.assign(
        hours_required=records[W.workers].astype(float) * rule,
        # At most this many of a record's workers can have had the quarter's hours.
        reach_max=np.minimum(records[W.workers_trained].astype(float), records[W.training_hours].astype(float) / rule),
    )
    key = "district_code" if by == "district" else by
    per_quarter = frame.groupby([key, "period"] if key and key != "period" else [W.period], observed=True).agg(
        workers=("workers", "sum"), workers_trained=("workers_trained", "sum"),
        hours_required=("hours_required", "sum"), hours_delivered=("training_hours", "sum"), reach_max=("reach_max", "sum"),
    ).reset_index()
    group = [key] if key else []
    summed = dict(worker_quarters=("workers", "sum"), worker_quarters_trained=("workers_trained", "sum"),
                  hours_required=("hours_required", "sum"), hours_delivered=("hours_delivered", "sum"),
                  reach_max=("reach_max", "sum"), quarters=("period", "nunique"),
                  workers=("workers", "mean"), trained_per_quarter=("workers_trained", "mean"))
    if group:
        out = per_quarter.groupby(group, observed=True).agg(**summed).reset_index()
    else:
        out = per_quarter.assign(_all=0).groupby("_all").agg(**summed).reset_index(drop=True)
    out["hours_delivered"] = out["hours_delivered"].astype(float)
    out["share_trained"] = out["trained_per_quarter"] / out[W.workers]
    out["coverage"] = out["hours_delivered"] / out["hours_required"]
    out["hours_per_trained"] = out["hours_delivered"] / out["worker_quarters_trained"].where(out["worker_quarters_trained"] > 0)
    out["share_13h_at_most"] = out["reach_max"] / out["worker_quarters"]
    out["gap_hours"] = (out["hours_required"] - out["hours_delivered"]).clip(lower=0)
    out["gap_workers"] = (out[W.workers] - out["trained_per_quarter"]).clip(lower=0)
    return out[[*group, "workers", "trained_per_quarter", "worker_quarters_trained", "share_trained", "quarters",
                "hours_required", "hours_delivered", "coverage", "hours_per_trained", "share_13h_at_most",
                "gap_hours", "gap_workers"]]


def protect_parks(table: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Hide the park rows of a ``training(..., by="industrial_park")`` table that could
    reveal one firm: parks with fewer than 3 firms in the register, or whose workers are
    held over 85% by one or two firms, and the rows hidden with them so that none can be
    recomputed from the total (see :mod:`adoption.disclosure`).

    >>> firms = pd.DataFrame({"industrial_park": ["A"] * 3 + ["B"] * 2 + ["C"] * 3,
    ...                       "employees": [10, 10, 10, 5, 5, 20, 20, 20]})
    >>> table = pd.DataFrame({"industrial_park": ["A", "B", "C"], "workers": [30.0, 10.0, 60.0]})
    >>> protect_parks(table, firms)["hidden"].tolist()
    [True, True, False]
    """
    in_parks = firms[firms[W.industrial_park].notna()]
    frame = pd.DataFrame({"industrial_park": in_parks[W.industrial_park].astype(str).to_numpy(),
                          "employees": in_parks[E.employees].astype(float).fillna(0).to_numpy()})
    hidden = disclosure.hidden_groups(frame, "industrial_park", value="employees")
    # A park with no firm in the register cannot be checked: it is hidden too.
    flags = table[W.industrial_park].astype(str).map(hidden.to_dict()).fillna(True).astype(bool).to_numpy()
    flags = flags | hidden.attrs["withheld"]  # no choice protects the parks: none is shown
    return disclosure.hide(table, flags, [c for c in table.columns if c != "industrial_park"])


def park_workers(firms: pd.DataFrame, records: pd.DataFrame | None = None, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Workers in industrial parks as each source gives them, never one for the other.

    One row per source (``figure``): ``records``, the park workforce records (workers per
    quarter summed over the parks, averaged over the ``quarters`` from ``first_period`` to
    ``last_period``); ``register``, the employees the register records for the in-scope
    firms in parks (``firms`` of them); ``published``, the province's published figure.
    ``source``: the files read, or the publication. A source that is missing (no records,
    a register without parks or staff) has no row.

    By hand: records of two quarters, 100 + 300 and 120 + 280 workers: 400 on average;
    the register's two park firms, 10 + 40 employees: 50.

    >>> records = pd.DataFrame({"period": ["2023-Q1", "2023-Q1", "2023-Q2", "2023-Q2"], "workers": [100, 300, 120, 280],
    ...                         "source_file": "parks.csv"})
    >>> firms = pd.DataFrame({"employees": pd.array([10, 20, 40], dtype="Int64"), "in_industrial_park": [True, False, True],
    ...                       "source_file": ["a.csv", "a.csv", "b.csv"]})
    >>> published = pd.DataFrame({"key": ["ip_workers"], "value": [1_200], "source": ["a newspaper"]})
    >>> park_workers(firms, records, published)[["figure", "workers", "source"]].values.tolist()
    [['records', 400.0, 'parks.csv'], ['register', 50.0, 'a.csv, b.csv'], ['published', 1200.0, 'a newspaper']]
    """
    published = (reference.published_figures() if published is None else published).set_index("key")
    rows = []
    if records is not None and len(records):
        quarters = sorted(records[W.period].astype(str).unique())
        rows.append({"figure": "records", "workers": float(records.groupby(W.period)[W.workers].sum().mean()),
                     "quarters": len(quarters), "first_period": quarters[0], "last_period": quarters[-1],
                     "source": ", ".join(sorted(records["source_file"].astype(str).unique()))})
    in_park = firms[E.in_industrial_park].astype("boolean").fillna(False).to_numpy(dtype=bool)
    parks = firms[in_park]
    staff = parks[E.employees].astype("Float64").sum(min_count=1)
    if len(parks) and pd.notna(staff):
        rows.append({"figure": "register", "workers": float(staff), "firms": len(parks),
                     "source": ", ".join(sorted(parks["source_file"].astype(str).unique()))})
    rows.append({"figure": "published", "workers": float(published.loc["ip_workers", "value"]),
                 "source": published.loc["ip_workers", "source"]})
    columns = ["figure", "workers", "firms", "quarters", "first_period", "last_period", "source"]
    return pd.DataFrame(rows).reindex(columns=columns)


def budget(firms: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """The provincial digital-transformation budget of each year per enterprise and per
    worker, each denominator of the budget's year where the register allows, with the
    year it is of.

    ``firms``: the in-scope firms of the register (:func:`adoption.in_scope`). The
    register is a snapshot, of the year of its latest registration (``register_year``).
    Enterprises: for a budget year before it, the firms registered by 31 December of that
    year and not recorded as closed now (firms that closed since cannot be counted: the
    register has no closure dates; firms without a registration date are left out); for
    the register's own year or later, every firm in scope. Workers: the employees the
    register records for every firm in scope, inside and outside industrial parks (the
    budget is the province's, not the parks'), a figure of the register's year only.
    ``enterprises_year`` and ``workers_year`` say which year each denominator is of.
    ``published`` (``key``, ``value``, ``year``, ``label_vi``, ``label_en``, ``source``)
    defaults to the reference data's published figures.

    By hand: firms registered in 2020, 2022 and 2023 (the register's year), of 10, 20 and
    30 employees; 600 in 2022 over the 2 firms of 2022 = 300; 900 in 2023 over 3 = 300;
    per worker, both years over the 60 employees of 2023: 10 and 15.

    >>> firms = pd.DataFrame({"employees": pd.array([10, 20, 30], dtype="Int64"),
    ...     "registered_on": pd.to_datetime(["2020-05-01", "2022-12-31", "2023-03-01"])})
    >>> published = pd.DataFrame({"key": ["dt_budget_2022", "dt_budget_2023"], "value": [600, 900],
    ...     "year": [2022, 2023], "label_vi": "ngân sách", "label_en": "budget", "source": "example"})
    >>> budget(firms, published)[["year", "enterprises", "enterprises_year", "per_enterprise_vnd", "workers_year",
    ...                           "per_worker_vnd"]].values.tolist()
    [[2022.0, 2.0, 2022.0, 300.0, 2023.0, 10.0], [2023.0, 3.0, 2023.0, 300.0, 2023.0, 15.0]]
    """
    published = (reference.published_figures() if published is None else published).set_index("key")
    registered = pd.to_datetime(firms[E.registered_on])
    register_year = int(registered.max().year) if registered.notna().any() else None
    workers = float(firms[E.employees].astype("Float64").sum(min_count=1))  # NaN when no staff is known
    rows = []
    for key in ("dt_budget_2022", "dt_budget_2023"):
        amount, year = float(published.loc[key, "value"]), int(published.loc[key, "year"])
        if register_year is not None and year < register_year:
            enterprises, enterprises_year = int((registered < pd.Timestamp(year + 1, 1, 1)).sum()), year
        else:
            enterprises, enterprises_year = len(firms), register_year
        rows.append({
            "year": year, "budget_vnd": amount, "label_vi": published.loc[key, "label_vi"],
            "label_en": published.loc[key, "label_en"],
            "enterprises": enterprises, "enterprises_year": enterprises_year, "register_year": register_year,
            "per_enterprise_vnd": amount / enterprises if enterprises else float("nan"),
            "workers": workers, "workers_year": register_year,
            "per_worker_vnd": amount / workers if workers else float("nan"),
            "source": published.loc[key, "source"],
        })
    return pd.DataFrame(rows)
