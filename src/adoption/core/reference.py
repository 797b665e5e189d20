"""Reference data shipped inside the package, in ``core/reference_data/`` (sources in its
``SOURCES.md``).

Every loader returns a fresh frame, so callers may change what they get.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import config

# OECD ICT sector on ISIC Rev.4 (reference SOURCES.md): classes, and whole divisions.
ICT_CLASSES = frozenset({"2610", "2620", "2630", "2640", "2680", "4651", "4652", "5820", "6311", "6312", "9511", "9512"})
ICT_DIVISIONS = frozenset({"61", "62"})
# Wider electronics, IT and digital group (data contract): divisions, groups and classes.
DIGITAL_TECH_PREFIXES = ("26", "27", "4651", "4652", "582", "61", "62", "63", "951")


@lru_cache(maxsize=None)
def read(name: str) -> pd.DataFrame:
    """One reference file as text, read once (callers must not change it: loaders copy)."""
    return pd.read_csv(config.REFERENCE_DIR / name, dtype=str, keep_default_na=False)


def admin_units() -> pd.DataFrame:
    """The 9 district units and 91 communes of Bình Dương with GSO codes.

    >>> units = admin_units()
    >>> units["district_code"].nunique(), len(units)
    (9, 91)
    """
    raw = read("binhduong_admin_units_gso_20250301.csv")
    return pd.DataFrame(
        {
            "district_code": raw["level2_id"],
            "district": raw["district"],
            "district_type": raw["district_type"],
            "commune_code": raw["level3_id"],
            "commune": raw["ward"],
            "commune_type": raw["ward_type"],
        }
    )


def crosswalk_2025() -> pd.DataFrame:
    """Each former Bình Dương commune (91) with the unit(s) of Ho Chi Minh City it became
    on 1 July 2025: one row per pair; ``share`` is ``whole``, ``unchanged``, ``partial``
    or ``remainder`` (16 communes were split between two units).

    >>> pairs = crosswalk_2025()
    >>> pairs["old_commune_code"].nunique(), pairs["commune2025_code"].nunique(), int(pairs["is_split"].sum())
    (91, 36, 32)
    """
    raw = read("binhduong_2025_crosswalk.csv")
    return pd.DataFrame({
        "old_commune_code": raw["old_commune_code"],
        "old_district_code": raw["old_district_code"],
        "commune2025_code": raw["new_unit_code"],
        "commune2025": raw["new_unit_name"],
        "commune2025_type": raw["new_unit_type"],
        "is_split": raw["is_split"] == "yes",
        "share": raw["share_of_old_unit"],
    })


def units_2025() -> pd.DataFrame:
    """The 36 commune-level units of Ho Chi Minh City made from former Bình Dương, with GSO
    codes (a code may equal a former commune's: not the same territory).

    >>> units_2025().set_index("commune2025_code").loc["25747", "commune2025"]
    'Phường Thủ Dầu Một'
    """
    pairs = crosswalk_2025()
    return pairs.drop_duplicates("commune2025_code")[["commune2025_code", "commune2025", "commune2025_type"]].reset_index(drop=True)


def districts() -> pd.DataFrame:
    """The 9 district units: ``district_code``, ``district`` (official name), short name.

    >>> districts().set_index("district_code").loc["721", "district_short"]
    'Bến Cát'
    """
    units = admin_units().drop_duplicates("district_code")[["district_code", "district", "district_type"]]
    short = [name.removeprefix(kind).strip() for name, kind in zip(units["district"], units["district_type"])]
    return units.assign(district_short=short).reset_index(drop=True)


def vsic_codes() -> pd.DataFrame:
    """VSIC 2018 at every level: ``level``, ``code``, ``name_vi``, ``parent_code``, ``section``."""
    return read("vsic2018_codes.csv").copy()


def vsic_classes() -> pd.DataFrame:
    """The 4-digit VSIC 2018 classes with their division, section and flags.

    >>> classes = vsic_classes().set_index("vsic4")
    >>> [str(v) for v in classes.loc["2610", ["vsic_division", "vsic_section", "is_ict", "is_digital_tech"]]]
    ['26', 'C', 'True', 'True']
    """
    codes = vsic_codes()
    classes = codes[codes["level"] == "4"]
    vsic4 = classes["code"]
    division = vsic4.str[:2]
    return pd.DataFrame(
        {
            "vsic4": vsic4.to_numpy(),
            "name_vi": classes["name_vi"].to_numpy(),
            "vsic_division": division.to_numpy(),
            "vsic_section": classes["section"].to_numpy(),
            "is_ict": (vsic4.isin(ICT_CLASSES) | division.isin(ICT_DIVISIONS)).to_numpy(),
            "is_digital_tech": vsic4.map(lambda c: c.startswith(DIGITAL_TECH_PREFIXES)).astype(bool).to_numpy(),
        }
    )


def vsic_sections() -> pd.DataFrame:
    """The 21 VSIC 2018 sections with Vietnamese and English (ISIC Rev.4) names."""
    return read("vsic2018_sections.csv").copy()


def industrial_parks() -> pd.DataFrame:
    """The 29 industrial parks the synthetic register uses, with district and origin."""
    parks = read("synthetic_parks.csv").copy()
    parks["weight"] = parks["weight"].astype(float)
    return parks


def reference_parks() -> pd.DataFrame:
    """The 36 industrial parks of the reference list, with their sources (not complete)."""
    return read("binhduong_industrial_parks.csv").copy()


def published_figures() -> pd.DataFrame:
    """Published figures the reports compare with, one row per ``key``, with source.

    >>> int(published_figures().set_index("key").loc["enterprises", "value"])
    65000
    """
    figures = read("published_figures.csv").copy()
    figures["value"] = figures["value"].astype("int64")
    return figures


def dii_indicators() -> pd.DataFrame:
    """The 12 Digital Intensity Index (v3) indicators, labels, and the synthetic survey's shares."""
    table = read("dii_indicators.csv").copy()
    for column in [c for c in table.columns if c.startswith("share_")]:
        table[column] = table[column].astype(float)
    return table


def dii_benchmarks() -> pd.DataFrame:
    """EU 2023 digital-intensity figures and the 2030 target, with their source."""
    table = read("dii_benchmarks.csv").copy()
    table["value"] = table["value"].astype(float)
    return table


def dti_2022_ranks() -> pd.DataFrame:
    """DTI 2022 overall rank of the 63 provinces, names as published."""
    ranks = read("dti_2022_provincial_rank.csv").copy()
    ranks["dti2022_rank"] = ranks["dti2022_rank"].astype(int)
    return ranks


def provinces() -> pd.DataFrame:
    """The 63 provinces (before the 2025 reform) with GSO code, name and socio-economic region.

    >>> table = provinces()
    >>> len(table), table.set_index("gso_code").loc["74", "region_en"]
    (63, 'Southeast')
    """
    names = read("vn_63_provinces_gso_codes_20250301.csv")[["gso_code", "name"]]
    return names.merge(read("vn_63_provinces_regions.csv"), on="gso_code", how="left", validate="one_to_one")


def gso_provinces() -> pd.DataFrame:
    """The 63 provinces before the 2025 reform as the statistics office lists them:
    ``gso_code``, ``name`` (official, with its type), ``type``, and the counts of their
    district and commune units.

    >>> table = gso_provinces().set_index("gso_code")
    >>> len(table), table.loc["02", "name"], int(table.loc["74", "n_district_units"])
    (63, 'Tỉnh Hà Giang', 9)
    """
    table = read("vn_63_provinces_gso_codes_20250301.csv").copy()
    for column in ("n_district_units", "n_commune_units"):
        table[column] = table[column].astype("int64")
    return table


def dti_components() -> pd.DataFrame:
    """Bình Dương's published DTI ranks (overall by year, and the 2022 components), with sources."""
    table = read("binhduong_dti_components.csv").copy()
    for column in ("year", "rank", "of"):
        table[column] = table[column].astype(int)
    return table
