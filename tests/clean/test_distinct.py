"""The values pyarrow's kernels decide at once are decided as the per-value Python decides them."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.clean.distinct import distinct, plain_dates, plain_numbers, tidy
from adoption.clean.normalise import _missing, clean_text, is_missing, missing, parse_date, parse_number
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


# Precomposed Vietnamese, the same letters decomposed (or with marks in another order), a
# singleton (EN QUAD becomes EN SPACE), Hangul jamo that compose with each other, Greek, a
# letter whose decomposition has two parts (Ǖ).
_NFC_ALPHABET = "aBư ơệĐịƯ" + "e\u0323\u0302" + "\u0302\u0323" + "\u0301\u0300" + "\u2000" + "\u1100\u1161" + "Ωά" + "Ǖ"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_NFC_ALPHABET, max_size=6), min_size=1, max_size=30))
def test_tidy_is_the_per_value_answer_for_any_mix_of_normal_forms(values):
    # By the definition: the values core.text.nfc leaves as they are.
    d = distinct(pd.Series(values, dtype="str"))
    assert tidy(d).tolist() == [nfc(v) == v for v in d.values]


def _hash_one(value: str | None) -> int:
    """The text hash of one value, written out in Python integers: from the UTF-8 length,
    each 8 bytes (little-endian, the last zero-filled) multiplied in and mixed, then mixed."""
    size = 2**64

    def mixed(v: int) -> int:
        v ^= v >> 33
        v = v * 0xBF58476D1CE4E5B9 % size
        return v ^ (v >> 29)

    data = (value or "").encode("utf-8")
    h = len(data) * 0x9E3779B97F4A7C15 % size
    for at in range(0, len(data), 8):
        h = mixed((h * 0x9E3779B97F4A7C15 + int.from_bytes(data[at:at + 8], "little")) % size)
    return mixed(h)


def test_text_hash_is_the_hash_written_out_value_by_value():
    """Values of every length around the 8-byte words, in any script, sliced arrays and
    repeated values: each hash equal to the one computed in plain Python integers."""
    from adoption.clean.hashing import text_hash

    rng = np.random.default_rng(7)
    alphabet = list("ab0 ,.đĐưƯ华\u0301")
    values = ["".join(rng.choice(alphabet, n)) for n in rng.integers(0, 40, 3000)]
    values += [None, "", "a" * 8, "a" * 7 + "\x00", "a" * 7, "Công ty TNHH Bình Dương", "0301234567", "0301234567-001"]
    series = pd.Series(values, dtype="string")
    expected = [_hash_one(v) for v in values]
    assert text_hash(series).tolist() == expected
    assert text_hash(series.iloc[5:]).tolist() == expected[5:]  # an array that starts inside its buffer
    assert text_hash(series, repeated=True).tolist() == expected
    assert len(set(expected)) == len({v or "" for v in values})  # no two values alike


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_text_and_tax_codes_are_the_same_held_by_pyarrow_or_as_objects(dtype):
    from adoption.clean.normalise import clean_tax_codes
    from adoption.clean.tax_code import normalise

    texts = pd.Series([*TEXTS, None, "Công ty", " Công ty"], dtype=dtype)
    assert missing(texts).tolist() == [pd.isna(v) or is_missing(v) for v in texts.tolist()]
    expected = [pd.NA if pd.isna(v) or is_missing(nfc(v)) else nfc(v) for v in texts.tolist()]
    assert [pd.NA if pd.isna(x) else x for x in clean_text(texts).tolist()] == expected
    codes = pd.Series(["3700145020", " 3700145020 ", "0100233480", "100233488", "3700145020-001", "x", None, "3700145020"],
                      dtype=dtype)
    normal, reasons = clean_tax_codes(codes)
    assert str(normal.dtype) == str(reasons.dtype) == "string"
    by_one = [normalise(None if pd.isna(v) else v) for v in codes.tolist()]
    assert normal.tolist() == [pd.NA if n is None else n for n, _ in by_one]
    assert reasons.notna().tolist() == [r is not None for _, r in by_one]


@pytest.mark.parametrize("categories", [["zalo", "other"], [1.0, 2.5]])
def test_changed_values_of_a_categorical_column_counted_as_pandas_writes_them(categories):
    from adoption.clean.rejects import changed

    raw = pd.Series([" zalo", "zalo", "1.0", "1.0", "2.5", None], dtype="str")
    clean = pd.Series(pd.Categorical([categories[0], categories[0], categories[0], categories[0], categories[1], None],
                                     categories=categories))
    as_text = clean.astype("string").fillna("")
    assert changed(raw, clean) == sum(a != b for a, b in zip(raw.fillna("").str.strip(), as_text))


def test_a_column_read_again_is_factorised_once_and_a_changed_column_anew():
    frame = pd.DataFrame({"district": pd.Series(["Dĩ An", "-", "Dĩ An", "Thuận An"], dtype="str")})
    first = distinct(frame["district"])
    assert distinct(frame["district"]) is first  # the same data, read through another Series
    assert missing(frame["district"]).tolist() == [False, True, False, False]
    assert "missing" in first.found  # what is missing among the values, worked out once
    frame.loc[1, "district"] = "Tân Uyên"  # new data in the frame: its own distinct values
    again = distinct(frame["district"])
    assert again is not first
    assert again.values.tolist() == ["Dĩ An", "Tân Uyên", "Thuận An"]
    assert missing(frame["district"]).tolist() == [False, False, False, False]


def test_distinct_values_are_not_those_of_a_column_gone_before():
    # Columns made and dropped one after another may reuse an address: never another's answer.
    for n in range(200):
        values = pd.Series([f"v{n}", f"w{n}", f"v{n}"], dtype="str")
        d = distinct(values)
        assert d.values.tolist() == [f"v{n}", f"w{n}"] and d.codes.tolist() == [0, 1, 0]
        del values, d
