"""Two extracts of a register linked by tax code: each flow counted by hand on a pair of
literal extracts, one firm a case."""

import pandas as pd
import pytest

from adoption.metrics.panel import flow_counts, flows

NA = None

# Each firm of the earlier extract (old map: district and commune codes of 2023, and the
# 2025 unit the cleaning derived where the commune was not split).
BEFORE = pd.DataFrame([
    # tax code,  branch, status,      district, commune, unit 2025, candidates,     vsic4,  vsic2025_4, platform
    ("0100000001", False, "active",    "718", "25747", "25747", NA,              "6201", NA,     False),  # starts using a platform
    ("0100000002", False, "active",    "718", "25750", "25750", NA,              "4711", NA,     True),   # leaves the register
    ("0100000004", False, "active",    "719", "25780", "25780", NA,              "1010", NA,     True),   # is dissolved
    ("0100000005", False, "active",    "721", "25813", "25813", NA,              "2610", NA,     True),   # re-coded to the 2025 map only
    ("0100000006", False, "active",    "721", "25816", NA,      "25816|25822",   "2610", NA,     True),   # split commune: cannot tell
    ("0100000007", False, "active",    "721", "25816", NA,      "25816|25822",   "2610", NA,     True),   # split commune, now elsewhere
    ("0100000008", False, "suspended", "722", "25840", "25840", NA,              "6201", NA,     True),   # back to active, new activity
    ("0100000009", False, "active",    "722", NA,      NA,      NA,              NA,     NA,     True),   # no commune, no class: unknown
    ("0100000010", False, "active",    "723", NA,      NA,      NA,              "4690", NA,     False),  # moved district
    ("0100000001-001", True, "active", "718", "25747", "25747", NA,              "6201", NA,     False),  # a branch: not counted
], columns=["tax_code", "is_branch", "status", "district_code", "commune_code", "commune2025_code",
            "commune2025_candidates", "vsic4", "vsic2025_4", "uses_digital_platform"])

AFTER = pd.DataFrame([
    ("0100000001", False, "active",    "718", "25747", "25747", NA,              "6201", "6211", True),
    ("0100000003", False, "active",    NA,    NA,      "25747", NA,              NA,     "4661", False),  # enters, 2025 map
    ("0100000004", False, "dissolved", "719", "25780", "25780", NA,              "1010", "1010", True),
    ("0100000005", False, "active",    NA,    NA,      "25813", NA,              NA,     "2611", True),
    ("0100000006", False, "active",    NA,    NA,      "25822", NA,              NA,     NA,     True),
    ("0100000007", False, "active",    NA,    NA,      "25747", NA,              NA,     NA,     True),
    ("0100000008", False, "active",    "722", "25840", "25840", NA,              "4690", NA,     True),
    ("0100000009", False, "active",    "722", NA,      NA,      NA,              NA,     NA,     True),
    ("0100000010", False, "active",    "724", NA,      NA,      NA,              "4690", NA,     True),
    ("0100000001-001", True, "active", "718", "25747", "25747", NA,              "6201", NA,     True),
], columns=BEFORE.columns)

PLATFORMS_BEFORE = pd.DataFrame({"tax_code": ["0100000002", "0100000004", "0100000008"],
                                 "platform": ["ecommerce", "digital_payment", "ecommerce"]})
PLATFORMS_AFTER = pd.DataFrame({"tax_code": ["0100000001", "0100000001", "0100000004", "0100000008", "0100000008"],
                                "platform": ["ecommerce", "other", "digital_payment", "ecommerce", "cloud_accounting"]})


@pytest.fixture(scope="module")
def table():
    return flows(BEFORE, AFTER, previous_platforms=PLATFORMS_BEFORE, current_platforms=PLATFORMS_AFTER).set_index("tax_code")


def test_entries_and_exits_by_tax_code(table):
    assert table.index[table["entered"]].tolist() == ["0100000003"]
    assert table.index[table["left"]].tolist() == ["0100000002"]
    # a firm written on the 2025 map only now is neither an entry nor an exit
    assert not table.loc["0100000005", "entered"] and not table.loc["0100000005", "left"]


def test_status_changes_and_closures(table):
    assert table.index[table["status_changed"]].tolist() == ["0100000004", "0100000008"]
    assert table.index[table["closed"]].tolist() == ["0100000004"]


def test_moves_on_the_finest_map_both_extracts_give(table):
    moved = table["moved"]
    assert moved["0100000001"] is False or moved["0100000001"] == False  # noqa: E712 - same unit
    assert moved["0100000005"] == False  # noqa: E712 - re-coded to the 2025 map, same unit
    assert pd.isna(moved["0100000006"])  # split commune, now in one of its two units: cannot tell
    assert moved["0100000007"] == True  # noqa: E712 - split commune, now in a unit it was never part of
    assert pd.isna(moved["0100000009"])  # same district, no commune: cannot tell
    assert moved["0100000010"] == True  # noqa: E712 - another district
    assert pd.isna(moved["0100000003"]) and pd.isna(moved["0100000002"])  # entered, left: no move to speak of


def test_activity_changes_on_the_class_both_extracts_give(table):
    changed = table["activity_changed"]
    assert changed["0100000008"] == True  # noqa: E712 - 6201 then 4690
    assert changed["0100000004"] == False  # noqa: E712 - 1010 both times
    assert pd.isna(changed["0100000005"])  # 2018 class before, 2025 class only now
    assert pd.isna(changed["0100000009"])


def test_platforms_started_and_new_categories(table):
    assert table.index[table["started_platform"] & ~table["is_branch"]].tolist() == ["0100000001", "0100000010"]
    assert table.loc["0100000001", "new_platforms"] == "ecommerce|other"
    assert table.loc["0100000008", "new_platforms"] == "cloud_accounting"
    assert pd.isna(table.loc["0100000004", "new_platforms"])


def test_counts_by_hand(table):
    total = flow_counts(table.reset_index()).iloc[0].to_dict()
    assert total == {"entered": 1, "left": 1, "closed": 1, "status_changed": 2, "moved": 2, "activity_changed": 1,
                     "started_platform": 2, "moved_unknown": 2, "activity_unknown": 4}
    by_district = flow_counts(table.reset_index(), by="district_code").set_index("district_code")
    assert by_district.loc["unknown", ["entered", "moved"]].tolist() == [1, 1]  # 0100000003 and 0100000007 have no district now
    assert by_district.loc["724", "moved"] == 1
    assert by_district.loc["718", "left"] == 1
