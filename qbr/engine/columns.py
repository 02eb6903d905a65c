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
import pyarrow as pa
import pyarrow.compute as pc

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
    t_prio, e_prio = factor_codes(t["priority"]), factor_codes(ev["priority"])
    priorities = tuple(dict.fromkeys([*configured, *t_prio[1], *e_prio[1]]))
    history = {s.system for s in config.sources if s.kind == "status"}
    return Columns(
        clients=clients, priorities=priorities,
        t_client=codes_in(t["client"], clients),
        t_prio=_recode(*t_prio, priorities),
        t_created_ns=ns_of(t["created_at"]),
        t_first_response_ns=ns_of(t["first_response_at"]),
        t_resolved_ns=ns_of(t["resolved_at"]), t_closed_ns=ns_of(t["closed_at"]),
        t_history=codes_in(t["system"], tuple(history)) >= 0,
        t_reported_pause=np.asarray(t["reported_pause_minutes"], dtype="float64"),
        e_ticket=_event_tickets(t, ev), e_at_ns=ns_of(ev["at"]),
        # small codes for the 5M-row event columns (memory, SPEC-agnostic)
        e_status=codes_in(ev["status"], STATUSES).astype("int8"),
        e_prio=_recode(*e_prio, priorities).astype("int16"))


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (``null`` for a missing value): zero-copy
    for Arrow-backed strings, decoded for categoricals, converted once for ``object``."""
    arr = pa.array(values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    return arr


def factor_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(int64 code per row, -1 for missing; the distinct values as ``str``) by hashing,
    whatever the column's string dtype (object, Arrow-backed, categorical)."""
    labels, uniques = pd.factorize(values, sort=False)
    return np.asarray(labels, dtype="int64"), [str(u) for u in uniques]


def codes_in(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Index of each value in ``categories``; -1 for ``None`` or anything else. The
    column is factorised by hashing (few distinct values), never sorted."""
    return _recode(*factor_codes(values), categories)


def _recode(labels: np.ndarray, uniques: list[str], categories: tuple[str, ...]
            ) -> np.ndarray:
    """Factor codes (of ``uniques``) as indices into ``categories`` (-1: not there)."""
    index = {c: i for i, c in enumerate(categories)}
    lookup = np.array([index.get(u, -1) for u in uniques] + [-1], dtype="int64")
    out: np.ndarray = lookup[labels]  # label -1 (missing) → the appended -1
    return out


def _event_tickets(tickets: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Each event's ticket row (-1 for none). Events are sorted by (system, ticket_id), so
    only the starts of their runs are looked up: Arrow hash look-ups of those ids among
    the tickets of the same system (a loop per ticket system, not per ticket)."""
    if not len(events):
        return np.empty(0, dtype="int64")
    e_sys, e_tid = arrow_text(events["system"]), arrow_text(events["ticket_id"])
    start = np.ones(len(events), dtype=bool)
    if len(events) > 1:
        changed = pc.not_equal(e_tid.slice(1), e_tid.slice(0, len(e_tid) - 1))
        if not pc.all(pc.equal(e_sys, e_sys[0])).as_py():  # several systems (rare)
            changed = pc.or_kleene(changed, pc.not_equal(e_sys.slice(1),
                                                         e_sys.slice(0, len(e_sys) - 1)))
        start[1:] = np.asarray(pc.fill_null(changed, True).to_numpy(zero_copy_only=False),
                               dtype=bool)
    run = np.cumsum(start) - 1
    firsts = pa.array(np.flatnonzero(start))
    run_sys, run_tid = e_sys.take(firsts), e_tid.take(firsts)
    t_sys, t_tid = arrow_text(tickets["system"]), arrow_text(tickets["ticket_id"])
    rows = np.full(len(run_tid), -1, dtype="int64")
    for name in pc.unique(run_sys).drop_null().to_pylist():  # a loop per ticket system
        mine = np.flatnonzero(np.asarray(pc.fill_null(pc.equal(t_sys, name), False)
                                         .to_numpy(zero_copy_only=False), dtype=bool))
        wanted = np.flatnonzero(np.asarray(pc.fill_null(pc.equal(run_sys, name), False)
                                           .to_numpy(zero_copy_only=False), dtype=bool))
        if not len(mine) or not len(wanted):
            continue
        hit = pc.index_in(run_tid.take(pa.array(wanted)), value_set=t_tid.take(pa.array(mine)))
        found = np.asarray(pc.fill_null(hit, -1).to_numpy(zero_copy_only=False),
                           dtype="int64")
        rows[wanted] = np.where(found >= 0, mine[np.maximum(found, 0)], -1)
    out: np.ndarray = rows[run]
    return out


def seconds_ns(ns: np.ndarray) -> np.ndarray:
    """Float UTC epoch seconds of int64 nanoseconds (NaN for ``NAT``)."""
    return seconds_of(ns)
