"""Fold uptime logs into outages and unmonitored spans (``kind = "uptime_states"`` and
``kind = "checks"``; README "Uptime logs").

State-change log (Upptime, UptimeRobot, Uptime Kuma): one row per (monitor, time,
state), the state mapped through ``values.state`` to ``up``, ``down`` or ``paused``.
Rows may come in any order (UptimeRobot writes newest first): they are sorted by time,
equal times keeping file order. Per monitor:

- the first row starts the observed span (``Monitor.observed_from``);
- each state holds until the monitor's next row; ``down`` → ``up``/``paused`` is an
  outage (the last one stays open); ``paused`` → anything is an *unmonitored* span,
  kept out of the uptime window like maintenance but reported as unmonitored time;
- a trailing ``paused`` ends the observed span at that row;
- ``stale_after`` (e.g. ``"2d"``): a gap longer than that between two rows is
  unmonitored from ``last row + stale_after`` to the next row, and the span ends at the
  monitor's last row + ``stale_after`` (a monitor that stopped reporting is not 100 % up
  for later quarters).

Check log (one row per probe, ``state`` up/down): consecutive ``down`` probes form an
outage from the first down probe to the next non-down probe; a gap longer than
``gap_factor`` × ``interval`` between two probes is unmonitored from
``previous probe + interval`` to the next probe; the span ends one interval after the
last probe.

All instants are UTC; without ``--as-of`` the cut-off is the log's last row
(:attr:`qbr.logs.frame.Folded.last_seen`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from qbr.adapter import InputWarning, MonitorIndex
from qbr.config import Config, Source, normalise_name
from qbr.io.serial import serial_system
from qbr.logs.frame import Folded, Rejector, ambiguous_values, map_text, parse_instants
from qbr.model import Monitor, Outage, Provenance, Unmonitored

REQUIRED = ("monitor", "at", "state")
OPTIONAL = ("reason",)


def fold_uptime(config: Config, source: Source, frame: pd.DataFrame, file: str,
                labels: Mapping[str, str], monitors: MonitorIndex,
                configured: Mapping[str, Monitor]) -> Folded:
    """Outages, unmonitored spans and observed spans (as updated :class:`Monitor`
    records) from one state-change or check log. ``configured`` maps a monitor name as
    configured to its config record (its ``monitored_from``/``until`` still bound it)."""
    out = Folded()
    frame = frame.copy()
    reject = Rejector(frame, file, labels, out.rejections)

    for name in REQUIRED:
        reject(frame[name] == "", "missing-cell", name, "required value is blank")
    instants, bad, notes = parse_instants(frame["at"], source.date_formats,
                                          ZoneInfo(source.timezone), serial_system(source))
    reject(frame["at"].isin(list(bad)), "bad-date", "at", bad)
    mixed = ambiguous_values(frame["at"], source.date_formats)
    reject(frame["at"].isin(list(mixed)), "ambiguous-date", "at", mixed)
    for row, text in zip(frame["row"], frame["at"], strict=True):
        if text in notes:
            out.warnings.append(InputWarning(file, int(row), labels["at"], notes[text]))
    states = source.values.get("state", {"up": "up", "down": "down", "paused": "paused"})
    frame["canon"] = map_text(frame["state"], states)
    reject(frame["canon"].isna(), "bad-value", "state",
           lambda cells: [f"state {c!r} is not in values.state (up, down, paused)"
                          for c in cells])
    frame["at_utc"] = instants
    frame = frame[reject.keep].sort_values("at_utc", kind="stable")
    if len(frame):
        out.last_seen = frame["at_utc"].max().to_pydatetime()
    for monitor_name, group in frame.groupby("monitor", sort=False):
        found = monitors.get(normalise_name(str(monitor_name)))
        rows = [int(r) for r in group["row"]]
        client = found[1] if found else None
        out.rows.update(dict.fromkeys(rows, client))
        out.names.update(dict.fromkeys(rows, str(monitor_name)))
        if found is None:
            continue
        spans = list(zip(group["at_utc"].map(pd.Timestamp.to_pydatetime), group["canon"],
                         rows, group.get("reason", pd.Series("", group.index)), strict=True))
        base = configured.get(found[0], Monitor(found[0], found[1], False))
        if source.kind == "checks":
            _checks(source, base, spans, file, out)
        else:
            _states(source, base, spans, file, out)
    _silent_monitors(configured, out, file)
    return out


def _silent_monitors(configured: Mapping[str, Monitor], out: Folded, file: str) -> None:
    """A configured monitor of a client this log reports on, with no row in the log, would
    be measured as up all quarter unless another source covers it: say so."""
    seen = {m.monitor for m in out.records if isinstance(m, Monitor)}
    clients = {m.client for m in out.records if isinstance(m, Monitor)}
    for m in configured.values():
        if m.client in clients and m.monitor not in seen:
            out.warnings.append(InputWarning(
                file, 0, "", f"monitor {m.monitor!r} of client {m.client!r} has no row in "
                "this log: unless another source covers it, it counts as up all quarter"))


_Span = tuple[datetime, str, int, str]


def _states(source: Source, base: Monitor, spans: list[_Span], file: str,
            out: Folded) -> None:
    stale = timedelta(seconds=source.stale_after_seconds) \
        if source.stale_after_seconds is not None else None
    down: tuple[datetime, int, str] | None = None
    paused: tuple[datetime, int] | None = None
    prev = spans[0][0]
    for at, state, row, reason in spans:
        if stale is not None and at - prev > stale:
            _unmonitored(base, prev + stale, at, row, file, out)
        if paused is not None and state != "paused":
            _unmonitored(base, paused[0], at, paused[1], file, out)
            paused = None
        if down is not None and state != "down":
            _outage(base, down, at, file, out)
            down = None
        if state == "down" and down is None:
            down = (at, row, reason)
        elif state == "paused" and paused is None:
            paused = (at, row)
        prev = at
    if down is not None:
        _outage(base, down, None, file, out)
    until = paused[0] if paused is not None else \
        (prev + stale if stale is not None else None)
    _observed(base, spans[0][0], until, out)


def _checks(source: Source, base: Monitor, spans: list[_Span], file: str,
            out: Folded) -> None:
    interval = timedelta(seconds=source.interval_seconds or 0)
    gap = interval * source.gap_factor
    down: tuple[datetime, int, str] | None = None
    prev = spans[0][0]
    for at, state, row, reason in spans:
        if at - prev > gap:
            _unmonitored(base, prev + interval, at, row, file, out)
        if down is not None and state != "down":
            _outage(base, down, at, file, out)
            down = None
        if state == "down" and down is None:
            down = (at, row, reason)
        prev = at
    if down is not None:
        _outage(base, down, None, file, out)  # still down: capped by the span's end
    _observed(base, spans[0][0], prev + interval, out)


def _outage(base: Monitor, down: tuple[datetime, int, str], end: datetime | None,
            file: str, out: Folded) -> None:
    start, row, reason = down
    out.records.append(Outage(base.monitor, base.client, start, end, reason or None,
                              Provenance(file, row)))


def _unmonitored(base: Monitor, start: datetime, end: datetime, row: int, file: str,
                 out: Folded) -> None:
    if end > start:
        out.records.append(Unmonitored(base.client, base.monitor, start, end,
                                       Provenance(file, row)))


def _observed(base: Monitor, first: datetime, until: datetime | None, out: Folded) -> None:
    """The monitor with its span narrowed to what the log observed; the config's
    ``monitored_from``/``monitored_until`` still bound it."""
    start = max(first, base.observed_from) if base.observed_from else first
    if base.observed_until is not None:
        until = min(until, base.observed_until) if until else base.observed_until
    out.records.append(Monitor(base.monitor, base.client, base.critical, base.guarantee_pct,
                               start, until))
