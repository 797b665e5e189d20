"""Messiness: what real register exports look like.

:func:`write_messy` writes the generator's canonical frames the way agencies send them:
one file per district in mixed formats and encodings, values spelled many ways, title
rows, duplicates, junk rows and absurd values, at the rates of :data:`RATES` (times the
level's factor in :data:`LEVELS`). It also returns the ground truth of every row written,
which the generator saves next to (never inside) the raw folder.

Every injected mess is either recoverable by the cleaning step (spellings, formats, a
district left empty where the commune names it) or confined to extra rows (junk and
duplicates) and to cells outside the published totals (absurd values), so that the clean
data still reproduce the calibrated totals exactly. Which spellings are recoverable is
decided from the generator's own spelling tables (:mod:`adoption.synth.spellings`),
never by asking the cleaner.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import reference
from ..core.schema import Enterprises as E
from ..core.scope import BINH_DUONG
from . import scheme2025
from .files import write_csv, write_xlsx, xlsx_cells
from .spellings import (
    FILE_PLAN,
    HEADERS,
    LEGAL_FORM_SPELLINGS,
    NOT_VSIC,
    OTHER_PROVINCE_DISTRICTS,
    OWNERSHIP_SPELLINGS,
    PLATFORM_SPELLINGS,
    STATUS_SPELLINGS,
    Speller,
)
from .targets import DATA_CUTOFF

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


@dataclass
class MessyFiles:
    """Files written and the ground truth of every data row in them."""

    files: list[Path]
    register_truth: pd.DataFrame
    platform_truth: pd.DataFrame



def _text_rows(register: pd.DataFrame, spell: Speller, rng: np.random.Generator) -> pd.DataFrame:
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
    names = spell.district_name if spell.ben_cat_city else {**spell.district_name, "721": "Thị xã Bến Cát"}
    apply("district_spelling", "district", register["district_code"], spell.district, lambda c: c.map(names).to_numpy())
    apply("commune_spelling", "commune", register["commune_code"], spell.commune, lambda c: c.map(spell.commune_name).to_numpy())
    # Leave the district empty only where the commune, as spelled, names it alone.
    one_district = spell.names_one_district()
    names_district = np.array([one_district.get(str(c), False) for c in out["commune"].to_numpy(dtype=object)])
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


def _absurd(text: pd.DataFrame, register: pd.DataFrame, spell: Speller) -> None:
    """Absurd values in cells outside the published totals: the cleaning step sets them null."""
    eligible = (~register["is_digital_tech"] & ~register["in_park"]).to_numpy().copy()
    if "vsic2025_4" in register.columns:  # the registration date is the evidence of a VSIC 2025 code
        eligible &= register["vsic2025_4"].isna().to_numpy()
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


def _extra_rows(text: pd.DataFrame, register: pd.DataFrame, spell: Speller) -> pd.DataFrame:
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




def _platform_text(platforms: pd.DataFrame, spell: Speller) -> pd.DataFrame:
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
            junk.at[row, "platform"] = ""
        else:
            junk.at[row, "adopted_on"] = spell.pick(("31/02/2023", "không rõ", "2023"))
    junk["_expected"] = "rejected"
    junk["_entity"] = None
    return _interleave(text, pd.concat([later, junk]), spell.rng)


def write_messy(register: pd.DataFrame, platforms: pd.DataFrame, raw_dir: Path, *, level: str, seed: int,
                extracted_on: date = DATA_CUTOFF) -> MessyFiles:
    """Write the register and platform records as messy exports; return files and ground truth.

    ``extracted_on`` decides how places and activities are written: Bến Cát as a town
    before 2024 and a city from then; on the 2025 map from 1 July 2025, and firms with a
    VSIC 2025 class (``vsic2025_4``) in that version (see :mod:`adoption.synth.scheme2025`).
    """
    rng = np.random.default_rng(seed + 1)
    spell = Speller(rng, RATES, LEVELS[level], ben_cat_city=extracted_on.year >= 2024)
    text = _text_rows(register, spell, rng)
    _absurd(text, register, spell)
    new_map = extracted_on >= scheme2025.NEW_MAP_FROM
    later = np.random.default_rng([seed, extracted_on.toordinal()])  # draws of later extracts only
    if new_map:
        text = scheme2025.write_places(text, register, later)
    if "vsic2025_4" in register.columns:
        text = scheme2025.write_vsic(text, register, in_force=extracted_on >= scheme2025.VSIC_2025_FROM)
    text = text.assign(_expected="kept", _entity=register["tax_code"].to_numpy())
    extra = _extra_rows(text.drop(columns=["_expected", "_entity"]), register, spell)
    if new_map:
        extra = scheme2025.write_outside(extra, frozenset(OTHER_PROVINCE_DISTRICTS), later)
    # The truth speaks the clean tables' language: their column names and codes.
    fields = [E.tax_code, E.district_code, E.commune_code, E.vsic4, E.legal_form, E.ownership, E.status]
    truth_fields = register[fields + [c for c in ("commune2025_code", "vsic2025_4") if c in register.columns]]
    files, truth_parts = [], []
    districts_short = reference.districts().set_index("district_code")["district_short"]
    for code in sorted(FILE_PLAN):
        kind, encoding, delimiter, headers, form = FILE_PLAN[code]
        mine = (register["district_code"] == code).to_numpy()
        extra_mine = extra[extra.index.isin(register.index[mine])]
        rows = _interleave(text[mine], extra_mine, rng)
        header_map = HEADERS[headers]
        if new_map:
            header_map = {**{k: v for k, v in header_map.items() if k != "district"},
                          "address": scheme2025.ADDRESS_HEADERS[headers]}
        columns = list(header_map)
        body = rows[columns].copy()
        if form == "NFD":
            body = body.map(lambda v: unicodedata.normalize("NFD", str(v)))
        header = [header_map[c] for c in columns]
        if kind == "csv":
            path = raw_dir / "register" / f"synthetic_register_{code}.csv"
            lines = write_csv(path, header + ["Ghi chú"], [list(map(str, r)) + [""] for r in body.to_numpy(dtype=object)],
                               encoding=encoding, delimiter=delimiter)
            where = [("", line) for line in lines]
        else:
            path = raw_dir / "register" / f"synthetic_register_{code}.xlsx"
            where = write_xlsx(path, header, xlsx_cells(body, serial_dates=kind == "xlsx-serials"), title=districts_short[code])
        files.append(path)
        truth = truth_fields.loc[rows.index].reset_index(drop=True)
        truth.insert(0, "source_row", [w[1] for w in where])
        truth.insert(0, "source_sheet", [w[0] for w in where])
        truth.insert(0, "source_file", path.name)
        truth.insert(4, E.province_code, BINH_DUONG)  # every firm of these files is of Bình Dương
        truth["expected"] = rows["_expected"].to_numpy()
        truth["entity"] = rows["_entity"].to_numpy()
        truth_parts.append(truth)

    plat_text = _platform_text(platforms, spell)
    half = len(plat_text) // 2
    plat_truth = []
    for number, (chunk, encoding, delimiter) in enumerate(
        ((plat_text.iloc[:half], "utf-8", ","), (plat_text.iloc[half:], "utf-8-sig", ";")), start=1
    ):
        path = raw_dir / "platforms" / f"synthetic_platforms_{extracted_on.year}_part{number}.csv"
        lines = write_csv(path, ["Mã số thuế", "Nền tảng", "Ngày bắt đầu sử dụng"],
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
