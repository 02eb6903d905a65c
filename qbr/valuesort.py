"""Stable orders from value sorts (:func:`qbr.linking.sorted_by`): numpy sorts int64
values with vector instructions several times faster than it sorts indices stably, so
the row's position is carried in the low bits of a unique key and read back after.
"""

from __future__ import annotations

import numpy as np

__all__ = ["by_sorted_values", "coarsest_unit"]


def by_sorted_values(rank: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """:func:`qbr.linking.sorted_by` through sorts of values, not of indices: each row's position
    rides in the low bits of its key, so every key is unique and numpy's vectorised
    value sort (several times faster than a stable argsort of five million keys) gives
    the stable order. One sort when (``rank``, ``at``) and the position fit in 63 bits,
    else two: ``at`` (with position) to a dense unique rank, then (``rank``, that rank).
    None when even that does not fit (or ``at`` holds NaT)."""
    n = rank.size
    bits = max(int(n - 1).bit_length(), 1)
    mask = np.int64((1 << bits) - 1)
    low, high = int(at.min()), int(at.max())
    if low == np.iinfo(np.int64).min or int(rank.min()) < 0:
        return None
    unit = coarsest_unit(at, low)
    span = (high - low) // unit + 1
    top = int(rank.max()) + 1
    position = np.arange(n, dtype=np.int64)
    if (top * span).bit_length() + bits <= 63:
        # In place: one key array of five million, sorted where it is.
        key = at - low
        if unit != 1:
            key //= unit
        key += rank * span
        key <<= bits
        key |= position
        key.sort()
        key &= mask
        return key
    if span.bit_length() + bits > 63 or top.bit_length() + bits > 63:
        return None
    by_at = at - low
    if unit != 1:
        by_at //= unit
    by_at <<= bits
    by_at |= position
    by_at.sort()
    by_at &= mask
    place = np.empty(n, dtype=np.int64)
    place[by_at] = position  # each row's place in a stable order by ``at``
    key = rank << bits
    key |= place
    key.sort()
    key &= mask
    order: np.ndarray = by_at[key]
    return order


def coarsest_unit(at: np.ndarray, low: int) -> int:
    """The coarsest exact unit of ``at`` (ns) counted from ``low``: whole minutes,
    seconds, milli- or microseconds (most exports: seconds), else nanoseconds."""
    # A unit a few thousand spread values refute needs no pass over millions; the one
    # that passes them is checked by a division (numpy divides int64 by a scalar several
    # times faster than it takes a remainder).
    sample = at[::max(1, at.size // 4096)]
    span = at - low
    for unit in (60 * 10**9, 10**9, 10**6, 10**3):
        if bool(np.any((sample - low) % unit)):
            continue
        whole = span // unit
        whole *= unit
        if bool(np.array_equal(whole, span)):
            return unit
    return 1
