"""Cleaning stage: raw register and platform records into the data contract's tables.

:func:`clean_raw` reads every raw file, chains the normalisers of
:mod:`adoption.normalise`, rejects what cannot be used (with a reason), merges
duplicates, and accounts for every row: for each file, rows read = kept + rejected +
merged. :func:`clean_folder` also writes the outputs, all or nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from . import __version__, config, reference, schema, vocab
from .dataset import RawTable, data_files, read_raw, sha256_file, write_outputs
from .errors import InputFileError
from .normalise import (
    EARLIEST_REGISTRATION,
    MAX_EMPLOYEES,
    clean_category,
    clean_dates,
    clean_numbers,
    clean_tax_codes,
    clean_text,
    closest_district,
    commune_code,
    district_code,
    district_of_commune,
    map_unique,
    parse_date,
    parse_number,
    park_name,
    platform_category,
    quarter,
    size_class,
    spreadsheet_safe,
    vsic4,
)
from .synth import synthetic_files
from .text import fold

log = logging.getLogger(__name__)

# Reason codes of rejects.csv, with what each means.
REASONS = {
    "tax_code_invalid": "the tax code is missing or invalid (digits, length, check digit)",
    "name_missing": "the enterprise name is empty",
    "district_unknown": "the district is not one of the 9 district units of Bình Dương",
    "vsic_invalid": "the main activity is not a VSIC 2018 class",
    "platform_unknown": "the platform category is not recognised",
    "date_invalid": "the date is missing, unreadable, before 1986 or in the future",
    "not_in_register": "the tax code is not in the clean register",
    "answer_invalid": "a survey answer is neither yes nor no",
    "weight_invalid": "the row has neither a positive design weight nor a stratum found in the register",
    "period_invalid": "the period is not a quarter (2023-Q1, Quý 1/2023)",
    "value_invalid": "a count is missing or negative, or more workers trained than employed",
}
SOURCE_COLUMNS = ["source_file", "source_sheet", "source_row"]


@dataclass
class CleanResult:
    """What :func:`clean_raw` produced, before it is written."""

    enterprises: pd.DataFrame
    platforms: pd.DataFrame
    survey: pd.DataFrame | None
    workforce: pd.DataFrame | None
    rejects: pd.DataFrame
    merges: pd.DataFrame
    extras: pd.DataFrame
    quality: dict


@dataclass
class _Stage:
    """One table's cleaning outcome, with what quality.json reports about it."""

    clean: pd.DataFrame
    rejects: pd.DataFrame
    changed: dict[str, int] = field(default_factory=dict)
    out_of_range: dict[str, int] = field(default_factory=dict)
    flags: dict[str, dict] = field(default_factory=dict)


def _reject_frame(rows: pd.DataFrame, codes: pd.Series, reasons: pd.Series, original: list[str]) -> pd.DataFrame:
    out = rows[SOURCE_COLUMNS].reset_index(drop=True).copy()
    out["reason_code"] = codes.to_numpy()
    out["reason"] = reasons.to_numpy()
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


def _district_reason(value: str) -> str:
    if not str(value).strip():
        return "the district is empty and the commune does not name one"
    near = closest_district(value)
    hint = f"; did you mean {near!r}? (not guessed)" if near else ""
    return f"district {value!r} is not one of the 9 district units of Bình Dương{hint}"


def _vsic_reason(value: str) -> str:
    if not str(value).strip():
        return "the main activity (VSIC code) is empty"
    return (
        f"main activity {value!r} is not a VSIC 2018 class of the reference list "
        "(data/external/vsic2018_codes.csv holds 464 of the 486 classes; see SOURCES.md)"
    )


def _numbers(values: pd.Series, *, maximum: float | None = None) -> tuple[pd.Series, int]:
    """Clean numbers and how many readable values were refused as out of range."""
    clean = clean_numbers(values, maximum=maximum)
    readable = map_unique(values, parse_number).notna().to_numpy()
    return clean, int((readable & clean.isna().to_numpy()).sum())


def _dates(values: pd.Series, *, earliest: date, latest: date) -> tuple[pd.Series, int]:
    """Clean dates and how many readable dates were refused as out of range."""
    clean = clean_dates(values, earliest=earliest, latest=latest)
    readable = map_unique(values, parse_date).notna().to_numpy()
    return clean, int((readable & clean.isna().to_numpy()).sum())


def clean_register(raw: pd.DataFrame) -> _Stage:
    """Normalise raw register rows into clean rows and rejected rows; the input is not modified."""
    n = len(raw)
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    name = clean_text(raw["name"])
    district = map_unique(raw["district"], district_code).astype("string")
    district_blank = clean_text(raw["district"]).isna()
    # A commune that names its district fills a district left empty (never a wrong one).
    from_commune = map_unique(raw["commune"], district_of_commune).astype("string")
    filled = district_blank & from_commune.notna()
    district = district.mask(filled, from_commune)
    pairs = district.fillna("").astype(str) + "\x1f" + raw["commune"].fillna("").astype(str)
    commune = map_unique(pairs, lambda p: commune_code(p.split("\x1f", 1)[1], p.split("\x1f", 1)[0] or None)).astype("string")
    # A commune that exists only in another district contradicts the district: flagged,
    # the district kept and the commune left empty.
    conflict = commune.isna() & from_commune.notna() & district.notna() & (from_commune != district).fillna(False)
    classes = reference.vsic_classes().set_index("vsic4")
    code4 = map_unique(raw["vsic"], vsic4).astype("string")
    known_class = code4.isin(classes.index).fillna(False)

    checks = [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("name_missing", name.isna(), name, lambda v: REASONS["name_missing"]),
        ("district_unknown", district.isna(), raw["district"], _district_reason),
        ("vsic_invalid", ~known_class, raw["vsic"], _vsic_reason),
    ]
    reason_code, reason = _first_reason(checks, n)
    rejected = reason_code.notna().to_numpy()
    keep = ~rejected
    rejects = _reject_frame(raw[rejected], reason_code[rejected], reason[rejected], list(vocab.REGISTER_HEADER_ALIASES))

    kept = raw[keep]
    employees, employees_out = _numbers(kept["employees"], maximum=MAX_EMPLOYEES)
    capital, capital_out = _numbers(kept["charter_capital_vnd"])
    revenue, revenue_out = _numbers(kept["revenue_vnd"])
    registered, registered_out = _dates(kept["registered_on"], earliest=EARLIEST_REGISTRATION, latest=date.today())
    districts = reference.districts().set_index("district_code")["district"]
    clean = pd.DataFrame({
        "tax_code": codes[keep].array,
        "name": name[keep].array,
        "district_code": district[keep].array,
        "commune_code": commune[keep].array,
        "vsic4": code4[keep].array,
        "legal_form": clean_category(kept["legal_form"], patterns=vocab.LEGAL_FORM_PATTERNS, categories=vocab.LEGAL_FORMS),
        "ownership": clean_category(kept["ownership"], patterns=vocab.OWNERSHIP_PATTERNS, categories=vocab.OWNERSHIPS),
        "registered_on": registered.to_numpy(),
        "employees": employees.array,
        "charter_capital_vnd": capital.array,
        "revenue_vnd": revenue.array,
        "industrial_park": map_unique(kept["industrial_park"], park_name).astype("string").array,
        "status": clean_category(kept["status"], patterns=vocab.STATUS_PATTERNS, categories=vocab.STATUSES),
        "source_file": kept["source_file"].astype("string").array,
        "source_sheet": kept["source_sheet"].astype("string").array,
        "source_row": kept["source_row"].astype("int64").to_numpy(),
    })
    clean["is_branch"] = clean["tax_code"].str.contains("-", regex=False).astype(bool)
    clean["district"] = clean["district_code"].map(districts).astype("string")
    clean["vsic_division"] = clean["vsic4"].str[:2].astype("string")
    clean["vsic_section"] = clean["vsic4"].map(classes["vsic_section"]).astype("string")
    clean["is_ict"] = clean["vsic4"].map(classes["is_ict"]).astype(bool)
    clean["is_digital_tech"] = clean["vsic4"].map(classes["is_digital_tech"]).astype(bool)
    clean["in_industrial_park"] = clean["industrial_park"].notna().astype(bool)
    clean["size_class"] = size_class(clean["employees"], clean["revenue_vnd"], clean["charter_capital_vnd"], clean["vsic_section"])

    conflicts = raw[conflict.to_numpy(dtype=bool) & keep]
    return _Stage(
        clean=clean,
        rejects=rejects,
        changed={
            "tax_code": _changed(kept["tax_code"], clean["tax_code"]),
            "name": _changed(kept["name"], clean["name"]),
            "district": _changed(kept["district"], clean["district"]),
            "district_filled_from_commune": int((filled & pd.Series(keep)).sum()),
            "commune_not_matched": int((clean_text(kept["commune"]).notna().to_numpy() & clean["commune_code"].isna().to_numpy()).sum()),
            "vsic": _changed(kept["vsic"], clean["vsic4"]),
            "industrial_park": _changed(kept["industrial_park"], clean["industrial_park"]),
        },
        out_of_range={
            "employees": employees_out, "charter_capital_vnd": capital_out,
            "revenue_vnd": revenue_out, "registered_on": registered_out,
        },
        flags={
            "district_commune_conflict": {
                "meaning": "the commune exists only in another district: district kept, commune left empty",
                "count": len(conflicts),
                "rows": conflicts[SOURCE_COLUMNS + ["district", "commune"]].head(50).to_dict("records"),
            }
        },
    )


def merge_duplicates(clean: pd.DataFrame, raw_key: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per tax code: the most complete record wins, ties to the later file and row.

    ``raw_key`` holds, per clean row, its raw values joined: rows whose raw values are the
    same are ``identical`` duplicates; other rows sharing a tax code are ``same_tax_code``
    duplicates. Returns the kept rows and one row per merged row, naming the row it was
    merged into.
    """
    completeness = clean.notna().sum(axis=1)
    order = clean.assign(_complete=completeness, _raw=raw_key.to_numpy()).sort_values(
        ["tax_code", "_complete", "source_file", "source_sheet", "source_row"],
        ascending=[True, False, False, False, False], kind="stable",
    )
    duplicated = order["tax_code"].duplicated(keep="first")
    winners = order[~duplicated].set_index("tax_code")
    losers = order[duplicated]
    merges = pd.DataFrame({
        **{column: losers[column].to_numpy() for column in SOURCE_COLUMNS},
        "tax_code": losers["tax_code"].to_numpy(),
        "kind": ["identical" if raw == winners.at[code, "_raw"] else "same_tax_code"
                 for code, raw in zip(losers["tax_code"], losers["_raw"])],
        "kept_source_file": winners.loc[losers["tax_code"], "source_file"].to_numpy(),
        "kept_source_sheet": winners.loc[losers["tax_code"], "source_sheet"].to_numpy(),
        "kept_source_row": winners.loc[losers["tax_code"], "source_row"].to_numpy(),
    })
    kept = order[~duplicated].drop(columns=["_complete", "_raw"])
    kept = kept.sort_values(SOURCE_COLUMNS, kind="stable").reset_index(drop=True)
    return kept, merges


def clean_platforms(raw: pd.DataFrame, register_codes: pd.Series) -> tuple[_Stage, pd.DataFrame]:
    """Normalise platform-use rows; keep one row per firm and platform (the earliest date).

    Returns the stage and one row per merged (duplicate) record.
    """
    n = len(raw)
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    platform = map_unique(raw["platform"], platform_category)
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
        "tax_code": codes[keep].astype("string").array,
        "platform": pd.Categorical(platform[keep], categories=list(vocab.PLATFORM_CATEGORIES)),
        "adopted_on": adopted[keep].to_numpy(),
        "source_file": raw.loc[keep, "source_file"].astype("string").array,
        "source_sheet": raw.loc[keep, "source_sheet"].astype("string").array,
        "source_row": raw.loc[keep, "source_row"].astype("int64").to_numpy(),
    })
    ordered = clean.sort_values(["tax_code", "platform", "adopted_on"] + SOURCE_COLUMNS, kind="stable")
    dup = ordered.duplicated(["tax_code", "platform"], keep="first").to_numpy()
    first = ordered[~dup].set_index(["tax_code", "platform"], drop=False)
    losers = ordered[dup]
    keys = list(zip(losers["tax_code"], losers["platform"]))
    merges = pd.DataFrame({
        **{column: losers[column].to_numpy() for column in SOURCE_COLUMNS},
        "tax_code": losers["tax_code"].to_numpy(),
        "kind": "same_firm_and_platform",
        "kept_source_file": [first.at[k, "source_file"] for k in keys] if keys else [],
        "kept_source_sheet": [first.at[k, "source_sheet"] for k in keys] if keys else [],
        "kept_source_row": [first.at[k, "source_row"] for k in keys] if keys else [],
    })
    kept = ordered[~dup].sort_values(SOURCE_COLUMNS, kind="stable").reset_index(drop=True)
    stage = _Stage(clean=kept, rejects=rejects, changed={"platform": _changed(raw.loc[keep, "platform"], clean["platform"])})
    return stage, merges


def _answer(value: str) -> bool | None:
    key = fold(str(value))
    return True if key in vocab.YES_TOKENS else False if key in vocab.NO_TOKENS else None


def clean_survey(raw: pd.DataFrame, enterprises: pd.DataFrame) -> tuple[_Stage, pd.DataFrame]:
    """Survey rows joined to the in-scope register, with design weights and DII scores.

    Weights: the file's ``weight`` where given; otherwise stratum population over stratum
    sample, the population counted in the clean register (active head offices of the
    same district and size class). A firm answered twice keeps its first answer.
    """
    from .metrics import in_scope

    n = len(raw)
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    firms = in_scope(enterprises).set_index("tax_code")
    known = codes.isin(set(firms.index)).fillna(False)
    answers = pd.DataFrame({name: map_unique(raw[name], _answer) for name in vocab.DII_INDICATORS})
    bad_answer = answers.isna().any(axis=1)
    register_stratum = firms["district_code"].astype(str) + "|" + firms["size_class"].astype(str)
    population = register_stratum.value_counts()
    stratum = clean_text(raw["stratum"])
    stratum = stratum.where(stratum.isin(population.index), codes.map(register_stratum))
    weight = clean_numbers(raw["weight"]).astype("Float64") if raw["weight"].str.strip().any() else pd.Series([pd.NA] * n, dtype="Float64")
    no_weight = (weight.isna() | (weight <= 0).fillna(True)) & stratum.isna()
    checks = [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("not_in_register", ~known, codes, lambda c: f"surveyed firm {c} is not an active head office of the clean register"),
        ("answer_invalid", bad_answer, raw[list(vocab.DII_INDICATORS)].astype(str).agg(" / ".join, axis=1),
         lambda v: f"answers {v!r}: each must be yes or no (Có/Không, 1/0)"),
        ("weight_invalid", no_weight, raw["stratum"], lambda v: f"stratum {v!r} is not a district|size class of the register and no weight is given"),
    ]
    reason_code, reason = _first_reason(checks, n)
    rejected = reason_code.notna().to_numpy()
    rejects = _reject_frame(raw[rejected], reason_code[rejected], reason[rejected], list(vocab.SURVEY_HEADER_ALIASES))
    keep = ~rejected
    clean = pd.DataFrame({"tax_code": codes[keep].astype("string").array, "stratum": stratum[keep].astype("string").array})
    for name in vocab.DII_INDICATORS:
        clean[name] = answers.loc[keep, name].astype(bool).to_numpy()
    for column in SOURCE_COLUMNS:
        clean[column] = raw.loc[keep, column].to_numpy()
    first = ~clean.duplicated("tax_code", keep="first").to_numpy()
    dup = clean[~first]
    merges = pd.DataFrame({**{c: dup[c].to_numpy() for c in SOURCE_COLUMNS}, "tax_code": dup["tax_code"].to_numpy(), "kind": "same_tax_code"})
    clean = clean[first].reset_index(drop=True)
    sample = clean["stratum"].value_counts()
    given = weight[keep].to_numpy()[first]
    clean["weight"] = [float(g) if pd.notna(g) and g > 0 else population[s] / sample[s] for g, s in zip(given, clean["stratum"])]
    for column in ("district_code", "size_class", "vsic_section"):
        clean[column] = clean["tax_code"].map(firms[column].astype(str)).astype("string")
    clean["dii_score"] = clean[list(vocab.DII_INDICATORS)].sum(axis=1).astype("int64")
    clean["source_file"] = clean["source_file"].astype("string")
    clean["source_sheet"] = clean["source_sheet"].astype("string")
    clean["source_row"] = clean["source_row"].astype("int64")
    return _Stage(clean=clean, rejects=rejects), merges


def clean_workforce(raw: pd.DataFrame) -> _Stage:
    """Industrial-park workforce and training records: canonical park, district code,
    quarter, counts. One row per park and quarter (the first one kept).
    """
    n = len(raw)
    raw = raw.reset_index(drop=True)
    park = map_unique(raw["industrial_park"], park_name).astype("string")
    district = map_unique(raw["district"], district_code).astype("string")
    period = map_unique(raw["period"], quarter).astype("string")
    workers = clean_numbers(raw["workers"])
    trained = clean_numbers(raw["workers_trained"])
    hours = clean_numbers(raw["training_hours"])
    bad_value = workers.isna() | trained.isna() | hours.isna() | (trained > workers).fillna(False)
    checks = [
        ("name_missing", park.isna(), raw["industrial_park"], lambda v: "the industrial park is empty"),
        ("district_unknown", district.isna(), raw["district"], _district_reason),
        ("period_invalid", period.isna(), raw["period"], lambda v: f"period {v!r} is not a quarter such as 2023-Q1 or Quý 1/2023"),
        ("value_invalid", bad_value, raw[["workers", "workers_trained", "training_hours"]].astype(str).agg(" / ".join, axis=1),
         lambda v: f"workers / trained / hours {v!r}: each must be a count of 0 or more, trained no more than workers"),
    ]
    reason_code, reason = _first_reason(checks, n)
    rejected = reason_code.notna().to_numpy()
    rejects = _reject_frame(raw[rejected], reason_code[rejected], reason[rejected], list(vocab.WORKFORCE_HEADER_ALIASES))
    keep = ~rejected
    districts = reference.districts().set_index("district_code")["district"]
    clean = pd.DataFrame({
        "industrial_park": park[keep].array, "district_code": district[keep].array, "period": period[keep].array,
        "workers": workers[keep].array, "workers_trained": trained[keep].array, "training_hours": hours[keep].array,
        **{c: raw.loc[keep, c].to_numpy() for c in SOURCE_COLUMNS},
    })
    clean["district"] = clean["district_code"].map(districts).astype("string")
    clean["source_row"] = clean["source_row"].astype("int64")
    return _Stage(clean=clean, rejects=rejects)


def _read_folder(folder: Path, aliases: dict, required: tuple[str, ...], *, needed: bool) -> list[RawTable]:
    files = data_files(folder)
    if not files:
        if needed:
            raise InputFileError(f"{folder}: no register file found; expected one or more CSV or XLSX files")
        return []
    tables = []
    for number, path in enumerate(files, start=1):
        log.info("reading %s/%s [%d/%d]", folder.name, path.name, number, len(files))
        tables.append(read_raw(path, aliases, required))
    return tables


def _null_rates(frame: pd.DataFrame) -> dict[str, float]:
    return {c: round(float(frame[c].isna().mean()), 6) for c in frame.columns} if len(frame) else {}


def _empty_platforms() -> pd.DataFrame:
    return pd.DataFrame({
        "tax_code": pd.Series(dtype="string"),
        "platform": pd.Categorical([], categories=list(vocab.PLATFORM_CATEGORIES)),
        "adopted_on": pd.Series(dtype="datetime64[s]"),
        "source_file": pd.Series(dtype="string"),
        "source_sheet": pd.Series(dtype="string"),
        "source_row": pd.Series(dtype="int64"),
    })


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
    register = clean_register(raw_register)
    if register.clean.empty:
        names = ", ".join(t.path.name for t in registers)
        raise InputFileError(
            f"{raw_dir / 'register'}: no valid row in {names}; every row was rejected "
            f"({', '.join(sorted(register.rejects['reason_code'].unique()))})"
        )
    # The raw values of each row, to tell identical duplicates from other same-code ones.
    raw_values = pd.util.hash_pandas_object(raw_register.drop(columns=SOURCE_COLUMNS).fillna("").astype(str), index=False)
    by_source = dict(zip(zip(*(raw_register[c] for c in SOURCE_COLUMNS)), raw_values))
    clean_keys = pd.Series([by_source[k] for k in zip(*(register.clean[c] for c in SOURCE_COLUMNS))])
    enterprises, reg_merges = merge_duplicates(register.clean, clean_keys)

    if platform_tables:
        raw_platforms = pd.concat([t.frame for t in platform_tables], ignore_index=True)
        log.info("cleaning %s platform rows", f"{len(raw_platforms):,}")
        platform_stage, plat_merges = clean_platforms(raw_platforms, enterprises["tax_code"])
    else:
        platform_stage, plat_merges = _Stage(clean=_empty_platforms(), rejects=pd.DataFrame(columns=SOURCE_COLUMNS)), pd.DataFrame(columns=SOURCE_COLUMNS)
    platforms = platform_stage.clean

    counts = platforms.groupby("tax_code", observed=True)["platform"].nunique()
    enterprises["platform_count"] = enterprises["tax_code"].map(counts).fillna(0).astype("int64")
    enterprises["uses_digital_platform"] = (enterprises["platform_count"] > 0).astype(bool)
    enterprises = enterprises[list(schema.ENTERPRISE_COLUMNS)]
    schema.validate_enterprises(enterprises)
    schema.validate_platforms(platforms)

    survey_tables = _read_folder(raw_dir / "survey", vocab.SURVEY_HEADER_ALIASES, vocab.SURVEY_REQUIRED, needed=False)
    if survey_tables:
        raw_survey = pd.concat([t.frame for t in survey_tables], ignore_index=True)
        log.info("cleaning %s survey rows", f"{len(raw_survey):,}")
        survey_stage, survey_merges = clean_survey(raw_survey, enterprises)
    else:
        survey_stage = _Stage(clean=pd.DataFrame(columns=["tax_code", "source_file"]), rejects=pd.DataFrame(columns=SOURCE_COLUMNS))
        survey_merges = pd.DataFrame(columns=SOURCE_COLUMNS)
    workforce_tables = _read_folder(raw_dir / "workforce", vocab.WORKFORCE_HEADER_ALIASES, vocab.WORKFORCE_REQUIRED, needed=False)
    if workforce_tables:
        workforce_stage = clean_workforce(pd.concat([t.frame for t in workforce_tables], ignore_index=True))
        dup = workforce_stage.clean.duplicated(["industrial_park", "period"], keep="first").to_numpy()
        lost = workforce_stage.clean[dup]
        workforce_merges = pd.DataFrame({**{c: lost[c].to_numpy() for c in SOURCE_COLUMNS}, "kind": "same_park_and_period"})
        workforce_stage.clean = workforce_stage.clean[~dup].reset_index(drop=True)
    else:
        workforce_stage = _Stage(clean=pd.DataFrame(columns=["industrial_park", "source_file"]), rejects=pd.DataFrame(columns=SOURCE_COLUMNS))
        workforce_merges = pd.DataFrame(columns=SOURCE_COLUMNS)
    stages = (("register", register.rejects, reg_merges), ("platforms", platform_stage.rejects, plat_merges),
              ("survey", survey_stage.rejects, survey_merges), ("workforce", workforce_stage.rejects, workforce_merges))
    rejects = pd.concat([r.assign(table=t) for t, r, _ in stages], ignore_index=True)
    rejects["source_row"] = rejects["source_row"].astype("Int64")
    rejects = spreadsheet_safe(rejects)
    merges = pd.concat([m.assign(table=t) for t, _, m in stages], ignore_index=True)
    for column in ("source_row", "kept_source_row"):
        if column in merges.columns:
            merges[column] = pd.to_numeric(merges[column]).astype("Int64")
    extras = pd.concat([t.extras for t in registers + platform_tables + survey_tables + workforce_tables], ignore_index=True)

    kept = {"register": (registers, enterprises), "platforms": (platform_tables, platforms), "survey": (survey_tables, survey_stage.clean),
            "workforce": (workforce_tables, workforce_stage.clean)}
    quality = _quality(raw_dir, kept, rejects, merges, register, platform_stage)
    return CleanResult(enterprises=enterprises, platforms=platforms, survey=survey_stage.clean if survey_tables else None,
                       workforce=workforce_stage.clean if workforce_tables else None,
                       rejects=rejects, merges=merges, extras=extras, quality=quality)


def _count(frame: pd.DataFrame, table: str, name: str) -> int:
    if frame.empty:
        return 0
    return int(((frame["table"] == table) & (frame["source_file"] == name)).sum())


def _quality(raw_dir, kept, rejects, merges, register, platform_stage) -> dict:
    files: dict[str, dict] = {}
    registers, enterprises = kept["register"]
    platform_tables, platforms = kept["platforms"]
    for folder, (tables, kept_frame) in kept.items():
        for table in tables:
            name = table.path.name
            files[f"{folder}/{name}"] = {
                "table": folder,
                "sha256": sha256_file(table.path),
                "rows_read": table.rows_read,
                "rows_kept": int((kept_frame["source_file"] == name).sum()),
                "rows_rejected": _count(rejects, folder, name),
                "rows_merged": _count(merges, folder, name),
                "blank_rows_skipped": table.blank_rows,
                "headers": table.header_map,
                "extra_columns": sorted(set(table.extras["column"])) if len(table.extras) else [],
            }
    synthetic = synthetic_files(raw_dir)
    digest = "\n".join(f"{rel} {info['sha256']}" for rel, info in sorted(files.items()))
    merge_kinds = merges["kind"].value_counts().to_dict() if len(merges) else {}
    return {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "package_version": __version__,
        "raw_dir": str(raw_dir),
        "synthetic": any(rel in synthetic for rel in files),
        "synthetic_files": sorted(rel for rel in files if rel in synthetic),
        "input_hash": hashlib.sha256(digest.encode()).hexdigest(),
        "files": files,
        "reasons": {str(k): int(v) for k, v in rejects["reason_code"].value_counts().items()} if len(rejects) else {},
        "reason_meanings": REASONS,
        "merged": {str(k): int(v) for k, v in merge_kinds.items()},
        "null_rates": {"enterprises": _null_rates(enterprises), "platforms": _null_rates(platforms)},
        "normalised": {**register.changed, **platform_stage.changed},
        "out_of_range_set_null": register.out_of_range,
        "flags": register.flags,
        "totals": {
            "register_rows_read": sum(t.rows_read for t in registers),
            "enterprises": len(enterprises),
            "platform_rows_read": sum(t.rows_read for t in platform_tables),
            "platform_records": len(platforms),
            "survey_rows_read": sum(t.rows_read for t in kept["survey"][0]),
            "survey_respondents": len(kept["survey"][1]),
            "rejected": len(rejects),
            "merged": len(merges),
        },
    }


def clean_folder(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR) -> CleanResult:
    """Clean ``raw_dir`` and write the contract's outputs into ``out_dir``.

    Nothing is written when cleaning fails.
    """
    result = clean_raw(raw_dir)
    tables = {config.ENTERPRISES_FILE: result.enterprises, config.PLATFORMS_FILE: result.platforms}
    if result.survey is not None:
        tables[config.SURVEY_FILE] = result.survey
    if result.workforce is not None:
        tables[config.WORKFORCE_FILE] = result.workforce
    if len(result.extras):
        tables["extra_columns.parquet"] = result.extras
    write_outputs(Path(out_dir), tables, result.quality, {config.REJECTS_FILE: result.rejects, config.MERGES_FILE: result.merges})
    log.info("wrote %s enterprises to %s", f"{len(result.enterprises):,}", out_dir)
    return result
