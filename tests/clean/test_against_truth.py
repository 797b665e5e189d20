"""Cleaning measured against the ground truth of the messy synthetic register."""

from pathlib import Path

import pandas as pd
import pytest

from adoption import synth
from adoption.clean import clean_raw
from adoption.metrics.adoption import compare_published, headline
from adoption.metrics.scope import in_scope
from adoption.synth import files as synth_files

KEY = ["source_file", "source_sheet", "source_row"]
FIELDS = ["tax_code", "district_code", "commune_code", "vsic4", "legal_form", "ownership", "status"]
CROSSWALK = Path(__file__).parents[2] / "src" / "adoption" / "core" / "reference_data" / "vsic2018_2025_crosswalk.csv"


def _keyed(frame):
    out = frame.copy()
    out["source_sheet"] = out["source_sheet"].fillna("").astype(str)
    out["source_row"] = out["source_row"].astype(int)
    return out


@pytest.fixture(scope="module")
def truth(default_raw):
    folder = synth.truth_dir_for(default_raw)
    return _keyed(pd.read_parquet(folder / "register_truth.parquet")), _keyed(pd.read_parquet(folder / "platform_truth.parquet"))


@pytest.fixture(scope="module")
def joined(default_data, truth):
    register, _ = truth
    return _keyed(default_data.enterprises).merge(register, on=KEY, how="left", suffixes=("", "_truth"), validate="one_to_one")


def test_truth_lies_beside_the_raw_folder_not_inside(default_raw):
    folder = synth.truth_dir_for(default_raw)
    assert folder.parent == default_raw.parent and folder.is_dir()
    assert not list(default_raw.rglob("*truth*"))


def test_every_kind_of_mess_is_present(default_raw, truth):
    register, platforms = truth
    suffixes = {p.suffix for p in (default_raw / "register").iterdir()}
    assert suffixes == {".csv", ".xlsx"}
    raw_bytes = {p.name: p.read_bytes()[:4] for p in (default_raw / "register").iterdir()}
    assert raw_bytes["synthetic_register_718.csv"].startswith(b"\xef\xbb\xbf")
    assert raw_bytes["synthetic_register_720.csv"].startswith(b"\xff\xfe")
    assert set(register["expected"]) == {"kept", "merged", "rejected"}
    assert set(platforms["expected"]) == {"kept", "merged", "rejected"}
    assert (register["expected"] == "rejected").mean() > 0.005


@pytest.mark.parametrize("field", FIELDS)
def test_field_accuracy_at_least_99_5_percent(joined, field):
    got = joined[field].astype(object).where(joined[field].notna(), None)
    want = joined[f"{field}_truth"].astype(object).where(joined[f"{field}_truth"].notna(), None)
    accuracy = ((got == want) | (got.isna() & want.isna())).mean()
    assert accuracy >= 0.995, f"{field}: {accuracy:.4%}"


def test_an_extract_from_before_vsic_2025_is_read_in_vsic_2018(joined, default_data):
    # The synthetic register is the extract of 30 September 2023 (its manifest says so):
    # VSIC 2025 did not exist, so every code is a VSIC 2018 code, and its class is known.
    assert default_data.quality["extract"] == {"date": "2023-09-30", "from": "synthetic manifest", "vsic_version": "2018"}
    assert (joined["vsic_version"] == "2018").all() and (joined["vsic_evidence"] == "header").all()
    assert joined["vsic4"].notna().all()


def test_without_its_date_a_code_of_both_versions_is_ambiguous(small_raw, tmp_path):
    """The same register with no extract date: a code of both versions written without
    its name is ambiguous, its 2018 class left null exactly where its VSIC 2025 reading
    converts to other 2018 classes (the official table), and never guessed."""
    import json
    import shutil

    raw = shutil.copytree(small_raw, tmp_path / "raw")
    manifest = json.loads((raw / "SYNTHETIC.json").read_text(encoding="utf-8"))
    del manifest["extracted_on"]
    (raw / "SYNTHETIC.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = clean_raw(raw)
    firms = result.enterprises
    assert result.quality["extract"] == {"date": None}
    table = pd.read_csv(CROSSWALK, dtype=str)
    classes = table[table["level"] == "4"]
    sources = classes.groupby("vsic2025_code")["vsic2018_code"].agg(frozenset)
    differ = {code for code, old in sources.items() if old != {code}}
    ambiguous = firms[firms["vsic_version"] == "ambiguous"]
    assert len(ambiguous) > 0
    assert (firms.loc[firms["vsic4"].isna(), "vsic_version"] == "ambiguous").all()
    # an ambiguous code keeps its 2018 class only where both readings give that class
    assert not ambiguous.loc[ambiguous["vsic4"].notna(), "vsic4"].isin(differ).any()
    # Rows whose code stands beside its VSIC 2018 name are read as VSIC 2018.
    assert (firms.loc[firms["vsic_evidence"] == "description", "vsic_version"] == "2018").all()
    assert 0 < firms["vsic4"].isna().mean() < 0.25


def test_every_kept_row_is_a_real_firm(joined):
    assert joined["expected"].isin(["kept", "merged"]).all()
    assert (joined["tax_code"] == joined["entity"]).all()


def test_junk_rows_rejected_and_nothing_else(default_data, truth):
    register, _ = truth
    rejects = _keyed(default_data.rejects[default_data.rejects["table"] == "register"])
    outcome = rejects.merge(register, on=KEY, how="left")["expected"]
    assert outcome.notna().all()
    assert (outcome == "rejected").all()
    assert len(rejects) == (register["expected"] == "rejected").sum()


def test_duplicate_detection_precision_and_recall(default_data, truth):
    register, _ = truth
    merges = _keyed(default_data.merges[default_data.merges["table"] == "register"])
    entity = register.set_index(KEY)["entity"]
    merged_entity = entity.reindex(pd.MultiIndex.from_frame(merges[KEY])).to_numpy()
    kept_entity = entity.reindex(pd.MultiIndex.from_arrays(
        [merges["kept_source_file"], merges["kept_source_sheet"], merges["kept_source_row"].astype(int)])).to_numpy()
    correct = int(((merged_entity == kept_entity) & pd.notna(merged_entity)).sum())
    true_duplicates = int((register["expected"] == "merged").sum())
    precision = correct / len(merges)
    recall = correct / true_duplicates
    assert precision >= 0.99 and recall >= 0.99, (precision, recall)


def test_platform_records_against_truth(default_data, truth):
    _, platforms = truth
    kept = _keyed(default_data.platforms).merge(platforms, on=KEY, how="left", suffixes=("", "_truth"))
    assert kept["expected"].isin(["kept", "merged"]).all()
    assert (kept["tax_code"] == kept["entity"]).all()
    assert (kept["platform"].astype(str) == kept["platform_truth"].astype(str)).all()
    rejected = _keyed(default_data.rejects[default_data.rejects["table"] == "platforms"]).merge(platforms, on=KEY, how="left")
    assert (rejected["expected"] == "rejected").all()


def test_figures_still_match_the_published_ones(default_data):
    table = compare_published(in_scope(default_data.enterprises)).set_index("key")
    for key in ("enterprises", "adopters", "digital_tech_firms", "digital_tech_workers"):
        assert table.loc[key, "difference"] == 0, key


def test_absurd_values_set_null_and_counted(default_data):
    counted = default_data.quality["out_of_range_set_null"]
    assert counted["employees"] > 0 and counted["registered_on"] > 0
    employees = default_data.enterprises["employees"].dropna()
    assert employees.between(0, 500_000).all()


def test_heavy_messiness_still_clean(tmp_path):
    # A smaller register (the same generator scaled down) at three times the mess.
    synth.write_synthetic(tmp_path / "raw", messiness="heavy", firms=4_000)
    targets = synth.Targets().scaled(4_000)
    result = clean_raw(tmp_path / "raw")
    figures = headline(in_scope(result.enterprises))
    assert (figures["enterprises"], figures["adopters"], figures["digital_tech_workers"]) == (
        targets.active, targets.adopters, targets.digital_tech_workers)
    for name, info in result.quality["files"].items():
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"], name
    truth = pd.read_parquet(synth.truth_dir_for(tmp_path / "raw") / "register_truth.parquet")
    assert (result.rejects["table"] == "register").sum() == (truth["expected"] == "rejected").sum()


def test_cp1258_writes_tones_as_combining_marks():
    encoded = synth_files.to_cp1258("Thủ Dầu Một")
    decoded = encoded.decode("cp1258")
    assert decoded != "Thủ Dầu Một" and decoded.encode("utf-8") != "Thủ Dầu Một".encode("utf-8")
    import unicodedata
    assert unicodedata.normalize("NFC", decoded) == "Thủ Dầu Một"
