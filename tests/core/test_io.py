"""Shared input and output: spreadsheet-safe CSVs, outputs written all or nothing."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.core.outputs import spreadsheet_safe


def test_spreadsheet_safe_cells():
    out = spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "+84", "-3", "@x", "ok"], "n": [1, 2, 3, 4, 5]}))
    assert out["a"].tolist() == ["'=1+1", "'+84", "'-3", "'@x", "ok"]


def test_spreadsheet_safe_text_among_other_cells_and_missing_ones():
    frame = pd.DataFrame({
        "mixed": pd.Series([None, 1.5, "=x", 3, "\t=2", "\r"], dtype=object),  # text among numbers
        "text": pd.Series(["+1", None, "ok", "-", "", "@"], dtype="string"),
        "none": pd.Series([None] * 6, dtype=object),  # an object column without text
        "=head": [1, 2, 3, 4, 5, 6],
    })
    out = spreadsheet_safe(frame)
    assert out.columns.tolist() == ["mixed", "text", "none", "'=head"]
    assert out["mixed"].tolist() == [None, 1.5, "'=x", 3, "'\t=2", "'\r"]
    assert out["text"].tolist() == ["'+1", pd.NA, "ok", "'-", "", "'@"]
    assert out["text"].dtype == frame["text"].dtype and out["none"].isna().all()
    assert frame["mixed"].tolist()[2] == "=x"  # the frame given is not changed


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("=+-@\t\r\n a'1Đ\u00a0"), max_size=4), st.text()),
                max_size=30))
@settings(max_examples=200, deadline=None)
def test_spreadsheet_safe_object_text_is_the_per_cell_rule(cells):
    """An object column of text and missing cells (found formulas by pyarrow at once) gets
    the apostrophe exactly where the per-cell rule puts it."""
    # Every row labelled 0: cells are replaced by position, not by label.
    out = spreadsheet_safe(pd.DataFrame({"a": pd.Series(cells, dtype=object, index=[0] * len(cells))}))
    starts = ("=", "+", "-", "@", "\t", "\r", "\n")
    assert out["a"].tolist() == [("'" + c if isinstance(c, str) and c.startswith(starts) else c) for c in cells]


def test_outputs_written_all_or_nothing(tmp_path):
    import pytest

    from adoption.core.outputs import write_outputs

    out = tmp_path / "out"
    out.mkdir()
    (out / "enterprises.parquet").write_text("the previous run's file")
    unwritable = pd.DataFrame({"x": [object()]})  # parquet cannot store a bare object
    with pytest.raises(Exception):
        write_outputs(out, {"enterprises.parquet": pd.DataFrame({"n": [1]}), "platforms.parquet": unwritable},
                      {"totals": {}}, {"rejects.csv": pd.DataFrame({"a": ["=1"]})})
    assert sorted(p.name for p in out.iterdir()) == ["enterprises.parquet"]
    assert (out / "enterprises.parquet").read_text() == "the previous run's file"
    assert not list(out.glob(".adoption-*"))  # no staging folder left behind


def test_csv_for_people_is_spreadsheet_safe_and_excel_readable(tmp_path):
    from adoption.core.outputs import write_outputs

    write_outputs(tmp_path, {}, {}, {"merges.csv": pd.DataFrame({"source_file": ["=HYPERLINK(1)+1.csv", "Dĩ An.csv"]})})
    raw = (tmp_path / "merges.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert raw.decode("utf-8-sig").splitlines() == ["source_file", "'=HYPERLINK(1)+1.csv", "Dĩ An.csv"]


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _tables(n):
    return {"enterprises.parquet": pd.DataFrame({"n": list(range(n))}), "platforms.parquet": pd.DataFrame({"m": [n]})}


def test_a_failed_swap_puts_the_previous_set_back(tmp_path, monkeypatch):
    """A move that fails halfway through publishing (a file that cannot be replaced) leaves
    the previous run's set exactly as it was, whichever move fails."""
    from adoption.core import outputs as core_io
    from adoption.core.io import load_quality

    out = tmp_path / "out"
    core_io.write_outputs(out, _tables(3), {"run": 1}, {"rejects.csv": pd.DataFrame({"a": ["old"]})})
    # 4 files moved aside, 4 moved in
    _each_move_failing(monkeypatch, 8, out, _snapshot, lambda: core_io.write_outputs(
        out, _tables(5), {"run": 2}, {"merges.csv": pd.DataFrame({"a": ["new"]})}))
    assert core_io.verify_outputs(out, load_quality(out)) == []


def _each_move_failing(monkeypatch, moves, out, state, write):
    """Run ``write`` once per move of the swap, that move failing each time: the set
    (``state(out)``) is left as it was before."""
    import os

    from adoption.core import outputs as core_io

    before = state(out)
    real_replace = os.replace
    for failing in range(1, moves + 1):
        calls = []

        def replace(src, dst, calls=calls, failing=failing):
            calls.append(dst)
            if len(calls) == failing:
                raise PermissionError(13, "Operation not permitted", str(dst))
            return real_replace(src, dst)

        monkeypatch.setattr(core_io.os, "replace", replace)
        with pytest.raises(PermissionError):
            write()
        monkeypatch.setattr(core_io.os, "replace", real_replace)
        assert state(out) == before, f"move {failing} failed and left a mix"


def test_the_manifest_lists_the_set_and_load_clean_refuses_a_mix(small_processed, tmp_path):
    import json
    import shutil

    import pytest

    from adoption.core.errors import InputFileError
    from adoption.core.io import load_clean
    from adoption.core.outputs import sha256_file

    folder = tmp_path / "processed"
    shutil.copytree(small_processed, folder)
    manifest = json.loads((folder / "quality.json").read_text(encoding="utf-8"))["outputs"]
    on_disk = {p.name for p in folder.iterdir() if p.suffix in (".parquet", ".csv")}
    assert set(manifest) == on_disk
    assert all(manifest[name] == sha256_file(folder / name) for name in manifest)
    load_clean(folder)

    (folder / "rejects.csv").write_bytes((folder / "rejects.csv").read_bytes() + b"x\n")
    with pytest.raises(InputFileError, match="rejects.csv was changed after `adoption clean` wrote it"):
        load_clean(folder)
    shutil.copy(small_processed / "rejects.csv", folder / "rejects.csv")
    load_clean(folder)

    (folder / "survey.parquet").unlink()
    with pytest.raises(InputFileError, match="survey.parquet is missing"):
        load_clean(folder)
    shutil.copy(small_processed / "survey.parquet", folder / "survey.parquet")

    # A table of another run beside this run's set: listed nowhere, refused.
    quality = json.loads((folder / "quality.json").read_text(encoding="utf-8"))
    del quality["outputs"]["workforce.parquet"]
    (folder / "quality.json").write_text(json.dumps(quality), encoding="utf-8")
    with pytest.raises(InputFileError, match="workforce.parquet is not part of this set"):
        load_clean(folder)


def test_leftovers_of_a_killed_run_are_removed(tmp_path):
    from adoption.core.outputs import write_outputs

    out = tmp_path / "out"
    (out / ".adoption-new-abc").mkdir(parents=True)
    (out / ".adoption-new-abc" / "enterprises.parquet").write_text("half")
    (out / ".adoption-old-def").mkdir()
    (out / ".keep-me").write_text("the user's")
    write_outputs(out, _tables(1), {}, {})
    assert sorted(p.name for p in out.iterdir()) == [".keep-me", "enterprises.parquet", "platforms.parquet", "quality.json"]


def test_a_hand_edited_quality_record_or_a_broken_table_is_refused(small_processed, tmp_path):
    import json
    import shutil

    import pytest

    from adoption.core.errors import InputFileError
    from adoption.core.io import load_clean, load_quality

    folder = tmp_path / "processed"
    shutil.copytree(small_processed, folder)
    quality = json.loads((folder / "quality.json").read_text(encoding="utf-8"))
    quality["synthetic"] = not quality["synthetic"]  # the label a reader trusts
    (folder / "quality.json").write_text(json.dumps(quality, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputFileError, match="quality.json was changed after `adoption clean` wrote it"):
        load_clean(folder)
    (folder / "quality.json").write_text("{\"files\": ", encoding="utf-8")
    with pytest.raises(InputFileError, match="quality.json: not readable JSON"):
        load_quality(folder)
    (folder / "quality.json").write_text("[]", encoding="utf-8")
    with pytest.raises(InputFileError, match="not the quality record"):
        load_quality(folder)

    from adoption.core.io import _read_table

    (folder / "bad.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputFileError, match="bad.parquet: not a readable Parquet table"):
        _read_table(folder / "bad.parquet", "enterprises")


def test_a_swap_killed_halfway_is_undone_by_the_next_run(tmp_path):
    """A run killed after moving part of the previous set aside, or after part of the new
    set arrived: the next run puts the previous set back before it writes (and a reader
    is told to clean again, not shown a mix)."""
    import json
    import os

    import pytest

    from adoption.core.errors import InputFileError
    from adoption.core.io import load_quality
    from adoption.core.outputs import restore_interrupted, write_outputs

    for moved_aside, arrived in ((["quality.json", "enterprises.parquet"], []),
                                 (["quality.json", "enterprises.parquet", "platforms.parquet"], ["enterprises.parquet"])):
        out = tmp_path / f"out-{len(moved_aside)}"
        write_outputs(out, _tables(1), {"run": "previous"}, {})
        previous = _snapshot(out)
        backup = out / ".adoption-old-x"
        backup.mkdir()
        for name in moved_aside:
            os.replace(out / name, backup / name)
        for name in arrived:
            (out / name).write_bytes(b"half of the new set")
        with pytest.raises(InputFileError, match="was stopped while it replaced the clean data"):
            load_quality(out)
        assert restore_interrupted(out)
        assert _snapshot(out) == previous and not backup.exists()
        assert json.loads((out / "quality.json").read_text(encoding="utf-8"))["run"] == "previous"
        assert not restore_interrupted(out)  # nothing to do on a settled folder


def test_a_register_folder_with_its_readme_alone_beside_extract_folders_is_a_series(tmp_path):
    """The layout of a checkout: data/raw/register/ may be there with its README only,
    beside the dated folders of a series; its files, once copied in, make one extract."""
    import shutil
    from pathlib import Path

    from adoption.clean.pipeline import clean_folder
    from adoption.core.io import clean_targets, raw_is_empty

    small = Path(__file__).parents[1] / "data" / "register_small.csv"
    raw, out = tmp_path / "raw", tmp_path / "processed"
    (raw / "register").mkdir(parents=True)
    (raw / "register" / "README.md").write_text("what goes here", encoding="utf-8")
    assert raw_is_empty(raw) and clean_targets(raw, out) == [(raw, out)]
    for day in ("2024-12-31", "2023-09-30"):
        (raw / day / "register").mkdir(parents=True)
        shutil.copy(small, raw / day / "register")
    (raw / "2023-09-30_truth").mkdir()  # the generator's ground truth: no extract
    assert not raw_is_empty(raw)
    targets = clean_targets(raw, out)
    assert targets == [(raw / "2023-09-30", out / "2023-09-30"), (raw / "2024-12-31", out / "2024-12-31")]
    for folder, into in targets:
        clean_folder(folder, into)
    assert sorted(p.name for p in out.iterdir()) == ["2023-09-30", "2024-12-31"]
    shutil.copy(small, raw / "register")  # files in register/: one extract, the dated folders not read
    assert clean_targets(raw, out) == [(raw, out)]


def test_a_series_is_not_cleaned_beside_the_clean_data_of_one_extract(small_processed, tmp_path):
    """The build would read the one extract and never see the series: refused, by name."""
    import shutil

    from adoption.core.errors import InputFileError
    from adoption.core.io import clean_targets

    raw, out = tmp_path / "raw", tmp_path / "processed"
    (raw / "2023-09-30" / "register").mkdir(parents=True)
    shutil.copytree(small_processed, out)
    with pytest.raises(InputFileError, match="holds the clean data of one extract") as refused:
        clean_targets(raw, out)
    assert str(out) in str(refused.value) and "series" in str(refused.value)


def _parts_set(out, n, run):
    """A set of outputs whose enterprises are written in parts (two district folders)."""
    from adoption.core.outputs import staging_folder, write_outputs
    from adoption.core.partitions import write_parts

    staged = staging_folder(out)
    frame = pd.DataFrame({"n": list(range(n)), "district_code": ["718", "724"] * (n // 2) + ["718"] * (n % 2)})
    write_parts(frame, staged / "enterprises.parquet", "part-0000.parquet")
    write_outputs(out, {"platforms.parquet": pd.DataFrame({"m": [n]})}, {"run": run}, {}, staged=staged)


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_set_with_tables_in_parts_is_swapped_whole_or_not_at_all(tmp_path, monkeypatch):
    import os

    from adoption.core import outputs as core_io
    from adoption.core.io import load_quality

    out = tmp_path / "out"
    _parts_set(out, 3, 1)
    assert sorted(load_quality(out)["outputs"]) == [
        "enterprises.parquet/district_code=718/part-0000.parquet", "enterprises.parquet/district_code=724/part-0000.parquet",
        "platforms.parquet"]
    # 3 outputs moved aside, 3 moved in (a folder of parts moves as one)
    _each_move_failing(monkeypatch, 6, out, _tree, lambda: _parts_set(out, 5, 2))
    assert core_io.verify_outputs(out, load_quality(out)) == []
    # A part left from another run is not part of the set.
    (out / "enterprises.parquet" / "district_code=999").mkdir()
    (out / "enterprises.parquet" / "district_code=999" / "part-0000.parquet").write_bytes(b"x")
    assert any("district_code=999" in p for p in core_io.verify_outputs(out, load_quality(out)))


def test_a_killed_swap_of_tables_in_parts_is_undone(tmp_path):
    import os

    from adoption.core.outputs import restore_interrupted

    out = tmp_path / "out"
    _parts_set(out, 4, "previous")
    previous = _tree(out)
    backup = out / ".adoption-old-x"
    backup.mkdir()
    for name in ("quality.json", "enterprises.parquet"):
        os.replace(out / name, backup / name)
    (out / "enterprises.parquet" / "district_code=718").mkdir(parents=True)  # half of the new set's parts arrived
    (out / "enterprises.parquet" / "district_code=718" / "part-0000.parquet").write_bytes(b"new")
    assert restore_interrupted(out)
    assert _tree(out) == previous


def test_rows_put_in_place_order_are_written_as_the_frame_in_its_own_order(tmp_path):
    import numpy as np
    import pyarrow.parquet as pq

    from adoption.core.partitions import place_order, write_parts

    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"n": np.arange(40), "province_code": rng.choice(["74", "79", "01"], 40),
                          "district_code": pd.Series(rng.choice(["718", "724", None], 40), dtype="string")})
    order = place_order(frame[["province_code", "district_code"]])
    # Places in order of their first row, each place's rows together and in their order.
    first = {}
    for at, place in enumerate(zip(frame["province_code"], frame["district_code"].fillna("-"))):
        first.setdefault(place, []).append(at)
    assert order.tolist() == [at for rows in first.values() for at in rows]
    as_given = write_parts(frame, tmp_path / "given", "part-0000.parquet")
    in_order = write_parts(frame.iloc[order].reset_index(drop=True), tmp_path / "ordered", "part-0000.parquet")
    assert [p.relative_to(tmp_path / "given") for p in as_given] == [p.relative_to(tmp_path / "ordered") for p in in_order]
    assert len(as_given) == len(first)
    for a, b in zip(as_given, in_order):
        assert pq.read_table(a).equals(pq.read_table(b))
    held = sorted(pq.read_table(a)["n"].to_pylist() for a in as_given)
    assert held == sorted(first.values())  # each file one place's rows, in their order


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["74", "79", None]), st.sampled_from(["718", "724", None])), max_size=30),
       st.sampled_from(["str", "string", object, "category"]), st.booleans())
def test_places_are_the_groups_of_their_rows(rows, dtype, ordered):
    """Each place's rows as grouping finds them, rows together by place or not, missing
    values one place, whatever the text's type."""
    import numpy as np

    from adoption.core.partitions import _places, place_order

    keys = pd.DataFrame(rows, columns=["province_code", "district_code"], dtype=object).astype(dtype)
    if ordered:
        keys = keys.iloc[place_order(keys)].reset_index(drop=True)
    expected = {}
    for at, place in enumerate(keys.itertuples(index=False, name=None)):
        expected.setdefault(tuple(None if pd.isna(v) else v for v in place), []).append(at)
    found = {tuple(None if pd.isna(v) else v for v in place): at.tolist() for place, at in _places(keys).items()}
    assert list(found.items()) == list(expected.items())
    assert all(isinstance(at, np.ndarray) for at in _places(keys).values())


def test_spreadsheet_safe_categories_and_repeated_index_labels():
    categories = spreadsheet_safe(pd.DataFrame({"a": pd.Categorical(["=1", "ok", None, "+2"])}))
    assert categories["a"].tolist()[:2] == ["'=1", "ok"] and categories["a"].tolist()[3] == "'+2"
    assert pd.isna(categories["a"].tolist()[2])
    repeated = spreadsheet_safe(pd.DataFrame({"a": ["=1", "ok", "-3", "x"]}, index=[0, 1, 0, 1]))
    assert repeated["a"].tolist() == ["'=1", "ok", "'-3", "x"]  # each cell by its position


def test_part_files_keep_dictionaries_for_repeated_text_only(tmp_path):
    import pyarrow.parquet as pq

    from adoption.core.partitions import write_parts

    frame = pd.DataFrame({
        "tax_code": pd.Series([f"{n:010d}" for n in range(30)], dtype="str"),
        "name": pd.Series([f"Công ty {n}" for n in range(30)], dtype="str"),
        "vsic4": pd.Series(["4711", "2610"] * 15, dtype="str"),
        "status": pd.Categorical(["active", "dissolved", "active"] * 10),
        "employees": pd.array(range(30), dtype="Int64"),
        "province_code": ["74"] * 30})
    (part,) = write_parts(frame, tmp_path / "t", "part-0000.parquet")
    meta = pq.ParquetFile(part).metadata.row_group(0)
    dictionary = {meta.column(i).path_in_schema: meta.column(i).has_dictionary_page for i in range(meta.num_columns)}
    assert dictionary == {"tax_code": False, "name": False, "vsic4": True, "status": True, "employees": False}
    back = pq.read_table(part).to_pandas()
    pd.testing.assert_frame_equal(back, frame.drop(columns="province_code"))


def test_load_clean_where_takes_numbers_and_names_a_column_it_does_not_know(small_processed, small_data):
    """A district written as a number selects its firms as its text does; a column the
    enterprises table lacks is refused with the nearest one, not ignored."""
    from adoption.core.errors import ParameterError
    from adoption.core.io import load_clean

    enterprises = small_data.enterprises
    expected = int((enterprises["district_code"] == "718").sum())
    assert expected > 0
    assert len(load_clean(small_processed, where={"district_code": 718}).enterprises) == expected
    assert len(load_clean(small_processed, where={"province_code": "binh duong"}).enterprises) == len(enterprises)
    with pytest.raises(ParameterError, match="'distrct_code' is not a column .* did you mean 'district_code'"):
        load_clean(small_processed, where={"distrct_code": "718"})
    with pytest.raises(ParameterError, match="expected one value"):
        load_clean(small_processed, where={"district_code": ["718", "719"]})
    # A count and a flag as their values, not their text: never silently no firm.
    assert len(load_clean(small_processed, where={"employees": 5}).enterprises) == int((enterprises["employees"] == 5).sum()) > 0
    assert len(load_clean(small_processed, where={"is_ict": True}).enterprises) == int(enterprises["is_ict"].sum()) > 0
    with pytest.raises(ParameterError, match="name two provinces"):
        load_clean(small_processed, province="74", where={"province_code": "01"})


def test_the_clean_data_never_go_inside_the_raw_folder(tmp_path):
    from adoption.core.errors import InputFileError
    from adoption.core.io import clean_targets

    raw = tmp_path / "raw"
    for out in (raw, raw / "processed", tmp_path):
        with pytest.raises(InputFileError, match="each needs a folder of its own"):
            clean_targets(raw, out)
    assert clean_targets(raw, tmp_path / "processed") == [(raw, tmp_path / "processed")]
