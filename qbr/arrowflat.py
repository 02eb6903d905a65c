"""One contiguous Arrow array from a column that may come in chunks: ``pa.array`` of a
pandas column, a pyarrow CSV read and a concatenation all may give a ChunkedArray, while
the byte-level readers (offsets and data buffers) need one buffer."""

from __future__ import annotations

import pyarrow as pa

__all__ = ["flat"]


def flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``values`` as one array (combined only when chunked)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
