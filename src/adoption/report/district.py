"""The district profile's parts: key findings, the unit beside the whole area with its
rank among the units of the map, the mix of its businesses, and adoption by commune sorted
by value with the area's rate as a reference line.

On the 2023 map the unit is a district unit and its communes are its own; on the 2025 map
it is a ward or commune of Ho Chi Minh City, and its parts are the former communes its
firms were registered in (:mod:`adoption.metrics.maps`)."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from pandas.io.formats.style import Styler

from ..metrics.disclosure import SYMBOL
from ..metrics.district import district_headline, mix
from ..metrics.maps import DEFAULT_MAP, unit_name
from .benchmark import ordinal
from .findings import extremes
from .formats import fmt_dec, fmt_int, fmt_pct, fmt_signed, group_labels, value_label
from .plots import notice, plot_adoption_by
from .tables import formatted, not_available, text_table
from .text import label, on_map


def _value(measure: str, value, lang: str) -> str:
    return fmt_pct(value, lang) if measure == "adoption_rate" else fmt_int(value, lang)


def headline_table(firms: pd.DataFrame, district: str, lang: str, map_: str = DEFAULT_MAP, *,
                   linked: list[str] | tuple = ()) -> Styler:
    """The unit's headline figures beside the whole area's, its share of the area and its
    rank among the units of ``map_`` (1: the highest value); ``linked``: the unit's figures
    the tables of every unit hide, hidden here too."""
    table = district_headline(firms, district, map_, linked=linked)
    hidden = table["hidden"].to_numpy(dtype=bool)
    return text_table({
        label("district_measure", lang): [label(m, lang) for m in table["measure"]],
        unit_name(district, map_): [SYMBOL if h else _value(m, v, lang) for m, v, h in zip(table["measure"], table["district"], hidden)],
        label(on_map("province", map_), lang): [_value(m, v, lang) for m, v in zip(table["measure"], table["province"])],
        label(on_map("district_share_of_province", map_), lang): [SYMBOL if h else "–" if pd.isna(v) else fmt_pct(v, lang)
                                                                  for v, h in zip(table["share_of_province"], hidden)],
        # A hidden figure's rank is hidden too: it would place the figure between two others.
        label(on_map("district_rank", map_), lang): [SYMBOL if h else "–" if pd.isna(r) else f"{ordinal(int(r), lang)} / {u}"
                                                     for r, u, h in zip(table["rank"], table["units"], hidden)],
    })


def findings(firms: pd.DataFrame, district: str, lang: str, by_commune: pd.DataFrame | None = None,
             map_: str = DEFAULT_MAP, *, linked: list[str] | tuple = ()) -> list[str]:
    """Three to four sentences computed from the data: the unit's size and adoption
    against the whole area, its rank, the communes with the highest and lowest adoption
    (among those shown), and the sector where its mix differs most from the area's."""
    table = district_headline(firms, district, map_, linked=linked).set_index("measure")
    if table.loc[["enterprises", "adoption_rate"], "hidden"].any():
        return []  # figures the profile's own tables hide are not told here either
    name = unit_name(district, map_)
    rate, province_rate = table.loc["adoption_rate", "district"], table.loc["adoption_rate", "province"]
    sentences = [label(on_map("district_finding_size", map_), lang, district=name, firms=fmt_int(table.loc["enterprises", "district"], lang),
                       share=fmt_pct(table.loc["enterprises", "share_of_province"], lang),
                       rank=ordinal(int(table.loc["enterprises", "rank"]), lang), units=int(table.loc["enterprises", "units"]))]
    gap = (rate - province_rate) * 100
    sentences.append(label(on_map("district_finding_rate", map_), lang, rate=fmt_pct(rate, lang), province=fmt_pct(province_rate, lang),
                           gap=fmt_dec(abs(gap), lang),
                           direction=label("district_above" if gap > 0 else "district_below" if gap < 0 else "district_level", lang),
                           rank=ordinal(int(table.loc["adoption_rate", "rank"]), lang), units=int(table.loc["adoption_rate", "units"])))
    ends = None if by_commune is None else extremes(by_commune, "adoption_rate")
    if ends is not None:
        top, low = ends
        sentences.append(label(on_map("district_finding_communes", map_), lang,
                               top=value_label("commune_code", top["commune_code"], lang), top_rate=fmt_pct(top["adoption_rate"], lang),
                               low=value_label("commune_code", low["commune_code"], lang), low_rate=fmt_pct(low["adoption_rate"], lang)))
    sectors = mix(firms, district, "vsic_section", map_, protected=True).dropna(subset=["difference_pp"])
    if not sectors.empty:
        widest = sectors.loc[sectors["difference_pp"].abs().idxmax()]
        sentences.append(label(on_map("district_finding_mix", map_), lang, sector=value_label("vsic_section", widest["vsic_section"], lang),
                               district_share=fmt_pct(widest["district_share"], lang),
                               province_share=fmt_pct(widest["province_share"], lang)))
    return sentences


def mix_table(firms: pd.DataFrame, district: str, by: str, lang: str, map_: str = DEFAULT_MAP, *,
              secret_total: bool = False) -> Styler:
    """The unit's mix of firms by ``by`` beside the whole area's, in percentage points,
    protected (:func:`adoption.metrics.district.mix`)."""
    table = mix(firms, district, by, map_, protected=True, secret_total=secret_total)
    if table.empty:
        return not_available(by, lang)
    return text_table({  # a hidden figure is null: the symbol, never a number
        label(by, lang): group_labels(table, lang).astype(str).to_numpy(),
        label(on_map("district_firms", map_), lang): formatted(table["district_firms"], fmt_int, lang),
        label(on_map("district_share", map_), lang): formatted(table["district_share"], fmt_pct, lang),
        label(on_map("province_share", map_), lang): formatted(table["province_share"], fmt_pct, lang),
        label("difference_pp", lang): formatted(table["difference_pp"], fmt_signed, lang),
    })


def plot_sorted(table: pd.DataFrame, reference_rate: float | None, *, lang: str = "vi", ax: Axes | None = None,
                map_: str = DEFAULT_MAP) -> Axes:
    """The adoption rate of each group of an ``adoption_by`` table as horizontal bars,
    highest first, with the whole area's rate as a dashed reference line (none where that
    rate is hidden); hidden groups get no bar. Where no group is shown, a sentence saying
    so under the chart's title, which the table above explains.

    >>> ax = plot_sorted(pd.DataFrame({"commune_code": ["25747"], "firms": [4], "adopters": [4],
    ...                                "adoption_rate": [None], "hidden": [True]}), 0.5, lang="en")
    >>> [t.get_text() for t in ax.texts]
    ["Not shown: no commune's rate can be shown (see the table above)."]
    """
    title = label(on_map("by_commune", map_), lang)
    reference = None if reference_rate is None else label(on_map("district_province_rate", map_), lang,
                                                          rate=fmt_pct(reference_rate, lang))
    drawn = plot_adoption_by(table, lang=lang, reference=reference_rate, ax=ax, title=title, reference_label=reference)
    return drawn if drawn is not None else notice(title, label(on_map("commune_chart_none", map_), lang), ax)


def parks_table(data, firms: pd.DataFrame, district: str, lang: str, map_: str = DEFAULT_MAP):
    """The unit's industrial parks: workers, training and coverage of the 1 hour/week
    rule from the park records, parks that could reveal one firm hidden; a note when the
    raw folder had no workforce records or the unit has no park in them.

    The park records name a park's district, not its ward or commune: on the 2025 map the
    parks shown are those where the register places firms of the unit (``firms``), each
    with its whole records."""
    from ..metrics import workforce
    from .tables import metric_table

    records = data.workforce
    if records is None:
        return not_available("industrial_park", lang)
    if map_ == DEFAULT_MAP:
        mine = records[records["district_code"].astype(str) == district]
    else:
        mine = records[records["industrial_park"].isin(set(firms["industrial_park"].dropna()))]
    if mine.empty:
        return not_available("industrial_park", lang)
    table = workforce.protect_parks(workforce.training(mine, by="industrial_park"), firms)
    return metric_table(table, lang, columns=["industrial_park", "workers", "trained_per_quarter", "hours_required",
                                              "hours_delivered", "coverage"])
