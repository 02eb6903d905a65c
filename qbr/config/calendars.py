"""The ``[calendars]`` section: business hours, holidays, closed days, exceptions (SPEC §3a)."""

from __future__ import annotations

import itertools
import re
from datetime import date, time

from qbr.config.model import WEEKDAYS, Calendar
from qbr.config.reader import _holiday_rule, _Reader, _zone
from qbr.errors import ConfigError

_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
BUILTIN_24X7 = "24x7"
_DAY_RANGE = re.compile(r"^([a-z]{3})-([a-z]{3})$")


def _calendar(r: _Reader, name: str) -> Calendar:
    r.unknown({"type", "hours", "holidays", "closed", "timezone", "exceptions"})
    kind = r.get("type", str, "hours")
    if kind == "24x7":
        # SPEC §3a: a 24x7 calendar ignores hours and holidays, so setting them is a
        # mistake to report, not to ignore.
        for key in ("hours", "holidays", "closed", "exceptions"):
            if key in r.data:
                raise r.fail(key, "a 24x7 calendar is always open: remove this key or "
                                  "use type = 'hours'")
        return Calendar(name=name, always=True)
    if kind != "hours":
        raise r.fail("type", f"expected '24x7' or 'hours', got {kind!r}")
    if name == BUILTIN_24X7:
        raise r.fail("type", "the name '24x7' is the built-in always-open calendar")
    week = _week(r.table("hours"))
    closed: set[date] = set()
    for i, value in enumerate(r.get("closed", list, [])):
        try:
            closed.add(value if isinstance(value, date) else date.fromisoformat(value))
        except (TypeError, ValueError):
            raise r.fail(f"closed[{i}]", f"expected a date YYYY-MM-DD, got {value!r}") from None
    exceptions = _exceptions(r.table("exceptions", {}))
    return Calendar(name=name, always=False, hours=week, holidays=_holiday_rule(r, "holidays"),
                    closed=frozenset(closed), timezone=_zone(r, "timezone", None),
                    exceptions=exceptions)


def _week(hours_t: _Reader) -> tuple[tuple[tuple[time, time], ...], ...]:
    """Opening ranges per weekday from ``hours``, whose keys are day names or forward
    ranges of them (``"mon-fri"``); a day named twice is an error (SPEC §3a)."""
    if not hours_t.data:
        raise ConfigError(hours_t.file, hours_t.prefix, "no opening hours: name at least "
                          "one day (e.g. \"mon-fri\" = [\"08:00-17:00\"]) or use type = '24x7'")
    week: list[tuple[tuple[time, time], ...] | None] = [None] * 7
    for key in hours_t.data:
        m = _DAY_RANGE.match(key)
        if key in WEEKDAYS:
            days = [WEEKDAYS.index(key)]
        elif m and m.group(1) in WEEKDAYS and m.group(2) in WEEKDAYS \
                and WEEKDAYS.index(m.group(1)) <= WEEKDAYS.index(m.group(2)):
            days = list(range(WEEKDAYS.index(m.group(1)), WEEKDAYS.index(m.group(2)) + 1))
        else:
            raise hours_t.fail(key, "expected a day (mon … sun) or a forward range such as "
                                    "'mon-fri'")
        ranges = _day_ranges(hours_t, key)
        for d in days:
            if week[d] is not None:
                raise hours_t.fail(key, f"{WEEKDAYS[d]} is named twice")
            week[d] = ranges
    return tuple(w or () for w in week)


def _exceptions(r: _Reader) -> tuple[tuple[date, tuple[tuple[time, time], ...]], ...]:
    """``exceptions = {"2026-12-24" = ["08:00-12:00"]}``: local dates whose ranges replace
    the weekday's (SPEC §3a)."""
    out = []
    for key in r.data:
        try:
            day = date.fromisoformat(str(key))
        except ValueError:
            raise r.fail(str(key), "expected a date YYYY-MM-DD") from None
        out.append((day, _day_ranges(r, key)))
    return tuple(sorted(out))


def _day_ranges(r: _Reader, day: str) -> tuple[tuple[time, time], ...]:
    ranges: list[tuple[time, time]] = []
    for i, text in enumerate(r.get(day, list, [])):
        m = _RANGE.match(text) if isinstance(text, str) else None
        if not m:
            raise r.fail(f"{day}[{i}]", f"expected 'HH:MM-HH:MM', got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        end_is_midnight = (h2, m2) == (24, 0)
        if h1 > 23 or m1 > 59 or m2 > 59 or (h2 > 23 and not end_is_midnight):
            raise r.fail(f"{day}[{i}]", f"not a time range: {text!r}")
        start = time(h1, m1)
        end = time.max if end_is_midnight else time(h2, m2)
        if end <= start:
            raise r.fail(f"{day}[{i}]", f"range ends before it starts or crosses midnight: "
                                        f"{text!r} (split it at 24:00)")
        ranges.append((start, end))
    ranges.sort()
    for (_, e1), (s2, _) in itertools.pairwise(ranges):
        if s2 < e1:
            raise r.fail(day, "opening ranges overlap")
    return tuple(ranges)
