"""Read one event or uptime log into :class:`qbr.ingest.SourceRows` (the hook that
:func:`qbr.ingest.read_source` calls for ``events``, ``uptime_states`` and ``checks``).

The folded records (tickets, status events, outages, unmonitored spans, observed
monitors) go to ``SourceRows.folded``; ``SourceRows.valid`` holds one entry per
accepted or unassigned *row*, so the file's accounting stays
``read = accepted + unassigned + rejected`` with folded rows counted as accepted events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from qbr.adapter import MonitorIndex, Rejection, ValidRow, config_monitors, source_label
from qbr.config import Config, Source
from qbr.errors import ConfigError
from qbr.io import read_table
from qbr.logs import events, uptime_states
from qbr.logs.frame import Folded, text_frame
from qbr.logs.kuma import is_sqlite, read_kuma
from qbr.model import Monitor, StatusEvent, Ticket

if TYPE_CHECKING:
    from qbr.ingest import SourceRows

LOG_KINDS = ("events", "uptime_states", "checks")
_FIELDS = {
    "events": (events.REQUIRED, events.OPTIONAL),
    "uptime_states": (uptime_states.REQUIRED, uptime_states.OPTIONAL),
    "checks": (uptime_states.REQUIRED, uptime_states.OPTIONAL),
}
#: A folded row's entry in ``SourceRows.valid`` carries this placeholder record: the
#: row's contribution lives in ``SourceRows.folded`` (rows are not one record each).
ROW_MARK = Monitor(monitor="", client="", critical=False)


def check_log_columns(config: Config, source: Source) -> None:
    """The column map names every required field and only known ones (else ConfigError)."""
    required, optional = _FIELDS[source.kind]
    key = f"sources.{source.name}.columns"
    unknown = [n for n in source.columns if n not in required + optional]
    if unknown:
        raise ConfigError(config.file, key, f"unknown field(s) {', '.join(unknown)} for kind "
                                            f"{source.kind!r} (allowed: "
                                            f"{', '.join(required + optional)})")
    missing = [n for n in required if n not in source.columns]
    if source.kind == "events" and not {"status", "activity"} & set(source.columns):
        missing.append("status or activity")
    if missing:
        raise ConfigError(config.file, key, f"missing required field(s): {', '.join(missing)}")


def read_log(config: Config, source: Source, monitors: MonitorIndex) -> SourceRows:
    """Read and fold one log (see module docstring)."""
    from qbr.ingest import SourceRows

    check_log_columns(config, source)
    file = source_label(config, source)
    if is_sqlite(source.path):
        frame = read_kuma(source.path, file, source.columns)
        labels = dict(source.columns)
        rejected: list[Rejection] = []
    else:
        table = read_table(source, file, "ticket_id" if source.kind == "events" else "monitor")
        labels = {name: table.label(name) for name in table.index}
        frame, rejected = text_frame(table, source)
    read = len(frame) + len(rejected)
    for name in _FIELDS[source.kind][0] + _FIELDS[source.kind][1]:
        if name not in frame and name in source.columns:
            frame[name] = ""
    folded = _fold(config, source, frame, file, labels, monitors)
    valid = [ValidRow(ROW_MARK, client, folded.names.get(row, ""), row)
             for row, client in sorted(folded.rows.items())]
    return SourceRows(source=source, file=file, labels=labels, read=read, valid=valid,
                      rejections=rejected + folded.rejections, warnings=folded.warnings,
                      folded=folded.records, last_seen=folded.last_seen,
                      folded_rows=folded.ticket_rows)


def dedup_folded(results: Sequence[SourceRows]) -> None:
    """SPEC §7 across event sources (e.g. two daily snapshots of a list export): one
    ticket per (system, ticket id); the version with the latest ``updated_at`` wins
    (equal: the later source). The losers' rows become ``superseded`` rejections.
    Folded tickets are not compared with ``kind = "tickets"`` sources."""
    best: dict[tuple[str, str], tuple[datetime, int, SourceRows, Ticket]] = {}
    for order, result in enumerate(results):
        for t in (x for x in result.folded if isinstance(x, Ticket)):
            stamp = t.updated_at or t.created_at
            held = best.get(t.key)
            if held is None or (stamp, order) >= held[:2]:
                if held is not None:
                    _supersede(held[2], held[3], result, t)
                best[t.key] = (stamp, order, result, t)
            else:
                _supersede(result, t, held[2], held[3])


def _supersede(loser: SourceRows, ticket: Ticket, winner: SourceRows, won: Ticket) -> None:
    rows = set(loser.folded_rows.get(ticket.ticket_id, []))
    loser.folded = [x for x in loser.folded if x is not ticket and not (
        isinstance(x, StatusEvent) and x.ticket_id == ticket.ticket_id)]
    loser.valid = [v for v in loser.valid if v.row not in rows]
    loser.rejections.extend(
        Rejection(loser.file, row, "superseded", None,
                  f"superseded by {winner.file} row {won.source.row}", ticket.client or None)
        for row in sorted(rows))


def _fold(config: Config, source: Source, frame: pd.DataFrame, file: str,
          labels: dict[str, str], monitors: MonitorIndex) -> Folded:
    if source.kind == "events":
        return events.fold_events(config, source, frame, file, labels)
    configured = {m.monitor: m for m in config_monitors(config)}
    return uptime_states.fold_uptime(config, source, frame, file, labels, monitors,
                                     configured)
