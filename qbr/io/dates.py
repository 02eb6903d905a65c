"""Column-wise timestamps: text → UTC nanoseconds with the declared formats only (SPEC §2).

Each declared format is matched with the very regular expression ``datetime.strptime``
builds for it (``_strptime.TimeRE``), anchored to the whole value and run by Arrow over
the column; the captured fields are assembled with numpy, and impossible dates (30 Feb)
fail as they do in ``strptime``. Values no format matches are retried one by one with
``strptime`` itself, so a column gives exactly what :func:`qbr.io.values.parse_instant`
gives value by value. Nothing is guessed: formats come from the source, tried in order.

Naive values are read in the source's zone under :func:`qbr.localtime.localise`'s policy;
the few that fall in a repeated or skipped hour are handed to it one by one and each
yields its warning text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.io.table import Cell
from qbr.localtime import localise

NAT = np.datetime64("NaT", "ns")
_SUPPORTED = frozenset("YymdHIMSfpbBz%")
_MONTHS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_FULL_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"))}
#: Values retried one by one with strptime when no format matched them column-wise.
SCALAR_RETRY_LIMIT = 10_000


@dataclass
class Instants:
    """A column read as instants: ``utc`` (datetime64[ns], NaT where blank or bad),
    ``bad`` (non-blank and matching no format), ``notes`` (row position → DST warning)."""

    utc: np.ndarray
    bad: np.ndarray
    notes: dict[int, str]


def parse_column(texts: pa.Array, formats: Sequence[str], zone: ZoneInfo,
                 typed: Mapping[int, Cell] | None = None) -> Instants:
    """Read stripped ``texts`` with ``formats`` (first match wins) in ``zone``.
    ``typed`` holds XLSX cells by position: a datetime cell is taken as it is (naive,
    so localised); other typed cells were turned into text and are read as text."""
    n = len(texts)
    local = np.full(n, NAT)
    utc = np.full(n, NAT)
    aware = np.zeros(n, dtype=bool)
    blank = pc.equal(texts, "").to_numpy(zero_copy_only=False)
    todo = ~blank
    for pos, cell in (typed or {}).items():
        if isinstance(cell, datetime):
            todo[pos] = False
            if cell.tzinfo is None:
                local[pos] = np.datetime64(cell.replace(tzinfo=None), "ns")
            else:
                utc[pos] = np.datetime64(cell.astimezone(UTC).replace(tzinfo=None), "ns")
                aware[pos] = True
    for fmt in formats:
        idx = np.flatnonzero(todo)
        if idx.size == 0:
            break
        values, has_zone, ok = _parse(texts.take(pa.array(idx)), fmt)
        hit = idx[ok]
        if has_zone:
            utc[hit] = values[ok]
            aware[hit] = True
        else:
            local[hit] = values[ok]
        todo[hit] = False
    _retry(texts, formats, todo, local, utc, aware)
    notes = _localise(local, ~aware & ~np.isnat(local), zone, utc)
    return Instants(utc, todo, notes)


def _parse(texts: pa.Array, fmt: str) -> tuple[np.ndarray, bool, np.ndarray]:
    """(naive or UTC nanoseconds, whether the format carries an offset, matched mask)."""
    directives = set(re.findall(r"%(.)", fmt))
    n = len(texts)
    if not directives <= _SUPPORTED:
        return np.full(n, NAT), "z" in directives, np.zeros(n, dtype=bool)
    import _strptime  # type: ignore[import-not-found]

    pattern = _strptime._TimeRE_cache.pattern(fmt)
    pattern = re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)  # Arrow wants named groups only
    if not re.search(r"\(\?P<", pattern):
        return np.full(n, NAT), False, np.zeros(n, dtype=bool)
    parts = pc.extract_regex(texts, pattern=f"(?i)^(?:{pattern})$")
    ok = parts.is_valid().to_numpy(zero_copy_only=False)
    fields = {parts.type.field(i).name: parts.field(i) for i in range(parts.type.num_fields)}

    def num(name: str, default: int) -> np.ndarray:
        if name not in fields:
            return np.full(n, default, dtype=np.int64)
        col = pc.utf8_trim_whitespace(fields[name].fill_null(""))
        col = pc.if_else(pc.equal(col, ""), "0", col)  # unmatched rows capture nothing
        out: np.ndarray = pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False)
        return out

    year = num("Y", 1900)
    if "y" in fields:
        short = num("y", 0)
        year = np.where(short < 69, 2000 + short, 1900 + short)
    month = num("m", 1)
    for name, table in (("b", _MONTHS), ("B", _FULL_MONTHS)):
        if name in fields:
            words = pc.utf8_lower(fields[name].fill_null("jan")).to_numpy(zero_copy_only=False)
            month = np.array([table.get(w[:3] if name == "b" else w, 1) for w in words]
                             if n < 50_000 else pd.Series(words).map(table).fillna(1)
                             .astype(np.int64).to_numpy(), dtype=np.int64)
    day, minute, second = num("d", 1), num("M", 0), num("S", 0)
    hour = num("H", 0)
    if "I" in fields:
        hour12 = num("I", 12) % 12
        pm = pc.equal(pc.utf8_lower(fields["p"].fill_null("am")), "pm") \
            .to_numpy(zero_copy_only=False) if "p" in fields else np.zeros(n, dtype=bool)
        hour = hour12 + np.where(pm, 12, 0)
    micro = np.zeros(n, dtype=np.int64)
    if "f" in fields:
        frac = pc.utf8_rpad(fields["f"].fill_null(""), width=6, padding="0")
        micro = pc.cast(frac, pa.int64()).to_numpy(zero_copy_only=False)
    ok &= (year >= 1678) & (year <= 2261) & (second <= 59)
    start = ((np.clip(year, 1678, 2261) - 1970) * 12 + month - 1).astype("datetime64[M]")
    length = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")) \
        .astype(np.int64)
    ok &= day <= length
    days = start.astype("datetime64[D]").astype(np.int64) + day - 1
    ns = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000_000 + micro * 1000
    if "z" in fields:
        ns = ns - _offsets(fields["z"].fill_null(""))
    values = np.where(ok, ns, np.iinfo(np.int64).min).astype("datetime64[ns]")
    return values, "z" in fields, ok


def _offsets(zones: pa.Array) -> np.ndarray:
    """``Z``, ``±HH:MM``, ``±HHMM`` (and seconds) → offset in nanoseconds."""
    text = pc.replace_substring(zones, ":", "").to_numpy(zero_copy_only=False)
    out = np.zeros(len(text), dtype=np.int64)
    for i, z in enumerate(text):
        if z and z not in ("Z", "z"):
            sign = -1 if z[0] == "-" else 1
            secs = int(z[1:3]) * 3600 + int(z[3:5]) * 60 + (int(z[5:7]) if len(z) >= 7 else 0)
            out[i] = sign * secs * 1_000_000_000
    return out


def _retry(texts: pa.Array, formats: Sequence[str], todo: np.ndarray, local: np.ndarray,
           utc: np.ndarray, aware: np.ndarray) -> None:
    """strptime itself for values no format matched column-wise (directives Arrow's regex
    engine lacks, Unicode digits, ...); beyond ``SCALAR_RETRY_LIMIT`` they stay bad."""
    idx = np.flatnonzero(todo)
    if idx.size == 0 or idx.size > SCALAR_RETRY_LIMIT:
        return
    for pos, text in zip(idx.tolist(), texts.take(pa.array(idx)).to_pylist(), strict=True):
        for fmt in formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            todo[pos] = False
            if parsed.tzinfo is None:
                local[pos] = np.datetime64(parsed, "ns")
            else:
                utc[pos] = np.datetime64(parsed.astimezone(UTC).replace(tzinfo=None), "ns")
                aware[pos] = True
            break


def _localise(local: np.ndarray, mask: np.ndarray, zone: ZoneInfo, utc: np.ndarray
              ) -> dict[int, str]:
    """Wall-clock ``local[mask]`` in ``zone`` → ``utc``; repeated or skipped hours go
    through :func:`qbr.localtime.localise` one by one and return their warnings."""
    idx = np.flatnonzero(mask)
    notes: dict[int, str] = {}
    if idx.size == 0:
        return notes
    values = pd.DatetimeIndex(local[idx])
    done = values.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").tz_convert("UTC")
    converted = done.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    utc[idx] = converted
    for pos in idx[np.isnat(converted)].tolist():
        naive = pd.Timestamp(local[pos]).to_pydatetime()
        value, note = localise(naive, zone)
        utc[pos] = np.datetime64(value.replace(tzinfo=None), "ns")
        if note:
            notes[pos] = note
    return notes
