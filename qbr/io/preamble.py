"""Lines above the header (ADVERSARIAL 26): Excel's ``sep=;`` line and report preambles.

Excel writes ``sep=;`` as the first line of some CSV exports; it sets the delimiter (over
the source's declared one, as Excel itself does) and is skipped. Report-style exports put a
title, a period and a blank line above the header: the header is the first of the first
50 lines that holds every mapped column label (after header normalisation), and the lines
above it are skipped. Either is reported as one warning; later rows keep the line numbers
an editor shows.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection
from dataclasses import dataclass

from qbr.io.mapped import Data
from qbr.io.table import normalise_header

SCAN_LINES = 50
_SEP = re.compile(r'"?sep=(.)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Start:
    """Where the table starts: byte ``offset`` of the header line in the UTF-8 text,
    ``lines`` skipped above it, the ``delimiter`` in force and a ``note`` ("" if none)."""

    offset: int
    lines: int
    delimiter: str
    note: str


def locate(buf: Data, delimiter: str, labels: Collection[str]) -> Start:
    """Find the header line of ``buf`` (UTF-8) for the mapped column ``labels``."""
    offset, lines, notes = 0, 0, []
    first = _line(buf, 0)
    sep = _SEP.fullmatch(first[0].strip()) if "\r" not in first[0] else None
    if sep:
        if sep.group(1) != delimiter:
            notes.append(f"the file's first line {first[0].strip()!r} sets the delimiter to "
                         f"{sep.group(1)!r} (declared {delimiter!r})")
        else:
            notes.append(f"skipped Excel's {first[0].strip()!r} line")
        delimiter, offset, lines = sep.group(1), first[1], 1
    wanted = {normalise_header(label).casefold() for label in labels}
    pos, best = offset, (0, 0, offset)  # (labels found, line index, offset)
    for i in range(SCAN_LINES):
        text, end = _line(buf, pos)
        try:
            cells = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:  # e.g. a classic-Mac file (no "\n"): not a preamble line
            cells = []
        found = len(wanted & {normalise_header(c).casefold() for c in cells})
        if found > best[0]:
            best = (found, i, pos)
        if (wanted and found == len(wanted)) or end >= len(buf):
            break
        pos = end
    # No line holds every label: the one holding most is the header, so the missing
    # columns are named against it.
    _found, i, pos = best
    if i:
        notes.append(f"skipped {i} line(s) above the header (from line {lines + 1}); "
                     f"the header is line {lines + i + 1}")
    return Start(pos, lines + i, delimiter, "; ".join(notes))


def _line(buf: Data, start: int) -> tuple[str, int]:
    """The line at ``start`` (without its break) and the offset after its break."""
    end = buf.find(b"\n", start)
    stop = len(buf) if end < 0 else end + 1
    text = buf[start:stop].decode("utf-8", errors="replace").rstrip("\r\n")
    return text.removeprefix("\ufeff"), stop
