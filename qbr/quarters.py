"""Calendar quarters (SPEC §3): ``2026Q3`` = 1 Jul – 30 Sep, bounded at local midnight in
the client's zone. Fiscal quarters (``FY2027Q1``) come later (ROADMAP 1) and will parse
here into the same :class:`Quarter` shape."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from qbr.errors import UsageError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, e.g. ``Quarter(2026, 3)``; ``str()`` gives ``"2026Q3"``."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end_day(self) -> date:
        """The first day after the quarter."""
        return self.next().first_day

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: local midnight of the first day to local midnight after
        the last, in ``zone`` (the client's)."""
        tz = ZoneInfo(zone)
        start = datetime.combine(self.first_day, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(self.end_day, datetime.min.time(), tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    @classmethod
    def of(cls, instant: datetime, zone: str) -> Quarter:
        """The quarter holding ``instant`` on the local calendar of ``zone``."""
        local = instant.astimezone(ZoneInfo(zone))
        return cls(local.year, (local.month - 1) // 3 + 1)


# Years a quarter or cut-off may name: wide enough for any real export, narrow enough
# that a quarter's neighbours and time-zone shifts stay inside ``datetime``'s range.
MIN_YEAR, MAX_YEAR = 1900, 2999


def parse_quarter(text: str) -> Quarter:
    """``"2026Q3"`` → ``Quarter(2026, 3)``; anything else, or a year outside
    1900–2999, is a :class:`UsageError`."""
    m = _QUARTER.match(text.strip())
    if not m:
        raise UsageError(f"not a quarter: {text!r} (expected e.g. 2026Q3)")
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"quarter {text.strip()!r} is out of range "
                         f"(years {MIN_YEAR}-{MAX_YEAR})")
    return Quarter(year, int(m.group(2)))


def parse_quarters(text: str) -> list[Quarter]:
    """``"2025Q4..2026Q3"`` → the four quarters in order; ``"2026Q3"`` → one."""
    first, sep, last = text.partition("..")
    start = parse_quarter(first)
    end = parse_quarter(last) if sep else start
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
