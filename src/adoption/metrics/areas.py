"""Headline figures place by place, from clean data of any size: one place's firms in
memory at a time.

Where ``adoption clean --engine chunked`` (or ``dask``) wrote the enterprises in parts by
province and district, a place's figures read only that place's parts
(:func:`adoption.core.io.load_clean` with ``where``); the figures are those of
:func:`~adoption.metrics.headline.headline` on the place's in-scope firms, whatever the
layout. Counts are census counts of the register, not estimates.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import config
from ..core.io import load_clean
from ..core.partitions import part_files, partition_values
from .headline import headline
from .scope import in_scope

# The columns a place may be given by.
PLACE_COLUMNS = ("province_code", "district_code")


def places(processed_dir: Path, by: str) -> list[str | None]:
    """The values of ``by`` in the clean enterprises (None for firms the register places in
    none), sorted, known ones first; of data written in parts, from the folders' names alone."""
    if by not in PLACE_COLUMNS:
        raise ValueError(f"places by {by!r}: expected one of {', '.join(PLACE_COLUMNS)}")
    table = Path(processed_dir) / config.ENTERPRISES_FILE
    if table.is_dir():
        found = {partition_values(path, table).get(by, "") for path in part_files(table)}
        if "" in found:  # the folders do not name this column: read it
            found = set(pd.concat([pd.read_parquet(path, columns=[by]) for path in part_files(table)])[by].astype(object))
    else:
        found = set(pd.read_parquet(table, columns=[by])[by].astype(object))
    known = sorted(str(v) for v in found if v is not None and not pd.isna(v))
    return known + ([None] if any(v is None or pd.isna(v) for v in found) else [])


def figures_by_place(processed_dir: Path | str | None = None, by: str = "district_code", *,
                     protected: bool = False) -> pd.DataFrame:
    """One row of headline figures per value of ``by`` (``province_code`` or
    ``district_code``; the last row, ``None``, for firms placed in none), each place's
    firms loaded alone. ``protected=True`` blanks the figures
    :func:`~adoption.metrics.headline.headline` would hide in a shared report.

    >>> figures_by_place("data/processed", "district_code").loc["718", "enterprises"]  # doctest: +SKIP
    14250
    """
    folder = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    rows = {}
    in_parts = (folder / config.ENTERPRISES_FILE).is_dir()
    for number, value in enumerate(places(folder, by)):
        # A load checks the parts it reads (so the set once in all), or a whole file: once.
        data = load_clean(folder, where={by: value}, check=in_parts or number == 0)
        figures = headline(in_scope(data.enterprises), protected=protected)
        rows[value] = figures.mask(figures.index.isin(figures.attrs["hidden"]))
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = by
    return out
