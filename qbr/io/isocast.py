"""The fastest date path: a clean fixed-width column rearranged into ISO 8601 bytes and
cast by Arrow's C++ parser (SPEC §2: declared formats only).

Used by :mod:`qbr.io.dates` for a column whose values all have the width of a
zero-padded declared format (``%Y-%m-%dT%H:%M:%S%z``, ``%d/%m/%Y %H:%M``, ...). The
checks are all-or-nothing: every literal character in its place, a digit at every field
position, the zone suffix in one of ``Z``/``±HHMM``/``±HH:MM``, every year within
1678-2261 (the instants the columns hold). Then the bytes are permuted into
``YYYY-MM-DD HH:MM:SS`` (+ the suffix) with one numpy gather and cast; Arrow refuses an
impossible value (30 February, hour 24, second 60, offset +25:00) for the whole column.
Whenever a check or the cast fails, ``None`` sends the column to the digit-by-digit
path, which decides value by value, so the result is the same either way, only faster
(~10x on five million values).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Directive → (width, position in "YYYY-MM-DD HH:MM:SS"); as qbr.io.dates._FIXED.
_PLACES = {"Y": (4, 0), "m": (2, 5), "d": (2, 8), "H": (2, 11), "M": (2, 14), "S": (2, 17)}
_TEMPLATE = np.frombuffer(b"1900-01-01 00:00:00", dtype=np.uint8)
_DIGIT = np.uint8(9)


def cast_uniform(grid: np.ndarray, fields: list[tuple[str, int]],
                 literals: list[tuple[int, str]], body: int, zone: bool
                 ) -> np.ndarray | None:
    """``grid``: the column as an n × width byte matrix (every value ``width`` bytes);
    ``fields``: (directive, byte offset); ``literals``: (byte offset, character);
    ``body``: the width without the zone suffix. Returns the instants (datetime64[ns]:
    UTC with ``zone``, else wall-clock) when every value passes, else None. Arrow's
    parser checks the digits and ranges; the literals and suffix are checked here."""
    n, width = grid.shape
    for pos, char in literals:
        if not bool(np.all(grid[:, pos] == ord(char))):
            return None
    tail = width - body
    if zone and not _zone_ok(grid[:, body:], tail):
        return None
    if _is_iso(fields, literals):
        iso = grid  # already "YYYY-MM-DD[ T]HH:MM:SS" (or a prefix) and the suffix
        size = width
    else:
        size = 19 + tail
        iso = np.empty((n, size), dtype=np.uint8)
        iso[:, :19] = _TEMPLATE
        for name, at in fields:
            length, place = _PLACES[name]
            iso[:, place:place + length] = grid[:, at:at + length]
        if tail:
            iso[:, 19:] = grid[:, body:]
    offsets = pa.py_buffer(np.arange(0, (n + 1) * size, size, dtype=np.int32))
    text = pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(iso)])
    target = pa.timestamp("ns", tz="UTC") if zone else pa.timestamp("ns")
    try:
        cast = pc.cast(text, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values: np.ndarray = cast.cast(pa.int64()).to_numpy(zero_copy_only=False) \
        .view("datetime64[ns]")
    if not _years_ok(values, iso if "Y" in dict(fields) else None):
        return None
    return values


_ISO_LITERALS = {4: "-", 7: "-", 13: ":", 16: ":"}


def _is_iso(fields: list[tuple[str, int]], literals: list[tuple[int, str]]) -> bool:
    """The format is ``%Y-%m-%d``, optionally with `` %H:%M`` or `` %H:%M:%S`` (space or
    ``T``): Arrow's ISO 8601 parser reads the values as they are."""
    names = [name for name, _ in fields]
    if names not in (["Y", "m", "d"], ["Y", "m", "d", "H", "M"],
                     ["Y", "m", "d", "H", "M", "S"]):
        return False
    if any(at != _PLACES[name][1] for name, at in fields):
        return False
    expected = {**_ISO_LITERALS, 10: "T "}
    return all(pos in expected and char in expected[pos] for pos, char in literals)


#: Instants whose written year is surely within 1678-2261, whatever the zone offset.
_SAFE = (np.datetime64("1678-01-06", "ns"), np.datetime64("2261-12-26", "ns"))


def _years_ok(values: np.ndarray, iso: np.ndarray | None) -> bool:
    """Every written year within 1678-2261 (the digit path's range), read from the
    bytes only when an instant lies within days of either end."""
    if values.size == 0 or (values.min() >= _SAFE[0] and values.max() <= _SAFE[1]):
        return True
    if iso is None:
        return False
    year = sum((iso[:, i].astype(np.int32) - 48) * 10 ** (3 - i) for i in range(4))
    return bool(np.all((year >= 1678) & (year <= 2261)))


def _zone_ok(tail: np.ndarray, size: int) -> bool:
    """Every suffix is ``Z`` (size 1), ``±HHMM`` (5) or ``±HH:MM`` (6)."""
    if size == 1:
        return bool(np.all(tail[:, 0] == ord("Z")))
    if size not in (5, 6):
        return False
    sign = (tail[:, 0] == ord("+")) | (tail[:, 0] == ord("-"))
    at = [1, 2, 3, 4] if size == 5 else [1, 2, 4, 5]
    ok = sign & np.all((tail[:, at] - np.uint8(48)) <= _DIGIT, axis=1)
    if size == 6:
        ok &= tail[:, 3] == ord(":")
    return bool(np.all(ok))
