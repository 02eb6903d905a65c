"""Where one byte value occurs in a file's bytes (line breaks, quotes, delimiters), for
the column-wise CSV reader (:mod:`qbr.io.fastcsv`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["positions"]


#: Bytes compared per block when locating one byte value (cache-sized blocks).
_BLOCK = 1 << 22


def positions(arr: np.ndarray, byte: int) -> np.ndarray:
    """``np.flatnonzero(arr == byte)``, compared block by block: no boolean array the
    size of the file (250 MB of fresh memory for a million-row export, whose first
    touch cost more than the comparison), and each block's compare stays in cache."""
    if arr.size <= _BLOCK:
        found: np.ndarray = np.flatnonzero(arr == byte)
        return found
    parts = [np.flatnonzero(arr[i:i + _BLOCK] == byte) + i
             for i in range(0, arr.size, _BLOCK)]
    return np.concatenate(parts)
