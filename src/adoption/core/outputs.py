"""The clean outputs of one run, published as one set: written aside, swapped in whole
(or the previous set put back), listed with their SHA-256 in ``quality.json`` and checked
against that list when read (:func:`verify_outputs`). CSV files for people are
spreadsheet-safe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import config

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Characters that make a spreadsheet read a cell as a formula, or that it skips before
# one (tab, carriage return, line feed): OWASP's list for CSV injection.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells starting with = + - @ (or a tab, carriage return or line
    feed) get a leading apostrophe, in every column and in the header.

    A spreadsheet then shows the text instead of running it as a formula.

    >>> import pandas as pd
    >>> spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "ok", "-3", chr(9) + "=2"]}))["a"].str.startswith("'").tolist()
    [True, False, True, True]
    """
    import pandas as pd
    from pandas.api.types import is_string_dtype

    out = frame.copy()
    out.columns = [_safe_cell(c) for c in out.columns]
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or is_string_dtype(values)):
            continue
        starts = _formula_starts(values)
        if starts is None:  # an object column without text
            continue
        if starts.any():  # by position (an index may repeat labels); text stays text, anything else objects
            cells = values.to_numpy(dtype=object, copy=True)
            cells[starts] = ["'" + cell for cell in cells[starts]]
            # (an object column stays one: pandas would make text and missing cells text, None NaN)
            out[column] = (pd.array(cells, dtype=values.dtype) if isinstance(values.dtype, pd.StringDtype)
                           else pd.Series(cells, index=out.index, dtype=object))  # the frame's own index: no alignment
    return out


def _formula_starts(values: pd.Series):
    """Which cells of a text (or object) column are text that starts a formula; None for an
    object column without text. A column of text and missing cells only is looked at by
    pyarrow at once; one holding other values too, by pandas cell by cell."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.dtype == object:
        try:
            text = pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowException, UnicodeError):  # numbers among the text, say, or a lone surrogate
            text = None
        if text is not None:
            if text.null_count == len(text):
                return None
            return np.asarray(pc.match_substring_regex(text, _FORMULA_PATTERN).fill_null(False), dtype=bool)
    try:  # the text cells that start a formula, found at once (other cells are not text)
        return values.str.startswith(_FORMULA_START).fillna(False).to_numpy(dtype=bool)
    except AttributeError:
        return None


# _FORMULA_START as an RE2 pattern (a value starting with any of them).
_FORMULA_PATTERN = "^[" + "".join(re.escape(c) for c in _FORMULA_START) + "]"


def _safe_cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


# Hidden folders inside an output folder while a set of outputs is written and swapped in.
_STAGING, _BACKUP, _WORK = ".adoption-new-", ".adoption-old-", ".adoption-work-"


def write_outputs(out_dir: Path, tables: dict[str, pd.DataFrame], quality: dict, csvs: dict[str, pd.DataFrame], *,
                  staged: Path | None = None, digests: dict[str, str] | None = None) -> None:
    """Publish the clean outputs of one run as one set: ``out_dir`` holds this run's set or
    the previous one, never a mix, and nothing half-written.

    Everything is written into a hidden folder inside ``out_dir`` first, with
    ``quality.json`` last: its ``outputs`` lists every file of the set with its SHA-256 (the
    manifest that :func:`load_clean` checks). Then the previous set is moved aside, the new
    one moved in, and the previous one deleted; if a move fails, the previous set is put
    back before the error is raised. Outputs of an earlier run that this one did not
    produce (no survey this time, say) go with the previous set. ``staged`` is a folder of
    :func:`staging_folder` already holding outputs (tables written in parts); the others
    join them there; ``digests`` the SHA-256 of files already there, by their path inside
    it, as the processes that wrote them found them (the others are read here). CSV files are for people:
    spreadsheet-safe (see :func:`spreadsheet_safe`) and UTF-8 with BOM, so that Excel shows
    Vietnamese text.
    """
    if staged is None:
        staged = staging_folder(out_dir)
    try:
        for name, frame in tables.items():
            with _naming(out_dir / name):
                frame.to_parquet(staged / name, index=False)
        for name, frame in csvs.items():
            with _naming(out_dir / name):
                spreadsheet_safe(frame).to_csv(staged / name, index=False, encoding="utf-8-sig")
        digests = digests or {}
        files = sorted(path.relative_to(staged).as_posix() for path in staged.rglob("*") if path.is_file())
        manifest = {name: digests.get(name) or sha256_file(staged / name) for name in files}
        record = json.loads(json.dumps({**quality, "outputs": manifest}, default=str))
        record[_DIGEST] = _quality_digest(record)
        text = json.dumps(record, ensure_ascii=False, indent=2)
        (staged / config.QUALITY_FILE).write_text(text, encoding="utf-8")
        _swap_in(staged, out_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def staging_folder(out_dir: Path) -> Path:
    """A new hidden folder inside ``out_dir`` where a set of outputs is written before
    :func:`write_outputs` swaps it in (leftovers of a run that was stopped are removed first)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out_dir)
    return Path(tempfile.mkdtemp(dir=out_dir, prefix=_STAGING))


def work_folder(out_dir: Path) -> Path:
    """A hidden folder inside ``out_dir`` for a run's intermediate files (removed by the run,
    or as a leftover by the next one)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=out_dir, prefix=_WORK))


@contextmanager
def _naming(path: Path):
    """Give an OSError raised while ``path`` is written that file's name (pyarrow's and
    pandas' errors on a full disk name none)."""
    try:
        yield
    except OSError as exc:
        if not exc.filename:
            exc.filename = str(path)
        raise


def _remove_leftovers(out_dir: Path) -> None:
    """Hidden folders of a run that was killed while writing, once the set they belong to
    is settled (:func:`restore_interrupted`)."""
    restore_interrupted(out_dir)
    for path in out_dir.glob(".adoption-*-*"):
        if path.is_dir() and path.name.startswith((_STAGING, _BACKUP, _WORK)):
            shutil.rmtree(path, ignore_errors=True)


def restore_interrupted(out_dir: Path) -> bool:
    """Put back the previous set of outputs when a run was killed in the middle of its swap
    (``out_dir`` has no ``quality.json``, a hidden backup folder has one): the files of the
    new set that had arrived are removed, and the previous set's files, wherever they are,
    are checked against its manifest. True when a set was restored.
    """
    if (out_dir / config.QUALITY_FILE).exists():
        return False
    for backup in sorted(out_dir.glob(_BACKUP + "*")):
        try:
            quality = json.loads((backup / config.QUALITY_FILE).read_text(encoding="utf-8"))
            manifest = dict(quality["outputs"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a complete backup: the swap had not started moving the set aside
        for name in config.OUTPUT_FILES:  # what is here is the new set's, or the previous set's not yet moved
            path = out_dir / name
            if path.exists() and name != config.QUALITY_FILE and not (
                    not (backup / name).exists() and _as_listed(path, name, manifest)):
                _remove(path)
        for path in backup.iterdir():
            os.replace(path, out_dir / path.name)
        backup.rmdir()
        log.warning("%s: a run was stopped while it replaced the clean outputs; the previous set is back in place", out_dir)
        return True
    return False


def _as_listed(path: Path, name: str, manifest: dict[str, str]) -> bool:
    """True when the output ``name`` at ``path`` (a file, or a folder of parts) is as ``manifest`` lists it."""
    if path.is_dir():
        files = {f"{name}/{p.relative_to(path).as_posix()}": p for p in path.rglob("*") if p.is_file()}
        listed = {key for key in manifest if key.startswith(f"{name}/")}
        return bool(files) and set(files) == listed and all(sha256_file(p) == manifest[key] for key, p in files.items())
    return name in manifest and sha256_file(path) == manifest[name]


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def _swap_in(staged: Path, out_dir: Path) -> None:
    """Replace the outputs in ``out_dir`` by those in ``staged``, all or none."""
    backup = Path(tempfile.mkdtemp(dir=out_dir, prefix=_BACKUP))
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        # The previous manifest goes aside first: from then on a reader finds no set at all
        # until the new one is complete, rather than a mix.
        for name in sorted(config.OUTPUT_FILES, key=lambda n: n != config.QUALITY_FILE):
            if (out_dir / name).exists():
                os.replace(out_dir / name, backup / name)
                moved_aside.append(name)
        # quality.json, the manifest, goes in last.
        names = sorted((p.name for p in staged.iterdir()), key=lambda n: n == config.QUALITY_FILE)
        for name in names:
            os.replace(staged / name, out_dir / name)
            moved_in.append(name)
    except BaseException:
        try:
            for name in moved_in:
                if (out_dir / name).exists():
                    _remove(out_dir / name)
            for name in moved_aside:
                os.replace(backup / name, out_dir / name)
        except OSError:
            pass  # the previous set stays in the hidden backup folder; the manifest shows the mix
        else:
            shutil.rmtree(backup, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)


# Key of quality.json holding the SHA-256 of the rest of it: a hand edit of quality.json
# (marking synthetic data as real, say) is caught like an edit of a table.
_DIGEST = "digest"


def _quality_digest(quality: dict) -> str:
    rest = {key: value for key, value in quality.items() if key != _DIGEST}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def verify_outputs(folder: Path, quality: dict, parts_read: set[str] | None = None) -> list[str]:
    """What is wrong with a folder's set of clean outputs: files its manifest lists that are
    missing or changed, and outputs it does not list (left from another run). Empty when
    the set is as ``adoption clean`` wrote it. With ``parts_read`` (the parts a load of some
    places reads, as the manifest names them), only those parts are checked for changes;
    every part is still checked to be there and listed.
    """
    manifest = quality.get("outputs")
    if not isinstance(manifest, dict):
        return [f"{config.QUALITY_FILE} has no list of outputs (written by an older version of adoption)"]
    problems = [] if quality.get(_DIGEST) == _quality_digest(quality) else [f"{config.QUALITY_FILE} was changed after `adoption clean` wrote it"]
    for name, digest in manifest.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif parts_read is not None and "/" in name and name not in parts_read:
            continue  # a part of places this load does not read
        elif sha256_file(path) != digest:
            problems.append(f"{name} was changed after `adoption clean` wrote it")
    listed = {name.split("/", 1)[0] for name in manifest} | {config.QUALITY_FILE}
    for name in sorted(listed):  # a table in parts holds the parts listed, and no other
        if (folder / name).is_dir():
            problems += [f"{path.relative_to(folder).as_posix()} is not part of this set (left from another run)"
                         for path in sorted((folder / name).rglob("*"))
                         if path.is_file() and path.relative_to(folder).as_posix() not in manifest]
    problems += [f"{name} is not part of this set (left from another run)"
                 for name in config.OUTPUT_FILES if name not in listed and (folder / name).exists()]
    return problems
