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
``charts``          ``{"attainment": data-URI, "trend": data-URI or None, "months": …}``;
                    ``attainment_low``: the per-priority chart at 750×125 pt;
                    ``months_side``: by month at 285×160 pt
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

from markupsafe import Markup

from qbr.pack import OutageRow, Pack, TicketRow
from qbr.report import charts, story, wording
from qbr.report.formatters import (
    Formatters,
    css_counter_text,
    css_string,
    priority_label,
    target_text,
)
from qbr.report.links import safe_link
from qbr.report.notes import render_notes
from qbr.report.story import priority_keys

LOG = logging.getLogger("qbr.report")
BREACHED_ROWS = 8  # the PDF shows the first ones; the workbook has every row

INCIDENT_ROWS = 6
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_DEFAULT_COLOURS = {"primary": "#1F3A5F", "accent": "#2E8B57"}


@dataclass(frozen=True)
class BreachedRow:
    """One missed target of one ticket: ``measure`` is "response" or "resolution"."""

    ticket: TicketRow
    measure: str
    target_minutes: float | None
    elapsed_minutes: float
    link: str | None = None  # the ticket's URL when allowlisted (ADVERSARIAL 4)


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
                link = safe_link(ticket.url, pack.link_hosts,
                                 f"{ticket.source_file} row {ticket.source_row} column url"
                                 ) if ticket.url else None
                rows.append(BreachedRow(ticket, name, measure.target_minutes,
                                        measure.elapsed_minutes, link))
    return rows


REASONS = {"superseded": "replaced by a newer version", "duplicate-row": "repeated row",
           "bad-date": "unreadable date", "bad-number": "unreadable number",
           "bad-value": "unreadable value", "missing-cell": "required value missing",
           "unknown-ticket": "history of an unknown ticket"}


def reason_labeller(fmt: Formatters) -> Any:
    """Template helper ``reason_label(code)``: a rejection code in the reader's words."""
    _ = fmt.translations.gettext
    return lambda code: _(REASONS[code]) if code in REASONS else code


def desk_priority_totals(pack: Pack) -> dict[str, int]:
    """Quarter totals per priority key (``"none"`` = unclassified) of the month table."""
    totals: dict[str, int] = {}
    for row in pack.desk.months if pack.desk else ():
        for key, n in row.by_priority.items():
            name = "none" if key is None else key
            totals[name] = totals.get(name, 0) + n
    return totals


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
    guarantee = min((s.guarantee_pct for s in pack.systems if s.critical), default=None)
    def attainment(size: tuple[float, float]) -> str:
        return charts.attainment_chart(keys, series, pack.objective_pct, fmt, palette, size)

    return {
        "attainment": attainment((432, 216)),
        # sized as the service-level page shows it (points, full width below a short
        # list), so its labels stay legible
        "attainment_low": attainment((750, 125)),
        "trend": charts.trend_chart(pack.history, pack.objective_pct, fmt, palette,
                                    guarantee),
        "months": charts.months_chart(pack.desk, keys, fmt, palette),
        # beside the summary's sentences (no notes): the narrow column's width
        "months_side": charts.months_chart(pack.desk, keys, fmt, palette, (285, 160)),
    }


def target_for(pack: Pack, fmt: Formatters) -> Any:
    """Template helper ``target(minutes, priority)``: the target as the contract means it
    ("3 business days (24 h)" on office hours, "4 h" round the clock)."""
    def target(minutes: float | None, priority: str) -> str:
        clock = pack.priority_clocks.get(priority)
        text = target_text(minutes, clock.always if clock else True,
                           clock.day_minutes if clock else None, fmt.translations,
                           fmt.number)
        # A narrow column may wrap "3 business days (24 h)" before "(24 h)", never
        # inside it ("(24 / h)" was printed).
        head, sep, tail = text.partition(" (")
        if not sep:
            return text
        return Markup('{} <span class="nowrap">({}</span>').format(head, tail)
    return target


def _story_context(pack: Pack, fmt: Formatters, internal: bool) -> dict[str, Any]:
    crit_incidents = [i for i in pack.incidents if i.critical]
    return {
        "qlabel": fmt.quarter(pack.quarter),
        "summary": story.summary(pack, fmt),
        "tiles": story.tiles(pack, fmt),
        "notes": render_notes(pack.notes_markdown, pack.link_hosts),
        "desk": pack.desk,
        "systems": list(pack.systems),
        # the longest incidents, shown in time order; the total row covers the rest
        "incidents": sorted(sorted(crit_incidents, key=lambda i: -i.downtime_minutes)
                            [:INCIDENT_ROWS], key=lambda i: (i.start, i.label)),
        "incidents_more": max(len(crit_incidents) - INCIDENT_ROWS, 0),
        "incidents_minutes": sum(i.downtime_minutes for i in crit_incidents),
        "critical_downtime": sum(s.downtime_minutes for s in pack.systems if s.critical),
        "other_incidents": len(pack.incidents) - len(crit_incidents),
        "credit": pack.credit,
        "target": target_for(pack, fmt),
        "plabel": lambda key: priority_label(key, fmt.translations),
        "service_hours": wording.service_hours(pack, fmt),
        "zone_label": wording.zone_name(pack.timezone, fmt),
        "paper": "letter" if pack.paper == "Letter" else "A4",
        "internal": internal,
        "desk_prio_total": desk_priority_totals(pack),
        "reason_label": reason_labeller(fmt),
    }


def build_context(pack: Pack, fmt: Formatters, default_logo_url: str,
                  internal: bool = False) -> dict[str, Any]:
    """The template context documented in this module's docstring."""
    _ = fmt.translations.gettext
    colours = brand_colours(pack)
    breached = breached_rows(pack)
    footer_left = f"{pack.client_name} · {fmt.quarter(pack.quarter)}"
    return {
        **_story_context(pack, fmt, internal),
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
        "default_logo": default_logo_url,
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
        # SPEC §3a: what a credit row is measured on, in the reader's language.
        "credit_what": {"uptime": _("Critical uptime"), "response": _("Response attainment"),
                        "resolution": _("Resolution attainment")},
        "tickets_note": (pack.metrics.get("tickets") or {}),
    }


def pause_labels(pack: Pack, _: Any) -> list[str]:
    """The tier's pause statuses in the reader's language (canonical keys are for configs)."""
    names = {"pause": _("paused"), "waiting_customer": _("waiting on the customer"),
             "waiting_vendor": _("waiting on a vendor")}
    return [names.get(status, status) for status in pack.pause_statuses]


def _as_of_label(as_of: datetime, fmt: Formatters) -> str:
    return fmt.datetime_tz(as_of)
