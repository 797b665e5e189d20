"""The spill files of the cleaning in parts: what a bucket gathers is its rows of every
chunk, in the order of the chunks and of their rows, with pandas' types as they were."""

import numpy as np
import pyarrow as pa
import pandas as pd
import pytest

from adoption.clean.parts import _gather, _spill, bucket_of

BUCKETS = 4


def _chunk(rows: int, categories: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "tax_code": pd.Series([f"{n:010d}" for n in rng.integers(0, 10**9, rows)], dtype="string"),
        "name": pd.Series(rng.choice(["Công ty A", None, "Hợp tác xã B"], rows), dtype="str"),
        "kind": pd.Categorical(rng.choice(categories, rows), categories=categories),
        "employees": pd.array(np.where(rng.random(rows) < 0.2, None, rng.integers(0, 500, rows)), dtype="Int64"),
        "registered_on": pd.Series(pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), "D")).astype("datetime64[s]"),
        "flag": pd.array(np.where(rng.random(rows) < 0.1, None, rng.random(rows) < 0.5), dtype="boolean"),
        "source_row": np.arange(rows, dtype="int64") + 2,
    })


@pytest.mark.parametrize("categories", [[["a", "b"], ["a", "b"], ["a", "b"]],  # one categorical: gathered as one table
                                        [["a", "b"], ["b", "a", "c"], ["a", "b"]]])  # not alike: each file apart
def test_a_bucket_gathers_its_rows_of_every_chunk_in_order(tmp_path, categories):
    chunks = [_chunk(rows, cats, seed) for seed, (rows, cats) in enumerate(zip([1500, 900, 7], categories))]
    for number, chunk in enumerate(chunks):
        _spill(chunk, chunk["tax_code"], tmp_path, f"c{number:05d}", BUCKETS)
    for bucket in range(BUCKETS):
        # Expected by hand: each chunk's rows of this bucket, chunk after chunk, as pandas joins them.
        mine = [chunk[bucket_of(chunk["tax_code"], BUCKETS) == bucket] for chunk in chunks]
        expected = pd.concat([m for m in mine if len(m)], ignore_index=True)
        pd.testing.assert_frame_equal(_gather(tmp_path / f"b{bucket:04d}"), expected)


def test_a_bucket_without_rows_gathers_nothing(tmp_path):
    chunk = _chunk(1, ["a"], 0)
    _spill(chunk, chunk["tax_code"], tmp_path, "c00000", BUCKETS)
    empty = [b for b in range(BUCKETS) if b != bucket_of(chunk["tax_code"], BUCKETS)[0]]
    assert all(_gather(tmp_path / f"b{b:04d}") is None for b in empty)


def test_columns_arrow_would_not_give_back_as_they_were_spill_as_pickles(tmp_path):
    # Python objects (their type guessed again on the way back) and text held as Python
    # strings, beside chunks Arrow does hold: every bucket still gathers pandas' join.
    safe = _chunk(600, ["a", "b"], 1)
    objects = _chunk(500, ["a", "b"], 2).assign(note=pd.Series([None, 3, "x", 2.5, True] * 100, dtype=object))
    python_text = _chunk(400, ["a", "b"], 3).astype({"name": pd.StringDtype("python")})
    chunks = [safe, objects, python_text]
    for number, chunk in enumerate(chunks):
        _spill(chunk, chunk["tax_code"], tmp_path, f"c{number:05d}", BUCKETS)
    assert {f.suffix for f in tmp_path.rglob("c00000.*")} == {".arrow"}
    assert {f.suffix for f in tmp_path.rglob("c00001.*")} == {f.suffix for f in tmp_path.rglob("c00002.*")} == {".pkl"}
    for bucket in range(BUCKETS):
        mine = [chunk[bucket_of(chunk["tax_code"], BUCKETS) == bucket] for chunk in chunks]
        expected = pd.concat([m for m in mine if len(m)], ignore_index=True)
        pd.testing.assert_frame_equal(_gather(tmp_path / f"b{bucket:04d}"), expected)


def test_spill_files_are_compressed(tmp_path):
    # Repetitive text, as a register's columns are: a compressed file holds a fraction of
    # what Arrow holds in memory, and gives it all back.
    chunk = _chunk(20_000, ["a", "b"], 4)
    _spill(chunk, chunk["tax_code"], tmp_path, "c00000", 1)
    written = sum(f.stat().st_size for f in tmp_path.rglob("*.arrow"))
    assert written < pa.Table.from_pandas(chunk, preserve_index=False).nbytes / 2
    pd.testing.assert_frame_equal(_gather(tmp_path / "b0000"), chunk)
