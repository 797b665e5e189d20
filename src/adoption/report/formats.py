"""Numbers and names as a reader sees them, in the report's language."""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from ..core import classification, reference
from ..core.schema import Enterprises as E
from .text import check_lang, has_label, label

# How each column of a metric table is shown: "int", "pct", "dec" (one decimal).
COLUMN_FORMATS = {
    "firms": "int", "employees": "int", "mean_employees": "dec", "median_employees": "dec", "respondents": "int",
    "workers": "int", "trained_per_quarter": "int", "worker_quarters_trained": "int", "hours_required": "int",
    "hours_delivered": "int", "hours_per_trained": "dec", "share_13h_at_most": "pct",
    "gap_hours": "int", "gap_workers": "int", "coverage": "pct", "share_trained": "pct", "share": "pct",
    "eu_2023": "pct", "eu_target_2030": "pct", "budget_vnd": "int", "per_enterprise_vnd": "int",
    "per_worker_vnd": "int", "year": "plain", "cv": "pct",
}


def fmt_int(value: float, lang: str) -> str:
    """A whole number with the language's thousands separator.

    >>> fmt_int(65000, "vi"), fmt_int(65000, "en"), fmt_int(float("nan"), "en")
    ('65.000', '65,000', '–')
    """
    if value is None or pd.isna(value):
        return "–"
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


def fmt_dec(value: float, lang: str) -> str:
    """A number with one decimal and the language's decimal mark.

    >>> fmt_dec(12.345, "vi"), fmt_dec(12.345, "en")
    ('12,3', '12.3')
    """
    return fmt_pct(value / 100, lang).rstrip("%")


def fmt_signed(value: float, lang: str, fmt=fmt_dec) -> str:
    """A difference with its sign: ``+`` before a gain, the minus of ``fmt`` before a loss.

    >>> fmt_signed(1.25, "vi"), fmt_signed(-3, "en", fmt_int), fmt_signed(0, "en")
    ('+1,2', '-3', '0.0')
    """
    return ("+" if value > 0 else "") + fmt(value, lang)


@lru_cache(maxsize=None)
def _names(column: str, lang: str) -> dict[str, str]:
    """Code -> reader-facing name for the columns that hold reference codes."""
    if column == E.province_code:
        from ..core.scope import province_names

        return province_names()
    if column == E.district_code:
        units = reference.districts()
        return dict(zip(units["district_code"], units["district"]))
    if column == E.commune_code:
        units = reference.admin_units()
        return dict(zip(units["commune_code"], units["commune"]))
    if column == "commune2025_code":
        units = reference.units_2025()
        return dict(zip(units["commune2025_code"], units["commune2025"]))
    if column == E.vsic4:
        codes = reference.vsic_codes()
        return {code: f"{code} {name}" for code, name in zip(codes["code"], codes["name_vi"])}
    if column == E.vsic2025_4:
        codes = classification.vsic2025_codes()
        return {code: f"{code} {name}" for code, name in zip(codes["code"], codes["name_vi"])}
    if column == E.vsic2025_section:
        codes = classification.vsic2025_codes()
        sections = codes[codes["level"] == "1"]
        return {section: f"{section}. {name.capitalize()}" for section, name in zip(sections["code"], sections["name_vi"])}
    if column == E.vsic_section:
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
    for candidate in (f"{column}_{key}", key):  # a column's own label first: platform "other"
        if has_label(candidate):
            return label(candidate, lang)
    return text


def group_labels(table: pd.DataFrame, lang: str) -> pd.Series:
    """Reader-facing names of the groups in the first column of a metric table."""
    key = table.columns[0]
    return table[key].map(lambda v: value_label(key, v, lang))
