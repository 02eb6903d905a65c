"""The methodology in the client's language (issue 7 §2–3): service hours described as
"P2–P4: Mon–Fri 08:00–12:00, 13:00–17:00; closed on public holidays in Bayern", never as
calendar keys, IANA zone names or the MSP's desk-closure list outside the quarter.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import get_timezone_name

from qbr.pack import CalendarNote, Pack
from qbr.report.formatters import Formatters

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def region_name(code: str | None, fmt: Formatters) -> str | None:
    """``"DE-BY"`` → ``"Bayern (Deutschland)"`` / ``"Bayern (Germany)"``: the subdivision's
    own name from the holidays package, the country in the reader's language."""
    if not code:
        return None
    country, _sep, subdiv = code.partition("-")
    country_name = fmt.locale.territories.get(country, country)
    if not subdiv:
        return str(country_name)
    try:
        import holidays

        aliases = getattr(holidays.country_holidays(country).__class__,
                          "subdivisions_aliases", {})
        names = [k for k, v in aliases.items() if v == subdiv]
    except (NotImplementedError, KeyError, AttributeError):  # unknown to the package
        names = []
    return f"{names[0] if names else subdiv} ({country_name})"


def _day_groups(hours: tuple[tuple[str, tuple[str, ...]], ...], fmt: Formatters
                ) -> list[str]:
    """Consecutive weekdays with the same hours as one range: ``Mo.–Fr. 08:00–17:00``."""
    by_day = dict(hours)
    groups: list[tuple[list[str], tuple[str, ...]]] = []
    for day in _DAYS:
        ranges = by_day.get(day)
        if not ranges:
            continue
        prev_idx = _DAYS.index(groups[-1][0][-1]) if groups else -2
        if groups and groups[-1][1] == ranges and prev_idx == _DAYS.index(day) - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    out = []
    for days, ranges in groups:
        label = fmt.weekday(days[0]) if len(days) == 1 else \
            f"{fmt.weekday(days[0])}–{fmt.weekday(days[-1])}"
        out.append(f"{label} {', '.join(r.replace('-', '–') for r in ranges)}")
    return out


def _priority_span(prios: tuple[str, ...]) -> str:
    return prios[0] if len(prios) == 1 else f"{prios[0]}–{prios[-1]}" \
        if len(prios) > 2 else ", ".join(prios)


def service_hours(pack: Pack, fmt: Formatters) -> list[str]:
    """One sentence per group of priorities sharing a clock, in the reader's language."""
    _ = fmt.translations.gettext
    lines = []
    for cal in pack.calendars:
        lines.append(_calendar_line(pack, cal, fmt, _))
    return lines


def _calendar_line(pack: Pack, cal: CalendarNote, fmt: Formatters, _: object) -> str:
    gettext = fmt.translations.gettext
    prios = _priority_span(cal.priorities)
    if cal.always:
        return gettext("%(prios)s: round the clock, every day of the year (24/7).") % {
            "prios": prios}
    text = gettext("%(prios)s: %(hours)s") % {
        "prios": prios, "hours": "; ".join(_day_groups(cal.hours, fmt))}
    region = region_name(cal.holidays, fmt)
    if region:
        text += gettext("; closed on public holidays in %(region)s") % {"region": region}
    closed = _closed_in_quarter(cal.closed_dates, pack)
    if closed:
        text += gettext("; also closed on %(dates)s") % {
            "dates": ", ".join(fmt.date(d) for d in closed)}
    if cal.timezone != pack.timezone:
        text += " " + gettext("(%(zone)s)") % {"zone": zone_name(cal.timezone, fmt)}
    return text + "."


def _closed_in_quarter(dates: tuple[str, ...], pack: Pack) -> list[datetime]:
    """Desk closures that fall in this quarter, as instants at local noon (for display)."""
    out = []
    for text in dates:
        day = date.fromisoformat(text)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=pack.quarter_start.tzinfo)
        if pack.quarter_start <= noon < pack.quarter_end:
            out.append(noon)
    return out


def zone_name(zone: str, fmt: Formatters) -> str:
    """The zone's generic name in the reader's language: "Mitteleuropäische Zeit"."""
    try:
        return str(get_timezone_name(zone, width="long", locale=fmt.locale))
    except (LookupError, ValueError):
        return zone
