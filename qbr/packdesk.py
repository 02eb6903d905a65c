"""The service desk view of a client quarter (issue 7 §1): tickets by month and priority,
by category with the change against the previous quarter, and recurring issues by
normalised title. Counts only; computed once for both renderers.

Decisions: months are calendar months in the client's zone; a ticket without category
counts under ``None`` (shown as "no category"); a recurring issue is a normalised title
seen at least :data:`RECURRING_MIN` times in the quarter. Titles are normalised by NFKC,
casefold, every digit run → ``#`` and punctuation → space, and compared on their first
four words, so "Drucker 3. OG offline" and "Drucker 4. OG offline" are one issue, as are
"AutoCAD crashes when saving to Admin" and "… to Archive", while different words stay
apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from qbr.pack import TicketRow

TOP_CATEGORIES = 6
TOP_RECURRING = 6
RECURRING_MIN = 2
KEY_WORDS = 4
_DIGITS = re.compile(r"\d+")
_PUNCT = re.compile(r"[^\w#]+")


@dataclass(frozen=True)
class MonthRow:
    """Tickets created in one month (client zone), per tier priority key; ``None`` key =
    unclassified."""

    month: date  # the first day of the month
    by_priority: dict[str | None, int]
    total: int


@dataclass(frozen=True)
class CategoryRow:
    category: str | None  # as exported; None = no category
    count: int
    previous: int | None  # same category last quarter; None when last quarter had no data


@dataclass(frozen=True)
class RecurringRow:
    title: str  # the most frequent spelling in the group (untrusted text)
    count: int
    category: str | None
    breached: int  # tickets of the group that missed a target


@dataclass(frozen=True)
class DeskView:
    months: tuple[MonthRow, ...]
    categories: tuple[CategoryRow, ...]  # top ones, largest first
    other_categories: int  # tickets in the categories not listed
    recurring: tuple[RecurringRow, ...]
    total: int
    previous_total: int | None


def normalise_title(title: str) -> str:
    """The grouping key of a title (see module docstring): its first
    :data:`KEY_WORDS` normalised words, so "AutoCAD crashes when saving to Admin" and
    "… to Archive" are one recurring issue."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(_PUNCT.sub(" ", _DIGITS.sub("#", text)).split()[:KEY_WORDS])


def group_title(titles: Sequence[str]) -> str:
    """The title a group is shown under: the common spelling if all agree, else the
    words they share at the start followed by " …" (at least the key words)."""
    distinct = Counter(t.strip() for t in titles)
    if len(distinct) == 1:
        return next(iter(distinct))
    split = [t.split() for t in distinct]
    common: list[str] = []
    for words in zip(*split, strict=False):
        if len({w.casefold() for w in words}) != 1:
            break
        common.append(words[0])
    if len(common) < KEY_WORDS:
        return distinct.most_common(1)[0][0]
    return " ".join(common) + " …"


def month_rows(tickets: Sequence[TicketRow], zone: str, months: Sequence[date]
               ) -> tuple[MonthRow, ...]:
    """One row per month of the quarter, empty months included."""
    tz = ZoneInfo(zone)
    counts: dict[date, Counter[str | None]] = {m: Counter() for m in months}
    for t in tickets:
        local = t.created_at.astimezone(tz)
        key = date(local.year, local.month, 1)
        counts.setdefault(key, Counter())[t.priority] += 1
    return tuple(MonthRow(m, dict(c), sum(c.values())) for m, c in sorted(counts.items()))


def category_rows(tickets: Sequence[TicketRow], previous: Sequence[TicketRow] | None
                  ) -> tuple[tuple[CategoryRow, ...], int]:
    """The top categories with last quarter's count, and the count of the rest."""
    now = Counter(_category(t) for t in tickets)
    before = Counter(_category(t) for t in previous) if previous is not None else None
    ranked = sorted(now.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
    top = ranked[:TOP_CATEGORIES]
    rows = tuple(CategoryRow(c, n, None if before is None else before.get(c, 0))
                 for c, n in top)
    return rows, sum(n for _c, n in ranked[TOP_CATEGORIES:])


def recurring_rows(tickets: Sequence[TicketRow]) -> tuple[RecurringRow, ...]:
    """Normalised titles seen at least :data:`RECURRING_MIN` times, most frequent first."""
    groups: dict[str, list[TicketRow]] = {}
    for t in tickets:
        key = normalise_title(t.title)
        if key:
            groups.setdefault(key, []).append(t)
    rows = []
    for members in groups.values():
        if len(members) < RECURRING_MIN:
            continue
        title = group_title([t.title for t in members])
        category = Counter(_category(t) for t in members).most_common(1)[0][0]
        breached = sum(t.response.state == "breached" or t.resolution.state == "breached"
                       for t in members)
        rows.append(RecurringRow(title, len(members), category, breached))
    rows.sort(key=lambda r: (-r.count, -r.breached, r.title.casefold()))
    return tuple(rows[:TOP_RECURRING])


def desk_view(tickets: Sequence[TicketRow], previous: Sequence[TicketRow] | None,
              zone: str, months: Sequence[date]) -> DeskView:
    """The whole service desk view; ``previous`` is None when last quarter had no data."""
    categories, other = category_rows(tickets, previous)
    return DeskView(month_rows(tickets, zone, months), categories, other,
                    recurring_rows(tickets), len(tickets),
                    None if previous is None else len(previous))


def _category(t: TicketRow) -> str | None:
    text = (t.category or "").strip()
    return text or None
