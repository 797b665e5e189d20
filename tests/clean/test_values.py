"""Hostile values in the cells of otherwise valid files: each is kept, or counted with its
reason, never lost or changed without a trace. Every file is written here, value by value."""

import logging
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from stdnum.vn import mst

from adoption.clean import clean_raw
from adoption.core.schema import DII_INDICATORS

REGISTER_HEADER = "Mã số thuế,Tên doanh nghiệp,Huyện,Ngành nghề kinh doanh chính"


def tax_codes(count: int, start: int = 370014500) -> list[str]:
    """``count`` distinct tax codes with a valid check digit (python-stdnum's rule)."""
    bodies = (f"{n:09d}" for n in range(start, start + 10 * count))
    return [body + mst.calc_check_digit(body) for body in bodies if mst.is_valid(body + mst.calc_check_digit(body))][:count]


def write_register(raw, names: list[str]) -> list[str]:
    (raw / "register").mkdir(parents=True, exist_ok=True)
    codes = tax_codes(len(names))
    lines = [REGISTER_HEADER] + [f'{code},"{name}",Dĩ An,4711' for code, name in zip(codes, names)]
    (raw / "register" / "names.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return codes


def test_markup_like_names_are_names_and_empty_ones_are_refused(tmp_path):
    valid = ["<b>", "<!-- x", "<script>alert(1)</script>", "&amp; Co", "N/A Trading", "x-Ray Ltd", "١٢٣"]
    empty = ["", "x", "N/A", " - ", "\u200b\u200b", "<>", "—", "..."]
    codes = write_register(tmp_path, valid + empty)
    result = clean_raw(tmp_path)
    kept = result.enterprises.set_index("tax_code")["name"]
    assert kept.to_dict() == dict(zip(codes, valid))
    rejects = result.rejects.set_index("source_row")
    assert len(rejects) == len(empty)
    assert (rejects["reason_code"] == "name_missing").all()
    assert rejects.loc[len(valid) + 2, "reason"] == "the enterprise name is empty"
    assert rejects.loc[len(valid) + 7, "reason"] == "the enterprise name '<>' holds no letter or digit"


# ------------------------------------------------------------------ numbers and dates not read


def _csv(path, header: str, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header] + [",".join(f'"{v}"' for v in row) for row in rows]) + "\n", encoding="utf-8")


def _example(row, value, problem, sheet=""):
    return {"sheet": sheet, "row": row, "value": value, "problem": problem}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A register (CSV and XLSX), platform records, a survey and workforce records, each
    with awkward numbers and dates; the comment after each value says what it is."""
    raw = tmp_path_factory.mktemp("hostile_raw")
    c = tax_codes(12)
    _csv(raw / "register" / "dn.csv", REGISTER_HEADER + ",Số lao động,Vốn điều lệ,Doanh thu,Ngày cấp", [
        # line 2 onwards; employees, capital, revenue, registration date
        [c[0], "A", "Dĩ An", "4711", "(5)", "1.234,5", "1,234.5", "31/02/2015"],   # U, ok, ok, U
        [c[1], "B", "Dĩ An", "4711", "50%", "１２", "١٢", "2015-13-01"],           # U, ok, ok, U
        [c[2], "C", "Dĩ An", "4711", "1e2", "inf", "N/A", "00/00/0000"],          # U, U, missing, U
        [c[3], "D", "Dĩ An", "4711", "-3", "", "-", "01/01/2099"],                # O, -, missing, O
        [c[4], "E", "Dĩ An", "4711", "12 người", "-1.000", "", "45000"],          # U, O, -, ok (Excel serial)
        [c[5], "F", "Dĩ An", "4711", "١٢", "1.234.567", "không", "15/06/1975"],  # ok, ok, missing, O
        [c[6], "G", "Dĩ An", "4711", "１２", "", "", "05/10/2023 08:30"],          # ok, -, -, ok
        [c[7], "H", "Dĩ An", "4711", "600000", "1" + "0" * 19, "Infinity", ""],   # O, O, U, -
        ["123", "I", "Dĩ An", "4711", "abc", "", "", "29/02/2015"],               # rejected row: U, -, -, U
    ])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DN 2023"
    sheet.append(["DANH SÁCH DOANH NGHIỆP"])
    sheet.append(["MST", "Tên DN", "Huyện", "Mã ngành", "Số lao động", "Ngày cấp"])
    sheet.append([c[8], "J", "Dĩ An", 4711, -3, datetime(2015, 3, 1)])             # row 3: O, ok
    sheet.append([c[9], "K", "Dĩ An", 4711, 1e20, "31/02/2015"])                  # row 4: O (10^20), U
    sheet.append([c[10], "L", "Dĩ An", 4711, 12.0, 45000])                        # row 5: ok, ok
    book.save(raw / "register" / "dn.xlsx")
    _csv(raw / "platforms" / "p.csv", "Mã số thuế,Nền tảng,Ngày bắt đầu sử dụng", [
        [c[0], "Shopee", "01/02/2022"],            # ok
        [c[0], "Zalo", "32/01/2022"],              # U
        [c[1], "Shopee", "01/01/2099"],            # O
        [c[1], "Zalo", ""],                        # missing: rejected, not counted as unparsed
        [c[2], "Shopee", "２０２２-０１-１５"],     # ok (full-width)
        [c[2], "MoMo", "1e2"],                     # U
    ])
    answers = ["Có", "Không"] * 6
    _csv(raw / "survey" / "s.csv", "MST,Trọng số," + ",".join(DII_INDICATORS), [
        # firms F, G and L, whose size class (and so stratum) the register gives
        [c[5], "12,5", *answers],                  # ok: a fraction, kept as it is
        [c[6], "(5)", *answers],                   # U: weight from the stratum
        [c[10], "0", *answers],                    # O: weight from the stratum
    ])
    _csv(raw / "workforce" / "w.csv", "Khu công nghiệp,Huyện,Kỳ,Số lao động,Số lao động được đào tạo,Số giờ đào tạo", [
        ["KCN Sóng Thần 2", "Dĩ An", "2023-Q1", "1.000", "100", "500"],   # ok
        ["KCN Sóng Thần 2", "Dĩ An", "2023-Q2", "1,000", "-5", "50%"],    # ok, O, U
        ["KCN Sóng Thần 2", "Dĩ An", "2023-Q3", "inf", "10", "١٠"],       # U, ok, ok
        ["KCN Sóng Thần 2", "Dĩ An", "2023-Q4", "１０００", "10", ""],      # ok, ok, missing
    ])
    return raw


@pytest.fixture(scope="module")
def hostile_result(hostile):
    logger = logging.getLogger("adoption.clean.pipeline")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        result = clean_raw(hostile)
    finally:
        logger.removeHandler(handler)
    return result, [r.getMessage() for r in records if r.levelno == logging.WARNING]


def test_unparsed_values_counted_per_file_and_column(hostile_result):
    result, _ = hostile_result
    files = result.quality["files"]
    kept = "left empty; the row is not rejected for it"
    assert files["register/dn.csv"]["unparsed"] == {
        "employees": {"header": "Số lao động", "count": 7, "unreadable": 5, "out_of_range": 2, "outcome": kept,
                      "examples": [_example(2, "(5)", "unreadable"), _example(3, "50%", "unreadable"),
                                   _example(4, "1e2", "unreadable")]},
        "charter_capital_vnd": {"header": "Vốn điều lệ", "count": 3, "unreadable": 1, "out_of_range": 2, "outcome": kept,
                                "examples": [_example(4, "inf", "unreadable"), _example(6, "-1.000", "out_of_range"),
                                             _example(9, "1" + "0" * 19, "out_of_range")]},
        "revenue_vnd": {"header": "Doanh thu", "count": 1, "unreadable": 1, "out_of_range": 0, "outcome": kept,
                        "examples": [_example(9, "Infinity", "unreadable")]},
        "registered_on": {"header": "Ngày cấp", "count": 6, "unreadable": 4, "out_of_range": 2, "outcome": kept,
                          "examples": [_example(2, "31/02/2015", "unreadable"), _example(3, "2015-13-01", "unreadable"),
                                       _example(4, "00/00/0000", "unreadable")]},
    }
    xlsx = files["register/dn.xlsx"]["unparsed"]
    assert {k: (v["count"], v["unreadable"], v["out_of_range"]) for k, v in xlsx.items()} == {
        "employees": (2, 0, 2), "registered_on": (1, 1, 0)}
    assert xlsx["employees"]["examples"] == [_example(3, "-3", "out_of_range", "DN 2023"),
                                             _example(4, "1" + "0" * 20, "out_of_range", "DN 2023")]
    platforms = files["platforms/p.csv"]["unparsed"]
    assert platforms == {"adopted_on": {
        "header": "Ngày bắt đầu sử dụng", "count": 3, "unreadable": 2, "out_of_range": 1,
        "outcome": "the row is rejected (date_invalid): the adoption date is required",
        "examples": [_example(3, "32/01/2022", "unreadable"), _example(4, "01/01/2099", "out_of_range"),
                     _example(7, "1e2", "unreadable")]}}
    survey = files["survey/s.csv"]["unparsed"]
    assert survey["weight"]["examples"] == [_example(3, "(5)", "unreadable"), _example(4, "0", "out_of_range")]
    workforce = files["workforce/w.csv"]["unparsed"]
    assert {k: (v["count"], v["examples"]) for k, v in workforce.items()} == {
        "workers": (1, [_example(4, "inf", "unreadable")]),
        "workers_trained": (1, [_example(3, "-5", "out_of_range")]),
        "training_hours": (1, [_example(3, "50%", "unreadable")]),
    }
    assert set(result.quality["unparsed_meanings"]) == {"unreadable", "out_of_range"}


def test_values_read_in_any_digits_and_rows_kept(hostile_result):
    result, _ = hostile_result
    firms = result.enterprises.set_index("name")
    assert firms["employees"].dropna().to_dict() == {"F": 12, "G": 12, "L": 12}
    assert firms.loc["A", "charter_capital_vnd"] == firms.loc["A", "revenue_vnd"]  # 1.234,5 and 1,234.5
    assert (firms.loc["B", "charter_capital_vnd"], firms.loc["B", "revenue_vnd"]) == (12, 12)
    assert firms["registered_on"].dropna().dt.date.astype(str).to_dict() == {
        "E": "2023-03-15", "G": "2023-10-05", "J": "2015-03-01", "L": "2023-03-15"}
    # Every row of the register is kept but the one with a bad tax code: no value rejects a row.
    assert sorted(result.rejects.loc[result.rejects["table"] == "register", "reason_code"]) == ["tax_code_invalid"]
    # A design weight is not rounded; the others come from the stratum: 3 small firms of Dĩ An, 3 surveyed.
    assert result.survey["weight"].tolist() == [12.5, 1.0, 1.0]
    platform_rejects = result.rejects[result.rejects["table"] == "platforms"].set_index("source_row")["reason"]
    assert platform_rejects.to_dict() == {
        3: "adoption date '32/01/2022' cannot be read as a date (dd/mm/yyyy, yyyy-mm-dd or an Excel serial)",
        4: "adoption date '01/01/2099' is before 1986 or in the future",
        5: "the adoption date is empty",
        7: "adoption date '1e2' cannot be read as a date (dd/mm/yyyy, yyyy-mm-dd or an Excel serial)",
    }
    assert result.workforce["period"].tolist() == ["2023-Q1"]


def test_one_warning_per_file_and_column(hostile_result):
    _, warnings = hostile_result
    unparsed = [w for w in warnings if " not used (" in w]
    assert len(unparsed) == 4 + 2 + 1 + 1 + 3
    assert ("register/dn.csv, column 'Số lao động' (employees): 7 values not used (5 unreadable, 2 out of range), "
            "e.g. row 2 '(5)', row 3 '50%', row 4 '1e2'; left empty; the row is not rejected for it") in unparsed
    assert any(w.startswith("register/dn.xlsx, column 'Số lao động' (employees): 2 values not used") and
               "sheet 'DN 2023' row 3 '-3'" in w for w in unparsed)


def test_fractional_spreadsheet_numbers_keep_their_value(tmp_path):
    """A number cell of 1.234 in a workbook is one and a quarter, not 1,234 read the
    Vietnamese way (where the point groups thousands)."""
    (tmp_path / "register").mkdir()
    book = openpyxl.Workbook()
    book.active.append(["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Mã ngành", "Vốn điều lệ", "Số lao động"])
    codes = tax_codes(3)
    for code, capital, workers in zip(codes, (1.234, 1234.0, 2.5), (12.0, 7.0, 3.0)):
        book.active.append([code, "Công ty A", "Dĩ An", "4711", capital, workers])
    book.save(tmp_path / "register" / "dn.xlsx")
    clean = clean_raw(tmp_path).enterprises.set_index("tax_code")
    # Whole-VND capital: 1.234 rounds to 1, 2.5 to 2 (half to even); 1234.0 stays 1234.
    assert clean.loc[codes, "charter_capital_vnd"].tolist() == [1, 1234, 2]
    assert clean.loc[codes, "employees"].tolist() == [12, 7, 3]


def test_a_weighted_survey_firm_without_a_stratum_is_rejected_not_fatal(tmp_path):
    codes = tax_codes(2)
    _csv(tmp_path / "register" / "dn.csv", REGISTER_HEADER + ",Số lao động", [
        [codes[0], "A", "Dĩ An", "4711", "12"],   # a size class, so a stratum
        [codes[1], "B", "Dĩ An", "4711", ""],     # no employees, capital or revenue: size class unknown
    ])
    answers = ["Có", "Không"] * 6
    _csv(tmp_path / "survey" / "s.csv", "MST,Trọng số," + ",".join(DII_INDICATORS),
         [[codes[0], "3", *answers], [codes[1], "3", *answers]])
    result = clean_raw(tmp_path)
    assert result.survey["tax_code"].tolist() == [codes[0]]
    survey_rejects = result.rejects[result.rejects["source_file"] == "s.csv"]
    assert survey_rejects["reason_code"].tolist() == ["stratum_unknown"]
    assert survey_rejects["source_row"].tolist() == [3]
