"""Shared input and output: spreadsheet-safe CSVs, outputs written all or nothing."""

import pandas as pd

from adoption.core.io import spreadsheet_safe


def test_spreadsheet_safe_cells():
    out = spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "+84", "-3", "@x", "ok"], "n": [1, 2, 3, 4, 5]}))
    assert out["a"].tolist() == ["'=1+1", "'+84", "'-3", "'@x", "ok"]


def test_outputs_written_all_or_nothing(tmp_path):
    import pytest

    from adoption.core.io import write_outputs

    out = tmp_path / "out"
    out.mkdir()
    (out / "enterprises.parquet").write_text("the previous run's file")
    unwritable = pd.DataFrame({"x": [object()]})  # parquet cannot store a bare object
    with pytest.raises(Exception):
        write_outputs(out, {"enterprises.parquet": pd.DataFrame({"n": [1]}), "platforms.parquet": unwritable},
                      {"totals": {}}, {"rejects.csv": pd.DataFrame({"a": ["=1"]})})
    assert sorted(p.name for p in out.iterdir()) == ["enterprises.parquet"]
    assert (out / "enterprises.parquet").read_text() == "the previous run's file"
    assert not list(tmp_path.glob(".out-*"))  # no staging folder left behind


def test_csv_for_people_is_spreadsheet_safe_and_excel_readable(tmp_path):
    from adoption.core.io import write_outputs

    write_outputs(tmp_path, {}, {}, {"merges.csv": pd.DataFrame({"source_file": ["=HYPERLINK(1)+1.csv", "Dĩ An.csv"]})})
    raw = (tmp_path / "merges.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert raw.decode("utf-8-sig").splitlines() == ["source_file", "'=HYPERLINK(1)+1.csv", "Dĩ An.csv"]
