"""Local wall-clock time → UTC under the SPEC §2 policy, the one place it is decided:
in the repeated autumn hour the first occurrence is taken; a time in the skipped spring
hour moves forward to the first valid minute. Readers use it for naive export
timestamps (and warn); the business clock uses it for opening hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def localise(naive: datetime, zone: ZoneInfo) -> tuple[datetime, str]:
    """Read a wall-clock time in ``zone`` (SPEC §2) and return it in UTC with a warning.

    In the repeated autumn hour the first occurrence (``fold=0``) is taken; a time in the
    skipped spring hour moves forward to the first valid minute (02:30 on 2025-03-30 in
    Europe/Berlin → 03:00 CEST). Either case returns a warning text; otherwise ""."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC), ""
    if _exists(naive, zone):
        note = (f"ambiguous local time {naive:%Y-%m-%d %H:%M} in {zone.key} (repeated hour), "
                f"assumed the first occurrence ({first.tzname()}, {_offset(first)})")
        return first.astimezone(UTC), note
    shifted = naive.replace(second=0, microsecond=0)
    while not _exists(shifted, zone):
        shifted += timedelta(minutes=1)
    moved = shifted.replace(tzinfo=zone)
    note = (f"nonexistent local time {naive:%Y-%m-%d %H:%M} in {zone.key} (skipped hour), "
            f"moved forward to {shifted:%H:%M} {moved.tzname()} ({_offset(moved)})")
    return moved.astimezone(UTC), note


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time occurs in ``zone`` (it survives a round trip)."""
    back = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == naive


def _offset(value: datetime) -> str:
    text = value.strftime("%z")
    return f"{text[:3]}:{text[3:]}"
