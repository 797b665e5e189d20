"""Accounting for every row: ``quality.json``.

For each input file: rows read = rows kept + rows rejected + rows merged, with counts per
reason and per kind of merge, the encoding each file was read in with the evidence and
its confidence, null rates, how many values each normaliser changed, values of number and
date columns that could not be used (per file and column, with examples), values refused
as out of range, flagged rows, whether the inputs are synthetic, and the hash that identifies them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.outputs import sha256_file
from ..core.manifest import synthetic_files
from ..core.version import __version__, code_hash
from .read import RawTable
from .rejects import PROBLEMS, REASONS, Stage


# Values shown for each file and column in quality.json's "unparsed" (the first ones).
UNPARSED_EXAMPLES = 3


def _by_file(frame: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """The positions of ``frame``'s rows (in order) for each table and source file: found
    once, not by a pass over the frame for every file."""
    if frame.empty:
        return {}
    groups = frame.groupby(["table", "source_file"], sort=False, observed=True).indices
    return {(str(t), str(f)): at for (t, f), at in groups.items()}


def _unparsed(frame: pd.DataFrame, at: np.ndarray | None, headers: dict[str, str]) -> dict[str, dict]:
    """A file's values that did not become values (``frame``'s rows ``at``), per column: how
    many, of which kind, what happened to their rows, and the first few with where they stand."""
    if at is None:
        return {}
    out = {}
    rows = frame.iloc[at]
    for column, group in rows.groupby("column", sort=False):
        counts = group["problem"].value_counts()
        out[str(column)] = {
            "header": next((h for h, c in headers.items() if c == column), column),
            "count": len(group),
            **{problem: int(counts.get(problem, 0)) for problem in PROBLEMS},
            "outcome": str(group["outcome"].iloc[0]),
            "examples": [{"sheet": str(sheet), "row": int(row), "value": str(value), "problem": str(problem)}
                         for sheet, row, value, problem in group[["source_sheet", "source_row", "value", "problem"]]
                         .head(UNPARSED_EXAMPLES).itertuples(index=False)],
        }
    return out


@dataclass
class Kept:
    """What the accounting needs of a clean table: its rows per source file and its nulls
    per column. Parts of one table (cleaned apart) add up with ``+``."""

    rows: int = 0
    by_file: dict[str, int] = field(default_factory=dict)
    nulls: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "Kept":
        """The summary of a clean table.

        >>> Kept.of(pd.DataFrame({"source_file": ["a", "a", "b"], "x": [1, None, 3]})).nulls
        {'source_file': 0, 'x': 1}
        """
        # Counted as the column is held (by pyarrow, for text): the same counts, in order of first row.
        # A categorical counts every category (those of no row too), in the categories' order: as objects.
        column = frame["source_file"]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        by_file = column.value_counts(sort=False) if len(frame) else {}
        return cls(len(frame), {str(k): int(v) for k, v in dict(by_file).items()},
                   {c: int(frame[c].isna().sum()) for c in frame.columns})

    def __add__(self, other: "Kept") -> "Kept":
        by_file, nulls = dict(self.by_file), dict(self.nulls)
        for name, count in other.by_file.items():
            by_file[name] = by_file.get(name, 0) + count
        for column, count in other.nulls.items():
            nulls[column] = nulls.get(column, 0) + count
        return Kept(self.rows + other.rows, by_file, nulls)

    def null_rates(self) -> dict[str, float]:
        return {c: round(n / self.rows, 6) for c, n in self.nulls.items()} if self.rows else {}


def quality_report(
    raw_dir: Path,
    kept: dict[str, tuple[list[RawTable], pd.DataFrame | Kept]],
    rejects: pd.DataFrame,
    merges: pd.DataFrame,
    register: Stage,
    platforms: Stage,
    unparsed: pd.DataFrame,
) -> dict:
    """The contents of ``quality.json``; ``kept`` maps each input folder to its files and
    clean table (or its :class:`Kept` summary); ``unparsed`` holds the values of every table that did not become values
    (:func:`~adoption.clean.rejects.unparsed_values`, with the table)."""
    files: dict[str, dict] = {}
    kept = {folder: (tables, rows if isinstance(rows, Kept) else Kept.of(rows)) for folder, (tables, rows) in kept.items()}
    registers, enterprises = kept["register"]
    platform_tables, platform_rows = kept["platforms"]
    rejected, merged, not_used = _by_file(rejects), _by_file(merges), _by_file(unparsed)
    for folder, (tables, kept_rows) in kept.items():
        for table in tables:
            name = table.path.name
            files[f"{folder}/{name}"] = {
                "table": folder,
                "sha256": table.sha256 or sha256_file(table.path),
                "rows_read": table.rows_read,
                "rows_kept": kept_rows.by_file.get(name, 0),
                "rows_rejected": len(rejected.get((folder, name), ())),
                "rows_merged": len(merged.get((folder, name), ())),
                "blank_rows_skipped": table.blank_rows,
                "headers": table.header_map,
                "extra_columns": sorted(set(table.extras["column"].unique())) if len(table.extras) else [],
                "sheets_not_read": table.sheets_not_read,
                "encoding": table.decoded.encoding,
                "encoding_confidence": table.decoded.confidence,
                "encoding_evidence": table.decoded.evidence,
                "unparsed": _unparsed(unparsed, not_used.get((folder, name)), table.header_map),
            }
    synthetic = synthetic_files(raw_dir, {rel: info["sha256"] for rel, info in files.items()})
    digest = "\n".join(f"{rel} {info['sha256']}" for rel, info in sorted(files.items()))
    merge_kinds = merges["kind"].value_counts().to_dict() if len(merges) else {}
    return {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "package_version": __version__,
        "code_hash": code_hash("core", "clean"),
        "raw_dir": str(Path(raw_dir).resolve()),  # as given, a relative path would depend on where the run started
        "synthetic": any(rel in synthetic for rel in files),
        "synthetic_files": sorted(rel for rel in files if rel in synthetic),
        "input_hash": hashlib.sha256(digest.encode()).hexdigest(),
        "files": files,
        "reasons": {str(k): int(v) for k, v in rejects["reason_code"].value_counts().items()} if len(rejects) else {},
        "reason_meanings": REASONS,
        "merged": {str(k): int(v) for k, v in merge_kinds.items()},
        "null_rates": {"enterprises": enterprises.null_rates(), "platforms": platform_rows.null_rates()},
        "normalised": {**register.changed, **platforms.changed},
        "out_of_range_set_null": register.out_of_range,
        "unparsed_meanings": PROBLEMS,
        "flags": {**register.flags, **platforms.flags},
        "totals": {
            "register_rows_read": sum(t.rows_read for t in registers),
            "enterprises": enterprises.rows,
            "platform_rows_read": sum(t.rows_read for t in platform_tables),
            "platform_records": platform_rows.rows,
            "survey_rows_read": sum(t.rows_read for t in kept["survey"][0]),
            "survey_respondents": kept["survey"][1].rows,
            "rejected": len(rejects),
            "merged": len(merges),
        },
    }
