"""Column-wise timestamps: text → UTC nanoseconds with the declared formats only (SPEC §2).

Each declared format is matched with the very regular expression ``datetime.strptime``
builds for it (``_strptime.TimeRE``), anchored to the whole value and run by Arrow over
the column; the captured fields are assembled with numpy, and impossible dates (30 Feb)
fail as they do in ``strptime``. Values no format matches are retried one by one with
``strptime`` itself, so a column gives exactly what :func:`qbr.io.values.parse_instant`
gives value by value. Nothing is guessed: formats come from the source, tried in order.
Before the regex, zero-padded values are read as fixed-width text and numeric values of
other widths (``29/2/2016 01:16``) as runs of digits (:mod:`qbr.io.digitruns`).

Naive values are read in the source's zone under :func:`qbr.localtime.localise`'s policy;
the few that fall in a repeated or skipped hour are handed to it one by one and each
yields its warning text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.arrowflat import flat
from qbr.io.digitruns import digit_fields, plan
from qbr.io.isocast import cast_uniform
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
        subset = texts if idx.size == n else texts.take(pa.array(idx))
        values, has_zone, ok = _fixed(subset, fmt)
        if idx.size == n and bool(ok.all()):  # the usual clean column: no scatter
            if has_zone:
                return Instants(values, np.zeros(n, dtype=bool), {})
            return Instants(utc, np.zeros(n, dtype=bool), _localise(values, ~np.isnat(values),
                                                                   zone, utc))
        rest = np.flatnonzero(~ok)
        if rest.size:  # values of other widths (29/2/2016 01:16): runs of digits
            more, more_ok = _unpadded(subset.take(pa.array(rest)), fmt)
            values[rest], ok[rest] = more, more_ok
            rest = rest[~more_ok]
        if rest.size:  # values no fast path took: strptime's own regex
            more, _, more_ok = _parse(subset.take(pa.array(rest)), fmt)
            values[rest], ok[rest] = more, more_ok
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


#: Fixed-width fields of the fast path: directive → (width, RE2 pattern strptime agrees
#: with, position in the ISO form "YYYY-MM-DD HH:MM:SS").
_FIXED = {"Y": (4, r"\d{4}", 0), "m": (2, r"(?:0[1-9]|1[0-2])", 5),
          "d": (2, r"(?:0[1-9]|[12]\d|3[01])", 8), "H": (2, r"(?:[01]\d|2[0-3])", 11),
          "M": (2, r"[0-5]\d", 14), "S": (2, r"[0-5]\d", 17)}
_ISO_DEFAULT = "1900-01-01 00:00:00"


def _layout(fmt: str) -> tuple[str, list[tuple[str, int]], bool] | None:
    """(RE2 pattern, [(directive, offset)], has %z) for a format made of zero-padded
    fields and literals only (``%d.%m.%Y %H:%M``, ``%Y-%m-%dT%H:%M:%S%z``), else None."""
    pattern, fields, offset = "", [], 0
    parts = re.split(r"(%.)", fmt)
    zone = fmt.endswith("%z")
    if zone:
        parts = re.split(r"(%.)", fmt[:-2])
    for part in parts:
        if part.startswith("%") and len(part) == 2:
            if part[1] not in _FIXED:
                return None
            width, regex, _ = _FIXED[part[1]]
            fields.append((part[1], offset))
            pattern += regex
            offset += width
        elif part:
            # A space in the format matches one or more spaces in strptime: the fixed
            # layout takes the values with exactly one; others go to the regex path.
            if "%" in part:
                return None
            pattern += re.escape(part)
            offset += len(part)
    if len({d for d, _ in fields}) != len(fields):
        return None
    suffix = r"(?:Z|[+-]\d\d:?\d\d)" if zone else ""
    return f"^{pattern}{suffix}$", fields, zone


def _fixed(texts: pa.Array, fmt: str) -> tuple[np.ndarray, bool, np.ndarray]:
    """The fast path: values that fit a zero-padded layout exactly are rearranged into
    ISO 8601 and cast by Arrow (which refuses 30 February as strptime does)."""
    n = len(texts)
    layout = _layout(fmt)
    none = (np.full(n, NAT), "z" in fmt, np.zeros(n, dtype=bool))
    if layout is None:
        return none
    pattern, fields, zone = layout
    uniform = _uniform(texts, fmt, fields, zone)
    if uniform is not None:
        return uniform[0], zone, uniform[1]
    ok = np.asarray(pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False),
                    dtype=bool)
    if not ok.any():
        return none
    sub = texts if ok.all() else texts.filter(pa.array(ok))
    pieces: list[Any] = []
    where = {d: o for d, o in fields}
    for d, (width, _, _) in _FIXED.items():
        if d in where:
            pieces.append(pc.utf8_slice_codeunits(sub, where[d], where[d] + width))
        else:
            start = _FIXED[d][2]
            pieces.append(_ISO_DEFAULT[start:start + width])
    end = sum(_FIXED[d][0] for d in where) + len(fmt) - 2 * len(fields) - (2 if zone else 0)
    if zone:
        pieces.append(pc.utf8_slice_codeunits(sub, end, 10_000))
    iso = pc.binary_join_element_wise(
        pieces[0], "-", pieces[1], "-", pieces[2], " ", pieces[3], ":", pieces[4], ":",
        pieces[5], *pieces[6:], "")
    target = pa.timestamp("ns", tz="UTC") if zone else pa.timestamp("ns")
    try:
        cast = pc.cast(iso, target)
    except pa.ArrowInvalid:
        return none  # e.g. 30 February: the regex path decides value by value
    values = np.full(n, NAT)
    values[ok] = cast.cast(pa.int64()).to_numpy(zero_copy_only=False).view("datetime64[ns]")
    return values, zone, ok


#: A column this long whose values are at most half distinct is read value by value
#: once (dictionary encoding costs less than reading the repeats again).
_DISTINCT_FROM = 4096


def _unpadded(texts: pa.Array, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """(naive nanoseconds, taken) for a numeric format's values of any field width
    (:mod:`qbr.io.digitruns`); what it does not take is left to :func:`_parse`. An event
    log repeats its dates on every row of a ticket (UCI: 20k distinct ``opened_at`` in
    142k rows), so a long column of at most half distinct values reads each one once."""
    n = len(texts)
    if plan(fmt) is None:
        return np.full(n, NAT), np.zeros(n, dtype=bool)
    if n >= _DISTINCT_FROM:
        encoded = flat(texts).dictionary_encode()
        if not encoded.indices.null_count and 2 * len(encoded.dictionary) <= n:
            values, ok = _unpadded_each(encoded.dictionary, fmt)
            where = encoded.indices.to_numpy(zero_copy_only=False)
            return values[where], ok[where]
    return _unpadded_each(texts, fmt)


def _unpadded_each(texts: pa.Array, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    n = len(texts)
    found = digit_fields(texts, fmt)
    if found is None or not found[1].any():
        return np.full(n, NAT), np.zeros(n, dtype=bool)
    fields, ok = found
    year, month, day = (fields.get(d, np.full(n, v, dtype=np.int64))
                        for d, v in (("Y", 1900), ("m", 1), ("d", 1)))
    ok &= day <= _month_length(year, month)  # 30/2 fails, as in strptime
    clock = [fields.get(d, np.zeros(n, dtype=np.int64)) for d in "HMS"]
    ns = (((_days(year, month, day) * 24 + clock[0]) * 60 + clock[1]) * 60 + clock[2]) \
        * 1_000_000_000
    return np.where(ok, ns, np.iinfo(np.int64).min).astype("datetime64[ns]"), ok


def _uniform(texts: pa.Array, fmt: str, fields: list[tuple[str, int]], zone: bool
             ) -> tuple[np.ndarray, np.ndarray] | None:
    """The fastest path, for a column whose values all have the layout's width (the usual
    export): the text buffer is an n × width byte matrix, read digit by digit with numpy.
    Returns None when the widths differ (the regex path decides then)."""
    arr = flat(texts)
    n = len(arr)
    if n == 0 or arr.null_count or arr.type != pa.string():
        return None
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + n + 1]
    width = int(offsets[1] - offsets[0])
    literal = _literals(fmt)
    if literal is None or width == 0 or not np.all(np.diff(offsets) == width):
        return None
    body, chars = literal
    if width - body not in ((1, 5, 6) if zone else (0,)):
        return None
    grid = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    grid = grid.reshape(n, width)
    fast = cast_uniform(grid, fields, chars, body, zone)  # a clean column: Arrow's parser
    if fast is not None:
        return fast, np.ones(n, dtype=bool)
    ok = np.ones(n, dtype=bool)
    for pos, char in chars:
        ok &= grid[:, pos] == ord(char)
    def digit(pos: int) -> np.ndarray:
        d = np.ascontiguousarray(grid[:, pos]) - np.uint8(48)  # wraps: non-digits > 9
        ok[:] &= d <= 9
        return d.astype(np.int64)

    def field(name: str, default: int) -> np.ndarray:
        where = dict(fields).get(name)
        if where is None:
            return np.full(n, default, dtype=np.int64)
        value = digit(where)
        for i in range(1, _FIXED[name][0]):
            value = value * 10 + digit(where + i)
        return value

    year, month, day = field("Y", 1900), field("m", 1), field("d", 1)
    hour, minute, second = field("H", 0), field("M", 0), field("S", 0)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (hour <= 23) & (minute <= 59) & \
        (second <= 59) & (year >= 1678) & (year <= 2261)
    ok &= day <= _month_length(year, month)
    days = _days(year, month, day)
    ns = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000_000
    if zone:
        tail = grid[:, body:]
        if width - body == 1:
            ok &= tail[:, 0] == ord("Z")
        else:
            sign = np.where(tail[:, 0] == ord("-"), -1, 1)
            ok &= (tail[:, 0] == ord("+")) | (tail[:, 0] == ord("-"))
            at = [body + 1, body + 2, body + 3, body + 4]
            if width - body == 6:
                ok &= tail[:, 3] == ord(":")
                at = [body + 1, body + 2, body + 4, body + 5]
            hh = digit(at[0]) * 10 + digit(at[1])
            mm = digit(at[2]) * 10 + digit(at[3])
            ok &= mm <= 59
            ns = ns - sign * (hh * 60 + mm) * 60_000_000_000
    values = np.where(ok, ns, np.iinfo(np.int64).min).astype("datetime64[ns]")
    return values, ok


def _literals(fmt: str) -> tuple[int, list[tuple[int, str]]] | None:
    """(width of the format without %z, [(position, literal character)])."""
    text = fmt[:-2] if fmt.endswith("%z") else fmt
    pos, out = 0, []
    for part in re.split(r"(%.)", text):
        if part.startswith("%") and len(part) == 2:
            if part[1] not in _FIXED:
                return None
            pos += _FIXED[part[1]][0]
        else:
            if any(ord(c) > 127 for c in part):
                return None  # the byte matrix is only character-aligned for ASCII
            for char in part:
                out.append((pos, char))
                pos += 1
    return pos, out


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
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= _month_length(year, month))
    days = _days(year, month, day)
    ns = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000_000 + micro * 1000
    if "z" in fields:
        ns = ns - _offsets(fields["z"].fill_null(""))
    values = np.where(ok, ns, np.iinfo(np.int64).min).astype("datetime64[ns]")
    return values, "z" in fields, ok


_LENGTHS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _month_length(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    length: np.ndarray = _LENGTHS[np.clip(month, 1, 12) - 1] + (leap & (month == 2))
    return length


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
    days_from_civil, in integer numpy arithmetic)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: np.ndarray = era * 146097 + doe - 719468
    return days


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
            try:
                value = parsed if parsed.tzinfo is None else \
                    parsed.astimezone(UTC).replace(tzinfo=None)
            except (OverflowError, ValueError):  # before datetime.min in UTC: bad-date
                break
            # Outside datetime64[ns] (years 1678-2261, as the fast paths) numpy would wrap
            # silently: the value stays bad, never a wrong instant (SPEC §7).
            if not 1678 <= value.year <= 2261:
                break
            todo[pos] = False
            if parsed.tzinfo is None:
                local[pos] = np.datetime64(value, "ns")
            else:
                utc[pos] = np.datetime64(value, "ns")
                aware[pos] = True
            break


def _slow_offsets(utc: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    index = pd.DatetimeIndex(utc, tz="UTC").tz_convert(zone)
    wall = index.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    offsets: np.ndarray = (wall - utc).astype(np.int64)
    return offsets


class _Offsets:
    """The zone's UTC offset as a step function over ``[low, high]`` (ns since epoch):
    found on an hourly grid, each step refined to the minute (zones change offset on a
    minute), then looked up with one ``searchsorted``."""

    def __init__(self, zone: ZoneInfo, low: int, high: int) -> None:
        hour, minute = 3_600_000_000_000, 60_000_000_000
        grid = np.arange(low - hour, high + 2 * hour, hour, dtype=np.int64)
        offs = _slow_offsets(grid.view("datetime64[ns]"), zone)
        steps = np.flatnonzero(np.diff(offs))
        starts, values = [np.iinfo(np.int64).min], [int(offs[0])]
        for i in steps.tolist():
            minutes = grid[i] + minute * np.arange(1, 61, dtype=np.int64)
            fine = _slow_offsets(minutes.view("datetime64[ns]"), zone)
            j = int(np.flatnonzero(fine != offs[i])[0])
            starts.append(int(minutes[j]))
            values.append(int(fine[j]))
        self.starts = np.array(starts, dtype=np.int64)
        self.values = np.array(values, dtype=np.int64)

    def at(self, utc: np.ndarray) -> np.ndarray:
        out: np.ndarray = self.values[np.searchsorted(self.starts, utc, side="right") - 1]
        return out


def _localise(local: np.ndarray, mask: np.ndarray, zone: ZoneInfo, utc: np.ndarray
              ) -> dict[int, str]:
    """Wall-clock ``local[mask]`` in ``zone`` → ``utc``. A wall time has one reading when
    the zone's offsets a day before and after agree, or when only one of the two offsets
    gives it back; the rest (a repeated or skipped hour) go through
    :func:`qbr.localtime.localise` one by one and return their warnings."""
    idx = np.flatnonzero(mask)
    notes: dict[int, str] = {}
    if idx.size == 0:
        return notes
    wall = local[idx].astype(np.int64)
    day = 86_400_000_000_000
    offsets = _Offsets(zone, int(wall.min()) - 2 * day, int(wall.max()) + 2 * day)
    before = offsets.at(wall - day)
    after = offsets.at(wall + day)
    first = wall - before
    second = wall - after
    fits_first = offsets.at(first) == before
    fits_second = offsets.at(second) == after
    plain = (before == after) | (fits_first ^ fits_second)
    utc[idx] = np.where(fits_first | (before == after), first, second).view("datetime64[ns]")
    for pos in idx[~plain].tolist():
        naive = pd.Timestamp(local[pos]).to_pydatetime()
        value, note = localise(naive, zone)
        utc[pos] = np.datetime64(value.replace(tzinfo=None), "ns")
        if note:
            notes[pos] = note
    return notes
