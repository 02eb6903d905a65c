"""Tickets folded from an event log against the same ticket ids in a ``kind = "tickets"``
source of the same system (README "Event logs"; SPEC §7 de-duplication).

The rule is the one between two ticket sources: one version per (system, ticket id);
the latest ``updated_at`` wins when both versions carry one, else the later source in
the config. The loser's rows become ``superseded`` rejections naming the winner, so
every file still reconciles (read = accepted + unassigned + rejected): a losing folded
ticket takes all its log rows (and status events) with it; a losing export row leaves
its source's valid rows and takes its status rows (``kind = "status"`` sources of the
same system) with it, as ``superseded`` rejections, so the winner's history is never
mixed with the loser's. Only assigned ticket rows take part (unassigned ones are not
used by any figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qbr.adapter import Rejection
from qbr.logs.events import ticket_list
from qbr.model import Ticket

if TYPE_CHECKING:
    from qbr.ingest import SourceRows


def against_tickets(results: Sequence[SourceRows], tickets: pd.DataFrame,
                    events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """De-duplicate the folded tickets of the event logs in ``results`` against the
    accepted ``tickets`` frame of the ticket sources; returns ``tickets`` without the
    export rows that lost and ``events`` (the status sources' accepted history) without
    the history of those tickets (and updates every loser's :class:`SourceRows`).

    A winning folded ticket brings its own status history, folded from the log: the
    losing version's status rows would otherwise be mixed into it (two "resolved",
    pauses from both), so they become ``superseded`` rejections of their status file
    (:func:`_drop_history`)."""
    order = {id(r): i for i, r in enumerate(results)}
    logs = [r for r in results if r.source.kind == "events"]
    sources = [r for r in results if r.source.kind == "tickets" and r.frame is not None]
    if not logs or not sources or not len(tickets):
        return tickets, events
    index = pd.MultiIndex.from_arrays([tickets["system"].astype(object),
                                       tickets["ticket_id"].astype(object)])
    positions = pd.Series(np.arange(len(tickets)), index=index)
    positions = positions[~positions.index.duplicated()]
    by_file = {r.file: r for r in sources}
    drop: list[int] = []
    lost: dict[tuple[str, str], str] = {}  # export ticket key → the winning log row
    for log in logs:
        for t in _candidates(log, tickets):
            pos = positions.get(t.key)
            if pos is None:
                continue
            row = tickets.iloc[int(pos)]
            export = by_file.get(str(row["source_file"]))
            if export is None:
                continue
            if _folded_wins(t, row, order[id(log)] > order[id(export)]):
                _drop_export_row(export, row, log, t)
                drop.append(int(pos))
                lost[t.key] = f"{log.file} row {t.source.row}"
            else:
                _drop_folded(log, t, export, int(row["source_row"]))
    if not drop:
        return tickets, events
    keep = np.ones(len(tickets), dtype=bool)
    keep[drop] = False
    return tickets[keep].reset_index(drop=True), _drop_history(results, events, lost)


def _drop_history(results: Sequence[SourceRows], events: pd.DataFrame,
                  lost: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The status rows of tickets whose export version lost to a folded one: out of
    ``events`` and of their status file's accepted rows, each a ``superseded``
    rejection naming the log row that won (counted, not lost: SPEC §7)."""
    for result in results:
        if result.source.kind != "status" or result.frame is None or not len(result.frame):
            continue
        system = result.source.system
        ids = {tid for (sys_, tid) in lost if sys_ == system}
        frame = result.frame
        hit = (frame["ticket_id"].isin(ids) & frame["_client"].notna()).to_numpy()
        if not hit.any():
            continue
        label = result.labels.get("ticket_id")
        for tid, number, client in zip(frame["ticket_id"][hit].tolist(),
                                       frame["source_row"][hit].tolist(),
                                       frame["_client"][hit].tolist(), strict=True):
            result.rejections.append(Rejection(
                result.file, int(number), "superseded", label,
                f"ticket {tid!r} is taken from {lost[(system, tid)]} (the event log's "
                "version, with its own status history)", client))
        result.frame = frame[~hit].reset_index(drop=True)
    if not len(events):
        return events
    key = pd.MultiIndex.from_arrays([events["system"].astype(object),
                                     events["ticket_id"].astype(object)])
    gone = key.isin(list(lost))
    return events[~gone].reset_index(drop=True) if gone.any() else events


def _candidates(log: SourceRows, tickets: pd.DataFrame) -> list[Ticket]:
    """The folded tickets of ``log`` whose id is also among ``tickets`` (its system's),
    as records: only these are compared, one by one."""
    frame = log.folded_tickets
    if frame is None or not len(frame):
        return []
    mine = tickets["ticket_id"][(tickets["system"] == log.source.system).to_numpy()]
    return ticket_list(frame[frame["ticket_id"].isin(mine).to_numpy()])


def _folded_wins(t: Ticket, row: pd.Series, log_is_later: bool) -> bool:
    stamp = row["updated_at"]
    if t.updated_at is not None and not pd.isna(stamp):
        mine = pd.Timestamp(t.updated_at)
        if mine != stamp:
            return bool(mine > stamp)
    return log_is_later


def _drop_export_row(export: SourceRows, row: pd.Series, log: SourceRows, t: Ticket) -> None:
    assert export.frame is not None
    frame = export.frame
    number = int(row["source_row"])
    hit = (frame["source_row"] == number).to_numpy() & \
        (frame["ticket_id"] == row["ticket_id"]).to_numpy(dtype=bool)
    export.frame = frame[~hit].reset_index(drop=True)
    export.rejections.append(Rejection(
        export.file, number, "superseded", None,
        f"superseded by {log.file} row {t.source.row} (the event log's version)",
        str(row["client"]) or None))


def _drop_folded(log: SourceRows, ticket: Ticket, export: SourceRows, row: int) -> None:
    drop_folded(log, ticket.ticket_id, ticket.client,
                f"superseded by {export.file} row {row} (the export's version)")


def drop_folded(loser: SourceRows, ticket_id: str, client: str, reason: str) -> None:
    """Take a folded ticket and its status events out of ``loser``: every event-log row
    that built it becomes a ``superseded`` rejection with ``reason`` (counted, not lost).
    ``client``: the ticket's client key (``""`` = unassigned)."""
    rows = set(loser.folded_rows.get(ticket_id, []))
    for name in ("folded_tickets", "folded_events"):
        frame = getattr(loser, name)
        if frame is not None:
            setattr(loser, name, frame[(frame["ticket_id"] != ticket_id).to_numpy()])
    if loser.frame is not None:  # the log's accepted rows (qbr.logs.dispatch.row_frame)
        frame = loser.frame
        loser.frame = frame[~frame["source_row"].isin(rows).to_numpy()].reset_index(drop=True)
    loser.valid = [v for v in loser.valid if v.row not in rows]
    loser.rejections.extend(
        Rejection(loser.file, r, "superseded", None, reason, client or None)
        for r in sorted(rows))
