"""Business time for many clocks at once: one dense table per UTC slot (SPEC §3, §3a).

A clock is a :class:`~qbr.calendar.ClockSpec` (calendar, zone, holiday rule). For every
clock and every UTC slot (an hour, or a day for very long ranges) of the run's range the
table holds the business seconds before that slot (``cum``) and the slot's open pieces
(at most ``K`` per slot, zero-length padding).
Cumulative business seconds at UTC epoch second ``t`` on clock ``c`` are then::

    cum[row] + Σ_k clip(t − start[row, k], 0, length[row, k]),  row = c × slots + slot(t)

with no search at all, for any mix of clocks in one array operation. Business time between
two instants is the difference of two look-ups. Open intervals are laid out from local
wall-clock hours with the SPEC §2 DST policy (first occurrence of a repeated hour, skipped
hour moved forward), as :func:`qbr.calendar.local_to_utc` does one at a time; dated
exceptions beat holidays and closed dates, which beat the weekday (SPEC §3a).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from qbr.calendar import ClockSpec, _closed_days

DAY = 86_400
_MONDAY_OFFSET = 3  # 1970-01-01 (epoch day 0) was a Thursday; Monday = 0


def seconds_of(values: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """UTC epoch seconds (float64, NaN for NaT) of instants; exact for whole seconds
    (until 2116)."""
    ns = np.asarray(pd.DatetimeIndex(values).as_unit("ns").asi8 if not isinstance(
        values, np.ndarray) else values, dtype="int64")
    # One correctly rounded division: whole seconds stay exact (k × 10⁹ = k × 5⁹ × 2⁹ ns
    # is a float64 exactly while k × 5⁹ < 2⁵³, i.e. until the year 2116), so business
    # seconds of whole-second inputs are exact; sub-second instants are within one ulp.
    out: np.ndarray = ns.astype("float64")
    out /= 1e9
    out[ns == np.iinfo("int64").min] = np.nan
    return out


def _ranges_seconds(ranges: Sequence[tuple[object, object]]) -> list[tuple[int, int]]:
    """Wall-clock ranges as seconds after local midnight (``time.max`` = 24:00)."""
    out = []
    for start, end in ranges:
        s = start.hour * 3600 + start.minute * 60 + start.second  # type: ignore[attr-defined]
        e = 86_400 if end.microsecond == 999_999 else (  # type: ignore[attr-defined]
            end.hour * 3600 + end.minute * 60 + end.second)  # type: ignore[attr-defined]
        out.append((s, e))
    return out


def open_intervals(spec: ClockSpec, first_day: date, last_day: date) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """UTC epoch-second ``[start, end)`` arrays of the desk's open intervals on the local
    dates ``first_day`` … ``last_day`` (inclusive), sorted. 24x7 gives one interval."""
    if spec.calendar.always:
        lo = (first_day - date(1970, 1, 1)).days * DAY
        hi = ((last_day - date(1970, 1, 1)).days + 1) * DAY
        return np.array([lo], dtype="float64"), np.array([hi], dtype="float64")
    cal = spec.calendar
    days = np.arange(np.datetime64(first_day, "D"), np.datetime64(last_day, "D") + 1)
    day_no = days.astype("int64")
    weekday = (day_no + _MONDAY_OFFSET) % 7
    closed = set(cal.closed)
    for year in range(first_day.year, last_day.year + 1):
        closed |= _closed_days(spec.holidays, year)
    exc_days = {d for d, _ in cal.exceptions}
    shut = np.array(sorted(closed | exc_days), dtype="datetime64[D]")
    regular = ~np.isin(days, shut)
    local_s: list[np.ndarray] = []
    local_e: list[np.ndarray] = []
    for wd in range(7):
        sel = day_no[regular & (weekday == wd)] * DAY
        for s, e in _ranges_seconds(cal.hours[wd]):
            local_s.append(sel + s)
            local_e.append(sel + e)
    for d, ranges in cal.exceptions:
        if first_day <= d <= last_day:
            base = (d - date(1970, 1, 1)).days * DAY
            for s, e in _ranges_seconds(ranges):
                local_s.append(np.array([base + s]))
                local_e.append(np.array([base + e]))
    if not local_s:
        return np.empty(0), np.empty(0)
    starts = _to_utc(np.concatenate(local_s), spec.timezone)
    ends = _to_utc(np.concatenate(local_e), spec.timezone)
    keep = ends > starts
    order = np.argsort(starts[keep], kind="stable")
    return starts[keep][order], ends[keep][order]


def _to_utc(local_seconds: np.ndarray, zone: str) -> np.ndarray:
    """Local wall-clock seconds (as if UTC) → UTC epoch seconds, SPEC §2 DST policy:
    the first occurrence of a repeated hour (the DST one), a skipped time moved forward."""
    naive = pd.DatetimeIndex(local_seconds.astype("int64") * 1_000_000_000)
    aware = naive.tz_localize(zone, ambiguous=np.ones(len(naive), dtype=bool),
                              nonexistent="shift_forward")
    return aware.as_unit("ns").asi8 // 1_000_000_000 * 1.0


class ClockTable:
    """Dense per-UTC-day business-time table for several clocks (see module docstring)."""

    def __init__(self, specs: Sequence[ClockSpec], lo: float, hi: float,
                 step: int | None = None) -> None:
        """Tables for ``specs`` covering UTC epoch seconds ``[lo, hi]`` (with a margin of
        two days so local dates around the ends are complete). A slot is ``step``
        seconds: an hour while the table stays under 4M slots (then almost every slot
        holds at most one open piece, the fastest look-up), else a day."""
        self.specs = tuple(specs)
        self.index = {s: i for i, s in enumerate(self.specs)}
        day0 = int(np.floor(lo / DAY)) - 2
        day1 = int(np.floor(hi / DAY)) + 2
        hourly = len(self.specs) * (day1 - day0 + 1) * 24 <= 4_000_000
        self.step = step or (3600 if hourly else DAY)
        per_day = DAY // self.step
        self.slot0 = day0 * per_day
        self.slots = (day1 - day0 + 1) * per_day
        epoch = date(1970, 1, 1)
        first = date.fromordinal(epoch.toordinal() + day0 - 1)
        last = date.fromordinal(epoch.toordinal() + day1 + 1)
        pieces = [self._pieces(open_intervals(s, first, last)) for s in self.specs]
        width = max([1] + [int(np.bincount(p[0]).max()) if len(p[0]) else 1 for p in pieces])
        n = len(self.specs)
        self.start = np.zeros((n * self.slots, width))
        self.length = np.zeros((n * self.slots, width))
        self.cum = np.zeros(n * self.slots)
        for i, (slot, s, e) in enumerate(pieces):
            rows = i * self.slots + slot
            # position of each piece within its slot (pieces are sorted by start)
            pos = np.arange(len(slot)) - np.searchsorted(slot, slot, side="left")
            self.start[rows, pos] = s
            self.length[rows, pos] = e - s
            per_slot = np.bincount(slot, weights=e - s, minlength=self.slots)
            self.cum[i * self.slots:(i + 1) * self.slots] = np.concatenate(
                ([0.0], np.cumsum(per_slot)[:-1]))
        # one contiguous column per piece position: 1-D gathers are several times faster
        self._start_k = [np.ascontiguousarray(self.start[:, k]) for k in range(width)]
        self._length_k = [np.ascontiguousarray(self.length[:, k]) for k in range(width)]

    def _pieces(self, intervals: tuple[np.ndarray, np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Split intervals at slot boundaries, keep the table's slots: (slot, start,
        end)."""
        starts, ends = intervals
        step = self.step
        first = np.floor(starts / step).astype("int64")
        count = np.maximum(np.ceil(ends / step).astype("int64") - first, 0)
        which = np.repeat(np.arange(len(starts)), count)  # one row per (interval, slot)
        offset = np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count)
        d = first[which] + offset
        s = np.maximum(starts[which], d * float(step))
        e = np.minimum(ends[which], (d + 1) * float(step))
        ok = (e > s) & (d >= self.slot0) & (d < self.slot0 + self.slots)
        slot, s_all, e_all = d[ok] - self.slot0, s[ok], e[ok]
        order = np.lexsort((s_all, slot))
        return slot[order], s_all[order], e_all[order]

    def cumulative(self, clock: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Business seconds from the table's origin to UTC epoch seconds ``t`` on clock
        indices ``clock`` (same shape). NaN in ``t`` gives NaN."""
        return self._cumulative(self._base(clock), t)

    def _base(self, clock: np.ndarray) -> np.ndarray:
        """First row of each clock's table, less the origin slot (shared by look-ups)."""
        base = clock.astype("int64")
        base *= self.slots
        base -= self.slot0
        return base

    def _cumulative(self, base: np.ndarray, t: np.ndarray) -> np.ndarray:
        bad = np.isnan(t)
        any_bad = bool(bad.any())
        tt = np.where(bad, self.slot0 * self.step, t) if any_bad else t
        # Slot of t: whole seconds, then an integer division by a constant (numpy divides
        # integers by a scalar without a hardware divide; float floor division is several
        # times slower). Truncation equals floor for t >= 0, and slots start on whole
        # seconds, so the slot is exact; before 1970 the table floors first.
        row = (tt if self.slot0 >= 0 else np.floor(tt)).astype("int64")
        row //= self.step
        np.clip(row, self.slot0, self.slot0 + self.slots - 1, out=row)
        row += base
        out: np.ndarray = np.take(self.cum, row)
        piece = np.empty_like(tt)
        for k in range(self.start.shape[1]):  # pieces per slot: not per row
            np.take(self._start_k[k], row, out=piece)
            np.subtract(tt, piece, out=piece)
            np.maximum(piece, 0.0, out=piece)
            np.minimum(piece, np.take(self._length_k[k], row), out=piece)
            out += piece
        if any_bad:
            out[bad] = np.nan
        return out

    def seconds(self, clock: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Business seconds in ``[a, b)`` (0 when ``b <= a``) on clock indices ``clock``."""
        base = self._base(clock)
        diff: np.ndarray = self._cumulative(base, b)
        diff -= self._cumulative(base, a)
        np.maximum(diff, 0.0, out=diff)
        return diff
