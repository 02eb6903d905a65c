"""The client's workbook: Summary, Tickets, Outages and Inputs sheets (openpyxl).

Every KPI cell holds a computed number (never a formula — ADVERSARIAL 14) with a number
format. Percentages appear twice: the **shown** value, truncated like the PDF (SPEC §6)
and stored as a fraction with a ``0.0%`` format, and the exact value on the 0–100 scale.
Durations are business minutes (float); instants are the client's local time as naive
datetimes (Excel has no zones; the zone is named on the Summary sheet). Untrusted text
goes through :mod:`qbr.report.xlsx_cells`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qbr.display import truncate
from qbr.pack import Pack, TicketRow
from qbr.report.context import brand_colours, priority_keys
from qbr.report.formatters import Formatters, round_money
from qbr.report.xlsx_cells import keep_carriage_returns, put, put_text

MINUTES = "#,##0.0"
COUNT = "#,##0"
_WIDTH_MIN, _WIDTH_MAX = 8, 60


def _fraction(value: float | None, places: int) -> float | None:
    """Shown percentage (truncated) as a spreadsheet fraction: 99.95 → 0.9995."""
    shown = truncate(value, places)
    return None if shown is None else float(shown / Decimal(100))


def _pct_format(places: int) -> str:
    return "0." + "0" * places + "%"


class _Sheet:
    """A worksheet with a running row cursor, brand header style and tidy finish."""

    def __init__(self, ws: Worksheet, primary: str) -> None:
        self.ws = ws
        self.row = 1
        self.fill = PatternFill("solid", fgColor=primary.lstrip("#").upper())

    def header(self, labels: Sequence[str]) -> None:
        """A header row in the brand colour (trusted labels from the catalog)."""
        for col, label in enumerate(labels, start=1):
            cell = put_text(self.ws, self.row, col, label)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = self.fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        self.row += 1

    def line(self, values: Sequence[Any], formats: Sequence[str] = ()) -> None:
        """One data row; ``formats[i]`` is the number format of column ``i``."""
        for col, value in enumerate(values, start=1):
            fmt = formats[col - 1] if col <= len(formats) else "General"
            put(self.ws, self.row, col, value, fmt)
        self.row += 1

    def title(self, text: str) -> None:
        """A bold section title with a blank row before it (except at the top)."""
        if self.row > 1:
            self.row += 1
        put_text(self.ws, self.row, 1, text).font = Font(bold=True, size=12)
        self.row += 1

    def finish(self, table_header_row: int | None = None) -> None:
        """Column widths from content; freeze and filter below a table header row."""
        widths: dict[int, int] = {}
        for row in self.ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    text = cell.value if isinstance(cell.value, str) else "0" * 12
                    longest = max(len(p) for p in text.split("\n")) if text else 0
                    widths[cell.column] = max(widths.get(cell.column, 0), longest)
        for col, width in widths.items():
            letter = get_column_letter(col)
            self.ws.column_dimensions[letter].width = min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX)
        if table_header_row is not None:
            self.ws.freeze_panes = self.ws.cell(row=table_header_row + 1, column=1)
            self.ws.auto_filter.ref = (
                f"A{table_header_row}:{get_column_letter(self.ws.max_column)}{self.ws.max_row}"
            )


def _summary(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    m = pack.metrics
    for label, value in (
        (_("Client"), pack.client_name),
        (_("Client key"), pack.client_key),
        (_("Quarter"), pack.quarter),
        (_("Data as of"), fmt.local(pack.as_of)),
        (_("Time zone"), pack.timezone),
        (_("Service tier"), m.get("tier") or pack.tier),
        (_("Prepared by"), pack.msp_name),
    ):
        sheet.line([label, value])
    sheet.line([_("Objective (attainment %)"), pack.objective_pct], ["", "0.0##"])
    sheet.line([_("All objectives met"), _yes_no(m.get("sla_met"), fmt)])
    _summary_sla(sheet, pack, fmt)
    _summary_uptime(sheet, pack, fmt)
    _summary_credit_and_data(sheet, pack, fmt)


def _summary_sla(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    sheet.title(_("Service levels"))
    sheet.header(
        [
            _("Measure"),
            _("Priority"),
            _("Target (min)"),
            _("Met"),
            _("Breached"),
            _("Pending"),
            _("Attainment"),
            _("Attainment exact (%)"),
            _("Median (min)"),
            _("P90 (min)"),
            _("Objective met"),
        ]
    )
    formats = ["", "", MINUTES, COUNT, COUNT, COUNT, _pct_format(1), "General", MINUTES, MINUTES]
    for measure, label in (("response", _("Response")), ("resolution", _("Resolution"))):
        table = pack.metrics.get(measure) or {}
        for key in [*priority_keys(pack.metrics), "all"]:
            e = table.get(key) or {}
            pct = e.get("attainment_pct")
            sheet.line(
                [
                    label,
                    _("All priorities") if key == "all" else key,
                    e.get("target_minutes"),
                    e.get("met"),
                    e.get("breached"),
                    e.get("pending"),
                    _fraction(pct, 1),
                    pct,
                    e.get("median_minutes"),
                    e.get("p90_minutes"),
                    _yes_no(None if pct is None else pct >= pack.objective_pct, fmt),
                ],
                formats,
            )


def _summary_uptime(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    up = pack.metrics.get("uptime") or {}
    sheet.title(_("Availability"))
    sheet.header(
        [
            _("Monitor"),
            _("Critical"),
            _("Uptime"),
            _("Uptime exact (%)"),
            _("Guarantee (%)"),
            _("Downtime (min)"),
            _("Monitored (min)"),
            _("Guarantee met"),
            _("Not monitored (min)"),
        ]
    )
    formats = ["", "", _pct_format(2), "General", "0.0##", MINUTES, MINUTES, "", MINUTES]
    for mon in up.get("monitors") or []:
        sheet.line(
            [
                mon.get("monitor"),
                _yes_no(mon.get("critical"), fmt),
                _fraction(mon.get("uptime_pct"), 2),
                mon.get("uptime_pct"),
                mon.get("guarantee_pct"),
                mon.get("downtime_minutes"),
                mon.get("window_minutes"),
                _yes_no(mon.get("met"), fmt),
                mon.get("unmonitored_minutes"),
            ],
            formats,
        )
    for label, key in (
        (_("Critical uptime"), "critical_uptime_pct"),
        (_("Worst critical monitor"), "worst_critical_pct"),
    ):
        sheet.line([label, None, _fraction(up.get(key), 2), up.get(key)], formats)


def _summary_credit_and_data(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    cr = pack.metrics.get("credits") or {}
    currency = cr.get("currency")
    amount = round_money(cr.get("amount"), currency) if currency else None
    sheet.title(_("Service credit"))
    sheet.line([_("Credit (% of the quarterly fee)"), cr.get("pct")], ["", "0.00"])
    sheet.line([_("Credit amount"), None if amount is None else float(amount)], ["", "#,##0.00"])
    sheet.line([_("Currency"), currency])
    sheet.line([_("Provisional"), _yes_no(cr.get("provisional"), fmt)])
    dn = pack.data_note
    sheet.title(_("Data note"))
    for label, value in (
        (_("Input rows read"), dn.rows_read),
        (_("accepted"), dn.rows_accepted),
        (_("unassigned (no client)"), dn.rows_unassigned),
        (_("rejected"), dn.rows_rejected),
        (_("rejected rows of this client"), dn.client_rejected),
        (_("pending tickets (not counted)"), dn.pending),
        (_("unclassified tickets"), dn.unclassified),
        (_("tickets whose pauses could not be measured"), dn.pause_unmeasured),
        (_("warnings (e.g. ambiguous local times)"), dn.warnings),
    ):
        sheet.line([label, value], ["", COUNT])


def _yes_no(value: bool | None, fmt: Formatters) -> str | None:
    _ = fmt.translations.gettext
    return None if value is None else (_("yes") if value else _("no"))


def _state(state: str, fmt: Formatters) -> str:
    _ = fmt.translations.gettext
    labels = {
        "met": _("met"),
        "breached": _("breached"),
        "pending": _("pending"),
        "unclassified": _("unclassified"),
    }
    return labels.get(state, state)


def _ticket_values(t: TicketRow, fmt: Formatters) -> list[Any]:
    return [
        t.system,
        t.ticket_id,
        t.title,
        t.priority_raw,
        t.priority,
        t.calendar,
        fmt.local(t.created_at),
        t.response.target_minutes,
        t.response.elapsed_minutes,
        _state(t.response.state, fmt),
        t.resolution.target_minutes,
        t.resolution.elapsed_minutes,
        _state(t.resolution.state, fmt),
        t.paused_minutes,
        _yes_no(t.pause_measured, fmt),
        t.source_file,
        t.source_row,
    ]


def _tickets(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    sheet.header(
        [
            _("System"),
            _("Ticket"),
            _("Title"),
            _("Priority (as exported)"),
            _("Priority (tier)"),
            _("Calendar"),
            _("Created (local time)"),
            _("Response target (min)"),
            _("Response elapsed (min)"),
            _("Response state"),
            _("Resolution target (min)"),
            _("Resolution elapsed (min)"),
            _("Resolution state"),
            _("Paused (min)"),
            _("Pause measured"),
            _("Source file"),
            _("Source row"),
        ]
    )
    formats = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        MINUTES,
        MINUTES,
        "",
        MINUTES,
        MINUTES,
        "",
        MINUTES,
        "",
        "",
        "0",
    ]
    for t in sorted(pack.tickets, key=lambda t: (t.created_at, t.system, t.ticket_id)):
        sheet.line(_ticket_values(t, fmt), formats)
    sheet.finish(table_header_row=1)


def _outages(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    sheet.header(
        [
            _("Monitor"),
            _("Critical"),
            _("Start (local time)"),
            _("End (local time)"),
            _("Counted downtime (min)"),
            _("Reason"),
        ]
    )
    for o in sorted(pack.outages, key=lambda o: (o.start, o.monitor)):
        end: datetime | None = None if o.end is None else fmt.local(o.end)
        sheet.line(
            [
                o.monitor,
                _yes_no(o.critical, fmt),
                fmt.local(o.start),
                end if end is not None else _("still down"),
                o.downtime_minutes,
                o.reason,
            ],
            ["", "", "", "", MINUTES],
        )
    sheet.finish(table_header_row=1)


def _inputs(sheet: _Sheet, pack: Pack, fmt: Formatters) -> None:
    _ = fmt.translations.gettext
    sheet.header(
        [
            _("File"),
            _("Kind"),
            _("Read"),
            _("Accepted"),
            _("Unassigned"),
            _("Rejected"),
            _("Rejected by reason"),
        ]
    )
    for f in pack.data_note.files:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(f.rejected_by_reason.items()))
        sheet.line(
            [f.file, f.kind, f.read, f.accepted, f.unassigned, f.rejected, reasons],
            ["", "", COUNT, COUNT, COUNT, COUNT],
        )
    sheet.finish(table_header_row=1)


def build_workbook(pack: Pack, fmt: Formatters) -> Workbook:
    """The workbook of ``pack`` (not yet saved)."""
    _ = fmt.translations.gettext
    primary = brand_colours(pack)["primary"]
    wb = Workbook()
    summary = _Sheet(wb.active, primary)
    summary.ws.title = _("Summary")
    _summary(summary, pack, fmt)
    summary.finish()
    for title, fill in ((_("Tickets"), _tickets), (_("Outages"), _outages), (_("Inputs"), _inputs)):
        fill(_Sheet(wb.create_sheet(title[:31]), primary), pack, fmt)
    wb.properties.creator = "qbr"
    wb.properties.created = pack.as_of.replace(tzinfo=None)
    return wb


def workbook_bytes(pack: Pack, fmt: Formatters) -> bytes:
    """The saved ``.xlsx`` of ``pack``."""
    buffer = io.BytesIO()
    build_workbook(pack, fmt).save(buffer)
    return keep_carriage_returns(buffer.getvalue())
