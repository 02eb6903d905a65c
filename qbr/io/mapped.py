"""A large UTF-8 export mapped into memory instead of read (issue 5 §1, README "Reading
a million rows"): the column-wise CSV reader (:mod:`qbr.io.fastcsv`) only looks at the
bytes (numpy views, pyarrow buffers, short slices), so the page cache's own pages serve,
with no 250 MB copy into fresh memory. Reading a million-row export (249 MB) costs
~0.85 CPU s with ``read`` against ~0.2 s mapped, on this machine; the bytes are the same.
"""

from __future__ import annotations

import mmap
from pathlib import Path

from qbr.io.csvfile import read_bytes

__all__ = ["MAP_FROM", "Bytes", "as_bytes", "file_bytes"]

#: The bytes of a file: read (``bytes``) or mapped read-only (``mmap``; slicing gives
#: ``bytes``, ``find``/``in``/``len`` and the buffer protocol work alike).
Bytes = bytes | mmap.mmap

#: Files from this size are mapped (below: one read is as cheap, and simpler).
MAP_FROM = 16 << 20


def file_bytes(path: Path, file: str) -> Bytes:
    """The bytes of the file at ``path``: mapped read-only from :data:`MAP_FROM` bytes,
    else read. A missing, unreadable or empty file is an :class:`InputError` with the
    messages of :func:`qbr.io.csvfile.read_bytes`. The mapping is released when the
    last reference to it goes (the reader's lazily parsed columns keep it); a file
    rewritten while qbr runs is read as it was only when it is read, not mapped: the
    reader parses every mapped column at once, so only an unmapped column of a wide
    export, parsed on demand, could see a later state."""
    try:
        size = path.stat().st_size
    except OSError:
        return read_bytes(path, file)  # the same message as a read would give
    if size < MAP_FROM:
        return read_bytes(path, file)
    try:
        with path.open("rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return read_bytes(path, file)  # e.g. a pipe or a special file: read it


def as_bytes(data: Bytes) -> bytes:
    """``data`` as ``bytes`` (a copy of a mapping) for the decoders that need the type."""
    return data if isinstance(data, bytes) else bytes(data)

