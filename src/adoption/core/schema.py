"""The clean tables of the data contract, declared once with pandera.

Each table is a :class:`pandera.DataFrameModel`; its attributes are the column names, so
every stage writes ``Enterprises.tax_code`` rather than a loose string, and the
categories below are the only values a categorical column may hold. The cleaning stage
checks each table before writing it and :func:`adoption.core.io.load_clean` checks it
again when reading, with :func:`validate`: an error names the table, each column at
fault, the rule it breaks and how many rows break it.
"""

from __future__ import annotations

import functools
import sys

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .errors import SchemaError
from .sizes import SIZE_CLASSES


def _skip_pandera_dask_probe() -> None:
    """Let pandera record Dask's dataframes as absent, unless they are loaded already.

    The first schema pandera builds probes for Dask by importing ``dask.dataframe`` (1 to
    2 s here), and Dask is installed for ``--scheduler``; the clean tables are pandas frames,
    so the probe would only slow every cleaning and every check of the tables down.
    """
    if "pandera.typing.dask" in sys.modules or "dask.dataframe" in sys.modules:
        return
    hidden = [name for name in ("dask", "dask.dataframe") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # None: importing them raises ImportError
    try:
        import pandera.typing.dask  # noqa: F401  (its probe fails, quickly)
    finally:
        for name in hidden:
            del sys.modules[name]


_skip_pandera_dask_probe()

# Categories the clean tables may hold (README, "Your own register"; docs/glossary.md).
LEGAL_FORMS = ("llc_one_member", "llc_multi_member", "joint_stock", "private_enterprise", "partnership", "other")
OWNERSHIPS = ("state", "domestic_private", "fdi")
STATUSES = ("active", "suspended", "dissolving", "dissolved")
# What located a firm (data contract, "Since 1 July 2025: two maps"); ``province``: a
# province column alone, in a province whose units the package does not know
# (adoption.core.scope).
GEO_SOURCES = ("old_units", "new_units", "address", "province")
PLATFORM_CATEGORIES = (
    "ecommerce", "digital_payment", "cloud_accounting", "management_software", "digital_marketing",
    "online_public_services", "other",
)
# The 12 indicators of the Eurostat Digital Intensity Index, version 3 (reference_data/dii_indicators.csv).
DII_INDICATORS = (
    "staff_internet", "broadband_30mbps", "ecommerce_sales_1pct", "web_sales_b2c", "buys_cloud",
    "buys_advanced_cloud", "social_media_2plus", "social_media_any", "data_analytics", "ai_any", "erp", "crm",
)

# The version a main activity was read in, and what decided it (data contract, "Since 15
# November 2025"; adoption.clean.vsic).
VSIC_VERSIONS = ("2018", "2025", "ambiguous")
VSIC_EVIDENCE = ("header", "description", "one_version_only", "registered_after_2025_11_15")

# The register keys a survey's design strata may be built of: a name (as quality.json
# records it) and the columns whose values, joined by "|", make a stratum ("721|small",
# "25747|small"). The 2023 map first: where the evidence ties, it is the older frame
# (docs/glossary.md, "Digital intensity"; adoption.clean.survey.recognise_strata).
STRATUM_KEYS: dict[str, tuple[str, ...]] = {
    "district|size_class": ("district_code", "size_class"),
    "commune2025|size_class": ("commune2025_code", "size_class"),
}

TAX_CODE_PATTERN = r"^[0-9]{10}(-[0-9]{3})?$"
SOURCE_COLUMNS = ["source_file", "source_sheet", "source_row"]


def _category(values: tuple[str, ...], *, nullable: bool = True):
    return pa.Field(nullable=nullable, isin=list(values), dtype_kwargs={"categories": list(values), "ordered": False})


class Enterprises(pa.DataFrameModel):
    """``enterprises.parquet``: one row per enterprise; branches are rows of their own."""

    tax_code: Series[pd.StringDtype] = pa.Field(str_matches=TAX_CODE_PATTERN, unique=True)
    is_branch: Series[bool]
    name: Series[pd.StringDtype]
    # The province (GSO code of the 63 before the 2025 reform, and its official name): set
    # for every firm. Bình Dương (74) is the only province with district and commune detail.
    province_code: Series[pd.StringDtype] = pa.Field(str_matches=r"^[0-9]{2}$")
    province: Series[pd.StringDtype]
    # Old map (before 1 July 2025): null where the row does not determine it.
    district_code: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{3}$")
    district: Series[pd.StringDtype] = pa.Field(nullable=True)
    commune_code: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{5}$")
    # New map (Ho Chi Minh City units since 1 July 2025); a code may equal an old one.
    commune2025_code: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{5}$")
    commune2025: Series[pd.StringDtype] = pa.Field(nullable=True)
    commune2025_candidates: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{5}(\|[0-9]{5})+$")
    geo_source: Series[pd.CategoricalDtype] = _category(GEO_SOURCES, nullable=False)
    # The VSIC 2018 class, division and section (null where the code and the conversion do
    # not determine them), and the VSIC 2025 ones beside them (sections differ from K on).
    vsic4: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{4}$")
    vsic_division: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{2}$")
    vsic_section: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[A-U]$")
    vsic_version: Series[pd.CategoricalDtype] = _category(VSIC_VERSIONS, nullable=False)
    vsic2025_4: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{4}$")
    vsic2025_division: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{2}$")
    vsic2025_section: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[A-V]$")
    vsic_evidence: Series[pd.CategoricalDtype] = _category(VSIC_EVIDENCE)
    legal_form: Series[pd.CategoricalDtype] = _category(LEGAL_FORMS)
    ownership: Series[pd.CategoricalDtype] = _category(OWNERSHIPS)
    registered_on: Series[pa.DateTime] = pa.Field(nullable=True)
    employees: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    charter_capital_vnd: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    revenue_vnd: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    size_class: Series[pd.CategoricalDtype] = _category(SIZE_CLASSES)
    industrial_park: Series[pd.StringDtype] = pa.Field(nullable=True)
    in_industrial_park: Series[pd.BooleanDtype] = pa.Field(nullable=True)  # null: the file had no park column
    status: Series[pd.CategoricalDtype] = _category(STATUSES)
    is_ict: Series[bool]
    is_digital_tech: Series[bool]
    uses_digital_platform: Series[bool]
    platform_count: Series[int] = pa.Field(ge=0)
    source_file: Series[pd.StringDtype]
    source_sheet: Series[pd.StringDtype]
    source_row: Series[int] = pa.Field(ge=1)

    class Config:
        name = "enterprises"
        strict = True
        ordered = True

    @pa.dataframe_check(error="in_industrial_park is true exactly where industrial_park is named (or unknown, with none named)")
    def park_flag_matches_park(cls, frame: pd.DataFrame) -> Series[bool]:
        flag, named = frame["in_industrial_park"], frame["industrial_park"].notna()
        return (flag.isna() & ~named) | (flag == named).fillna(False)

    @pa.dataframe_check(error="commune2025_candidates only where commune2025_code is empty; commune2025 named "
                              "exactly where its code is")
    def one_2025_unit_or_candidates(cls, frame: pd.DataFrame) -> Series[bool]:
        code = frame["commune2025_code"].notna()
        return ~(code & frame["commune2025_candidates"].notna()) & (code == frame["commune2025"].notna())

    @pa.dataframe_check(error="district, commune and 2025 unit only in Bình Dương (province_code 74)")
    def units_only_in_binh_duong(cls, frame: pd.DataFrame) -> Series[bool]:
        units = frame[["district_code", "commune_code", "commune2025_code", "commune2025_candidates"]].notna().any(axis=1)
        return ~units | (frame["province_code"] == "74")

    @pa.dataframe_check(error="vsic_evidence is null exactly where vsic_version is ambiguous")
    def vsic_evidence_matches_version(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["vsic_evidence"].isna() == (frame["vsic_version"] == "ambiguous")

    @pa.dataframe_check(error="is_branch is true exactly where the tax code has a branch suffix")
    def branch_flag_matches_code(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["is_branch"] == frame["tax_code"].str.contains("-", regex=False)


class Platforms(pa.DataFrameModel):
    """``platforms.parquet``: one row per firm and platform category, the earliest date."""

    tax_code: Series[pd.StringDtype] = pa.Field(str_matches=TAX_CODE_PATTERN)
    platform: Series[pd.CategoricalDtype] = _category(PLATFORM_CATEGORIES, nullable=False)
    adopted_on: Series[pa.DateTime]
    source_file: Series[pd.StringDtype]
    source_sheet: Series[pd.StringDtype]
    source_row: Series[int] = pa.Field(ge=1)

    class Config:
        name = "platforms"
        strict = True
        ordered = True
        unique = ["tax_code", "platform"]


class Survey(pa.DataFrameModel):
    """``survey.parquet``: one row per responding firm, with its design weight and DII score."""

    tax_code: Series[pd.StringDtype] = pa.Field(str_matches=TAX_CODE_PATTERN, unique=True)
    stratum: Series[pd.StringDtype]
    staff_internet: Series[bool]
    broadband_30mbps: Series[bool]
    ecommerce_sales_1pct: Series[bool]
    web_sales_b2c: Series[bool]
    buys_cloud: Series[bool]
    buys_advanced_cloud: Series[bool]
    social_media_2plus: Series[bool]
    social_media_any: Series[bool]
    data_analytics: Series[bool]
    ai_any: Series[bool]
    erp: Series[bool]
    crm: Series[bool]
    source_file: Series[pd.StringDtype]
    source_sheet: Series[pd.StringDtype]
    source_row: Series[int] = pa.Field(ge=1)
    weight: Series[float] = pa.Field(gt=0)
    district_code: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[0-9]{3}$")  # null: a 2025 unit of two districts
    size_class: Series[pd.StringDtype] = pa.Field(nullable=True, isin=list(SIZE_CLASSES))  # null: no staff figure in the register
    vsic_section: Series[pd.StringDtype] = pa.Field(nullable=True, str_matches=r"^[A-U]$")  # null: not determined (VSIC 2025 code)
    dii_score: Series[int] = pa.Field(in_range={"min_value": 0, "max_value": len(DII_INDICATORS)})

    class Config:
        name = "survey"
        strict = True
        ordered = True

    @pa.dataframe_check(error="dii_score is the number of indicators answered yes")
    def score_counts_indicators(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["dii_score"] == frame[list(DII_INDICATORS)].sum(axis=1)


class Workforce(pa.DataFrameModel):
    """``workforce.parquet``: one row per industrial park and quarter."""

    industrial_park: Series[pd.StringDtype]
    district_code: Series[pd.StringDtype] = pa.Field(str_matches=r"^[0-9]{3}$")
    period: Series[pd.StringDtype] = pa.Field(str_matches=r"^[0-9]{4}-Q[1-4]$")
    workers: Series[pd.Int64Dtype] = pa.Field(ge=0)
    workers_trained: Series[pd.Int64Dtype] = pa.Field(ge=0)
    training_hours: Series[pd.Int64Dtype] = pa.Field(ge=0)
    source_file: Series[pd.StringDtype]
    source_sheet: Series[pd.StringDtype]
    source_row: Series[int] = pa.Field(ge=1)
    district: Series[pd.StringDtype]

    class Config:
        name = "workforce"
        strict = True
        ordered = True
        unique = ["industrial_park", "period"]

    @pa.dataframe_check(error="workers_trained is at most workers")
    def trained_within_workers(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["workers_trained"] <= frame["workers"]


TABLES: dict[str, type[pa.DataFrameModel]] = {
    "enterprises": Enterprises, "platforms": Platforms, "survey": Survey, "workforce": Workforce,
}


# The categories of each categorical column, by table.
CATEGORIES = {
    "enterprises": {"legal_form": LEGAL_FORMS, "ownership": OWNERSHIPS, "size_class": SIZE_CLASSES, "status": STATUSES,
                    "geo_source": GEO_SOURCES, "vsic_version": VSIC_VERSIONS, "vsic_evidence": VSIC_EVIDENCE},
    "platforms": {"platform": PLATFORM_CATEGORIES},
}


def with_categories(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with its categorical columns holding the contract's categories, in order.

    A Parquet file keeps only the categories in use (none, in an empty table); reading it
    back gives them all again. A value outside the categories would become null here, so
    :func:`adoption.core.io.load_clean` refuses such a file before calling this.

    >>> with_categories(pd.DataFrame({"platform": pd.Categorical([])}), "platforms")["platform"].cat.categories[-1]
    'other'
    """
    out = frame.copy()
    for column, categories in CATEGORIES.get(table, {}).items():
        if column in out.columns:
            out[column] = out[column].astype(pd.CategoricalDtype(list(categories)))
    return out


def columns(table: str) -> list[str]:
    """The columns of a clean table, in the contract's order.

    >>> columns("platforms")
    ['tax_code', 'platform', 'adopted_on', 'source_file', 'source_sheet', 'source_row']
    """
    return list(TABLES[table].to_schema().columns)


def _describe(table: str, failures: pd.DataFrame) -> str:
    """One line per column and rule: what is wrong and in how many rows."""
    lines = []
    for (column, check), cases in failures.groupby(["column", "check"], dropna=False, sort=False):
        column = column if isinstance(column, str) else "(table)"
        if check == "column_in_dataframe":
            lines += [f"{missing}: missing" for missing in cases["failure_case"]]
        elif str(check).startswith("dtype("):
            lines.append(f"{column}: dtype {cases['failure_case'].iloc[0]}, expected {str(check)[7:-2]}")
        elif check == "not_nullable":
            lines.append(f"{column}: {len(cases)} rows are null, none allowed")
        elif check == "column_in_schema":
            lines += [f"{extra}: not a column of {table}" for extra in cases["failure_case"]]
        elif check == "column_ordered":
            lines.append(f"{column}: out of the contract's column order")
        else:
            rows = cases["index"].nunique() if cases["index"].notna().any() else len(cases)
            example = cases["failure_case"].iloc[0]
            lines.append(f"{column}: {rows} rows break {check} (e.g. {example!r})")
    return f"{table} does not match the data contract:\n  " + "\n  ".join(lines)


def validate(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Check ``frame`` against the contract of ``table``; return it unchanged or raise
    :class:`SchemaError` naming the table, the columns, the rules and the row counts.

    >>> validate(pd.DataFrame({"tax_code": ["1"]}), "platforms")
    Traceback (most recent call last):
    ...
    adoption.core.errors.SchemaError: platforms does not match the data contract:
      platform: missing
      adopted_on: missing
      source_file: missing
      source_sheet: missing
      source_row: missing
      tax_code: 1 rows break str_matches('^[0-9]{10}(-[0-9]{3})?$') (e.g. '1')
    """
    try:
        _schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise SchemaError(_describe(table, exc.failure_cases)) from None
    return frame


@functools.cache
def _schema(table: str) -> pa.DataFrameSchema:
    """The contract of ``table`` with each text pattern checked by :func:`_matches`: the
    whole value matched (not only up to a final line feed), each distinct value once where
    the values repeat."""
    schema = TABLES[table].to_schema()
    updates = {}
    for name, column in schema.columns.items():
        if any(check.name == "str_matches" for check in column.checks):
            updates[name] = {"checks": [_matches(check, repeated=not column.unique) if check.name == "str_matches"
                                        else check for check in column.checks]}
    return schema.update_columns(updates)


def _matches(check: pa.Check, repeated: bool = True) -> pa.Check:
    """pandera's ``str_matches`` ``check`` on whole values: pandas' ``str.fullmatch`` of its
    pattern, so that a value ending in a line feed breaks a pattern ending in ``$`` (where
    Python's ``re``, which pandas uses on text holding one, lets ``$`` match before it).
    With ``repeated``, text held by pyarrow is matched once a distinct value, and a column
    whose every value matches passes at once. Missing values are passed over (the column's
    ``nullable`` decides on them); a value that is not text breaks the pattern."""
    pattern = check.statistics["pattern"]

    def matches(series: pd.Series) -> pd.Series | bool:
        import pyarrow as pyarrow_
        import pyarrow.compute as pc

        if not (repeated and isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
            # A value that is not text (in a column of Python objects) breaks the pattern.
            try:
                matched = series.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
            except AttributeError:  # no value is text: pandas gives no .str
                matched = np.zeros(len(series), dtype=bool)
            return pd.Series(matched | series.isna().to_numpy(dtype=bool), index=series.index)
        values = pyarrow_.array(series.array)
        distinct = pc.unique(values)
        passed = (pd.Series(pd.arrays.ArrowStringArray(distinct, dtype=series.dtype)).str.fullmatch(pattern)
                  .fillna(True).to_numpy(dtype=bool))
        if passed.all():
            return True
        rows = pc.is_in(values, value_set=distinct.filter(pyarrow_.array(passed)))
        return pd.Series(rows.to_numpy(zero_copy_only=False), index=series.index)

    return pa.Check(matches, name=check.name, error=check.error, statistics=check.statistics)


def in_scope_mask(enterprises: pd.DataFrame) -> pd.Series:
    """True for the firms a headline counts: head offices (no branches) that the register
    does not record as suspended, dissolving or dissolved.

    A firm whose status is unknown (a register without a status column, a blank cell)
    counts as operating; reports say how many such firms they count.

    >>> frame = pd.DataFrame({"status": ["active", "active", "dissolved", None], "is_branch": [False, True, False, False]})
    >>> in_scope_mask(frame).tolist()
    [True, False, False, True]
    """
    status = enterprises[Enterprises.status]
    return (((status == "active").fillna(False) | status.isna()) & ~enterprises[Enterprises.is_branch].astype(bool)).astype(bool)
