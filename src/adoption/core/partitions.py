"""Clean tables written in parts: a folder named like the table (``enterprises.parquet/``)
holding Parquet files in Hive-style folders by province and district
(``province_code=74/district_code=718/part-0003.parquet``), as ``adoption clean
--engine chunked`` or ``--engine dask`` writes them.

The folder layout is the one pyarrow, Dask, DuckDB and Spark read as a partitioned
dataset; the partition columns are not repeated inside the files. A row whose district is
unknown sits in ``district_code=__HIVE_DEFAULT_PARTITION__`` (their name for a null).
:func:`read_parts` reads such a table back as the single-file table it stands for (the
same rows, columns and order); :func:`dataset` opens it for queries that read only the
parts and columns they need.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.dataset as ds

# The columns a partitioned table is split by, in folder order (those the table has).
PARTITION_COLUMNS = ("province_code", "district_code")
# Hive's name for a null partition value.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
# Text columns of one value a firm (no dictionary pages in the part files).
UNIQUE_TEXT = ("tax_code", "name")
# The files of one part are sorted by their source (file, sheet, row): as the single-file table.
SOURCE_ORDER = ["source_file", "source_sheet", "source_row"]


def part_files(folder: Path) -> list[Path]:
    """The Parquet files of a partitioned table, in a fixed order."""
    return sorted(Path(folder).rglob("*.parquet"), key=lambda p: p.relative_to(folder).as_posix())


def partition_values(path: Path, folder: Path) -> dict[str, str | None]:
    """The partition values a part file's folders name.

    >>> partition_values(Path("t/province_code=74/district_code=__HIVE_DEFAULT_PARTITION__/part-0.parquet"), Path("t"))
    {'province_code': '74', 'district_code': None}
    """
    values = {}
    for segment in path.relative_to(folder).parts[:-1]:
        key, _, value = segment.partition("=")
        values[key] = None if value == HIVE_NULL else value
    return values


def write_parts(frame: pd.DataFrame, folder: Path, name: str, keys: pd.DataFrame | None = None) -> list[Path]:
    """Write ``frame`` into ``folder`` as ``name`` under one folder per value of ``keys``'
    columns (aligned with ``frame``; by default the :data:`PARTITION_COLUMNS` of ``frame``,
    which then leave the files). Returns the files written.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    if keys is None:
        keys = frame[[c for c in PARTITION_COLUMNS if c in frame.columns]]
        frame = frame.drop(columns=list(keys.columns))
    if keys.shape[1] == 0:
        Path(folder).mkdir(parents=True, exist_ok=True)
        frame.to_parquet(Path(folder) / name, index=False)
        return [Path(folder) / name]
    # The frame becomes one Arrow table (one schema for every part), cut by place.
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Statistics (min and max by row group) for the columns a reader may select rows by:
    # not for free text, where they cost a third of the writing and select nothing.
    text = {f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)}
    statistics = [f.name for f in table.schema if f.name == "tax_code" or f.name not in text]
    # Dictionary pages for text and categories, where values repeat: not for a firm's own
    # tax code and name, nor numbers and dates (a dictionary as large as the column, to be
    # built for nothing: a fifth of the writing of many small parts).
    dictionary = [f.name for f in table.schema if f.name not in UNIQUE_TEXT
                  and (f.name in text or pa.types.is_dictionary(f.type))]
    written = []
    groups = _places(keys)
    # The rows put in order of their place once (each place's rows in their order): each
    # file is then a slice of the table, not a take of its own. Rows in that order already
    # (see place_order) are not taken again.
    if not groups:
        return []
    order = np.concatenate(list(groups.values()))
    if not np.array_equal(order, np.arange(len(order))):
        table = table.take(pa.array(order))
    start = 0
    for values, at in groups.items():
        values = values if isinstance(values, tuple) else (values,)
        target = Path(folder).joinpath(*(f"{c}={HIVE_NULL if pd.isna(v) else v}" for c, v in zip(keys.columns, values)), name)
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.slice(start, len(at)), target, write_statistics=statistics, use_dictionary=dictionary)
        start += len(at)
        written.append(target)
    return sorted(written)


def _places(keys: pd.DataFrame) -> dict:
    """Each place (a tuple of ``keys``' values, in order of its first row) and its rows'
    positions, in order. Rows already together by place (as :func:`place_order` leaves
    them) are cut where the place changes, without grouping them.

    >>> import pandas as pd
    >>> keys = pd.DataFrame({"p": ["74", "74", None, "79"], "d": ["718", "718", None, None]})
    >>> [(k, v.tolist()) for k, v in _places(keys).items()]
    [(('74', '718'), [0, 1]), ((nan, nan), [2]), (('79', nan), [3])]
    >>> [(k, v.tolist()) for k, v in _places(keys.iloc[[0, 2, 1]].reset_index(drop=True)).items()]
    [(('74', '718'), [0, 2]), ((nan, nan), [1])]
    """
    import numpy as np

    starts = _runs(keys)
    firsts = keys.iloc[starts]
    if not firsts.duplicated().any():  # each place's rows together
        ends = [*starts[1:], len(keys)]
        return {place: np.arange(start, end) for place, start, end in
                zip(firsts.itertuples(index=False, name=None), starts, ends)}
    groups = keys.groupby(list(keys.columns), sort=False, dropna=False, observed=True).indices
    return {values: np.sort(at) for values, at in groups.items()}


def _runs(keys: pd.DataFrame):
    """Where each run of rows of one place starts (two missing values are one place)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    rows = len(keys)
    changes = np.zeros(max(rows - 1, 0), dtype=bool)
    for column in keys.columns:
        values = keys[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy()
            changes |= codes[1:] != codes[:-1]
            continue
        array = pa.array(values, from_pandas=True)
        if not pa.types.is_null(array.type):  # every value missing: one place
            changes |= ~same_as_previous(array)
    return np.concatenate([[0], np.flatnonzero(changes) + 1]) if rows else np.zeros(0, dtype=np.intp)


def same_as_previous(values: pa.ChunkedArray | pa.Array):
    """For each value but the first, whether it equals the one before it (two missing values are equal).

    >>> import pyarrow as pa
    >>> same_as_previous(pa.array(["a", "a", None, None, "b"])).tolist()
    [True, False, True, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    after, before = values.slice(1), values.slice(0, max(len(values) - 1, 0))
    equal = pc.fill_null(pc.equal(after, before), False).to_numpy(zero_copy_only=False)
    both_missing = pc.and_(after.is_null(), before.is_null()).to_numpy(zero_copy_only=False)
    return equal | both_missing


def place_order(keys: pd.DataFrame):
    """The order :func:`write_parts` puts rows of these place ``keys`` in (each place's rows
    together, in their order; places in order of their first row): a frame taken in it
    once is written without another take.

    >>> import pandas as pd
    >>> place_order(pd.DataFrame({"province_code": ["74", "79", "74", None]})).tolist()
    [0, 2, 1, 3]
    """
    import numpy as np

    groups = _places(keys)
    return np.concatenate(list(groups.values())) if groups else np.zeros(0, dtype=np.intp)


def selected(files: list[Path], folder: Path, where: dict[str, str | None] | None) -> list[Path]:
    """The part files whose folders match ``where`` (column -> value, None for unknown);
    a column the folders do not name does not select."""
    if not where:
        return files
    def matches(path: Path) -> bool:
        values = partition_values(path, folder)
        return all(values[c] == v for c, v in where.items() if c in values)
    return [path for path in files if matches(path)]


def checked_where(where: dict | None) -> dict[str, str | None] | None:
    """``where`` with each column one of the enterprises table's and each value its text
    (a number as written, ``74`` or ``718``; a province in any spelling as its GSO code),
    or a clear error.

    >>> checked_where({"district_code": 718, "province_code": "Bình Dương", "size_class": None})
    {'district_code': '718', 'province_code': '74', 'size_class': None}
    >>> checked_where({"distrct_code": "718"})
    Traceback (most recent call last):
    ...
    adoption.core.errors.ParameterError: where: 'distrct_code' is not a column of the clean enterprises table; did you mean 'district_code'?
    """
    if not where:
        return where
    import numbers
    from difflib import get_close_matches

    from numpy import bool_ as np_bool

    from .schema import columns

    known = columns("enterprises")
    checked: dict[str, str | None] = {}
    for column, value in where.items():
        if column not in known:
            close = get_close_matches(str(column), known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; columns: {', '.join(known)}"
            raise ParameterError(f"where: {column!r} is not a column of the clean enterprises table{hint}")
        if value is not None and not isinstance(value, (str, numbers.Number, np_bool)):
            raise ParameterError(f"where: {column}={value!r}: expected one value (e.g. '718', 5, True), or None for unknown")
        if isinstance(value, (bool, np_bool)):
            value = str(bool(value))
        elif isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and float(value).is_integer()):
            value = str(int(value))  # 718, numpy's 718 and 718.0 as written
        if value is not None and column == "province_code":
            from .scope import NATIONAL, parse_scope

            value = parse_scope(value).code
            if value == NATIONAL:
                raise ParameterError("where: province_code='national': expected one of the 63 provinces")
        checked[column] = None if value is None else str(value)
    return checked


def where_rows(frame: pd.DataFrame, where: dict[str, str | None] | None) -> pd.DataFrame:
    """The rows of ``frame`` whose columns hold ``where``'s values, given as text (None:
    unknown): a flag's ``True``/``False``, a number's digits.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"n": pd.array([5, 6], dtype="Int64"), "f": [True, False], "c": ["718", None]})
    >>> [len(where_rows(frame, w)) for w in ({"n": "5"}, {"f": "True"}, {"c": None}, {"c": "718", "n": "6"})]
    [1, 1, 1, 0]
    """
    import pandas as pd

    if not where:
        return frame
    keep = pd.Series(True, index=frame.index)
    for column, value in where.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        if value is None:
            hit = values.isna()
        elif pd.api.types.is_bool_dtype(values.dtype):  # a flag: True or False, as written
            hit = (values == (value.strip().lower() in ("true", "1", "yes"))).fillna(False)
        elif pd.api.types.is_numeric_dtype(values.dtype):  # a count or an amount: its number
            hit = (values == pd.to_numeric(value, errors="coerce")).fillna(False)
        else:
            hit = (values.astype("string") == value).fillna(False)
        keep = keep & hit
    return frame[keep.to_numpy(dtype=bool)].reset_index(drop=True)


def read_parts(folder: Path, columns: list[str], *, datas: dict[Path, bytes] | None = None,
               where: dict[str, str | None] | None = None) -> pd.DataFrame:
    """A partitioned table as the single-file table it stands for: ``columns`` in that
    order, rows in the order of their source (file, sheet, row); with ``where``, only its
    rows of those places (only the matching folders are read)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    every = part_files(folder)
    if not every:
        raise FileNotFoundError(f"{folder}: no part file")
    files = selected(every, folder, where)
    wanted = list(dict.fromkeys([*columns, *SOURCE_ORDER, *(where or {})]))
    tables, named = [], []
    for path in files or every[:1]:  # none selected: the table's columns, no row
        values = partition_values(path, folder)
        data = (datas or {}).get(path)
        tables.append(pq.read_table(pa.BufferReader(data) if data is not None else path,
                                    columns=[c for c in wanted if c not in values]))
        named.append(values)
    # The parts as one table in the order of their source (a stable sort, missing values
    # last, as pandas sorts), converted to pandas once (the files' pandas metadata give the types).
    table = pa.concat_tables(tables, promote_options="default").combine_chunks()
    rows = [part.num_rows if files else 0 for part in tables]
    table = table.slice(0, sum(rows))
    order = pc.sort_indices(table, sort_keys=[(c, "ascending") for c in SOURCE_ORDER])  # missing values at the end
    frame = table.take(order).to_pandas()
    for column in named[0]:
        values = np.repeat(np.array([n[column] for n in named], dtype=object), rows)
        frame[column] = pd.array(values[order.to_numpy()], dtype="string")
    return where_rows(frame[[c for c in columns if c in frame.columns]], where)


def dataset(folder: Path) -> ds.Dataset:
    """A partitioned table as a pyarrow dataset, partition columns as text: filters on them
    (``ds.field("province_code") == "74"``) read only the matching folders.

    >>> import pyarrow.dataset as ds  # doctest: +SKIP
    >>> dataset(Path("data/processed/enterprises.parquet")).to_table(  # doctest: +SKIP
    ...     columns=["tax_code"], filter=ds.field("district_code") == "718").num_rows
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    folder = Path(folder)
    present = [c for c in PARTITION_COLUMNS if any(folder.rglob(f"{c}=*"))]
    schema = pa.schema([(c, pa.string()) for c in present])
    partitioning = ds.partitioning(schema, flavor="hive", dictionaries=None) if present else None
    return ds.dataset(folder, format="parquet", partitioning=partitioning)
