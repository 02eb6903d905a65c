"""Checks that catch an uptime export declared as the wrong kind (README "Uptime logs").

- A status-page JSON feed (``[``/``{`` first) given as a CSV source fails with an error
  that says "JSON", not with a CSV quoting error.
- An ``outages`` list whose rows are really state changes warns: when most rows hold an
  up-event word (``up``, ``ok``, ``started``) in some cell, or when an outage is left
  open although later rows of the same monitor exist (every "up" row of a state log
  read as an outage start would be one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qbr.adapter import InputWarning
from qbr.config import Source
from qbr.errors import InputError
from qbr.io import RawTable, cell_text
from qbr.model import Outage

if TYPE_CHECKING:
    from qbr.ingest import SourceRows

_UP_WORDS = frozenset({"up", "ok", "started", "online", "operational"})


def refuse_json(source: Source, file: str) -> None:
    """Raise :class:`InputError` when a CSV source's file is JSON."""
    if source.path.suffix.lower() in (".xlsx", ".xlsm") or not source.path.is_file():
        return
    with source.path.open("rb") as handle:
        head = handle.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"[", b"{") or source.path.suffix.lower() == ".json":
        raise InputError(file, "this is JSON (a status-page feed?), not a CSV or XLSX export:"
                               " qbr reads tabular exports; convert the incidents to an "
                               "outage list with monitor, start and end columns")


def outage_list_warnings(result: SourceRows, table: RawTable) -> list[InputWarning]:
    """Warnings for an ``outages`` source that looks like a state-change log."""
    warnings: list[InputWarning] = []
    rows = [raw for raw in table.rows if raw.reason is None]
    ups = sum(any(cell_text(c).casefold() in _UP_WORDS for c in raw.cells) for raw in rows)
    if rows and ups * 2 > len(rows):
        warnings.append(InputWarning(
            result.file, 0, "", f"{ups} of {len(rows)} rows look like up-events: this looks "
            "like a state-change log; declare it as kind = \"uptime_states\" (README "
            "\"Uptime logs\") or every up-event becomes an open outage"))
    outages = [v.record for v in result.valid if isinstance(v.record, Outage)]
    latest: dict[str, Outage] = {}
    for o in outages:
        if o.monitor not in latest or o.start > latest[o.monitor].start:
            latest[o.monitor] = o
    open_early = [o for o in outages if o.end is None and latest[o.monitor].start > o.start]
    if open_early:
        o = open_early[0]
        warnings.append(InputWarning(
            result.file, o.source.row, table.label("start"),
            f"{len(open_early)} outage(s) have no end although later rows of the same "
            f"monitor exist (first: {o.monitor!r}); is this a state-change log "
            "(kind = \"uptime_states\")?"))
    return warnings
