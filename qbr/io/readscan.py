"""A large UTF-8 CSV read and scanned at once (SPEC §7): the file is read in blocks into
one buffer allocated at its size, and each stretch of whole lines already read is handed
to :func:`qbr.io.linescan.scan_lines` on a pool of two threads while the next blocks are
read. Reading a million-row export (249 MB) alone takes ~0.26 s on one core; here it
overlaps the scan instead of preceding it. The memory is the same as reading the file
whole: one copy of its bytes, in private anonymous memory (:class:`qbr.io.mapped.Mapped`,
which pyarrow and numpy use in place). The file itself is read with ordinary reads, never
mapped: a file cut short while mapped would end the process with SIGBUS (README).
"""

from __future__ import annotations

import io
import mmap
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from qbr.io.csvfile import read_errors, refuse_empty
from qbr.io.linescan import Scan, merged, scan_lines
from qbr.io.mapped import Data, Mapped

__all__ = ["MIN_BYTES", "read_scanned"]


#: Files from this size are read and scanned at once (below: read whole, then scanned on
#: two threads, which a file of fewer than two stretches would not be).
MIN_BYTES = 1 << 27
# 64 MiB per read call and per stretch scanned: measured against 8/16 and 32/32 MiB on
# the 249 MB export, the fewest calls and page-fault rounds (least CPU) for the overlap.
_READ = 1 << 26
_BATCH = 1 << 26


def read_scanned(path: Path, file: str, delimiter: str
                 ) -> tuple[Data, Scan | None]:
    """The file's bytes and their :class:`Scan` (None when the delimiter is not ASCII or
    the file has no ``\\n``; the caller then takes the exact path). A missing,
    unreadable or empty file is an InputError with :func:`qbr.io.csvfile.read_bytes`'s
    messages. A file that shrinks while it is read keeps the bytes read (copied once);
    one that grows is read to the size it had when opened."""
    with read_errors(file), open(path, "rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < MIN_BYTES or ord(delimiter) > 0x7F:
            data = handle.readall()
            refuse_empty(data, file)
            from qbr.io.linescan import scan

            return data, scan(data, delimiter)
        return _read_scanned(handle, size, file, delimiter)


def _read_scanned(handle: io.FileIO, size: int, file: str, delimiter: str
                  ) -> tuple[Data, Scan | None]:
    # Anonymous memory mapped for the file (not a bytearray, which zero-fills every page
    # first: 0.1-0.2 CPU s for 249 MB, serial, before the first read).
    # Private, not mmap's default shared mapping: shared anonymous memory is shmem, whose
    # page faults cost more (0.32-0.35 against 0.25-0.26 CPU s to read 249 MB, as much as
    # reading the file whole).
    if sys.platform == "win32":
        buf = Mapped(-1, size)
    else:
        buf = Mapped(-1, size, flags=mmap.MAP_PRIVATE)
    view = memoryview(buf)
    parts: list[Future[Scan]] = []
    filled = done = 0  # bytes read; bytes handed to the scan (a line start)
    with ThreadPoolExecutor(2) as pool:
        try:
            while filled < size:
                got = handle.readinto(view[filled:min(filled + _READ, size)])
                if not got:
                    break
                filled += got
                if filled - done >= _BATCH:
                    # The stretch ends after the last line break read: whole lines only.
                    end = buf.rfind(b"\n", done, filled) + 1
                    if end > done:
                        parts.append(pool.submit(scan_lines, buf, delimiter, done, end))
                        done = end
            if filled > done:
                parts.append(pool.submit(scan_lines, buf, delimiter, done, filled))
            scans = [part.result() for part in parts]
        finally:
            for part in parts:
                part.cancel()
    data: Data = buf if filled == size else bytes(buf[:filled])
    refuse_empty(data, file)
    facts = merged(scans)
    return data, facts if facts.breaks else None
