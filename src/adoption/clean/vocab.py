"""Vocabularies of messy values, kept as data with where they come from.

Each mapping is read by the normalisers of the cleaning stage; keys are matched after
:func:`adoption.core.text.fold` (no diacritics, lower case, punctuation as spaces). The
categories they map to are the contract's, declared in :mod:`adoption.core.schema`.
"""

from __future__ import annotations

from ..core.schema import DII_INDICATORS

# Headers of the main-activity column that name the classification's version: aliases of
# ``vsic``, and evidence of the version of every code under them. Source: data contract,
# "Since 15 November 2025" (`Mã ngành VSIC 2025`, `VSIC 2018`), and the register's own
# column names with the version added, as exports since Decision 36/2025/QĐ-TTg write them.
VSIC_VERSION_HEADERS: dict[str, tuple[str, ...]] = {
    version: (f"Mã ngành VSIC {version}", f"VSIC {version}", f"Ngành nghề kinh doanh chính VSIC {version}",
              f"Ngành chính VSIC {version}", f"Mã ngành kinh tế VSIC {version}", f"main activity VSIC {version}")
    for version in ("2018", "2025")
}

# Header aliases per canonical column. Source: data contract, "Register columns"
# (the minimum list), plus spellings seen in provincial business-registration exports.
REGISTER_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "tax_code": ("Mã số thuế", "MST", "Mã số doanh nghiệp", "Mã DN", "tax code", "tax id", "tax_code"),
    "name": ("Tên doanh nghiệp", "Tên DN", "Tên công ty", "enterprise name", "name"),
    "district": ("Huyện/Thị xã/Thành phố", "Quận/Huyện", "Huyện", "Địa bàn", "district"),
    "vsic": ("Ngành nghề kinh doanh chính", "Mã ngành", "Ngành chính", "VSIC", "main activity",
             *VSIC_VERSION_HEADERS["2018"], *VSIC_VERSION_HEADERS["2025"]),
    "commune": ("Phường/Xã/Thị trấn", "Phường/Xã", "Xã/Phường", "ward", "commune"),
    "address": ("Địa chỉ", "Địa chỉ trụ sở", "Địa chỉ trụ sở chính", "Địa chỉ kinh doanh", "address"),
    # The province, for registers of several provinces (adoption.core.scope): the headers
    # of the statistics office's and the business-registration portal's national lists.
    "province": ("Tỉnh/Thành phố", "Tỉnh/TP", "Tỉnh", "Tỉnh thành", "Tỉnh, thành phố", "province"),
    "legal_form": ("Loại hình doanh nghiệp", "Loại hình DN", "Loại hình", "legal form", "legal_form"),
    "ownership": ("Thành phần kinh tế", "Loại hình sở hữu", "Sở hữu", "ownership"),
    "registered_on": ("Ngày cấp", "Ngày thành lập", "Ngày đăng ký", "registration date", "registered_on"),
    "employees": ("Số lao động", "Lao động", "Số LĐ", "employees"),
    "charter_capital_vnd": ("Vốn điều lệ", "Vốn đăng ký", "charter capital", "charter_capital_vnd"),
    "revenue_vnd": ("Doanh thu", "revenue", "revenue_vnd"),
    "industrial_park": ("Khu công nghiệp", "KCN", "industrial park", "industrial_park"),
    "status": ("Tình trạng hoạt động", "Trạng thái", "Tình trạng", "status"),
}
# A tuple: at least one of them (data contract, "Since 1 July 2025: two maps"). A province
# column is optional beside them: with it a firm outside Bình Dương is placed at province
# level (adoption.clean.provinces).
REGISTER_REQUIRED = ("tax_code", "name", "vsic", ("district", "commune", "address"))

# Platform-use records. Source: data contract, "Platform records".
PLATFORM_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "tax_code": REGISTER_HEADER_ALIASES["tax_code"],
    "platform": ("Nền tảng", "Loại nền tảng", "Nền tảng số", "platform", "platform category"),
    "adopted_on": ("Ngày sử dụng", "Ngày bắt đầu sử dụng", "Ngày áp dụng", "adopted on", "adoption date", "adopted_on"),
}
PLATFORM_REQUIRED = ("tax_code", "platform", "adopted_on")

# Cells that mean "no value", compared whole, ignoring case, diacritics and spaces but not
# punctuation (so that "<!-- x" or "N/A Co." are values, not the marker "x" or "N/A").
# Source: data contract, "Numbers in Vietnamese style"; "x" and "--" as seen in
# statistical tables for "not applicable"; the en and em dashes that word processors put
# for a typed "-"; "..." and "…" left in the blanks of a form.
MISSING_TOKENS = frozenset({"", "-", "--", "---", "–", "—", "...", "…", "N/A", "NA", "nan", "None", "null", "không",
                            "x"})

# Prefixes of district-level unit names. Source: GSO unit types (Thành phố, Thị xã,
# Huyện, Quận) and their abbreviations in registers (TP., TX., H., Q.).
DISTRICT_PREFIXES = ("thanh pho", "thi xa", "huyen", "quan", "tp", "tx", "h", "q")
# Prefixes of commune-level unit names: Phường, Xã, Thị trấn and P., X., TT.
COMMUNE_PREFIXES = ("phuong", "thi tran", "xa", "tt", "p", "x")
COMMUNE_ABBREVIATIONS = {"p": "phuong", "x": "xa", "tt": "thi tran"}

# Prefixes of industrial-park names: "Khu công nghiệp" and its abbreviation KCN.
PARK_PREFIXES = ("khu cong nghiep", "kcn", "industrial park", "ip")

# Legal form: ordered (pattern, category); the first folded pattern found in the cell wins.
# Source: Law on Enterprises 2020 (Luật Doanh nghiệp 59/2020/QH14), Art. 4, forms and
# their usual abbreviations in registration records.
LEGAL_FORM_PATTERNS: tuple[tuple[str, str], ...] = (
    ("mot thanh vien", "llc_one_member"),
    ("1 thanh vien", "llc_one_member"),
    ("tnhh mtv", "llc_one_member"),
    ("mtv", "llc_one_member"),
    ("one member", "llc_one_member"),
    ("hai thanh vien", "llc_multi_member"),
    ("2 thanh vien", "llc_multi_member"),
    ("tnhh 2tv", "llc_multi_member"),
    ("multi member", "llc_multi_member"),
    ("two or more members", "llc_multi_member"),
    ("co phan", "joint_stock"),
    ("ctcp", "joint_stock"),
    ("joint stock", "joint_stock"),
    ("tu nhan", "private_enterprise"),
    ("dntn", "private_enterprise"),
    ("private enterprise", "private_enterprise"),
    ("hop danh", "partnership"),
    ("partnership", "partnership"),
    ("tnhh", "llc_multi_member"),
    ("hop tac xa", "other"),
    ("other", "other"),
    ("khac", "other"),
)

# Ownership (thành phần kinh tế). Source: GSO enterprise census classification: state,
# non-state (domestic private), foreign-invested (FDI: 100% foreign or joint venture).
OWNERSHIP_PATTERNS: tuple[tuple[str, str], ...] = (
    ("nuoc ngoai", "fdi"),
    ("lien doanh", "fdi"),
    ("fdi", "fdi"),
    ("foreign", "fdi"),
    ("ngoai nha nuoc", "domestic_private"),
    ("nha nuoc", "state"),
    ("state", "state"),
    ("tu nhan", "domestic_private"),
    ("ngoai quoc doanh", "domestic_private"),
    ("domestic", "domestic_private"),
    ("private", "domestic_private"),
)

# Operating status. Source: National Business Registration Portal status labels.
STATUS_PATTERNS: tuple[tuple[str, str], ...] = (
    ("da giai the", "dissolved"),
    ("dissolved", "dissolved"),
    ("giai the", "dissolving"),
    ("dissolving", "dissolving"),
    ("tam ngung", "suspended"),
    ("ngung hoat dong", "suspended"),
    ("suspended", "suspended"),
    ("dang hoat dong", "active"),
    ("hoat dong", "active"),
    ("active", "active"),
)

# Digital-platform categories. Source: the project's own classification of the
# platforms named in provincial digital-transformation programmes (e-commerce floors,
# cashless payment, cloud accounting and e-invoicing services, management software,
# digital marketing, online public services).
#
# Besides the generic names, the services and brands Vietnamese firms name in these
# records, each where its own description puts it: e-invoices (compulsory for every
# business since 1 July 2022, Decree 123/2020/NĐ-CP) and accounting software (MISA, FAST,
# Bravo) under accounting; e-wallets and payment gateways (MoMo, ZaloPay, VNPay,
# ViettelPay) under payment; marketplaces (Shopee, Lazada, Tiki, Sendo, TikTok Shop) under
# e-commerce; social networks and messaging (Zalo, Facebook, TikTok) under marketing;
# electronic tax filing and payment (eTax), social insurance (VssID), customs (VNACCS),
# digital signatures used to file them, and the national public-service portal under
# online public services. Any other platform named is a platform all the same: it is
# counted as adoption in the category ``other``, and quality.json lists its name so that
# this vocabulary can grow. Categories are tried in this order; the first match wins.
PLATFORM_PATTERNS: dict[str, tuple[str, ...]] = {
    "ecommerce": ("thuong mai dien tu", "san tmdt", "tmdt", "ecommerce", "e commerce", "shopee", "lazada", "tiki",
                  "sendo", "tiktok shop", "san giao dich"),
    "digital_payment": ("thanh toan so", "thanh toan dien tu", "thanh toan khong dung tien mat", "digital payment",
                        "vi dien tu", "momo", "zalopay", "vnpay", "viettelpay", "viettel money", "qr code", "ma qr"),
    "cloud_accounting": ("ke toan dien tu", "ke toan dam may", "phan mem ke toan", "cloud accounting", "hoa don dien tu",
                         "e invoice", "einvoice", "misa", "fast accounting", "bravo"),
    "management_software": ("quan tri doanh nghiep", "erp", "crm", "management software", "quan ly nhan su",
                            "odoo", "sap erp", "base vn", "1office"),
    "digital_marketing": ("tiep thi so", "mang xa hoi", "digital marketing", "social media", "zalo", "facebook",
                          "fanpage", "tiktok", "youtube", "website"),
    "online_public_services": ("dich vu cong truc tuyen", "dich vu cong", "online public services", "ke khai thue",
                               "nop thue dien tu", "thue dien tu", "etax", "chu ky so", "bao hiem xa hoi dien tu",
                               "vssid", "hai quan dien tu", "vnaccs"),
}

# Technology survey. Source: data contract, "Survey"; the indicators are those of the
# Eurostat DII version 3, written under their own names.
SURVEY_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "tax_code": REGISTER_HEADER_ALIASES["tax_code"],
    "stratum": ("Tầng mẫu", "Tầng", "stratum", "strata"),
    "weight": ("Trọng số", "Quyền số", "weight", "design weight"),
    **{name: (name,) for name in DII_INDICATORS},
}
SURVEY_REQUIRED = ("tax_code", *DII_INDICATORS)
# Yes/no answers (compared folded). Source: Vietnamese questionnaires (Có/Không) and
# the usual codings 1/0, x for a ticked box.
YES_TOKENS = frozenset({"co", "yes", "y", "1", "x", "true", "dung"})
NO_TOKENS = frozenset({"khong", "no", "n", "0", "false"})

# Industrial-park workforce and training records. Source: data contract, "Workforce".
WORKFORCE_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "industrial_park": ("Khu công nghiệp", "KCN", "industrial park", "industrial_park"),
    "district": REGISTER_HEADER_ALIASES["district"],
    "period": ("Kỳ", "Quý", "Kỳ báo cáo", "period", "quarter"),
    "workers": ("Số lao động", "Lao động", "workers"),
    "workers_trained": ("Số lao động được đào tạo", "Lao động được đào tạo", "workers trained", "workers_trained"),
    "training_hours": ("Số giờ đào tạo", "Giờ đào tạo", "training hours", "training_hours"),
}
WORKFORCE_REQUIRED = tuple(WORKFORCE_HEADER_ALIASES)
