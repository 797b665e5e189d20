"""Sector tables in either classification, with the firms they cannot place as a row."""

import pandas as pd
import pytest

from adoption.core.errors import ParameterError
from adoption.metrics import adoption as metrics
from adoption.metrics.ict import ict_sector
from adoption.metrics.sectors import sector_column


def _firms():
    # One firm per row: 2018 6201 (split in 2025), 2025 6211 (was 6201), a code of both
    # versions with no evidence (6110), a 2025 class that no 2018 class alone gives (4711).
    return pd.DataFrame({
        "vsic4": pd.array(["6201", "6201", None, None], dtype="string"),
        "vsic2025_4": pd.array([None, "6211", "6110", "4711"], dtype="string"),
        "vsic_section": pd.array(["J", "J", "J", "G"], dtype="string"),
        "vsic2025_section": pd.array(["K", "K", "K", "G"], dtype="string"),
        "is_ict": [True, True, True, False],
        "is_digital_tech": [True, True, True, False],
        "employees": pd.array([10, 20, 30, 40], dtype="Int64"),
        "uses_digital_platform": [True, False, True, True],
    })


@pytest.mark.parametrize("classification, column, want", [
    ("vsic2018", "vsic4", {"6201": 2, "unplaced": 1}),
    ("vsic2025", "vsic2025_4", {"6110": 1, "6211": 1, "unplaced": 1}),
])
def test_ict_by_class_keeps_a_row_for_firms_it_cannot_place(classification, column, want):
    table = ict_sector(_firms(), group="ict", by="vsic4", classification=classification)
    assert dict(zip(table[column], table["firms"])) == want
    assert table["employees"].sum() == 60


def test_adoption_by_2025_section_counts_unplaced_firms():
    firms = _firms().assign(vsic2025_section=pd.array(["K", "K", None, "G"], dtype="string"))
    table = metrics.adoption_by(firms, sector_column("vsic_section", "vsic2025"))
    assert dict(zip(table["vsic2025_section"], table["firms"])) == {"G": 1, "K": 2, "unplaced": 1}


def test_unknown_classification_is_refused():
    with pytest.raises(ParameterError, match="vsic2018, vsic2025"):
        sector_column("vsic4", "isic4")
