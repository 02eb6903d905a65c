"""Loading the whole config: the root, ``[msp]`` and ``[figures]``, and every section in order."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qbr.config.calendars import BUILTIN_24X7, _calendar
from qbr.config.clients import _alias_index, _check_locale, _client, _unique_monitors
from qbr.config.model import Brand, Calendar, Config
from qbr.config.reader import _Reader, _zone
from qbr.config.sources import _check_priority_maps, _source
from qbr.config.tiers import _tier
from qbr.config_rules import check_guarantees
from qbr.errors import ConfigError

_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


def _brand(r: _Reader, base: Path) -> Brand:
    folder_name = r.get("brand", str, None)
    folder = (base / folder_name).resolve() if folder_name else None
    if folder is not None and not folder.is_dir():
        raise r.fail("brand", f"brand folder not found: {folder}")
    logo = None
    logo_name = r.get("logo", str, None)
    if logo_name is not None:
        if folder is None:
            raise r.fail("logo", "a logo needs msp.brand (the folder it lives in)")
        logo = (folder / logo_name).resolve()
        # SPEC §8: brand images are checked at load time, inside their layer, by type.
        if not logo.is_relative_to(folder) or not logo.is_file():
            raise r.fail("logo", "must be a file inside the brand folder")
        if logo.suffix.lower() not in _LOGO_SUFFIXES:
            raise r.fail("logo", "must be a PNG, JPEG or SVG file")
    colours = {}
    for key, default in (("primary_color", "#1F3A5F"), ("accent_color", "#2E8B57")):
        value = r.get(key, str, default)
        if not _HEX_COLOUR.match(value):
            raise r.fail(key, "must match #RRGGBB")
        colours[key] = value
    return Brand(folder=folder, logo=logo, **colours)


def load_config(path: str | Path) -> Config:
    """Read and validate the TOML config at ``path``. Raises :class:`ConfigError`."""
    file = Path(path)
    label = str(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(label, "", "config file not found (pass --config)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(label, "", f"not valid TOML: {exc}") from None
    return parse_config(data, file.resolve().parent, label)


def parse_config(data: Mapping[str, Any], base: Path, label: str = "qbr.toml") -> Config:
    """Validate an already-parsed TOML document; relative paths are read against ``base``."""
    root = _Reader(label, data, "")
    root.unknown({"msp", "figures", "calendars", "tiers", "clients", "sources"})
    msp = root.table("msp")
    msp.unknown({"name", "timezone", "brand", "logo", "primary_color", "accent_color",
                 "locale", "fiscal_year_start", "notes", "paper", "psa_url_host"})
    fiscal = msp.get("fiscal_year_start", int, None)
    if fiscal is not None and not 1 <= fiscal <= 12:
        raise msp.fail("fiscal_year_start", f"expected a month 1–12, got {fiscal!r}")
    default_tz = _zone(msp, "timezone", None)
    cal_t = root.table("calendars")
    calendars = {n: _calendar(cal_t.table(n), n) for n in cal_t.data}
    # SPEC §3a: the name "24x7" exists without being defined.
    calendars.setdefault(BUILTIN_24X7, Calendar(name=BUILTIN_24X7, always=True))
    tier_t = root.table("tiers")
    tiers = {n: _tier(tier_t.table(n), n, calendars) for n in tier_t.data}
    client_t = root.table("clients")
    clients = {k: _client(client_t.table(k), k, tiers, calendars) for k in client_t.data}
    if not clients:
        raise root.fail("clients", "needs at least one client")
    _unique_monitors(label, clients)
    check_guarantees(label, clients, tiers)
    src_t = root.table("sources")
    sources = tuple(_source(src_t.table(n), n, base, default_tz) for n in src_t.data)
    _check_priority_maps(label, sources, tiers)
    figures = root.table("figures", {})
    figures.unknown({"min_clients"})
    min_clients = figures.get("min_clients", int, 5)
    if min_clients < 1:
        raise figures.fail("min_clients", f"expected 1 or more, got {min_clients!r}")
    locale = msp.get("locale", str, "en")
    _check_locale(msp, locale)
    return Config(
        file=label, base=base, msp_name=msp.get("name", str), timezone=default_tz,
        brand=_brand(msp, base), calendars=calendars, tiers=tiers, clients=clients,
        sources=sources, min_clients=min_clients,
        figures_locale=locale, alias_index=_alias_index(label, clients),
        fiscal_year_start=fiscal,
        **_report_options(msp, base),
    )


def _report_options(msp: _Reader, base: Path) -> dict[str, Any]:
    """``msp.notes`` (folder, relative to the config), ``msp.paper`` and
    ``msp.psa_url_host`` (a bare host name such as ``psa.example.de``)."""
    notes = msp.get("notes", str, None)
    paper = msp.get("paper", str, None)
    if paper is not None and paper not in ("A4", "Letter"):
        raise msp.fail("paper", f"expected 'A4' or 'Letter', got {paper!r}")
    host = msp.get("psa_url_host", str, None)
    if host is not None and not re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", host):
        raise msp.fail("psa_url_host", f"expected a host name such as 'psa.example.de', "
                                       f"got {host!r}")
    return {"notes": (base / notes).resolve() if notes else None, "paper": paper,
            "psa_url_host": host.lower() if host else None}
