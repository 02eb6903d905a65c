"""Values that two declared date formats read differently (README "Ambiguous dates").

``date_format = ["%d/%m/%Y", "%m/%d/%Y"]`` would read ``03/12/2026`` with the first
format that matches, silently: 3 December where the export may mean 12 March. Such a
value is never read. Its row is rejected as ``ambiguous-date`` naming both readings, so
the rest of a mixed file still reconciles and the user sees which format to keep.
Values that both formats read the same way (``03/03/2026``) are not ambiguous.

Column-wise: each format's strptime pattern is matched by Arrow (RE2) over the column;
only values that two or more patterns match are parsed again, one format at a time, with
:func:`qbr.io.dates.parse_column`. A source with a single format costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qbr.io.dates import parse_column
from qbr.io.values import show_reading

REASON = "ambiguous-date"
_UTC = ZoneInfo("UTC")


def ambiguous(texts: pa.Array, formats: Sequence[str],
              candidates: np.ndarray | None = None) -> dict[int, str]:
    """Positions of ``texts`` (stripped cells) that two of ``formats`` read as different
    instants → the message naming both readings. ``candidates`` limits the check to
    those positions (e.g. the values that parsed)."""
    if len(formats) < 2 or len(texts) == 0:
        return {}
    todo = np.ones(len(texts), dtype=bool) if candidates is None else candidates.copy()
    matches = [_matches(texts, fmt) & todo for fmt in formats]
    count = np.sum(matches, axis=0)
    pos = np.flatnonzero(count >= 2)
    if pos.size == 0:
        return {}
    subset = texts.take(pa.array(pos))
    readings = [parse_column(subset, [fmt], _UTC).utc for fmt in formats]
    out: dict[int, str] = {}
    stacked = np.vstack(readings)
    valid = ~np.isnat(stacked)
    for j in np.flatnonzero(valid.sum(axis=0) >= 2).tolist():
        seen = [(formats[i], stacked[i, j]) for i in range(len(formats)) if valid[i, j]]
        if len({v for _, v in seen}) > 1:
            out[int(pos[j])] = _message(str(subset[j].as_py()), seen[:2])
    return out


def _matches(texts: pa.Array, fmt: str) -> np.ndarray:
    """Which values ``fmt``'s strptime pattern matches as a whole (not yet validated)."""
    import _strptime  # type: ignore[import-not-found]

    try:
        pattern = _strptime._TimeRE_cache.pattern(fmt)
    except (KeyError, ValueError):
        return np.zeros(len(texts), dtype=bool)
    pattern = re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)
    pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    hit = pc.match_substring_regex(texts, f"(?i)^(?:{pattern})$")
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def _message(text: str, seen: list[tuple[str, np.datetime64]]) -> str:
    (fa, va), (fb, vb) = seen
    return (f"{text!r} reads as {_show(va)} under {fa!r} and as {_show(vb)} under {fb!r}: "
            f"keep only the format the export uses in date_format")


def _show(value: np.datetime64) -> str:
    return show_reading(datetime.fromisoformat(str(value.astype("datetime64[s]"))))
