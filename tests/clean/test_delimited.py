"""Delimited text is parsed into the frame pandas' Python parser gives, by its C parser
where that gives the same; a row longer than the first is refused with its line."""

import io

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.clean.delimited import OPTIONS, _by_c_parser, _cells_per_row, _whole_lines, parse_delimited
from adoption.core.errors import InputFileError

# One awkward shape a text, and whether the C parser may read it (None: the Python parser decides).
TEXTS = {
    "plain": ("a,b\n1,2\n", True),
    "no line end at the end": ("a,b\n1,2", True),
    "blank line": ("a,b\n\n1,2\n", True),
    "blank lines, Windows line ends": ("a,b\r\n\r\n1,2\r\n", True),
    "spaces only": ("a,b\n  \n1,2\n", True),
    "short row": ("a,b,c\n1\n", True),
    "empty cells": ("a,b,c\n1,,\n,,\n", True),
    "short quoted row": ('a,b,c\n"x, y",2\n"z"\n', True),
    "blank line among quoted rows": ('a,b\n"x",2\n\n"y",3\n', True),
    "line break in quotes": ('a,b\n"x\r\ny",2\n', True),
    "doubled quote": ('a,b\n"x""y",2\n', True),
    "quote inside a cell": ('a,b\nx"y,2\n', True),
    "semicolons": ("a;b\n1;2\n", True),
    "text after a closing quote": ('a,b\n"x"y,2\n', None),
    "quote never closed": ('a,b\n"x,2\n', None),
    "row longer than the first": ("a,b\n1,2,3\n", None),
    "carriage return alone": ("a,b\n1,2\r3,4\n", None),
    "NUL": ("a,b\nx\x00,2\n", None),
    "blank first line": ("\na,b\n1,2\n", None),
}


@pytest.mark.parametrize("name", TEXTS)
def test_the_frame_is_the_python_parsers(name):
    text, by_c = TEXTS[name]
    sep = ";" if "semicolon" in name else ","
    try:
        expected = pd.read_csv(io.StringIO(text), sep=sep, engine="python", **OPTIONS)
    except pd.errors.ParserError as exc:
        with pytest.raises(pd.errors.ParserError, match=str(exc)):
            parse_delimited(text, sep)
        with pytest.raises(pd.errors.ParserError, match=str(exc)):
            parse_delimited(None, sep, encoded=text.encode())  # the text held as its UTF-8 bytes only
    else:
        pd.testing.assert_frame_equal(parse_delimited(text, sep), expected, check_exact=True)
        pd.testing.assert_frame_equal(parse_delimited(None, sep, encoded=text.encode()), expected, check_exact=True)
    assert (_by_c_parser(text, sep) is not None) == bool(by_c)
    assert (_by_c_parser(None, sep, encoded=text.encode()) is not None) == bool(by_c)


@pytest.mark.parametrize(("text", "message"), [
    # The cell of line 2 runs onto line 3 (a line break in quotes): the long row is the third, on line 4.
    ('MST,Ten DN,Huyen,Ma nganh\n3700145020,"Cong ty\nA",Di An,6810\n0100233488,Cong ty B,Di An,2610,x\n',
     r"dn.csv: line 4 holds 5 cells, the first line 4: a cell holds a comma outside quotes, or the row has cells the "
     r"others do not\. Put that cell in double quotes, or remove the extra separator, then run again"),
    # On line 4 a quoted cell goes on after its closing quote.
    ('MST,Ten DN,Huyen,Ma nganh\n3700145020,"Cong ty\nA",Di An,6810\n0100233488,"Cong ty "B" x",Di An,2610\n',
     r"dn.csv: line 4: a cell in double quotes goes on after its closing quote .*A quote inside a quoted cell is "
     r"written as two"),
    # The quote opened on line 3 is never closed: its row runs to the end, on line 5.
    ('MST,Ten DN,Huyen,Ma nganh\n3700145020,Cong ty A,Di An,6810\n0100233488,"Cong ty B,Di An,2610\n1,x,y,z\n',
     r"dn.csv: line 3: a cell in double quotes is never closed: its row runs to the end of the file .*Close the quote"),
], ids=["row longer than the first", "text after a closing quote", "a quote never closed"])
def test_a_malformed_row_is_refused_with_its_line(tmp_path, text, message):
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "dn.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=message):
        clean_raw(tmp_path)


def _random_texts(seed: int, count: int):
    """Texts of random pieces (quotes, separators, line ends, letters), and well-formed CSV
    with random quoting and the odd defect: what a parser can get wrong."""
    import csv
    import random

    rng = random.Random(seed)
    pieces = ["a", "bé", " ", ",", ";", '"', '""', "\n", "\r\n", "\r", "x\ty", ""]
    for _ in range(count):
        yield "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        rows = [[rng.choice(["1", "Công ty", "a,b", 'say "hi"', "", " x ", "l1\nl2", "t\tu"]) for _ in range(3)]
                for _ in range(rng.randint(1, 6))]
        out = io.StringIO()
        csv.writer(out, quoting=rng.choice([csv.QUOTE_ALL, csv.QUOTE_MINIMAL]),
                   lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
        text = out.getvalue()
        cut = rng.randint(0, len(text))
        yield rng.choice([text, text, text[:cut] + rng.choice(['"', ",", "\n", "\n\n", "x"]) + text[cut:]])


def test_random_texts_give_the_python_parsers_frame_or_its_error():
    compared = fast = 0
    for text in _random_texts(20261204, 400):
        for sep in (",", ";"):
            try:
                expected = pd.read_csv(io.StringIO(text), sep=sep, engine="python", **OPTIONS)
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
                with pytest.raises(type(exc)):
                    parse_delimited(text, sep)
                with pytest.raises(type(exc)):
                    parse_delimited(None, sep, encoded=text.encode())
                continue
            pd.testing.assert_frame_equal(parse_delimited(text, sep), expected, check_exact=True, obj=repr(text))
            pd.testing.assert_frame_equal(parse_delimited(None, sep, encoded=text.encode()), expected, check_exact=True,
                                          obj=repr(text))
            compared += 1
            fast += _whole_lines(text, sep) is not None and '"' in text
    assert compared > 500 and fast > 100  # the quoted texts counted by line are among them


def test_quoted_rows_one_to_a_line_are_counted_without_the_tokenizer():
    text = '"MST","Tên","Địa chỉ"\r\n"0301","Công ty ""A""","Số 1, Dĩ An"\r\n"0302","",""\r\n'
    rows = _whole_lines(text, ",")
    assert rows is not None and _cells_per_row(text, ",", rows).tolist() == [3, 3, 3]
    frame = parse_delimited(text, ",")
    assert frame.iloc[1].tolist() == ["0301", 'Công ty "A"', "Số 1, Dĩ An"] and frame.iloc[2].tolist() == ["0302", "", ""]
    # A quoted cell running over a line break is a row of two lines: counted by the tokenizer.
    text = '"a","b"\n"x\ny",2\n'
    assert _whole_lines(text, ",") is None and _cells_per_row(text, ",", None).tolist() == [2, 2]


def test_the_first_lines_are_those_splitlines_gives():
    import random

    from adoption.clean.read import _first_lines

    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice(["a", " ", "\n", "\r", "\r\n", "\x0b", "\u2028", "xyz" * rng.randint(0, 3000)])
                       for _ in range(rng.randint(0, 40)))
        assert list(_first_lines(text)) == text.splitlines(), repr(text[:80])


@pytest.mark.parametrize("text", ["a,b\n\n1,2\n", "a,b\r\n\r\n1,2\r\n", 'a,b\n"x",2\n\n"y",3\n\n', "a,b\n1,2\n\n\n"],
                         ids=["blank line", "Windows line ends", "among quoted rows", "blank lines at the end"])
def test_blank_lines_are_read_by_pyarrow_as_rows_of_missing_cells(text):
    from adoption.clean.delimited import _by_arrow

    frame = _by_arrow(text, ",", _whole_lines(text, ","))
    assert frame is not None  # not left to a slower parser
    expected = pd.read_csv(io.StringIO(text), sep=",", engine="python", **OPTIONS)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame.isna().all(axis=1).sum() == text.replace("\r", "").split("\n")[1:-1].count("")
