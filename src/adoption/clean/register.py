"""Cleaning the register: raw rows into enterprise rows and rejected rows."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core import reference
from ..core.scope import BINH_DUONG, Scope, parse_scope, province_names
from ..core.schema import (
    LEGAL_FORMS, OWNERSHIPS, SOURCE_COLUMNS, STATUSES, VSIC_EVIDENCE, VSIC_VERSIONS, Enterprises as E,
)
from ..core.sizes import size_class
from . import vocab
from .distinct import arrow_text, categorical, looked_up
from .normalise import (
    EARLIEST_REGISTRATION,
    MAX_EMPLOYEES,
    OUT_OF_RANGE,
    clean_category,
    clean_tax_codes,
    clean_text,
    is_missing,
    map_pairs,
    map_text,
    missing,
    read_dates,
    read_numbers,
)
from .geo2025 import GEO_COLUMNS, geo_flags, locate
from .places import commune_code, district_code, district_of_commune, park_name
from .provinces import Placed, place, province_flags, stated
from .rejects import Stage, changed, district_reason, flagged, split, unparsed_values
from .vsic import read_vsic, vsic_flags, vsic_reason


# The columns the main activity fills (adoption.clean.vsic), with their types.
_VSIC_COLUMNS = {E.vsic4: "string", E.vsic_division: "string", E.vsic_section: "string",
                 E.vsic_version: pd.CategoricalDtype(list(VSIC_VERSIONS)), E.vsic2025_4: "string",
                 E.vsic2025_division: "string", E.vsic2025_section: "string",
                 E.vsic_evidence: pd.CategoricalDtype(list(VSIC_EVIDENCE)), E.is_ict: bool, E.is_digital_tech: bool}


def _has_letter_or_digit(names: pd.Series) -> np.ndarray:
    """Which names hold a letter or digit of any script (Python's ``[^\\W_]``; false for a
    missing name). An ASCII letter or digit is found by pyarrow in one pass; only the
    names without one are asked of Python's Unicode classes.

    >>> _has_letter_or_digit(pd.Series(["Công ty", "Đồng", "日本", "--", "_", None], dtype="string")).tolist()
    [True, True, True, False, False, False]
    """
    text = arrow_text(names)
    out = pc.match_substring_regex(text, "[0-9A-Za-z]").fill_null(False).to_numpy(zero_copy_only=False)
    ask = np.flatnonzero(~out & text.is_valid().to_numpy(zero_copy_only=False))
    out[ask] = [_LETTER_OR_DIGIT.search(v) is not None for v in text.take(pa.array(ask, type=pa.int64())).to_pylist()]
    return out


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _name_reason(value: str) -> str:
    if is_missing(str(value)):
        return f"the enterprise name is empty ({value!r})" if str(value).strip() else "the enterprise name is empty"
    return f"the enterprise name {value!r} holds no letter or digit"


def _places(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """District and commune codes; which districts were filled from the commune; conflicts."""
    district = map_text(raw["district"], district_code)
    district_blank = pd.Series(missing(raw["district"]), index=raw.index)
    # A commune that names its district fills a district left empty (never a wrong one).
    from_commune = map_text(raw["commune"], district_of_commune)
    filled = district_blank & from_commune.notna()
    district = district.mask(filled, from_commune)
    commune = map_pairs(district, raw["commune"], lambda code, name: commune_code(name or "", code or None))
    # A commune that exists only in another district contradicts the district: flagged,
    # the district kept and the commune left empty.
    conflict = commune.isna() & from_commune.notna() & district.notna() & (from_commune != district).fillna(False)
    return district, commune, filled, conflict


def _locate(raw: pd.DataFrame, district: pd.Series, commune: pd.Series, filled: pd.Series, *, old_files: set[str],
            skip: np.ndarray) -> pd.DataFrame:
    """:func:`~adoption.clean.geo2025.locate` of the rows not placed in another province by
    what they state (``skip``); those get no unit, and a placeholder outcome ``kept``."""
    read = ~skip
    places = raw[["commune", "address", "source_file"]]  # what locate reads
    if read.all():
        return locate(places, district, commune, filled, old_files=old_files)
    located = locate(places[read], district[read], commune[read], filled[read], old_files=old_files)
    out = located.reindex(raw.index)
    out["outcome"] = out["outcome"].fillna("kept")
    for column in ("address_conflict", "decided_by_address"):
        out[column] = out[column].fillna(False).astype(bool)
    return out


def _in_province(geo: pd.DataFrame, placed: Placed) -> pd.DataFrame:
    """``geo`` with the rows placed in another province than Bình Dương holding no unit,
    and the rows placed by a province column or address alone saying so in geo_source."""
    out = geo.copy()
    elsewhere = (placed.code != BINH_DUONG).fillna(False).to_numpy(dtype=bool)
    for column in ("district_code", "commune_code", *GEO_COLUMNS[:3]):
        out.loc[elsewhere, column] = pd.NA
    for source in ("province", "address"):
        out.loc[(placed.source == source).fillna(False).to_numpy(dtype=bool), "geo_source"] = source
    return out


def clean_register(raw: pd.DataFrame, absent: dict[str, list[str]] | None = None, *,
                   vsic_versions: dict[str, str] | None = None, scope: Scope | str | None = None) -> Stage:
    """Normalise raw register rows into clean rows and rejected rows; the input is not modified.

    ``absent`` names, for each optional column, the files that have no such column: their
    rows' industrial-park flag is unknown (null), not false. ``vsic_versions`` names, for a
    file, the VSIC version its main-activity header (or a setting) names: evidence of the
    version of its codes (see :mod:`adoption.clean.vsic`). ``scope`` (default Bình Dương)
    is the area kept: a row placed in a province outside it is rejected as ``outside_scope``
    (see :mod:`adoption.clean.provinces`).
    """
    scope = parse_scope(scope)
    raw = raw.reset_index(drop=True)
    if "province" not in raw.columns:  # a frame read before registers had a province column
        raw = raw.assign(province="")
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    name = clean_text(raw["name"])
    district, commune, filled, conflict = _places(raw)
    # Files with a district column were written before the reform (see geo2025).
    old_files = set(raw["source_file"].unique()) - set((absent or {}).get("district", []))
    given = stated(raw)
    located = _locate(raw, district, commune, filled, old_files=old_files, skip=given.elsewhere())
    placed = place(raw, given, located, scope)
    geo = _in_province(located, placed)
    outcome = placed.outcome.where(placed.code.notna().to_numpy(dtype=bool) | placed.outcome.notna(), located["outcome"])
    # A row refused for its place gives the province's reason, else the units'; only those
    # rows' reasons are read.
    refused = outcome.isin(["outside_scope", "place_unknown"]).to_numpy(dtype=bool)
    reasons = placed.reason.to_numpy(dtype=object, copy=True)
    fill = refused & pd.isna(reasons) & located["reason"].notna().to_numpy(dtype=bool)
    reasons[fill] = located["reason"][fill].astype(object).to_numpy()
    geo_reason = pd.Series(reasons, index=raw.index, dtype=object)
    # A district another province's row writes is not one of Bình Dương's, and not used.
    unknown_district = pd.Series(~missing(raw["district"]) & district.isna().to_numpy(dtype=bool)
                                 & (placed.code.isna() | (placed.code == BINH_DUONG)).to_numpy(dtype=bool))
    registered, registered_problem = read_dates(raw["registered_on"], earliest=EARLIEST_REGISTRATION, latest=date.today())
    vsic = read_vsic(raw["vsic"], header=raw["source_file"].map(vsic_versions or {}), registered=registered)
    rejects, keep = split(raw, [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        # Any letter or digit of any script makes a name, markup-like text included
        # ("<b>", "<!-- x"): the reports show names as text. Punctuation alone does not.
        ("name_missing", pd.Series(~_has_letter_or_digit(name), index=raw.index), raw["name"], _name_reason),
        ("district_unknown", unknown_district, raw["district"], district_reason),
        ("outside_scope", outcome == "outside_scope", geo_reason, str),
        ("place_unknown", outcome == "place_unknown", geo_reason, str),
        ("vsic_invalid", vsic["vsic_version"].isna(), raw["vsic"], vsic_reason),
    ], list(vocab.REGISTER_HEADER_ALIASES))

    rows = np.flatnonzero(keep)
    # The kept rows' values: the raw text is not taken (its cleaners read every row, by
    # distinct values, and the kept rows' results are taken; flags read the raw rows at ``rows``).
    kept_vsic, kept_geo = vsic.take(rows), geo.take(rows)
    park = map_text(raw["industrial_park"], park_name)
    # Read in every row, so that a value no row can use is counted even where its row is rejected.
    employees, employees_problem = read_numbers(raw["employees"], maximum=MAX_EMPLOYEES)
    capital, capital_problem = read_numbers(raw["charter_capital_vnd"])
    revenue, revenue_problem = read_numbers(raw["revenue_vnd"])
    problems = {"employees": employees_problem, "charter_capital_vnd": capital_problem, "revenue_vnd": revenue_problem,
                "registered_on": registered_problem}
    districts = reference.districts().set_index("district_code")["district"]
    clean = pd.DataFrame({
        E.tax_code: codes[keep].array,
        E.name: name[keep].array,
        E.province_code: placed.code[keep].array,
        E.district_code: kept_geo["district_code"].array,
        E.commune_code: kept_geo["commune_code"].array,
        **{column: kept_geo[column].array for column in GEO_COLUMNS},
        **{column: (categorical(kept_vsic[column], list(dtype.categories)) if isinstance(dtype, pd.CategoricalDtype)
                    else kept_vsic[column].astype(dtype).array) for column, dtype in _VSIC_COLUMNS.items()},
        E.legal_form: clean_category(raw["legal_form"], patterns=vocab.LEGAL_FORM_PATTERNS, categories=LEGAL_FORMS)[keep],
        E.ownership: clean_category(raw["ownership"], patterns=vocab.OWNERSHIP_PATTERNS, categories=OWNERSHIPS)[keep],
        E.registered_on: registered[keep].to_numpy(),
        E.employees: employees[keep].array,
        E.charter_capital_vnd: capital[keep].array,
        E.revenue_vnd: revenue[keep].array,
        E.industrial_park: park[keep].array,
        E.status: clean_category(raw["status"], patterns=vocab.STATUS_PATTERNS, categories=STATUSES)[keep],
        E.source_file: raw["source_file"][keep].astype("string").array,
        E.source_sheet: raw["source_sheet"][keep].astype("string").array,
        E.source_row: raw["source_row"][keep].astype("int64").to_numpy(),
    })
    clean[E.is_branch] = clean[E.tax_code].str.contains("-", regex=False).astype(bool)
    clean[E.district] = looked_up(clean[E.district_code], districts)
    clean[E.province] = looked_up(clean[E.province_code], province_names())
    in_units = (clean[E.province_code] == BINH_DUONG).to_numpy(dtype=bool)
    park_known = ~clean[E.source_file].isin((absent or {}).get("industrial_park", []))
    clean[E.in_industrial_park] = clean[E.industrial_park].notna().astype("boolean").where(park_known.to_numpy(), pd.NA)
    # Sections A to F (agriculture, industry, construction) are the same in both versions.
    sector = clean[E.vsic_section].fillna(clean[E.vsic2025_section])
    clean[E.size_class] = size_class(clean[E.employees], clean[E.revenue_vnd], clean[E.charter_capital_vnd], sector)

    # A commune that is a 2025 unit of the district named is no conflict.
    conflicting = conflict.to_numpy(dtype=bool) & keep & (geo["geo_source"] != "new_units").to_numpy()
    return Stage(
        clean=clean,
        rejects=rejects,
        rows=rows,
        changed={
            "tax_code": changed(raw["tax_code"], codes, keep),
            "name": changed(raw["name"], name, keep),
            # Districts and communes of other provinces are not read (counted in flags, units_not_used).
            "district": changed(raw["district"].take(rows[in_units]), clean[E.district][in_units]),
            "district_filled_from_commune": int((filled & geo["district_code"].notna() & pd.Series(keep)).sum()),
            "commune_not_matched": int((~missing(raw["commune"])[rows] & in_units
                                        & clean[E.commune_code].isna().to_numpy()
                                        & clean["commune2025_code"].isna().to_numpy()
                                        & clean["commune2025_candidates"].isna().to_numpy()).sum()),
            "vsic": changed(raw["vsic"], vsic["code"], keep),
            "industrial_park": changed(raw["industrial_park"], park, keep),
        },
        out_of_range={column: int((problem[keep] == OUT_OF_RANGE).sum()) for column, problem in problems.items()},
        unparsed=unparsed_values(raw, problems, "left empty; the row is not rejected for it"),
        flags={
            "district_commune_conflict": {
                "meaning": "the commune exists only in another district: district kept, commune left empty",
                **flagged(raw, conflicting, SOURCE_COLUMNS + ["district", "commune"]),
            },
            **geo_flags(kept_geo, raw, SOURCE_COLUMNS, rows),
            **vsic_flags(kept_vsic, raw, vsic_versions, rows),
            **province_flags(placed, given, keep, raw, SOURCE_COLUMNS),
        },
    )
