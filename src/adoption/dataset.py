"""All file input and output: reading raw exports, writing and loading clean tables.

Raw files are read as text (every cell a string), so that no value is altered before
the normalisers of :mod:`adoption.clean` see it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import pandas as pd

from . import config
from .errors import InputFileError
from .text import fold

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
# A header row must match at least this many aliases to be taken as the header.
MIN_HEADER_MATCHES = 2
# Encodings tried in order when a file has no byte-order mark (data contract).
FALLBACK_ENCODINGS = ("utf-8", "cp1258")


@dataclass
class RawTable:
    """One raw file's rows under canonical column names, all values text."""

    path: Path
    frame: pd.DataFrame  # canonical columns + source_file + source_row
    extras: pd.DataFrame  # source_file, source_row, column, value
    rows_read: int
    header_map: dict[str, str] = field(default_factory=dict)  # original header -> canonical


def data_files(folder: Path) -> list[Path]:
    """The data files of a raw folder, sorted by name; READMEs and hidden files skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$")) and p.name.upper() != "README.MD"
    )


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{path}: cannot decode the file; expected UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258")


def _read_delimited(path: Path) -> list[tuple[int, pd.DataFrame]]:
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(f"{path}: the file is empty; expected a header row and data rows")
    if data[:4] == b"PK\x03\x04":
        raise InputFileError(f"{path}: this is a zip or XLSX file with a .csv-like name; rename it to .xlsx")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path}: binary content; expected a CSV or XLSX file")
    text = _decode(path, data)
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    frame = pd.read_csv(
        io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, header=None,
        skip_blank_lines=False, engine="python" if delimiter != "," else "c",
    )
    return [(0, frame)]


def _read_xlsx(path: Path) -> list[tuple[int, pd.DataFrame]]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputFileError(f"{path}: cannot open as XLSX ({exc.__class__.__name__}: {exc})") from exc
    out = []
    for frame in sheets.values():
        if frame.dropna(how="all").empty:
            continue
        out.append((0, frame.map(_cell_text)))
    if not out:
        raise InputFileError(f"{path}: every sheet is empty; expected a header row and data rows")
    return out


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(alias): canonical for canonical, names in aliases.items() for alias in names}


def _find_header(frame: pd.DataFrame, index: dict[str, str]) -> int | None:
    for row in range(min(len(frame), 30)):
        matches = {index.get(fold(str(v))) for v in frame.iloc[row]} - {None}
        if len(matches) >= MIN_HEADER_MATCHES:
            return row
    return None


def read_raw(
    path: Path,
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> RawTable:
    """Read one CSV or XLSX file into canonical columns, keeping extra columns aside.

    Raises :class:`InputFileError` naming the file for an unreadable file, a missing
    header, or a missing required column (with the headers found and the closest alias).
    """
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise InputFileError(f"{path}: unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(DATA_SUFFIXES)}")
    sheets = _read_xlsx(path) if suffix == ".xlsx" else _read_delimited(path)
    index = _alias_index(aliases)
    alias_keys = list(index)
    frames, extras, read = [], [], 0
    header_map: dict[str, str] = {}
    for _, raw in sheets:
        header_row = _find_header(raw, index)
        if header_row is None:
            first = [str(v) for v in raw.iloc[0]] if len(raw) else []
            raise InputFileError(
                f"{path}: no header row found in the first 30 rows; expected headers such as "
                f"{', '.join(aliases[c][0] for c in required)}; the first row holds {first}"
            )
        headers = [str(v).strip() for v in raw.iloc[header_row]]
        mapping: dict[int, str] = {}
        for position, header in enumerate(headers):
            canonical = index.get(fold(header))
            if canonical and canonical not in mapping.values():
                mapping[position] = canonical
        missing = [c for c in required if c not in mapping.values()]
        if missing:
            unmatched = [h for i, h in enumerate(headers) if i not in mapping and h]
            hints = []
            for column in missing:
                near = get_close_matches(column, alias_keys, n=1)
                guesses = [h for h in unmatched if get_close_matches(fold(h), [fold(a) for a in aliases[column]], n=1, cutoff=0.6)]
                hint = f"'{column}' (e.g. {aliases[column][0]!r})"
                if guesses:
                    hint += f": header {guesses[0]!r} is close to alias {get_close_matches(fold(guesses[0]), [fold(a) for a in aliases[column]], n=1, cutoff=0.6)[0]!r}"
                elif near:
                    hint += f": closest alias {near[0]!r}"
                hints.append(hint)
            raise InputFileError(
                f"{path}: missing required column {'; '.join(hints)}. Headers found: {headers}"
            )
        body = raw.iloc[header_row + 1 :]
        body = body[~(body.astype(str).apply(lambda col: col.str.strip()) == "").all(axis=1)]
        rows_seen = len(body)
        read += rows_seen
        source_row = body.index.to_numpy() + 1  # 1-based line or spreadsheet row
        frame = pd.DataFrame({canonical: body.iloc[:, pos].to_numpy() for pos, canonical in mapping.items()})
        for canonical in aliases:
            if canonical not in frame.columns:
                frame[canonical] = ""
        frame["source_file"] = path.name
        frame["source_row"] = source_row
        frames.append(frame)
        header_map.update({headers[pos]: canonical for pos, canonical in mapping.items()})
        extra_positions = [i for i, h in enumerate(headers) if i not in mapping]
        for pos in extra_positions:
            extras.append(pd.DataFrame({
                "source_file": path.name, "source_row": source_row,
                "column": headers[pos] or f"(column {pos + 1})", "value": body.iloc[:, pos].to_numpy(),
            }))
    frame = pd.concat(frames, ignore_index=True)
    extra = pd.concat(extras, ignore_index=True) if extras else pd.DataFrame(columns=["source_file", "source_row", "column", "value"])
    return RawTable(path=path, frame=frame, extras=extra, rows_read=read, header_map=header_map)


def write_outputs(out_dir: Path, tables: dict[str, pd.DataFrame], quality: dict, rejects: pd.DataFrame) -> None:
    """Write the clean outputs so that ``out_dir`` never holds a half-written set.

    Everything goes to a temporary folder beside ``out_dir`` first; files are moved into
    place only once all are written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=f".{out_dir.name}-") as tmp:
        staged = Path(tmp)
        for name, frame in tables.items():
            frame.to_parquet(staged / name, index=False)
        rejects.to_csv(staged / config.REJECTS_FILE, index=False, encoding="utf-8-sig")
        (staged / config.QUALITY_FILE).write_text(json.dumps(quality, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        for path in staged.iterdir():
            os.replace(path, out_dir / path.name)


@dataclass
class CleanData:
    """The clean tables of one processed folder, as :func:`load_clean` returns them."""

    enterprises: pd.DataFrame
    platforms: pd.DataFrame
    quality: dict
    processed_dir: Path

    @property
    def synthetic(self) -> bool:
        """True when any input file was written by the synthetic generator."""
        return bool(self.quality.get("synthetic"))

    @property
    def input_hash(self) -> str:
        """SHA-256 over the input files' hashes: identifies the data a report was built on."""
        return str(self.quality.get("input_hash", ""))


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
    return CleanData(
        enterprises=pd.read_parquet(needed[0]),
        platforms=pd.read_parquet(needed[1]),
        quality=json.loads(needed[2].read_text(encoding="utf-8")),
        processed_dir=folder,
    )
