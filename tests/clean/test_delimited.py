"""Delimited text is parsed into the frame pandas' Python parser gives, by its C parser
where that gives the same; a row longer than the first is refused with its line."""

import io

import pandas as pd
import pytest

from adoption.clean import clean_raw
from adoption.clean.delimited import OPTIONS, _by_c_parser, parse_delimited
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
    else:
        pd.testing.assert_frame_equal(parse_delimited(text, sep), expected, check_exact=True)
    assert (_by_c_parser(text, sep) is not None) == bool(by_c)


def test_a_row_longer_than_the_first_is_refused_with_its_line(tmp_path):
    (tmp_path / "register").mkdir()
    # The cell of line 2 runs onto line 3 (a line break in quotes): the long row is the third, on line 4.
    (tmp_path / "register" / "dn.csv").write_text(
        'MST,Ten DN,Huyen,Ma nganh\n3700145020,"Cong ty\nA",Di An,6810\n0100233488,Cong ty B,Di An,2610,x\n',
        encoding="utf-8")
    with pytest.raises(InputFileError, match=r"dn.csv: line 4 holds 5 cells, the first line 4: a cell holds a comma "
                                             r"outside quotes, or the row has cells the others do not\. Put that cell "
                                             r"in double quotes, or remove the extra separator, then run again"):
        clean_raw(tmp_path)
