"""Uptime windows and downtime of every monitor of a quarter, column-wise (SPEC §4).

Per monitor, ``base`` = the quarter (client-local midnights) ∩ the observed span ∩
(−∞, ``as_of``). The holes are the union H of maintenance (the monitor's and its
client's) and unmonitored spans, clipped to base. With |·| the length of a union:

- window = |base| − |H|
- downtime = |O ∪ H| − |H| (O = the monitor's outages, an open one lasting until
  ``as_of``, clipped to base), i.e. the outages inside the window, overlaps once
- unmonitored = |U ∪ M| − |M|: unmonitored time not already maintenance, so window +
  maintenance + unmonitored = |base|
- per outage (pack list): |o ∪ H| − |H|, the outage's minutes inside the window.

Every union length is one sort and a running maximum per group: no loop per interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
import pandas as pd

from qbr.config import Config
from qbr.engine.columns import ns_of, seconds_ns
from qbr.frames import Frames, maintenance_frame
from qbr.maintenance import scheduled_maintenance
from qbr.quarters import Quarter


def union_length(group: np.ndarray, start: np.ndarray, end: np.ndarray, n_groups: int
                 ) -> np.ndarray:
    """Seconds covered by the union of ``[start, end)`` intervals, per group."""
    ok = end > start
    g, s, e = group[ok], start[ok], end[ok]
    if not len(g):
        return np.zeros(n_groups)
    order = np.lexsort((s, g))
    g, s, e = g[order], s[order], e[order]
    reach = pd.Series(e).groupby(g).cummax().to_numpy()
    prev = np.empty_like(reach)
    prev[0] = -np.inf
    prev[1:] = reach[:-1]
    prev[np.r_[True, g[1:] != g[:-1]]] = -np.inf
    covered = np.maximum(0.0, reach - np.maximum(s, prev))
    return np.bincount(g, weights=covered, minlength=n_groups)


@dataclass(frozen=True)
class UptimeResults:
    """Per monitor (rows of ``monitors``) and per outage (rows of ``outages``)."""

    monitors: pd.DataFrame  # the quarter's configured monitors, frame order
    window: np.ndarray  # seconds
    downtime: np.ndarray
    unmonitored: np.ndarray
    outages: pd.DataFrame  # outages of those monitors that started by as_of
    outage_monitor: np.ndarray  # row in ``monitors``
    outage_counted: np.ndarray  # seconds inside the monitor's window

    @cached_property
    def names(self) -> list[str]:
        return [str(m) for m in self.monitors["monitor"]]

    @cached_property
    def critical(self) -> np.ndarray:
        return np.asarray(self.monitors["critical"], dtype=bool)

    @cached_property
    def guarantee(self) -> np.ndarray:
        return np.asarray(self.monitors["guarantee_pct"], dtype="float64")

    @cached_property
    def plain(self) -> list[tuple[str, bool, float, float, float, float]]:
        """Per monitor (name, critical, window s, downtime s, guarantee or NaN,
        unmonitored s) as Python values, converted once for every client's entry."""
        return list(zip(self.names, self.critical.tolist(), self.window.tolist(),
                        self.downtime.tolist(), self.guarantee.tolist(),
                        self.unmonitored.tolist(), strict=True))

    @cached_property
    def by_client(self) -> dict[str, np.ndarray]:
        """client key → its monitors' rows, in frame order."""
        groups = self.monitors.groupby("client", sort=False).indices
        return {str(k): np.asarray(v, dtype="int64") for k, v in groups.items()}


def _clip(idx: np.ndarray, s: np.ndarray, e: np.ndarray, lo: np.ndarray, hi: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return idx, np.maximum(s, lo[idx]), np.minimum(e, hi[idx])


def evaluate_uptime(config: Config, frames: Frames, quarter: Quarter, as_of: datetime
                    ) -> UptimeResults:
    """Window, downtime and unmonitored seconds of every configured monitor."""
    mon = frames.monitors[frames.monitors["client"].isin(list(config.clients))] \
        .reset_index(drop=True)
    n = len(mon)
    asof = float(seconds_ns(np.array([pd.Timestamp(as_of).value]))[0])
    keys = list(config.clients)
    bounds = [quarter.bounds(config.clients[k].timezone) for k in keys]
    code = np.asarray(pd.Categorical(mon["client"], categories=keys).codes, dtype="int64")
    q_lo = np.array([b[0].timestamp() for b in bounds], dtype="float64")[code]
    q_hi = np.array([b[1].timestamp() for b in bounds], dtype="float64")[code]
    obs_from = seconds_ns(ns_of(mon["observed_from"]))
    obs_until = seconds_ns(ns_of(mon["observed_until"]))
    lo = np.fmax(q_lo, obs_from)
    hi = np.minimum(np.fmin(q_hi, obs_until), asof)
    base = np.maximum(hi - lo, 0.0)
    index = pd.Index(mon["monitor"].to_numpy(dtype=object))

    def holes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(monitor row, start, end) of spans for a monitor, or for all its client's
        monitors when ``monitor`` is empty; only of the monitor's own client."""
        if not len(frame):
            return (np.empty(0, dtype="int64"), np.empty(0), np.empty(0))
        own = frame[frame["monitor"].notna()]
        idx = np.asarray(index.get_indexer(own["monitor"].to_numpy(dtype=object)))
        ok = idx >= 0
        ok[ok] &= mon["client"].to_numpy(dtype=object)[idx[ok]] == \
            own["client"].to_numpy(dtype=object)[ok]
        wide = frame[frame["monitor"].isna()].drop(columns="monitor").merge(
            mon[["client"]].reset_index(names="row"), on="client")
        rows = np.concatenate([idx[ok], wide["row"].to_numpy(dtype="int64")])
        s = np.concatenate([seconds_ns(ns_of(own["start"]))[ok],
                            seconds_ns(ns_of(wide["start"]))])
        e = np.concatenate([seconds_ns(ns_of(own["end"]))[ok],
                            seconds_ns(ns_of(wide["end"]))])
        return _clip(rows, s, e, lo, hi)

    m_idx, m_s, m_e = holes(_with_schedules(config, frames.maintenance, bounds))
    u_idx, u_s, u_e = holes(frames.unmonitored)
    h_idx, h_s, h_e = (np.concatenate([m_idx, u_idx]), np.concatenate([m_s, u_s]),
                       np.concatenate([m_e, u_e]))
    maint = union_length(m_idx, m_s, m_e, n)
    hole = union_length(h_idx, h_s, h_e, n)

    out = frames.outages
    o_idx = np.asarray(index.get_indexer(out["monitor"].to_numpy(dtype=object))) \
        if len(out) else np.empty(0, dtype="int64")
    o_start = seconds_ns(ns_of(out["start"]))
    o_end = seconds_ns(ns_of(out["end"]))
    live = (o_idx >= 0) & (o_start < asof)
    o_end = np.where(np.isnan(o_end) | (o_end > asof), asof, o_end)  # open: until as_of
    kept = out[live].reset_index(drop=True)
    oi, os_, oe = _clip(o_idx[live], o_start[live], o_end[live], lo, hi)
    down = union_length(np.concatenate([oi, h_idx]), np.concatenate([os_, h_s]),
                        np.concatenate([oe, h_e]), n) - hole

    # Per outage: its own group together with its monitor's holes.
    k = len(oi)
    pair = pd.DataFrame({"o": np.arange(k), "row": oi}).merge(
        pd.DataFrame({"row": h_idx, "s": h_s, "e": h_e}), on="row")
    per_o = union_length(np.concatenate([np.arange(k), pair["o"].to_numpy()]),
                         np.concatenate([os_, pair["s"].to_numpy()]),
                         np.concatenate([oe, pair["e"].to_numpy()]), k)
    counted = per_o - hole[oi]
    return UptimeResults(mon, np.maximum(base - hole, 0.0), np.maximum(down, 0.0),
                         hole - maint, kept, oi, np.maximum(counted, 0.0))


def _with_schedules(config: Config, maintenance: pd.DataFrame,
                    bounds: list[tuple[datetime, datetime]]) -> pd.DataFrame:
    """The one-off windows plus every client's recurring ones in its quarter (SPEC §3a:
    they join the §4 union), expanded by :func:`qbr.maintenance.scheduled_maintenance`
    as in the scalar engine (a loop per client, not per window)."""
    planned = [w for key, (start, end) in zip(config.clients, bounds, strict=True)
               for w in scheduled_maintenance(config.clients[key], start, end, config.file)]
    if not planned:
        return maintenance
    if not len(maintenance):
        return maintenance_frame(planned)
    return pd.concat([maintenance, maintenance_frame(planned)], ignore_index=True)
