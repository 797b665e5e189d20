"""District profiles: one per district unit and language, from the build file's grid;
figures recounted here with plain pandas, ranks among the units by hand."""

import json

import pandas as pd
import pytest

from adoption.core import reference
from adoption.metrics.district import district_headline, mix
from adoption.report.district import findings

CODES = ["718", "719", "720", "721", "722", "723", "724", "725", "726"]


@pytest.fixture(scope="module")
def firms(small_data):
    """Active head offices, selected with plain pandas (not the library's in_scope)."""
    enterprises = small_data.enterprises
    return enterprises[(enterprises["status"].astype(str) == "active") & ~enterprises["tax_code"].str.contains("-")]


def test_a_profile_for_every_district_in_both_languages(built):
    profiles = sorted(r.html.name for r in built.reports if r.spec.name == "district-profile")
    assert profiles == sorted(f"district-profile.{code}.{lang}.html" for code in CODES for lang in ("vi", "en"))
    assert all(r.ok for r in built.reports), [r.error for r in built.reports if not r.ok]
    index = built.index.read_text(encoding="utf-8")
    assert "Hồ sơ cấp huyện / District profiles" in index


def test_no_heading_is_left_over_nothing(built):
    """A chart that cannot be drawn (every commune hidden, no firm with a district unit)
    says why under its heading, in every report of the build."""
    from htmltables import empty_sections

    empty = {r.html.name: empty_sections(r.html.read_text(encoding="utf-8")) for r in built.reports
             if r.ok and not r.missing}
    assert {name: headings for name, headings in empty.items() if headings} == {}


@pytest.mark.parametrize("code", ["718", "721", "726"])
def test_headline_and_ranks_match_a_recount(firms, code):
    counts = firms.groupby("district_code").size()
    rates = firms.groupby("district_code")["uses_digital_platform"].mean()
    table = district_headline(firms, code).set_index("measure")
    assert int(table.loc["enterprises", "district"]) == counts[code]
    assert int(table.loc["enterprises", "province"]) == len(firms)
    assert int(table.loc["enterprises", "rank"]) == 1 + sum(counts > counts[code])
    assert table.loc["adoption_rate", "district"] == pytest.approx(rates[code])
    assert int(table.loc["adoption_rate", "rank"]) == 1 + sum(rates > rates[code])
    assert int(table.loc["adoption_rate", "units"]) == len(CODES)
    sizes = mix(firms, code, "size_class").set_index("size_class")
    local = firms[firms["district_code"] == code]["size_class"].value_counts(normalize=True)
    for size, share in local.items():
        assert sizes.loc[size, "district_share"] == pytest.approx(share)


def test_findings_say_what_the_recount_says(firms):
    code = "721"
    name = reference.districts().set_index("district_code").loc[code, "district"]
    mine = firms[firms["district_code"] == code]
    rate, province = mine["uses_digital_platform"].mean(), firms["uses_digital_platform"].mean()
    rank = 1 + sum(firms.groupby("district_code")["uses_digital_platform"].mean() > rate)
    ordinal = {1: "1st", 2: "2nd", 3: "3rd"}.get(rank, f"{rank}th")
    sentences = findings(firms, code, "en")
    assert sentences[0].startswith(f"{name} has {len(mine):,} operating enterprises")
    gap = abs(rate - province) * 100
    side = "above" if rate > province else "below"
    assert sentences[1] == (f"{rate * 100:.1f}% of its enterprises use digital platforms, {gap:.1f} percentage points "
                            f"{side} the province ({province * 100:.1f}%); {ordinal} of 9.")


def test_every_profile_passes_the_disclosure_audit(built, firms):
    """On the small register communes are tiny: cells are hidden, and the LP audit in each
    profile's provenance finds every hidden cell protected."""
    audited = []
    for report in (r for r in built.reports if r.spec.name == "district-profile"):
        record = json.loads(report.html.with_suffix(".json").read_text(encoding="utf-8"))
        audit = record["disclosure_audit"]
        assert audit is not None and audit["tables"] >= 4  # commune, sector, size, ownership
        if audit["primary_cells"]:
            assert audit["smallest_margin"] >= 0
            audited.append(report.params["district"])
    tiny = firms.groupby(["district_code", "commune_code"]).size()
    assert set(audited) >= {code for (code, _), n in tiny.items() if n < 3}  # where communes are tiny, cells were checked


def test_tiny_communes_are_hidden_in_the_html(built, firms):
    from adoption.report.formats import value_label

    counts = firms.groupby(["district_code", "commune_code"]).size()
    tiny = counts[counts < 3]
    assert len(tiny)  # the small register has communes of 1 or 2 firms
    for (code, commune), n in tiny.items():
        report = next(r for r in built.reports
                      if r.spec.name == "district-profile" and r.params == {"district": code, "lang": "en"})
        page = report.html.read_text(encoding="utf-8")
        row = next(part for part in page.split("<tr") if f">{value_label('commune_code', commune, 'en')}<" in part)
        assert f">{n}<" not in row.replace(" ", "") and ">x<" in row


def test_a_hidden_figure_has_no_rank_either(built):
    """A rank places a figure between two others that other profiles publish: where a
    profile hides the figure, it hides the rank."""
    from htmltables import tables

    checked = 0
    for report in (r for r in built.reports if r.spec.name == "district-profile" and r.params["lang"] == "en"):
        [table] = [t for t in tables(report.html.read_text(encoding="utf-8")) if t and t[0][0] == "Measure"]
        for row in table[1:]:
            assert (row[1] == "x") == (row[-1] == "x"), (report.html.name, row)
            checked += row[1] == "x"
    assert checked  # the small register hides some unit's figure


def test_a_unit_whose_count_the_table_of_every_unit_hides_has_no_page(tmp_path):
    """On the 2025 map of a register of 1,000 firms, the overview's table of every unit
    hides a unit's firms as a secondary cell (to protect a smaller unit's). Its profile
    would count them everywhere: it is not made, for the same stated reason as the profile
    of a unit of 1 or 2 firms, so that the index does not tell the two apart."""
    from html import unescape

    from adoption.clean.pipeline import clean_folder
    from adoption.core.io import load_clean
    from adoption.metrics import maps
    from adoption.metrics.adoption import adoption_by
    from adoption.metrics.scope import in_scope
    from adoption.report.build import build
    from adoption.report.catalogue import ReportSpec, find_spec
    from adoption.synth import write_synthetic

    raw, processed = tmp_path / "raw", tmp_path / "processed"
    write_synthetic(raw, firms=1_000, seed=1)
    clean_folder(raw, processed)
    province = in_scope(load_clean(processed).enterprises)
    every = adoption_by(province, maps.unit_dimension("2025"), protected=True)  # the overview's table
    counts = province.groupby(province["commune2025_code"].astype(object)).size()
    units = every[every.columns[0]].astype(str)
    hidden_firms = [u for u in units[every["firms"].isna()] if u in counts.index and counts[u] >= 3]
    few = [u for u in counts.index if counts[u] < 3]
    assert hidden_firms and few, "these data hide no unit's firms as a secondary cell, or have no unit of 1 or 2"
    spec = find_spec("district-profile")
    grid = tuple({"district": unit, "map": "2025", "lang": "en"} for unit in (hidden_firms[0], few[0]))
    result = build(processed_dir=processed, reports_dir=tmp_path / "reports",
                   catalogue=(ReportSpec(spec.name, spec.notebook, spec.title_key, grid, spec.needs, spec.kind),))
    for report in result.reports:
        assert report.ok and report.missing == ("firms",) and not report.html.exists(), report.error
    assert len({report.unavailable("en") for report in result.reports}) == 1
    assert "too few enterprises to report on alone" in unescape(result.index.read_text(encoding="utf-8"))


def test_a_units_headline_hides_what_the_table_of_every_unit_hides(small_data):
    """The unit's adopters and rate that the table of every unit hides as secondary cells
    (``linked``) are x in its headline table, and so is the rate's rank among the units."""
    from adoption.metrics.scope import in_scope
    from adoption.report.district import headline_table
    from htmltables import tables

    province = in_scope(small_data.enterprises)
    unit = str(province["district_code"].astype(object).mode()[0])
    [plain] = tables(headline_table(province, unit, "en").to_html())
    [linked] = tables(headline_table(province, unit, "en", linked=["adopters", "adoption_rate"]).to_html())
    plain, linked = ({row[0]: row for row in table[1:]} for table in (plain, linked))
    for measure in ("Enterprises using digital platforms", "Digital-platform adoption rate"):
        assert plain[measure][1] != "x" and linked[measure][1] == "x"
    assert plain["Digital-platform adoption rate"][-1] != "x" and linked["Digital-platform adoption rate"][-1] == "x"
    assert linked["Enterprises"] == plain["Enterprises"]


@pytest.mark.parametrize("map_", ["2023", "2025"])
def test_a_units_mix_hides_what_its_adoption_table_hides(small_data, map_):
    """A unit's profile shows its firms by size twice: in the adoption table and in the mix
    beside the area's. Two tables of the same counts hiding different cells give each
    other's away (the mix's micro and small beside the adoption table's micro and medium
    leave large = total - the three), so a count the adoption table hides, the mix hides."""
    from adoption.metrics.adoption import adoption_by
    from adoption.metrics.maps import unit_column
    from adoption.metrics.scope import in_scope

    province = in_scope(small_data.enterprises)
    checked = 0
    for unit in sorted(set(province[unit_column(map_)].dropna().astype(str))):
        firms = in_scope(small_data.enterprises, district=unit, map_=map_)
        if len(firms) < 3:
            continue
        page = adoption_by(firms, "size_class", protected=True).set_index("size_class")
        table = mix(province, unit, "size_class", map_, protected=True).set_index("size_class")
        for group in page.index[page["firms"].isna()]:
            if group in table.index:
                assert pd.isna(table.loc[group, "district_firms"]), (unit, group)
                checked += 1
    assert checked > 0
