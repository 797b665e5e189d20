"""Bounds on what one raw file may hold, checked before its data are loaded where possible.

A hostile or broken export must fail fast with one message, not fill the memory: an XLSX
is a zip archive, so 3 MB on disk can hold a sheet of gigabytes (a "zip bomb"); a sheet
may declare a range of 16,384 columns by 1,048,576 rows; a CSV line may hold millions of
separators or one cell of megabytes. The defaults leave room for a national register
(a few million rows); each can be changed for a run with an environment variable named
``ADOPTION_`` + the setting in capitals (``ADOPTION_MAX_COLUMNS=2000``).
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..core.errors import AdoptionError, InputFileError
from .delimited import lines_of

MIB = 1024 * 1024
# The XLSX ratio rule applies to members larger than this (small XML parts such as
# styles compress very well and are harmless).
RATIO_FLOOR_BYTES = 16 * MIB


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on one raw file; a file beyond any of them is refused with an InputFileError."""

    max_file_mb: int = 2048  # size of the file on disk (CSV or XLSX)
    max_xlsx_member_mb: int = 2048  # one part of an XLSX, uncompressed (a sheet of 1,048,576 rows is ~1 GB)
    max_xlsx_total_mb: int = 4096  # all parts of an XLSX, uncompressed
    max_xlsx_ratio: int = 100  # uncompressed / compressed size of a part above 16 MB (real sheets: ~5-20)
    max_rows: int = 10_000_000  # rows of a CSV or of one sheet
    max_columns: int = 1_000  # columns holding a value
    max_cell_chars: int = 32_767  # characters in one cell: Excel's own limit

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ReadLimits:
        """The defaults, each replaced by ``ADOPTION_<SETTING>`` when that variable is set.

        >>> ReadLimits.from_environment({"ADOPTION_MAX_COLUMNS": "2000"}).max_columns
        2000
        """
        environ = os.environ if environ is None else environ
        changes = {}
        for setting in fields(cls):
            name = env_name(setting.name)
            if name in environ:
                value = environ[name].strip().replace("_", "").replace(",", "")
                if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 2**31 - 1:
                    raise AdoptionError(f"{name}={environ[name]!r}: expected a whole number from 1 to {2**31 - 1:,}")
                changes[setting.name] = int(value)
        return replace(cls(), **changes)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def env_name(setting: str) -> str:
    """The environment variable that sets ``setting``: ``max_columns`` -> ``ADOPTION_MAX_COLUMNS``."""
    return f"ADOPTION_{setting.upper()}"


def breach(path: Path, where: str, found: str, setting: str, limit: int) -> InputFileError:
    """The one error for a file beyond a limit: file, place, what was found, limit, how to change it."""
    return InputFileError(
        f"{path}: {where + ': ' if where else ''}{found}, beyond the limit {setting} = {limit:,}; if the file is "
        f"genuine, raise the limit for the run with the environment variable {env_name(setting)} "
        f"(e.g. {env_name(setting)}={limit * 2})"
    )


def _mb(size: int) -> str:
    return f"{size / MIB:,.1f} MB"


def check_file_size(path: Path, limits: ReadLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_mb * MIB:
        raise breach(path, "", f"the file holds {_mb(size)}", "max_file_mb", limits.max_file_mb)


def check_xlsx_archive(path: Path, limits: ReadLimits) -> None:
    """Refuse an XLSX whose parts are too large or compressed too well, before it is opened.

    The sizes are those the archive declares; Python's zipfile never inflates a part
    beyond its declared size (it stops and fails the checksum), so they bound the reading.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"{path}: cannot open as XLSX (not a valid zip archive: {exc})") from exc
    total = 0
    for member in members:
        size = member.file_size
        where = f"part {member.filename!r}"
        if size > limits.max_xlsx_member_mb * MIB:
            raise breach(path, where, f"{_mb(size)} uncompressed", "max_xlsx_member_mb", limits.max_xlsx_member_mb)
        ratio = size / max(member.compress_size, 1)
        if size > RATIO_FLOOR_BYTES and ratio > limits.max_xlsx_ratio:
            raise breach(path, where, f"{_mb(size)} uncompressed from {_mb(member.compress_size)} "
                         f"(ratio {ratio:,.0f}:1: a zip bomb, or a sheet formatted far beyond its data)",
                         "max_xlsx_ratio", limits.max_xlsx_ratio)
        total += size
    if total > limits.max_xlsx_total_mb * MIB:
        raise breach(path, "", f"its parts hold {_mb(total)} uncompressed", "max_xlsx_total_mb",
                     limits.max_xlsx_total_mb)


def check_text_shape(path: Path, text: str | None, delimiter: str, limits: ReadLimits,
                     encoded: bytes | None = None) -> pa.Array:
    """Refuse a delimited text with too many lines or a line with too many columns, before
    parsing; return its lines (:func:`~adoption.clean.delimited.lines_of`; ``encoded``:
    ``text`` in UTF-8, where the caller has it; ``text`` None where only that is held) for the parse.

    A line with as many separators as the limit or more is found without regard to quotes
    (pyarrow counts them), then split as CSV, so that quoted separators do not count.
    """
    lines = lines_of(text, encoded)  # its pieces: one more than the line feeds
    count = len(lines) - (encoded.endswith(b"\n") if encoded is not None else text.endswith("\n"))
    if count > limits.max_rows:
        raise breach(path, "", f"{count:,} lines", "max_rows", limits.max_rows)
    # A line of as many separators as the limit is at least as long (in bytes, read from the
    # offsets alone): only such lines are counted.
    long = np.flatnonzero(pc.greater_equal(pc.binary_length(lines), limits.max_columns).to_numpy(zero_copy_only=False))
    separators = pc.count_substring(lines.take(pa.array(long, type=pa.int64())), delimiter).to_numpy(zero_copy_only=False)
    for number in long[separators >= limits.max_columns] + 1:
        line = lines[int(number) - 1].as_py()
        try:
            columns = len(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:  # a cell beyond the csv module's own limit: count plainly
            columns = line.count(delimiter) + 1
        if columns > limits.max_columns:
            raise breach(path, f"line {number}", f"{columns:,} columns", "max_columns", limits.max_columns)
    return lines


def long_line(text: str, limit: int) -> int | None:
    """The number of the first line longer than ``limit`` characters (where an over-long cell is).

    >>> long_line("ab\\nabcd\\nab", 3)
    2
    """
    match = re.search(f"^[^\n]{{{limit + 1}}}", text, re.MULTILINE)
    return None if match is None else text.count("\n", 0, match.start()) + 1
