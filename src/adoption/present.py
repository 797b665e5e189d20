"""Presentation: labels in Vietnamese and English, number formats, and notebook output.

Metric tables keep canonical column names and codes; the functions here turn them into
what a reader sees, in the report's language.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from . import reference
from .dataset import CleanData
from .disclosure import SYMBOL, footnote
from .errors import ParameterError

LANGUAGES = ("vi", "en")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "report_title": "Chuyển đổi số doanh nghiệp tỉnh Bình Dương: tổng quan",
        "province": "Toàn tỉnh Bình Dương",
        "headline": "Các chỉ tiêu chính",
        "compare": "So sánh với số liệu đã công bố",
        "by_district": "Tỷ lệ sử dụng nền tảng số theo huyện, thị xã, thành phố",
        "by_vsic_section": "Theo ngành kinh tế (VSIC 2018, cấp 1)",
        "by_size_class": "Theo quy mô doanh nghiệp (Nghị định 80/2021/NĐ-CP)",
        "by_ownership": "Theo thành phần kinh tế",
        "by_in_industrial_park": "Trong và ngoài khu công nghiệp",
        "sources": "Nguồn số liệu",
        "census_note": "Sổ đăng ký là tổng điều tra: các tỷ lệ không có sai số chọn mẫu.",
        "scope_note": "Doanh nghiệp được tính: trụ sở chính đang hoạt động (không tính chi nhánh và doanh nghiệp tạm ngừng, giải thể).",
        "synthetic_banner": "DỮ LIỆU TỔNG HỢP (MÔ PHỎNG): báo cáo này được lập trên sổ đăng ký doanh nghiệp do máy sinh ra, hiệu chỉnh theo số liệu đã công bố. Không phải dữ liệu thật của doanh nghiệp nào.",
        "enterprises": "Doanh nghiệp",
        "adopters": "Doanh nghiệp sử dụng nền tảng số",
        "adoption_rate": "Tỷ lệ sử dụng nền tảng số",
        "digital_tech_firms": "Doanh nghiệp điện - điện tử, CNTT, công nghệ số",
        "digital_tech_workers": "Lao động trong nhóm điện - điện tử, CNTT, công nghệ số",
        "ip_firms": "Doanh nghiệp trong khu công nghiệp",
        "ip_workers": "Lao động trong khu công nghiệp",
        "industrial_parks": "Số khu công nghiệp có doanh nghiệp",
        "fdi_firms": "Doanh nghiệp FDI",
        "firms": "Số doanh nghiệp",
        "share_of_firms": "Tỷ trọng doanh nghiệp",
        "figure": "Chỉ tiêu",
        "value": "Giá trị",
        "computed": "Tính từ dữ liệu",
        "published": "Đã công bố",
        "difference": "Chênh lệch",
        "source": "Nguồn",
        "district": "Huyện, thị xã, thành phố",
        "vsic_section": "Ngành (VSIC cấp 1)",
        "size_class": "Quy mô",
        "ownership": "Thành phần kinh tế",
        "in_industrial_park": "Vị trí",
        "true": "Trong khu công nghiệp",
        "false": "Ngoài khu công nghiệp",
        "micro": "Siêu nhỏ", "small": "Nhỏ", "medium": "Vừa", "large": "Lớn",
        "state": "Nhà nước", "domestic_private": "Ngoài nhà nước", "fdi": "Có vốn đầu tư nước ngoài (FDI)",
        "register_files": "Tệp dữ liệu đầu vào (sổ đăng ký, nền tảng số, điều tra, lao động khu công nghiệp)",
        "rows": "dòng",
        "published_sources": "Số liệu đã công bố",
        "reference_sources": "Dữ liệu tham chiếu: danh mục đơn vị hành chính (Tổng cục Thống kê, 01/03/2025), VSIC 2018 (Quyết định 27/2018/QĐ-TTg).",
        "over_time": "Doanh nghiệp sử dụng nền tảng số theo thời gian (lũy kế theo tháng)",
        "over_time_note": "Tính theo ngày bắt đầu sử dụng nền tảng đầu tiên; mẫu số là số doanh nghiệp đang hoạt động hiện nay.",
        "by_platform": "Theo loại nền tảng số",
        "platform": "Loại nền tảng",
        "month": "Tháng",
        "ecommerce": "Thương mại điện tử", "digital_payment": "Thanh toán số", "cloud_accounting": "Kế toán, hóa đơn điện tử",
        "management_software": "Phần mềm quản trị (ERP, CRM)", "digital_marketing": "Tiếp thị số, mạng xã hội",
        "online_public_services": "Dịch vụ công trực tuyến",
        "intensity_title": "Mức độ số hóa doanh nghiệp (chỉ số DII của Eurostat)",
        "intensity_scope": "Ước lượng từ điều tra mẫu phân tầng về sử dụng công nghệ; mỗi tỷ lệ kèm khoảng tin cậy 95%.",
        "intensity_method": "Tỷ lệ có trọng số thiết kế (dân số tầng / mẫu tầng; tầng = huyện × quy mô); khoảng tin cậy Wilson trên cỡ mẫu hiệu dụng Kish.",
        "vs_eu": "So sánh với Liên minh châu Âu (2023) và mục tiêu 2030",
        "levels": "Doanh nghiệp theo mức độ số hóa",
        "levels_by_size": "Tỷ lệ đạt mức cơ bản trở lên theo quy mô",
        "indicators": "Tỷ lệ doanh nghiệp có từng chỉ tiêu công nghệ",
        "item": "Chỉ tiêu", "share": "Tỷ lệ", "ci": "Khoảng tin cậy 95%", "respondents": "Số doanh nghiệp trả lời",
        "eu_2023": "EU 2023", "eu_target_2030": "Mục tiêu EU 2030", "group": "Nhóm", "all": "Tất cả",
        "sme": "Doanh nghiệp nhỏ và vừa", "very_low": "Rất thấp (0-3)", "low": "Thấp (4-6)", "high": "Cao (7-9)",
        "very_high": "Rất cao (10-12)", "at_least_basic": "Từ cơ bản trở lên (4+)",
        "ict_title": "Khu vực công nghệ thông tin - truyền thông và nhóm điện tử, CNTT, công nghệ số",
        "ict_scope": "Doanh nghiệp đang hoạt động (trụ sở chính); khu vực ICT theo định nghĩa OECD.",
        "ict_summary": "Tổng quan", "ict_by_vsic4": "Nhóm điện tử, CNTT, công nghệ số theo ngành (VSIC cấp 4)",
        "ict_by_district": "Nhóm điện tử, CNTT, công nghệ số theo huyện, thị xã, thành phố",
        "ict_by_ownership": "Nhóm điện tử, CNTT, công nghệ số theo thành phần kinh tế",
        "ict_by_size_class": "Nhóm điện tử, CNTT, công nghệ số theo quy mô",
        "ict": "Khu vực ICT (OECD)", "digital_tech": "Nhóm điện tử, CNTT, công nghệ số",
        "employees": "Lao động", "mean_employees": "Lao động bình quân/doanh nghiệp", "median_employees": "Lao động trung vị",
        "vsic4": "Ngành (VSIC cấp 4)", "sector_group": "Nhóm ngành",
        "workforce_title": "Lao động khu công nghiệp và đào tạo kỹ năng số",
        "workforce_scope": "Quy định: tối thiểu 1 giờ/tuần/người lao động (Quyết định 749/QĐ-TTg), tức 13 giờ mỗi quý.",
        "training_total": "Toàn tỉnh, cả năm", "training_by_period": "Theo quý", "training_by_district": "Theo huyện, thị xã, thành phố",
        "training_by_park": "Theo khu công nghiệp", "budget": "Ngân sách chuyển đổi số của tỉnh",
        "workers": "Lao động", "workers_trained": "Lượt lao động được đào tạo", "hours_required": "Số giờ phải đào tạo",
        "hours_delivered": "Số giờ đã đào tạo", "coverage": "Tỷ lệ đáp ứng", "share_trained": "Tỷ lệ lao động được đào tạo",
        "gap_hours": "Số giờ còn thiếu", "gap_workers": "Lao động chưa được đào tạo", "period": "Quý",
        "industrial_park": "Khu công nghiệp", "year": "Năm", "budget_vnd": "Ngân sách (đồng)",
        "per_enterprise_vnd": "Bình quân mỗi doanh nghiệp (đồng)", "per_worker_vnd": "Bình quân mỗi lao động KCN (đồng)",
        "district_code": "Huyện, thị xã, thành phố", "coverage_chart": "Tỷ lệ đáp ứng số giờ đào tạo theo huyện",
    },
    "en": {
        "report_title": "Enterprise digital adoption in Bình Dương: overview",
        "province": "Bình Dương province",
        "headline": "Headline figures",
        "compare": "Compared with the published figures",
        "by_district": "Digital-platform adoption by district unit",
        "by_vsic_section": "By economic sector (VSIC 2018 section)",
        "by_size_class": "By enterprise size (Decree 80/2021/ND-CP)",
        "by_ownership": "By ownership",
        "by_in_industrial_park": "Inside and outside industrial parks",
        "sources": "Where the numbers come from",
        "census_note": "The register is a census: rates carry no sampling error.",
        "scope_note": "Enterprises counted: active head offices (branches and suspended or dissolved firms are not counted).",
        "synthetic_banner": "SYNTHETIC DATA: this report is built on a machine-generated enterprise register calibrated to published figures. It describes no real firm.",
        "enterprises": "Enterprises",
        "adopters": "Enterprises using digital platforms",
        "adoption_rate": "Digital-platform adoption rate",
        "digital_tech_firms": "Electronics, IT and digital-technology enterprises",
        "digital_tech_workers": "Workers in electronics, IT and digital technology",
        "ip_firms": "Enterprises in industrial parks",
        "ip_workers": "Workers in industrial parks",
        "industrial_parks": "Industrial parks with enterprises",
        "fdi_firms": "Foreign-invested (FDI) enterprises",
        "firms": "Enterprises",
        "share_of_firms": "Share of enterprises",
        "figure": "Figure",
        "value": "Value",
        "computed": "Computed from data",
        "published": "Published",
        "difference": "Difference",
        "source": "Source",
        "district": "District unit",
        "vsic_section": "Sector (VSIC section)",
        "size_class": "Size",
        "ownership": "Ownership",
        "in_industrial_park": "Location",
        "true": "Inside industrial parks",
        "false": "Outside industrial parks",
        "micro": "Micro", "small": "Small", "medium": "Medium", "large": "Large",
        "state": "State", "domestic_private": "Domestic private", "fdi": "Foreign-invested (FDI)",
        "register_files": "Input files (register, platform records, survey, park workforce)",
        "rows": "rows",
        "published_sources": "Published figures",
        "reference_sources": "Reference data: administrative units (General Statistics Office, 1 Mar 2025), VSIC 2018 (Decision 27/2018/QD-TTg).",
        "over_time": "Enterprises using digital platforms over time (cumulative, by month)",
        "over_time_note": "From the date each firm started its first platform; the denominator is today's active enterprises.",
        "by_platform": "By platform category",
        "platform": "Platform category",
        "month": "Month",
        "ecommerce": "E-commerce", "digital_payment": "Digital payment", "cloud_accounting": "E-accounting and e-invoicing",
        "management_software": "Management software (ERP, CRM)", "digital_marketing": "Digital marketing, social media",
        "online_public_services": "Online public services",
        "intensity_title": "Enterprise digital intensity (Eurostat DII)",
        "intensity_scope": "Estimated from a stratified technology survey; every share with its 95% interval.",
        "intensity_method": "Design-weighted shares (stratum population / stratum sample; strata = district x size class); Wilson intervals on Kish's effective sample size.",
        "vs_eu": "Compared with the European Union (2023) and the 2030 target",
        "levels": "Enterprises by digital-intensity level",
        "levels_by_size": "Share at least basic by size",
        "indicators": "Share of enterprises with each technology indicator",
        "item": "Indicator", "share": "Share", "ci": "95% interval", "respondents": "Respondents",
        "eu_2023": "EU 2023", "eu_target_2030": "EU target 2030", "group": "Group", "all": "All",
        "sme": "Small and medium enterprises", "very_low": "Very low (0-3)", "low": "Low (4-6)", "high": "High (7-9)",
        "very_high": "Very high (10-12)", "at_least_basic": "At least basic (4+)",
        "ict_title": "The ICT sector and the electronics-IT-digital group",
        "ict_scope": "Active head offices; ICT sector as defined by the OECD.",
        "ict_summary": "Overview", "ict_by_vsic4": "Electronics-IT-digital group by VSIC class",
        "ict_by_district": "Electronics-IT-digital group by district unit",
        "ict_by_ownership": "Electronics-IT-digital group by ownership",
        "ict_by_size_class": "Electronics-IT-digital group by size",
        "ict": "ICT sector (OECD)", "digital_tech": "Electronics, IT and digital technology",
        "employees": "Employees", "mean_employees": "Mean employees per firm", "median_employees": "Median employees",
        "vsic4": "Sector (VSIC class)", "sector_group": "Sector group",
        "workforce_title": "Industrial-park workers and digital-skills training",
        "workforce_scope": "Rule: at least 1 hour a week per worker (Decision 749/QD-TTg), 13 hours a quarter.",
        "training_total": "Province, whole year", "training_by_period": "By quarter", "training_by_district": "By district unit",
        "training_by_park": "By industrial park", "budget": "Provincial digital-transformation budget",
        "workers": "Workers", "workers_trained": "Workers trained (quarterly, summed)", "hours_required": "Hours required",
        "hours_delivered": "Hours delivered", "coverage": "Coverage", "share_trained": "Share of workers trained",
        "gap_hours": "Hours short", "gap_workers": "Workers not trained", "period": "Quarter",
        "industrial_park": "Industrial park", "year": "Year", "budget_vnd": "Budget (VND)",
        "per_enterprise_vnd": "Per enterprise (VND)", "per_worker_vnd": "Per park worker (VND)",
        "district_code": "District unit", "coverage_chart": "Coverage of the required training hours by district",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a report language, else raise listing the valid ones."""
    if lang not in LANGUAGES:
        raise ParameterError(f"lang {lang!r} is not a report language; valid values: {', '.join(LANGUAGES)}")
    return lang


def label(key: str, lang: str) -> str:
    """The reader-facing label of a key in ``lang`` (the key itself if it has none).

    >>> label("adopters", "en")
    'Enterprises using digital platforms'
    """
    return LABELS[check_lang(lang)].get(key, key)


def fmt_int(value: float, lang: str) -> str:
    """A whole number with the language's thousands separator.

    >>> fmt_int(65000, "vi"), fmt_int(65000, "en")
    ('65.000', '65,000')
    """
    text = f"{round(value):,}"
    return text.replace(",", ".") if check_lang(lang) == "vi" else text


def fmt_pct(value: float, lang: str, digits: int = 1) -> str:
    """A share as a percentage with the language's decimal mark.

    >>> fmt_pct(0.6923, "vi"), fmt_pct(0.6923, "en")
    ('69,2%', '69.2%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value * 100:.{digits}f}%"
    return text.replace(".", ",") if check_lang(lang) == "vi" else text


def group_labels(table: pd.DataFrame, lang: str) -> pd.Series:
    """Reader-facing names of the groups in the first column of a metric table."""
    key = table.columns[0]
    return table[key].map(lambda v: value_label(key, v, lang))


def _frame(rows: pd.DataFrame, index_name: str) -> Styler:
    """Rows of formatted text as a table without the positional index."""
    styled = rows.style.hide(axis="index")
    return styled.set_table_styles([{"selector": "td:first-child", "props": [("text-align", "left")]}])


def _cells(values: pd.Series, fmt, lang: str, hidden=None) -> list[str]:
    """Formatted values: the disclosure symbol for hidden ones, a dash for other nulls.

    Without a ``hidden`` mask every null is taken as hidden (protected tables null them).
    """
    flags = [pd.isna(v) for v in values] if hidden is None else list(hidden)
    return [SYMBOL if flag else "–" if pd.isna(v) else fmt(v, lang) for v, flag in zip(values, flags)]


def adoption_table(table: pd.DataFrame, lang: str) -> Styler:
    """An ``adoption_by`` table with labels and numbers formatted for ``lang``.

    Hidden cells (a protected table) show the disclosure symbol, explained by
    :func:`disclosure_note`.
    """
    key = table.columns[0]
    dimension = "district" if key == "district_code" else key
    rows = pd.DataFrame({
        label(dimension, lang): group_labels(table, lang).to_numpy(),
        label("firms", lang): _cells(table["firms"], fmt_int, lang),
        label("adopters", lang): _cells(table["adopters"], fmt_int, lang),
        label("adoption_rate", lang): _cells(table["adoption_rate"], fmt_pct, lang),
        label("share_of_firms", lang): _cells(table["share_of_firms"], fmt_pct, lang),
    })
    return _frame(rows, label(dimension, lang))


def platform_table(table: pd.DataFrame, lang: str) -> Styler:
    """An ``adoption_by_platform`` table with labels and numbers formatted for ``lang``."""
    rows = pd.DataFrame({
        label("platform", lang): [label(p, lang) for p in table["platform"]],
        label("firms", lang): _cells(table["firms"], fmt_int, lang),
        label("share_of_firms", lang): _cells(table["share_of_firms"], fmt_pct, lang),
    })
    return _frame(rows, label("platform", lang))


def disclosure_note(lang: str) -> Markdown:
    """The footnote explaining the disclosure symbol, in italics."""
    return Markdown(f"*{footnote(lang)}*")


def headline_table(figures: pd.Series, lang: str) -> Styler:
    """Headline figures (from :func:`adoption.metrics.headline`) as a two-column table."""
    values = [fmt_pct(v, lang) if key == "adoption_rate" else fmt_int(v, lang) for key, v in figures.items()]
    rows = pd.DataFrame({label("figure", lang): [label(k, lang) for k in figures.index], label("value", lang): values})
    return _frame(rows, label("figure", lang))


def comparison_table(comparison: pd.DataFrame, lang: str) -> Styler:
    """A ``compare_published`` table with labels and numbers formatted for ``lang``."""
    def signed(value: int) -> str:
        return ("+" if value > 0 else "") + fmt_int(value, lang)

    rows = pd.DataFrame({
        label("figure", lang): [label(k, lang) for k in comparison["key"]],
        label("computed", lang): [fmt_int(v, lang) for v in comparison["computed"]],
        label("published", lang): [fmt_int(v, lang) for v in comparison["published"]],
        label("difference", lang): [f"{signed(d)} ({fmt_pct(r, lang)})" for d, r in zip(comparison["difference"], comparison["relative_difference"])],
        label("source", lang): comparison["source"].to_numpy(),
    })
    styled = _frame(rows, label("figure", lang))
    return styled.set_table_styles([{"selector": "td:last-child", "props": [("text-align", "left")]}], overwrite=False)


def heading(key: str, lang: str, *, level: int = 2) -> Markdown:
    """A Markdown heading from the label ``key``, for a notebook cell's output."""
    return Markdown(f"{'#' * level} {label(key, lang)}")


def title(lang: str, *, district: str | None = None, report: str = "report_title", scope: str = "scope_note") -> Markdown:
    """The report title (label ``report``), naming the district when the report covers one."""
    place = label("province", lang)
    if district:
        place = reference.districts().set_index("district_code").loc[district, "district"]
    return Markdown(f"# {label(report, lang)}\n\n**{place}**. {label(scope, lang)}")


def note(key: str, lang: str) -> Markdown:
    """A short explanatory note (the label ``key``) in italics."""
    return Markdown(f"*{label(key, lang)}*")


def banner(data: CleanData, lang: str) -> HTML:
    """A visible banner when the data are synthetic; empty output otherwise."""
    if not data.synthetic:
        return HTML("")
    text = html.escape(label("synthetic_banner", lang))
    return HTML(f'<div class="adoption-synthetic-banner" role="alert">{text}</div>')


def sources(data: CleanData, lang: str) -> Markdown:
    """Where the numbers come from: input files (with row counts), published figures, reference data."""
    lines = [f"**{label('register_files', lang)}**", ""]
    for rel, info in sorted(data.quality.get("files", {}).items()):
        lines.append(f"- `{rel}`: {fmt_int(info['rows_read'], lang)} {label('rows', lang)}")
    lines += ["", f"**{label('published_sources', lang)}**", ""]
    for source in reference.published_figures()["source"].drop_duplicates():
        lines.append(f"- {source}")
    lines += ["", label("reference_sources", lang)]
    return Markdown("\n".join(lines))


# How each column of a metric table is shown: "int", "pct", "dec" (one decimal).
COLUMN_FORMATS = {
    "firms": "int", "employees": "int", "mean_employees": "dec", "median_employees": "dec", "respondents": "int",
    "workers": "int", "workers_trained": "int", "hours_required": "int", "hours_delivered": "int",
    "gap_hours": "int", "gap_workers": "int", "coverage": "pct", "share_trained": "pct", "share": "pct",
    "eu_2023": "pct", "eu_target_2030": "pct", "budget_vnd": "int", "per_enterprise_vnd": "int",
    "per_worker_vnd": "int", "year": "plain",
}


@lru_cache(maxsize=None)
def _names(column: str, lang: str) -> dict[str, str]:
    """Code -> reader-facing name for the columns that hold reference codes."""
    if column == "district_code":
        units = reference.districts()
        return dict(zip(units["district_code"], units["district"]))
    if column == "commune_code":
        units = reference.admin_units()
        return dict(zip(units["commune_code"], units["commune"]))
    if column == "vsic4":
        codes = reference.vsic_codes()
        return {code: f"{code} {name}" for code, name in zip(codes["code"], codes["name_vi"])}
    if column == "vsic_section":
        sections = reference.vsic_sections()
        names = sections["name_vi" if lang == "vi" else "name_en_isic_rev4"]
        return {section: f"{section}. {name}" for section, name in zip(sections["section"], names)}
    if column == "item":
        table = reference.dii_indicators()
        return dict(zip(table["indicator"], table[f"label_{lang}"]))
    return {}


def value_label(column: str, value, lang: str) -> str:
    """The reader-facing name of a value of a metric-table column: a district, commune,
    VSIC code or indicator by its reference name, anything else by its label in ``lang``.

    >>> value_label("district_code", "721", "vi"), value_label("in_industrial_park", True, "en")
    ('Thành phố Bến Cát', 'Inside industrial parks')
    """
    text = str(value)
    names = _names(column, check_lang(lang))
    if text in names:
        return names[text]
    key = text.lower() if text in ("True", "False") else text
    return label(key, lang) if key in LABELS[lang] else text


def metric_table(table: pd.DataFrame, lang: str, *, columns: list[str] | None = None) -> Styler:
    """Any metric table for a reader: labelled columns, group names, formatted numbers,
    ``x`` for hidden cells, and ``ci_low``/``ci_high`` shown as one interval column.

    >>> frame = pd.DataFrame({"period": ["2023-Q1"], "coverage": [0.25]})
    >>> metric_table(frame, "en").data.columns.tolist()
    ['Quarter', 'Coverage']
    """
    columns = columns or [c for c in table.columns if c not in ("hidden", "n_eff", "quarters", "source", "label_en")]
    hidden = table["hidden"].to_numpy(dtype=bool) if "hidden" in table.columns else np.zeros(len(table), bool)
    out = {}
    for column in columns:
        values = table[column]
        kind = COLUMN_FORMATS.get(column)
        if column == "ci_low":
            out[label("ci", lang)] = [SYMBOL if flag else "–" if pd.isna(a) else f"{fmt_pct(a, lang)} – {fmt_pct(b, lang)}"
                                      for a, b, flag in zip(table["ci_low"], table["ci_high"], hidden)]
        elif column == "ci_high":
            continue
        elif kind == "int":
            out[label(column, lang)] = _cells(values, fmt_int, lang, hidden)
        elif kind == "pct":
            out[label(column, lang)] = _cells(values, fmt_pct, lang, hidden)
        elif kind == "dec":
            out[label(column, lang)] = _cells(values, lambda v, lg: fmt_pct(v / 100, lg).rstrip("%"), lang, hidden)
        else:
            out[label(column, lang)] = [value_label(column, v, lang) for v in values]
    rows = pd.DataFrame(out)
    return _frame(rows, rows.columns[0])
