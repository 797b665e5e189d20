"""A stable 64-bit hash of text, computed by numpy on all values at once: the raw keys of
identical duplicate rows (:func:`~adoption.clean.duplicates.raw_key`) and the buckets of
tax codes of the cleaning in parts (:func:`~adoption.clean.parts.bucket_of`). The same in
every process and on every machine (Python's own ``hash`` of text is not)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .distinct import arrow_held, arrow_text, distinct


def text_hash(values: pd.Series, repeated: bool = False) -> np.ndarray:
    """A 64-bit hash of each value's UTF-8 bytes (a missing value hashes as ``""``): the
    same in every process and on every machine, computed on all values at once. With
    ``repeated`` (a column of few distinct values), each distinct value is hashed once.

    >>> h = text_hash(pd.Series(["0301234567", "0301234567-001", None, ""]))
    >>> bool(h[0] == text_hash(pd.Series(["x", "0301234567"]))[1]), bool(h[0] != h[1]), bool(h[2] == h[3])
    (True, True, True)
    >>> bool((text_hash(pd.Series(["a", None, "a", "b"]), repeated=True) == text_hash(pd.Series(["a", "", "a", "b"]))).all())
    True
    """
    if repeated and arrow_held(values.dtype):
        d = distinct(values)  # found once for the cleaners that read the column too
        return _bytes_hash(pa.array(d.arrow).cast(pa.large_binary()))[d.codes]
    text = arrow_text(values)
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    if repeated:
        encoded = pc.dictionary_encode(text.fill_null(""))
        hashes = _bytes_hash(encoded.dictionary.cast(pa.large_binary()))
        return hashes[encoded.indices.to_numpy(zero_copy_only=False)]
    return _bytes_hash(text.cast(pa.large_binary()))


def _bytes_hash(text: pa.Array) -> np.ndarray:
    """:func:`text_hash` of a large binary array (a null is empty): from the value's length,
    each 8 bytes in turn (little-endian, the last zero-filled) multiplied in and mixed
    (SplitMix64's constants, wrapping at 2^64), then mixed once more. Values are taken
    8 bytes at a time, all values at once, longest first."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    starts, lengths = offsets[:-1] - offsets[0], np.diff(offsets)
    with np.errstate(over="ignore"):
        hashes = lengths.astype(np.uint64) * _MULTIPLIER
        if len(data):
            padded = np.zeros(len(data) + 8, dtype=np.uint8)
            padded[:len(data)] = data
            # The 8 bytes from each position, little-endian (a view: unaligned, no copy).
            at = np.ndarray((len(data) + 1,), dtype="<u8", buffer=padded, strides=(1,))
            words = (lengths + 7) // 8
            order = np.argsort(-words, kind="stable")
            first, left, count = starts[order], lengths[order], words[order]
            running = hashes[order]
            active, k = int(np.count_nonzero(count)), 0
            while active:  # the values of more than k words
                word = at[first[:active] + 8 * k] & _TAIL[np.minimum(left[:active] - 8 * k, 8)]
                running[:active] = mix(running[:active] * _MULTIPLIER + word)
                k += 1
                active = int(np.searchsorted(-count, -k, side="left"))
            hashes[order] = running
    return mix(hashes)


# The bytes kept of a last word of 0 to 8 bytes.
_TAIL = np.array([0] + [(1 << (8 * r)) - 1 for r in range(1, 8)] + [2**64 - 1], dtype=np.uint64)


def combined(key: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """A hash of ``key`` (a hash of earlier columns) followed by ``hashes`` (of the next):
    the order of the columns counts."""
    with np.errstate(over="ignore"):
        return mix(key * _MULTIPLIER + hashes)


def mix(values: np.ndarray) -> np.ndarray:
    """64-bit values with their bits mixed (SplitMix64's finaliser)."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(33))
        values = values * _MIX
        return values ^ (values >> np.uint64(29))


# Odd 64-bit constants of the hash (SplitMix64's).
_MULTIPLIER, _MIX = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)
