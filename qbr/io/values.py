"""Strict cell values: timestamps, numbers and flags, each bound to the source's declared
profile (SPEC §2, §7). Nothing is guessed: a value that fits no declared format raises
:class:`CellError`, which the adapter turns into a rejection naming file, row, column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from qbr.io.table import Cell, cell_text

_NUMBER = {
    ".": re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$"),
    ",": re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$"),
}
_TRUE = frozenset({"true", "yes", "y", "1", "x", "ja", "wahr"})
_FALSE = frozenset({"false", "no", "n", "0", "nein", "falsch"})


class CellError(ValueError):
    """A cell that cannot be read as declared. ``reason`` is the rejection code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def parse_instant(cell: Cell, formats: Sequence[str], zone: ZoneInfo) -> tuple[datetime, str]:
    """The cell as a UTC instant, plus a warning ("" if none) for a DST-adjusted value.

    Each of ``formats`` is tried with ``datetime.strptime`` in order; the first that
    matches wins. A value with an offset (``%z``, which accepts ``Z``) is converted as
    given; a naive one is read in ``zone`` by :func:`localise`. XLSX date cells arrive
    as naive datetimes and are localised the same way."""
    if isinstance(cell, datetime):
        return _to_utc(cell, zone)
    text = cell_text(cell)
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _to_utc(parsed, zone)
    raise CellError("bad-date", f"{text!r} matches none of the accepted formats "
                                f"{', '.join(repr(f) for f in formats)}")


def _to_utc(value: datetime, zone: ZoneInfo) -> tuple[datetime, str]:
    if value.tzinfo is not None:
        return value.astimezone(UTC), ""
    return localise(value, zone)


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


def parse_number(cell: Cell, decimal: str) -> float:
    """A number in the source's profile: ``decimal="."`` reads ``1,234.5``, ``1234.5``;
    ``decimal=","`` reads ``1.234,5``, ``1234,5`` and ``1.234`` (= 1234). Anything
    else, e.g. ``1,234.5`` in a German source, is a ``bad-number``."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = cell_text(cell)
    if not _NUMBER[decimal].match(text):
        profile = "German (1.234,5)" if decimal == "," else "English (1,234.5)"
        raise CellError("bad-number", f"{text!r} is not a number in the source's "
                                      f"{profile} format")
    thousands = "," if decimal == "." else "."
    return float(text.replace(thousands, "").replace(decimal, "."))


def parse_percent(cell: Cell, decimal: str) -> float:
    """A percentage such as ``99,95 %`` or ``99.9``, in [0, 100]."""
    text = cell_text(cell).removesuffix("%").strip() if isinstance(cell, str) else cell
    value = parse_number(text, decimal)
    if not 0 <= value <= 100:
        raise CellError("bad-number", f"{cell_text(cell)!r} is not a percentage in [0, 100]")
    return value


def parse_bool(cell: Cell) -> bool:
    """A yes/no flag (``true``/``false``, ``yes``/``no``, ``1``/``0``, ``x``, ``ja``/``nein``);
    an empty cell is false."""
    text = cell_text(cell).casefold()
    if text in _TRUE:
        return True
    if not text or text in _FALSE:
        return False
    raise CellError("bad-value", f"{cell_text(cell)!r} is not a yes/no value")
