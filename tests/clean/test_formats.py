"""Every raw format of the data contract gives the same clean rows (tests/data/formats)."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.core.errors import InputFileError

FORMATS = Path(__file__).parents[1] / "data" / "formats"
FILES = ["register_utf8_bom.csv", "register_utf16.txt", "register_cp1258.csv", "register_nfd.csv", "register_titles.xlsx"]
COLUMNS = ["tax_code", "name", "district_code", "commune_code", "vsic4", "legal_form", "ownership", "registered_on",
           "employees", "charter_capital_vnd", "revenue_vnd", "industrial_park", "status", "is_branch"]


def _clean(tmp_path, name):
    (tmp_path / "register").mkdir()
    shutil.copy(FORMATS / name, tmp_path / "register" / name)
    return clean_raw(tmp_path)


@pytest.fixture(scope="module")
def expected():
    return pd.DataFrame({
        "tax_code": ["0100109106", "0100233488", "0300588569-001", "3700145020"],
        "name": ["Công ty Hợp danh Sao Việt", "Công ty TNHH MTV Minh Long", "Chi nhánh Công ty An Phát",
                 "Tổng công ty Đầu tư và Phát triển Công nghiệp"],
        "district_code": ["725", "718", "724", "721"],
        "commune_code": [None, "25741", "25960", None],
        "vsic4": ["6201", "2610", "4711", "6810"],
        "legal_form": ["partnership", "llc_one_member", "joint_stock", "joint_stock"],
        "ownership": ["fdi", "domestic_private", "fdi", "state"],
        "registered_on": pd.to_datetime(["2023-03-15", "2019-03-31", "2020-01-05", "1993-06-01"]),
        "employees": [3, 1234, 12, 900],
        "charter_capital_vnd": [None, 2_000_000_000, None, 1_035_000_000_000],
        "revenue_vnd": [1_500_000_000, None, None, None],
        "industrial_park": [None, "KCN Sóng Thần 2", None, None],
        "status": ["dissolved", "active", "suspended", "active"],
        "is_branch": [False, False, True, False],
    })


@pytest.mark.parametrize("name", FILES)
def test_format_gives_the_contract_rows(tmp_path, name, expected):
    result = _clean(tmp_path, name)
    got = result.enterprises.sort_values("tax_code").reset_index(drop=True)[COLUMNS]
    assert result.rejects.empty, result.rejects.to_dict("records")
    for column in COLUMNS:
        actual = got[column].astype(object).where(got[column].notna(), None).tolist()
        wanted = expected[column].astype(object).where(expected[column].notna(), None).tolist()
        if column == "registered_on":
            actual = [pd.Timestamp(v) for v in actual]
        assert actual == wanted, (name, column)
    info = result.quality["files"][f"register/{name}"]
    assert info["rows_read"] == info["rows_kept"] == 4


@pytest.mark.parametrize("name", FILES[:4])
def test_text_files_report_line_numbers(tmp_path, name):
    rows = _clean(tmp_path, name).enterprises.set_index("tax_code")["source_row"]
    assert rows.to_dict() == {"3700145020": 2, "0100233488": 3, "0300588569-001": 4, "0100109106": 5}


def test_xlsx_reports_sheet_and_row_below_the_title_rows(tmp_path):
    enterprises = _clean(tmp_path, "register_titles.xlsx").enterprises.set_index("tax_code")
    where = {code: (row.source_sheet, row.source_row) for code, row in enterprises.iterrows()}
    assert where == {"3700145020": ("Trang 1", 5), "0100233488": ("Trang 1", 6),
                     "0300588569-001": ("Trang 2", 5), "0100109106": ("Trang 2", 6)}


def test_files_are_concatenated_keeping_their_source(tmp_path):
    (tmp_path / "register").mkdir()
    for name in ("register_utf8_bom.csv", "register_titles.xlsx"):
        shutil.copy(FORMATS / name, tmp_path / "register" / name)
    result = clean_raw(tmp_path)
    assert len(result.enterprises) == 4
    assert result.quality["merged"] == {"same_tax_code": 4}
    assert len(result.merges) == 4
    files = result.quality["files"]
    for info in files.values():
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"] == 4
    assert sum(info["rows_kept"] for info in files.values()) == 4


def test_unreadable_encoding(tmp_path):
    (tmp_path / "register").mkdir()
    # 0x81 and 0x8d are undefined in Windows-1258 and invalid in UTF-8.
    (tmp_path / "register" / "dn.csv").write_bytes(b"Ma so thue,Ten\n\x81\x8d\x81\n")
    with pytest.raises(InputFileError, match="dn.csv: cannot decode the file .*expected UTF-8"):
        clean_raw(tmp_path)


def test_no_valid_row(tmp_path):
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "dn.csv").write_text("MST,Tên DN,Huyện,Mã ngành\n0100233480,A,Dĩ An,4711\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no valid row in dn.csv.*tax_code_invalid"):
        clean_raw(tmp_path)


def test_xlsx_without_any_header(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["chỉ có ghi chú"])
    (tmp_path / "register").mkdir()
    book.save(tmp_path / "register" / "notes.xlsx")
    with pytest.raises(InputFileError, match="notes.xlsx: no header row found .*Mã số thuế"):
        clean_raw(tmp_path)
