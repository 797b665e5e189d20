"""Bytes that are not UTF-8 in a file that is UTF-8 but for them: each is read (Python's
decoder with ``surrogateescape``) as an escape, then replaced by a marker, a Unicode
noncharacter the file does not hold, that pandas and Arrow can carry; the bytes are kept in
order, so that the reader sets aside the rows holding them and names those bytes.
"""

from __future__ import annotations

import re

from ..core.errors import InputFileError

_ESCAPED = re.compile("[\udc80-\udcff]")
_UNESCAPED = re.compile("[^\udc80-\udcff]+")
_NONCHARACTER = re.compile("[\ufdd0-\ufdef]")


def marked(path, text: str) -> tuple[str, tuple[int, ...], str]:
    """``text`` (decoded with surrogateescape) with each undecodable byte replaced by a
    marker that pandas and Arrow can carry: the text, the bytes in order, the marker.
    Raises :class:`InputFileError` for a text that holds every marker there is.

    >>> marked("f.csv", b"caf\\xe9 ok".decode("utf-8", "surrogateescape"))
    ('caf\ufdd0 ok', (233,), '\ufdd0')
    """
    if not _ESCAPED.search(text):
        return text, (), ""
    marker = free_marker(noncharacters(text))
    if marker is None:
        raise InputFileError(no_marker(path))
    found = tuple(ord(c) - 0xDC00 for c in _ESCAPED.findall(text))
    return _ESCAPED.sub(marker, text), found, marker


def free_marker(present: set[str]) -> str | None:
    """The first Unicode noncharacter (U+FDD0 to U+FDEF) that is not in ``present``: the
    marker of a text holding those of ``present`` only; None where it holds all 32."""
    return next((c for c in map(chr, range(0xFDD0, 0xFDF0)) if c not in present), None)


def no_marker(path) -> str:
    """Why a file that is UTF-8 but for a few bytes, and holds every noncharacter that could
    mark them, is not read."""
    return (f"{path}: the file is UTF-8 but for a few bytes, and it holds all 32 Unicode noncharacters U+FDD0 to "
            "U+FDEF, one of which would mark each of those bytes; it is not read rather than guess which is which. "
            f"Save the file as UTF-8 (the bytes that are not UTF-8 replaced), then run again")


def noncharacters(text: str) -> set[str]:
    """The noncharacters U+FDD0 to U+FDEF that ``text`` holds."""
    return set(_NONCHARACTER.findall(text))


def marked_with(text: str, marker: str) -> tuple[str, bytes]:
    """``text`` (decoded with surrogateescape) with each undecodable byte replaced by
    ``marker``, and those bytes in order.

    >>> marked_with(b"\\xff a \\xe9".decode("utf-8", "surrogateescape"), "#")
    ('# a #', b'\\xff\\xe9')
    """
    # The escapes alone, made bytes again: no object for each of them.
    return _ESCAPED.sub(marker, text), _UNESCAPED.sub("", text).encode("utf-8", "surrogateescape")


def first_escape(text: str) -> int | None:
    """Where in ``text`` (decoded with surrogateescape) the first undecodable byte is; None
    where it holds none."""
    found = _ESCAPED.search(text)
    return found.start() if found else None


def escapes(text: str) -> int:
    """How many bytes that are not UTF-8 ``text``, decoded with ``surrogateescape``, holds:
    each is one escape, which only such a byte gives, and which ``ignore`` leaves out.

    >>> escapes(b"caf\\xe9 \\xff \\xf0\\x90\\x82\\x80 \\xed\\xa0\\x80".decode("utf-8", "surrogateescape"))
    5
    """
    return len(text.encode("utf-8", "surrogateescape")) - len(text.encode("utf-8", "ignore"))
