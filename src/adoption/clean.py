"""Cleaning: raw register and platform records into the data contract's clean tables.

Each normaliser is a pure function: a Series of raw text in, a new Series out (and, where
a value can be refused, a Series of reasons). :func:`clean_raw` chains them, rejects
what cannot be used with a reason, merges duplicates, and accounts for every row.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, config, reference, schema, vocab
from . import tax_code as mst
from .dataset import RawTable, data_files, read_raw, sha256_file, write_outputs
from .errors import InputFileError
from .synth import synthetic_files
from .text import fold, nfc

log = logging.getLogger(__name__)

# Values outside these bounds are not used (cell becomes null). Source: project rule;
# the Vietnamese enterprise law in force dates from 1986 (Đổi Mới) onward.
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

REASONS = {
    "tax_code_invalid": "the tax code is missing or invalid",
    "name_missing": "the enterprise name is empty",
    "district_unknown": "the district is not one of the 9 district units of Bình Dương",
    "vsic_invalid": "the main activity is not a VSIC 2018 class",
    "platform_unknown": "the platform category is not recognised",
    "date_invalid": "the date is missing or cannot be read",
    "not_in_register": "the tax code is not in the clean register",
}


# ----------------------------------------------------------------------------- values

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


@lru_cache(maxsize=1)
def _commune_index() -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for row in reference.admin_units().itertuples():
        for key in (fold(row.commune), _strip_prefix(fold(row.commune), vocab.COMMUNE_PREFIXES), row.commune_code):
            index[(row.district_code, key)] = row.commune_code
    return index


def commune_code(value: str, district: str | None) -> str | None:
    """GSO code of a commune, looked up within its district.

    >>> commune_code("P. Hiệp Thành", "718"), commune_code("Phuong Hiep Thanh", "718")
    ('25741', '25741')
    """
    if district is None:
        return None
    key = fold(str(value))
    index = _commune_index()
    return index.get((district, key)) or index.get((district, _strip_prefix(key, vocab.COMMUNE_PREFIXES)))


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


# ----------------------------------------------------------------------------- tables

@dataclass
class CleanResult:
    """What :func:`clean_raw` produced, before it is written."""

    enterprises: pd.DataFrame
    platforms: pd.DataFrame
    rejects: pd.DataFrame
    extras: pd.DataFrame
    quality: dict


def _reject_frame(rows: pd.DataFrame, codes: pd.Series, reasons: pd.Series, original: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "source_file": rows["source_file"].to_numpy(),
        "source_row": rows["source_row"].to_numpy(),
        "reason_code": codes.to_numpy(),
        "reason": reasons.to_numpy(),
    })
    for column in original:
        out[column] = rows[column].to_numpy()
    return out


def _first_reason(checks: list[tuple[str, pd.Series, pd.Series, object]], n: int) -> tuple[pd.Series, pd.Series]:
    """For each row, the first failed check: its code and a sentence built from the value."""
    code = pd.Series([None] * n, dtype="object")
    reason = pd.Series([None] * n, dtype="object")
    for name, failed, values, sentence in checks:
        take = failed.to_numpy(dtype=bool) & code.isna().to_numpy()
        code[take] = name
        reason[take] = [sentence(v) for v in values.to_numpy(dtype=object)[take]]
    return code, reason


def _changed(raw: pd.Series, clean: pd.Series) -> int:
    raw_text = raw.fillna("").astype(str).str.strip().to_numpy(dtype=object)
    clean_text_ = clean.astype("string").fillna("").to_numpy(dtype=object)
    return int((raw_text != clean_text_).sum())


def _vsic_reason(value: str) -> str:
    if not str(value).strip():
        return "the main activity (VSIC code) is empty"
    return f"main activity {value!r} is not a VSIC 2018 class (data/external/vsic2018_codes.csv)"


def clean_register(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Normalise raw register rows; return (clean rows, rejected rows, changes per column).

    The input frame is not modified.
    """
    n = len(raw)
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    name = clean_text(raw["name"])
    district = map_unique(raw["district"], district_code).astype("string")
    commune = pd.Series([commune_code(c, d if pd.notna(d) else None) for c, d in zip(raw["commune"], district)], dtype="string")
    # A commune that names its district fills a missing district.
    commune_only = district.isna()
    if commune_only.any():
        by_commune = _commune_to_district()
        guessed = raw.loc[commune_only, "commune"].map(lambda c: by_commune.get(fold(str(c))))
        district = district.mask(commune_only, guessed.astype("string"))
        commune = commune.mask(commune_only, [commune_code(c, d if pd.notna(d) else None) for c, d in zip(raw.loc[commune_only, "commune"], district[commune_only])])
    classes = reference.vsic_classes().set_index("vsic4")
    code4 = map_unique(raw["vsic"], vsic4).astype("string")
    known_class = code4.isin(classes.index).fillna(False)

    checks = [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("name_missing", name.isna(), name, lambda v: REASONS["name_missing"]),
        ("district_unknown", district.isna(), raw["district"], lambda v: f"district {v!r} is not one of the 9 district units of Bình Dương"),
        ("vsic_invalid", ~known_class, raw["vsic"], _vsic_reason),
    ]
    reason_code, reason = _first_reason(checks, n)
    rejected = reason_code.notna().to_numpy()
    keep = ~rejected
    rejects = _reject_frame(raw[rejected], reason_code[rejected], reason[rejected], list(vocab.REGISTER_HEADER_ALIASES))

    districts = reference.districts().set_index("district_code")["district"]
    k = pd.Series(keep)
    vsic_keep = code4[keep].to_numpy()
    clean = pd.DataFrame({
        "tax_code": codes[keep].to_numpy(),
        "name": name[keep].to_numpy(),
        "district_code": district[keep].to_numpy(),
        "commune_code": commune[keep].to_numpy(),
        "vsic4": vsic_keep,
        "legal_form": clean_category(raw.loc[k, "legal_form"], patterns=vocab.LEGAL_FORM_PATTERNS, categories=vocab.LEGAL_FORMS),
        "ownership": clean_category(raw.loc[k, "ownership"], patterns=vocab.OWNERSHIP_PATTERNS, categories=vocab.OWNERSHIPS),
        "registered_on": clean_dates(raw.loc[k, "registered_on"], earliest=EARLIEST_REGISTRATION, latest=date.today()).to_numpy(),
        "employees": clean_numbers(raw.loc[k, "employees"], maximum=MAX_EMPLOYEES).array,
        "charter_capital_vnd": clean_numbers(raw.loc[k, "charter_capital_vnd"]).array,
        "revenue_vnd": clean_numbers(raw.loc[k, "revenue_vnd"]).array,
        "industrial_park": clean_text(raw.loc[k, "industrial_park"]).to_numpy(),
        "status": clean_category(raw.loc[k, "status"], patterns=vocab.STATUS_PATTERNS, categories=vocab.STATUSES),
        "source_file": raw.loc[k, "source_file"].to_numpy(),
        "source_row": raw.loc[k, "source_row"].astype("int64").to_numpy(),
    })
    for column in ("tax_code", "name", "district_code", "commune_code", "vsic4", "industrial_park", "source_file"):
        clean[column] = clean[column].astype("string")
    clean["is_branch"] = clean["tax_code"].str.contains("-", regex=False).astype(bool)
    clean["district"] = clean["district_code"].map(districts).astype("string")
    clean["vsic_division"] = clean["vsic4"].str[:2].astype("string")
    clean["vsic_section"] = clean["vsic4"].map(classes["vsic_section"]).astype("string")
    clean["is_ict"] = clean["vsic4"].map(classes["is_ict"]).astype(bool)
    clean["is_digital_tech"] = clean["vsic4"].map(classes["is_digital_tech"]).astype(bool)
    clean["in_industrial_park"] = clean["industrial_park"].notna().astype(bool)
    clean["size_class"] = size_class(clean["employees"], clean["revenue_vnd"], clean["charter_capital_vnd"], clean["vsic_section"])

    kept_raw = raw[keep]
    changed = {
        "tax_code": _changed(kept_raw["tax_code"], clean["tax_code"]),
        "name": _changed(kept_raw["name"], clean["name"]),
        "district": _changed(kept_raw["district"], clean["district"]),
        "vsic": _changed(kept_raw["vsic"], clean["vsic4"]),
    }
    return clean, rejects, changed


@lru_cache(maxsize=1)
def _commune_to_district() -> dict[str, str]:
    """Commune spelling -> district code, for commune names that occur in one district only."""
    units = reference.admin_units()
    seen: dict[str, set[str]] = {}
    for row in units.itertuples():
        for key in (fold(row.commune), _strip_prefix(fold(row.commune), vocab.COMMUNE_PREFIXES), row.commune_code):
            seen.setdefault(key, set()).add(row.district_code)
    return {key: next(iter(codes)) for key, codes in seen.items() if len(codes) == 1}


def merge_duplicates(clean: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """One row per tax code: the most complete record wins, ties to the later file and row.

    Identical rows are merged by the same rule. Returns the kept rows and, for every
    merged row, its ``source_file`` (for the per-file accounting).
    """
    completeness = clean.notna().sum(axis=1)
    order = clean.assign(_complete=completeness).sort_values(
        ["tax_code", "_complete", "source_file", "source_row"], ascending=[True, False, False, False], kind="stable"
    )
    duplicated = order["tax_code"].duplicated(keep="first")
    merged_from = order.loc[duplicated, "source_file"]
    kept = order[~duplicated].drop(columns="_complete").sort_values(["source_file", "source_row"], kind="stable")
    return kept.reset_index(drop=True), merged_from


def clean_platforms(raw: pd.DataFrame, register_codes: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Normalise platform-use rows; keep one row per firm and platform (earliest date).

    Returns (clean rows, rejected rows, source file of each merged row).
    """
    n = len(raw)
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    platform = map_unique(raw["platform"], _platform_category)
    adopted = clean_dates(raw["adopted_on"], earliest=EARLIEST_REGISTRATION, latest=date.today())
    known = codes.isin(set(register_codes)).fillna(False)
    checks = [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("platform_unknown", platform.isna(), raw["platform"], lambda v: f"platform {v!r} is not one of {', '.join(vocab.PLATFORM_CATEGORIES)}"),
        ("date_invalid", adopted.isna(), raw["adopted_on"], lambda v: f"adoption date {v!r} cannot be read as a date from 1986 to today"),
        ("not_in_register", ~known, codes, lambda c: f"tax code {c} is not in the clean register"),
    ]
    reason_code, reason = _first_reason(checks, n)
    rejected = reason_code.notna().to_numpy()
    rejects = _reject_frame(raw[rejected], reason_code[rejected], reason[rejected], list(vocab.PLATFORM_HEADER_ALIASES))
    keep = ~rejected
    clean = pd.DataFrame({
        "tax_code": codes[keep].astype("string").to_numpy(),
        "platform": pd.Categorical(platform[keep], categories=list(vocab.PLATFORM_CATEGORIES)),
        "adopted_on": adopted[keep].to_numpy(),
        "source_file": raw.loc[keep, "source_file"].astype("string").to_numpy(),
        "source_row": raw.loc[keep, "source_row"].astype("int64").to_numpy(),
    })
    clean["tax_code"] = clean["tax_code"].astype("string")
    clean["source_file"] = clean["source_file"].astype("string")
    ordered = clean.sort_values(["tax_code", "platform", "adopted_on", "source_file", "source_row"], kind="stable")
    dup = ordered.duplicated(["tax_code", "platform"], keep="first")
    merged_from = ordered.loc[dup, "source_file"]
    kept = ordered[~dup].sort_values(["source_file", "source_row"], kind="stable").reset_index(drop=True)
    return kept, rejects, merged_from


@lru_cache(maxsize=4096)
def _platform_category(value: str) -> str | None:
    key = f" {fold(str(value))} "
    for category, spellings in vocab.PLATFORM_CATEGORIES.items():
        if f" {category.replace('_', ' ')} " in key or any(f" {s} " in key for s in spellings):
            return category
    return None


def _read_folder(folder: Path, aliases: dict, required: tuple[str, ...], *, needed: bool) -> list[RawTable]:
    files = data_files(folder)
    if not files:
        if needed:
            raise InputFileError(f"{folder}: no register file found; expected one or more CSV or XLSX files")
        return []
    tables = []
    for path in files:
        log.info("reading %s", path.name)
        tables.append(read_raw(path, aliases, required))
    return tables


def _null_rates(frame: pd.DataFrame) -> dict[str, float]:
    return {c: round(float(frame[c].isna().mean()), 6) for c in frame.columns} if len(frame) else {}


def clean_raw(raw_dir: Path = config.RAW_DIR) -> CleanResult:
    """Read and clean every raw input of ``raw_dir`` (laid out as ``data/raw/``).

    >>> result = clean_raw()  # doctest: +SKIP
    >>> result.quality["files"]["register/synthetic_register_718.csv"]["rows_read"]  # doctest: +SKIP
    15312
    """
    raw_dir = Path(raw_dir)
    registers = _read_folder(raw_dir / "register", vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED, needed=True)
    platform_tables = _read_folder(raw_dir / "platforms", vocab.PLATFORM_HEADER_ALIASES, vocab.PLATFORM_REQUIRED, needed=False)

    raw_register = pd.concat([t.frame for t in registers], ignore_index=True)
    log.info("cleaning %s register rows", f"{len(raw_register):,}")
    clean, reg_rejects, changed = clean_register(raw_register)
    if clean.empty:
        names = ", ".join(t.path.name for t in registers)
        raise InputFileError(f"{raw_dir / 'register'}: no valid row in {names}; every row was rejected (see the reasons above in rejects)")
    enterprises, reg_merged = merge_duplicates(clean)

    if platform_tables:
        raw_platforms = pd.concat([t.frame for t in platform_tables], ignore_index=True)
        log.info("cleaning %s platform rows", f"{len(raw_platforms):,}")
        platforms, plat_rejects, plat_merged = clean_platforms(raw_platforms, enterprises["tax_code"])
    else:
        platforms = pd.DataFrame({c: pd.Series(dtype="string") for c in ("tax_code", "source_file")})
        platforms = pd.DataFrame({
            "tax_code": pd.Series(dtype="string"),
            "platform": pd.Categorical([], categories=list(vocab.PLATFORM_CATEGORIES)),
            "adopted_on": pd.Series(dtype="datetime64[s]"),
            "source_file": pd.Series(dtype="string"),
            "source_row": pd.Series(dtype="int64"),
        })
        plat_rejects, plat_merged = pd.DataFrame(), pd.Series(dtype="string")

    counts = platforms.groupby("tax_code", observed=True)["platform"].nunique()
    enterprises["platform_count"] = enterprises["tax_code"].map(counts).fillna(0).astype("int64")
    enterprises["uses_digital_platform"] = (enterprises["platform_count"] > 0).astype(bool)
    enterprises = enterprises[list(schema.ENTERPRISE_COLUMNS)]
    schema.validate_enterprises(enterprises)
    schema.validate_platforms(platforms)

    rejects = pd.concat([reg_rejects.assign(table="register"), plat_rejects.assign(table="platforms")], ignore_index=True)
    rejects["source_row"] = rejects["source_row"].astype("Int64")
    rejects = spreadsheet_safe(rejects)
    extras = pd.concat([t.extras for t in registers + platform_tables], ignore_index=True)

    quality = _quality(raw_dir, registers, platform_tables, enterprises, platforms, rejects, reg_merged, plat_merged, changed)
    return CleanResult(enterprises=enterprises, platforms=platforms, rejects=rejects, extras=extras, quality=quality)


def _quality(raw_dir, registers, platform_tables, enterprises, platforms, rejects, reg_merged, plat_merged, changed) -> dict:
    files: dict[str, dict] = {}
    for folder, tables, kept_frame, merged in (
        ("register", registers, enterprises, reg_merged),
        ("platforms", platform_tables, platforms, plat_merged),
    ):
        for table in tables:
            name = table.path.name
            files[f"{folder}/{name}"] = {
                "table": folder,
                "sha256": sha256_file(table.path),
                "rows_read": table.rows_read,
                "rows_kept": int((kept_frame["source_file"] == name).sum()),
                "rows_rejected": int(((rejects.get("source_file") == name) & (rejects.get("table") == folder)).sum()) if len(rejects) else 0,
                "rows_merged": int((merged == name).sum()),
                "headers": table.header_map,
                "extra_columns": sorted(set(table.extras["column"])) if len(table.extras) else [],
            }
    synthetic = synthetic_files(raw_dir)
    digest = "\n".join(f"{rel} {info['sha256']}" for rel, info in sorted(files.items()))
    import hashlib

    return {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "package_version": __version__,
        "raw_dir": str(raw_dir),
        "synthetic": any(rel in synthetic for rel in files),
        "synthetic_files": sorted(rel for rel in files if rel in synthetic),
        "input_hash": hashlib.sha256(digest.encode()).hexdigest(),
        "files": files,
        "reasons": {str(k): int(v) for k, v in rejects["reason_code"].value_counts().items()} if len(rejects) else {},
        "null_rates": {"enterprises": _null_rates(enterprises), "platforms": _null_rates(platforms)},
        "normalised": changed,
        "totals": {
            "register_rows_read": sum(t.rows_read for t in registers),
            "enterprises": len(enterprises),
            "platform_rows_read": sum(t.rows_read for t in platform_tables),
            "platform_records": len(platforms),
            "rejected": len(rejects),
        },
    }


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


def clean_folder(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR) -> CleanResult:
    """Clean ``raw_dir`` and write the contract's outputs into ``out_dir``.

    Nothing is written when cleaning fails.
    """
    result = clean_raw(raw_dir)
    tables = {config.ENTERPRISES_FILE: result.enterprises, config.PLATFORMS_FILE: result.platforms}
    if len(result.extras):
        tables["extra_columns.parquet"] = result.extras
    write_outputs(Path(out_dir), tables, result.quality, result.rejects)
    log.info("wrote %s enterprises to %s", f"{len(result.enterprises):,}", out_dir)
    return result
