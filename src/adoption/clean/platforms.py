"""Cleaning the platform-use records: one row per firm and platform category."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..core.schema import PLATFORM_CATEGORIES, Platforms as P, columns
from . import vocab
from .distinct import is_in
from .duplicates import merge_platforms
from ..core.text import nfc
from .normalise import EARLIEST_REGISTRATION, OUT_OF_RANGE, clean_tax_codes, map_unique, platform_category, read_dates
from .rejects import Stage, changed, split, unparsed_values


def _date_reason(why: str) -> str:
    problem, value = why.split("\x1f", 1)
    if problem == "missing":
        return "the adoption date is empty"
    if problem == OUT_OF_RANGE:
        return f"adoption date {value!r} is before 1986 or in the future"
    return f"adoption date {value!r} cannot be read as a date (dd/mm/yyyy, yyyy-mm-dd or an Excel serial)"


def clean_platforms(raw: pd.DataFrame, register_codes: pd.Series) -> tuple[Stage, pd.DataFrame]:
    """Normalise platform-use rows of firms in ``register_codes``; keep one row per firm and
    platform (the earliest date). Returns the stage and one row per merged record.
    """
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    platform = map_unique(raw["platform"], platform_category)
    adopted, problem = read_dates(raw["adopted_on"], earliest=EARLIEST_REGISTRATION, latest=date.today())
    known = pd.Series(is_in(codes, register_codes), index=codes.index)
    why = problem.fillna("missing").astype(str) + "\x1f" + raw["adopted_on"].astype(str)
    rejects, keep = split(raw, [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("platform_missing", platform.isna(), raw["platform"], lambda v: "the platform is empty"),
        ("date_invalid", adopted.isna(), why, _date_reason),
        ("not_in_register", ~known, codes, lambda c: f"tax code {c} is not in the clean register"),
    ], list(vocab.PLATFORM_HEADER_ALIASES))
    clean = pd.DataFrame({
        P.tax_code: codes[keep].astype("string").array,
        P.platform: pd.Categorical(platform[keep], categories=list(PLATFORM_CATEGORIES)),
        P.adopted_on: adopted[keep].to_numpy(),
        P.source_file: raw.loc[keep, "source_file"].astype("string").array,
        P.source_sheet: raw.loc[keep, "source_sheet"].astype("string").array,
        P.source_row: raw.loc[keep, "source_row"].astype("int64").to_numpy(),
    })
    kept, merges = merge_platforms(clean)
    named = map_unique(raw.loc[keep, "platform"], nfc).astype(raw["platform"].dtype)
    others = named[(clean[P.platform] == "other").to_numpy()].value_counts()
    flags = {"platforms_other": {
        "meaning": "platforms named in the records that the vocabulary does not place in a category: counted as adoption, category other",
        "count": int(others.sum()),
        "names": {str(k): int(v) for k, v in others.head(100).items()},
    }}
    return Stage(clean=kept, rejects=rejects, changed={"platform": changed(raw.loc[keep, "platform"], clean[P.platform])},
                 flags=flags, unparsed=unparsed_values(raw, {"adopted_on": problem},
                                                       "the row is rejected (date_invalid): the adoption date is required")), merges


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
