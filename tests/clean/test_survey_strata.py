"""Survey strata on either map: the register key a survey's strata are built of, and the
weights N_h / n_h it gives, on literal registers written before and after 1 July 2025.

Places are read by hand from ``reference_data/binhduong_2025_crosswalk.csv``; size
classes from Decree 80/2021 for trade (VSIC 4711, section G): up to 10 staff micro, up
to 50 small. Every weight is counted by hand in the comments.
"""

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.core.schema import DII_INDICATORS

ANSWERS = ",".join(["Có", "Không"] * 6)
SURVEY_HEADER = "MST,Tầng mẫu," + ",".join(DII_INDICATORS)

# Written since the reform: wards of Ho Chi Minh City, no district column.
REGISTER_2025 = """MST,Tên DN,Phường/Xã,Mã ngành,Số lao động
3700200017,Cty LN 1,Phường Long Nguyên,4711,30
3700200024,Cty LN 2,Phường Long Nguyên,4711,30
3700200031,Cty LN 3,Phường Long Nguyên,4711,30
3700200049,Cty LN 4,Phường Long Nguyên,4711,30
3700200056,Cty Mỹ Phước,Phường Mỹ Phước,4711,30
3700200063,Cty BD 1,Phường Bình Dương,4711,5
3700200070,Cty BD 2,Phường Bình Dương,4711,5
3700200088,Cty BD 3,Phường Bình Dương,4711,5
3700200095,Cty TDM 1,Phường Thủ Dầu Một,4711,5
3700200105,Cty TDM 2,Phường Thủ Dầu Một,4711,5
"""
# Long Nguyên 25840 <- 25828 (Bàu Bàng 719), 25840 and part of 25813 (Bến Cát 721): no
# district. Mỹ Phước: former commune 25813 (721), split between 25813 and 25840: no 2025
# unit. Bình Dương 25760 <- communes of Thủ Dầu Một (718) and Tân Uyên (723): no district.
# Thủ Dầu Một 25747: all of it in 718.
SURVEY_2025 = f"""{SURVEY_HEADER}
3700200017,25840|small,{ANSWERS}
3700200024,25840 | Small,{ANSWERS}
3700200056,25840|small,{ANSWERS}
3700200063,25760|micro,{ANSWERS}
3700200070,,{ANSWERS}
3700200095,718|micro,{ANSWERS}
"""
# Four rows name a 2025 stratum of the register (the second in another spelling), one a
# district stratum: the strata are built on commune2025|size_class. The row without a
# stratum and the row with the other map's stratum take their firm's 2025 stratum.

# Written before the reform: districts and former communes.
REGISTER_2023 = """Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Phường/Xã/Thị trấn,Ngành nghề kinh doanh chính,Số lao động
3700200112,Cty Mỹ Phước,TX. Bến Cát,Phường Mỹ Phước,4711,30
3700200137,Cty An Điền,TX. Bến Cát,Phường An Điền,4711,30
3700200151,Cty An Tây,TX. Bến Cát,Phường An Tây,4711,30
3700200144,Cty Long Nguyên,H. Bàu Bàng,Xã Long Nguyên,4711,30
3700200169,Cty Dĩ An,TP. Dĩ An,Phường Dĩ An,4711,5
3700200176,Cty An Bình,TP. Dĩ An,Phường An Bình,4711,5
"""
SURVEY_2023 = f"""{SURVEY_HEADER}
3700200112,721|small,{ANSWERS}
3700200137,721|small,{ANSWERS}
3700200144,719|small,{ANSWERS}
3700200169,,{ANSWERS}
"""


def _clean(tmp_path, register: str, survey: str):
    for folder, name, text in (("register", "dn.csv", register), ("survey", "khao_sat.csv", survey)):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    return clean_raw(tmp_path)


def _weights(result) -> dict[str, tuple[str, float]]:
    return {code: (stratum, weight) for code, stratum, weight in
            result.survey[["tax_code", "stratum", "weight"]].itertuples(index=False)}


def test_a_survey_on_the_2025_map_keeps_every_row(tmp_path):
    result = _clean(tmp_path, REGISTER_2025, SURVEY_2025)
    firms = result.enterprises.set_index("tax_code")
    # the register as read: no district for Long Nguyên and Bình Dương, no 2025 unit for Mỹ Phước
    assert firms.loc["3700200017", ["district_code", "commune2025_code"]].tolist() == [pd.NA, "25840"]
    assert firms.loc["3700200063", ["district_code", "commune2025_code"]].tolist() == [pd.NA, "25760"]
    assert firms.loc["3700200056", ["district_code", "commune2025_code"]].tolist() == ["721", pd.NA]
    assert result.rejects[result.rejects["table"] == "survey"].empty
    assert _weights(result) == {
        # 25840|small: 4 firms the register places, and Mỹ Phước, placed by its row: 5; 3 surveyed
        "3700200017": ("25840|small", pytest.approx(5 / 3)),
        "3700200024": ("25840|small", pytest.approx(5 / 3)),
        "3700200056": ("25840|small", pytest.approx(5 / 3)),
        # 25760|micro: 3 firms, 2 surveyed (one row without a stratum)
        "3700200063": ("25760|micro", 1.5),
        "3700200070": ("25760|micro", 1.5),
        # 25747|micro: 2 firms, 1 surveyed (its row wrote the other map's stratum)
        "3700200095": ("25747|micro", 2.0),
    }
    assert result.survey["weight"].sum() == pytest.approx(10)  # every in-scope firm
    assert result.survey.set_index("tax_code")["district_code"].isna().to_dict() == {
        "3700200017": True, "3700200024": True, "3700200056": False, "3700200063": True, "3700200070": True,
        "3700200095": False}
    assert result.quality["survey"] == {
        "strata": "commune2025|size_class", "strata_decided_by": "file",
        "rows_matching": {"district|size_class": 1, "commune2025|size_class": 4},
        "rows_stratum_from_register": 2, "in_scope_firms_without_stratum": 0}


def test_a_survey_on_the_2023_map_is_weighted_as_before(tmp_path):
    result = _clean(tmp_path, REGISTER_2023, SURVEY_2023)
    assert result.rejects[result.rejects["table"] == "survey"].empty
    assert _weights(result) == {
        # 721|small: Mỹ Phước, An Điền, An Tây; 2 surveyed
        "3700200112": ("721|small", 1.5),
        "3700200137": ("721|small", 1.5),
        # 719|small: Long Nguyên alone, taken
        "3700200144": ("719|small", 1.0),
        # 724|micro: 2 firms, 1 surveyed without a stratum written
        "3700200169": ("724|micro", 2.0),
    }
    assert result.quality["survey"] == {
        "strata": "district|size_class", "strata_decided_by": "file",
        "rows_matching": {"district|size_class": 3, "commune2025|size_class": 0},
        "rows_stratum_from_register": 1, "in_scope_firms_without_stratum": 0}


def test_a_row_with_no_stratum_on_either_side_is_rejected_with_the_key(tmp_path):
    register = REGISTER_2025 + "3700200183,Cty không rõ quy mô,Phường Long Nguyên,4711,\n"
    survey = SURVEY_2025 + f"3700200183,,{ANSWERS}\n"
    result = _clean(tmp_path, register, survey)
    rejected = result.rejects[result.rejects["table"] == "survey"]
    assert rejected[["source_file", "source_row", "reason_code"]].values.tolist() == [
        ["khao_sat.csv", 8, "weight_invalid"]]
    assert "commune2025|size_class" in rejected["reason"].iloc[0] and "3700200183" in rejected["reason"].iloc[0]
    assert len(result.survey) == 6
    assert result.quality["survey"]["in_scope_firms_without_stratum"] == 1


def test_a_file_without_strata_takes_the_key_that_places_its_firms(tmp_path):
    # No stratum column: the register places all three surveyed firms on the 2025 map,
    # two of them on the 2023 map (Bình Dương has no district).
    survey = f"{SURVEY_HEADER}\n" + "".join(f"{code},,{ANSWERS}\n" for code in ("3700200017", "3700200063", "3700200095"))
    result = _clean(tmp_path, REGISTER_2025, survey)
    assert result.quality["survey"]["strata"] == "commune2025|size_class"
    assert result.quality["survey"]["strata_decided_by"] == "register"
    # 25840|small: 4 placed, Mỹ Phước not surveyed so nowhere; 25760|micro: 3; 25747|micro: 2
    assert _weights(result) == {"3700200017": ("25840|small", 4.0), "3700200063": ("25760|micro", 3.0),
                                "3700200095": ("25747|micro", 2.0)}


def test_strata_added_up_bucket_by_bucket_are_those_of_the_whole_register():
    """The parts engine counts each bucket's strata and keeps only its surveyed firms; the
    sum must be the whole register's counts. Counted by hand: on district|size_class,
    721|small 3 (one of them in the second bucket), 718|micro 1, and 2 firms unplaced
    (one without a district, one without a size class)."""
    from adoption.clean.survey import RegisterStrata

    firms = pd.DataFrame({
        "district_code": ["721", "721", "718", None, "721", "718"],
        "commune2025_code": ["25840", "25840", "25747", "25760", "25813", None],
        "size_class": ["small", "small", "micro", "micro", "small", None],
    }, index=pd.Index(["1", "2", "3", "4", "5", "6"], name="tax_code"))
    surveyed = pd.Series(["2", "4", "9"], dtype="string")
    whole = RegisterStrata.of(firms, surveyed)
    added = RegisterStrata.combine([RegisterStrata.of(firms.iloc[:3], surveyed), RegisterStrata.of(firms.iloc[3:], surveyed)])
    for strata in (whole, added):
        assert strata.counts["district|size_class"].to_dict() == {"721|small": 3, "718|micro": 1}
        assert strata.counts["commune2025|size_class"].to_dict() == {"25840|small": 2, "25747|micro": 1,
                                                                      "25760|micro": 1, "25813|small": 1}
        assert strata.unplaced == {"district|size_class": 2, "commune2025|size_class": 1}
        assert sorted(strata.firms.index) == ["2", "4"]
