"""File input and output shared by the stages: listing raw files, hashing them, and
loading the clean outputs back (checked against their manifest and the schema). Writing
them as one set is :mod:`adoption.core.outputs`.

Reading a raw export (encodings, delimiters, spreadsheets, headers) is the cleaning
stage's own job: :mod:`adoption.clean.read`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import config, partitions
from .errors import InputFileError, ParameterError, SchemaError
from .outputs import _BACKUP, sha256_file, verify_outputs
from .version import code_hash

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


def separate_folders(raw_dir: Path, processed_dir: Path) -> None:
    """Refuse folders of raw and clean data inside each other, or the same folder: the
    cleaning replaces what its output folder holds."""
    raw, out = Path(raw_dir).resolve(), Path(processed_dir).resolve()
    if out.is_relative_to(raw) or raw.is_relative_to(out):
        where = (f"the clean data's folder {processed_dir} is the raw folder itself" if out == raw else
                 f"the clean data's folder {processed_dir} is inside the raw folder {raw_dir}" if out.is_relative_to(raw) else
                 f"the raw folder {raw_dir} is inside the clean data's folder {processed_dir}")
        raise InputFileError(f"{where}: the cleaning replaces what its folder holds, so each needs a folder of its own "
                             "(e.g. data/raw and data/processed)")


def clean_targets(raw_dir: Path, processed_dir: Path) -> list[tuple[Path, Path]]:
    """Each raw folder to clean and the folder its clean data go to: the raw folder itself,
    or for a series (a folder per extract date) each extract into a folder of the same
    name. Refuses a series when ``processed_dir`` holds the clean data of one extract, and
    folders inside each other (the cleaning replaces what its output folder holds).

    >>> clean_targets(Path("data/raw"), Path("data/raw/processed"))
    Traceback (most recent call last):
    ...
    adoption.core.errors.InputFileError: the clean data's folder data/raw/processed is inside the raw folder data/raw: the cleaning replaces what its folder holds, so each needs a folder of its own (e.g. data/raw and data/processed)
    """
    separate_folders(raw_dir, processed_dir)
    series = raw_extracts(raw_dir)
    if series and (Path(processed_dir) / config.QUALITY_FILE).is_file():
        # The build would read that one extract and never see the series' folders beside it.
        raise InputFileError(f"{processed_dir} holds the clean data of one extract ({config.QUALITY_FILE}), and {raw_dir} "
                             "is a series of extracts, cleaned into a folder per date: delete the clean files of the one "
                             "extract (and its reports), or give the series another folder (--out, --processed)")
    return [(folder, Path(processed_dir) / day) for day, folder in series] or [(Path(raw_dir), Path(processed_dir))]


def _holds_files(folder: Path) -> bool:
    """True when ``folder`` holds anything but a README (hidden files count)."""
    return folder.is_dir() and any(p.name.upper() != "README.MD" for p in folder.iterdir())


def raw_is_empty(raw_dir: Path) -> bool:
    """True when none of the four input folders of ``raw_dir`` holds anything but its
    README (hidden files count): the generator never writes beside a user's own files,
    whatever their format or name. A folder of extracts is never empty."""
    if raw_extracts(raw_dir):
        return False
    return not any(_holds_files(Path(raw_dir) / name) for name in config.RAW_SOURCES)


def clean_is_current(raw_dir: Path, processed_dir: Path, *, scope: str = "74") -> bool:
    """True when ``processed_dir`` holds the clean set of ``raw_dir``'s very files, made by
    this cleaning code for ``scope`` (a GSO code or ``national``, as quality.json records
    it; clean data from before scopes are Bình Dương's), as ``adoption clean`` wrote it
    (from hashes alone: no pandas)."""
    processed_dir = Path(processed_dir)
    quality_path = processed_dir / config.QUALITY_FILE
    if not quality_path.is_file() or not (processed_dir / config.ENTERPRISES_FILE).exists():
        return False
    quality = json.loads(quality_path.read_text(encoding="utf-8"))
    current = {f"{folder}/{path.name}": sha256_file(path)
               for folder in config.RAW_SOURCES for path in data_files(Path(raw_dir) / folder)}
    recorded = {rel: info.get("sha256") for rel, info in quality.get("files", {}).items()}
    made_for = quality.get("scope", {}).get("code", "74")
    return (current == recorded and made_for == scope and quality.get("code_hash") == code_hash("core", "clean")
            and not verify_outputs(processed_dir, quality))


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


def _read_table(path: Path, table: str, *, optional: bool = False, where: dict | None = None) -> pd.DataFrame | None:
    """A clean table, checked against its schema (a file changed by hand is caught here)
    unless these very bytes were checked before (:func:`checked_tables`); with ``where``,
    only its rows of those places (see :func:`load_clean`)."""
    if not path.exists():
        if optional:
            return None
        raise InputFileError(f"{path}: missing; run `adoption clean` again")
    try:
        import pandas as pd

        from . import schema

        if path.is_dir():  # written in parts (see adoption.core.partitions)
            datas = {part: part.read_bytes() for part in partitions.selected(partitions.part_files(path), path, where)}
            digest = hashlib.sha256("".join(hashlib.sha256(d).hexdigest() for d in datas.values()).encode()).hexdigest()
            frame = partitions.read_parts(path, schema.columns(table), datas=datas, where=where)
        else:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            frame = partitions.where_rows(pd.read_parquet(io.BytesIO(data)), where)
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


def extract_folders(root: Path | str, *, holding: str = config.QUALITY_FILE) -> list[tuple[str, Path]]:
    """The extracts of a series: ``(date, folder)`` for each sub-folder of ``root`` named by
    its extract date (``YYYY-MM-DD``) that holds ``holding`` (clean data; ``"register"``
    for a raw series), oldest first."""
    root = Path(root)
    found = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            day = date.fromisoformat(folder.name).isoformat()
        except ValueError:
            continue
        if (folder / holding).exists():
            found.append((day, folder))
    return found


def raw_extracts(raw_dir: Path | str) -> list[tuple[str, Path]]:
    """The extracts of a raw folder that is a series (a folder per extract date, each laid
    out like ``data/raw/``); none for a raw folder of one extract (its ``register/`` holds
    files: a ``register/`` with its README alone does not make one).

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> for folder in ("register", "2023-09-30/register", "2024-12-31/register", "2024-12-31_truth"):
    ...     (root / folder).mkdir(parents=True)
    >>> [day for day, _ in raw_extracts(root)]
    ['2023-09-30', '2024-12-31']
    >>> _ = (root / "register" / "dn.csv").write_text("MST"); raw_extracts(root)
    []
    """
    if _holds_files(Path(raw_dir) / "register"):
        return []
    return extract_folders(raw_dir, holding="register")


def is_series(processed_dir: Path | str) -> bool:
    """True for a folder of extracts (dated sub-folders of clean data, none at its top)."""
    return not (Path(processed_dir) / config.QUALITY_FILE).is_file() and bool(extract_folders(processed_dir))


def _series_quality(root: Path) -> dict:
    """The provenance of a series: its extracts, every input file by extract, one hash."""
    parts = {day: load_quality(folder) for day, folder in extract_folders(root)}
    digest = hashlib.sha256("".join(f"{day}:{q.get('input_hash', '')};" for day, q in parts.items()).encode()).hexdigest()
    return {
        "series": list(parts),
        "synthetic": any(bool(q.get("synthetic")) for q in parts.values()),
        "input_hash": digest,
        "files": {f"{day}/{rel}": info for day, q in parts.items() for rel, info in q.get("files", {}).items()},
        "outputs": {f"{day}/{name}": sha for day, q in parts.items() for name, sha in q.get("outputs", {}).items()},
    }


def load_quality(processed_dir: Path | str | None = None) -> dict:
    """The ``quality.json`` of a processed folder: provenance and accounting, without the
    tables; for a folder of extracts (:func:`is_series`), that of the whole series."""
    path = (Path(processed_dir) if processed_dir else config.PROCESSED_DIR) / config.QUALITY_FILE
    if not path.is_file() and is_series(path.parent):
        return _series_quality(path.parent)
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


def _parts_read(folder: Path, tables: list[Path], where: dict | None) -> set[str] | None:
    """The parts (named as the manifest names them) that a load with ``where`` reads; None
    for a load of every firm."""
    if not where:
        return None
    return {part.relative_to(folder).as_posix() for table in tables if table.is_dir()
            for part in partitions.selected(partitions.part_files(table), table, where)}


def load_clean(processed_dir: Path | str | None = None, *, province: str | None = None,
               where: dict[str, str | None] | None = None, check: bool = True) -> CleanData:
    """Load the clean tables written by ``adoption clean``; with ``where`` (a column of the
    enterprises table -> its value, e.g. ``{"district_code": "718"}``; None for unknown),
    only those firms and their platform records: of tables written in parts, only the
    parts of the places it names are read (``province_code``, ``district_code``).
    Every output is checked against the set's manifest (of tables in parts, with
    ``where``: the parts read); ``check=False`` skips that, for a caller that has just
    checked it (one load per place of the same folder). ``province`` (a GSO
    code or a name in any spelling) keeps that province's firms, as ``where`` on
    ``province_code`` does.

    >>> data = load_clean()  # doctest: +SKIP
    >>> len(data.enterprises)  # doctest: +SKIP
    76500
    """
    folder = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    if province is not None:
        from .scope import NATIONAL, parse_scope  # a clear error for a name that is no province

        code = parse_scope(province).code
        if code == NATIONAL:
            raise ParameterError(f"province {province!r}: expected one of the 63 provinces; leave it out for every firm")
        given = (partitions.checked_where({"province_code": where["province_code"]}) or {}).get("province_code") \
            if where and where.get("province_code") is not None else code
        if given != code:
            raise ParameterError(f"province {province!r} and where={{'province_code': {where['province_code']!r}}} "
                                 "name two provinces: give one")
        where = {**(where or {}), "province_code": code}
    where = partitions.checked_where(where)
    needed = [folder / config.ENTERPRISES_FILE, folder / config.PLATFORMS_FILE, folder / config.QUALITY_FILE]
    missing = [p.name for p in needed if not p.exists()]
    if missing:
        raise InputFileError(f"{folder}: no clean data ({', '.join(missing)} missing); run `adoption clean` first")
    quality = load_quality(folder)
    enterprises = _read_table(needed[0], "enterprises", where=where)
    platforms = _read_table(needed[1], "platforms", where=where)
    if where:
        platforms = platforms[platforms["tax_code"].isin(enterprises["tax_code"]).to_numpy()].reset_index(drop=True)
    problems = verify_outputs(folder, quality, _parts_read(folder, needed[:2], where)) if check else []
    if problems:
        raise InputFileError(f"{folder}: the clean data are not one set as `adoption clean` wrote them: "
                             f"{'; '.join(problems)}. Run `adoption clean` again")
    return CleanData(enterprises=enterprises, platforms=platforms, quality=quality, processed_dir=folder)
