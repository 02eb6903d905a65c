"""Parse cache for event and uptime logs: a log read and folded once (SPEC §7; README
"Parse cache").

A log's fold depends on more than its file: which monitors are configured (uptime logs
resolve monitor names through them and narrow their spans), how company names map to
clients, each client's tier priorities, and the source's fold rules. The entry of one
log source (``kind = "events"``, ``"uptime_states"``, ``"checks"``) is therefore keyed
by a SHA-256 over:

- qbr's version, :data:`qbr.cache.FORMAT` and this module's :data:`FORMAT`;
- the file's content digest (:func:`qbr.cache.file_digest`: every byte);
- the source's whole config entry, its preset already merged in (columns, values,
  null tokens, date formats, time zone, ``fold`` rules, ``stale_after``, ``interval``,
  ``gap_factor``) and the file label used in messages;
- every client (name, aliases, tier, monitors) and tier (targets, calendars), the alias
  index, the configured monitors and the monitor index the log is resolved against
  (config monitors plus those of ``monitors`` sources).

``--as-of`` is not part of the key: no fold reads it (a log's default cut-off, its last
row, is stored with the entry and ``--as-of`` is applied after ingest). ``--no-cache``
(``use_cache=False``) neither reads nor writes an entry.

An entry is a folder under ``<cache dir>/logs/<key>`` holding Arrow IPC frames (the
accepted rows, the folded tickets, status history, outages, unmonitored spans and
observed monitors), Parquet rejections and warnings, and ``meta.json`` (row count,
labels, last instant, the key itself), written to a temporary folder and renamed into
place, so a reader sees a whole entry or none. An entry that cannot be read, names
another key or does not reconcile (read ≠ counted rows + rejections) is ignored and
rewritten: the cache never changes a result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from qbr import __version__, cache
from qbr.adapter import MonitorIndex, config_monitors
from qbr.config import Config, Source
from qbr.frames import (
    UNMONITORED_COLUMNS,
    maintenance_frame,
    monitor_records,
    monitors_frame,
    outages_frame,
    unmonitored_records,
)
from qbr.model import Monitor, Outage, Provenance, Unmonitored

if TYPE_CHECKING:
    from qbr.ingest import SourceRows

FORMAT = 1
_FAILURES = (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
             AssertionError, pa.ArrowException)


def log_key(config: Config, source: Source, file: str, monitors: MonitorIndex) -> str:
    """The cache key of one log source (see the module docstring). Raises ``OSError``
    when the file cannot be read (the reader then reports it)."""
    parts = {"version": __version__, "formats": [cache.FORMAT, FORMAT],
             "content": cache.file_digest(source.path), "source": _canon(source),
             "file": file, "clients": _canon(config.clients), "tiers": _canon(config.tiers),
             "aliases": _canon(config.alias_index),
             "configured": _canon(config_monitors(config)),
             "monitors": _canon(monitors)}
    text = json.dumps(parts, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _canon(value: Any) -> Any:
    """``value`` as JSON-able data that is the same in every process: sets sorted (their
    iteration order changes with the interpreter's string hashing), dataclasses by field,
    mappings by key, anything else by ``repr``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canon(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted((_canon(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


# ---------------------------------------------------------------------------- store


def store(key: str, result: SourceRows) -> None:
    """Write ``result`` (a log just read and folded, before the cross-file rules) under
    ``key``; a cache that cannot be written is skipped (it only costs time later)."""
    root = cache.cache_dir() / "logs"
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    except OSError:
        return
    try:
        _write_entry(tmp, key, result)
        target = root / key
        if target.exists():  # an entry that failed to load: replaced, never trusted
            shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    except _FAILURES:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_entry(folder: Path, key: str, result: SourceRows) -> None:
    records = result.folded
    frames: dict[str, pd.DataFrame] = {
        "rows": result.frame if result.frame is not None else pd.DataFrame(),
        "outages": outages_frame(x for x in records if isinstance(x, Outage)),
        "unmonitored": maintenance_frame((x for x in records if isinstance(x, Unmonitored)),
                                         UNMONITORED_COLUMNS),
        "monitors": monitors_frame(x for x in records if isinstance(x, Monitor))}
    if result.folded_tickets is not None:
        frames["tickets"] = result.folded_tickets
    if result.folded_events is not None:
        frames["events"] = result.folded_events
    objects = {}
    for name, frame in frames.items():
        _write_frame(frame, folder / f"{name}.arrow")
        objects[name] = [c for c in frame.columns if frame[c].dtype == object]
    ticket_rows = pa.table({"ticket_id": pa.array(list(result.folded_rows), pa.string()),
                            "rows": pa.array(list(result.folded_rows.values()),
                                             pa.list_(pa.int64()))})
    _write_table(ticket_rows, folder / "ticket_rows.arrow")
    cache.write_rejections(result.rejections, folder / "rejections.parquet")
    cache.write_warnings(result.warnings, folder / "warnings.parquet")
    meta = {"key": key, "read": result.read, "labels": dict(result.labels),
            "last_seen": None if result.last_seen is None else result.last_seen.isoformat(),
            "objects": objects, "tickets": result.folded_tickets is not None,
            "events": result.folded_events is not None}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    _write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _write_table(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


# ----------------------------------------------------------------------------- load


def load(key: str, source: Source, file: str) -> SourceRows | None:
    """The stored result of ``key``, or ``None`` (no entry, or one that cannot be read
    or does not reconcile)."""
    try:
        return _load(cache.cache_dir() / "logs" / key, key, source, file)
    except _FAILURES:
        return None


def _load(folder: Path, key: str, source: Source, file: str) -> SourceRows | None:
    from qbr.ingest import SourceRows

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["key"] != key:
        return None
    objects: Mapping[str, list[str]] = meta["objects"]

    def frame(name: str) -> pd.DataFrame:
        return _read_frame(folder / f"{name}.arrow", objects[name])

    rows = frame("rows")
    tickets = frame("tickets") if meta["tickets"] else None
    events = frame("events") if meta["events"] else None
    folded: list[object] = []
    folded.extend(_outages(frame("outages")))
    folded.extend(unmonitored_records(frame("unmonitored")))
    folded.extend(monitor_records(frame("monitors")))
    table = _read_table(folder / "ticket_rows.arrow")
    ticket_rows = dict(zip(table.column("ticket_id").to_pylist(),
                           table.column("rows").to_pylist(), strict=True))
    rejections = cache.read_rejections(folder / "rejections.parquet")
    warnings = cache.read_warnings(folder / "warnings.parquet")
    read = int(meta["read"])
    if len(rows) + len(rejections) != read:  # a damaged entry: never trusted
        return None
    last = meta["last_seen"]
    return SourceRows(source=source, file=file, labels=dict(meta["labels"]), read=read,
                      valid=[], rejections=rejections, warnings=warnings,
                      frame=rows, folded=folded,
                      last_seen=None if last is None else datetime.fromisoformat(last),
                      folded_rows=ticket_rows, folded_events=events,
                      folded_tickets=tickets)


def _read_table(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as mapped:
        return pa.ipc.open_file(mapped).read_all()


def _read_frame(path: Path, objects: list[str]) -> pd.DataFrame:
    """A stored frame with the dtypes it was stored with: the ``object`` text columns
    come back as ``object`` holding ``str`` or ``None`` (pandas would make them ``str``,
    and a concatenation with the other sources' frames would then change dtype)."""
    table = _read_table(path)
    frame: pd.DataFrame = table.to_pandas(use_threads=False)
    for name in objects:
        values = table.column(name).to_numpy(zero_copy_only=False).astype(object)
        frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _outages(frame: pd.DataFrame) -> list[Outage]:
    ends = frame["end"]
    return [Outage(str(m), str(c), pd.Timestamp(s).to_pydatetime(),
                   None if pd.isna(e) else pd.Timestamp(e).to_pydatetime(),
                   None if r is None or r != r else str(r), Provenance(str(f), int(n)))
            for m, c, s, e, r, f, n in zip(frame["monitor"], frame["client"], frame["start"],
                                           ends, frame["reason"], frame["source_file"],
                                           frame["source_row"], strict=True)]

