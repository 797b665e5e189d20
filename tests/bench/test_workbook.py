"""The benchmark's XLSX register: each reader measured reads every row of the same workbook."""

import openpyxl

from adoption.bench import workbook


def test_each_reader_reads_every_row_of_the_workbook(small_raw, tmp_path):
    path = tmp_path / "register.xlsx"
    rows, columns = workbook.write_workbook(small_raw, path, rows=250)
    assert rows == 250 and columns >= 10
    # Two sheets of data, each with three title rows and its header; a notes sheet of one row.
    book = openpyxl.load_workbook(path)
    assert [sheet.max_row for sheet in book.worksheets] == [125 + 4, 125 + 4, 1]
    numbers = [cell for row in book.worksheets[0].iter_rows(min_row=5, values_only=True) for cell in row if isinstance(cell, int)]
    assert numbers  # digits typed as numbers, as a spreadsheet holds them
    counts = {stage: workbook.read(stage, path)[0] for stage, _ in workbook.READERS}
    grids = {stage: count for stage, count in counts.items() if stage not in workbook.DATA_READERS}
    assert grids == dict.fromkeys(grids, 250 + 2 * 4 + 1)  # every row of every sheet
    assert {stage: counts[stage] for stage in workbook.DATA_READERS} == dict.fromkeys(workbook.DATA_READERS, 250)
