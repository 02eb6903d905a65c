"""Quarters (SPEC §3, §3a). Calendar quarters: ``2026Q3`` = 1 Jul – 30 Sep. Fiscal
quarters when ``msp.fiscal_year_start`` is set: ``FY2027Q1`` is the first quarter of the
fiscal year that *ends* in 2027 (start month 4: 1 Apr – 30 Jun 2026). Every quarter is
bounded at local midnight in the client's zone. With a fiscal start both spellings are
accepted and a quarter keeps the spelling it was given (JSON ``quarter`` carries it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from qbr.errors import UsageError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_FISCAL = re.compile(r"^FY(\d{4})Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter, e.g. ``Quarter(2026, 3)`` (``"2026Q3"``) or, with a fiscal year starting
    in April, ``Quarter(2027, 1, 4)`` (``"FY2027Q1"``, 1 Apr – 30 Jun 2026). ``year`` is
    the year the (fiscal) year ends in; ``start_month`` 1 means calendar quarters."""

    year: int
    number: int
    start_month: int = 1

    def __str__(self) -> str:
        if self.start_month == 1:
            return f"{self.year}Q{self.number}"
        return f"FY{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        month = self.start_month + 3 * (self.number - 1)  # 1..14+; fold into the year
        year = self.year - (self.start_month > 1)
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return date(year, month, 1)

    @property
    def end_day(self) -> date:
        """The first day after the quarter."""
        return self.next().first_day

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1, self.start_month)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1,
                       self.start_month)

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: local midnight of the first day to local midnight after
        the last, in ``zone`` (the client's)."""
        tz = ZoneInfo(zone)
        start = datetime.combine(self.first_day, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(self.end_day, datetime.min.time(), tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def holds(self, instant: datetime, zone: str) -> bool:
        """Whether ``instant`` falls in this quarter on the local calendar of ``zone``."""
        return quarter_of(instant, zone, self) == self

    @classmethod
    def of(cls, instant: datetime, zone: str, start_month: int = 1) -> Quarter:
        """The quarter holding ``instant`` on the local calendar of ``zone``, counted from
        ``start_month`` (1: calendar quarters)."""
        local = instant.astimezone(ZoneInfo(zone))
        offset = (local.month - start_month) % 12
        year = local.year + (start_month > 1 and local.month >= start_month)
        return cls(year, offset // 3 + 1, start_month)


def quarter_of(instant: datetime, zone: str, like: Quarter | None = None) -> Quarter:
    """The quarter of ``instant`` in the same reckoning (calendar or fiscal) as ``like``."""
    return Quarter.of(instant, zone, like.start_month if like is not None else 1)


# Years a quarter or cut-off may name: wide enough for any real export, narrow enough
# that a quarter's neighbours and time-zone shifts stay inside ``datetime``'s range.
MIN_YEAR, MAX_YEAR = 1900, 2999


def _in_range(text: str, quarter: Quarter) -> Quarter:
    """A quarter whose year lies outside 1900–2999 is a :class:`UsageError`."""
    if not MIN_YEAR <= quarter.year <= MAX_YEAR:
        raise UsageError(f"quarter {text.strip()!r} is out of range "
                         f"(years {MIN_YEAR}-{MAX_YEAR})")
    return quarter


def parse_quarter(text: str, fiscal_year_start: int | None = None) -> Quarter:
    """``"2026Q3"`` → ``Quarter(2026, 3)``; with a fiscal start also ``"FY2027Q1"``;
    anything else, or a year outside 1900–2999, is a :class:`UsageError`."""
    cleaned = text.strip()
    m = _QUARTER.match(cleaned)
    if m:
        return _in_range(text, Quarter(int(m.group(1)), int(m.group(2))))
    f = _FISCAL.match(cleaned)
    if f and fiscal_year_start is None:
        raise UsageError(f"{text!r} is a fiscal quarter, but the config sets no "
                         "msp.fiscal_year_start (use e.g. 2026Q3)")
    if f and fiscal_year_start is not None:
        return _in_range(text, Quarter(int(f.group(1)), int(f.group(2)), fiscal_year_start))
    hint = " or FY2027Q1" if fiscal_year_start else ""
    raise UsageError(f"not a quarter: {text!r} (expected e.g. 2026Q3{hint})")


def parse_quarters(text: str, fiscal_year_start: int | None = None) -> list[Quarter]:
    """``"2025Q4..2026Q3"`` → the four quarters in order; ``"2026Q3"`` → one. Both ends
    must use the same spelling (calendar or fiscal)."""
    first, sep, last = text.partition("..")
    start = parse_quarter(first, fiscal_year_start)
    end = parse_quarter(last, fiscal_year_start) if sep else start
    if end.start_month != start.start_month:
        raise UsageError(f"quarter range mixes calendar and fiscal labels: {text!r}")
    if end < start:
        raise UsageError(f"quarter range runs backwards: {text!r}")
    out = [start]
    while out[-1] < end:
        out.append(out[-1].next())
    return out


def parse_as_of(text: str) -> datetime:
    """An ISO 8601 instant with an offset or ``Z`` → aware UTC datetime. Naive values are
    refused: a cut-off must not depend on the machine's time zone (SPEC §3)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise UsageError(f"--as-of: not an ISO 8601 instant: {text!r}") from None
    if value.tzinfo is None:
        raise UsageError(f"--as-of: {text!r} has no offset; add Z or +02:00 "
                         "(a naive cut-off is ambiguous)")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise UsageError(f"--as-of: {text.strip()!r} is out of range "
                         f"(years {MIN_YEAR}-{MAX_YEAR})")
    return value.astimezone(UTC)
