"""Vietnamese enterprise tax codes (mã số thuế): check digit and normal form.

A head office has 10 digits, the 10th a check digit over the first nine (weights 31, 29,
23, 19, 17, 13, 7, 5, 3; check = 10 - weighted sum mod 11; a remainder of 0 admits no
digit). A branch adds a 3-digit suffix 001-999, written ``NNNNNNNNNN-NNN``. Source: the
rule of python-stdnum's ``stdnum.vn.mst``; see data/external/SOURCES.md.
"""

from __future__ import annotations

import re

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_STRAY = re.compile(r"[\s.·'’`\"]")
_WITH_SUFFIX = re.compile(r"^(\d{9,10})\s*[-_/]\s*(\d{3})$")


def check_digit(first9: str) -> str | None:
    """The check digit for nine digits, or None when the remainder admits none.

    >>> check_digit("370014502")
    '0'
    """
    remainder = sum(w * int(d) for w, d in zip(WEIGHTS, first9)) % 11
    return None if remainder == 0 else str(10 - remainder)


def is_valid(code: str) -> bool:
    """True for a normal-form code whose check digit is right.

    >>> is_valid("0100233488"), is_valid("0100233480"), is_valid("3700145020-001")
    (True, False, True)
    """
    head = code.split("-")[0]
    return bool(re.fullmatch(r"\d{10}(-\d{3})?", code)) and check_digit(head[:9]) == head[9]


def normalise(value: object) -> tuple[str | None, str | None]:
    """Return ``(code, None)`` in normal form, or ``(None, reason)`` when it cannot be one.

    Accepts stray spaces and dots, a number that lost its leading zero, and branch
    suffixes written ``-001``, `` - 001``, ``_001`` or as 13 plain digits.

    >>> normalise("370 014 502 0")
    ('3700145020', None)
    >>> normalise(100233488)
    ('0100233488', None)
    >>> normalise("3700145020_001")
    ('3700145020-001', None)
    >>> normalise("0100233480")[1]
    'check digit is 0, expected 8'
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
    elif text.isdigit() and len(text) in (12, 13):
        text, suffix = text[:-3], text[-3:]
    if not text.isdigit():
        return None, f"tax code {value!r} holds characters other than digits"
    if len(text) == 9:  # stored as a number: the leading 0 of prefixes 01-09 was dropped
        text = "0" + text
    if len(text) != 10:
        return None, f"tax code {value!r} has {len(text)} digits, expected 10 (or 10 and a 3-digit branch suffix)"
    if suffix == "000":
        return None, f"tax code {value!r} has branch suffix 000, expected 001 to 999"
    expected = check_digit(text[:9])
    if expected is None:
        return None, f"tax code {value!r} cannot be valid: its first nine digits admit no check digit"
    if expected != text[9]:
        return None, f"check digit is {text[9]}, expected {expected}"
    return (text + "-" + suffix if suffix else text), None
