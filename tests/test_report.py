"""The adoption-overview notebook through papermill, and the exported HTML."""

import re

import nbformat
import pytest

from adoption import config, report
from adoption.errors import ParameterError
from adoption.metrics import headline, in_scope
from adoption.present import fmt_int, fmt_pct


def _html(built, lang, name="adoption-overview"):
    [page] = [r for r in built.reports if r.params["lang"] == lang and r.spec.name == name]
    assert page.ok, page.error
    return page.html.read_text(encoding="utf-8")


REPORTS = ["adoption-overview", "digital-intensity", "ict-sector", "workforce-training"]


def test_every_report_of_the_grid_built(built):
    assert all(r.ok for r in built.reports), [r.error for r in built.reports]
    assert sorted(r.html.name for r in built.reports) == sorted(f"{n}.{lang}.html" for n in REPORTS for lang in ("vi", "en"))


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_report_has_banner_no_code_and_embedded_charts(built, name, lang):
    html = _html(built, lang, name)
    assert ("DỮ LIỆU TỔNG HỢP" if lang == "vi" else "SYNTHETIC DATA") in html
    assert "import adoption" not in html and 'class="jp-InputArea' not in html
    assert "<script src=" not in html
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'<img[^>]+src="([^"]{0,40})', html))


def test_intensity_report_shows_the_estimates(built, default_data):
    from adoption import intensity

    html = _html(built, "en", "digital-intensity")
    eu = intensity.compare_eu(default_data.survey).set_index("group")
    assert fmt_pct(eu.loc["sme", "share"], "en") in html
    assert f"{fmt_pct(eu.loc['sme', 'ci_low'], 'en')} – {fmt_pct(eu.loc['sme', 'ci_high'], 'en')}" in html
    assert ">58.0%<" in html and ">91.0%<" in html


def test_ict_report_shows_the_published_group(built):
    html = _html(built, "vi", "ict-sector")
    assert ">1.300<" in html and ">55.720<" in html


def test_workforce_report_shows_hours_and_budget(built, default_data, firms_in_scope):
    from adoption import workforce

    html = _html(built, "vi", "workforce-training")
    total = workforce.training(default_data.workforce).iloc[0]
    assert f">{fmt_int(total['hours_required'], 'vi')}<" in html
    assert f">{fmt_int(30e9 / len(firms_in_scope), 'vi')}<" in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_shows_headline_figures_computed_from_data(built, default_data, lang):
    html = _html(built, lang)
    figures = headline(in_scope(default_data.enterprises))
    for key in ("enterprises", "adopters", "digital_tech_firms", "digital_tech_workers", "ip_workers"):
        assert f">{fmt_int(figures[key], lang)}<" in html, key
    assert fmt_pct(figures["adoption_rate"], lang) in html


def test_vietnamese_number_format(built):
    html = _html(built, "vi")
    assert ">65.000<" in html and ">45.000<" in html and ">55.720<" in html
    assert "69,2%" in html


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
    assert len(images) == 6
    assert all(src.startswith("data:image/png;base64,") for src in images)


def test_charts_have_alt_text_naming_their_section(built):
    alts = re.findall(r'<img[^>]+alt="([^"]*)"', _html(built, "vi"))
    assert alts[0] == "Doanh nghiệp sử dụng nền tảng số theo thời gian (lũy kế theo tháng)"
    assert alts[1] == "Tỷ lệ sử dụng nền tảng số theo huyện, thị xã, thành phố"
    assert len(alts) == 6 and all(alts)


def test_disclosure_footnote_and_no_firm_identifier(built, default_data):
    html = _html(built, "en")
    assert "hidden to protect individual firms" in html
    firms = default_data.enterprises
    for code in firms["tax_code"].sample(200, random_state=1):
        assert code not in html
    for name in firms["name"].sample(200, random_state=1):
        assert name not in html


def test_synthetic_banner_in_each_language(built):
    assert "DỮ LIỆU TỔNG HỢP" in _html(built, "vi")
    assert "SYNTHETIC DATA" in _html(built, "en")
    assert "SYNTHETIC DATA" not in _html(built, "vi")


def test_footer_provenance(built, default_data):
    html = _html(built, "en")
    footer = html.split('<footer class="adoption-footer">')[1]
    assert default_data.input_hash in footer
    assert "adoption version" in footer and "Built at" in footer
    assert '{&#34;lang&#34;: &#34;en&#34;' in footer or '{"lang": "en"' in footer


def test_executed_notebook_kept_for_researchers(built):
    path = built.index.parent / "notebooks" / "adoption-overview.vi.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["adoption"]["synthetic"] is True
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_index_links_every_report(built):
    index = built.index.read_text(encoding="utf-8")
    for r in built.reports:
        assert f'href="{r.html.name}"' in index
    assert "SYNTHETIC DATA" in index


def test_unknown_parameter_refused_before_a_kernel_starts():
    with pytest.raises(ParameterError, match="valid parameters: lang, district, processed_dir"):
        report.check_parameters(config.NOTEBOOKS_DIR / "01-adoption-overview.ipynb", {"langg": "vi"})


def test_bad_values_refused_with_valid_list():
    notebook = config.NOTEBOOKS_DIR / "01-adoption-overview.ipynb"
    with pytest.raises(ParameterError, match="valid values: vi, en"):
        report.check_parameters(notebook, {"lang": "fr"})
    with pytest.raises(ParameterError, match="valid values: 718"):
        report.check_parameters(notebook, {"district": "Hà Nội"})
    assert report.check_parameters(notebook, {"district": "tp ben cat"}) == {"district": "721"}


def test_a_failing_report_does_not_stop_the_build(default_processed, tmp_path, monkeypatch):
    broken = report.ReportSpec(name="broken", notebook="01-adoption-overview.ipynb", titles={"vi": "x", "en": "x"},
                               grid=({"lang": "vi", "district": "718"},))
    monkeypatch.setattr(report, "CATALOGUE", (broken,))
    real_run = report.run_report

    def run(spec, params, **kwargs):
        raise RuntimeError("kernel died")

    monkeypatch.setattr(report, "run_report", run)
    result = report.build(processed_dir=default_processed, reports_dir=tmp_path)
    assert [r.ok for r in result.reports] == [False]
    assert "kernel died" in result.index.read_text(encoding="utf-8")
    assert real_run is not run


def test_committed_notebooks_have_no_outputs():
    for path in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def test_second_build_skips_unchanged_reports(built, default_processed):
    before = {r.html.name: r.html.stat().st_mtime_ns for r in built.reports}
    again = report.build(processed_dir=default_processed, reports_dir=built.index.parent)
    assert all(r.ok and r.skipped for r in again.reports)
    assert {r.html.name: r.html.stat().st_mtime_ns for r in again.reports} == before
    assert 'href="adoption-overview.vi.html"' in again.index.read_text(encoding="utf-8")


def test_fingerprint_follows_notebook_params_and_data():
    spec = report.find_spec("ict-sector")
    base = report.fingerprint(spec, {"lang": "vi"}, "a" * 64)
    assert base == report.fingerprint(spec, {"lang": "vi"}, "a" * 64)
    assert base != report.fingerprint(spec, {"lang": "en"}, "a" * 64)
    assert base != report.fingerprint(spec, {"lang": "vi"}, "b" * 64)
    assert base != report.fingerprint(report.find_spec("adoption-overview"), {"lang": "vi"}, "a" * 64)


def test_reports_without_their_input_say_so(tmp_path):
    import shutil
    from pathlib import Path

    from adoption.clean import clean_folder

    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "data" / "formats" / "register_utf8_bom.csv", raw / "register")
    clean_folder(raw, tmp_path / "processed")
    result = report.build(processed_dir=tmp_path / "processed", reports_dir=tmp_path / "reports",
                          only=["digital-intensity", "adoption-overview"])
    assert all(r.ok and r.unavailable for r in result.reports)
    assert {r.unavailable for r in result.reports} == {"no input in data/raw/survey/", "no input in data/raw/platforms/"}
    index = result.index.read_text(encoding="utf-8")
    assert "not built: no input in data/raw/survey/" in index
    assert not list((tmp_path / "reports").glob("*.vi.html"))
