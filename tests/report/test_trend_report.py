"""A series of two extracts through the real build: each extract's reports in a folder of
its own, the trend report on both maps, one index for all. The later extract is the small
register without the file of one district unit, so every head office of that unit left."""

import html
import re
import shutil

import pytest

from adoption.clean.pipeline import clean_folder
from adoption.core import reference
from adoption.report import build as report_build
from adoption.report import catalogue
from htmltables import table_with

pytestmark = pytest.mark.slow

DROPPED = "726"  # the district unit whose register file the later extract lacks


@pytest.fixture(scope="module")
def series(small_raw, tmp_path_factory):
    root = tmp_path_factory.mktemp("series")
    later = shutil.copytree(small_raw, tmp_path_factory.mktemp("raw-later") / "raw")
    [dropped] = [p for p in (later / "register").iterdir() if DROPPED in p.name]
    dropped.unlink()
    first = clean_folder(small_raw, root / "2023-09-30")
    clean_folder(later, root / "2024-12-31")
    return root, first.enterprises


@pytest.fixture(scope="module")
def built(series, tmp_path_factory):
    root, _ = series
    specs = tuple(spec for spec in catalogue.default_catalogue() if spec.name in ("trend", "ict-sector"))
    return report_build.build(processed_dir=root, reports_dir=tmp_path_factory.mktemp("reports"), catalogue=specs)


def test_each_extract_has_its_reports_and_the_index_lists_them_all(built):
    assert not built.failed
    names = sorted(r.html.relative_to(built.index.parent).as_posix() for r in built.reports)
    assert names == ["2023-09-30/ict-sector.en.html", "2023-09-30/ict-sector.vi.html",
                     "2024-12-31/ict-sector.en.html", "2024-12-31/ict-sector.vi.html",
                     "trend.en.2023.html", "trend.en.2025.html", "trend.vi.2023.html", "trend.vi.2025.html"]
    index = built.index.read_text(encoding="utf-8")
    assert all(f'href="{name}"' in index for name in names)
    assert "Extract: 2024-12-31" in index and "Across extracts" in index


def test_the_trend_counts_the_firms_that_left(built, series):
    _, before = series
    heads = before[~before["is_branch"]]
    left = heads[heads["district_code"] == DROPPED]
    page = next(r for r in built.reports if r.html.name == "trend.en.2023.html").html.read_text(encoding="utf-8")
    [row] = table_with(page, ["Between", "Entered", "Left", "Closed", "Status changed", "Moved", "Activity changed",
                              "Started using a platform", "Move unknown"])
    assert row[:3] == ["2023-09-30 → 2024-12-31", "0", f"{len(left):,}"]
    by_unit = {r[0]: r for r in table_with(page, ["District unit (the 2023 map)", "Entered", "Left", "Closed", "Status changed",
                                                  "Moved", "Activity changed", "Started using a platform"])}
    name = reference.districts().set_index("district_code").loc[DROPPED, "district"]
    assert by_unit[name][2] == f"{len(left):,}"
    assert "SYNTHETIC DATA" in page
    findings = html.unescape(re.search(r'adoption-key-findings.*?</ul>', page, re.S).group(0))
    assert f"{len(left):,} left it" in findings


def test_on_the_2025_map_the_units_are_those_of_ho_chi_minh_city(built):
    page = next(r for r in built.reports if r.html.name == "trend.vi.2025.html").html.read_text(encoding="utf-8")
    units = [r[0] for r in table_with(page, ["Xã, phường (bản đồ từ 01/7/2025)", "2023-09-30", "2024-12-31"])]
    assert "Phường Thủ Dầu Một" in units and "Phường Dĩ An" in units
    assert not any(u.startswith("Huyện") for u in units)


def test_a_build_of_some_reports_keeps_the_others_in_the_index_of_them_all(built, series, tmp_path):
    """`--only` a report across the extracts, or one of those built for each: the others,
    left as they were, stay listed in the index of the whole series."""
    root, _ = series
    reports = shutil.copytree(built.index.parent, tmp_path / "reports")
    names = ("trend", "ict-sector", "province-benchmark")
    specs = tuple(spec for spec in catalogue.default_catalogue() if spec.name in names)

    def build(only):
        result = report_build.build(processed_dir=root, reports_dir=reports, catalogue=specs, only=only)
        assert not result.failed and [r.spec.name for r in result.reports] == only * 4  # two languages, two maps or extracts
        return result.index.read_text(encoding="utf-8")

    index = build(["trend"])  # up to date: nothing runs
    for name in ("2023-09-30/ict-sector.en.html", "2024-12-31/ict-sector.vi.html", "trend.en.2023.html"):
        assert f'href="{name}"' in index, name
    build(["province-benchmark"])  # a second report of each extract
    index = build(["ict-sector"])
    for name in ("2023-09-30/province-benchmark.en.html", "2024-12-31/province-benchmark.vi.html",
                 "2024-12-31/ict-sector.en.html", "trend.vi.2025.html"):
        assert f'href="{name}"' in index, name
