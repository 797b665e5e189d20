"""Hostile or broken files are refused early with one message, within bounded memory.

Every hostile file is built here: zip bombs, sheets declaring 16,384 columns by 1,048,576
rows, cells of megabytes, lines of thousands of separators.
"""

import re
import struct
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Font

from adoption.clean import clean_raw
from adoption.clean.limits import ReadLimits
from adoption.clean.read import read_raw
from adoption.clean import vocab
from adoption.core.errors import AdoptionError, InputFileError

HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Mã ngành"]
ROWS = [["3700145020", "Công ty Đông Á", "Thủ Dầu Một", "6810"], ["0100233488", "Công ty Minh Long", "Dĩ An", "2610"]]
SHEET = "xl/worksheets/sheet1.xml"


def _raw(tmp_path):
    (tmp_path / "raw" / "register").mkdir(parents=True)
    return tmp_path / "raw"


def _book(path, rows=ROWS, styled_far_right=False):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    if styled_far_right:  # an empty cell formatted in the last column Excel has, XFD
        for number in range(1, len(rows) + 2):
            sheet.cell(row=number, column=16_384).font = Font(bold=True)
    book.save(path)
    return path


def _with_sheet(path, write_sheet):
    """Rewrite the XLSX at ``path`` with its first sheet written by ``write_sheet(stream)``."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            if name == SHEET:
                with target.open(SHEET, "w") as stream:
                    write_sheet(stream)
            else:
                target.writestr(name, content)
    return path


def _row_xml(values):
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"


def _bomb_sheet(megabytes):
    """A valid sheet: the header, then ``megabytes`` MB of the same firm again and again."""
    def write(stream):
        # With no <dimension> before <sheetData>, openpyxl would parse the whole sheet to look for one.
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                     b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     b'<dimension ref="A1:D2"/><sheetData>')
        stream.write(_row_xml(HEADER).encode())
        row = _row_xml(ROWS[0]).encode()
        chunk = row * (1024 * 1024 // len(row) + 1)
        for _ in range(megabytes):
            stream.write(chunk)
        stream.write(b"</sheetData></worksheet>")
    return write


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "register" / "bomb.xlsx"
    path.parent.mkdir()
    _with_sheet(_book(path), _bomb_sheet(200))
    return path


def test_the_bomb_is_what_it_claims(bomb):
    sheet = zipfile.ZipFile(bomb).getinfo(SHEET)
    assert sheet.file_size > 200 * 1024 * 1024 * 0.99 and bomb.stat().st_size < 2 * 1024 * 1024


def test_zip_bomb_is_refused_before_it_is_opened(bomb):
    with pytest.raises(InputFileError) as err:
        clean_raw(bomb.parents[1])
    message = str(err.value)
    assert message.startswith(f"{bomb}: part 'xl/worksheets/sheet1.xml': 2")
    assert "MB uncompressed from" in message and "zip bomb" in message
    assert "beyond the limit max_xlsx_ratio = 100" in message and "ADOPTION_MAX_XLSX_RATIO=200" in message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak memory from /proc")
def test_zip_bomb_is_refused_in_little_memory(bomb):
    # The reader in a process of its own: its peak memory (VmHWM, that of this process
    # image only) stays near that of the imports (about 150 MB), far from the 200 MB sheet,
    # let alone what parsing it would take.
    code = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from adoption.clean import vocab\n"
        "from adoption.clean.read import read_raw\n"
        "from adoption.core.errors import InputFileError\n"
        "try:\n"
        "    read_raw(Path(sys.argv[1]), vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED)\n"
        "except InputFileError:\n"
        "    print(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text()).group(1))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip(), done.stderr
    assert int(done.stdout) < 400 * 1024  # kilobytes


@pytest.mark.parametrize("limits, expected", [
    (ReadLimits(max_xlsx_ratio=10_000, max_xlsx_member_mb=100), r"part 'xl/worksheets/sheet1.xml': 2\d\d\.\d MB "
     r"uncompressed, beyond the limit max_xlsx_member_mb = 100; .*ADOPTION_MAX_XLSX_MEMBER_MB=200\)"),
    (ReadLimits(max_xlsx_ratio=10_000, max_xlsx_total_mb=150), r"its parts hold 2\d\d\.\d MB uncompressed, beyond "
     r"the limit max_xlsx_total_mb = 150"),
    (ReadLimits(max_xlsx_ratio=10_000, max_rows=1_000), r"sheet 'Sheet': more than 1,000 rows, beyond the limit "
     r"max_rows = 1,000"),
])
def test_each_xlsx_limit_names_itself(bomb, limits, expected):
    with pytest.raises(InputFileError, match=expected):
        read_raw(bomb, vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED, limits)


def test_a_part_longer_than_it_declares_is_refused(tmp_path):
    # The pre-check trusts the sizes the archive declares; a part that declares 1,000 bytes
    # but inflates to 20 MB is cut at 1,000 bytes by zipfile and fails its checksum.
    path = _with_sheet(_book(_raw(tmp_path) / "register" / "lying.xlsx"), _bomb_sheet(20))
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[start + size_at:start + size_at + 4] = struct.pack("<I", 1_000)
            start += 4
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo(SHEET).file_size == 1_000
    with pytest.raises(InputFileError, match=r"lying.xlsx: (cannot open|sheet 'Sheet' cannot be read) as XLSX \(BadZipFile: Bad CRC"):
        clean_raw(tmp_path / "raw")


def test_a_declared_dimension_of_the_whole_grid_is_ignored(tmp_path):
    path = _book(_raw(tmp_path) / "register" / "grid.xlsx")
    sheet = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:XFD1048576"/>', zipfile.ZipFile(path).read(SHEET))
    _with_sheet(path, lambda stream: stream.write(sheet))
    assert b'<dimension ref="A1:XFD1048576"/>' in zipfile.ZipFile(path).read(SHEET)
    result = clean_raw(tmp_path / "raw")
    info = result.quality["files"]["register/grid.xlsx"]
    # Two data rows, no blank row padded out to row 1,048,576, no column padded out to XFD.
    assert (info["rows_read"], info["rows_kept"], info["blank_rows_skipped"]) == (2, 2, 0)
    assert info["extra_columns"] == [] and len(result.extras) == 0


def test_empty_cells_formatted_out_to_the_last_column_are_not_columns(tmp_path):
    _book(_raw(tmp_path) / "register" / "styled.xlsx", styled_far_right=True)
    assert b'r="XFD1"' in zipfile.ZipFile(tmp_path / "raw" / "register" / "styled.xlsx").read(SHEET)
    result = clean_raw(tmp_path / "raw")
    assert sorted(result.enterprises["tax_code"]) == ["0100233488", "3700145020"]
    assert len(result.extras) == 0


def test_a_value_beyond_the_column_limit_is_refused_with_its_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(ROWS[0])
    book.active.cell(row=2, column=1_001, value="x")  # column ALM
    book.save(_raw(tmp_path) / "register" / "wide.xlsx")
    with pytest.raises(InputFileError, match=r"wide.xlsx: sheet 'Sheet', row 2, column ALM: a value in column 1,001, "
                                             r"beyond the limit max_columns = 1,000; .*ADOPTION_MAX_COLUMNS=2000"):
        clean_raw(tmp_path / "raw")


def test_a_csv_line_beyond_the_column_limit_is_refused_before_parsing(tmp_path):
    raw = _raw(tmp_path)
    (raw / "register" / "wide.csv").write_text(",".join(HEADER) + "," * 1_499 + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"wide.csv: line 1: 1,503 columns, beyond the limit max_columns = 1,000"):
        clean_raw(raw)


def test_separators_inside_quotes_are_not_columns(tmp_path):
    raw = _raw(tmp_path)
    note = '"' + "," * 2_000 + '"'
    text = ",".join(HEADER) + ",Ghi chú\n" + ",".join(ROWS[0]) + f",{note}\n"
    (raw / "register" / "quoted.csv").write_text(text, encoding="utf-8")
    result = clean_raw(raw)
    assert result.extras["value"].tolist() == ["," * 2_000]


def _csv_with_name(path, name):
    path.write_text(",".join(HEADER) + "\n" + ",".join([ROWS[0][0], name, *ROWS[0][2:]]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("length", [40_000, 10_000_000])
def test_a_csv_cell_beyond_the_cell_limit_is_refused_with_its_line(tmp_path, length):
    raw = _raw(tmp_path)
    _csv_with_name(raw / "register" / "long.csv", "A" * length)
    with pytest.raises(InputFileError, match=r"long.csv: line 2: a cell of more than 32,767 characters, beyond the "
                                             r"limit max_cell_chars = 32,767; .*ADOPTION_MAX_CELL_CHARS=65534"):
        clean_raw(raw)


def test_a_quoted_cell_over_several_lines_beyond_the_cell_limit_names_the_line_it_passes_it_on(tmp_path):
    """No line is longer than the limit: the cell passes it on its third line, line 4."""
    raw = _raw(tmp_path)
    _csv_with_name(raw / "register" / "long.csv", '"' + "\n".join(["A" * 15_000] * 4) + '"')
    with pytest.raises(InputFileError, match=r"long.csv: line 4: a cell of more than 32,767 characters"):
        clean_raw(raw)


def test_an_xlsx_cell_beyond_the_cell_limit_is_refused_with_its_cell(tmp_path):
    # openpyxl cuts what it writes at Excel's 32,767 characters: the sheet is written by hand.
    def write(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        stream.write((_row_xml(HEADER) + _row_xml([ROWS[0][0], "A" * 10_000_000, *ROWS[0][2:]])).encode())
        stream.write(b"</sheetData></worksheet>")
    _with_sheet(_book(_raw(tmp_path) / "register" / "long.xlsx"), write)
    with pytest.raises(InputFileError, match=r"long.xlsx: sheet 'Sheet', cell B2: 10,000,000 characters, beyond the "
                                             r"limit max_cell_chars = 32,767"):
        clean_raw(tmp_path / "raw")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cell_at_the_limit_is_read_from_either_format(tmp_path, suffix):
    name = "Công ty " + "A" * (32_767 - 8)
    path = _raw(tmp_path) / "register" / f"at_limit{suffix}"
    _csv_with_name(path, name) if suffix == ".csv" else _book(path, rows=[[ROWS[0][0], name, *ROWS[0][2:]]])
    result = clean_raw(tmp_path / "raw")
    assert result.enterprises["name"].str.len().tolist() == [32_767]


def test_csv_rows_and_file_size_limits(tmp_path):
    raw = _raw(tmp_path)
    path = raw / "register" / "dn.csv"
    path.write_text(",".join(HEADER) + "\n" + "\n".join(",".join(r) for r in ROWS * 2) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"dn.csv: 5 lines, beyond the limit max_rows = 3"):
        clean_raw(raw, ReadLimits(max_rows=3))
    path.write_bytes(path.read_bytes() + b"\n" * (3 * 1024 * 1024 // 2))  # 1.5 MB of blank lines
    with pytest.raises(InputFileError, match=r"dn.csv: the file holds 1.5 MB, beyond the limit max_file_mb = 1; "
                                             r".*ADOPTION_MAX_FILE_MB=2"):
        clean_raw(raw, ReadLimits(max_file_mb=1))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cell_holding_nan_is_text(tmp_path, suffix):
    rows = [ROWS[0], ["0100233488", "nan", "Dĩ An", "NaN"], ["0300588569-001", "NaN Việt", "Dĩ An", "4711"]]
    path = _raw(tmp_path) / "register" / f"nan{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    else:
        _book(path, rows=rows)
    result = clean_raw(tmp_path / "raw")
    # "nan" alone means missing (like "N/A"); the row is refused for its name, not a crash.
    assert result.enterprises.set_index("tax_code")["name"].to_dict() == {
        "3700145020": "Công ty Đông Á", "0300588569-001": "NaN Việt"}
    assert result.rejects.set_index("source_row")["reason_code"].to_dict() == {3: "name_missing"}


def test_limits_from_the_environment(tmp_path, monkeypatch):
    assert ReadLimits.from_environment({}) == ReadLimits()
    assert ReadLimits.from_environment({"ADOPTION_MAX_ROWS": "20_000_000"}).max_rows == 20_000_000
    for value in ("lots", "0", "-3", "٣", str(2**31)):  # Arabic-Indic three; beyond a C int
        with pytest.raises(AdoptionError, match=f"ADOPTION_MAX_CELL_CHARS={value!r}: expected a whole number from 1 to"):
            ReadLimits.from_environment({"ADOPTION_MAX_CELL_CHARS": value})
    raw = _raw(tmp_path)
    _book(raw / "register" / "dn.xlsx")
    assert clean_raw(raw).quality["read_limits"] == ReadLimits().as_dict()
    monkeypatch.setenv("ADOPTION_MAX_CELL_CHARS", "5")
    with pytest.raises(InputFileError, match=r"dn.xlsx: sheet 'Sheet', cell A1: 10 characters, beyond the limit "
                                             r"max_cell_chars = 5"):  # "Mã số thuế" is 10 characters long
        clean_raw(raw)
