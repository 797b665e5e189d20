"""Messiness for the synthetic data: what real register exports look like.

:func:`write_messy` writes the generator's canonical frames the way agencies send them:
one file per district in mixed formats and encodings, values spelled many ways, title
rows, duplicates, junk rows and absurd values, at the rates of :data:`RATES` (times
the level's factor in :data:`LEVELS`). It also returns the ground truth of every row
written, which the generator saves next to (never inside) the raw folder.

Every injected mess is either recoverable by the cleaning step (spellings, formats,
a district left empty where the commune names it) or confined to extra rows (junk and
duplicates) and to cells outside the published totals (absurd values), so that the
clean data still reproduce the published figures exactly.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from . import reference
from .normalise import district_of_commune
from .text import fold

# Kinds of mess and the share of rows each touches at the "realistic" level.
RATES = {
    "tax_code_format": 0.10,      # spaces, dots, branch suffix written -NNN, _NNN, " - NNN" or 13 digits
    "district_spelling": 0.40,    # TP./TX./H. prefixes, short name, no diacritics, upper case, GSO code
    "district_from_commune": 0.01,  # district left empty, the commune (unique name) names it
    "commune_spelling": 0.40,     # P./X./TT. prefixes, no prefix, no diacritics, GSO code
    "vsic_format": 0.40,          # 26100, C2610, C - 2610, "2610 - name"
    "category_spelling": 0.50,    # legal form, ownership, status: abbreviations and free text
    "number_format": 0.40,        # 1.234.567 (Vietnamese), 1,234,567, missing tokens
    "date_format": 0.50,          # d/m/yyyy, dd-mm-yyyy, yyyy-mm-dd
    "park_spelling": 0.30,        # "Khu công nghiệp X", no diacritics
    "whitespace": 0.10,           # stray and doubled spaces
    "identical_duplicate": 0.01,  # the same row twice
    "partial_duplicate": 0.01,    # the same firm again with fewer fields filled
    "junk_check_digit": 0.004,    # a copy with a mistyped tax code: rejected
    "junk_district": 0.003,       # a firm of another province: rejected
    "junk_vsic": 0.002,           # a main activity that is no VSIC 2018 class: rejected
    "junk_name": 0.001,           # no name: rejected
    "absurd_value": 0.003,        # negative or > 500,000 staff, registration in the future or before 1986
    "platform_duplicate": 0.02,   # a platform record repeated with a later date
    "platform_junk": 0.005,       # unknown firm, unknown platform or unreadable date: rejected
}
LEVELS = {"none": 0.0, "realistic": 1.0, "heavy": 3.0}

OTHER_PROVINCE_DISTRICTS = ("Quận 1", "Thành phố Biên Hòa", "Huyện Củ Chi", "Thị xã Tây Ninh")
NOT_VSIC = ("9999", "0000", "X", "Khác")
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

LEGAL_FORM_SPELLINGS = {
    "llc_one_member": ("Công ty TNHH một thành viên", "Công ty TNHH MTV", "TNHH MTV", "TNHH 1 thành viên", "Cong ty TNHH mot thanh vien"),
    "llc_multi_member": ("Công ty TNHH hai thành viên trở lên", "TNHH 2TV", "Công ty TNHH 2 thành viên trở lên", "TNHH hai thanh vien tro len"),
    "joint_stock": ("Công ty cổ phần", "CTCP", "cong ty co phan"),
    "private_enterprise": ("Doanh nghiệp tư nhân", "DNTN"),
    "partnership": ("Công ty hợp danh",),
    "other": ("Khác",),
}
OWNERSHIP_SPELLINGS = {
    "state": ("Nhà nước", "DN nhà nước", "Kinh tế nhà nước"),
    "domestic_private": ("Ngoài nhà nước", "Tư nhân", "Kinh tế tư nhân", "ngoai nha nuoc"),
    "fdi": ("Có vốn đầu tư nước ngoài", "100% vốn nước ngoài", "Liên doanh", "FDI"),
}
STATUS_SPELLINGS = {
    "active": ("Đang hoạt động", "Đang hoạt động (đã được cấp GCN ĐKT)", "dang hoat dong", "Hoạt động"),
    "suspended": ("Tạm ngừng kinh doanh", "Tạm ngừng hoạt động", "Ngừng hoạt động"),
    "dissolving": ("Đang làm thủ tục giải thể", "Đang giải thể"),
    "dissolved": ("Đã giải thể",),
}
PLATFORM_SPELLINGS = {
    "ecommerce": ("Thương mại điện tử", "Sàn TMĐT", "ecommerce", "thuong mai dien tu"),
    "digital_payment": ("Thanh toán số", "Thanh toán điện tử", "digital payment"),
    "cloud_accounting": ("Kế toán điện tử", "Phần mềm kế toán", "cloud accounting"),
    "management_software": ("Quản trị doanh nghiệp (ERP/CRM)", "ERP", "CRM"),
    "digital_marketing": ("Tiếp thị số / mạng xã hội", "Mạng xã hội", "digital marketing"),
    "online_public_services": ("Dịch vụ công trực tuyến", "Dịch vụ công", "online public services"),
}

# Header sets seen in exports: canonical column -> header.
HEADERS = {
    "vi": {
        "tax_code": "Mã số thuế", "name": "Tên doanh nghiệp", "district": "Huyện/Thị xã/Thành phố",
        "commune": "Phường/Xã/Thị trấn", "vsic": "Ngành nghề kinh doanh chính", "legal_form": "Loại hình doanh nghiệp",
        "ownership": "Thành phần kinh tế", "registered_on": "Ngày cấp", "employees": "Số lao động",
        "charter_capital_vnd": "Vốn điều lệ", "revenue_vnd": "Doanh thu", "industrial_park": "Khu công nghiệp",
        "status": "Tình trạng hoạt động",
    },
    "abbrev": {
        "tax_code": "MST", "name": "Tên DN", "district": "Quận/Huyện", "commune": "Phường/Xã", "vsic": "Mã ngành",
        "legal_form": "Loại hình DN", "ownership": "Sở hữu", "registered_on": "Ngày thành lập", "employees": "Số LĐ",
        "charter_capital_vnd": "Vốn đăng ký", "revenue_vnd": "Doanh thu", "industrial_park": "KCN", "status": "Trạng thái",
    },
    "en": {
        "tax_code": "Tax code", "name": "Enterprise name", "district": "District", "commune": "Commune",
        "vsic": "Main activity", "legal_form": "Legal form", "ownership": "Ownership", "registered_on": "Registration date",
        "employees": "Employees", "charter_capital_vnd": "Charter capital", "revenue_vnd": "Revenue",
        "industrial_park": "Industrial park", "status": "Status",
    },
}
HEADERS["ascii_upper"] = {k: fold(v).upper() for k, v in HEADERS["vi"].items()}

# How each district's file is written: (format, encoding, delimiter, header set, text form).
FILE_PLAN = {
    "718": ("csv", "utf-8-sig", ",", "vi", "NFC"),
    "719": ("csv", "cp1258", ";", "vi", "NFC"),
    "720": ("csv", "utf-16", "\t", "vi", "NFC"),
    "721": ("csv", "utf-8", ";", "abbrev", "NFD"),
    "722": ("xlsx-dates", None, None, "vi", "NFC"),
    "723": ("csv", "utf-8", ",", "en", "NFC"),
    "724": ("csv", "utf-8", ",", "ascii_upper", "NFC"),
    "725": ("csv", "utf-8-sig", ";", "abbrev", "NFC"),
    "726": ("xlsx-serials", None, None, "vi", "NFC"),
}
TITLE_ROWS = ("DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN", "Dữ liệu tổng hợp (synthetic), không phải sổ đăng ký thật", "")


@dataclass
class MessyFiles:
    """Files written and the ground truth of every data row in them."""

    files: list[Path]
    register_truth: pd.DataFrame
    platform_truth: pd.DataFrame


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258: letters with their tone marks as combining marks.

    >>> to_cp1258("Việt").decode("cp1258") == "Vie\\u0323\\u0302t".replace("e\\u0323\\u0302", "\\u00ea\\u0323")
    True
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


class _Spell:
    """Spelling variants drawn with one generator, so that output is deterministic."""

    def __init__(self, rng: np.random.Generator, factor: float):
        self.rng = rng
        # Python's generator for the many single picks: numpy's per-call cost is high.
        self.py = random.Random(int(rng.integers(2**31)))
        self.factor = factor
        units = reference.admin_units()
        self.district_name = dict(zip(units["district_code"], units["district"]))
        self.district_type = dict(zip(units["district_code"], units["district_type"]))
        self.district_short = dict(zip(reference.districts()["district_code"], reference.districts()["district_short"]))
        self.commune_name = dict(zip(units["commune_code"], units["commune"]))
        self.commune_type = dict(zip(units["commune_code"], units["commune_type"]))
        vsic = reference.vsic_codes()
        self.vsic_name = dict(zip(vsic["code"], vsic["name_vi"]))
        self.vsic_section = dict(zip(vsic["code"], vsic["section"]))

    def hit(self, kind: str, n: int) -> np.ndarray:
        return self.rng.random(n) < min(RATES[kind] * self.factor, 1.0)

    def pick(self, options):
        return options[self.py.randrange(len(options))]

    def district(self, code: str) -> str:
        short = self.district_short[code]
        kind = self.district_type[code]
        if code == "721":  # a town (thị xã) in 2023, a city from 2024: both spellings occur
            prefixes = ("TX.", "TP.", "Thị xã", "Thành phố")
        else:
            prefixes = {"Thành phố": ("TP.", "TP", "Thành phố"), "Huyện": ("H.", "Huyện")}[kind]
        options = (f"{self.pick(prefixes)} {short}", short, fold(short), short.upper(), code, fold(self.district_name[code]).title())
        return self.pick(options)

    def commune(self, code: str) -> str:
        name = self.commune_name[code]
        kind = self.commune_type[code]
        short = name.removeprefix(kind).strip()
        abbrev = {"Phường": "P.", "Xã": "X.", "Thị trấn": "TT."}[kind]
        return self.pick((f"{abbrev} {short}", short, fold(name), code, name.upper()))

    def vsic(self, code: str) -> str:
        section = self.vsic_section.get(code, "")
        return self.pick((code + "0", f"{section}{code}", f"{section} - {code}", f"{code} - {self.vsic_name.get(code, '')}"))

    def tax_code(self, code: str) -> str:
        head, _, branch = code.partition("-")
        if branch:
            return self.pick((f"{head} - {branch}", f"{head}_{branch}", f"{head}{branch}", f" {head}-{branch} "))
        return self.pick((f"{head[:3]} {head[3:6]} {head[6:]}", f"{head[:4]}.{head[4:7]}.{head[7:]}", f" {head} "))

    def number(self, value: float) -> str:
        whole = f"{int(value):,}"
        return self.pick((whole.replace(",", "."), whole, str(int(value))))

    def missing(self) -> str:
        return self.pick(("", "-", "N/A", "không"))

    def date(self, value: pd.Timestamp) -> str:
        day, month, year = value.day, value.month, value.year
        kind = self.py.randrange(3)
        if kind == 0:
            return f"{day:02d}-{month:02d}-{year}"
        if kind == 1:
            return f"{year}-{month:02d}-{day:02d}"
        return f"{day}/{month}/{year}"

    def park(self, name: str) -> str:
        short = name.removeprefix("KCN ").strip()
        return self.pick((f"Khu công nghiệp {short}", fold(name).upper(), f"kcn {short}"))


def _text_rows(register: pd.DataFrame, spell: _Spell, rng: np.random.Generator) -> pd.DataFrame:
    """Canonical register -> one text row per firm, with spellings varied at the rates."""
    n = len(register)
    out = pd.DataFrame(index=register.index)

    def apply(kind, column, canonical, spelled, default):
        """Canonical text (``default``, vectorised) with ``spelled`` variants at the rate of ``kind``."""
        present = canonical.notna().to_numpy()
        mask = spell.hit(kind, n) & present
        values = np.where(present, default(canonical).astype(object), "")
        values[mask] = [spelled(v) for v in canonical.to_numpy(dtype=object)[mask]]
        out[column] = values

    as_text = lambda series: series.astype(str).to_numpy()  # noqa: E731
    whole = lambda series: series.map(lambda v: str(int(v)) if pd.notna(v) else "").to_numpy()  # noqa: E731
    apply("tax_code_format", "tax_code", register["tax_code"], spell.tax_code, as_text)
    out["name"] = register["name"].to_numpy()
    names_2023 = {**spell.district_name, "721": "Thị xã Bến Cát"}
    apply("district_spelling", "district", register["district_code"], spell.district, lambda c: c.map(names_2023).to_numpy())
    apply("commune_spelling", "commune", register["commune_code"], spell.commune, lambda c: c.map(spell.commune_name).to_numpy())
    # Leave the district empty only where the commune, as spelled, names it alone.
    named = {c: district_of_commune(c) for c in pd.unique(out["commune"].to_numpy(dtype=object))}
    names_district = np.array([named[c] == d for c, d in zip(out["commune"].to_numpy(dtype=object), register["district_code"].to_numpy(dtype=object))])
    blank = spell.hit("district_from_commune", n) & names_district
    out.loc[blank, "district"] = ""
    apply("vsic_format", "vsic", register["vsic4"], spell.vsic, as_text)
    for column, spellings in (("legal_form", LEGAL_FORM_SPELLINGS), ("ownership", OWNERSHIP_SPELLINGS), ("status", STATUS_SPELLINGS)):
        apply("category_spelling", column, register[column], lambda v, s=spellings: spell.pick(s[v]),
              lambda c, s=spellings: c.map({k: v[0] for k, v in s.items()}).to_numpy())
    apply("date_format", "registered_on", register["registered_on"], lambda v: spell.date(pd.Timestamp(v)),
          lambda c: pd.to_datetime(c).dt.strftime("%d/%m/%Y").to_numpy())
    for column in ("employees", "charter_capital_vnd", "revenue_vnd"):
        apply("number_format", column, register[column], spell.number, whole)
        empty = (out[column] == "").to_numpy() & spell.hit("number_format", n)
        out.loc[empty, column] = [spell.missing() for _ in range(int(empty.sum()))]
    apply("park_spelling", "industrial_park", register["industrial_park"], spell.park, as_text)
    for column in ("name", "commune", "vsic"):
        mask = spell.hit("whitespace", n)
        out.loc[mask, column] = ["  " + str(v).replace(" ", "  ", 1) + " " for v in out.loc[mask, column]]
    return out


def _absurd(text: pd.DataFrame, register: pd.DataFrame, spell: _Spell) -> None:
    """Absurd values in cells outside the published totals: the cleaning step sets them null."""
    eligible = (~register["is_digital_tech"] & ~register["in_park"]).to_numpy()
    mask = spell.hit("absurd_value", len(text)) & eligible
    for row in np.flatnonzero(mask):
        kind = int(spell.rng.integers(4))
        if kind == 0:
            text.iat[row, text.columns.get_loc("employees")] = "-5"
        elif kind == 1:
            text.iat[row, text.columns.get_loc("employees")] = "9.999.999"
        elif kind == 2:
            text.iat[row, text.columns.get_loc("registered_on")] = "01/01/2099"
        else:
            text.iat[row, text.columns.get_loc("registered_on")] = "15/06/1975"


def _extra_rows(text: pd.DataFrame, register: pd.DataFrame, spell: _Spell) -> pd.DataFrame:
    """Duplicates and junk rows, with their expected outcome and entity."""
    n = len(text)
    parts = []
    rows = np.flatnonzero(spell.hit("identical_duplicate", n))
    parts.append(text.iloc[rows].assign(_expected="merged", _entity=register["tax_code"].to_numpy()[rows]))
    rows = np.flatnonzero(spell.hit("partial_duplicate", n))
    partial = text.iloc[rows].copy()
    for column in ("revenue_vnd", "charter_capital_vnd", "registered_on", "industrial_park", "legal_form"):
        partial[column] = ""
    parts.append(partial.assign(_expected="merged", _entity=register["tax_code"].to_numpy()[rows]))
    junk_specs = (
        ("junk_check_digit", "tax_code", lambda v: v.strip()[:9] + str((int(v.strip()[9]) + 1) % 10) if v.strip()[:10].isdigit() else "12345"),
        ("junk_district", "district", lambda v: spell.pick(OTHER_PROVINCE_DISTRICTS)),
        ("junk_vsic", "vsic", lambda v: spell.pick(NOT_VSIC)),
        ("junk_name", "name", lambda v: ""),
    )
    for kind, column, spoil in junk_specs:
        rows = np.flatnonzero(spell.hit(kind, n) & ~register["tax_code"].str.contains("-").to_numpy())
        junk = text.iloc[rows].copy()
        junk[column] = [spoil(str(v)) for v in junk[column]]
        parts.append(junk.assign(_expected="rejected", _entity=None))
    return pd.concat(parts)


def _interleave(base: pd.DataFrame, extra: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Rows of ``base`` with ``extra`` rows inserted at random places."""
    combined = pd.concat([base, extra])
    position = np.concatenate([np.arange(len(base), dtype=float), rng.uniform(0, len(base), len(extra))])
    return combined.iloc[np.argsort(position, kind="stable")]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str, delimiter: str) -> list[int]:
    """Write rows; return the line number of each data row (blank lines may sit between)."""
    import csv
    import io

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


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]], *, title: str) -> list[tuple[str, int]]:
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
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = "2023-10-05T00:00:00Z"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + stamp.encode(), data)
            target.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)


def _xlsx_cells(frame: pd.DataFrame, *, serial_dates: bool) -> list[list[object]]:
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


def _platform_text(platforms: pd.DataFrame, spell: _Spell) -> pd.DataFrame:
    n = len(platforms)
    codes = platforms["tax_code"].to_numpy(dtype=object)
    kinds = platforms["platform"].to_numpy(dtype=object)
    dates = pd.to_datetime(platforms["adopted_on"])
    plain_dates = dates.dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
    text = pd.DataFrame({
        "tax_code": [spell.tax_code(c) if m else c for c, m in zip(codes, spell.hit("tax_code_format", n))],
        "platform": [spell.pick(PLATFORM_SPELLINGS[p]) if m else PLATFORM_SPELLINGS[p][0]
                     for p, m in zip(kinds, spell.hit("category_spelling", n))],
        "adopted_on": [spell.date(d) if m else plain for d, plain, m in zip(dates, plain_dates, spell.hit("date_format", n))],
        "_expected": "kept",
        "_entity": platforms["tax_code"].to_numpy(),
        "_platform": platforms["platform"].to_numpy(),
    })
    rows = np.flatnonzero(spell.hit("platform_duplicate", n))
    later = text.iloc[rows].copy()
    later["adopted_on"] = [(pd.Timestamp(d) + pd.Timedelta(days=30)).strftime("%d/%m/%Y") for d in platforms["adopted_on"].to_numpy()[rows]]
    later["_expected"] = "merged"
    rows = np.flatnonzero(spell.hit("platform_junk", n))
    junk = text.iloc[rows].copy()
    for i, row in enumerate(junk.index):
        kind = i % 3
        if kind == 0:
            junk.at[row, "tax_code"] = "0100233488"  # a valid code of a firm outside the register
        elif kind == 1:
            junk.at[row, "platform"] = "Khác"
        else:
            junk.at[row, "adopted_on"] = spell.pick(("31/02/2023", "không rõ", "2023"))
    junk["_expected"] = "rejected"
    junk["_entity"] = None
    return _interleave(text, pd.concat([later, junk]), spell.rng)


def write_messy(register: pd.DataFrame, platforms: pd.DataFrame, raw_dir: Path, *, level: str, seed: int) -> MessyFiles:
    """Write the register and platform records as messy exports; return files and ground truth."""
    rng = np.random.default_rng(seed + 1)
    spell = _Spell(rng, LEVELS[level])
    text = _text_rows(register, spell, rng)
    _absurd(text, register, spell)
    text = text.assign(_expected="kept", _entity=register["tax_code"].to_numpy())
    extra = _extra_rows(text.drop(columns=["_expected", "_entity"]), register, spell)
    truth_fields = register[["tax_code", "district_code", "commune_code", "vsic4", "legal_form", "ownership", "status"]]
    files, truth_parts = [], []
    districts_short = reference.districts().set_index("district_code")["district_short"]
    for code in sorted(FILE_PLAN):
        kind, encoding, delimiter, headers, form = FILE_PLAN[code]
        mine = (register["district_code"] == code).to_numpy()
        extra_mine = extra[extra.index.isin(register.index[mine])]
        rows = _interleave(text[mine], extra_mine, rng)
        header_map = HEADERS[headers]
        columns = list(header_map)
        body = rows[columns].copy()
        if form == "NFD":
            body = body.map(lambda v: unicodedata.normalize("NFD", str(v)))
        header = [header_map[c] for c in columns]
        if kind == "csv":
            path = raw_dir / "register" / f"synthetic_register_{code}.csv"
            lines = _write_csv(path, header + ["Ghi chú"], [list(map(str, r)) + [""] for r in body.to_numpy(dtype=object)],
                               encoding=encoding, delimiter=delimiter)
            where = [("", line) for line in lines]
        else:
            path = raw_dir / "register" / f"synthetic_register_{code}.xlsx"
            where = _write_xlsx(path, header, _xlsx_cells(body, serial_dates=kind == "xlsx-serials"), title=districts_short[code])
        files.append(path)
        truth = truth_fields.loc[rows.index].reset_index(drop=True)
        truth.insert(0, "source_row", [w[1] for w in where])
        truth.insert(0, "source_sheet", [w[0] for w in where])
        truth.insert(0, "source_file", path.name)
        truth["expected"] = rows["_expected"].to_numpy()
        truth["entity"] = rows["_entity"].to_numpy()
        truth_parts.append(truth)

    plat_text = _platform_text(platforms, spell)
    half = len(plat_text) // 2
    plat_truth = []
    for number, (chunk, encoding, delimiter) in enumerate(
        ((plat_text.iloc[:half], "utf-8", ","), (plat_text.iloc[half:], "utf-8-sig", ";")), start=1
    ):
        path = raw_dir / "platforms" / f"synthetic_platforms_2023_part{number}.csv"
        lines = _write_csv(path, ["Mã số thuế", "Nền tảng", "Ngày bắt đầu sử dụng"],
                           chunk[["tax_code", "platform", "adopted_on"]].astype(str).values.tolist(),
                           encoding=encoding, delimiter=delimiter)
        files.append(path)
        plat_truth.append(pd.DataFrame({
            "source_file": path.name, "source_sheet": "", "source_row": lines,
            "expected": chunk["_expected"].to_numpy(), "entity": chunk["_entity"].to_numpy(),
            "platform": chunk["_platform"].to_numpy(),
        }))
    return MessyFiles(files=files, register_truth=pd.concat(truth_parts, ignore_index=True),
                      platform_truth=pd.concat(plat_truth, ignore_index=True))
