"""Read one event or uptime log into :class:`qbr.ingest.SourceRows` (the hook that
:func:`qbr.ingest.read_source` calls for ``events``, ``uptime_states`` and ``checks``).

The folded records (tickets, status events, outages, unmonitored spans, observed
monitors) go to ``SourceRows.folded`` (an event log's tickets and status history also
as frames: ``folded_tickets``, ``folded_events``); ``SourceRows.frame`` holds one row per
accepted or unassigned *log row* (:func:`row_frame`), so the file's accounting stays
``read = accepted + unassigned + rejected`` with folded rows counted as accepted events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from qbr.adapt_columns import propose_format
from qbr.adapter import (
    InputWarning,
    MonitorIndex,
    Rejection,
    config_monitors,
    source_label,
)
from qbr.config import Config, Source
from qbr.errors import ConfigError
from qbr.io import mojibake, read_table
from qbr.logs import cache as log_cache
from qbr.logs import events, uptime_states
from qbr.logs.crossdedup import against_tickets, drop_folded
from qbr.logs.frame import Folded, text_frame
from qbr.logs.kuma import is_sqlite, read_kuma
from qbr.logs.sniff import refuse_json
from qbr.model import Monitor, Outage, Unmonitored

if TYPE_CHECKING:
    from qbr.ingest import SourceRows

LOG_KINDS = ("events", "uptime_states", "checks")
_FIELDS = {
    "events": (events.REQUIRED, events.OPTIONAL),
    "uptime_states": (uptime_states.REQUIRED, uptime_states.OPTIONAL),
    "checks": (uptime_states.REQUIRED, uptime_states.OPTIONAL),
}


def check_log_columns(config: Config, source: Source) -> None:
    """The column map names every required field and only known ones (else ConfigError)."""
    required, optional = _FIELDS[source.kind]
    key = f"sources.{source.name}.columns"
    unknown = [n for n in {**source.columns, **source.defaults} if n not in required + optional]
    if unknown:
        raise ConfigError(config.file, key, f"unknown field(s) {', '.join(unknown)} for kind "
                                            f"{source.kind!r} (allowed: "
                                            f"{', '.join(required + optional)})")
    missing = [n for n in required if n not in source.columns and n not in source.defaults]
    if source.kind == "events" and not {"status", "activity"} & set(source.columns):
        missing.append("status or activity")
    if missing:
        raise ConfigError(config.file, key, f"missing required field(s): {', '.join(missing)}")


def read_log(config: Config, source: Source, monitors: MonitorIndex,
             use_cache: bool = False) -> SourceRows:
    """Read and fold one log (see module docstring). With ``use_cache``, an unchanged
    log (same bytes, source entry, clients, tiers and monitors) is taken from the parse
    cache, else stored there after folding (:mod:`qbr.logs.cache`)."""
    check_log_columns(config, source)
    file = source_label(config, source)
    key = None
    if use_cache:
        try:
            key = log_cache.log_key(config, source, file, monitors)
        except OSError:
            key = None  # the reader reports a missing or unreadable file
    if key is not None:
        hit = log_cache.load(key, source, file)
        if hit is not None:
            return hit
    result = _read_log(config, source, file, monitors)
    if key is not None:
        log_cache.store(key, result)
    return result


def _read_log(config: Config, source: Source, file: str,
              monitors: MonitorIndex) -> SourceRows:
    from qbr.ingest import SourceRows

    notes: list[InputWarning] = []
    if is_sqlite(source.path):
        frame = read_kuma(source.path, file, source.columns)
        labels = dict(source.columns)
        rejected: list[Rejection] = []
    else:
        refuse_json(source, file)
        table = read_table(source, file, "ticket_id" if source.kind == "events" else "monitor")
        labels = {name: table.label(name) for name in table.index}
        notes = [InputWarning(file, 1, "", table.note)] if table.note else []
        notes += [InputWarning(file, row, column, message)
                  for row, column, message in mojibake.find(table)]
        frame, rejected = text_frame(table, source)
    read = len(frame) + len(rejected)
    for name in _FIELDS[source.kind][0] + _FIELDS[source.kind][1]:
        if name not in frame and name in source.columns:
            frame[name] = ""
    folded = _fold(config, source, frame, file, labels, monitors)
    notes += _date_hint(frame, folded.rejections, source, file, labels)
    return SourceRows(source=source, file=file, labels=labels, read=read, valid=[],
                      frame=row_frame(folded.rows, folded.names),
                      rejections=rejected + folded.rejections,
                      warnings=notes + folded.warnings,
                      folded=folded.records, last_seen=folded.last_seen,
                      folded_rows=folded.ticket_rows, folded_events=folded.events,
                      folded_tickets=folded.tickets)


def row_frame(clients: Mapping[int, str | None], names: Mapping[int, str]) -> pd.DataFrame:
    """The accepted and unassigned rows of a log as ``SourceRows.frame`` holds a ticket
    source's: ``source_row`` (int64, ascending), ``_client`` (client key, ``None`` =
    unassigned) and ``_name`` (the exported client or monitor name); the file's counts
    come from it (:func:`qbr.ingest._report`), so 141,712 folded rows are not 141,712
    records."""
    rows = np.fromiter(clients.keys(), dtype=np.int64, count=len(clients))
    order = np.argsort(rows, kind="stable")
    owner = np.array(list(clients.values()), dtype=object)[order] if len(rows) else \
        np.empty(0, dtype=object)
    name = np.array([names.get(r, "") for r in clients], dtype=object)[order] \
        if len(rows) else np.empty(0, dtype=object)
    return pd.DataFrame({"source_row": rows[order], "_client": pd.Series(owner, dtype=object),
                         "_name": pd.Series(name, dtype=object)})


def _date_hint(frame: pd.DataFrame, rejections: Sequence[Rejection], source: Source,
               file: str, labels: Mapping[str, str]) -> list[InputWarning]:
    """As for ticket exports (:func:`qbr.adapt_columns.propose_format`): when most
    timestamps of the log match none of the declared formats, one warning says so and
    proposes a format that reads them (never applied unless declared)."""
    label = labels.get("at")
    if "at" not in frame or label is None:
        return []
    rows = sorted(r.row for r in rejections if r.reason == "bad-date" and r.column == label)
    filled = int((frame["at"] != "").sum())
    if not rows or len(rows) * 2 <= filled:
        return []
    texts = frame.set_index("row")["at"].reindex(rows[:200]).astype(str).tolist()
    formats = ", ".join(repr(f) for f in source.date_formats)
    return [InputWarning(file, rows[0], label,
                         f"{len(rows)} of {filled} values match none of the declared formats "
                         f"{formats}; {propose_format(texts)}")]


def dedup_folded(results: Sequence[SourceRows]) -> None:
    """SPEC §7 across event sources (e.g. two daily snapshots of a list export): one
    ticket per (system, ticket id); the version with the latest ``updated_at`` (else
    ``created_at``) wins, equal: the later source. Every other version's rows become
    ``superseded`` rejections naming the winner. Folded tickets are compared with
    ``kind = "tickets"`` sources afterwards, by the same rule
    (:mod:`qbr.logs.crossdedup`). Column-wise: one concatenation of the keys, and work
    only for the keys that repeat."""
    frames = [(order, r, r.folded_tickets) for order, r in enumerate(results)
              if r.folded_tickets is not None and len(r.folded_tickets)]
    if len(frames) < 2:
        return
    keys = pd.concat([pd.DataFrame({
        "system": f["system"].to_numpy(dtype=object),
        "ticket_id": f["ticket_id"].to_numpy(dtype=object),
        "stamp": f["updated_at"].fillna(f["created_at"]).to_numpy(),
        "order": order, "row": f["source_row"].to_numpy(), "client": f["client"].to_numpy(
            dtype=object)}) for order, _r, f in frames], ignore_index=True)
    repeated = keys[keys.duplicated(["system", "ticket_id"], keep=False).to_numpy()]
    if not len(repeated):
        return
    ranked = repeated.sort_values(["system", "ticket_id", "stamp", "order"], kind="stable")
    winners = ranked.drop_duplicates(["system", "ticket_id"], keep="last")
    won = {(s_, t): (o, int(n)) for s_, t, o, n in zip(
        winners["system"], winners["ticket_id"], winners["order"], winners["row"],
        strict=True)}
    by_order = {order: r for order, r, _f in frames}
    for s_, tid, order, client in zip(repeated["system"], repeated["ticket_id"],
                                      repeated["order"], repeated["client"], strict=True):
        w_order, w_row = won[(s_, tid)]
        if order != w_order:
            drop_folded(by_order[order], str(tid), str(client),
                        f"superseded by {by_order[w_order].file} row {w_row}")


def _fold(config: Config, source: Source, frame: pd.DataFrame, file: str,
          labels: dict[str, str], monitors: MonitorIndex) -> Folded:
    if source.kind == "events":
        return events.fold_events(config, source, frame, file, labels)
    configured = {m.monitor: m for m in config_monitors(config)}
    return uptime_states.fold_uptime(config, source, frame, file, labels, monitors,
                                     configured)


_T = TypeVar("_T")


@dataclass(frozen=True)
class LogPart:
    """A dataset's frames and records with the folded logs added (:func:`fold_into`)."""

    tickets: pd.DataFrame
    events: pd.DataFrame
    outages: tuple[Outage, ...]
    monitors: tuple[Monitor, ...]
    unmonitored: tuple[Unmonitored, ...]
    last_seen: datetime | None


def fold_into(results: Sequence[SourceRows], tickets: pd.DataFrame, events: pd.DataFrame,
              monitors: tuple[Monitor, ...]) -> LogPart:
    """Add the logs among ``results`` to the ticket-and-status frames of the other
    sources (:mod:`qbr.frames` schema) after :func:`dedup_folded`: folded tickets of a
    configured client and their status history join ``tickets`` and ``events`` (events
    re-sorted stably by system, ticket id, time: SPEC §2); folded outages and
    unmonitored spans are returned as records; a monitor a log observed replaces its
    configured record (narrowed span). ``last_seen`` is the latest log instant (UTC)."""
    logs = [r for r in results if r.source.kind in LOG_KINDS]
    if not logs:
        return LogPart(tickets, events, (), monitors, (), None)
    dedup_folded(logs)
    tickets, events = against_tickets(results, tickets, events)  # same ids, tickets source
    folded = [x for r in logs for x in r.folded]
    frames = _assigned_frames(logs)
    if frames:
        tickets = pd.concat([tickets, *frames] if len(tickets) else frames,
                            ignore_index=True)
    new_events = _assigned_events(logs)
    if new_events:
        parts = [events, *new_events] if len(events) else new_events
        events = pd.concat(parts, ignore_index=True).sort_values(
            ["system", "ticket_id", "at"], kind="stable", ignore_index=True)
    observed = {m.monitor: m for m in folded if isinstance(m, Monitor)}
    return LogPart(
        tickets, events, _assigned(folded, Outage),
        tuple(observed.get(m.monitor, m) for m in monitors),
        _assigned(folded, Unmonitored),
        max((r.last_seen for r in logs if r.last_seen), default=None))


def _assigned_frames(logs: Sequence[SourceRows]) -> list[pd.DataFrame]:
    """Per event log, its folded tickets of a configured client (de-duplication has
    taken the losers out), in its order."""
    parts = []
    for r in logs:
        frame = r.folded_tickets
        if frame is None or not len(frame):
            continue
        kept = frame[(frame["client"] != "").to_numpy()]
        if len(kept):
            parts.append(kept)
    return parts


def _assigned_events(logs: Sequence[SourceRows]) -> list[pd.DataFrame]:
    """Per event log, the folded status events of its assigned tickets."""
    parts = []
    for r in logs:
        frame, tickets = r.folded_events, r.folded_tickets
        if frame is None or tickets is None or not len(frame):
            continue
        ids = tickets["ticket_id"][(tickets["client"] != "").to_numpy()]
        mine = frame[frame["ticket_id"].isin(ids).to_numpy()]
        if len(mine):
            parts.append(mine)
    return parts


def _assigned(records: list[object], kind: type[_T]) -> tuple[_T, ...]:
    """Folded records of ``kind`` whose client is configured (``""`` = unassigned)."""
    return tuple(x for x in records if isinstance(x, kind)
                 and getattr(x, "client", "") != "")
