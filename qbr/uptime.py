"""Uptime per monitor and client, and the service credit (SPEC §4). Pure functions.

Window = the quarter (client-local midnights) ∩ the monitor's observed span ∩ (−∞, as_of),
minus the union of the maintenance windows of the monitor and of its client. Downtime =
the union of the monitor's outages (an open one lasts until ``as_of``) inside the window,
so overlapping outages count once and an outage across a quarter boundary is split there.
All durations here are wall-clock (real) minutes, not business minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import get_currency_precision

from qbr.config import Client, CreditRow, Tier
from qbr.intervals import Interval, intersect, subtract, total_seconds, union
from qbr.model import Maintenance, Monitor, Outage, Unmonitored


@dataclass(frozen=True)
class MonitorUptime:
    """One monitor's quarter. ``uptime_pct`` is ``None`` when the window is empty."""

    monitor: str
    critical: bool
    window_seconds: float
    downtime_seconds: float
    guarantee_pct: float
    window: tuple[Interval, ...]
    unmonitored_seconds: float = 0.0  # kept out of the window, reported apart (SPEC §2)

    @property
    def uptime_pct(self) -> float | None:
        if self.window_seconds <= 0:
            return None
        return 100.0 * (1.0 - self.downtime_seconds / self.window_seconds)

    @property
    def met(self) -> bool | None:
        pct = self.uptime_pct
        return None if pct is None else pct >= self.guarantee_pct


def outage_span(outage: Outage, as_of: datetime) -> Interval | None:
    """The outage as known at ``as_of``: not yet started → ``None``; no end, or an end
    after ``as_of`` → still down until ``as_of``."""
    if outage.start >= as_of:
        return None
    end = outage.end if outage.end is not None and outage.end <= as_of else as_of
    return (outage.start, end)


def _base(monitor: Monitor, quarter: Interval, as_of: datetime) -> Interval:
    """The quarter ∩ the monitor's observed span ∩ (−∞, ``as_of``) (may be empty)."""
    return (max(quarter[0], monitor.observed_from or quarter[0]),
            min(quarter[1], monitor.observed_until or as_of, as_of))


def _maintenance_holes(monitor: Monitor, maintenance: Sequence[Maintenance]
                       ) -> list[Interval]:
    return [(m.start, m.end) for m in maintenance
            if m.client == monitor.client and m.monitor in (None, monitor.monitor)]


def _unmonitored_holes(monitor: Monitor, unmonitored: Sequence[Unmonitored]
                       ) -> list[Interval]:
    return [(u.start, u.end) for u in unmonitored
            if u.client == monitor.client and u.monitor == monitor.monitor]


def monitor_window(monitor: Monitor, quarter: Interval, as_of: datetime,
                   maintenance: Sequence[Maintenance],
                   unmonitored: Sequence[Unmonitored] = ()) -> list[Interval]:
    """The measured window of a monitor in a quarter (see module docstring). Unmonitored
    spans of the monitor (paused, silent) are holes like maintenance (SPEC §2)."""
    start, end = _base(monitor, quarter, as_of)
    holes = _maintenance_holes(monitor, maintenance) + _unmonitored_holes(monitor, unmonitored)
    return subtract([(start, end)], holes) if end > start else []


def unmonitored_seconds(monitor: Monitor, quarter: Interval, as_of: datetime,
                        unmonitored: Sequence[Unmonitored],
                        maintenance: Sequence[Maintenance] = ()) -> float:
    """Wall-clock seconds of the monitor's unmonitored spans inside its observed span in
    the quarter that are not already maintenance (|U ∪ M| − |M| clipped to the span,
    overlaps counted once), so window + maintenance + unmonitored = the observed span
    (SPEC §2; the column-wise engine, :mod:`qbr.engine.uptime`, counts the same)."""
    start, end = _base(monitor, quarter, as_of)
    if end <= start:
        return 0.0
    base = [(start, end)]
    maint = intersect(union(_maintenance_holes(monitor, maintenance)), base)
    both = intersect(union([*_maintenance_holes(monitor, maintenance),
                            *_unmonitored_holes(monitor, unmonitored)]), base)
    return total_seconds(both) - total_seconds(maint)


def monitor_uptime(monitor: Monitor, quarter: Interval, as_of: datetime,
                   outages: Sequence[Outage], maintenance: Sequence[Maintenance],
                   tier_guarantee_pct: float | None,
                   unmonitored: Sequence[Unmonitored] = ()) -> MonitorUptime:
    """Window and downtime of one monitor for one quarter, in seconds."""
    window = monitor_window(monitor, quarter, as_of, maintenance, unmonitored)
    spans = [outage_span(o, as_of) for o in outages if o.monitor == monitor.monitor]
    down = intersect(union(s for s in spans if s is not None), window)
    guarantee = monitor.guarantee_pct if monitor.guarantee_pct is not None \
        else tier_guarantee_pct
    if guarantee is None:  # the config loader refuses this (uptime_guarantee_pct missing)
        raise ValueError(f"monitor {monitor.monitor!r} has no guarantee")
    return MonitorUptime(monitor.monitor, monitor.critical, total_seconds(window),
                         total_seconds(down), guarantee, tuple(window),
                         unmonitored_seconds(monitor, quarter, as_of, unmonitored,
                                             maintenance))


def critical_uptime(monitors: Sequence[MonitorUptime]) -> tuple[float | None, float | None]:
    """(time-weighted critical uptime %, worst critical monitor %) over critical monitors
    with a non-empty window; ``(None, None)`` when there is none."""
    measured = [m for m in monitors if m.critical and m.window_seconds > 0]
    if not measured:
        return None, None
    window = sum(m.window_seconds for m in measured)
    down = sum(m.downtime_seconds for m in measured)
    worst = min(m.uptime_pct for m in measured if m.uptime_pct is not None)
    return 100.0 * (window - down) / window, worst


def credit_pct(critical_pct: float | None, table: Sequence[CreditRow]) -> float | None:
    """The credit percentage of the quarterly fee: the largest ``pct`` among rows whose
    threshold the (unrounded) critical uptime is strictly below; 0 when none applies;
    ``None`` without a measured critical monitor."""
    if critical_pct is None:
        return None
    applicable = [row.pct for row in table if critical_pct < row.below]
    return max(applicable, default=0.0)


@dataclass(frozen=True)
class CreditWorking:
    """The credit of one client quarter and how it came about (SPEC §3a).

    ``applied`` lists every credit row whose condition holds as ``{metric, value, below,
    pct}``; ``pct`` is ``None`` when no metric the credit looks at was measured."""

    pct: float | None
    applied: tuple[dict[str, Any], ...]


def credit_working(values: Mapping[str, float | None], tier: Tier) -> CreditWorking:
    """Credits on attainment and uptime with a cap.

    ``values`` maps ``uptime`` to the critical uptime % and ``response``/``resolution`` to
    that measure's ``all`` attainment % (``None`` = nothing measured). A row applies when
    its metric's unrounded value is strictly below ``below``; per metric the largest
    applicable ``pct`` wins (0 when none); the metrics' winners are combined by the tier's
    ``credit_combine`` (``max`` or ``sum``) and capped at ``credit_cap_pct`` and at 100 (a
    credit never exceeds the fee). The metrics looked at are ``uptime`` (always, SPEC §4)
    and every metric a row names; a metric with nothing measured applies no row, and when
    none was measured the result is ``None``."""
    metrics = ["uptime", *sorted({row.metric for row in tier.credits} - {"uptime"})]
    measured = [m for m in metrics if values.get(m) is not None]
    if not measured:
        return CreditWorking(None, ())
    applied = []
    winners: dict[str, float] = dict.fromkeys(measured, 0.0)
    for row in tier.credits:
        value = values.get(row.metric)
        if value is None or not value < row.below:
            continue
        applied.append({"metric": row.metric, "value": value, "below": row.below,
                        "pct": row.pct})
        winners[row.metric] = max(winners[row.metric], row.pct)
    combined = sum(winners.values()) if tier.credit_combine == "sum" \
        else max(winners.values())
    cap = 100.0 if tier.credit_cap_pct is None else min(tier.credit_cap_pct, 100.0)
    return CreditWorking(min(combined, cap), tuple(applied))


def credits_block(client: Client, tier: Tier, response: Mapping[str, Any],
                  resolution: Mapping[str, Any], uptime: Mapping[str, Any],
                  quarter_over: bool) -> dict[str, Any]:
    """The SPEC §6 ``credits`` object with its working. Without a configured fee the
    amount is ``null`` (and ``currency`` too when none is configured)."""
    working = credit_working({"uptime": uptime["critical_uptime_pct"],
                              "response": response["all"]["attainment_pct"],
                              "resolution": resolution["all"]["attainment_pct"]}, tier)
    amount = None
    if client.fee is not None and client.currency is not None:
        amount = credit_amount(client.fee, working.pct,
                               get_currency_precision(client.currency))
    return {"pct": working.pct, "amount": amount, "currency": client.currency,
            "provisional": not quarter_over, "applied": list(working.applied)}


def credit_amount(fee: float, pct: float | None, minor_digits: int) -> float | None:
    """fee × pct / 100, rounded half-up to the currency's minor unit (2 for EUR)."""
    if pct is None:
        return None
    exact = Decimal(str(fee)) * Decimal(str(pct)) / Decimal(100)
    return float(exact.quantize(Decimal(1).scaleb(-minor_digits), rounding=ROUND_HALF_UP))


def outage_downtime_in(outage: Outage, window: Sequence[Interval], as_of: datetime) -> float:
    """Seconds of one outage inside a monitor's window (for the pack's outage list)."""
    span = outage_span(outage, as_of)
    return 0.0 if span is None else total_seconds(intersect([span], window))
