"""Metrics against independent calculations on the default data."""

import pandas as pd
import pytest

from adoption import metrics
from adoption.errors import ParameterError


@pytest.fixture(scope="module")
def firms(default_data):
    return metrics.in_scope(default_data.enterprises)


def test_in_scope_is_active_head_offices(default_data, firms):
    enterprises = default_data.enterprises
    expected = enterprises[(enterprises["status"].astype(str) == "active") & (~enterprises["tax_code"].str.contains("-"))]
    assert set(firms["tax_code"]) == set(expected["tax_code"])


def test_compare_published_reproduces_the_article(firms):
    table = metrics.compare_published(firms).set_index("key")
    for key in ("enterprises", "adopters", "digital_tech_firms", "digital_tech_workers"):
        assert table.loc[key, "difference"] == 0, key
    assert abs(table.loc["ip_workers", "relative_difference"]) <= 0.02


@pytest.mark.parametrize("dimension", ["district", "vsic_section", "size_class", "ownership", "in_industrial_park"])
def test_adoption_by_adds_up_and_matches_a_plain_count(firms, dimension):
    table = metrics.adoption_by(firms, dimension)
    assert table["firms"].sum() == len(firms.dropna(subset=["district_code" if dimension == "district" else dimension]))
    key = table.columns[0]
    manual = firms.groupby(firms[key].astype(str))["uses_digital_platform"].mean()
    for group, rate in zip(table[key].astype(str), table["adoption_rate"]):
        assert rate == pytest.approx(manual[group])


def test_adoption_by_district_in_code_order(firms):
    table = metrics.adoption_by(firms, "district")
    assert table["district_code"].tolist() == [str(c) for c in range(718, 727)]


def test_district_filter(default_data):
    one = metrics.in_scope(default_data.enterprises, district="TX. Bến Cát")
    assert set(one["district_code"]) == {"721"}
    assert 0 < len(one) < 65_000


def test_unknown_district_lists_valid_values():
    with pytest.raises(ParameterError, match=r"valid values: 718 \(Thủ Dầu Một\)"):
        metrics.resolve_district("Quận 1")


def test_unknown_dimension():
    with pytest.raises(ParameterError, match="valid dimensions"):
        metrics.adoption_by(pd.DataFrame({"x": [1]}), "colour")
