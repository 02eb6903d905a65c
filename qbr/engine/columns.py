"""The run's records as integer-coded numpy columns, built once per engine.

Clients, tiers, priorities and statuses become small integer codes so that every later
step is array arithmetic; instants become int64 nanoseconds (``NAT`` = absent) and float
UTC epoch seconds. Events are tied to their ticket's row once: the frame is sorted by
(system, ticket_id, at), so each ticket's events are one contiguous run (SPEC §2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qbr.config import Config
from qbr.engine.clock import seconds_of
from qbr.frames import Frames
from qbr.model import CANONICAL_STATUSES

NAT = np.iinfo("int64").min
#: Canonical statuses in a fixed order; a status's code is its index here.
STATUSES = tuple(sorted(CANONICAL_STATUSES))
RESOLVED, CLOSED = STATUSES.index("resolved"), STATUSES.index("closed")
EXCLUDED = STATUSES.index("excluded")


def ns_of(series: pd.Series) -> np.ndarray:
    """int64 UTC nanoseconds of an instant column (``NAT`` for NaT)."""
    return np.asarray(pd.DatetimeIndex(series).as_unit("ns").asi8, dtype="int64")


@dataclass(frozen=True)
class Columns:
    """Integer-coded ticket and event columns (positional, aligned with the frames)."""

    clients: tuple[str, ...]  # config order; a client's code is its index
    priorities: tuple[str, ...]  # every priority value seen or configured; code = index
    t_client: np.ndarray  # int64, -1 = not a configured client
    t_prio: np.ndarray  # int64, -1 = unclassified (None)
    t_created_ns: np.ndarray
    t_first_response_ns: np.ndarray
    t_resolved_ns: np.ndarray
    t_closed_ns: np.ndarray
    t_history: np.ndarray  # bool: the ticket's system has a status history source
    t_reported_pause: np.ndarray  # float64 business minutes, NaN = not reported
    e_ticket: np.ndarray  # int64 ticket row of each event, -1 = no such ticket
    e_at_ns: np.ndarray
    e_status: np.ndarray  # int8 status code, -1 = unknown
    e_prio: np.ndarray  # int16 priority code, -1 = not carried


def build_columns(config: Config, frames: Frames) -> Columns:
    """Code the frames' columns (see :class:`Columns`)."""
    t, ev = frames.tickets, frames.status_events
    clients = tuple(config.clients)
    configured = [p for tier in config.tiers.values() for p in tier.priorities]
    seen = pd.unique(pd.concat([t["priority"], ev["priority"]]).dropna().astype(str))
    priorities = tuple(dict.fromkeys([*configured, *(str(p) for p in seen)]))
    history = {s.system for s in config.sources if s.kind == "status"}
    return Columns(
        clients=clients, priorities=priorities,
        t_client=_codes(t["client"], clients),
        t_prio=_codes(t["priority"], priorities),
        t_created_ns=ns_of(t["created_at"]),
        t_first_response_ns=ns_of(t["first_response_at"]),
        t_resolved_ns=ns_of(t["resolved_at"]), t_closed_ns=ns_of(t["closed_at"]),
        t_history=np.asarray(t["system"].isin(list(history)), dtype=bool),
        t_reported_pause=np.asarray(t["reported_pause_minutes"], dtype="float64"),
        e_ticket=_event_tickets(t, ev), e_at_ns=ns_of(ev["at"]),
        # small codes for the 5M-row event columns (memory, SPEC-agnostic)
        e_status=_codes(ev["status"], STATUSES).astype("int8"),
        e_prio=_codes(ev["priority"], priorities).astype("int16"))


def _codes(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Index of each value in ``categories``; -1 for ``None`` or anything else. The
    column is factorised by hashing (few distinct values), never sorted."""
    labels, uniques = pd.factorize(values.to_numpy(dtype=object), sort=False)
    lookup = np.asarray(pd.Index(list(categories), dtype=object).get_indexer(
        pd.Index(list(uniques), dtype=object)), dtype="int64")
    lookup = np.append(lookup, -1)  # label -1 (missing) → -1
    out: np.ndarray = lookup[np.asarray(labels, dtype="int64")]
    return out


def _event_tickets(tickets: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Each event's ticket row (-1 for none). Only the run starts of (system, ticket_id)
    are looked up, by hashing ticket ids within each system (a loop per system)."""
    if not len(events):
        return np.empty(0, dtype="int64")
    sys_v = events["system"].to_numpy(dtype=object)
    tid_v = events["ticket_id"].to_numpy(dtype=object)
    start = np.ones(len(events), dtype=bool)
    start[1:] = (sys_v[1:] != sys_v[:-1]) | (tid_v[1:] != tid_v[:-1])
    run = np.cumsum(start) - 1
    run_sys, run_tid = sys_v[start], tid_v[start]
    t_sys = tickets["system"].to_numpy(dtype=object)
    t_tid = tickets["ticket_id"].to_numpy(dtype=object)
    t_codes, systems = pd.factorize(t_sys, sort=False)
    r_codes = np.asarray(pd.Index(systems, dtype=object).get_indexer(
        pd.Index(pd.unique(run_sys), dtype=object)), dtype="int64")
    r_labels, _ = pd.factorize(run_sys, sort=False)
    run_code = r_codes[r_labels]
    rows = np.full(len(run_tid), -1, dtype="int64")
    for code in range(len(systems)):  # a loop per ticket system, not per ticket
        mine = np.flatnonzero(t_codes == code)
        wanted = np.flatnonzero(run_code == code)
        if len(wanted):
            hit = np.asarray(pd.Index(t_tid[mine], dtype=object).get_indexer(
                run_tid[wanted]), dtype="int64")
            rows[wanted] = np.where(hit >= 0, mine[np.maximum(hit, 0)], -1)
    out: np.ndarray = rows[run]
    return out


def seconds_ns(ns: np.ndarray) -> np.ndarray:
    """Float UTC epoch seconds of int64 nanoseconds (NaN for ``NAT``)."""
    return seconds_of(ns)
