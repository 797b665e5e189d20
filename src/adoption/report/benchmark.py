"""The province benchmark report's parts: key findings, the 63 provinces in one chart,
the components, the region and the budget, all from published figures
(:mod:`adoption.metrics.benchmark`), each with its source."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML
from matplotlib.axes import Axes
from pandas.io.formats.style import Styler

from ..metrics import benchmark
from .escape import chart_text, html_text
from .alt import describe
from .plots import PALETTE, _despine
from .formats import fmt_int, fmt_pct
from .tables import text_table
from .text import label

# The province in the reference colour, its region in the data colour, the rest in grey.
HIGHLIGHT, PEER, OTHER = PALETTE["reference"], PALETTE["data"], PALETTE["context"]


def ordinal(rank: int, lang: str) -> str:
    """A rank as the language writes it.

    >>> [ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 19, 21, 22, 62)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '19th', '21st', '22nd', '62nd']
    >>> ordinal(19, "vi")
    'thứ 19'
    """
    if lang == "vi":
        return f"thứ {rank}"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def _name(row, lang: str) -> str:
    return row["component_vi"] if lang == "vi" else row["component"]


def findings(lang: str, code: str = benchmark.PROVINCE_CODE) -> list[str]:
    """Four sentences on where the province stands, every number computed from the
    published tables: its rank and its change on the year before, its place in its region,
    its best and worst components, and the budget."""
    spot, history = benchmark.position(code), benchmark.rank_history().set_index("year")
    sentences = []
    before = history["rank"].get(2021)
    change = "" if before is None else label(
        "bench_up" if before > spot["rank"] else "bench_down" if before < spot["rank"] else "bench_same", lang,
        places=abs(int(before) - spot["rank"]), before=ordinal(int(before), lang))
    sentences.append(label("bench_finding_rank", lang, rank=ordinal(spot["rank"], lang), of=spot["of"],
                           ahead=spot["ahead"], change=change))
    peers = benchmark.region_peers(code)
    above = peers[peers["rank"] < spot["rank"]]
    ahead = ", ".join(f"{name} ({ordinal(int(rank), lang)})" for name, rank in zip(above["province"], above["rank"]))
    sentences.append(label("bench_finding_region", lang, region=spot[f"region_{lang}"], rank=ordinal(spot["region_rank"], lang),
                           size=spot["region_size"], ahead=ahead or label("bench_none_ahead", lang)))
    parts = benchmark.components()
    parts = parts[~parts["component"].str.startswith("DTI")]
    best, worst = parts.iloc[0], parts.iloc[-1]
    sentences.append(label("bench_finding_components", lang, best=_name(best, lang), best_rank=ordinal(int(best["rank"]), lang),
                           worst=_name(worst, lang), worst_rank=ordinal(int(worst["rank"]), lang), of=int(worst["of"])))
    money = benchmark.budget()
    if len(money) >= 2:
        first, last = money.iloc[0], money.iloc[-1]
        change = fmt_pct(last["change"], lang, digits=0)
        sentences.append(label("bench_finding_budget", lang, first_what=first[f"label_{lang}"],
                               first=fmt_int(first["budget_vnd"] / 1e9, lang), first_year=int(first["year"]),
                               last_what_lower=last[f"label_{lang}"][:1].lower() + last[f"label_{lang}"][1:],
                               last=fmt_int(last["budget_vnd"] / 1e9, lang), last_year=int(last["year"]),
                               change=change if last["change"] < 0 else f"+{change}"))
    return sentences


def plot_ranks(code: str = benchmark.PROVINCE_CODE, *, lang: str = "vi", ax: Axes | None = None) -> Axes:
    """The 63 provinces by DTI 2022 rank, best at the top: the province marked, its region's
    other provinces in a second colour, the rest in grey."""
    table = benchmark.dti_ranks()
    region = table.loc[table["gso_code"] == code, "region"].iloc[0]
    colours = [HIGHLIGHT if c == code else PEER if r == region else OTHER for c, r in zip(table["gso_code"], table["region"])]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.16 * len(table) + 1.4), layout="constrained")
    positions = range(len(table))
    ax.hlines(list(positions), 0, table["rank"], color=colours, linewidth=1.2)
    ax.scatter(table["rank"], list(positions), color=colours, s=22, zorder=3)
    ax.set_yticks(list(positions), labels=[chart_text(name) for name in table["province"]], fontsize=6.5)
    for tick, colour in zip(ax.get_yticklabels(), colours):
        if colour == HIGHLIGHT:
            tick.set_color(HIGHLIGHT)
            tick.set_fontweight("bold")
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, len(table) + 1)
    ax.set_xlabel(label("bench_rank_axis", lang))
    ax.set_title(label("bench_chart_title", lang), loc="left", fontsize=11)
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=c) for c in (HIGHLIGHT, PEER, OTHER)]
    spot = benchmark.position(code)
    ax.legend(handles, [label("province", lang), spot[f"region_{lang}"], label("bench_other_provinces", lang)],
              loc="lower right", fontsize=8, frameon=False)
    peers = benchmark.region_peers(code)
    describe(ax.figure, label("alt_ranks", lang, title=label("bench_chart_title", lang), province=label("province", lang),
                              rank=spot["rank"], of=spot["of"], region=spot[f"region_{lang}"],
                              peers="; ".join(f"{name} {int(rank)}" for name, rank in zip(peers["province"], peers["rank"]))))
    _despine(ax)
    return ax


def components_table(lang: str) -> Styler:
    """The province's DTI 2022 ranks, overall then by component, with sources."""
    parts = benchmark.components()
    return text_table({
        label("bench_component", lang): [_name(row, lang) for _, row in parts.iterrows()],
        label("bench_rank", lang): [f"{ordinal(int(r), lang)} / {int(n)}" for r, n in zip(parts["rank"], parts["of"])],
        label("source", lang): parts["source"].tolist(),
    })


def region_table(lang: str, code: str = benchmark.PROVINCE_CODE) -> Styler:
    """The provinces of the region with their DTI 2022 rank nationally and in the region."""
    peers = benchmark.region_peers(code)
    return text_table({
        label("bench_province", lang): peers["province"].tolist(),
        label("bench_region_rank", lang): [ordinal(int(r), lang) for r in peers["region_rank"]],
        label("bench_rank", lang): [f"{ordinal(int(r), lang)} / 63" for r in peers["rank"]],
    })


def history_table(lang: str) -> Styler:
    """The province's overall DTI rank by year, with how each is known."""
    history = benchmark.rank_history()
    return text_table({
        label("year", lang): history["year"].astype(str).tolist(),
        label("bench_rank", lang): [f"{ordinal(int(r), lang)} / {int(n)}" for r, n in zip(history["rank"], history["of"])],
        label("source", lang): history["source"].tolist(),
    })


def budget_table(lang: str) -> Styler:
    """The published digital-transformation budget by year, in billion VND, with sources."""
    money = benchmark.budget()
    return text_table({
        label("year", lang): money["year"].astype(str).tolist(),
        label("bench_budget_what", lang): money[f"label_{lang}"].tolist(),
        label("bench_budget_bn", lang): [fmt_int(v / 1e9, lang) for v in money["budget_vnd"]],
        label("bench_change", lang): [fmt_pct(v, lang, digits=0) for v in money["change"]],
        label("source", lang): money["source"].tolist(),
    })


def published_only(lang: str) -> HTML:
    """The statement that this report shows published figures only, none from the register."""
    return HTML(f'<p class="adoption-published-only"><strong>{html_text(label("bench_published_only", lang))}</strong></p>')
