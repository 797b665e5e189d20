"""Firms whose former district the register does not determine (a 2025 unit spanning two
districts): counted in the province, in no district, and said to be unknown."""

import pandas as pd
import pytest

from adoption.metrics import adoption as metrics
from adoption.metrics import district as district_metrics
from adoption.metrics import scope


@pytest.fixture
def firms():
    # Six head offices: three in 718, one in 719, two whose district is unknown.
    return pd.DataFrame({
        "tax_code": pd.array([f"37000000{i}" for i in range(6)], dtype="string"),
        "is_branch": [False] * 6,
        "status": pd.Categorical(["active"] * 6),
        "district_code": pd.array(["718", "718", "718", "719", None, None], dtype="string"),
        "uses_digital_platform": [True, False, True, True, True, False],
        "is_digital_tech": [False] * 6,
        "employees": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
        "in_industrial_park": [False] * 6,
        "industrial_park": [None] * 6,
        "ownership": ["state"] * 6,
        "size_class": pd.Categorical(["micro", "small", "micro", "micro", "small", "micro"]),
        "registered_on": pd.to_datetime(["2020-01-15"] * 6),
    })


def test_in_scope_of_a_district_leaves_unknown_districts_out(firms):
    assert len(scope.in_scope(firms)) == 6
    assert scope.in_scope(firms, district="718")["tax_code"].tolist() == ["370000000", "370000001", "370000002"]


def test_adoption_by_district_counts_known_districts_only(firms):
    table = metrics.adoption_by(firms, "district")
    assert table[["district_code", "firms", "adopters"]].values.tolist() == [["718", 3, 2], ["719", 1, 1]]


def test_coverage_says_how_many_districts_are_known(firms):
    row = scope.coverage(firms, ["district_code"]).iloc[0]
    assert (row["known"], row["firms"]) == (4, 6)


def test_district_profile_ranks_the_named_units_only(firms):
    table = district_metrics.district_headline(firms, "719").set_index("measure")
    # Province: 6 firms, 4 adopters; units: 718 (3 firms) and 719 (1 firm), no "unknown" unit.
    assert table.loc["enterprises", ["district", "province", "rank", "units"]].tolist() == [1, 6, 2, 2]
    assert table.loc["adoption_rate", "rank"] == 1  # 719: 1 of 1; 718: 2 of 3


def test_mix_and_adoption_over_time_of_a_district(firms):
    mix = district_metrics.mix(firms, "718", "size_class").set_index("size_class")
    assert mix.loc["micro", ["district_firms", "province_firms"]].tolist() == [2, 4]
    platforms = pd.DataFrame({"tax_code": pd.array(["370000000", "370000004"], dtype="string"),
                              "platform": ["ecommerce", "ecommerce"], "adopted_on": pd.to_datetime(["2021-03-01"] * 2)})
    series = metrics.adoption_over_time(firms, platforms, district="718")
    assert (series["firms"].iloc[-1], series["adopters"].iloc[-1]) == (3, 1)


def test_a_units_mix_hides_its_groups_of_one_or_two_firms():
    """Unit 718: 4 micro firms and 1 small one (hidden, and micro with it: the unit's total
    of 5 is in the profile's headline); the area's one large firm hides the area's share."""
    from adoption.report.district import mix_table

    firms = pd.DataFrame({"district_code": ["718"] * 5 + ["719"] * 4,
                          "size_class": pd.Categorical(["micro"] * 4 + ["small"] + ["micro"] * 3 + ["large"])})
    table = district_metrics.mix(firms, "718", "size_class", protected=True).set_index("size_class")
    assert table.loc["small", ["district_firms", "district_share", "difference_pp"]].isna().all()
    assert table.loc["micro", ["district_firms", "district_share"]].isna().all()
    assert table.loc["large", "district_firms"] == 0 and pd.isna(table.loc["large", "province_share"])
    shown = mix_table(firms, "718", "size_class", "en").data
    assert "1" not in shown.iloc[:, 1].tolist() and "x" in shown.iloc[:, 1].tolist()
