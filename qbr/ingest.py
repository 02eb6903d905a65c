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
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
from qbr.frames import (
    EVENT_COLUMNS,
    TICKET_COLUMNS,
    UNMONITORED_COLUMNS,
    Frames,
    empty_frame,
    maintenance_frame,
    monitors_frame,
    outages_frame,
    ticket_records,
)
from qbr.io import mojibake, read_table
from qbr.logs.dispatch import LOG_KINDS, fold_into, read_log
from qbr.logs.sniff import outage_list_warnings, refuse_json
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
    # Event and uptime logs (qbr.logs): the records folded from the rows, and the log's
    # latest instant (UTC; the default cut-off, SPEC §3).
    folded: list[object] = field(default_factory=list)
    last_seen: datetime | None = None
    folded_rows: dict[str, list[int]] = field(default_factory=dict)  # ticket id → rows
    folded_events: pd.DataFrame | None = None  # event logs: status history (EVENT_COLUMNS)
    folded_tickets: pd.DataFrame | None = None  # event logs: the tickets (TICKET_COLUMNS)

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
                              rejections=rejections, warnings=warnings, frame=frame)
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
        result = SourceRows(source=source, file=file, labels=labels, read=len(table),
                            valid=[], rejections=col.rejections,
                            warnings=notes + col.warnings, frame=col.frame)
    else:
        rows = interpret(config, source, table,
                         monitor_index(config) if monitors is None else monitors)
        result = SourceRows(source=source, file=file, labels=labels, read=len(table),
                            valid=rows.valid, rejections=rows.rejections,
                            warnings=notes + rows.warnings)
    if source.kind == "tickets":
        _dedup_tickets([result])
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
    results: list[SourceRows | None] = [
        first[i] if i in first else
        None if hit is not None and s.kind in _COLUMNAR else
        read_source(config, s, index, use_cache)
        for i, s in enumerate(config.sources)]
    if hit is not None:
        tickets, events, parts = hit
        return _finish(results, monitors, tickets, events, parts)
    read = [r for r in results if r is not None]
    tickets, events = _columnar(read)
    dataset = _finish(results, monitors, tickets, events, {})
    if key is not None:
        cache.store_assembled(key, tickets, events, {
            i: (_report_fields(dataset.files[i]), sorted(r.rejections, key=_by_row),
                r.warnings)
            for i, r in enumerate(read) if r.source.kind in _COLUMNAR})
    return dataset


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


def _report_fields(report: FileReport) -> dict[str, Any]:
    return {"source": report.source, "file": report.file, "kind": report.kind,
            "read": report.read, "accepted": report.accepted, "unassigned": report.unassigned,
            "rejected": dict(report.rejected), "unassigned_names": dict(report.unassigned_names),
            "unmapped_priorities": dict(report.unmapped_priorities)}


def _report_from(fields: Mapping[str, Any], warnings: list[InputWarning]) -> FileReport:
    return FileReport(
        source=fields["source"], file=fields["file"], kind=fields["kind"],
        read=fields["read"], accepted=fields["accepted"], unassigned=fields["unassigned"],
        rejected=Counter(fields["rejected"]),
        unassigned_names=Counter(fields["unassigned_names"]),
        unmapped_priorities=Counter(fields["unmapped_priorities"]), warnings=list(warnings))


def assemble(results: list[SourceRows], monitors: tuple[Monitor, ...]) -> Dataset:
    """The cross-file rules over sources already read (each de-duplicated within itself):
    tickets de-duplicated across files, status events linked to their tickets, logs
    folded on top."""
    tickets, events = _columnar(results)
    return _finish(list(results), monitors, tickets, events, {})


def _columnar(results: list[SourceRows]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ticket-and-status part (what the parse cache stores as a whole)."""
    winners = _dedup_tickets(results)
    ranked = _link_status(results, winners)
    return _accepted_frame(results, "tickets", TICKET_COLUMNS), _events(results, ranked)


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
            files.append(_report_from(fields, warned))
            rejections += rejected
            warnings += warned
        else:
            files.append(_report(result))
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


def _accepted_frame(results: list[SourceRows], kind: str,
                    columns: tuple[str, ...]) -> pd.DataFrame:
    parts = []
    for r in results:
        if r.source.kind == kind and r.frame is not None and len(r.frame):
            assigned = r.frame["_client"].notna().to_numpy()
            parts.append(r.frame if assigned.all() else r.frame[assigned])
    if not parts:
        return empty_frame(columns)
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return frame[list(columns)].reset_index(drop=True)


def _events(results: list[SourceRows], ranked: pa.Table) -> pd.DataFrame:
    """Accepted status events sorted by (system, ticket_id, at). The sort is stable, so
    equal instants keep config and file order: the later row wins (SPEC §2).

    Built straight from the linked frames (no intermediate frame): an event's ``_rank`` is
    its ticket's row in ``ranked`` (the winners' keys in (system, ticket_id) order), so
    ``system`` and ``ticket_id`` are taken from there; the other text columns (few
    distinct values) are reordered through their dictionaries."""
    frames = [r.frame for r in results
              if r.source.kind == "status" and r.frame is not None and len(r.frame)]
    keeps = [f["_client"].notna().to_numpy() for f in frames]
    total = sum(int(k.sum()) for k in keeps)
    if not total:
        return empty_frame(EVENT_COLUMNS)

    def joined(name: str, dtype: str) -> np.ndarray:
        picked = []
        for f, keep in zip(frames, keeps, strict=True):
            values = f[name].to_numpy(dtype=dtype)
            picked.append(values if keep.all() else values[keep])
        return picked[0] if len(picked) == 1 else np.concatenate(picked)

    at = joined("at", "datetime64[ns]").view(np.int64)
    rank = joined("_rank", "int64")
    order = _sorted_by(rank, at)
    take = pa.array(order)
    where = pa.array(rank[order])
    columns: dict[str, pa.Array] = {
        "system": ranked.column("system").take(where),
        "ticket_id": ranked.column("ticket_id").take(where),
        "at": pa.array(at[order]).view(pa.timestamp("ns", tz="UTC"))}
    for name in ("status", "priority", "source_file"):
        chunks = []
        for f, keep in zip(frames, keeps, strict=True):
            text = pa.array(f[name], pa.string())
            if isinstance(text, pa.ChunkedArray):
                text = text.combine_chunks()
            chunks.append(text if keep.all() else text.filter(pa.array(keep)))
        text = chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)
        encoded = text.dictionary_encode()
        columns[name] = encoded.dictionary.take(encoded.indices.take(take))
    columns["source_row"] = pa.array(joined("source_row", "int64")[order])
    events: pd.DataFrame = pa.table({name: columns[name] for name in EVENT_COLUMNS}) \
        .to_pandas()
    return events


def _sorted_by(rank: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The stable order by (``rank``, ``at``), as ``np.lexsort((at, rank))`` gives it:
    a stable sort by ``at``, then one sort by the unique key rank × n + place in that
    order (cheaper than lexsort's two stable passes); no sort when already in order."""
    n = rank.size
    if n < 2 or (bool(np.all(rank[1:] >= rank[:-1])) and
                 bool(np.all((rank[1:] > rank[:-1]) | (at[1:] >= at[:-1])))):
        return np.arange(n)
    by_at = np.argsort(at, kind="stable")
    place = np.empty(n, dtype=np.int64)
    place[by_at] = np.arange(n)
    if int(rank.max()) + 1 > np.iinfo(np.int64).max // max(n, 1):
        return np.lexsort((at, rank))
    order: np.ndarray = np.argsort(rank * n + place)
    return order


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


_CONTENT = tuple(c for c in TICKET_COLUMNS if c not in ("source_file", "source_row"))


def _dedup_tickets(results: list[SourceRows]) -> pd.DataFrame:
    """SPEC §7: one version per (system, ticket_id); moves the losers to their file's
    rejections and returns the winners' (system, ticket_id, _client, _name). An
    identical repeat is a ``duplicate-row`` (naming the first copy); among distinct
    versions the latest ``updated_at`` wins when every version carries one, else the
    later source in the config, then the later row. :func:`read_source` runs it per
    file first, so the cross-file pass compares each file's winner. Content is compared
    through a 64-bit hash of every field but the provenance."""
    tickets = [r for r in results if r.source.kind == "tickets"]
    keys = ["system", "ticket_id"]
    if not tickets:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in [*keys, "_client", "_name"]})
    repeated = _repeated_keys(tickets)
    if any(bool(mask.any()) for mask in repeated):
        # Only rows whose key repeats are compared: the rest win alone.
        parts = [_rows(r)[mask][[*_CONTENT, "source_row", "_client"]].assign(_src=i)
                 .assign(_pos=np.flatnonzero(mask))
                 for i, (r, mask) in enumerate(zip(tickets, repeated, strict=True))]
        rep = pd.concat(parts, ignore_index=True)
        rep["_hash"] = pd.util.hash_pandas_object(rep[list(_CONTENT)], index=False).to_numpy()
        rep["_ord"] = np.arange(len(rep))
        copies = rep.duplicated([*keys, "_hash"], keep="first").to_numpy()
        first = rep.groupby([*keys, "_hash"], sort=False)["_ord"].transform("first")
        distinct = rep[~copies]
        stamped = distinct.groupby(keys, sort=False)["updated_at"].transform("count") == \
            distinct.groupby(keys, sort=False)["updated_at"].transform("size")
        stamp = distinct["updated_at"].where(stamped.to_numpy(), pd.NaT)
        ranked = distinct.assign(_stamp=stamp).sort_values(
            [*keys, "_stamp", "_ord"], kind="stable", na_position="first")
        winners = ranked.drop_duplicates(keys, keep="last").set_index(keys)
        label = [tickets[i].file for i in range(len(tickets))]
        w = winners.reindex(pd.MultiIndex.from_frame(rep[keys]))
        w_src, w_row = w["_src"].to_numpy(dtype=np.int64), w["source_row"].to_numpy(np.int64)
        src, pos = rep["_src"].to_numpy(dtype=np.int64), rep["_pos"].to_numpy(dtype=np.int64)
        rows = rep["source_row"].to_numpy(dtype=np.int64)
        firsts = first.to_numpy(dtype=np.int64)
        is_winner = np.zeros(len(rep), dtype=np.bool_)
        is_winner[winners["_ord"].to_numpy()] = True
        # Column-wise: each loser names the row it repeats (its first identical copy) or
        # the version that superseded it; Python only formats the messages.
        lost = np.flatnonzero(~is_winner)
        dup = copies[lost]
        ref_src = np.where(dup, src[firsts[lost]], w_src[lost]).tolist()
        ref_row = np.where(dup, rows[firsts[lost]], w_row[lost]).tolist()
        details = [f"identical to {label[s]} row {n}" if d else f"superseded by {label[s]} row {n}"
                   for d, s, n in zip(dup.tolist(), ref_src, ref_row, strict=True)]
        reasons = np.where(dup, "duplicate-row", "superseded").tolist()
        clients = pa.array(rep["_client"], pa.string()).take(pa.array(lost)).to_pylist()
        lost_src, lost_rows = src[lost], rows[lost].tolist()
        for s_i in np.unique(lost_src).tolist():
            mine = np.flatnonzero(lost_src == s_i)
            r = tickets[s_i]
            if mine.size == lost.size:  # one source: the lists as they are
                r.rejections.extend(map(Rejection, [r.file] * mine.size, lost_rows, reasons,
                                        [None] * mine.size, details, clients))
            else:
                r.rejections.extend(
                    Rejection(r.file, lost_rows[j], reasons[j], None, details[j], clients[j])
                    for j in mine.tolist())
            keep = np.ones(len(_rows(r)), dtype=np.bool_)
            keep[pos[lost[mine]]] = False
            r.frame = _rows(r)[keep].reset_index(drop=True)
    return pd.concat([_rows(r)[[*keys, "_client", "_name"]] for r in tickets],
                     ignore_index=True)


def _repeated_keys(tickets: list[SourceRows]) -> list[np.ndarray]:
    """Per ticket source, which rows share their (system, ticket_id) with another row of
    any of them: one hash pass over the keys (Arrow dictionary encoding) and a count."""
    ids = pa.chunked_array([_flat(pa.array(_rows(r)["ticket_id"], pa.string()))
                            for r in tickets], pa.string())
    systems = pa.chunked_array([_flat(pa.array(_rows(r)["system"], pa.string()))
                                for r in tickets], pa.string())
    codes = []
    for column in (ids, systems):
        encoded = column.dictionary_encode().combine_chunks()
        codes.append((encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                       .astype(np.int64) + 1, len(encoded.dictionary) + 1))
    (id_code, width), (system_code, _) = codes
    key = system_code * width + id_code
    if key.size and int(key.max()) <= 8 * key.size + 1024:  # one system (or a few)
        repeated = np.bincount(key)[key] > 1
    else:
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        repeated = counts[inverse.reshape(-1)] > 1
    bounds = np.cumsum([0, *(len(_rows(r)) for r in tickets)])
    return [repeated[bounds[i]:bounds[i + 1]] for i in range(len(tickets))]


def _rows(result: SourceRows) -> pd.DataFrame:
    """The valid rows of a ticket or status source."""
    assert result.frame is not None, result.source.kind
    return result.frame


def _link_status(results: list[SourceRows], winners: pd.DataFrame) -> pa.Table:
    """A status row follows its ticket: accepted, unassigned, or ``unknown-ticket``.
    Looked up by ticket id among the winners of the source's system (Arrow hash join).
    Each kept event gets ``_rank``, its ticket's place in (system, ticket_id) order;
    returns the winners' (system, ticket_id) in that order."""
    keys = pa.table({"system": pa.array(winners["system"], pa.string()),
                     "ticket_id": pa.array(winners["ticket_id"], pa.string())})
    order = pc.sort_indices(keys, sort_keys=[("system", "ascending"),
                                             ("ticket_id", "ascending")]).to_numpy()
    rank = np.empty(len(winners), dtype=np.int64)
    rank[order] = np.arange(len(winners))
    for result in results:
        if result.source.kind != "status":
            continue
        frame = _rows(result)
        mask = (winners["system"] == result.source.system).to_numpy(dtype=bool)
        mine = np.flatnonzero(mask)
        where = pc.index_in(pa.array(frame["ticket_id"], pa.string()),
                            value_set=keys.column("ticket_id").take(pa.array(mine)))
        found = where.is_valid().to_numpy(zero_copy_only=False)
        missing = np.flatnonzero(~found)
        if missing.size:
            label = result.labels["ticket_id"]
            numbers = frame["source_row"].to_numpy()[missing]
            ids = pa.array(frame["ticket_id"], pa.string()).take(pa.array(missing)).to_pylist()
            for row, ticket in zip(numbers.tolist(), ids, strict=True):
                result.rejections.append(Rejection(
                    result.file, row, "unknown-ticket", label,
                    f"no ticket {ticket!r} in system {result.source.system!r}", None))
            frame = frame[found].reset_index(drop=True)
        hit = mine[where.filter(where.is_valid()).to_numpy()]
        client = _flat(pa.array(winners["_client"], pa.string())).take(hit)
        frame["_client"] = client.to_pandas()
        # The company name is read only for unassigned events (FileReport); the others
        # point at an appended "" instead of copying every name.
        names = pa.concat_arrays([_flat(pa.array(winners["_name"], pa.string())),
                                  pa.array([""], pa.string())])
        unassigned = client.is_null().to_numpy(zero_copy_only=False)
        frame["_name"] = names.take(np.where(unassigned, hit, len(winners))).to_pandas()
        frame["_rank"] = rank[hit]
        result.frame, result.linked = frame, True
    return keys.take(pa.array(order))


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (``pa.array`` of a pandas column may give a chunked one)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _unmapped_folded(result: SourceRows) -> Counter[str]:
    """Accepted, unclassified tickets folded from an event log, per exported priority."""
    frame = result.folded_tickets
    if frame is None:
        return Counter()
    hit = ((frame["client"] != "") & frame["priority"].isna()).to_numpy()
    return Counter(frame["priority_raw"][hit].tolist())


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
