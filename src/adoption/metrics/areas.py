"""Headline figures place by place, from clean data of any size: one place's firms in
memory at a time.

Where ``adoption clean --engine chunked`` (or ``dask``) wrote the enterprises in parts by
province and district, a place's figures read only that place's parts
(:func:`adoption.core.io.load_clean` with ``where``); the figures are those of
:func:`~adoption.metrics.headline.headline` on the place's in-scope firms, whatever the
layout. Counts are census counts of the register, not estimates.
"""

from __future__ import annotations

import os
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


# What a page of one place reads of every place to follow the tables that list them all.
LINK_COLUMNS = ["status", "is_branch", "province_code", "uses_digital_platform", "is_digital_tech", "employees"]


def columns_of_all(processed_dir: Path | str | None, columns: list[str]) -> pd.DataFrame:
    """``columns`` of the clean enterprises of every place, and nothing else (a few columns
    of a national register: seconds, not the whole table). Not checked against the
    contract again: the build checked the whole table before any report ran."""
    from ..core import partitions, schema

    table = (Path(processed_dir) if processed_dir else config.PROCESSED_DIR) / config.ENTERPRISES_FILE
    if table.is_dir():  # in parts: read as one dataset, in no particular order (counts need none)
        frame = partitions.dataset(table).to_table(columns=columns).to_pandas()
        for column in set(columns) & set(partitions.PARTITION_COLUMNS):
            frame[column] = frame[column].astype("string")  # as load_clean gives it
    else:
        frame = pd.read_parquet(table, columns=columns)
    return schema.with_categories(frame[columns], "enterprises")


def linked_hidden(population: pd.DataFrame, by: str, unit: str) -> list[str]:
    """The headline figures of one ``unit`` of ``by`` (a province) that the protected
    tables listing every unit of ``population`` hide: its adopters and adoption rate (the
    table of adoption by ``by``), its digital-technology firms and workers (the group by
    ``by``). A page of that unit alone must hide them too, or it would give away what
    those tables hid as secondary cells (:func:`~adoption.metrics.headline.headline`'s
    ``linked``). Where the table hides its firm count (``enterprises``: 1 or 2 firms, or
    a secondary cell), no page of it is made, since a page counts its firms everywhere
    (:func:`~adoption.metrics.disclosure.require_firms`).

    >>> firms = pd.DataFrame({"province_code": ["01"] * 10 + ["02"] * 10 + ["03"] * 10,
    ...     "uses_digital_platform": [True] * 5 + [False] * 5 + [True] * 8 + [False] * 2 + [True] * 6 + [False] * 4,
    ...     "is_digital_tech": False, "employees": pd.array([5] * 30, dtype="Int64")})
    >>> linked_hidden(firms, "province", "02"), linked_hidden(firms, "province", "03")
    (['adopters', 'adoption_rate'], ['adopters', 'adoption_rate'])
    >>> linked_hidden(firms, "province", "01")
    []
    """
    return every_linked(population, by).get(unit, [])


def every_linked(population: pd.DataFrame, by: str) -> dict[str, list[str]]:
    """:func:`linked_hidden` of every unit of ``by`` that has any, the tables made once."""
    from .adoption import adoption_by
    from .ict import ict_sector

    out: dict[str, list[str]] = {}
    table = adoption_by(population, by, protected=True)
    for unit in table.loc[table["firms"].isna(), table.columns[0]] if len(table) else []:
        out.setdefault(str(unit), []).append("enterprises")
    for unit in table.loc[table["adopters"].isna(), table.columns[0]] if len(table) else []:
        out.setdefault(str(unit), []).extend(["adopters", "adoption_rate"])
    group = ict_sector(population, group="digital_tech", by=by, protected=True)
    for unit in group.loc[group["hidden"].astype(bool), group.columns[0]] if len(group) and "hidden" in group else []:
        out.setdefault(str(unit), []).extend(["digital_tech_firms", "digital_tech_workers"])
    return out


def province_links(processed_dir: Path | str | None, province: str | None) -> list[str]:
    """:func:`linked_hidden` of one ``province`` (a code or a name in any spelling) among
    every province of the clean data in ``processed_dir``, as the national summary
    protects them; none for no province (a page of every firm).

    The answer for every province is kept in the system's temporary folder, named by the
    SHA-256 of the enterprises table's parts as the set's manifest lists them (and of the
    package's code), so that the many province pages of one build read the whole
    country's columns once (seconds at millions of firms), not once each."""
    if province is None:
        return []
    import hashlib
    import json
    import tempfile

    from ..core.io import load_quality
    from ..core.scope import parse_scope
    from ..core.version import code_hash

    code = parse_scope(province).code
    outputs = sorted((name, digest) for name, digest in load_quality(processed_dir).get("outputs", {}).items()
                     if name.split("/")[0] == config.ENTERPRISES_FILE)
    key = hashlib.sha256(json.dumps([outputs, code_hash()]).encode()).hexdigest()  # the data, and this code's rules
    kept = Path(tempfile.gettempdir()) / f"adoption-province-links-{key}.json"
    try:
        every = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        every = every_linked(in_scope(columns_of_all(processed_dir, LINK_COLUMNS)), "province")
        temporary = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(every), encoding="utf-8")
            temporary.replace(kept)
        except OSError:  # a folder that cannot be written: computed again next time
            temporary.unlink(missing_ok=True)
    return list(every.get(code, []))
