"""What ``qbr init`` learns from an unknown export (README "qbr init"): encoding,
delimiter, header row, a matching preset, the columns that hold each canonical field,
and the date formats that read every value. Nothing here writes or asks.

Date formats are proposed, never guessed silently: a format (or a pair, for a column an
Excel re-save left half converted) is proposed only when it parses *every* non-blank
value; when a day-first and a month-first reading both do, the caller must ask.
"""

from __future__ import annotations

import csv
import io
import itertools
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from qbr.errors import InputError
from qbr.logs.kuma import is_sqlite
from qbr.presets import PRESETS, Preset

#: Candidate formats, tried in this order. Day-first and month-first twins are both here
#: on purpose: which one a file uses is asked, not assumed.
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f",
    "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S", "%m-%d-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%m-%d-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%m/%d/%Y %I:%M %p", "%d/%b/%y %I:%M %p",
    "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y",
)
DATE_FIELDS = ("created_at", "at", "first_response_at", "resolved_at", "closed_at",
               "updated_at", "start", "end")
#: Header words (casefolded, substring) that suggest a canonical field without a preset.
HINTS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket id", "case id", "ticket number", "number", "id", "#", "ticket"),
    "client": ("company", "client", "customer", "organization", "organisation", "account",
               "location", "assignment group", "assignment_group", "group"),
    "priority": ("priority", "urgency", "severity", "seriousness"),
    "status": ("status", "state"),
    "activity": ("activity", "event"),
    "created_at": ("created", "opened", "date entered", "date occurred"),
    "at": ("timestamp", "updated", "last update", "date-time", "time"),
    "monitor": ("monitor", "site", "host", "service"),
}


@dataclass
class FileProfile:
    """One export as ``qbr init`` sees it."""

    path: Path
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    header_row: int = 1  # 1-based
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    preset: Preset | None = None
    kind: str = "tickets"
    columns: dict[str, str] = field(default_factory=dict)  # canonical field → header

    def values(self, name: str) -> list[str]:
        """The non-blank cells of a mapped field (``?``/``NULL`` count as blank)."""
        if name not in self.columns or self.columns[name] not in self.header:
            return []
        i = self.header.index(self.columns[name])
        return [c for r in self.rows if i < len(r) and (c := r[i].strip())
                and c not in ("?", "NULL", "-")]

    def counts(self, name: str) -> Counter[str]:
        return Counter(self.values(name))


def profile(path: Path) -> FileProfile:
    """Read ``path`` and detect its shape (see module docstring)."""
    if not path.is_file():
        raise InputError(str(path), "file not found")
    if is_sqlite(path):
        return _kuma_profile(path)
    data = path.read_bytes()
    prof = FileProfile(path, encoding=_encoding(data))
    text = data.decode(prof.encoding, errors="replace")
    lines = text.splitlines()
    start = 1 if lines and lines[0].lower().startswith("sep=") else 0
    prof.delimiter = lines[0][4:5] if start else _delimiter(lines[start:start + 50])
    table = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=prof.delimiter))
    skip = _header_index(table)
    prof.header_row = start + skip + 1
    prof.header = [h.strip().lstrip("\ufeff") for h in table[skip]]
    prof.rows = table[skip + 1:]
    prof.preset = _match_preset(prof)
    _map_columns(prof)
    return prof


def _encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _delimiter(lines: Sequence[str]) -> str:
    """The candidate whose per-line count is most often the same non-zero number."""
    best, score = ",", -1
    for cand in (",", ";", "\t", "|"):
        counts = Counter(line.count(cand) for line in lines if line.strip())
        common, n = counts.most_common(1)[0] if counts else (0, 0)
        if common and n > score:
            best, score = cand, n
    return best


def _header_index(table: list[list[str]]) -> int:
    """The first row as wide as the typical row and with every cell filled (skips a
    preamble such as a report title and an export date)."""
    widths = Counter(len(r) for r in table[:200] if any(c.strip() for c in r))
    width = widths.most_common(1)[0][0] if widths else 0
    for i, row in enumerate(table[:50]):
        if len(row) == width and all(c.strip() for c in row):
            return i
    return 0


REQUIRED_BY_KIND = {"events": ("ticket_id", "at", "status"), "tickets": ("ticket_id",
                    "created_at", "priority"), "uptime_states": ("monitor", "at", "state")}


def _match_preset(prof: FileProfile) -> Preset | None:
    """The preset with the most columns in the header among those whose required fields
    (but the client, the column most often renamed) are all there, by name or hint, and
    that either has half its columns in the header or knows most of the file's status
    (or state) values."""
    header = prof.header
    have = {h.casefold(): i for i, h in enumerate(header)}
    best: tuple[int, Preset] | None = None
    for preset in PRESETS.values():
        wanted = {k: str(v).casefold() for k, v in preset.table.get("columns", {}).items()}
        if wanted.get("ticket_id", wanted.get("monitor")) not in have:
            continue
        required = REQUIRED_BY_KIND.get(str(preset.table["kind"]), ())
        if not all(wanted.get(k) in have or _hinted(header, HINTS.get(k, ())) for k in required):
            continue
        hits = sum(v in have for v in wanted.values())
        if 2 * hits < len(wanted) and not _knows_states(prof, preset, have):
            continue
        if best is None or hits > best[0]:
            best = (hits, preset)
    return best[1] if best else None


def _knows_states(prof: FileProfile, preset: Preset, have: dict[str, int]) -> bool:
    field = "state" if preset.table["kind"] in ("uptime_states", "checks") else "status"
    label = str(preset.table.get("columns", {}).get(field, "")).casefold()
    column = have.get(label)
    if column is None:
        hinted = _hinted(prof.header, HINTS["status"])
        column = have.get(hinted.casefold()) if hinted else None
    if column is None:
        return False
    values = {r[column].strip() for r in prof.rows[:5000] if column < len(r)} - {""}
    known = preset.table.get("values", {}).get(field, {})
    return bool(values) and 2 * len(values & set(known)) > len(values)


def _map_columns(prof: FileProfile) -> None:
    by_fold = {h.casefold(): h for h in prof.header}
    if prof.preset is not None:
        prof.kind = str(prof.preset.table["kind"])
        for name, label in prof.preset.table.get("columns", {}).items():
            prof.columns[name] = by_fold.get(str(label).casefold(), "")
        for name in (*REQUIRED_BY_KIND.get(prof.kind, ()), *prof.columns):
            if name in HINTS and not prof.columns.get(name):
                prof.columns[name] = _best(prof, name)
    else:
        for name in HINTS:
            prof.columns[name] = _best(prof, name)
        ids = prof.counts("ticket_id")
        repeated = bool(ids) and ids.most_common(1)[0][1] > 1
        prof.kind = "events" if repeated and prof.columns.get("at") else "tickets"
        if prof.kind == "tickets":
            prof.columns.pop("at", None)
            prof.columns.pop("activity", None)
        elif prof.columns.get("activity") and prof.columns.get("status") == \
                prof.columns.get("activity"):
            prof.columns.pop("status")
        prof.columns.pop("monitor", None)
    if not prof.columns.get("client"):
        prof.columns["client"] = _best(prof, "client")
    prof.columns = {k: v for k, v in prof.columns.items() if v}


def _best(prof: FileProfile, name: str) -> str:
    """The hinted column for ``name``: exact header matches before partial ones; for a
    date field only a column whose first value reads as a date; for priority and
    client, preferably a column with more than one value."""
    words = HINTS.get(name, ())
    twice = {h for h in prof.header if prof.header.count(h) > 1}  # ambiguous by name
    ranked = sorted((rank, label.casefold() != word, label) for rank, word in enumerate(words)
                    for label in prof.header if label not in twice
                    and (label.casefold() == word or (len(word) > 2
                                                      and word in label.casefold())))
    used = {v for k, v in prof.columns.items() if k != "queue"}
    found = [f for f in dict.fromkeys(label for _, _, label in ranked)
             if f not in used or name == "client"]
    i = {h: n for n, h in enumerate(prof.header)}
    if name in DATE_FIELDS:
        found = [f for f in found if _looks_like_date(prof, i[f])]
    if name in ("priority", "client") and len(found) > 1:
        varied = [f for f in found if len({r[i[f]] for r in prof.rows[:2000]
                                           if i[f] < len(r)}) > 1]
        found = varied or found
    return found[0] if found else ""


def _looks_like_date(prof: FileProfile, column: int) -> bool:
    first = next((r[column].strip() for r in prof.rows if column < len(r)
                  and r[column].strip()), "")
    return any(fits(fmt, first) for fmt in DATE_FORMATS)


def _hinted(header: Sequence[str], words: Sequence[str]) -> str:
    for word in words:
        for label in header:
            if label.casefold() == word:
                return label
    for word in words:
        for label in header:
            if word in label.casefold() and len(word) > 2:
                return label
    return ""


def _kuma_profile(path: Path) -> FileProfile:
    prof = FileProfile(path, preset=PRESETS["uptime-kuma"], kind="uptime_states")
    prof.columns = {k: str(v) for k, v in PRESETS["uptime-kuma"].table["columns"].items()}
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with sqlite3.connect(uri, uri=True) as db:
            names = [r[0] for r in db.execute("SELECT m.name FROM heartbeat h JOIN monitor m "
                                              "ON m.id = h.monitor_id")]
    except sqlite3.DatabaseError as exc:
        raise InputError(str(path), f"not an Uptime Kuma database ({exc})") from None
    prof.header = ["name", "time", "status", "msg"]  # what qbr.logs.kuma gives
    prof.rows = [[n] for n in names]
    return prof


# ------------------------------------------------------------------------ dates


def fits(fmt: str, value: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def date_options(values: Sequence[str]) -> list[tuple[str, ...]]:
    """Every single format, else every pair of formats, that reads all ``values``
    (distinct values only; at most 2,000 sampled evenly). Empty: nothing fits."""
    distinct = sorted(set(values))
    if len(distinct) > 2000:
        distinct = distinct[:: len(distinct) // 2000 + 1]
    if not distinct:
        return []
    readable = {fmt: {v for v in distinct if fits(fmt, v)} for fmt in DATE_FORMATS}
    singles: list[tuple[str, ...]] = [(f,) for f, ok in readable.items()
                                      if len(ok) == len(distinct)]
    if singles:
        return singles
    return [(a, b) for a, b in itertools.combinations(DATE_FORMATS, 2)
            if readable[a] and readable[b] - readable[a]
            and len(readable[a] | readable[b]) == len(distinct)]


def ambiguous(options: Sequence[tuple[str, ...]]) -> bool:
    """True when the options disagree on day versus month order."""
    def order(option: tuple[str, ...]) -> set[str]:
        return {("d" if f.find("%d") < f.find("%m") else "m") for f in option
                if "%d" in f and "%m" in f and not f.startswith("%Y")}
    orders = [order(o) for o in options]
    return len({frozenset(o) for o in orders if o}) > 1
