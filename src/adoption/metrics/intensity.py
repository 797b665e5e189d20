"""Digital intensity (Eurostat DII, version 3) from the stratified technology survey.

The survey is a sample, so every share carries a design-based 95% interval.

Method: the share is the design-weighted mean ``p = sum(w y) / sum(w)`` over the
respondents of a group, with ``w`` the design weight (stratum population over stratum
sample). Its interval is the Wilson score interval computed on Kish's effective sample
size ``n_eff = (sum w)^2 / sum(w^2)``, which accounts for unequal weights; with equal
weights it is the ordinary Wilson interval on ``n`` respondents (the tests check this
against statsmodels). Levels: 0-3 very low, 4-6 low, 7-9 high, 10-12 very high; "at
least basic" is 4 or more (reference_data/SOURCES.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..core import reference
from ..core.errors import ParameterError
from ..core.schema import DII_INDICATORS, Survey as S
from ..core.sizes import SIZE_CLASSES
from . import disclosure

Z95 = 1.959963984540054
LEVELS = (("very_low", 0, 3), ("low", 4, 6), ("high", 7, 9), ("very_high", 10, 12))
AT_LEAST_BASIC = 4
SME_CLASSES = ("micro", "small", "medium")


def dii_level(score: pd.Series) -> pd.Categorical:
    """The DII level of each score.

    >>> dii_level(pd.Series([0, 4, 9, 12])).tolist()
    ['very_low', 'low', 'high', 'very_high']
    """
    labels = [name for name, _, _ in LEVELS]
    return pd.Categorical(pd.cut(score, bins=[-1, 3, 6, 9, 12], labels=labels), categories=labels, ordered=True)


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share ``p`` observed on ``n`` (possibly effective) units.

    >>> [round(x, 4) for x in wilson(0.5, 100)]
    [0.4038, 0.5962]
    """
    if n <= 0 or math.isnan(p):
        return float("nan"), float("nan")
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def weighted_share(flags, weights) -> dict[str, float]:
    """Design-weighted share of True, with its 95% interval, respondents and Kish n_eff.

    >>> weighted_share([True, False, True, True], [1, 1, 1, 1])["share"]
    0.75
    """
    y = np.asarray(flags, dtype=float)
    w = np.asarray(weights, dtype=float)
    if len(y) == 0 or w.sum() <= 0:
        return {"share": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"), "respondents": 0, "n_eff": 0.0}
    p = float((w * y).sum() / w.sum())
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    low, high = wilson(p, n_eff)
    return {"share": p, "ci_low": low, "ci_high": high, "respondents": int(len(y)), "n_eff": n_eff}


def _groups(survey: pd.DataFrame, by: str | None):
    if by is None:
        return [("all", survey)]
    if by == "sme":
        size = survey[S.size_class].astype(str)
        return [("sme", survey[size.isin(SME_CLASSES)]), ("large", survey[size == "large"])]
    if by not in ("size_class", "vsic_section", "district_code"):
        raise ParameterError(f"cannot break the survey down by {by!r}; valid: size_class, vsic_section, district_code, sme")
    order = list(SIZE_CLASSES) if by == "size_class" else sorted(survey[by].dropna().astype(str).unique())
    return [(g, survey[survey[by].astype(str) == g]) for g in order if (survey[by].astype(str) == g).any()]


def _table(survey: pd.DataFrame, by: str | None, items: dict[str, pd.Series], protected: bool = False) -> pd.DataFrame:
    rows = []
    for group, rows_of_group in _groups(survey, by):
        for item, flags in items.items():
            stats = weighted_share(flags.loc[rows_of_group.index], rows_of_group[S.weight])
            rows.append({"group": group, "item": item, **stats})
    out = pd.DataFrame(rows)
    if protected:
        # A group of 1 or 2 respondents would show their answers: hidden (disclosure rule).
        out = disclosure.hide(out, (out["respondents"] < disclosure.MIN_COUNT).to_numpy(), ["share", "ci_low", "ci_high"])
    return out.rename(columns={"group": by or "group"})


def _example() -> pd.DataFrame:
    """Four respondents of one stratum, for the examples below."""
    frame = pd.DataFrame({name: [True, True, False, False] for name in DII_INDICATORS})
    frame["erp"] = [True, False, False, False]
    frame[S.dii_score] = frame[list(DII_INDICATORS)].sum(axis=1)
    return frame.assign(weight=25.0, size_class=["micro", "micro", "small", "large"])


def indicator_shares(survey: pd.DataFrame, *, by: str | None = None, protected: bool = False) -> pd.DataFrame:
    """Weighted share of firms with each of the 12 indicators, with 95% intervals.

    Columns: the group (``by``: ``size_class``, ``vsic_section``, ``district_code`` or
    ``sme``; else ``group`` = ``all``), ``item`` (the indicator), ``share``, ``ci_low``,
    ``ci_high``, ``respondents``, ``n_eff``. ``protected=True`` hides groups of fewer
    than 3 respondents (column ``hidden``).

    >>> float(indicator_shares(_example()).set_index("item").loc["erp", "share"])
    0.25
    """
    return _table(survey, by, {name: survey[name].astype(bool) for name in DII_INDICATORS}, protected)


def level_shares(survey: pd.DataFrame, *, by: str | None = None, protected: bool = False) -> pd.DataFrame:
    """Weighted share of firms at each DII level and at least basic (4+), with 95% intervals.

    >>> level_shares(_example()).set_index("item")["share"].to_dict()
    {'very_low': 0.5, 'low': 0.0, 'high': 0.0, 'very_high': 0.5, 'at_least_basic': 0.5}
    """
    levels = dii_level(survey[S.dii_score])
    items = {name: pd.Series(np.asarray(levels) == name, index=survey.index) for name, _, _ in LEVELS}
    items["at_least_basic"] = survey[S.dii_score] >= AT_LEAST_BASIC
    return _table(survey, by, items, protected)


def score_distribution(survey: pd.DataFrame) -> pd.DataFrame:
    """Weighted share of firms at each DII score 0 to 12, with 95% intervals.

    >>> score_distribution(_example()).set_index("score").loc[["0", "11", "12"], "share"].tolist()
    [0.5, 0.25, 0.25]
    """
    items = {str(k): survey[S.dii_score] == k for k in range(13)}
    return _table(survey, None, items).rename(columns={"item": "score"})


def compare_eu(survey: pd.DataFrame, benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share at least basic for SMEs and large firms beside the EU 2023 figures and the
    2030 target, each with its source. ``benchmarks`` (``key``, ``value``, ``source``)
    defaults to the reference data's Eurostat figures.

    >>> bench = pd.DataFrame({"key": ["eu_sme_at_least_basic_2023", "eu_sme_target_2030", "eu_large_at_least_basic_2023"],
    ...                       "value": [0.5, 0.9, 0.8], "source": "example"})
    >>> compare_eu(_example(), bench)[["group", "share", "eu_2023"]].values.tolist()
    [['sme', 0.6666666666666666, 0.5], ['large', 0.0, 0.8]]
    """
    ours = level_shares(survey, by="sme")
    ours = ours[ours["item"] == "at_least_basic"].set_index("sme")
    bench = (reference.dii_benchmarks() if benchmarks is None else benchmarks).set_index("key")
    rows = []
    for group, eu_key, target_key in (("sme", "eu_sme_at_least_basic_2023", "eu_sme_target_2030"),
                                      ("large", "eu_large_at_least_basic_2023", None)):
        rows.append({
            "group": group,
            "share": ours.loc[group, "share"], "ci_low": ours.loc[group, "ci_low"], "ci_high": ours.loc[group, "ci_high"],
            "eu_2023": bench.loc[eu_key, "value"],
            "eu_target_2030": bench.loc[target_key, "value"] if target_key else float("nan"),
            "source": bench.loc[eu_key, "source"],
        })
    return pd.DataFrame(rows)
