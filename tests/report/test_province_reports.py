"""A national register: cleaned in parts by province, each province's overview built on a
Dask cluster's workers, its figures those a plain count of the clean table gives."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from adoption.clean.engine import clean_in_parts
from adoption.core.io import load_clean
from adoption.report.build import build
from adoption.report.catalogue import ReportSpec, expand, find_spec
from adoption.report.formats import fmt_int
from adoption.synth import write_synthetic

PROVINCES = ("01", "74", "96")  # Hà Nội, Bình Dương (with its districts), Cà Mau


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("national_raw")
    write_synthetic(raw, firms=6_000, scope="national")
    out = tmp_path_factory.mktemp("national_processed")
    clean_in_parts(raw, out, scope="national", chunk_rows=5_000)
    return out


def test_parts_by_province_then_district(national):
    folders = {p.relative_to(national / "enterprises.parquet").parent.as_posix()
               for p in (national / "enterprises.parquet").rglob("*.parquet")}
    provinces = {f.split("/")[0] for f in folders}
    assert len(provinces) == 63
    # Only Bình Dương's firms have districts; elsewhere the district folder is the null one.
    assert {f for f in folders if not f.startswith("province_code=74/")} == {
        f"{p}/district_code=__HIVE_DEFAULT_PARTITION__" for p in provinces - {"province_code=74"}}
    assert any(f.startswith("province_code=74/district_code=718") for f in folders)


def test_each_province_overview_on_the_cluster(national, dask_cluster, tmp_path):
    spec = find_spec("province-overview")
    few = ReportSpec(spec.name, spec.notebook, spec.title_key, expand({"province": list(PROVINCES), "lang": ["vi"]}),
                     spec.needs, spec.kind, spec.titles, spec.data)
    result = build(processed_dir=national, reports_dir=tmp_path, catalogue=(few,), scheduler=dask_cluster.scheduler_address)
    assert all(r.ok and not r.missing for r in result.reports), [(r.params, r.error, r.missing) for r in result.reports]
    whole = load_clean(national).enterprises
    for code in PROVINCES:
        page = unescape((tmp_path / f"province-overview.vi.{code}.html").read_text(encoding="utf-8"))
        firms = whole[(whole["province_code"] == code) & ~whole["is_branch"]
                      & (whole["status"].isna() | (whole["status"] == "active"))]
        assert firms["province"].iloc[0] in page  # the title names the province
        assert firms["province"].iloc[0] in re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        # The headline counts, as a plain count of the whole clean table gives them.
        assert fmt_int(len(firms), "vi") in page
        assert fmt_int(int(firms["uses_digital_platform"].sum()), "vi") in page
    index = unescape((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert all(f"province-overview.vi.{code}.html" in index for code in PROVINCES)
    assert "Chuyển đổi số doanh nghiệp (Thành phố Hà Nội): tổng quan cấp tỉnh" in index


def _operating(enterprises: pd.DataFrame) -> pd.DataFrame:
    return enterprises[~enterprises["is_branch"] & (enterprises["status"].isna() | (enterprises["status"] == "active"))]


def test_the_overview_of_the_whole_country_compares_binh_duong_alone(national, tmp_path):
    """On national data the overview is titled for the country, its finding on district
    units names Bình Dương's, and its comparison with Bình Dương's published figures counts
    Bình Dương's firms alone, and says so."""
    spec = find_spec("adoption-overview")
    one = ReportSpec(spec.name, spec.notebook, spec.title_key, ({"lang": "en", "map": "2023"},), spec.needs, spec.kind)
    result = build(processed_dir=national, reports_dir=tmp_path, catalogue=(one,))
    assert result.reports[0].ok, result.reports[0].error
    page = unescape(result.reports[0].html.read_text(encoding="utf-8"))
    assert re.search(r"<title>(.*?)</title>", page, re.S).group(1) == "Enterprise digital adoption in Viet Nam (63 provinces): overview"
    whole = _operating(load_clean(national).enterprises)
    in_binh_duong = int((whole["province_code"] == "74").sum())
    assert 0 < in_binh_duong < len(whole)
    assert "Among Bình Dương's district units (the only province with district detail)" in page
    compared = page[page.index("Compared with the published figures"):]
    assert "Bình Dương's enterprises in these data only" in compared[:3000]
    row = re.search(r"<td[^>]*>Enterprises</td>\s*<td[^>]*>([\d,]+)</td>\s*<td[^>]*>65,000</td>", compared)
    assert row and int(row.group(1).replace(",", "")) == in_binh_duong


def test_a_province_report_is_not_built_on_one_province_data(small_processed, tmp_path):
    spec = find_spec("province-overview")
    few = ReportSpec(spec.name, spec.notebook, spec.title_key, ({"province": "74", "lang": "vi"},), spec.needs)
    result = build(processed_dir=small_processed, reports_dir=tmp_path, catalogue=(few,))
    assert result.reports[0].missing == ("national",)
    assert "adoption clean --scope national" in result.reports[0].unavailable("en")


def test_the_overview_of_a_province_without_platform_records(tmp_path):
    """In the smallest national register many provinces have a firm or two and no platform
    record: the overview is built, says that no firm has a dated platform record, and counts
    its firms as a plain count of the clean table does."""
    raw, out = tmp_path / "raw", tmp_path / "processed"
    write_synthetic(raw, firms=1000, scope="national")
    clean_in_parts(raw, out, scope="national", chunk_rows=5_000)
    data = load_clean(out)
    firms = _operating(data.enterprises)
    counts = firms.groupby("province_code", observed=True).size()
    recorded = set(data.platforms.merge(data.enterprises[["tax_code", "province_code"]], on="tax_code")["province_code"])
    code = next(str(c) for c in counts.index if str(c) not in recorded)
    spec = find_spec("province-overview")
    one = ReportSpec(spec.name, spec.notebook, spec.title_key, ({"province": code, "lang": "en"},), spec.needs)
    result = build(processed_dir=out, reports_dir=tmp_path / "reports", catalogue=(one,))
    assert result.reports[0].ok, result.reports[0].error
    page = unescape(result.reports[0].html.read_text(encoding="utf-8"))
    assert "No enterprise in scope has a platform record with a start date." in page
    assert firms.loc[firms["province_code"] == code, "province"].iloc[0] in page
