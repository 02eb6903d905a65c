"""Ingest: every source of a config → one :class:`Dataset` (SPEC §2, §7).

:func:`load_dataset` reads each source in config order with :func:`read_source` (the
row adapter in :mod:`qbr.adapter`) and applies the rules that span rows and files:
monitors from ``monitors`` sources join the config's, tickets are de-duplicated, and
status events follow their ticket. Every data row ends in exactly one bucket
(accepted, unassigned or rejected with a reason code), and each :class:`FileReport`
checks ``read = accepted + unassigned + rejected``. The result types live in
:mod:`qbr.dataset`; de-duplication, linking and the event frame in :mod:`qbr.linking`.

Reason codes: ``blank-row``, ``header-repeat``, ``summary-row``, ``extra-cell``,
``missing-cell``, ``bad-date``, ``bad-number``, ``bad-value``, ``event-before-created``,
``end-before-start``, ``duplicate-row``, ``superseded``, ``unknown-ticket``,
``duplicate-monitor``.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from operator import attrgetter
from typing import TypeVar

import pandas as pd

from qbr import cache
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
from qbr.dataset import Dataset, FileReport, SourceRows, file_report, report_fields, report_from
from qbr.frames import (
    TICKET_COLUMNS,
    UNMONITORED_COLUMNS,
    Frames,
    maintenance_frame,
    monitors_frame,
    outages_frame,
)
from qbr.io import mojibake, read_table
from qbr.linking import (
    TicketKeys,
    accepted_frame,
    dedup_tickets,
    link_status,
    status_events,
    ticket_keys,
)
from qbr.logs.dispatch import LOG_KINDS, fold_into, read_log
from qbr.logs.sniff import outage_list_warnings, refuse_json
from qbr.model import Maintenance, Monitor, Outage

__all__ = ["Dataset", "FileReport", "InputWarning", "Rejection", "SourceRows", "ValidRow",
           "load_dataset", "read_source", "source_label"]

_T = TypeVar("_T")


# ---------------------------------------------------------------------- one source


def read_source(config: Config, source: Source, monitors: MonitorIndex | None = None,
                use_cache: bool = False) -> SourceRows:
    """Read one source and interpret each row (SPEC §7); tickets are de-duplicated and
    monitor rows checked against the config within this file. ``monitors`` resolves
    outage and maintenance rows (default: the config's monitors). Raises
    :class:`~qbr.errors.InputError` for a file-level problem and
    :class:`~qbr.errors.ConfigError` for a column map that lacks a required field.
    With ``use_cache``, a ticket or status source is taken from the parse cache when its
    file and config entry are unchanged, and stored there after reading (:mod:`qbr.cache`).
    Event and uptime logs are read by :func:`qbr.logs.dispatch.read_log` (same reader,
    then folded) and cached with their fold (:mod:`qbr.logs.cache`: the key also covers
    the monitors, clients and tiers the fold reads)."""
    if source.kind in LOG_KINDS:
        return read_log(config, source,
                        monitor_index(config) if monitors is None else monitors, use_cache)
    refuse_json(source, source_label(config, source))
    check_columns(config, source)
    file = source_label(config, source)
    key = _cache_key(config, source, file) if use_cache else None
    if key is not None:
        hit = cache.load(key)
        if hit is not None:
            read, labels, frame, rejections, warnings = hit
            return SourceRows(source=source, file=file, labels=labels, read=read, valid=[],
                              rejections=rejections, warnings=warnings, frame=frame,
                              deduped=source.kind == "tickets")
    result = _read_source(config, source, file, monitors)
    if key is not None and result.frame is not None:
        cache.store(key, result.read, dict(result.labels), result.frame,
                    list(result.rejections), list(result.warnings))
    return result


def _cache_key(config: Config, source: Source, file: str) -> str | None:
    """Only ticket and status sources are cached (the others are small and depend on
    monitors declared by other sources); a missing file is reported by the reader."""
    if source.kind not in ("tickets", "status"):
        return None
    try:
        return cache.source_key(config, source, file)
    except OSError:
        return None


def _read_source(config: Config, source: Source, file: str,
                 monitors: MonitorIndex | None) -> SourceRows:
    table = read_table(source, file, id_field(source))
    labels = {name: table.label(name) for name in table.index}
    notes = [InputWarning(file, 1, "", table.note)] if table.note else []
    notes += [InputWarning(file, row, column, message)
              for row, column, message in mojibake.find(table)]
    if source.kind in ("tickets", "status"):
        interpret_columns = interpret_tickets if source.kind == "tickets" else interpret_status
        col = interpret_columns(config, source, table)
        read = len(table)
        # The file's text columns (the frame holds its own copies) are freed before the
        # de-duplication, not after: the other file may be at its peak on the other thread.
        del table
        result = SourceRows(source=source, file=file, labels=labels, read=read,
                            valid=[], rejections=col.rejections,
                            warnings=notes + col.warnings, frame=col.frame)
        if source.kind == "tickets":
            dedup_tickets([result])
        return result
    rows = interpret(config, source, table,
                     monitor_index(config) if monitors is None else monitors)
    result = SourceRows(source=source, file=file, labels=labels, read=len(table),
                        valid=rows.valid, rejections=rows.rejections,
                        warnings=notes + rows.warnings)
    if source.kind == "monitors":
        _merge_monitors(config, [result], monitor_index(config))
    if source.kind == "outages":  # an outage list that is really a state log (qbr.logs)
        result.warnings.extend(outage_list_warnings(result, table))
    return result


# ---------------------------------------------------------------------- all sources


_COLUMNAR = ("tickets", "status")


def load_dataset(config: Config, use_cache: bool = False) -> Dataset:
    """Read every source in config order and apply the cross-file rules: monitors from
    ``monitors`` sources join the config's, tickets are de-duplicated and status events
    follow their ticket's bucket (SPEC §2, §7); event and uptime logs are folded into the
    same frames (:mod:`qbr.logs`). Instants are UTC. ``use_cache``: see
    :func:`read_source`; in addition the part built from ticket and status sources after
    the cross-file rules is cached as a whole, so an unchanged run re-reads only Parquet
    (logs come from their own cache entries and are folded on top)."""
    index = monitor_index(config)
    first = {i: read_source(config, s, index) for i, s in enumerate(config.sources)
             if s.kind == "monitors"}
    monitors = _merge_monitors(config, [first[i] for i in sorted(first)], index)
    key = _dataset_key(config) if use_cache else None
    hit = cache.load_assembled(key) if key is not None else None
    results, prepared = _read_all(config, first, index, use_cache, hit is not None)
    if hit is not None:
        tickets, events, parts = hit
        return _finish(results, monitors, tickets, events, parts)
    read = [r for r in results if r is not None]
    tickets, events = _columnar(read, prepared)
    dataset = _finish(results, monitors, tickets, events, {})
    if key is not None:
        cache.store_assembled(key, tickets, events, {
            i: (report_fields(dataset.files[i]), sorted(r.rejections, key=_by_row),
                r.warnings)
            for i, r in enumerate(read) if r.source.kind in _COLUMNAR})
    return dataset


def _read_all(config: Config, first: Mapping[int, SourceRows], index: MonitorIndex,
              use_cache: bool, assembled: bool
              ) -> tuple[list[SourceRows | None], TicketKeys | None]:
    """Every source read, in config order (``first``: the monitors sources, already read;
    ``None`` for a ticket or status source when the assembled part came from the cache).

    Ticket and status files are independent until linking, and most of their reading is
    Arrow and numpy work that releases the GIL: when there are two or more, they are read
    on two threads, so one file's parse overlaps the other's (a million tickets beside
    five million status rows). Results, warnings and rejections keep config order, and
    when several sources fail the first one in config order is the error raised, as in a
    reading one after another.

    The lone ticket source's :class:`~qbr.linking.TicketKeys` (its order and id lookup,
    which need the tickets alone) are built on its thread as soon as it is read: a
    million tickets are read well before five million status rows, so that work leaves
    the serial linking after the read."""
    columnar = [i for i, s in enumerate(config.sources)
                if i not in first and s.kind in _COLUMNAR and not assembled]
    pending: dict[int, Future[SourceRows]] = {}
    # One file declared twice is read one source after the other (its cache entries
    # may share a folder).
    paths = {config.sources[i].path for i in columnar}
    threaded = len(columnar) > 1 and len(paths) == len(columnar)
    tickets = [i for i, s in enumerate(config.sources) if s.kind == "tickets"]
    systems = list(dict.fromkeys(s.system for s in config.sources if s.kind == "status"))
    prepared: list[TicketKeys] = []

    def read(i: int) -> SourceRows:
        result = read_source(config, config.sources[i], index, use_cache)
        if tickets == [i] and systems:
            # The one ticket source, de-duplicated within itself: its winners are the
            # cross-file winners (qbr.linking.dedup_tickets).
            prepared.append(ticket_keys(dedup_tickets([result]), systems))
        return result

    with ThreadPoolExecutor(2) if threaded else nullcontext() as pool:
        if pool is not None:
            pending = {i: pool.submit(read, i) for i in columnar}
        results: list[SourceRows | None] = []
        for i, source in enumerate(config.sources):
            if i in first:
                results.append(first[i])
            elif i in pending:
                results.append(pending[i].result())
            elif assembled and source.kind in _COLUMNAR:
                results.append(None)
            else:
                results.append(read_source(config, source, index, use_cache))
    return results, prepared[0] if prepared else None


def _dataset_key(config: Config) -> str | None:
    if _logs_meet_tickets(config):
        return None  # qbr.logs.crossdedup may move rows of the ticket sources
    keys = []
    for source in config.sources:
        if source.kind in _COLUMNAR:
            key = _cache_key(config, source, source_label(config, source))
            if key is None:
                return None
            keys.append(key)
    return cache.dataset_key(keys) if keys else None


def _logs_meet_tickets(config: Config) -> bool:
    """An event log and a tickets source of one system (their ids are de-duplicated)."""
    systems = {s.system for s in config.sources if s.kind == "tickets"}
    return any(s.kind == "events" and s.system in systems for s in config.sources)


def assemble(results: list[SourceRows], monitors: tuple[Monitor, ...]) -> Dataset:
    """The cross-file rules over sources already read (each de-duplicated within itself):
    tickets de-duplicated across files, status events linked to their tickets, logs
    folded on top."""
    tickets, events = _columnar(results)
    return _finish(list(results), monitors, tickets, events, {})


def _columnar(results: list[SourceRows], prepared: TicketKeys | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ticket-and-status part (what the parse cache stores as a whole). ``prepared``:
    the linking keys of the one ticket source, built while the status was being read.

    The accepted tickets' frame (a take of a million rows, mostly Arrow and numpy work
    that releases the GIL) is built on a second thread while the status events are
    linked and sorted: the two only read the ticket frame."""
    winners = dedup_tickets(results)
    with ThreadPoolExecutor(1) as pool:
        accepted = pool.submit(accepted_frame, results, "tickets", TICKET_COLUMNS)
        ranked = link_status(results, winners, prepared)
        events = status_events(results, ranked)
        return accepted.result(), events


def _finish(results: list[SourceRows | None], monitors: tuple[Monitor, ...],
            tickets: pd.DataFrame, events: pd.DataFrame,
            parts: Mapping[int, cache.Part]) -> Dataset:
    """The dataset: ``tickets``/``events`` from the ticket and status sources (just built
    or from the cache, whose file reports are ``parts`` for the sources left ``None``),
    the other sources' records, and the folded logs (:func:`qbr.logs.dispatch.fold_into`)."""
    rest = [r for r in results if r is not None]
    logs = fold_into(rest, tickets, events, monitors)
    files, rejections, warnings = [], [], []
    for i, result in enumerate(results):
        if result is None:
            fields, rejected, warned = parts[i]
            files.append(report_from(fields, warned))
            rejections += rejected
            warnings += warned
        else:
            files.append(file_report(result))
            rejections += sorted(result.rejections, key=_by_row)
            warnings += result.warnings
    outages = _accepted(rest, Outage) + logs.outages
    maintenance = _accepted(rest, Maintenance)
    frames = Frames(logs.tickets, logs.events, outages_frame(outages),
                    maintenance_frame(maintenance), monitors_frame(logs.monitors),
                    maintenance_frame(logs.unmonitored, UNMONITORED_COLUMNS))
    return Dataset(frames, tuple(files), tuple(rejections), tuple(warnings),
                   records={"outages": outages, "maintenance": maintenance,
                            "monitors": logs.monitors, "unmonitored": logs.unmonitored},
                   last_seen=logs.last_seen)


def _accepted(results: list[SourceRows], kind: type[_T]) -> tuple[_T, ...]:
    return tuple(v.record for r in results for v in r.valid
                 if v.client is not None and isinstance(v.record, kind))


_by_row = attrgetter("row")  # sort key of rejections (a C getter: UCI has 117k of them)


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
