"""Ingest: every source of a config → one :class:`Dataset` (SPEC §2, §7).

:func:`load_dataset` reads each source in config order with :func:`read_source` (the
row adapter in :mod:`qbr.adapter`) and applies the rules that span rows and files:
monitors from ``monitors`` sources join the config's, tickets are de-duplicated, and
status events follow their ticket. Every data row ends in exactly one bucket
(accepted, unassigned or rejected with a reason code), and each :class:`FileReport`
checks ``read = accepted + unassigned + rejected``.

Reason codes: ``blank-row``, ``header-repeat``, ``summary-row``, ``extra-cell``,
``missing-cell``, ``bad-date``, ``bad-number``, ``bad-value``, ``event-before-created``,
``end-before-start``, ``duplicate-row``, ``superseded``, ``unknown-ticket``,
``duplicate-monitor``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from qbr.adapt_columns import interpret_status, interpret_tickets
from qbr.adapter import (
    InputWarning,
    MonitorIndex,
    Rejection,
    ValidRow,
    check_columns,
    config_monitors,
    id_field,
    interpret,
    monitor_index,
    source_label,
)
from qbr.config import Config, Source, normalise_name
from qbr.frames import (
    EVENT_COLUMNS,
    TICKET_COLUMNS,
    Frames,
    empty_frame,
    maintenance_frame,
    monitors_frame,
    outages_frame,
    ticket_records,
)
from qbr.io import read_table
from qbr.model import Maintenance, Monitor, Outage, Provenance, StatusEvent, Ticket

__all__ = ["Dataset", "FileReport", "InputWarning", "Rejection", "SourceRows", "ValidRow",
           "load_dataset", "read_source", "source_label"]

_T = TypeVar("_T")


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

    @property
    def report(self) -> FileReport:
        """The file's counts. Before linking, a status source's parsed events count as
        accepted (whether their ticket exists is known only to :func:`load_dataset`)."""
        return _report(self)


class Dataset:
    """Every accepted record of a run (instants in UTC), plus what was not used.

    ``frames`` is the columnar form (:mod:`qbr.frames`), built at ingest. The record
    tuples (``tickets``, ``status_events``, ``outages``, ``maintenance``, ``monitors``)
    are built from it on first use. ``status_events`` maps a ticket key (system,
    ticket_id) to its events sorted by ``at`` (stable: equal instants keep file order,
    SPEC §2)."""

    def __init__(self, frames: Frames, files: tuple[FileReport, ...],
                 rejections: tuple[Rejection, ...], warnings: tuple[InputWarning, ...],
                 records: Mapping[str, tuple[Any, ...]] | None = None) -> None:
        self.frames, self.files = frames, files
        self.rejections, self.warnings = rejections, warnings
        self._records = dict(records or {})

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


# ---------------------------------------------------------------------- one source


def read_source(config: Config, source: Source,
                monitors: MonitorIndex | None = None) -> SourceRows:
    """Read one source and interpret each row (SPEC §7); tickets are de-duplicated and
    monitor rows checked against the config within this file. ``monitors`` resolves
    outage and maintenance rows (default: the config's monitors). Raises
    :class:`~qbr.errors.InputError` for a file-level problem and
    :class:`~qbr.errors.ConfigError` for a column map that lacks a required field."""
    check_columns(config, source)
    file = source_label(config, source)
    table = read_table(source, file, id_field(source))
    labels = {name: table.label(name) for name in table.index}
    if source.kind in ("tickets", "status"):
        interpret_columns = interpret_tickets if source.kind == "tickets" else interpret_status
        col = interpret_columns(config, source, table)
        result = SourceRows(source=source, file=file, labels=labels, read=len(table),
                            valid=[], rejections=col.rejections, warnings=col.warnings,
                            frame=col.frame)
    else:
        rows = interpret(config, source, table,
                         monitor_index(config) if monitors is None else monitors)
        result = SourceRows(source=source, file=file, labels=labels, read=len(table),
                            valid=rows.valid, rejections=rows.rejections,
                            warnings=rows.warnings)
    if source.kind == "tickets":
        _dedup_tickets([result])
    if source.kind == "monitors":
        _merge_monitors(config, [result], monitor_index(config))
    return result


# ---------------------------------------------------------------------- all sources


def load_dataset(config: Config) -> Dataset:
    """Read every source in config order and apply the cross-file rules: monitors from
    ``monitors`` sources join the config's, tickets are de-duplicated and status events
    follow their ticket's bucket (SPEC §2, §7). Instants are UTC."""
    index = monitor_index(config)
    first = {i: read_source(config, s, index) for i, s in enumerate(config.sources)
             if s.kind == "monitors"}
    monitors = _merge_monitors(config, [first[i] for i in sorted(first)], index)
    results = [first[i] if i in first else read_source(config, s, index)
               for i, s in enumerate(config.sources)]
    return assemble(results, monitors)


def assemble(results: list[SourceRows], monitors: tuple[Monitor, ...]) -> Dataset:
    """The cross-file rules over sources already read (each de-duplicated within itself):
    tickets de-duplicated across files, status events linked to their tickets."""
    winners = _dedup_tickets(results)
    _link_status(results, winners)
    files = tuple(_report(r) for r in results)
    outages = _accepted(results, Outage)
    maintenance = _accepted(results, Maintenance)
    frames = Frames(_accepted_frame(results, "tickets", TICKET_COLUMNS),
                    _events(results), outages_frame(outages), maintenance_frame(maintenance),
                    monitors_frame(monitors))
    return Dataset(
        frames, files,
        rejections=tuple(x for r in results for x in sorted(r.rejections, key=_by_row)),
        warnings=tuple(w for r in results for w in r.warnings),
        records={"outages": outages, "maintenance": maintenance, "monitors": monitors},
    )


def _accepted(results: list[SourceRows], kind: type[_T]) -> tuple[_T, ...]:
    return tuple(v.record for r in results for v in r.valid
                 if v.client is not None and isinstance(v.record, kind))


def _accepted_frame(results: list[SourceRows], kind: str,
                    columns: tuple[str, ...]) -> pd.DataFrame:
    parts = [r.frame[r.frame["_client"].notna()] for r in results
             if r.source.kind == kind and r.frame is not None]
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_frame(columns)
    frame = pd.concat(parts, ignore_index=True)[list(columns)]
    return frame.astype({c: object for c in columns if frame[c].dtype.kind not in "Mfi"})


def _events(results: list[SourceRows]) -> pd.DataFrame:
    frame = _accepted_frame(results, "status", EVENT_COLUMNS)
    return frame.sort_values(["system", "ticket_id", "at"], kind="stable", ignore_index=True)


def _by_row(rejection: Rejection) -> int:
    return rejection.row


def _merge_monitors(config: Config, results: list[SourceRows],
                    index: dict[str, tuple[str, str]]) -> tuple[Monitor, ...]:
    """Config monitors first; a ``monitors`` row naming a known monitor is rejected as
    ``duplicate-monitor``. Accepted rows join ``index`` so outages can refer to them."""
    monitors = list(config_monitors(config))
    where = {name: "the config" for name in index}
    for result in results:
        kept = []
        for v in result.valid:
            assert isinstance(v.record, Monitor)
            name = normalise_name(v.record.monitor)
            if name in where:
                result.rejections.append(Rejection(
                    result.file, v.row, "duplicate-monitor", result.labels["monitor"],
                    f"monitor already declared in {where[name]}", v.client))
                continue
            kept.append(v)
            where[name] = f"{result.file} row {v.row}"
            if v.client is not None:
                index[name] = (v.record.monitor, v.client)
                monitors.append(v.record)
        result.valid = kept
    return tuple(monitors)


_CONTENT = tuple(c for c in TICKET_COLUMNS if c not in ("source_file", "source_row"))


def _dedup_tickets(results: list[SourceRows]) -> pd.DataFrame:
    """SPEC §7: one version per (system, ticket_id); moves the losers to their file's
    rejections and returns the winners' (system, ticket_id, _client, _name). An
    identical repeat is a ``duplicate-row``; among distinct versions the latest
    ``updated_at`` wins when every version carries one, else the later source in the
    config, then the later row. :func:`read_source` runs it per file first, so the
    cross-file pass compares each file's winner. Only repeated keys are looked at one
    by one."""
    tickets = [r for r in results if r.source.kind == "tickets"]
    keys = ["system", "ticket_id"]
    if not tickets:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in [*keys, "_client", "_name"]})
    parts = [_rows(r).assign(_src=i, _pos=np.arange(len(_rows(r))))
             for i, r in enumerate(tickets)]
    both = pd.concat(parts, ignore_index=True)
    repeated = both[both.duplicated(keys, keep=False)]
    drop: dict[int, list[int]] = {}
    for _key, group in repeated.groupby(keys, sort=False):
        for src, pos, reason, detail in _pick(tickets, group):
            r = tickets[src]
            row = _rows(r).iloc[pos]
            r.rejections.append(Rejection(r.file, _row_number(r, pos), reason, None,
                                          detail, row["_client"]))
            drop.setdefault(src, []).append(pos)
    for src, positions in drop.items():
        r = tickets[src]
        keep = np.ones(len(_rows(r)), dtype=np.bool_)
        keep[positions] = False
        r.frame = _rows(r)[keep].reset_index(drop=True)
    return pd.concat([_rows(r)[[*keys, "_client", "_name"]] for r in tickets],
                     ignore_index=True)


def _rows(result: SourceRows) -> pd.DataFrame:
    """The valid rows of a ticket or status source."""
    assert result.frame is not None, result.source.kind
    return result.frame


def _content(row: pd.Series) -> tuple[Any, ...]:
    return tuple(None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
                 for v in (row[c] for c in _CONTENT))


def _pick(tickets: list[SourceRows], group: pd.DataFrame
          ) -> list[tuple[int, int, str, str]]:
    """The rejected versions of one ticket as (source, position, reason, detail)."""
    distinct: list[tuple[int, int, tuple[Any, ...], Any]] = []
    out: list[tuple[int, int, str, str]] = []
    for _, row in group.iterrows():
        src, pos, content = int(row["_src"]), int(row["_pos"]), _content(row)
        twin = next((d for d in distinct if d[2] == content), None)
        if twin is None:
            distinct.append((src, pos, content, row["updated_at"]))
            continue
        first = tickets[twin[0]]
        where = _row_number(first, twin[1])
        out.append((src, pos, "duplicate-row", f"identical to {first.file} row {where}"))
    order = list(range(len(distinct)))
    if all(not pd.isna(d[3]) for d in distinct):
        order.sort(key=lambda i: (distinct[i][3], i))
    w_src, w_pos, _, _ = distinct[order[-1]]
    winner = tickets[w_src]
    w_row = _row_number(winner, w_pos)
    for src, pos, _, _ in distinct:
        if (src, pos) != (w_src, w_pos):
            out.append((src, pos, "superseded", f"superseded by {winner.file} row {w_row}"))
    return out


def _row_number(result: SourceRows, pos: int) -> int:
    return int(_rows(result)["source_row"].to_numpy()[pos])


def _link_status(results: list[SourceRows], winners: pd.DataFrame) -> None:
    """A status row follows its ticket: accepted, unassigned, or ``unknown-ticket``."""
    keys = ["system", "ticket_id"]
    index = winners.drop_duplicates(keys).set_index(keys)
    for result in results:
        if result.source.kind != "status" or result.frame is None:
            continue
        frame = result.frame
        found = pd.MultiIndex.from_frame(frame[keys]) if len(frame) else None
        where = index.index.get_indexer(found) if found is not None else np.array([], int)
        missing = np.flatnonzero(where < 0)
        label = result.labels["ticket_id"]
        numbers = frame["source_row"].to_numpy()
        ids, systems = frame["ticket_id"].to_numpy(), frame["system"].to_numpy()
        for pos in missing.tolist():
            result.rejections.append(Rejection(
                result.file, int(numbers[pos]), "unknown-ticket", label,
                f"no ticket {ids[pos]!r} in system {systems[pos]!r}", None))
        kept = frame[where >= 0].copy()
        hit = where[where >= 0]
        kept["_client"] = index["_client"].to_numpy(dtype=object)[hit]
        kept["_name"] = index["_name"].to_numpy(dtype=object)[hit]
        result.frame, result.linked = kept.reset_index(drop=True), True


def _report(result: SourceRows) -> FileReport:
    pending = result.source.kind == "status" and not result.linked
    if result.frame is not None:
        frame = result.frame
        assigned = frame["_client"].notna().to_numpy() | pending
        unassigned_names = Counter(frame["_name"][~assigned].tolist())
        unmapped: Counter[str] = Counter()
        if result.source.kind == "tickets":
            unclassified = assigned & frame["priority"].isna().to_numpy()
            unmapped = Counter(frame["priority_raw"][unclassified].tolist())
        accepted, unassigned = int(assigned.sum()), int((~assigned).sum())
    else:
        ok = [v for v in result.valid if v.client is not None or pending]
        rest = [v for v in result.valid if v.client is None and not pending]
        accepted, unassigned = len(ok), len(rest)
        unassigned_names = Counter(v.name for v in rest)
        unmapped = Counter()
    report = FileReport(
        source=result.source.name, file=result.file, kind=result.source.kind,
        read=result.read, accepted=accepted, unassigned=unassigned,
        rejected=Counter(r.reason for r in result.rejections),
        unassigned_names=unassigned_names, unmapped_priorities=unmapped,
        warnings=list(result.warnings),
    )
    counted = report.accepted + report.unassigned + report.rejected.total()
    if counted != report.read:  # SPEC §7: nothing is silently dropped
        raise AssertionError(f"{result.file}: read {report.read} rows but counted {counted}")
    return report
