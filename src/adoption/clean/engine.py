"""Cleaning input too large for memory: in parts on this machine, or on a Dask cluster.

``adoption clean --engine chunked`` runs the tasks of :mod:`adoption.clean.parts` one after
the other in this process: a run of small raw files (or one large one, or a piece of it)
and one bucket of tax codes in memory at a time.
``--engine dask`` hands the same tasks to the workers of a ``dask.distributed`` cluster
(``--scheduler ADDRESS``, or a cluster on this machine), which read and write the raw and
output folders, so those must be on a filesystem the workers share. Either way the
outputs are those of the in-memory path, row for row, and the enterprises and platform
records are written in parts by province and district (:mod:`adoption.core.partitions`).
"""

from __future__ import annotations

import logging
import math
import shutil
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for_all
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from ..core import config
from ..core.errors import InputFileError, ParameterError
from ..core.io import data_files
from ..core.outputs import staging_folder, work_folder, write_outputs
from ..core.scope import Scope, parse_scope
from ..core.schema import SOURCE_COLUMNS
from ..core.signals import WAKE_SECONDS
from . import vocab
from .accounting import Kept
from .duplicates import no_merges
from .limits import ReadLimits
from .parts import FOLDERS, BucketPart, FilePart, batches, clean_files, combine_parts, settle_bucket
from .pieces import PIECE_BYTES
from .pipeline import CleanResult, Outcome, account, clean_small_tables, read_small_tables, vsic_setting
from .platforms import ORDER, empty_platforms, other_platforms
from .rejects import Stage
from .survey import RegisterStrata, surveyed_codes

log = logging.getLogger(__name__)

ENGINES = config.ENGINES
# Rows cleaned at a time (of one or more raw files).
CHUNK_ROWS = 200_000
# Raw bytes of small files cleaned together (a task; a run of files in one chunk of rows).
BATCH_BYTES = 32 << 20
# Raw bytes per bucket of tax codes: a bucket's rows are in memory at once when duplicates merge
# (fewer, larger buckets write fewer, larger Parquet parts: each part costs its own setup).
BUCKET_BYTES = 256 << 20
MAX_BUCKETS = 512


@contextmanager
def in_background(threads: int):
    """A pool of ``threads`` for work done while this thread goes on: the block gets a
    ``submit(function, *args, **kwargs)`` returning its future, and leaving the block waits
    for every task submitted.

    It waits through the tasks' futures, in steps, never in a thread's join (see
    :mod:`adoption.core.signals`): stopped while it waits, the tasks still end before the
    process does (no cluster half closed, no folder half removed).
    """
    pool = ThreadPoolExecutor(threads, thread_name_prefix="clean-background")
    submitted = []

    def submit(function, *args, **kwargs):
        submitted.append(pool.submit(function, *args, **kwargs))
        return submitted[-1]

    try:
        yield submit
    finally:
        pool.shutdown(wait=False)
        while wait_for_all(submitted, timeout=WAKE_SECONDS).not_done:
            pass


def bucket_count(files: list[Path], given: int | None = None, threads: int = 1) -> int:
    """How many buckets of tax codes: ``given``, or one per :data:`BUCKET_BYTES` of raw files,
    rounded up to a multiple of ``threads`` (the tasks that run at once: a cluster's worker
    threads). Buckets take about the same time each to settle, so that every thread settles
    as many and none is left waiting for another's last bucket.

    >>> bucket_count([Path(__file__)]), bucket_count([Path(__file__)], threads=4), bucket_count([], 3, threads=4)
    (1, 4, 3)
    """
    if given is not None:
        if given < 1:
            raise ParameterError(f"buckets {given}: expected a whole number of 1 or more")
        return given
    count = max(1, math.ceil(sum(p.stat().st_size for p in files) / BUCKET_BYTES))
    return min(MAX_BUCKETS, math.ceil(count / threads) * threads)


@dataclass
class _Run:
    """How tasks run: one after the other here, or on a cluster's workers."""

    client: object | None = None

    @property
    def threads(self) -> int:
        """How many tasks run at once: the cluster's worker threads (1 here)."""
        return max(1, sum(self.client.nthreads().values())) if self.client is not None else 1

    def map(self, task, items: list, what: str, sizes: list[int] | None = None) -> list:
        """``task`` of each of ``items``, in their order; on a cluster the largest first
        (by ``sizes``), so that a large task does not start last and run alone."""
        results = []
        if self.client is None:
            for number, item in enumerate(items, start=1):
                results.append(task(item))
                log.info("%s [%d/%d]", what, number, len(items))
            return results
        from distributed import as_completed

        first = sorted(range(len(items)), key=lambda i: -sizes[i]) if sizes else list(range(len(items)))
        rank = {position: len(items) - order for order, position in enumerate(first)}  # higher runs sooner
        futures = [self.client.submit(task, item, pure=False, priority=rank[position])
                   for position, item in enumerate(items)]
        done = {}
        for number, future in enumerate(as_completed(futures, loop=self.client.loop), start=1):
            done[future.key] = future.result()
            log.info("%s [%d/%d] (on the cluster)", what, number, len(items))
        return [done[f.key] for f in futures]


@contextmanager
def _runner(engine: str, scheduler: str | None):
    if engine not in ENGINES:
        raise ParameterError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if engine == "memory":
        raise ParameterError("engine 'memory' cleans with clean_folder, not in parts")
    if engine != "dask":
        if scheduler is not None:
            raise ParameterError("--scheduler is for --engine dask")
        yield _Run()
        return
    from ..core.cluster import open_client

    with open_client(scheduler or "local") as client:
        yield _Run(client)


def _files_task(item: tuple, **settings) -> FilePart:
    folder, files = item
    return clean_files(files, folder=folder, **settings)


def clean_in_parts(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR, limits: ReadLimits | None = None, *,
                   engine: str = "chunked", scheduler: str | None = None, chunk_rows: int = CHUNK_ROWS,
                   buckets: int | None = None, vsic_version: str | None = None, extracted_on: str | None = None,
                   scope: Scope | str | None = None, piece_bytes: int = PIECE_BYTES,
                   batch_bytes: int = BATCH_BYTES) -> CleanResult:
    """Clean ``raw_dir`` into ``out_dir`` in parts (see the module's text): the same outputs
    as :func:`~adoption.clean.pipeline.clean_folder`, the enterprises and platform records
    in parts by province and district; ``scope`` as for :func:`~adoption.clean.pipeline.clean_raw`.
    A CSV of more than ``piece_bytes`` is read a piece at a time (:mod:`adoption.clean.pieces`),
    a workbook of several sheets whose XML passes it a sheet at a time (:mod:`adoption.clean.workbook`);
    consecutive files of about ``batch_bytes`` together are one task, their rows cleaned together.
    The result holds the small tables (survey, workforce,
    rejects, merges, extras) and the accounting; its enterprises and platforms are empty.
    """
    raw_dir, out_dir, scope = Path(raw_dir), Path(out_dir), parse_scope(scope)
    limits = limits or ReadLimits.from_environment()
    if chunk_rows < 1:
        raise ParameterError(f"chunk rows {chunk_rows}: expected a whole number of 1 or more")
    extract, vsic_version = vsic_setting(raw_dir, vsic_version, extracted_on)
    registers, platform_files = data_files(raw_dir / "register"), data_files(raw_dir / "platforms")
    if not registers:
        raise InputFileError(f"{raw_dir / 'register'}: no register file found; expected one or more CSV or XLSX files")
    survey_tables, workforce_tables = read_small_tables(raw_dir, limits)
    if buckets is not None:
        bucket_count([], buckets)  # a wrong number refused before a cluster starts
    staged, spill = staging_folder(out_dir), work_folder(out_dir)
    try:
        with ExitStack() as stack:
            run = stack.enter_context(_runner(engine, scheduler))
            count = bucket_count(registers + platform_files, buckets, run.threads)
            items = ([("register", run_) for run_ in batches(registers, batch_bytes)]
                     + [("platforms", run_) for run_ in batches(platform_files, batch_bytes)])
            log.info("cleaning %d files in %d runs, in chunks of %s rows, duplicates in %d buckets (%s)",
                     len(registers) + len(platform_files), len(items), f"{chunk_rows:,}", count, engine)
            files = run.map(partial(_files_task, spill=spill, buckets=count, chunk_rows=chunk_rows,
                                    piece_bytes=piece_bytes, limits=limits, vsic_version=vsic_version, scope=scope),
                            items, "cleaned run of files", [sum(p.stat().st_size for _, p in run_) for _, run_ in items])
            register = [f for f in files if f.folder == "register"]
            if not sum(f.kept for f in register):
                _no_valid_row(raw_dir, register)
            surveyed = surveyed_codes(pd.concat([t.frame for t in survey_tables], ignore_index=True)) if survey_tables else None
            settled = run.map(partial(settle_bucket, spill=spill, staged=staged, surveyed=surveyed), list(range(count)),
                              "settled bucket")
            cluster = stack.pop_all()
        # The cluster closes, and the buckets' spill files go, while this process does the accounting.
        with in_background(2) as background:
            closing = background(cluster.close)
            for folder in FOLDERS:
                background(shutil.rmtree, spill / folder, ignore_errors=True)
            if not (staged / config.PLATFORMS_FILE).exists():  # no platform record kept: an empty table, as in memory
                (staged / config.PLATFORMS_FILE).mkdir()
                empty_platforms().to_parquet(staged / config.PLATFORMS_FILE / "part-0000.parquet", index=False)
            outcome = _outcome(register, [f for f in files if f.folder == "platforms"], settled)
            # The survey is joined to the register: each bucket gave its surveyed firms and its strata's counts.
            strata = RegisterStrata.combine([b.strata for b in settled]) if survey_tables else None
            small = clean_small_tables(survey_tables, workforce_tables, strata, scope)
            rejects, merges, quality = account(raw_dir, outcome, small, limits=limits, extract=extract, scope=scope)
            quality["engine"] = {"name": engine, "chunk_rows": chunk_rows, "buckets": count}
            extras = _extras(spill, files, survey_tables + workforce_tables)
            tables = {config.SURVEY_FILE: small.survey, config.WORKFORCE_FILE: small.workforce,
                      config.EXTRAS_FILE: extras if len(extras) else None}
            closing.result()  # a cluster that failed to close fails the run before anything is published
            write_outputs(out_dir, {k: v for k, v in tables.items() if v is not None}, quality,
                          {config.REJECTS_FILE: rejects, config.MERGES_FILE: merges}, staged=staged,
                          digests={path: digest for bucket in settled for path, digest in bucket.digests.items()})
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)
    log.info("wrote %s enterprises to %s", f"{quality['totals']['enterprises']:,}", out_dir)
    return CleanResult(enterprises=pd.DataFrame(), platforms=pd.DataFrame(), survey=small.survey, workforce=small.workforce,
                       rejects=rejects, merges=merges, extras=extras, quality=quality)


def clean_with(raw_dir: Path, out_dir: Path, *, engine: str = "memory", scheduler: str | None = None,
               chunk_rows: int | None = None, **settings) -> CleanResult:
    """Clean ``raw_dir`` into ``out_dir`` with ``engine``: ``memory`` (every table in memory
    at once, :func:`~adoption.clean.pipeline.clean_folder`), ``chunked`` or ``dask`` (see
    :func:`clean_in_parts`)."""
    if engine == "memory":
        if scheduler is not None or chunk_rows is not None:
            raise ParameterError("--scheduler and --chunk-rows are for --engine chunked or dask")
        from .pipeline import clean_folder

        return clean_folder(raw_dir, out_dir, **settings)
    return clean_in_parts(raw_dir, out_dir, engine=engine, scheduler=scheduler,
                          chunk_rows=CHUNK_ROWS if chunk_rows is None else chunk_rows, **settings)  # 0 refused there


def _no_valid_row(raw_dir: Path, register: list[FilePart]) -> None:
    reasons = set()
    for part in register:
        reasons |= set(part.rejects["reason_code"]) if len(part.rejects) else set()
        for table in part.tables:
            reasons |= set(table.rejects["reason_code"])
    names = ", ".join(table.path.name for part in register for table in part.tables)
    raise InputFileError(f"{raw_dir / 'register'}: no valid row in {names}; every row was rejected ({', '.join(sorted(reasons))})")


def _by_tax_code(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Merged rows of every bucket in the in-memory order: by tax code (a tax code's rows are
    all in one bucket, in order)."""
    frames = [f for f in frames if len(f)]
    if not frames:  # no row merged: the columns of a merge all the same, as in memory
        return no_merges()
    return pd.concat(frames, ignore_index=True).sort_values("tax_code", kind="stable").reset_index(drop=True)


def _outcome(register: list[FilePart], platforms: list[FilePart], settled: list[BucketPart]) -> Outcome:
    reg = combine_parts(register)
    reg.flags.setdefault("vsic_version", {})["files_naming_version"] = dict(sorted(reg.versions.items()))
    register_stage = Stage(clean=pd.DataFrame(), rejects=reg.rejects, changed=reg.changed, out_of_range=reg.out_of_range,
                           flags=reg.flags, unparsed=reg.unparsed)
    screened = [p.rejects for p in platforms if len(p.rejects)] + [b.platform_rejects for b in settled if len(b.platform_rejects)]
    platform_rejects = (pd.concat(screened, ignore_index=True).sort_values(ORDER, kind="stable").drop(columns=ORDER)
                        .reset_index(drop=True) if screened else pd.DataFrame(columns=_no_platform_rejects(bool(platforms))))
    changed = {"platform": sum(b.platform_changed.get("platform", 0) for b in settled)} if platforms else {}
    others = pd.concat([b.others for b in settled]) if settled else pd.Series(dtype="int64")
    platform_stage = Stage(clean=pd.DataFrame(), rejects=platform_rejects, changed=changed,
                           flags=other_platforms(others) if platforms else {},
                           unparsed=combine_parts(platforms).unparsed if platforms else Stage(pd.DataFrame(), pd.DataFrame()).unparsed)
    kept_enterprises, kept_platforms = Kept(), Kept()
    for bucket in settled:
        kept_enterprises, kept_platforms = kept_enterprises + bucket.enterprises, kept_platforms + bucket.platforms
    return Outcome(tables={"register": [t for f in register for t in f.tables],
                           "platforms": [t for f in platforms for t in f.tables]},
                   kept={"register": kept_enterprises, "platforms": kept_platforms},
                   rejects={"register": register_stage.rejects, "platforms": platform_rejects},
                   merges={"register": _by_tax_code([b.merges for b in settled]),
                           "platforms": _by_tax_code([b.platform_merges for b in settled])},
                   stages={"register": register_stage, "platforms": platform_stage})


def _no_platform_rejects(files: bool) -> list[str]:
    """The columns of the platform records' rejects when none is rejected, as in memory:
    those of a reject where platform files were read, the source alone where none were."""
    return [*SOURCE_COLUMNS, "reason_code", "reason", *vocab.PLATFORM_HEADER_ALIASES] if files else SOURCE_COLUMNS


def _extras(spill: Path, files: list[FilePart], small_tables) -> pd.DataFrame:
    """The extra columns' values of every file, in the in-memory order (register files,
    platform files, survey, workforce)."""
    parts = [pd.read_pickle(spill / "extras" / f"{f.folder}-f{f.number:05d}.pkl") for f in files]
    return pd.concat(parts + [t.extras for t in small_tables], ignore_index=True)
