"""A national synthetic register: one register file per province, written province by
province (``adoption synth --scope national``, or ``--scope X`` for one province).

Bình Dương's files are the calibrated register of :mod:`adoption.synth.register`, scaled
to its share and written as before (a file per district, with districts and communes).
Every other province's register is generated here as arrays, at the shares of
:mod:`adoption.synth.provinces`: a province column (blank in some rows, whose address
then names the province), a plausible district, an address, and the register's other
columns; mess at the rates of :data:`adoption.synth.mess.RATES` (tax-code and VSIC
formats, category spellings, duplicates, junk rows with a mistyped check digit or no
name); platform records for the active firms that adopt (:data:`ADOPTION_SHARE`). The
survey and workforce records are Bình Dương's only. Files are CSV in the encodings and
delimiters the generator uses; small provinces' files may be XLSX or Windows-1258
(:data:`SMALL_FILE_ROWS`), so that millions of rows write fast; a large province is
written in parts of at most :data:`MAX_PART_FIRMS` active firms, a file each. The ground
truth of every row is appended to ``register_truth.parquet`` / ``platform_truth.parquet``
as each file is written, so memory holds one part at a time.
"""

from __future__ import annotations

import csv
import io
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ..core import reference
from ..core.manifest import write_manifest
from ..core.scope import Scope, province_names
from .files import to_cp1258, write_xlsx, xlsx_cells
from .mess import LEVELS, RATES, _interleave
from .provinces import (
    ADOPTION_SHARE, BINH_DUONG, BRANCH_RATE, INACTIVE_RATE, STREETS, address_province, district_texts,
    province_counts, province_spellings,
)
from .register import generate, platform_categories
from .scheme2025 import ADDRESS_HEADERS
from .spellings import (
    HEADERS, LEGAL_FORM_NAME_PREFIX, LEGAL_FORM_SPELLINGS, NAME_WORDS, OWNERSHIP_SPELLINGS, PLATFORM_TEXT,
    SECTOR_WORDS, STATUS_SPELLINGS,
)
from .targets import ADOPTION_START, DATA_CUTOFF, LEGAL_FORM_SHARES, SECTION_SHARES, Targets
from .write import SynthResult, prepare, truth_folder, write_binh_duong

log = logging.getLogger(__name__)

PROVINCE_HEADERS = {"vi": "Tỉnh/Thành phố", "abbrev": "Tỉnh/TP", "en": "Province", "ascii_upper": "TINH/THANH PHO"}
COLUMNS = ("tax_code", "name", "province", "district", "address", "vsic", "legal_form", "ownership", "registered_on",
           "employees", "charter_capital_vnd", "revenue_vnd", "status")
# File layouts, taken in turn by the provinces in code order: (format, encoding, delimiter, header set).
LAYOUTS = (("csv", "utf-8-sig", ",", "vi"), ("csv", "utf-8", ";", "abbrev"), ("csv", "utf-16", "\t", "vi"),
           ("csv", "utf-8", ",", "en"), ("csv", "cp1258", ";", "vi"), ("xlsx", None, None, "vi"),
           ("csv", "utf-8-sig", ";", "ascii_upper"))
# XLSX and Windows-1258 are written cell by cell in Python: only for provinces this small.
SMALL_FILE_ROWS = 8_000
# A province with more active firms than this is written in parts of at most this many.
MAX_PART_FIRMS = 150_000
OWNERSHIP_SHARES = {"domestic_private": 0.93, "fdi": 0.065, "state": 0.005}
# The share of rows whose province is blank, their address naming it.
PROVINCE_BLANK = 0.15
TRUTH_SCHEMA = pa.schema([(c, pa.int64() if c == "source_row" else pa.string()) for c in (
    "source_file", "source_sheet", "source_row", "tax_code", "province_code", "district_code", "commune_code",
    "vsic4", "legal_form", "ownership", "status", "expected", "entity")])
PLATFORM_SCHEMA = pa.schema([(c, pa.int64() if c == "source_row" else pa.string()) for c in (
    "source_file", "source_sheet", "source_row", "expected", "entity", "platform", "province_code")])
_WEIGHTS = np.array([31, 29, 23, 19, 17, 13, 7, 5, 3])


def tax_codes(rng: np.random.Generator, prefix: str, n: int, avoid: np.ndarray) -> np.ndarray:
    """``n`` distinct valid 10-digit tax codes starting with ``prefix``, none of ``avoid``
    (codes as integers; check digit as :mod:`stdnum.vn.mst` computes it). The prefix is the
    province's GSO code: synthetic, not the real tax department's number."""
    found = np.empty(0, dtype=np.int64)
    while len(found) < n:
        body = rng.integers(1, 10_000_000, size=int((n - len(found)) * 1.2) + 16)
        first9 = int(prefix) * 10_000_000 + body
        total = np.zeros(len(first9), dtype=np.int64)
        for place, weight in enumerate(_WEIGHTS):
            total += (first9 // 10 ** (8 - place)) % 10 * weight
        rest = total % 11
        codes = (first9 * 10 + (10 - rest))[rest != 0]  # a remainder of 0 admits no digit
        found = pd.unique(np.concatenate([found, codes]))
        found = found[~np.isin(found, avoid)] if len(avoid) else found
    return np.char.zfill(found[:n].astype(str), 10)


def _days(rng: np.random.Generator, start: np.ndarray, end: np.datetime64) -> np.ndarray:
    span = np.maximum((end - start).astype(np.int64), 0)
    return start + np.floor(rng.random(len(start)) * (span + 1)).astype(np.int64).astype("timedelta64[D]")


def _dmy(days: np.ndarray) -> np.ndarray:
    """Dates as ``dd/mm/yyyy`` text, as arrays (none for none: a small province's records).

    >>> _dmy(np.array(["2024-03-05"], dtype="datetime64[D]")).tolist(), len(_dmy(np.array([], dtype="datetime64[D]")))
    (['05/03/2024'], 0)
    """
    if not len(days):
        return np.array([], dtype=str)
    frame = pd.DatetimeIndex(days)
    day = np.char.zfill(frame.day.to_numpy().astype(str), 2)
    month = np.char.zfill(frame.month.to_numpy().astype(str), 2)
    return np.char.add(np.char.add(np.char.add(np.char.add(day, "/"), month), "/"), frame.year.to_numpy().astype(str))


@lru_cache(maxsize=1)
def _vsic_classes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The VSIC 2018 classes of :data:`SECTION_SHARES`' sections, their sections, and the
    chance of each (its section's share, split evenly)."""
    classes = reference.vsic_classes()
    classes = classes[classes["vsic_section"].isin(list(SECTION_SHARES))]
    per = classes["vsic_section"].map(classes["vsic_section"].value_counts())
    weight = classes["vsic_section"].map(SECTION_SHARES) / per
    return classes["vsic4"].to_numpy(), classes["vsic_section"].to_numpy(), (weight / weight.sum()).to_numpy()


def province_register(code: str, active: int, rng: np.random.Generator, avoid: np.ndarray) -> pd.DataFrame:
    """The canonical register of one province other than Bình Dương: active and inactive
    head offices and branches, as arrays."""
    inactive = {status: round(active * rate) for status, rate in INACTIVE_RATE.items()}
    status = np.repeat(["active", *inactive], [active, *inactive.values()])
    n = len(status)
    vsic4, sections, chance = _vsic_classes()
    pick = rng.choice(len(vsic4), size=n, p=chance)
    ownership = rng.choice(list(OWNERSHIP_SHARES), size=n, p=list(OWNERSHIP_SHARES.values()))
    legal_form = np.empty(n, dtype=object)
    for kind, shares in LEGAL_FORM_SHARES.items():
        rows = np.flatnonzero(ownership == kind)
        legal_form[rows] = rng.choice(list(shares), size=len(rows), p=list(shares.values()))
    employees = np.maximum(np.round(rng.lognormal(1.5, 1.3, size=n)), 1).astype(np.int64)
    employees[status != "active"] = np.round(employees[status != "active"] * 0.3).astype(np.int64)
    years = np.arange(1991, DATA_CUTOFF.year + 1)
    weights = np.exp(0.09 * (years - 1991))
    year = rng.choice(years, size=n, p=weights / weights.sum())
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    registered = _days(rng, start, np.minimum(start + np.timedelta64(364, "D"), np.datetime64(DATA_CUTOFF)))
    frame = pd.DataFrame({
        "tax_code": tax_codes(rng, code, n, avoid), "province_code": code, "vsic4": vsic4[pick],
        "vsic_section": sections[pick], "legal_form": legal_form, "ownership": ownership, "registered_on": registered,
        "employees": employees, "status": status})
    frame["charter_capital_vnd"] = np.round(np.maximum(1e8, employees * rng.lognormal(np.log(0.35e9), 1.0, n)), -6)
    revenue = np.round(employees * rng.lognormal(np.log(0.8e9), 0.9, size=n), -6)
    frame["revenue_vnd"] = np.where(rng.random(n) < 0.2, np.nan, revenue)
    word = rng.choice(np.array(NAME_WORDS, dtype=object), size=n)
    sector = frame["vsic_section"].map(SECTOR_WORDS).fillna("Dịch vụ").to_numpy(dtype=object)
    prefix = frame["legal_form"].map(LEGAL_FORM_NAME_PREFIX).to_numpy(dtype=object)
    frame["name"] = prefix + " " + sector + " " + word + " " + rng.integers(1, 9999, size=n).astype(str).astype(object)
    heads = np.flatnonzero(status == "active")
    parents = frame.iloc[rng.choice(heads, size=round(active * BRANCH_RATE))].copy()
    suffix = parents.groupby("tax_code").cumcount() + 1
    parents["tax_code"] = parents["tax_code"] + "-" + suffix.astype(str).str.zfill(3)  # text even when no branch
    parents["name"] = "Chi nhánh " + suffix.astype(str) + " - " + parents["name"]
    parents["revenue_vnd"] = np.nan
    register = pd.concat([frame, parents], ignore_index=True)
    return register.iloc[rng.permutation(len(register))].reset_index(drop=True)


def _spell(rng: np.random.Generator, values: np.ndarray, spellings: dict[str, tuple[str, ...]], rate: float) -> np.ndarray:
    """Each category's first spelling, another one of its spellings at ``rate``."""
    out = np.empty(len(values), dtype=object)
    for category, options in spellings.items():
        rows = np.flatnonzero(values == category)
        choice = np.where(rng.random(len(rows)) < rate, rng.integers(0, len(options), len(rows)), 0)
        out[rows] = np.array(options, dtype=object)[choice]
    return out


def register_text(register: pd.DataFrame, code: str, rng: np.random.Generator, factor: float) -> pd.DataFrame:
    """The canonical register of a province as its export writes it, mess at ``factor``
    times :data:`~adoption.synth.mess.RATES` (0: tidy)."""
    n = len(register)
    name = province_names()[code]
    hit = lambda kind: rng.random(n) < min(RATES[kind] * factor, 1.0)  # noqa: E731
    spellings = np.array(province_spellings(code, name), dtype=object)
    province = spellings[np.where(hit("district_spelling"), rng.integers(0, len(spellings), n), 0)]
    blank = rng.random(n) < (PROVINCE_BLANK if factor else 0.0)
    districts = np.array(district_texts(code, name), dtype=object)
    district = districts[rng.integers(0, len(districts), n)]
    ends = np.array(address_province(code, name), dtype=object)
    address = ("Số " + rng.integers(1, 50, n).astype(str).astype(object) + " "
               + np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)] + ", " + district + ", "
               + ends[rng.integers(0, len(ends), n)])
    tax = register["tax_code"].to_numpy(dtype=object)
    dotted = hit("tax_code_format") & (register["tax_code"].str.len() == 10).to_numpy()
    tax[dotted] = pd.Series(tax[dotted]).str.replace(r"^(\d{4})(\d{3})(\d{3})$", r"\1.\2.\3", regex=True).to_numpy()
    vsic = register["vsic4"].to_numpy(dtype=object)
    sectioned = hit("vsic_format")
    vsic[sectioned] = register["vsic_section"].to_numpy(dtype=object)[sectioned] + vsic[sectioned]
    def whole(values: pd.Series) -> np.ndarray:
        numbers = values.to_numpy(dtype=float)
        return np.where(np.isnan(numbers), "", np.nan_to_num(numbers).astype(np.int64).astype(str)).astype(object)

    rate = min(RATES["category_spelling"] * factor, 1.0)
    return pd.DataFrame({
        "tax_code": tax, "name": register["name"].to_numpy(dtype=object),
        "province": np.where(blank, "", province), "district": np.where(blank, "", district), "address": address,
        "vsic": vsic, "legal_form": _spell(rng, register["legal_form"].to_numpy(), LEGAL_FORM_SPELLINGS, rate),
        "ownership": _spell(rng, register["ownership"].to_numpy(), OWNERSHIP_SPELLINGS, rate),
        "registered_on": _dmy(register["registered_on"].to_numpy()),
        "employees": register["employees"].astype(str).to_numpy(dtype=object),
        "charter_capital_vnd": whole(register["charter_capital_vnd"]), "revenue_vnd": whole(register["revenue_vnd"]),
        "status": _spell(rng, register["status"].to_numpy(), STATUS_SPELLINGS, rate),
    })


def _with_extra_rows(text: pd.DataFrame, register: pd.DataFrame, rng: np.random.Generator,
                     factor: float) -> pd.DataFrame:
    """The rows with duplicates (merged) and junk rows (rejected) among them, each row with
    its ``_expected`` outcome and ``_entity`` (the firm it describes)."""
    n = len(text)
    codes = register["tax_code"].to_numpy(dtype=object)
    heads = ~register["tax_code"].str.contains("-", regex=False).to_numpy()
    base = text.assign(_expected="kept", _entity=codes)
    hit = lambda kind: rng.random(n) < min(RATES[kind] * factor, 1.0)  # noqa: E731
    twice = base[hit("identical_duplicate")].assign(_expected="merged")
    typo = base[hit("junk_check_digit") & heads].assign(_expected="rejected", _entity=None)
    last = typo["_entity"].index.map(lambda i: codes[i][:9] + str((int(codes[i][9]) + 1) % 10))
    typo["tax_code"] = np.asarray(last, dtype=object)
    nameless = base[hit("junk_name") & heads].assign(name="", _expected="rejected", _entity=None)
    return _interleave(base, pd.concat([twice, typo, nameless]), rng)


def _csv_bytes(frame: pd.DataFrame, header: list[str], delimiter: str) -> bytes:
    """``frame`` as UTF-8 CSV under ``header``, written by pyarrow (as fast as it reads),
    each cell quoted only where it needs to be."""
    buffer = io.BytesIO()
    table = pa.Table.from_pandas(frame.astype("str"), preserve_index=False)
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False, delimiter=delimiter, quoting_style="needed"))
    line = io.StringIO()
    csv.writer(line, delimiter=delimiter, lineterminator="\n").writerow(header)
    return line.getvalue().encode("utf-8") + buffer.getvalue()


def _write_rows(path: Path, rows: pd.DataFrame, layout: tuple, title: str) -> list[tuple[str, int]]:
    """Write one province's rows in ``layout``; the (sheet, row) of each as the cleaner counts them."""
    kind, encoding, delimiter, headers = layout
    names = {**HEADERS[headers], "province": PROVINCE_HEADERS[headers], "address": ADDRESS_HEADERS[headers]}
    body = rows[list(COLUMNS)]
    header = [names[c] for c in COLUMNS]
    if kind == "xlsx":
        return write_xlsx(path, header, xlsx_cells(body, serial_dates=False), title=title)
    data = _csv_bytes(body, header, delimiter)
    if encoding != "utf-8":
        data = to_cp1258(data.decode("utf-8")) if encoding == "cp1258" else data.decode("utf-8").encode(encoding)
    path.write_bytes(data)
    return [("", line) for line in range(2, len(body) + 2)]


def _platforms(register: pd.DataFrame, code: str, rng: np.random.Generator) -> pd.DataFrame:
    """Platform records of a province's active head offices that adopt (:data:`ADOPTION_SHARE`)."""
    heads = register[(register["status"] == "active") & ~register["tax_code"].str.contains("-", regex=False)]
    users = heads[rng.random(len(heads)) < ADOPTION_SHARE]
    categories, firm, category = platform_categories(rng, len(users))
    start = np.maximum(users["registered_on"].to_numpy().astype("datetime64[D]"), np.datetime64(ADOPTION_START))
    adopted = _days(rng, start[firm], np.datetime64(DATA_CUTOFF))
    return pd.DataFrame({"tax_code": users["tax_code"].to_numpy()[firm], "platform": categories[category],
                         "adopted_on": adopted, "province_code": code})


class _Truth:
    """The ground truth, appended province by province to two Parquet files."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.writers = {} if folder is None else {
            "register": pq.ParquetWriter(folder / "register_truth.parquet", TRUTH_SCHEMA),
            "platforms": pq.ParquetWriter(folder / "platform_truth.parquet", PLATFORM_SCHEMA)}

    def add(self, table: str, frame: pd.DataFrame) -> None:
        if self.writers:
            schema = self.writers[table].schema
            frame = frame.reindex(columns=schema.names)
            frame = frame.astype({c: "int64" if c == "source_row" else "string" for c in schema.names})
            self.writers[table].write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _write_province(raw_dir: Path, code: str, active: int, *, number: int, part: int | None, seed: int,
                    factor: float, avoid: np.ndarray, truth: _Truth) -> tuple[list[Path], int, int, np.ndarray]:
    """Write one province's register file (or one ``part`` of a large province's) and its
    platform records; the files, their rows, and the head offices' tax codes (integers)."""
    rng = np.random.default_rng([seed, int(code)] if part is None else [seed, int(code), part])
    register = province_register(code, active, rng, avoid)
    rows = _with_extra_rows(register_text(register, code, rng, factor), register, rng, factor)
    layout = LAYOUTS[number % len(LAYOUTS)] if factor else ("csv", "utf-8", ",", "vi")
    if layout[0] == "xlsx" or layout[1] == "cp1258":
        layout = layout if len(rows) <= SMALL_FILE_ROWS else ("csv", "utf-8-sig", ",", layout[3])
    stem = f"province_{code}" if part is None else f"province_{code}_part{part}"
    path = raw_dir / "register" / f"synthetic_register_{stem}.{'xlsx' if layout[0] == 'xlsx' else 'csv'}"
    where = _write_rows(path, rows, layout, province_names()[code])
    canonical = register.set_index("tax_code").reindex(rows["_entity"].fillna(""))
    truth.add("register", pd.DataFrame({
        "source_file": path.name, "source_sheet": [w[0] for w in where], "source_row": [w[1] for w in where],
        "tax_code": rows["_entity"].to_numpy(), "province_code": code, "vsic4": canonical["vsic4"].to_numpy(),
        "legal_form": canonical["legal_form"].to_numpy(), "ownership": canonical["ownership"].to_numpy(),
        "status": canonical["status"].to_numpy(), "expected": rows["_expected"].to_numpy(),
        "entity": rows["_entity"].to_numpy()}))
    platforms = _platforms(register, code, rng)
    plat_path = raw_dir / "platforms" / f"synthetic_platforms_{stem}.csv"
    plat_path.write_bytes(_csv_bytes(pd.DataFrame({
        "tax_code": platforms["tax_code"], "platform": platforms["platform"].map(PLATFORM_TEXT),
        "adopted_on": _dmy(platforms["adopted_on"].to_numpy())}), ["Mã số thuế", "Nền tảng", "Ngày bắt đầu sử dụng"], ","))
    truth.add("platforms", platforms.assign(source_file=plat_path.name, source_sheet="",
                                            source_row=np.arange(2, len(platforms) + 2), expected="kept",
                                            entity=platforms["tax_code"]))
    log.info("wrote %s: %s rows (%s)", path.name, f"{len(rows):,}", province_names()[code])
    heads = register["tax_code"][~register["tax_code"].str.contains("-", regex=False)].astype("int64").to_numpy()
    return [path, plat_path], len(register), len(platforms), heads


def write_provinces(raw_dir: Path, scope: Scope, *, seed: int, messiness: str, truth_dir: Path | None,
                    firms: int) -> SynthResult:
    """Write the synthetic register of ``scope``'s provinces into ``raw_dir``, ``firms``
    active head offices in all (see the module's description)."""
    raw_dir = Path(raw_dir)
    counts = province_counts(firms, scope.provinces)
    prepare(raw_dir)
    factor = LEVELS[messiness]
    truth_path = truth_folder(raw_dir, truth_dir) if factor else None
    truth = _Truth(truth_path)
    written: list[Path] = []
    register_rows = platform_rows = 0
    avoid = np.empty(0, dtype=np.int64)
    try:
        if BINH_DUONG in counts:
            register, platforms = generate(seed, Targets().scaled(counts[BINH_DUONG]))
            files, messy = write_binh_duong(raw_dir, register, platforms, seed=seed, messiness=messiness,
                                            targets=Targets().scaled(counts[BINH_DUONG]), extracted_on=DATA_CUTOFF)
            written += files
            register_rows, platform_rows = len(register), len(platforms)
            if messy is not None:
                truth.add("register", messy.register_truth)
                truth.add("platforms", messy.platform_truth.assign(province_code=BINH_DUONG))
            avoid = register["tax_code"].str[:10].astype("int64").unique()
        for number, code in enumerate(sorted(c for c in counts if c != BINH_DUONG)):
            # A large province is written in parts, each a file: memory holds one part at a time.
            parts = -(-counts[code] // MAX_PART_FIRMS)
            sizes = [len(chunk) for chunk in np.array_split(np.arange(counts[code]), parts)]
            taken = avoid
            for part, size in enumerate(sizes, start=1):
                files, rows, records, heads = _write_province(
                    raw_dir, code, size, number=number, part=part if parts > 1 else None, seed=seed, factor=factor,
                    avoid=taken, truth=truth)
                taken = np.concatenate([taken, heads]) if parts > 1 else taken
                written += files
                register_rows, platform_rows = register_rows + rows, platform_rows + records
    finally:
        truth.close()
    write_manifest(raw_dir, written, seed=seed, messiness=messiness,
                   truth_dir=str(truth_path) if truth_path else None, firms=firms,
                   extracted_on=DATA_CUTOFF.isoformat(), scope=scope.as_dict(), province_firms=counts)
    return SynthResult(raw_dir=raw_dir, files=written, register_rows=register_rows, platform_rows=platform_rows)
