"""Where a large CSV's rows end: found a block of lines at a time (pyarrow's pattern of a
whole row, the csv module for any other line) exactly where the csv module, reading the
whole file line by line, ends them, or refuses a row."""

from __future__ import annotations

import csv
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.clean import cuts
from adoption.clean.delimited import PythonDialect


def _by_csv_module(path, start, delimiter, limit):
    """The reference: the csv module over the file's lines from ``start``, each row's end
    (and, where it refuses a row, the end of the line it failed on)."""
    offset, ends = start, []

    def lines():
        nonlocal offset
        with path.open("rb") as handle:
            handle.seek(start)
            for line in handle:
                offset += len(line)
                yield line.decode("utf-8")

    previous = csv.field_size_limit(limit)
    try:
        for _ in csv.reader(lines(), dialect=PythonDialect, delimiter=delimiter, strict=True):
            ends.append(offset)
    except csv.Error:
        return ends, offset
    finally:
        csv.field_size_limit(previous)
    return ends, None


def _by_blocks(path, start, delimiter, limit):
    ends = []
    try:
        for end in cuts._row_ends(path, start, True, delimiter, limit):
            ends.append(end)
    except cuts._Untokenized as refused:
        return ends, refused.offset
    return ends, None


PIECES = ["a", "Bình", " ", ",", ";", '"', '""', "\n", "\r\n", "\r", '"x\ny"', '"q""r"', "", "\ufeff"]


def _text(rng: random.Random) -> str:
    if rng.random() < 0.5:  # pieces at random: what can go wrong
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))
    rows = [[rng.choice(["1", "Công ty", "a,b", 'say "hi"', "", " x ", "l1\nl2", "l1\r\nl2", "t;u", "x" * 30])
             for _ in range(3)] for _ in range(rng.randint(1, 12))]
    out = __import__("io").StringIO()
    csv.writer(out, quoting=rng.choice([csv.QUOTE_ALL, csv.QUOTE_MINIMAL]),
               lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
    text = out.getvalue()
    for _ in range(rng.randint(0, 2)):  # the odd defect
        cut = rng.randint(0, len(text))
        text = text[:cut] + rng.choice(['"', ",", "\n", "\r", "x", '5" ']) + text[cut:]
    return text if rng.random() < 0.7 else text.rstrip("\n")


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), block=st.sampled_from([1, 7, 16, 64, 4096]),
       limit=st.sampled_from([10, 25, 131072]), bom=st.booleans())
def test_row_ends_are_the_csv_modules(tmp_path_factory, monkeypatch_module, seed, block, limit, bom):
    rng = random.Random(seed)
    path = tmp_path_factory.mktemp("cuts") / "register.csv"
    start = 3 if bom else 0
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + _text(rng).encode("utf-8"))
    monkeypatch_module.setattr(cuts, "BLOCK_BYTES", block)
    for delimiter in (",", ";"):
        assert _by_blocks(path, start, delimiter, limit) == _by_csv_module(path, start, delimiter, limit)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("text, ends, refused", [
    ('a,b\n"1\n2",x\n3,y', [4, 12, 15], None),  # a quoted line break; the last line without its line feed
    ('a,b\r\n1,"x"y\r\n2,z\r\n', [5], 13),  # refused on line 2, the line it fails on ended
    ('a,b\n1,"open\n2,z\n', [4], 16),  # a quote never closed: refused at the file's end
    ('a,b\n5" x,y\n\n', [4, 11, 12], None),  # a quote inside an unquoted cell is the csv module's; a blank row
])
def test_row_ends_by_hand(tmp_path, monkeypatch, text, ends, refused):
    monkeypatch.setattr(cuts, "BLOCK_BYTES", 5)  # blocks shorter than some lines
    path = tmp_path / "register.csv"
    path.write_bytes(text.encode())
    assert _by_blocks(path, 0, ",", 1000) == (ends, refused)
