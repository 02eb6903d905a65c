"""The ``[sources]`` section: input files, presets, value maps and log keys (SPEC §2, §7)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qbr.config.model import FOLD_KEYS, SOURCE_KINDS, UPTIME_STATES, Source, Tier
from qbr.config.reader import _Reader, _zone
from qbr.config_rules import check_date_formats
from qbr.errors import ConfigError
from qbr.model import CANONICAL_STATUSES

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")


def _source(r: _Reader, name: str, base: Path, default_tz: str | None) -> Source:
    r = _with_preset(r)
    r.unknown({"path", "kind", "system", "encoding", "delimiter", "date_format", "timezone",
               "columns", "values", "decimal", "sheet", "preset", "fold", "null_values",
               "stale_after", "interval", "gap_factor", "defaults", "client_pattern",
               "serial_dates"})
    kind = r.get("kind", str)
    if kind not in SOURCE_KINDS:
        raise r.fail("kind", f"expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
    tz = _zone(r, "timezone", None) or default_tz
    if tz is None:
        raise r.fail("timezone", "naive timestamps need a time zone: set it on the source "
                                 "or msp.timezone")
    fmt = r.get("date_format", str, None) if isinstance(r.data.get("date_format"), str) \
        else r.strings("date_format", ["%Y-%m-%d %H:%M:%S"])
    check_date_formats(r, [fmt] if isinstance(fmt, str) else fmt)
    delimiter = r.get("delimiter", str, ",")
    if delimiter not in (",", ";", "\t", "|"):
        raise r.fail("delimiter", f"expected ',', ';', tab or '|', got {delimiter!r}")
    decimal = r.get("decimal", str, ".")
    if decimal not in (".", ","):
        raise r.fail("decimal", f"expected '.' or ',', got {decimal!r}")
    encoding = r.get("encoding", str, "utf-8-sig")
    try:
        "".encode(encoding)
    except LookupError:
        raise r.fail("encoding", f"unknown encoding {encoding!r}") from None
    columns = r.table("columns")
    values = r.table("values", {})
    values.unknown(set(_VALUE_MAPS))  # a typo such as values.priorty is an error
    maps = {k: dict(values.table(k).data) for k in values.data}
    for field_name, mapping in maps.items():
        for raw, canon in mapping.items():
            if not isinstance(canon, str):
                raise values.fail(f"{field_name}.{raw}", "expected a string")
    for raw, canon in maps.get("status", {}).items():
        if canon not in CANONICAL_STATUSES:
            raise values.fail(f"status.{raw!r}", f"expected one of "
                                                 f"{', '.join(sorted(CANONICAL_STATUSES))}")
    extra = _source_values(r)
    return Source(
        name=name, path=(base / r.get("path", str)).resolve(), written=r.get("path", str),
        kind=kind,
        system=r.get("system", str, name), encoding=encoding,
        delimiter=delimiter, date_formats=tuple([fmt] if isinstance(fmt, str) else fmt),
        timezone=tz, values=maps,
        # A field mapped to "" is not in this export (drops a preset's column).
        columns={k: str(v) for k, v in columns.data.items() if v != ""},
        decimal=decimal, sheet=r.get("sheet", str, None), **extra,
        **_log_keys(r, kind, maps),
    )


#: The value maps a source may declare (canonical field → map of export values):
#: ``state`` for uptime logs, ``activity`` for event logs (README "Event logs").
_VALUE_MAPS = ("priority", "status", "state", "activity")


# ------------------------------------------------- presets and logs (README "Presets")


def _with_preset(r: _Reader) -> _Reader:
    """The source table with its ``preset``'s table merged *under* it: every key the
    source sets wins; ``columns`` and each ``values`` map merge key by key."""
    name = r.get("preset", str, None)
    if name is None:
        return r
    from qbr.presets import PRESETS

    if name not in PRESETS:
        raise r.fail("preset", f"unknown preset {name!r} (known: {', '.join(sorted(PRESETS))})")
    return _Reader(r.file, _merge(PRESETS[name].table, r.data), r.prefix)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _duration(r: _Reader, name: str) -> float | None:
    """``"90s"``, ``"5m"``, ``"2h"``, ``"3d"`` → seconds."""
    text = r.get(name, str, None)
    if text is None:
        return None
    m = _DURATION.match(text.strip())
    if not m or float(m.group(1)) <= 0:
        raise r.fail(name, f"expected a duration such as '5m', '2h' or '3d', got {text!r}")
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _log_keys(r: _Reader, kind: str, maps: Mapping[str, Mapping[str, str]]
              ) -> dict[str, Any]:
    fold = r.table("fold", {})
    fold.unknown(set(FOLD_KEYS))
    for key in ("response_activity", "response_state_not"):
        fold.strings(key, [])
    fold.get("response_assigned", bool, False)
    if fold.data and kind != "events":
        raise r.fail("fold", "only a source of kind 'events' is folded")
    for raw, canon in maps.get("state", {}).items():
        if canon not in UPTIME_STATES:
            raise r.fail(f"values.state.{raw!r}", f"expected one of {', '.join(UPTIME_STATES)}")
    interval = _duration(r, "interval")
    if kind == "checks" and interval is None:
        raise r.fail("interval", "a check log needs the probe interval, e.g. '5m'")
    gap = r.number("gap_factor", 3.0, positive=True)
    return {"preset": r.get("preset", str, None), "fold": dict(fold.data),
            "stale_after_seconds": _duration(r, "stale_after"), "interval_seconds": interval,
            "gap_factor": gap}


def _source_values(r: _Reader) -> dict[str, Any]:
    """``null_values``, ``defaults``, ``client_pattern`` and ``serial_dates`` of a
    source (README "Values that never turn into wrong numbers")."""
    nulls = tuple(v.strip() for v in r.strings("null_values", []))
    if "" in nulls:
        raise r.fail("null_values", "the empty string is always blank; list other tokens")
    defaults = r.table("defaults", {})
    for key, value in defaults.data.items():
        if not isinstance(value, str):
            raise defaults.fail(key, f"expected a string, got {value!r}")
    pattern = r.get("client_pattern", str, None)
    if pattern is not None:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise r.fail("client_pattern", f"not a regular expression: {exc}") from None
        if "client" not in compiled.groupindex:
            raise r.fail("client_pattern", "needs a named group (?P<client>...)")
    return {"null_values": nulls, "defaults": dict(defaults.data), "client_pattern": pattern,
            "serial_dates": _serial_dates(r)}


def _serial_dates(r: _Reader) -> str | None:
    """``serial_dates = true`` (Excel's 1900 date system), ``"1900"`` or ``"1904"``;
    ``false`` or absent: serial numbers are not dates (README "Excel serial dates")."""
    value = r.get("serial_dates", (bool, str), False, what='true, "1900" or "1904"')
    if value is True:
        return "1900"
    if value is False:
        return None
    if value not in ("1900", "1904"):
        raise r.fail("serial_dates", f'expected true, "1900" or "1904", got {value!r}')
    return str(value)


def _check_priority_maps(file: str, sources: tuple[Source, ...],
                         tiers: Mapping[str, Tier]) -> None:
    """A priority map target no tier knows is a typo (``P9``), not an unclassified ticket."""
    known = {p for tier in tiers.values() for p in tier.priorities}
    for source in sources:
        for raw, target in source.values.get("priority", {}).items():
            if target not in known:
                raise ConfigError(file, f"sources.{source.name}.values.priority.{raw!r}",
                                  f"{target!r} is no tier's priority (tiers have "
                                  f"{', '.join(sorted(known))})")
