"""Properties of business time (STYLE rule 9) plus DST and holiday spot checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine_helpers import ALWAYS, OFFICE, clock, utc
from hypothesis import given, settings
from hypothesis import strategies as st

from qbr.calendar import BusinessClock, clock_spec, local_to_utc
from qbr.config import Calendar, HolidayRule
from qbr.intervals import subtract, total_seconds

# Exports carry whole seconds; business time is exact at that resolution (epoch seconds
# are integers in a float's exact range).
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(UTC)).map(lambda t: t.replace(microsecond=0,
                                                                         fold=0))
OFFICE_CLOCK = clock()
ALWAYS_CLOCK = clock(ALWAYS)


@settings(max_examples=200, deadline=None)
@given(instants, instants, instants)
def test_business_time_is_additive_over_adjacent_spans(a: datetime, b: datetime,
                                                       c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    whole = OFFICE_CLOCK.seconds(a, c)
    assert whole == OFFICE_CLOCK.seconds(a, b) + OFFICE_CLOCK.seconds(b, c)


@settings(max_examples=200, deadline=None)
@given(instants, instants)
def test_24x7_equals_wall_time(a: datetime, b: datetime) -> None:
    a, b = sorted((a, b))
    assert ALWAYS_CLOCK.seconds(a, b) == (b - a).total_seconds()


@settings(max_examples=100, deadline=None)
@given(instants, instants)
def test_business_time_never_exceeds_wall_time(a: datetime, b: datetime) -> None:
    a, b = sorted((a, b))
    assert 0 <= OFFICE_CLOCK.seconds(a, b) <= (b - a).total_seconds()


def test_dst_days_have_23_and_25_hours_on_24x7() -> None:
    berlin = ZoneInfo("Europe/Berlin")

    def day_length(d: date) -> float:
        start = local_to_utc(d, time(0), berlin)
        return ALWAYS_CLOCK.seconds(start, local_to_utc(d + timedelta(days=1), time(0),
                                                        berlin)) / 3600

    assert day_length(date(2026, 3, 29)) == 23
    assert day_length(date(2025, 10, 26)) == 25
    assert day_length(date(2026, 7, 1)) == 24


def test_office_day_is_8_hours_on_both_sides_of_dst() -> None:
    # Mon 2025-10-20 (CEST) and Mon 2025-10-27 (CET): 08–12 + 13–17 = 8 h each.
    for day in (date(2025, 10, 20), date(2025, 10, 27), date(2026, 3, 30)):
        start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=3)
        assert OFFICE_CLOCK.seconds(start, start + timedelta(days=1)) == 8 * 3600


def test_nonexistent_spring_time_moves_forward() -> None:
    # 2025-03-30 02:30 does not exist in Berlin; the first valid minute is 03:00 CEST = 01:00Z.
    assert local_to_utc(date(2025, 3, 30), time(2, 30), ZoneInfo("Europe/Berlin")) == \
        utc(2025, 3, 30, 1)


def test_ambiguous_autumn_time_takes_first_occurrence() -> None:
    # 2025-10-26 02:30 happens twice; the first (CEST, UTC+2) is 00:30Z.
    assert local_to_utc(date(2025, 10, 26), time(2, 30), ZoneInfo("Europe/Berlin")) == \
        utc(2025, 10, 26, 0, 30)


def test_client_holidays_replace_calendar_holidays() -> None:
    # 2026-07-04 is a Saturday; the US observes Independence Day on Friday 2026-07-03.
    # With US holidays the Friday is closed (0 h); with the calendar's DE-BY it is 8 h.
    friday = (utc(2026, 7, 3, 4), utc(2026, 7, 3, 23))
    us = BusinessClock(clock_spec(OFFICE, "America/New_York", HolidayRule("US")))
    assert us.seconds(*friday) == 0
    de = BusinessClock(clock_spec(OFFICE, "America/New_York", None))
    assert de.seconds(*friday) == 8 * 3600


def test_explicit_closed_dates_and_calendar_zone() -> None:
    # A calendar with its own zone (service-desk hours in Berlin) serving a New York client,
    # closed on 2026-12-24 (Thursday).
    cal = Calendar("desk", False, OFFICE.hours, None, frozenset({date(2026, 12, 24)}),
                   "Europe/Berlin")
    c = BusinessClock(clock_spec(cal, "America/New_York", None))
    assert c.spec.timezone == "Europe/Berlin"
    assert c.seconds(utc(2026, 12, 24), utc(2026, 12, 25)) == 0
    # Wed 2026-12-23 08:00–12:00 CET = 07:00–11:00Z: 4 h.
    assert c.seconds(utc(2026, 12, 23, 7), utc(2026, 12, 23, 11)) == 4 * 3600


def test_bulk_cumulative_matches_scalar() -> None:
    a, b = utc(2026, 7, 3, 14, 30), utc(2026, 7, 6, 6, 45)
    cum = OFFICE_CLOCK.cumulative_many([a.timestamp(), b.timestamp()])
    assert cum[1] - cum[0] == OFFICE_CLOCK.seconds(a, b) == 75 * 60


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(instants, st.integers(1, 600)), max_size=5))
def test_maintenance_only_removes_time(windows: list[tuple[datetime, int]]) -> None:
    """Maintenance never adds downtime or window. (It *can* lower uptime: excluding an
    hour with no outage shrinks the window while downtime stays, so the literal property
    "adding maintenance never lowers uptime" holds only for maintenance over outages —
    checked below.)"""
    from engine_helpers import maintenance, monitor, outage

    from qbr.quarters import Quarter
    from qbr.uptime import monitor_uptime

    q = Quarter(2026, 3).bounds("Europe/Berlin")
    outs = [outage(utc(2026, 8, 3, 10), utc(2026, 8, 3, 14))]
    maint = [maintenance(s, s + timedelta(minutes=m)) for s, m in windows]
    base = monitor_uptime(monitor(), q, utc(2026, 10, 5), outs, [], 99.9)
    more = monitor_uptime(monitor(), q, utc(2026, 10, 5), outs, maint, 99.9)
    assert more.downtime_seconds <= base.downtime_seconds
    assert more.window_seconds == total_seconds(
        subtract([q], [(s, s + timedelta(minutes=m)) for s, m in windows]))
    # Maintenance inside the outage: uptime can only rise.
    inside = [maintenance(utc(2026, 8, 3, 10) + timedelta(minutes=m % 240),
                          utc(2026, 8, 3, 14)) for _, m in windows]
    covered = monitor_uptime(monitor(), q, utc(2026, 10, 5), outs, inside, 99.9)
    assert covered.uptime_pct is not None and base.uptime_pct is not None
    assert covered.uptime_pct >= base.uptime_pct
