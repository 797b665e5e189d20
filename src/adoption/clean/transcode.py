"""A large CSV in UTF-16, UTF-32 or a Windows code page, made UTF-8 a block at a time, so
that it too is read in pieces (:mod:`adoption.clean.pieces`) in bounded memory.

:func:`~adoption.clean.encoding.decode` decides a file's encoding from all of its bytes at
once, which would hold a file of millions of rows in memory several times over (its bytes,
and its text at up to 4 bytes a character). :func:`streamed_decoding` reaches the same
decision reading the file a block at a time: the same byte-order marks; the same share of
valid UTF-8 among the non-ASCII characters; the same code-page verdict, from the same first
bytes, the same bytes no code page defines and the same lines they are on. :func:`transcode`
then writes the text into another file as UTF-8, which is read in pieces as any UTF-8 CSV,
its rows and counts those of the whole file, the evidence the one ``decode`` gives.

A file whose decision needs all of it in memory is left to the whole read, which decides
as before and says why: UTF-8 with a byte-order mark or with a few stray bytes (the
reader sets aside the rows holding them), a file no encoding reads, a file whose text
starts with a second byte-order mark, or a file with no line feed.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..core.errors import InputFileError
from .encoding import (CODE_PAGES, EVIDENCE_BYTES, UTF8_BOM, UTF8_MIN_SHARE, WIDE_BOMS, Decoded, cannot_read,
                       code_page_verdict, differing_bytes, escapes, evidence_sample, non_ascii_bytes, utf8_share)

# The file is read in blocks of this size.
BLOCK_BYTES = 16 * 1024 * 1024


def streamed_decoding(path: Path, block_bytes: int | None = None) -> Decoded | None:
    """What :func:`~adoption.clean.encoding.decode` says of the file ``path`` (without its
    text) where it is in a code page, or starts with a UTF-16 or UTF-32 byte-order mark
    (the mark decides, as it does for ``decode``; whether every byte then decodes,
    :func:`transcode` finds); None for any other file (UTF-8, or one whose encoding the
    whole read must decide). The file is read ``block_bytes`` at a time (default
    :data:`BLOCK_BYTES`).

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
    if head.startswith(UTF8_BOM):
        return None
    for mark, encoding, name in WIDE_BOMS:
        if head.startswith(mark):  # every byte decoded as it is written (transcode)
            return Decoded("", encoding, 1.0, f"{name} byte-order mark")
    utf8 = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    characters = bad = non_ascii = size = lines = 0
    failures: dict[str, str] = {}
    differs = False
    with path.open("rb") as handle:
        while block := handle.read(block_bytes):
            text = utf8.decode(block)
            characters, bad = characters + len(text), bad + escapes(text)
            non_ascii += non_ascii_bytes(block)
            for encoding in CODE_PAGES:
                if encoding not in failures:
                    try:
                        block.decode(encoding)
                    except UnicodeDecodeError as exc:
                        failures[encoding] = cannot_read(encoding, block[exc.start],
                                                         lines + block.count(b"\n", 0, exc.start) + 1)
            differs = differs or differing_bytes(block)
            size, lines = size + len(block), lines + block.count(b"\n")
    text = utf8.decode(b"", final=True)
    characters, bad = characters + len(text), bad + escapes(text)
    if not bad:
        return None  # UTF-8: read in pieces as it is, or whole
    if utf8_share(characters, size, non_ascii, bad)[1] >= UTF8_MIN_SHARE:
        return None  # UTF-8 but for a few bytes: the whole read sets their rows aside
    readable = [e for e in CODE_PAGES if e not in failures]
    try:
        best, confidence, evidence = code_page_verdict(path, readable, list(failures.values()),
                                                       evidence_sample(head, size), differs)
    except InputFileError:
        return None  # the whole read refuses it, and says why
    return Decoded("", best, confidence, evidence)


def transcode(path: Path, target: Path, encoding: str, block_bytes: int | None = None) -> bool:
    """Write the text of ``path``, read in ``encoding`` (a byte-order mark left out), into
    ``target`` as UTF-8 without a byte-order mark; False (``target`` incomplete) where a
    byte is not valid in ``encoding``, the text starts with another byte-order mark, or
    it holds no line feed: the whole read deals with those.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     source, target = Path(folder) / "a.csv", Path(folder) / "b.csv"
    ...     _ = source.write_bytes("Dương;1\\n".encode("cp1258"))
    ...     transcode(source, target, "cp1258"), target.read_bytes().decode("utf-8")
    (True, 'Dương;1\\n')
    """
    decoder, block_bytes = codecs.getincrementaldecoder(encoding)("strict"), block_bytes or BLOCK_BYTES
    started = line_feed = False
    with Path(path).open("rb") as source, Path(target).open("wb") as sink:
        while True:
            block = source.read(block_bytes)
            try:
                text = decoder.decode(block, final=not block)
                data = text.encode("utf-8")
            except UnicodeError:
                return False
            if text and not started:
                if text.startswith("\ufeff"):
                    return False  # a second mark: the whole read keeps it in the first line
                started = True
            line_feed = line_feed or "\n" in text
            sink.write(data)
            if not block:
                return line_feed
