"""Checks across sources that ``qbr validate`` and ``qbr metrics`` make loud (issue 5 §5;
README "Values that never turn into wrong numbers").

- The same file declared as two unrelated sources (two tickets sources on one path):
  every row would be counted twice. A tickets and a status source reading one export
  (the usual ServiceNow list with its state) are related and fine.
- A client whose rows a source rejected while it accepted none of that client's rows:
  the client's quarter would be empty because of rejections, not because nothing
  happened. ``validate`` fails (exit 65) naming client and source; ``metrics`` warns.
- The rejected rows as a CSV for Excel (``qbr validate --rejects FILE``).
- Unassigned names listed as the top 20 with counts, then "… and N more".
- Contradictions per client: a Resolved/Closed status without a resolved or closed time,
  and a resolved or closed time on a ticket whose status is open.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qbr.config import Config
from qbr.errors import QbrError

if TYPE_CHECKING:
    from qbr.adapter import Rejection
    from qbr.ingest import FileReport

#: Source kinds that may read one file together: one export, two views of it.
RELATED_KINDS = (frozenset({"tickets", "status"}),)
#: Source kinds whose accepted rows are tickets (the accepted side of the empty check).
TICKET_KINDS = ("tickets", "events")
#: Unassigned names shown per file; the rest is counted (never dropped silently).
TOP_NAMES = 20
#: Cell starts a spreadsheet reads as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def shared_files(config: Config) -> list[str]:
    """One warning per file that two unrelated sources declare (config order)."""
    by_path: dict[Path, list[int]] = {}
    for i, source in enumerate(config.sources):
        by_path.setdefault(source.path, []).append(i)
    out = []
    for indices in by_path.values():
        if len(indices) < 2:
            continue
        sources = [config.sources[i] for i in indices]
        kinds = frozenset(s.kind for s in sources)
        same_kind = len(kinds) < len(sources)
        if not same_kind and kinds in RELATED_KINDS:
            continue
        names = " and ".join(f"{s.name} ({s.kind})" for s in sources)
        label = sources[0].written or sources[0].path.as_posix()
        out.append(f"{label}: the same file is declared as sources {names}; its rows are "
                   f"read once per source and may be counted twice")
    return out


def rejected_clients(files: Sequence[FileReport], rejections: Sequence[Rejection],
                     accepted: Mapping[tuple[str, str], int]
                     ) -> list[tuple[str, str, str, int]]:
    """(source, file, client key, rejected rows) for each client that a source rejected
    rows of and accepted none of. ``rejections`` are in file-report order (as
    :func:`split_rejections` cuts them); ``accepted`` counts accepted rows per
    (file, client key)."""
    out = []
    for report, rejected in zip(files, split_rejections(files, rejections), strict=True):
        if report.kind not in TICKET_KINDS:
            continue
        counts = Counter(r.client for r in rejected if r.client)
        for client, n in counts.items():
            if not accepted.get((report.file, client), 0):
                out.append((report.source, report.file, client, n))
    return out


def empty_quarter_warnings(quarter: str, totals: Mapping[str, int],
                           files: Sequence[FileReport], rejections: Sequence[Rejection]
                           ) -> list[str]:
    """``qbr metrics``: one warning per client with no ticket in ``quarter`` (``totals``:
    client key → tickets counted) while a ticket source rejected rows of that client."""
    out = []
    for report, rejected in zip(files, split_rejections(files, rejections), strict=True):
        if report.kind not in TICKET_KINDS:
            continue
        counts = Counter(r.client for r in rejected if r.client)
        for client, n in sorted(counts.items()):
            if totals.get(client, 1) == 0:
                out.append(f"client {client} has no tickets in {quarter} while {n} of its "
                           f"rows in {report.file} (source {report.source}) were rejected "
                           f"(run qbr validate)")
    return out


def split_rejections(files: Sequence[FileReport], rejections: Sequence[Rejection]
                     ) -> list[list[Rejection]]:
    """The run's rejections cut per source: :func:`qbr.ingest.load_dataset` lists them
    source by source in config order, each source's as many as its report counts, so
    two sources reading one file keep their own rows."""
    out, start = [], 0
    for report in files:
        n = report.rejected.total()
        out.append(list(rejections[start:start + n]))
        start += n
    return out


def top_names(names: Counter[str]) -> tuple[list[tuple[str, int]], int, int]:
    """The :data:`TOP_NAMES` most frequent names with counts, then how many more names
    and rows there are."""
    ranked = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ranked[:TOP_NAMES], ranked[TOP_NAMES:]
    return shown, len(rest), sum(n for _, n in rest)


def inert(text: str) -> str:
    """A cell as text that a spreadsheet shows and never evaluates: a formula-like start
    gets a leading apostrophe (Excel's own text marker)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class OutputError(QbrError):
    """An output file cannot be written (exit 73, EX_CANTCREAT)."""

    exit_code = 73


REJECTS_HEADER = ("source", "file", "row", "column", "reason", "message")


def write_rejects(path: str | Path, rows: Iterable[tuple[str, Rejection]]) -> int:
    """Write every rejected row (source name, rejection) as CSV, UTF-8 with BOM so Excel
    opens it with the right encoding; every cell inert. Returns the rows written."""
    target = Path(path)
    n = 0
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECTS_HEADER)
            for source, r in rows:
                writer.writerow([inert(source), inert(r.file), r.row, inert(r.column or ""),
                                 inert(r.reason), inert(r.detail)])
                n += 1
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the rejected rows ({exc.strerror})") \
            from None
    return n


# --------------------------------------------------------------- contradictions

#: Canonical statuses of a ticket still being worked on (SPEC §2).
OPEN_STATUSES = ("running", "pause", "waiting_customer", "waiting_vendor")
DONE_WITHOUT_TIME = "done_without_time"
TIME_WHILE_OPEN = "time_while_open"


def contradictions(tickets: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per client key, the accepted tickets whose export contradicts itself (issue 5 §5):
    ``done_without_time``: status Resolved/Closed but neither a resolved nor a closed
    time; ``time_while_open``: a resolved or closed time while the status is open.
    Clients without either are left out. Column-wise."""
    if not len(tickets) or "status" not in tickets:
        return {}
    status = tickets["status"].astype(object)
    stamped = tickets["resolved_at"].notna() | tickets["closed_at"].notna()
    done = status.isin(["resolved", "closed"]).to_numpy(dtype=bool) & ~stamped.to_numpy()
    still = status.isin(list(OPEN_STATUSES)).to_numpy(dtype=bool) & stamped.to_numpy()
    frame = pd.DataFrame({"client": tickets["client"].astype(object).to_numpy(),
                          DONE_WITHOUT_TIME: done, TIME_WHILE_OPEN: still})
    sums = frame.groupby("client", sort=True)[[DONE_WITHOUT_TIME, TIME_WHILE_OPEN]].sum()
    out: dict[str, dict[str, int]] = {}
    for client, row in sums.iterrows():
        counts = {k: int(row[k]) for k in (DONE_WITHOUT_TIME, TIME_WHILE_OPEN) if row[k]}
        if counts and client:
            out[str(client)] = counts
    return out
