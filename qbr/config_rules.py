"""Config sections of the SPEC §3a contract rules, kept apart from :mod:`qbr.config` so the
loader stays small: recurring maintenance schedules, credit rows on attainment, the
``date_format`` check and the optional-guarantee check. Each function reads through the
loader's table reader (anything with ``get``/``fail``/``key``/``unknown``/``pct``), so
every error names the config file and the dotted key."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Protocol, TypeVar

from qbr.errors import ConfigError

#: Weekday names as the config spells them (Monday = 0), as in :data:`qbr.config.WEEKDAYS`.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CREDIT_METRICS = ("uptime", "response", "resolution")
_NTH = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1}
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


class Reader(Protocol):
    """The loader's typed view of one TOML table (``qbr.config.reader._Reader``)."""

    file: str
    data: Mapping[str, Any]
    prefix: str

    def key(self, name: str) -> str: ...
    def fail(self, name: str, message: str) -> ConfigError: ...
    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., *,
            what: str = "") -> Any: ...
    def pct(self, name: str, default: Any = ...) -> Any: ...
    def unknown(self, allowed: set[str]) -> None: ...


def _sub(r: Reader, data: Mapping[str, Any], key: str) -> Reader:
    """A reader for a nested table, of the loader's own reader class."""
    return type(r)(r.file, data, r.key(key))  # type: ignore[call-arg]


@dataclass(frozen=True)
class Recurrence:
    """A recurring maintenance window (SPEC §3a) in the client's local wall-clock time:
    ``[start, end)`` on every occurrence date. ``weekday`` is Monday = 0; ``nth`` is
    ``None`` for weekly, 1–5 for "1st"…"5th" and -1 for "last" weekday of the month."""

    weekday: int
    nth: int | None
    start: time
    end: time


def parse_schedule(r: Reader) -> tuple[Recurrence, ...]:
    """``maintenance_schedule = [{weekly = "sun", from = "02:00", to = "04:00"},
    {monthly = "2nd tue", from = "22:00", to = "23:59"}]`` (SPEC §3a)."""
    out = []
    for i, item in enumerate(r.get("maintenance_schedule", list, [])):
        key = f"maintenance_schedule[{i}]"
        if not isinstance(item, dict):
            raise r.fail(key, 'expected a table {weekly = "sun", from = "02:00", to = "04:00"}')
        t = _sub(r, item, key)
        t.unknown({"weekly", "monthly", "from", "to"})
        if ("weekly" in item) == ("monthly" in item):
            raise t.fail("weekly", "give exactly one of weekly or monthly")
        nth: int | None = None
        if "weekly" in item:
            day = t.get("weekly", str).strip().lower()
        else:
            words = t.get("monthly", str).strip().lower().split()
            if len(words) != 2 or words[0] not in _NTH:
                raise t.fail("monthly", f"expected e.g. '2nd tue' or 'last fri', got "
                                        f"{item['monthly']!r}")
            nth, day = _NTH[words[0]], words[1]
        if day not in DAY_NAMES:
            raise t.fail("weekly" if nth is None else "monthly",
                         f"unknown weekday {day!r} (use {', '.join(DAY_NAMES)})")
        start, end = clock_time(t, "from"), clock_time(t, "to")
        if end <= start:
            raise t.fail("to", "must be after from (a window does not cross midnight; "
                               "split it at 24:00)")
        out.append(Recurrence(DAY_NAMES.index(day), nth, start, end))
    return tuple(out)


def clock_time(r: Reader, name: str) -> time:
    """``"HH:MM"`` wall-clock time; ``"24:00"`` is the end of the day (``time.max``)."""
    text = r.get(name, str)
    m = _CLOCK.match(text)
    if not m:
        raise r.fail(name, f"expected 'HH:MM', got {text!r}")
    h, mi = int(m.group(1)), int(m.group(2))
    if (h, mi) == (24, 0):
        return time.max
    if h > 23 or mi > 59:
        raise r.fail(name, f"not a time of day: {text!r}")
    return time(h, mi)


Row = TypeVar("Row")


def parse_credits(r: Reader, make: Callable[[float, float, str], Row]) -> tuple[Row, ...]:
    """Credit rows ``{metric = "uptime"|"response"|"resolution", below, pct}``; ``metric``
    defaults to ``uptime`` (SPEC §4, §3a)."""
    credits = []
    for i, row in enumerate(r.get("credits", list, [])):
        if not isinstance(row, dict):
            raise r.fail(f"credits[{i}]", "expected a table {below = 99.9, pct = 5}")
        cr = _sub(r, row, f"credits[{i}]")
        cr.unknown({"below", "pct", "metric"})
        metric = cr.get("metric", str, "uptime")
        if metric not in CREDIT_METRICS:
            raise cr.fail("metric", f"expected one of {', '.join(CREDIT_METRICS)}, "
                                    f"got {metric!r}")
        credits.append(make(cr.pct("below"), cr.pct("pct"), metric))
    return tuple(credits)


def check_date_formats(r: Reader, formats: list[str]) -> None:
    """A ``date_format`` must be a strptime pattern that reads back what it writes, so a
    typo (``%Q``, ``dd.mm.yyyy``) fails at load time, not on every row."""
    sample = datetime(2026, 12, 31, 23, 59, 58, tzinfo=UTC)
    for fmt in formats:
        if "%" not in fmt:
            raise r.fail("date_format", f"{fmt!r} has no % directives (e.g. '%d.%m.%Y %H:%M')")
        try:
            datetime.strptime(sample.strftime(fmt), fmt)
        except ValueError as exc:
            raise r.fail("date_format", f"not a valid strptime pattern {fmt!r}: {exc}") from None


def check_guarantees(file: str, clients: Mapping[str, Any], tiers: Mapping[str, Any]) -> None:
    """``uptime_guarantee_pct`` is optional only where nothing uses it: a monitor without
    its own ``guarantee_pct`` needs its tier's (SPEC §4)."""
    for client in clients.values():
        tier = tiers[client.tier]
        for m in client.monitors:
            if m.guarantee_pct is None and tier.uptime_guarantee_pct is None:
                raise ConfigError(file, f"tiers.{tier.name}.uptime_guarantee_pct",
                                  f"missing: monitor {m.monitor!r} of client {client.key!r} "
                                  "has no guarantee_pct of its own")
