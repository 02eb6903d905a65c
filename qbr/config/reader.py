"""Typed access to TOML tables with the dotted key in every error, and shared value checks."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qbr.config.model import HolidayRule
from qbr.errors import ConfigError


class _Reader:
    """Typed access to one TOML table that reports the dotted key on every error."""

    def __init__(self, file: str, data: Mapping[str, Any], prefix: str) -> None:
        self.file, self.data, self.prefix = file, data, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, message: str) -> ConfigError:
        return ConfigError(self.file, self.key(name), message)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., *,
            what: str = "") -> Any:
        if name not in self.data:
            if default is ...:
                raise self.fail(name, "missing")
            return default
        value = self.data[name]
        # bool is an int in Python; a number field must not accept true/false.
        bad_bool = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple)
                                                             else (kind,))
        if not isinstance(value, kind) or bad_bool:
            raise self.fail(name, f"expected {what or _kind_name(kind)}, got {value!r}")
        return value

    def number(self, name: str, default: Any = ..., *, positive: bool = False) -> Any:
        value = self.get(name, (int, float), default, what="a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(name, f"expected a finite number, got {value!r}")
        if value is not None and value is not default and positive and value <= 0:
            raise self.fail(name, f"expected a positive number, got {value!r}")
        return float(value) if isinstance(value, int | float) else value

    def strings(self, name: str, default: Any = ...) -> list[str]:
        values = self.get(name, list, default, what="a list of strings")
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{name}[{i}]", f"expected a string, got {value!r}")
        return list(values)

    def pct(self, name: str, default: Any = ...) -> Any:
        """A percentage in [0, 100]."""
        value = self.number(name, default)
        if isinstance(value, float) and not 0.0 <= value <= 100.0:
            raise self.fail(name, f"expected a percentage from 0 to 100, got {value!r}")
        return value

    def table(self, name: str, default: Any = ...) -> _Reader:
        return _Reader(self.file, self.get(name, dict, default, what="a table"),
                       self.key(name))

    def unknown(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "a whole number", float: "a number", dict: "a table",
             list: "a list", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _zone(r: _Reader, name: str, default: Any = ...) -> Any:
    value = r.get(name, str, default)
    if value is None or (value is default and default is not ...):
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail(name, f"unknown time zone {value!r} (use an IANA name such as "
                           "'Europe/Berlin')") from None
    return value


def _instant(r: _Reader, name: str) -> datetime | None:
    value = r.get(name, (str, datetime), None, what="an ISO 8601 instant with offset")
    if value is None:
        return None
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        raise r.fail(name, f"not an ISO 8601 instant: {value!r}") from None
    if parsed.tzinfo is None:
        raise r.fail(name, "needs an offset or Z (naive times are ambiguous)")
    return parsed


def _holiday_rule(r: _Reader, name: str) -> HolidayRule | None:
    if name not in r.data:
        return None
    t = r.table(name)
    t.unknown({"country", "subdiv", "categories"})
    country = t.get("country", str)
    subdiv = t.get("subdiv", str, None)
    categories = tuple(t.strings("categories", ["public"]))
    import holidays as holidays_lib

    try:
        holidays_lib.country_holidays(country, subdiv=subdiv, years=2026,
                                      categories=categories)
    except (NotImplementedError, ValueError, KeyError) as exc:
        # The holidays package says which part is unknown (country, subdivision, category).
        raise ConfigError(t.file, t.prefix, str(exc).strip("'\"")) from None
    return HolidayRule(country, subdiv, categories)
