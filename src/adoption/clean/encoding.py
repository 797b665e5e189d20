"""Deciding a text file's encoding from evidence, per file, never by silent fallback.

Agencies export CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
text"; some tools write UTF-32 with BOM) or Windows-1258; files that passed through a Western European machine arrive in
Windows-1252. Both Windows code pages decode almost every byte, so trying one and then
the other proves nothing: a byte-order mark decides first; then UTF-8, whose multi-byte
sequences almost never occur by chance in a code-page file, so a file that is UTF-8 but
for a few bad bytes stays UTF-8 (the reader sets aside the rows holding them: each such byte
is replaced by a marker, a Unicode noncharacter absent from the file, and remembered); then
the two code pages, each judged by how many of the file's words read as words of its language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..core.errors import InputFileError
from .stray import escapes, marked

# UTF-8 is taken when at least this share of the non-ASCII characters decode as UTF-8.
UTF8_MIN_SHARE = 0.75
# A code page is taken when at least this share of the words with non-ASCII letters read
# as words of its language, and (when the two readings differ) this much more than the other.
PLAUSIBLE_MIN_SHARE = 0.8
PLAUSIBLE_MARGIN = 0.2
# Evidence for a code page is gathered from the first bytes of the file (whole lines).
EVIDENCE_BYTES = 8 * 1024 * 1024
CODE_PAGES = {"cp1258": "Windows-1258 (Vietnamese)", "cp1252": "Windows-1252 (Western European)"}
EXPECTED = "expected UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, Windows-1258 or Windows-1252"
# Byte-order marks of the encodings whose text holds NUL bytes by design, longest first:
# UTF-32's little-endian mark begins with UTF-16's, so it must be tried before it.
WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"), (b"\xfe\xff", "utf-16", "UTF-16"),
)

UTF8_BOM = b"\xef\xbb\xbf"
# Bytes that Windows-1252 and Windows-1258 read differently (0x8a, 0x8e, 0x9a, 0x9e are
# undefined in Windows-1258); _SAME holds every other byte.
_DIFFERING = frozenset([0x8A, 0x8E, 0x9A, 0x9E, 0xC3, 0xCC, 0xD0, 0xD2, 0xD5, 0xDD, 0xDE, 0xE3, 0xEC, 0xF0, 0xF2, 0xF5,
                        0xFD, 0xFE])
_SAME = bytes(b for b in range(256) if b not in _DIFFERING)
# A word: a run of ASCII letters and non-ASCII bytes holding at least one non-ASCII byte.
_WORD = re.compile(rb"[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_SHAPES = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}  # circumflex, breve, horn: on which vowels
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class Decoded:
    """A file's text and the evidence for the encoding it was read in."""

    text: str  # each byte that is not valid in the encoding is replaced by ``marker``
    encoding: str  # Python codec name: utf-8, utf-8-sig, utf-16, utf-32, cp1258, cp1252
    confidence: float  # 0 to 1: the share of the evidence that agrees with the encoding
    evidence: str  # one sentence saying why
    bad_bytes: tuple[int, ...] = ()  # the bytes that are not valid in the encoding (UTF-8 only), in order
    marker: str = ""  # the noncharacter standing for each of them in ``text``


def stray_utf8(valid: int, bad: int, share: float, line: int, found: tuple[int, ...] = (),
               marker: str = "") -> Decoded:
    """What :func:`decode` says of a file without a byte-order mark that is UTF-8 but for
    ``bad`` bytes: ``valid`` multi-byte characters, ``share`` of its non-ASCII characters,
    the first byte that is not UTF-8 on ``line``; ``found``, those bytes, each shown in the
    text as ``marker``.

    >>> stray_utf8(1200, 3, 0.9975, 17).evidence
    '1,200 multi-byte UTF-8 characters against 3 bytes not UTF-8 (first on line 17); the rows holding those bytes are set aside'
    """
    return Decoded("", "utf-8", round(share, 3),
                   f"{valid:,} multi-byte UTF-8 characters against {_bytes(bad)} not UTF-8 (first on line "
                   f"{line}); the rows holding those bytes are set aside", found, marker)


def utf8_after_bom(bad: int, found: tuple[int, ...] = (), marker: str = "") -> Decoded:
    """What :func:`decode` says of a file starting with a UTF-8 byte-order mark, ``bad`` of
    the bytes after it not UTF-8 (``found``, each shown in the text as ``marker``).

    >>> utf8_after_bom(1).evidence
    'UTF-8 byte-order mark; 1 byte not UTF-8, the rows holding them set aside'
    """
    note = f"; {_bytes(bad)} not UTF-8, the rows holding them set aside" if bad else ""
    return Decoded("", "utf-8-sig", 1.0, f"UTF-8 byte-order mark{note}", found, marker)


def _plausible_vietnamese(word: str) -> bool:
    """True when every letter is a Vietnamese letter and the word carries at most one tone.

    >>> [_plausible_vietnamese(w) for w in ("Dương", "Nguyễn", "Société", "Müller", "BiÌnh", "ś")]
    [True, True, False, False, False, False]
    """
    tones = 0
    for char in word:
        base, *marks = unicodedata.normalize("NFD", char)
        if base in "đĐ" and not marks:
            continue
        if not ("a" <= base.lower() <= "z") or (marks and base.lower() not in _VOWELS):
            return False
        for mark in marks:
            if mark in _TONES:
                tones += 1
            elif base.lower() not in _SHAPES.get(mark, ""):
                return False
    return tones <= 1 and not _case_flip(word)


def _plausible_western(word: str) -> bool:
    """True when every character is a Latin letter, the case does not flip inside the word
    and no two accented vowels stand side by side (as Windows-1258 tone marks read in
    Windows-1252 do: "Dýõng").

    >>> [_plausible_western(w) for w in ("Société", "Müller", "Straße", "informações", "Dýõng", "BiÌnh")]
    [True, True, True, True, False, False]
    """
    previous_accented = False
    for char in word:
        if not (char.isalpha() and unicodedata.name(char, "").startswith("LATIN")):
            return False
        accented = not char.isascii() and unicodedata.normalize("NFD", char)[0].lower() in _VOWELS
        if accented and previous_accented:
            return False
        previous_accented = accented
    return not _case_flip(word)


def _case_flip(word: str) -> bool:
    """A lower-case letter followed by an upper-case one ("BiÌnh": a tone mark misread)."""
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _letters(word: str) -> str:
    """``word`` in NFC without the symbols at either end (quotes, the đồng sign, ...)."""
    word = unicodedata.normalize("NFC", word)
    start, end = 0, len(word)
    while start < end and not word[start].isalpha() and unicodedata.category(word[start]) != "Mn":
        start += 1
    while end > start and not word[end - 1].isalpha() and unicodedata.category(word[end - 1]) != "Mn":
        end -= 1
    return word[start:end]


def _bytes(count: int) -> str:
    return f"{count:,} byte{'s' if count != 1 else ''}"


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def valid_utf8(text: str, *, multibyte: int, bom: bool = False) -> Decoded:
    """What :func:`decode` says of a file whose every byte (after a byte-order mark, if
    ``bom``) is valid UTF-8, holding ``multibyte`` multi-byte characters.

    >>> valid_utf8("", multibyte=2).evidence
    'every byte is valid UTF-8 (2 multi-byte characters)'
    """
    if bom:
        return Decoded(text, "utf-8-sig", 1.0, "UTF-8 byte-order mark")
    return Decoded(text, "utf-8", 1.0, f"every byte is valid UTF-8 ({multibyte:,} multi-byte characters)")


def plain_utf8(data: bytes) -> tuple[Decoded, bytes] | None:
    """What :func:`decode` says of ``data`` whose every byte is valid UTF-8 (after a UTF-8
    byte-order mark, if any), and those bytes (the mark left out), found by pyarrow's check
    of the bytes without making them a Python string (the ``Decoded`` holds no text); None
    for any other data, which :func:`decode` reads.

    >>> decoded, text = plain_utf8("Bình Dương".encode())
    >>> decoded.evidence, text.decode()
    ('every byte is valid UTF-8 (3 multi-byte characters)', 'Bình Dương')
    >>> plain_utf8(b"caf\\xe9") is None, plain_utf8(UTF8_BOM + b"a")[0].encoding
    (True, 'utf-8-sig')
    """
    import pyarrow as pa

    bom = data.startswith(UTF8_BOM)
    body = data[3:] if bom else data
    whole = pa.Array.from_buffers(pa.large_string(), 1, [None, pa.py_buffer(np.array([0, len(body)], dtype=np.int64)),
                                                         pa.py_buffer(body)])
    try:
        whole.validate(full=True)  # every byte valid UTF-8, as Python's decoder holds it (surrogates refused)
    except pa.ArrowInvalid:
        return None
    return valid_utf8("", multibyte=0 if bom else multibyte_characters(body), bom=bom), body


def multibyte_characters(data: bytes) -> int:
    """How many multi-byte characters valid UTF-8 ``data`` holds: each has one lead byte
    (0xC2 to 0xF4), and no other byte is 0xC2 or above.

    >>> multibyte_characters("Bình Dương".encode())
    3
    """
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) >= 0xC2))


def _utf8(path, data: bytes) -> Decoded | None:
    """UTF-8 when (almost) every non-ASCII character is valid UTF-8; None otherwise."""
    non_ascii = non_ascii_bytes(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    else:
        return valid_utf8(text, multibyte=len(text) - (len(data) - non_ascii))
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = escapes(escaped)
    valid, share = utf8_share(len(escaped), len(data), non_ascii, bad)
    if share < UTF8_MIN_SHARE:
        return None
    text, found, marker = marked(path, escaped)
    return replace(stray_utf8(valid, bad, share, _line_of(data, first), found, marker), text=text)


def non_ascii_bytes(data: bytes) -> int:
    """How many bytes of ``data`` are 0x80 or above."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) >= 0x80))


def utf8_share(characters: int, size: int, non_ascii: int, bad: int) -> tuple[int, float]:
    """Of data of ``size`` bytes, ``non_ascii`` of them 0x80 or above and ``bad`` of them not
    UTF-8, decoded (with ``surrogateescape``) into ``characters``: its valid multi-byte
    characters, and their share of its non-ASCII characters (``bad`` above 0).

    >>> data = "Bình".encode() + bytes([0xe9])
    >>> text = data.decode("utf-8", "surrogateescape")
    >>> utf8_share(len(text), len(data), non_ascii_bytes(data), escapes(text))
    (1, 0.5)
    """
    valid = characters - (size - non_ascii) - bad
    return valid, valid / (valid + bad)


def _code_page(path, data: bytes) -> Decoded:
    """Windows-1258 or Windows-1252, whichever reads the file's words as words of its language."""
    readings: dict[str, str] = {}
    failures = []
    for encoding in CODE_PAGES:
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(cannot_read(encoding, data[exc.start], _line_of(data, exc.start)))
    best, confidence, evidence = code_page_verdict(path, list(readings), failures, evidence_sample(data, len(data)),
                                                   differing_bytes(data))
    return Decoded(readings[best], best, confidence, evidence)


def cannot_read(encoding: str, byte: int, line: int) -> str:
    """Why a code page does not read a file: its first byte the code page does not define."""
    return f"{encoding} cannot read byte 0x{byte:02x} on line {line}"


def evidence_sample(head: bytes, size: int) -> bytes:
    """The bytes a code page is judged by: the whole lines among the first :data:`EVIDENCE_BYTES`
    of a file of ``size`` bytes whose ``head`` (at least its first EVIDENCE_BYTES) is given."""
    return head[: head.rfind(b"\n", 0, EVIDENCE_BYTES) + 1 or EVIDENCE_BYTES] if size > EVIDENCE_BYTES else head


def differing_bytes(data: bytes) -> bool:
    """Whether ``data`` holds a byte that Windows-1252 and Windows-1258 read differently."""
    return len(data.translate(None, _SAME)) > 0


def code_page_verdict(path, readable: list[str], failures: list[str], sample: bytes,
                      differing: bool) -> tuple[str, float, str]:
    """The code page of a file (encoding, confidence, evidence) that is not UTF-8: of those
    that read all of it (``readable``; ``failures``, why the others do not), the one that
    reads the words of ``sample`` (:func:`evidence_sample`) as words of its language;
    ``differing``, whether the file holds a byte the two read differently
    (:func:`differing_bytes`). Raises :class:`InputFileError` when neither does clearly."""
    differs = len(readable) == 1 or differing
    if not readable:
        raise InputFileError(f"{path}: cannot decode the file (not UTF-8; {'; '.join(failures)}); {EXPECTED}")
    words = Counter(_WORD.findall(sample))
    total = sum(words.values()) or 1
    judge = {"cp1258": _plausible_vietnamese, "cp1252": _plausible_western}
    share = {encoding: sum(n for word, n in words.items() if judge[encoding](_letters(word.decode(encoding))))
             / total for encoding in readable}
    best = max(share, key=lambda e: (share[e], e == "cp1258"))
    other = max((s for e, s in share.items() if e != best), default=0.0)
    language = {"cp1258": "Vietnamese in Windows-1258", "cp1252": "Western European in Windows-1252"}
    evidence = f"of {total:,} words with non-ASCII letters, " + " and ".join(
        f"{share[e]:.0%} read as {language[e]}" for e in share)
    if share[best] < PLAUSIBLE_MIN_SHARE or (differs and share[best] - other < PLAUSIBLE_MARGIN):
        raise InputFileError(
            f"{path}: cannot tell the file's encoding: it is not UTF-8, and neither code page reads it as text "
            f"clearly enough ({evidence}{'; ' if failures else ''}{'; '.join(failures)}); {EXPECTED}. Open the file "
            "in a spreadsheet or text editor that shows it correctly and save it as UTF-8 (text written with old "
            "Vietnamese fonts, TCVN3 or VNI, must first be converted to Unicode, e.g. with Unikey's converter)"
        )
    if not differs:
        evidence += "; both code pages read this file identically"
    evidence += "".join(f"; {failure}" for failure in failures)
    return best, round(share[best], 3), evidence


def decode(path, data: bytes) -> Decoded:
    """The text of a file, in the encoding its bytes give evidence for.

    Raises :class:`InputFileError` naming the file when no encoding reads it plausibly.

    >>> decode("f.csv", "Bình Dương".encode()).encoding
    'utf-8'
    >>> decode("f.csv", "Bi\\u0300nh Dương, Thu\\u0309 Dâ\\u0300u Mô\\u0323t".encode("cp1258")).encoding
    'cp1258'
    >>> decode("f.csv", "Société Générale, Müller & Söhne".encode("cp1252")).encoding
    'cp1252'
    """
    if data.startswith(UTF8_BOM):
        try:  # every byte UTF-8 (the usual case): nothing to mark
            text, found, marker = data[3:].decode("utf-8"), (), ""
        except UnicodeDecodeError:
            text, found, marker = marked(path, data[3:].decode("utf-8", errors="surrogateescape"))
        return replace(utf8_after_bom(len(found), found, marker), text=text)
    for mark, encoding, name in WIDE_BOMS:
        if data.startswith(mark):
            try:
                return Decoded(data.decode(encoding), encoding, 1.0, f"{name} byte-order mark")
            except UnicodeDecodeError as exc:
                raise InputFileError(f"{path}: cannot decode the file (it starts with a {name} byte-order mark but "
                                     f"{encoding} fails at byte {exc.start}); {EXPECTED}") from exc
    return _utf8(path, data) or _code_page(path, data)


def wide_bom(data: bytes) -> bool:
    """True when ``data`` starts with a UTF-16 or UTF-32 byte-order mark (NUL bytes expected).

    >>> wide_bom("a".encode("utf-32")), wide_bom("a".encode("utf-16")), wide_bom(b"a")
    (True, True, False)
    """
    return data.startswith(tuple(mark for mark, _, _ in WIDE_BOMS))
