"""The national synthetic register, cleaned for the whole country and measured against
the generator's own ground truth (never against the cleaner's code)."""

import json

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.core.io import sha256_file
from adoption.synth import truth_dir_for, write_synthetic
from adoption.synth.national import tax_codes
from adoption.synth.provinces import province_counts, province_shares

FIRMS = 20_000


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    raw = tmp_path_factory.mktemp("national") / "raw"
    result = write_synthetic(raw, firms=FIRMS, scope="national")
    return raw, result


@pytest.fixture(scope="module")
def cleaned(national):
    return clean_raw(national[0], scope="national")


@pytest.fixture(scope="module")
def truth(national):
    return pd.read_parquet(truth_dir_for(national[0]) / "register_truth.parquet")


def test_one_register_file_per_province_in_mixed_formats(national):
    raw, result = national
    names = sorted(p.name for p in (raw / "register").iterdir())
    provinces = [n for n in names if n.startswith("synthetic_register_province_")]
    assert len(provinces) == 62 and len(names) == 62 + 9  # Bình Dương: a file per district, as before
    assert any(n.endswith(".xlsx") for n in provinces) and any(n.endswith(".csv") for n in provinces)
    heads = {(raw / "register" / n).read_bytes()[:2] for n in provinces if n.endswith(".csv")}
    assert b"\xff\xfe" in heads and b"\xef\xbb" in heads  # UTF-16 and UTF-8 with BOM among them
    manifest = json.loads((raw / "SYNTHETIC.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["scope"]["code"] == "national"
    assert sum(manifest["province_firms"].values()) == FIRMS
    assert result.register_rows > FIRMS


def test_kept_rows_per_province_match_the_truth(cleaned, truth):
    expected = truth[truth["expected"] == "kept"].groupby("province_code").size()
    got = cleaned.enterprises.groupby("province_code").size()
    assert len(expected) == 63
    assert {str(k): int(v) for k, v in got.items()} == {str(k): int(v) for k, v in expected.items()}


def test_only_the_injected_junk_is_rejected_and_duplicates_merged(cleaned, truth):
    register_rejects = cleaned.rejects[cleaned.rejects["table"] == "register"]
    assert len(register_rejects) == int((truth["expected"] == "rejected").sum())
    assert set(register_rejects["reason_code"]) <= {"tax_code_invalid", "name_missing", "district_unknown", "vsic_invalid"}
    merged = cleaned.merges[cleaned.merges["table"] == "register"]
    assert len(merged) == int((truth["expected"] == "merged").sum())
    keyed = truth.set_index(["source_file", "source_sheet", "source_row"])["expected"]
    rows = pd.MultiIndex.from_arrays([register_rejects["source_file"], register_rejects["source_sheet"].fillna(""),
                                      register_rejects["source_row"].astype("int64")])
    assert (keyed.reindex(rows) == "rejected").all()


def test_firms_elsewhere_have_a_province_and_no_unit(cleaned):
    firms = cleaned.enterprises
    elsewhere = firms[firms["province_code"] != "74"]
    assert elsewhere[["district_code", "commune_code", "commune2025_code"]].isna().all().all()
    assert set(elsewhere["geo_source"]) == {"province", "address"}
    assert firms.loc[firms["province_code"] == "74", "district_code"].notna().all()
    assert (firms["province"] == firms["province_code"].map({"01": "Thành phố Hà Nội"})).sum() == (firms["province_code"] == "01").sum()
    assert cleaned.platforms["tax_code"].isin(elsewhere["tax_code"]).any()
    assert cleaned.quality["flags"]["province_not_matched"]["count"] == 0


def test_one_other_province_writes_that_province_alone(tmp_path):
    raw = tmp_path / "raw"
    write_synthetic(raw, firms=2_000, scope="Tỉnh Hà Giang")
    assert sorted(p.name for p in (raw / "register").iterdir()) == ["synthetic_register_province_02.csv"]
    assert not (raw / "survey").exists()  # the survey and workforce records are Bình Dương's
    result = clean_raw(raw, scope="02")
    truth = pd.read_parquet(truth_dir_for(raw) / "register_truth.parquet")
    assert len(result.enterprises) == int((truth["expected"] == "kept").sum())
    assert set(result.enterprises["province_code"]) == {"02"}


def test_the_default_scope_writes_what_the_default_writes(tmp_path):
    default, explicit = tmp_path / "a", tmp_path / "b"
    write_synthetic(default, firms=1_000, truth_dir=tmp_path / "ta")
    write_synthetic(explicit, firms=1_000, truth_dir=tmp_path / "tb", scope="74")
    files = sorted(p.relative_to(default) for p in default.rglob("*") if p.is_file() and p.name != "SYNTHETIC.json")
    assert files == sorted(p.relative_to(explicit) for p in explicit.rglob("*") if p.is_file() and p.name != "SYNTHETIC.json")
    assert all(sha256_file(default / f) == sha256_file(explicit / f) for f in files)


def test_shares_and_counts():
    shares = province_shares()
    assert abs(sum(shares.values()) - 1) < 1e-9 and min(shares.values()) > 0
    counts = province_counts(1_000_000, tuple(shares))
    assert sum(counts.values()) == 1_000_000 and counts["79"] == 313_000 and counts["74"] == 44_000
    assert province_counts(2_000, tuple(shares))["74"] == 1_000  # Bình Dương's calibrated register needs 1,000


def test_synthetic_tax_codes_are_valid_and_distinct():
    import numpy as np
    from stdnum.vn import mst

    avoid = np.array([int(c) for c in ("0100233488", "0100109106")], dtype=np.int64)
    codes = tax_codes(np.random.default_rng(1), "01", 5_000, avoid)
    assert len(set(codes)) == 5_000 and all(mst.is_valid(c) for c in codes)
    assert all(c.startswith("01") for c in codes) and not {"0100233488", "0100109106"} & set(codes)


def test_a_large_province_is_written_in_parts_with_distinct_firms(tmp_path, monkeypatch):
    from adoption.synth import national

    monkeypatch.setattr(national, "MAX_PART_FIRMS", 700)
    raw = tmp_path / "raw"
    write_synthetic(raw, firms=2_000, scope="79")
    names = sorted(p.name for p in (raw / "register").iterdir())
    assert names == [f"synthetic_register_province_79_part{k}.csv" for k in (1, 2, 3)]
    result = clean_raw(raw, scope="79")
    truth = pd.read_parquet(truth_dir_for(raw) / "register_truth.parquet")
    assert len(result.enterprises) == int((truth["expected"] == "kept").sum())
    assert (result.enterprises["is_branch"] == False).sum() > 2_000  # noqa: E712  (inactive head offices besides)


def test_the_smallest_national_register_is_written_and_cleans_as_its_truth_says(tmp_path):
    """At the command's least (1,000 firms) small provinces get a firm or two: no branch,
    no platform record. Their files are still written, and cleaned as the truth says."""
    raw = tmp_path / "raw"
    write_synthetic(raw, firms=1000, scope="national")
    platforms = [pd.read_csv(p, dtype=str) for p in sorted((raw / "platforms").glob("synthetic_platforms_province_*.csv"))]
    assert len(platforms) == 62 and any(frame.empty for frame in platforms)
    truth = pd.read_parquet(truth_dir_for(raw) / "register_truth.parquet")
    assert not truth["tax_code"].astype(str).str.contains("-").groupby(truth["province_code"]).any().all()  # a province without a branch
    cleaned = clean_raw(raw, scope="national")
    expected = truth[truth["expected"] == "kept"].groupby("province_code").size()
    got = cleaned.enterprises.groupby("province_code", observed=True).size()
    assert {str(k): int(v) for k, v in got.items()} == {str(k): int(v) for k, v in expected.items()}
