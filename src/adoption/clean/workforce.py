"""Cleaning the industrial-park workforce and training records."""

from __future__ import annotations

import pandas as pd

from ..core import reference
from ..core.scope import BINH_DUONG, Scope
from ..core.schema import SOURCE_COLUMNS, Workforce as W, columns
from . import vocab
from .duplicates import keep_first
from .normalise import map_text, quarter, read_numbers
from .places import district_code, park_name
from .rejects import Stage, district_reason, split, unparsed_values


def clean_workforce(raw: pd.DataFrame, scope: Scope | None = None) -> tuple[Stage, pd.DataFrame]:
    """Industrial-park workforce and training records: canonical park, district code,
    quarter, counts. One row per park and quarter (the first one kept; the others are
    returned as merged rows).

    The records are of Bình Dương's parks (a row names one of its districts): for a
    ``scope`` without Bình Dương, each row is rejected as ``outside_scope``.
    """
    raw = raw.reset_index(drop=True)
    park = map_text(raw["industrial_park"], park_name)
    district = map_text(raw["district"], district_code)
    period = map_text(raw["period"], quarter)
    (workers, workers_problem), (trained, trained_problem), (hours, hours_problem) = (
        read_numbers(raw[column]) for column in ("workers", "workers_trained", "training_hours"))
    bad_value = workers.isna() | trained.isna() | hours.isna() | (trained > workers).fillna(False)
    rejects, keep = split(raw, [
        ("name_missing", park.isna(), raw["industrial_park"], lambda v: "the industrial park is empty"),
        ("district_unknown", district.isna(), raw["district"], district_reason),
        ("outside_scope", pd.Series(scope is not None and BINH_DUONG not in scope.provinces, index=raw.index),
         raw["district"], lambda v: f"district {v!r} is in Bình Dương, outside the scope ({scope.name})"),
        ("period_invalid", period.isna(), raw["period"], lambda v: f"period {v!r} is not a quarter such as 2023-Q1 or Quý 1/2023"),
        ("value_invalid", bad_value, raw[["workers", "workers_trained", "training_hours"]].astype(str).agg(" / ".join, axis=1),
         lambda v: f"workers / trained / hours {v!r}: each must be a count of 0 or more, trained no more than workers"),
    ], list(vocab.WORKFORCE_HEADER_ALIASES))
    districts = reference.districts().set_index("district_code")["district"]
    clean = pd.DataFrame({
        W.industrial_park: park[keep].array, W.district_code: district[keep].array, W.period: period[keep].array,
        W.workers: workers[keep].array, W.workers_trained: trained[keep].array, W.training_hours: hours[keep].array,
        **{c: raw.loc[keep, c].astype("string" if c != "source_row" else "int64").to_numpy() for c in SOURCE_COLUMNS},
    })
    for column in (W.source_file, W.source_sheet):
        clean[column] = clean[column].astype("string")
    clean[W.district] = clean[W.district_code].map(districts).astype("string")
    clean, merges = keep_first(clean, [W.industrial_park, W.period], "same_park_and_period")
    unparsed = unparsed_values(raw, {"workers": workers_problem, "workers_trained": trained_problem,
                                     "training_hours": hours_problem},
                               "the row is rejected (value_invalid): the three counts are required")
    return Stage(clean=clean[columns("workforce")], rejects=rejects, unparsed=unparsed), merges
