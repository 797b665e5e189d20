"""Cleaning the platform-use records: one row per firm and platform category."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..core.schema import PLATFORM_CATEGORIES, SOURCE_COLUMNS, Platforms as P, columns
from . import vocab
from .distinct import categorical, is_in, positions
from .duplicates import merge_platforms
from ..core.text import nfc
from .normalise import EARLIEST_REGISTRATION, OUT_OF_RANGE, clean_tax_codes, map_category, map_unique, platform_category, read_dates
from .rejects import Stage, changed, split, unparsed_values


def _date_reason(why: str) -> str:
    problem, value = why.split("\x1f", 1)
    if problem == "missing":
        return "the adoption date is empty"
    if problem == OUT_OF_RANGE:
        return f"adoption date {value!r} is before 1986 or in the future"
    return f"adoption date {value!r} cannot be read as a date (dd/mm/yyyy, yyyy-mm-dd or an Excel serial)"


# Platform names shown in quality.json's platforms_other (the most frequent first).
OTHER_NAMES_SHOWN = 100
# Where each row stood in the raw rows, while rejects from two steps are put back in order.
ORDER = "_order"


def screen_platforms(raw: pd.DataFrame, *, order: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The checks of platform rows that need nothing but the row: tax code, platform and
    date. Returns the rows refused, the rows that pass (cleaned values beside the raw ones,
    for :func:`settle_platforms`) and the values not used. ``order`` numbers the rows (by
    default 0, 1, ...) so that rejects of both steps can be put back in the raw order.
    """
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    platform = map_category(raw["platform"], platform_category, PLATFORM_CATEGORIES)
    adopted, problem = read_dates(raw["adopted_on"], earliest=EARLIEST_REGISTRATION, latest=date.today())
    # What the reason of a row without a date is made of (only those rows are read).
    undated = adopted.isna().to_numpy()
    why = pd.Series(None, index=raw.index, dtype=object)
    why[undated] = (problem[undated].fillna("missing").astype(str) + "\x1f" + raw["adopted_on"][undated].astype(str)).to_numpy()
    rejects, keep = split(raw, [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("platform_missing", platform.isna(), raw["platform"], lambda v: "the platform is empty"),
        ("date_invalid", adopted.isna(), why, _date_reason),
    ], list(vocab.PLATFORM_HEADER_ALIASES))
    order = np.arange(len(raw), dtype="int64") if order is None else np.asarray(order, dtype="int64")
    rejects[ORDER] = order[~keep]
    passed = raw[keep].reindex(columns=[*vocab.PLATFORM_HEADER_ALIASES, *SOURCE_COLUMNS]).reset_index(drop=True).assign(**{
        "_tax_code": codes[keep].astype("string").array, "_platform": platform[keep].array,
        "_adopted_on": adopted[keep].to_numpy(), ORDER: order[keep]})
    unparsed = unparsed_values(raw, {"adopted_on": problem},
                               "the row is rejected (date_invalid): the adoption date is required")
    return rejects, passed, unparsed


def settle_platforms(passed: pd.DataFrame, register_codes: pd.Series,
                     firms: np.ndarray | None = None) -> tuple[Stage, pd.DataFrame, pd.Series]:
    """Rows that passed :func:`screen_platforms` checked against the register's tax codes;
    one row per firm and platform kept (the earliest date). Returns the stage (its rejects
    keep their raw order number), the merged rows, and how often each name the vocabulary
    places in no category was written (see :func:`other_platforms`). ``firms``: each passed
    row's firm, its position among ``register_codes`` (:func:`~adoption.clean.distinct.positions`),
    where the caller has it; the kept rows then hold their firm's in a column ``_firm``, and the
    merged rows come grouped by firm, not in order of tax code."""
    known = pd.Series(is_in(passed["_tax_code"], register_codes) if firms is None else firms >= 0, index=passed.index)
    rejects, keep = split(passed, [("not_in_register", ~known, passed["_tax_code"],
                                    lambda c: f"tax code {c} is not in the clean register (not in the raw register, or its row rejected)")], list(vocab.PLATFORM_HEADER_ALIASES))
    rejects[ORDER] = passed.loc[~keep, ORDER].to_numpy()
    kept_rows = passed.loc[keep, ["_tax_code", "_platform", "_adopted_on", *SOURCE_COLUMNS, "platform"]]  # those read below
    clean = pd.DataFrame({
        P.tax_code: kept_rows["_tax_code"].astype("string").array,
        P.platform: categorical(kept_rows["_platform"], list(PLATFORM_CATEGORIES)),
        P.adopted_on: kept_rows["_adopted_on"].to_numpy(),
        P.source_file: kept_rows["source_file"].astype("string").array,
        P.source_sheet: kept_rows["source_sheet"].astype("string").array,
        P.source_row: kept_rows["source_row"].astype("int64").to_numpy(),
        **({} if firms is None else {"_firm": firms[keep]}),
    })
    kept, merges = merge_platforms(clean, "tax_code" if firms is None else "_firm")
    # The names written where the category is "other" (only those rows are read).
    other = (clean[P.platform] == "other").to_numpy(dtype=bool)
    others = map_unique(kept_rows["platform"][other], nfc).astype(object).value_counts()
    return Stage(clean=kept, rejects=rejects, changed={"platform": changed(kept_rows["platform"], clean[P.platform])}), merges, others


def other_platforms(counts: pd.Series) -> dict[str, dict]:
    """quality.json's ``platforms_other`` from the count of each name written (summed over
    any number of parts): the most frequent names first, ties in the order of the names."""
    counts = counts.groupby(level=0).sum() if len(counts) else counts
    ranked = sorted(((str(name), int(count)) for name, count in counts.items()), key=lambda item: (-item[1], item[0]))
    return {"platforms_other": {
        "meaning": "platforms named in the records that the vocabulary does not place in a category: counted as adoption, category other",
        "count": int(counts.sum()),
        "names": dict(ranked[:OTHER_NAMES_SHOWN]),
    }}


def clean_platforms(raw: pd.DataFrame, register_codes: pd.Series) -> tuple[Stage, pd.DataFrame]:
    """Normalise platform-use rows of firms in ``register_codes``; keep one row per firm and
    platform (the earliest date). Returns the stage and one row per merged record.
    """
    refused, passed, unparsed = screen_platforms(raw)
    stage, merges, others = settle_platforms(passed, register_codes)
    rejects = pd.concat([refused, stage.rejects], ignore_index=True).sort_values(ORDER, kind="stable")
    return Stage(clean=stage.clean, rejects=rejects.drop(columns=ORDER).reset_index(drop=True), changed=stage.changed,
                 flags=other_platforms(others), unparsed=unparsed), merges


def platform_use(enterprises: pd.DataFrame, platforms: pd.DataFrame, firms: np.ndarray | None = None) -> pd.DataFrame:
    """``enterprises`` with ``platform_count`` (the platform categories of each firm's
    records in ``platforms``) and ``uses_digital_platform``. ``firms``: each platform
    record's firm (its position in ``enterprises``), where the records are one per firm and
    category (as :func:`~adoption.clean.duplicates.merge_platforms` leaves them): then
    each firm's records are counted, without grouping by tax code."""
    if firms is not None:
        named = platforms[P.platform].notna().to_numpy(dtype=bool) & (firms >= 0)
        count = pd.Series(np.bincount(firms[named], minlength=len(enterprises)), index=enterprises.index, dtype="int64")
        return enterprises.assign(platform_count=count, uses_digital_platform=(count > 0).astype(bool))
    counts = platforms.groupby(P.tax_code, observed=True)[P.platform].nunique()
    at = positions(enterprises["tax_code"], counts.index.to_series())
    count = pd.Series(np.append(counts.to_numpy(dtype="int64"), 0)[at], index=enterprises.index, dtype="int64")
    return enterprises.assign(platform_count=count, uses_digital_platform=(count > 0).astype(bool))


def empty_platforms() -> pd.DataFrame:
    """A platform table with no row (no platform records were given)."""
    return pd.DataFrame({
        P.tax_code: pd.Series(dtype="string"),
        P.platform: pd.Categorical([], categories=list(PLATFORM_CATEGORIES)),
        P.adopted_on: pd.Series(dtype="datetime64[s]"),
        P.source_file: pd.Series(dtype="string"),
        P.source_sheet: pd.Series(dtype="string"),
        P.source_row: pd.Series(dtype="int64"),
    })[columns("platforms")]
