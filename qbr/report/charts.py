"""Charts for the PDF, as small hand-built SVG ``data:`` URIs (issue 7 §1 and §5).

Pure functions from the pack's numbers to SVG text (:mod:`qbr.report.svg`): a few dozen
``rect``/``line``/``path``/``text`` elements per chart, no ``defs`` or clip paths. They
replaced matplotlib, whose SVG (hundreds of elements, clip paths, one ``<text>`` per
tick) cost about a quarter of the PDF's layout and most of the HTML stage; WeasyPrint
lays out SVG text letter by letter, so labels are kept short and ticks few.

Every chart keeps what issue 7 §1 asks: the objective or guarantee line, a sane axis
with unique tick labels, direct value labels, a missed value marked by a shape (hatching,
✗) and not by colour alone, "no data" text instead of zero bars, and numbers formatted by
the pack's locale. Output is deterministic (same input, same bytes); labels are escaped
and stripped of control characters, so data never becomes markup (ADVERSARIAL 9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qbr.pack import HistoryPoint
from qbr.report.formatters import Formatters
from qbr.report.svg import MUTED, TEXT, Svg, hatch, text_width

_GRID = "#E3E7EC"
_AXIS = "#9AA3AE"
_OBJECTIVE = "#B03A2E"
_TICK = 7.5  # pt: tick labels
_VALUE = 7.0  # pt: direct value labels
_LEGEND = 7.5  # pt


@dataclass(frozen=True)
class ChartColours:
    """Brand colours, validated ``#RRGGBB``."""

    primary: str
    accent: str


@dataclass(frozen=True)
class AttainmentSeries:
    """Attainment % per priority for one measure; None where nothing was measured."""

    label: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class _Plot:
    """A plot area in points (``top`` < ``bottom``) and its y range (data units)."""

    left: float
    top: float
    right: float
    bottom: float
    lo: float
    hi: float

    def y(self, value: float) -> float:
        """The SVG y of a data value (clamped to the plot area)."""
        share = (min(max(value, self.lo), self.hi) - self.lo) / (self.hi - self.lo)
        return self.bottom - share * (self.bottom - self.top)


def _no_data(svg: Svg, plot: _Plot, text: str) -> None:
    """An empty chart says so instead of drawing zero bars."""
    svg.text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, text, 10,
             MUTED, anchor="middle")


def _y_axis(svg: Svg, plot: _Plot, ticks: Sequence[float], label: Any) -> None:
    """Grid lines and right-aligned tick labels at ``ticks``, and the x axis line."""
    for tick in ticks:
        y = plot.y(tick)
        svg.line(plot.left, y, plot.right, y, _GRID, 0.6)
        svg.text(plot.left - 3, y + _TICK * 0.35, label(tick), _TICK, anchor="end")
    svg.line(plot.left, plot.bottom, plot.right, plot.bottom, _AXIS, 0.8)


def _legend(svg: Svg, y: float, items: Sequence[tuple[str, str, str]]) -> None:
    """A legend row centred under the chart."""
    _panel_legend(svg, svg.width / 2, y, items)


def _bar_label(svg: Svg, x: float, top: float, bottom: float, text: str) -> bool:
    """A vertical value label: inside the bar (white, bold) when it fits, else on top of
    it; vertical so neighbouring labels never overlap. True when inside."""
    baseline = x + _VALUE * 0.35
    inside = bottom - top >= text_width(text, _VALUE) + 10
    if inside:
        svg.text(baseline, top + 3, text, _VALUE, "white", anchor="end", bold=True,
                 vertical=True)
    else:
        svg.text(baseline, top - 3, text, _VALUE, vertical=True)
    return inside


def attainment_chart(
    priorities: Sequence[str],
    series: Sequence[AttainmentSeries],
    objective_pct: float | None,
    fmt: Formatters,
    colours: ChartColours,
    size: tuple[float, float] = (432, 216),
) -> str:
    """Grouped bars of attainment % per priority (one bar per measure) with the tier
    objective as a dashed line. A bar below the objective is hatched and labelled ✗ (not
    colour alone); a priority without measurement says "no data" instead of a zero bar.
    ``size`` (width, height) in points: make it the size the deck shows the chart at,
    so labels print at their stated sizes (7–8.5 pt) instead of being scaled down."""
    _ = fmt.translations.gettext
    width_pt, height_pt = size
    svg = Svg(width_pt, height_pt)
    plot = _Plot(36, 10, width_pt - 8, height_pt - 48, 0.0, 112.0)
    if all(v is None for one in series for v in one.values):
        _no_data(svg, plot, _("No tickets measured this quarter"))
        return svg.data_uri()
    _y_axis(svg, plot, [0, 25, 50, 75, 100], lambda v: fmt.percent(v, 0))
    palette = (colours.primary, colours.accent)
    group = (plot.right - plot.left) / max(len(priorities), 1)
    width = min(0.8 * group / max(len(series), 1), 42.0)  # no slab-wide bars
    for p, priority in enumerate(priorities):
        centre = plot.left + (p + 0.5) * group
        svg.text(centre, plot.bottom + 12, priority, 8.5, anchor="middle")
        for i, one in enumerate(series):
            x = centre + (i - (len(series) - 1) / 2) * width
            value = one.values[p]
            if value is None:
                svg.text(x + _VALUE * 0.35, plot.bottom - 4, _("no data"), _VALUE, MUTED,
                         vertical=True)
                continue
            missed = objective_pct is not None and value < objective_pct
            top, bar = plot.y(value), width * 0.92
            svg.rect(x - bar / 2, top, bar, plot.bottom - top, palette[i % 2])
            label = fmt.attainment(value) + (" ✗" if missed else "")
            inside = _bar_label(svg, x, top, plot.bottom, label)
            # hatched below the label, so a label inside the bar stays on solid colour
            start = top + (text_width(label, _VALUE) + 6 if inside else 0)
            if missed and plot.bottom - start > 2:
                svg.path(hatch(x - bar / 2, start, bar, plot.bottom - start), "white", 0.9)
    items = [("box", palette[i % 2], one.label) for i, one in enumerate(series)]
    if objective_pct is not None:  # a tier may state no objective (SPEC §3a)
        y = plot.y(objective_pct)
        svg.line(plot.left, y, plot.right, y, _OBJECTIVE, 1.2, "4.5 2")
        items.append(("dash", _OBJECTIVE,
                      _("Objective %(pct)s") % {"pct": fmt.attainment(objective_pct)}))
    _legend(svg, height_pt - 12, items)
    return svg.data_uri()


_STEPS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0)


def axis_range(values: Sequence[float], line: float, min_span: float,
               max_ticks: int = 6) -> tuple[float, float, list[float]]:
    """A y-range that holds the values and the objective line and spans at least
    ``min_span`` points below 100, so a 0.03-point dip does not look like a crash; ticks
    at a round step, at most ``max_ticks`` of them, so every tick label is different."""
    low = min([*values, line])
    lo = min(low - 0.25 * (100 - low), 100 - min_span)
    lo = max(lo, 0.0)
    span = 100.0 - lo
    step = next((s for s in _STEPS if span / s <= max_ticks - 1), 25.0)
    lo = max(step * math.floor(lo / step + 1e-9), 0.0)
    ticks = [round(lo + i * step, 6) for i in range(round((100 - lo) / step) + 1)]
    return lo, 100.0 + step * 0.35, ticks


def _places(ticks: Sequence[float]) -> int:
    """Decimals that show every tick exactly (0.25 → 2), so no two labels are equal."""
    step = round(ticks[1] - ticks[0], 6) if len(ticks) > 1 else 1.0
    for places in range(3):
        if abs(step * 10**places - round(step * 10**places)) < 1e-6:
            return places
    return 3


@dataclass(frozen=True)
class _Line:
    """One trend series: legend label, colour, one value per quarter (None: no data)."""

    label: str
    colour: str
    values: Sequence[float | None]


def _x_mark(svg: Svg, x: float, y: float) -> None:
    """A ✗-shaped marker on a missed value (a shape, not only a colour)."""
    r = 3.2
    svg.path(f"M{x - r:.2f} {y - r:.2f}L{x + r:.2f} {y + r:.2f}"
             f"M{x - r:.2f} {y + r:.2f}L{x + r:.2f} {y - r:.2f}", _OBJECTIVE, 1.6)


def _line_panel(svg: Svg, left: float, right: float, quarters: Sequence[str],
                series: Sequence[_Line], line: float | None, line_label: str,
                places: int, min_span: float, fmt: Formatters, title: str) -> None:
    """One trend panel: lines with direct value labels, the target line, and ✗ markers
    where a value misses the line. ``line`` None: the tier states no objective (SPEC
    §3a), so nothing is drawn or marked against it."""
    svg.text(left, 11, title, 9)
    values = [v for one in series for v in one.values if v is not None]
    if not values:
        _no_data(svg, _Plot(left, 24, right, 100, 0, 1),
                 fmt.translations.gettext("No data yet"))
        return
    lo, hi, ticks = axis_range(values, line if line is not None else 100.0, min_span)
    plot = _Plot(left, 24, right, 100, lo, hi)
    tick_places = _places(ticks)
    _y_axis(svg, plot, ticks, lambda v: fmt.percent(round(v, 6), tick_places))
    step = (right - left) / len(quarters)
    xs = [left + (i + 0.5) * step for i in range(len(quarters))]
    labels = [fmt.quarter(q) for q in quarters]
    # long labels ("3. Quartal 2026") get a smaller size so neighbours never touch
    size = min(_TICK, 0.9 * step / (0.6 * max(len(t) for t in labels)))
    for x, label in zip(xs, labels, strict=True):
        svg.text(x, plot.bottom + 10, label, max(size, 5.5), anchor="middle")
    items = []
    if line is not None:
        svg.line(left, plot.y(line), right, plot.y(line), _OBJECTIVE, 1.0, "4 2")
    for n, one in enumerate(series):
        run: list[tuple[float, float]] = []
        for x, v in zip(xs, one.values, strict=True):  # a gap (None) breaks the line
            if v is None:
                if len(run) > 1:
                    svg.polyline(run, one.colour, 1.6)
                run = []
                continue
            run.append((x, plot.y(v)))
        if len(run) > 1:
            svg.polyline(run, one.colour, 1.6)
        for i, (x, v) in enumerate(zip(xs, one.values, strict=True)):
            if v is None:
                continue
            y, missed = plot.y(v), line is not None and v < line
            svg.circle(x, y, 2.2, one.colour)
            if missed:
                _x_mark(svg, x, y)
            # the higher value's label above its point, the lower's below, so two
            # series' labels never sit on each other (a tie: the first above)
            others = [w for o in series if o is not one
                      for w in (o.values[i],) if w is not None]
            above = all(v > w for w in others) or (n == 0 and all(v >= w for w in others))
            svg.text(x, y - 6 if above else y + 12, fmt.percent(v, places)
                     + (" ✗" if missed else ""), 6.8, _OBJECTIVE if missed else TEXT,
                     anchor="middle")
        items.append(("box", one.colour, one.label))
    if line is not None:
        items.append(("dash", _OBJECTIVE, line_label))
    _panel_legend(svg, (left + right) / 2, 130, items)


def _panel_legend(svg: Svg, centre: float, y: float,
                  items: Sequence[tuple[str, str, str]]) -> None:
    """A legend row centred at ``centre``: ``(kind, colour, label)`` with kind ``box``
    (a bar's colour) or ``dash`` (the objective line)."""
    widths = [14 + text_width(label, _LEGEND) + 12 for _k, _c, label in items]
    x = centre - (sum(widths) - 12) / 2
    for (kind, colour, label), width in zip(items, widths, strict=True):
        if kind == "box":
            svg.rect(x, y - 6.5, 9, 7, colour)
        else:
            svg.line(x - 1, y - 3, x + 10, y - 3, colour, 1.2, "3 2")
        svg.text(x + 14, y, label, _LEGEND)
        x += width


def trend_chart(
    history: Sequence[HistoryPoint],
    objective_pct: float | None,
    fmt: Formatters,
    colours: ChartColours,
    guarantee_pct: float | None = None,
) -> str | None:
    """Attainment (response, resolution) against the objective, and critical uptime
    against the guarantee, per quarter, oldest first; two panels, 10.4 × 1.9 in. None
    with fewer than two quarters."""
    if len(history) < 2:
        return None
    _ = fmt.translations.gettext
    quarters = [h.quarter for h in history]
    svg = Svg(749, 137)
    _line_panel(svg, 40, 352, quarters, [
        _Line(_("Response"), colours.primary, [h.response_pct for h in history]),
        _Line(_("Resolution"), colours.accent, [h.resolution_pct for h in history]),
    ], objective_pct, _("Objective %(pct)s") % {"pct": fmt.attainment(objective_pct)}
        if objective_pct is not None else "", 1, 10.0, fmt, _("Tickets within target"))
    line = guarantee_pct if guarantee_pct is not None else objective_pct
    _line_panel(svg, 430, 738, quarters, [
        _Line(_("Critical systems"), colours.primary,
              [h.critical_uptime_pct for h in history]),
    ], line, _("Guarantee %(pct)s") % {"pct": fmt.uptime(line)}
        if line is not None else "", 2, 0.5, fmt, _("Availability of critical systems"))
    return svg.data_uri()


def count_ticks(top: float, max_ticks: int = 5) -> list[int]:
    """Whole-number ticks from 0 covering ``top`` at a 1-2-5 step, at most
    ``max_ticks`` steps (so every label differs and none is a fraction)."""
    top, decade = max(top, 1.0), 1
    while True:
        for step in (decade, 2 * decade, 5 * decade):
            if math.ceil(top / step) <= max_ticks:
                return list(range(0, math.ceil(top / step) * step + 1, step))
        decade *= 10


def months_chart(desk: Any, priorities: Sequence[str], fmt: Formatters,
                 colours: ChartColours, size: tuple[float, float] = (432, 216)) -> str:
    """Stacked bars of tickets per month and priority, the month's total on top; a
    quarter without tickets says so. ``size`` (width, height) in points, as shown."""
    _ = fmt.translations.gettext
    width_pt, height_pt = size
    svg = Svg(width_pt, height_pt)
    if desk is None or not desk.total:
        _no_data(svg, _Plot(36, 10, width_pt - 8, height_pt - 48, 0, 1),
                 _("No tickets this quarter"))
        return svg.data_uri()
    keys: list[str | None] = [*priorities, None]
    shades = _shades(colours.primary, len(keys))
    top = max(row.total for row in desk.months)
    ticks = count_ticks(top)
    plot = _Plot(36, 14, width_pt - 8, height_pt - 48, 0.0, max(ticks[-1], top * 1.12))
    _y_axis(svg, plot, ticks, fmt.number)
    slot = (plot.right - plot.left) / max(len(desk.months), 1)
    items = []
    for key, shade in zip(keys, shades, strict=True):
        if any(row.by_priority.get(key, 0) for row in desk.months):
            items.append(("box", shade, key if key is not None else _("Unclassified")))
    for m, row in enumerate(desk.months):
        centre, bar = plot.left + (m + 0.5) * slot, 0.6 * slot
        base = 0.0
        for key, shade in zip(keys, shades, strict=True):
            height = float(row.by_priority.get(key, 0))
            if height:
                svg.rect(centre - bar / 2, plot.y(base + height), bar,
                         plot.y(base) - plot.y(base + height), shade)
                base += height
        svg.text(centre, plot.y(row.total) - 3, fmt.number(row.total), 8, anchor="middle",
                 bold=True)
        svg.text(centre, plot.bottom + 12, fmt.month(row.month), 8.5, anchor="middle")
    _legend(svg, height_pt - 12, items)
    return svg.data_uri()


def _shades(hex_colour: str, n: int) -> list[str]:
    """``n`` shades of the brand colour from full to light (P1 darkest)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    out = []
    for i in range(n):
        t = 0.72 * i / max(n - 1, 1)
        out.append("#{:02X}{:02X}{:02X}".format(*(round(c + (255 - c) * t) for c in (r, g, b))))
    return out
