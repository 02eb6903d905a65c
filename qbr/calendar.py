"""Business time: how many seconds of a calendar's opening hours lie between two instants.

A calendar (SPEC §3) is opening ranges per weekday in *local wall-clock* time plus closed
days (public holidays of a country/subdivision and explicit dates), or ``24x7``. Opening
hours are read in a time zone (the client's, or the calendar's own); elapsed time is real
time between UTC instants. So a 08:00–17:00 day is 9 h on the local clock on both sides of
a DST change, and a 24x7 span over the October change counts 25 hours for that day.

Design: a :class:`BusinessClock` lays out the calendar's open intervals as UTC epoch
seconds, year by year, with a running total. Business time between ``a`` and ``b`` is then
``cumulative(b) - cumulative(a)``: two binary searches, exact to the second, and the same
clock serves every ticket of a client (the ROADMAP's million-ticket engine can call
:meth:`BusinessClock.cumulative_many` with numpy arrays).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import numpy as np

from qbr.config import Calendar, Client, HolidayRule, Tier
from qbr.localtime import localise


@dataclass(frozen=True)
class ClockSpec:
    """Everything that fixes a business clock: calendar, zone and holiday rule in force.

    ``holidays`` is the client's override when it has one, else the calendar's own."""

    calendar: Calendar
    timezone: str
    holidays: HolidayRule | None

    def describe_holidays(self) -> str | None:
        """``"DE-BY"`` style label of the public holidays applied, ``None`` for none/24x7."""
        if self.calendar.always or self.holidays is None:
            return None
        rule = self.holidays
        return f"{rule.country}-{rule.subdiv}" if rule.subdiv else rule.country


def clock_spec(calendar: Calendar, client_zone: str, client_holidays: HolidayRule | None
               ) -> ClockSpec:
    """The clock a ticket of a client runs on: the calendar's own zone if it names one
    (service-desk hours), else the client's; the client's holiday rule replaces the
    calendar's."""
    zone = calendar.timezone or client_zone
    return ClockSpec(calendar, zone, client_holidays or calendar.holidays)


def calendar_name(tier: Tier, client: Client, priority: str | None) -> str:
    """The calendar a measure of ``priority`` runs on for ``client`` (SPEC §3a client
    calendars): each of the client's keys replaces the tier's same key, and a per-priority
    calendar beats a default: client's for the priority, tier's for the priority, client's
    default, tier's default. An unclassified ticket (``None``) runs on a default."""
    if priority is not None:
        for table in (client.calendar_by_priority, tier.calendar_by_priority):
            if priority in table:
                return table[priority]
    return client.calendar or tier.calendar


def _epoch(t: datetime) -> float:
    """UTC epoch seconds of an aware instant (naive values are a programming error)."""
    if t.tzinfo is None:
        raise ValueError("naive datetime reached the business clock")
    return t.timestamp()


def local_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time, under the SPEC §2 DST policy
    (:func:`qbr.localtime.localise`), so an opening range never gains or loses more than
    the real hour that the clock change removes. ``time.max`` stands for 24:00."""
    if wall == time.max:  # "24:00": the next local midnight
        return local_to_utc(day + timedelta(days=1), time(0, 0), zone)
    return localise(datetime.combine(day, wall), zone)[0]


@cache
def _closed_days(rule: HolidayRule | None, year: int) -> frozenset[date]:
    """Public holidays (observed days included) of one year."""
    if rule is None:
        return frozenset()
    days = holidays_lib.country_holidays(rule.country, subdiv=rule.subdiv, years=year,
                                         observed=True, categories=rule.categories)
    return frozenset(days.keys())


class BusinessClock:
    """Cumulative business seconds for one :class:`ClockSpec`, built lazily per year."""

    def __init__(self, spec: ClockSpec) -> None:
        self.spec = spec
        self._zone = ZoneInfo(spec.timezone)
        self._starts: list[float] = []
        self._ends: list[float] = []
        self._before: list[float] = []  # business seconds before each interval starts
        self._years: tuple[int, int] | None = None

    # -- public API -----------------------------------------------------------------

    def seconds(self, start: datetime, end: datetime) -> float:
        """Business seconds in ``[start, end)``; 0 when ``end <= start``."""
        a, b = _epoch(start), _epoch(end)
        if b <= a:
            return 0.0
        if self.spec.calendar.always:
            return b - a
        # Build once for both ends: a rebuild between the two look-ups would move the
        # origin of the running total.
        self._ensure(a, b)
        return self._cumulative(b) - self._cumulative(a)

    def seconds_in(self, intervals: Iterable[tuple[datetime, datetime]]) -> float:
        """Business seconds summed over intervals (callers pass disjoint ones)."""
        return sum(self.seconds(a, b) for a, b in intervals)

    def cumulative_many(self, epochs: Sequence[float] | np.ndarray) -> np.ndarray:
        """Vectorised :meth:`_cumulative` for UTC epoch seconds (bulk engines)."""
        values = np.asarray(epochs, dtype=float)
        if self.spec.calendar.always:
            return values.copy()
        if len(values):
            self._ensure(float(values.min()), float(values.max()))
        starts, ends = np.array(self._starts), np.array(self._ends)
        before = np.array(self._before)
        i = np.searchsorted(starts, values, side="right") - 1
        inside = np.clip(values - starts[np.maximum(i, 0)], 0,
                         ends[np.maximum(i, 0)] - starts[np.maximum(i, 0)])
        return np.where(i >= 0, before[np.maximum(i, 0)] + inside, 0.0)

    def is_open(self, t: datetime) -> bool:
        """Whether the desk is open at instant ``t``."""
        e = _epoch(t)
        if self.spec.calendar.always:
            return True
        self._ensure(e, e)
        i = bisect.bisect_right(self._starts, e) - 1
        return i >= 0 and e < self._ends[i]

    # -- internals --------------------------------------------------------------------

    def _cumulative(self, e: float) -> float:
        """Business seconds from the start of the built range to epoch ``e``."""
        self._ensure(e, e)
        i = bisect.bisect_right(self._starts, e) - 1
        if i < 0:
            return 0.0
        return self._before[i] + min(e, self._ends[i]) - self._starts[i]

    def _ensure(self, lo: float, hi: float) -> None:
        """Build the open intervals for every year touching ``[lo, hi]`` (±1 for zones)."""
        y0 = datetime.fromtimestamp(lo, UTC).year - 1
        y1 = datetime.fromtimestamp(hi, UTC).year + 1
        if self._years is not None and self._years[0] <= y0 and y1 <= self._years[1]:
            return
        if self._years is not None:
            y0, y1 = min(y0, self._years[0]), max(y1, self._years[1])
        self._build(y0, y1)

    def _build(self, first_year: int, last_year: int) -> None:
        starts: list[float] = []
        ends: list[float] = []
        day = date(first_year, 1, 1)
        last = date(last_year, 12, 31)
        while day <= last:
            for a, b in self._open_ranges(day):
                starts.append(a)
                ends.append(b)
            day += timedelta(days=1)
        before, total = [], 0.0
        for a, b in zip(starts, ends, strict=True):
            before.append(total)
            total += b - a
        self._starts, self._ends, self._before = starts, ends, before
        self._years = (first_year, last_year)

    def _open_ranges(self, day: date) -> list[tuple[float, float]]:
        """UTC epoch ranges the desk is open on local date ``day``. Precedence (SPEC §3a):
        a dated exception, then a holiday or closed date, then the weekday's hours."""
        cal = self.spec.calendar
        ranges = cal.exception_for(day)
        if ranges is None:
            if day in cal.closed or day in _closed_days(self.spec.holidays, day.year):
                return []
            ranges = cal.hours[day.weekday()]
        out = []
        for start, end in ranges:
            a = local_to_utc(day, start, self._zone).timestamp()
            b = local_to_utc(day, end, self._zone).timestamp()
            if b > a:
                out.append((a, b))
        return out
