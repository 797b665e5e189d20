"""A national register: cleaned in parts by province, each province's overview built on a
Dask cluster's workers, its figures those a plain count of the clean table gives."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from adoption.clean.engine import clean_in_parts
from adoption.clean.pipeline import clean_folder
from adoption.core.io import load_clean
from adoption.report.build import build
from adoption.report.catalogue import ReportSpec, expand, find_spec
from adoption.report.formats import fmt_int
from adoption.report.record import record_path
from adoption.report.uptodate import current_grid
from adoption.synth import write_synthetic

PROVINCES = ("01", "74", "96")  # Hà Nội, Bình Dương (with its districts), Cà Mau


@pytest.fixture(scope="module")
def national_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("national_raw")
    write_synthetic(raw, firms=6_000, scope="national")
    return raw


@pytest.fixture(scope="module")
def national(national_raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("national_processed")
    clean_in_parts(national_raw, out, scope="national", chunk_rows=5_000)
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


def test_a_province_page_hides_what_the_table_of_every_province_hides(national, tmp_path):
    """The national summary's table of every province hides some provinces' adopters as
    secondary cells, to protect a small province's. A province's own page must hide them
    too, or the two pages together give the small province's adopters away: its headline
    shows x, no bar chart draws its rate as a reference line, and its tables' adopters do
    not add up to its own (some group's adopters are hidden)."""
    from adoption.metrics.adoption import adoption_by
    from adoption.metrics.disclosure import part_hidden
    from htmltables import table_with

    whole = _operating(load_clean(national).enterprises)
    every = adoption_by(whole, "province", protected=True)  # what the national summary shows
    counts = whole.groupby("province_code")["uses_digital_platform"].agg(["size", "sum"])
    secondary = [code for code in every.loc[every["adopters"].isna(), "province_code"]
                 if counts.loc[code, "size"] >= 3 and not part_hidden(int(counts.loc[code, "sum"]), int(counts.loc[code, "size"]))]
    assert secondary, "these data hide no province's adopters as a secondary cell"
    code = secondary[0]
    from adoption.metrics.areas import province_links

    assert province_links(national, code)[:2] == ["adopters", "adoption_rate"]  # computed, then kept
    assert province_links(national, code)[:2] == ["adopters", "adoption_rate"]  # read back
    spec = find_spec("province-overview")
    one = ReportSpec(spec.name, spec.notebook, spec.title_key, ({"province": code, "lang": "en"},), spec.needs, spec.kind)
    result = build(processed_dir=national, reports_dir=tmp_path, catalogue=(one,))
    assert result.reports[0].ok and not result.reports[0].missing, result.reports[0].error
    page = unescape(result.reports[0].html.read_text(encoding="utf-8"))
    headline = dict(table_with(page, ["Figure", "Value"]))
    assert headline["Enterprises"] == fmt_int(int(counts.loc[code, "size"]), "en")
    assert headline["Enterprises using digital platforms"] == "x" and headline["Digital-platform adoption rate"] == "x"
    rate = counts.loc[code, "sum"] / counts.loc[code, "size"] * 100
    assert f"{rate:.1f}%" not in page
    for dimension in ("Size", "Ownership"):
        rows = table_with(page, [dimension, "Enterprises", "Enterprises using digital platforms",
                                 "Digital-platform adoption rate", "Share of enterprises"])
        low, high = _adopters_range(rows, int(counts.loc[code, "size"]))
        assert high - low >= 3, (dimension, rows, low, high)


def _adopters_range(rows: list[list[str]], firms: int) -> tuple[float, float]:
    """The least and most adopters a table's rows allow in all (an attacker's linear
    programme): each row's firms f (shown, or at least 1) and adopters a (shown, or 0 to f),
    the firms adding up to the headline's."""
    from scipy.optimize import linprog

    number = lambda text: None if text == "x" else int(text.replace(",", ""))  # noqa: E731
    cells = [(number(row[1]), number(row[2])) for row in rows]
    names = [(at, part) for at, (f, a) in enumerate(cells) for part, value in (("f", f), ("a", a)) if value is None]
    index = {name: k for k, name in enumerate(names)}

    def term(at, part):
        row = [0.0] * len(names)
        if (at, part) in index:
            row[index[(at, part)]] = 1.0
            return row, 0.0
        return row, float(cells[at][0 if part == "f" else 1])

    a_ub, b_ub, firms_row, known = [], [], [0.0] * len(names), 0.0
    for at in range(len(cells)):
        (fa, fk), (aa, ak) = term(at, "f"), term(at, "a")
        a_ub.append([x - y for x, y in zip(aa, fa)])  # a <= f
        b_ub.append(fk - ak)
        firms_row, known = [x + y for x, y in zip(firms_row, fa)], known + fk
    bounds = [(1 if part == "f" else 0, None) for _, part in names]
    goal = [0.0] * len(names)
    shown = 0.0
    for at in range(len(cells)):
        row, constant = term(at, "a")
        goal, shown = [x + y for x, y in zip(goal, row)], shown + constant
    ends = [linprog([sign * g for g in goal], A_ub=a_ub or None, b_ub=b_ub or None, A_eq=[firms_row], b_eq=[firms - known],
                    bounds=bounds, method="highs") for sign in (1, -1)]
    return shown + ends[0].fun, shown - ends[1].fun


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


def test_a_province_of_few_firms_or_no_platform_record(tmp_path):
    """In the smallest national register many provinces have one firm: their overview is not
    made (its tables' rows would be that firm's profile), the build says so and does not
    fail. A province of many firms without a platform record (its file taken out) is built,
    says that no firm has a dated platform record, and counts its firms as a plain count of
    the clean table does."""
    raw, out = tmp_path / "raw", tmp_path / "processed"
    write_synthetic(raw, firms=1000, scope="national")
    (raw / "platforms" / "synthetic_platforms_province_01.csv").unlink()
    clean_in_parts(raw, out, scope="national", chunk_rows=5_000)
    data = load_clean(out)
    firms = _operating(data.enterprises)
    counts = firms.groupby("province_code", observed=True).size()
    assert counts["01"] >= 3
    alone = next(str(c) for c, n in counts.items() if n == 1)
    spec = find_spec("province-overview")
    two = ReportSpec(spec.name, spec.notebook, spec.title_key, expand({"province": ["01", alone], "lang": ["en"]}), spec.needs)
    reports = tmp_path / "reports"
    (reports / f"province-overview.en.{alone}.html").parent.mkdir(parents=True)
    (reports / f"province-overview.en.{alone}.html").write_text("an earlier build, of more firms")
    result = build(processed_dir=out, reports_dir=reports, catalogue=(two,))
    assert not result.failed, [r.error for r in result.failed]
    many, few = result.reports
    assert many.ok and not many.missing, many.error
    page = unescape(many.html.read_text(encoding="utf-8"))
    assert "No enterprise in scope has a platform record with a start date." in page
    assert firms.loc[firms["province_code"] == "01", "province"].iloc[0] in page
    assert fmt_int(int(counts["01"]), "en") in page
    assert few.missing == ("firms",) and not few.html.exists()
    assert "too few enterprises to report on alone: their number is hidden (x)" in few.unavailable("en")
    index = unescape((reports / "index.html").read_text(encoding="utf-8"))
    assert "too few enterprises to report on alone: their number is hidden (x)" in index
    # Recorded, the report of too few firms is not run again by the next build of the same
    # data and code, and a build with nothing to do is answered without a kernel.
    assert json.loads(record_path(few.html).read_text(encoding="utf-8"))["status"] == "too_few"
    again = build(processed_dir=out, reports_dir=reports, catalogue=(two,))
    assert [r.skipped for r in again.reports] == [True, False] and again.reports[1].missing == ("firms",)
    assert not few.html.exists()
    nothing = current_grid(processed_dir=out, reports_dir=reports, catalogue=(two,))
    assert nothing is not None and nothing.reports[1].missing == ("firms",)
    # A build of another report alone keeps listing it in the index, as not built.
    other = ReportSpec("national-summary", "09-national-summary.ipynb", "national_title", ({"lang": "en"},), ("platforms", "national"))
    build(processed_dir=out, reports_dir=reports, catalogue=(two, other), only=["national-summary"])
    index = unescape((reports / "index.html").read_text(encoding="utf-8"))
    assert "too few enterprises to report on alone: their number is hidden (x)" in index


def test_reports_on_one_province_scope(national_raw, tmp_path):
    """Clean data of Hà Nội alone: the reports that need Bình Dương's places (its districts,
    the 2025 map, its parks' training records, its survey's strata) are not built and say
    why; Bình Dương's park records are rejected as outside the scope; the ICT report names
    Hà Nội and counts its firms; the overview compares nothing with Bình Dương's figures."""
    out = tmp_path / "processed"
    result = clean_folder(national_raw, out, scope="01")
    workforce = result.rejects[result.rejects["table"] == "workforce"]
    assert len(workforce) and set(workforce["reason_code"]) == {"outside_scope"}
    assert "outside the scope (Thành phố Hà Nội)" in workforce["reason"].iloc[0]
    names = ("adoption-overview", "ict-sector", "workforce-training", "district-profile", "digital-intensity")
    catalogue = tuple(find_spec(name) for name in names)
    built = build(processed_dir=out, reports_dir=tmp_path / "reports", catalogue=catalogue)
    assert not built.failed, [(r.params, r.error) for r in built.failed]
    outcome = {(r.spec.name, r.params.get("map"), r.params.get("district"), r.params["lang"]): r for r in built.reports}
    for (name, map_, _, _), report in outcome.items():
        expected = ("districts",) if name in names[2:] or map_ == "2025" else ()
        assert report.missing[:1] == expected, (name, map_, report.missing)
    assert "Bình Dương" in outcome[("district-profile", None, "718", "en")].unavailable("en")
    firms = _operating(result.enterprises)
    ict = unescape(outcome[("ict-sector", None, None, "en")].html.read_text(encoding="utf-8"))
    assert "<strong>Thành phố Hà Nội</strong>" in ict and "Bình Dương province" not in ict
    digital = firms[firms["is_digital_tech"]]
    assert len(digital) >= 3
    assert re.search(rf"<td[^>]*>Electronics, IT and digital technology</td>\s*<td[^>]*>{fmt_int(len(digital), 'en')}</td>", ict)
    overview = unescape(outcome[("adoption-overview", "2023", None, "en")].html.read_text(encoding="utf-8"))
    assert "Not compared: the published figures are Bình Dương's" in overview
    assert "65,000" not in overview
    # No heading is left over a chart of districts these data cannot draw: it says why.
    from htmltables import empty_sections

    for report in built.reports:
        if report.html is not None and report.html.exists():
            assert empty_sections(report.html.read_text(encoding="utf-8")) == [], report.html.name
    assert "Not shown: no firm has both a known district unit and a known size." in overview


def test_binh_duong_reports_on_national_data_count_binh_duong(national, tmp_path):
    """On national data a district profile sets its unit beside Bình Dương (not the country),
    and the park workforce report counts Bình Dương's firms in parks."""
    catalogue = (ReportSpec("district-profile", "06-district-profile.ipynb", "district_title",
                            ({"district": "718", "lang": "en"},), ("districts", "platforms"), "district"),
                 ReportSpec("workforce-training", "04-workforce-training.ipynb", "workforce_title",
                            ({"lang": "en"},), ("districts", "workforce")))
    result = build(processed_dir=national, reports_dir=tmp_path, catalogue=catalogue)
    assert not result.failed, [r.error for r in result.failed]
    firms = _operating(load_clean(national).enterprises)
    ours = firms[firms["province_code"] == "74"]
    assert len(ours) < len(firms)
    profile = unescape(result.reports[0].html.read_text(encoding="utf-8"))
    row = re.search(r"<td[^>]*>Enterprises</td>\s*<td[^>]*>([\d,]+)</td>\s*<td[^>]*>([\d,]+)</td>", profile)
    assert row and row.group(1) == fmt_int(int((ours["district_code"] == "718").sum()), "en")
    assert row.group(2) == fmt_int(len(ours), "en")
    training = unescape(result.reports[1].html.read_text(encoding="utf-8"))
    in_parks = ours[ours["in_industrial_park"].fillna(False).astype(bool)]
    assert f"employees of the {fmt_int(len(in_parks), 'en')} enterprises in industrial parks" in training


def test_the_provinces_compared_on_national_data(national, tmp_path):
    """The national summary: each province's firms and adopters as a plain count of the
    clean table gives them, provinces of 1 or 2 firms hidden, and the key finding on the
    provinces above the national rate recounted from the table the page shows."""
    from htmltables import table_with

    spec = find_spec("national-summary")
    one = ReportSpec(spec.name, spec.notebook, spec.title_key, ({"lang": "en"},), spec.needs, spec.kind)
    result = build(processed_dir=national, reports_dir=tmp_path, catalogue=(one,))
    assert result.reports[0].ok and not result.reports[0].missing, result.reports[0].error
    page = unescape(result.reports[0].html.read_text(encoding="utf-8"))
    assert re.search(r"<title>(.*?)</title>", page, re.S).group(1) == \
        "Enterprise digital adoption in Viet Nam (63 provinces): the provinces compared"
    firms = _operating(load_clean(national).enterprises)
    counts = firms.groupby("province", observed=True)["uses_digital_platform"].agg(["size", "sum"])
    rows = table_with(page, ["Province", "Enterprises", "Enterprises using digital platforms",
                             "Digital-platform adoption rate", "Share of enterprises"])
    shown = {}
    for name, n, adopters, *_ in rows:
        if name == "Total" or n == "x":
            assert n == "x" or name == "Total"
            continue
        assert int(n.replace(",", "")) == counts.loc[name, "size"], name
        if adopters != "x":
            assert int(adopters.replace(",", "")) == counts.loc[name, "sum"], name
            shown[name] = counts.loc[name, "sum"] / counts.loc[name, "size"]
    assert len(shown) > 20
    small = counts[counts["size"] < 3].index
    assert not set(small) & set(shown)  # none at this size; a province of 1 or 2 firms is never shown
    rate = firms["uses_digital_platform"].mean()
    above = sum(value > rate for value in shown.values())
    assert f"{above} of the {len(shown)} provinces shown are above the national rate ({rate * 100:.1f}%)." in page
    assert "Adoption rate by province and size" in page  # the heatmap's alt text names its rows
    # Of 6,000 firms in 63 provinces, most provinces have a group under 3 by size; the cells
    # hidden for them stay in their own rows and columns, and the large provinces' show
    # (every cell was hidden while secondaries were the smallest cells anywhere).
    alt = re.search(r'alt="(Adoption rate by province and size[^"]*)"', page).group(1)
    assert "Not shown" not in alt and "Highest:" in alt, alt


def test_another_scope_rebuilds_the_reports_and_removes_those_it_does_not_make(national_raw, tmp_path):
    """The same raw files cleaned for another scope are other data: the ICT report is built
    again (not kept as up to date) and names the new area; a district profile these data
    cannot make does not stay behind from the national build."""
    out, reports = tmp_path / "processed", tmp_path / "reports"
    catalogue = (ReportSpec("ict-sector", "03-ict-sector.ipynb", "ict_title", ({"lang": "en"},)),
                 ReportSpec("district-profile", "06-district-profile.ipynb", "district_title",
                            ({"district": "718", "lang": "en"},), ("districts", "platforms"), "district"))
    clean_folder(national_raw, out, scope="national")
    first = build(processed_dir=out, reports_dir=reports, catalogue=catalogue)
    assert all(r.ok and not r.missing for r in first.reports), [r.error for r in first.reports]
    assert "Viet Nam (63 provinces)" in unescape(first.reports[0].html.read_text(encoding="utf-8"))
    clean_folder(national_raw, out, scope="01")
    ict, profile = build(processed_dir=out, reports_dir=reports, catalogue=catalogue).reports
    assert ict.ok and not ict.skipped
    page = unescape(ict.html.read_text(encoding="utf-8"))
    assert "<strong>Thành phố Hà Nội</strong>" in page and "Viet Nam (63 provinces)" not in page
    assert "The ICT sector and the electronics-IT-digital group in Thành phố Hà Nội" in page
    assert profile.missing == ("districts",) and not profile.html.exists()
