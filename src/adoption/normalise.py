"""Normalisers: one verb per kind of messy value, each pure (input never changed).

Series in, new Series out. They are chained by :mod:`adoption.clean`, which decides
what to reject. Vocabularies of spellings live in :mod:`adoption.vocab`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from difflib import get_close_matches
from functools import lru_cache

import numpy as np
import pandas as pd

from . import reference, vocab
from . import tax_code as mst
from .text import fold, nfc

# Values outside these bounds are not used (the cell becomes null and is counted in
# quality.json). Registrations start in 1986, the year of the Đổi Mới reforms that
# allowed private enterprise; no Vietnamese enterprise reports more staff than 500,000.
MAX_EMPLOYEES = 500_000
EARLIEST_REGISTRATION = date(1986, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)

# Decree 80/2021/NĐ-CP Art. 5: (class, staff limit, revenue limit, capital limit) by group.
SIZE_LIMITS = {
    "industry": (("micro", 10, 3e9, 3e9), ("small", 100, 50e9, 20e9), ("medium", 200, 200e9, 100e9)),
    "services": (("micro", 10, 10e9, 3e9), ("small", 50, 100e9, 50e9), ("medium", 100, 300e9, 100e9)),
}
# Agriculture, industry and construction: VSIC sections A to F; trade and services: G to U.
INDUSTRY_SECTIONS = frozenset("ABCDEF")


def map_unique(values: pd.Series, func) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value (registers repeat a lot)."""
    uniques = pd.unique(values.to_numpy(dtype=object))
    lookup = dict(zip(uniques, (func(u) for u in uniques)))
    return pd.Series([lookup[v] for v in values.to_numpy(dtype=object)], index=values.index, dtype=object)


_MISSING_KEYS = frozenset(fold(t) for t in vocab.MISSING_TOKENS)
_LONGEST_MISSING = max(len(t) for t in vocab.MISSING_TOKENS)


def _is_missing(value: str) -> bool:
    text = value.strip()
    return len(text) <= _LONGEST_MISSING + 2 and fold(text) in _MISSING_KEYS


def clean_text(values: pd.Series) -> pd.Series:
    """NFC, whitespace collapsed, missing tokens to null.

    >>> clean_text(pd.Series([" Công  ty ", "-", "N/A"])).tolist()
    ['Công ty', <NA>, <NA>]
    """
    return map_unique(values, lambda v: None if _is_missing(str(v)) else nfc(str(v))).astype("string")


_VN_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")


def parse_number(value: str) -> float | None:
    """Read a number written the Vietnamese or the English way; None when missing or unreadable.

    >>> [parse_number(v) for v in ["1.234.567", "1.234,5", "1,234,567", "42", "-", "không"]]
    [1234567.0, 1234.5, 1234567.0, 42.0, None, None]
    """
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if _is_missing(text):
        return None
    if _VN_THOUSANDS.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _EN_THOUSANDS.match(text):
        return float(text.replace(",", ""))
    if _PLAIN.match(text):
        return float(text.replace(",", "."))
    return None


def clean_numbers(values: pd.Series, *, maximum: float | None = None) -> pd.Series:
    """Whole numbers from text; negative, unreadable or above ``maximum`` become null.

    >>> clean_numbers(pd.Series(["12", "-3", "1.000", "abc", ""]), maximum=500).tolist()
    [12, <NA>, <NA>, <NA>, <NA>]
    """
    parsed = map_unique(values, parse_number).astype("Float64")
    bad = (parsed < 0) | (parsed > maximum if maximum is not None else False)
    return parsed.mask(bad.fillna(False)).round().astype("Int64")


_DATE_FORMATS = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y"),
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "%Y-%m-%d"),
)


@lru_cache(maxsize=65_536)
def parse_date(value: str) -> date | None:
    """Read ``dd/mm/yyyy``, ``d/m/yyyy``, ``dd-mm-yyyy``, ``yyyy-mm-dd`` or an Excel serial.

    >>> [parse_date(v) for v in ["05/10/2023", "5/1/2020", "2019-03-31", "45000", "31/02/2020"]]
    [datetime.date(2023, 10, 5), datetime.date(2020, 1, 5), datetime.date(2019, 3, 31), datetime.date(2023, 3, 15), None]
    """
    text = str(value).strip()
    if _is_missing(text):
        return None
    text = text.split(" ")[0]
    for pattern, fmt in _DATE_FORMATS:
        if pattern.match(text):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                return None
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return date.fromordinal(EXCEL_EPOCH.toordinal() + int(float(text)))
    return None


def clean_dates(values: pd.Series, *, earliest: date | None = None, latest: date | None = None) -> pd.Series:
    """Dates from text; unreadable or outside ``[earliest, latest]`` become null (NaT)."""
    def in_range(value: str) -> date | None:
        parsed = parse_date(value)
        if parsed is None or (earliest and parsed < earliest) or (latest and parsed > latest):
            return None
        return parsed

    parsed = map_unique(values, in_range)
    return pd.to_datetime(parsed, errors="coerce").astype("datetime64[s]")


def _match_patterns(value: str, patterns: tuple[tuple[str, str], ...]) -> str | None:
    key = f" {fold(value)} "
    for pattern, category in patterns:
        if f" {pattern} " in key:
            return category
    return None


def clean_category(values: pd.Series, *, patterns: tuple[tuple[str, str], ...], categories: tuple[str, ...]) -> pd.Series:
    """Map free text to a fixed set of categories by ordered patterns; unknown to null.

    >>> clean_category(pd.Series(["Công ty TNHH MTV", "CTCP", "?"]),
    ...                patterns=vocab.LEGAL_FORM_PATTERNS, categories=vocab.LEGAL_FORMS).tolist()
    ['llc_one_member', 'joint_stock', nan]
    """
    mapped = map_unique(values, lambda v: _match_patterns(str(v), patterns))
    return pd.Categorical(mapped, categories=list(categories))  # type: ignore[return-value]


def clean_tax_codes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normal-form tax codes and, where one is refused, the reason.

    >>> codes, reasons = clean_tax_codes(pd.Series(["3700145020", "100233488", "0100233480"]))
    >>> codes.tolist()
    ['3700145020', '0100233488', <NA>]
    """
    pairs = map_unique(values, mst.normalise)
    codes = pairs.map(lambda p: p[0]).astype("string")
    reasons = pairs.map(lambda p: p[1]).astype("string")
    return codes, reasons


@lru_cache(maxsize=1)
def _district_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in reference.districts().itertuples():
        index[fold(row.district_short)] = row.district_code
        index[fold(row.district)] = row.district_code
        index[row.district_code] = row.district_code
    return index


def _strip_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


def district_code(value: str) -> str | None:
    """GSO code of a district unit from any spelling; None when it is not one of the 9.

    >>> [district_code(v) for v in ["TX. Bến Cát", "tp ben cat", "Thành phố Bến Cát", "721", "Ben Cat town"]]
    ['721', '721', '721', '721', None]
    """
    key = fold(str(value))
    index = _district_index()
    if key in index:
        return index[key]
    return index.get(_strip_prefix(key, vocab.DISTRICT_PREFIXES))


def _commune_keys(value: str) -> list[str]:
    """Lookup keys of a commune spelling, most specific first: as written with its
    abbreviation spelled out (P. -> phuong), then without any prefix."""
    key = fold(str(value))
    keys = [key]
    for abbrev, full in vocab.COMMUNE_ABBREVIATIONS.items():
        if key.startswith(abbrev + " "):
            keys.append(full + key[len(abbrev):])
    keys.append(_strip_prefix(key, vocab.COMMUNE_PREFIXES))
    return keys


def _unique_index(pairs) -> dict:
    """key -> value for keys that map to one value only (ambiguous keys are left out)."""
    seen: dict = {}
    for key, value in pairs:
        seen.setdefault(key, set()).add(value)
    return {key: next(iter(values)) for key, values in seen.items() if len(values) == 1}


@lru_cache(maxsize=1)
def _commune_index() -> dict[tuple[str, str], str]:
    units = reference.admin_units()
    return _unique_index(
        ((row.district_code, key), row.commune_code)
        for row in units.itertuples()
        for key in (fold(row.commune), _strip_prefix(fold(row.commune), vocab.COMMUNE_PREFIXES), row.commune_code)
    )


def commune_code(value: str, district: str | None) -> str | None:
    """GSO code of a commune, looked up within its district; None if unknown or ambiguous.

    >>> commune_code("P. Hiệp Thành", "718"), commune_code("Phuong Hiep Thanh", "718"), commune_code("25741", "718")
    ('25741', '25741', '25741')
    """
    if district is None:
        return None
    index = _commune_index()
    return next((index[(district, k)] for k in _commune_keys(value) if (district, k) in index), None)


@lru_cache(maxsize=1)
def _commune_to_district() -> dict[str, str]:
    """Commune spelling -> district code, for spellings that occur in one district only."""
    units = reference.admin_units()
    return _unique_index(
        (key, row.district_code)
        for row in units.itertuples()
        for key in (fold(row.commune), _strip_prefix(fold(row.commune), vocab.COMMUNE_PREFIXES), row.commune_code)
    )


def district_of_commune(value: str) -> str | None:
    """The district of a commune whose spelling occurs in one district only.

    >>> district_of_commune("Phuong Hiep Thanh"), district_of_commune("25741"), district_of_commune("P. Hiệp Thành")
    ('718', '718', '718')
    """
    index = _commune_to_district()
    return next((index[k] for k in _commune_keys(value) if k in index), None)


@lru_cache(maxsize=1)
def _district_names() -> dict[str, str]:
    units = reference.districts()
    return {fold(short): name for short, name in zip(units["district_short"], units["district"])}


def closest_district(value: str) -> str | None:
    """The official name of the district unit nearest to a misspelling, for messages only.

    Never used to fill a value: a near miss is rejected, with this as a hint.

    >>> closest_district("Thu Dau Mot city")
    'Thành phố Thủ Dầu Một'
    """
    keys = _district_names()
    key = _strip_prefix(fold(str(value)), vocab.DISTRICT_PREFIXES)
    close = get_close_matches(key, list(keys), n=1, cutoff=0.6)
    if not close:
        close = [k for k in keys if k in key]
    return keys[close[0]] if close else None


@lru_cache(maxsize=1)
def _park_index() -> dict[str, str]:
    index = {}
    names = list(reference.industrial_parks()["park_name"]) + list(reference.reference_parks()["park_name_vi"])
    for name in names:
        key = _strip_prefix(fold(name), vocab.PARK_PREFIXES)
        index.setdefault(key, name)
    return index


def park_name(value: str) -> str | None:
    """Canonical name of an industrial park from any spelling; other names kept as written (NFC).

    >>> park_name("Khu công nghiệp Song Than 2"), park_name("KCN Mới")
    ('KCN Sóng Thần 2', 'KCN Mới')
    """
    text = str(value)
    if not text.strip() or _is_missing(text):
        return None
    key = _strip_prefix(fold(text), vocab.PARK_PREFIXES)
    return _park_index().get(key, nfc(text))


_VSIC_CODE = re.compile(r"^\s*(?:[A-Ua-u]\s*[-.:]?\s*)?(\d{4,5})\b")


def vsic4(value: str) -> str | None:
    """The 4-digit VSIC class from a code written in any usual way; None if none is found.

    >>> [vsic4(v) for v in ["2610", "26100", "C2610", "C - 2610", "2610 - Sản xuất linh kiện điện tử", "abc"]]
    ['2610', '2610', '2610', '2610', '2610', None]
    """
    match = _VSIC_CODE.match(str(value))
    return match.group(1)[:4] if match else None


def size_class(employees: pd.Series, revenue: pd.Series, capital: pd.Series, section: pd.Series) -> pd.Categorical:
    """Enterprise size by Decree 80/2021 Art. 5: staff within the limit, and revenue or capital.

    A firm with neither revenue nor capital is classed by staff alone; with no staff
    figure it has no class.

    >>> size_class(pd.Series([5, 60, 60, 500]), pd.Series([1e9, None, 60e9, 1e12]),
    ...            pd.Series([None, 10e9, 60e9, 1e12]), pd.Series(["C", "C", "G", "G"])).tolist()
    ['micro', 'small', 'medium', 'large']
    """
    staff = employees.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    rev = revenue.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    cap = capital.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    industry = section.isin(INDUSTRY_SECTIONS).to_numpy()
    no_money = np.isnan(rev) & np.isnan(cap)
    result = np.full(len(staff), "large", dtype=object)
    decided = np.zeros(len(staff), bool)
    for group, is_group in (("industry", industry), ("services", ~industry)):
        for label, staff_max, rev_max, cap_max in SIZE_LIMITS[group]:
            fits = is_group & (staff <= staff_max) & ((rev <= rev_max) | (cap <= cap_max) | no_money)
            take = fits & ~decided
            result[take] = label
            decided |= take
    result[np.isnan(staff)] = None
    return pd.Categorical(result, categories=list(vocab.SIZE_CLASSES))


_QUARTER = (
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*q(?:uy)?\s*(?P<q>[1-4])$"),
    re.compile(r"^q(?:uy)?\s*(?P<q>[1-4])\s*[-/ ]?\s*(?:nam\s*)?(?P<year>\d{4})$"),
)


def quarter(value: str) -> str | None:
    """A quarter as ``YYYY-Qn`` from ``2023-Q1``, ``Q1/2023``, ``Quý 1/2023``, ``Quý 1 năm 2023``.

    >>> [quarter(v) for v in ["2023-Q1", "Q2/2023", "Quý 3/2023", "quy 4 nam 2023", "2023"]]
    ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', None]
    """
    key = fold(str(value))
    for pattern in _QUARTER:
        match = pattern.match(key)
        if match:
            return f"{match.group('year')}-Q{match.group('q')}"
    return None


@lru_cache(maxsize=4096)
def platform_category(value: str) -> str | None:
    """The platform category of a free-text platform name; None when none matches.

    >>> platform_category("Sàn thương mại điện tử"), platform_category("digital_payment"), platform_category("?")
    ('ecommerce', 'digital_payment', None)
    """
    key = f" {fold(str(value))} "
    for category, spellings in vocab.PLATFORM_CATEGORIES.items():
        if f" {category.replace('_', ' ')} " in key or any(f" {s} " in key for s in spellings):
            return category
    return None


_FORMULA_START = ("=", "+", "-", "@")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells starting with = + - @ get a leading apostrophe.

    A spreadsheet then shows the text instead of running it as a formula.

    >>> spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "ok", "-3"]}))["a"].tolist()
    ["'=1+1", 'ok', "'-3"]
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out
