"""The generator's own tables of how registers write things: headers, category labels,
spelling variants, file layouts. They are drawn from what provincial exports look like,
and are deliberately the generator's own: the cleaner has its own vocabularies
(:mod:`adoption.clean.vocab`), and the tests measure one against the other.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from ..core import reference
from ..core.text import fold

# How the register spells its categories (Vietnamese registration vocabulary).
LEGAL_FORM_TEXT = {
    "llc_one_member": "Công ty TNHH một thành viên",
    "llc_multi_member": "Công ty TNHH hai thành viên trở lên",
    "joint_stock": "Công ty cổ phần",
    "private_enterprise": "Doanh nghiệp tư nhân",
    "partnership": "Công ty hợp danh",
    "other": "Khác",
}
LEGAL_FORM_NAME_PREFIX = {
    "llc_one_member": "Công ty TNHH", "llc_multi_member": "Công ty TNHH", "joint_stock": "Công ty Cổ phần",
    "private_enterprise": "Doanh nghiệp tư nhân", "partnership": "Công ty Hợp danh", "other": "Công ty",
}
OWNERSHIP_TEXT = {"state": "Nhà nước", "domestic_private": "Ngoài nhà nước", "fdi": "Có vốn đầu tư nước ngoài"}
STATUS_TEXT = {
    "active": "Đang hoạt động", "suspended": "Tạm ngừng kinh doanh",
    "dissolving": "Đang làm thủ tục giải thể", "dissolved": "Đã giải thể",
}
PLATFORM_TEXT = {
    "ecommerce": "Thương mại điện tử", "digital_payment": "Thanh toán số",
    "cloud_accounting": "Kế toán điện tử", "management_software": "Quản trị doanh nghiệp (ERP/CRM)",
    "digital_marketing": "Tiếp thị số / mạng xã hội", "online_public_services": "Dịch vụ công trực tuyến",
}
REGISTER_HEADERS = {
    "tax_code": "Mã số thuế", "name": "Tên doanh nghiệp", "district": "Huyện/Thị xã/Thành phố",
    "commune": "Phường/Xã/Thị trấn", "vsic": "Ngành nghề kinh doanh chính",
    "legal_form": "Loại hình doanh nghiệp", "ownership": "Thành phần kinh tế",
    "registered_on": "Ngày cấp", "employees": "Số lao động", "charter_capital_vnd": "Vốn điều lệ",
    "revenue_vnd": "Doanh thu", "industrial_park": "Khu công nghiệp", "status": "Tình trạng hoạt động",
}
PLATFORM_HEADERS = {"tax_code": "Mã số thuế", "platform": "Nền tảng", "adopted_on": "Ngày bắt đầu sử dụng"}
# 2023 names where the unit's status differed from the 2025 reference list.
DISTRICT_NAMES_2023 = {"721": "Thị xã Bến Cát"}

NAME_WORDS = (
    "An Phát", "Minh Long", "Phú Thịnh", "Hưng Thịnh", "Tân Tiến", "Đại Phát", "Thành Công", "Hoàng Gia",
    "Việt Tiến", "Nam Á", "Sao Việt", "Bình Minh", "Trường Sơn", "Phước Lộc", "Kim Ngân", "Thiên Long",
    "Hòa Bình", "Đông Dương", "Quang Minh", "Vạn Xuân", "Lộc Phát", "Hải Đăng", "Tiến Đạt", "Gia Bảo",
)
SECTOR_WORDS = {
    "C": "Sản xuất", "G": "Thương mại", "F": "Xây dựng", "H": "Vận tải", "I": "Dịch vụ ăn uống",
    "J": "Công nghệ", "L": "Bất động sản", "M": "Tư vấn", "N": "Dịch vụ",
}
FOREIGN_WORDS = ("Pacific", "Global Tech", "Asia Precision", "Sun Rise", "Evergreen", "Orient", "Hanul", "Kaizen")

OTHER_PROVINCE_DISTRICTS = ("Quận 1", "Thành phố Biên Hòa", "Huyện Củ Chi", "Thị xã Tây Ninh")
NOT_VSIC = ("9999", "0000", "X", "Khác")

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


class Speller:
    """Spelling variants drawn with one generator, so that output is deterministic."""

    def __init__(self, rng: np.random.Generator, rates: dict[str, float], factor: float, *, ben_cat_city: bool = False):
        self.rng = rng
        self.ben_cat_city = ben_cat_city  # from 2024 Bến Cát is a city, and only so written
        # Python's generator for the many single picks: numpy's per-call cost is high.
        self.py = random.Random(int(rng.integers(2**31)))
        self.rates = rates
        self.factor = factor
        units = reference.admin_units()
        self.district_name = dict(zip(units["district_code"], units["district"]))
        self.district_type = dict(zip(units["district_code"], units["district_type"]))
        self.district_short = dict(zip(reference.districts()["district_code"], reference.districts()["district_short"]))
        self.commune_name = dict(zip(units["commune_code"], units["commune"]))
        self.commune_type = dict(zip(units["commune_code"], units["commune_type"]))
        self.commune_district = dict(zip(units["commune_code"], units["district_code"]))
        vsic = reference.vsic_codes()
        self.vsic_name = dict(zip(vsic["code"], vsic["name_vi"]))
        self.vsic_section = dict(zip(vsic["code"], vsic["section"]))

    def hit(self, kind: str, n: int) -> np.ndarray:
        return self.rng.random(n) < min(self.rates[kind] * self.factor, 1.0)

    def pick(self, options):
        return options[self.py.randrange(len(options))]

    def district(self, code: str) -> str:
        short = self.district_short[code]
        kind = self.district_type[code]
        if code == "721" and not self.ben_cat_city:  # a town (thị xã) in 2023, a city from 2024: both spellings occur
            prefixes = ("TX.", "TP.", "Thị xã", "Thành phố")
        else:
            prefixes = {"Thành phố": ("TP.", "TP", "Thành phố"), "Huyện": ("H.", "Huyện")}[kind]
        options = (f"{self.pick(prefixes)} {short}", short, fold(short), short.upper(), code, fold(self.district_name[code]).title())
        return self.pick(options)

    def commune_spellings(self, code: str) -> tuple[str, ...]:
        """The ways a register writes a commune: abbreviated type, no type, no diacritics,
        GSO code, upper case."""
        name = self.commune_name[code]
        kind = self.commune_type[code]
        short = name.removeprefix(kind).strip()
        abbrev = {"Phường": "P.", "Xã": "X.", "Thị trấn": "TT."}[kind]
        return (f"{abbrev} {short}", short, fold(name), code, name.upper())

    def commune(self, code: str) -> str:
        return self.pick(self.commune_spellings(code))

    def names_one_district(self) -> dict[str, bool]:
        """For each commune spelling this table writes: whether every commune written so lies
        in one district, so that a reader of the spelling alone knows the district. Decided
        from the exact spellings, not by any matching rule a reader might apply."""
        districts: dict[str, set[str]] = {}
        for code, district in self.commune_district.items():
            for spelling in (self.commune_name[code], *self.commune_spellings(code)):  # as written, and the variants
                districts.setdefault(spelling, set()).add(district)
        return {spelling: len(found) == 1 for spelling, found in districts.items()}

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
