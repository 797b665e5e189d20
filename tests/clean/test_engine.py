"""Cleaning in parts (``--engine chunked``) against cleaning in memory: the same clean
tables, rejects, merges and accounting, row for row, on messy registers; duplicates
found across files and chunks; the enterprises written in parts by district."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from adoption.clean.engine import clean_in_parts, clean_with
from adoption.clean.pipeline import clean_folder
from adoption.core.errors import InputFileError, ParameterError
from adoption.core.io import load_clean
from adoption.core.partitions import HIVE_NULL, dataset
from adoption.synth import write_series

# Keys of quality.json that differ between any two runs (time, file hashes) or name the engine.
VOLATILE = {"built_at", "code_hash", "digest", "outputs", "engine"}


def assert_same_outputs(memory: Path, parts: Path) -> None:
    """Every output of two cleanings of the same raw folder is the same."""
    a, b = load_clean(memory), load_clean(parts)
    for table in ("enterprises", "platforms", "survey", "workforce"):
        x, y = getattr(a, table), getattr(b, table)
        assert (x is None) == (y is None), table
        if x is not None:
            pd.testing.assert_frame_equal(x, y, obj=table)
    for name in ("rejects.csv", "merges.csv"):
        assert (memory / name).read_bytes() == (parts / name).read_bytes(), name
    extras = [folder / "extra_columns.parquet" for folder in (memory, parts)]
    assert extras[0].exists() == extras[1].exists()
    if extras[0].exists():
        pd.testing.assert_frame_equal(pd.read_parquet(extras[0]), pd.read_parquet(extras[1]))
    quality = [{k: v for k, v in json.loads((f / "quality.json").read_text()).items() if k not in VOLATILE}
               for f in (memory, parts)]
    assert quality[0] == quality[1]


@pytest.fixture(scope="module")
def messy_series(tmp_path_factory) -> Path:
    """Two extracts of a small, heavily messy register: the 2023 map, and the 2025 one with
    VSIC 2025 codes, addresses and extra columns."""
    root = tmp_path_factory.mktemp("messy_series")
    write_series(root, ("2023-09-30", "2025-12-31"), firms=1_000, messiness="heavy")
    for name in ("synthetic_register_718.csv", "synthetic_register_721.csv"):  # UTF-8, with and without its mark
        _stray_bytes(root / "2025-12-31" / "register" / name)
    return root


def _stray_bytes(path: Path) -> None:
    """A UTF-8 file with bytes that are not UTF-8 in a few of its rows, from its start to its
    end: a letter's last byte dropped, or a byte of Windows-1258 in its place."""
    lines = path.read_bytes().split(b"\n")
    for number, at in enumerate(range(3, len(lines), len(lines) // 7)):
        start = next((i for i, b in enumerate(lines[at]) if b >= 0xC2), None)
        if start is not None:
            end = start + (3 if lines[at][start] >= 0xE0 else 2)
            lines[at] = lines[at][:start] + (lines[at][start:end - 1] if number % 2 else b"\xd0") + lines[at][end:]
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("extract", ["2023-09-30", "2025-12-31"])
def test_parts_give_the_outputs_of_memory(messy_series, tmp_path, extract, caplog):
    from adoption.clean.limits import ReadLimits
    from adoption.clean.pieces import plan_pieces

    raw = messy_series / extract
    clean_folder(raw, tmp_path / "memory")
    # Chunks of 97 rows and 6 buckets: duplicates of a tax code meet only in their bucket;
    # the CSVs read in pieces of about 4 KB (those in UTF-16 or a code page written as
    # UTF-8 first), the workbooks a sheet at a time; files of about 100 KB together
    # cleaned as one run, so that chunks hold the rows of two files.
    cut = [plan_pieces(path, ReadLimits(), 4096) for path in sorted((raw / "register").glob("*.csv"))]
    assert sum(plan is not None and len(plan.bounds) > 10 for plan in cut) >= 2
    with caplog.at_level(logging.INFO, logger="adoption.clean"):
        result = clean_in_parts(raw, tmp_path / "parts", chunk_rows=97, buckets=6, piece_bytes=4096, batch_bytes=100_000)
    assert any("utf-16, written as UTF-8 first" in r.getMessage() for r in caplog.records)
    if extract == "2025-12-31":  # two files of UTF-8 but for a few bytes, read in pieces too, their rows set aside
        marked = [r.getMessage() for r in caplog.records if "bytes not UTF-8 marked" in r.getMessage()]
        assert len(marked) == 2, marked
        assert pd.read_csv(tmp_path / "memory" / "rejects.csv")["reason_code"].eq("bad_bytes").sum() >= 8
    # The workbooks (two sheets of rows and one of notes, over 4 KB) read a sheet at a time.
    assert any("of sheets read one at a time (2 with a header)" in r.getMessage() for r in caplog.records)
    assert result.quality["engine"] == {"name": "chunked", "chunk_rows": 97, "buckets": 6}
    assert result.quality["totals"]["merged"] > 0 and result.quality["totals"]["rejected"] > 0
    assert_same_outputs(tmp_path / "memory", tmp_path / "parts")


def test_dask_gives_the_outputs_of_memory(messy_series, tmp_path, dask_cluster):
    """The same tasks on a cluster's 2 workers: the outputs of the in-memory path, and the
    metric tables computed from them."""
    from adoption.metrics.adoption import adoption_by
    from adoption.metrics.headline import headline
    from adoption.metrics.scope import in_scope

    raw = messy_series / "2025-12-31"
    clean_folder(raw, tmp_path / "memory")
    result = clean_in_parts(raw, tmp_path / "dask", engine="dask", scheduler=dask_cluster.scheduler_address,
                            chunk_rows=600, batch_bytes=60_000, piece_bytes=16_384)
    # Raw files of a few MB: one bucket by their size, made one per worker thread (2 here),
    # so that both workers settle a bucket. The CSVs read in pieces of about 16 KB on the
    # workers, the workbooks a sheet at a time.
    assert result.quality["engine"] == {"name": "dask", "chunk_rows": 600, "buckets": 2}
    assert_same_outputs(tmp_path / "memory", tmp_path / "dask")
    firms = [in_scope(load_clean(folder).enterprises) for folder in (tmp_path / "memory", tmp_path / "dask")]
    pd.testing.assert_series_equal(headline(firms[0], protected=True), headline(firms[1], protected=True))
    for by in ("district", "size_class", ("district", "size_class")):
        pd.testing.assert_frame_equal(adoption_by(firms[0], by, protected=True), adoption_by(firms[1], by, protected=True))


def test_figures_place_by_place_from_the_parts(messy_series, tmp_path):
    """Headline figures per district read one district's parts at a time: the counts a
    plain count of the whole in-memory table gives."""
    from adoption.metrics.areas import figures_by_place, places

    raw = messy_series / "2025-12-31"
    clean_folder(raw, tmp_path / "memory")
    clean_in_parts(raw, tmp_path / "parts", chunk_rows=400, buckets=3)
    by_place = figures_by_place(tmp_path / "parts", "district_code")
    whole = load_clean(tmp_path / "memory").enterprises
    operating = whole[(whole["status"].isna() | (whole["status"] == "active")) & ~whole["is_branch"]]
    firms, adopters = Counter(), Counter()
    for code, uses in zip(operating["district_code"].astype(object), operating["uses_digital_platform"]):
        place = None if pd.isna(code) else code
        firms[place] += 1
        adopters[place] += bool(uses)
    assert places(tmp_path / "parts", "district_code") == sorted(p for p in firms if p is not None) + [None]
    for place in firms:
        assert by_place.loc[place, "enterprises"] == firms[place]
        assert by_place.loc[place, "adopters"] == adopters[place]
    # The 2025 extract locates some firms by a 2025 unit alone: no district.
    assert by_place.loc[None, "enterprises"] > 0
    pd.testing.assert_frame_equal(by_place, figures_by_place(tmp_path / "memory", "district_code"))


REGISTER_A = """Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Ngành nghề kinh doanh chính,Số lao động
3700145020,Công ty A,TP. Thủ Dầu Một,6810,
0100233488,Công ty B,Dĩ An,2610,12
0100233488,Công ty B,Dĩ An,2610,12
0100233480,Công ty sai mã số,Dĩ An,4711,3
"""
REGISTER_B = """Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Ngành nghề kinh doanh chính,Số lao động
0100233488,Công ty B,Dĩ An,2610,12
3700145020,Công ty A,TP. Thủ Dầu Một,6810,40
"""
PLATFORMS = """Mã số thuế,Nền tảng,Ngày bắt đầu sử dụng
3700145020,Shopee,01/03/2021
3700145020,shopee,01/02/2020
0106713191,Zalo,01/01/2022
"""


def _hand_made(root: Path) -> Path:
    (root / "register").mkdir(parents=True)
    (root / "platforms").mkdir()
    (root / "register" / "a.csv").write_text(REGISTER_A, encoding="utf-8")
    (root / "register" / "b.csv").write_text(REGISTER_B, encoding="utf-8")
    (root / "platforms" / "p.csv").write_text(PLATFORMS, encoding="utf-8")
    return root


def test_duplicates_meet_across_files_and_chunks(tmp_path):
    raw = _hand_made(tmp_path / "raw")
    # One row a chunk: every duplicate is in another chunk than the row it joins.
    clean_in_parts(raw, tmp_path / "parts", chunk_rows=1, buckets=3)
    data = load_clean(tmp_path / "parts")
    # Worked by hand: A's record of b.csv has its employees (more complete) and wins; B's
    # three rows are the same values: the later file's row wins, the two others are identical.
    assert data.enterprises[["tax_code", "source_file", "source_row", "employees"]].values.tolist() == [
        ["0100233488", "b.csv", 2, 12], ["3700145020", "b.csv", 3, 40]]
    merges = data.merges.sort_values(["source_file", "source_row"])
    assert merges[["source_file", "source_row", "kind", "kept_source_file", "kept_source_row"]].values.tolist() == [
        ["a.csv", "2", "same_tax_code", "b.csv", "3"], ["a.csv", "3", "identical", "b.csv", "2"],
        ["a.csv", "4", "identical", "b.csv", "2"], ["p.csv", "2", "same_firm_and_platform", "p.csv", "3"]]
    rejects = data.rejects
    assert rejects[["source_file", "source_row", "reason_code"]].values.tolist() == [
        ["a.csv", "5", "tax_code_invalid"], ["p.csv", "4", "not_in_register"]]
    # The same firm and platform twice: one record, the earlier date.
    assert data.platforms[["tax_code", "platform", "adopted_on"]].astype(str).values.tolist() == [
        ["3700145020", "ecommerce", "2020-02-01"]]
    assert data.enterprises.set_index("tax_code")["platform_count"].to_dict() == {"0100233488": 0, "3700145020": 1}
    for name, info in data.quality["files"].items():  # nothing lost
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"] + info["rows_merged"], name
    clean_folder(raw, tmp_path / "memory")
    assert_same_outputs(tmp_path / "memory", tmp_path / "parts")


@pytest.mark.parametrize("platforms", [True, False], ids=["a platform record", "no platform file"])
def test_nothing_merged_or_rejected_gives_the_outputs_of_memory(tmp_path, platforms):
    """No row merged or rejected in any table: merges.csv and rejects.csv are the same
    empty tables, with their headers."""
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    (raw / "register" / "b.csv").write_text(REGISTER_B, encoding="utf-8")
    if platforms:
        (raw / "platforms").mkdir()
        (raw / "platforms" / "p.csv").write_text("\n".join(PLATFORMS.splitlines()[:2]) + "\n", encoding="utf-8")
    clean_in_parts(raw, tmp_path / "parts", chunk_rows=1, buckets=3)
    clean_folder(raw, tmp_path / "memory")
    assert pd.read_csv(tmp_path / "parts" / "merges.csv").empty and pd.read_csv(tmp_path / "parts" / "rejects.csv").empty
    assert_same_outputs(tmp_path / "memory", tmp_path / "parts")


def test_enterprises_written_in_parts_by_district(tmp_path):
    raw = _hand_made(tmp_path / "raw")
    clean_in_parts(raw, tmp_path / "parts", buckets=2)
    folder = tmp_path / "parts" / "enterprises.parquet"
    places = sorted(p.parent.name for p in folder.rglob("*.parquet"))
    # Thủ Dầu Một is 718, Dĩ An 724 (GSO codes); each bucket writes its own part.
    assert set(places) == {"district_code=718", "district_code=724"}
    import pyarrow.dataset as ds

    table = dataset(folder).to_table(columns=["tax_code"], filter=ds.field("district_code") == "724")
    assert table.column("tax_code").to_pylist() == ["0100233488"]
    assert HIVE_NULL == "__HIVE_DEFAULT_PARTITION__"


def test_the_manifest_takes_the_parts_digests_from_their_writers(tmp_path, monkeypatch):
    """The process that publishes the set reads back only the files it wrote itself: each
    part's SHA-256 comes from the task that wrote it, and the manifest holds the digest of
    each file's bytes (an independent hash of every file)."""
    import hashlib

    import adoption.core.outputs as outputs

    raw = _hand_made(tmp_path / "raw")
    read_back = []
    hash_file = outputs.sha256_file
    monkeypatch.setattr(outputs, "sha256_file", lambda path: read_back.append(Path(path)) or hash_file(path))
    clean_in_parts(raw, tmp_path / "parts", buckets=2)
    names = {path.name for path in read_back}
    assert {"rejects.csv", "merges.csv"} <= names and not any(path.suffix == ".parquet" and "=" in path.parent.name
                                                              for path in read_back)
    out = tmp_path / "parts"
    manifest = json.loads((out / "quality.json").read_text(encoding="utf-8"))["outputs"]
    parts = [name for name in manifest if name.startswith(("enterprises.parquet/", "platforms.parquet/"))]
    assert len(parts) >= 3
    assert all(manifest[name] == hashlib.sha256((out / name).read_bytes()).hexdigest() for name in manifest)


def test_a_changed_part_is_caught(tmp_path):
    raw = _hand_made(tmp_path / "raw")
    clean_in_parts(raw, tmp_path / "parts", buckets=1)
    part = next((tmp_path / "parts" / "enterprises.parquet").rglob("*.parquet"))
    frame = pd.read_parquet(part)
    frame.assign(employees=frame["employees"] * 10).to_parquet(part, index=False)
    with pytest.raises(InputFileError, match="was changed after"):
        load_clean(tmp_path / "parts")


def test_a_load_of_some_places_checks_the_parts_it_reads(tmp_path):
    """A load of one district hashes its own parts, not every part of the set: a changed
    part of another district does not stop it; its own changed part, or a part the set does
    not list anywhere, does."""
    raw = _hand_made(tmp_path / "raw")
    clean_in_parts(raw, tmp_path / "parts", buckets=1)
    folder = tmp_path / "parts" / "enterprises.parquet" / "province_code=74"
    districts = sorted(p.name.split("=", 1)[1] for p in folder.glob("district_code=*"))
    assert len(districts) >= 2
    changed, other = districts[0], districts[1]
    part = next((folder / f"district_code={changed}").glob("*.parquet"))
    frame = pd.read_parquet(part)
    frame.assign(employees=frame["employees"] * 10).to_parquet(part, index=False)
    kept = load_clean(tmp_path / "parts", where={"district_code": other})
    assert set(kept.enterprises["district_code"]) == {other}
    with pytest.raises(InputFileError, match=f"district_code={changed}/part-0000.parquet was changed after"):
        load_clean(tmp_path / "parts", where={"district_code": changed})
    (folder / "district_code=999").mkdir()
    (folder / "district_code=999" / "part-0000.parquet").write_bytes(b"x")
    with pytest.raises(InputFileError, match="district_code=999/part-0000.parquet is not part of this set"):
        load_clean(tmp_path / "parts", where={"district_code": other})


def test_settings_are_checked(tmp_path):
    raw = _hand_made(tmp_path / "raw")
    with pytest.raises(ParameterError, match="engine 'fast'"):
        clean_with(raw, tmp_path / "out", engine="fast")
    with pytest.raises(ParameterError, match="--engine chunked or dask"):
        clean_with(raw, tmp_path / "out", chunk_rows=10)
    with pytest.raises(ParameterError, match="chunk rows 0"):
        clean_in_parts(raw, tmp_path / "out", chunk_rows=0)
    with pytest.raises(ParameterError, match="chunk rows 0"):  # as --chunk-rows 0 gives it: not the default
        clean_with(raw, tmp_path / "out", engine="chunked", chunk_rows=0)
    assert not (tmp_path / "out" / "quality.json").exists()


def test_a_cluster_that_fails_to_close_publishes_nothing(tmp_path, monkeypatch):
    # The cluster closes beside the accounting: its failure still stops the run before the
    # outputs are swapped in, and the earlier set stays.
    from contextlib import contextmanager

    from adoption.clean import engine

    raw = _hand_made(tmp_path / "raw")
    clean_in_parts(raw, tmp_path / "out", buckets=2)
    quality = tmp_path / "out" / "quality.json"
    before = (quality.read_bytes(), quality.stat().st_ino, quality.stat().st_mtime_ns)

    @contextmanager
    def failing(engine_name, scheduler):
        yield engine._Run()
        raise RuntimeError("the scheduler went away")

    monkeypatch.setattr(engine, "_runner", failing)
    with pytest.raises(RuntimeError, match="went away"):
        clean_in_parts(raw, tmp_path / "out", buckets=2)
    assert (quality.read_bytes(), quality.stat().st_ino, quality.stat().st_mtime_ns) == before  # the same file
    assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no staging or spill left


def test_work_left_in_the_background_ends_before_the_process_even_when_stopped(tmp_path):
    """Ctrl+C while the cleaning's tail waits for its background work (closing the
    cluster, removing the spill): the work still ends before the process exits. A pool
    left through ``with ThreadPoolExecutor`` is waited for in ``Thread.join``, where the
    signal's exception marks the running thread ended and the process exits mid-task."""
    import subprocess
    import sys

    done = tmp_path / "done"
    script = (
        "import signal, sys, threading, time\n"
        "from pathlib import Path\n"
        "from adoption.clean.engine import in_background\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "threading.Timer(0.3, signal.pthread_kill, (threading.get_ident(), signal.SIGINT)).start()\n"
        "def slow():\n"
        "    time.sleep(1.5)\n"
        "    Path(sys.argv[1]).write_text('finished')\n"
        "try:\n"
        "    with in_background(1) as submit:\n"
        "        submit(slow)\n"
        "except KeyboardInterrupt:\n"
        "    print('stopped')\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(done)], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "stopped", run.stderr
    assert done.read_text() == "finished"
