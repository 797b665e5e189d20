"""A register with only the required columns (tax code, name, district, main activity):
every report that has its inputs builds, shows what the data allow, and says what it
could not show. Expected values are counted with plain pandas from the clean tables of
the full register the partial one was cut from."""

import shutil

import pandas as pd
import pytest

from adoption.clean import vocab
from adoption.clean.pipeline import clean_folder
from adoption.clean.read import read_raw
from adoption.core.io import data_files
from adoption.report.build import build
from adoption.report.formats import fmt_int
from htmltables import table_with

REQUIRED = {"tax_code": "Mã số thuế", "name": "Tên doanh nghiệp", "district": "Huyện/Thị xã/Thành phố",
            "vsic": "Ngành nghề kinh doanh chính"}


@pytest.fixture(scope="module")
def partial(small_raw, tmp_path_factory):
    """The small register cut to its required columns (ownership kept in the first file
    only), its platform records, cleaned and built."""
    root = tmp_path_factory.mktemp("partial")
    raw = root / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copytree(small_raw / "platforms", raw / "platforms")
    for number, path in enumerate(data_files(small_raw / "register")):
        frame = read_raw(path, vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED).frame
        keep = dict(REQUIRED, **({"ownership": "Thành phần kinh tế"} if number == 0 else {}))
        frame[list(keep)].rename(columns=keep).to_csv(raw / "register" / f"{path.stem}.csv", index=False)
    result = clean_folder(raw, root / "processed")
    built = build(processed_dir=root / "processed", reports_dir=root / "reports",
                  only=["adoption-overview", "ict-sector"])
    return result, built, data_files(raw / "register")[0].name


def _html(built, name, lang):
    [report] = [r for r in built.reports if r.spec.name == name and r.params["lang"] == lang and r.params.get("map", "2023") == "2023"]
    assert report.ok, report.error
    return report.html.read_text(encoding="utf-8")


def test_the_clean_table_says_unknown_not_false(partial):
    result, _, _ = partial
    enterprises = result.enterprises
    assert enterprises["status"].isna().all() and enterprises["in_industrial_park"].isna().all()
    assert result.quality["columns_absent"]["register"]["status"] == sorted(enterprises["source_file"].unique())


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reports_build_and_say_what_they_could_not_show(partial, small_data, lang):
    result, built, first_file = partial
    assert all(r.ok for r in built.reports), [r.error for r in built.reports]
    html = _html(built, "adoption-overview", lang)
    # No status column: every head office counts, whatever the full register says of it.
    clean = result.enterprises
    head_offices = clean[~clean["tax_code"].str.contains("-")]
    full = small_data.enterprises.set_index("tax_code")
    assert (full.loc[head_offices["tax_code"], "status"].astype(str) != "active").sum() > 100
    values = dict(table_with(html, {"vi": ["Chỉ tiêu", "Giá trị"], "en": ["Figure", "Value"]}[lang]))
    assert values[{"vi": "Doanh nghiệp", "en": "Enterprises"}[lang]] == fmt_int(len(head_offices), lang)
    # Figures from columns the register lacks are shown as unknown, never as 0.
    assert values[{"vi": "Lao động trong khu công nghiệp (sổ đăng ký: lao động của các doanh nghiệp trong KCN)",
                   "en": "Workers in industrial parks (register: employees of the firms in parks)"}[lang]] == "–"
    # Ownership is known for the firms of the first file only: the share is said.
    known = int(head_offices["ownership"].notna().sum())
    assert 0 < known <= int((head_offices["source_file"] == first_file).sum())
    assert head_offices.loc[head_offices["source_file"] != first_file, "ownership"].isna().all()
    expected = {"vi": f"chỉ biết với {fmt_int(known, lang)} trên {fmt_int(len(head_offices), lang)} doanh nghiệp",
                "en": f"known for {fmt_int(known, lang)} of {fmt_int(len(head_offices), lang)} firms"}[lang]
    assert expected in html
    heading = {"vi": "Những gì báo cáo này không thể hiện đầy đủ", "en": "What this report could not show"}[lang]
    assert heading in html
    assert {"vi": "mọi doanh nghiệp đều được tính là đang hoạt động", "en": "every firm is counted as operating"}[lang] in html
    assert {"vi": "Không thể trình bày", "en": "Not shown: no firm has a known"}[lang] in html
    ict = _html(built, "ict-sector", lang)
    assert heading in ict


def test_a_full_register_names_no_column_as_absent(built, small_data):
    html = next(r for r in built.reports if r.spec.name == "adoption-overview" and r.params["lang"] == "en").html
    text = html.read_text(encoding="utf-8")
    assert "no column for it" not in text and "counted as operating" not in text
    firms = small_data.enterprises[(small_data.enterprises["status"].astype(str) == "active")
                                   & ~small_data.enterprises["tax_code"].str.contains("-")]
    unknown_size = int(firms["size_class"].isna().sum())
    assert ("Size: known for" in text) == (unknown_size > 0)


def test_coverage_counts_known_values_and_absent_columns():
    from adoption.metrics.scope import coverage

    firms = pd.DataFrame({"ownership": ["fdi", None, None], "status": pd.Categorical([None, None, None]),
                          "size_class": ["micro", "small", None], "source_file": ["a.csv", "b.csv", "b.csv"]})
    quality = {"files": {"register/a.csv": {"table": "register"}, "register/b.csv": {"table": "register"}},
               "columns_absent": {"register": {"status": ["a.csv", "b.csv"], "ownership": ["b.csv"],
                                               "employees": ["a.csv", "b.csv"]}}}
    table = coverage(firms, ["ownership", "status", "size_class"], quality).set_index("column")
    assert table.loc["ownership", ["known", "absent"]].tolist() == [1, False]
    assert table.loc["status", ["known", "absent"]].tolist() == [0, True]
    # size is derived from employees, revenue or capital: revenue and capital are present
    assert table.loc["size_class", ["known", "absent"]].tolist() == [2, False]
