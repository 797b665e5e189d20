"""The default synthetic data reproduce the published figures once cleaned."""

import json

import pandas as pd
import pytest

from stdnum.vn import mst

from adoption import synth
from adoption.core import config, reference
from adoption.core.errors import AdoptionError
from adoption.core.manifest import synthetic_files
from adoption.metrics.adoption import headline
from adoption.metrics.scope import in_scope


@pytest.fixture(scope="module")
def firms(default_data):
    return in_scope(default_data.enterprises)


def test_published_counts_are_exact(firms):
    figures = headline(firms)
    assert figures["enterprises"] == 65_000
    assert figures["adopters"] == 45_000
    assert figures["digital_tech_firms"] == 1_300
    assert figures["digital_tech_workers"] == 55_720


def test_figures_within_stated_tolerances(firms):
    figures = headline(firms)
    assert abs(figures["ip_workers"] - 1_200_000) <= 0.02 * 1_200_000
    assert figures["industrial_parks"] == 29
    assert abs(figures["fdi_firms"] - 4_200) <= 0.05 * 4_200


def test_register_holds_branches_and_inactive_firms_not_counted(default_data):
    enterprises = default_data.enterprises
    assert enterprises["is_branch"].sum() > 1_000
    assert (enterprises["status"] != "active").sum() > 1_000
    assert len(enterprises) > 65_000


def test_real_admin_units_and_vsic_classes(default_data):
    enterprises = default_data.enterprises
    units = reference.admin_units()
    assert set(enterprises["district_code"]) == set(units["district_code"])
    assert enterprises["commune_code"].dropna().isin(units["commune_code"]).all()
    assert enterprises["commune_code"].nunique() == 91
    # An extract of 2023 holds VSIC 2018 codes: every class is a real VSIC 2018 class.
    assert enterprises["vsic4"].isin(reference.vsic_classes()["vsic4"]).all()


def test_tax_codes_valid_mostly_with_prefix_37(default_data):
    codes = default_data.enterprises["tax_code"]
    assert codes.map(mst.is_valid).all()  # python-stdnum, not our own cleaner
    assert codes.str.startswith("37").mean() > 0.95
    assert set(codes.str[:2]) == {"37", "03", "01"}


def test_size_distribution_mostly_micro_and_small(firms):
    shares = firms["size_class"].value_counts(normalize=True)
    assert shares["micro"] + shares["small"] > 0.85
    assert shares["large"] > 0


def test_parks_real_where_sourced_and_labelled_synthetic_otherwise(firms):
    parks = reference.industrial_parks()
    sourced = set(reference.reference_parks()["park_name_vi"])
    real = parks[parks["origin"] == "reference"]["park_name"]
    assert set(real) <= sourced
    invented = parks[parks["origin"] == "synthetic"]["park_name"]
    assert invented.str.contains("synthetic").all()
    assert set(firms["industrial_park"].dropna()) == set(parks["park_name"])


def test_adoption_dates_spread_over_2018_to_2023(default_data):
    years = pd.to_datetime(default_data.platforms["adopted_on"]).dt.year
    assert years.min() == 2018 and years.max() == 2023
    assert years.value_counts().min() > 1_000


def test_every_file_listed_in_the_synthetic_manifest(default_raw):
    manifest = json.loads((default_raw / config.SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))
    written = sorted(p.relative_to(default_raw).as_posix() for p in default_raw.rglob("synthetic_*"))
    assert manifest["synthetic"] is True
    assert sorted(manifest["files"]) == written
    assert all(name.split("/")[-1].startswith("synthetic_") for name in written)
    assert synthetic_files(default_raw) == manifest["files"]


def test_clean_data_marked_synthetic(default_data):
    assert default_data.synthetic
    assert len(default_data.quality["synthetic_files"]) == 13


def test_edited_file_is_no_longer_synthetic(default_raw, tmp_path):
    copy = tmp_path / "raw"
    for path in default_raw.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(default_raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    edited = copy / "register" / "synthetic_register_723.csv"
    edited.write_bytes(edited.read_bytes() + b"\n")
    assert "register/synthetic_register_723.csv" not in synthetic_files(copy)
    assert len(synthetic_files(copy)) == 12


def test_deterministic(small_raw, tmp_path):
    again = synth.write_synthetic(tmp_path / "raw", truth_dir=tmp_path / "truth", firms=3_000)
    first = json.loads((small_raw / config.SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))["files"]
    second = json.loads((again.raw_dir / config.SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))["files"]
    assert first == second


def test_a_scaled_register_keeps_the_shares_and_says_its_size(small_data, small_raw):
    # 3,000 firms: every count of the default register times 3,000 / 65,000, rounded.
    firms = in_scope(small_data.enterprises)
    figures = headline(firms)
    assert figures["enterprises"] == 3_000
    assert figures["adopters"] == round(45_000 * 3_000 / 65_000)            # 2,077
    assert figures["digital_tech_firms"] == round(1_300 * 3_000 / 65_000)   # 60
    assert figures["digital_tech_workers"] == round(55_720 * 3_000 / 65_000)  # 2,572
    manifest = json.loads((small_raw / config.SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["firms"] == 3_000 and manifest["synthetic"] is True
    assert small_data.synthetic


def test_too_small_a_register_is_refused(tmp_path):
    with pytest.raises(AdoptionError, match="too small"):
        synth.write_synthetic(tmp_path / "raw", firms=100)


def test_refuses_to_overwrite_a_register(default_raw):
    with pytest.raises(AdoptionError, match="already holds files in register/"):
        synth.write_synthetic(default_raw)



def test_never_writes_beside_a_users_files(tmp_path):
    """Any file in any of the four input folders (hidden ones too) makes the folder the
    user's: refused without --force, and --force replaces only the generator's own files."""
    raw = tmp_path / "raw"
    for folder, name in (("survey", "khao_sat.csv"), ("register", ".dn.csv"), ("workforce", "~$dao_tao.xlsx")):
        (raw / folder).mkdir(parents=True)
        (raw / folder / name).write_text("the user's", encoding="utf-8")
        assert not synth.raw_is_empty(raw)
        with pytest.raises(AdoptionError, match="already holds files in register/"):
            synth.write_synthetic(raw, firms=3_000)
        (raw / folder / name).unlink()
    assert synth.raw_is_empty(raw)  # READMEs and empty folders aside, nothing there
    (raw / "register" / "README.md").write_text("what goes here", encoding="utf-8")
    assert synth.raw_is_empty(raw)

    synth.write_synthetic(raw, firms=3_000, messiness="none")
    mine = raw / "register" / "synthetic_mine.csv"  # named like the generator's, but the user's
    mine.write_text("the user's", encoding="utf-8")
    synth.write_synthetic(raw, firms=3_000, messiness="none", force=True, seed=7)
    assert mine.read_text(encoding="utf-8") == "the user's"
    assert "register/synthetic_mine.csv" not in synthetic_files(raw)


def test_an_interrupted_or_broken_manifest_is_refused_by_the_cleaning(tmp_path):
    from adoption.clean import clean_raw
    from adoption.core.errors import InputFileError
    from adoption.core.manifest import mark_writing

    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    (raw / "register" / "dn.csv").write_text("Mã số thuế,Tên doanh nghiệp,Huyện,Mã ngành\n"
                                             "0100233488,Công ty A,Dĩ An,2610\n", encoding="utf-8")
    mark_writing(raw)
    with pytest.raises(InputFileError, match="SYNTHETIC.json: the synthetic generator was interrupted"):
        clean_raw(raw)
    (raw / config.SYNTHETIC_MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(InputFileError, match="SYNTHETIC.json: not the generator's JSON"):
        clean_raw(raw)
    (raw / config.SYNTHETIC_MANIFEST).write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputFileError, match="not the generator's manifest"):
        clean_raw(raw)
