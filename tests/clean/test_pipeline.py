"""Cleaning: the normalisers on literal messy values, and the clean tables on real data."""

import pandas as pd
import pytest

from adoption.clean import clean_folder as clean, clean_raw
from adoption.core import schema
from adoption.core.errors import InputFileError

from pathlib import Path

DATA = Path(__file__).parents[1] / "data"


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
    schema.validate(enterprises, "enterprises")
    assert list(enterprises.columns) == schema.columns("enterprises")
    assert str(enterprises["employees"].dtype) == "Int64"
    assert set(enterprises["district_code"]) <= {str(c) for c in range(718, 727)}
    assert enterprises["tax_code"].str.fullmatch(r"\d{10}(-\d{3})?").all()
    assert (enterprises["is_branch"] == enterprises["tax_code"].str.contains("-")).all()
    assert enterprises["vsic_division"].str.fullmatch(r"\d{2}").all()
    assert enterprises["vsic_section"].str.fullmatch(r"[A-U]").all()
    for column, allowed in (("legal_form", schema.LEGAL_FORMS), ("ownership", schema.OWNERSHIPS), ("status", schema.STATUSES)):
        assert set(enterprises[column].dropna()) <= set(allowed), column


@pytest.mark.parametrize("table", ["platforms", "survey", "workforce"])
def test_every_clean_table_matches_its_schema(default_data, table):
    frame = getattr(default_data, table)
    assert list(frame.columns) == schema.columns(table)
    schema.validate(frame, table)


def test_nothing_lost_for_every_file(default_data):
    files = default_data.quality["files"]
    assert len(files) == 13
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


def test_everything_not_read_is_named_with_its_reason(tmp_path):
    import openpyxl

    register = tmp_path / "register"
    register.mkdir()
    (register / "register_small.csv").write_bytes((DATA / "register_small.csv").read_bytes())
    (register / "2022").mkdir()
    (register / "2022" / "old.csv").write_bytes((DATA / "register_small.csv").read_bytes())
    (register / "moved.csv").symlink_to(tmp_path / "nowhere.csv")
    book = openpyxl.Workbook()
    book.active.append(["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Mã ngành"])
    book.active.append(["0100233488", "Công ty A", "Dĩ An", "2610"])
    notes = book.create_sheet("Ghi chú")
    notes.append(["chỉ ghi chú"])
    notes.append(["thêm một dòng"])
    book.save(register / "book.xlsx")
    (register / ".hidden.csv").write_bytes((DATA / "register_small.csv").read_bytes())
    (register / "~$book.xlsx").write_bytes(b"lock")
    (tmp_path / "dn_2023.csv").write_bytes((DATA / "register_small.csv").read_bytes())  # beside the folders
    result = clean_raw(tmp_path)
    assert result.quality["not_read"] == [
        {"path": "dn_2023.csv", "reason": "not in an input folder: only register/, platforms/, survey/, workforce/ are read"},
        {"path": "register/.hidden.csv", "reason": "a hidden file or folder: rename it without the leading dot to have it read"},
        {"path": "register/2022", "reason": "a sub-folder: files in sub-folders are not read; move them up into the folder itself"},
        {"path": "register/moved.csv", "reason": "a link to a file that does not exist"},
        {"path": "register/~$book.xlsx", "reason": "an Office lock file (the workbook is open in Excel), not data"},
    ]
    sheets = result.quality["files"]["register/book.xlsx"]["sheets_not_read"]
    assert list(sheets) == ["Ghi chú"] and "2 non-empty rows not read" in sheets["Ghi chú"]


@pytest.mark.parametrize("name", ["dn.xls", "dn.xlsb", "dn.ods"])
def test_old_and_other_spreadsheet_formats_refused_by_name(tmp_path, name):
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / name).write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(InputFileError, match=f"{name}: .* cannot be read; open it in Excel or LibreOffice and save it as .xlsx"):
        clean_raw(tmp_path)


def test_real_platform_names_count_as_adoption(tmp_path):
    # register_small.csv holds three firms; each names platforms as Vietnamese records do.
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "register_small.csv").write_bytes((DATA / "register_small.csv").read_bytes())
    (tmp_path / "platforms").mkdir()
    rows = [("3700145020", "Hóa đơn điện tử"), ("3700145020", "Chữ ký số"), ("3700145020", "Zalo OA"),
            ("0100233488", "Shopee"), ("0100233488", "Phần mềm kế toán MISA"), ("0100233488", "Ví MoMo"),
            ("3700145020-001", "Kê khai thuế điện tử"), ("3700145020-001", "Nền tảng nội bộ ABC"),
            ("0100233488", "Nền tảng nội bộ ABC"), ("0100233488", "-")]
    text = "Mã số thuế,Nền tảng,Ngày bắt đầu sử dụng\n" + "".join(f"{c},{p},01/02/2022\n" for c, p in rows)
    (tmp_path / "platforms" / "p.csv").write_text(text, encoding="utf-8")
    result = clean_raw(tmp_path)
    got = result.platforms.assign(platform=result.platforms["platform"].astype(str)).groupby("tax_code")["platform"].apply(sorted).to_dict()
    assert got == {
        "3700145020": ["cloud_accounting", "digital_marketing", "online_public_services"],
        "0100233488": ["cloud_accounting", "digital_payment", "ecommerce", "other"],
        "3700145020-001": ["online_public_services", "other"],
    }
    assert result.enterprises.set_index("tax_code")["uses_digital_platform"].all()
    other = result.quality["flags"]["platforms_other"]
    assert other["count"] == 2 and other["names"] == {"Nền tảng nội bộ ABC": 2}
    assert result.rejects.set_index("source_row").loc[11, "reason_code"] == "platform_missing"


def test_quality_names_the_raw_folder_by_its_absolute_path(tmp_path, monkeypatch):
    (tmp_path / "raw" / "register").mkdir(parents=True)
    (tmp_path / "raw" / "register" / "register_small.csv").write_bytes((DATA / "register_small.csv").read_bytes())
    monkeypatch.chdir(tmp_path)
    result = clean_raw(Path("raw"))
    assert result.quality["raw_dir"] == str(tmp_path.resolve() / "raw")
