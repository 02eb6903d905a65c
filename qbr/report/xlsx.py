"""The client's workbook (issue 7 §4): Summary, Tickets, Missed targets, Incidents,
Service desk and Trend sheets, written in constant memory; and the MSP's internal
workbook (``--internal``) with the whole-file accounting and the internal columns.

Every KPI cell holds a computed number (never a formula — ADVERSARIAL 14). Percentages are
fractions with ``0.0%``/``0.00%`` formats, the shown value truncated like the PDF (SPEC
§6); durations are whole minutes (rounded up, like the PDF); instants are the client's
local time as naive datetimes in the locale's date format (Excel has no zones; the zone
is named on the Summary sheet). Untrusted text goes through :class:`~qbr.report.xlsx_sheet.Sheet`.
Nothing internal (file names, config keys, other clients' counts) is in the client's file.
"""

from __future__ import annotations

import io
import math
from datetime import datetime
from decimal import Decimal
from typing import Any

from qbr.display import NOISE_PLACES, truncate
from qbr.gcpause import gc_paused
from qbr.pack import Pack, TicketRow
from qbr.report import story
from qbr.report.context import brand_colours, breached_rows
from qbr.report.formatters import Formatters, priority_label, round_money
from qbr.report.links import safe_link
from qbr.report.story import priority_keys
from qbr.report.xlsx_desk import desk_sheet, trend_sheet
from qbr.report.xlsx_sheet import (
    COUNT,
    MINUTES,
    PCT1,
    PCT2,
    Book,
    Column,
    Sheet,
    date_format,
    money_format,
)


def fraction(value: float | None, places: int) -> float | None:
    """Shown percentage (truncated) as a spreadsheet fraction: 99.95 → 0.9995."""
    shown = truncate(value, places)
    return None if shown is None else float(shown / Decimal(100))


def minutes(value: float | None) -> int | None:
    """Whole minutes, rounded up like the PDF's durations (float noise below
    ``NOISE_PLACES`` decimals ignored: 60.0000000001 is 60)."""
    if value is None or not math.isfinite(value):
        return None
    whole = math.floor(value)
    part = value - whole  # exact for a float
    if part == 0:
        return whole
    if part > _CLEARLY_ABOVE:  # rounding to NOISE_PLACES cannot bring it down: one call
        return whole + 1  # instead of round() (a third of a ticket row's values, §5)
    return math.ceil(round(value, NOISE_PLACES))


_CLEARLY_ABOVE = 10.0 ** (1 - NOISE_PLACES)  # ten times the noise


def local(fmt: Formatters, instant: datetime | None) -> datetime | None:
    return None if instant is None else fmt.local(instant).replace(tzinfo=None)


def _footer(pack: Pack, fmt: Formatters) -> str:
    return f"{pack.client_name} · {fmt.quarter(pack.quarter)}"


def _summary(wb: Book, pack: Pack, fmt: Formatters, primary: str) -> None:
    _ = fmt.translations.gettext
    s = Sheet(wb, _("Summary"), _footer(pack, fmt), primary)
    s.widths([34, 16, 16, 16, 16, 16, 16, 20, 20, 30])  # H, I: "09/30/2026 11:59 PM"
    dates = date_format(fmt.locale)
    s.title(_("Quarterly business review") + f" {fmt.quarter(pack.quarter)}", 14)
    for label, value, f in (
        (_("Client"), pack.client_name, ""),
        (_("Quarter"), fmt.quarter(pack.quarter), ""),
        (_("Data as of"), local(fmt, pack.as_of), dates),
        (_("Times shown in"), fmt.datetime_tz(pack.as_of).rsplit(" ", 1)[-1], ""),
        (_("Service agreement"), pack.tier_label or pack.tier, ""),
        (_("Prepared by"), pack.msp_name, ""),
    ):
        s.line([label, value], ["", f])
    s.title(_("Executive summary"))
    for sentence in story.summary(pack, fmt):
        s.line([sentence])
    _kpis(s, pack, fmt)
    _sla(s, pack, fmt)
    _systems(s, pack, fmt)
    _credit(s, pack, fmt)


def _kpis(s: Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    s.title(_("Key figures"))
    s.header([_("Figure"), _("This quarter"), _("Previous quarter"), _("Target"),
              _("Result"), _("Why")], repeat=False)
    prev = pack.history[-2] if len(pack.history) > 1 and pack.previous else None
    now = pack.history[-1] if pack.history else None
    tiles = {t.key: t for t in story.tiles(pack, fmt)}
    for key, attr, places, f, target in (
        ("response", "response_pct", 1, PCT1, fraction(pack.objective_pct, 1)),
        ("resolution", "resolution_pct", 1, PCT1, fraction(pack.objective_pct, 1)),
        ("uptime", "critical_uptime_pct", 2, PCT2, None),
    ):
        tile = tiles[key]
        if target is None:  # uptime: the strictest guarantee of a critical system
            target = fraction(max((r.guarantee_pct for r in pack.systems if r.critical),
                                  default=None), 2)
        s.line([tile.label, fraction(getattr(now, attr) if now else None, places),
                fraction(getattr(prev, attr), places) if prev else None,
                target, _result(tile.status, fmt), tile.reason], ["", f, f, f])
    total = (pack.metrics.get("tickets") or {}).get("total")
    prev_total = ((pack.previous or {}).get("tickets") or {}).get("total") if prev else None
    s.line([tiles["tickets"].label, total, prev_total, None, None, tiles["tickets"].reason],
           ["", COUNT, COUNT])


def _result(status: str, fmt: Formatters) -> str | None:
    _ = fmt.translations.gettext
    return {"met": _("met"), "missed": _("missed")}.get(status)


def _sla(s: Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    s.title(_("Service levels"))
    s.header([_("Measure"), _("Priority"), _("Target (min)"), _("Met"), _("Missed"),
              _("Open"), _("Within target"), _("Median (min)"), _("P90 (min)"),
              _("Objective")], repeat=False)
    formats = ["", "", MINUTES, COUNT, COUNT, COUNT, PCT1, MINUTES, MINUTES]
    for measure, label in (("response", _("Response")), ("resolution", _("Resolution"))):
        table = pack.metrics.get(measure) or {}
        for key in [*priority_keys(pack.metrics), "all"]:
            e = table.get(key) or {}
            pct = e.get("attainment_pct")
            s.line([label, _("All priorities") if key == "all" else
                    priority_label(key, fmt.translations),
                    minutes(e.get("target_minutes")), e.get("met"), e.get("breached"),
                    e.get("pending"), fraction(pct, 1), minutes(e.get("median_minutes")),
                    minutes(e.get("p90_minutes")),
                    _yes_no(None if pct is None or pack.objective_pct is None
                            else pct >= pack.objective_pct, fmt,
                            _("met"), _("missed"))], formats, bold=key == "all")


def _systems(s: Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    s.title(_("Availability"))
    s.header([_("System"), _("Critical"), _("Available"), _("Guarantee"),
              _("Downtime (min)"), _("Maintenance (min)"), _("Not monitored (min)"),
              _("Observed from"), _("Observed until"), _("Result")], repeat=False)
    day = date_format(fmt.locale)
    formats = ["", "", PCT2, PCT2, MINUTES, MINUTES, MINUTES, day, day]
    for row in pack.systems:
        s.line([row.label, _yes_no(row.critical, fmt), fraction(row.uptime_pct, 2),
                fraction(row.guarantee_pct, 2) if row.critical else None,
                minutes(row.downtime_minutes), minutes(row.maintenance_minutes),
                minutes(row.unmonitored_minutes), local(fmt, row.observed_from),
                local(fmt, row.observed_until),
                _yes_no(row.met, fmt, _("met"), _("missed")) if row.critical else None],
               formats)
    crit = (pack.metrics.get("uptime") or {}).get("critical_uptime_pct")
    s.line([_("Critical systems together"), None, fraction(crit, 2)], formats, bold=True)


def _credit(s: Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    cr = pack.credit
    if cr is None:
        return
    money = money_format(fmt.locale, cr.currency)
    s.title(_("Service credit"))
    s.header([_("Availability of critical systems below"), _("Credit (share of the fee)"),
              _("Applies")], repeat=False)
    for below, pct in cr.table:
        s.line([fraction(below, 2), pct / 100.0, _("yes") if cr.applied_below == below
                else None], [PCT2, "0%"])
    what = {"uptime": _("Critical uptime"), "response": _("Response attainment"),
            "resolution": _("Resolution attainment")}
    for metric, below, pct in cr.attainment_rows:  # SPEC §3a rows on attainment
        hit = any(a[0] == metric and a[2] == below for a in cr.applied)
        s.line([f"{what.get(metric, metric)} < {fmt.attainment(below)}", pct / 100.0,
                _("yes") if hit else None], ["", "0%"])
    for metric, measured, limit, share in cr.applied:  # the working: each row that applied
        shown = fmt.uptime(measured) if metric == "uptime" else fmt.attainment(measured)
        s.line([_("%(what)s %(value)s is below %(below)s: %(pct)s") % {
            "what": what.get(metric, metric), "value": shown,
            "below": fmt.percent(limit, 2), "pct": fmt.percent(share, 2)}])
    amount = round_money(cr.amount, cr.currency) if cr.amount is not None else None
    for label, value, f in (
        (_("Availability of critical systems"), fraction(cr.critical_uptime_pct, 2), PCT2),
        (_("Credit (share of the fee)"), None if cr.pct is None else cr.pct / 100.0, "0%"),
        (_("Quarterly fee"), cr.fee, money),
        (_("Credit"), None if amount is None else float(amount), money),
        (_("Status"), _("provisional") if cr.provisional else _("final"), ""),
    ):
        s.line([label, value], ["", f], bold=label == _("Credit"))


def _yes_no(value: bool | None, fmt: Formatters, yes: str | None = None,
            no: str | None = None) -> str | None:
    _ = fmt.translations.gettext
    return None if value is None else ((yes or _("yes")) if value else (no or _("no")))


def _names(fmt: Formatters) -> dict[Any, str]:
    """The translated words of the ticket rows, looked up once per workbook (not once a
    cell): clock states, canonical statuses (keyed ``("status", name)``), yes/no."""
    _ = fmt.translations.gettext
    return {"met": _("met"), "breached": _("missed"), "pending": _("open"),
            "unclassified": _("unclassified"), "excluded": _("excluded"),
            ("status", "running"): _("in progress"), ("status", "pause"): _("paused"),
            ("status", "waiting_customer"): _("waiting on you"),
            ("status", "waiting_vendor"): _("waiting on a supplier"),
            ("status", "resolved"): _("resolved"), ("status", "closed"): _("closed"),
            ("status", "excluded"): _("excluded"), True: _("yes"), False: _("no"),
            "closed without time": _("status closed, no close time")}


def _tickets(wb: Book, pack: Pack, fmt: Formatters, primary: str) -> None:
    _ = fmt.translations.gettext
    day = date_format(fmt.locale)
    columns = [Column(_("Ticket"), 12), Column(_("Title"), 48), Column(_("Category"), 20),
               Column(_("Priority"), 9), Column(_("Status"), 14), Column(_("Opened"), 17, day),
               Column(_("Resolved"), 17, day), Column(_("Closed"), 17, day),
               Column(_("Response target (min)"), 11, MINUTES),
               Column(_("Response took (min)"), 11, MINUTES), Column(_("Response"), 10),
               Column(_("Resolution target (min)"), 11, MINUTES),
               Column(_("Resolution took (min)"), 11, MINUTES), Column(_("Resolution"), 10),
               Column(_("Paused (min)"), 10, MINUTES),
               Column(_("Priority as recorded"), 14),
               # SPEC §3a columns, appended so the columns before them stay put.
               Column(_("Excluded (reason)"), 24), Column(_("Reopened"), 10),
               Column(_("Resolved before reopen (min)"), 12, MINUTES),
               Column(_("Priority at response"), 10), Column(_("Priority at resolution"), 10),
               Column(_("Note"), 28)]
    s = Sheet(wb, _("Tickets"), _footer(pack, fmt), primary, columns)
    rows = sorted(pack.tickets, key=lambda t: (t.created_at, t.system, t.ticket_id))
    s.filter(1, len(rows) + 1)
    s.header()
    names = _names(fmt)
    for t in rows:
        s.line(_ticket_values(t, fmt, names), where=f"ticket {t.ticket_id}",
               link=_link(t, pack) if t.url else None)


def _link(t: TicketRow, pack: Pack) -> tuple[int, str] | None:
    """The ticket id becomes a hyperlink only for https on the PSA host (ADVERSARIAL 4)."""
    url = safe_link(t.url, pack.link_hosts, f"{t.source_file} row {t.source_row} column url"
                    ) if t.url else None
    return None if url is None else (0, url)


def _ticket_values(t: TicketRow, fmt: Formatters, names: dict[Any, str]) -> list[Any]:
    """One ticket row: times in the client's zone, whole minutes, translated words."""
    return [t.ticket_id, t.title, t.category, t.priority,
            None if t.status is None else names.get(("status", t.status), t.status),
            local(fmt, t.created_at), local(fmt, t.resolved_at), local(fmt, t.closed_at),
            minutes(t.response.target_minutes), minutes(t.response.elapsed_minutes),
            names.get(t.response.state, t.response.state),
            minutes(t.resolution.target_minutes), minutes(t.resolution.elapsed_minutes),
            names.get(t.resolution.state, t.resolution.state),
            minutes(t.paused_minutes), t.priority_raw,
            t.excluded_reason, None if t.reopened is None else names[bool(t.reopened)],
            minutes(t.reopened_minutes), t.response.priority, t.resolution.priority,
            names["closed without time"] if t.closed_without_time else None]


def _breaches(wb: Book, pack: Pack, fmt: Formatters, primary: str) -> None:
    _ = fmt.translations.gettext
    day = date_format(fmt.locale)
    columns = [Column(_("Ticket"), 12), Column(_("Title"), 50), Column(_("Priority"), 9),
               Column(_("Opened"), 17, day), Column(_("Measure"), 12),
               Column(_("Target (min)"), 11, MINUTES), Column(_("Took (min)"), 11, MINUTES),
               Column(_("Over by (min)"), 11, MINUTES)]
    s = Sheet(wb, _("Missed targets"), _footer(pack, fmt), primary, columns)
    rows = breached_rows(pack)
    s.filter(1, len(rows) + 1)
    s.header()
    for r in rows:
        target, took = minutes(r.target_minutes), minutes(r.elapsed_minutes)
        s.line([r.ticket.ticket_id, r.ticket.title, r.ticket.priority,
                local(fmt, r.ticket.created_at),
                _("Response") if r.measure == "response" else _("Resolution"), target, took,
                None if target is None or took is None else took - target],
               where=f"ticket {r.ticket.ticket_id}")


def _incidents(wb: Book, pack: Pack, fmt: Formatters, primary: str) -> None:
    _ = fmt.translations.gettext
    day = date_format(fmt.locale)
    columns = [Column(_("System"), 24), Column(_("Critical"), 9),
               Column(_("Down from"), 17, day), Column(_("Back up"), 17, day),
               Column(_("Downtime (min)"), 12, MINUTES), Column(_("Reports merged"), 10, COUNT),
               Column(_("Recorded reason"), 50)]
    s = Sheet(wb, _("Incidents"), _footer(pack, fmt), primary, columns)
    s.filter(1, len(pack.incidents) + 1)
    s.header()
    for i in pack.incidents:
        s.line([i.label, _yes_no(i.critical, fmt), local(fmt, i.start),
                local(fmt, i.end) if i.end is not None else _("still down"),
                minutes(i.downtime_minutes), i.outages, "; ".join(i.reasons) or None],
               where=f"incident {i.label}")


def build_workbook(wb: Book, pack: Pack, fmt: Formatters) -> None:
    """Write the client's workbook of ``pack`` into ``wb`` (close it once)."""
    primary = brand_colours(pack)["primary"]
    _summary(wb, pack, fmt, primary)
    _tickets(wb, pack, fmt, primary)
    _breaches(wb, pack, fmt, primary)
    _incidents(wb, pack, fmt, primary)
    desk_sheet(wb, pack, fmt, primary, _footer(pack, fmt))
    trend_sheet(wb, pack, fmt, primary, _footer(pack, fmt))
    created = pack.as_of.replace(tzinfo=None)  # also the modified time: same pack, same file
    wb.wb.set_properties({"author": pack.msp_name, "created": created,
                          "title": f"{pack.client_name} · {fmt.quarter(pack.quarter)}"})


def _book(pack: Pack) -> tuple[Book, io.BytesIO]:
    buffer = io.BytesIO()
    return Book(buffer, pack.paper), buffer


def _save(wb: Book, buffer: io.BytesIO) -> bytes:
    wb.close()
    return buffer.getvalue()


def workbook_bytes(pack: Pack, fmt: Formatters) -> bytes:
    """The saved client ``.xlsx`` of ``pack``."""
    with gc_paused():
        wb, buffer = _book(pack)
        build_workbook(wb, pack, fmt)
        return _save(wb, buffer)


def internal_workbook_bytes(pack: Pack, fmt: Formatters) -> bytes:
    """The MSP-only workbook (``--internal``): whole-file input accounting, and per
    ticket the source system, calendar key, file and row."""
    _ = fmt.translations.gettext
    primary = brand_colours(pack)["primary"]
    wb, buffer = _book(pack)
    footer = _footer(pack, fmt) + " · " + _("internal")
    s = Sheet(wb, _("Inputs"), footer, primary, [
        Column(_("File"), 40), Column(_("Kind"), 12), Column(_("Read"), 10, COUNT),
        Column(_("Accepted"), 10, COUNT), Column(_("Unassigned"), 10, COUNT),
        Column(_("Rejected"), 10, COUNT), Column(_("Rejected by reason"), 40)])
    s.header()
    for f in pack.data_note.files:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(f.rejected_by_reason.items()))
        s.line([f.file, f.kind, f.read, f.accepted, f.unassigned, f.rejected, reasons])
    t = Sheet(wb, _("Tickets (internal)"), footer, primary, [
        Column(_("System"), 16), Column(_("Ticket"), 12), Column(_("Calendar"), 12),
        Column(_("Pause measured"), 10), Column(_("Source file"), 40),
        Column(_("Source row"), 10, "0")])
    t.header()
    for row in sorted(pack.tickets, key=lambda x: (x.created_at, x.system, x.ticket_id)):
        t.line([row.system, row.ticket_id, row.calendar, _yes_no(row.pause_measured, fmt),
                row.source_file, row.source_row])
    # The pack's cut-off, not the clock, as the creation time (like the client's
    # workbook): the same pack gives the same bytes, wherever and whenever it is written.
    wb.wb.set_properties({"author": pack.msp_name, "created": pack.as_of.replace(tzinfo=None),
                          "title": f"{pack.client_name} · {fmt.quarter(pack.quarter)} · "
                                   f"{_('internal')}"})
    return _save(wb, buffer)
