"""Business minutes against an independent implementation: the ``businesstimedelta``
package (its own day walk, pytz zones), on thousands of random spans over the DST changes
of 2025/2026 and the Bavarian public holidays, for the dense column-wise table and for the
scalar clock. Office = Mon–Fri 08:00–17:00 with lunch 12:00–13:00, Europe/Berlin.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import businesstimedelta as btd
import holidays
import numpy as np
import pytz

from qbr.calendar import BusinessClock, clock_spec
from qbr.config import Calendar, HolidayRule
from qbr.engine.clock import ClockTable

BERLIN = "Europe/Berlin"
DAY = ((time(8), time(12)), (time(13), time(17)))
OFFICE = Calendar("office", False, (DAY,) * 5 + ((), ()), HolidayRule("DE", "BY"))


def reference_rules() -> btd.Rules:
    tz = pytz.timezone(BERLIN)
    week = [0, 1, 2, 3, 4]
    return btd.Rules([
        btd.WorkDayRule(start_time=time(8), end_time=time(17), working_days=week, tz=tz),
        btd.LunchTimeRule(start_time=time(12), end_time=time(13), working_days=week, tz=tz),
        btd.HolidayRule(holidays.country_holidays("DE", subdiv="BY", years=range(2024, 2028)),
                        tz=tz),
    ])


def spans(n: int, seed: int) -> list[tuple[datetime, datetime]]:
    """Random whole-minute spans starting around the DST changes and the holidays of
    2025–2026 (Easter, Whit Monday, Corpus Christi, Christmas), up to 15 days long."""
    rng = random.Random(seed)
    anchors = [datetime(2025, 3, 28), datetime(2025, 4, 17), datetime(2025, 6, 6),
               datetime(2025, 10, 24), datetime(2025, 12, 22), datetime(2026, 3, 27),
               datetime(2026, 10, 23), datetime(2026, 5, 13)]
    out = []
    for _ in range(n):
        start = rng.choice(anchors).replace(tzinfo=UTC) + timedelta(
            minutes=rng.randrange(-5 * 1440, 5 * 1440))
        out.append((start, start + timedelta(minutes=rng.randrange(0, 15 * 1440))))
    return out


def test_business_minutes_match_businesstimedelta() -> None:
    rules = reference_rules()
    pairs = spans(2000, seed=11)
    expected = np.array([rules.difference(a, b).timedelta.total_seconds() for a, b in pairs])
    a = np.array([p[0].timestamp() for p in pairs])
    b = np.array([p[1].timestamp() for p in pairs])
    spec = clock_spec(OFFICE, BERLIN, None)
    table = ClockTable([spec], float(a.min()), float(b.max()))
    got = table.seconds(np.zeros(len(a), dtype="int64"), a, b)
    assert np.array_equal(got, expected), np.flatnonzero(got != expected)[:5]
    scalar = BusinessClock(spec)
    assert [scalar.seconds(x, y) for x, y in pairs] == expected.tolist()
