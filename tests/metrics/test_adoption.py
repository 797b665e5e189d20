"""Metrics against independent calculations on the default data."""

import numpy as np
import pandas as pd
import pytest

from adoption.core.errors import ParameterError
from adoption.metrics import adoption as metrics
from adoption.metrics import ict as ict_metrics
from adoption.metrics import scope


@pytest.fixture(scope="module")
def firms(default_data):
    return scope.in_scope(default_data.enterprises)


def test_in_scope_is_active_head_offices(default_data, firms):
    enterprises = default_data.enterprises
    expected = enterprises[(enterprises["status"].astype(str) == "active") & (~enterprises["tax_code"].str.contains("-"))]
    assert set(firms["tax_code"]) == set(expected["tax_code"])


def test_compare_published_reproduces_the_article(firms):
    table = metrics.compare_published(firms).set_index("key")
    for key in ("enterprises", "adopters", "digital_tech_firms", "digital_tech_workers"):
        assert table.loc[key, "difference"] == 0, key
    assert abs(table.loc["ip_workers", "relative_difference"]) <= 0.02


def test_compare_published_where_the_figures_differ():
    # Four firms, worked by hand: 3 adopters; one digital firm of 10 workers; two park
    # firms (20 + 10 workers) in one park; one FDI firm.
    firms = pd.DataFrame({
        "uses_digital_platform": [True, True, True, False], "is_digital_tech": [True, False, False, False],
        "employees": pd.array([10, 20, 5, 1], dtype="Int64"), "in_industrial_park": [True, True, False, False],
        "industrial_park": ["KCN A", "KCN A", None, None], "ownership": ["fdi", "state", "state", "state"],
    })
    published = pd.DataFrame({
        "key": ["enterprises", "adopters", "digital_tech_firms", "digital_tech_workers", "ip_workers", "industrial_parks", "fdi_projects"],
        "value": [5, 3, 2, 8, 40, 1, 4], "unit": ["firms", "firms", "firms", "workers", "workers", "parks", "projects"],
        "source": "a hand-made source",
    })
    table = metrics.compare_published(firms, published).set_index("key")
    comparable = table[table["comparable"]]
    assert comparable["computed"].to_dict() == {"enterprises": 4, "adopters": 3, "digital_tech_firms": 1,
                                                "digital_tech_workers": 10, "ip_workers": 30, "industrial_parks": 1}
    assert comparable["difference"].to_dict() == {"enterprises": -1, "adopters": 0, "digital_tech_firms": -1,
                                                  "digital_tech_workers": 2, "ip_workers": -10, "industrial_parks": 0}
    assert comparable["relative_difference"].tolist() == pytest.approx([-0.2, 0.0, -0.5, 0.25, -0.25, 0.0])
    assert (table["source"] == "a hand-made source").all()
    # 4 FDI projects are not 1 FDI enterprise less 3: the published count is shown as what
    # it is, with no computed figure and no difference.
    assert not table.loc["fdi_projects", "comparable"] and table.loc["fdi_projects", "published"] == 4
    assert table.loc["fdi_projects", ["computed", "difference"]].isna().all() and "fdi_firms" not in table.index
    # Published as FDI enterprises, the same figure would be compared.
    as_firms = published.assign(unit=published["unit"].replace("projects", "firms"))
    assert metrics.compare_published(firms, as_firms).set_index("key").loc["fdi_firms", "difference"] == -3


@pytest.mark.parametrize("dimension", ["district", "vsic_section", "size_class", "ownership", "in_industrial_park"])
def test_adoption_by_adds_up_and_matches_a_plain_count(firms, dimension):
    table = metrics.adoption_by(firms, dimension)
    assert table["firms"].sum() == len(firms.dropna(subset=["district_code" if dimension == "district" else dimension]))
    key = table.columns[0]
    manual = firms.groupby(firms[key].astype(str))["uses_digital_platform"].mean()
    for group, rate in zip(table[key].astype(str), table["adoption_rate"]):
        assert rate == pytest.approx(manual[group])


def test_adoption_by_district_in_code_order(firms):
    table = metrics.adoption_by(firms, "district")
    assert table["district_code"].tolist() == [str(c) for c in range(718, 727)]


def test_district_filter(default_data):
    one = scope.in_scope(default_data.enterprises, district="TX. Bến Cát")
    assert set(one["district_code"]) == {"721"}
    assert 0 < len(one) < 65_000


def test_unknown_district_lists_valid_values():
    with pytest.raises(ParameterError, match=r"valid values: 718 \(Thủ Dầu Một\)"):
        scope.resolve_district("Quận 1")


def test_unknown_dimension():
    with pytest.raises(ParameterError, match="valid dimensions"):
        metrics.adoption_by(pd.DataFrame({"x": [1]}), "colour")


def test_two_dimensions_match_a_crosstab(firms):
    table = metrics.adoption_by(firms, ("district", "size_class"))
    manual = pd.crosstab(firms["district_code"], firms["size_class"])
    for row in table.itertuples():
        assert row.firms == manual.loc[row.district_code, row.size_class]
    assert table["firms"].sum() == firms["size_class"].notna().sum()


def test_cohorts_match_registration_years(firms):
    table = metrics.adoption_by(firms, "cohort").set_index("cohort")
    years = pd.to_datetime(firms["registered_on"]).dt.year
    assert table.loc["2020-2023", "firms"] == years.between(2020, 2023).sum()
    assert table.loc["before 2000", "firms"] == (years < 2000).sum()


def test_platform_categories_match_a_plain_count(default_data, firms):
    table = metrics.adoption_by_platform(firms, default_data.platforms).set_index("platform")
    mine = default_data.platforms[default_data.platforms["tax_code"].isin(firms["tax_code"])]
    for platform, group in mine.groupby("platform", observed=True):
        assert table.loc[str(platform), "firms"] == group["tax_code"].nunique()
    assert table["firms"].max() <= 45_000


def test_adoption_over_time_ends_at_the_headline(default_data):
    series = metrics.adoption_over_time(default_data.enterprises, default_data.platforms)
    assert series["adopters"].is_monotonic_increasing and series["adopters_today"].is_monotonic_increasing
    assert series["adopters_today"].iloc[-1] == 45_000 and (series["firms_today"] == 65_000).all()
    assert series["month"].min() == pd.Timestamp("2018-01-01")
    # The first line: every dated head office with a platform record, whatever its status.
    heads = default_data.enterprises[~default_data.enterprises["is_branch"]]
    first = default_data.platforms.groupby("tax_code")["adopted_on"].min()
    dated = heads[heads["registered_on"].notna()].set_index("tax_code")
    assert series["adopters"].iloc[-1] == dated.index.isin(first.index).sum() > 45_000
    by_2020 = series.set_index("month").loc[pd.Timestamp("2020-12-01")]
    end_2020 = pd.Timestamp("2021-01-01")
    assert by_2020["firms"] == (dated["registered_on"] < end_2020).sum()
    adopted = first.reindex(dated.index)
    assert by_2020["adopters"] == ((adopted < end_2020) & (dated["registered_on"] < end_2020)).sum()
    assert series.attrs["undated"] == heads["registered_on"].isna().sum()


def test_adoption_over_time_by_group_adds_up(default_data):
    series = metrics.adoption_over_time(default_data.enterprises, default_data.platforms, by="ownership")
    last = series[series["month"] == series["month"].max()]
    assert last["adopters_today"].sum() == 45_000


def _register(rows):
    frame = pd.DataFrame(rows, columns=["tax_code", "is_branch", "status", "registered_on"])
    return frame.assign(registered_on=pd.to_datetime(frame["registered_on"]), district_code="718")


def test_adoption_over_time_hand_worked():
    # A registered Dec 2019, first platform Feb 2020; B registered 1 Feb 2020 with a record
    # of 15 Jan (counted from February); C dissolved, registered 2018, adopted Jan 2020;
    # D suspended, registered 31 Mar, no platform; A's branch, never counted; F active
    # with no registration date, adopted Mar; G active, registered in April.
    # Registered by the end of Jan: A, C (C adopted) -> 1 / 2; Feb: + B (A, B, C adopted)
    # -> 3 / 3; Mar: + D -> 3 / 4. Today's firms in scope: A, B, F, G = 4; adopted by
    # Jan: B; Feb: A, B; Mar: A, B, F.
    enterprises = _register([
        ("A", False, "active", "2019-12-20"), ("B", False, "active", "2020-02-01"), ("C", False, "dissolved", "2018-05-05"),
        ("D", False, "suspended", "2020-03-31"), ("A-001", True, "active", "2019-01-01"), ("F", False, "active", None),
        ("G", False, "active", "2020-04-01")])
    platforms = pd.DataFrame({"tax_code": ["A", "A", "B", "C", "A-001", "F"], "adopted_on": pd.to_datetime(
        ["2020-02-10", "2020-03-01", "2020-01-15", "2020-01-05", "2019-11-01", "2020-03-03"])})
    series = metrics.adoption_over_time(enterprises, platforms)
    assert series["month"].tolist() == list(pd.date_range("2020-01-01", "2020-03-01", freq="MS"))
    assert series["firms"].tolist() == [2, 3, 4] and series["adopters"].tolist() == [1, 3, 3]
    assert series["adoption_rate"].tolist() == [0.5, 1.0, 0.75]
    assert series["firms_today"].tolist() == [4, 4, 4] and series["adopters_today"].tolist() == [1, 2, 3]
    assert series["adoption_rate_today"].tolist() == [0.25, 0.5, 0.75]
    assert series.attrs == {"undated": 1, "firms_today": 4}


def test_adoption_over_time_protected():
    # Ten firms of 2019; first platforms: 1 in January, 3 more in February, 4 more in
    # March. January: 1 adopter; March: 8 adopters and 2 non-adopters: both hidden.
    enterprises = _register([(str(i), False, "active", "2019-06-01") for i in range(10)])
    platforms = pd.DataFrame({"tax_code": [str(i) for i in range(8)],
                              "adopted_on": pd.to_datetime(["2020-01-09"] + ["2020-02-09"] * 3 + ["2020-03-09"] * 4)})
    series = metrics.adoption_over_time(enterprises, platforms, protected=True)
    assert series["adopters"].tolist() == pytest.approx([float("nan"), 4, float("nan")], nan_ok=True)
    assert series["adoption_rate_today"].tolist() == pytest.approx([float("nan"), 0.4, float("nan")], nan_ok=True)
    assert series["firms"].tolist() == [10, 10, 10]
    # By group, each month as one table: X's 10 firms, 5 adopting in January; Y's 10, 1 in
    # January and 4 more in February. January: Y's 1 adopter is hidden, and X's 5 with it
    # (the total would give Y's away); February: both 5 of 10.
    enterprises = _register([(f"{g}{i}", False, "active", "2019-06-01") for g in "XY" for i in range(10)])
    enterprises["ownership"] = enterprises["tax_code"].str[0]
    platforms = pd.DataFrame({"tax_code": ["X0", "X1", "X2", "X3", "X4", "Y0", "Y1", "Y2", "Y3", "Y4"],
                              "adopted_on": pd.to_datetime(["2020-01-09"] * 6 + ["2020-02-09"] * 4)})
    series = metrics.adoption_over_time(enterprises, platforms, by="ownership", protected=True)
    rates = series.set_index(["month", "ownership"])["adoption_rate"]
    assert rates.isna().tolist() == [True, False, True, False]  # Jan X, Feb X, Jan Y, Feb Y
    assert rates.dropna().tolist() == [0.5, 0.5]


def test_adoption_over_time_hides_steps_of_one_or_two_firms():
    """20 firms of 2019 start platforms: 3 in January, 1 in February, 3 in March, none in
    April, 4 in May, 1 in June: 3, 4, 7, 7, 11, 12 adopters (never 1 or 2, nor fewer than
    3 without). February's step of 1 from January would date one firm's start: hidden, and
    March, 4 on from January, shown. June steps 1 from May: hidden among the firms
    registered by then; but of today's firms June's count is the headline's adopters, so
    it stays and May, 1 before it, goes instead."""
    nan = float("nan")
    enterprises = _register([(str(i), False, "active", "2019-06-01") for i in range(20)])
    starts = ["2020-01-09"] * 3 + ["2020-02-09"] + ["2020-03-09"] * 3 + ["2020-05-09"] * 4 + ["2020-06-09"]
    platforms = pd.DataFrame({"tax_code": [str(i) for i in range(12)], "adopted_on": pd.to_datetime(starts)})
    series = metrics.adoption_over_time(enterprises, platforms, protected=True)
    assert series["adopters"].tolist() == pytest.approx([3, nan, 7, 7, 11, nan], nan_ok=True)
    assert series["adopters_today"].tolist() == pytest.approx([3, nan, 7, 7, nan, 12], nan_ok=True)
    assert series["adoption_rate_today"].isna().tolist() == [False, True, False, False, True, False]
    assert series["firms"].tolist() == [20] * 6
    shown = series["adopters_today"].dropna().to_numpy()
    steps = np.diff(np.concatenate([[0], shown]))
    assert not ((steps > 0) & (steps < 3)).any()


def test_ict_and_digital_tech_totals(firms):
    digital = ict_metrics.ict_sector(firms, group="digital_tech").iloc[0]
    assert (digital["firms"], digital["employees"]) == (1_300, 55_720)
    employees = firms.loc[firms["is_digital_tech"], "employees"].astype(float)
    assert digital["mean_employees"] == pytest.approx(employees.mean())
    assert digital["median_employees"] == pytest.approx(employees.median())
    ict = ict_metrics.ict_sector(firms, group="ict", by="vsic4")
    assert ict["firms"].sum() == firms["is_ict"].sum()
    ict_firms = firms[firms["is_ict"]]
    assert set(ict["vsic4"]) == set(ict_firms["vsic4"])  # an extract of 2023: every class known
    # A firm whose VSIC 2018 class is unknown (a code of both versions, no evidence) is a row
    # of its own, never dropped nor spread: five ICT firms made so here.
    unknown = firms.copy()
    unknown.loc[unknown.index[unknown["is_ict"]][:5], "vsic4"] = pd.NA
    by_class = ict_metrics.ict_sector(unknown, group="ict", by="vsic4")
    assert by_class.set_index("vsic4").loc["unplaced", "firms"] == 5
    assert by_class["firms"].sum() == len(ict_firms)
    by_2025 = ict_metrics.ict_sector(firms, group="ict", by="vsic4", classification="vsic2025")
    assert by_2025["firms"].sum() == len(ict_firms)
    assert by_2025.set_index("vsic2025_4").loc["unplaced", "firms"] == ict_firms["vsic2025_4"].isna().sum()
    with pytest.raises(ParameterError, match="vsic2025"):
        ict_metrics.ict_sector(firms, classification="vsic2007")


def test_protected_tables_hide_small_groups():
    # Every firm uses platforms: each group's non-adopters are 0, so no group's adopters
    # are shown. State has 2 firms: its firm count goes, and one other group's with it.
    frame = pd.DataFrame({
        "ownership": pd.Categorical(["fdi"] * 5 + ["state"] * 2 + ["domestic_private"] * 6),
        "uses_digital_platform": [True] * 13,
    })
    table = metrics.adoption_by(frame, "ownership", protected=True).set_index("ownership")
    assert table.loc["state", "hidden"] and pd.isna(table.loc["state", "firms"])
    assert table["firms"].isna().sum() == 2  # no recomputing state's from the total
    assert table["adopters"].isna().all() and table["adoption_rate"].isna().all() and table["hidden"].all()


def _owners(groups: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Firms by ownership from (firms, adopters) per group."""
    rows = [{"ownership": g, "uses_digital_platform": i < adopters} for g, (n, adopters) in groups.items() for i in range(n)]
    frame = pd.DataFrame(rows)
    frame["ownership"] = pd.Categorical(frame["ownership"], categories=["state", "domestic_private", "fdi"])
    return frame


def _shown(table: pd.DataFrame, key: str) -> dict:
    return {k: [None if pd.isna(v) else v for v in row] for k, row in
            table.set_index(key)[["firms", "adopters", "adoption_rate"]].iterrows()}


def test_every_firm_of_a_group_adopting_is_not_shown():
    # By hand:        adopters  non-adopters | firms
    #   state              3         0       |   3    non-adopters 0 in a group of 3: hidden
    #   domestic_private  12         8       |  20
    #   fdi                6         4       |  10
    #   total             21        12       |  33
    # State's adopters would follow from its 3 firms: hidden too. Then the adopters column
    # and the non-adopters column each hold one hidden cell: the smaller other
    # non-adopters cell (fdi, 4) goes, and fdi's adopters with it. Attacker: state's
    # non-adopters n = 3 - a, fdi's adopters 9 - a, fdi's non-adopters 1 + a, with a in
    # [0, 3]: n anywhere in [0, 3], 3 wide. Every firm count stays.
    table = metrics.adoption_by(_owners({"state": (3, 3), "domestic_private": (20, 12), "fdi": (10, 6)}),
                                "ownership", protected=True)
    assert _shown(table, "ownership") == {"state": [3, None, None], "domestic_private": [20, 12, 0.6], "fdi": [10, None, None]}
    assert table["hidden"].tolist() == [True, False, True]
    assert table["share_of_firms"].tolist() == pytest.approx([3 / 33, 20 / 33, 10 / 33])


def test_one_adopter_among_ten_is_not_shown():
    # By hand:        adopters  non-adopters | firms
    #   state              3         2       |   5    non-adopters 2: hidden
    #   domestic_private  25        15       |  40
    #   fdi                1         9       |  10    adopters 1: hidden
    #   total             29        26       |  55
    # Both hidden cells' rows and columns then hold one hidden cell: state's adopters and
    # fdi's non-adopters go too (each settles a row and a column at once). Attacker: fdi's
    # adopters a, state's 4 - a, fdi's non-adopters 10 - a, state's 1 + a, a in [0, 4]:
    # fdi's adopters 0-4 and state's non-adopters 1-5, both 4 wide.
    table = metrics.adoption_by(_owners({"state": (5, 3), "domestic_private": (40, 25), "fdi": (10, 1)}),
                                "ownership", protected=True)
    assert _shown(table, "ownership") == {"state": [5, None, None], "domestic_private": [40, 25, 0.625], "fdi": [10, None, None]}


def test_two_dimensions_protect_every_line_of_the_split():
    # Districts A, B by sizes s, l; every cell 10 firms, 5 adopters, except A-l: 10 of 10
    # (0 non-adopters: hidden). The attacker knows each cell's firms and the one-way
    # margins (adopters: A 15, B 10, s 10, l 15), so A-l's non-adopters are tied to A-s's,
    # B-l's and, through them, B-s's: no line of the 2 x 2 x 2 table may hold one hidden
    # part, and all four cells' adopters go. With t = A-l's adopters: A-s 15 - t, B-l
    # 15 - t, B-s t - 5, so t in [5, 10] and A-l's non-adopters in [0, 5].
    rows = [{"district_code": d, "size_class": s, "uses_digital_platform": i < (10 if (d, s) == ("A", "l") else 5)}
            for d in "AB" for s in "sl" for i in range(10)]
    table = metrics.adoption_by(pd.DataFrame(rows), ("district", "size_class"), protected=True)
    assert table["firms"].tolist() == [10, 10, 10, 10]
    assert table["adopters"].isna().all() and table["adoption_rate"].isna().all()
    unprotected = metrics.adoption_by(pd.DataFrame(rows), ("district", "size_class"))
    assert unprotected["adopters"].tolist() == [10, 5, 5, 5]  # l before s: sorted


def test_protected_headline_and_comparison_hide_adopters_all_or_none():
    # 4 firms, all adopting: 0 non-adopters. 10 firms, 5 adopting: both parts 5.
    everyone = pd.DataFrame({"uses_digital_platform": [True] * 4, "is_digital_tech": False,
                             "employees": pd.array([1] * 4, dtype="Int64"), "in_industrial_park": False,
                             "industrial_park": None, "ownership": "fdi"})
    half = pd.concat([everyone] * 3, ignore_index=True).iloc[:10].assign(uses_digital_platform=[True, False] * 5)
    assert metrics.headline(everyone, protected=True).attrs["hidden"] == ["adopters", "adoption_rate"]
    assert metrics.headline(everyone).attrs["hidden"] == []
    assert metrics.headline(half, protected=True).attrs["hidden"] == []
    table = metrics.compare_published(everyone, protected=True).set_index("key")
    assert table.loc["adopters", "hidden"] and pd.isna(table.loc["adopters", "computed"])
    assert table.loc["enterprises", "computed"] == 4 and not table.loc["enterprises", "hidden"]


def test_protected_ict_hides_dominated_totals():
    frame = pd.DataFrame({
        "is_ict": [True] * 8, "district_code": ["718"] * 4 + ["724"] * 4,
        "employees": pd.array([900, 10, 10, 10, 50, 50, 50, 50], dtype="Int64"),
    })
    table = ict_metrics.ict_sector(frame, by="district", protected=True).set_index("district_code")
    assert table["hidden"].tolist() == [True, True]


def test_a_sector_group_shown_on_its_own_is_protected_too():
    """The ICT report's overview row: 2 firms hide everything; 5 firms of which one holds
    900 of 940 workers show their count alone; 12 firms of even size show all."""
    def whole(employees):
        frame = pd.DataFrame({"is_ict": [True] * len(employees), "is_digital_tech": [True] * len(employees),
                              "employees": pd.array(employees, dtype="Int64")})
        return ict_metrics.ict_sector(frame, protected=True)

    assert whole([4, 5]).iloc[0].isna().all()
    dominated = whole([900, 10, 10, 10, 10]).iloc[0]
    assert dominated["firms"] == 5 and dominated[["employees", "mean_employees", "median_employees"]].isna().all()
    even = whole([10] * 12).iloc[0]
    assert even.tolist() == [12, 120, 10, 10]
    assert not any(mask.any() for mask in whole([10] * 12).attrs["hidden_cells"].values())


def test_the_ict_sector_is_protected_as_a_part_of_the_wider_group():
    """5 firms in the group, 4 in the ICT sector: the one outside it would be the difference
    of the two rows, so the ICT row's figures are hidden. 2 in the group, none in the ICT
    sector: the group is hidden, and the ICT sector's 0 with it (it would say what the two
    are not)."""
    def rows(ict, employees):
        frame = pd.DataFrame({"is_digital_tech": [True] * len(ict), "is_ict": ict,
                              "employees": pd.array(employees, dtype="Int64")})
        return ict_metrics.overview(frame, protected=True)

    table = rows([True] * 4 + [False], [5, 5, 5, 9, 14])
    assert table.loc["digital_tech", ["firms", "employees"]].tolist() == [5, 38]
    assert table.loc["ict", ["firms", "employees", "mean_employees"]].isna().all()
    table = rows([False, False], [3, 4])
    assert table[["firms", "employees"]].isna().all().all()
    assert table.attrs["hidden_cells"]["firms"].tolist() == [True, True]
    table = rows([True] * 6 + [False] * 4, [5] * 10)  # 4 outside the ICT sector: every figure shown
    assert table["firms"].tolist() == [10, 6] and table["employees"].tolist() == [50, 30]
    # Each group's own row of that table, asked for alone.
    frame = pd.DataFrame({"is_digital_tech": [True] * 10, "is_ict": [True] * 6 + [False] * 4,
                          "employees": pd.array([5] * 10, dtype="Int64")})
    assert ict_metrics.ict_sector(frame, group="digital_tech", protected=True)["firms"].tolist() == [10]
    assert ict_metrics.ict_sector(frame, group="ict", protected=True)["firms"].tolist() == [6]


def test_a_sector_group_without_firms():
    frame = pd.DataFrame({"is_ict": [False] * 4, "ownership": ["fdi"] * 4, "employees": pd.array([5] * 4, dtype="Int64")})
    table = ict_metrics.ict_sector(frame, by="ownership", protected=True)
    assert table.empty and table.attrs["empty_group"] == "ict"
    assert ict_metrics.ict_sector(frame).iloc[0]["firms"] == 0


def test_size_classes_in_their_natural_order(firms):
    assert metrics.adoption_by(firms, "size_class")["size_class"].astype(str).tolist() == ["micro", "small", "medium", "large"]
    table = ict_metrics.ict_sector(firms, group="digital_tech", by="size_class")
    assert table["size_class"].astype(str).tolist() == ["micro", "small", "medium", "large"]


def test_protected_platform_table_hides_rare_categories():
    firms = pd.DataFrame({"tax_code": [str(i) for i in range(10)]})
    platforms = pd.DataFrame({"tax_code": [str(i) for i in range(6)] + ["0", "1"],
                              "platform": ["ecommerce"] * 6 + ["erp"] * 2})
    table = metrics.adoption_by_platform(firms, platforms, protected=True).set_index("platform")
    assert table.loc["ecommerce", "firms"] == 6 and not table.loc["ecommerce", "hidden"]
    assert table.loc["erp", "hidden"] and pd.isna(table.loc["erp", "firms"])
    # Used by all 10 firms but 1: the one that does not is as exposed as a lone user.
    platforms = pd.DataFrame({"tax_code": [str(i) for i in range(9)] + ["0", "1", "2"],
                              "platform": ["cloud_accounting"] * 9 + ["ecommerce"] * 3})
    table = metrics.adoption_by_platform(firms, platforms, protected=True).set_index("platform")
    assert table.loc["cloud_accounting", "hidden"] and pd.isna(table.loc["cloud_accounting", "share_of_firms"])
    assert table.loc["ecommerce", "firms"] == 3 and not table.loc["ecommerce", "hidden"]


def test_adoption_on_the_2025_map_shows_unassignable_firms_as_such():
    """Two firms in Phường Thủ Dầu Một (25747), one in a former commune split between two
    units with nothing to settle which, one located nowhere on the 2025 map."""
    frame = pd.DataFrame({"commune2025_code": pd.array(["25747", "25747", None, None], dtype="string"),
                          "commune2025_candidates": pd.array([None, None, "25816|25822", None], dtype="string"),
                          "uses_digital_platform": [True, False, True, True]})
    table = metrics.adoption_by(frame, "commune2025")
    assert table["commune2025_code"].tolist() == ["25747", "not_assignable"]
    assert table["firms"].tolist() == [2, 1] and table["adopters"].tolist() == [1, 1]


def test_over_time_by_a_dimension_no_firm_has_is_empty_not_an_error():
    """A register located by district only places no firm on the 2025 map: the series by
    unit has no line, and says so by being empty."""
    firms = pd.DataFrame({"tax_code": ["1", "2"], "is_branch": False, "status": "active", "district_code": "718",
                          "commune2025_code": pd.array([None, None], dtype="string"),
                          "commune2025_candidates": pd.array([None, None], dtype="string"),
                          "registered_on": pd.to_datetime(["2020-01-10", "2020-03-05"])})
    platforms = pd.DataFrame({"tax_code": ["1"], "adopted_on": pd.to_datetime(["2020-02-15"])})
    series = metrics.adoption_over_time(firms, platforms, by="commune2025", protected=True)
    assert series.empty and "commune2025_code" in series.columns
    assert len(metrics.adoption_over_time(firms, platforms, protected=True)) == 1  # the whole still has its month (February 2020)


def test_a_secret_total_is_not_the_sum_of_the_groups():
    """Three ownership groups, no small part: every group's adopters are shown, and they add
    up to the 15 adopters. Told that those 15 are hidden elsewhere (a province's adopters
    that the table of every province hides), the table hides some group's adopters, so
    that what it shows leaves the total at least 3 wide (a hidden group of f firms: 0 to f
    adopters)."""
    frame = pd.DataFrame({"ownership": ["state"] * 10 + ["domestic_private"] * 10 + ["fdi"] * 8,
                          "uses_digital_platform": [i < 6 for i in range(10)] + [i < 5 for i in range(10)]
                          + [i < 4 for i in range(8)]})
    plain = metrics.adoption_by(frame, "ownership", protected=True)
    assert plain["adopters"].notna().all() and plain["adopters"].sum() == 15
    secret = metrics.adoption_by(frame, "ownership", protected=True, secret_total=True)
    hidden = secret["adopters"].isna()
    assert hidden.any() and secret.loc[hidden, "firms"].fillna(1).sum() >= 3


def test_a_group_the_headline_counts_is_known_to_the_table():
    """218 firms: 1 state-owned, 201 private, 16 FDI, about half adopting. The state row is
    hidden (1 firm); hiding FDI's 16 with it would protect nothing, since the headline
    prints the 16 FDI enterprises: 218 - 201 - 16 = 1. The private row is hidden instead,
    and the state's firms are then anything from 1 to 201."""
    owners = ["state"] + ["domestic_private"] * 201 + ["fdi"] * 16
    frame = pd.DataFrame({"ownership": owners, "uses_digital_platform": [i % 2 == 0 for i in range(218)]})
    table = metrics.adoption_by(frame, "ownership", protected=True).set_index("ownership")
    assert pd.isna(table.loc["state", "firms"]) and pd.isna(table.loc["domestic_private", "firms"])
    assert table.loc["fdi", "firms"] == 16


def test_the_platforms_of_one_or_two_adopters_are_not_listed():
    """5 firms, 2 adopting: the headline hides the adopters (0 to 3, as far as a reader can
    tell). A platform category listed, even with its users hidden, would tell that at
    least one firm adopts: none is listed. With 3 adopters, the categories are."""
    firms = pd.DataFrame({"tax_code": list("12345"), "uses_digital_platform": [True, True, False, False, False]})
    platforms = pd.DataFrame({"tax_code": ["1", "2"], "platform": ["ecommerce", "erp"]})
    table = metrics.adoption_by_platform(firms, platforms, protected=True)
    assert table.empty and table.attrs["withheld"]
    firms["uses_digital_platform"] = [True, True, True, False, False]
    platforms = pd.DataFrame({"tax_code": ["1", "2", "3"], "platform": ["ecommerce"] * 3})
    assert metrics.adoption_by_platform(firms, platforms, protected=True)["platform"].tolist() == ["ecommerce"]
