"""Parse cache: a ticket or status source read once, re-read from disk (SPEC §7).

``validate`` then ``metrics`` then ``batch`` on the same exports read each file once: the
result of reading and interpreting one source (valid rows, rejections, warnings, row
count; before the cross-file rules) is stored under the user cache directory
(``$QBR_CACHE_DIR``, else ``$XDG_CACHE_HOME/qbr``, else ``~/.cache/qbr``).

The key is a SHA-256 over: the qbr version and this module's format number; the file's
content digest (BLAKE2b of every byte); the source's whole config entry; the file label
used in messages; and the config parts interpretation reads (client names and aliases,
each client's tier priorities). A changed byte, a changed source entry or a changed client
list therefore misses. Hashing a 240 MB export costs ~0.3 s, so the digest of a path is
remembered together with its size, modification time, change time and inode; while all
four are unchanged the remembered digest is used (an edit always moves the change time,
which no tool can set back). ``--no-cache`` (``use_cache=False``) bypasses the cache for
reading and writing. A cache entry that cannot be read is ignored and rewritten; the
cache never changes a result (tests compare cached and uncached runs, rejections and
warnings included).

Frames are stored as uncompressed Arrow IPC files (``.arrow``, Feather v2) with text as
``large_string``, the layout pandas' ``str`` columns already use, and read back
memory-mapped: a hit is a stat, a map and ``to_pandas`` without converting a value
(~30 ms for 150,000 tickets and 750,000 status events, where Parquet needed ~0.5 s of
decoding). The price is disk: an entry takes roughly the size of the export it
replaces (the per-source entries, read only when the assembled one misses, are LZ4
compressed). Rejections and warnings (small, read into records anyway) stay in Parquet.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from operator import itemgetter
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from qbr import __version__
from qbr.adapter import InputWarning, Rejection
from qbr.config import Config, Source
from qbr.gcpause import gc_paused

FORMAT = 2  # 2: frames in Arrow IPC instead of Parquet
_REJECTION_FIELDS: tuple[str, ...] = Rejection._fields
_WARNING_FIELDS = ("file", "row", "column", "message")


def cache_dir() -> Path:
    """``$QBR_CACHE_DIR``, else ``$XDG_CACHE_HOME/qbr``, else ``~/.cache/qbr``."""
    if os.environ.get("QBR_CACHE_DIR"):
        return Path(os.environ["QBR_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "qbr"
    return Path.home() / ".cache" / "qbr"


def file_digest(path: Path) -> str:
    """BLAKE2b of the file's bytes, remembered per (path, size, mtime, ctime, inode)."""
    stat = path.stat()
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}"
    memo = cache_dir() / "digests" / hashlib.sha256(str(path).encode()).hexdigest()
    try:
        remembered = memo.read_text(encoding="utf-8").split(" ")
        if len(remembered) == 2 and remembered[0] == stamp:
            return remembered[1]
    except OSError:
        pass
    digest = hashlib.blake2b(digest_size=32)
    with path.open("rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
    value = digest.hexdigest()
    _write(memo, f"{stamp} {value}".encode())
    return value


def source_key(config: Config, source: Source, file: str) -> str:
    """The cache key of one source (see the module docstring)."""
    clients = {key: [c.name, list(c.aliases), sorted(config.tiers[c.tier].response_minutes)]
               for key, c in config.clients.items()}
    parts = {"version": __version__, "format": FORMAT, "content": file_digest(source.path),
             "source": repr(source), "file": file, "clients": clients,
             "aliases": sorted(config.alias_index.items())}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


Loaded = tuple[int, dict[str, str], pd.DataFrame, list[Rejection], list[InputWarning]]


def load(key: str) -> Loaded | None:
    """The stored (read, labels, frame, rejections, warnings), or None."""
    folder = cache_dir() / "sources" / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        frame = _read_frame(folder / "valid.arrow")
        rejections = _records(folder / "rejections.parquet", Rejection, _REJECTION_FIELDS)
        warnings = _records(folder / "warnings.parquet", InputWarning, _WARNING_FIELDS)
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None
    return int(meta["read"]), dict(meta["labels"]), frame, rejections, warnings


def store(key: str, read: int, labels: dict[str, str], frame: pd.DataFrame,
          rejections: list[Rejection], warnings: list[InputWarning]) -> None:
    """Write one source's entry; a cache that cannot be written is skipped silently
    (it only costs time on the next run)."""
    folder = cache_dir() / "sources" / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # LZ4: a source entry is read only when the assembled entry misses.
        _write_frame(frame, folder / "valid.arrow", "lz4")
        write_rejections(rejections, folder / "rejections.parquet")
        _table([asdict(w) for w in warnings], _WARNING_FIELDS, folder / "warnings.parquet")
        _write(folder / "meta.json", json.dumps({"read": read, "labels": labels}).encode())
    except (OSError, pa.ArrowException):
        return


def _write_frame(frame: pd.DataFrame, path: Path, compression: str | None = None) -> None:
    """``frame`` as an Arrow IPC file, text as ``large_string`` (what pandas' ``str`` dtype
    holds, so reading it back converts nothing); uncompressed unless ``compression``."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    schema = pa.schema([pa.field(f.name, pa.large_string()) if pa.types.is_string(f.type)
                        else f for f in table.schema], metadata=table.schema.metadata)
    with pa.OSFile(str(path), "wb") as sink, \
            pa.ipc.new_file(sink, schema, options=pa.ipc.IpcWriteOptions(
                compression=compression)) as writer:
        writer.write_table(table.cast(schema))


def _read_frame(path: Path) -> pd.DataFrame:
    """A frame written by :func:`_write_frame`, memory-mapped. No Arrow thread pool:
    packs render in forked children (qbr.report.budget)."""
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    frame: pd.DataFrame = table.to_pandas(use_threads=False)
    return frame


def _table(rows: list[dict[str, Any]], fields: tuple[str, ...], path: Path) -> None:
    types = {"row": pa.int64()}
    table = pa.table({f: pa.array([r[f] for r in rows], types.get(f, pa.string()))
                      for f in fields})
    pq.write_table(table, path)


def _records(path: Path, kind: Callable[..., Any], fields: tuple[str, ...]) -> list[Any]:
    columns = pq.read_table(path, use_threads=False).to_pydict()
    with gc_paused():  # e.g. 117k rejections of the UCI log: see qbr.gcpause
        return [kind(*values) for values in zip(*(columns[f] for f in fields), strict=True)]


def write_rejections(rejections: list[Rejection], path: Path) -> None:
    """Rejections as a Parquet file (also used by the log cache, :mod:`qbr.logs.cache`)."""
    # Column by column from the tuples (Rejection is a NamedTuple): no dict per row, and
    # no zip(*rejections), which is slow with a hundred thousand arguments.
    types = {"row": pa.int64()}
    pq.write_table(pa.table({f: pa.array(list(map(itemgetter(i), rejections)),
                                         types.get(f, pa.string()))
                             for i, f in enumerate(_REJECTION_FIELDS)}), path)


def read_rejections(path: Path) -> list[Rejection]:
    rejections: list[Rejection] = _records(path, Rejection, _REJECTION_FIELDS)
    return rejections


def write_warnings(warnings: list[InputWarning], path: Path) -> None:
    _table([asdict(w) for w in warnings], _WARNING_FIELDS, path)


def read_warnings(path: Path) -> list[InputWarning]:
    warnings: list[InputWarning] = _records(path, InputWarning, _WARNING_FIELDS)
    return warnings


def _write(path: Path, data: bytes) -> None:
    """Atomic write: a reader never sees half an entry."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        return


# ------------------------------------------------------------------ assembled part


def dataset_key(keys: list[str]) -> str:
    """The key of the ticket-and-status part of a run: its sources' keys, in order."""
    return hashlib.sha256(json.dumps(["assembled", FORMAT, keys]).encode()).hexdigest()


Part = tuple[dict[str, Any], list[Rejection], list[InputWarning]]


def store_assembled(key: str, tickets: pd.DataFrame, events: pd.DataFrame,
                    parts: dict[int, Part]) -> None:
    """After the cross-file rules (de-duplication, linking): the accepted frames and, per
    source position, its report fields, rejections and warnings."""
    folder = cache_dir() / "assembled" / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_frame(tickets, folder / "tickets.arrow")
        _write_frame(events, folder / "events.arrow")
        for pos, (_report, rejections, warnings) in parts.items():
            write_rejections(rejections, folder / f"rejections-{pos}.parquet")
            _table([asdict(w) for w in warnings], _WARNING_FIELDS,
                   folder / f"warnings-{pos}.parquet")
        reports = {str(pos): report for pos, (report, _r, _w) in parts.items()}
        _write(folder / "meta.json", json.dumps(reports).encode())
    except (OSError, pa.ArrowException):
        return


def load_assembled(key: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, Part]] | None:
    folder = cache_dir() / "assembled" / key
    try:
        reports = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        tickets = _read_frame(folder / "tickets.arrow")
        events = _read_frame(folder / "events.arrow")
        parts: dict[int, Part] = {}
        for pos, report in reports.items():
            rejections = _records(folder / f"rejections-{pos}.parquet", Rejection,
                                  _REJECTION_FIELDS)
            warnings = _records(folder / f"warnings-{pos}.parquet", InputWarning,
                                _WARNING_FIELDS)
            parts[int(pos)] = (report, rejections, warnings)
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None
    return tickets, events, parts
