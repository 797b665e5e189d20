"""A large CSV in UTF-16, UTF-32 or a Windows code page, or in UTF-8 but for a few bytes,
made UTF-8 a block at a time, so that it too is read in pieces
(:mod:`adoption.clean.pieces`) in bounded memory.

:func:`~adoption.clean.encoding.decode` decides a file's encoding from all of its bytes at
once, which would hold a file of millions of rows in memory several times over (its bytes,
and its text at up to 4 bytes a character). :func:`streamed_decoding` reaches the same
decision reading the file a block at a time: the same byte-order marks; the same share of
valid UTF-8 among the non-ASCII characters (and the line of the first byte that is not);
the same code-page verdict, from the same first bytes, the same bytes no code page defines
and the same lines they are on. :func:`transcode` then writes the text into another file as
UTF-8, which is read in pieces as any UTF-8 CSV, its rows and counts those of the whole
file, the evidence the one ``decode`` gives. In a file that is UTF-8 but for a few bytes,
each of those bytes is written as the marker ``decode`` would choose (a noncharacter the
file does not hold), and remembered: the reader sets aside the rows holding them, piece by
piece, as it does reading the whole file.

A file no encoding reads is refused from the same evidence, with the whole read's message
(its first bytes checked first, as the whole read checks them: see :mod:`adoption.clean.pieces`).
A file whose decision needs all of it in memory is left to the whole read, which decides
as before and says why: a file whose text starts with a second byte-order mark, a file
holding every marker, or a file with no line feed.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np

from .encoding import (CODE_PAGES, EVIDENCE_BYTES, UTF8_BOM, UTF8_MIN_SHARE, WIDE_BOMS, Decoded, cannot_read,
                       code_page_verdict, differing_bytes, evidence_sample, non_ascii_bytes, stray_utf8, utf8_after_bom,
                       utf8_share)
from .stray import escapes, first_escape, free_marker, marked_with

# The file is read in blocks of this size.
BLOCK_BYTES = 16 * 1024 * 1024
# A block of more runs of bytes that are not UTF-8 than this is counted and marked on its text
# (quicker then, and without a record of each run).
RUNS_LIMIT = 256
# A block is decoded this much at a time to find them (at least 4: a character's bytes).
WINDOW_BYTES = 64 * 1024
_NONCHARACTER_BYTES = re.compile(rb"\xef\xb7[\x90-\xaf]")


def streamed_decoding(path: Path, block_bytes: int | None = None) -> Decoded | None:
    """What :func:`~adoption.clean.encoding.decode` says of the file ``path`` (without its
    text) where it is in a code page, starts with a UTF-16 or UTF-32 byte-order mark (the
    mark decides, as it does for ``decode``; whether every byte then decodes,
    :func:`transcode` finds), or is UTF-8 but for a few bytes (with or without its
    byte-order mark): then the ``Decoded`` names the marker of those bytes, which
    :func:`transcode` finds and puts in ``bad_bytes``. None for any other file (UTF-8, or
    one whose encoding the whole read must decide). The file is read ``block_bytes`` at a
    time (default :data:`BLOCK_BYTES`). Raises :class:`InputFileError`, as ``decode`` does,
    for a file no encoding reads (not UTF-8, and no code page reads it, or reads it as text).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "f.csv"
    ...     _ = path.write_bytes("Mã số thuế;Tên\\n1;Bình Dương\\n".encode("utf-16"))
    ...     streamed_decoding(path).evidence
    'UTF-16 byte-order mark'
    """
    path, block_bytes = Path(path), block_bytes or BLOCK_BYTES
    with path.open("rb") as handle:
        head = handle.read(max(EVIDENCE_BYTES, 4))
    for mark, encoding, name in WIDE_BOMS:
        if head.startswith(mark):  # every byte decoded as it is written (transcode)
            return Decoded("", encoding, 1.0, f"{name} byte-order mark")
    bom = head.startswith(UTF8_BOM)
    utf8 = _Tally(bom)
    failures: dict[str, str] = {}
    differs = False
    with path.open("rb") as handle:
        while block := handle.read(block_bytes):
            for encoding in () if bom else CODE_PAGES:  # after a UTF-8 mark, UTF-8
                if encoding not in failures:
                    try:
                        block.decode(encoding)
                    except UnicodeDecodeError as exc:
                        failures[encoding] = cannot_read(encoding, block[exc.start],
                                                         utf8.lines + block.count(b"\n", 0, exc.start) + 1)
            differs = differs or (not bom and differing_bytes(block))
            utf8.add(block)
    utf8.add(b"")
    if not utf8.bad:
        return None  # UTF-8: read in pieces as it is, or whole
    valid, share = utf8_share(utf8.characters, utf8.size, utf8.non_ascii, utf8.bad)
    if bom or share >= UTF8_MIN_SHARE:
        marker = free_marker(utf8.present)
        if marker is None:
            return None  # every marker in the file: the whole read refuses it, and says why
        if bom:
            return utf8_after_bom(utf8.bad, marker=marker)
        return stray_utf8(valid, utf8.bad, share, utf8.first_line, marker=marker)
    readable = [e for e in CODE_PAGES if e not in failures]
    best, confidence, evidence = code_page_verdict(path, readable, list(failures.values()),
                                                   evidence_sample(head, utf8.size), differs)
    return Decoded("", best, confidence, evidence)


class _Tally:
    """A file read as UTF-8 a block at a time (after its byte-order mark, where ``bom``), as
    Python's decoder with ``surrogateescape`` reads it whole: its characters, bytes that are
    not UTF-8 (the first on line ``first_line``), non-ASCII bytes, size and line feeds, and
    the noncharacters it holds (for the marker of the bytes that are not UTF-8)."""

    def __init__(self, bom: bool):
        self.blocks = _Utf8Blocks(bom)
        self.characters = self.bad = self.non_ascii = self.size = self.lines = 0
        self.first_line = 0
        self.present: set[str] = set()

    def add(self, block: bytes) -> None:
        """Count ``block``, the next bytes of the file (empty at its end)."""
        data = self.blocks.data(block, final=not block)
        runs, read = _bad_runs(data, not block, limit=RUNS_LIMIT)
        if runs is None:  # many bytes that are not UTF-8 (a code page, say): counted on the text
            text, read = codecs.utf_8_decode(data, "surrogateescape", not block)
            bad, first = escapes(text), first_escape(text)
            characters, before = len(text), text.count("\n", 0, first) if first is not None else 0
        else:
            found = b"".join(run for _, run in runs)
            bad, characters = len(found), _characters(data[:read]) - _characters(found) + len(found)
            before = data.count(b"\n", 0, runs[0][0]) if runs else 0
        self.blocks.keep(data, read)
        if bad and not self.bad:
            self.first_line = self.lines + before + 1
        self.characters, self.bad = self.characters + characters, self.bad + bad
        if b"\xef\xb7" in data:  # the noncharacters U+FDD0 to U+FDEF: EF B7 90 to EF B7 AF
            self.present |= {m.decode("utf-8") for m in _NONCHARACTER_BYTES.findall(data, 0, read)}
        self.non_ascii += non_ascii_bytes(block)
        self.size, self.lines = self.size + len(block), self.lines + block.count(b"\n")


def transcode(path: Path, target: Path, encoding: str, block_bytes: int | None = None, *, marker: str = "",
              found: list[int] | None = None) -> bool:
    """Write the text of ``path``, read in ``encoding`` (a byte-order mark left out), into
    ``target`` as UTF-8 without a byte-order mark; False (``target`` incomplete) where a
    byte is not valid in ``encoding``, the text starts with another byte-order mark, or
    it holds no line feed: the whole read deals with those. With a ``marker`` (a file that
    is UTF-8 but for a few bytes: :func:`streamed_decoding`), each byte that is not is
    written as that marker and appended to ``found``, as the whole read marks it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     source, target = Path(folder) / "a.csv", Path(folder) / "b.csv"
    ...     _ = source.write_bytes("Dương;1\\n".encode("cp1258"))
    ...     transcode(source, target, "cp1258"), target.read_bytes().decode("utf-8")
    (True, 'Dương;1\\n')
    """
    block_bytes = block_bytes or BLOCK_BYTES
    if marker:
        convert = _Marking(encoding, marker, found)
    else:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        convert = lambda block, final: decoder.decode(block, final).encode("utf-8")  # noqa: E731
    started = line_feed = False
    with Path(path).open("rb") as source, Path(target).open("wb") as sink:
        while True:
            block = source.read(block_bytes)
            try:
                data = convert(block, not block)
            except UnicodeError:
                return False
            if data and not started:
                if data.startswith(UTF8_BOM):
                    return False  # a second mark: the whole read keeps it in the first line
                started = True
            line_feed = line_feed or b"\n" in data
            sink.write(data)
            if not block:
                return line_feed


class _Utf8Blocks:
    """A file's blocks as UTF-8 to decode: each after the start of a character the block
    before ended with (what the reader did not read of it: :meth:`keep`), the file's UTF-8
    byte-order mark left out where ``bom``."""

    def __init__(self, bom: bool):
        self.bom, self.carry = bom, b""

    def keep(self, data: bytes, read: int) -> None:
        """The reader of ``data`` read its first ``read`` bytes: the rest go before the next block."""
        if not self.bom:  # (until the mark is whole, its first bytes wait)
            self.carry = data[read:]

    def data(self, block: bytes, final: bool) -> bytes:
        data = self.carry + block
        if self.bom:  # the mark left out, once its 3 bytes are read
            if len(data) < 3 and not final:
                self.carry = data
                return b""
            data, self.bom = (data[3:] if data.startswith(UTF8_BOM) else data), False
        return data


def _bad_runs(data: bytes, final: bool, limit: int | None = None) -> tuple[list[tuple[int, bytes]] | None, int]:
    """The runs of bytes of ``data`` that are not UTF-8, as Python's decoder finds them (each
    with its offset), and how many bytes of ``data`` were read (the rest, the start of a
    character, waits for the next block unless ``final``); None for the runs where there are
    more than ``limit``.

    >>> _bad_runs(b"a\\xffb\\xe1\\xbb,\\xe1", False)
    ([(1, b'\\xff'), (3, b'\\xe1\\xbb')], 6)
    """
    view, runs, at, size = memoryview(data), [], 0, len(data)
    while at < size:  # a window at a time: an error holds a copy of what it was found in
        end = min(at + WINDOW_BYTES, size)
        try:
            _, read = codecs.utf_8_decode(view[at:end], "strict", final and end == size)
        except UnicodeDecodeError as error:
            if limit is not None and len(runs) == limit:
                return None, 0
            runs.append((at + error.start, data[at + error.start:at + error.end]))
            at += error.end
            continue
        at += read
        if end == size:
            break  # the rest, the start of a character, waits for the next block
    return runs, at


def _characters(data: bytes) -> int:
    """The characters Python's decoder with ``surrogateescape`` makes of valid UTF-8 ``data``:
    its bytes that are not continuation bytes (0x80 to 0xBF)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    return len(codes) - int(np.count_nonzero((codes >= 0x80) & (codes < 0xC0)))


class _Marking:
    """A file that is UTF-8 but for a few bytes (after its byte-order mark, for
    ``utf-8-sig``), made UTF-8 a block at a time: each byte that is not UTF-8 written as
    ``marker`` and appended to ``found``, as Python's decoder with ``surrogateescape`` finds
    them; the other bytes as they are (no text is made of them)."""

    def __init__(self, encoding: str, marker: str, found: list[int]):
        self.marker, self.found = marker.encode("utf-8"), found
        self.blocks = _Utf8Blocks(encoding == "utf-8-sig")

    def __call__(self, block: bytes, final: bool) -> bytes:
        data = self.blocks.data(block, final)
        runs, read = _bad_runs(data, final, limit=RUNS_LIMIT)
        if runs is None:  # many bytes that are not UTF-8: marked on the block's text
            text, read = codecs.utf_8_decode(data, "surrogateescape", final)
            self.blocks.keep(data, read)
            text, found = marked_with(text, self.marker.decode("utf-8"))
            self.found.extend(found)
            return text.encode("utf-8")
        self.blocks.keep(data, read)
        parts, at = [], 0
        for start, run in runs:
            parts.extend((data[at:start], self.marker * len(run)))
            self.found.extend(run)
            at = start + len(run)
        parts.append(data[at:read])
        return b"".join(parts)
