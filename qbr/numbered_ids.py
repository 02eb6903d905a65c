"""Numbered ticket ids (``T-1000123``, ``INC0012345``): one width, a fixed prefix or
infix, digits where ids differ. Read as integers, they are looked up and counted through
a table indexed by number (:mod:`qbr.linking`) instead of a hash table of strings, which
for five million status rows is several times faster. Every function here answers None
when the ids are not so, and the caller takes the general path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["NumberTable", "index_numbered", "look_up", "number_table", "numbered_codes",
           "places"]


@dataclass(frozen=True)
class NumberTable:
    """Known numbered ids (:func:`number_table`): each one's place, indexed by its number
    minus ``low``, -1 where no id has that number; ``scheme`` reads the numbers."""

    places: np.ndarray  # int32
    low: int
    high: int
    scheme: tuple[np.ndarray, np.ndarray]


def index_numbered(values: pa.Array, value_set: pa.Array) -> pa.Array | None:
    """:func:`qbr.linking._index_in` for numbered ids (:func:`_scheme`: ``T-1000123``,
    ``INC0012345``) whose numbers are dense (span at most 8x the count plus 1,024): a
    lookup table indexed by number instead of a hash table, so five million events cost
    one pass over their bytes and one gather. None when the ids are not so (or repeat)."""
    table = number_table(value_set)
    return None if table is None else look_up(values, table)


def number_table(value_set: pa.Array) -> NumberTable | None:
    """The table :func:`look_up` reads, built once per set of known ids (the tickets of
    one system); None when the ids are not numbered and dense, or one repeats."""
    dense = _dense(value_set)
    if dense is None:
        return None
    known, low, high, scheme = dense
    places = np.full(high - low + 1, -1, dtype=np.int32)
    places[known - low] = np.arange(len(known), dtype=np.int32)
    if int(np.count_nonzero(places >= 0)) != len(known):
        return None  # a repeated id: Arrow's answer (the first place) decides
    return NumberTable(places, low, high, scheme)


def look_up(values: pa.Array, table: NumberTable) -> pa.Array:
    """Each value's place among the known ids of ``table`` (int32), null when unknown."""
    where = places(values, table)
    return pa.array(where, mask=where < 0)


def places(values: pa.Array, table: NumberTable) -> np.ndarray:
    """:func:`look_up` as int32 numbers, -1 where the value is unknown. Worked block by
    block (:data:`_BLOCK` ids), so each block's numbers are checked and looked up while
    they are still in the processor's cache."""
    where = np.empty(len(values), dtype=np.int32)
    size = table.places.size
    for low in range(0, len(values), _BLOCK):
        number, ok = _numbers(values.slice(low, _BLOCK), *table.scheme)
        number -= table.low
        ok &= (number >= 0) & (number < size)
        where[low:low + number.size] = np.where(ok, table.places[np.where(ok, number, 0)], -1)
    return where


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
    if n == 0 or text.type not in (pa.string(), pa.large_string()):
        return number, np.zeros(n, dtype=bool)
    # Large strings too (pandas' ``str`` storage): the status ids are read where they are.
    kind: type[np.signedinteger[Any]] = np.int64 if text.type == pa.large_string() \
        else np.int32
    offsets = np.frombuffer(text.buffers()[1], dtype=kind)[text.offset:text.offset + n + 1]
    data = np.frombuffer(text.buffers()[2] or b"", dtype=np.uint8)
    ok = np.diff(offsets) == width
    if text.null_count:
        ok &= text.is_valid().to_numpy(zero_copy_only=False)
    if bool(ok.all()) and int(offsets[-1] - offsets[0]) == width * n:
        grid = data[offsets[0]:offsets[-1]].reshape(n, width)
    else:
        grid = np.zeros((n, width), dtype=np.uint8)
        grid[ok] = data[offsets[:-1][ok, None] + np.arange(width)]
    fixed, digits = np.flatnonzero(~varying), np.flatnonzero(varying).tolist()
    # Worked in blocks that stay in the processor's cache: one pass over memory instead
    # of three per digit (five million ids of seven digits). Each block's ``good`` and
    # ``count`` are views of ``ok`` and ``number``.
    for low in range(0, n, _BLOCK):
        block = grid[low:low + _BLOCK]
        good, count = ok[low:low + _BLOCK], number[low:low + _BLOCK]
        if fixed.size:
            good &= np.all(block[:, fixed] == first[fixed], axis=1)
        for j in digits:
            digit = block[:, j] - np.uint8(48)
            good &= digit < 10
            count *= 10
            count += digit
    return number, ok


#: Rows per block of :func:`_numbers` (a block's numbers and bytes fit a core's cache).
_BLOCK = 1 << 15


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
