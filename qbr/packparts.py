"""Views of one client quarter that the pack shows besides the metrics entry (issue 7):
systems with their observed window, outages merged into incidents, the credit working and
how each priority's targets are counted. Pure functions over the engine's results; units
are wall-clock minutes for uptime and business minutes for SLA targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from qbr.config import Calendar, Client, Tier
from qbr.intervals import Interval, intersect, total_seconds, union
from qbr.model import Monitor, Outage
from qbr.pack import CreditView, Incident, PriorityClock, SystemRow
from qbr.uptime import MonitorUptime, outage_span


def monitor_labels(client: Client) -> dict[str, str]:
    """Display name of each monitor key: the config ``label``, else the key."""
    return {m.monitor: getattr(m, "label", None) or m.monitor for m in client.monitors}


def system_rows(uptimes: Sequence[MonitorUptime], monitors: Iterable[Monitor],
                labels: dict[str, str], span: Interval) -> tuple[SystemRow, ...]:
    """One row per monitor. ``span`` is the quarter up to the cut-off (UTC); what of it
    the monitor was not watched is unmonitored: outside ``monitored_from``/``until`` and
    the Unmonitored spans of state and check logs (paused, silent: SPEC §2,
    ``MonitorUptime.unmonitored_seconds``); what else is not in the uptime window is
    maintenance (SPEC §4), so measured + maintenance + not monitored = the span."""
    by_name = {m.monitor: m for m in monitors}
    rows = []
    for u in uptimes:
        mon = by_name.get(u.monitor)
        lo = mon.observed_from if mon and mon.observed_from else span[0]
        hi = mon.observed_until if mon and mon.observed_until else span[1]
        observed = intersect([span], [(lo, hi)]) if hi > lo else []
        span_s = total_seconds([span]) if span[1] > span[0] else 0.0
        observed_s = total_seconds(observed)
        rows.append(SystemRow(
            monitor=u.monitor, label=labels.get(u.monitor, u.monitor), critical=u.critical,
            uptime_pct=u.uptime_pct, guarantee_pct=u.guarantee_pct, met=u.met,
            downtime_minutes=u.downtime_seconds / 60.0,
            measured_minutes=u.window_seconds / 60.0,
            maintenance_minutes=max(observed_s - u.window_seconds - u.unmonitored_seconds,
                                    0.0) / 60.0,
            unmonitored_minutes=(max(span_s - observed_s, 0.0) + u.unmonitored_seconds) / 60.0,
            observed_from=u.window[0][0] if u.window else None,
            observed_until=u.window[-1][1] if u.window else None))
    return tuple(rows)


def incidents(uptimes: Sequence[MonitorUptime], outages: Sequence[Outage],
              labels: dict[str, str], as_of: datetime) -> tuple[Incident, ...]:
    """Outages merged per monitor (overlapping or touching spans are one incident) and
    clipped to the monitor's uptime window, so a system's incidents add up to its
    downtime exactly; incidents with no minute inside the window are left out."""
    out = []
    for u in uptimes:
        own = [(o, outage_span(o, as_of)) for o in outages if o.monitor == u.monitor]
        spans = [(o, s) for o, s in own if s is not None]
        for merged in union(s for _o, s in spans):
            inside = total_seconds(intersect([merged], u.window))
            if inside <= 0:
                continue
            members = [o for o, s in spans
                       if merged[0] <= s[0] and s[1] <= merged[1] and s[1] > s[0]]
            still_down = any(o.end is None or o.end > as_of for o in members) and \
                merged[1] == as_of
            reasons = tuple(dict.fromkeys(o.reason.strip() for o in members
                                          if o.reason and o.reason.strip()))
            out.append(Incident(u.monitor, labels.get(u.monitor, u.monitor), u.critical,
                                merged[0], None if still_down else merged[1],
                                inside / 60.0, len(members), reasons))
    return tuple(sorted(out, key=lambda i: (i.start, i.label)))


def credit_view(tier: Tier, client: Client, entry: dict[str, object]) -> CreditView:
    """The credit table of the tier (uptime rows, highest threshold first), the uptime
    row that applied — the one whose percentage was taken (SPEC §4: the largest
    applicable) —, the attainment rows and every row that applied (SPEC §3a), the fee."""
    credits = entry.get("credits")
    uptime = entry.get("uptime")
    assert isinstance(credits, dict) and isinstance(uptime, dict)
    crit = uptime.get("critical_uptime_pct")
    table = tuple(sorted(((r.below, r.pct) for r in tier.credits
                          if getattr(r, "metric", "uptime") == "uptime"), reverse=True))
    applied = None
    if isinstance(crit, float | int):
        rows = [(below, pct) for below, pct in table if crit < below]
        if rows:
            applied = max(rows, key=lambda r: (r[1], -r[0]))[0]
    others = tuple(sorted(((r.metric, r.below, r.pct) for r in tier.credits
                           if getattr(r, "metric", "uptime") != "uptime"),
                          key=lambda r: (r[0], -r[1])))
    worked = tuple((str(a["metric"]), float(a["value"]), float(a["below"]), float(a["pct"]))
                   for a in credits.get("applied") or [])
    return CreditView(table=table, applied_below=applied,
                      critical_uptime_pct=crit if isinstance(crit, float | int) else None,
                      pct=credits.get("pct"), fee=client.fee,
                      amount=credits.get("amount"),
                      currency=str(credits.get("currency") or client.currency or ""),
                      provisional=bool(credits.get("provisional")),
                      attainment_rows=others, applied=worked,
                      cap_pct=tier.credit_cap_pct, combine=tier.credit_combine)


def day_minutes(calendar: Calendar) -> int | None:
    """The usual working day of a business-hours calendar in minutes: the most common
    non-zero weekday total (480 for Mon–Fri 08:00–12:00 + 13:00–17:00); None for 24x7."""
    if calendar.always:
        return None
    totals = []
    for ranges in calendar.hours:
        minutes = 0
        for a, b in ranges:
            end = 24 * 60 if b.hour == 23 and b.minute == 59 else b.hour * 60 + b.minute
            minutes += end - (a.hour * 60 + a.minute)
        if minutes:
            totals.append(minutes)
    return Counter(totals).most_common(1)[0][0] if totals else None


def priority_clocks(tier: Tier, calendars: dict[str, Calendar]) -> dict[str, PriorityClock]:
    """Per priority: does its clock run round the clock, and how long is a working day."""
    out = {}
    for prio in tier.priorities:
        cal = calendars[tier.calendar_for(prio)]
        out[prio] = PriorityClock(always=cal.always, day_minutes=day_minutes(cal))
    return out


def observed_span(quarter: Interval, as_of: datetime) -> Interval:
    """The quarter up to the cut-off (empty when the quarter has not begun)."""
    end = min(quarter[1], as_of)
    return (quarter[0], max(end, quarter[0]))
