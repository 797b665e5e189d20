"""The clean tables' schema: declared once, checked on writing and on loading, with errors
that name the table, the column, the rule and how many rows break it."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.core import schema
from adoption.core.errors import SchemaError
from adoption.core.io import load_clean


def test_column_names_are_constants_of_the_schema():
    assert schema.Enterprises.tax_code == "tax_code"
    assert schema.Workforce.training_hours == "training_hours"
    assert schema.columns("survey")[2:14] == list(schema.DII_INDICATORS)


def test_error_names_table_column_rule_and_count(small_data):
    broken = small_data.enterprises.assign(employees=small_data.enterprises["employees"].astype("float64"))
    broken.loc[broken.index[:7], "name"] = None
    broken.loc[broken.index[10:13], "tax_code"] = "12345"
    with pytest.raises(SchemaError) as err:
        schema.validate(broken, "enterprises")
    message = str(err.value)
    assert message.startswith("enterprises does not match the data contract")
    assert "employees: dtype float64, expected Int64" in message
    assert "name: 7 rows are null, none allowed" in message
    assert "tax_code: 3 rows break str_matches" in message


def test_two_maps_rules(small_data):
    firms = small_data.enterprises.copy()
    firms.loc[firms.index[:2], ["district_code", "district"]] = None  # the old map may be unknown
    schema.validate(firms, "enterprises")
    named = firms.index[firms["commune2025_code"].notna()]
    firms.loc[named[0], "commune2025_candidates"] = "25747|25750"
    firms.loc[named[1], "commune2025"] = None
    with pytest.raises(SchemaError, match=r"2 rows break commune2025_candidates only where commune2025_code is empty"):
        schema.validate(firms, "enterprises")


def test_cross_column_rules(small_data):
    workforce = small_data.workforce.copy()
    workforce.loc[workforce.index[:2], "workers_trained"] = workforce["workers"].iloc[:2] + 1
    with pytest.raises(SchemaError, match=r"workforce does not match.*\n.*2 rows break workers_trained is at most workers"):
        schema.validate(workforce, "workforce")
    survey = small_data.survey.assign(dii_score=0)
    with pytest.raises(SchemaError, match="dii_score is the number of indicators answered yes"):
        schema.validate(survey, "survey")


def test_missing_and_extra_columns_named(small_data):
    frame = small_data.platforms.drop(columns="adopted_on").assign(note="x")
    with pytest.raises(SchemaError) as err:
        schema.validate(frame, "platforms")
    assert "adopted_on: missing" in str(err.value) and "note: not a column of platforms" in str(err.value)


def test_load_clean_refuses_a_table_changed_by_hand(small_processed, tmp_path):
    import shutil

    folder = tmp_path / "processed"
    shutil.copytree(small_processed, folder)
    enterprises = pd.read_parquet(folder / "enterprises.parquet").copy(deep=True)
    enterprises.loc[enterprises.index[:4], "status"] = None
    enterprises["platform_count"] = -1
    enterprises.to_parquet(folder / "enterprises.parquet", index=False)
    with pytest.raises(SchemaError) as err:
        load_clean(folder)
    assert str(folder / "enterprises.parquet") in str(err.value)
    assert f"platform_count: {len(enterprises)} rows break greater_than_or_equal_to(0)" in str(err.value)


def test_in_scope_mask_counts_head_offices_not_recorded_as_inactive():
    frame = pd.DataFrame({"status": pd.Categorical(["active", "active", "suspended", None]),
                          "is_branch": [False, True, False, False]})
    # active head office, active branch, suspended head office, head office of unknown status
    assert schema.in_scope_mask(frame).tolist() == [True, False, False, True]


def test_load_clean_refuses_a_category_outside_the_contract(small_processed, tmp_path):
    import shutil

    folder = tmp_path / "processed"
    shutil.copytree(small_processed, folder)
    enterprises = pd.read_parquet(folder / "enterprises.parquet").copy(deep=True)
    enterprises["status"] = enterprises["status"].astype(str).where(enterprises.index > 0, "zombie")
    enterprises.to_parquet(folder / "enterprises.parquet", index=False)
    with pytest.raises(SchemaError, match="status: values outside .* e.g. 'zombie'"):
        load_clean(folder)


def test_an_empty_platform_table_keeps_its_categories(tmp_path):
    from adoption.clean.platforms import empty_platforms

    empty_platforms().to_parquet(tmp_path / "platforms.parquet", index=False)
    back = schema.with_categories(pd.read_parquet(tmp_path / "platforms.parquet"), "platforms")
    assert list(back["platform"].cat.categories) == list(schema.PLATFORM_CATEGORIES)
    schema.validate(back, "platforms")


@settings(max_examples=12, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["0301234567", "0301234567-001", "74", "7", "A", "25747|25750",
                                                      "0301234567\n", "2610\n", "\uff17\uff14", "\u0667\u0664"]),
                          st.text(alphabet="0123456789-|AQ\n\u0663\uff11 ", max_size=14)), max_size=25))
def test_text_patterns_match_whole_values_of_ascii_digits(values):
    """Each text pattern of the contract breaks exactly the rows whose whole value does not
    match it (Python's ``re.fullmatch``, worked out here value by value): a final line feed,
    or digits beyond ASCII (fullwidth, Arabic-Indic), break it; nulls are passed over. In
    text held by pyarrow and as Python objects, on columns of repeated values (checked a
    distinct value at a time) and of unique ones."""
    import re

    import pandera.pandas as pa

    def failing(check, series):
        try:
            pa.DataFrameSchema({"c": pa.Column(series.dtype, nullable=True, checks=[check])}).validate(
                series.to_frame("c"), lazy=True)
        except pa.errors.SchemaErrors as exc:
            return sorted(exc.failure_cases["index"].tolist())
        return []

    patterns = {check.statistics["pattern"] for table in schema.TABLES for column in schema._schema(table).columns.values()
                for check in column.checks if check.name == "str_matches"}
    assert all(column.checks[0]._check_fn.__name__ == "matches" for table in schema.TABLES
               for column in schema._schema(table).columns.values()
               if column.checks and column.checks[0].name == "str_matches")
    assert schema.TAX_CODE_PATTERN in patterns and r"^[0-9]{5}(\|[0-9]{5})+$" in patterns
    for dtype in ("string[pyarrow]", "str", object):
        series = pd.Series(values, dtype=dtype)
        for pattern in patterns:
            expected = [i for i, v in enumerate(values) if v is not None and re.fullmatch(pattern, v) is None]
            for repeated in (True, False):
                assert failing(schema._matches(pa.Check.str_matches(pattern), repeated), series) == expected
    # Values that are not text, among Python objects, break every pattern.
    objects = pd.Series([*values, 3700000025, 74.0], dtype=object)
    for pattern in patterns:
        expected = [i for i, v in enumerate(objects) if v is not None
                    and (not isinstance(v, str) or re.fullmatch(pattern, v) is None)]
        for repeated in (True, False):
            assert failing(schema._matches(pa.Check.str_matches(pattern), repeated), objects) == expected
