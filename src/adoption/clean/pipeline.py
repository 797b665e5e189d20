"""The cleaning stage end to end: read every raw file, clean each table, merge duplicates,
account for every row, check the tables against the schema, and write them all or nothing.

:func:`clean_raw` returns the clean tables; :func:`clean_folder` also writes them. For
every file, rows read = kept + rejected + merged (see :mod:`adoption.clean.accounting`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import config
from ..core.classification import IN_FORCE_2025
from ..core.errors import InputFileError, ParameterError
from ..core.io import data_files, not_read
from ..core.manifest import read_manifest
from ..core.outputs import write_outputs
from ..core.scope import Scope, parse_scope
from ..core.schema import SOURCE_COLUMNS, Enterprises as E, columns, validate
from . import vocab
from .accounting import Kept, quality_report
from .duplicates import merge_register, raw_key
from .platforms import clean_platforms, empty_platforms, platform_use
from .limits import ReadLimits
from .read import RawTable, read_raw
from .register import clean_register
from .rejects import Stage, no_rejects
from .survey import RegisterStrata, clean_survey
from .vsic import header_versions
from .workforce import clean_workforce

log = logging.getLogger(__name__)


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


def _read_folder(folder: Path, aliases: dict, required: tuple[str, ...], limits: ReadLimits, *,
                 needed: bool) -> list[RawTable]:
    files = data_files(folder)
    if not files:
        if needed:
            raise InputFileError(f"{folder}: no register file found; expected one or more CSV or XLSX files")
        return []
    tables = []
    for number, path in enumerate(files, start=1):
        log.info("reading %s/%s [%d/%d]", folder.name, path.name, number, len(files))
        tables.append(read_raw(path, aliases, required, limits))
        for sheet, reason in tables[-1].sheets_not_read.items():
            log.warning("%s/%s, sheet %r not read: %s", folder.name, path.name, sheet, reason)
        if len(tables[-1].rejects):
            log.warning("%s/%s: %d rows set aside (bytes not in the file's encoding, %s)", folder.name, path.name,
                        len(tables[-1].rejects), tables[-1].decoded.encoding)
    return tables


def _warn_unparsed(quality: dict) -> None:
    """One warning per file and column holding values that did not become values."""
    for rel, info in quality["files"].items():
        for column, entry in info["unparsed"].items():
            kinds = ", ".join(f"{entry[p]:,} {p.replace('_', ' ')}" for p in quality["unparsed_meanings"] if entry[p])
            shown = ", ".join(f"{'sheet ' + repr(e['sheet']) + ' ' if e['sheet'] else ''}row {e['row']} {e['value']!r}"
                              for e in entry["examples"])
            log.warning("%s, column %r (%s): %s value%s not used (%s), e.g. %s; %s", rel, entry["header"], column,
                        f"{entry['count']:,}", "s" if entry["count"] != 1 else "", kinds, shown, entry["outcome"])


def _not_read(raw_dir: Path) -> list[dict[str, str]]:
    """What the raw folders hold but the cleaning does not read, each with the reason."""
    skipped = []
    expected = {*config.RAW_SOURCES, config.SYNTHETIC_MANIFEST.upper(), "README.MD"}
    for path in sorted(Path(raw_dir).iterdir()) if Path(raw_dir).is_dir() else []:
        if path.name.upper() not in {name.upper() for name in expected}:
            reason = (f"not in an input folder: only {', '.join(f'{f}/' for f in config.RAW_SOURCES)} are read")
            log.warning("%s not read: %s", path.name, reason)
            skipped.append({"path": path.name, "reason": reason})
    for folder in config.RAW_SOURCES:
        for name, reason in not_read(raw_dir / folder):
            log.warning("%s/%s not read: %s", folder, name, reason)
            skipped.append({"path": f"{folder}/{name}", "reason": reason})
    return skipped


def _concat(tables: list[RawTable]) -> pd.DataFrame:
    return pd.concat([t.frame for t in tables], ignore_index=True)


def absent_columns(tables: list[RawTable], aliases: dict) -> dict[str, list[str]]:
    """Optional columns that some files lack: canonical name -> the files without it.

    A value a file has no column for is unknown, not empty: the reports say so.
    """
    absent = {column: [t.path.name for t in tables if column not in t.header_map.values()] for column in aliases}
    return {column: files for column, files in absent.items() if files}


def _register(tables: list[RawTable], folder: Path, vsic_version: str | None = None,
              scope: Scope | None = None) -> tuple[Stage, pd.DataFrame, pd.DataFrame]:
    """The register cleaned and de-duplicated: the stage, the enterprises and the merges."""
    raw = _concat(tables)
    log.info("cleaning %s register rows", f"{len(raw):,}")
    stage = clean_register(raw, absent=absent_columns(tables, vocab.REGISTER_HEADER_ALIASES),
                           vsic_versions=header_versions(tables, vsic_version), scope=scope)
    if stage.clean.empty:
        names = ", ".join(t.path.name for t in tables)
        raise InputFileError(
            f"{folder}: no valid row in {names}; every row was rejected "
            f"({', '.join(sorted(_with_read_rejects(tables, stage.rejects)['reason_code'].unique()))})"
        )
    # The raw values of each row, to tell identical duplicates from other same-code ones.
    clean_keys = pd.Series(raw_key(raw, list(vocab.REGISTER_HEADER_ALIASES))[stage.rows])
    enterprises, merges = merge_register(stage.clean, clean_keys)
    return stage, enterprises, merges


# The raw inputs' folders, in the order of the rejects and merges tables.
RAW_TABLES = ("register", "platforms", "survey", "workforce")


def _with_read_rejects(tables: list[RawTable], rejects: pd.DataFrame) -> pd.DataFrame:
    """A table's rejects: the rows its files' reader set aside, then those its cleaner refused."""
    parts = [t.rejects for t in tables if len(t.rejects)] + [rejects]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else rejects


def extract_date(raw_dir: Path, given: str | None = None) -> dict:
    """The date the raw folder's register was extracted, and what says so: ``given`` (a
    setting), the folder's own name (``2023-09-30``: a folder of a series of extracts) or
    the synthetic data's manifest; ``{"date": None}`` when nothing does.

    >>> extract_date(Path("data/raw/2024-06-30"))
    {'date': '2024-06-30', 'from': 'folder name'}
    """
    if given is not None:
        try:
            return {"date": date.fromisoformat(str(given)).isoformat(), "from": "setting"}
        except ValueError:
            raise ParameterError(f"extract date {given!r}: expected a date as YYYY-MM-DD") from None
    try:
        return {"date": date.fromisoformat(Path(raw_dir).name).isoformat(), "from": "folder name"}
    except ValueError:
        pass
    stated = read_manifest(raw_dir).get("extracted_on")
    return {"date": stated, "from": "synthetic manifest"} if stated else {"date": None}


def clean_raw(raw_dir: Path = config.RAW_DIR, limits: ReadLimits | None = None, *,
              vsic_version: str | None = None, extracted_on: str | None = None,
              scope: Scope | str | None = None) -> CleanResult:
    """Read and clean every raw input of ``raw_dir`` (laid out as ``data/raw/``), each file
    within ``limits`` (default: :meth:`ReadLimits.from_environment`). ``vsic_version``
    (``"2018"`` or ``"2025"``) states the VSIC version of the register files whose
    main-activity header names none (see :mod:`adoption.clean.vsic`). ``extracted_on``
    (``YYYY-MM-DD``) is the date the register was extracted (see :func:`extract_date`): an
    extract from before VSIC 2025 came into force (15 November 2025) holds VSIC 2018 codes
    only, as if ``vsic_version="2018"`` were given. ``scope`` is the area kept (a province
    by GSO code or name, or ``"national"``; default Bình Dương, see :mod:`adoption.core.scope`).

    >>> result = clean_raw()  # doctest: +SKIP
    >>> result.quality["files"]["register/synthetic_register_718.csv"]["rows_read"]  # doctest: +SKIP
    15312
    """
    raw_dir = Path(raw_dir)
    scope = parse_scope(scope)
    limits = limits or ReadLimits.from_environment()
    extract, vsic_version = vsic_setting(raw_dir, vsic_version, extracted_on)
    registers = _read_folder(raw_dir / "register", vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED, limits, needed=True)
    platform_tables = _read_folder(raw_dir / "platforms", vocab.PLATFORM_HEADER_ALIASES, vocab.PLATFORM_REQUIRED, limits, needed=False)
    survey_tables, workforce_tables = read_small_tables(raw_dir, limits)

    register, enterprises, reg_merges = _register(registers, raw_dir / "register", vsic_version, scope)
    if platform_tables:
        log.info("cleaning %s platform rows", f"{sum(t.rows_read for t in platform_tables):,}")
        platform_stage, plat_merges = clean_platforms(_concat(platform_tables), enterprises[E.tax_code])
    else:
        platform_stage, plat_merges = Stage(clean=empty_platforms(), rejects=no_rejects()), no_rejects()
    platforms = platform_stage.clean
    enterprises = validate(platform_use(enterprises, platforms)[columns("enterprises")], "enterprises")
    validate(platforms, "platforms")
    outcome = Outcome(tables={"register": registers, "platforms": platform_tables},
                      kept={"register": enterprises, "platforms": platforms},
                      rejects={"register": register.rejects, "platforms": platform_stage.rejects},
                      merges={"register": reg_merges, "platforms": plat_merges},
                      stages={"register": register, "platforms": platform_stage})
    small = clean_small_tables(survey_tables, workforce_tables, enterprises, scope)
    rejects, merges, quality = account(raw_dir, outcome, small, limits=limits, extract=extract, scope=scope)
    extras = pd.concat([t.extras for t in registers + platform_tables + survey_tables + workforce_tables], ignore_index=True)
    return CleanResult(enterprises=enterprises, platforms=platforms, survey=small.survey, workforce=small.workforce,
                       rejects=rejects, merges=merges, extras=extras, quality=quality)


def vsic_setting(raw_dir: Path, vsic_version: str | None, extracted_on: str | None) -> tuple[dict, str | None]:
    """The extract's date (see :func:`extract_date`) and the VSIC version its codes are
    read in: the one given, else ``"2018"`` for an extract from before VSIC 2025 came into
    force, else None (decided per row)."""
    extract = extract_date(raw_dir, extracted_on)
    if vsic_version is None and extract["date"] is not None and date.fromisoformat(extract["date"]) < IN_FORCE_2025:
        # VSIC 2025 did not exist yet: every code of this extract is a VSIC 2018 code.
        vsic_version = "2018"
        extract["vsic_version"] = "2018"
    return extract, vsic_version


def read_small_tables(raw_dir: Path, limits: ReadLimits) -> tuple[list[RawTable], list[RawTable]]:
    """The survey's and the workforce records' files, read (small: always in memory)."""
    return (_read_folder(raw_dir / "survey", vocab.SURVEY_HEADER_ALIASES, vocab.SURVEY_REQUIRED, limits, needed=False),
            _read_folder(raw_dir / "workforce", vocab.WORKFORCE_HEADER_ALIASES, vocab.WORKFORCE_REQUIRED, limits, needed=False))


@dataclass
class Outcome:
    """The register's and the platform records' cleaning, as the accounting needs it: per
    input folder, its files, its clean rows (a frame, or the :class:`Kept` summary of rows
    written in parts), the cleaner's rejects (in raw order), the merged rows, and the stage
    (normalised counts, flags, values not used)."""

    tables: dict[str, list[RawTable]]
    kept: dict[str, pd.DataFrame | Kept]
    rejects: dict[str, pd.DataFrame]
    merges: dict[str, pd.DataFrame]
    stages: dict[str, Stage]


@dataclass
class SmallTables:
    """The survey and the workforce records: their files, clean tables and stages."""

    tables: dict[str, list[RawTable]]
    survey: pd.DataFrame | None
    workforce: pd.DataFrame | None
    stages: dict[str, tuple[Stage, pd.DataFrame]]


def clean_small_tables(survey_tables: list[RawTable], workforce_tables: list[RawTable],
                       enterprises: pd.DataFrame | RegisterStrata | None, scope: Scope | None = None) -> SmallTables:
    """The survey (joined to ``enterprises``: the clean register, at least
    :data:`~adoption.clean.survey.REGISTER_COLUMNS`, or what the survey needs of it) and the
    workforce records (Bình Dương's parks: outside a ``scope`` without it, rejected),
    cleaned in memory."""
    survey = workforce = None
    survey_stage, survey_merges = Stage(clean=pd.DataFrame(columns=columns("survey")), rejects=no_rejects()), no_rejects()
    if survey_tables:
        log.info("cleaning %s survey rows", f"{sum(t.rows_read for t in survey_tables):,}")
        survey_stage, survey_merges = clean_survey(_concat(survey_tables), enterprises)
        survey = validate(survey_stage.clean, "survey")
    workforce_stage, workforce_merges = Stage(clean=pd.DataFrame(columns=columns("workforce")), rejects=no_rejects()), no_rejects()
    if workforce_tables:
        workforce_stage, workforce_merges = clean_workforce(_concat(workforce_tables), scope)
        workforce = validate(workforce_stage.clean, "workforce")
    return SmallTables({"survey": survey_tables, "workforce": workforce_tables}, survey, workforce,
                       {"survey": (survey_stage, survey_merges), "workforce": (workforce_stage, workforce_merges)})


def account(raw_dir: Path, outcome: Outcome, small: SmallTables, *, limits: ReadLimits, extract: dict,
            scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Every table's rejects (each folder's reader rejects, then its cleaner's) and merged
    rows, and ``quality.json`` (which records ``scope``)."""
    tables = {**outcome.tables, **small.tables}
    rejects_of = {**outcome.rejects, **{t: stage.rejects for t, (stage, _) in small.stages.items()}}
    merges_of = {**outcome.merges, **{t: merged for t, (_, merged) in small.stages.items()}}
    stages = {**outcome.stages, **{t: stage for t, (stage, _) in small.stages.items()}}
    rejects = pd.concat([_with_read_rejects(tables[t], rejects_of[t]).assign(table=t) for t in RAW_TABLES], ignore_index=True)
    rejects["source_row"] = rejects["source_row"].astype("Int64")
    if all("province" not in t.header_map.values() for t in outcome.tables["register"]):
        rejects = rejects.drop(columns="province", errors="ignore")  # no register file has the column
    merges = pd.concat([merges_of[t].assign(table=t) for t in RAW_TABLES], ignore_index=True)
    for column in ("source_row", "kept_source_row"):
        if column in merges.columns:
            merges[column] = pd.to_numeric(merges[column]).astype("Int64")
    kept = {**{t: (outcome.tables[t], outcome.kept[t]) for t in outcome.tables},
            "survey": (small.tables["survey"], stages["survey"].clean), "workforce": (small.tables["workforce"], stages["workforce"].clean)}
    unparsed = pd.concat([stages[t].unparsed.assign(table=t) for t in RAW_TABLES], ignore_index=True)
    quality = quality_report(raw_dir, kept, rejects, merges, stages["register"], stages["platforms"], unparsed)
    _warn_unparsed(quality)
    quality["not_read"] = _not_read(raw_dir)
    quality["columns_absent"] = {"register": absent_columns(outcome.tables["register"], vocab.REGISTER_HEADER_ALIASES)}
    quality["read_limits"] = limits.as_dict()
    quality["extract"] = extract
    quality["scope"] = scope.as_dict()
    quality["survey"] = stages["survey"].flags.get("survey", {})  # the register key of the design strata
    return rejects, merges, quality


def clean_folder(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR,
                 limits: ReadLimits | None = None, *, vsic_version: str | None = None,
                 extracted_on: str | None = None, scope: Scope | str | None = None) -> CleanResult:
    """Clean ``raw_dir`` and write the contract's outputs into ``out_dir`` (``scope``: see :func:`clean_raw`).

    Nothing is written when cleaning fails.
    """
    result = clean_raw(raw_dir, limits, vsic_version=vsic_version, extracted_on=extracted_on, scope=scope)
    tables = {config.ENTERPRISES_FILE: result.enterprises, config.PLATFORMS_FILE: result.platforms}
    if result.survey is not None:
        tables[config.SURVEY_FILE] = result.survey
    if result.workforce is not None:
        tables[config.WORKFORCE_FILE] = result.workforce
    if len(result.extras):
        tables[config.EXTRAS_FILE] = result.extras
    write_outputs(Path(out_dir), tables, result.quality, {config.REJECTS_FILE: result.rejects, config.MERGES_FILE: result.merges})
    log.info("wrote %s enterprises to %s", f"{len(result.enterprises):,}", out_dir)
    return result
