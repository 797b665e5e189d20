"""Every report notebook through papermill on the small register, and the exported HTML.

The small register (3,000 firms) is the default generator scaled down, so its figures
differ from the published ones: a report that showed a published figure where a computed
one belongs would fail here. Expected values are counted from the clean tables with plain
pandas, or worked by hand.
"""

import json
import html
import re
from pathlib import Path

import nbformat
import pytest

from adoption.core import config, reference
from adoption.core.errors import ParameterError
from adoption.report import build as report_build
from adoption.report import cache, catalogue
from adoption.metrics.adoption import adoption_by
from adoption.report.formats import fmt_int, fmt_pct
import htmltables
from htmltables import table_with

REPORTS = ["adoption-overview", "digital-intensity", "ict-sector", "workforce-training"]


def _html(built, lang, name="adoption-overview", map_="2023"):
    [page] = [r for r in built.reports if r.params["lang"] == lang and r.spec.name == name and r.params.get("map", "2023") == map_]
    assert page.ok, page.error
    return page.html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def firms(small_data):
    """Active head offices, selected with plain pandas (not the library's in_scope)."""
    enterprises = small_data.enterprises
    return enterprises[(enterprises["status"].astype(str) == "active") & ~enterprises["tax_code"].str.contains("-")]


def _written(built):
    """The reports the build wrote: the trend report needs a series of extracts, and the
    small register is one extract (the series: test_trend.py)."""
    return [r for r in built.reports if not r.missing]


def test_every_report_of_the_grid_built(built):
    assert all(r.ok for r in built.reports), [r.error for r in built.reports]
    names = REPORTS + ["province-benchmark"]  # the benchmark has no register data: tested in test_benchmark.py
    profiles = [f"district-profile.{code}" for code in ("718", "719", "720", "721", "722", "723", "724", "725", "726")]
    overview = [f"adoption-overview.{lang}.{map_}.html" for lang in ("vi", "en") for map_ in ("2023", "2025")]
    assert sorted(r.html.name for r in _written(built)) == sorted(overview + [
        f"{n}.{lang}.html" for n in names[1:] + profiles for lang in ("vi", "en")])  # profiles: test_district.py
    # The province reports need national clean data (test_province_reports.py), the trend report a series.
    provinces = list(reference.gso_provinces()["gso_code"])
    assert len(provinces) == 63
    assert sorted((r.html.name, r.missing) for r in built.reports if r.missing) == sorted(
        [(f"province-overview.{lang}.{code}.html", ("national",)) for lang in ("en", "vi") for code in provinces]
        + [(f"national-summary.{lang}.html", ("national",)) for lang in ("en", "vi")]
        + [(f"trend.{lang}.{map_}.html", ("series",)) for lang in ("en", "vi") for map_ in ("2023", "2025")])


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_report_has_banner_no_code_and_embedded_charts(built, name, lang):
    html = _html(built, lang, name)
    assert ("DỮ LIỆU TỔNG HỢP" if lang == "vi" else "SYNTHETIC DATA") in html
    assert "import adoption" not in html and 'class="jp-InputArea' not in html
    assert "<script src=" not in html
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'<img[^>]+src="([^"]{0,40})', html))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_comparison_shows_computed_beside_published(built, firms, lang):
    # The published figures are those of the product brief (newspaper of 5 Oct 2023).
    computed = {"enterprises": len(firms), "adopters": int(firms["uses_digital_platform"].sum()),
                "digital_tech_firms": int(firms["is_digital_tech"].sum()),
                "digital_tech_workers": int(firms.loc[firms["is_digital_tech"], "employees"].sum())}
    published = {"enterprises": 65_000, "adopters": 45_000, "digital_tech_firms": 1_300, "digital_tech_workers": 55_720}
    header = {"vi": ["Chỉ tiêu", "Tính từ dữ liệu", "Đã công bố", "Chênh lệch", "Nguồn"],
              "en": ["Figure", "Computed from data", "Published", "Difference", "Source"]}[lang]
    rows = table_with(_html(built, lang), header)
    names = {"vi": ["Doanh nghiệp", "Doanh nghiệp sử dụng nền tảng số"], "en": ["Enterprises", "Enterprises using digital platforms"]}[lang]
    for key, name in zip(["enterprises", "adopters"], names):
        [row] = [r for r in rows if r[0] == name]
        difference = computed[key] - published[key]
        assert row[1:4] == [fmt_int(computed[key], lang), fmt_int(published[key], lang),
                            f"{fmt_int(difference, lang)} ({fmt_pct(difference / published[key], lang)})"]
    assert computed["enterprises"] == 3_000 != published["enterprises"]
    fdi = {"vi": "Dự án FDI (số dự án, không phải số doanh nghiệp)", "en": "FDI projects (a count of projects, not of enterprises)"}[lang]
    [row] = [r for r in rows if r[0] == fdi]
    assert row[1:3] == ["–", fmt_int(4_200, lang)] and row[3].startswith({"vi": "không so sánh được", "en": "not comparable"}[lang])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_headline_table_counts_the_clean_register(built, firms, lang):
    header = {"vi": ["Chỉ tiêu", "Giá trị"], "en": ["Figure", "Value"]}[lang]
    values = dict(table_with(_html(built, lang), header))
    parks = firms[firms["industrial_park"].notna()]
    expected = {
        {"vi": "Doanh nghiệp", "en": "Enterprises"}[lang]: fmt_int(len(firms), lang),
        {"vi": "Lao động trong khu công nghiệp (sổ đăng ký: lao động của các doanh nghiệp trong KCN)",
         "en": "Workers in industrial parks (register: employees of the firms in parks)"}[lang]: fmt_int(parks["employees"].sum(), lang),
        {"vi": "Số khu công nghiệp có doanh nghiệp", "en": "Industrial parks with enterprises"}[lang]: fmt_int(parks["industrial_park"].nunique(), lang),
        {"vi": "Tỷ lệ sử dụng nền tảng số", "en": "Digital-platform adoption rate"}[lang]: fmt_pct(firms["uses_digital_platform"].mean(), lang),
    }
    for name, value in expected.items():
        assert values[name] == value, name


def test_vietnamese_number_format(built, firms):
    html = _html(built, "vi")
    assert ">3.000<" in html and ">65.000<" in html
    rate = firms["uses_digital_platform"].mean()
    assert f"{rate * 100:.1f}%".replace(".", ",") in html


def test_district_table_matches_a_crosstab(built, firms):
    rows = table_with(_html(built, "en"), ["District unit", "Enterprises", "Enterprises using digital platforms",
                                           "Digital-platform adoption rate", "Share of enterprises"])
    counts = firms.groupby("district")["uses_digital_platform"].agg(["size", "sum"])
    shown = {row[0]: row for row in rows}
    for district, (size, adopters) in counts.iterrows():
        if shown[district][1] != "x":
            assert shown[district][1:3] == [fmt_int(size, "en"), fmt_int(adopters, "en")], district


@pytest.mark.parametrize("dimension, header", [("ownership", "Ownership"), ("vsic_section", "Sector (VSIC section)")])
def test_no_group_shows_adopters_all_or_none_or_nearly(built, firms, dimension, header):
    """Where a group's adopters or non-adopters number 0, 1 or 2 (counted here with plain
    pandas), its adopters and rate show x; its firms show unless under 3."""
    rows = table_with(_html(built, "en"), [header, "Enterprises", "Enterprises using digital platforms",
                                           "Digital-platform adoption rate", "Share of enterprises"])
    counts = firms.groupby(dimension, observed=True)["uses_digital_platform"].agg(["size", "sum"])
    assert len(rows) == len(counts)
    sensitive = 0
    for row, (size, adopters) in zip(rows, counts.itertuples(index=False)):
        if adopters < 3 or size - adopters < 3:
            sensitive += 1
            assert row[2:4] == ["x", "x"], row
        if row[2] != "x":
            assert row[1:3] == [fmt_int(size, "en"), fmt_int(adopters, "en")]
        assert (row[1] == "x") >= (size < 3)
    assert sensitive  # the small register has such groups: the test is not empty


@pytest.mark.parametrize("name, heading", [("adoption-overview", "by_size_class"), ("ict-sector", "ict_by_size_class")])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_size_tables_say_charter_capital_stands_for_total_capital(built, name, heading, lang):
    from adoption.report.text import label

    html = _html(built, lang, name)
    words = {"vi": ("tổng nguồn vốn", "vốn điều lệ"), "en": ("total capital", "charter capital")}[lang]
    after = html[html.index(label(heading, lang)):]
    assert all(word in after.split("</table>")[1] for word in words)  # in the note under the size table


def test_intensity_report_shows_the_estimates(built, small_data):
    from adoption.metrics import intensity

    html = _html(built, "en", "digital-intensity")
    eu = intensity.compare_eu(small_data.survey).set_index("group")
    assert fmt_pct(eu.loc["sme", "share"], "en") in html
    assert f"{fmt_pct(eu.loc['sme', 'ci_low'], 'en')} – {fmt_pct(eu.loc['sme', 'ci_high'], 'en')}" in html
    assert f">{fmt_pct(eu.loc['sme', 'eu_2023'], 'en')}<" in html


def test_ict_report_counts_the_digital_group(built, firms):
    html = _html(built, "vi", "ict-sector")
    digital = firms[firms["is_digital_tech"]]
    assert f">{fmt_int(len(digital), 'vi')}<" in html and f">{fmt_int(digital['employees'].sum(), 'vi')}<" in html


ICT_COLUMNS = ["Enterprises", "Employees", "Mean employees per firm", "Median employees"]


def _unplaced_row(rows, count):
    [row] = [r for r in rows if r[0] == "Cannot be placed in this classification"]
    assert row[1] == (fmt_int(count, "en") if count >= 3 else "x")


def test_ict_report_names_its_classification_and_counts_firms_it_cannot_place(built, firms):
    html = _html(built, "en", "ict-sector")
    assert "Electronics-IT-digital group by VSIC 2018 class" in html and "Sector tables use VSIC 2018." in html
    digital = firms[firms["is_digital_tech"]]
    rows = table_with(html, ["Sector (VSIC 2018 class)", *ICT_COLUMNS])
    # an extract of 2023 holds VSIC 2018 codes only: every firm placed, no row for the unplaced
    assert not [r for r in rows if r[0] == "Cannot be placed in this classification"]
    assert len(rows) == digital["vsic4"].nunique() and digital["vsic4"].notna().all()


def test_ict_report_by_vsic2025_classes(small_processed, firms, tmp_path):
    spec = catalogue.ReportSpec("ict-sector", "03-ict-sector.ipynb", "ict_title",
                                ({"lang": "en", "classification": "vsic2025"},))
    [report] = report_build.build(processed_dir=small_processed, reports_dir=tmp_path, catalogue=(spec,), jobs_limit=1).reports
    assert report.ok, report.error
    html = report.html.read_text(encoding="utf-8")
    assert "Electronics-IT-digital group by VSIC 2025 class" in html and "Sector tables use VSIC 2025." in html
    digital = firms[firms["is_digital_tech"]]
    rows = table_with(html, ["Sector (VSIC 2025 class)", *ICT_COLUMNS])
    # VSIC 2018 codes that the official conversion splits (6201 into 6211 and 6219) cannot be placed.
    _unplaced_row(rows, digital["vsic2025_4"].isna().sum())
    assert any(row[0].startswith("6220 ") for row in rows)  # 2018 6202 is 2025 6220


def test_workforce_report_shows_park_workers_by_source(built, small_data, firms):
    rows = table_with(_html(built, "en", "workforce-training"), ["Figure", "Workers", "Source"])
    records = small_data.workforce
    parks = firms[firms["industrial_park"].notna()]
    assert rows == [
        ["Park workforce records: average of 4 quarters, 2023-Q1 to 2023-Q4",
         fmt_int(records.groupby("period")["workers"].sum().mean(), "en"), ", ".join(sorted(records["source_file"].unique()))],
        [f"Enterprise register: employees of the {fmt_int(len(parks), 'en')} enterprises in industrial parks",
         fmt_int(parks["employees"].sum(), "en"), ", ".join(sorted(parks["source_file"].unique()))],
        ["Published figure", "1,200,000", rows[2][2]],
    ]
    assert rows[2][2].startswith("Báo Bình Dương")


def test_workforce_report_shows_hours_and_budget(built, small_data, firms):
    from adoption.metrics import workforce

    html = _html(built, "vi", "workforce-training")
    records = small_data.workforce
    assert f">{fmt_int(records['workers'].sum() * 13, 'vi')}<" in html  # 1 hour a week, 13 weeks a quarter
    budget = workforce.budget(firms).set_index("year")
    assert f">{fmt_int(budget.loc[2022, 'per_enterprise_vnd'], 'vi')}<" in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_has_no_code(built, lang):
    html = _html(built, lang)
    assert "import adoption" not in html
    assert "ad.adoption_by" not in html
    assert "class=\"jp-InputArea" not in html
    assert "hl-ipython3" not in html
    assert "processed_dir" not in html.split("<footer")[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_stands_alone(built, lang):
    html = _html(built, lang)
    assert "<script src=" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import url(" not in html
    images = re.findall(r'<img[^>]+src="([^"]{0,40})', html)
    assert len(images) == 8
    assert all(src.startswith("data:image/png;base64,") for src in images)


def test_charts_have_alt_text_saying_what_they_show(built, small_data):
    """Each chart's alt text is its title and the values drawn, recounted here: the bars
    by district unit highest first, with the rate of all firms as the reference line."""
    alts = [html.unescape(a) for a in re.findall(r'<img[^>]+alt="([^"]*)"', _html(built, "en"))]
    assert len(alts) == 8 and all(alts)
    assert alts[0].startswith("Enterprises using digital platforms over time (cumulative, by month)")
    firms = small_data.enterprises
    firms = firms[(firms["status"].astype(str) == "active") & ~firms["tax_code"].str.contains("-")]
    rates = firms.groupby("district_code")["uses_digital_platform"].mean().sort_values(ascending=False, kind="stable")
    names = reference.districts().set_index("district_code")["district"]
    listed = "; ".join(f"{names[code]} {rate * 100:.1f}%" for code, rate in rates.items())
    overall = firms["uses_digital_platform"].mean()
    [bars] = [a for a in alts if a.startswith("Digital-platform adoption by district unit:")]
    assert bars == f"Digital-platform adoption by district unit: {listed}. Reference line: All enterprises counted: {overall * 100:.1f}%."
    [heat] = [a for a in alts if a.startswith("Adoption rate by district unit and size.")]
    rates = firms.groupby(["district_code", firms["size_class"].astype(str)])["uses_digital_platform"].mean()
    protected = adoption_by(firms, ("district", "size_class"), protected=True)  # which cells the protection hides
    hidden = set(zip(protected.loc[protected["hidden"], "district_code"], protected.loc[protected["hidden"], "size_class"].astype(str)))
    shown = rates[[pair not in hidden for pair in rates.index]]
    (top_district, top_size), (low_district, low_size) = shown.idxmax(), shown.idxmin()
    assert f"Highest: {names[top_district]} × {top_size.capitalize()} {shown.max() * 100:.1f}%" in heat
    assert f"lowest: {names[low_district]} × {low_size.capitalize()} {shown.min() * 100:.1f}%" in heat


def test_disclosure_footnote_and_no_firm_identifier(built, small_data):
    html = _html(built, "en")
    assert "hidden to protect individual firms" in html
    firms = small_data.enterprises
    for code in firms["tax_code"].sample(200, random_state=1):
        assert code not in html
    for name in firms["name"].sample(200, random_state=1):
        assert name not in html


def test_small_parks_hidden_in_the_workforce_report(built, firms):
    rows = table_with(_html(built, "en", "workforce-training"), [
        "Industrial park", "Workers (quarterly average)", "Workers trained per quarter (average)",
        "Worker-quarters trained (a worker trained in two quarters counts twice)", "Share of workers trained per quarter",
        "Hours required", "Hours delivered", "Coverage (hours delivered / required)", "Hours per worker-quarter trained",
        "Share that can have had 13 hours a quarter, at most", "Hours short", "Workers not trained per quarter (average)"])
    counts = firms.groupby("industrial_park").size()
    hidden = {row[0] for row in rows if row[1] == "x"}
    assert set(counts[counts < 3].index) <= hidden
    assert len(hidden) != 1


def test_synthetic_banner_in_each_language(built):
    assert "DỮ LIỆU TỔNG HỢP" in _html(built, "vi")
    assert "SYNTHETIC DATA" in _html(built, "en")
    assert "SYNTHETIC DATA" not in _html(built, "vi")


def test_footer_provenance(built, small_data):
    html = _html(built, "en")
    footer = html.split('<footer class="adoption-footer">')[1]
    assert small_data.input_hash in footer
    assert "adoption version" in footer and "Built at" in footer
    assert '&#34;lang&#34;: &#34;en&#34;' in footer or '"lang": "en"' in footer


def test_executed_notebook_kept_for_researchers(built):
    path = built.index.parent / "notebooks" / "adoption-overview.vi.2023.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["adoption"]["synthetic"] is True
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_index_links_every_report(built):
    index = built.index.read_text(encoding="utf-8")
    for r in built.reports:
        assert (f'href="{r.html.name}"' in index) != bool(r.missing)
    assert "needs a series of two extracts or more" in index
    assert "SYNTHETIC DATA" in index and "DỮ LIỆU TỔNG HỢP" in index
    assert "Báo cáo / Report" in index


def test_unknown_parameter_refused_before_a_kernel_starts():
    with pytest.raises(ParameterError, match="valid parameters: lang, district, map, processed_dir"):
        catalogue.check_parameters(config.NOTEBOOKS_DIR / "01-adoption-overview.ipynb", {"langg": "vi"})


def test_a_notebook_that_is_missing_or_broken_is_named(tmp_path):
    with pytest.raises(ParameterError, match="nothing.ipynb: no such notebook"):
        catalogue.check_parameters(tmp_path / "nothing.ipynb", {})
    (tmp_path / "broken.ipynb").write_text("{\"cells\": [", encoding="utf-8")
    with pytest.raises(ParameterError, match="broken.ipynb: not a readable notebook"):
        catalogue.check_parameters(tmp_path / "broken.ipynb", {})


def test_bad_values_refused_with_valid_list():
    notebook = config.NOTEBOOKS_DIR / "01-adoption-overview.ipynb"
    with pytest.raises(ParameterError, match="valid values: vi, en"):
        catalogue.check_parameters(notebook, {"lang": "fr"})
    with pytest.raises(ParameterError, match="valid values: 718"):
        catalogue.check_parameters(notebook, {"district": "Hà Nội"})
    assert catalogue.check_parameters(notebook, {"district": "tp ben cat"}) == {"district": "721"}
    with pytest.raises(ParameterError, match="valid values: vsic2018, vsic2025"):
        catalogue.check_parameters(notebook, {"classification": "vsic2007"})


def test_a_failing_report_does_not_stop_the_build(small_processed, tmp_path):
    # A real kernel runs a notebook that raises; the good report beside it is still built.
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "03-ict-sector.ipynb").write_bytes((config.NOTEBOOKS_DIR / "03-ict-sector.ipynb").read_bytes())
    broken = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('lang = "vi"\nprocessed_dir = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise RuntimeError("kernel died")'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(broken, notebooks / "broken.ipynb")
    specs = (catalogue.ReportSpec("broken", "broken.ipynb", "report_title", ({"lang": "vi"},)),
             catalogue.ReportSpec("ict-sector", "03-ict-sector.ipynb", "ict_title", ({"lang": "vi"},)))
    result = report_build.build(processed_dir=small_processed, reports_dir=tmp_path / "reports", catalogue=specs,
                                notebooks_dir=notebooks, jobs_limit=1)
    outcome = {r.spec.name: r for r in result.reports}
    assert not outcome["broken"].ok and outcome["broken"].error.startswith("RuntimeError: kernel died (notebook cell")
    assert outcome["ict-sector"].ok and outcome["ict-sector"].html.is_file()
    assert not (tmp_path / "reports" / "broken.vi.html").exists()
    assert "kernel died" in result.index.read_text(encoding="utf-8")
    assert [r.spec.name for r in result.failed] == ["broken"]
    # The failed run's executed notebook is kept with papermill's error cell, and linked.
    kept = nbformat.read(tmp_path / "reports" / "notebooks" / "broken.vi.ipynb", as_version=4)
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert [(e["ename"], e["evalue"]) for e in errors] == [("RuntimeError", "kernel died")]
    row = next(line for line in result.index.read_text(encoding="utf-8").split("<tr") if "broken" in line)
    assert 'href="notebooks/broken.vi.ipynb"' in row and "executed notebook with the error" in row
    record = json.loads((tmp_path / "reports" / "broken.vi.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and record["error"].startswith("RuntimeError: kernel died")
    assert record["fingerprint"] is None  # a failed report is never up to date
    again = report_build.build(processed_dir=small_processed, reports_dir=tmp_path / "reports", catalogue=specs,
                               notebooks_dir=notebooks, jobs_limit=1)
    assert [(r.spec.name, r.skipped) for r in again.reports] == [("broken", False), ("ict-sector", True)]


def test_provenance_record_beside_each_html(built, small_processed):
    import hashlib
    import subprocess
    import sys
    from importlib import metadata

    quality = json.loads((small_processed / "quality.json").read_text(encoding="utf-8"))
    for report in _written(built):
        record = json.loads(report.html.with_suffix(".json").read_text(encoding="utf-8"))
        assert record["status"] == "ok" and record["report"] == report.spec.name
        assert record["params"] == report.params and record["html"] == report.html.name
        assert (report.html.parent / record["executed_notebook"]).is_file()
        assert set(record["inputs"]) == set(quality["files"]) and all(len(h) == 64 for h in record["inputs"].values())
        assert record["clean_tables"] == quality["outputs"]
        notebook = Path(record["notebook"])
        assert record["notebook_sha256"] == hashlib.sha256(notebook.read_bytes()).hexdigest()
        assert record["versions"]["python"] == sys.version.split()[0]
        assert record["versions"]["pandas"] == metadata.version("pandas")
        assert {"papermill", "nbconvert", "matplotlib", "seaborn"} <= set(record["versions"])
        head = subprocess.run(["git", "-C", str(config.PROJ_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
        if head.returncode == 0:
            assert record["git"]["commit"] == head.stdout.strip()
            assert isinstance(record["git"]["uncommitted_changes"], bool)
        assert record["seconds"] > 0 and record["started_at"] <= record["built_at"]


def test_committed_notebooks_have_no_outputs():
    for path in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def test_second_build_skips_unchanged_reports(built, small_processed):
    before = {r.html.name: r.html.stat().st_mtime_ns for r in _written(built)}
    again = report_build.build(processed_dir=small_processed, reports_dir=built.index.parent)
    assert all(r.ok and (r.skipped or r.missing) for r in again.reports)
    assert {r.html.name: r.html.stat().st_mtime_ns for r in _written(again)} == before
    assert 'href="adoption-overview.vi.2023.html"' in again.index.read_text(encoding="utf-8")


def test_fingerprint_follows_notebook_params_and_data():
    ict = catalogue.notebook_path(catalogue.find_spec("ict-sector"))
    overview = catalogue.notebook_path(catalogue.find_spec("adoption-overview"))
    base = cache.fingerprint(ict, {"lang": "vi"}, "a" * 64)
    assert base == cache.fingerprint(ict, {"lang": "vi"}, "a" * 64)
    assert base != cache.fingerprint(ict, {"lang": "en"}, "a" * 64)
    assert base != cache.fingerprint(ict, {"lang": "vi"}, "b" * 64)
    assert base != cache.fingerprint(overview, {"lang": "vi"}, "a" * 64)


def test_reports_without_their_input_say_so(tmp_path):
    import shutil
    from pathlib import Path

    from adoption.clean.pipeline import clean_folder

    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(Path(__file__).parents[1] / "data" / "formats" / "register_utf8_bom.csv", raw / "register")
    clean_folder(raw, tmp_path / "processed")
    result = report_build.build(processed_dir=tmp_path / "processed", reports_dir=tmp_path / "reports",
                                only=["digital-intensity", "adoption-overview"])
    assert all(r.ok and r.missing for r in result.reports)
    why = "(survey/ in the raw folder): no file given, or every row rejected (see rejects.csv)"
    assert {r.unavailable() for r in result.reports} == {f"nothing kept of the technology survey {why}",
                                                         f"nothing kept of the platform records {why.replace('survey/', 'platforms/')}"}
    index = result.index.read_text(encoding="utf-8")
    assert "Chưa lập / not built: không giữ lại được dữ liệu điều tra công nghệ nào (survey/" in index
    assert f"nothing kept of the technology survey {why}" in index
    assert not list((tmp_path / "reports").glob("*.vi.html"))


def test_a_build_of_one_report_keeps_the_others_in_the_index(built, small_processed, tmp_path):
    import shutil

    reports = tmp_path / "reports"
    shutil.copytree(built.index.parent, reports)
    # One report's last build was made from other data: the index says so.
    record = reports / "workforce-training.en.json"
    provenance = json.loads(record.read_text(encoding="utf-8"))
    provenance["fingerprint"] = "from another register"
    record.write_text(json.dumps(provenance), encoding="utf-8")
    result = report_build.build(processed_dir=small_processed, reports_dir=reports, only=["ict-sector"])
    assert [r.html.name for r in result.reports] == ["ict-sector.vi.html", "ict-sector.en.html"]
    index = result.index.read_text(encoding="utf-8")
    for name in REPORTS:
        for lang in ("vi", "en"):
            suffixes = (".2023", ".2025") if name == "adoption-overview" else ("",)
            assert all(f'href="{name}.{lang}{suffix}.html"' in index for suffix in suffixes)
    assert index.count("built from earlier data or code") == 1
    row = next(line for line in index.split("<tr") if "workforce-training.en.html" in line)
    assert "built from earlier data or code" in row


def test_adoption_tables_audit_in_the_provenance(built):
    report = next(r for r in built.reports if r.spec.name == "adoption-overview" and r.params["lang"] == "en")
    audit = nbformat.read(output_paths_of(report), as_version=4).metadata["adoption"]["disclosure_audit"]
    # district, sector, size, ownership, inside/outside parks (each split by adoption), the
    # district-by-size heatmap, and each month of the series by district (one table a month
    # and line; identical tables counted once)
    assert audit["tables"] > 6
    assert audit["primary_cells"] > 0 and audit["smallest_margin"] >= 0


def test_disclosure_audit_in_the_provenance(built):
    report = next(r for r in built.reports if r.spec.name == "ict-sector" and r.params["lang"] == "en")
    audit = nbformat.read(output_paths_of(report), as_version=4).metadata["adoption"]["disclosure_audit"]
    assert audit["tables"] >= 4
    assert audit["smallest_margin"] is None or audit["smallest_margin"] >= 0
    html = report.html.read_text(encoding="utf-8")
    assert "Disclosure audit" in html
    if audit["primary_cells"]:
        assert "Audited by linear programming" in html


def output_paths_of(report):
    return catalogue.output_paths(report.spec, report.params, report.html.parent)[1]


def test_each_published_figure_has_its_source_under_its_table_and_in_the_report_sources(built):
    """The EU figures are cited under the table that sets the survey against them, and the
    sources at the end list what this report showed: Eurostat in the intensity report,
    the newspaper of the 2023 figures in the overview, not each other's."""
    eurostat = "Eurostat, Digital Intensity Index version 3 (2023)"
    intensity = _html(built, "en", "digital-intensity")
    assert re.search(r"<caption>Source: " + re.escape(eurostat), intensity)
    end = intensity.split("Where the numbers come from")[-1]
    assert eurostat in end and "Báo Bình Dương" not in end
    overview = _html(built, "en").split("Where the numbers come from")[-1]
    assert "Báo Bình Dương" in overview and "Eurostat" not in overview


def test_the_coverage_chart_sorts_districts_against_the_total(built, small_data):
    """The training coverage by district unit, highest first, with the total as the
    reference line: hours delivered over 13 hours a worker a quarter, recounted here."""
    records = small_data.workforce
    by_district = records.groupby("district_code")
    coverage = (by_district["training_hours"].sum() / (by_district["workers"].sum() * 13)).sort_values(ascending=False, kind="stable")
    total = records["training_hours"].sum() / (records["workers"].sum() * 13)
    names = reference.districts().set_index("district_code")["district"]
    alts = [html.unescape(a) for a in re.findall(r'<img[^>]+alt="([^"]*)"', _html(built, "en", "workforce-training"))]
    listed = "; ".join(f"{names[code]} {share * 100:.1f}%" for code, share in coverage.items())
    assert alts == [f"Coverage (hours delivered / required) by district unit: {listed}. Reference line: Total: {total * 100:.1f}%."]


def test_the_workforce_table_by_district_shows_each_districts_hours(built, small_data):
    """The table under the coverage chart: one row a district unit with the hours the
    rule requires, recounted here (13 hours a worker a quarter)."""
    records = small_data.workforce
    required = records.groupby("district_code")["workers"].sum() * 13
    names = reference.districts().set_index("district_code")["district"]
    page = _html(built, "en", "workforce-training")
    [table] = [t for t in htmltables.tables(page) if t and t[0][0] == "District unit"]
    column = table[0].index("Hours required")
    shown = {row[0]: row[column] for row in table[1:]}
    assert shown == {names[code]: fmt_int(hours, "en") for code, hours in required.items()}


def test_no_report_shows_an_unfilled_placeholder(built):
    """Every text of the catalogue with a {placeholder} is filled where a report uses it:
    headings, notes, chart titles and the alt texts written from them."""
    for report in _written(built):
        text = html.unescape(report.html.read_text(encoding="utf-8"))
        assert not re.findall(r"\{[a-z_]+\}", text), report.html.name


def test_the_overview_on_the_2025_map_names_its_units(built, small_data):
    page = _html(built, "en", map_="2025")
    assert "Map: since 1 July 2025" in page
    assert "Digital-platform adoption by ward or commune (the map since 1 July 2025)" in page
    assert "Adoption by ward or commune and size (medium and large firms together)" in page
    # one small-multiple panel a unit: the alt text of the chart lists them all
    units = reference.units_2025()
    located = set(small_data.enterprises["commune2025_code"].dropna().astype(str))
    assert all(name in page for code, name in zip(units["commune2025_code"], units["commune2025"]) if code in located)
