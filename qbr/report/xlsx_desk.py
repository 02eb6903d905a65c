"""Workbook sheets for the service desk view and the quarter trend (issue 7 §4), the
trend with a native Excel line chart (values written as numbers, never formulas)."""

from __future__ import annotations

from decimal import Decimal

from qbr.display import truncate
from qbr.pack import Pack
from qbr.report.formatters import Formatters
from qbr.report.story import priority_keys
from qbr.report.xlsx_sheet import COUNT, PCT1, PCT2, Book, Sheet

CHART_WIDTH_PX, CHART_HEIGHT_PX = 680, 302  # 18 × 8 cm at 96 dpi


def _fraction(value: float | None, places: int) -> float | None:
    shown = truncate(value, places)
    return None if shown is None else float(shown / Decimal(100))


def desk_sheet(wb: Book, pack: Pack, fmt: Formatters, primary: str, footer: str) -> None:
    """Tickets by month and priority, top categories with last quarter, recurring issues."""
    _ = fmt.translations.gettext
    desk = pack.desk
    s = Sheet(wb, _("Service desk"), footer, primary)
    prios = priority_keys(pack.metrics)
    s.widths([44, 20, 12, 12, 12, 12, 12, 12])
    s.title(_("Tickets by month and priority"))
    s.header([_("Month"), *prios, _("Unclassified"), _("Total")], repeat=False)
    counts = [COUNT] * (len(prios) + 3)
    for row in desk.months if desk else ():
        s.line([fmt.month(row.month), *[row.by_priority.get(p, 0) for p in prios],
                row.by_priority.get(None, 0), row.total], ["", *counts])
    s.title(_("Top categories"))
    s.header([_("Category"), _("This quarter"), _("Previous quarter"), _("Share")],
             repeat=False)
    total = desk.total if desk else 0
    for c in desk.categories if desk else ():
        s.line([c.category if c.category is not None else _("(no category)"), c.count,
                c.previous, c.count / total if total else None],
               ["", COUNT, COUNT, "0%"], where="category")
    if desk and desk.other_categories:
        s.line([_("other categories"), desk.other_categories, None,
                desk.other_categories / total], ["", COUNT, COUNT, "0%"])
    s.title(_("Recurring issues"))
    s.header([_("Issue (title as reported)"), _("Category"), _("Tickets"),
              _("Missed a target")], repeat=False)
    for r in desk.recurring if desk else ():
        s.line([r.title, r.category, r.count, r.breached], ["", "", COUNT, COUNT],
               where="recurring issue")


def trend_sheet(wb: Book, pack: Pack, fmt: Formatters, primary: str, footer: str) -> None:
    """One row per quarter (oldest first) and a line chart of the three series."""
    _ = fmt.translations.gettext
    s = Sheet(wb, _("Trend"), footer, primary)
    s.widths([16, 16, 16, 18, 14])
    s.header([_("Quarter"), _("Response within target"), _("Resolved within target"),
              _("Critical systems available"), _("Objective")])
    for h in pack.history:
        s.line([fmt.quarter(h.quarter), _fraction(h.response_pct, 1),
                _fraction(h.resolution_pct, 1), _fraction(h.critical_uptime_pct, 2),
                _fraction(pack.objective_pct, 1)], ["", PCT1, PCT1, PCT2, PCT1])
    n = len(pack.history)
    if n < 2:
        return
    chart = wb.wb.add_chart({"type": "line"})
    name = s.ws.get_name()
    for col in range(1, 5):
        # straight segments (XlsxWriter's default): a smoothed curve invents values
        chart.add_series({"name": [name, 0, col], "categories": [name, 1, 0, n, 0],
                          "values": [name, 1, col, n, col], "marker": {"type": "automatic"}})
    chart.set_title({"name": _("Trend over the last quarters")})
    chart.set_y_axis({"num_format": "0%", "max": 1})  # fractions: never above 100 %
    chart.set_size({"width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX})
    s.ws.insert_chart("G2", chart)
