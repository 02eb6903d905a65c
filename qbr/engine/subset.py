"""One client's (or a few clients') share of a dataset, for single-client commands.

``qbr report --client X`` needs one client's quarter (and the four before it for the
trend); running the portfolio's column-wise pass for that would evaluate every client's
tickets five times. :func:`client_frames` keeps only the requested clients' rows of every
frame (tickets by their ``client``; status events by the (system, ticket_id) of those
tickets; outages by their monitor; monitors, maintenance and unmonitored spans by
``client``) and
:func:`client_config` the requested clients of the config, so the very same engine code
runs on a fraction of the rows and gives the same results (tests/test_engine_subset.py).

Column values may be plain ``object`` strings, categoricals or Arrow-backed strings:
only ``isin`` and hashing are used on them, never a Python loop per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from qbr.config import Config
from qbr.frames import Frames


def _mask(series: pd.Series, wanted: Sequence[str]) -> np.ndarray:
    """bool per row: the value is one of ``wanted`` (hash look-ups, any string dtype)."""
    return np.array(series.isin(list(wanted)), dtype=bool)  # a writable copy


def _rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The kept rows, renumbered 0…n-1 (the engine addresses rows by position)."""
    return frame[keep].reset_index(drop=True)


def _by_client(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    if not len(frame):
        return frame
    return _rows(frame, _mask(frame["client"], keys))


def event_mask(events: pd.DataFrame, tickets: pd.DataFrame) -> np.ndarray:
    """bool per event: it belongs to one of ``tickets`` (same system and ticket id). A
    loop per ticket system (a handful), each a hashed ``isin`` over the event column."""
    keep = np.zeros(len(events), dtype=bool)
    if not len(events) or not len(tickets):
        return keep
    systems = tickets["system"].astype(object)
    ids = tickets["ticket_id"].astype(object)
    ev_system = events["system"]
    for name in pd.unique(systems.to_numpy()):
        mine = _mask(ev_system, [name])
        if mine.any():
            wanted = pd.unique(ids[(systems == name).to_numpy()].to_numpy())
            mine &= _mask(events["ticket_id"], list(wanted))
            keep |= mine
    return keep


def client_frames(frames: Frames, keys: Sequence[str]) -> Frames:
    """``frames`` restricted to the clients ``keys`` (row order kept, so the status
    events stay sorted by (system, ticket_id, at) as the schema requires)."""
    tickets = _by_client(frames.tickets, keys)
    events = frames.status_events
    events = _rows(events, event_mask(events, tickets)) if len(events) else events
    monitors = _by_client(frames.monitors, keys)
    outages = frames.outages
    if len(outages):  # by monitor, as the uptime pass ties an outage to its monitor
        outages = _rows(outages, _mask(outages["monitor"],
                                       list(monitors["monitor"].astype(object))))
    return Frames(tickets, events, outages, _by_client(frames.maintenance, keys), monitors,
                  _by_client(frames.unmonitored, keys))


def client_config(config: Config, keys: Sequence[str]) -> Config:
    """The config with only the clients ``keys`` (in config order): the engine's per-client
    tables (clocks, targets, quarter bounds) are then built for those clients alone."""
    wanted = set(keys)
    return replace(config, clients={k: c for k, c in config.clients.items() if k in wanted})
