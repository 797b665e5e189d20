"""Digital intensity estimates against independent calculations."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from adoption.clean.survey import clean_survey
from adoption.clean.tax_code import check_digit
from adoption.core.schema import DII_INDICATORS, validate
from adoption.metrics import intensity


def _register(strata: dict[str, int]) -> pd.DataFrame:
    rows = []
    for stratum, count in strata.items():
        district, size = stratum.split("|")
        for i in range(count):
            rows.append({"tax_code": f"{stratum}-{i}", "status": "active", "is_branch": False,
                         "district_code": district, "size_class": size, "vsic_section": "C"})
    frame = pd.DataFrame(rows)
    valid = (f"37{n:07d}" + check_digit(f"37{n:07d}") for n in range(1, 10_000) if check_digit(f"37{n:07d}"))
    frame["tax_code"] = [next(valid) for _ in range(len(frame))]
    return frame


def test_hand_worked_stratified_example():
    # Stratum 718|micro: 100 firms, 4 sampled, 2 answer yes -> weight 100/4 = 25, fpc 1 - 4/100.
    # Stratum 724|large: 20 firms, 2 sampled, both yes      -> weight 20/2 = 10, fpc 1 - 2/20.
    # Share: (2*25 + 2*10) / (4*25 + 2*10) = 70/120 = 7/12.
    # Linearised: u = w (y - 7/12) / 120. In 718|micro u = 125/1440 (yes) or -175/1440 (no),
    # mean -25/1440, deviations +-150/1440: sum of squares 4 * 150^2 / 1440^2 = 1/23.04;
    # times fpc 0.96 and n/(n-1) = 4/3: 1/18. In 724|large both u are equal: 0.
    # Variance 1/18; CV sqrt(1/18) / (7/12) = 0.404: quality F. Design n_eff =
    # p(1-p)/var = (35/144) * 18 = 4.375, and min(p, 1-p) * n_eff = 1.82 < 5: Wilson.
    register = _register({"718|micro": 100, "724|large": 20})
    codes = list(register["tax_code"].iloc[:4]) + list(register["tax_code"].iloc[100:102])
    answers = ["Có", "Có", "Không", "Không", "Có", "Có"]
    raw = pd.DataFrame({"tax_code": codes, "stratum": ["718|micro"] * 4 + ["724|large"] * 2, "weight": [""] * 6,
                        "source_file": "s.csv", "source_sheet": "", "source_row": range(2, 8)})
    for name in DII_INDICATORS:
        raw[name] = "Không"
    raw["erp"] = answers
    stage, _ = clean_survey(raw, register)
    assert stage.clean["weight"].tolist() == [25.0] * 4 + [10.0] * 2
    got = intensity.indicator_shares(stage.clean).set_index("item").loc["erp"]
    p, n = 7 / 12, 4.375
    z = 1.959963984540054
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert got["share"] == pytest.approx(p)
    assert got["se"] == pytest.approx(math.sqrt(1 / 18))
    assert got["cv"] == pytest.approx(math.sqrt(1 / 18) / p)
    assert (got["quality"], got["method"]) == ("F", "wilson")
    assert got["n_eff"] == pytest.approx(n)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((centre - half, centre + half))
    protected = intensity.indicator_shares(stage.clean, protected=True).set_index("item").loc["erp"]
    assert protected["hidden"] and math.isnan(protected["share"])  # quality F is not published


def test_survey_weights_add_up_to_the_population(default_data):
    survey = default_data.survey
    assert 3_900 <= len(survey) <= 4_100
    firms = default_data.enterprises
    scope = firms[(firms["status"] == "active") & ~firms["is_branch"] & firms["size_class"].notna()]
    # A surveyed firm whose size class the register lacks counts in the stratum its row gives.
    unsized = survey["size_class"].isna().sum()
    assert 0 < unsized < 10
    assert survey["weight"].sum() == pytest.approx(len(scope) + unsized)
    large = survey[survey["size_class"] == "large"]
    assert len(large) == (scope["size_class"] == "large").sum()  # every large firm taken
    assert (large["weight"] == 1).all()


def test_levels_partition_each_group(default_data):
    table = intensity.level_shares(default_data.survey, by="size_class")
    levels = table[table["item"] != "at_least_basic"]
    sums = levels.groupby("size_class")["share"].sum()
    assert np.allclose(sums, 1.0)
    basic = table[table["item"] == "at_least_basic"].set_index("size_class")["share"]
    assert basic["micro"] < basic["small"] < basic["medium"] < basic["large"]
    sampled = table[table["method"] != "census"]
    assert (sampled["ci_low"] <= sampled["share"]).all() and (sampled["share"] <= sampled["ci_high"]).all()
    census = table[table["method"] == "census"]
    assert (census["size_class"] == "large").all() and census["ci_low"].isna().all()


def test_at_least_basic_matches_a_direct_weighted_mean(default_data):
    survey = default_data.survey
    table = intensity.level_shares(survey)
    got = table.set_index("item").loc["at_least_basic", "share"]
    expected = np.average(survey["dii_score"] >= 4, weights=survey["weight"])
    assert got == pytest.approx(expected)


def test_indicator_shares_by_section(default_data):
    table = intensity.indicator_shares(default_data.survey, by="vsic_section")
    assert set(table["item"]) == set(DII_INDICATORS)
    assert table["share"].between(0, 1).all()


def test_compare_with_the_eu_on_hand_made_benchmarks():
    # Four SME respondents (weight 25): scores 11, 11, 0, 0 -> half at least basic; one
    # large firm (weight 1) with score 12.
    survey = pd.DataFrame({name: [True, True, False, False, True] for name in DII_INDICATORS})
    survey.loc[[0, 1], "erp"] = False
    survey["dii_score"] = survey[list(DII_INDICATORS)].sum(axis=1)
    survey["weight"] = [25.0, 25.0, 25.0, 25.0, 1.0]
    survey["size_class"] = ["micro", "small", "small", "medium", "large"]
    survey["stratum"] = ["sme"] * 4 + ["large"]
    benchmarks = pd.DataFrame({
        "key": ["eu_sme_at_least_basic_2023", "eu_sme_target_2030", "eu_large_at_least_basic_2023"],
        "value": [0.4, 0.75, 0.6], "source": ["source A", "source B", "source C"],
    })
    table = intensity.compare_eu(survey, benchmarks).set_index("group")
    assert table.loc["sme", "share"] == pytest.approx(0.5) and table.loc["large", "share"] == pytest.approx(1.0)
    assert table.loc["sme", "eu_2023"] == 0.4 and table.loc["large", "eu_2023"] == 0.6
    assert table.loc["sme", "eu_target_2030"] == 0.75 and math.isnan(table.loc["large", "eu_target_2030"])
    assert table["source"].tolist() == ["source A", "source C"]
    # The one large firm is its stratum's whole population (weight 1): a census.
    assert table.loc["large", "method"] == "census" and math.isnan(table.loc["large", "ci_low"])


def test_eu_benchmarks_shipped_with_their_source():
    from adoption.core import reference

    bench = reference.dii_benchmarks()
    assert bench["value"].between(0, 1).all()
    assert bench["source"].str.strip().astype(bool).all()
    assert bench.set_index("key").loc["eu_sme_at_least_basic_2023", "source"].startswith("Eurostat")
    assert {"eu_sme_at_least_basic_2023", "eu_sme_target_2030", "eu_large_at_least_basic_2023"} <= set(bench["key"])


def test_surveyed_firm_missing_from_register_is_rejected():
    register = _register({"718|micro": 5})
    raw = pd.DataFrame({"tax_code": ["3700145020"], "stratum": ["718|micro"], "weight": [""],
                        "source_file": "s.csv", "source_sheet": "", "source_row": [2]})
    for name in DII_INDICATORS:
        raw[name] = "1"
    stage, _ = clean_survey(raw, register)
    assert stage.clean.empty
    assert stage.rejects["reason_code"].tolist() == ["not_in_register"]


def test_protected_survey_tables_hide_tiny_groups():
    # Section C: 4 respondents (shown); section J: 2 respondents (hidden, 1 or 2 firms
    # would show their own answers); section G: 3 respondents (shown).
    survey = pd.DataFrame({name: [True, False, True, False, True, True, False, True, False] for name in DII_INDICATORS})
    survey["dii_score"] = survey[list(DII_INDICATORS)].sum(axis=1)
    survey["weight"] = 10.0
    survey["vsic_section"] = ["C"] * 4 + ["J"] * 2 + ["G"] * 3
    survey["stratum"] = "all"
    table = intensity.level_shares(survey, by="vsic_section", protected=True)
    assert table.loc[table["vsic_section"] == "J", "hidden"].all()
    assert table.loc[table["vsic_section"] == "J", ["share", "ci_low", "ci_high"]].isna().all().all()
    # Sections C and G: shown unless the estimate is too unreliable to publish (quality F).
    others = table[table["vsic_section"] != "J"]
    assert (others["hidden"] == (others["quality"] == "F")).all()
    assert others.loc[~others["hidden"], "share"].notna().all()
    unprotected = intensity.level_shares(survey, by="vsic_section").set_index(["vsic_section", "item"])
    assert unprotected.loc[("C", "at_least_basic"), "share"] == pytest.approx(0.5)
    assert unprotected.loc[("C", "at_least_basic"), "quality"] == "F"  # 4 answers: CV far above 35%


def test_score_distribution_matches_weighted_counts(default_data):
    survey = default_data.survey
    table = intensity.score_distribution(survey).set_index("score")
    assert table["share"].sum() == pytest.approx(1.0)
    for score in (0, 4, 12):
        expected = np.average(survey["dii_score"] == score, weights=survey["weight"])
        assert table.loc[str(score), "share"] == pytest.approx(expected)


def test_a_surveyed_firm_whose_vsic_2018_section_is_unknown_keeps_a_null_section():
    # A firm registered with a VSIC 2025 code that the conversion places in no single 2018
    # section (6039 takes 2018 4791 and 6312, sections G and J).
    register = _register({"718|micro": 3})
    register["vsic_section"] = pd.array(["C", None, "G"], dtype="string")
    raw = pd.DataFrame({"tax_code": register["tax_code"], "stratum": "718|micro", "weight": "",
                        "source_file": "s.csv", "source_sheet": "", "source_row": range(2, 5)})
    for name in DII_INDICATORS:
        raw[name] = "Có"
    stage, _ = clean_survey(raw, register)
    assert stage.clean["vsic_section"].isna().tolist() == [False, True, False]
    validate(stage.clean, "survey")
