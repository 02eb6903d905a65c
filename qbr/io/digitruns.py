"""Dates written without zero padding (``29/2/2016 01:16``), read as runs of digits.

ServiceNow and many European exports write ``%d/%m/%Y %H:%M`` with one-digit days and
months, so a column's values differ in width and the fixed-width paths of
:mod:`qbr.io.dates` do not apply; strptime's own regular expression, run by Arrow, reads
them but costs five times more. For a format made only of numeric fields separated by
non-digit literals, each field is exactly one run of ASCII digits, so the text buffer
can be cut into runs with numpy and every run checked against what strptime's pattern
admits for its directive (width and range). A value is taken only when it has exactly
the format's runs, the literals between them byte for byte and every field in range;
anything else (extra spaces, a lower-case ``t``, ``24:00``, Unicode digits) is left to
the regex path, which decides it as before. Nothing is guessed (SPEC §2).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from qbr.arrowflat import flat

__all__ = ["digit_fields", "plan"]

#: Directive → (fewest, most digits) as strptime's pattern admits them (``%d``: ``3[01]``,
#: ``[12]\d``, ``0[1-9]``, ``[1-9]``; ``%Y``: four digits; ...).
_WIDTHS = {"Y": (4, 4), "m": (1, 2), "d": (1, 2), "H": (1, 2), "M": (1, 2), "S": (1, 2)}
#: Directive → the range a value in it may have here. ``%d`` up to 31 (the month's length
#: is checked with the month); seconds 60 and 61 and years outside datetime64[ns] go to
#: the regex path, which refuses them.
_RANGES = {"Y": (1678, 2261), "m": (1, 12), "d": (1, 31), "H": (0, 23), "M": (0, 59),
           "S": (0, 59)}


def plan(fmt: str) -> tuple[list[str], list[str]] | None:
    """(directives, literals) with ``len(literals) == len(directives) + 1``, for a format
    of distinct numeric directives each separated from the next by a literal of ASCII
    non-digits (a space as itself: strptime would also take several); else None."""
    directives: list[str] = []
    literals = [""]
    for part in re.split(r"(%.)", fmt):
        if len(part) == 2 and part[0] == "%":
            if part[1] not in _WIDTHS or (directives and not literals[-1]):
                return None  # another directive, or two fields with nothing between
            directives.append(part[1])
            literals.append("")
        elif part:
            if "%" in part or any(not (" " <= c <= "~") or c.isdigit() for c in part):
                return None
            literals[-1] += part
    if not directives or len(set(directives)) != len(directives):
        return None
    return directives, literals


def digit_fields(texts: pa.Array, fmt: str) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """Each directive's value per text (int64; meaningless where not taken) and the mask
    of texts taken, or None when ``fmt`` has no :func:`plan` or the array is not plain
    text. ``texts`` are stripped values, as :func:`qbr.io.dates.parse_column` gets them."""
    steps = plan(fmt)
    arr = flat(texts)
    if steps is None or arr.type not in (pa.string(), pa.large_string()):
        return None
    directives, literals = steps
    n = len(arr)
    kind = np.int32 if arr.type == pa.string() else np.int64
    offsets = np.frombuffer(arr.buffers()[1], dtype=kind)[arr.offset:arr.offset + n + 1] \
        .astype(np.int64)
    if n == 0 or offsets[-1] == offsets[0]:
        return {d: np.zeros(n, dtype=np.int64) for d in directives}, np.zeros(n, dtype=bool)
    size = int(offsets[-1] - offsets[0])
    # Zero bytes after the text, so that reading a byte past a run needs no clipping.
    data = np.zeros(size + 4, dtype=np.uint8)
    data[:size] = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    starts, ends = offsets[:-1] - offsets[0], offsets[1:] - offsets[0]
    digit = (data[:size] >= 48) & (data[:size] <= 57)
    opens = np.zeros(size + 1, dtype=bool)  # a value starts here (a run cannot go on)
    opens[starts] = True
    before = np.zeros(size, dtype=bool)
    before[1:] = digit[:-1]
    after = np.zeros(size, dtype=bool)
    after[:-1] = digit[1:]
    run_from = np.flatnonzero(digit & (~before | opens[:size]))
    run_to = np.flatnonzero(digit & (~after | opens[1:])) + 1  # exclusive
    k = len(directives)
    first_run = np.searchsorted(run_from, starts)  # runs begun before each value
    ok = np.searchsorted(run_from, ends) - first_run == k
    taken = np.flatnonzero(ok)
    runs = first_run[taken]  # index of each taken value's first run
    length = run_to - run_from
    # Every run's value as one or two digits (what all fields but %Y have), in one pass.
    tens = data[run_from].astype(np.int32) - 48
    units = data[run_from + 1].astype(np.int32) - 48
    short = np.where(length == 1, tens, tens * 10 + units)
    good = np.ones(taken.size, dtype=bool)
    fields: dict[str, np.ndarray] = {}

    def literal(at: np.ndarray, upto: np.ndarray, text: str) -> None:
        good[:] &= upto - at == len(text)
        for i, char in enumerate(text):  # a wrong length has failed already
            good[:] &= data[np.minimum(at + i, size)] == ord(char)

    for j, name in enumerate(directives):
        r = runs + j
        literal(starts[taken] if j == 0 else run_to[r - 1], run_from[r], literals[j])
        fewest, most = _WIDTHS[name]
        width = length[r]
        good &= (width >= fewest) & (width <= most)
        value = short[r].astype(np.int64)
        if most > 2:  # %Y: the two digits after the first two
            at = run_from[r]
            for i in range(2, most):
                value = value * 10 + data[at + i].astype(np.int64) - 48
        low, high = _RANGES[name]
        good &= (value >= low) & (value <= high)
        if taken.size == n:
            fields[name] = value
        else:
            fields[name] = np.zeros(n, dtype=np.int64)
            fields[name][taken] = value
    literal(run_to[runs + k - 1], ends[taken], literals[k])
    ok[taken] = good
    if arr.null_count:
        ok &= arr.is_valid().to_numpy(zero_copy_only=False)
    return fields, ok
