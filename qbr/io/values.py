"""Strict cell values: timestamps, numbers and flags, each bound to the source's declared
profile (SPEC §2, §7). Nothing is guessed: a value that fits no declared format raises
:class:`CellError`, which the adapter turns into a rejection naming file, row, column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from qbr.io.table import Cell, cell_text
from qbr.localtime import localise as localise  # re-exported: readers' one DST policy

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
    for i, fmt in enumerate(formats):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        _unambiguous(text, fmt, parsed, formats[i + 1:])
        return _to_utc(parsed, zone)
    raise CellError("bad-date", f"{text!r} matches none of the accepted formats "
                                f"{', '.join(repr(f) for f in formats)}")


def _unambiguous(text: str, fmt: str, parsed: datetime, others: Sequence[str]) -> None:
    """README "Ambiguous dates": a later format reading ``text`` differently is an
    ``ambiguous-date``, never a silent first pick (same message as
    :mod:`qbr.io.ambiguous`, the column-wise check)."""
    for other in others:
        try:
            again = datetime.strptime(text, other)
        except ValueError:
            continue
        if again != parsed:
            raise CellError("ambiguous-date", f"{text!r} reads as {show_reading(parsed)} "
                            f"under {fmt!r} and as {show_reading(again)} under {other!r}: "
                            f"keep only the format the export uses in date_format")


def show_reading(value: datetime) -> str:
    """A parsed date as a message shows it: the date, and the time when it has one."""
    if value.time() == datetime.min.time():
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M")


def _to_utc(value: datetime, zone: ZoneInfo) -> tuple[datetime, str]:
    try:
        if value.tzinfo is not None:
            return value.astimezone(UTC), ""
        return localise(value, zone)
    except (OverflowError, ValueError):
        # 0001-01-01 00:30 in a zone east of UTC lies before datetime.min in UTC: one
        # bad row, not a crash of the run (SPEC §7).
        raise CellError("bad-date", f"{value.isoformat(sep=' ')} is out of the supported "
                                    "date range") from None


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
