"""The columnar form of a dataset: one pandas DataFrame per record kind (SPEC §2).

This is the contract between ingest (which produces it) and the column-wise engine (which
consumes it), so that a million tickets never become a million Python objects on the hot
path. The record dataclasses in :mod:`qbr.model` stay the form a renderer or a test sees
for one ticket; :func:`frames_from_records` converts records into frames (tests, small
runs) and the ``*_records`` helpers go the other way for one client's rows.

Schema (column → dtype). Every instant is ``datetime64[ns, UTC]`` with ``NaT`` for
"absent"; text columns are ``object`` holding ``str`` (or ``None`` where optional);
``source_file``/``source_row`` give provenance (row 1-based, header = 1).

- ``tickets``: ``system``, ``ticket_id``, ``client`` (config key), ``priority`` (tier key or
  ``None`` = unclassified), ``priority_raw``, ``created_at``, ``first_response_at``,
  ``resolved_at``, ``closed_at``, ``updated_at``, ``status`` (canonical or ``None``),
  ``title``, ``category``, ``queue``, ``reported_pause_minutes`` (float64 business minutes,
  NaN = not reported), ``excluded_reason`` (``None`` = in the SLA; SPEC §3a exclusions),
  ``source_file``, ``source_row`` (int64). One row per ticket identity (after
  de-duplication), only accepted tickets of configured clients.
- ``status_events``: ``system``, ``ticket_id``, ``at``, ``status`` (canonical),
  ``priority`` (tier key in force from ``at``, ``None`` when the history carries none;
  SPEC §3a priority changes), ``source_file``, ``source_row``; ingest hands ``system``,
  ``status``, ``priority`` and ``source_file`` over as categoricals holding only the
  values used (:func:`qbr.linking.status_events`; the engine reads any text dtype,
  tests/test_engine_string_dtypes.py). Sorted by
  (``system``, ``ticket_id``, ``at``) with a *stable* sort, so events with equal ``at``
  keep export order and the later row wins (SPEC §2).
- ``outages``: ``monitor``, ``client``, ``start``, ``end`` (NaT = still down), ``reason``,
  ``source_file``, ``source_row``.
- ``maintenance``: ``client``, ``monitor`` (``None`` = the whole client), ``start``,
  ``end``, ``source_file``, ``source_row``.
- ``monitors``: ``monitor``, ``client``, ``critical`` (bool), ``guarantee_pct`` (float64,
  NaN = the tier's), ``observed_from``, ``observed_until`` (NaT = always / until
  ``as_of``).
- ``unmonitored``: ``client``, ``monitor``, ``start``, ``end``, ``source_file``,
  ``source_row``: spans a monitor was not watched; out of the uptime window like
  maintenance, reported as unmonitored time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from qbr.model import (
    Maintenance,
    Monitor,
    Outage,
    Provenance,
    StatusEvent,
    Ticket,
    Unmonitored,
)

TICKET_COLUMNS = ("system", "ticket_id", "client", "priority", "priority_raw", "created_at",
                  "first_response_at", "resolved_at", "closed_at", "updated_at", "status",
                  "title", "category", "queue", "reported_pause_minutes", "excluded_reason",
                  "source_file", "source_row")
EVENT_COLUMNS = ("system", "ticket_id", "at", "status", "priority", "source_file",
                 "source_row")
OUTAGE_COLUMNS = ("monitor", "client", "start", "end", "reason", "source_file", "source_row")
MAINTENANCE_COLUMNS = ("client", "monitor", "start", "end", "source_file", "source_row")
MONITOR_COLUMNS = ("monitor", "client", "critical", "guarantee_pct", "observed_from",
                   "observed_until")
UNMONITORED_COLUMNS = ("client", "monitor", "start", "end", "source_file", "source_row")

INSTANT_COLUMNS = frozenset({"created_at", "first_response_at", "resolved_at", "closed_at",
                             "updated_at", "at", "start", "end", "observed_from",
                             "observed_until"})
FLOAT_COLUMNS = frozenset({"reported_pause_minutes", "guarantee_pct"})
UTC_NS = "datetime64[ns, UTC]"


@dataclass(frozen=True)
class Frames:
    """A run's accepted records, column-wise (see the module docstring for the schema)."""

    tickets: pd.DataFrame
    status_events: pd.DataFrame
    outages: pd.DataFrame
    maintenance: pd.DataFrame
    monitors: pd.DataFrame
    unmonitored: pd.DataFrame = field(
        default_factory=lambda: empty_frame(UNMONITORED_COLUMNS))


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """A frame with the schema's dtypes and no rows."""
    return typed_frame({c: [] for c in columns}, columns)


def typed_frame(data: Mapping[str, Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Build a frame in column order with the schema's dtypes (instants as UTC ns)."""
    out: dict[str, Any] = {}
    for name in columns:
        values = data[name]
        if name in INSTANT_COLUMNS:
            out[name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True
                                       ).astype(pd.DatetimeTZDtype("ns", "UTC"))
        elif name in FLOAT_COLUMNS:
            out[name] = pd.Series(values, dtype="float64")
        elif name == "source_row":
            out[name] = pd.Series(values, dtype="int64")
        elif name == "critical":
            out[name] = pd.Series(values, dtype="bool")
        else:
            out[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(out, columns=list(columns))


def _float(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def tickets_frame(tickets: Iterable[Ticket], excluded: Mapping[tuple[str, str], str]
                  | None = None) -> pd.DataFrame:
    """Tickets as a frame; ``excluded`` maps a ticket key to its exclusion reason."""
    rows = list(tickets)
    reasons = excluded or {}
    data: dict[str, list[Any]] = {c: [] for c in TICKET_COLUMNS}
    for t in rows:
        for name in TICKET_COLUMNS[:15]:
            value = getattr(t, name)
            data[name].append(_float(value) if name == "reported_pause_minutes" else value)
        data["excluded_reason"].append(reasons.get(t.key, t.excluded_reason))
        data["source_file"].append(t.source.file)
        data["source_row"].append(t.source.row)
    return typed_frame(data, TICKET_COLUMNS)


def events_frame(events: Iterable[StatusEvent]) -> pd.DataFrame:
    """Status events as a frame, stably sorted by (system, ticket_id, at)."""
    data: dict[str, list[Any]] = {c: [] for c in EVENT_COLUMNS}
    for e in events:
        data["system"].append(e.system)
        data["ticket_id"].append(e.ticket_id)
        data["at"].append(e.at)
        data["status"].append(e.status)
        data["priority"].append(e.priority)
        data["source_file"].append(e.source.file)
        data["source_row"].append(e.source.row)
    frame = typed_frame(data, EVENT_COLUMNS)
    return frame.sort_values(["system", "ticket_id", "at"], kind="stable",
                             ignore_index=True)


def outages_frame(outages: Iterable[Outage]) -> pd.DataFrame:
    data: dict[str, list[Any]] = {c: [] for c in OUTAGE_COLUMNS}
    for o in outages:
        for name in OUTAGE_COLUMNS[:5]:
            data[name].append(getattr(o, name))
        data["source_file"].append(o.source.file)
        data["source_row"].append(o.source.row)
    return typed_frame(data, OUTAGE_COLUMNS)


def maintenance_frame(windows: Iterable[Maintenance | Unmonitored],
                      columns: Sequence[str] = MAINTENANCE_COLUMNS) -> pd.DataFrame:
    """Maintenance windows (or, with ``UNMONITORED_COLUMNS``, unmonitored spans)."""
    data: dict[str, list[Any]] = {c: [] for c in columns}
    for w in windows:
        for name in columns[:4]:
            data[name].append(getattr(w, name))
        data["source_file"].append(w.source.file)
        data["source_row"].append(w.source.row)
    return typed_frame(data, columns)


def monitors_frame(monitors: Iterable[Monitor]) -> pd.DataFrame:
    data: dict[str, list[Any]] = {c: [] for c in MONITOR_COLUMNS}
    for m in monitors:
        for name in MONITOR_COLUMNS:
            value = getattr(m, name)
            data[name].append(_float(value) if name == "guarantee_pct" else value)
    return typed_frame(data, MONITOR_COLUMNS)


def frames_from_records(tickets: Iterable[Ticket],
                        status_events: Mapping[tuple[str, str], Sequence[StatusEvent]],
                        outages: Iterable[Outage], maintenance: Iterable[Maintenance],
                        monitors: Iterable[Monitor],
                        unmonitored: Iterable[Unmonitored] = ()) -> Frames:
    """Frames from record objects (today's :class:`qbr.ingest.Dataset` fields)."""
    events = [e for evs in status_events.values() for e in evs]
    return Frames(tickets_frame(tickets), events_frame(events), outages_frame(outages),
                  maintenance_frame(maintenance), monitors_frame(monitors),
                  maintenance_frame(unmonitored, UNMONITORED_COLUMNS))


# ------------------------------------------------------------------ frames → records


def _instant(value: Any) -> datetime | None:
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) \
        else str(value)


def ticket_records(frame: pd.DataFrame) -> list[Ticket]:
    """Ticket objects for the rows of ``frame`` (one client's, for a pack)."""
    out = []
    for row in frame.to_dict("records"):
        pause = row["reported_pause_minutes"]
        created = _instant(row["created_at"])
        assert created is not None
        out.append(Ticket(
            system=row["system"], ticket_id=row["ticket_id"], client=row["client"],
            priority=_text(row["priority"]), priority_raw=row["priority_raw"],
            created_at=created, first_response_at=_instant(row["first_response_at"]),
            resolved_at=_instant(row["resolved_at"]), closed_at=_instant(row["closed_at"]),
            updated_at=_instant(row["updated_at"]), status=_text(row["status"]),
            title=row["title"], category=_text(row["category"]),
            queue=_text(row["queue"]),
            reported_pause_minutes=None if pd.isna(pause) else float(pause),
            source=Provenance(row["source_file"], int(row["source_row"])),
            excluded_reason=_text(row["excluded_reason"])))
    return out


def maintenance_records(frame: pd.DataFrame) -> list[Maintenance]:
    """Maintenance objects for the rows of ``frame`` (one client's windows)."""
    return [Maintenance(client=str(r["client"]), monitor=_text(r["monitor"]),
                        start=pd.Timestamp(r["start"]).to_pydatetime(),
                        end=pd.Timestamp(r["end"]).to_pydatetime(),
                        source=Provenance(str(r["source_file"]), int(r["source_row"])))
            for r in frame.to_dict("records")]


def unmonitored_records(frame: pd.DataFrame) -> list[Unmonitored]:
    """Unmonitored spans for the rows of ``frame`` (one client's)."""
    return [Unmonitored(client=str(r["client"]), monitor=str(r["monitor"]),
                        start=pd.Timestamp(r["start"]).to_pydatetime(),
                        end=pd.Timestamp(r["end"]).to_pydatetime(),
                        source=Provenance(str(r["source_file"]), int(r["source_row"])))
            for r in frame.to_dict("records")]


def monitor_records(frame: pd.DataFrame) -> list[Monitor]:
    """Monitor objects for the rows of ``frame`` (one client's)."""
    return [Monitor(monitor=str(r["monitor"]), client=str(r["client"]),
                    critical=bool(r["critical"]),
                    guarantee_pct=None if pd.isna(r["guarantee_pct"])
                    else float(r["guarantee_pct"]),
                    observed_from=_instant(r["observed_from"]),
                    observed_until=_instant(r["observed_until"]))
            for r in frame.to_dict("records")]
