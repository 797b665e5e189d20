"""Digital intensity (Eurostat DII, version 3) from the stratified technology survey.

The survey is a sample, so every share is a design-based estimate: a domain share with
its linearised variance over the strata, the finite-population correction, its
coefficient of variation and quality letter, and a 95% interval (Wilson's where the
normal one breaks down; none for a census). See :mod:`adoption.metrics.design`. Levels:
0-3 very low, 4-6 low, 7-9 high, 10-12 very high; "at least basic" is 4 or more
(reference_data/SOURCES.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import reference
from ..core.errors import ParameterError
from ..core.schema import DII_INDICATORS, Survey as S
from ..core.sizes import SIZE_CLASSES
from . import disclosure
from .design import TOO_UNRELIABLE, domain_share

LEVELS = (("very_low", 0, 3), ("low", 4, 6), ("high", 7, 9), ("very_high", 10, 12))
AT_LEAST_BASIC = 4
SME_CLASSES = ("micro", "small", "medium")
ESTIMATE_COLUMNS = ["share", "ci_low", "ci_high", "cv", "quality", "method"]


def dii_level(score: pd.Series) -> pd.Categorical:
    """The DII level of each score.

    >>> dii_level(pd.Series([0, 4, 9, 12])).tolist()
    ['very_low', 'low', 'high', 'very_high']
    """
    labels = [name for name, _, _ in LEVELS]
    return pd.Categorical(pd.cut(score, bins=[-1, 3, 6, 9, 12], labels=labels), categories=labels, ordered=True)


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
    """Each item's share in each group, every group estimated as a domain of the whole sample."""
    rows = []
    for group, rows_of_group in _groups(survey, by):
        in_group = survey.index.isin(rows_of_group.index)
        for item, flags in items.items():
            stats = domain_share(flags.to_numpy(dtype=float), in_group, survey[S.weight], survey[S.stratum].astype(str))
            rows.append({"group": group, "item": item, **stats})
    out = pd.DataFrame(rows)
    if protected:
        # A group of 1 or 2 respondents would show their answers (disclosure rule); an
        # estimate of quality F is too unreliable to publish: both hidden.
        hide = (out["respondents"] < disclosure.MIN_COUNT) | (out["quality"] == TOO_UNRELIABLE)
        out = disclosure.hide(out, hide.to_numpy(), ["share", "ci_low", "ci_high", "cv"])
    return out.rename(columns={"group": by or "group"})


def _example() -> pd.DataFrame:
    """Four respondents of one stratum, for the examples below."""
    frame = pd.DataFrame({name: [True, True, False, False] for name in DII_INDICATORS})
    frame["erp"] = [True, False, False, False]
    frame[S.dii_score] = frame[list(DII_INDICATORS)].sum(axis=1)
    return frame.assign(weight=25.0, stratum="all", size_class=["micro", "micro", "small", "large"])


def indicator_shares(survey: pd.DataFrame, *, by: str | None = None, protected: bool = False) -> pd.DataFrame:
    """Weighted share of firms with each of the 12 indicators, with 95% intervals.

    Columns: the group (``by``: ``size_class``, ``vsic_section``, ``district_code`` or
    ``sme``; else ``group`` = ``all``), ``item`` (the indicator), ``share``, ``se``,
    ``cv``, ``quality``, ``ci_low``, ``ci_high``, ``method``, ``respondents``, ``n_eff``
    (see :func:`adoption.metrics.design.domain_share`). ``protected=True`` hides groups of
    fewer than 3 respondents and estimates of quality F (column ``hidden``).

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


def eu_benchmarks() -> pd.DataFrame:
    """The EU figures the survey is set against (Eurostat DII version 3, 2023) and the 2030
    target: ``key``, ``value``, ``label_en``, ``label_vi``, ``source``."""
    return reference.dii_benchmarks()


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
            **{column: ours.loc[group, column] for column in ESTIMATE_COLUMNS},
            "eu_2023": bench.loc[eu_key, "value"],
            "eu_target_2030": bench.loc[target_key, "value"] if target_key else float("nan"),
            "source": bench.loc[eu_key, "source"],
        })
    return pd.DataFrame(rows)
