"""Why a row is not used: reason codes, and the rejects table built from checks.

Every check of a table cleaner is ``(reason_code, failed, values, sentence)``; a row takes
the first check it fails, and its reason is the sentence built from its own value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core.schema import SOURCE_COLUMNS
from .distinct import arrow_text
from .places import closest_district

# Reason codes of rejects.csv, with what each means.
REASONS = {
    "tax_code_invalid": "the tax code is missing or invalid (digits, length, check digit)",
    "name_missing": "the enterprise name is empty, or holds no letter or digit",
    "district_unknown": "the district is not one of the 9 district units of Bình Dương",
    "outside_scope": "the row places the firm outside the scope (quality.json \"scope\"; by default former Bình "
                     "Dương): elsewhere in Ho Chi Minh City, or another province; a workforce record, of a park "
                     "of Bình Dương, for a scope without it",
    "place_unknown": "the district is empty and neither the commune nor the address names a unit of former "
                     "Bình Dương, in the old map or the 2025 one",
    "vsic_invalid": "the main activity is not a VSIC 2018 class",
    "platform_missing": "the platform is empty",
    "date_invalid": "the date is missing, unreadable, before 1986 or in the future",
    "not_in_register": "the tax code is not among the clean register's firms: the raw register lacks it, or its "
                       "row was rejected (outside the scope, for one)",
    "answer_invalid": "a survey answer is neither yes nor no",
    "weight_invalid": "the row has neither a positive design weight nor a stratum: none the register knows is written and the register places the firm in none",
    "stratum_unknown": "the row gives a weight, but no stratum: none the register knows is written and the register places the firm in none",
    "period_invalid": "the period is not a quarter (2023-Q1, Quý 1/2023)",
    "value_invalid": "a count is missing or negative, or more workers trained than employed",
    "bad_bytes": "the line holds bytes that are not valid in the file's encoding (UTF-8): the row is set aside, not guessed",
}


# Why a value present in a number or date column did not become a value (quality.json,
# "unparsed", per file and column), with examples of each.
PROBLEMS = {
    "unreadable": "not a number or a date in a form the cleaning reads: '(5)', '50%', '1e2', 'inf', '12 người', "
                  "a day that does not exist ('31/02/2015', '2015-13-01', '00/00/0000'), text after a date",
    "out_of_range": "read, but impossible for the column: a negative count or amount, more than 500,000 staff, "
                    "an amount of 10^18 or more, a date before 1986 or in the future, a design weight of 0",
}
UNPARSED_COLUMNS = [*SOURCE_COLUMNS, "column", "value", "problem", "outcome"]


@dataclass
class Stage:
    """One table's cleaning outcome, with what quality.json reports about it."""

    clean: pd.DataFrame
    rejects: pd.DataFrame
    changed: dict[str, int] = field(default_factory=dict)
    out_of_range: dict[str, int] = field(default_factory=dict)
    flags: dict[str, dict] = field(default_factory=dict)
    # Values present in a number or date column that did not become a value: one row each.
    unparsed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNPARSED_COLUMNS))
    # Where the cleaner gives them: the position in its raw frame of each clean row.
    rows: np.ndarray | None = None


def unparsed_values(raw: pd.DataFrame, problems: dict[str, pd.Series], outcome: str) -> pd.DataFrame:
    """The values of ``raw`` that did not become a value, one row each: where (file, sheet,
    row), the column, the value as written, the problem (a key of :data:`PROBLEMS`), and
    what then happened to the row (``outcome``). ``problems`` maps a column to the
    problem of each of its values (None where the value was read or was missing).

    >>> raw = pd.DataFrame({"source_file": ["a.csv"] * 2, "source_sheet": "", "source_row": [2, 3], "n": ["(5)", "7"]})
    >>> unparsed_values(raw, {"n": pd.Series(["unreadable", None])}, "left empty")[["source_row", "value", "problem"]].values.tolist()
    [[2, '(5)', 'unreadable']]
    """
    parts = []
    for column, problem in problems.items():
        hit = problem.notna().to_numpy()
        if hit.any():
            part = raw.loc[hit, SOURCE_COLUMNS].reset_index(drop=True)
            parts.append(part.assign(column=column, value=raw.loc[hit, column].to_numpy(),
                                     problem=problem[hit].to_numpy(), outcome=outcome))
    return pd.concat(parts, ignore_index=True)[UNPARSED_COLUMNS] if parts else pd.DataFrame(columns=UNPARSED_COLUMNS)


def first_reason(checks: list[tuple[str, pd.Series, pd.Series, object]], n: int) -> tuple[pd.Series, pd.Series]:
    """For each row, the first failed check: its code and a sentence built from the value.

    >>> code, reason = first_reason([("a", pd.Series([True, False]), pd.Series(["x", "y"]), str.upper)], 2)
    >>> code.tolist(), reason.tolist()
    (['a', None], ['X', None])
    """
    code, reason = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    failed_before = np.zeros(n, dtype=bool)
    for name, failed, values, sentence in checks:
        take = np.flatnonzero(failed.to_numpy(dtype=bool) & ~failed_before)
        failed_before[take] = True
        code[take] = name
        reason[take] = [sentence(v) for v in values.iloc[take].to_numpy(dtype=object)]
    return pd.Series(code, dtype="object"), pd.Series(reason, dtype="object")


def reject_frame(rows: pd.DataFrame, codes: pd.Series, reasons: pd.Series, original: list[str]) -> pd.DataFrame:
    """The rejected ``rows``: where each came from, why, and its original values."""
    out = rows[SOURCE_COLUMNS].reset_index(drop=True).copy()
    out["reason_code"] = codes.to_numpy()
    out["reason"] = reasons.to_numpy()
    for column in original:
        out[column] = rows[column].to_numpy()
    return out


def split(raw: pd.DataFrame, checks: list, original: list[str]) -> tuple[pd.DataFrame, "pd.Series[bool]"]:
    """Apply ``checks`` to ``raw``: the rejects table and the mask of rows kept."""
    reason_code, reason = first_reason(checks, len(raw))
    rejected = reason_code.notna().to_numpy()
    return reject_frame(raw[rejected], reason_code[rejected], reason[rejected], original), ~rejected


# Rows quality.json shows of a flag: the first of them.
FLAG_ROWS = 50


def flagged(rows: pd.DataFrame, mask, columns: list[str], at: np.ndarray | None = None) -> dict:
    """A flag of quality.json: how many of ``rows`` ``mask`` marks, and the first
    :data:`FLAG_ROWS` of them (``columns``), found without indexing every row. ``at``: the
    positions in ``rows`` of the rows ``mask`` speaks of (all of them, by default).

    >>> flagged(pd.DataFrame({"a": [1, 2, 3]}), [False, True, True], ["a"])
    {'count': 2, 'rows': [{'a': 2}, {'a': 3}]}
    >>> flagged(pd.DataFrame({"a": [1, 2, 3]}), [True, False], ["a"], at=np.array([2, 0]))
    {'count': 1, 'rows': [{'a': 3}]}
    """
    hit = np.flatnonzero(np.asarray(mask, dtype=bool))
    first = hit[:FLAG_ROWS] if at is None else at[hit[:FLAG_ROWS]]
    return {"count": len(hit), "rows": rows[columns].iloc[first].to_dict("records")}


def no_rejects() -> pd.DataFrame:
    """An empty rejects table (an optional input that was not given)."""
    return pd.DataFrame(columns=SOURCE_COLUMNS)


def changed(raw: pd.Series, clean: pd.Series, where: np.ndarray | None = None) -> int:
    """How many values a normaliser changed (compared as stripped text), among the rows
    ``where`` marks (all, by default).

    >>> changed(pd.Series([" a", "b", "c"]), pd.Series(["a", "B", "C"]), where=np.array([True, True, False]))
    1
    """
    raw_text = arrow_text(raw.fillna("").astype(str).str.strip())
    if isinstance(clean.dtype, pd.CategoricalDtype) and clean.dtype.categories.inferred_type == "string":
        # Categories of text: decoded by pyarrow (other categories are written as pandas writes them).
        clean_text_ = pa.array(clean.array).cast(pa.large_string()).fill_null("")
    else:
        clean_text_ = arrow_text(clean.astype("string").fillna(""))
    differ = pc.not_equal(raw_text, clean_text_)
    if where is not None:
        differ = pc.and_(differ, pa.array(np.asarray(where, dtype=bool)))
    return int(pc.sum(differ).as_py() or 0)


def district_reason(value: str) -> str:
    """Why a district is refused, with the nearest district as a hint (never a guess)."""
    if not str(value).strip():
        return "the district is empty and the commune does not name one"
    near = closest_district(value)
    hint = f"; did you mean {near!r}? (not guessed)" if near else ""
    return f"district {value!r} is not one of the 9 district units of Bình Dương{hint}"


def bad_bytes_reason(line: int, found: list[int], position: int, value: str, headers: list[str]) -> str:
    """Why a row of a UTF-8 file holding bytes that are not UTF-8 is set aside, with those bytes."""
    shown = " ".join(f"0x{b:02x}" for b in found[:8]) + (" ..." if len(found) > 8 else "")
    column = headers[position] if position < len(headers) and headers[position] else f"column {position + 1}"
    return (f"line {line} holds {len(found)} byte{'s' if len(found) != 1 else ''} that are not UTF-8 ({shown}), first "
            f"in {column!r}: {value!r}; the rest of the file is UTF-8, so the row is set aside rather than guessed")
