"""The values pyarrow's kernels decide at once are decided as the per-value Python decides them."""

import numpy as np
import pandas as pd
import pytest

from adoption.clean.distinct import distinct, plain_dates, plain_numbers, tidy
from adoption.clean.normalise import _missing, clean_text, is_missing, parse_date, parse_number
from adoption.core.text import nfc

NUMBERS = ["1.234.567", "1.234,5", "1,234,567", "1,234.5", "42", "-0", "0.123", "12,5", "0012", "-7", "1" + "0" * 30,
           "1" + "0" * 400, "１２", "1e2", " 12", "12 ", "1.23.4", "(5)", "50%", "-", ""]
DATES = ["05/10/2023", "5/1/2020", "31/02/2020", "29/02/2020", "29/02/2100", "00/00/0000", "01/01/0000", "2019-03-31",
         "2019-3-1", "2019-02-29", "12.10.2020", "31-12-1999", "13/13/2020", "45000", "45000.5", "99999", "1000", "999",
         "2019-03-31 08:00", "05/10/2023\n", "０５/10/2023", "2023", "-"]
TEXTS = ["Công ty", "Công  ty", " Công ty", "Công ty ", "Cong\u0301 ty", "A\u200bB", "a\tb", "a\xa0b", "N/A", " n/a ",
         "Không", "KHÔNG", "x", "X", "-", "—", "…", "", "nan", "None", "null", "na", "kho\u0302ng", "0", "<b>", "..."]


def _same_number(expected, number):
    return expected is not None and np.float64(expected) == number and np.signbit(expected) == np.signbit(number)


def _same_date(expected, day):
    return np.isnat(day) if expected is None else day == np.datetime64(expected, "D")


@pytest.mark.parametrize(("values", "at_once", "per_value", "same", "fewest"), [
    (NUMBERS, plain_numbers, parse_number, _same_number, 10),
    (DATES, plain_dates, parse_date, _same_date, 15),
], ids=["numbers", "dates"])
def test_values_read_at_once_are_read_as_one_by_one(values, at_once, per_value, same, fewest):
    d = distinct(pd.Series(values, dtype="str"))
    done, read = at_once(d)
    assert done.sum() >= fewest
    assert all(same(per_value(value), result) for value, fast, result in zip(d.values, done, read) if fast)


def test_missing_and_tidy_text_are_the_per_value_answers():
    d = distinct(pd.Series(TEXTS, dtype="str"))
    assert _missing(d).tolist() == [is_missing(v) for v in TEXTS]
    assert all(nfc(v) == v for v, ok in zip(d.values, tidy(d)) if ok)
    assert clean_text(pd.Series(TEXTS, dtype="str")).tolist() == [
        pd.NA if is_missing(nfc(v)) else nfc(v) for v in TEXTS]
