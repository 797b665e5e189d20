"""Workforce and training against hand calculations and the default data."""

import pandas as pd
import pytest

from adoption import metrics, workforce
from adoption.clean import clean_workforce
from adoption.errors import ParameterError

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


def test_budget_per_enterprise_and_worker(default_data):
    firms = metrics.in_scope(default_data.enterprises)
    table = workforce.budget(firms, default_data.workforce).set_index("year")
    assert table.loc[2022, "per_enterprise_vnd"] == pytest.approx(30e9 / 65_000)
    assert table.loc[2023, "per_enterprise_vnd"] == pytest.approx(50e9 / 65_000)
    workers = default_data.workforce.groupby("period")["workers"].sum().mean()
    assert table.loc[2023, "per_worker_vnd"] == pytest.approx(50e9 / workers)
    assert "Báo Bình Dương" in table.loc[2022, "source"]


def test_clean_workforce_spellings_and_rejects():
    raw = pd.DataFrame({
        "industrial_park": ["Khu công nghiệp Sóng Thần 2", "KCN VSIP X", "KCN Bình Đường", ""],
        "district": ["TP. Dĩ An", "Thuận An", "Dĩ An", "Dĩ An"],
        "period": ["Quý 1/2023", "2023-Q2", "Q5/2023", "2023-Q1"],
        "workers": ["1.200", "300", "10", "5"], "workers_trained": ["600", "400", "1", "1"],
        "training_hours": ["7.800", "10", "1", "1"],
        "source_file": "w.csv", "source_sheet": "", "source_row": [2, 3, 4, 5],
    })
    stage = clean_workforce(raw)
    assert stage.clean[["industrial_park", "district_code", "period", "workers"]].values.tolist() == [
        ["KCN Sóng Thần 2", "724", "2023-Q1", 1200]]
    assert stage.rejects.set_index("source_row")["reason_code"].to_dict() == {
        3: "value_invalid", 4: "period_invalid", 5: "name_missing"}


def test_protected_park_table_on_default_data(default_data):
    firms = metrics.in_scope(default_data.enterprises)
    table = workforce.protect_parks(workforce.training(default_data.workforce, by="industrial_park"), firms)
    parks = firms[firms["industrial_park"].notna()].groupby("industrial_park")
    small = parks.size()[parks.size() < 3].index
    assert table.set_index("industrial_park").loc[list(small), "hidden"].all() if len(small) else True
    shown = table[~table["hidden"]]
    assert shown["workers"].notna().all() and table.loc[table["hidden"], "workers"].isna().all()
    assert table["hidden"].sum() != 1  # a single hidden park could be recomputed from the total
