"""Portfolio figures for sales (SPEC §5): honest numbers a website can quote.

Each figure pools every contributing client over the chosen quarters, is rounded
*against the MSP* (shares and uptime down, durations up), and is suppressed when fewer
than ``min_clients`` clients contribute. Opted-out clients are left out entirely. No
client is named anywhere in the output."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from qbr.metrics import ClientQuarter
from qbr.quarters import Quarter
from qbr.sla import nearest_rank

SCHEMA = "qbr.figures/1"


@dataclass
class _Pool:
    """What one figure pools: numerator/denominator or values, and who contributed."""

    clients: set[str] = field(default_factory=set)
    count: int = 0
    num: float = 0.0
    den: float = 0.0
    values: list[float] = field(default_factory=list)


def round_down(value: float, places: int) -> float:
    """Truncate toward zero at ``places`` decimals (99.9949 → 99.99), exactly."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_DOWN))


def round_up_minutes(value: float) -> int:
    """Durations round up to whole minutes (9.2 → 10), so a quote is never too good. No
    tolerance: 9.000001 min is quoted as 10 (issue 8 §3, no figure exceeds the exact)."""
    return math.ceil(value)


def _pools(results: Sequence[ClientQuarter]) -> dict[str, _Pool]:
    pools = {k: _Pool() for k in ("uptime", "response_median", "response_median_p1",
                                  "response_attainment", "resolution_attainment")}
    for cq in results:
        key = cq.client.key
        crit = [m for m in cq.monitors if m.critical and m.window_seconds > 0]
        if crit:
            p = pools["uptime"]
            p.clients.add(key)
            p.count += len(crit)
            p.den += sum(m.window_seconds for m in crit)
            p.num += sum(m.window_seconds - m.downtime_seconds for m in crit)
        for row in cq.tickets:
            if row.priority is None or row.excluded_reason is not None:  # SPEC §3a
                continue
            if row.response.event_at is not None:
                _add_value(pools["response_median"], key, row.response.elapsed_minutes)
                if (row.response.priority or row.priority) == "P1":  # at the response, §3a
                    _add_value(pools["response_median_p1"], key, row.response.elapsed_minutes)
            for measure in ("response", "resolution"):
                state = getattr(row, measure).state
                if state in ("met", "breached"):
                    p = pools[f"{measure}_attainment"]
                    p.clients.add(key)
                    p.count += 1
                    p.den += 1
                    p.num += state == "met"
    return pools


def _add_value(pool: _Pool, client: str, value: float) -> None:
    pool.clients.add(client)
    pool.count += 1
    pool.values.append(value)


_METHODS = {
    "uptime": ("Critical systems uptime", "%", "monitor_quarters",
               "Time-weighted uptime of every critical monitor, maintenance windows excluded, "
               "rounded down."),
    "response_median": ("Median first response", "min", "tickets",
                        "Nearest-rank median of business minutes from ticket creation to "
                        "the first response, over all responded tickets, rounded up."),
    "response_median_p1": ("Median first response, P1", "min", "tickets",
                           "Nearest-rank median of business minutes to first response over "
                           "P1 (critical) tickets, rounded up."),
    "response_attainment": ("Response SLA attainment", "%", "tickets",
                            "Share of measured tickets answered within their contract's "
                            "response target, pooled over all clients, rounded down."),
    "resolution_attainment": ("Resolution SLA attainment", "%", "tickets",
                              "Share of measured tickets resolved within their contract's "
                              "resolution target (customer waits excluded), rounded down."),
}


def _figure(fid: str, pool: _Pool, min_clients: int, window: str) -> dict[str, Any]:
    label, unit, counted, method = _METHODS[fid]
    if pool.values:
        exact: float | None = nearest_rank(pool.values, 50)
        shown: float | int | None = None if exact is None else round_up_minutes(exact)
    elif pool.den:
        exact = 100.0 * pool.num / pool.den
        shown = round_down(exact, 2 if fid == "uptime" else 1)
    else:
        exact = shown = None
    suppressed = len(pool.clients) < min_clients
    return {"id": fid, "label": label, "unit": unit, "value": None if suppressed else shown,
            "exact": None if suppressed else exact, "suppressed": suppressed,
            "rounding": "up" if unit == "min" else "down",
            "clients": len(pool.clients), counted: pool.count, "window": window,
            "method": method}


def figures_document(results: Sequence[ClientQuarter], quarters: Sequence[Quarter],
                     as_of: str, min_clients: int) -> dict[str, Any]:
    """The ``qbr.figures/1`` document over the given client quarters (opt-outs removed)."""
    kept = [r for r in results if not r.client.figures_opt_out]
    window = str(quarters[0]) if len(quarters) == 1 else f"{quarters[0]}..{quarters[-1]}"
    pools = _pools(kept)
    return {
        "schema": SCHEMA, "quarters": [str(q) for q in quarters], "as_of": as_of,
        "window": {"from": quarters[0].first_day.isoformat(),
                   "to": (quarters[-1].end_day - timedelta(days=1)).isoformat(),
                   "label": window},
        "min_clients": min_clients,
        "clients": len({r.client.key for r in kept}),
        "opted_out": len({r.client.key for r in results if r.client.figures_opt_out}),
        "figures": [_figure(fid, pools[fid], min_clients, window) for fid in _METHODS],
    }
