"""Key findings: each sentence's numbers recounted here with plain pandas."""

import pandas as pd
import pytest

from adoption.core import reference
from adoption.report import findings


@pytest.fixture(scope="module")
def firms(small_data):
    enterprises = small_data.enterprises
    return enterprises[(enterprises["status"].astype(str) == "active") & ~enterprises["tax_code"].str.contains("-")]


def test_overview_findings(firms):
    adopters, total = int(firms["uses_digital_platform"].sum()), len(firms)
    en = findings.overview(firms, "en")
    assert en[0] == f"{adopters:,} of {total:,} operating enterprises ({adopters / total * 100:.1f}%) use at least one digital platform."
    rates = firms.groupby("district_code")["uses_digital_platform"].mean()
    names = reference.districts().set_index("district_code")["district"]
    top, low = rates.idxmax(), rates.idxmin()
    assert en[1] == (f"Among the district units, adoption is highest in {names[top]} ({rates[top] * 100:.1f}%) and lowest in "
                     f"{names[low]} ({rates[low] * 100:.1f}%), {(rates[top] - rates[low]) * 100:.1f} percentage points apart.")
    sizes = firms.groupby(firms["size_class"].astype(str))["uses_digital_platform"].mean()
    assert en[-1] == (f"By size: {sizes['large'] * 100:.1f}% of large firms and {sizes['micro'] * 100:.1f}% of micro firms, "
                      f"{abs(sizes['large'] - sizes['micro']) * 100:.1f} percentage points apart.")


def test_a_hidden_group_is_never_named(firms):
    """Only two firms in one sector, both adopters: that sector's rate is hidden, so it is
    never the 'highest'."""
    tiny = firms.head(2).copy()
    tiny["vsic_section"] = "Q"
    tiny["uses_digital_platform"] = True
    rest = firms.iloc[2:]
    sentence = next(s for s in findings.overview(pd.concat([tiny, rest[rest["vsic_section"] != "Q"]]), "en")
                    if s.startswith("Among sectors"))
    assert "Q. " not in sentence


def test_training_findings(small_data):
    records = small_data.workforce
    required = records.groupby("period")["workers"].sum() * 13
    delivered = records.groupby("period")["training_hours"].sum()
    quarters = records["period"].nunique()
    hours_required = required.sum()
    en = findings.training(records, "en")
    assert en[0] == (f"Industrial parks delivered {delivered.sum():,} training hours of the {hours_required:,} the 1 hour/week "
                     f"rule requires ({delivered.sum() / hours_required * 100:.1f}%), {hours_required - delivered.sum():,} hours short.")
    coverage = delivered / required
    assert en[1] == (f"Coverage was highest in {coverage.idxmax()} ({coverage.max() * 100:.1f}%) and lowest in "
                     f"{coverage.idxmin()} ({coverage.min() * 100:.1f}%).")
    assert quarters == 4


def test_ict_findings(firms):
    digital = firms[firms["is_digital_tech"]]
    en = findings.ict_sector(firms, "en")
    share = digital["employees"].sum() / firms["employees"].sum()
    assert en[0] == (f"The electronics-IT-digital group counts {len(digital):,} firms with {int(digital['employees'].sum()):,} "
                     f"workers, {share * 100:.1f}% of the workers of operating enterprises.")
    core = firms[firms["is_ict"]]
    assert en[1] == f"Of these, the ICT sector as the OECD defines it has {len(core):,} firms and {int(core['employees'].sum()):,} workers."


def test_ict_report_of_firms_without_the_group(firms):
    """A province with firms but none of the electronics-IT-digital group: one sentence
    saying so, and a note for each table by group instead of an empty table."""
    from adoption.metrics.ict import ict_sector
    from adoption.report.tables import metric_table

    others = firms[~firms["is_digital_tech"]]
    assert findings.ict_sector(others, "en") == ["No enterprise in scope belongs to the electronics-IT-digital group."]
    note = metric_table(ict_sector(others, group="digital_tech", by="ownership", protected=True), "en").data
    assert note == "*Not shown: no enterprise in scope belongs to the group Electronics, IT and digital technology.*"


def test_ict_findings_say_only_what_the_table_shows():
    """Of 5 firms in the group, 4 in the ICT sector: the one outside it would be the
    difference of two sentences, so the ICT sector's is left out; of 2, nothing is said."""
    def firms_of(ict, employees):
        return pd.DataFrame({"is_digital_tech": [True] * len(ict) + [False] * 20, "is_ict": ict + [False] * 20,
                             "employees": pd.array(employees + [10] * 20, dtype="Int64")})

    said = findings.ict_sector(firms_of([True] * 4 + [False], [5, 5, 5, 9, 14]), "en")
    assert len(said) == 1 and said[0].startswith("The electronics-IT-digital group counts 5 firms with 38 workers")
    assert findings.ict_sector(firms_of([False, False], [3, 4]), "en") == []
    said = findings.ict_sector(firms_of([True] * 6 + [False] * 4, [5] * 10), "en")
    assert said[1] == "Of these, the ICT sector as the OECD defines it has 6 firms and 30 workers."
    # 20 firms of 10 workers beside one of 3,000 outside the group: the share would give
    # the workers of every firm, a total that one firm holds (3,000 of 3,250). Not said.
    frame = pd.concat([firms_of([True] * 5, [10] * 5), pd.DataFrame({"is_digital_tech": [False], "is_ict": [False],
                                                                      "employees": pd.array([3_000], dtype="Int64")})])
    said = findings.ict_sector(frame, "en")
    assert said[0] == "The electronics-IT-digital group counts 5 firms with 50 workers."


def test_firms_no_section_can_hold_are_never_named_a_sector(firms):
    """A hundred firms whose VSIC 2018 section is unknown, 90 of them adopters: the highest
    rate shown, yet no sector."""
    unplaced = firms.head(100).copy()
    unplaced["vsic_section"] = pd.array([None] * 100, dtype="string")
    unplaced["uses_digital_platform"] = [True] * 90 + [False] * 10
    sentence = next(s for s in findings.overview(pd.concat([unplaced, firms.iloc[100:]]), "en")
                    if s.startswith("Among sectors"))
    assert "placed" not in sentence and "unplaced" not in sentence
