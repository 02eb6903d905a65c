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
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

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
from qbr.io import read_table
from qbr.model import (
    Maintenance,
    Monitor,
    Outage,
    Provenance,
    StatusEvent,
    Ticket,
    Unmonitored,
)

__all__ = ["Dataset", "FileReport", "InputWarning", "Rejection", "SourceRows", "ValidRow",
           "load_dataset", "read_source", "source_label"]

_NOWHERE = Provenance("", 0)
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
    matched to their tickets."""

    source: Source
    file: str
    labels: Mapping[str, str]  # canonical field → export header label
    read: int
    valid: list[ValidRow]
    rejections: list[Rejection]
    warnings: list[InputWarning]
    linked: bool = False
    # Event and uptime logs (qbr.logs): the records folded from the rows, and the log's
    # latest instant (UTC; the default cut-off, SPEC §3).
    folded: list[object] = field(default_factory=list)
    last_seen: datetime | None = None
    folded_rows: dict[str, list[int]] = field(default_factory=dict)  # ticket id → rows

    @property
    def report(self) -> FileReport:
        """The file's counts. Before linking, a status source's parsed events count as
        accepted (whether their ticket exists is known only to :func:`load_dataset`)."""
        return _report(self)


@dataclass(frozen=True)
class Dataset:
    """Every accepted record of a run (instants in UTC), plus what was not used.
    ``status_events`` maps a ticket key (system, ticket_id) to its events sorted by
    ``at`` (stable: equal instants keep file order, SPEC §2)."""

    tickets: tuple[Ticket, ...]
    status_events: Mapping[tuple[str, str], tuple[StatusEvent, ...]]
    outages: tuple[Outage, ...]
    maintenance: tuple[Maintenance, ...]
    monitors: tuple[Monitor, ...]
    files: tuple[FileReport, ...]
    rejections: tuple[Rejection, ...]
    warnings: tuple[InputWarning, ...]
    unmonitored: tuple[Unmonitored, ...] = ()  # spans no monitor watched (qbr.logs)
    last_seen: datetime | None = None  # latest instant of an uptime or event log (UTC)


# ---------------------------------------------------------------------- one source


def read_source(config: Config, source: Source,
                monitors: MonitorIndex | None = None) -> SourceRows:
    """Read one source and interpret each row (SPEC §7); tickets are de-duplicated and
    monitor rows checked against the config within this file. ``monitors`` resolves
    outage and maintenance rows (default: the config's monitors). Raises
    :class:`~qbr.errors.InputError` for a file-level problem and
    :class:`~qbr.errors.ConfigError` for a column map that lacks a required field."""
    # --- qbr.logs: event and uptime logs are folded, not read row by row ------------
    if source.kind in ("events", "uptime_states", "checks"):
        from qbr.logs.dispatch import read_log

        return read_log(config, source,
                        monitor_index(config) if monitors is None else monitors)
    from qbr.logs.sniff import refuse_json

    refuse_json(source, source_label(config, source))
    # --- end qbr.logs -----------------------------------------------------------------
    check_columns(config, source)
    file = source_label(config, source)
    table = read_table(source, file, id_field(source))
    rows = interpret(config, source, table,
                     monitor_index(config) if monitors is None else monitors)
    result = SourceRows(source=source, file=file,
                        labels={name: table.label(name) for name in table.index},
                        read=len(table.rows), valid=rows.valid, rejections=rows.rejections,
                        warnings=rows.warnings)
    if source.kind == "tickets":
        _dedup_tickets([result])
    if source.kind == "monitors":
        _merge_monitors(config, [result], monitor_index(config))
    if source.kind == "outages":  # qbr.logs: an outage list that is really a state log
        from qbr.logs.sniff import outage_list_warnings

        result.warnings.extend(outage_list_warnings(result, table))
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
    tickets = _dedup_tickets(results)
    events = _link_status(results, tickets)
    from qbr.logs.dispatch import dedup_folded  # qbr.logs: event-log snapshots

    dedup_folded(results)
    files = tuple(_report(r) for r in results)
    folded = [x for r in results for x in r.folded]  # qbr.logs: event and uptime logs
    keys = {t.key for t in _assigned(folded, Ticket)}
    extra: dict[tuple[str, str], list[StatusEvent]] = {}
    for e in folded:
        if isinstance(e, StatusEvent) and (e.system, e.ticket_id) in keys:
            extra.setdefault((e.system, e.ticket_id), []).append(e)
    for key, evs in extra.items():
        events[key] = (*events.get(key, ()), *evs)
    observed = {m.monitor: m for m in folded if isinstance(m, Monitor)}
    return Dataset(
        tickets=_accepted(results, Ticket) + _assigned(folded, Ticket),
        status_events={k: tuple(sorted(v, key=lambda e: e.at)) for k, v in events.items()},
        outages=_accepted(results, Outage) + _assigned(folded, Outage),
        maintenance=_accepted(results, Maintenance),
        monitors=tuple(observed.get(m.monitor, m) for m in monitors), files=files,
        rejections=tuple(x for r in results for x in sorted(r.rejections, key=_by_row)),
        warnings=tuple(w for r in results for w in r.warnings),
        unmonitored=_assigned(folded, Unmonitored),
        last_seen=max((r.last_seen for r in results if r.last_seen), default=None),
    )


def _assigned(records: list[object], kind: type[_T]) -> tuple[_T, ...]:
    """Folded records of ``kind`` whose client is configured (``""`` = unassigned)."""
    return tuple(x for x in records if isinstance(x, kind)
                 and getattr(x, "client", "") != "")


def _accepted(results: list[SourceRows], kind: type[_T]) -> tuple[_T, ...]:
    return tuple(v.record for r in results for v in r.valid
                 if v.client is not None and isinstance(v.record, kind))


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


_Version = tuple[SourceRows, ValidRow]


def _dedup_tickets(results: list[SourceRows]) -> dict[tuple[str, str], ValidRow]:
    """SPEC §7: one version per (system, ticket_id); returns the winners, moves the
    losers to their file's rejections. :func:`read_source` runs it per file first, so
    the cross-file pass compares each file's winner."""
    groups: dict[tuple[str, str], list[_Version]] = {}
    for result in results:
        for v in result.valid:
            if isinstance(v.record, Ticket):
                groups.setdefault(v.record.key, []).append((result, v))
    winners: dict[tuple[str, str], ValidRow] = {}
    losers: set[tuple[int, int]] = set()
    for key, versions in groups.items():
        winner, rejected = _pick(versions)
        winners[key] = winner
        for result, rejection in rejected:
            result.rejections.append(rejection)
            losers.add((id(result), rejection.row))
    for result in results:
        result.valid = [v for v in result.valid if (id(result), v.row) not in losers]
    return winners


def _pick(versions: list[_Version]) -> tuple[ValidRow, list[tuple[SourceRows, Rejection]]]:
    """The winning version and the rejected ones. An identical repeat is a
    ``duplicate-row``; among distinct versions the latest ``updated_at`` wins when every
    version carries one, else the later source in the config, then the later row."""
    distinct: list[_Version] = []
    rejected: list[tuple[SourceRows, Rejection]] = []
    for result, v in versions:
        twin = next((d for d in distinct if _same(d[1], v)), None)
        if twin is None:
            distinct.append((result, v))
            continue
        detail = f"identical to {twin[0].file} row {twin[1].row}"
        rejected.append((result, Rejection(result.file, v.row, "duplicate-row", None,
                                           detail, v.client)))
    order = list(range(len(distinct)))
    stamps = [_updated(v) for _, v in distinct]
    if all(s is not None for s in stamps):
        order.sort(key=lambda i: (stamps[i], i))
    w_result, winner = distinct[order[-1]]
    for result, v in distinct:
        if v is not winner:
            detail = f"superseded by {w_result.file} row {winner.row}"
            rejected.append((result, Rejection(result.file, v.row, "superseded", None,
                                               detail, v.client)))
    return winner, rejected


def _updated(v: ValidRow) -> datetime | None:
    return v.record.updated_at if isinstance(v.record, Ticket) else None


def _same(a: ValidRow, b: ValidRow) -> bool:
    """Same content, wherever it came from."""
    return (isinstance(a.record, Ticket) and isinstance(b.record, Ticket)
            and replace(a.record, source=_NOWHERE) == replace(b.record, source=_NOWHERE))


def _link_status(results: list[SourceRows], tickets: Mapping[tuple[str, str], ValidRow],
                 ) -> dict[tuple[str, str], tuple[StatusEvent, ...]]:
    """A status row follows its ticket: accepted, unassigned, or ``unknown-ticket``."""
    events: dict[tuple[str, str], list[StatusEvent]] = {}
    for result in results:
        if result.source.kind != "status":
            continue
        kept = []
        for v in result.valid:
            assert isinstance(v.record, StatusEvent)
            key = (v.record.system, v.record.ticket_id)
            ticket = tickets.get(key)
            if ticket is None:
                result.rejections.append(Rejection(
                    result.file, v.row, "unknown-ticket", result.labels["ticket_id"],
                    f"no ticket {key[1]!r} in system {key[0]!r}", None))
                continue
            kept.append(replace(v, client=ticket.client, name=ticket.name))
            if ticket.client is not None:
                events.setdefault(key, []).append(v.record)
        result.valid, result.linked = kept, True
    # Stable sort: events with equal ``at`` keep file order, the later row wins (SPEC §2).
    return {key: tuple(sorted(evs, key=lambda e: e.at)) for key, evs in events.items()}


def _report(result: SourceRows) -> FileReport:
    pending = result.source.kind == "status" and not result.linked
    accepted = [v for v in result.valid if v.client is not None or pending]
    unassigned = [v for v in result.valid if v.client is None and not pending]
    report = FileReport(
        source=result.source.name, file=result.file, kind=result.source.kind,
        read=result.read, accepted=len(accepted), unassigned=len(unassigned),
        rejected=Counter(r.reason for r in result.rejections),
        unassigned_names=Counter(v.name for v in unassigned),
        unmapped_priorities=Counter(v.record.priority_raw for v in accepted
                                    if isinstance(v.record, Ticket)
                                    and v.record.priority is None)
        + Counter(t.priority_raw for t in result.folded  # qbr.logs: folded tickets
                  if isinstance(t, Ticket) and t.client and t.priority is None),
        warnings=list(result.warnings),
    )
    counted = report.accepted + report.unassigned + report.rejected.total()
    if counted != report.read:  # SPEC §7: nothing is silently dropped
        raise AssertionError(f"{result.file}: read {report.read} rows but counted {counted}")
    return report
