"""Text columns of the event frame (:func:`qbr.linking.status_events`), gathered in event
order. The few-valued columns (system, status, priority, source file) stay codes: a
dictionary array (a pandas categorical, which the engine reads like text,
tests/test_engine_string_dtypes.py) with only the values used, so five million events
hold one byte each instead of a copy of the string. The ticket id is a large string (the
storage of pandas' ``str`` columns, which to_pandas then keeps as it is); a column holding
one value can be built from that value's bytes instead of a gather of millions of strings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.arrowflat import flat

__all__ = ["categorical", "coded", "large", "repeated_text"]


def coded(frames: list[pd.DataFrame], keeps: list[np.ndarray],
          name: str) -> tuple[np.ndarray, list[str]]:
    """The kept rows' ``name`` of every status frame as integer codes (-1: missing) into
    one list of values. The frames hold categoricals (:mod:`qbr.adapt_columns`), whose
    codes are read where pandas keeps them (one byte a row); another dtype is factorised."""
    values: dict[str, int] = {}
    parts = []
    for f, keep in zip(frames, keeps, strict=True):
        column = f[name]
        cat = column.array if isinstance(column.dtype, pd.CategoricalDtype) else \
            pd.Categorical(column)
        codes: np.ndarray = np.asarray(cat.codes)
        codes = codes if keep.all() else codes[keep]
        mine = [values.setdefault(str(v), len(values)) for v in cat.categories]
        if mine != list(range(len(mine))):  # a later frame: its values renumbered
            codes = np.array([*mine, -1], dtype=np.int32)[codes]
        parts.append(codes)
    if len(parts) > 1:
        parts = [np.concatenate([p.astype(np.int32) for p in parts])]
    return parts[0], list(values)


def categorical(codes: np.ndarray, values: list[str], order: np.ndarray
                ) -> pa.DictionaryArray:
    """``codes`` (into ``values``; -1: missing) in the order ``order`` (row positions),
    as a dictionary array holding only the values used (in their order; a missing value
    stays missing) with one-byte codes where they fit: the categorical the event frame
    keeps."""
    picked = codes[order]
    # Counted as unsigned integers: code -1 lands in the last slot, the missing one.
    width = np.dtype(picked.dtype).itemsize
    if width <= 2:
        counts = np.bincount(picked.view(f"u{width}"))
        slots = 1 << (8 * width)
    else:
        picked = picked.astype(np.int64)
        counts = np.bincount(picked % (len(values) + 1))
        slots = len(values) + 1
    counts = np.pad(counts, (0, slots - counts.size))
    used = np.flatnonzero(counts[:len(values)])
    missing = bool(counts[-1])
    kind = np.int8 if used.size <= np.iinfo(np.int8).max else np.int32
    if used.size != len(values) or picked.dtype != kind:
        place = np.full(len(values) + 1, -1, dtype=kind)  # place[-1]: missing stays -1
        place[used] = np.arange(used.size, dtype=kind)
        picked = place[picked]
    indices = pa.array(picked, mask=picked < 0) if missing else pa.array(picked)
    return pa.DictionaryArray.from_arrays(
        indices, pa.array([values[i] for i in used.tolist()], pa.string()))


def large(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    return flat(text).cast(pa.large_string())


def repeated_text(values: pa.Array, where: pa.Array) -> pa.Array:
    """``values.take(where)`` as large strings; built from one value's bytes when every
    value is the same (the usual one system), without a gather of millions of strings."""
    n = len(where)
    if n == 0 or len(values) == 0 or values.null_count or where.null_count or \
            len(pc.unique(values)) != 1:
        return large(values).take(where)
    raw = values[0].as_py().encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int64) * len(raw)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(raw * n))
