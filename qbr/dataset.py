"""The result types of ingest (SPEC §2, §7): one file's counts (:class:`FileReport`), one
source read (:class:`SourceRows`) and every accepted record of a run (:class:`Dataset`).

:func:`file_report` checks ``read = accepted + unassigned + rejected`` for every file
(SPEC §7: nothing is silently dropped).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd

from qbr.adapter import InputWarning, Rejection, ValidRow
from qbr.config import Source
from qbr.frames import Frames, ticket_records
from qbr.model import (
    Maintenance,
    Monitor,
    Outage,
    Provenance,
    StatusEvent,
    Ticket,
    Unmonitored,
)

__all__ = ["Dataset", "FileReport", "SourceRows", "file_report", "report_fields",
           "report_from"]


@dataclass
class FileReport:
    """Row counts for one file: ``read = accepted + unassigned + sum(rejected.values())``.
    ``unassigned_names`` counts rows per company (or monitor) name that maps to no client;
    ``unmapped_priorities`` counts accepted, unclassified tickets per exported priority."""

    source: str
    file: str
    kind: str
    read: int
    accepted: int
    unassigned: int
    rejected: Counter[str]
    unassigned_names: Counter[str]
    unmapped_priorities: Counter[str]
    warnings: list[InputWarning]


@dataclass
class SourceRows:
    """One file read and interpreted, de-duplicated within itself. :func:`load_dataset`
    then applies the cross-file rules and sets ``linked`` once status events have been
    matched to their tickets. Ticket and status sources keep their valid rows column-wise
    in ``frame`` (:mod:`qbr.adapt_columns`); the other kinds as records in ``valid``."""

    source: Source
    file: str
    labels: Mapping[str, str]  # canonical field → export header label
    read: int
    valid: list[ValidRow]
    rejections: list[Rejection]
    warnings: list[InputWarning]
    linked: bool = False
    frame: pd.DataFrame | None = None
    # Tickets already de-duplicated within this file (by read_source, or taken from the
    # parse cache, which stores them so): a lone ticket source needs no second pass.
    deduped: bool = False
    # Event and uptime logs (qbr.logs): the records folded from the rows, and the log's
    # latest instant (UTC; the default cut-off, SPEC §3).
    folded: list[object] = field(default_factory=list)
    last_seen: datetime | None = None
    folded_rows: dict[str, list[int]] = field(default_factory=dict)  # ticket id → rows
    folded_events: pd.DataFrame | None = None  # event logs: status history (EVENT_COLUMNS)
    folded_tickets: pd.DataFrame | None = None  # event logs: the tickets (TICKET_COLUMNS)

    @property
    def valid_frame(self) -> pd.DataFrame:
        """The valid rows of a ticket or status source (``frame``, which those kinds
        always have once read)."""
        assert self.frame is not None, self.source.kind
        return self.frame

    @property
    def report(self) -> FileReport:
        """The file's counts. Before linking, a status source's parsed events count as
        accepted (whether their ticket exists is known only to :func:`load_dataset`)."""
        return file_report(self)


class Dataset:
    """Every accepted record of a run (instants in UTC), plus what was not used.

    ``frames`` is the columnar form (:mod:`qbr.frames`), built at ingest. The record
    tuples (``tickets``, ``status_events``, ``outages``, ``maintenance``, ``monitors``)
    are built from it on first use. ``status_events`` maps a ticket key (system,
    ticket_id) to its events sorted by ``at`` (stable: equal instants keep file order,
    SPEC §2). ``unmonitored``: spans no monitor watched (uptime logs, :mod:`qbr.logs`);
    ``last_seen``: the latest instant of an uptime or event log (UTC), else ``None``."""

    def __init__(self, frames: Frames, files: tuple[FileReport, ...],
                 rejections: tuple[Rejection, ...], warnings: tuple[InputWarning, ...],
                 records: Mapping[str, tuple[Any, ...]] | None = None,
                 last_seen: datetime | None = None) -> None:
        self.frames, self.files = frames, files
        self.rejections, self.warnings = rejections, warnings
        self._records = dict(records or {})
        self.last_seen = last_seen

    @cached_property
    def tickets(self) -> tuple[Ticket, ...]:
        return tuple(ticket_records(self.frames.tickets))

    @cached_property
    def status_events(self) -> Mapping[tuple[str, str], tuple[StatusEvent, ...]]:
        frame = self.frames.status_events
        events: dict[tuple[str, str], list[StatusEvent]] = {}
        ats = frame["at"].dt.to_pydatetime() if len(frame) else []
        for system, ticket, at, status, prio, file, row in zip(
                frame["system"], frame["ticket_id"], ats, frame["status"],
                frame["priority"], frame["source_file"], frame["source_row"], strict=True):
            events.setdefault((system, ticket), []).append(StatusEvent(
                system, ticket, at, status, Provenance(file, int(row)),
                None if prio is None or prio != prio else prio))
        return {key: tuple(evs) for key, evs in events.items()}

    @property
    def outages(self) -> tuple[Outage, ...]:
        return self._records.get("outages", ())

    @property
    def maintenance(self) -> tuple[Maintenance, ...]:
        return self._records.get("maintenance", ())

    @property
    def monitors(self) -> tuple[Monitor, ...]:
        return self._records.get("monitors", ())

    @property
    def unmonitored(self) -> tuple[Unmonitored, ...]:
        return self._records.get("unmonitored", ())



def report_fields(report: FileReport) -> dict[str, Any]:
    return {"source": report.source, "file": report.file, "kind": report.kind,
            "read": report.read, "accepted": report.accepted, "unassigned": report.unassigned,
            "rejected": dict(report.rejected), "unassigned_names": dict(report.unassigned_names),
            "unmapped_priorities": dict(report.unmapped_priorities)}


def report_from(fields: Mapping[str, Any], warnings: list[InputWarning]) -> FileReport:
    return FileReport(
        source=fields["source"], file=fields["file"], kind=fields["kind"],
        read=fields["read"], accepted=fields["accepted"], unassigned=fields["unassigned"],
        rejected=Counter(fields["rejected"]),
        unassigned_names=Counter(fields["unassigned_names"]),
        unmapped_priorities=Counter(fields["unmapped_priorities"]), warnings=list(warnings))


def _unmapped_folded(result: SourceRows) -> Counter[str]:
    """Accepted, unclassified tickets folded from an event log, per exported priority."""
    frame = result.folded_tickets
    if frame is None:
        return Counter()
    hit = ((frame["client"] != "") & frame["priority"].isna()).to_numpy()
    return Counter(frame["priority_raw"][hit].tolist())


def _counted(values: pd.Series) -> Counter[str]:
    """``Counter(values.tolist())``, keys in order of first appearance as there, counted
    column-wise (a million unassigned status rows hold a handful of names)."""
    codes, uniques = pd.factorize(values, sort=False)
    if codes.size and int(codes.min()) < 0:  # a missing value: counted as it is
        return Counter(values.tolist())
    counts = np.bincount(codes, minlength=len(uniques))
    return Counter(dict(zip(list(uniques), counts.tolist(), strict=True)))


def file_report(result: SourceRows) -> FileReport:
    pending = result.source.kind == "status" and not result.linked
    if result.frame is not None:
        frame = result.frame
        assigned = frame["_client"].notna().to_numpy() | pending
        unassigned_names = _counted(frame["_name"][~assigned])
        unmapped: Counter[str] = Counter()
        if result.source.kind == "tickets":
            unclassified = assigned & frame["priority"].isna().to_numpy()
            unmapped = Counter(frame["priority_raw"][unclassified].tolist())
        elif result.folded_tickets is not None:  # qbr.logs: an event log's rows
            unmapped = _unmapped_folded(result)
        accepted, unassigned = int(assigned.sum()), int((~assigned).sum())
    else:
        ok = [v for v in result.valid if v.client is not None or pending]
        rest = [v for v in result.valid if v.client is None and not pending]
        accepted, unassigned = len(ok), len(rest)
        unassigned_names = Counter(v.name for v in rest)
        unmapped = _unmapped_folded(result)
    report = FileReport(
        source=result.source.name, file=result.file, kind=result.source.kind,
        read=result.read, accepted=accepted, unassigned=unassigned,
        rejected=Counter(map(attrgetter("reason"), result.rejections)),
        unassigned_names=unassigned_names, unmapped_priorities=unmapped,
        warnings=list(result.warnings),
    )
    counted = report.accepted + report.unassigned + report.rejected.total()
    if counted != report.read:  # SPEC §7: nothing is silently dropped
        raise AssertionError(f"{result.file}: read {report.read} rows but counted {counted}")
    return report
