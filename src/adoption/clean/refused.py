"""Where the reader refuses a piece of a large CSV read in pieces
(:mod:`adoption.clean.pieces`): the error reading the whole file gives, at the file's own
line, found a piece at a time rather than by reading the file whole (which would take
several times its size in memory to say where its bad row is).
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import InputFileError
from .cuts import Plan
from .limits import ReadLimits
from .read import delimited_error, read_raw

# The file is read in blocks of this size to count its line feeds.
BLOCK_BYTES = 16 * 1024 * 1024


def whole_files_error(path: Path, source: Path, plan: Plan, where: tuple[int, int | None],
                      columns: tuple[dict[str, tuple[str, ...]], tuple], limits: ReadLimits,
                      error: InputFileError) -> InputFileError:
    """The error reading the whole file ``path`` gives, where a piece gave ``error``, found
    a piece at a time: each piece read behind the file's rows down to its header (its first
    row, where the header is not known) and as many empty lines as the file has before the
    piece, so that every line is numbered as in the file. The whole read checks every line's
    width, then parses the whole text, then finds its header and columns: an error of a
    later piece at an earlier one of those stages comes first.

    ``source``: the file, or its text in UTF-8; ``plan``: where it is cut, and its delimiter,
    told to each piece; the piece holding a row the csv module cannot tokenize, if any (the
    pieces after it are cut at line feeds: their lines' width is checked, never their parse;
    its own error comes before any other of the parse, which reads every row before it
    counts their cells); ``where``:
    the piece refused, and the header's row where it is known; ``columns``: the aliases and
    required columns the file is read with.
    """
    (bounds, row_ends, refused), (failed, header) = (plan.bounds, plan.row_ends, plan.refused), where
    rows_cut = len(bounds) if refused is None else refused + 1
    starts = [start for start, _ in bounds]
    feeds = _line_feeds(source, starts)
    with source.open("rb") as handle:
        # The file's rows to its header (its first row where the header is not known; none
        # where not even that row was read whole: the file's delimiter is told to each piece).
        head = handle.read(row_ends[header or 0]) if row_ends else b""

        def padded(number: int) -> bytes:
            start, stop = bounds[number]
            handle.seek(start)
            data = handle.read(stop - start)
            return data if number == 0 else head + b"\n" * (feeds[number] - head.count(b"\n")) + data

        own = padded(failed)

        def error_of(number: int, data: bytes, parse: bool) -> InputFileError | None:
            return delimited_error(path, data, limits, parse=parse, later=number > 0, delimiter=plan.delimiter,
                                   binary_checked=True)  # as planned: the file is not binary

        wide = error_of(failed, own, False)
        if wide is not None:
            return wide  # the file's first line too wide: no piece before had one
        later = range(failed + 1, len(bounds))
        for number in later:  # the whole read checks every line's width before it parses
            wide = error_of(number, padded(number), False)
            if wide is not None:
                return wide
        if refused is not None and refused != failed:
            parsed = error_of(refused, padded(refused), True)
            if parsed is not None:
                return parsed
        parsed = error_of(failed, own, True)
        if parsed is not None:
            return parsed
        if failed > 0:  # not found again (no other piece can fail after its parse): the whole read says
            del own
            read_raw(path, *columns, limits)
            return error
        for number in later[:rows_cut - 1]:  # the first piece's header or columns: the whole read parses every row first
            parsed = error_of(number, padded(number), True)
            if parsed is not None:
                return parsed
        return error


def _line_feeds(path: Path, offsets: list[int]) -> list[int]:
    """How many line feeds ``path`` holds before each of ``offsets`` (in order), read a
    block at a time."""
    counts, total, at = [], 0, 0
    with path.open("rb") as handle:
        for offset in offsets:
            while at < offset:
                block = handle.read(min(BLOCK_BYTES, offset - at))
                total, at = total + block.count(b"\n"), at + len(block)
            counts.append(total)
    return counts
