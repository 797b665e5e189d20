"""Normalisers: one verb per kind of messy value, each pure (input never changed).

Series in, new Series out. The table cleaners chain them and decide what to reject.
Vocabularies of spellings live in :mod:`adoption.clean.vocab`; places (districts,
communes, industrial parks) in :mod:`adoption.clean.places`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from ..core.schema import LEGAL_FORMS  # noqa: F401 - the example of clean_category uses it
from ..core.text import fold, nfc
from . import tax_code as mst
from . import vocab
from .distinct import SURELY_PRESENT, Distinct, distinct, plain_dates, plain_numbers, rows_as_distinct, tidy

# Values outside these bounds are not used (the cell becomes null and is counted in
# quality.json). Registrations start in 1986, the year of the Đổi Mới reforms that
# allowed private enterprise; no Vietnamese enterprise reports more staff than 500,000.
MAX_EMPLOYEES = 500_000
# No count or amount in VND reaches 10^18 (the whole world's output is about 10^19 VND a
# year); a larger value is a typing slip and would not fit a 64-bit integer column.
MAX_NUMBER = 10**18
EARLIEST_REGISTRATION = date(1986, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)


def map_unique(values: pd.Series, func) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value (registers repeat a lot).

    >>> map_unique(pd.Series(["a", "b", "a"]), str.upper).tolist()
    ['A', 'B', 'A']
    """
    d = distinct(values)
    return pd.Series(d.per_row(_results(func, d.values)), index=values.index, dtype=object)


def map_category(values: pd.Series, func, categories: list[str] | tuple[str, ...]) -> pd.Series:
    """``func`` (one of ``categories`` or None) of each value, as a categorical Series:
    called once per distinct value, the rows given their category's number (no text a row).

    >>> map_category(pd.Series(["a", "b", "a", None]), lambda v: None if pd.isna(v) or v == "b" else "x", ["x", "y"]).tolist()
    ['x', nan, 'x', nan]
    """
    d = distinct(values)
    # Each distinct value's category as its position in ``categories`` (-1: none), then each row's.
    position = {category: n for n, category in enumerate(categories)}
    codes = np.array([-1 if found is None else position[found] for found in _results(func, d.values)], dtype=np.int64)
    return pd.Series(pd.Categorical.from_codes(d.per_row(codes), categories=list(categories)), index=values.index)


def map_text(values: pd.Series, func) -> pd.Series:
    """``map_unique(values, func).astype("string")`` for a ``func`` giving text or None:
    its results held by pyarrow from the start (one per distinct value, taken for each row).

    >>> map_text(pd.Series(["a", "b", "a"]), lambda v: None if v == "b" else v.upper()).tolist()
    ['A', <NA>, 'A']
    """
    d = distinct(values)
    return _text_of(_results(func, d.values), d.codes, values.index)


def map_pairs(first: pd.Series, second: pd.Series, func) -> pd.Series:
    """``func(a, b)`` (text or None) of each row's values of ``first`` and ``second`` (None
    where missing), called once per distinct pair; a string Series held by pyarrow.

    >>> map_pairs(pd.Series(["a", "a", None]), pd.Series(["x", "x", "y"]), lambda a, b: f"{a}{b}").tolist()
    ['ax', 'ax', 'Noney']
    """
    left, right = distinct(first), distinct(second)
    width = max(len(right), 1)
    pairs, codes = np.unique(left.codes.astype(np.int64) * width + right.codes, return_inverse=True)
    a, b = left.pick(pairs // width), right.pick(pairs % width)
    results = _results(lambda ab: func(*ab), [(None if pd.isna(x) else x, None if pd.isna(y) else y) for x, y in zip(a, b)])
    return _text_of(results, codes.reshape(-1), first.index)


def _text_of(results: np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    texts = pa.array(list(results), type=pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.arrays.ArrowStringArray(texts), index=index)


def _results(func, uniques) -> np.ndarray:
    """``func`` of each value, as an object array (one element per value, tuples included)."""
    out = np.empty(len(uniques), dtype=object)
    for position, value in enumerate(uniques):
        out[position] = func(value)
    return out


def _missing_key(value: str) -> str:
    """``value`` (NFC, see :func:`~adoption.core.text.nfc`) without case, diacritics or spaces;
    punctuation kept."""
    decomposed = unicodedata.normalize("NFD", value.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


_MISSING_KEYS = frozenset(_missing_key(t) for t in vocab.MISSING_TOKENS)
_LONGEST_MISSING = max(len(t) for t in _MISSING_KEYS)


def is_missing(value: str) -> bool:
    """True for an empty cell or a token that means "no value" (``-``, ``N/A``, ``không``):
    the whole cell, punctuation included, so that a value holding a token is a value.

    >>> is_missing(" N/A "), is_missing("Khong"), is_missing("\u200b"), is_missing("0"), is_missing("<!-- x")
    (True, True, True, False, False)
    """
    text = nfc(value)
    return len(text) <= 2 * _LONGEST_MISSING + 2 and _missing_key(text) in _MISSING_KEYS


def _missing(d: Distinct) -> np.ndarray:
    """Which distinct values are missing (:func:`is_missing` of the value as text); a value
    holding a letter or digit no missing-value token holds is not, without asking."""
    if "missing" not in d.found:
        out = np.zeros(len(d), dtype=bool)
        ask = np.flatnonzero(~d.matches(SURELY_PRESENT))
        out[ask] = [v is pd.NA or is_missing(str(v)) for v in d.pick(ask)]
        d.found["missing"] = out
    return d.found["missing"]


def missing(values: pd.Series) -> np.ndarray:
    """:func:`is_missing` of each value as text, as a boolean array.

    >>> missing(pd.Series(["-", "12", " N/A ", "Công ty"], dtype="str")).tolist()
    [True, False, True, False]
    """
    d = distinct(values)
    return d.per_row(_missing(d))


def clean_text(values: pd.Series) -> pd.Series:
    """NFC, whitespace collapsed, missing tokens to null.

    >>> clean_text(pd.Series([" Công  ty ", "-", "N/A"])).tolist()
    ['Công ty', <NA>, <NA>]
    """
    def clean(value: object) -> str | None:
        if value is pd.NA:  # a missing cell of a "string" column (str(pd.NA) is "<NA>")
            return None
        text = nfc(str(value))
        return None if is_missing(text) else text

    d = distinct(values)
    # A value already tidy (see distinct.tidy) and surely present is its own clean text.
    plain = tidy(d) & d.matches(SURELY_PRESENT)
    rest = np.flatnonzero(~plain)
    return d.text_per_row(rest, _results(clean, d.pick(rest))).set_axis(values.index)


# Why a value present in a number or date column did not become a value (quality.json,
# "unparsed"): it is not written in a form the parsers read, or it is read but cannot be
# true of the column (a negative count, a date in the future).
UNREADABLE = "unreadable"
OUT_OF_RANGE = "out_of_range"


def _plain_digits(text: str) -> str:
    """``text`` with every decimal digit as an ASCII digit (full-width ``１２``, Arabic-Indic
    ``١٢``, ...), full-width punctuation as ASCII (as NFKC writes them) and every space as
    a plain space. Not NFKC itself: it would turn ``10²`` into ``102`` and ``½`` into ``1⁄2``.

    >>> _plain_digits("１２．５"), _plain_digits("١٢"), _plain_digits("10²")
    ('12.5', '12', '10²')
    """
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal()
                   else chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e"
                   else " " if c.isspace() else c for c in text)


_VN_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_EN_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_PLAIN = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")


def parse_number(value: str) -> float | None:
    """Read a number written the Vietnamese or the English way, in any script's digits;
    None when missing or unreadable (``(5)``, ``50%``, ``1e2``, ``inf``, ``12 người``).

    >>> [parse_number(v) for v in ["1.234.567", "1.234,5", "1,234,567", "1,234.5", "42", "１２", "-", "không"]]
    [1234567.0, 1234.5, 1234567.0, 1234.5, 42.0, 12.0, None, None]
    >>> [parse_number(v) for v in ["(5)", "50%", "1e2", "inf", "12 người"]]
    [None, None, None, None, None]
    """
    text = "".join(_plain_digits(str(value)).split())
    if is_missing(text):
        return None
    if _VN_THOUSANDS.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _EN_THOUSANDS.match(text):
        return float(text.replace(",", ""))
    if _PLAIN.match(text):
        return float(text.replace(",", "."))
    return None


def _problems(values: pd.Series, d: Distinct, unparsed: np.ndarray, refused: np.ndarray) -> pd.Series:
    """For each of ``values`` (their distinct values ``d``): :data:`OUT_OF_RANGE` where its
    distinct value is ``refused``, :data:`UNREADABLE` where it was present but ``unparsed``,
    else None (read, or missing)."""
    out = np.full(len(d), None, dtype=object)
    out[unparsed & ~_missing(d)] = UNREADABLE
    out[refused] = OUT_OF_RANGE
    return pd.Series(d.per_row(out), index=values.index, dtype=object)


def read_numbers(values: pd.Series, *, maximum: float | None = None, whole: bool = True) -> tuple[pd.Series, pd.Series]:
    """Numbers from text, and why each value that was present did not become one.

    Whole numbers (Int64, rounded) unless ``whole`` is false (Float64). A value is
    :data:`UNREADABLE` when :func:`parse_number` cannot read it, :data:`OUT_OF_RANGE` when
    it is negative or above ``maximum`` (at most :data:`MAX_NUMBER`); both become null.

    >>> numbers, problems = read_numbers(pd.Series(["12", "-3", "(5)", "N/A", "١٢", "600"]), maximum=500)
    >>> numbers.tolist(), problems.tolist()
    ([12, <NA>, <NA>, <NA>, 12, <NA>], [None, 'out_of_range', 'unreadable', None, None, 'out_of_range'])
    """
    limit = MAX_NUMBER if maximum is None else min(maximum, MAX_NUMBER)
    d = distinct(values)
    done, numbers = plain_numbers(d)
    rest = np.flatnonzero(~done)
    numbers[rest] = [np.nan if n is None else n for n in map(parse_number, d.pick(rest))]
    # Each distinct value's number (NaN: none), refused or not, rounded: then each row's.
    with np.errstate(invalid="ignore"):
        refused = (numbers < 0) | (numbers > limit)
    kept = np.where(refused, np.nan, numbers)
    if whole:
        kept = np.round(kept)  # half to even, as pandas rounds
        number = pd.arrays.IntegerArray(np.nan_to_num(kept).astype(np.int64)[d.codes], np.isnan(kept)[d.codes])
    else:
        number = pd.arrays.FloatingArray(np.nan_to_num(kept)[d.codes], np.isnan(kept)[d.codes])
    return pd.Series(number, index=values.index), _problems(values, d, np.isnan(numbers), refused)


def clean_numbers(values: pd.Series, *, maximum: float | None = None) -> pd.Series:
    """Whole numbers from text; negative, unreadable or above ``maximum`` (at most
    :data:`MAX_NUMBER`) become null (:func:`read_numbers` also says why).

    >>> clean_numbers(pd.Series(["12", "-3", "1.000", "abc", "", "1" + "0" * 30]), maximum=500).tolist()
    [12, <NA>, <NA>, <NA>, <NA>, <NA>]
    """
    return read_numbers(values, maximum=maximum)[0]


_DATE_FORMATS = (
    (re.compile(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"), "%d/%m/%Y"),
    (re.compile(r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$"), "%d-%m-%Y"),
    (re.compile(r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$"), "%d.%m.%Y"),
    (re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"), "%Y-%m-%d"),
)
# A time of day after the date (exports of date-time cells) is dropped; any other text is not.
_TIME_OF_DAY = re.compile(r"^(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp][Mm])?)?$")
# Excel serial dates: whole days since 1899-12-30 (4 or 5 digits: 1902 to 2173), a time of
# day as the fraction.
_EXCEL_SERIAL = re.compile(r"^[0-9]{4,5}(\.[0-9]+)?$")


@lru_cache(maxsize=65_536)
def parse_date(value: str) -> date | None:
    """Read ``dd/mm/yyyy``, ``d/m/yyyy``, ``dd-mm-yyyy``, ``yyyy-mm-dd`` (a time of day
    after it dropped) or an Excel serial; None when missing or unreadable (a day that does
    not exist, such as ``31/02/2020`` or ``00/00/0000``, or text after the date).

    >>> [parse_date(v) for v in ["05/10/2023", "5/1/2020", "2019-03-31 08:00", "45000", "45000.5", "31/02/2020"]]
    [datetime.date(2023, 10, 5), datetime.date(2020, 1, 5), datetime.date(2019, 3, 31), datetime.date(2023, 3, 15), datetime.date(2023, 3, 15), None]
    """
    text = nfc(_plain_digits(str(value)))
    if is_missing(text):
        return None
    for pattern, fmt in _DATE_FORMATS:
        day = pattern.match(text.split(" ")[0].split("T")[0])
        if day and _TIME_OF_DAY.match(text[day.end():]):
            try:
                return datetime.strptime(day.group(), fmt).date()
            except ValueError:
                return None
    if _EXCEL_SERIAL.match(text):
        return date.fromordinal(EXCEL_EPOCH.toordinal() + int(float(text)))
    return None


def read_dates(values: pd.Series, *, earliest: date | None = None, latest: date | None = None
               ) -> tuple[pd.Series, pd.Series]:
    """Dates from text (NaT where none), and why each value that was present did not
    become one: :data:`UNREADABLE` (see :func:`parse_date`) or :data:`OUT_OF_RANGE`
    (outside ``[earliest, latest]``).

    >>> dates, problems = read_dates(pd.Series(["01/01/2099", "02/01/2020", "31/02/2020", "-"]),
    ...                              earliest=date(1986, 1, 1), latest=date(2030, 1, 1))
    >>> dates.isna().tolist(), problems.tolist()
    ([True, False, True, True], ['out_of_range', None, 'unreadable', None])
    """
    d = distinct(values)
    done, days = plain_dates(d)
    rest = np.flatnonzero(~done)
    days[rest] = [np.datetime64("NaT") if day is None else np.datetime64(day, "D") for day in map(parse_date, d.pick(rest))]
    refused = np.zeros(len(days), dtype=bool)
    if earliest:
        refused |= days < np.datetime64(earliest, "D")
    if latest:
        refused |= days > np.datetime64(latest, "D")
    dates = pd.Series(d.per_row(np.where(refused, np.datetime64("NaT"), days).astype("datetime64[s]")), index=values.index)
    return dates, _problems(values, d, np.isnat(days), refused)


def clean_dates(values: pd.Series, *, earliest: date | None = None, latest: date | None = None) -> pd.Series:
    """Dates from text; unreadable or outside ``[earliest, latest]`` become null (NaT)."""
    return read_dates(values, earliest=earliest, latest=latest)[0]


def _match_patterns(value: str, patterns: tuple[tuple[str, str], ...]) -> str | None:
    key = f" {fold(value)} "
    for pattern, category in patterns:
        if f" {pattern} " in key:
            return category
    return None


def clean_category(values: pd.Series, *, patterns: tuple[tuple[str, str], ...], categories: tuple[str, ...]) -> pd.Series:
    """Map free text to a fixed set of categories by ordered patterns; unknown to null.

    >>> clean_category(pd.Series(["Công ty TNHH MTV", "CTCP", "?"]),
    ...                patterns=vocab.LEGAL_FORM_PATTERNS, categories=LEGAL_FORMS).tolist()
    ['llc_one_member', 'joint_stock', nan]
    """
    return map_category(values, lambda v: _match_patterns(str(v), patterns), categories).array  # type: ignore[return-value]


def clean_tax_codes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normal-form tax codes and, where one is refused, the reason.

    >>> codes, reasons = clean_tax_codes(pd.Series(["3700145020", "100233488", "0100233480"]))
    >>> codes.tolist()
    ['3700145020', '0100233488', <NA>]
    """
    d = rows_as_distinct(values)  # nearly every tax code is another firm's: no distinct values sought
    # Codes already in normal form and valid are their own clean code; the others are read one by one.
    ready = mst.valid_in_normal_form(d.arrow) if d.arrow is not None else np.zeros(len(d), dtype=bool)
    rest = np.flatnonzero(~ready)
    normal, reasons = mst.normalise_many(d.pick(rest))
    return (d.text_per_row(rest, normal).set_axis(values.index),
            d.text_per_row(rest, reasons, others=False).set_axis(values.index))


_QUARTER = (
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*q(?:uy)?\s*(?P<q>[1-4])$"),
    re.compile(r"^q(?:uy)?\s*(?P<q>[1-4])\s*[-/ ]?\s*(?:nam\s*)?(?P<year>\d{4})$"),
)


def quarter(value: str) -> str | None:
    """A quarter as ``YYYY-Qn`` from ``2023-Q1``, ``Q1/2023``, ``Quý 1/2023``, ``Quý 1 năm 2023``.

    >>> [quarter(v) for v in ["2023-Q1", "Q2/2023", "Quý 3/2023", "quy 4 nam 2023", "2023"]]
    ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', None]
    """
    key = fold(str(value))
    for pattern in _QUARTER:
        match = pattern.match(key)
        if match:
            return f"{match.group('year')}-Q{match.group('q')}"
    return None


@lru_cache(maxsize=4096)
def platform_category(value: str) -> str | None:
    """The platform category of a free-text platform name: a category of
    :data:`~adoption.clean.vocab.PLATFORM_PATTERNS`, ``other`` for any other platform
    named, None when the cell is empty.

    >>> [platform_category(v) for v in ["Sàn thương mại điện tử", "Hóa đơn điện tử", "Zalo OA", "Phần mềm X", "-"]]
    ['ecommerce', 'cloud_accounting', 'digital_marketing', 'other', None]
    """
    if is_missing(str(value)):
        return None
    key = f" {fold(str(value))} "
    for category, spellings in vocab.PLATFORM_PATTERNS.items():
        if f" {category.replace('_', ' ')} " in key or any(f" {s} " in key for s in spellings):
            return category
    return "other"
