"""Half-open interval arithmetic on aware datetimes: ``[start, end)`` pairs.

Used by uptime (windows, maintenance, outages; SPEC §4) and the SLA pause clock. Every
function returns sorted, disjoint, non-empty intervals, so overlaps count once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

Interval = tuple[datetime, datetime]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping and touching intervals; empty ones vanish."""
    out: list[Interval] = []
    for a, b in sorted(i for i in intervals if i[1] > i[0]):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect(left: Iterable[Interval], right: Iterable[Interval]) -> list[Interval]:
    """Where both sets of intervals hold."""
    xs, ys = union(left), union(right)
    out: list[Interval] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if b > a:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(base: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """``base`` minus ``holes``."""
    out: list[Interval] = []
    cuts = union(holes)
    for a, b in union(base):
        start = a
        for c, d in cuts:
            if d <= start or c >= b:
                continue
            if c > start:
                out.append((start, c))
            start = max(start, d)
        if start < b:
            out.append((start, b))
    return out


def total_seconds(intervals: Iterable[Interval]) -> float:
    """Summed length in seconds (callers pass disjoint intervals, e.g. from union)."""
    return sum((b - a).total_seconds() for a, b in intervals)
