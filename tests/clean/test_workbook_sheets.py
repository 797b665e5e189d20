"""A workbook of several large sheets read a sheet at a time (``--engine chunked`` and
``dask``): the rows, row numbers, extras, counts, headers and errors of reading it whole,
every table with the whole workbook's headers, whether the sheets' rows wait in a temporary
folder or each sheet is read again; no two sheets' text held at once; a sheet calamine reads
otherwise than openpyxl read by openpyxl, the others by calamine."""

from __future__ import annotations

import gc
import logging
import random
import string
import tempfile
import weakref
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from adoption.clean import vocab, workbook, xlsx
from adoption.clean.limits import ReadLimits
from adoption.clean.pieces import joined, read_pieces
from adoption.clean.read import read_raw
from adoption.core.errors import InputFileError

ALIASES, REQUIRED = vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED


def _book(path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# Sheet "2022": a title row and a blank row above the header, an extra column, a blank row
# among the data. "Ghi chú": notes, no header. "Trống": nothing. "2023": the header on its
# first row, in another order, no district column (the address instead), another extra
# column. "2024": a header and no rows.
SHEETS = {
    "2022": [["Danh sách doanh nghiệp 2022"], [],
             ["Mã số thuế", "Tên doanh nghiệp", "Huyện/Thị xã/Thành phố", "Ngành nghề kinh doanh chính", "Ghi chú"],
             ["3700145020", "Công ty A", "Dĩ An", "6810", "x"], [], ["0100233488", "Công ty B", "Thuận An", 2610, None],
             *[[f"37001451{n:02d}", f"Công ty số {n}", "Bến Cát", "4711", f"ghi chú {n}"] for n in range(30)]],
    "Ghi chú": [["Số liệu tổng hợp từ cơ quan thuế"], ["Cập nhật: 2024"]],
    "Trống": [],
    "2023": [["STT", "Địa chỉ", "Mã số thuế", "Ngành nghề kinh doanh chính", "Tên doanh nghiệp"],
             *[[n, f"Số {n}, phường Dĩ An", f"37001452{n:02d}", "4711", f"Cửa hàng {n}"] for n in range(20)]],
    "2024": [["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Ngành chính"]],
}


def test_a_workbook_a_sheet_at_a_time_is_the_whole_workbook(tmp_path, caplog):
    path = _book(tmp_path / "register.xlsx", SHEETS)
    assert len(xlsx.worksheet_bytes(path)) == 5
    whole = read_raw(path, ALIASES, REQUIRED, ReadLimits())
    with caplog.at_level(logging.INFO, logger="adoption.clean.workbook"):
        tables = list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1))
    # Progress, a sheet at a time (rows below the header, blank ones included).
    assert [r.getMessage().split(": ", 1)[1] for r in caplog.records][:3] == [
        "sheet '2022' read, 33 rows below its header", "sheet '2023' read, 20 rows below its header",
        "sheet '2024' read, 0 rows below its header"]
    # One table for each sheet with a header; the notes and the empty sheet give none.
    assert [t.sheet for t in tables] == ["2022", "2023", "2024"]
    assert [len(t.frame) for t in tables] == [32, 20, 0]
    pd.testing.assert_frame_equal(pd.concat([t.frame for t in tables], ignore_index=True), whole.frame)
    for table in tables:  # the whole workbook's headers, which decide how every row is cleaned
        assert table.header_map == whole.header_map
        assert table.header_rows == whole.header_rows == {"2022": 2, "2023": 0, "2024": 0}
        assert table.sheets_not_read == whole.sheets_not_read
        assert table.sha256 == whole.sha256 != ""
    assert list(whole.sheets_not_read) == ["Ghi chú"] and "2 non-empty rows not read" in whole.sheets_not_read["Ghi chú"]
    file = joined(tables)
    pd.testing.assert_frame_equal(file.extras, whole.extras)
    assert (file.rows_read, file.blank_rows) == (whole.rows_read, whole.blank_rows) == (52, 1)
    # Row numbers are the sheet's: firm B below a blank row, on row 6 of "2022".
    rows = dict(zip(whole.frame["tax_code"], zip(whole.frame["source_sheet"], whole.frame["source_row"])))
    assert rows["0100233488"] == ("2022", 6) and rows["3700145219"] == ("2023", 21)
    assert whole.frame.loc[whole.frame["tax_code"] == "0100233488", "vsic"].item() == "2610"
    # Extras sheet by sheet, column by column: "Ghi chú" of 2022's 31 rows, then "STT" of 2023's 20.
    assert file.extras["column"].tolist() == ["Ghi chú"] * 32 + ["STT"] * 20


def _edit(path, part, old, new):
    """Rewrite one part of the workbook ``path``: ``old`` bytes become ``new``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


HEAD = ["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Ngành chính"]


def _firms(first, count=3):
    return [[f"37001{first + n:05d}", f"Công ty {first + n}", "Dĩ An", "4711"] for n in range(count)]


@pytest.mark.parametrize("sheets, part, old, new", [
    # Two sheets of one name (a tool other than Excel may write it): both read.
    ({"s1": [HEAD, *_firms(0)], "s2": [HEAD, *_firms(10)]}, "xl/workbook.xml", b'name="s2"', b'name="s1"'),
    # No sheet with data rows, one with an extra column: the extras of none, typed as the whole read types them.
    ({"a": [HEAD], "b": [HEAD + ["Ghi chú"]]}, None, None, None),
    # A tab written as such in a sheet's name (a space to openpyxl, not to calamine), and an error cell
    # there that openpyxl must read: the workbook read by openpyxl, as it was read whole.
    ({"s1": [HEAD, *_firms(0)], "s2": [HEAD + ["Ghi chú"], *[[*row, "#N/A"] for row in _firms(10)]]},
     "xl/workbook.xml", b'name="s2"', b'name="s\t2"'),
], ids=["one-name", "no-rows", "tab-in-a-name"])
def test_workbooks_that_once_told_apart(tmp_path, sheets, part, old, new):
    path = _book(tmp_path / "register.xlsx", sheets)
    if part:
        _edit(path, part, old, new)
    tables = _same_as_whole(path)
    whole = read_raw(path, ALIASES, REQUIRED, ReadLimits())
    assert (joined(tables).rows_read, joined(tables).blank_rows) == (whole.rows_read, whole.blank_rows)
    assert [t.sheet for t in tables] == [name for name in whole.header_rows for _ in range(1)] or len(tables) == 2
    if old == b'name="s2"' and new == b'name="s1"':
        assert len(whole.frame) == 6 and whole.frame["source_sheet"].tolist() == ["s1"] * 6
    if new == b'name="s\t2"':
        assert whole.frame["source_sheet"].unique().tolist() == ["s1", "s 2"]


def test_the_file_size_limit_holds_a_sheet_at_a_time(tmp_path):
    rng = random.Random(7)
    rows = [HEAD + ["Ghi chú"], *[[*row, "".join(rng.choices(string.ascii_letters, k=200))] for row in _firms(0, 3000)]]
    path = _book(tmp_path / "register.xlsx", {"a": rows, "b": rows})
    assert path.stat().st_size > 2**20
    with pytest.raises(InputFileError, match="max_file_mb = 1") as whole:
        read_raw(path, ALIASES, REQUIRED, ReadLimits(max_file_mb=1))
    with pytest.raises(InputFileError) as by_sheet:
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(max_file_mb=1), piece_bytes=1))
    assert str(by_sheet.value) == str(whole.value)


def _same_as_whole(path):
    whole = read_raw(path, ALIASES, REQUIRED, ReadLimits())
    tables = list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1))
    pd.testing.assert_frame_equal(pd.concat([t.frame for t in tables], ignore_index=True), whole.frame)
    pd.testing.assert_frame_equal(joined(tables).extras, whole.extras)
    assert all(t.header_map == whole.header_map for t in tables)
    return tables


@pytest.mark.parametrize("fails", ["folder", "writing"])
def test_without_a_temporary_folder_each_sheet_is_read_again(tmp_path, monkeypatch, caplog, fails):
    path = _book(tmp_path / "register.xlsx", SHEETS)
    read, reads = xlsx._sheets, []
    monkeypatch.setattr(xlsx, "_sheets", lambda *args: reads.append(1) or read(*args))

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(*((tempfile, "mkdtemp") if fails == "folder" else (workbook.pickle, "dump")), no_space)
    folders = set(tmp_path.glob("adoption-sheets-*"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    _same_as_whole(path)
    assert len(reads) == 2 + 1  # the workbook read twice, and once whole by the test
    assert any("No space left on device" in r.getMessage() and "each sheet read twice" in r.getMessage()
               for r in caplog.records)
    assert set(tmp_path.glob("adoption-sheets-*")) == folders  # nothing left behind


def test_the_temporary_folder_goes_when_the_reading_stops(tmp_path, monkeypatch):
    path = _book(tmp_path / "register.xlsx", SHEETS)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    tables = read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1)
    assert next(tables).sheet == "2022"
    (folder,) = tmp_path.glob("adoption-sheets-*")
    assert len(list(folder.iterdir())) == 2  # the rows of the two sheets not yet given
    tables.close()  # as a caller stopped by an error does, or the garbage collector
    assert not folder.exists()
    list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1))
    assert not list(tmp_path.glob("adoption-sheets-*"))


def test_a_small_workbook_or_a_single_sheet_is_read_whole(tmp_path):
    path = _book(tmp_path / "register.xlsx", SHEETS)
    (table,) = read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=sum(xlsx.worksheet_bytes(path)))
    assert table.sheet is None and len(table.frame) == 52
    one = _book(tmp_path / "one.xlsx", {"2022": SHEETS["2022"]})
    (table,) = read_pieces(one, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1)
    assert table.sheet is None and len(table.frame) == 32


@pytest.mark.parametrize("change, message", [
    ({"2023": [["Mã số thuế", "Tên doanh nghiệp", "STT"], ["1", "a", 1]]}, "sheet '2023': missing required column"),
    ({title: [["Bảng kê"], ["1", "2"]] for title in SHEETS}, "no header row found in the first 30 rows of any sheet"),
    ({title: [] for title in SHEETS}, "every sheet is empty"),
    ({"2024": [["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Ngành chính", *["x"] * 20]]}, "max_columns = 10"),
    # A sheet missing a column before one beyond a limit: the whole read reads every sheet first.
    ({"2022": [["Mã số thuế", "Tên doanh nghiệp"]], "2024": [["Mã số thuế", *["x"] * 20]]}, "max_columns = 10"),
], ids=["missing-column", "no-header", "empty", "too-wide", "limit-after-missing-column"])
def test_a_workbook_a_sheet_at_a_time_is_refused_as_the_whole_read_refuses_it(tmp_path, change, message):
    path = _book(tmp_path / "register.xlsx", {**SHEETS, **change})
    limits = ReadLimits(max_columns=10)
    with pytest.raises(InputFileError, match=message) as whole:
        read_raw(path, ALIASES, REQUIRED, limits)
    with pytest.raises(InputFileError) as by_sheet:
        list(read_pieces(path, ALIASES, REQUIRED, limits, piece_bytes=1))
    assert str(by_sheet.value) == str(whole.value)


def test_a_sheet_openpyxl_must_read_leaves_the_others_to_calamine(tmp_path, monkeypatch):
    """An error cell (calamine: an empty cell) in the second sheet: that sheet is read by
    openpyxl, the first by calamine, and the text is openpyxl's of the whole workbook."""
    book = openpyxl.Workbook()
    book.active.title = "2022"
    book.active.append(["Mã số thuế", "Tên doanh nghiệp", 1.5, 45000])
    second = book.create_sheet("2023")
    second.append(["Mã số thuế", "#N/A", " padded"])
    assert second["B1"].data_type == "e"
    book.save(tmp_path / "book.xlsx")
    path = tmp_path / "book.xlsx"
    read_by_openpyxl = []
    by_openpyxl = xlsx._openpyxl_sheet
    monkeypatch.setattr(xlsx, "_openpyxl_sheet", lambda p, sheet, limits: read_by_openpyxl.append(sheet.title)
                        or by_openpyxl(p, sheet, limits))
    text = [(title, grid.tolist()) for title, grid in xlsx.sheets(path, ReadLimits())]
    assert read_by_openpyxl == ["2023"]
    assert text == [("2022", [["Mã số thuế", "Tên doanh nghiệp", "1.5", "45000"]]),
                    ("2023", [["Mã số thuế", "#N/A", " padded"]])]


class _Tracked(np.ndarray):
    """A sheet's text that can be watched (a weak reference) until it is let go."""


def test_no_two_sheets_are_held_at_once(tmp_path, monkeypatch):
    """When a sheet is read, the text of every sheet before it has been let go (as calamine
    gave it, and as a frame whose header is looked for): by the reader, and by the tables
    made of it once the caller lets go of them."""
    path = _book(tmp_path / "register.xlsx", {**SHEETS, "2025": SHEETS["2023"], "2026": SHEETS["2022"]})
    read, find, held = xlsx._calamine_sheet, workbook.sheet_header, []
    grids: list[weakref.ref] = []

    def watched(*args):
        gc.collect()
        held.append(sum(grid() is not None for grid in grids))
        text = read(*args).view(_Tracked)
        grids.append(weakref.ref(text))
        return text

    def header(path, sheet, raw, *args):
        grids.append(weakref.ref(raw))
        return find(path, sheet, raw, *args)

    monkeypatch.setattr(xlsx, "_calamine_sheet", watched)
    monkeypatch.setattr(workbook, "sheet_header", header)
    for title, grid in xlsx.sheets(path, ReadLimits()):
        del grid
    assert held == [0] * 7
    held.clear()
    rows = 0
    for table in read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1):
        rows += len(table.frame)
        del table
    assert (held, rows) == ([0] * 7, 52 + 20 + 32)  # every sheet read once, its rows kept on disk till asked for
    # A sheet lacking a column: refused once every sheet is read, its text let go before.
    held.clear()
    _book(path, {"2021": [["Mã số thuế", "Tên doanh nghiệp"], ["1", "x"]], **SHEETS})
    with pytest.raises(InputFileError, match="missing required column"):
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), piece_bytes=1))
    assert held == [0] * 6


def test_folders_left_behind_by_stopped_processes_are_removed(tmp_path, monkeypatch, caplog):
    """A folder of this machine whose process no longer runs goes when the next is made;
    one of a running process, of another machine, or of another program stays."""
    import os
    import subprocess
    import sys

    from adoption.clean import scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    machine = scratch._machine()
    left = {name: tmp_path / name for name in (
        f"adoption-utf8-{machine}-{ended.pid}-abc", f"adoption-sheets-{machine}-{ended.pid}-def",
        f"adoption-sheets-{machine}-{os.getpid()}-ghi", f"adoption-sheets-other{machine}-{ended.pid}-jkl",
        f"adoption-run-{machine}-{ended.pid}-mno")}
    for folder in left.values():
        folder.mkdir()
        (folder / "sheet-00000.pkl.lz4").write_bytes(b"x" * 3 * 2**20)
    with caplog.at_level(logging.INFO, logger="adoption.clean.scratch"):
        made = scratch.scratch_folder("sheets")
    assert made.name.startswith(f"adoption-sheets-{machine}-{os.getpid()}-") and made.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir() if p != made) == sorted(list(left)[2:])
    assert sum("left behind by process" in r.getMessage() and "3.0 MB" in r.getMessage() for r in caplog.records) == 2
    with pytest.raises(ValueError, match="expected one of utf8, sheets"):
        scratch.scratch_folder("spill")
