"""Charts: the house palette holds in grey and for colour-blind readers, seaborn loads only
where a chart needs it, and each chart draws what its table says (hidden cells as hidden,
gaps as gaps, intervals where they exist), with an alt text of the values drawn."""

import math
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import colormaps  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from adoption.metrics.adoption import adoption_by  # noqa: E402
from adoption.metrics.disclosure import SYMBOL  # noqa: E402
from adoption.report import charts, plots  # noqa: E402


def _lightness(colour) -> float:
    """CIE L* of an sRGB colour, from the sRGB and CIE 1976 formulas."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def test_the_palette_reads_in_grey():
    data, reference, context = (_lightness(plots.PALETTE[k]) for k in ("data", "reference", "context"))
    assert reference - data > 35  # the reference line and the bars stay apart in a grey print
    assert context - reference > 12  # grey context (other provinces, hidden cells) is lighter still


def test_the_heatmap_colours_rise_evenly_in_lightness():
    cmap = colormaps[plots.SEQUENTIAL]
    lightness = [_lightness(cmap(x)[:3]) for x in np.linspace(0, 1, 11)]
    assert all(b > a for a, b in zip(lightness, lightness[1:]))  # readable in grey: darker is lower


def test_seaborn_is_imported_only_by_a_chart_that_needs_it():
    code = ("import sys, matplotlib; matplotlib.use('Agg'); import adoption as ad; "
            "ad.plot_adoption_by, ad.metric_table, ad.adoption_table, ad.district, ad.benchmark; "
            "before = 'seaborn' in sys.modules; import pandas as pd; "
            "ad.plot_estimates(pd.DataFrame({'size_class': ['micro'], 'share': [0.5]}), lang='en'); "
            "print(before, 'seaborn' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_the_heatmap_marks_hidden_cells_and_never_draws_their_rate():
    """FDI large is one firm (an adopter): hidden, with the cells the secondary protection
    hides beside it; every other cell has 10 firms, 6 of them adopters."""
    rows = []
    for owner in ("fdi", "state", "domestic_private"):
        for size in ("micro", "small", "large"):
            rows += [(owner, size, True)] if (owner, size) == ("fdi", "large") else [(owner, size, True)] * 6 + [(owner, size, False)] * 4
    frame = pd.DataFrame(rows, columns=["ownership", "size_class", "uses_digital_platform"])
    frame = frame.astype({"ownership": "category", "size_class": pd.CategoricalDtype(["micro", "small", "large"])})
    table = adoption_by(frame, ("ownership", "size_class"), protected=True)
    hidden = table[table["hidden"]]
    assert ("fdi", "large") in set(zip(hidden["ownership"].astype(str), hidden["size_class"].astype(str)))
    ax = charts.plot_heatmap(table, lang="en")
    texts = [t.get_text() for t in ax.texts]
    assert texts.count(SYMBOL) == len(hidden)
    assert "100.0%" not in texts  # the single firm's rate
    assert texts.count("60.0%") == 9 - len(hidden) and len(hidden) < 9
    assert ax.figure.adoption_alt.startswith("Adoption rate by ownership and size.")
    assert ax.figure.adoption_alt.endswith(f"{len(hidden)} groups hidden for confidentiality.")


def test_the_heatmap_alt_names_the_highest_and_lowest_shown_cells():
    rows = ([("fdi", "micro", True)] * 6 + [("fdi", "micro", False)] * 4      # 60%
            + [("state", "micro", True)] * 3 + [("state", "micro", False)] * 7  # 30%
            + [("fdi", "large", True)] * 9 + [("fdi", "large", False)] * 3      # 75%
            + [("state", "large", True)] * 5 + [("state", "large", False)] * 5)  # 50%
    frame = pd.DataFrame(rows, columns=["ownership", "size_class", "uses_digital_platform"]).astype("category")
    frame["uses_digital_platform"] = frame["uses_digital_platform"].astype(bool)
    ax = charts.plot_heatmap(adoption_by(frame, ("ownership", "size_class"), protected=True), lang="en")
    assert sorted(t.get_text() for t in ax.texts) == ["30.0%", "50.0%", "60.0%", "75.0%"]
    assert ax.figure.adoption_alt.endswith("Highest: Foreign-invested (FDI) × Large 75.0%; lowest: State × Micro 30.0%.")


def test_small_multiples_one_panel_a_group_with_the_whole_and_gaps():
    months = pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01"])
    by_group = pd.DataFrame({"month": list(months) * 2, "ownership": ["fdi"] * 3 + ["state"] * 3,
                             "adoption_rate": [0.1, None, 0.3, 0.2, 0.4, 0.5]})
    whole = pd.DataFrame({"month": months, "adoption_rate": [0.15, 0.3, 0.4]})
    grid = charts.plot_over_time_facets(by_group, whole, lang="en")
    panels = list(grid.axes.flat)
    assert [ax.get_title() for ax in panels] == ["Foreign-invested (FDI)", "State"]
    for ax in panels:
        whole_line, group_line = ax.get_lines()
        assert whole_line.get_linestyle() == "--"
        assert list(whole_line.get_ydata()) == [0.15, 0.3, 0.4]
    fdi = panels[0].get_lines()[1].get_ydata()
    assert math.isnan(fdi[1])  # a hidden month is a gap, not a fall to zero
    assert grid.figure.adoption_alt == ("Adoption over time in each district unit (cumulative, by month), 01/2021 to 03/2021. "
                                        "Last month: Foreign-invested (FDI) 30.0%; State 50.0%.")


def test_estimates_draw_intervals_only_where_there_are_some():
    table = pd.DataFrame({"size_class": ["micro", "small", "large"], "share": [0.36, 0.55, 0.946],
                          "ci_low": [0.333, 0.512, None], "ci_high": [0.39, 0.597, None],
                          "method": ["taylor", "wilson", "census"], "hidden": [False, False, False]})
    bench = pd.DataFrame({"value": [0.58], "label_en": ["EU 2023"], "label_vi": ["EU 2023"]})
    ax = charts.plot_estimates(table, benchmarks=bench, lang="en")
    [intervals] = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    segments = intervals.get_segments()
    assert [(round(s[0][0], 3), round(s[1][0], 3)) for s in segments if len(s) and not np.isnan(s).any()] == [(0.333, 0.39), (0.512, 0.597)]
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_label() == "EU 2023: 58.0%"] == [0.58]
    assert ax.figure.adoption_alt == ("Estimates by size with their 95% intervals: Micro 36.0% (33.3%–39.0%); "
                                      "Small 55.0% (51.2%–59.7%); Large 94.6%. Reference line: EU 2023: 58.0%.")


def test_bars_sorted_with_the_reference_line_but_sizes_keep_their_order():
    frame = pd.DataFrame({"ownership": ["fdi"] * 4 + ["state"] * 4 + ["domestic_private"] * 4,
                          "uses_digital_platform": [True, False, False, False] + [True] * 3 + [False] + [True, True, False, False]})
    ax = plots.plot_adoption_by(adoption_by(frame, "ownership"), lang="en", reference=0.5)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["State", "Domestic private", "Foreign-invested (FDI)"]
    assert ax.figure.adoption_alt == ("By ownership: State 75.0%; Domestic private 50.0%; Foreign-invested (FDI) 25.0%. "
                                      "Reference line: All enterprises counted: 50.0%.")
    sizes = pd.DataFrame({"size_class": pd.Categorical(["micro", "micro", "large"], categories=["micro", "large"]),
                          "uses_digital_platform": [False, False, True]})
    ax = plots.plot_adoption_by(adoption_by(sizes, "size_class"), lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Micro", "Large"]


def test_a_heatmap_of_hidden_cells_only_says_so():
    """Every group 3 firms, all adopters: each cell's non-adopters are 0, so every cell is
    hidden; the chart says so instead of leaving its heading over nothing."""
    frame = pd.DataFrame([(o, s, True) for o in ("fdi", "state") for s in ("micro", "large") for _ in range(3)],
                         columns=["ownership", "size_class", "uses_digital_platform"]).astype({"ownership": "category",
                                                                                             "size_class": "category"})
    table = adoption_by(frame, ("ownership", "size_class"), protected=True)
    assert table["hidden"].all()
    ax = charts.plot_heatmap(table, lang="en")
    assert [t.get_text() for t in ax.texts] == ["Not shown: every cell is too small to show without revealing a firm (x)."]
    assert ax.figure.adoption_alt == ("Adoption rate by ownership and size. "
                                      "Not shown: every cell is too small to show without revealing a firm (x).")


def test_a_heatmap_of_no_cell_says_which_values_are_unknown():
    """A register placing no firm in a district unit (a province other than Bình Dương):
    the chart under its heading says why it is empty, in both languages."""
    frame = pd.DataFrame({"district_code": pd.Series([None] * 4, dtype="string"),
                          "size_class": pd.Categorical(["micro", "micro", "large", "large"]),
                          "uses_digital_platform": [True, False, True, True]})
    table = adoption_by(frame, ("district", "size_class"), protected=True)
    assert table.empty
    ax = charts.plot_heatmap(table, lang="en")
    assert [t.get_text() for t in ax.texts] == ["Not shown: no firm has both a known district unit and a known size."]
    vi = charts.plot_heatmap(table, lang="vi")
    assert [t.get_text() for t in vi.texts][0].startswith("Không thể trình bày")
