"""The distinct values of a text column, and the plain ones among them told apart at once.

A register repeats a lot, and most of its distinct values are plain: digits, a date in one
of the usual forms, a name in NFC with single spaces. pyarrow's string kernels find those
in one pass over the distinct values; only the others go through the per-value Python of
:mod:`adoption.clean.normalise`, which decides every value exactly as before (the kernels
here only pick out values whose outcome that Python would not change).
"""

from __future__ import annotations

import functools
import sys
import threading
import unicodedata
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core.text import _CONTROL

# An ASCII digit, or an ASCII letter that no missing-value token holds
# (vocab.MISSING_TOKENS: n, a, o, e, u, l, k, h, g, x), survives normalise's missing-value
# key unchanged: a value holding one is not missing.
SURELY_PRESENT = "[0-9bcdfijmpqrstvwyzBCDFIJMPQRSTVWYZ]"


# What core.text.nfc changes besides the normal form: control and invisible format
# characters (core.text._CONTROL), whitespace other than one plain space between words
# (str.split's whitespace), as an RE2 pattern. Both sets lie in the Basic Multilingual Plane.
def _ranges(chars: list[int]) -> str:
    runs: list[list[int]] = []
    for c in chars:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in runs)


_UNTIDY_CHARS = [c for c in range(0x10000) if (chr(c).isspace() and c != 0x20) or _CONTROL.match(chr(c))]
NOT_TIDY = "|".join(("[" + _ranges(_UNTIDY_CHARS) + "]", "  ", "^ ", " $"))
# Numbers in the three forms normalise.parse_number reads, in ASCII digits and no space;
# short enough for a float of them to be finite.
_VN_THOUSANDS = r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$"
_EN_THOUSANDS = r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
_PLAIN = r"^-?[0-9]+([.,][0-9]+)?$"
_LONGEST_NUMBER = 40
# Dates in the four forms normalise.parse_date reads with nothing after them, and Excel serials.
_DATES = ((r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$", "dmy"), (r"^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$", "dmy"),
          (r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$", "dmy"), (r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$", "ymd"))
_EXCEL_SERIAL = r"^[0-9]{4,5}(\.[0-9]+)?$"
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


@dataclass
class Distinct:
    """A column's distinct values: ``codes`` (one per row) into ``uniques`` (as pandas holds
    them), and ``arrow`` (the same values for pyarrow's kernels, or None when the column is
    not held by pyarrow). ``values`` is them as Python objects (NaN or NA for a missing
    cell), made only when asked for; :meth:`pick` makes only the ones asked for. ``found``
    keeps what a cleaner worked out per distinct value (by name), for the next to ask."""

    codes: np.ndarray
    uniques: object
    arrow: pa.Array | None
    found: dict = field(default_factory=dict, repr=False, compare=False)
    each_row: bool = False  # the rows themselves, in order (see :func:`rows_as_distinct`)

    def __len__(self) -> int:
        return len(self.uniques)

    @cached_property
    def values(self) -> np.ndarray:
        return np.asarray(self.uniques.to_numpy(dtype=object), dtype=object) if self.arrow is not None else self.uniques

    def pick(self, which: np.ndarray) -> np.ndarray:
        """``values[which]``, without making the other values Python objects."""
        if self.arrow is None or "values" in self.__dict__:
            return self.values[which]
        return np.asarray(self.uniques.take(np.asarray(which, dtype=np.intp)).to_numpy(dtype=object), dtype=object)

    def per_row(self, results: np.ndarray) -> np.ndarray:
        return results[self.codes]

    def text_per_row(self, rest: np.ndarray, results, *, others: bool = True) -> pd.Series:
        """Each row's text: for the values at ``rest`` the ``results`` (text or None), for
        the others the value itself (or null, with ``others`` false); a string Series
        (positions from 0), held by pyarrow without making the values Python objects."""
        if self.arrow is None:
            texts = self.values.copy() if others else np.full(len(self), None, dtype=object)
            texts[rest] = results
            return pd.Series(texts, dtype="string").take(self.codes).reset_index(drop=True)
        texts = self.arrow if others else pa.nulls(len(self), type=self.arrow.type)
        if len(rest):
            mask = np.zeros(len(self), dtype=bool)
            mask[rest] = True
            texts = pc.replace_with_mask(texts, pa.array(mask), pa.array(list(results), type=texts.type))
        return pd.Series(pd.arrays.ArrowStringArray(texts if self.each_row else texts.take(pa.array(self.codes))))

    def matches(self, pattern: str) -> np.ndarray:
        """Which distinct values hold ``pattern`` (RE2); none when not held by pyarrow."""
        if self.arrow is None:
            return np.zeros(len(self), dtype=bool)
        return pc.match_substring_regex(self.arrow, pattern).fill_null(False).to_numpy(zero_copy_only=False)


# The distinct values of the last few text columns asked for, by the pyarrow data holding
# them (which never changes; a column changed in a frame is new data): a column that several
# cleaners read (whether it is missing, then its parse) is factorised once.
_RECENT: OrderedDict[int, tuple[weakref.ref, Distinct]] = OrderedDict()
_RECENT_COLUMNS = 16
_RECENT_LOCK = threading.Lock()


def arrow_held(dtype) -> bool:
    """Whether a column of ``dtype`` is text held by pyarrow (pandas' ``str`` or ``string[pyarrow]``).

    >>> arrow_held(pd.Series(["a"], dtype="str").dtype), arrow_held(pd.Series(["a"], dtype=object).dtype)
    (True, False)
    """
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def distinct(values: pd.Series) -> Distinct:
    """The distinct values of ``values``, in order of first appearance.

    >>> d = distinct(pd.Series(["a", "b", "a"], dtype="str"))
    >>> d.codes.tolist(), d.values.tolist(), d.pick(np.array([1])).tolist()
    ([0, 1, 0], ['a', 'b'], ['b'])
    """
    if arrow_held(values.dtype):
        data = values.array._pa_array
        with _RECENT_LOCK:
            held = _RECENT.get(id(data))
            if held is not None and held[0]() is data:
                _RECENT.move_to_end(id(data))
                return held[1]
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        d = Distinct(codes, uniques.array, pa.array(uniques.array))
        with _RECENT_LOCK:
            for key in [k for k, (ref, _) in _RECENT.items() if ref() is None]:
                del _RECENT[key]  # columns gone: their numbers may be another's
            _RECENT[id(data)] = (weakref.ref(data), d)
            while len(_RECENT) > _RECENT_COLUMNS:
                _RECENT.popitem(last=False)
        return d
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return Distinct(codes, np.asarray(uniques, dtype=object), None)


def rows_as_distinct(values: pd.Series) -> Distinct:
    """``values`` taken as their own distinct values, one a row and in order (a value that
    repeats is read again): for a column of nearly unique values, such as tax codes, whose
    distinct values would cost more to find than they save.

    >>> d = rows_as_distinct(pd.Series(["a", "b", "a"], dtype="str"))
    >>> d.codes.tolist(), d.pick(np.array([2])).tolist(), d.text_per_row(np.array([1]), ["B"]).tolist()
    ([0, 1, 2], ['a'], ['a', 'B', 'a'])
    """
    at = np.arange(len(values))
    if arrow_held(values.dtype):
        return Distinct(at, values.array, values.array._pa_array.combine_chunks(), each_row=True)
    return Distinct(at, values.to_numpy(dtype=object), None)


def tidy(d: Distinct) -> np.ndarray:
    """Which distinct values core.text.nfc leaves as they are: no control or format
    character, single plain spaces between words, and already in NFC.

    >>> tidy(distinct(pd.Series(["Công ty", "Công  ty", "Cong\\u0301", " x", "a\\tb"], dtype="str"))).tolist()
    [True, False, False, False, False]
    """
    if d.arrow is None:
        return np.zeros(len(d), dtype=bool)
    # Most values are words of characters surely in NFC between single spaces: one pass
    # (:func:`surely_tidy`) finds them; the others are looked at part by part.
    out = d.matches(surely_tidy())
    rest = np.flatnonzero(~out & d.arrow.is_valid().to_numpy(zero_copy_only=False))
    if len(rest):
        values = d.arrow.take(pa.array(rest))
        rest = rest[~pc.match_substring_regex(values, NOT_TIDY).to_numpy(zero_copy_only=False)]
        out[rest] = [unicodedata.is_normalized("NFC", v) for v in d.pick(rest)]
    return out


# The blocks a Vietnamese (or other Latin-script) register is written in: Basic Latin to
# the spacing modifiers, Latin Extended Additional (Vietnamese letters with two marks),
# general punctuation and currency signs.
_LATIN_BLOCKS = ((0x0000, 0x02FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF))


@functools.cache
def surely_nfc() -> str:
    """An RE2 pattern for text in NFC by Unicode's quick check (UAX #15): a whole value of
    characters from :data:`_LATIN_BLOCKS` that are their own NFC, combine with nothing
    before them (combining class 0) and are the second character of no canonical
    composition; a value holding any other character is checked by Python.

    >>> pc.match_substring_regex(pa.array(["Bình Dương", "Bi\\u0300nh", "a\\u2000b", "Ω"]), surely_nfc()).to_pylist()
    [True, False, False, False]
    """
    return f"^[{_ranges(_nfc_chars())}]*$"


@functools.cache
def surely_tidy() -> str:
    """An RE2 pattern for a value that :func:`tidy` passes by both its tests at once: words
    of characters of :func:`surely_nfc` that :data:`NOT_TIDY` does not name, one plain
    space between words (or no character at all).

    >>> pc.match_substring_regex(pa.array(["Bình Dương", "", "Bình  Dương", " a", "a\\tb", "Bi\\u0300nh"]),
    ...                          surely_tidy()).to_pylist()
    [True, True, False, False, False, False]
    """
    untidy = set(_UNTIDY_CHARS) | {0x20}
    word = f"[{_ranges([c for c in _nfc_chars() if c not in untidy])}]+"
    return f"^(?:{word}(?: {word})*)?$"


@functools.cache
def _nfc_chars() -> list[int]:
    """The characters of :func:`surely_nfc`, in order."""
    second = set()
    for code in range(sys.maxunicode + 1):  # canonical pairs (Hangul's are algorithmic: outside the blocks)
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and decomposition[0] != "<":  # most characters have none: nothing split
            parts = decomposition.split()
            if len(parts) == 2:
                second.add(int(parts[1], 16))
    return [c for first, last in _LATIN_BLOCKS for c in range(first, last + 1)
            if c not in second and unicodedata.combining(chr(c)) == 0 and unicodedata.normalize("NFC", chr(c)) == chr(c)]


def plain_numbers(d: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct values are numbers in a plain form, and their values (as
    normalise.parse_number reads them: ``1.234,5`` and ``1,234.5`` are 1234.5)."""
    numbers = np.full(len(d), np.nan)
    done = np.zeros(len(d), dtype=bool)
    if d.arrow is None:
        return done, numbers
    short = pc.less_equal(pc.utf8_length(d.arrow), _LONGEST_NUMBER).fill_null(False).to_numpy(zero_copy_only=False)
    for pattern, drop, comma in ((_VN_THOUSANDS, ".", "."), (_EN_THOUSANDS, ",", None), (_PLAIN, None, ".")):
        take = np.flatnonzero(d.matches(pattern) & short & ~done)
        if not len(take):
            continue
        text = d.arrow.take(pa.array(take))
        if drop:
            text = pc.replace_substring(text, drop, "")
        if comma:
            text = pc.replace_substring(text, ",", comma)
        numbers[take] = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        done[take] = True
    return done, numbers


def plain_dates(d: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct values are dates in a plain form (a whole cell of ``dd/mm/yyyy``,
    ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``yyyy-mm-dd`` or an Excel serial), and the dates
    (NaT for a day that does not exist, as normalise.parse_date reads them)."""
    dates = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[D]")
    done = np.zeros(len(d), dtype=bool)
    if d.arrow is None:
        return done, dates
    for pattern, order in _DATES:
        take = np.flatnonzero(d.matches(pattern) & ~done)
        if not len(take):
            continue
        parts = pc.extract_regex(d.arrow.take(pa.array(take)), _named(pattern))
        first, second, third = (pc.cast(parts.field(f"p{i}"), pa.int64()).to_numpy() for i in range(3))
        day, month, year = (first, second, third) if order == "dmy" else (third, second, first)
        dates[take] = _days(year, month, day)
        done[take] = True
    take = np.flatnonzero(d.matches(_EXCEL_SERIAL) & ~done)
    if len(take):
        serial = np.trunc(pc.cast(d.arrow.take(pa.array(take)), pa.float64()).to_numpy(zero_copy_only=False))
        dates[take] = EXCEL_EPOCH + serial.astype("int64")
        done[take] = True
    return done, dates


def _named(pattern: str) -> str:
    """``pattern`` with its three groups named p0, p1, p2 (pyarrow's extract_regex needs names)."""
    first, *rest = pattern.split("(")
    return first + "".join(f"(?P<p{number}>{piece}" for number, piece in enumerate(rest))


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The dates of the given days (NaT where there is no such day, or year 0)."""
    valid = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    first = (year.clip(1, 9999) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month.clip(1, 12) - 1)
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype("int64")
    valid &= day <= length
    out = first.astype("datetime64[D]") + (day.clip(1, 31) - 1)
    return np.where(valid, out, np.datetime64("NaT", "D"))


def is_in(values: pd.Series, members) -> np.ndarray:
    """Which of ``values`` (text) are among ``members`` (a Series or a collection of text),
    as a boolean array; a missing value is not. ``Series.isin`` of the same, without a pyarrow scalar per value.

    >>> is_in(pd.Series(["a", None, "c"], dtype="string"), {"a", "b"}).tolist()
    [True, False, False]
    """
    members = members if isinstance(members, pd.Series) else pd.Series(list(members), dtype=object)
    found = pc.is_in(arrow_text(values), value_set=arrow_text(members), skip_nulls=True)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def positions(values: pd.Series, members: pd.Series) -> np.ndarray:
    """The position of each of ``values`` (text) among ``members`` (text), found by pyarrow:
    -1 where it is missing or not among them.

    >>> positions(pd.Series(["b", None, "x", "a"], dtype="str"), pd.Series(["a", "b"])).tolist()
    [1, -1, -1, 0]
    """
    at = pc.index_in(arrow_text(values), value_set=arrow_text(members), skip_nulls=True)
    return at.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def spread(texts: list[str], rows: np.ndarray, at: np.ndarray, length: int, dtype) -> pd.Series:
    """A text column of ``dtype`` and ``length`` rows, missing but at ``rows``, which hold
    ``texts`` at ``at``: each text made a pyarrow string once, however many rows hold it.

    >>> spread(["x", "y"], np.array([1, 3]), np.array([1, 1]), 4, pd.StringDtype("pyarrow")).tolist()
    [<NA>, 'y', <NA>, 'y']
    """
    index = np.full(length, -1, dtype=np.int64)
    index[rows] = at
    out = pa.array(texts, type=pa.large_string()).take(pa.array(index, mask=index < 0))
    if not arrow_held(dtype):  # text pandas holds otherwise: made its own way
        return pd.Series(out.to_pylist(), dtype=dtype)
    return pd.Series(pd.arrays.ArrowStringArray(out, dtype=dtype))


def categorical(values: pd.Series, categories: list[str]) -> pd.Categorical:
    """``pd.Categorical(values, categories=categories)``, each value one of ``categories`` or
    missing: by :func:`positions` where pyarrow holds the text, several times faster than
    pandas' own (which reads such values one by one), and the same categorical. A value
    not among ``categories`` raises ValueError.

    >>> values = pd.Series(["b", None, "a", "b"], dtype="str")
    >>> categorical(values, ["a", "b"]).tolist(), categorical(values, ["a", "b"]).equals(pd.Categorical(values, categories=["a", "b"]))
    (['b', nan, 'a', 'b'], True)
    >>> categorical(pd.Series(["x"], dtype="str"), ["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: 1 values not among the categories a, b
    >>> categorical(pd.Series(["b", None, "x"], dtype=object), ["a", "b"])  # held as Python objects: the same
    Traceback (most recent call last):
    ...
    ValueError: 1 values not among the categories a, b
    """
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.dtype.categories) == list(categories) \
            and not values.dtype.ordered:
        return pd.Categorical.from_codes(values.cat.codes.to_numpy(), categories=categories)
    if not arrow_held(values.dtype):
        found = values.isin(categories).to_numpy(dtype=bool)
        unknown = int((~found & values.notna().to_numpy(dtype=bool)).sum())
        if unknown:
            raise ValueError(f"{unknown} values not among the categories {', '.join(categories)}")
        return pd.Categorical(values, categories=categories)
    codes = positions(values, pd.Series(categories, dtype=object))
    unknown = int((codes == -1).sum() - values.isna().sum())
    if unknown:
        raise ValueError(f"{unknown} values not among the categories {', '.join(categories)}")
    return pd.Categorical.from_codes(codes, categories=categories)


def looked_up(values: pd.Series, table: dict[str, str] | pd.Series) -> pd.Series:
    """``values.map(table)`` (text to text) as a string Series, each value found by pyarrow
    (null where ``table`` has none).

    >>> looked_up(pd.Series(["74", None, "99", "74"], dtype="string"), {"74": "Bình Dương"}).tolist()
    ['Bình Dương', <NA>, <NA>, 'Bình Dương']
    """
    table = table if isinstance(table, pd.Series) else pd.Series(table, dtype=object)
    at = pc.index_in(arrow_text(values), value_set=arrow_text(table.index.to_series()))
    found = arrow_text(table.reset_index(drop=True)).take(at)
    return pd.Series(pd.arrays.ArrowStringArray(found.cast(pa.large_string())), index=values.index).astype("string")


def arrow_text(values: pd.Series) -> pa.Array:
    """``values`` as pyarrow large strings (a missing value null), without a copy where pyarrow holds them."""
    if arrow_held(values.dtype):
        array = pa.array(values.array)
    else:
        array = pa.array(values.to_numpy(dtype=object), from_pandas=True, type=pa.large_string())
    return array.cast(pa.large_string())
