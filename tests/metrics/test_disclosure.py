"""Disclosure control: primary and secondary suppression worked out by hand."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from adoption.metrics import disclosure
from adoption.metrics.disclosure import TOTAL, protect
from adoption.report.page import disclosure_footnote


def _firms(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [{"district": d, "size": s} for (d, s), n in counts.items() for _ in range(n)]
    return pd.DataFrame(rows)


# By hand:            small large | total
#   A                   5     1   |   6     A-large: 1 firm  -> count
#   B                   4     4   |   8
#   C                   2     6   |   8     C-small: 2 firms -> count
#   total              11    11   |  22
# Row A and row C would each hold one hidden cell: the other cell of each row is hidden
# too (secondary). Columns then hold two hidden cells each, and no total is hidden.
HAND = {("A", "small"): 5, ("A", "large"): 1, ("B", "small"): 4, ("B", "large"): 4, ("C", "small"): 2, ("C", "large"): 6}


def test_hand_worked_primary_and_secondary():
    table = protect(_firms(HAND), "district", "size")
    status = table.status.loc[["A", "B", "C", TOTAL], ["small", "large", TOTAL]]
    assert status.to_dict("index") == {
        "A": {"small": "secondary", "large": "count", TOTAL: ""},
        "B": {"small": "", "large": "", TOTAL: ""},
        "C": {"small": "count", "large": "secondary", TOTAL: ""},
        TOTAL: {"small": "", "large": "", TOTAL: ""},
    }
    assert table.values.loc["B", "small"] == 4 and table.values.loc[TOTAL, TOTAL] == 22
    assert np.isnan(table.values.loc["A", "large"])


def _feasible_range(table, true_values, cell):
    """Smallest and largest value a hidden cell can take given every shown cell and total."""
    hidden = table.hidden  # a new frame at each use: taken once
    interior = [(r, c) for r in table.values.index if r != TOTAL for c in table.values.columns if c != TOTAL]
    unknown = [k for k in interior if hidden.loc[k]]
    index = {k: i for i, k in enumerate(unknown)}
    a_eq, b_eq = [], []
    for line in [[(r, c) for c in table.values.columns if c != TOTAL] for r in table.values.index if r != TOTAL] + \
                [[(r, c) for r in table.values.index if r != TOTAL] for c in table.values.columns if c != TOTAL]:
        total_key = (line[0][0], TOTAL) if line[0][0] == line[-1][0] else (TOTAL, line[0][1])
        if hidden.loc[total_key]:
            continue
        row = np.zeros(len(unknown))
        known = 0.0
        for k in line:
            if k in index:
                row[index[k]] = 1
            else:
                known += true_values.loc[k]
        if row.any():
            a_eq.append(row)
            b_eq.append(true_values.loc[total_key] - known)
    goal = np.zeros(len(unknown))
    goal[index[cell]] = 1
    a_eq, b_eq = (a_eq, b_eq) if a_eq else (None, None)
    # A cell of no firm is shown (0), so every hidden cell has a firm at least (the
    # protection hides no 0: the test below checks it; hidden by hand, a 0 keeps a floor of 0).
    floors = [(min(1.0, float(true_values.loc[k])), None) for k in unknown]
    low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=floors)
    high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=floors)
    return low.fun, (-high.fun if high.status == 0 else float("inf"))  # status 3: unbounded


def _random_tables(count):
    rng = np.random.default_rng(20261128)
    for _ in range(count):
        counts = {(d, s): int(rng.choice([0, 1, 2, 3, 4, 5, 8, 20]))
                  for d, s in itertools.product("ABCDE", ["micro", "small", "medium", "large"])}
        yield _firms(counts)


def _exposed(table, true_values, min_count=3):
    """Primary count cells whose attacker's interval does not span from the least value
    the layout allows (1: a hidden cell has a firm) to ``min_count``: [1, 3] leaves 1, 2
    or 3, [1, 2] tells a small cell."""
    out = []
    for cell in [(r, c) for r in table.values.index for c in table.values.columns if table.status.loc[r, c] == "count"]:
        if cell[0] == TOTAL or cell[1] == TOTAL:
            continue
        low, high = _feasible_range(table, true_values, cell)
        if high - low < min_count - 1 - 1e-9 or high < min_count - 1e-9:
            out.append((cell, low, high))
    return out


def test_no_primary_cell_can_be_narrowed_by_linear_programming():
    """120 random two-way count tables: after protection, the attacker's interval of every
    primary cell (by an LP written here, apart from the package's) is at least 3 wide.
    The suppression of lone cells alone, before the audit, leaves some exposed."""
    from adoption.metrics.audit import close_lines
    from adoption.metrics.disclosure import Protected

    before_audit = after_audit = 0
    for firms in _random_tables(120):
        table = protect(firms, "district", "size")
        true_values = protect(firms, "district", "size", min_count=0).values
        after_audit += bool(_exposed(table, true_values))
        assert not (table.hidden & (true_values == 0)).to_numpy().any()  # no 0 hidden: each x has a firm
        primary = (table.status.isin(["count"])).to_numpy()
        lone = close_lines(true_values, primary)
        status = table.status.where(primary, "").mask(lone & ~primary, "secondary")
        before_audit += bool(_exposed(Protected(values=true_values.mask(lone), status=status), true_values))
    assert after_audit == 0
    assert before_audit > 0


def test_the_audit_is_recorded():
    disclosure.AUDITS.clear()  # as a new kernel starts
    table = protect(_firms(HAND), "district", "size")
    assert table.audit.primary_cells == 2 and table.audit.cells_checked == 4
    assert table.audit.smallest_margin >= 0
    assert disclosure.AUDITS == [table.audit]
    protect(_firms(HAND), "district", "size")  # the same table again (a key finding, say): counted once
    assert disclosure.AUDITS == [table.audit]


def test_dominance_on_a_total():
    # A: 600 of 650 in one firm (92%) -> dominance; B alone would then be recomputable
    # from the total -> secondary. The total: two largest 700 of 1,050 (67%) -> shown.
    firms = pd.DataFrame({"district": ["A"] * 4 + ["B"] * 4, "employees": [600, 20, 20, 10, 100, 100, 100, 100]})
    table = protect(firms, "district", value="employees")
    assert table.status[TOTAL].tolist() == ["dominance", "secondary", ""]
    assert table.values.loc[TOTAL, TOTAL] == 1050


def test_two_firms_holding_most_are_dominant():
    firms = pd.DataFrame({"district": ["A"] * 5 + ["B"] * 5, "employees": [500, 400, 30, 30, 30, 50, 50, 50, 50, 50]})
    table = protect(firms, "district", value="employees")
    assert table.status.loc["A", TOTAL] == "dominance"  # (500 + 400) / 990 > 85%, though 500 / 990 is not


def test_thresholds_are_settings():
    firms = _firms(HAND)
    assert protect(firms, "district", "size", min_count=5).status.loc["B", "small"] == "count"
    assert (protect(firms, "district", "size", min_count=0).status == "").all().all()


def test_display_and_footnote():
    table = protect(_firms(HAND), "district", "size")
    text = disclosure.display(table, lambda v: f"{v:.0f}")
    assert text.loc["A", "large"] == disclosure.SYMBOL and text.loc["B", "small"] == "4"
    assert "fewer than 3 firms" in disclosure_footnote("en")
    assert "dưới 3 doanh nghiệp" in disclosure_footnote("vi")
    assert "fewer than 5 firms" in disclosure_footnote("en", min_count=5)


def test_a_dominated_total_keeps_its_protection():
    # A: 1,000 employees, 950 in one firm -> dominance; its two largest hold 970, so an
    # attacker's upper bound must reach 970 / 0.85 = 1,141.2. Hiding only the smallest
    # other cell (B, 12) would bound A by 1,000 + 12 = 1,012: the audit hides more, D
    # (400), and then shows B again, which D's 400 make needless (A up to 1,400).
    firms = pd.DataFrame({"district": ["A"] * 4 + ["B"] * 4 + ["C"] * 5 + ["D"] * 4,
                          "employees": [950, 20, 20, 10] + [3] * 4 + [100] * 5 + [100] * 4})
    table = protect(firms, "district", value="employees")
    status = table.status[TOTAL].drop(TOTAL)
    assert status.to_dict() == {"A": "dominance", "B": "", "C": "", "D": "secondary"}
    true_values = protect(firms, "district", value="employees", dominance=1.0).values
    hidden = [r for r in table.values.index if r != TOTAL and table.hidden.loc[r, TOTAL]]
    unknown = {r: i for i, r in enumerate(hidden)}
    goal = np.zeros(len(hidden))
    goal[unknown["A"]] = -1
    shown = sum(true_values.loc[r, TOTAL] for r in table.values.index if r != TOTAL and r not in unknown)
    upper = -linprog(goal, A_eq=[np.ones(len(hidden))], b_eq=[true_values.loc[TOTAL, TOTAL] - shown],
                     bounds=[(0, None)] * len(hidden)).fun
    assert upper >= 970 / 0.85


# Adopters among firms: an attacker holding every published figure of an adoption_by
# table, with an LP written here apart from the package's audit. Unknowns: each hidden
# firm count f and adopter count a; known: the shown ones, and the firms, adopters and
# non-adopters of every margin (the headline; with two dimensions, the one-way tables
# too) but those the table says must stay hidden; 0 <= a <= f, and f >= 1, since the
# table lists only groups that have firms. Each sensitive figure (firms under 3;
# adopters or non-adopters f - a under 3, none included, in a group with firms) must
# keep an interval 3 wide.


def _attacker_intervals(table, truth, keys, margins):
    groups = [tuple(row) for row in truth[keys].itertuples(index=False)]
    true = {g: (int(f), int(a)) for g, f, a in zip(groups, truth["firms"], truth["adopters"])}
    shown = {g: (f, a) for g, f, a in zip(groups, table["firms"], table["adopters"])}
    unknown = [(g, k) for g in groups for k in (0, 1) if pd.isna(shown[g][k])]
    index = {u: i for i, u in enumerate(unknown)}

    def linear(g, k):
        """(coefficients, constant) of group g's firms (k=0), adopters (k=1) or non-adopters (k=2)."""
        if k == 2:
            (cf, kf), (ca, ka) = linear(g, 0), linear(g, 1)
            return cf - ca, kf - ka
        row = np.zeros(len(unknown))
        if (g, k) in index:
            row[index[(g, k)]] = 1.0
            return row, 0.0
        return row, float(shown[g][k])

    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for members, known_totals in margins:
        for k, total in known_totals.items():
            row, known = np.zeros(len(unknown)), 0.0
            for g in members:
                coef, const = linear(g, k)
                row, known = row + coef, known + const
            a_eq.append(row)
            b_eq.append(total - known)
    for g in groups:  # no fewer than 0 non-adopters
        coef, const = linear(g, 2)
        a_ub.append(-coef)
        b_ub.append(const)
    out = []
    for g in groups:
        f, a = true[g]
        sensitive = [k for k, n in ((0, f), (1, a), (2, f - a)) if f > 0 and n < 3 and (k or n > 0)]
        for k in sensitive:
            coef, const = linear(g, k)
            if not coef.any():
                out.append((g, k, const, const))
                continue
            floors = [(1 if k == 0 else 0, None) for _, k in unknown]  # a listed group has a firm
            ends = [linprog(sign * coef, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq or None, b_eq=b_eq or None, bounds=floors,
                            method="highs") for sign in (1, -1)]
            high = (-ends[1].fun + const) if ends[1].status == 0 else float("inf")
            out.append((g, k, ends[0].fun + const, high))
    return out


def _narrowed(table, truth, keys, margins):
    """The sensitive figures whose interval does not span from what the layout tells (a
    listed group has a firm: 1; adopters or non-adopters may be 0) to 3."""
    return [i for i in _attacker_intervals(table, truth, keys, margins)
            if i[3] - i[2] < 3 - (i[1] == 0) - 1e-9 or i[3] < 3 - 1e-9]


def _random_adopters(rng, dims):
    """Firms with random group sizes (some empty, with two dimensions) and adoption, from
    all to none."""
    rows = []
    for cell in itertools.product(*[range(n) for n in dims]):
        size = int(rng.choice([0, 1, 2, 3, 4, 5, 8, 12, 30][len(dims) == 1:]))
        adopters = int(rng.binomial(size, float(rng.choice([0.0, 0.1, 0.5, 0.9, 1.0]))))
        rows += [{**{key: f"{key[0]}{v}" for key, v in zip(("ownership", "size_class"), cell)},
                  "uses_digital_platform": i < adopters} for i in range(size)]
    return pd.DataFrame(rows)


def _margins(frame, keys, hidden):
    """(groups, {0: firms, 1: adopters, 2: non-adopters}) of the whole table and, with two
    dimensions, of each one-way group, without the parts listed in ``hidden``."""
    parts = [("all", TOTAL, frame)]
    parts += [(key, value, part) for key in keys * (len(keys) > 1) for value, part in frame.groupby(key)]
    out = []
    for dimension, value, part in parts:
        adopters = int(part["uses_digital_platform"].sum())
        known = {k: n for k, n, name in ((0, len(part), TOTAL), (1, adopters, True), (2, len(part) - adopters, False))
                 if (dimension, value, name) not in hidden}
        if dimension == "all":  # the headline: the firms always, their adopters where neither part is under 3
            published = not disclosure.part_hidden(adopters, len(part))
            known = {0: len(part), **({1: adopters, 2: len(part) - adopters} if published else {})}
        out.append(({tuple(row) for row in part[keys].drop_duplicates().itertuples(index=False)}, known))
    return out


@pytest.mark.parametrize("dims", [(6,), (4, 3)])
def test_no_adopter_cell_can_be_narrowed_by_linear_programming(dims):
    """40 random adoption tables (one or two dimensions): after protection, no sensitive
    figure's interval is under 3 wide. Hiding only the sensitive figures leaves some
    narrowed, so the attacker has teeth."""
    from adoption.metrics.adoption import adoption_by

    rng = np.random.default_rng(20260301 + len(dims))
    keys = ["ownership", "size_class"][:len(dims)]
    by = keys[0] if len(dims) == 1 else tuple(keys)
    exposed, naive_exposed = [], 0
    for _ in range(40):
        frame = _random_adopters(rng, dims)
        truth = adoption_by(frame, by)
        table = adoption_by(frame, by, protected=True)
        assert table[keys].equals(truth[keys])
        exposed += _narrowed(table, truth, keys, _margins(frame, keys, table.attrs["hidden_margins"]))
        sensitive = (truth["firms"] < 3) | (truth["adopters"] < 3) | (truth["firms"] - truth["adopters"] < 3)
        naive = truth.assign(firms=truth["firms"].where(truth["firms"] >= 3), adopters=truth["adopters"].where(~sensitive))
        naive_exposed += bool(_narrowed(naive, truth, keys, _margins(frame, keys, [])))
    assert exposed == []
    assert naive_exposed > 0


def test_the_headline_hides_small_counts_and_dominated_totals():
    """A district of hand-made firms: 2 FDI firms, 1 digital firm, and park workers held
    950 of 1,000 by one firm; each hidden by its rule, the rest shown."""
    import pandas as pd

    from adoption.metrics.adoption import headline

    n = 12
    firms = pd.DataFrame({
        "uses_digital_platform": [True] * 6 + [False] * 6,
        "is_digital_tech": [True] + [False] * (n - 1),
        "employees": pd.array([5] + [950, 30, 20] + [10] * (n - 4), dtype="Int64"),
        "in_industrial_park": [False] + [True] * 3 + [False] * (n - 4),
        "industrial_park": [None] + ["KCN A"] * 3 + [None] * (n - 4),
        "ownership": ["fdi", "fdi"] + ["domestic_private"] * (n - 2),
    })
    figures = headline(firms, protected=True)
    assert sorted(figures.attrs["hidden"]) == ["digital_tech_firms", "digital_tech_workers", "fdi_firms", "ip_workers"]
    assert figures["ip_firms"] == 3 and "ip_firms" not in figures.attrs["hidden"]  # 3 firms: shown
    assert headline(firms).attrs["hidden"] == []  # unprotected, for analysts


@pytest.mark.parametrize("labels", [["state", "private"], [None, "private"], [True, False], [3, 7]])
def test_split_hidden_reads_each_group_by_its_label(labels):
    """The hand-worked table of ``protect_counts``' example, its groups named in several
    ways: the first group's 0 firms without are hidden, and so its 3 with, and with them
    the other group's two parts (the columns' totals are shown); the groups' totals are
    shown. A group not in the table is an error."""
    from adoption.metrics.disclosure import SPLIT, protect_counts, split_hidden

    table = protect_counts(np.array([[0.0, 3, 3], [4, 4, 8], [4, 7, 11]]), [labels, SPLIT], split=True)
    hidden = split_hidden(table, [(labels[1],), (labels[0],)])
    assert hidden.values.tolist() == [[True, True, False, False], [True, True, False, False]]
    with pytest.raises(KeyError):
        split_hidden(table, [("elsewhere",)])


def test_groups_of_one_firm_each_are_withheld_not_listed():
    """8 firms in 8 groups (a small province's sectors): a table lists only groups that
    have firms and the headline gives the 8, so each group is exactly 1 however many cells
    are hidden. No row is shown, and the report says why; 9 firms, one group of 2, the
    same. With a group of 5 among them the others can hide in its range: rows are shown."""
    from adoption.metrics.adoption import adoption_by
    from adoption.report.tables import adoption_table

    # 5 firms, 2 adopting: the headline hides its adopters, never its 5 firms.
    for sizes, adopting in (([1] * 8, 4), ([2] + [1] * 7, 5), ([1] * 5, 2)):
        frame = pd.DataFrame({"ownership": [f"g{i}" for i, n in enumerate(sizes) for _ in range(n)],
                              "uses_digital_platform": [i < adopting for i in range(sum(sizes))]})
        table = adoption_by(frame, "ownership", protected=True)
        assert table.empty and table.attrs["withheld"]
        assert "even the list of groups" in adoption_table(table, "en").data
        assert disclosure.hidden_groups(frame, "ownership").all()
    frame = pd.DataFrame({"ownership": ["big"] * 5 + ["a", "b", "c"], "uses_digital_platform": [True, False] * 4})
    table = adoption_by(frame, "ownership", protected=True)
    assert not table.attrs.get("withheld") and len(table) == 4 and table["hidden"].all()
    # The attacker: each group >= 1 firm, 8 in all, every one hidden: a in [1, 5].
    ranges = []
    for goal in (1, -1):
        result = linprog([goal, 0, 0, 0], A_eq=[[1, 1, 1, 1]], b_eq=[8], bounds=[(1, None)] * 4)
        ranges.append(goal * result.fun)
    assert ranges == [1, 5] and ranges[1] - ranges[0] >= 3


def test_a_place_whose_count_the_table_of_every_place_hides_has_no_page():
    """Hand-worked: provinces of 1, 10 and 12 firms, 23 in all (the headline's total). The
    table of every province hides the 1 and, so that 23 - 12 - x does not give it back,
    the 10 as a secondary cell. A page of the 10-firm province would show its 10 and so
    the 1: it is not made, for the same stated reason as the 1-firm province's page."""
    from adoption.core.errors import TooFewFirms
    from adoption.metrics.areas import linked_hidden

    sizes = {"01": 1, "02": 10, "03": 12}
    firms = pd.DataFrame({"province_code": [p for p, n in sizes.items() for _ in range(n)],
                          "uses_digital_platform": [True] + [True] * 5 + [False] * 5 + [True] * 6 + [False] * 6,
                          "is_digital_tech": False, "employees": pd.array([5] * 23, dtype="Int64")})
    linked = {p: linked_hidden(firms, "province", p) for p in sizes}
    assert "enterprises" in linked["01"] and "enterprises" in linked["02"] and "enterprises" not in linked["03"]
    reasons = set()
    for province in ("01", "02"):
        with pytest.raises(TooFewFirms) as raised:
            disclosure.require_firms(firms[firms["province_code"] == province], linked=linked[province])
        reasons.add(str(raised.value))
    assert len(reasons) == 1 and "fewer than" not in reasons.pop()
    assert len(disclosure.require_firms(firms[firms["province_code"] == "03"], linked=linked["03"])) == 12
