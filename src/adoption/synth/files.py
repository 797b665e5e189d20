"""Writing synthetic exports: CSV in the encodings agencies use, XLSX with title rows and
several sheets, and the tidy register. Every file is reproducible: one seed, one file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd

from ..core import reference
from .scheme2025 import NEW_MAP_FROM
from .spellings import (
    DISTRICT_NAMES_2023,
    LEGAL_FORM_TEXT,
    OWNERSHIP_TEXT,
    PLATFORM_HEADERS,
    PLATFORM_TEXT,
    REGISTER_HEADERS,
    STATUS_TEXT,
    TITLE_ROWS,
)
from .targets import DATA_CUTOFF

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _cp1258_spelling(char: str) -> str:
    """A letter Windows-1258 has no code for, as its base letter and combining tone marks."""
    parts = unicodedata.normalize("NFD", char)
    return unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + "".join(
        c for c in parts if c in TONE_MARKS)


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258: letters with their tone marks as combining marks.

    Each distinct character is decided once (a table for :meth:`str.translate`), so a long
    file encodes at the speed of the codec.

    >>> to_cp1258("Việt").decode("cp1258") == "Vie\u0323\u0302t".replace("e\u0323\u0302", "\u00ea\u0323")
    True
    """
    text = unicodedata.normalize("NFC", text)
    table = {}
    for char in set(text):
        try:
            char.encode("cp1258")
        except UnicodeEncodeError:
            table[ord(char)] = _cp1258_spelling(char)
    return text.translate(table).encode("cp1258", errors="replace")


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str, delimiter: str) -> list[int]:
    """Write rows; return the line number of each data row (blank lines may sit between)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    line, numbers = 1, []
    for i, row in enumerate(rows):
        if i and i % 997 == 0:  # the odd blank line that exports carry
            buffer.write("\r\n")
            line += 1
        writer.writerow(row)
        line += 1
        numbers.append(line)
    text = buffer.getvalue()
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)
    return numbers


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], *, title: str) -> list[tuple[str, int]]:
    """Title rows, the header, data split over two sheets, and a notes sheet without header."""
    book = openpyxl.Workbook(write_only=True)
    half = (len(rows) + 1) // 2
    where = []
    for number, chunk in enumerate((rows[:half], rows[half:]), start=1):
        sheet = book.create_sheet(f"DN phần {number}")
        for line in (f"{TITLE_ROWS[0]} {title}".strip(), TITLE_ROWS[1], TITLE_ROWS[2]):
            sheet.append([line])
        sheet.append(header)
        first = len(TITLE_ROWS) + 2  # the title rows, the header, then the data
        for row in chunk:
            sheet.append(row)
        where += [(sheet.title, first + i) for i in range(len(chunk))]
    notes = book.create_sheet("Ghi chú")
    notes.append(["Số liệu tổng hợp, chỉ dùng để kiểm thử"])
    book.save(path)
    _make_reproducible(path)
    return where


FIXED_TIME = (2023, 10, 5, 0, 0, 0)


def _make_reproducible(path: Path) -> None:
    """Rewrite an XLSX with fixed zip timestamps and document dates, so one seed gives one file."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = "2023-10-05T00:00:00Z"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + stamp.encode(), data)
            target.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)


def xlsx_cells(frame: pd.DataFrame, *, serial_dates: bool) -> list[list[object]]:
    """Cells as Excel holds them: head-office tax codes and plain numbers as numbers, dates as dates."""
    out = []
    for row in frame.to_numpy(dtype=object):
        cells: list[object] = []
        for column, value in zip(frame.columns, row):
            text = str(value)
            if column == "tax_code" and text.isdigit() and len(text) == 10:
                cells.append(int(text))  # a code starting with 0 loses it here, as in Excel
            elif column == "registered_on" and len(text) == 10 and text[2] == "/":
                day, month, year = int(text[:2]), int(text[3:5]), int(text[6:])
                parsed = date(year, month, day)
                cells.append((parsed - date(1899, 12, 30)).days if serial_dates else parsed)
            elif column in ("employees", "charter_capital_vnd", "revenue_vnd") and text.isdigit():
                cells.append(int(text))
            else:
                cells.append(text if text else None)
        out.append(cells)
    return out



def register_text(register: pd.DataFrame, *, extracted_on: date = DATA_CUTOFF) -> pd.DataFrame:
    """The register as an agency would export it on ``extracted_on``: Vietnamese headers
    and labels; Bến Cát a town before 2024; on the 2025 map (no district, the 2025 unit in
    the commune column) from 1 July 2025; VSIC 2025 codes for firms that have one."""
    units = reference.admin_units()
    district_names = dict(zip(units["district_code"], units["district"])) | (DISTRICT_NAMES_2023 if extracted_on.year < 2024 else {})
    commune_names = dict(zip(units["commune_code"], units["commune"]))
    commune = register["commune_code"].map(commune_names)
    if extracted_on >= NEW_MAP_FROM:
        new_units = reference.units_2025()
        commune = register["commune2025_code"].map(dict(zip(new_units["commune2025_code"], new_units["commune2025"])))
    vsic = register["vsic2025_4"].fillna(register["vsic4"]) if "vsic2025_4" in register.columns else register["vsic4"]

    def number(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "" if pd.isna(v) else str(int(v)))

    text = pd.DataFrame(
        {
            REGISTER_HEADERS["tax_code"]: register["tax_code"],
            REGISTER_HEADERS["name"]: register["name"],
            REGISTER_HEADERS["district"]: register["district_code"].map(district_names),
            REGISTER_HEADERS["commune"]: commune,
            REGISTER_HEADERS["vsic"]: vsic,
            REGISTER_HEADERS["legal_form"]: register["legal_form"].map(LEGAL_FORM_TEXT),
            REGISTER_HEADERS["ownership"]: register["ownership"].map(OWNERSHIP_TEXT),
            REGISTER_HEADERS["registered_on"]: pd.to_datetime(register["registered_on"]).dt.strftime("%d/%m/%Y"),
            REGISTER_HEADERS["employees"]: number(register["employees"]),
            REGISTER_HEADERS["charter_capital_vnd"]: number(register["charter_capital_vnd"]),
            REGISTER_HEADERS["revenue_vnd"]: number(register["revenue_vnd"]),
            REGISTER_HEADERS["industrial_park"]: register["industrial_park"].fillna(""),
            REGISTER_HEADERS["status"]: register["status"].map(STATUS_TEXT),
        }
    )
    return text.drop(columns=REGISTER_HEADERS["district"]) if extracted_on >= NEW_MAP_FROM else text



def write_tidy(register: pd.DataFrame, platforms: pd.DataFrame, raw_dir: Path, *,
               extracted_on: date = DATA_CUTOFF) -> list[Path]:
    """One UTF-8 CSV per district and one platform file, with canonical spellings."""
    written: list[Path] = []
    text = register_text(register, extracted_on=extracted_on)
    for code, rows in text.groupby(register["district_code"].to_numpy(), sort=True):
        path = raw_dir / "register" / f"synthetic_register_{code}.csv"
        rows.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    plat_text = pd.DataFrame(
        {
            PLATFORM_HEADERS["tax_code"]: platforms["tax_code"],
            PLATFORM_HEADERS["platform"]: platforms["platform"].map(PLATFORM_TEXT),
            PLATFORM_HEADERS["adopted_on"]: pd.to_datetime(platforms["adopted_on"]).dt.strftime("%d/%m/%Y"),
        }
    )
    plat_path = raw_dir / "platforms" / f"synthetic_platforms_{extracted_on.year}.csv"
    plat_text.to_csv(plat_path, index=False, encoding="utf-8")
    written.append(plat_path)
    return written

