"""Cleaning in bounded memory: the raw files one at a time, duplicates settled by tax code.

The register and the platform records are cleaned by two kinds of task. Each is a
function of files on disk and small arguments, so that this process or a Dask worker
runs it alike (:mod:`adoption.clean.engine` runs them and adds up what they return):

1. :func:`clean_files` reads a run of raw files (small ones together, a large CSV a piece
   at a time: :mod:`adoption.clean.pieces`) and cleans their rows, ``chunk_rows`` at a time,
   with the in-memory path's own functions (:func:`~adoption.clean.register.clean_register`,
   :func:`~adoption.clean.platforms.screen_platforms`). Each chunk's rows go to spill files,
   one per bucket of tax codes; what the accounting needs (rejects, values not used,
   counts, flags) comes back, small.
2. :func:`settle_bucket` takes one bucket's rows from every file. Every row of a tax code
   is in the same bucket, so its duplicates merge there, and the platform records of its
   firms are checked against it; its enterprises and platform records are written in
   parts by province and district (:mod:`adoption.core.partitions`).

Every row is cleaned by the same functions as in memory, and nothing in them depends on
the other rows of a chunk but duplicates, so the clean tables, rejects, merges and
accounting are those of :func:`~adoption.clean.pipeline.clean_raw`, row for row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..core.outputs import sha256_file
from ..core.partitions import PARTITION_COLUMNS, place_order, write_parts
from ..core.scope import Scope
from ..core.schema import Enterprises as E, columns, validate
from . import vocab
from .accounting import Kept
from .distinct import arrow_held, positions
from .hashing import text_hash
from .duplicates import raw_key, register_merges
from .limits import ReadLimits
from .pipeline import absent_columns
from .platforms import ORDER, empty_platforms, screen_platforms, settle_platforms, platform_use
from .pieces import PIECE_BYTES, joined, read_pieces
from .read import RawTable
from .register import clean_register
from .rejects import FLAG_ROWS
from .survey import RegisterStrata
from .vsic import header_versions

# The folders cleaned in parts, with their header aliases and required columns.
FOLDERS = {"register": (vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED),
           "platforms": (vocab.PLATFORM_HEADER_ALIASES, vocab.PLATFORM_REQUIRED)}
# A raw row's place among all rows read: its file's number times this, plus its row's.
FILE_STRIDE = 1 << 40
_KEY = "_raw_key"


@dataclass
class FilePart:
    """What :func:`clean_files` returns of one or more raw files: their tables without their
    rows, and what the accounting needs of their cleaning."""

    folder: str
    number: int  # the first file's number among the folder's files
    tables: list[RawTable]  # each file's, without its rows
    rejects: pd.DataFrame  # the cleaner's, in raw order (platform records: with ORDER)
    unparsed: pd.DataFrame
    kept: int = 0  # rows passed on to the buckets
    changed: dict[str, int] = field(default_factory=dict)
    out_of_range: dict[str, int] = field(default_factory=dict)
    flags: dict = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)  # the VSIC version the file's header names


@dataclass
class BucketPart:
    """What :func:`settle_bucket` returns of one bucket of tax codes."""

    bucket: int
    merges: pd.DataFrame
    platform_merges: pd.DataFrame
    platform_rejects: pd.DataFrame  # not_in_register, with ORDER
    platform_changed: dict[str, int]
    others: pd.Series  # names of platforms in no category, with their counts
    enterprises: Kept
    platforms: Kept
    strata: RegisterStrata | None = None  # what the survey needs of the bucket's firms (None: no firm)
    # The SHA-256 of each part it wrote, by its path inside the staging folder (for the
    # manifest: the process that publishes the set does not read the parts back).
    digests: dict[str, str] = field(default_factory=dict)


def bucket_of(codes: pd.Series, buckets: int) -> np.ndarray:
    """The bucket of each (clean) tax code: a hash of its UTF-8 bytes, the same in every
    process and on every machine (a missing code is in bucket 0).

    >>> bucket_of(pd.Series(["0301234567", "0301234567"]), 8).tolist() == [bucket_of(pd.Series(["0301234567"]), 8)[0]] * 2
    True
    >>> sorted(set(bucket_of(pd.Series([f"{n:010d}" for n in range(1000)]), 4).tolist()))
    [0, 1, 2, 3]
    """
    return (text_hash(codes) % np.uint64(buckets)).astype("int64")


def _spill(rows: pd.DataFrame, codes: pd.Series, folder: Path, name: str, buckets: int) -> None:
    """Write ``rows`` into ``folder``, one file ``name`` per bucket of ``codes`` (:func:`bucket_of`):
    in Arrow's IPC format (LZ4-compressed), the frame made one Arrow table put in order of bucket once and each
    bucket's file a slice of it, where every column comes back from Arrow as it was
    (:func:`_arrow_safe`); else a pickle of each bucket's rows."""
    where = bucket_of(codes, buckets)
    order = np.argsort(where, kind="stable")
    bounds = np.searchsorted(where[order], np.arange(buckets + 1))
    arrow = _arrow_safe(rows)
    table = pa.Table.from_pandas(rows, preserve_index=False).take(order) if arrow else None
    rows = None if arrow else rows.take(order)
    for bucket in np.flatnonzero(np.diff(bounds)):
        target = folder / f"b{bucket:04d}"
        target.mkdir(parents=True, exist_ok=True)
        start, end = bounds[bucket], bounds[bucket + 1]
        if not arrow:
            rows.iloc[start:end].reset_index(drop=True).to_pickle(target / f"{name}.pkl")
            continue
        with pa.OSFile(str(target / f"{name}.arrow"), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema, options=_SPILL_OPTIONS) as writer:
            writer.write_table(table.slice(start, end - start))


# Spill files are compressed: a few times smaller, they cost less to write (at national
# scale the page cache's writeback would otherwise hold the writers back) than to compress.
_SPILL_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")


def _arrow_safe(frame: pd.DataFrame) -> bool:
    """Whether pyarrow gives ``frame`` back as it is (pandas' types kept in the table's
    metadata): text columns held by pyarrow, numbers, booleans and dates (nullable or not),
    categoricals of such text; not Python objects (their type is guessed from the values
    on the way back), nor text held as Python strings, nor names other than distinct text.

    >>> _arrow_safe(pd.DataFrame({"a": pd.Series(["x"], dtype="str"), "b": pd.array([1], dtype="Int64")}))
    True
    >>> _arrow_safe(pd.DataFrame({"a": pd.Series(["x"], dtype=object)}))
    False
    """
    names = list(frame.columns)
    if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        return False
    for dtype in frame.dtypes:
        if isinstance(dtype, pd.CategoricalDtype):
            dtype = dtype.categories.dtype if len(dtype.categories) else None
            if not arrow_held(dtype):
                return False
        elif isinstance(dtype, pd.StringDtype):
            if dtype.storage != "pyarrow":
                return False
        elif not (isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "biuf"
                  or isinstance(dtype, np.dtype) and dtype.kind in "biufM"):
            return False
    return True


def _gather(folder: Path) -> pd.DataFrame | None:
    """The rows :func:`_spill` wrote into one bucket's ``folder``, in the order of their files."""
    files = sorted([*folder.glob("*.arrow"), *folder.glob("*.pkl")], key=lambda f: f.stem) if folder.is_dir() else []
    if not files:
        return None
    parts = []
    for file in files:
        if file.suffix == ".pkl":
            parts.append(pd.read_pickle(file))
            continue
        with pa.memory_map(str(file)) as source:
            parts.append(pa.ipc.open_file(source).read_all())
    if all(isinstance(part, pa.Table) for part in parts) and _alike(parts):
        # One table made a frame once: the frame pandas' join of each file's would be.
        return pa.concat_tables(parts).to_pandas()
    return pd.concat([part.to_pandas() if isinstance(part, pa.Table) else part for part in parts], ignore_index=True)


def _alike(tables: list[pa.Table]) -> bool:
    """Whether ``tables`` have one schema (pandas' types in its metadata included) and each
    dictionary column the same values in every table (the categories of one categorical)."""
    first = tables[0]
    if not all(table.schema.equals(first.schema, check_metadata=True) for table in tables[1:]):
        return False
    for position, field_ in enumerate(first.schema):
        if pa.types.is_dictionary(field_.type):
            dictionaries = [chunk.dictionary for table in tables for chunk in table.column(position).chunks]
            if any(not d.equals(dictionaries[0]) for d in dictionaries[1:]):
                return False
    return True


def clean_files(files: list[tuple[int, Path]], *, folder: str, spill: Path, buckets: int, chunk_rows: int,
                limits: ReadLimits, vsic_version: str | None = None, scope: Scope | None = None,
                piece_bytes: int = PIECE_BYTES) -> FilePart:
    """Read the raw files ``files`` (their numbers among the folder's files, and paths: one
    or more consecutive files) of ``folder`` (``register`` or ``platforms``), a CSV of more
    than ``piece_bytes`` a piece at a time (:mod:`adoption.clean.pieces`), and clean their
    rows together, ``chunk_rows`` at a time, into ``spill`` (one file per chunk and bucket):
    small files are cleaned many to a chunk."""
    aliases, required = FOLDERS[folder]
    batch = files[0][0]
    parts: list[FilePart] = []
    absent: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    pending: list[tuple[pd.DataFrame, np.ndarray]] = []  # rows waiting for a chunk, with their order

    def clean(chunk: pd.DataFrame, order: np.ndarray) -> None:
        name = f"f{batch:05d}-c{len(parts):05d}"
        if folder == "register":
            stage = clean_register(chunk, absent=absent, vsic_versions=versions, scope=scope)
            rows = stage.clean.assign(**{_KEY: raw_key(chunk, list(aliases))[stage.rows]})
            _spill(rows, rows[E.tax_code], spill / folder, name, buckets)
            parts.append(FilePart(folder, batch, [], stage.rejects, stage.unparsed, len(rows), stage.changed,
                                  stage.out_of_range, stage.flags))
        else:
            refused, passed, unparsed = screen_platforms(chunk, order=order)
            _spill(passed, passed["_tax_code"], spill / folder, name, buckets)
            parts.append(FilePart(folder, batch, [], refused, unparsed, len(passed)))

    def flush() -> None:
        frames, orders = zip(*pending)
        pending.clear()
        chunk = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
        clean(chunk, np.concatenate(orders))

    tables, extras = [], []
    for number, path in files:
        position, pieces = 0, []
        for table in read_pieces(path, aliases, required, limits, piece_bytes):
            if not pieces:  # every piece has the file's header
                for column, names in absent_columns([table], aliases).items():
                    absent.setdefault(column, []).extend(names)
                versions.update(header_versions([table], vsic_version) if folder == "register" else {})
            frame, table = table.frame, replace(table, frame=table.frame.iloc[:0])  # no piece's rows kept past it
            order = number * FILE_STRIDE + position + np.arange(len(frame), dtype="int64")
            position += len(frame)
            pieces.append(table)
            start = 0
            while start < len(frame):
                room = chunk_rows - sum(len(f) for f, _ in pending)
                pending.append((frame.iloc[start:start + room], order[start:start + room]))
                start += room
                if room <= len(pending[-1][0]):
                    flush()
            frame = None  # before the next piece is read
        table = joined(pieces)
        extras.append(table.extras)
        tables.append(replace(table, extras=table.extras.drop_duplicates("column")))
    if pending:
        flush()
    target = spill / "extras" / f"{folder}-f{batch:05d}.pkl"
    target.parent.mkdir(parents=True, exist_ok=True)
    pd.concat(extras, ignore_index=True).to_pickle(target)
    done = combine_parts(parts) if parts else FilePart(folder, batch, [], pd.DataFrame(), pd.DataFrame())
    return replace(done, tables=tables, versions=versions)


def batches(paths: list[Path], batch_bytes: int) -> list[list[tuple[int, Path]]]:
    """``paths`` (numbered in order) in runs of consecutive files of about ``batch_bytes``
    together; a larger file is a run of its own.

    >>> [[n for n, _ in run] for run in batches([Path(__file__)] * 3, 1)]
    [[0], [1], [2]]
    >>> [[n for n, _ in run] for run in batches([Path(__file__)] * 3, 1 << 30)]
    [[0, 1, 2]]
    """
    runs: list[list[tuple[int, Path]]] = []
    size = batch_bytes
    for number, path in enumerate(paths):
        bytes_ = path.stat().st_size
        if size + bytes_ > batch_bytes or not runs:
            runs.append([])
            size = 0
        runs[-1].append((number, path))
        size += bytes_
    return runs


def combine_parts(parts: list[FilePart]) -> FilePart:
    """Parts of one or more files (in the order of their rows) as one: rejects and values
    not used in row order, counts summed, flags combined (:func:`combine_flags`)."""
    first = parts[0]
    unparsed = pd.concat([p.unparsed for p in parts], ignore_index=True)
    if len(unparsed):  # by column, then in row order: as the in-memory cleaner lists them
        columns_order = {c: n for n, c in enumerate(dict.fromkeys(("employees", "charter_capital_vnd", "revenue_vnd",
                                                                   "registered_on", *unparsed["column"])))}
        unparsed = unparsed.sort_values("column", key=lambda c: c.map(columns_order), kind="stable").reset_index(drop=True)
    flags: dict = {}
    for part in parts:
        flags = combine_flags(flags, part.flags)
    versions = {}
    for part in parts:
        versions.update(part.versions)
    return FilePart(first.folder, first.number, [t for p in parts for t in p.tables], pd.concat([p.rejects for p in parts], ignore_index=True),
                    unparsed, sum(p.kept for p in parts), _sum(p.changed for p in parts),
                    _sum(p.out_of_range for p in parts), flags, versions)


def _sum(counts) -> dict[str, int]:
    total: dict[str, int] = {}
    for each in counts:
        for key, value in each.items():
            total[key] = total.get(key, 0) + value
    return total


def combine_flags(a: dict, b: dict) -> dict:
    """Two parts' quality flags as those of their rows together (``a``'s rows first):
    counts add up, lists of example rows join (the first :data:`FLAG_ROWS`), sentences stay.

    >>> combine_flags({"f": {"meaning": "m", "count": 1, "rows": [1]}}, {"f": {"meaning": "m", "count": 2, "rows": [2, 3]}})
    {'f': {'meaning': 'm', 'count': 3, 'rows': [1, 2, 3]}}
    """
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
        elif isinstance(value, dict):
            out[key] = combine_flags(out[key], value)
        elif isinstance(value, bool) or not isinstance(value, (int, list)):
            out[key] = out[key]
        elif isinstance(value, int):
            out[key] = out[key] + value
        else:
            out[key] = (out[key] + value)[:FLAG_ROWS]
    return out


def settle_bucket(bucket: int, *, spill: Path, staged: Path, surveyed: pd.Series | None = None) -> BucketPart:
    """Merge the duplicates of one bucket's register rows, settle its platform records
    against them, and write both tables' parts of the bucket into ``staged``. With
    ``surveyed`` (the tax codes a survey names), also what the survey needs of the bucket's
    firms (:class:`~adoption.clean.survey.RegisterStrata`)."""
    rows = _gather(spill / "register" / f"b{bucket:04d}")
    if rows is None:
        enterprises, merges = None, None
    else:
        rows = rows.reset_index(drop=True)
        kept, merges = register_merges(rows.drop(columns=_KEY), rows[_KEY])
        # The kept rows are taken once, in the order their parts are written in (by place,
        # each place's rows in the order of their source).
        places = rows[[c for c in PARTITION_COLUMNS if c in rows.columns]].iloc[kept]
        by_place = kept[place_order(places)] if places.shape[1] else kept
        enterprises = rows.drop(columns=_KEY).iloc[by_place].reset_index(drop=True)
    passed = _gather(spill / "platforms" / f"b{bucket:04d}")
    codes = enterprises[E.tax_code] if enterprises is not None else pd.Series([], dtype="string")
    if passed is None:
        stage_clean, platform_rejects, changed, platform_merges, others = empty_platforms(), pd.DataFrame(), {}, pd.DataFrame(), pd.Series(dtype="int64")
    else:
        # Each record's firm found once: whether it is known, its count of platforms, its place.
        stage, platform_merges, others = settle_platforms(passed, codes, positions(passed["_tax_code"], codes))
        stage_clean, platform_rejects, changed = stage.clean, stage.rejects, stage.changed
    firms = stage_clean.pop("_firm").to_numpy() if "_firm" in stage_clean else np.zeros(0, dtype=np.int64)
    platforms = validate(stage_clean, "platforms")
    name = f"part-{bucket:04d}.parquet"
    kept, written = Kept(), []
    if enterprises is not None:
        enterprises = validate(platform_use(enterprises, platforms, firms)[columns("enterprises")], "enterprises")
        kept = Kept.of(enterprises)
        written += write_parts(enterprises, staged / "enterprises.parquet", name)
        # A platform record sits with its firm.
        place = pd.DataFrame({c: enterprises[c].array.take(firms, allow_fill=True)
                              for c in PARTITION_COLUMNS if c in enterprises.columns})
        written += write_parts(platforms, staged / "platforms.parquet", name, place)
    strata = RegisterStrata.of_register(enterprises, surveyed) if surveyed is not None and enterprises is not None else None
    return BucketPart(bucket, merges if merges is not None else pd.DataFrame(), platform_merges, platform_rejects, changed,
                      others, kept, Kept.of(platforms), strata,
                      {path.relative_to(staged).as_posix(): sha256_file(path) for path in written})
