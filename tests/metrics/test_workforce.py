"""Workforce and training against hand calculations and the default data."""

import pandas as pd
import pytest

from adoption.clean.workforce import clean_workforce
from adoption.core.errors import ParameterError
from adoption.metrics import workforce
from adoption.metrics.scope import in_scope

# By hand: park A (718) 100 workers in Q1 and Q2; park B (724) 300 workers in Q1 and Q2.
# Required per quarter: workers x 13 h. A: 2 x 1,300 = 2,600 h; B: 2 x 3,900 = 7,800 h.
# Delivered: A 650 + 390 = 1,040 h (coverage 0.4); B 3,900 + 3,900 = 7,800 h (1.0).
RECORDS = pd.DataFrame({
    "industrial_park": ["A", "A", "B", "B"], "district_code": ["718", "718", "724", "724"],
    "period": ["2023-Q1", "2023-Q2", "2023-Q1", "2023-Q2"], "workers": [100, 100, 300, 300],
    "workers_trained": [50, 30, 300, 150], "training_hours": [650, 390, 3900, 3900],
})


def test_hand_worked_by_park():
    table = workforce.training(RECORDS, by="industrial_park").set_index("industrial_park")
    assert table.loc["A", "hours_required"] == 2_600 and table.loc["B", "hours_required"] == 7_800
    assert table.loc["A", "coverage"] == pytest.approx(0.4) and table.loc["B", "coverage"] == pytest.approx(1.0)
    assert table.loc["A", "gap_hours"] == 1_560 and table.loc["B", "gap_hours"] == 0
    assert table.loc["A", "share_trained"] == pytest.approx(0.4)  # (50 + 30) / 2 quarters / 100 workers
    assert table.loc["B", "gap_workers"] == pytest.approx(75)     # 300 - (300 + 150) / 2


def test_worker_quarters_and_the_13_hour_bound_by_hand():
    # A: 50 trained with 650 h, then 30 with 390 h: 80 worker-quarters, 40 a quarter,
    # 1,040 / 80 = 13 h each; at most min(50, 650 / 13 = 50) + min(30, 390 / 13 = 30) = 80
    # of 200 worker-quarters had 13 h (0.4).
    # B: 300 trained with 3,900 h, then 150 with 3,900 h: 450 worker-quarters (more than
    # B's 300 workers), 225 a quarter, 7,800 / 450 = 17.3 h each; at most min(300, 300) +
    # min(150, 300) = 450 of 600 (0.75), though coverage is 1.0: in Q2 the hours went to
    # 150 workers only.
    table = workforce.training(RECORDS, by="industrial_park").set_index("industrial_park")
    assert table["worker_quarters_trained"].tolist() == [80, 450]
    assert table["trained_per_quarter"].tolist() == [40, 225]
    assert table["hours_per_trained"].tolist() == pytest.approx([13, 7_800 / 450])
    assert table["share_13h_at_most"].tolist() == pytest.approx([0.4, 0.75])
    assert table.loc["B", "worker_quarters_trained"] > table.loc["B", "workers"]
    # The province: 530 worker-quarters, (80 + 450) / 800 worker-quarters at most.
    total = workforce.training(RECORDS).iloc[0]
    assert total["worker_quarters_trained"] == 530 and total["trained_per_quarter"] == 265
    assert total["share_13h_at_most"] == pytest.approx(530 / 800)
    # By quarter, the bound is taken park by park: Q2 pooled would give min(180, 4,290 / 13
    # = 330) = 180, the parks min(30, 30) + min(150, 300) = 180 too; Q1: 50 + 300 = 350.
    by_quarter = workforce.training(RECORDS, by="period").set_index("period")
    assert by_quarter["share_13h_at_most"].tolist() == pytest.approx([350 / 400, 180 / 400])


def test_hand_worked_province_and_quarter():
    total = workforce.training(RECORDS).iloc[0]
    assert total["workers"] == 400 and total["hours_required"] == 10_400 and total["hours_delivered"] == 8_840
    by_quarter = workforce.training(RECORDS, by="period").set_index("period")
    assert by_quarter.loc["2023-Q1", "hours_required"] == 5_200
    assert by_quarter.loc["2023-Q2", "hours_delivered"] == 4_290


def test_unknown_breakdown():
    with pytest.raises(ParameterError, match="valid: industrial_park, district, period"):
        workforce.training(RECORDS, by="colour")


def test_default_workforce_records(default_data):
    records = default_data.workforce
    assert records["industrial_park"].nunique() == 29
    assert sorted(records["period"].unique()) == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    total = workforce.training(records).iloc[0]
    assert abs(total["workers"] - 1_200_000) <= 0.02 * 1_200_000
    assert total["hours_required"] == pytest.approx(records["workers"].sum() * 13)
    by_district = workforce.training(records, by="district")
    assert by_district["hours_delivered"].sum() == pytest.approx(records["training_hours"].sum())


def test_budget_per_enterprise_and_worker_by_hand():
    # The register's year is 2023 (its latest registration). Firms registered by the end
    # of 2022: the 2015, 2019 and 2022-12-31 ones (3; the undated one cannot be placed);
    # in 2023, all 5 in scope. Workers: 10 + 20 + 30 + 40 + 0 of the undated firm with
    # no staff known = 100, the register's figure for 2023 only, used for both years.
    firms = pd.DataFrame({"employees": pd.array([10, 20, 30, 40, None], dtype="Int64"),
                          "registered_on": pd.to_datetime(["2015-01-01", "2019-06-30", "2022-12-31", "2023-01-01", None])})
    published = pd.DataFrame({"key": ["dt_budget_2022", "dt_budget_2023"], "value": [3_000, 6_000], "year": [2022, 2023],
                              "label_vi": "ngân sách", "label_en": "budget", "source": ["source 22", "source 23"]})
    table = workforce.budget(firms, published).set_index("year")
    assert table["enterprises"].tolist() == [3, 5] and table["enterprises_year"].tolist() == [2022, 2023]
    assert table["per_enterprise_vnd"].tolist() == [1_000, 1_200]
    assert table["workers"].tolist() == [100, 100] and table["workers_year"].tolist() == [2023, 2023]
    assert table["per_worker_vnd"].tolist() == [30, 60]
    assert table.loc[2023, "source"] == "source 23"
    # A budget year after the register's: the register's count, and its year said.
    later = published.assign(year=[2024, 2025])
    assert workforce.budget(firms, later)["enterprises_year"].tolist() == [2023, 2023]
    # No registration dates at all: every firm in scope, the year unknown.
    undated = workforce.budget(firms.assign(registered_on=pd.NaT), published)
    assert undated["enterprises"].tolist() == [5, 5] and undated["enterprises_year"].isna().all()


def test_budget_table_names_each_denominator(default_data):
    from adoption.report.tables import budget_table

    firms = in_scope(default_data.enterprises)
    rows = budget_table(workforce.budget(firms), "en").data
    registered = firms["registered_on"]
    by_2022 = (registered < pd.Timestamp("2023-01-01")).sum()
    assert rows.iloc[0, 3] == f"{by_2022:,} (registered by 31 Dec 2022, not recorded as closed in the 2023 register)"
    assert rows.iloc[1, 3] == f"{len(firms):,} (in scope in the 2023 register)"
    assert rows.iloc[0, 5].endswith("inside and outside industrial parks, in the 2023 register)")


def test_park_workers_by_source_on_the_default_data(default_data):
    firms = in_scope(default_data.enterprises)
    table = workforce.park_workers(firms, default_data.workforce).set_index("figure")
    records = default_data.workforce
    assert table.loc["records", "workers"] == records.groupby("period")["workers"].sum().mean()
    assert table.loc["records", ["quarters", "first_period", "last_period"]].tolist() == [4, "2023-Q1", "2023-Q4"]
    parks = firms[firms["industrial_park"].notna()]
    assert table.loc["register", "workers"] == parks["employees"].sum() and table.loc["register", "firms"] == len(parks)
    assert table.loc["published", "workers"] == 1_200_000 and "Báo Bình Dương" in table.loc["published", "source"]
    assert table.loc["records", "source"] == ", ".join(sorted(records["source_file"].unique()))
    # The synthetic records and register are both near 1.2 million, but not the same figure.
    assert table.loc["records", "workers"] != table.loc["register", "workers"]


def test_park_workers_without_records_or_parks():
    firms = pd.DataFrame({"employees": pd.array([5], dtype="Int64"), "in_industrial_park": [None], "source_file": "a.csv"})
    assert workforce.park_workers(firms)["figure"].tolist() == ["published"]


def test_clean_workforce_spellings_and_rejects():
    raw = pd.DataFrame({
        "industrial_park": ["Khu công nghiệp Sóng Thần 2", "KCN VSIP X", "KCN Bình Đường", ""],
        "district": ["TP. Dĩ An", "Thuận An", "Dĩ An", "Dĩ An"],
        "period": ["Quý 1/2023", "2023-Q2", "Q5/2023", "2023-Q1"],
        "workers": ["1.200", "300", "10", "5"], "workers_trained": ["600", "400", "1", "1"],
        "training_hours": ["7.800", "10", "1", "1"],
        "source_file": "w.csv", "source_sheet": "", "source_row": [2, 3, 4, 5],
    })
    stage, merges = clean_workforce(raw)
    assert merges.empty
    assert stage.clean[["industrial_park", "district_code", "period", "workers"]].values.tolist() == [
        ["KCN Sóng Thần 2", "724", "2023-Q1", 1200]]
    assert stage.rejects.set_index("source_row")["reason_code"].to_dict() == {
        3: "value_invalid", 4: "period_invalid", 5: "name_missing"}


def test_protected_park_table_by_hand():
    # Park A: 3 firms, none dominant -> shown. Parks B and E: 2 firms each -> hidden (count).
    # Park C: 4 firms, one holds 950 of 1,000 workers -> hidden (dominance).
    # Park D: 5 firms of equal size -> shown. Then the audit: C's two largest firms hold
    # 970, so C must stay uncertain up to 970 / 0.85 = 1,141.2 workers; with A and D shown,
    # C <= 1,740 - 300 - 300 = 1,140, short by 1.2: the smaller of A and D (a tie: the first,
    # A) is hidden too, and C may then reach 1,440.
    firms = pd.DataFrame({
        "industrial_park": ["A"] * 3 + ["B"] * 2 + ["C"] * 4 + ["D"] * 5 + ["E"] * 2,
        "employees": [100, 100, 100, 40, 40, 950, 20, 20, 10] + [60] * 5 + [30, 30],
    })
    table = pd.DataFrame({"industrial_park": list("ABCDE"), "workers": [300.0, 80.0, 1000.0, 300.0, 60.0]})
    protected = workforce.protect_parks(table, firms).set_index("industrial_park")
    assert protected["hidden"].to_dict() == {"A": True, "B": True, "C": True, "D": False, "E": True}
    assert protected.loc[["A", "B", "C", "E"], "workers"].isna().all() and protected.loc["D", "workers"] == 300


def test_a_single_hidden_park_takes_another_with_it():
    # Only park B is small: hiding it alone would let a reader subtract it from the total,
    # so the smallest other park (A) is hidden too.
    firms = pd.DataFrame({"industrial_park": ["A"] * 3 + ["B"] * 2 + ["D"] * 5, "employees": [30] * 3 + [40] * 2 + [60] * 5})
    table = pd.DataFrame({"industrial_park": ["A", "B", "D"], "workers": [90.0, 80.0, 300.0]})
    hidden = workforce.protect_parks(table, firms).set_index("industrial_park")["hidden"].to_dict()
    assert hidden == {"A": True, "B": True, "D": False}


def test_park_without_firms_in_the_register_is_hidden():
    firms = pd.DataFrame({"industrial_park": ["A"] * 3, "employees": [10, 10, 10]})
    table = pd.DataFrame({"industrial_park": ["A", "Z"], "workers": [30.0, 50.0]})
    assert workforce.protect_parks(table, firms)["hidden"].tolist() == [False, True]


def test_protected_park_table_on_the_small_register(small_data):
    # The scaled-down register has parks with one or two firms: they must be hidden.
    firms = in_scope(small_data.enterprises)
    table = workforce.protect_parks(workforce.training(small_data.workforce, by="industrial_park"), firms)
    counts = firms.groupby("industrial_park").size()
    small = set(counts[counts < 3].index)
    assert small, "the small register should have parks of fewer than 3 firms"
    hidden = set(table.loc[table["hidden"], "industrial_park"])
    assert small <= hidden
    assert table.loc[table["hidden"], "workers"].isna().all() and table.loc[~table["hidden"], "workers"].notna().all()
