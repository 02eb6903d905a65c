"""The documented template context: the :class:`~qbr.pack.Pack` plus views of it.

Views select and order what the pack already holds (which tickets breached, which
outages hit critical monitors, the first 20 rows); they never compute a metric.
Templates receive:

``pack``            the :class:`~qbr.pack.Pack` (raw values; format with filters)
``m``               ``pack.metrics`` (SPEC §6 client entry, full precision)
``priorities``      tier priority keys, in table order (``["P1", …]``)
``sla``             ``{"response": [row…], "resolution": [row…]}``; a row is the metrics
                    dict of one priority plus ``priority`` and ``meets_objective``
                    (True/False/None); the last row is ``all`` (no median/P90)
``breached``        up to ``BREACHED_ROWS`` :class:`BreachedRow`; ``breached_more`` the rest
``critical_outages`` the :class:`~qbr.pack.OutageRow` of critical monitors, by start
``monitors``        ``m.uptime.monitors`` (list of dicts)
``charts``          ``{"attainment": data-URI, "trend": data-URI or None}``
``logo_url``        ``file:`` URL of the logo (served by the SafeFetcher) or None
``colours``         ``{"primary": "#RRGGBB", "accent": "#RRGGBB"}``, validated
``footer``          CSS string literals for the running footer (escaped by ``css_string``)
``quarter_last_day`` the last instant of the quarter (for "1 Jul – 30 Sep")
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from qbr.pack import OutageRow, Pack, TicketRow
from qbr.report import charts
from qbr.report.formatters import Formatters, css_counter_text, css_string

LOG = logging.getLogger("qbr.report")
BREACHED_ROWS = 20
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_DEFAULT_COLOURS = {"primary": "#1F3A5F", "accent": "#2E8B57"}


@dataclass(frozen=True)
class BreachedRow:
    """One missed target of one ticket: ``measure`` is "response" or "resolution"."""

    ticket: TicketRow
    measure: str
    target_minutes: float | None
    elapsed_minutes: float


def brand_colours(pack: Pack) -> dict[str, str]:
    """The pack's colours if they are ``#RRGGBB``; otherwise the default, with a warning
    (colours go into CSS, where autoescape does not help — ADVERSARIAL 6)."""
    given = {"primary": pack.primary_color, "accent": pack.accent_color}
    result = {}
    for key, value in given.items():
        if isinstance(value, str) and _HEX.match(value):
            result[key] = value
        else:
            LOG.warning("brand colour %s=%r is not #RRGGBB; using the default", key, value)
            result[key] = _DEFAULT_COLOURS[key]
    return result


def priority_keys(metrics: dict[str, Any]) -> list[str]:
    """Priority keys of the tier in the metrics' order, ``all`` excluded."""
    keys = [k for k in (metrics.get("response") or {}) if k != "all"]
    for k in metrics.get("resolution") or {}:
        if k != "all" and k not in keys:
            keys.append(k)
    return keys


def sla_rows(metrics: dict[str, Any], measure: str, objective: float | None
             ) -> list[dict[str, Any]]:
    """Table rows of one measure: one per priority, then ``all``."""
    table = metrics.get(measure) or {}
    rows = []
    for key in [*priority_keys(metrics), "all"]:
        entry = dict(table.get(key) or {})
        pct = entry.get("attainment_pct")
        entry["priority"] = key
        entry["meets_objective"] = None if pct is None or objective is None \
            else pct >= objective
        rows.append(entry)
    return rows


def breached_rows(pack: Pack) -> list[BreachedRow]:
    """Every breached measure of the quarter's tickets, oldest ticket first."""
    rows = []
    for ticket in sorted(pack.tickets, key=lambda t: (t.created_at, t.system, t.ticket_id)):
        for name in ("response", "resolution"):
            measure = getattr(ticket, name)
            if measure.state == "breached":
                rows.append(
                    BreachedRow(ticket, name, measure.target_minutes, measure.elapsed_minutes)
                )
    return rows


def critical_outages(pack: Pack) -> list[OutageRow]:
    """Outages of critical monitors, by start."""
    return sorted((o for o in pack.outages if o.critical), key=lambda o: (o.start, o.monitor))


def logo_url(pack: Pack, default_dir_logo: str) -> str:
    """``file:`` URL of the configured logo, else the packaged neutral logo."""
    return pack.logo.resolve().as_uri() if pack.logo is not None else default_dir_logo


def _charts(pack: Pack, fmt: Formatters, colours: dict[str, str]) -> dict[str, str | None]:
    _ = fmt.translations.gettext
    keys = priority_keys(pack.metrics)
    series = [
        charts.AttainmentSeries(
            label,
            [((pack.metrics.get(measure) or {}).get(k) or {}).get("attainment_pct") for k in keys],
        )
        for measure, label in (("response", _("Response")), ("resolution", _("Resolution")))
    ]
    palette = charts.ChartColours(colours["primary"], colours["accent"])
    return {
        "attainment": charts.attainment_chart(keys, series, pack.objective_pct, fmt, palette),
        "trend": charts.trend_chart(pack.history, pack.objective_pct, fmt, palette),
    }


def build_context(pack: Pack, fmt: Formatters, default_logo_url: str) -> dict[str, Any]:
    """The template context documented in this module's docstring."""
    _ = fmt.translations.gettext
    colours = brand_colours(pack)
    breached = breached_rows(pack)
    footer_left = f"{pack.client_name} · {pack.quarter}"
    return {
        "pack": pack,
        "m": pack.metrics,
        "priorities": priority_keys(pack.metrics),
        "sla": {
            measure: sla_rows(pack.metrics, measure, pack.objective_pct)
            for measure in ("response", "resolution")
        },
        "breached": breached[:BREACHED_ROWS],
        "breached_more": max(len(breached) - BREACHED_ROWS, 0),
        "critical_outages": critical_outages(pack),
        "monitors": list((pack.metrics.get("uptime") or {}).get("monitors") or []),
        "charts": _charts(pack, fmt, colours),
        "logo_url": logo_url(pack, default_logo_url),
        "colours": colours,
        "footer": {
            "left": css_string(footer_left),
            "pages": css_counter_text(
                _("Page {page} of {pages}"), {"page": "page", "pages": "pages"}
            ),
        },
        "pause_labels": pause_labels(pack, _),
        "quarter_last_day": pack.quarter_end - timedelta(seconds=1),
        "generated_note": _as_of_label(pack.as_of, fmt),
    }


def pause_labels(pack: Pack, _: Any) -> list[str]:
    """The tier's pause statuses in the reader's language (canonical keys are for configs)."""
    names = {"pause": _("paused"), "waiting_customer": _("waiting on the customer"),
             "waiting_vendor": _("waiting on a vendor")}
    return [names.get(status, status) for status in pack.pause_statuses]


def _as_of_label(as_of: datetime, fmt: Formatters) -> str:
    return f"{fmt.datetime(as_of)} ({fmt.zone.key})"
