"""Key findings of the province reports: three to five sentences each, every number in
them computed here from the data by the metrics functions, none claiming a cause.

Group comparisons use the tables a report shows, protected: a hidden group is never named
as the highest or lowest. Each function returns the sentences; :func:`adoption.report.page.key_findings`
shows them first on the page.
"""

from __future__ import annotations

import pandas as pd

from ..metrics import adoption, disclosure, ict, intensity, workforce
from ..metrics.headline import beyond_the_province
from ..metrics.maps import DEFAULT_MAP, unit_dimension
from ..metrics.sectors import UNPLACED
from .formats import fmt_dec, fmt_int, fmt_pct, value_label
from .text import label, on_map


def extremes(table: pd.DataFrame, value: str) -> tuple[pd.Series, pd.Series] | None:
    """The shown rows with the highest and lowest ``value`` (None with fewer than two)."""
    shown = table[~table["hidden"].astype(bool)] if "hidden" in table.columns else table
    shown = shown.dropna(subset=[value])
    if len(shown) < 2:
        return None
    return shown.loc[shown[value].idxmax()], shown.loc[shown[value].idxmin()]


def _spread(firms: pd.DataFrame, by: str, lang: str, sentence: str) -> list[str]:
    """The highest and lowest adoption rate among the shown groups of ``by``."""
    key = adoption.group_key(firms, by)[0]
    table = adoption.adoption_by(firms, by, protected=True)
    # Firms a classification or a map cannot place are no group: never the highest or the lowest.
    ends = extremes(table[~table[key].isin([UNPLACED, adoption.NOT_ASSIGNABLE])], "adoption_rate")
    if ends is None:
        return []
    top, low = ends
    return [label(sentence, lang, top=value_label(key, top[key], lang), top_rate=fmt_pct(top["adoption_rate"], lang),
                  low=value_label(key, low[key], lang), low_rate=fmt_pct(low["adoption_rate"], lang),
                  gap=fmt_dec((top["adoption_rate"] - low["adoption_rate"]) * 100, lang))]


def overview(firms: pd.DataFrame, lang: str, map_: str = DEFAULT_MAP) -> list[str]:
    """The adopters among the firms, the spread between the units of ``map_`` and between
    sectors, and the gap between the largest and the smallest firms."""
    # Firms of several provinces (national clean data): the units are Bình Dương's alone.
    units = "finding_bd_districts" if beyond_the_province(firms) else "finding_districts"
    return (_adopters(firms, lang) + _spread(firms, unit_dimension(map_), lang, on_map(units, map_))
            + _spread(firms, "vsic_section", lang, "finding_sectors") + _sizes(firms, lang))


def national(firms: pd.DataFrame, lang: str) -> list[str]:
    """The adopters among the firms of the whole country, the spread between the provinces
    shown, how many of those are above the national rate, and the gap between the largest
    and the smallest firms."""
    sentences = _adopters(firms, lang) + _spread(firms, "province", lang, "finding_provinces")
    figures = adoption.headline(firms, protected=True)
    shown = adoption.adoption_by(firms, "province", protected=True)
    shown = shown[~shown["hidden"].astype(bool)].dropna(subset=["adoption_rate"])
    if len(shown) >= 2 and "adoption_rate" not in figures.attrs["hidden"]:
        rate = figures["adoption_rate"]
        sentences.append(label("finding_provinces_above", lang, above=fmt_int(int((shown["adoption_rate"] > rate).sum()), lang),
                               shown=fmt_int(len(shown), lang), rate=fmt_pct(rate, lang)))
    return sentences + _sizes(firms, lang)


def _adopters(firms: pd.DataFrame, lang: str) -> list[str]:
    """The adopters among the firms, unless the headline hides them."""
    figures = adoption.headline(firms, protected=True)
    if {"adopters", "enterprises"} & set(figures.attrs["hidden"]):
        return []
    return [label("finding_adopters", lang, adopters=fmt_int(figures["adopters"], lang),
                  firms=fmt_int(figures["enterprises"], lang), rate=fmt_pct(figures["adoption_rate"], lang))]


def _sizes(firms: pd.DataFrame, lang: str) -> list[str]:
    """The gap between the adoption rates of large and micro firms, when both are shown."""
    sizes = adoption.adoption_by(firms, "size_class", protected=True).set_index("size_class")
    if not ({"micro", "large"} <= set(sizes.index)) or sizes.loc[["micro", "large"], "hidden"].any():
        return []
    large, micro = sizes.loc["large", "adoption_rate"], sizes.loc["micro", "adoption_rate"]
    return [label("finding_sizes", lang, large=fmt_pct(large, lang), micro=fmt_pct(micro, lang),
                  gap=fmt_dec(abs(large - micro) * 100, lang))]


def digital_intensity(survey: pd.DataFrame, lang: str) -> list[str]:
    """Each group's share of firms with at least basic digital intensity against the EU
    2023 share, and the SMEs' distance to the 2030 target."""
    table = intensity.compare_eu(survey)
    sentences = []
    for _, row in table.iterrows():
        if pd.isna(row["share"]) or row.get("quality") == "F":
            continue
        kind = "census" if row["method"] == "census" else "estimate"
        sentences.append(label(f"finding_intensity_{kind}", lang, group=value_label("group", row["group"], lang).lower(),
                               share=fmt_pct(row["share"], lang), eu=fmt_pct(row["eu_2023"], lang),
                               low=fmt_pct(row["ci_low"], lang), high=fmt_pct(row["ci_high"], lang)))
        if pd.notna(row["eu_target_2030"]):
            sentences.append(label("finding_intensity_target", lang, target=fmt_pct(row["eu_target_2030"], lang),
                                   gap=fmt_dec(abs(row["eu_target_2030"] - row["share"]) * 100, lang)))
    return sentences


def ict_sector(firms: pd.DataFrame, lang: str) -> list[str]:
    """The electronics-IT-digital group's firms and workers, its share of the register's
    workers, and the ICT sector inside it: each sentence only with figures the report's
    overview table shows (:func:`adoption.metrics.ict.overview`)."""
    table = ict.overview(firms, protected=True)
    hidden = {column: dict(zip(table.index, mask)) for column, mask in table.attrs["hidden_cells"].items()}
    digital, core = table.loc["digital_tech"], table.loc["ict"]
    if digital["firms"] == 0:
        return [label("finding_digital_none", lang)]
    if hidden["firms"]["digital_tech"] or hidden["employees"]["digital_tech"]:
        return []  # a group of 1 or 2 firms, or one dominated by its largest: the table hides it too
    workers = firms["employees"].sum()
    # The share would give the workers of every firm, a total one or two firms may hold.
    whole_shown = not disclosure.dominated(firms["employees"])
    sentences = [label("finding_digital_group" if whole_shown else "finding_digital_group_alone", lang,
                       firms=fmt_int(digital["firms"], lang), workers=fmt_int(digital["employees"], lang),
                       share=fmt_pct(digital["employees"] / workers if workers else float("nan"), lang))]
    if not (hidden["firms"]["ict"] or hidden["employees"]["ict"]):
        sentences.append(label("finding_ict_core", lang, firms=fmt_int(core["firms"], lang),
                               workers=fmt_int(core["employees"], lang)))
    return sentences


def training(records: pd.DataFrame, lang: str) -> list[str]:
    """Hours delivered against the hours the rule requires, the shortfall, and the
    quarters with the highest and lowest coverage."""
    whole = workforce.training(records).iloc[0]
    sentences = [label("finding_coverage", lang, delivered=fmt_int(whole["hours_delivered"], lang),
                       required=fmt_int(whole["hours_required"], lang), coverage=fmt_pct(whole["coverage"], lang),
                       gap=fmt_int(whole["gap_hours"], lang))]
    quarters = workforce.training(records, by="period")
    ends = extremes(quarters, "coverage")
    if ends is not None:
        top, low = ends
        sentences.append(label("finding_quarters", lang, top=top["period"], top_rate=fmt_pct(top["coverage"], lang),
                               low=low["period"], low_rate=fmt_pct(low["coverage"], lang)))
    return sentences
