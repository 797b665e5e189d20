"""Hostile values in the data and in file names reach the reports as text, never as code.

The test writes its own hostile raw folder: script and event-handler payloads as
industrial-park names, file names holding a backtick, an ``<img onerror>``, brackets and a
spreadsheet formula. It cleans it, builds the reports, opens every page in headless
Chromium and checks that no payload runs and each shows literally.
"""

import csv

import pytest
from stdnum.vn import mst

from adoption.clean.pipeline import clean_folder
from adoption.report.build import build

# Each payload, if it ran, would set window.pwned or open a dialog.
PARK_SCRIPT = "<script>window.pwned = 'park-script'; alert('park')</script>"
PARK_IMG = "<img src=x onerror=\"window.pwned='park-img'; alert(6)\">"
FILE_IMG = "reg `<img src=x onerror=window.pwned=1>`.csv"
FILE_FORMULA = "=HYPERLINK(1)+1.csv"
FILE_BRACKETS = "[ban nháp] reg.csv"


def _codes(n: int) -> list[str]:
    codes, body = [], 1
    while len(codes) < n:
        first9 = f"37{body:07d}"
        digit = mst.calc_check_digit(first9)
        if mst.is_valid(first9 + digit):
            codes.append(first9 + digit)
        body += 1
    return codes


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    for folder in ("register", "platforms", "workforce"):
        (raw / folder).mkdir(parents=True)
    codes = _codes(24)
    header = ["Mã số thuế", "Tên doanh nghiệp", "Huyện/Thị xã/Thành phố", "Ngành nghề kinh doanh chính",
              "Số lao động", "Khu công nghiệp", "Tình trạng hoạt động", "Thành phần kinh tế"]
    rows = [[code, f"Công ty {PARK_IMG} {i}", ("Dĩ An", "Thuận An", "Thủ Dầu Một")[i % 3], "2610", 10 + i,
             PARK_SCRIPT if i % 4 == 0 else "", "Đang hoạt động", ("Ngoài nhà nước", "FDI")[i % 2]]
            for i, code in enumerate(codes)]
    _write(raw / "register" / FILE_IMG, header, rows[:8])
    _write(raw / "register" / FILE_BRACKETS, header, rows[8:16])
    _write(raw / "register" / FILE_FORMULA, header, rows[16:] + [rows[16]])  # one duplicate: a merge
    _write(raw / "platforms" / "p.csv", ["Mã số thuế", "Nền tảng", "Ngày bắt đầu sử dụng"],
           [[code, "Thanh toán số", "05/03/2021"] for code in codes[::2]])
    _write(raw / "workforce" / "w.csv", ["Khu công nghiệp", "Huyện/Thị xã/Thành phố", "Kỳ", "Số lao động",
                                         "Số lao động được đào tạo", "Số giờ đào tạo"],
           [[PARK_SCRIPT, "Dĩ An", "Quý 1/2023", 500, 100, 800], [PARK_IMG, "Thuận An", "Quý 1/2023", 300, 50, 400],
            ["KCN Sóng Thần 2", "Dĩ An", "Quý 1/2023", 900, 300, 2000]])
    processed = root / "processed"
    clean_folder(raw, processed)
    # The workforce report shows the park names, its sources list the file names, and its
    # tables, notes and footer go through the same rendering as every other report.
    result = build(processed_dir=processed, reports_dir=root / "reports", only=["workforce-training"])
    assert all(r.ok for r in result.reports), [r.error for r in result.reports]
    return result, processed


def test_payloads_are_escaped_in_the_html(hostile):
    result, _ = hostile
    for report in result.reports:
        html = report.html.read_text(encoding="utf-8")
        assert "<script>window.pwned" not in html and "<img src=x onerror" not in html, report.html.name
        assert "&lt;img src=x onerror=window.pwned=1&gt;" in html  # the file name, in the sources
    workforce = result.reports[0].html.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned" in workforce


def test_no_payload_runs_in_a_browser_and_each_shows_literally(hostile, page):
    result, _ = hostile
    for path in [r.html for r in result.reports] + [result.index]:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned") is None, path.name
        assert page.dialogs == [], path.name
        assert page.outside_requests == [], path.name
        if path != result.index:
            assert FILE_IMG in page.inner_text("body"), path.name
    workforce = [r for r in result.reports if r.spec.name == "workforce-training" and r.params["lang"] == "en"][0]
    page.goto(workforce.html.as_uri())
    body = page.inner_text("body")
    assert PARK_SCRIPT in body and PARK_IMG in body


def test_csv_files_for_people_cannot_run_formulas(hostile):
    _, processed = hostile
    merges = (processed / "merges.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)+1.csv" in merges
    assert "\n=HYPERLINK" not in merges and ",=HYPERLINK" not in merges
