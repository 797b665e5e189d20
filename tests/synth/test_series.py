"""A series of extracts of one evolving synthetic population, cleaned and linked.

The expected flows come from the documented rates (the table of docs/glossary.md, which a
test below checks against the generator's constants) applied to the clean tables of the
earlier extract, never from the generator's own draws. The tolerance of a count drawn at
random is four binomial standard deviations, plus a few firms for cleaning errors.
"""

import json
import math
import re
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from adoption import synth
from adoption.clean import clean_raw
from adoption.core import config
from adoption.core.errors import AdoptionError
from adoption.metrics.adoption import compare_published
from adoption.metrics.panel import flows
from adoption.metrics.scope import in_scope
from adoption.synth import series as S

FIRMS = 3_000
DATES = ("2023-09-30", "2024-12-31", "2025-12-31")
GLOSSARY = Path(__file__).parents[2] / "docs" / "glossary.md"
KEY = ["source_file", "source_sheet", "source_row"]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("series") / "raw"
    synth.write_series(folder, firms=FIRMS)
    return folder


@pytest.fixture(scope="module")
def cleaned(root) -> dict:
    return {name: clean_raw(root / name) for name in DATES}


def _years(a: str, b: str) -> float:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days / 365.25


def _chance(rate: float, years: float) -> float:
    return 1 - (1 - rate) ** years


def _within(observed: int, chances: list[float], slack: int = 3) -> None:
    expected = sum(chances)
    sd = math.sqrt(sum(p * (1 - p) for p in chances))
    assert abs(observed - expected) <= 4 * sd + slack, (observed, round(expected, 1), round(sd, 1))


def _heads(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["is_branch"].astype(bool)].set_index("tax_code")


def _pairs(cleaned):
    return [(a, b, cleaned[a].enterprises, cleaned[b].enterprises) for a, b in zip(DATES, DATES[1:])]


def _keyed(frame):
    out = frame.copy()
    out["source_sheet"] = out["source_sheet"].fillna("").astype(str)
    out["source_row"] = out["source_row"].astype(int)
    return out


def _truth(root, name) -> pd.DataFrame:
    return _keyed(pd.read_parquet(synth.truth_dir_for(root / name) / "register_truth.parquet"))


# Layout and the first extract


def test_one_folder_per_extract_each_marked_synthetic_with_its_date(root):
    assert sorted(p.name for p in root.iterdir()) == sorted([*DATES, *(f"{d}_truth" for d in DATES)])
    for name in DATES:
        manifest = json.loads((root / name / config.SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))
        assert manifest["synthetic"] is True and manifest["extracted_on"] == name
        assert {p.name for p in (root / name).iterdir()} == {"register", "platforms", "survey", "workforce",
                                                              config.SYNTHETIC_MANIFEST}
        assert (synth.truth_dir_for(root / name) / "register_truth.parquet").is_file()


def _data_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != config.SYNTHETIC_MANIFEST}


def test_first_extract_is_the_single_extract_byte_for_byte(root, small_raw):
    assert _data_files(root / DATES[0]) == _data_files(small_raw)


def test_default_first_extract_reproduces_the_published_figures(default_raw, tmp_path):
    """At the default size, the series' first extract is the default register, and its
    clean tables give the published figures exactly."""
    written = synth.write_series(tmp_path / "raw", dates=[DATES[0]])
    folder = written[0].raw_dir
    assert _data_files(folder) == _data_files(default_raw)
    table = compare_published(in_scope(clean_raw(folder).enterprises)).set_index("key")
    for key in ("enterprises", "adopters", "digital_tech_firms", "digital_tech_workers"):
        assert table.loc[key, "difference"] == 0, key


def test_same_seed_same_series_other_seed_other(root, tmp_path):
    again = synth.write_series(tmp_path / "again", dates=DATES[:2], firms=FIRMS)
    other = synth.write_series(tmp_path / "other", dates=DATES[:2], firms=FIRMS, seed=7)
    assert _data_files(again[1].raw_dir) == _data_files(root / DATES[1])
    assert _data_files(other[1].raw_dir) != _data_files(root / DATES[1])


def test_refuses_bad_dates_and_full_folders(root, tmp_path):
    with pytest.raises(AdoptionError, match="increasing order"):
        synth.write_series(tmp_path / "a", dates=["2024-12-31", "2023-09-30"], firms=1_000)
    with pytest.raises(AdoptionError, match="starts on 2023-09-30"):
        synth.write_series(tmp_path / "b", dates=["2022-12-31"], firms=1_000)
    with pytest.raises(AdoptionError, match="already hold files"):
        synth.write_series(root, firms=FIRMS)


# Every extract cleans, every row accounted for


@pytest.mark.parametrize("name", DATES)
def test_each_extract_accounts_for_every_row(cleaned, root, name):
    result = cleaned[name]
    for file, info in result.quality["files"].items():
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"], file
    truth = _truth(root, name)
    rejects = _keyed(result.rejects[result.rejects["table"] == "register"])
    assert len(rejects) == (truth["expected"] == "rejected").sum()
    assert rejects.merge(truth, on=KEY)["expected"].eq("rejected").all()
    kept = _keyed(result.enterprises).merge(truth, on=KEY, suffixes=("", "_truth"), validate="one_to_one")
    assert len(kept) == len(result.enterprises) and (kept["tax_code"] == kept["entity"]).all()
    assert (kept["status"].astype(str) == kept["status_truth"]).mean() >= 0.995


# The documented rates, recovered from the clean tables


def test_entries(cleaned):
    for a, b, before, after in _pairs(cleaned):
        table = flows(before, after)
        entered = int((table["entered"] & ~table["is_branch"]).sum())
        active = int((_heads(before)["status"] == "active").sum())
        expected = S.ENTRY_RATE * _years(a, b) * active
        assert abs(entered - expected) <= 0.02 * expected + 2, (a, b, entered, expected)
        new = _heads(after).loc[table.loc[table["entered"] & ~table["is_branch"], "tax_code"]]
        dates = pd.to_datetime(new["registered_on"]).dropna()
        assert dates.between(pd.Timestamp(a), pd.Timestamp(b)).mean() >= 0.99


def test_exits(cleaned):
    for a, b, before, after in _pairs(cleaned):
        years = _years(a, b)
        heads = _heads(before)
        left = ~heads.index.isin(after["tax_code"])
        _within(int(left.sum()), [_chance(S.EXIT_RATES[s], years) for s in heads["status"].astype(str)])
        # A branch does not outlive its head office.
        branches = after.loc[after["is_branch"], "tax_code"].str[:10]
        assert not branches.isin(heads.index[left]).any()


def test_status_changes(cleaned):
    for a, b, before, after in _pairs(cleaned):
        years = _years(a, b)
        then, now = _heads(before), _heads(after)
        stayed = then.index.intersection(now.index)
        start, end = then.loc[stayed, "status"].astype(str), now.loc[stayed, "status"].astype(str)
        for status, rates in S.STATUS_RATES.items():
            mine = start == status
            changed = int((end[mine] != status).sum())
            _within(changed, [_chance(sum(rates.values()), years)] * int(mine.sum()))
            for target in set(end[mine]) - {status}:
                assert target in rates, (status, target)  # only the documented transitions happen


def test_adoption_growth(cleaned):
    for a, b, before, after in _pairs(cleaned):
        table = flows(before, after).set_index("tax_code")
        then = _heads(before)
        eligible = then[(then["status"] == "active") & ~then["uses_digital_platform"]].index
        eligible = eligible.intersection(_heads(after).index)
        started = int(table.loc[eligible, "started_platform"].sum())
        _within(started, [_chance(S.ADOPTION_RATE, _years(a, b))] * len(eligible))
        # Adopters stay adopters: platform records are kept from one extract to the next.
        was = then[then["uses_digital_platform"]].index.intersection(_heads(after).index)
        assert _heads(after).loc[was, "uses_digital_platform"].all()


def test_moves_on_the_old_map(cleaned):
    a, b, before, after = _pairs(cleaned)[0]
    table = flows(before, after).set_index("tax_code")
    then = _heads(before)
    outside = then[then["in_industrial_park"].eq(False)].index.intersection(_heads(after).index)
    assert table.loc[outside, "moved"].notna().mean() >= 0.99
    _within(int(table.loc[outside, "moved"].fillna(False).sum()), [_chance(S.MOVE_RATE, _years(a, b))] * len(outside))
    inside = then[then["in_industrial_park"].eq(True)].index.intersection(_heads(after).index)
    assert int(table.loc[inside, "moved"].fillna(False).sum()) <= 2


def test_firms_are_linked_across_the_change_of_map(cleaned):
    """A firm written on the old map in 2024 and on the new one in 2025 is the same firm:
    only the documented entries are new tax codes."""
    _, _, before, after = _pairs(cleaned)[1]
    table = flows(before, after)
    assert table["moved"].fillna(False).mean() < 3 * S.MOVE_RATE


def test_glossary_documents_the_generator_rates():
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text[text.index("## A series of extracts"):]
    section = section[:section.index("\n## ", 4)]

    def rate(label):
        line = next(line for line in section.splitlines() if line.startswith(f"| {label} "))
        return [float(x) / 100 for x in re.findall(r"(\d+(?:\.\d+)?)%", line.split("|")[2])]

    assert rate("Entries") == [S.ENTRY_RATE]
    assert rate("Exits") == [S.EXIT_RATES[s] for s in ("active", "suspended", "dissolving", "dissolved")]
    assert rate("Status changes") == [r for out in S.STATUS_RATES.values() for r in out.values()]
    assert rate("Adoption growth") == [S.ADOPTION_RATE]
    assert rate("Moves") == [S.MOVE_RATE]
    assert rate("Address only") == [synth.scheme2025.ADDRESS_ONLY_SHARE, synth.scheme2025.ADDRESS_BESIDE_SHARE]


# How each extract is written


def _district_column(path: Path) -> pd.Series:
    """The district column of Bến Cát's file (UTF-8, semicolons, text in NFD)."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    return frame["Quận/Huyện"].map(lambda v: unicodedata.normalize("NFC", v))


def test_ben_cat_a_town_in_2023_and_a_city_from_2024(root, cleaned):
    town = _district_column(root / DATES[0] / "register" / "synthetic_register_721.csv")
    city = _district_column(root / DATES[1] / "register" / "synthetic_register_721.csv")
    assert town.str.startswith(("Thị xã", "TX.")).any()
    assert city.str.startswith(("Thành phố Bến Cát", "TP. Bến Cát", "TP Bến Cát")).any()
    assert not city.str.contains(r"Thị xã|TX\.", regex=True).any()
    firms = cleaned[DATES[1]].enterprises
    assert (firms.loc[firms["source_file"] == "synthetic_register_721.csv", "district_code"] == "721").mean() >= 0.99


def test_after_july_2025_rows_are_on_the_new_map(root, cleaned):
    result = cleaned[DATES[2]]
    sources = result.quality["flags"]["geo_source"]["counts"]
    kept = sum(sources.values())
    assert sources["old_units"] == 0 and sources["new_units"] > 0
    assert 0.20 <= sources["address"] / kept <= 0.30  # the documented share written as an address only
    assert "place_unknown" not in result.quality["reasons"]
    assert len(result.quality["columns_absent"]["register"]["district"]) == 9  # no file has a district column
    # Each firm in the unit the truth gives it, a split former commune's firms included.
    truth = _truth(root, DATES[2])
    joined = _keyed(result.enterprises).merge(truth, on=KEY, suffixes=("", "_truth"), validate="one_to_one")
    assert joined["commune2025_code"].notna().mean() >= 0.99
    decided = joined["commune2025_code"].notna()
    assert (joined.loc[decided, "commune2025_code"] == joined.loc[decided, "commune2025_code_truth"]).all()


def test_firms_registered_since_vsic_2025_are_read_in_it(root, cleaned):
    result = cleaned[DATES[2]]
    firms = result.enterprises
    recent = pd.to_datetime(firms["registered_on"]) >= pd.Timestamp("2025-11-15")
    assert recent.sum() > 0
    assert (firms.loc[recent, "vsic_version"] == "2025").all()
    assert set(firms.loc[recent, "vsic_evidence"]) >= {"description"}
    assert not (firms.loc[~recent & firms["registered_on"].notna(), "vsic_version"] == "2025").any()
    truth = _truth(root, DATES[2])
    joined = _keyed(firms[recent]).merge(truth, on=KEY, suffixes=("", "_truth"))
    assert (joined["vsic2025_4"] == joined["vsic2025_4_truth"]).all()
    # Files that write each code with its name: older firms' codes read in VSIC 2018.
    described = firms["source_file"].isin([f"synthetic_register_{c}.csv" for c in synth.scheme2025.VSIC_DESCRIBED_FILES])
    assert firms.loc[described & ~recent, "vsic4"].notna().mean() >= 0.95  # a few names are alike in both versions
    assert firms.loc[described & ~recent, "vsic_version"].isin(["2018", "ambiguous"]).all()
    # Elsewhere a code of both versions with nothing beside it stays ambiguous, never guessed.
    assert firms.loc[~described & ~recent, "vsic4"].notna().mean() < 0.9
    earlier = cleaned[DATES[1]].enterprises
    assert (earlier["vsic_version"] == "2018").all()


@pytest.mark.parametrize("name, key, unit", [(DATES[0], "district|size_class", "district_code"),
                                             (DATES[1], "district|size_class", "district_code"),
                                             (DATES[2], "commune2025|size_class", "commune2025_code")])
def test_each_survey_is_kept_on_the_map_of_its_date(root, cleaned, name, key, unit):
    result = cleaned[name]
    written = pd.read_csv(root / name / "survey" / "synthetic_survey_2023.csv", dtype=str)["Tầng mẫu"]
    # The agency's frame on the extract date: 3-digit districts before 1 July 2025, 5-digit units after.
    assert written.str.fullmatch(r"\d{3}\|\w+" if unit == "district_code" else r"\d{5}\|\w+").all()
    reasons = result.rejects.loc[result.rejects["table"] == "survey", "reason_code"]
    assert not reasons.isin(["weight_invalid", "stratum_unknown"]).any()
    assert len(result.survey) == len(written)
    assert result.quality["survey"]["strata"] == key
    # The weights add up to the in-scope firms of the respondents' strata, counted here from
    # the clean register: the register's stratum, or for a firm it cannot place, its row's.
    firms = in_scope(result.enterprises).set_index("tax_code")
    stratum = (firms[unit].astype("string") + "|" + firms["size_class"].astype("string"))
    stratum = stratum.fillna(result.survey.set_index("tax_code")["stratum"].reindex(stratum.index))
    assert result.survey["weight"].sum() == pytest.approx(stratum.isin(set(result.survey["stratum"])).sum())
    if name == DATES[2]:  # a 2025 unit of two former districts leaves surveyed firms without a district
        assert result.survey["district_code"].isna().any()


def test_cli_writes_a_series(tmp_path):
    adoption = str(Path(sys.executable).parent / "adoption")
    raw = tmp_path / "raw"
    done = subprocess.run([adoption, "synth", "--raw", str(raw), "--firms", "1000", "--extracts", "2023-09-30,2024-06-30"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "wrote the extract of 2024-06-30" in done.stdout
    assert sorted(p.name for p in raw.iterdir()) == ["2023-09-30", "2023-09-30_truth", "2024-06-30", "2024-06-30_truth"]
    bad = subprocess.run([adoption, "synth", "--raw", str(tmp_path / "x"), "--extracts", "2024-13-01"],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
