"""The province among the 63: the published Provincial Digital Transformation Index (DTI)
and the published digital-transformation budget, from the reference data only.

Nothing here reads the register: every figure is a published one, with its source
(reference ``SOURCES.md``). The DTI publishes each province's name as its organisers
wrote it ("TP. Đà Nẵng", "Thừa Thiên - Huế"); :func:`dti_ranks` matches each to its GSO
code and region, and refuses a name it cannot match exactly once.
"""

from __future__ import annotations

import pandas as pd

from ..core import reference
from ..core.scope import BINH_DUONG
from ..core.errors import AdoptionError
from ..core.text import fold

PROVINCE_CODE = BINH_DUONG
DTI_SOURCE = "DTI 2022, Ministry of Information and Communications (dti.gov.vn), 12 Jul 2023"
# Provinces renamed since the DTI 2022 was published: the folded 2022 name -> GSO code.
# Thừa Thiên Huế became the centrally-run city of Huế on 1 January 2025.
RENAMED = {"thua thien hue": "46"}
_PREFIXES = ("thanh pho ", "tinh ", "tp ")


def province_key(name: str) -> str:
    """The matching key of a province name: folded, without its "Tỉnh"/"Thành phố"/"TP." prefix.

    >>> province_key("TP. Hồ Chí Minh"), province_key("Thành phố Hồ Chí Minh"), province_key("Tỉnh Hoà Bình")
    ('ho chi minh', 'ho chi minh', 'hoa binh')
    >>> province_key("Thừa Thiên - Huế")
    'thua thien hue'
    """
    key = fold(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def dti_ranks() -> pd.DataFrame:
    """The DTI 2022 overall rank of the 63 provinces with GSO code, current name and region,
    best first."""
    ranks = reference.dti_2022_ranks().rename(columns={"dti2022_rank": "rank", "province_as_published": "province"})
    provinces = reference.provinces()
    by_key = {province_key(name): code for code, name in zip(provinces["gso_code"], provinces["name"])}
    by_key.update(RENAMED)
    ranks["gso_code"] = [by_key.get(province_key(name)) for name in ranks["province"]]
    unmatched = ranks.loc[ranks["gso_code"].isna(), "province"].tolist()
    doubled = ranks.loc[ranks["gso_code"].duplicated(keep=False) & ranks["gso_code"].notna(), "province"].tolist()
    if unmatched or doubled or len(ranks) != len(provinces):
        raise AdoptionError(f"DTI 2022 names not matched to one GSO province each: unmatched {unmatched}, "
                            f"matched twice {doubled}")
    table = ranks.merge(provinces, on="gso_code", how="left", validate="one_to_one")
    return table.sort_values(["rank", "province"], kind="stable").reset_index(drop=True)[
        ["rank", "province", "gso_code", "region", "region_vi", "region_en"]]


def position(code: str = PROVINCE_CODE) -> dict:
    """Where a province stands in the DTI 2022: its rank, how many provinces share it,
    how many rank above it, and its place within its region.

    >>> spot = position("74")
    >>> spot["rank"], spot["of"], spot["region_rank"], spot["region_size"]
    (19, 63, 3, 6)
    """
    table = dti_ranks()
    row = table.set_index("gso_code").loc[code]
    region = table[table["region"] == row["region"]]
    return {
        "rank": int(row["rank"]),
        "of": len(table),
        "ahead": int((table["rank"] < row["rank"]).sum()),
        "tied": int((table["rank"] == row["rank"]).sum()) - 1,
        "region": row["region"], "region_vi": row["region_vi"], "region_en": row["region_en"],
        "region_rank": int((region["rank"] < row["rank"]).sum()) + 1,
        "region_size": len(region),
    }


def region_peers(code: str = PROVINCE_CODE) -> pd.DataFrame:
    """The provinces of ``code``'s region with their DTI 2022 rank, best first, and the
    region's place of each."""
    table = dti_ranks()
    region = table.loc[table["gso_code"] == code, "region"].iloc[0]
    peers = table[table["region"] == region].reset_index(drop=True)
    peers.insert(0, "region_rank", peers["rank"].rank(method="min").astype(int))
    peers["selected"] = peers["gso_code"] == code
    return peers


def components(year: int = 2022) -> pd.DataFrame:
    """Bình Dương's published DTI ranks of ``year``: the overall index first, then the
    components from best rank to worst, each with its source."""
    table = reference.dti_components()
    table = table[table["year"] == year].rename(columns={"index": "component", "index_vi": "component_vi",
                                                         "source_note": "source"})
    overall = table["component"].str.startswith("DTI")
    ordered = pd.concat([table[overall], table[~overall].sort_values(["rank", "component"], kind="stable")])
    return ordered.reset_index(drop=True)[["component", "component_vi", "rank", "of", "source"]]


def rank_history() -> pd.DataFrame:
    """Bình Dương's overall DTI rank by year, with how each year's rank is known."""
    table = reference.dti_components()
    table = table[table["index"].str.startswith("DTI")]
    return table.sort_values("year").reset_index(drop=True)[["year", "rank", "of", "source_note"]].rename(
        columns={"source_note": "source"})


def budget() -> pd.DataFrame:
    """The province's published digital-transformation budget by year (spent or planned),
    in VND, with the change on the year before and the source."""
    figures = reference.published_figures()
    table = figures[figures["key"].str.startswith("dt_budget_")].copy()
    table["year"] = table["year"].astype(int)
    table = table.sort_values("year").reset_index(drop=True)
    table["change"] = table["value"] / table["value"].shift(1) - 1
    return table.rename(columns={"value": "budget_vnd"})[["year", "budget_vnd", "change", "label_vi", "label_en", "source"]]
