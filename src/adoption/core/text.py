"""Small text helpers shared by the readers and the normalisers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Control characters (NUL, backspace, escape, ...) that no register means to hold; tabs and
# line breaks count as whitespace.
# Control characters, and invisible format characters that can disguise a name: zero-width
# spaces and joiners, direction marks and overrides (U+202E turns text around), word
# joiners, the byte-order mark and the soft hyphen.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def nfc(value: str) -> str:
    """Return ``value`` in NFC, control and invisible format characters removed, runs of
    whitespace collapsed.

    >>> nfc("Cong  ty\\u0301 ") == "Cong tý", nfc("Công\\x00 ty\\x1b") == "Công ty"
    (True, True)
    >>> nfc("Becamex\\u200b\\ufeff\\u202eX") == "BecamexX"
    True
    """
    return " ".join(_CONTROL.sub("", unicodedata.normalize("NFC", value)).split())


@lru_cache(maxsize=262_144)
def fold(value: str) -> str:
    """Fold text to a matching key: no diacritics, lower case, words joined by one space.

    Vietnamese đ/Đ has no decomposition, so it is mapped to d by hand.

    >>> fold("  Thành phố  THỦ DẦU MỘT.")
    'thanh pho thu dau mot'
    >>> fold("Huyện/Thị xã/Thành phố")
    'huyen thi xa thanh pho'
    """
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(_NON_ALNUM.sub(" ", stripped.lower()).split())


def strip_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    """A folded name without the longest of ``prefixes`` it starts with (a unit's type).

    >>> strip_prefix("tinh ha giang", ("tinh", "thanh pho")), strip_prefix("ha giang", ("tinh",))
    ('ha giang', 'ha giang')
    """
    for prefix in _longest_first(prefixes):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


@lru_cache(maxsize=64)
def _longest_first(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """``prefixes``, each followed by a space, the longest first."""
    return tuple(prefix + " " for prefix in sorted(prefixes, key=len, reverse=True))
