"""Recurring maintenance windows (SPEC §3a) expanded into concrete windows.

``maintenance_schedule = [{weekly = "sun", from = "02:00", to = "04:00"},
{monthly = "2nd tue", from = "22:00", to = "23:59"}]`` on a client or a monitor means every
instant whose *local* date (client's zone) is an occurrence date and whose wall-clock time
is in ``[from, to)``. Local times become UTC under the SPEC §2 policy
(:func:`qbr.localtime.localise`): on the October change night 02:00 is the first occurrence
(CEST) and 04:00 is CET, so 02:00–04:00 lasts 180 real minutes; on the March night 02:00
does not exist and moves to 03:00, so the window lasts 60. The windows join the one-off
maintenance windows in the SPEC §4 union; both engines call :func:`scheduled_maintenance`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from qbr.calendar import local_to_utc
from qbr.config import Client
from qbr.config_rules import Recurrence
from qbr.model import Maintenance, Provenance


def occurs(rec: Recurrence, day: date) -> bool:
    """Whether local date ``day`` is an occurrence of ``rec``."""
    if day.weekday() != rec.weekday:
        return False
    if rec.nth is None:
        return True
    if rec.nth == -1:  # the last such weekday: a week later is next month
        return (day + timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == rec.nth


def windows(rec: Recurrence, zone: str, start: datetime, end: datetime
            ) -> Iterator[tuple[datetime, datetime]]:
    """UTC ``[from, to)`` of every occurrence touching ``[start, end)`` (UTC)."""
    tz = ZoneInfo(zone)
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    while day <= last:
        if occurs(rec, day):
            a, b = local_to_utc(day, rec.start, tz), local_to_utc(day, rec.end, tz)
            if b > a and b > start and a < end:
                yield a, b
        day += timedelta(days=1)


def scheduled_maintenance(client: Client, start: datetime, end: datetime,
                          config_file: str = "config") -> list[Maintenance]:
    """The client's and its monitors' recurring windows inside ``[start, end)`` (UTC, e.g.
    a quarter's bounds) as :class:`Maintenance` records, in the client's zone. Their
    provenance names the config key they come from."""
    out: list[Maintenance] = []
    plans: list[tuple[str | None, str, Sequence[Recurrence]]] = [
        (None, f"clients.{client.key}", client.maintenance_schedule)]
    plans += [(m.monitor, f"clients.{client.key}.monitors[{i}]", m.maintenance_schedule)
              for i, m in enumerate(client.monitors)]
    for monitor, key, schedule in plans:
        for i, rec in enumerate(schedule):
            source = Provenance(f"{config_file}: {key}.maintenance_schedule[{i}]", 0)
            out += [Maintenance(client.key, monitor, a, b, source)
                    for a, b in windows(rec, client.timezone, start, end)]
    return out
