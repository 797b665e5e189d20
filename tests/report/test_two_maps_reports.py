"""A register written since 1 July 2025: one district's file names the 2025 units of Ho
Chi Minh City and has no district column, so firms of units that span two former
districts have no district. The reports build, count those firms in the province, and
say how many firms' district is unknown. Expected values are counted with plain pandas
from the clean tables and the crosswalk."""

import shutil

import pandas as pd
import pytest

from adoption.clean import vocab
from adoption.clean.pipeline import clean_folder
from adoption.clean.read import read_raw
from adoption.core import config
from adoption.core.io import data_files
from adoption.report import catalogue
from adoption.report.build import build
from adoption.report.formats import fmt_int
from htmltables import table_with

FILE_2025 = "723"  # Tân Uyên: most of its communes went to units shared with Bắc Tân Uyên or Thủ Dầu Một
UNIT = "Phuong Tan Uyen"  # 25888, made of communes of two former districts (723 and 726), written without diacritics


@pytest.fixture(scope="module")
def two_maps(small_raw, small_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("two_maps_reports")
    raw = root / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copytree(small_raw / "platforms", raw / "platforms")
    crosswalk = pd.read_csv(config.REFERENCE_DIR / "binhduong_2025_crosswalk.csv", dtype=str)
    whole = crosswalk[crosswalk["is_split"] == "no"].set_index("old_commune_code")["new_unit_name"]
    clean = small_data.enterprises
    for path in data_files(small_raw / "register"):
        if FILE_2025 not in path.stem:
            shutil.copy(path, raw / "register" / path.name)
            continue
        frame = read_raw(path, vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED).frame
        mine = clean[clean["source_file"] == path.name].set_index("source_row")["commune_code"]
        old = frame["source_row"].map(mine)
        frame["commune"] = old.map(whole).fillna("")  # the 2025 unit where the commune went whole
        columns = {"tax_code": "Mã số thuế", "name": "Tên doanh nghiệp", "commune": "Phường/Xã", "vsic": "Mã ngành",
                   "status": "Tình trạng hoạt động"}
        frame[list(columns)].rename(columns=columns).to_csv(raw / "register" / f"{path.stem}.csv", index=False)
    result = clean_folder(raw, root / "processed")
    specs = (catalogue.ReportSpec("adoption-overview", "01-adoption-overview.ipynb", "report_title",
                                  ({"lang": "en"}, {"lang": "en", "map": "2025"}), needs=("platforms",)),
             catalogue.ReportSpec("ict-sector", "03-ict-sector.ipynb", "ict_title", ({"lang": "en"}, {"lang": "en", "map": "2025"})),
             catalogue.ReportSpec("district-profile", "06-district-profile.ipynb", "district_title",
                                  ({"district": "723", "lang": "en"}, {"district": UNIT, "lang": "en", "map": "2025"}),
                                  needs=("platforms",), kind="district"))
    built = build(processed_dir=root / "processed", reports_dir=root / "reports", catalogue=specs)
    return result, built


def test_units_across_two_districts_leave_the_district_unknown(two_maps):
    result, _ = two_maps
    firms = result.enterprises
    from_2025 = firms[firms["source_file"].str.contains(FILE_2025)]
    assert (from_2025["geo_source"] == "new_units").all()
    # Phường Tân Uyên (25888) took communes of 723 and 726: no district; Phường Tân Hiệp (25920) only 723's.
    assert from_2025.loc[from_2025["commune2025_code"] == "25888", "district_code"].isna().all()
    assert (from_2025.loc[from_2025["commune2025_code"] == "25920", "district_code"] == "723").all()
    assert from_2025["district_code"].isna().sum() > 0
    info = result.quality["files"][f"register/{next(n for n in from_2025['source_file'].unique())}"]
    assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"]


@pytest.mark.slow
def test_reports_build_and_say_how_many_districts_are_known(two_maps):
    result, built = two_maps
    assert all(r.ok for r in built.reports), [r.error for r in built.reports]
    firms = result.enterprises
    heads = firms[~firms["tax_code"].str.contains("-") & (firms["status"].astype(str) == "active").to_numpy()]
    known = int(heads["district_code"].notna().sum())
    html = _page(built, "adoption-overview", "2023")
    assert f"District unit: known for {fmt_int(known, 'en')} of {fmt_int(len(heads), 'en')} firms" in html
    # The headline counts every firm of the province, its district known or not.
    values = dict(table_with(html, ["Figure", "Value"]))
    assert values["Enterprises"] == fmt_int(len(heads), "en")


def _page(built, name, map_):
    report = next(r for r in built.reports if r.spec.name == name and r.params.get("map", "2023") == map_)
    assert report.ok, report.error
    return report.html.read_text(encoding="utf-8")


def _heads(result):
    firms = result.enterprises
    return firms[~firms["tax_code"].str.contains("-") & (firms["status"].astype(str) == "active").to_numpy()]


@pytest.mark.slow
def test_the_overview_on_the_2025_map_counts_each_unit_and_the_unassignable(two_maps):
    result, built = two_maps
    heads = _heads(result)
    html = _page(built, "adoption-overview", "2025")
    assert "Map: since 1 July 2025" in html and "Former Bình Dương province (Ho Chi Minh City)" in html
    rows = table_with(html, ["Ward or commune (since 1 July 2025)", "Enterprises", "Enterprises using digital platforms",
                             "Digital-platform adoption rate", "Share of enterprises"])
    shown = {name: firms for name, firms, *_ in rows}
    # Counted here from the clean columns and the reference names, not through the library's grouping.
    names = pd.read_csv(config.REFERENCE_DIR / "binhduong_2025_crosswalk.csv", dtype=str).drop_duplicates("new_unit_code") \
        .set_index("new_unit_code")["new_unit_name"]
    located = heads[heads["commune2025_code"].notna()]
    counts = located["commune2025_code"].astype(str).value_counts()
    for code, count in counts.items():  # a count is shown as it is, or hidden (x): under 3, or to protect another
        assert shown[names[code]] in (fmt_int(count, "en"), "x"), code
        assert count >= 3 or shown[names[code]] == "x", code
    assert sum(shown[names[code]] != "x" for code in counts.index) > len(counts) / 2
    undecided = int((heads["commune2025_code"].isna() & heads["commune2025_candidates"].notna()).sum())
    assert undecided > 0  # old-scheme files name communes split in 2025
    [row] = [r for r in rows if r[0].startswith("Not assignable")]
    assert row[1] == fmt_int(undecided, "en")
    assert len(rows) == located["commune2025_code"].nunique() + 1
    # The 2023 map's overview of the same data has a table by district unit instead.
    assert "Ward or commune (since 1 July 2025)" not in _page(built, "adoption-overview", "2023")


@pytest.mark.slow
def test_the_ict_report_on_the_2025_map_is_by_unit(two_maps):
    _, built = two_maps
    html = _page(built, "ict-sector", "2025")
    assert "Electronics-IT-digital group by ward or commune (the map since 1 July 2025)" in html
    assert "Electronics-IT-digital group by district unit" in _page(built, "ict-sector", "2023")


@pytest.mark.slow
def test_a_unit_profile_on_the_2025_map_ranks_among_the_units(two_maps):
    result, built = two_maps
    heads = _heads(result)
    html = _page(built, "district-profile", "2025")
    assert "<strong>Phường Tân Uyên</strong>" in html
    counts = heads["commune2025_code"].dropna().astype(str).value_counts()
    mine = int(counts["25888"])
    rank = int((counts > mine).sum()) + 1
    rows = {r[0]: r for r in table_with(html, ["Measure", "Phường Tân Uyên", "Former Bình Dương province (Ho Chi Minh City)",
                                               "Share of the area", "Rank among the wards and communes"])}
    assert rows["Enterprises"][1] == fmt_int(mine, "en")
    assert rows["Enterprises"][2] == fmt_int(len(heads), "en")
    assert rows["Enterprises"][4].endswith(f"/ {len(counts)}") and rows["Enterprises"][4].startswith(str(rank))
    # Its parts are the former communes its firms were registered in, on the map before July 2025.
    assert "Digital-platform adoption by former commune (the map before 1 July 2025)" in html
