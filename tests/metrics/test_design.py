"""Design-based estimates against independent computations: statsmodels' Wilson interval,
samplics' Taylor-linearised domain estimates, and hand-worked examples."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from adoption.metrics import intensity
from adoption.metrics.design import domain_share, quality_letter, wilson


@pytest.mark.parametrize("yes, n", [(0, 10), (3, 10), (50, 100), (999, 1000), (1234, 4006)])
def test_wilson_is_statsmodels_wilson(yes, n):
    low, high = proportion_confint(yes, n, alpha=0.05, method="wilson")
    assert wilson(yes / n, n) == pytest.approx((low, high), abs=1e-12)


def test_a_domain_of_take_all_strata_is_a_census():
    # Large firms: 5 of 5 surveyed (weight 1); micro firms: 4 of 40 (weight 10).
    strata = ["large"] * 5 + ["micro"] * 4
    weights = [1.0] * 5 + [10.0] * 4
    y = [1, 1, 1, 0, 1, 1, 0, 0, 0]
    large = domain_share(y, [True] * 5 + [False] * 4, weights, strata)
    assert (large["share"], large["se"], large["method"], large["quality"]) == (0.8, 0.0, "census", "")
    assert math.isnan(large["ci_low"]) and math.isnan(large["ci_high"]) and math.isnan(large["cv"])
    everyone = domain_share(y, [True] * 9, weights, strata)
    # (4 + 10) / (5 + 40): the micro stratum brings sampling error
    assert everyone["share"] == pytest.approx(14 / 45) and everyone["se"] > 0 and everyone["method"] != "census"


def test_quality_letters_follow_statistics_canada():
    assert [quality_letter(cv) for cv in (0.01, 0.07, 0.149, 0.2, 0.349, 0.5)] == ["A", "B", "C", "D", "E", "F"]


def _samplics(y, domain, weights, strata):
    samplics = pytest.importorskip("samplics")
    population = pd.Series(weights).groupby(np.asarray(strata)).sum().round()
    sampled = pd.Series(1.0, index=range(len(y))).groupby(np.asarray(strata)).sum()
    fpc = {h: 1 - sampled[h] / population[h] for h in population.index}
    estimator = samplics.TaylorEstimator(samplics.PopParam.prop)
    estimator.estimate(y=np.asarray(y, dtype=int), samp_weight=np.asarray(weights), stratum=np.asarray(strata),
                       fpc=fpc, domain=np.asarray(domain))
    return estimator.point_est, estimator.stderror


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("by", ["size_class", "vsic_section"])
def test_domain_estimates_match_samplics(default_data, by):
    survey = default_data.survey
    got = intensity.level_shares(survey, by=by)
    got = got[got["item"] == "at_least_basic"].set_index(by)
    y = (survey["dii_score"] >= 4).to_numpy()
    domain = survey[by].astype(object).fillna("unknown").astype(str).to_numpy()
    shares, errors = _samplics(y, domain, survey["weight"].to_numpy(), survey["stratum"].astype(str).to_numpy())
    compared = 0
    for group, row in got.iterrows():
        expected_share = shares[group].get(1, 0.0)
        assert row["share"] == pytest.approx(expected_share, rel=1e-9), group
        if row["method"] != "census" and not math.isnan(errors[group].get(1, float("nan"))):
            assert row["se"] == pytest.approx(errors[group][1], rel=1e-7, abs=1e-12), group
            compared += 1
    assert compared >= 3


def test_large_firms_are_a_census_in_the_default_survey(default_data):
    by_size = intensity.level_shares(default_data.survey, by="size_class")
    large = by_size[(by_size["size_class"] == "large") & (by_size["item"] == "at_least_basic")].iloc[0]
    survey = default_data.survey
    large_strata = survey.loc[survey["size_class"] == "large", "stratum"].unique()
    in_strata = survey[survey["stratum"].isin(large_strata)]
    take_all = bool((in_strata.groupby("stratum")["weight"].max() == 1.0).all())
    assert (large["method"] == "census") == take_all


def test_sampled_strata_of_one_respondent_are_collapsed_for_the_variance():
    # Two wards' micro firms, 10 each, one surveyed in each (weight 10): alone, neither
    # stratum has a variance. Collapsed: p = 10 / 20 = 1/2; u = w (y - 1/2) / 20 = +-1/4,
    # mean 0, sum of squares 1/8; each own fpc 1 - 1/10 and n/(n-1) = 2: var = 0.9 * 2 / 8.
    # A take-all stratum of one large firm (weight 1) adds nothing and joins no one.
    got = domain_share([1, 0, 1], [True, True, False], [10.0, 10.0, 1.0], ["25840|micro", "25760|micro", "25747|large"])
    assert got["share"] == pytest.approx(0.5)
    assert got["se"] == pytest.approx(math.sqrt(0.9 * 2 / 8))
    # A lone one joins the smallest sampled stratum of its size class: 25747|micro holds
    # 2 of 20 (weight 10). p = 1/3; u = 10 (y - 1/3) / 30 = 2/9, -1/9, -1/9, mean 0, sum of
    # squares 6/81; fpc 0.9 for all three, n/(n-1) = 3/2: var = 0.9 * 1.5 * 6/81 = 0.1.
    got = domain_share([1, 0, 0], [True] * 3, [10.0] * 3, ["25840|micro", "25747|micro", "25747|micro"])
    assert got["se"] == pytest.approx(math.sqrt(0.1))
