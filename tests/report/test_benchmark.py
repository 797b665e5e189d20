"""The province benchmark: published DTI 2022 ranks and budget, recomputed here from the
reference files with the standard library and a region list written by hand."""

import csv
import json

import pytest

from adoption.core import config
from adoption.metrics import benchmark
from adoption.report.benchmark import findings, ordinal

# The Southeast region (Đông Nam Bộ) of the GSO's yearbooks, as the DTI names its provinces.
SOUTHEAST = {"TP. Hồ Chí Minh", "Bình Phước", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Tây Ninh"}


def _ranks() -> dict[str, int]:
    with open(config.REFERENCE_DIR / "dti_2022_provincial_rank.csv", encoding="utf-8") as handle:
        return {row["province_as_published"]: int(row["dti2022_rank"]) for row in csv.DictReader(handle)}


def test_every_dti_name_is_one_gso_province():
    table = benchmark.dti_ranks()
    assert len(table) == 63 and table["gso_code"].is_unique
    assert table.set_index("province").loc["Thừa Thiên - Huế", "gso_code"] == "46"  # renamed Huế in 2025
    assert table.groupby("region").size().to_dict() == {
        "central_highlands": 5, "mekong_delta": 13, "north_central_central_coast": 14,
        "northern_midlands_mountains": 14, "red_river_delta": 11, "southeast": 6}
    assert set(table.loc[table["region"] == "southeast", "province"]) == SOUTHEAST


def test_position_and_findings_match_a_recount():
    ranks = _ranks()
    mine = ranks["Bình Dương"]
    above = sum(rank < mine for rank in ranks.values())
    region = sorted((rank, name) for name, rank in ranks.items() if name in SOUTHEAST)
    ahead = [(name, rank) for rank, name in region if rank < mine]
    assert (mine, above, len(ranks)) == (19, 18, 63)
    spot = benchmark.position()
    assert (spot["rank"], spot["ahead"], spot["of"]) == (mine, above, len(ranks))
    assert (spot["region_rank"], spot["region_size"]) == (len(ahead) + 1, len(SOUTHEAST))
    with open(config.REFERENCE_DIR / "binhduong_dti_components.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    parts = [r for r in rows if r["year"] == "2022" and not r["index"].startswith("DTI")]
    best = min(parts, key=lambda r: int(r["rank"]))
    worst = max(parts, key=lambda r: int(r["rank"]))
    before = next(int(r["rank"]) for r in rows if r["year"] == "2021" and r["index"].startswith("DTI"))
    en = findings("en")
    assert en[0] == (f"Bình Dương ranked {ordinal(mine, 'en')} of 63 provinces in the DTI 2022 ({above} ranked above it), "
                     f"up {before - mine} places from {ordinal(before, 'en')} in 2021.")
    assert en[1] == "In the Southeast it ranked 3rd of 6, after " + ", ".join(
        f"{name} ({ordinal(rank, 'en')})" for name, rank in ahead) + "."
    assert f"{best['index']} ({ordinal(int(best['rank']), 'en')})" in en[2]
    assert f"{worst['index']} ({ordinal(int(worst['rank']), 'en')} of 63)" in en[2]
    # 30 bn VND spent in 2022, 50 bn planned for 2023: 50 / 30 - 1 = 66.7%, shown as +67%.
    assert "30 billion VND (2022)" in en[3] and "50 billion VND (2023), +67%" in en[3]
    assert findings("vi")[0].startswith("Bình Dương xếp thứ 19 trên 63")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_benchmark_report_says_it_is_published_figures_only(built, lang):
    report = next(r for r in built.reports if r.spec.name == "province-benchmark" and r.params["lang"] == lang)
    html = report.html.read_text(encoding="utf-8")
    assert 'class="adoption-synthetic-banner"' not in html  # the clean data are synthetic; this report's figures are not
    assert ("none comes from the enterprise register" if lang == "en" else "không số nào lấy từ sổ đăng ký") in html
    assert ("published figures only" if lang == "en" else "chỉ số liệu đã công bố") in html  # the footer
    assert "<img" in html and "adoption-key-findings" in html
    record = json.loads(report.html.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["synthetic"] is False
    index = built.index.read_text(encoding="utf-8")
    assert "So sánh với các tỉnh / The province among the 63" in index
