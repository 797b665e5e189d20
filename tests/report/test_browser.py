"""The exported HTML in a real browser: Debian's Chromium, driven by Playwright, offline."""

import pytest

pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser


def _report(built, lang):
    [r] = [r for r in built.reports if r.params["lang"] == lang and r.spec.name == "adoption-overview" and r.params.get("map", "2023") == "2023"]
    return r.html


@pytest.mark.parametrize("lang, banner, heading", [
    ("vi", "DỮ LIỆU TỔNG HỢP", "Tỷ lệ sử dụng nền tảng số theo huyện, thị xã, thành phố"),
    ("en", "SYNTHETIC DATA", "Digital-platform adoption by district unit"),
])
def test_report_renders_offline_with_banner_charts_and_text(page, built, tmp_path, lang, banner, heading):
    page.goto(_report(built, lang).as_uri())
    page.wait_for_load_state("load")
    assert page.outside_requests == []
    shown = page.locator(".adoption-synthetic-banner")
    assert shown.is_visible()
    assert banner in shown.inner_text()
    assert page.locator("h2", has_text=heading).first.is_visible()
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])")
    assert len(images) == 8
    assert all(done and width > 300 and height > 100 for done, width, height in images)
    body = page.inner_text("body")
    assert "import adoption" not in body
    assert "Thành phố Thủ Dầu Một" in body  # a district name with its diacritics, as the reader sees it
    footer = page.inner_text("footer.adoption-footer")
    assert built.reports[0].built_at[:10] in footer
    shot = tmp_path / f"report-{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000


def test_index_links_open_the_reports(page, built):
    page.goto(built.index.as_uri())
    links = page.locator("a")
    written = [r for r in built.reports if not r.missing]  # the trend report needs a series: listed, not linked
    assert links.count() == len(written) and len(written) < len(built.reports)
    links.first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(".html") and "index" not in page.url
    assert page.locator(".adoption-synthetic-banner").is_visible()
    assert page.outside_requests == []


@pytest.mark.parametrize("name", ["digital-intensity", "ict-sector", "workforce-training"])
def test_other_reports_render_offline(page, built, name):
    [report] = [r for r in built.reports if r.params["lang"] == "vi" and r.spec.name == name and r.params.get("map", "2023") == "2023"]
    page.goto(report.html.as_uri())
    page.wait_for_load_state("load")
    assert page.outside_requests == []
    assert page.locator(".adoption-synthetic-banner").is_visible()
    images = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
    assert all(images)
    assert page.locator("table").count() >= 3


@pytest.mark.parametrize("lang, mark", [("vi", "Bình Dương xếp thứ 19 trên 63"), ("en", "Bình Dương ranked 19th of 63")])
def test_the_benchmark_renders_offline_without_a_synthetic_banner(page, built, lang, mark):
    [report] = [r for r in built.reports if r.params["lang"] == lang and r.spec.name == "province-benchmark"]
    page.goto(report.html.as_uri())
    page.wait_for_load_state("load")
    assert page.outside_requests == []
    assert page.locator(".adoption-synthetic-banner").count() == 0
    assert mark in page.inner_text(".adoption-key-findings")
    [chart] = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, e.alt])")
    assert chart[0] and chart[1] > 500 and chart[2] > 800  # the 63 provinces, one row each
    assert "DTI 2022" in chart[3]  # its alt text names it
    assert page.locator("table").count() == 4


def test_a_district_profile_renders_offline_with_its_findings_and_charts(page, built):
    [report] = [r for r in built.reports if r.spec.name == "district-profile" and r.params == {"district": "721", "lang": "vi"}]
    page.goto(report.html.as_uri())
    page.wait_for_load_state("load")
    assert page.outside_requests == []
    assert page.locator(".adoption-synthetic-banner").is_visible()
    assert "Thành phố Bến Cát có" in page.inner_text(".adoption-key-findings")
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete && e.naturalWidth > 300, e.alt])")
    assert images and all(ok and alt for ok, alt in images)
    assert page.locator("table").count() >= 8
