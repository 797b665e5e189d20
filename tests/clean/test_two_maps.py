"""Registers in both maps: old district and commune, 2025 units of Ho Chi Minh City, addresses.

One awkward row per case. Every expected value is read by hand from
``reference_data/binhduong_2025_crosswalk.csv`` (old commune -> 2025 unit, with the
old district), never computed with the cleaning code.
"""

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adoption.clean import clean_raw
from adoption.clean.addresses import read_address
from adoption.core.errors import InputFileError

VSIC = "4711"

# A register written before the reform: it has a district column.
OLD_FILE = ("dn_2023.csv", "Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Phường/Xã/Thị trấn,Ngành nghề kinh doanh chính", [
    ("3700000018", "Cty Phú Cường", "TP. Thủ Dầu Một", "P. Phú Cường"),   # 25747 Phú Cường -> 25747 P. Thủ Dầu Một, whole
    ("3700000025", "Cty Hiệp Thành", "Thu Dau Mot", "Phường Hiệp Thành"),  # split: 25747 partial, 25750 remainder
    ("3700000032", "Cty An Bình", "", "Phường An Bình"),                  # only Dĩ An has a Phường An Bình: 25960 -> 25942
    ("3700000057", "Cty Long Nguyên", "TX. Bến Cát", "Phường Long Nguyên"),  # 2025 unit 25840, in 719 and 721; the row says 721
    ("3700000064", "Cty quận 1", "Quận 1", ""),                           # not one of the 9: district_unknown
    ("3700000071", "Cty không địa bàn", "", ""),                          # nothing locates it
])
# A register written since the reform: communes and addresses, no district column.
NEW_FILE = ("dn_2025.csv", "MST,Tên DN,Phường/Xã,Địa chỉ trụ sở chính,Mã ngành", [
    ("3700000089", "Cty TDM", "Phường Thủ Dầu Một", ""),           # 25747 <- 25741p, 25747, 25753, 25756, 25774p: all in 718
    ("3700000096", "Cty LN", "Phường Long Nguyên", ""),            # 25840 <- 25813p (721), 25828 (719), 25840 (721)
    ("3700000106", "Cty MT", "Xã Minh Thạnh", ""),                 # old 25783 -> 25780|25792, or new 25780: both open
    ("3700000113", "Cty HT", "Phường Hiệp Thành", "Số 1, Phường Phú Lợi, Thành phố Hồ Chí Minh"),  # split, decided: 25750
    ("3700000120", "Cty địa chỉ mới", "", "12 Yersin, P. Thu Dau Mot, Tp HCM"),                  # 25747, 718
    ("3700000138", "Cty Mỹ Phước", "", "Số 5, đường DT741, P. Mỹ Phước, TX. Bến Cát, Tỉnh Bình Dương"),  # split: 25813|25840
    ("3700000145", "Cty địa chỉ cũ", "", "KP 2, P.Phu Cuong,TP.Thu Dau Mot, Binh Duong"),          # 718, 25747 -> 25747
    ("3700000152", "Cty Dĩ An", "", "8 Nguyễn An Ninh, Phường Dĩ An, TP.HCM"),     # 25942 <- 25942, 25948p, 25960: 724
    ("3700000177", "Cty Bến Thành", "", "45 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"),     # elsewhere in HCMC
    ("3700000184", "Cty Biên Hòa", "", "Đường 3, Phường Long Bình, Thành phố Biên Hòa, Tỉnh Đồng Nai"),  # another province
    ("3700000191", "Cty Q1", "", "12 Lê Duẩn, Q.1, TP.HCM"),                       # a district of HCMC, not of Bình Dương
    ("3700000201", "Cty gõ sai", "Phường Thủ Dầu Mộtt", ""),                       # near miss: hint, not a guess
    ("3700000219", "Cty trống", "", ""),                                           # none of the three
    ("3700000226", "Cty xã Phú An", "Xã Phú An", ""),          # old Xã Phú An 25855 (721) -> 25768 Phường Phú An
    ("3700000233", "Cty phường Phú An", "Phường Phú An", ""),  # new 25768 <- 25765 (718), 25768r (718), 25855 (721)
    ("3700000240", "Cty mã cũ", "25741", ""),                  # an old code only: Hiệp Thành, split
    ("3700000258", "Cty mâu thuẫn", "Phường Phú Cường", "3 Đường 1, Phường Dĩ An, TP.HCM"),  # columns kept, flagged
    ("3700000265", "Cty TX cũ", "", "Ấp 4, Xã Long Hoà, H. Dầu Tiếng, Bình Dương"),          # 720, 25792 -> 25792
    # Tân Định: a former ward of Bến Cát (25852 -> 25849 Hòa Lợi), and a ward of the city's centre since 2025.
    ("3700000297", "Cty Tân Định cũ", "", "Số 7, P. Tân Định, TX Bến Cát, Bình Dương"),
    ("3700000307", "Cty Tân Định mới", "", "5 Hai Bà Trưng, Phường Tân Định, TP. Hồ Chí Minh"),
])
# A register with an address only, and a heading seen in exports.
ADDRESS_FILE = ("dia_chi.csv", "Mã số thuế;Tên công ty;Địa chỉ kinh doanh;VSIC", [
    ("3700000272", "Cty Chánh Hiệp", "Số 9; Phường Chánh Hiệp; Thành phố Hồ Chí Minh"),   # 25771 <- 25759, 25768p, 25771, 25774r
])


def _csv(header: str, rows: list[tuple], sep: str = ",") -> str:
    lines = [header]
    for row in rows:
        cells = [*row, VSIC]
        lines.append(sep.join(f'"{c}"' for c in cells))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    raw = tmp_path_factory.mktemp("two_maps")
    (raw / "register").mkdir()
    for name, header, rows in (OLD_FILE, NEW_FILE):
        (raw / "register" / name).write_text(_csv(header, rows), encoding="utf-8")
    name, header, rows = ADDRESS_FILE
    (raw / "register" / name).write_text(_csv(header, rows, ";"), encoding="utf-8")
    return clean_raw(raw)


def _row(result, tax_code: str) -> dict:
    firms = result.enterprises.set_index("tax_code")
    return {k: (None if pd.isna(v) else v) for k, v in firms.loc[tax_code].to_dict().items()}


def _places(result, tax_code):
    row = _row(result, tax_code)
    return (row["district_code"], row["commune_code"], row["commune2025_code"], row["commune2025_candidates"],
            row["geo_source"])


@pytest.mark.parametrize("tax_code, expected", [
    # old map
    ("3700000018", ("718", "25747", "25747", None, "old_units")),
    ("3700000025", ("718", "25741", None, "25747|25750", "old_units")),
    ("3700000032", ("724", "25960", "25942", None, "old_units")),
    ("3700000057", ("721", None, "25840", None, "new_units")),
    # new map, in the commune column
    ("3700000089", ("718", None, "25747", None, "new_units")),
    ("3700000096", (None, None, "25840", None, "new_units")),
    ("3700000106", ("720", None, None, "25780|25792", "new_units")),  # a name of both maps
    ("3700000226", ("721", "25855", "25768", None, "old_units")),
    ("3700000233", (None, None, "25768", None, "new_units")),
    ("3700000240", ("718", "25741", None, "25747|25750", "old_units")),
    # a split commune that the address settles
    ("3700000113", ("718", "25741", "25750", None, "old_units")),
    # addresses only, in either map
    ("3700000120", ("718", None, "25747", None, "address")),
    ("3700000138", ("721", "25813", None, "25813|25840", "address")),
    ("3700000145", ("718", "25747", "25747", None, "address")),
    ("3700000152", ("724", None, "25942", None, "address")),
    ("3700000265", ("720", "25792", "25792", None, "address")),
    ("3700000297", ("721", "25852", "25849", None, "address")),
    ("3700000272", ("718", None, "25771", None, "address")),
    # the address contradicts the columns: the columns are kept
    ("3700000258", ("718", "25747", "25747", None, "old_units")),
])
def test_rows_placed_in_both_maps(result, tax_code, expected):
    assert _places(result, tax_code) == expected


def test_names_of_both_maps(result):
    row = _row(result, "3700000018")
    assert (row["district"], row["commune2025"]) == ("Thành phố Thủ Dầu Một", "Phường Thủ Dầu Một")
    row = _row(result, "3700000096")
    assert (row["district"], row["commune2025"]) == (None, "Phường Long Nguyên")
    assert _row(result, "3700000025")["commune2025"] is None


def test_rows_outside_or_nowhere_are_rejected_with_their_reason(result):
    rejects = result.rejects[result.rejects["table"] == "register"].set_index("tax_code")
    codes = rejects["reason_code"].to_dict()
    assert codes == {
        "3700000064": "district_unknown", "3700000071": "place_unknown",
        "3700000177": "outside_scope", "3700000184": "outside_scope", "3700000191": "outside_scope",
        "3700000201": "place_unknown", "3700000219": "place_unknown", "3700000307": "outside_scope",
    }
    assert "Phường Bến Thành, Thành phố Hồ Chí Minh, outside former Bình Dương" in rejects.loc["3700000177", "reason"]
    assert "did you mean" not in rejects.loc["3700000177", "reason"]  # the city has hundreds of other wards
    # Tân Định of the city's centre; Bến Cát's former Tân Định (25852) is now Phường Hòa Lợi (25849).
    assert "a former Bình Dương commune of that name is now Phường Hòa Lợi" in rejects.loc["3700000307", "reason"]
    assert "Tỉnh Đồng Nai" in rejects.loc["3700000184", "reason"]
    assert "in Q.1, outside former Bình Dương" in rejects.loc["3700000191", "reason"]
    assert "did you mean 'Phường Thủ Dầu Một'? (not guessed)" in rejects.loc["3700000201", "reason"]
    assert "no district, commune or address" in rejects.loc["3700000219", "reason"]


def test_quality_counts_sources_and_undecided_rows(result):
    flags = result.quality["flags"]
    # address rows: 120, 138, 145, 152, 265, 272, 297; new units: 057, 089, 096, 106, 233; the rest old units.
    assert flags["geo_source"]["counts"] == {"old_units": 7, "new_units": 5, "address": 7}
    assert flags["commune2025_undecided"]["count"] == 4  # 025, 106, 138, 240
    assert flags["commune2025_decided_by_address"]["count"] == 1  # 113
    assert flags["address_conflict"]["count"] == 1  # 258
    assert [r["source_row"] for r in flags["address_conflict"]["rows"]] == [18]


@pytest.mark.parametrize("name, read, kept, rejected", [
    ("dn_2023.csv", 6, 4, 2), ("dn_2025.csv", 20, 14, 6), ("dia_chi.csv", 1, 1, 0),
])
def test_every_row_accounted_for_per_file(result, name, read, kept, rejected):
    info = result.quality["files"][f"register/{name}"]
    assert (info["rows_read"], info["rows_kept"], info["rows_rejected"], info["rows_merged"]) == (read, kept, rejected, 0)
    assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"]


def test_a_file_without_district_commune_or_address_is_refused(tmp_path):
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "thieu.csv").write_text(
        "Mã số thuế,Tên doanh nghiệp,Địa bàn hoạt động,Ngành nghề kinh doanh chính\n3700000018,A,Dĩ An,4711\n",
        encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        clean_raw(tmp_path)
    message = str(err.value)
    assert "thieu.csv" in message
    assert "at least one of 'district', 'commune' or 'address'" in message
    assert "Địa chỉ trụ sở chính" in message and "Địa bàn hoạt động" in message


@pytest.mark.parametrize("address, province, district, commune", [
    ("Số 12, đường Yersin, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương", "binh_duong", "718", "phuong phu cuong"),
    ("12 Yersin P.Phú Cường TP.Thủ Dầu Một Bình Dương", "binh_duong", "718", "p phu cuong"),
    ("So 12 , phuong phu cuong ,  tp thu dau mot , tinh binh duong , Viet Nam", "binh_duong", "718", "phuong phu cuong"),
    ("Ấp 3, Xã An Điền, Thị xã Bến Cát, Bình Dương", "binh_duong", "721", "xa an dien"),
    ("Lô A, KCN Mỹ Phước, TX. Bến Cát", None, "721", "kcn my phuoc"),
    ("Số 5, Phường Bình Dương", None, None, "phuong binh duong"),  # a 2025 ward, not the province
    ("Số 1, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh", "hcm", None, "phuong thu dau mot"),
    ("Số 1, P. Thủ Dầu Một, TP.HCM", "hcm", None, "p thu dau mot"),
    ("So 1, P.Thu Dau Mot, TPHCM", "hcm", None, "p thu dau mot"),
    ("Số 1 Phường Thủ Dầu Một Tp HCM", "hcm", None, "phuong thu dau mot"),
])
def test_address_parts_in_any_habit(address, province, district, commune):
    found = read_address(address)
    assert (found.province, found.district, found.commune, found.outside) == (province, district, commune, None)


@pytest.mark.parametrize("address, outside", [
    ("Số 1, Xã Tân Hòa, Tỉnh Đồng Tháp Mười", "Tỉnh Đồng Tháp Mười"),  # a province by its type, not one of the 63
    ("Ấp 2, Xã Phước Vĩnh An, Huyện Củ Chi, TP. Hồ Chí Minh", "Huyện Củ Chi"),
    ("Lô 5, KCN Hố Nai, Trảng Bom, Đồng Nai", "Tỉnh Đồng Nai"),
    ("12 Võ Văn Ngân, TP. Thủ Đức", "TP. Thủ Đức"),
])
def test_address_outside_former_binh_duong(address, outside):
    assert read_address(address).outside == outside


def test_a_stratum_written_for_a_firm_without_a_district_stands():
    from adoption.clean.survey import clean_survey
    from adoption.core.schema import DII_INDICATORS

    firms = pd.DataFrame({
        "tax_code": ["3700000018", "3700000025", "3700000032"], "status": pd.Categorical(["active"] * 3),
        "is_branch": [False] * 3, "district_code": pd.array(["718", None, None], dtype="string"),
        "size_class": pd.Categorical(["small"] * 3), "vsic_section": ["G"] * 3,
    })
    raw = pd.DataFrame({
        "tax_code": ["3700000018", "3700000025", "3700000032"],
        "stratum": ["", "718|small", ""],  # a stratum written for a firm whose district is unknown
        "weight": ["", "", "2,5"],          # a weight, but no stratum for the variance
        **{name: ["Có", "Không", "1"] for name in DII_INDICATORS},
        "source_file": "khao_sat.csv", "source_sheet": "", "source_row": [2, 3, 4],
    })
    stage, _ = clean_survey(raw, firms)
    # The file's stratum is the design's: the firm the register cannot place counts in it,
    # so 718|small holds 2 firms, both surveyed: weight 2 / 2.
    assert stage.clean["tax_code"].tolist() == ["3700000018", "3700000025"]
    assert stage.clean["stratum"].tolist() == ["718|small", "718|small"]
    assert stage.clean["weight"].tolist() == [1.0, 1.0]
    assert stage.clean["district_code"].tolist() == ["718", pd.NA]
    assert stage.rejects.set_index("source_row")["reason_code"].to_dict() == {4: "stratum_unknown"}


_TAILS = ["", ", Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương", ", P. Bến Nghé, Q.1, TP.HCM",
          ", Phường Long Bình, TP. Biên Hòa, Tỉnh Đồng Nai", ", Thuận An, Bình Dương", ", Phường Phú Cườn, Bình Dương",
          ", Phường Thủ Dầu Một, TP. Hồ Chí Minh", ", Xã Ba Lê"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["718", "721", "725", None]),
                          st.sampled_from(["", "Phường Phú Cường", "Phú Lợi", "Thuận Giao", "Phường Thủ Dầu Một", "xyz"]),
                          st.integers(0, 3), st.sampled_from(range(len(_TAILS))),
                          st.sampled_from(["25741", "25747", "25975", None]), st.booleans(), st.booleans()),
                min_size=1, max_size=40))
@example([(None, "", n, 2, None, False, False) for n in (1, 2, 3)]  # outside: reasons quote each address
         + [(None, "xyz", n, 7, None, True, True) for n in (1, 2)]  # nowhere
         + [("718", "", n, 1, None, False, True) for n in (1, 2)])  # kept alike
def test_rows_located_by_what_their_address_says_are_located_as_one_by_one(rows):
    """Rows whose addresses differ but say the same are located once; each row comes out
    as locating it alone does, its reason quoting its own address where it is refused."""
    from adoption.clean.geo2025 import _locate_key, locate

    raw = pd.DataFrame({
        "commune": pd.Series([r[1] for r in rows], dtype="str"),
        "address": pd.Series([None if r[2] == 0 and r[3] == 0 else f"Số {r[2]} Lê Lợi{_TAILS[r[3]]}" for r in rows], dtype="str"),
        "source_file": ["old.csv" if r[6] else "new.csv" for r in rows],
    }).set_axis(pd.RangeIndex(100, 100 + len(rows)))
    district = pd.Series([r[0] for r in rows], index=raw.index, dtype="string")
    commune = pd.Series([r[4] for r in rows], index=raw.index, dtype="string")
    filled = pd.Series([r[5] for r in rows], index=raw.index)
    located = locate(raw, district, commune, filled, old_files={"old.csv"})
    assert list(located.index) == list(raw.index)
    for position, (d, c, number, tail, old, was_filled, old_file) in enumerate(rows):
        address = "" if number == 0 and tail == 0 else f"Số {number} Lê Lợi{_TAILS[tail]}"
        alone, _ = _locate_key(d, c, address, old, not was_filled, old_file)
        got = located.iloc[position]
        for column, value in alone.items():
            assert (None if pd.isna(got[column]) else got[column]) == value, (column, rows[position])
