"""The district profile's parts: key findings, the district beside the province with its
rank among the district units, the mix of its businesses, and adoption by commune sorted
by value with the province's rate as a reference line."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from pandas.io.formats.style import Styler

from ..core import reference
from ..metrics.disclosure import SYMBOL
from ..metrics.district import district_headline, mix
from .benchmark import ordinal
from .findings import extremes
from .formats import fmt_dec, fmt_int, fmt_pct, fmt_signed, group_labels, value_label
from .plots import plot_adoption_by
from .tables import not_available, text_table
from .text import label


def district_name(district: str) -> str:
    """The district unit's name from the reference list."""
    return reference.districts().set_index("district_code").loc[district, "district"]


def _value(measure: str, value, lang: str) -> str:
    return fmt_pct(value, lang) if measure == "adoption_rate" else fmt_int(value, lang)


def headline_table(firms: pd.DataFrame, district: str, lang: str) -> Styler:
    """The district's headline figures beside the province's, its share of the province
    and its rank among the district units (1: the highest value)."""
    table = district_headline(firms, district)
    hidden = table["hidden"].to_numpy(dtype=bool)
    return text_table({
        label("district_measure", lang): [label(m, lang) for m in table["measure"]],
        district_name(district): [SYMBOL if h else _value(m, v, lang) for m, v, h in zip(table["measure"], table["district"], hidden)],
        label("province", lang): [_value(m, v, lang) for m, v in zip(table["measure"], table["province"])],
        label("district_share_of_province", lang): [SYMBOL if h else "–" if pd.isna(v) else fmt_pct(v, lang)
                                                    for v, h in zip(table["share_of_province"], hidden)],
        label("district_rank", lang): ["–" if pd.isna(r) else f"{ordinal(int(r), lang)} / {u}" for r, u in zip(table["rank"], table["units"])],
    })


def findings(firms: pd.DataFrame, district: str, lang: str, by_commune: pd.DataFrame | None = None) -> list[str]:
    """Three to four sentences computed from the data: the district's size and adoption
    against the province, its rank, the communes with the highest and lowest adoption
    (among those shown), and the sector where its mix differs most from the province's."""
    table = district_headline(firms, district).set_index("measure")
    if table.loc[["enterprises", "adoption_rate"], "hidden"].any():
        return []  # figures the profile's own tables hide are not told here either
    name = district_name(district)
    rate, province_rate = table.loc["adoption_rate", "district"], table.loc["adoption_rate", "province"]
    sentences = [label("district_finding_size", lang, district=name, firms=fmt_int(table.loc["enterprises", "district"], lang),
                       share=fmt_pct(table.loc["enterprises", "share_of_province"], lang),
                       rank=ordinal(int(table.loc["enterprises", "rank"]), lang), units=int(table.loc["enterprises", "units"]))]
    gap = (rate - province_rate) * 100
    sentences.append(label("district_finding_rate", lang, rate=fmt_pct(rate, lang), province=fmt_pct(province_rate, lang),
                           gap=fmt_dec(abs(gap), lang),
                           direction=label("district_above" if gap > 0 else "district_below" if gap < 0 else "district_level", lang),
                           rank=ordinal(int(table.loc["adoption_rate", "rank"]), lang), units=int(table.loc["adoption_rate", "units"])))
    ends = None if by_commune is None else extremes(by_commune, "adoption_rate")
    if ends is not None:
        top, low = ends
        sentences.append(label("district_finding_communes", lang,
                               top=value_label("commune_code", top["commune_code"], lang), top_rate=fmt_pct(top["adoption_rate"], lang),
                               low=value_label("commune_code", low["commune_code"], lang), low_rate=fmt_pct(low["adoption_rate"], lang)))
    sectors = mix(firms, district, "vsic_section")
    if not sectors.empty:
        widest = sectors.loc[sectors["difference_pp"].abs().idxmax()]
        sentences.append(label("district_finding_mix", lang, sector=value_label("vsic_section", widest["vsic_section"], lang),
                               district_share=fmt_pct(widest["district_share"], lang),
                               province_share=fmt_pct(widest["province_share"], lang)))
    return sentences


def mix_table(firms: pd.DataFrame, district: str, by: str, lang: str) -> Styler:
    """The district's mix of firms by ``by`` beside the province's, in percentage points."""
    table = mix(firms, district, by)
    if table.empty:
        return not_available(by, lang)
    return text_table({
        label(by, lang): group_labels(table, lang).astype(str).to_numpy(),
        label("district_firms", lang): [fmt_int(v, lang) for v in table["district_firms"]],
        label("district_share", lang): [fmt_pct(v, lang) for v in table["district_share"]],
        label("province_share", lang): [fmt_pct(v, lang) for v in table["province_share"]],
        label("difference_pp", lang): [fmt_signed(v, lang) for v in table["difference_pp"]],
    })


def plot_sorted(table: pd.DataFrame, reference_rate: float, *, lang: str = "vi", ax: Axes | None = None) -> Axes | None:
    """The adoption rate of each group of an ``adoption_by`` table as horizontal bars,
    highest first, with the province's rate as a dashed reference line; hidden groups get
    no bar. None when no group is shown."""
    return plot_adoption_by(table, lang=lang, reference=reference_rate, ax=ax,
                            reference_label=label("district_province_rate", lang, rate=fmt_pct(reference_rate, lang)))


def parks_table(data, firms: pd.DataFrame, district: str, lang: str):
    """The district's industrial parks: workers, training and coverage of the 1 hour/week
    rule from the park records, parks that could reveal one firm hidden; a note when the
    raw folder had no workforce records or the district has no park in them."""
    from ..metrics import workforce
    from .tables import metric_table

    records = data.workforce
    if records is None:
        return not_available("industrial_park", lang)
    mine = records[records["district_code"].astype(str) == district]
    if mine.empty:
        return not_available("industrial_park", lang)
    table = workforce.protect_parks(workforce.training(mine, by="industrial_park"), firms)
    return metric_table(table, lang, columns=["industrial_park", "workers", "trained_per_quarter", "hours_required",
                                              "hours_delivered", "coverage"])
