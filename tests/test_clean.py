"""Cleaning: the normalisers on literal messy values, and the clean tables on real data."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from adoption import normalise as C
from adoption import schema, vocab
from adoption.clean import clean_folder as clean, clean_raw
from adoption.errors import InputFileError

from pathlib import Path

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("Thành phố Thủ Dầu Một", "718"),
        ("TP. Thủ Dầu Một", "718"),
        ("thu dau mot", "718"),
        ("THỦ DẦU MỘT", "718"),
        ("TX. Bến Cát", "721"),  # 2023 spelling
        ("TP. Bến Cát", "721"),  # 2024 spelling
        ("Thị xã Bến Cát", "721"),
        ("H. Bàu Bàng", "719"),
        ("Huyện Bắc Tân Uyên", "726"),
        ("Tân Uyên", "723"),
        ("Di An", "724"),
        ("725", "725"),
        ("  thuận   an ", "725"),
        ("Quận 1", None),
        ("Bến Cát town", None),
        ("", None),
    ],
)
def test_district_spellings(raw, code):
    assert C.district_code(raw) == code


@pytest.mark.parametrize(
    "raw",
    ["2610", "26100", "C2610", "C - 2610", "2610 - Sản xuất linh kiện điện tử", " 2610 "],
)
def test_vsic_spellings(raw):
    assert C.vsic4(raw) == "2610"


@pytest.mark.parametrize(
    "raw, expected",
    [("1.234.567", 1234567.0), ("1.234,5", 1234.5), ("1,234,567", 1234567.0), ("42", 42.0),
     ("", None), ("-", None), ("N/A", None), ("không", None), ("abc", None)],
)
def test_numbers(raw, expected):
    assert C.parse_number(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("05/10/2023", date(2023, 10, 5)), ("5/1/2020", date(2020, 1, 5)), ("05-10-2023", date(2023, 10, 5)),
     ("2019-03-31", date(2019, 3, 31)), ("45000", date(2023, 3, 15)), ("31/02/2020", None), ("", None)],
)
def test_dates(raw, expected):
    assert C.parse_date(raw) == expected


def test_dates_outside_range_become_null():
    out = C.clean_dates(pd.Series(["01/01/1980", "01/01/2000", "01/01/2999"]), earliest=date(1986, 1, 1), latest=date(2030, 1, 1))
    assert out.isna().tolist() == [True, False, True]


@pytest.mark.parametrize(
    "raw, expected",
    [("Công ty TNHH một thành viên", "llc_one_member"), ("TNHH MTV", "llc_one_member"),
     ("Công ty TNHH hai thành viên trở lên", "llc_multi_member"), ("CTCP", "joint_stock"),
     ("Công ty cổ phần", "joint_stock"), ("DNTN", "private_enterprise"), ("Công ty hợp danh", "partnership")],
)
def test_legal_forms(raw, expected):
    assert C.clean_category(pd.Series([raw]), patterns=vocab.LEGAL_FORM_PATTERNS, categories=vocab.LEGAL_FORMS)[0] == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("Nhà nước", "state"), ("Ngoài nhà nước", "domestic_private"), ("100% vốn nước ngoài", "fdi"),
     ("Liên doanh", "fdi"), ("FDI", "fdi"), ("Có vốn đầu tư nước ngoài", "fdi")],
)
def test_ownership(raw, expected):
    assert C.clean_category(pd.Series([raw]), patterns=vocab.OWNERSHIP_PATTERNS, categories=vocab.OWNERSHIPS)[0] == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("Đang hoạt động", "active"), ("Tạm ngừng kinh doanh", "suspended"),
     ("Đang làm thủ tục giải thể", "dissolving"), ("Đã giải thể", "dissolved")],
)
def test_status(raw, expected):
    assert C.clean_category(pd.Series([raw]), patterns=vocab.STATUS_PATTERNS, categories=vocab.STATUSES)[0] == expected


def test_size_class_decree_80():
    # staff, revenue, capital, section -> class (Decree 80/2021 Art. 5)
    cases = [
        (10, 3e9, None, "C", "micro"),
        (10, 4e9, 2e9, "C", "micro"),     # capital within the limit is enough
        (10, 4e9, 4e9, "C", "small"),
        (11, 1e9, 1e9, "C", "small"),
        (10, 9e9, None, "G", "micro"),    # services: revenue limit 10 bn
        (51, 1e9, 1e9, "G", "medium"),    # services: small staff limit 50
        (101, 1e9, 1e9, "G", "large"),
        (200, 150e9, None, "F", "medium"),
        (201, 1e9, 1e9, "F", "large"),
        (5, None, None, "C", "micro"),    # staff alone when no money figure
    ]
    staff, rev, cap, sec, expected = zip(*cases)
    out = C.size_class(pd.Series(staff, dtype="Int64"), pd.Series(rev, dtype="Float64"), pd.Series(cap, dtype="Float64"), pd.Series(sec))
    assert list(out) == list(expected)


def test_normalisers_do_not_mutate_input():
    raw = pd.Series([" Công  ty ", "-"])
    before = raw.copy()
    C.clean_text(raw)
    pd.testing.assert_series_equal(raw, before)


def test_spreadsheet_safe_cells():
    out = C.spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "+84", "-3", "@x", "ok"], "n": [1, 2, 3, 4, 5]}))
    assert out["a"].tolist() == ["'=1+1", "'+84", "'-3", "'@x", "ok"]


# ------------------------------------------------------------------ a small messy file


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    raw = tmp_path_factory.mktemp("small_raw")
    (raw / "register").mkdir()
    (raw / "register" / "register_small.csv").write_bytes((DATA / "register_small.csv").read_bytes())
    out = tmp_path_factory.mktemp("small_out")
    return clean(raw, out), out


def test_small_file_rows_and_reasons(small):
    result, _ = small
    kept = result.enterprises.set_index("tax_code")
    assert sorted(kept.index) == ["0100233488", "3700145020", "3700145020-001"]
    assert kept.loc["3700145020", "district_code"] == "721"
    assert kept.loc["3700145020", "charter_capital_vnd"] == 1_035_000_000_000
    assert kept.loc["3700145020-001", "is_branch"]
    assert kept.loc["3700145020-001", "commune_code"] == "25741"
    assert kept.loc["0100233488", "vsic4"] == "2610" and kept.loc["0100233488", "is_ict"]
    assert kept.loc["0100233488", "registered_on"] == pd.Timestamp("2019-03-31")  # most complete duplicate won
    reasons = result.rejects.set_index("source_row")["reason_code"].to_dict()
    assert reasons == {5: "tax_code_invalid", 6: "district_unknown", 7: "vsic_invalid", 8: "vsic_invalid", 10: "vsic_invalid"}
    assert "expected 8" in result.rejects.set_index("source_row").loc[5, "reason"]


def test_small_file_accounting_and_extras(small):
    result, out = small
    info = result.quality["files"]["register/register_small.csv"]
    assert info["rows_read"] == 9
    assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"]
    assert info["rows_merged"] == 1
    assert info["extra_columns"] == ["Ghi chú"]
    assert set(result.extras["column"]) == {"Ghi chú"}
    rejects = pd.read_csv(out / "rejects.csv", dtype=str)
    assert rejects.loc[rejects["source_row"] == "10", "name"].iloc[0].startswith("'=")
    assert not result.quality["synthetic"]


def test_missing_required_column_names_file_column_and_alias(tmp_path):
    (tmp_path / "register").mkdir()
    bad = tmp_path / "register" / "dn.csv"
    bad.write_text("Mã số thuế,Tên doanh nghiệp,Huyen/Thi xa,Nganh nghe kinh doanh\n3700145020,A,Dĩ An,4711\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        clean_raw(tmp_path)
    message = str(err.value)
    assert "dn.csv" in message and "district" in message and "Huyen/Thi xa" in message


@pytest.mark.parametrize(
    "name, content, expected",
    [("empty.csv", b"", "empty"), ("table.pdf", b"%PDF-1.4", "unsupported file type"), ("zip.csv", b"PK\x03\x04rest", "xlsx")],
)
def test_unreadable_files_named(tmp_path, name, content, expected):
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / name).write_bytes(content)
    with pytest.raises(InputFileError, match=expected) as err:
        clean_raw(tmp_path)
    assert name in str(err.value)


def test_no_register_file(tmp_path):
    with pytest.raises(InputFileError, match="no register file"):
        clean_raw(tmp_path)


# ------------------------------------------------------------------ the default data


def test_clean_table_matches_contract(default_data):
    enterprises = default_data.enterprises
    schema.validate_enterprises(enterprises)
    for column in schema.ENTERPRISE_COLUMNS:
        assert column in enterprises.columns
    assert str(enterprises["employees"].dtype) == "Int64"
    assert set(enterprises["district_code"]) <= {str(c) for c in range(718, 727)}
    assert enterprises["tax_code"].str.fullmatch(r"\d{10}(-\d{3})?").all()
    assert (enterprises["is_branch"] == enterprises["tax_code"].str.contains("-")).all()
    assert enterprises["vsic_division"].str.fullmatch(r"\d{2}").all()
    assert enterprises["vsic_section"].str.fullmatch(r"[A-U]").all()
    for column, kind in schema.ENTERPRISE_COLUMNS.items():
        if isinstance(kind, tuple):
            assert set(enterprises[column].dropna()) <= set(kind), column


def test_validate_names_column_and_count(default_data):
    broken = default_data.enterprises.assign(employees=default_data.enterprises["employees"].astype("float64"))
    broken.loc[broken.index[:7], "district"] = None
    with pytest.raises(schema.SchemaError) as err:
        schema.validate_enterprises(broken)
    assert "employees: dtype float64, expected Int64" in str(err.value)
    assert "district: 7 nulls" in str(err.value)


def test_nothing_lost_for_every_file(default_data):
    files = default_data.quality["files"]
    assert len(files) == 10
    for name, info in files.items():
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"], name


def test_platform_flags_match_records(default_data):
    enterprises, platforms = default_data.enterprises, default_data.platforms
    counts = platforms.groupby("tax_code")["platform"].nunique()
    expected = enterprises["tax_code"].map(counts).fillna(0).astype(int)
    assert (enterprises["platform_count"].to_numpy() == expected.to_numpy()).all()
    assert (enterprises["uses_digital_platform"] == (expected > 0)).all()
    assert platforms["tax_code"].isin(enterprises["tax_code"]).all()


def test_quality_json_contents(default_processed):
    import json

    quality = json.loads((default_processed / "quality.json").read_text(encoding="utf-8"))
    assert set(quality) >= {"files", "reasons", "null_rates", "normalised", "input_hash", "synthetic"}
    assert quality["null_rates"]["enterprises"]["tax_code"] == 0
    assert 0.1 < quality["null_rates"]["enterprises"]["revenue_vnd"] < 0.4
    # 2023 registers say "Thị xã Bến Cát": the district normaliser rewrote those rows.
    assert quality["normalised"]["district"] > 5_000
    assert len(quality["input_hash"]) == 64
