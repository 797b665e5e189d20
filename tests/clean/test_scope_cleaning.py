"""Cleaning under a scope: one register with firms in Bình Dương, Hà Nội, Hà Giang and Ho
Chi Minh City, cleaned for Bình Dương (74), for Hà Nội (01) and for the whole country.

Every expected province is worked out by hand: the province column or the address's end
names it, and Phường Thủ Dầu Một is a unit of Ho Chi Minh City made from former Bình
Dương communes (reference_data/binhduong_2025_crosswalk.csv: 25747 <- 25741, 25747, ...).
"""

import json

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.clean.pipeline import clean_folder
from adoption.core.errors import ParameterError
from adoption.core.io import clean_is_current, load_clean

HEADER = "Mã số thuế,Tên doanh nghiệp,Tỉnh/Thành phố,Quận/Huyện,Phường/Xã,Địa chỉ,Ngành nghề kinh doanh chính"
ROWS = [
    # tax code, name, province, district, commune, address
    ("3701000003", "Cty Phú Cường", "", "TP. Thủ Dầu Một", "P. Phú Cường", ""),           # 74 by its units (718, 25747)
    ("3701000010", "Cty Ba Đình", "Thành phố Hà Nội", "Quận Ba Đình", "", ""),             # 01 by its province column
    ("3701000028", "Cty Vị Xuyên", "", "", "", "Số 5, Huyện Vị Xuyên, Tỉnh Hà Giang"),     # 02 by its address only
    ("3701000035", "Cty TDM mới", "TP. Hồ Chí Minh", "", "Phường Thủ Dầu Một", ""),        # 74: a 2025 unit of former Bình Dương
    ("3701000042", "Cty Bến Nghé", "", "", "", "12 Lê Lợi, Phường Bến Nghé, Thành phố Hồ Chí Minh"),  # 79, not former Bình Dương
    ("3701000067", "Cty Hà Tây", "Hà Tây", "", "", ""),                                     # no province of the 63: unplaced
]
# source row (the line in the file) -> province code, where the row is in Vietnam's 63 provinces
PROVINCE = {2: "74", 3: "01", 4: "02", 5: "74", 6: "79"}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scope") / "raw"
    (folder / "register").mkdir(parents=True)
    lines = [HEADER] + [",".join(f'"{c}"' for c in (*row, "4711")) for row in ROWS]
    (folder / "register" / "dn.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _outcome(result) -> tuple[dict, dict]:
    kept = dict(zip(result.enterprises["source_row"], result.enterprises["province_code"]))
    rejects = result.rejects[result.rejects["table"] == "register"]
    return kept, dict(zip(rejects["source_row"].astype(int), rejects["reason_code"]))


def test_binh_duong_keeps_its_own_firms_as_before(raw):
    result = clean_raw(raw, extracted_on="2023-09-30")
    kept, rejected = _outcome(result)
    assert kept == {2: "74", 5: "74"}
    assert rejected == {3: "outside_scope", 4: "outside_scope", 6: "outside_scope", 7: "place_unknown"}
    firms = result.enterprises.set_index("source_row")
    assert firms.loc[2, ["district_code", "commune_code", "commune2025_code"]].tolist() == ["718", "25747", "25747"]
    assert firms.loc[5, "commune2025_code"] == "25747" and firms.loc[5, "province"] == "Tỉnh Bình Dương"
    reasons = result.rejects.set_index("source_row")["reason"]
    assert "Thành phố Hà Nội" in reasons[3] and "province column" in reasons[3]
    assert "Tỉnh Hà Giang" in reasons[4]
    assert "Phường Bến Nghé" in reasons[6]  # as before: the place the address names
    assert result.quality["scope"] == {"code": "74", "name": "Tỉnh Bình Dương", "provinces": ["74"]}


def test_ha_noi_keeps_only_its_firm_at_province_level(raw):
    result = clean_raw(raw, extracted_on="2023-09-30", scope="ha noi")
    kept, rejected = _outcome(result)
    assert kept == {3: "01"}
    assert rejected == {2: "outside_scope", 4: "outside_scope", 5: "outside_scope", 6: "outside_scope",
                        7: "place_unknown"}
    firm = result.enterprises.iloc[0]
    assert firm["province"] == "Thành phố Hà Nội" and firm["geo_source"] == "province"
    assert firm[["district_code", "district", "commune_code", "commune2025_code"]].isna().all()
    reasons = result.rejects.set_index("source_row")["reason"]
    assert "Tỉnh Bình Dương" in reasons[2] and "outside Thành phố Hà Nội" in reasons[2]
    assert "Thành phố Hồ Chí Minh" in reasons[6]
    assert result.quality["scope"]["code"] == "01"
    # Quận Ba Đình is no district of Bình Dương, and not used: counted, not rejected.
    assert result.quality["flags"]["units_not_used"]["count"] == 1


def test_national_keeps_every_firm_in_a_province(raw):
    result = clean_raw(raw, extracted_on="2023-09-30", scope="national")
    kept, rejected = _outcome(result)
    assert kept == PROVINCE
    assert rejected == {7: "place_unknown"}
    firms = result.enterprises.set_index("source_row")
    assert firms.loc[4, "geo_source"] == "address" and firms.loc[3, "geo_source"] == "province"
    assert firms.loc[[3, 4, 6], "district_code"].isna().all()
    assert result.quality["flags"]["province_code"]["counts"] == {"01": 1, "02": 1, "74": 2, "79": 1}
    assert result.quality["flags"]["province_not_matched"]["count"] == 0  # the Hà Tây row is rejected, not kept
    assert len(result.quality["scope"]["provinces"]) == 63


def test_the_scope_is_written_and_decides_whether_clean_data_are_current(raw, tmp_path):
    clean_folder(raw, tmp_path / "out", extracted_on="2023-09-30", scope="national")
    quality = json.loads((tmp_path / "out" / "quality.json").read_text(encoding="utf-8"))
    assert quality["scope"]["code"] == "national"
    assert clean_is_current(raw, tmp_path / "out", scope="national")
    assert not clean_is_current(raw, tmp_path / "out")  # the default scope needs cleaning again
    data = load_clean(tmp_path / "out")
    assert data.enterprises["province_code"].notna().all()
    assert pd.api.types.is_string_dtype(data.enterprises["province_code"])


def test_an_unknown_scope_is_refused_before_reading(raw):
    with pytest.raises(ParameterError, match="scope 'Hà Tây'"):
        clean_raw(raw, scope="Hà Tây")


def test_a_register_without_province_column_has_no_province_in_its_rejects(tmp_path):
    folder = tmp_path / "raw"
    (folder / "register").mkdir(parents=True)
    (folder / "register" / "dn.csv").write_text(
        "Mã số thuế,Tên doanh nghiệp,Quận/Huyện,Ngành nghề kinh doanh chính\n"
        "3701000003,Cty A,TP. Thủ Dầu Một,4711\n3701000010,Cty B,Quận 1,4711\n", encoding="utf-8")
    result = clean_raw(folder, extracted_on="2023-09-30")
    assert "province" not in result.rejects.columns
    assert result.rejects["reason_code"].tolist() == ["district_unknown"]
    assert result.enterprises["province_code"].tolist() == ["74"]


def test_a_binh_duong_register_is_cleaned_alike_under_every_scope_covering_it(small_raw):
    default = clean_raw(small_raw)
    national = clean_raw(small_raw, scope="national")
    pd.testing.assert_frame_equal(default.enterprises, national.enterprises)
    assert (default.enterprises["province_code"] == "74").all()
    assert default.rejects["reason_code"].tolist() == national.rejects["reason_code"].tolist()
    assert default.quality["flags"]["geo_source"] == national.quality["flags"]["geo_source"]
