"""Writes the small register files of this folder: the same four firms in each format.

Run from the repository root: python tests/data/formats/make_fixtures.py
Each row carries one awkward value or more; test_formats.py expects identical clean rows
from every file.
"""

import csv
import io
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl

from adoption.synth.files import to_cp1258

HERE = Path(__file__).parent
HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Huyện/Thị xã/Thành phố", "Phường/Xã/Thị trấn", "Ngành nghề kinh doanh chính",
          "Loại hình doanh nghiệp", "Thành phần kinh tế", "Ngày cấp", "Số lao động", "Vốn điều lệ", "Doanh thu",
          "Khu công nghiệp", "Tình trạng hoạt động"]
ROWS = [
    ["3700145020", "Tổng công ty Đầu tư và Phát triển Công nghiệp", "TX. Bến Cát", "", "6810", "Công ty cổ phần",
     "Nhà nước", "01/06/1993", "900", "1.035.000.000.000", "", "", "Đang hoạt động"],
    ["0100233488", "Công ty TNHH MTV Minh Long", "thu dau mot", "P. Hiệp Thành", "C2610", "TNHH MTV",
     "Ngoài nhà nước", "2019-03-31", "1.234", "2.000.000.000", "-", "KCN Sóng Thần 2", "Đang hoạt động"],
    ["0300588569-001", "Chi nhánh Công ty An Phát", "Dĩ An", "Phường An Bình", "4711 - Bán lẻ lương thực, thực phẩm",
     "CTCP", "FDI", "5/1/2020", "12", "", "", "", "Tạm ngừng kinh doanh"],
    ["0100109106", "Công ty Hợp danh Sao Việt", "725", "", "62010", "Công ty hợp danh",
     "Liên doanh", "45000", "3", "N/A", "1,500,000,000", "", "Đã giải thể"],
]


def _csv(delimiter: str, rows=ROWS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    (HERE / "register_utf8_bom.csv").write_bytes(_csv(",").encode("utf-8-sig"))
    (HERE / "register_utf16.txt").write_bytes(_csv("\t").encode("utf-16"))
    (HERE / "register_cp1258.csv").write_bytes(to_cp1258(_csv(";")))
    (HERE / "register_nfd.csv").write_bytes(unicodedata.normalize("NFD", _csv(";")).encode("utf-8"))

    book = openpyxl.Workbook()
    book.remove(book.active)
    as_excel = [
        [3700145020, ROWS[0][1], ROWS[0][2], None, 6810, ROWS[0][5], ROWS[0][6], date(1993, 6, 1), 900, 1035000000000, None, None, ROWS[0][12]],
        [100233488, ROWS[1][1], ROWS[1][2], ROWS[1][3], "C2610", ROWS[1][5], ROWS[1][6], date(2019, 3, 31), 1234, 2000000000, "-", ROWS[1][11], ROWS[1][12]],
        [ROWS[2][0], ROWS[2][1], ROWS[2][2], ROWS[2][3], ROWS[2][4], ROWS[2][5], ROWS[2][6], date(2020, 1, 5), "12", None, None, None, ROWS[2][12]],
        [100109106, ROWS[3][1], 725, None, 62010, ROWS[3][5], ROWS[3][6], 45000, 3, "N/A", 1500000000, None, ROWS[3][12]],
    ]
    for number, chunk in enumerate((as_excel[:2], as_excel[2:]), start=1):
        sheet = book.create_sheet(f"Trang {number}")
        sheet.append(["DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN TỈNH BÌNH DƯƠNG"])
        sheet.append(["(tệp kiểm thử)"])
        sheet.append([])
        sheet.append(HEADER)
        for row in chunk:
            sheet.append(row)
    book.create_sheet("Ghi chú").append(["Tệp kiểm thử của adoption"])
    book.properties.creator = "adoption tests"
    book.save(HERE / "register_titles.xlsx")


if __name__ == "__main__":
    main()
