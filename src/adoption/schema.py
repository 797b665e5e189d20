"""The clean tables' columns and types (data contract), declared once and checked here."""

from __future__ import annotations

import pandas as pd

from . import vocab
from .errors import SchemaError

# Column -> expected kind. Kinds: "string", "bool", "Int64", "int", "date", or a tuple of
# allowed categories.
ENTERPRISE_COLUMNS: dict[str, object] = {
    "tax_code": "string",
    "is_branch": "bool",
    "name": "string",
    "district_code": "string",
    "district": "string",
    "commune_code": "string",
    "vsic4": "string",
    "vsic_division": "string",
    "vsic_section": "string",
    "legal_form": vocab.LEGAL_FORMS,
    "ownership": vocab.OWNERSHIPS,
    "registered_on": "date",
    "employees": "Int64",
    "charter_capital_vnd": "Int64",
    "revenue_vnd": "Int64",
    "size_class": vocab.SIZE_CLASSES,
    "industrial_park": "string",
    "in_industrial_park": "bool",
    "status": vocab.STATUSES,
    "is_ict": "bool",
    "is_digital_tech": "bool",
    "uses_digital_platform": "bool",
    "platform_count": "int",
    "source_file": "string",
    "source_sheet": "string",
    "source_row": "int",
}
# Columns that may not hold nulls.
ENTERPRISE_NOT_NULL = (
    "tax_code", "is_branch", "name", "district_code", "district", "vsic4", "vsic_division",
    "vsic_section", "in_industrial_park", "is_ict", "is_digital_tech",
    "uses_digital_platform", "platform_count",
)

PLATFORM_COLUMNS: dict[str, object] = {
    "tax_code": "string",
    "platform": tuple(vocab.PLATFORM_CATEGORIES),
    "adopted_on": "date",
    "source_file": "string",
    "source_sheet": "string",
    "source_row": "int",
}

TAX_CODE_PATTERN = r"^\d{10}(-\d{3})?$"


def _check_kind(series: pd.Series, kind: object) -> str | None:
    if isinstance(kind, tuple):
        if not isinstance(series.dtype, pd.CategoricalDtype):
            return f"dtype {series.dtype}, expected category"
        outside = series.dropna()[~series.dropna().isin(kind)]
        if len(outside):
            return f"{len(outside)} values outside {list(kind)}, e.g. {outside.iloc[0]!r}"
        return None
    checks = {
        "string": pd.api.types.is_string_dtype,
        "bool": pd.api.types.is_bool_dtype,
        "Int64": lambda s: str(s.dtype) == "Int64",
        "int": pd.api.types.is_integer_dtype,
        "date": pd.api.types.is_datetime64_any_dtype,
    }
    if not checks[str(kind)](series):
        return f"dtype {series.dtype}, expected {kind}"
    return None


def validate(frame: pd.DataFrame, columns: dict[str, object], *, not_null: tuple[str, ...] = (), table: str) -> pd.DataFrame:
    """Check ``frame`` against a column declaration; return it unchanged or raise.

    The error names the table, each column at fault and how many values are wrong.
    """
    problems = []
    for column, kind in columns.items():
        if column not in frame.columns:
            problems.append(f"{column}: missing")
            continue
        problem = _check_kind(frame[column], kind)
        if problem:
            problems.append(f"{column}: {problem}")
    for column in not_null:
        if column in frame.columns and (nulls := int(frame[column].isna().sum())):
            problems.append(f"{column}: {nulls} nulls, none allowed")
    if "tax_code" in frame.columns:
        bad = int((~frame["tax_code"].astype("string").str.match(TAX_CODE_PATTERN).fillna(False)).sum())
        if bad:
            problems.append(f"tax_code: {bad} values not NNNNNNNNNN or NNNNNNNNNN-NNN")
    if problems:
        raise SchemaError(f"{table} does not match the data contract:\n  " + "\n  ".join(problems))
    return frame


def validate_enterprises(frame: pd.DataFrame) -> pd.DataFrame:
    """Check the clean enterprise table against the data contract."""
    return validate(frame, ENTERPRISE_COLUMNS, not_null=ENTERPRISE_NOT_NULL, table="enterprises")


def validate_platforms(frame: pd.DataFrame) -> pd.DataFrame:
    """Check the clean platform-use table against the data contract."""
    return validate(frame, PLATFORM_COLUMNS, not_null=("tax_code", "platform", "adopted_on"), table="platforms")
