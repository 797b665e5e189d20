"""Vietnamese enterprise tax codes (mã số thuế): validated by python-stdnum, repaired here.

The rule itself is python-stdnum's :mod:`stdnum.vn.mst`: 10 digits, the first two the
province of first registration, digits 3 to 9 a sequence number (never 0000000), the 10th
a check digit over the first nine; a branch adds a 3-digit suffix 001-999. What stdnum
does not do, and registers need, is done here before it: a code stored as a number that
lost its leading zero, branch suffixes written ``-001``, `` - 001``, ``_001`` or as 13
plain digits, stray spaces and dots. The normal form is ``NNNNNNNNNN`` or
``NNNNNNNNNN-NNN``.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import exceptions as stdnum_errors
from stdnum.vn import mst

_STRAY = re.compile(r"[\s.·'’`\"]")
_WITH_SUFFIX = re.compile(r"^([0-9]{9,10})\s*[-_/]\s*([0-9]{3})$")


def _digits(text: str) -> bool:
    """Only the ASCII digits 0-9 (``str.isdigit`` also accepts ``²`` and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def check_digit(first9: str) -> str | None:
    """The check digit for nine digits, or None when their remainder admits none.

    >>> check_digit("370014502"), check_digit("000000000")
    ('0', None)
    """
    digit = mst.calc_check_digit(first9)
    return digit if len(digit) == 1 else None


def is_valid(code: str) -> bool:
    """True for a normal-form code that python-stdnum accepts.

    >>> is_valid("0100233488"), is_valid("0100233480"), is_valid("3700145020-001"), is_valid("3700000000")
    (True, False, True, False)
    """
    return bool(re.fullmatch(r"\d{10}(-\d{3})?", code)) and mst.is_valid(code)


def normalise(value: object) -> tuple[str | None, str | None]:
    """Return ``(code, None)`` in normal form, or ``(None, reason)`` when it cannot be one.

    >>> normalise("370 014 502 0")
    ('3700145020', None)
    >>> normalise(100233488)
    ('0100233488', None)
    >>> normalise("3700145020_001")
    ('3700145020-001', None)
    >>> normalise("0100233480")[1]
    'check digit is 0, expected 8'
    >>> normalise("3700000000")[1]
    "tax code '3700000000' has sequence number 0000000 (digits 3 to 9), which is never issued"
    """
    if value is None or (isinstance(value, float) and value != value):
        return None, "tax code is empty"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _STRAY.sub("", str(value).strip())
    if not text:
        return None, "tax code is empty"
    suffix = ""
    match = _WITH_SUFFIX.match(text)
    if match:
        text, suffix = match.group(1), match.group(2)
    elif _digits(text) and len(text) in (12, 13):
        text, suffix = text[:-3], text[-3:]
    if not _digits(text):
        return None, f"tax code {value!r} holds characters other than digits"
    if len(text) == 9:  # stored as a number: the leading 0 of prefixes 01-09 was dropped
        text = "0" + text
    if len(text) != 10:
        return None, f"tax code {value!r} has {len(text)} digits, expected 10 (or 10 and a 3-digit branch suffix)"
    try:
        mst.validate(text + suffix)
    except stdnum_errors.InvalidChecksum:
        expected = check_digit(text[:9])
        if expected is None:
            return None, f"tax code {value!r} cannot be valid: its first nine digits admit no check digit"
        return None, f"check digit is {text[9]}, expected {expected}"
    except stdnum_errors.InvalidComponent:
        if suffix == "000":
            return None, f"tax code {value!r} has branch suffix 000, expected 001 to 999"
        return None, f"tax code {value!r} has sequence number 0000000 (digits 3 to 9), which is never issued"
    except stdnum_errors.ValidationError as exc:  # length and format are checked above; kept for safety
        return None, f"tax code {value!r} is not valid ({exc.message})"
    return (text + "-" + suffix if suffix else text), None


_NORMAL = re.compile(r"[0-9]{10}(?:-[0-9]{3})?")
_WEIGHTS = np.array([31, 29, 23, 19, 17, 13, 7, 5, 3])


def valid_in_normal_form(text: pa.Array) -> np.ndarray:
    """Which values of ``text`` (pyarrow strings) are tax codes in normal form (10 ASCII
    digits, with ``-`` and a 3-digit branch suffix or without) that pass python-stdnum's
    rule (see :func:`normalise_many`), read by numpy from the bytes of the values 10 or 14
    bytes long.

    >>> valid_in_normal_form(pa.array(["3700145020", "3700145020-001", "0100233480", "3700145020-000", " 3700145020"])).tolist()
    [True, True, False, False, False]
    >>> valid_in_normal_form(pa.chunked_array([["3700145020"], ["x", "3700145020-001"]])).tolist()
    [True, False, True]
    """
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    text = text.cast(pa.large_string())
    out = np.zeros(len(text), dtype=bool)
    if not len(text) or text.null_count == len(text):
        return out
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8) if text.buffers()[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    where = np.flatnonzero(((lengths == 10) | (lengths == 14)) & present)
    if not len(where):
        return out
    # Each candidate's first 14 bytes, from a sliding view of the values' bytes (padded so
    # that the last value's window ends inside them).
    padded = np.concatenate([data, np.zeros(14, dtype=np.uint8)])
    head = np.lib.stride_tricks.sliding_window_view(padded, 14)[offsets[where]]
    digits = head - np.uint8(48)  # a byte that is not a digit wraps to more than 9
    # Column by column (numpy's reductions along rows of 14 bytes are several times slower).
    ok, weighted, sequence = np.ones(len(where), dtype=bool), np.zeros(len(where), dtype=np.int64), np.zeros(len(where), dtype=np.uint8)
    for position in range(10):
        ok &= digits[:, position] <= 9
    for position, weight in enumerate(_WEIGHTS):
        weighted += digits[:, position].astype(np.int64) * weight
    for position in range(2, 9):
        sequence |= digits[:, position]
    branch = lengths[where] == 14
    suffix_ok = (head[:, 10] == ord("-")) & (digits[:, 11] <= 9) & (digits[:, 12] <= 9) & (digits[:, 13] <= 9)
    suffix_ok &= (digits[:, 11] | digits[:, 12] | digits[:, 13]) != 0  # branch 000 is refused
    ok &= ~branch | suffix_ok
    out[where] = ok & (10 - weighted % 11 == digits[:, 9]) & (sequence != 0)
    return out


def normalise_many(values) -> tuple[np.ndarray, np.ndarray]:
    """:func:`normalise` of each value: the codes and the reasons, as object arrays.

    Codes in normal form once stripped of spaces, dots and quotes are checked at once
    (python-stdnum's rule: sequence number not 0000000, branch suffix not 000, check
    digit); every other value goes through :func:`normalise`.

    >>> codes, reasons = normalise_many(["3700145020", "3700145020-001", "0100233480", 100233488])
    >>> codes.tolist(), reasons.tolist()
    (['3700145020', '3700145020-001', None, '0100233488'], [None, None, 'check digit is 0, expected 8', None])
    """
    values = list(values)
    codes = np.full(len(values), None, dtype=object)
    reasons = np.full(len(values), None, dtype=object)
    # normalise's first step: spaces, dots and quotes out (a valid result is the code itself).
    compact = [_STRAY.sub("", v) if isinstance(v, str) else None for v in values]
    normal = np.array([v is not None and _NORMAL.fullmatch(v) is not None for v in compact], dtype=bool)
    if normal.any():
        text = np.array([v for v, n in zip(compact, normal) if n], dtype=object)
        valid = valid_in_normal_form(pa.array(text, type=pa.large_string()))
        where = np.flatnonzero(normal)
        codes[where[valid]] = text[valid]
        normal[where[~valid]] = False
    for position in np.flatnonzero(~normal):
        codes[position], reasons[position] = normalise(values[position])
    return codes, reasons
