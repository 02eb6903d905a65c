"""Text columns of the event frame (:func:`qbr.linking.status_events`), gathered in event
order as large strings (the storage of pandas' ``str`` columns, which to_pandas then
keeps as it is): few-valued columns through their dictionaries, and a column holding one
value (one system, one file) built from that value's bytes instead of a gather of
millions of strings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.arrowflat import flat

__all__ = ["decoded", "encoded", "large", "repeated_text"]


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
