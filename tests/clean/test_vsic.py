"""The main activity read in its VSIC version: one awkward code per row, spelled out."""

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.clean.vsic import header_version, read_vsic, split_code
from adoption.core import schema
from adoption.core.errors import ParameterError

COLUMNS = ["vsic_version", "vsic_evidence", "vsic4", "vsic2025_4", "vsic_division", "vsic_section",
           "vsic2025_division", "vsic2025_section"]
FUELS_2018 = "Bán buôn nhiên liệu rắn, lỏng, khí và các sản phẩm liên quan"
CARS_2025 = "Bán buôn ô tô và xe có động cơ khác"

# (value, header names, registered on) -> version, evidence, vsic4, vsic2025_4, division, section,
# 2025 division, 2025 section. 2018 4661 (wholesale of fuels) is 2025 4671; 2025 4661
# (wholesale of motor vehicles) was 2018 4511.
SAME_DIGITS = [
    (("4661", "2018", None), ("2018", "header", "4661", "4671", "46", "G", "46", "G")),
    (("4661", "2025", None), ("2025", "header", "4511", "4661", "45", "G", "46", "G")),
    (("4661 - " + CARS_2025, None, None), ("2025", "description", "4511", "4661", "45", "G", "46", "G")),
    (("G4661: ban buon nhien lieu ran long khi va cac san pham lien quan", None, None),
     ("2018", "description", "4661", "4671", "46", "G", "46", "G")),
    (("4661 (Bán buôn nhiên liệu rắn, lỏng, khí và các sản phẩm liên quan)", None, None),
     ("2018", "description", "4661", "4671", "46", "G", "46", "G")),
    (("4661 - Bán buôn ô tô và xe có đông cơ khac", None, None),  # a typo and a lost accent
     ("2025", "description", "4511", "4661", "45", "G", "46", "G")),
    (("4661", None, "2026-01-05"), ("2025", "registered_after_2025_11_15", "4511", "4661", "45", "G", "46", "G")),
    (("4661", None, "2025-11-15"), ("2025", "registered_after_2025_11_15", "4511", "4661", "45", "G", "46", "G")),
    # A date before VSIC 2025 came into force decides nothing: the firm may have amended.
    (("4661", None, "2025-11-14"), ("ambiguous", None, None, None, None, "G", "46", "G")),
    (("4661", None, None), ("ambiguous", None, None, None, None, "G", "46", "G")),
    (("46610", None, None), ("ambiguous", None, None, None, None, "G", "46", "G")),
]

OTHER_CODES = [
    # Both readings agree: filled even when ambiguous.
    (("4690", None, None), ("ambiguous", None, "4690", "4690", "46", "G", "46", "G")),
    # One version only.
    (("6201", None, None), ("2018", "one_version_only", "6201", None, "62", "J", "62", "K")),  # split 6211 / 6219
    (("6202", None, None), ("2018", "one_version_only", "6202", "6220", "62", "J", "62", "K")),
    (("2610", None, None), ("2018", "one_version_only", "2610", None, "26", "C", "26", "C")),  # split 2611 / 2619
    (("2611", None, None), ("2025", "one_version_only", "2610", "2611", "26", "C", "26", "C")),
    (("4671", None, None), ("2025", "one_version_only", "4661", "4671", "46", "G", "46", "G")),
    (("K6211", None, None), ("2025", "one_version_only", "6201", "6211", "62", "J", "62", "K")),
    # A split: 2018 3100 is 2025 3101, 3102 or 3109.
    (("3100", None, None), ("2018", "one_version_only", "3100", None, "31", "C", "31", "C")),
    (("3102", None, None), ("2025", "one_version_only", "3100", "3102", "31", "C", "31", "C")),
    # A merge: 2025 4711 takes 2018 4711, 4791 and 4799; 2018 4711 also goes partly to 4790.
    (("4711", "2025", None), ("2025", "header", None, "4711", "47", "G", "47", "G")),
    (("4711", "2018", None), ("2018", "header", "4711", None, "47", "G", "47", "G")),
    (("4799", None, None), ("2018", "one_version_only", "4799", None, "47", "G", "47", "G")),
    # Many to one in the right direction: 2018 0131 and 0132 are both 2025 0130.
    (("0131", None, None), ("2018", "one_version_only", "0131", "0130", "01", "A", "01", "A")),
    (("0130", None, None), ("2025", "one_version_only", None, "0130", "01", "A", "01", "A")),
    # Section letters move from K on: finance is K in 2018 and L in 2025.
    (("6419", "2025", None), ("2025", "header", "6419", "6419", "64", "K", "64", "L")),
    # Division 45 is gone from VSIC 2025 (repair of cars is 9531 or 9540, section T); a firm
    # registered in 2026 with a 2018-only code keeps the code's own version.
    (("4520", None, "2026-03-02"), ("2018", "one_version_only", "4520", None, "45", "G", "95", "T")),
    # Neither version: no reading at all (the register rejects the row).
    (("9999", "2025", "2026-01-05"), (None, None, None, None, None, None, None, None)),
]


def _read(cases):
    values, headers, dates = zip(*(case for case, _ in cases))
    return read_vsic(pd.Series(values), header=pd.Series(headers, dtype=object),
                     registered=pd.to_datetime(pd.Series(dates, dtype=object)))


def _rows(read):
    return [tuple(None if pd.isna(v) else v for v in row) for row in read[COLUMNS].itertuples(index=False)]


@pytest.mark.parametrize("cases", [SAME_DIGITS, OTHER_CODES], ids=["same_digits", "other_codes"])
def test_each_code_read_in_the_version_its_evidence_names(cases):
    got = _rows(_read(cases))
    for (case, want), row in zip(cases, got):
        assert row == want, case


def test_the_first_evidence_decides_and_the_rest_is_a_conflict():
    read = _read([
        (("4661 - " + CARS_2025, "2018", None), None),    # header 2018, description of 2025
        (("4661 - " + FUELS_2018, None, "2026-01-05"), None),  # description 2018, registered since
        (("6201", "2025", None), None),                    # header names a version without the code
        (("4661", "2018", "2024-05-01"), None),             # no other evidence: no conflict
    ])
    assert read["vsic_version"].tolist() == ["2018", "2018", "2018", "2018"]
    assert read["vsic_evidence"].tolist() == ["header", "description", "one_version_only", "header"]
    assert read["conflict"].tolist() == [True, True, True, False]


def test_the_input_is_not_changed():
    values = pd.Series(["4661", "C2610"])
    read_vsic(values, header=pd.Series(["2025", None]))
    assert values.tolist() == ["4661", "C2610"]


# Typed from docs/glossary.md ("ICT sector and the digital-technology group"): the OECD ICT
# sector and the electronics-IT-digital group on VSIC 2018, and the same groups on VSIC 2025.
ICT_2018 = {"2610", "2620", "2630", "2640", "2680", "4651", "4652", "5820", "6110", "6120", "6130", "6190",
            "6201", "6202", "6209", "6311", "6312", "9511", "9512"}
DIGITAL_2018_PREFIXES = ("26", "27", "4651", "4652", "582", "61", "62", "63", "951")
ICT_2025 = {"2611", "2619", "2620", "2630", "2640", "2680", "4651", "4652", "5821", "5829", "6110", "6120", "6190",
            "6211", "6219", "6220", "6290", "6310", "9510"}
DIGITAL_2025 = ICT_2025 | {"2651", "2652", "2660", "2670", "2710", "2720", "2731", "2732", "2733", "2740", "2750",
                           "2790", "6031", "6390"}
IN_PART_2025 = {"5912", "5920", "6039", "9540"}  # counted in neither group


@pytest.mark.parametrize("version", ["2018", "2025"])
def test_sector_flags_of_every_class_match_the_typed_lists(version):
    catalogue = "vsic2018_codes.csv" if version == "2018" else "vsic2025_codes.csv"
    codes = pd.read_csv(schema_dir() / catalogue, dtype=str)
    classes = codes.loc[codes["level"] == "4", "code"].reset_index(drop=True)
    read = read_vsic(classes, header=pd.Series([version] * len(classes)))
    assert (read["vsic_version"] == version).all() and (read["vsic_evidence"] == "header").all()
    ict = set(classes[read["is_ict"].to_numpy()])
    digital = set(classes[read["is_digital_tech"].to_numpy()])
    if version == "2018":
        assert ict == ICT_2018
        assert digital == {c for c in classes if c.startswith(DIGITAL_2018_PREFIXES)}
    else:
        assert ict == ICT_2025
        assert digital == DIGITAL_2025
        assert set(classes[read["in_part"].to_numpy()]) == IN_PART_2025 | {"6390"}  # 6390: in part ICT only


def test_ambiguous_flags_are_those_both_readings_share():
    read = read_vsic(pd.Series(["6110", "4651", "5912", "2651"]))
    assert (read["vsic_version"] == "ambiguous").all()
    assert read["is_ict"].tolist() == [True, True, False, False]
    assert read["is_digital_tech"].tolist() == [True, True, False, True]
    assert read["vsic4"].isna().tolist() == [True, False, True, False]  # 2025 6110 also takes 2018 6130


def schema_dir():
    from adoption.core import config
    return config.REFERENCE_DIR


@pytest.mark.parametrize("header, version", [("Mã ngành VSIC 2025", "2025"), ("MA NGANH (VSIC 2018)", "2018"),
                                             ("Ngành nghề kinh doanh chính - VSIC 2025", "2025"),
                                             ("Ngành nghề kinh doanh chính", None), ("VSIC", None)])
def test_header_names_the_version(header, version):
    assert header_version(header) == version


@pytest.mark.parametrize("value, code, text", [
    ("4661", "4661", ""), ("  46610 ", "4661", ""), ("G - 4661", "4661", ""), ("V9900", "9900", ""),
    ("4661 – Bán buôn ô tô", "4661", "Bán buôn ô tô"), ("4661: xe", "4661", "xe"), ("466", None, ""),
])
def test_split_code(value, code, text):
    assert split_code(value) == (code, text)


# ------------------------------------------------------------------ through the pipeline

HEAD = "Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,{vsic},Ngày cấp\n"


def _register(folder, name, vsic_header, rows):
    (folder / "register").mkdir(exist_ok=True)
    lines = [HEAD.format(vsic=vsic_header)] + [f"{tax},Công ty {i},Dĩ An,\"{code}\",{day}\n"
                                              for i, (tax, code, day) in enumerate(rows)]
    (folder / "register" / name).write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    raw = tmp_path_factory.mktemp("vsic_raw")
    _register(raw, "moi_2026.csv", "Mã ngành VSIC 2025", [
        ("0100233488", "4661", "05/01/2026"),
        ("0300588569", "6201", "06/01/2026"),   # a 2018-only code under a 2025 header
        ("0100109106", "9999", "07/01/2026"),   # no class of either version: rejected
    ])
    _register(raw, "tong_hop.csv", "Ngành nghề kinh doanh chính", [
        ("3700145020", "4661", "03/06/1976"),
        ("3700145020-001", "4661 - " + CARS_2025, "01/01/2010"),
        ("3700145020-002", "4661", "20/12/2025"),
        ("3700145020-003", "6220", "01/02/2024"),
        ("3700145020", "4661", "03/06/1976"),  # the same firm again: merged
    ])
    return clean_raw(raw)


def test_register_files_of_both_versions(mixed):
    firms = mixed.enterprises.set_index("tax_code")
    got = firms[["vsic_version", "vsic_evidence", "vsic4", "vsic2025_4"]].astype(object).where(firms.notna(), None)
    assert got.loc["0100233488"].tolist() == ["2025", "header", "4511", "4661"]
    assert got.loc["0300588569"].tolist() == ["2018", "one_version_only", "6201", None]
    assert got.loc["3700145020"].tolist() == ["ambiguous", None, None, None]
    assert got.loc["3700145020-001"].tolist() == ["2025", "description", "4511", "4661"]
    assert got.loc["3700145020-002"].tolist() == ["2025", "registered_after_2025_11_15", "4511", "4661"]
    assert got.loc["3700145020-003"].tolist() == ["2025", "one_version_only", "6202", "6220"]
    assert firms.loc["3700145020-003", "is_ict"] and firms.loc["3700145020-003", "vsic_section"] == "J"
    assert firms.loc["3700145020-003", "vsic2025_section"] == "K"
    assert firms.loc["3700145020", "vsic_section"] == "G" and pd.isna(firms.loc["3700145020", "vsic_division"])
    schema.validate(mixed.enterprises, "enterprises")
    assert mixed.rejects.set_index("source_row").loc[4, "reason_code"] == "vsic_invalid"
    assert "VSIC 2025" in mixed.rejects.set_index("source_row").loc[4, "reason"]


def test_quality_counts_versions_ambiguity_and_conflicts(mixed):
    flags = mixed.quality["flags"]
    assert flags["vsic_version"]["by_version"] == {"2018": 1, "2025": 4, "ambiguous": 2}
    assert flags["vsic_version"]["by_evidence"] == {"header": 1, "description": 1, "one_version_only": 2,
                                                    "registered_after_2025_11_15": 1}
    assert flags["vsic_ambiguous"]["count"] == 2 and flags["vsic_ambiguous"]["classes_unknown"] == 2
    assert [r["source_row"] for r in flags["vsic_evidence_conflict"]["rows"]] == [3]
    for name, info in mixed.quality["files"].items():
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"], name
    assert mixed.quality["files"]["register/tong_hop.csv"]["rows_merged"] == 1


def test_a_setting_names_the_version_of_files_whose_header_does_not(tmp_path):
    _register(tmp_path, "cu_2023.csv", "Ngành nghề kinh doanh chính", [("3700145020", "4661", "03/06/1976")])
    _register(tmp_path, "moi_2026.csv", "Mã ngành VSIC 2025", [("0100233488", "4661", "05/01/2026")])
    result = clean_raw(tmp_path, vsic_version="2018")
    firms = result.enterprises.set_index("tax_code")
    assert firms.loc["3700145020", ["vsic_version", "vsic_evidence", "vsic4"]].tolist() == ["2018", "header", "4661"]
    assert firms.loc["0100233488", ["vsic_version", "vsic4"]].tolist() == ["2025", "4511"]  # the header wins
    named = result.quality["flags"]["vsic_version"]["files_naming_version"]
    assert named == {"cu_2023.csv": "2018", "moi_2026.csv": "2025"}
    with pytest.raises(ParameterError, match="expected one of 2018, 2025"):
        clean_raw(tmp_path, vsic_version="2007")


def test_the_most_complete_duplicate_wins_whatever_its_code_tells(tmp_path):
    # The same firm twice: once with its staff and an ambiguous code, once with a code whose
    # name makes it VSIC 2018 but no staff. The record with staff is the more complete.
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "dn.csv").write_text(
        "Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Ngành nghề kinh doanh chính,Số lao động\n"
        "3700145020,Becamex,Thủ Dầu Một,4661,900\n"
        f"3700145020,Becamex,Thủ Dầu Một,\"4661 - {FUELS_2018}\",\n", encoding="utf-8")
    result = clean_raw(tmp_path)
    [firm] = result.enterprises.to_dict("records")
    assert (firm["source_row"], firm["employees"], firm["vsic_version"]) == (2, 900, "ambiguous")
