"""Numbered ticket ids (``T-1000123``, ``INC0012345``): one width, a fixed prefix or
infix, digits where ids differ. Read as integers, they are looked up and counted through
a table indexed by number (:mod:`qbr.linking`) instead of a hash table of strings, which
for five million status rows is several times faster. Every function here answers None
when the ids are not so, and the caller takes the general path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["index_numbered", "numbered_codes"]


def index_numbered(values: pa.Array, value_set: pa.Array) -> pa.Array | None:
    """:func:`qbr.linking._index_in` for numbered ids (:func:`_scheme`: ``T-1000123``,
    ``INC0012345``) whose numbers are dense (span at most 8x the count plus 1,024): a
    lookup table indexed by number instead of a hash table, so five million events cost
    one pass over their bytes and one gather. None when the ids are not so (or repeat)."""
    dense = _dense(value_set)
    if dense is None:
        return None
    known, low, high, scheme = dense
    table = np.full(high - low + 1, -1, dtype=np.int32)
    table[known - low] = np.arange(len(known), dtype=np.int32)
    if int(np.count_nonzero(table >= 0)) != len(known):
        return None  # a repeated id: Arrow's answer (the first place) decides
    number, ok = _numbers(values, *scheme)
    ok &= (number >= low) & (number <= high)
    where = np.full(len(values), -1, dtype=np.int32)
    where[ok] = table[number[ok] - low]
    return pa.array(where, mask=where < 0)


def _scheme(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """When every id has one width and differs from the others only in digit positions
    (a fixed prefix or infix, then digits: ``T-1000123``), ``(first id's bytes, which
    positions vary)``; reading the varying digits as one decimal number is then a
    one-to-one map from these ids to integers. None otherwise (or past 18 digits)."""
    n = len(text)
    if n == 0 or text.null_count or text.type != pa.string():
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + n + 1]
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 32 or int(offsets[-1] - offsets[0]) != width * n or \
            not bool(np.all(np.diff(offsets) == width)):
        return None
    grid = np.frombuffer(text.buffers()[2], dtype=np.uint8)[
        offsets[0]:offsets[-1]].reshape(n, width)
    first = grid[0].copy()
    varying = ~np.all(grid == first, axis=0)
    count = int(varying.sum())
    if not 0 < count <= 18 or not bool(np.all(grid[:, varying] - np.uint8(48) < 10)):
        return None
    return first, varying


def _numbers(text: pa.Array, first: np.ndarray, varying: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Each id's number under :func:`_scheme` ``(first, varying)``, and whether the id
    follows that scheme at all (same width, same fixed bytes, digits where it varies)."""
    n, width = len(text), first.size
    number = np.zeros(n, dtype=np.int64)
    if n == 0 or text.type != pa.string():
        return number, np.zeros(n, dtype=bool)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + n + 1]
    data = np.frombuffer(text.buffers()[2] or b"", dtype=np.uint8)
    ok = np.diff(offsets) == width
    if text.null_count:
        ok &= text.is_valid().to_numpy(zero_copy_only=False)
    if bool(ok.all()) and int(offsets[-1] - offsets[0]) == width * n:
        grid = data[offsets[0]:offsets[-1]].reshape(n, width)
    else:
        grid = np.zeros((n, width), dtype=np.uint8)
        grid[ok] = data[offsets[:-1][ok, None] + np.arange(width)]
    ok &= np.all(grid[:, ~varying] == first[~varying], axis=1)
    for j in np.flatnonzero(varying).tolist():
        digit = grid[:, j] - np.uint8(48)
        ok &= digit < 10
        number = number * 10 + digit
    return number, ok


def numbered_codes(ids: pa.ChunkedArray) -> tuple[np.ndarray, int] | None:
    """Ids as codes ``1..width-1`` (equal ids, equal codes; :func:`_scheme`) read from
    their numbers, when they are numbered and dense: no hash table of a million strings."""
    dense = _dense(ids.combine_chunks() if ids.num_chunks != 1 else ids.chunk(0))
    if dense is None:
        return None
    number, low, high, _ = dense
    return number - low + 1, high - low + 2


def _dense(text: pa.Array) -> tuple[np.ndarray, int, int,
                                    tuple[np.ndarray, np.ndarray]] | None:
    """The ids' numbers, their lowest and highest, and the :func:`_scheme` that reads
    them, when the ids are numbered and the numbers dense (span at most 8x the count plus
    1,024, so a table indexed by number stays small); None otherwise."""
    scheme = _scheme(text)
    if scheme is None:
        return None
    number, _ = _numbers(text, *scheme)
    low, high = int(number.min()), int(number.max())
    if high - low >= 8 * len(number) + 1024:
        return None
    return number, low, high, scheme
