"""File input and output shared by the stages: listing raw files, hashing them, writing
the clean outputs all or nothing, and loading them back (checked against the schema).

Reading a raw export (encodings, delimiters, spreadsheets, headers) is the cleaning
stage's own job: :mod:`adoption.clean.read`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .errors import InputFileError, SchemaError

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # pandas is imported where tables are read or written: checking files needs none of it
    import pandas as pd

# File types a raw folder may hold (data contract, "Raw inputs").
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def _listed(path: Path) -> bool:
    """False for what a folder holds but nobody means as data: hidden and lock files, READMEs."""
    return not path.name.startswith((".", "~$")) and path.name.upper() != "README.MD"


def data_files(folder: Path) -> list[Path]:
    """The data files of a raw folder, sorted by name; READMEs and hidden files skipped.

    Only regular files (or links to one) directly in ``folder``: see :func:`not_read` for
    what else the folder holds.
    """
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _listed(p))


def not_read(folder: Path) -> list[tuple[str, str]]:
    """What a raw folder holds besides its data files, each with why it is not read.

    >>> import tempfile; root = Path(tempfile.mkdtemp()); (root / "old").mkdir()
    >>> (root / "gone.csv").symlink_to(root / "missing.csv"); not_read(root)
    [('gone.csv', 'a link to a file that does not exist'), ('old', 'a sub-folder: files in sub-folders are not read; move them up into the folder itself')]
    """
    if not folder.is_dir():
        return []
    skipped = []
    for path in sorted(folder.iterdir()):
        if path.name.upper() == "README.MD" or (path.is_file() and _listed(path)):
            continue
        if path.name.startswith("~$"):
            skipped.append((path.name, "an Office lock file (the workbook is open in Excel), not data"))
        elif path.name.startswith("."):
            skipped.append((path.name, "a hidden file or folder: rename it without the leading dot to have it read"))
        elif path.is_symlink() and not path.exists():
            skipped.append((path.name, "a link to a file that does not exist"))
        elif path.is_dir():
            skipped.append((path.name, "a sub-folder: files in sub-folders are not read; move them up into the folder itself"))
        else:
            skipped.append((path.name, "not a regular file"))
    return skipped


def raw_is_empty(raw_dir: Path) -> bool:
    """True when none of the four input folders of ``raw_dir`` holds anything but its
    README (hidden files count): the generator never writes beside a user's own files,
    whatever their format or name."""
    for name in config.RAW_SOURCES:
        folder = Path(raw_dir) / name
        if folder.is_dir() and any(p.name.upper() != "README.MD" for p in folder.iterdir()):
            return False
    return True


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
    from pandas.api.types import is_string_dtype

    out = frame.copy()
    out.columns = [_safe_cell(c) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or is_string_dtype(out[column]):
            out[column] = out[column].map(_safe_cell)
    return out


def _safe_cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


# Hidden folders inside an output folder while a set of outputs is written and swapped in.
_STAGING, _BACKUP = ".adoption-new-", ".adoption-old-"


def write_outputs(out_dir: Path, tables: dict[str, pd.DataFrame], quality: dict, csvs: dict[str, pd.DataFrame]) -> None:
    """Publish the clean outputs of one run as one set: ``out_dir`` holds this run's set or
    the previous one, never a mix, and nothing half-written.

    Everything is written into a hidden folder inside ``out_dir`` first, with
    ``quality.json`` last: its ``outputs`` lists every file of the set with its SHA-256 (the
    manifest that :func:`load_clean` checks). Then the previous set is moved aside, the new
    one moved in, and the previous one deleted; if a move fails, the previous set is put
    back before the error is raised. Outputs of an earlier run that this one did not
    produce (no survey this time, say) go with the previous set. CSV files are for people:
    spreadsheet-safe (see :func:`spreadsheet_safe`) and UTF-8 with BOM, so that Excel shows
    Vietnamese text.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out_dir)
    staged = Path(tempfile.mkdtemp(dir=out_dir, prefix=_STAGING))
    try:
        for name, frame in tables.items():
            with _naming(out_dir / name):
                frame.to_parquet(staged / name, index=False)
        for name, frame in csvs.items():
            with _naming(out_dir / name):
                spreadsheet_safe(frame).to_csv(staged / name, index=False, encoding="utf-8-sig")
        manifest = {path.name: sha256_file(path) for path in sorted(staged.iterdir())}
        record = json.loads(json.dumps({**quality, "outputs": manifest}, default=str))
        record[_DIGEST] = _quality_digest(record)
        text = json.dumps(record, ensure_ascii=False, indent=2)
        (staged / config.QUALITY_FILE).write_text(text, encoding="utf-8")
        _swap_in(staged, out_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


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
        if path.is_dir() and path.name.startswith((_STAGING, _BACKUP)):
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
                    name in manifest and not (backup / name).exists() and sha256_file(path) == manifest[name]):
                path.unlink()
        for path in backup.iterdir():
            os.replace(path, out_dir / path.name)
        backup.rmdir()
        log.warning("%s: a run was stopped while it replaced the clean outputs; the previous set is back in place", out_dir)
        return True
    return False


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
                (out_dir / name).unlink(missing_ok=True)
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


def verify_outputs(folder: Path, quality: dict) -> list[str]:
    """What is wrong with a folder's set of clean outputs: files its manifest lists that are
    missing or changed, and outputs it does not list (left from another run). Empty when
    the set is as ``adoption clean`` wrote it.
    """
    manifest = quality.get("outputs")
    if not isinstance(manifest, dict):
        return [f"{config.QUALITY_FILE} has no list of outputs (written by an older version of adoption)"]
    problems = [] if quality.get(_DIGEST) == _quality_digest(quality) else [f"{config.QUALITY_FILE} was changed after `adoption clean` wrote it"]
    for name, digest in manifest.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name} was changed after `adoption clean` wrote it")
    listed = set(manifest) | {config.QUALITY_FILE}
    problems += [f"{name} is not part of this set (left from another run)"
                 for name in config.OUTPUT_FILES if name not in listed and (folder / name).exists()]
    return problems


@dataclass
class CleanData:
    """The clean tables of one processed folder, as :func:`load_clean` returns them."""

    enterprises: pd.DataFrame = field(repr=False)
    platforms: pd.DataFrame = field(repr=False)
    quality: dict = field(repr=False)
    processed_dir: Path

    @property
    def survey(self) -> pd.DataFrame | None:
        """The cleaned technology survey with design weights, or None when there was none."""
        return _read_table(self.processed_dir / config.SURVEY_FILE, "survey", optional=True)

    @property
    def workforce(self) -> pd.DataFrame | None:
        """The cleaned industrial-park workforce and training records, or None."""
        return _read_table(self.processed_dir / config.WORKFORCE_FILE, "workforce", optional=True)

    @property
    def rejects(self) -> pd.DataFrame:
        """Every input row not used, with its reason (rejects.csv, as text)."""
        return _read_text_csv(self.processed_dir / config.REJECTS_FILE)

    @property
    def merges(self) -> pd.DataFrame:
        """Every duplicate row and the row it was merged into (merges.csv, as text)."""
        return _read_text_csv(self.processed_dir / config.MERGES_FILE)

    @property
    def synthetic(self) -> bool:
        """True when any input file was written by the synthetic generator."""
        return bool(self.quality.get("synthetic"))

    @property
    def input_hash(self) -> str:
        """SHA-256 over the input files' hashes: identifies the data a report was built on."""
        return str(self.quality.get("input_hash", ""))


# Clean tables whose bytes this process has checked against the schema: SHA-256 -> table.
# The build checks the tables once, before any kernel starts, and hands its kernels this
# record in the environment variable below; a kernel reading the same bytes skips the
# check (seconds on the default register) instead of repeating it for every report.
CHECKED_TABLES_ENV = "ADOPTION_CHECKED_TABLES"
_checked: dict[str, str] = {}


def checked_tables() -> dict[str, str]:
    """The clean tables checked so far, here or by the build that started this process.

    The value to pass to a process as :data:`CHECKED_TABLES_ENV` (as JSON).
    """
    inherited = os.environ.get(CHECKED_TABLES_ENV)
    if inherited:
        try:
            _checked.update({str(k): str(v) for k, v in json.loads(inherited).items()})
        except (ValueError, AttributeError):  # not ours: check everything
            pass
    return dict(_checked)


def _read_table(path: Path, table: str, *, optional: bool = False) -> pd.DataFrame | None:
    """A clean table, checked against its schema (a file changed by hand is caught here)
    unless these very bytes were checked before (:func:`checked_tables`)."""
    if not path.is_file():
        if optional:
            return None
        raise InputFileError(f"{path}: missing; run `adoption clean` again")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        import pandas as pd

        from . import schema

        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputFileError(f"{path}: not a readable Parquet table ({exc.__class__.__name__}); "
                             "run `adoption clean` again") from None
    try:
        if checked_tables().get(digest) == table:
            return schema.with_categories(frame, table)
        for column, allowed in schema.CATEGORIES.get(table, {}).items():
            outside = set(map(str, frame[column].dropna().unique())) - set(allowed) if column in frame.columns else set()
            if outside:
                raise SchemaError(f"{table} does not match the data contract:\n  {column}: values outside {list(allowed)}, "
                                  f"e.g. {sorted(outside)[0]!r}")
        checked = schema.validate(schema.with_categories(frame, table), table)
    except SchemaError as exc:
        raise SchemaError(f"{path}: {exc}") from None
    _checked[digest] = table
    return checked


def _read_text_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputFileError(f"{path}: missing; run `adoption clean` again")
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def load_quality(processed_dir: Path | str | None = None) -> dict:
    """The ``quality.json`` of a processed folder: provenance and accounting, without the tables."""
    path = (Path(processed_dir) if processed_dir else config.PROCESSED_DIR) / config.QUALITY_FILE
    if not path.is_file():
        if any(path.parent.glob(_BACKUP + "*")):
            raise InputFileError(f"{path.parent}: a run of `adoption clean` was stopped while it replaced the clean data "
                                 "(or is replacing them now); run `adoption clean` again")
        raise InputFileError(f"{path.parent}: no clean data ({path.name} missing); run `adoption clean` first")
    try:
        quality = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: not readable JSON ({exc.__class__.__name__}); run `adoption clean` again") from None
    if not isinstance(quality, dict) or not isinstance(quality.get("files", {}), dict):
        raise InputFileError(f"{path}: not the quality record `adoption clean` writes; run `adoption clean` again")
    return quality


def load_clean(processed_dir: Path | str | None = None) -> CleanData:
    """Load the clean tables written by ``adoption clean``.

    >>> data = load_clean()  # doctest: +SKIP
    >>> len(data.enterprises)  # doctest: +SKIP
    76500
    """
    folder = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    needed = [folder / config.ENTERPRISES_FILE, folder / config.PLATFORMS_FILE, folder / config.QUALITY_FILE]
    missing = [p.name for p in needed if not p.is_file()]
    if missing:
        raise InputFileError(f"{folder}: no clean data ({', '.join(missing)} missing); run `adoption clean` first")
    quality = load_quality(folder)
    enterprises, platforms = _read_table(needed[0], "enterprises"), _read_table(needed[1], "platforms")
    problems = verify_outputs(folder, quality)
    if problems:
        raise InputFileError(f"{folder}: the clean data are not one set as `adoption clean` wrote them: "
                             f"{'; '.join(problems)}. Run `adoption clean` again")
    return CleanData(enterprises=enterprises, platforms=platforms, quality=quality, processed_dir=folder)
