"""The ``[tiers]`` section: targets, calendars, pauses and credits (SPEC §4, §3a)."""

from __future__ import annotations

from collections.abc import Mapping

from qbr.config.model import Calendar, CreditRow, Tier
from qbr.config.reader import _Reader
from qbr.config_rules import parse_credits
from qbr.model import CANONICAL_STATUSES


def _minutes_table(r: _Reader, name: str) -> dict[str, float]:
    t = r.table(name)
    if not t.data:
        raise r.fail(name, "needs at least one priority")
    return {p: t.number(p, positive=True) for p in t.data}


def _tier(r: _Reader, name: str, calendars: Mapping[str, Calendar]) -> Tier:
    r.unknown({"response_minutes", "resolution_minutes", "calendar", "calendar_by_priority",
               "pause_statuses", "objective_pct", "uptime_guarantee_pct", "credits", "label",
               "exclude_categories", "credit_cap_pct", "credit_combine"})
    response = _minutes_table(r, "response_minutes")
    resolution = _minutes_table(r, "resolution_minutes")
    if set(response) != set(resolution):
        raise r.fail("resolution_minutes", "must name the same priorities as response_minutes")
    calendar = r.get("calendar", str)
    if calendar not in calendars:
        raise r.fail("calendar", f"unknown calendar {calendar!r}")
    by_prio = _calendar_map(r, response, calendars)
    pauses = r.strings("pause_statuses", ["pause", "waiting_customer", "waiting_vendor"])
    for i, status in enumerate(pauses):
        if status not in CANONICAL_STATUSES - {"running", "resolved", "closed", "excluded"}:
            raise r.fail(f"pause_statuses[{i}]", f"expected one of pause, waiting_customer, "
                                                  f"waiting_vendor, got {status!r}")
    combine = r.get("credit_combine", str, "max")
    if combine not in ("max", "sum"):
        raise r.fail("credit_combine", f"expected 'max' or 'sum', got {combine!r}")
    return Tier(
        name=name, response_minutes=response, resolution_minutes=resolution,
        calendar=calendar, calendar_by_priority=dict(by_prio.data),
        pause_statuses=frozenset(pauses), objective_pct=r.pct("objective_pct", None),
        uptime_guarantee_pct=r.pct("uptime_guarantee_pct", None),
        credits=parse_credits(r, CreditRow),
        label=r.get("label", str, None),
        exclude_categories=tuple(r.strings("exclude_categories", [])),
        credit_cap_pct=r.pct("credit_cap_pct", None), credit_combine=combine,
    )


def _calendar_map(r: _Reader, priorities: Mapping[str, float],
                  calendars: Mapping[str, Calendar]) -> _Reader:
    """``calendar_by_priority`` of a tier or client, checked against the priorities."""
    by_prio = r.table("calendar_by_priority", {})
    for prio, cal in by_prio.data.items():
        if prio not in priorities:
            raise by_prio.fail(prio, f"unknown priority (tier has {', '.join(priorities)})")
        if cal not in calendars:
            raise by_prio.fail(prio, f"unknown calendar {cal!r}")
    return by_prio
