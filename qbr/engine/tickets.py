"""Both SLA measures of every ticket of a quarter, all clients at once (SPEC §3, §3a).

Column-wise, with no Python loop per ticket or event (loops run over clients, tiers and
priorities only):

1. Tickets of the quarter: created in it on the client's local calendar, by ``as_of``.
2. Status history (events by ``as_of``): an event stamped before ``created_at`` is in force
   from ``created_at``; of events with equal instants the later row wins, so runs collapse
   to their last row (SPEC §2). A ticket "has history" when it has at least one event by
   ``as_of``; then §3a applies: resolved and closed form one class, "done"; leaving done
   for any other status is a reopen; the resolution event is the start of the final done
   run (none if the ticket was reopened after its last one); the response event is the
   earliest of ``first_response_at`` and the first entry into done.
3. Priority history (events that carry a priority): each measure uses the priority in
   force at its event (at ``as_of`` without one); before the first carried priority the
   first one applies (the ticket was opened with it).
4. Elapsed business seconds from ``created_at`` to the event on the measure's calendar;
   for resolution, minus the business time of paused and of done-then-reopened
   intervals inside the span (or the vendor's ``reported_pause`` without history).
5. States: met when elapsed ≤ target × 60 with an event; breached beyond the target;
   else pending; unclassified without a target.
6. Exclusions (§3a): the ``excluded`` column, a tier's ``exclude_categories``, or the
   canonical status ``excluded`` held at any time by ``as_of``, in that order of reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from qbr.calendar import ClockSpec, calendar_name, clock_spec
from qbr.config import Config, normalise_name
from qbr.engine.clock import ClockTable
from qbr.engine.columns import (
    CLOSED,
    EXCLUDED,
    NAT,
    RESOLVED,
    STATUSES,
    Columns,
    codes_in,
    factor_codes,
    seconds_ns,
)
from qbr.frames import Frames
from qbr.quarters import Quarter
from qbr.ticketrules import status_reason

MET, BREACHED, PENDING, UNCLASSIFIED = 0, 1, 2, 3
STATE_NAMES = ("met", "breached", "pending", "unclassified")


@dataclass(frozen=True)
class TicketResults:
    """Per-ticket results of one quarter, positional (``rows`` are frame rows)."""

    rows: np.ndarray  # int64 rows of frames.tickets, in frame order
    client: np.ndarray  # client code
    prio: dict[str, np.ndarray]  # measure → priority code (-1 unclassified)
    target: dict[str, np.ndarray]  # measure → target minutes (NaN unclassified)
    elapsed: dict[str, np.ndarray]  # measure → business seconds
    state: dict[str, np.ndarray]  # measure → state code (MET …)
    event_ns: dict[str, np.ndarray]  # measure → event instant (NAT while pending)
    calendar: np.ndarray  # int64 index into ``calendars`` of the resolution clock
    calendars: tuple[str, ...]
    paused: np.ndarray  # business seconds subtracted from resolution
    pause_measured: np.ndarray  # bool
    reopened: np.ndarray  # bool (never for an excluded ticket)
    excluded: np.ndarray  # object: reason or None
    reopened_seconds: np.ndarray  # business seconds sat in done before a reopen
    closed_without_time: np.ndarray  # bool: no history, status done, no resolved/closed
    classified: np.ndarray  # bool: the exported priority is in the client's tier


def quarter_rows(config: Config, cols: Columns, quarter: Quarter, as_of: datetime
                 ) -> np.ndarray:
    """Frame rows of the tickets of ``quarter``: created on or after the quarter's first
    local midnight, before the next quarter's, and by ``as_of`` (SPEC §3)."""
    n_clients = len(cols.clients)
    lo = np.zeros(n_clients + 1, dtype="int64")
    hi = np.zeros(n_clients + 1, dtype="int64")  # slot -1: unconfigured, empty range
    for i, key in enumerate(cols.clients):
        start, end = quarter.bounds(config.clients[key].timezone)
        lo[i], hi[i] = pd.Timestamp(start).value, pd.Timestamp(end).value
    created = cols.t_created_ns
    c = cols.t_client
    keep = (created >= lo[c]) & (created < hi[c]) & (created <= pd.Timestamp(as_of).value)
    return np.flatnonzero(keep & (c >= 0))


def clock_tables(config: Config, cols: Columns
                 ) -> tuple[list[ClockSpec], np.ndarray, np.ndarray, tuple[str, ...]]:
    """Every clock the run needs: (specs, spec index per [client, priority + 1], calendar
    name index per [client, priority + 1], calendar names). Column 0 is unclassified."""
    specs: dict[ClockSpec, int] = {}
    names: dict[str, int] = {}
    n_p = len(cols.priorities) + 1
    spec_tab = np.zeros((len(cols.clients), n_p), dtype="int64")
    name_tab = np.zeros((len(cols.clients), n_p), dtype="int64")
    for ci, key in enumerate(cols.clients):
        client = config.clients[key]
        tier = config.tiers[client.tier]
        for pi in range(n_p):
            prio = cols.priorities[pi - 1] if pi else None
            name = calendar_name(tier, client, prio if prio in tier.response_minutes
                                 else None)
            spec = clock_spec(config.calendars[name], client.timezone, client.holidays)
            spec_tab[ci, pi] = specs.setdefault(spec, len(specs))
            name_tab[ci, pi] = names.setdefault(name, len(names))
    return list(specs), spec_tab, name_tab, tuple(names)


def _targets(config: Config, cols: Columns, measure: str) -> np.ndarray:
    """Target minutes per [client, priority + 1]; NaN where the tier lacks the priority."""
    out = np.full((len(cols.clients), len(cols.priorities) + 1), np.nan)
    for ci, key in enumerate(cols.clients):
        table = getattr(config.tiers[config.clients[key].tier], f"{measure}_minutes")
        for pi, prio in enumerate(cols.priorities, start=1):
            if prio in table:
                out[ci, pi] = table[prio]
    return out


def _pause_table(config: Config, cols: Columns) -> np.ndarray:
    """bool [client, status]: the status stops the client's resolution clock (tier)."""
    out = np.zeros((len(cols.clients), len(STATUSES)), dtype=bool)
    for ci, key in enumerate(cols.clients):
        pauses = config.tiers[config.clients[key].tier].pause_statuses
        for si, status in enumerate(STATUSES):
            out[ci, si] = status in pauses
    return out


def _run_starts(group: np.ndarray) -> np.ndarray:
    """bool per row: the first row of its group's run (rows of a group are contiguous)."""
    first = np.ones(len(group), dtype=bool)
    if len(group) > 1:
        np.not_equal(group[1:], group[:-1], out=first[1:])
    return first


def _first_per_group(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """int64 values of the first row of each group (rows in group runs), NAT if none.
    Runs are contiguous (events are grouped by ticket), so no sort is needed."""
    out = np.full(n, NAT, dtype="int64")
    first = _run_starts(group)
    out[group[first]] = values[first]
    return out


def evaluate_quarter(config: Config, frames: Frames, cols: Columns, quarter: Quarter,
                     as_of: datetime) -> TicketResults:
    """Measures of every ticket of ``quarter`` (see the module docstring)."""
    rows = quarter_rows(config, cols, quarter, as_of)
    n = len(rows)
    asof_ns = pd.Timestamp(as_of).value
    asof = float(seconds_ns(np.array([asof_ns]))[0])
    client = cols.t_client[rows]
    prio0 = cols.t_prio[rows]

    def seen(ns: np.ndarray) -> np.ndarray:  # SPEC §3: later than as_of has not happened
        picked = ns[rows]
        return np.where((picked != NAT) & (picked <= asof_ns), picked, NAT)

    created_ns = cols.t_created_ns[rows]
    created = seconds_ns(created_ns)
    fr_ns, res_ns, cl_ns = (seen(cols.t_first_response_ns), seen(cols.t_resolved_ns),
                            seen(cols.t_closed_ns))

    # -- status history of these tickets, by as_of (contiguous runs per ticket) ----------
    pos = np.full(len(cols.t_client), -1, dtype="int64")
    pos[rows] = np.arange(n)
    ev_pos = pos[cols.e_ticket] if len(cols.e_ticket) else np.empty(0, dtype="int64")
    keep = (ev_pos >= 0) & (cols.e_at_ns <= asof_ns) & (cols.e_ticket >= 0)
    e_t = ev_pos[keep]
    e_at_ns = np.maximum(cols.e_at_ns[keep], created_ns[e_t])  # in force from creation
    e_st = cols.e_status[keep]
    e_pr = cols.e_prio[keep]
    del pos, ev_pos, keep  # 5M-row temporaries: free them before the next ones
    last = np.ones(len(e_t), dtype=bool)  # equal instants: the later row wins (SPEC §2)
    last[:-1] = (e_t[1:] != e_t[:-1]) | (e_at_ns[1:] != e_at_ns[:-1])
    s_t, s_at_ns, s_st, s_pr = e_t[last], e_at_ns[last], e_st[last], e_pr[last]
    del last
    has_hist = np.bincount(s_t, minlength=n) > 0
    first_row = np.ones(len(s_t), dtype=bool)
    first_row[1:] = s_t[1:] != s_t[:-1]
    last_row = np.ones(len(s_t), dtype=bool)
    last_row[:-1] = first_row[1:]
    done = (s_st == RESOLVED) | (s_st == CLOSED)
    prev_done = np.zeros(len(s_t), dtype=bool)
    prev_done[1:] = done[:-1]
    prev_done &= ~first_row
    entry = done & ~prev_done
    reopened = np.bincount(s_t[~done & prev_done], minlength=n) > 0
    entries = np.flatnonzero(entry)
    first_done_ns = _first_per_group(s_t[entries], s_at_ns[entries], n)
    run_start = np.maximum.accumulate(np.where(entry, np.arange(len(s_t)), -1)) \
        if len(s_t) else np.empty(0, dtype="int64")
    final = np.flatnonzero(last_row & done)
    final_done_ns = np.full(n, NAT, dtype="int64")
    final_done_ns[s_t[final]] = s_at_ns[run_start[final]]
    del run_start, entries, entry, prev_done, first_row

    # -- events of each measure ----------------------------------------------------------
    def earliest(*values: np.ndarray) -> np.ndarray:
        stacked = np.stack([np.where(v == NAT, np.iinfo("int64").max, v) for v in values])
        low = stacked.min(axis=0)
        return np.where(low == np.iinfo("int64").max, NAT, low)

    resp_ns = np.where(has_hist, earliest(fr_ns, first_done_ns),
                       earliest(fr_ns, res_ns, cl_ns))
    res_ns_ev = np.where(has_hist, final_done_ns, np.where(res_ns != NAT, res_ns, cl_ns))
    event_ns = {"response": resp_ns, "resolution": res_ns_ev}
    end = {m: np.where(v == NAT, asof, seconds_ns(v)) for m, v in event_ns.items()}

    # -- priority in force at each measure's event (SPEC §3a) ----------------------------
    # Over the collapsed events: a row overtaken at its own instant never held its
    # priority either (the later row wins, SPEC §2), as in qbr.history.priority_at.
    carried = s_pr >= 0
    p_t, p_at, p_pr = s_t[carried], seconds_ns(s_at_ns[carried]), s_pr[carried]
    has_ph = np.bincount(p_t, minlength=n) > 0
    p_first = np.zeros(n, dtype="int64")
    starts = _run_starts(p_t)
    p_first[p_t[starts]] = np.flatnonzero(starts)
    prio = {}
    for m in ("response", "resolution"):
        upto = np.bincount(p_t, weights=p_at <= end[m][p_t], minlength=n).astype("int64")
        idx = p_first + np.maximum(upto - 1, 0)
        prio[m] = np.where(has_ph, p_pr[np.minimum(idx, max(len(p_pr) - 1, 0))]
                           if len(p_pr) else prio0, prio0)

    del e_t, e_at_ns, e_st, e_pr, s_pr, carried, p_t, p_at, p_pr

    # -- business time -------------------------------------------------------------------
    specs, spec_tab, name_tab, names = clock_tables(config, cols)
    lo = float(np.nanmin(created)) if n else asof
    table = ClockTable(specs, lo, asof)
    spec = {m: spec_tab[client, prio[m] + 1] for m in prio}
    target = {m: _targets(config, cols, m)[client, prio[m] + 1] for m in prio}
    elapsed = {"response": table.seconds(spec["response"], created, end["response"])}
    gross = table.seconds(spec["resolution"], created, end["resolution"])

    s_at = seconds_ns(s_at_ns)
    del s_at_ns
    nxt = np.empty_like(s_at)
    nxt[:-1] = s_at[1:]
    nxt[last_row] = np.inf
    stops = _pause_table(config, cols)[client[s_t], np.maximum(s_st, 0)] & (s_st >= 0)
    stops |= done  # done-then-reopened time is subtracted like a pause (§3a)
    cut = end["resolution"][s_t]
    a, b = np.minimum(s_at, cut), np.minimum(nxt, cut)
    # Held intervals that end by the cut contribute nothing (typically the resolved and
    # closed rows of a finished ticket): only the rest are looked up (adding zeros to
    # the sums below would not change them).
    stops &= b > a
    a, b, stop_t = a[stops], b[stops], s_t[stops]
    held = table.seconds(spec["resolution"][stop_t], a, b)
    pause = np.bincount(stop_t, weights=held, minlength=n)
    in_done = done[stops]
    reopened_s = np.bincount(stop_t[in_done], weights=held[in_done], minlength=n)
    history_system = cols.t_history[rows]
    reported = cols.t_reported_pause[rows]
    vendor = ~history_system & ~np.isnan(reported)
    pause = np.where(vendor, np.maximum(np.nan_to_num(reported), 0.0) * 60.0, pause)
    measured = history_system | vendor
    elapsed["resolution"] = np.maximum(gross - pause, 0.0)

    state = {}
    for m in prio:
        has_event = event_ns[m] != NAT
        within = elapsed[m] <= target[m] * 60.0
        state[m] = np.where(np.isnan(target[m]), UNCLASSIFIED,
                            np.where(within, np.where(has_event, MET, PENDING), BREACHED))

    # Without a history the exported status decides (SPEC §3a, qbr.sla._holds_excluded).
    # Exported statuses as small integer codes (hashing few distinct values, no strings).
    status = codes_in(frames.tickets["status"], STATUSES)[rows]
    by_status = np.where(has_hist, np.bincount(s_t[s_st == EXCLUDED], minlength=n) > 0,
                         status == EXCLUDED)
    excluded = _exclusions(config, frames, cols, rows, client, by_status)
    # Exported resolved/closed with neither time (any time, even after as_of), no history:
    # no resolution event, counted apart (as qbr.sla._resolution decides).
    blind = ~has_hist & ((status == RESOLVED) | (status == CLOSED)) & \
        (cols.t_resolved_ns[rows] == NAT) & (cols.t_closed_ns[rows] == NAT)
    classified = ~np.isnan(_targets(config, cols, "response")[client, prio0 + 1])
    return TicketResults(
        rows=rows, client=client, prio=prio, target=target, elapsed=elapsed, state=state,
        event_ns=event_ns, calendar=name_tab[client, prio["resolution"] + 1],
        calendars=names, paused=np.minimum(pause, gross), pause_measured=measured,
        reopened=reopened & pd.isna(excluded), excluded=excluded,
        reopened_seconds=reopened_s, closed_without_time=blind, classified=classified)


def _exclusions(config: Config, frames: Frames, cols: Columns, rows: np.ndarray,
                client: np.ndarray, by_status: np.ndarray) -> np.ndarray:
    """Reason per ticket (``None`` = in the SLA), SPEC §3a, as
    :func:`qbr.ticketrules.exclusion` words it: the source's ``excluded`` value first, then
    a tier's excluded category ("category X", compared like company names), then the
    ``excluded`` status ("status V", V the export values mapped to it)."""
    reasons = np.full(len(rows), None, dtype=object)
    if by_status.any():
        sys_codes, systems = factor_codes(frames.tickets["system"])
        system = sys_codes[rows]
        for code in np.unique(system[by_status]).tolist():  # a loop per source system
            hit = by_status & (system == code)
            reasons[hit] = status_reason(config, systems[code])
    tiers_with = {k for k, t in config.tiers.items() if t.exclude_categories}
    if tiers_with and len(rows):
        all_codes, uniques = factor_codes(frames.tickets["category"])  # few distinct
        codes = all_codes[rows]
        present = codes >= 0
        category = np.array([*uniques, None], dtype=object)[codes]
        folded = np.append(np.array([normalise_name(c) for c in uniques],
                                    dtype=object), "")[codes]
        tier_names = list(config.tiers)
        tier_of = np.array([tier_names.index(config.clients[k].tier) for k in cols.clients],
                           dtype="int64")[client]
        for name in tiers_with:  # a loop per tier, not per client or ticket
            wanted = [normalise_name(c) for c in config.tiers[name].exclude_categories]
            hit = (tier_of == tier_names.index(name)) & np.isin(folded, wanted) & present
            reasons[hit] = np.char.add("category ", category[hit].astype(str)) \
                .astype(object)
    all_codes, uniques = factor_codes(frames.tickets["excluded_reason"])  # few reasons
    codes = all_codes[rows]
    flagged = np.append(np.array([bool(u) for u in uniques], dtype=bool), False)[codes]
    reasons[flagged] = np.array(uniques, dtype=object)[codes[flagged]]
    return reasons
