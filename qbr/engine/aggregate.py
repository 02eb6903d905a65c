"""Counts, attainment and nearest-rank percentiles per client and priority (SPEC §3, §6),
by group-bys over the per-ticket results of one quarter.

Excluded tickets (SPEC §3a) are in no count, percentile or ``all``; they stay in
``tickets.total`` and are counted in ``tickets.excluded``. A ticket is unclassified when
its exported priority is not in its tier; it is pending while either clock still runs
within target; ``tickets.reopened`` counts the tickets in the SLA reopened by ``as_of``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qbr.config import Config
from qbr.engine.columns import Columns
from qbr.engine.tickets import BREACHED, MET, PENDING, TicketResults

MEASURES = ("response", "resolution")


def _number(value: float) -> float | int:
    """Targets from the config print as written (15, not 15.0)."""
    return int(value) if float(value).is_integer() else value


def _pct(met: int, breached: int) -> float | None:
    return None if met + breached == 0 else 100.0 * met / (met + breached)


def nearest_rank_groups(key: np.ndarray, values: np.ndarray, n_keys: int,
                        pcts: tuple[int, ...]) -> list[np.ndarray]:
    """Nearest-rank percentiles of ``values`` per group ``key`` (NaN for an empty group),
    one array per entry of ``pcts``: the smallest v with at least p % of the group's
    values ≤ v. One sort serves every percentile."""
    out = [np.full(n_keys, np.nan) for _ in pcts]
    if not len(key):
        return out
    # Sort by value, then stably by group: equal values are interchangeable, and a small
    # unsigned group key gets numpy's radix sort (much faster than lexsort).
    by_value = np.argsort(values)
    small = np.uint16 if n_keys <= 0xFFFF else np.uint32
    order = by_value[np.argsort(key[by_value].astype(small), kind="stable")]
    k, v = key[order], values[order]
    start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])  # k is sorted: runs, no sort
    groups = k[start]
    count = np.diff(np.r_[start, len(k)])
    for arr, pct in zip(out, pcts, strict=True):
        rank = np.maximum(1, (count * pct + 99) // 100)  # ceil in integers: no float error
        arr[groups] = v[start + rank - 1]
    return out


def client_summaries(config: Config, cols: Columns, res: TicketResults,
                     rejected: dict[str, int]) -> dict[str, tuple[dict[str, Any], ...]]:
    """client key → (tickets, response, resolution) objects of the SPEC §6 entry."""
    n_c, n_p = len(cols.clients), len(cols.priorities) + 1
    included = np.asarray(pd.isna(res.excluded), dtype=bool)
    out_blocks: dict[str, list[dict[str, Any]]] = {k: [] for k in cols.clients}
    for m in MEASURES:
        key = res.client * n_p + res.prio[m] + 1
        counts = {s: np.bincount(key[included & (res.state[m] == code)],
                                 minlength=n_c * n_p).reshape(n_c, n_p)
                  for s, code in (("met", MET), ("breached", BREACHED),
                                  ("pending", PENDING))}
        done = included & (res.event_ns[m] != np.iinfo("int64").min) & \
            ~np.isnan(res.target[m])
        minutes = res.elapsed[m] / 60.0
        median, p90 = (a.reshape(n_c, n_p) for a in nearest_rank_groups(
            key[done], minutes[done], n_c * n_p, (50, 90)))
        for ci, ckey in enumerate(cols.clients):
            tier = config.tiers[config.clients[ckey].tier]
            targets = getattr(tier, f"{m}_minutes")
            block: dict[str, Any] = {}
            totals = {"met": 0, "breached": 0, "pending": 0}
            for prio in tier.priorities:
                pi = cols.priorities.index(prio) + 1
                cell = {s: int(counts[s][ci, pi]) for s in totals}
                block[prio] = {"target_minutes": _number(targets[prio]), **cell,
                               "attainment_pct": _pct(cell["met"], cell["breached"]),
                               "median_minutes": _float(median[ci, pi]),
                               "p90_minutes": _float(p90[ci, pi])}
                for s in totals:
                    totals[s] += cell[s]
            block["all"] = {**totals, "attainment_pct": _pct(totals["met"],
                                                             totals["breached"])}
            out_blocks[ckey].append(block)
    tickets = _ticket_counts(cols, res, included, rejected)
    return {k: (tickets[k], *out_blocks[k]) for k in cols.clients}


def _float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _ticket_counts(cols: Columns, res: TicketResults, included: np.ndarray,
                   rejected: dict[str, int]) -> dict[str, dict[str, Any]]:
    n_c = len(cols.clients)

    def per_client(mask: np.ndarray) -> np.ndarray:
        return np.bincount(res.client[mask], minlength=n_c)

    total = per_client(np.ones(len(res.client), dtype=bool))
    # Unclassified by the exported priority, as the workbook row's priority (SPEC §3).
    unclassified = per_client(included & ~res.classified)
    pending = per_client(included & ((res.state["response"] == PENDING)
                                     | (res.state["resolution"] == PENDING)))
    excluded = per_client(~included)
    reopened = per_client(included & res.reopened)
    blind = per_client(included & res.closed_without_time)
    return {k: {"total": int(total[i]), "unclassified": int(unclassified[i]),
                "pending": int(pending[i]), "rejected": rejected.get(k, 0),
                "excluded": int(excluded[i]), "reopened": int(reopened[i]),
                "closed_without_time": int(blind[i])}
            for i, k in enumerate(cols.clients)}
