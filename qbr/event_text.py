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

__all__ = ["categorical", "decoded", "encoded", "large", "repeated_text"]


def encoded(frames: list[pd.DataFrame], keeps: list[np.ndarray],
             name: str) -> pa.DictionaryArray:
    """The kept rows' ``name`` (categorical text, :mod:`qbr.adapt_columns`) of every
    status frame, as one dictionary array with int32 codes."""
    chunks = []
    for f, keep in zip(frames, keeps, strict=True):
        codes = flat(pa.array(f[name]))  # categorical (qbr.adapt_columns): codes
        if not pa.types.is_dictionary(codes.type):
            codes = codes.cast(pa.string()).dictionary_encode()
        else:  # pandas may give int8 codes and, for an all-null column, null values
            codes = pa.DictionaryArray.from_arrays(codes.indices.cast(pa.int32()),
                                                   codes.dictionary.cast(pa.string()))
        chunks.append(codes if keep.all() else codes.filter(pa.array(keep)))
    encoded: pa.DictionaryArray = chunks[0] if len(chunks) == 1 else \
        pa.chunked_array(chunks).unify_dictionaries().combine_chunks()
    return encoded


def decoded(encoded: pa.DictionaryArray, take: pa.Array) -> pa.Array:
    """``encoded`` in the order ``take``, as large strings."""
    codes = encoded.indices.take(take)
    return repeated_text(encoded.dictionary, codes) \
        if len(encoded.dictionary) == 1 else large(encoded.dictionary).take(codes)


def categorical(encoded: pa.DictionaryArray, order: np.ndarray) -> pa.DictionaryArray:
    """``encoded`` in the order ``order`` (row positions), as a dictionary array holding
    only the values used (in dictionary order; a missing value stays missing), with the
    narrowest integer codes: the categorical the event frame keeps."""
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)[order]
    size = len(encoded.dictionary)
    # One slot per value plus one for "missing" (code -1 → slot 0).
    used = np.flatnonzero(np.bincount(codes + 1, minlength=size + 1)[1:])
    kind = np.int8 if used.size <= np.iinfo(np.int8).max else np.int32
    place = np.full(size + 1, -1, dtype=kind)
    place[used + 1] = np.arange(used.size, dtype=kind)
    picked = place[codes + 1]
    missing = picked < 0
    indices = pa.array(picked, mask=missing) if bool(missing.any()) else pa.array(picked)
    values = encoded.dictionary.take(pa.array(used, pa.int64())).cast(pa.string())
    return pa.DictionaryArray.from_arrays(indices, values)


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
