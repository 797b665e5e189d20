"""A large CSV read a piece at a time: the rows, row numbers, extras, counts and encoding
evidence of reading it whole, whatever falls at a cut; files that cannot be cut safely
are read whole, and a bad row in a later piece is reported at the file's own line."""

from __future__ import annotations

import tempfile

import pandas as pd
import pytest

from adoption.clean import vocab
from adoption.clean.limits import ReadLimits
from adoption.clean.pieces import joined, plan_pieces, read_pieces
from adoption.clean.read import read_raw
from adoption.core.errors import InputFileError

ALIASES, REQUIRED = vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED

# A title and a blank line above the header, an extra column, a quoted name holding the
# delimiter and a line break, a literal quote inside an unquoted cell, a blank line, a
# short row, Windows line ends, no line end after the last row.
LINES = [
    "Danh sách doanh nghiệp,,,,,",
    ",,,,,",
    "Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Ngành nghề kinh doanh chính,Số lao động,Ghi chú",
    '3700145020,"Công ty A, chi nhánh\r\nThủ Dầu Một",TP. Thủ Dầu Một,6810,12,x',
    '0100233488,Màn hình 5" Dĩ An,Dĩ An,2610,7,',
    "",
    "0100233480,Công ty C,Dĩ An,4711",
] + [f"37001451{n:02d},Công ty số {n},Thuận An,4711,{n},ghi chú {n}" for n in range(40)]


def _write(path, lines, *, encoding="utf-8", end="\r\n", last_end=""):
    path.write_bytes((end.join(lines) + last_end).encode(encoding))
    return path


def _same(path, piece_bytes, limits=ReadLimits()):
    whole = read_raw(path, ALIASES, REQUIRED, limits)
    pieces = list(read_pieces(path, ALIASES, REQUIRED, limits, piece_bytes))
    pd.testing.assert_frame_equal(pd.concat([p.frame for p in pieces], ignore_index=True), whole.frame)
    file = joined(pieces)
    pd.testing.assert_frame_equal(file.extras, whole.extras)
    assert file.rows_read == whole.rows_read and file.blank_rows == whole.blank_rows
    pd.testing.assert_frame_equal(file.rejects, whole.rejects)
    for piece in pieces:
        assert piece.header_map == whole.header_map
        assert (piece.decoded.encoding, piece.decoded.evidence) == (whole.decoded.encoding, whole.decoded.evidence)
    return whole, pieces


@pytest.mark.parametrize("piece_bytes", [60, 100, 333, 2000])
@pytest.mark.parametrize("bom", [False, True])
def test_pieces_read_as_the_whole_file(tmp_path, piece_bytes, bom):
    path = _write(tmp_path / "register.csv", LINES, encoding="utf-8-sig" if bom else "utf-8")
    plan = plan_pieces(path, ReadLimits(), piece_bytes)
    assert plan is not None and len(plan.bounds) >= 2
    whole, pieces = _same(path, piece_bytes)
    assert len(pieces) == len(plan.bounds)
    # Row numbers are the file's records (the quoted line break stays in its row): the
    # header is record 3, firm A record 4, the literal quote record 5, record 6 is blank.
    rows = dict(zip(whole.frame["tax_code"], whole.frame["source_row"]))
    assert rows["3700145020"] == 4 and rows["0100233488"] == 5 and rows["0100233480"] == 7
    assert rows["3700145100"] == 8 and rows["3700145139"] == 7 + 40
    assert whole.frame.loc[whole.frame["tax_code"] == "3700145020", "name"].item() == "Công ty A, chi nhánh\r\nThủ Dầu Một"
    assert whole.blank_rows == 1 and whole.rows_read == 3 + 40


def test_the_encoding_evidence_counts_the_whole_file(tmp_path):
    path = _write(tmp_path / "register.csv", LINES, end="\n", last_end="\n")
    multibyte = sum(1 for ch in "\n".join(LINES) if ord(ch) > 0x7F)
    whole, pieces = _same(path, 200)
    assert len(pieces) > 2
    assert whole.decoded.evidence == f"every byte is valid UTF-8 ({multibyte:,} multi-byte characters)"


WESTERN = ["tax code,name,district,main activity"] + [f"37001451{n:02d},Société Générale {n},Thuan An,4711"
                                                     for n in range(40)]


def _utf16_be(text: str) -> bytes:
    return "\ufeff".encode("utf-16-be") + text.encode("utf-16-be")


@pytest.mark.parametrize("encoding, lines", [
    ("cp1258", LINES), ("cp1252", WESTERN), ("utf-16", LINES), ("utf-16-be", LINES), ("utf-32", LINES),
])
def test_files_in_other_encodings_are_read_in_pieces(tmp_path, monkeypatch, encoding, lines):
    """UTF-16 and UTF-32 (with their byte-order mark) and both code pages are written as
    UTF-8 into a temporary folder a block at a time, read in pieces from there, and the
    folder removed: the rows, counts and evidence of the whole read."""
    from adoption.clean import transcode
    from adoption.synth.files import to_cp1258

    monkeypatch.setattr(transcode, "BLOCK_BYTES", 7)  # blocks that cut characters and lines
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    text = "\r\n".join(lines)
    data = {"cp1258": to_cp1258, "utf-16-be": _utf16_be}.get(encoding, lambda t: t.encode(encoding))(text)
    path = tmp_path / "register.csv"
    path.write_bytes(data)
    assert plan_pieces(path, ReadLimits(), 100) is None  # not UTF-8
    whole, pieces = _same(path, 100)
    assert len(pieces) > 2
    assert whole.decoded.encoding == encoding.replace("-be", "") and not whole.frame.empty
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_utf8_copy_that_cannot_be_cut_or_written_leaves_the_file_to_the_whole_read(tmp_path, monkeypatch, caplog):
    """A UTF-16 file whose first line goes on past the first block the scan of its UTF-8 text
    reads (read whole: the delimiter is not known) has no copy left in the temporary folder
    while it is read whole; a temporary folder that cannot be written leaves the file to the
    whole read, with a warning."""
    from adoption.clean import cuts, pieces

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(cuts, "BLOCK_BYTES", 256)
    path = tmp_path / "register.csv"
    path.write_bytes("\r\n".join([",".join(["Danh sách doanh nghiệp"] * 20)] + LINES).encode("utf-16"))
    assert plan_pieces(path, ReadLimits(), 100) is None and cuts.planned(path, ReadLimits(), 100)[1]
    whole_read = pieces.read_raw
    copies = []
    monkeypatch.setattr(pieces, "read_raw", lambda *a, **k: copies.append(list(temporary.iterdir())) or whole_read(*a, **k))
    whole, read = _same(path, 100)
    assert len(read) == 1 and copies[-1] == []
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    wide = _write(tmp_path / "wide.csv", LINES, encoding="utf-16")
    with caplog.at_level("WARNING", logger="adoption.clean.pieces"):
        whole, read = _same(wide, 100)
    assert len(read) == 1 and "no UTF-8 copy written in the temporary folder" in caplog.text


@pytest.mark.parametrize("bom", [False, True])
def test_utf8_with_stray_bytes_is_read_in_pieces(tmp_path, monkeypatch, caplog, bom):
    """UTF-8 (with or without its mark) but for a few bytes, in the title above the header
    (read again before every piece), in the first piece and in later ones, some of them
    cut by the blocks the file is read in: it is written as UTF-8 into a temporary folder,
    each such byte marked, and read in pieces; the rows holding them are set aside, each
    named at its line in the file with its own bytes, as the whole read sets them aside."""
    from adoption.clean import transcode

    monkeypatch.setattr(transcode, "BLOCK_BYTES", 7)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    data = ("\r\n".join(LINES)).encode()
    data = data.replace("Danh sách".encode(), b"Danh s\xe1ch", 1)  # a Windows-1258 byte in the title
    data = data.replace("Màn hình".encode(), b"M\xe0n h\xecnh", 1)  # two bytes in one row, the first piece
    data = data.replace("số 17,".encode(), b"s\xe1\xbb 17,").replace("số 38,".encode(), b"s\xff 38,")
    path = tmp_path / "register.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    with caplog.at_level("INFO", logger="adoption.clean.pieces"):
        whole, pieces = _same(path, 150)
    assert len(pieces) > 3 and "each of 6 bytes not UTF-8 marked" in caplog.text
    assert whole.decoded.bad_bytes == (0xE1, 0xE0, 0xEC, 0xE1, 0xBB, 0xFF)
    for piece in pieces:
        assert piece.decoded == joined(pieces).decoded == whole.decoded
    # The rows (records) 5, 25 and 46 of the file, each with its own bytes; no other row.
    reasons = joined(pieces).rejects.set_index("source_row")["reason"]
    assert list(reasons.index) == [5, 25, 46]
    assert reasons[5].startswith("line 5 holds 2 bytes that are not UTF-8 (0xe0 0xec)")
    assert reasons[25].startswith("line 25 holds 2 bytes that are not UTF-8 (0xe1 0xbb)")
    assert reasons[46].startswith("line 46 holds 1 byte that are not UTF-8 (0xff)")
    evidence = "UTF-8 byte-order mark; 6 bytes not UTF-8" if bom else "against 6 bytes not UTF-8 (first on line 1)"
    assert evidence in whole.decoded.evidence
    assert list((tmp_path / "tmp").iterdir()) == []


def test_rows_set_aside_keep_the_columns_text_type_in_every_piece(tmp_path):
    """A piece whose only row set aside is short (no number of employees) gives that row
    the column's text type, as the whole file does, not one pandas infers from it alone."""
    lines = [HEADER + ",Số lao động"] + [f"370014{n:04d},Công ty {n},Dĩ An,4711,{n}" for n in range(80)]
    lines[3] = "0100233480,C\u00f4ng ty C,D\u0129 An,4711"
    data = "\n".join(lines).encode().replace("ông ty C".encode(), b"\xf4ng ty C").replace("ty 70,".encode(), b"ty \xff,")
    path = tmp_path / "register.csv"
    path.write_bytes(data)
    whole, pieces = _same(path, 200)
    assert len(pieces) > 1 and len(pieces[0].rejects) == 1 and pieces[0].rejects["employees"].isna().all()
    assert whole.rejects["employees"].dtype == whole.frame["employees"].dtype


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_file_holding_every_marker_is_refused_by_both_reads(tmp_path, bom):
    """UTF-8 but for a byte, and holding all 32 noncharacters that could mark it: the same
    refusal, naming the file, read whole or in pieces."""
    every = "".join(map(chr, range(0xFDD0, 0xFDF0)))
    path = tmp_path / "register.csv"
    path.write_bytes(bom + (HEADER + f"\n1,{every},X,1\n").encode()
                     + b"".join(f"37001451{n:02d},C\u00f4ng ty {n},Dĩ An,4711\n".encode() for n in range(40))
                     + b"2,C\xf4ng,X,1\n")
    with pytest.raises(InputFileError, match="holds all 32 Unicode noncharacters") as whole:
        read_raw(path, ALIASES, REQUIRED, ReadLimits())
    with pytest.raises(InputFileError) as in_pieces:
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 100))
    assert str(in_pieces.value) == str(whole.value) and str(path) in str(whole.value)


def test_a_large_zip_with_a_text_files_name_is_refused_as_the_whole_read_refuses_it(tmp_path):
    """Its compressed bytes are not text: the scan of its encoding does not say so first."""
    import zipfile

    path = tmp_path / "register.csv"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("register.csv", "\n".join(f"{n},{n * 7919 % 10007:x}{n ** 3 % 997:o}" for n in range(20000)))
    assert path.read_bytes()[:4096].count(b"\x00") < 40  # not a binary file by its NUL bytes
    for reader in (lambda: read_raw(path, ALIASES, REQUIRED), lambda: list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 100))):
        with pytest.raises(InputFileError, match="this is a zip or XLSX file with a text file's name"):
            reader()


@pytest.mark.parametrize("undefined, message", [(b"", "cannot tell the file's encoding"),
                                                (b"\x90", "cannot decode the file")])
def test_a_file_no_encoding_reads_is_refused_without_reading_it_whole(tmp_path, monkeypatch, undefined, message):
    """A large file of no clear encoding, or holding a byte neither code page defines (0x90,
    far in), gives the whole read's error from the scan of its encoding, a block at a time."""
    from adoption.clean import pieces, transcode

    monkeypatch.setattr(transcode, "BLOCK_BYTES", 100)
    unclear = tmp_path / "unclear.csv"
    unclear.write_bytes(("\n".join(WESTERN[:1] + [f"37001451{n:02d},C\xf4ng ty \xd0\xe3 {n},X,4711" for n in range(40)])
                         ).encode("latin-1").replace(b"ty \xd0\xe3 30", b"ty \xd0\xe3 30" + undefined))
    with pytest.raises(InputFileError, match=message) as whole_error:
        read_raw(unclear, ALIASES, REQUIRED, ReadLimits())
    monkeypatch.setattr(pieces, "read_raw", lambda *a, **k: pytest.fail("the file read whole"))
    with pytest.raises(InputFileError) as pieces_error:
        list(read_pieces(unclear, ALIASES, REQUIRED, ReadLimits(), 100))
    assert str(pieces_error.value) == str(whole_error.value)
    small = _write(tmp_path / "small.csv", LINES)
    assert plan_pieces(small, ReadLimits(), 1 << 20) is None


def test_a_byte_one_code_page_lacks_is_named_at_its_line(tmp_path, monkeypatch):
    """A byte Windows-1258 does not define (0x8a), far into a Western file read in blocks: the
    evidence names it on the line the whole read names."""
    from adoption.clean import transcode

    monkeypatch.setattr(transcode, "BLOCK_BYTES", 64)
    lines = WESTERN + ["3700145199,\u0160koda Auto,Thuan An,4711"]
    path = _write(tmp_path / "register.csv", lines, encoding="cp1252", end="\n")
    whole, pieces = _same(path, 300)
    assert len(pieces) > 1
    assert "cp1258 cannot read byte 0x8a on line 42" in whole.decoded.evidence


def test_a_bad_row_in_a_later_piece_is_reported_at_its_line_in_the_file(tmp_path):
    lines = LINES + ["3700145098,Công ty thừa ô,Dĩ An,4711,1,x,thừa,thừa"] + LINES[-3:]
    path = _write(tmp_path / "register.csv", lines)
    plan = plan_pieces(path, ReadLimits(), 200)
    assert plan is not None and plan.bounds[0][1] < sum(len(line.encode()) + 2 for line in lines[:47])
    with pytest.raises(InputFileError) as whole:
        read_raw(path, ALIASES, REQUIRED, ReadLimits())
    with pytest.raises(InputFileError) as pieces:
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 200))
    # 47 lines before it, and the quoted line break of firm A: line 49 of the file.
    assert "line 49 holds 8 cells" in str(whole.value)
    assert str(pieces.value) == str(whole.value)


WIDE = "3700145098,Công ty thừa ô,Dĩ An,4711,1,x,thừa,thừa"  # 8 cells where the first line has 6
COLUMNS = "3700145095,Công ty,Dĩ An,4711,1,x" + ",y" * 12
# Rows the csv module cannot tokenize: a quoted cell going on after its closing quote; a
# cell past a limit of 100 characters, over two lines; a quote that is never closed.
QUOTE = '3700145098,"Công ty "Đ" Dĩ An",Dĩ An,4711,1,x'
LONG = '3700145099,"Công ty' + " dài" * 20 + '\r\n' + "dài " * 20 + '",Dĩ An,4711,1,x'
OPEN = '3700145097,"Công ty mở,Dĩ An,4711,1,x'
CELL = ReadLimits(max_cell_chars=100)


@pytest.mark.parametrize("rows, limits, encoding", [
    ({20: WIDE}, ReadLimits(), "utf-8"),
    ({35: COLUMNS}, ReadLimits(max_columns=10), "utf-8"),
    ({12: WIDE, 40: COLUMNS}, ReadLimits(max_columns=10), "utf-8"),  # the width of every line is checked first
    ({12: WIDE, 30: WIDE.replace("thừa,thừa", "a,b,c")}, ReadLimits(), "utf-8"),  # then the first parse error
    ({20: WIDE}, ReadLimits(), "utf-16"),
    ({20: WIDE}, ReadLimits(), "stray"),
    # The file cut up to a row the csv module cannot tokenize; after it, at line feeds.
    ({30: QUOTE}, ReadLimits(), "utf-8"),
    ({30: LONG}, CELL, "utf-8"),
    ({30: OPEN}, ReadLimits(), "utf-8"),
    ({-7: QUOTE}, ReadLimits(), "utf-8"),  # in the first row
    ({2: QUOTE}, ReadLimits(), "utf-8"),  # in the first piece
    ({2: QUOTE, 40: COLUMNS}, ReadLimits(max_columns=10), "utf-8"),  # a later line too wide comes first
    ({20: QUOTE, 30: WIDE}, ReadLimits(), "utf-8"),  # an earlier row too long comes first
    ({30: QUOTE}, ReadLimits(), "utf-16"),
    ({30: LONG}, CELL, "stray"),
], ids=["too-wide", "columns", "columns-later", "parse-first", "utf-16", "stray-bytes", "quote", "long-cell",
        "open-quote", "first-row", "first-piece", "first-piece-columns-later", "wide-before", "quote-utf-16",
        "long-cell-stray"])
def test_a_later_pieces_error_is_the_whole_reads_without_reading_it_whole(tmp_path, monkeypatch, rows, limits,
                                                                          encoding):
    """A piece the reader refuses gives the error the whole read gives, at the file's line
    (a later piece's error at an earlier step of the whole read comes first), without
    the file read whole: each piece is read behind the file's head and as many empty lines
    as the file has before it."""
    from adoption.clean import pieces

    lines = list(LINES)
    for at, row in sorted(rows.items(), reverse=True):
        lines.insert(at + 7, row)
    text = "\r\n".join(lines + LINES[-5:])
    data = text.encode("utf-8").replace("Công ty số 3,".encode(), b"C\xf4ng ty s\xf4 3,") if encoding == "stray" \
        else text.encode(encoding)
    path = tmp_path / "register.csv"
    path.write_bytes(data)
    with pytest.raises(InputFileError) as whole:
        read_raw(path, ALIASES, REQUIRED, limits)
    whole_read = pieces.read_raw

    def in_pieces_only(*args, data=None, **kwargs):
        assert data is not None, "the file read whole"
        return whole_read(*args, data=data, **kwargs)

    monkeypatch.setattr(pieces, "read_raw", in_pieces_only)
    with pytest.raises(InputFileError) as in_pieces:
        list(read_pieces(path, ALIASES, REQUIRED, limits, 200))
    assert str(in_pieces.value) == str(whole.value)
    assert "line" in str(whole.value)


def test_the_first_pieces_header_gives_way_to_a_later_parse_error(tmp_path, monkeypatch):
    """A required column missing (found in the first piece) and a row the parser refuses in
    a later one: the whole read parses every row before it looks for columns. Without that
    row, the missing column."""
    from adoption.clean import pieces

    lines = [line.replace("Ngành nghề kinh doanh chính", "Ghi chú 2") for line in LINES[:5]] + LINES[5:]
    lines.insert(45, WIDE)
    path = _write(tmp_path / "register.csv", lines)
    with pytest.raises(InputFileError, match="holds 8 cells") as whole:
        read_raw(path, ALIASES, REQUIRED, ReadLimits())
    monkeypatch.setattr(pieces, "read_raw", lambda *a, data=None, **k: read_raw(*a, data=data, **k) if data else None)
    with pytest.raises(InputFileError) as in_pieces:
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 200))
    assert str(in_pieces.value) == str(whole.value)
    lines.remove(WIDE)
    path = _write(tmp_path / "register.csv", lines)
    with pytest.raises(InputFileError, match="missing required column") as whole:
        read_raw(path, ALIASES, REQUIRED, ReadLimits())
    with pytest.raises(InputFileError) as in_pieces:
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 200))
    assert str(in_pieces.value) == str(whole.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258", "stray"])
def test_a_file_beyond_the_row_limit_is_refused_as_the_whole_read_refuses_it_without_reading_it_whole(
        tmp_path, monkeypatch, encoding):
    """A file beyond the row limit is refused as the whole read refuses it (after the
    checks it makes first: a file beyond the size limit is refused for its size), and
    without a whole read: a file of a gigabyte would take several in memory to be refused."""
    from adoption.clean import pieces

    lines = [line.replace("Công ty số 3,", "Công ty số 3 \x00,") for line in LINES] if encoding == "stray" else LINES
    data = _write(tmp_path / "register.csv", lines).read_bytes()
    path = tmp_path / "register.csv"
    if encoding == "stray":
        path.write_bytes(data.replace(" \x00".encode(), b"\xf4"))
    elif encoding == "cp1258":
        from adoption.synth.files import to_cp1258

        path.write_bytes(to_cp1258(data.decode()))
    elif encoding != "utf-8":
        path.write_bytes(data.decode().encode(encoding))
    whole_read = pieces.read_raw
    for limits, refusal in ((ReadLimits(max_rows=40), "48 lines, beyond the limit max_rows = 40"),
                            (ReadLimits(max_rows=40, max_file_mb=0), "beyond the limit max_file_mb = 0")):
        with pytest.raises(InputFileError, match=refusal) as whole:
            whole_read(path, ALIASES, REQUIRED, limits)
        monkeypatch.setattr(pieces, "read_raw", lambda *a, data=None, **k: pytest.fail("the file read whole"))
        with pytest.raises(InputFileError) as in_pieces:
            list(read_pieces(path, ALIASES, REQUIRED, limits, 100))
        monkeypatch.undo()
        assert str(in_pieces.value) == str(whole.value)
    assert plan_pieces(path, ReadLimits(max_rows=40), 100) is None


def test_a_file_of_blank_lines_beyond_the_row_limit_is_empty(tmp_path):
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\n" * 100)
    with pytest.raises(InputFileError, match="the file is empty"):
        list(read_pieces(blank, ALIASES, REQUIRED, ReadLimits(max_rows=50), 20))


def test_a_utf8_file_left_whole_is_not_decoded_again(tmp_path, monkeypatch):
    """Every byte of these large files is UTF-8, and the scan that refuses to cut them has
    read them all: they go to the whole read without the block-by-block decision of their
    encoding (which a file in another encoding takes)."""
    from adoption.clean import cuts, pieces

    def decoded_again(path, block_bytes=None):
        raise AssertionError(f"{path.name} decoded a second time")

    monkeypatch.setattr(pieces, "streamed_decoding", decoded_again)
    monkeypatch.setattr(cuts, "BLOCK_BYTES", 64)
    too_many = _write(tmp_path / "rows.csv", LINES)
    long_first = _write(tmp_path / "long.csv", [LINES[2] + ",x" * 40] + LINES[3:])  # a first line past a block
    for path, limits in ((too_many, ReadLimits(max_rows=40)), (long_first, ReadLimits())):
        assert plan_pieces(path, limits, 100) is None
        try:
            whole = read_raw(path, ALIASES, REQUIRED, limits)
        except InputFileError as error:
            with pytest.raises(InputFileError) as in_pieces:
                list(read_pieces(path, ALIASES, REQUIRED, limits, 100))
            assert str(in_pieces.value) == str(error)
        else:
            (read,) = list(read_pieces(path, ALIASES, REQUIRED, limits, 100))
            pd.testing.assert_frame_equal(read.frame, whole.frame)
    with pytest.raises(AssertionError, match="decoded a second time"):  # a code page is decided block by block
        list(read_pieces(_write(tmp_path / "western.csv", WESTERN, encoding="cp1252", end="\n"), ALIASES, REQUIRED,
                         ReadLimits(), 100))


HEADER = "Mã số thuế,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Ngành nghề kinh doanh chính"


@pytest.mark.parametrize("data", [
    # Pieces whose rows are all blank, all empty cells, or too short for some columns: the
    # columns keep the whole file's text type.
    (HEADER + "\n" + "1,a,b,c\n" * 40 + "\n" * 60).encode(),
    (HEADER + "\n" + "1,a,b,c\n" * 40 + ",,,\n" * 20).encode(),
    (HEADER + "\n" + "1,a,b,c\n" * 40 + "1,a\n" * 30).encode(),
    # Two extra columns: their values in the whole file's order.
    ("Mã số thuế,STT,Ghi chú,Tên doanh nghiệp,Huyện/Thị xã/Thành phố,Ngành nghề kinh doanh chính\n"
     + "1,2,3,a,b,c\n" * 40).encode(),
    # A byte-order mark inside the quoted first cell, and a row that sends some texts to the
    # Python parser: the header reads the same in every piece.
    ('"\ufeffSTT",' + HEADER + "\n" + "".join(f"{n},37{n:03d},Cty {n},Dĩ An,4711{chr(13) * 2 if n == 50 else ''}\n"
                                               for n in range(60))).encode(),
    # Two extra columns of one name, and a first piece of blank rows only: the extras in
    # the whole file's order, column by column.
    ("Mã số thuế,Tên doanh nghiệp,Huyện,Ngành chính,Ghi chú,Ghi chú\n"
     + "".join(f"{n},Cty {n},Dĩ An,4711,a{n},b{n}\n" for n in range(40))).encode(),
    ("Mã số thuế,Tên doanh nghiệp,Huyện,Ngành chính,Ghi chú,STT\n" + "\n" * 40
     + "".join(f"{n},Cty {n},Dĩ An,4711,g{n},{n}\n" for n in range(40))).encode(),
], ids=["blank-rows", "empty-cells", "short-rows", "two-extras", "bom-in-quotes", "extras-of-one-name",
        "first-piece-blank"])
def test_cuts_that_once_told_apart(tmp_path, data):
    path = tmp_path / "register.csv"
    path.write_bytes(data)
    for piece_bytes in (50, 120, 300):
        if plan_pieces(path, ReadLimits(), piece_bytes) is not None:
            _same(path, piece_bytes)


def test_a_first_line_longer_than_the_first_block_is_read_whole(tmp_path, monkeypatch):
    """The delimiter is told from the first non-blank line: where that line might run past
    the block the scan looks at, the file is read whole."""
    from adoption.clean import cuts

    monkeypatch.setattr(cuts, "BLOCK_BYTES", 256)
    title = ",".join(["Danh sách doanh nghiệp"] * 40)  # the first block holds part of it
    path = tmp_path / "register.csv"
    path.write_bytes(("\n".join([title, HEADER] + [f'37{n:05d},"Cty\n{n}",Dĩ An,4711' for n in range(60)]) + "\n").encode())
    assert plan_pieces(path, ReadLimits(), 200) is None
    _same(path, 200)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258", "utf-16"])
@pytest.mark.parametrize("nuls", [1, 100])
def test_nul_bytes_after_the_files_start_are_read_in_pieces(tmp_path, monkeypatch, encoding, nuls):
    """NUL bytes deep in a large file (a block of zeros a disk error left, say) are read as
    the whole read reads them, in pieces: the reader looks for a binary file only in the
    file's first 4 KB. NUL bytes there leave the file to the whole read."""
    from adoption.clean import pieces
    from adoption.synth.files import to_cp1258

    lines = LINES + [f"37002{n:05d},Công ty thêm {n},Dĩ An,4711,{n},x" for n in range(150)]
    lines[150] = lines[150].replace("Công ty thêm", "Công" + "\x00" * nuls + " ty thêm")
    text = "\r\n".join(lines)
    path = tmp_path / "register.csv"
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    assert b"\x00" not in path.read_bytes()[:4096] or encoding == "utf-16"
    whole_read = pieces.read_raw

    def in_pieces_only(*args, data=None, **kwargs):
        assert data is not None, "the file read whole"
        return whole_read(*args, data=data, **kwargs)

    monkeypatch.setattr(pieces, "read_raw", in_pieces_only)
    whole, read = _same(path, 500)
    assert len(read) > 2 and whole.frame["name"].str.contains("\x00" * nuls, regex=False).sum() == 1


@pytest.mark.parametrize("nuls, encoding, cut", [
    (1, "utf-8", True),  # a stray NUL where the reader looks for a binary file
    (20, "utf-8-sig", True),  # more than 1% of a first piece shorter than 4 KB, not of the file's 4 KB
    (4, "cp1258", True),
    (60, "utf-16", True),  # NUL characters, closer together in the UTF-8 text than in the file
    (50, "utf-8", False),  # a binary file
    (50, "cp1258", False),
])
def test_nul_bytes_at_the_files_start(tmp_path, monkeypatch, nuls, encoding, cut):
    """NUL bytes in a large file's first 4 KB, where the reader looks for a binary file, are
    read in pieces as the whole read reads them, unless they make the file binary: the whole
    read refuses it. A file in UTF-16 is never binary, its UTF-8 text neither."""
    from adoption.clean import pieces
    from adoption.synth.files import to_cp1258

    lines = LINES + [f"37002{n:05d},Công ty thêm {n},Dĩ An,4711,{n},x" for n in range(150)]
    text = "\r\n".join(lines).replace("Công ty số 3,", "Công" + "\x00" * nuls + "ty số 3,")
    path = tmp_path / "register.csv"
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    assert text.encode("utf-8")[:4096].count(b"\x00") == nuls  # in the first 4 KB of the file, and of its UTF-8 text
    whole_read, read = pieces.read_raw, []
    monkeypatch.setattr(pieces, "read_raw", lambda *a, data=None, **k: read.append(data) or whole_read(*a, data=data, **k))
    if cut:
        _same(path, 500)
        assert len(read) > 2 and None not in read
        return
    assert plan_pieces(path, ReadLimits(), 500) is None
    for reader in (lambda: whole_read(path, ALIASES, REQUIRED), lambda: list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 500))):
        with pytest.raises(InputFileError, match="binary content"):
            reader()
    assert read == [None]


_H = "Mã số thuế,Tên doanh nghiệp,Huyện,Ngành nghề kinh doanh chính"
_ROWS = [_H] + [f"37{n:05d},Cty {n},Dĩ An,4711" for n in range(60)]


def _with(changes: dict[int, str], rows=None, blank_first=False) -> bytes:
    rows = list(_ROWS if rows is None else rows)
    for at, row in changes.items():
        rows[at] = row
    return (("\n" if blank_first else "") + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("data, limits", [
    # A row too wide before a row the csv module refuses: the parse reads every row first.
    (_with({20: _ROWS[20] + ",thừa", 45: '3700045,"Cty "x" y",Dĩ An,4711'}), ReadLimits()),
    # A carriage return alone after one in quotes; the file's lines end as its first ends.
    (_with({5: '3700005,"Cty\rnăm",Dĩ An,4711', 45: "3700045,Cty\rx,Dĩ An,4711"}), ReadLimits()),
    (_with({35: "3700035,Cty\rx,Dĩ An,4711", 50: _ROWS[50] + "\r", 51: '3700050,"q",Dĩ An,4711'}), ReadLimits()),
    # A blank first line, a refused row in the first piece, later lines of another separator.
    (_with({2: '3700002,"Cty "x" y",Dĩ An,4711', **{n: "a;b;c;d;e;f;g;h;i;j;k;l;m" for n in range(44, 61)}},
           blank_first=True), ReadLimits(max_columns=10)),
    # The same after a first line of a no-break space (blank to the delimiter's sniff) and a BOM.
    (b"\xef\xbb\xbf" + "\u00a0\n".encode() + _with({2: '3700002,"Cty "x" y",Dĩ An,4711',
                                                   **{n: "a;b;c;d;e;f;g;h;i;j;k;l;m" for n in range(44, 61)}}),
     ReadLimits(max_columns=10)),
    # A long line of short cells before a quoted cell past the limit; a quote never closed
    # passing the limit before a long line.
    (_with({5: "3700004,Cty bốn bốn bốn bốn,Dĩ An Dĩ An Dĩ An,4711", 50: '3700049,"' + "d" * 50 + '",Dĩ An,4711'},
           rows=[_H] + [f'37{n:05d},"Cty {n}",Dĩ An,4711' for n in range(60)]), ReadLimits(max_cell_chars=40)),
    (_with({40: '3700040,"Cty mở,Dĩ An,4711', 55: "3700055," + ",".join(["abc"] * 30)}), ReadLimits(max_cell_chars=100)),
    # A file beyond the size limit with a refused row: its size first.
    (_with({5: '3700005,"Cty "x" y",Dĩ An,4711'}), ReadLimits(max_file_mb=0)),
    # NUL bytes in the first 4 KB, not a binary file, before a refused row: in UTF-8, and
    # as characters of UTF-16 (closer together in its UTF-8 text).
    (_with({2: "3700002,Cty\x00,Dĩ An,4711", 45: '3700045,"Cty "x" y",Dĩ An,4711'}), ReadLimits()),
    # The same, the refused row among the first: the first piece ends after it, a few hundred
    # bytes, where 5 NUL bytes are more than 1% (not of the file's first 4 KB).
    (_with({2: "3700002,Cty" + "\x00" * 5 + ",Dĩ An,4711", 4: '3700004,"Cty "x" y",Dĩ An,4711',
            **{n: f'37{n:05d},"Cty, {n}",Dĩ An,4711' for n in range(5, 61)}}), ReadLimits()),
    (_with({2: "3700002,Cty" + "\x00" * 60 + ",Dĩ An,4711", 5: '3700005,"Cty "x" y",Dĩ An,4711'}).decode().encode("utf-16"),
     ReadLimits()),
], ids=["wide-then-refused", "cr-after-quoted-cr", "cr-windows-later", "blank-first-line", "no-break-space-line",
        "long-line-first",
        "open-quote-past-limit", "size-first", "nul-first", "nul-short-first-piece", "nul-utf-16"])
def test_what_an_attack_on_refused_rows_found(tmp_path, monkeypatch, data, limits):
    """Files a helper's attack found giving another message in pieces than whole."""
    from adoption.clean import pieces

    path = tmp_path / "r.csv"
    path.write_bytes(data)
    with pytest.raises(InputFileError) as whole:
        read_raw(path, ALIASES, REQUIRED, limits)
    monkeypatch.setattr(pieces, "read_raw", lambda *a, data=None, **k: read_raw(*a, data=data, **k) if data
                        else pytest.fail("the file read whole"))
    with pytest.raises(InputFileError) as in_pieces:
        list(read_pieces(path, ALIASES, REQUIRED, limits, 200))
    assert str(in_pieces.value) == str(whole.value)


def test_a_file_of_carriage_returns_only_is_read_whole_as_the_reader_takes_them_for_line_ends(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\r".join([_H] + [f'37{n:05d},"Cty {n}",Dĩ An,4711' for n in range(60)]).encode())
    assert plan_pieces(path, ReadLimits(), 200) is None
    whole, _ = _same(path, 200)
    assert len(whole.frame) == 60


def test_a_first_row_the_csv_module_refuses_past_a_block_is_reported_as_whole(tmp_path, monkeypatch):
    """Carriage returns for line ends and one quoted line feed: the file's first line (to
    that line feed) runs past a block of the count of line feeds and past a character's
    first byte; the csv module refuses its first row."""
    from adoption.clean import refused

    monkeypatch.setattr(refused, "BLOCK_BYTES", 1000)
    rows = ["tax code,name,district,main activity"] + [f"37{n:05d},Cong ty {n},Di An,4711" for n in range(60)]
    rows[40] = '3700040,"Cty\nhai",Di An,4711'
    text = "\r".join(rows)
    path = tmp_path / "r.csv"
    path.write_bytes((text[:999] + "ĩ" + text[1000:]).encode())
    with pytest.raises(InputFileError) as whole:
        read_raw(path, ALIASES, REQUIRED, ReadLimits())
    with pytest.raises(InputFileError) as in_pieces:
        list(read_pieces(path, ALIASES, REQUIRED, ReadLimits(), 200))
    assert str(in_pieces.value) == str(whole.value)
