"""Charts for the PDF, as SVG ``data:`` URIs.

Built on :class:`matplotlib.figure.Figure` objects (no pyplot, so no global figure
registry and nothing leaks between clients); settings apply through ``rc_context`` for
the duration of one chart only. Output is deterministic: a pinned ``svg.hashsalt`` and
no date metadata. ``text.parse_math`` is off, so ``$`` in data labels is literal
(ADVERSARIAL 9). Charts show only values the metrics already hold; labels go through
the same truncating formatters as the tables.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from qbr.pack import HistoryPoint
from qbr.report.formatters import Formatters

_RC: dict[Any, Any] = {  # Any keys: matplotlib types rc keys as a Literal union
    "svg.hashsalt": "qbr",
    "svg.fonttype": "none",  # text stays text: a fraction of the path data WeasyPrint parses
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9AA3AE",
    "axes.labelcolor": "#36404A",
    "xtick.color": "#36404A",
    "ytick.color": "#36404A",
    "legend.frameon": False,
}
_GRID = "#E3E7EC"
_OBJECTIVE = "#B03A2E"


@dataclass(frozen=True)
class ChartColours:
    """Brand colours, validated ``#RRGGBB``."""

    primary: str
    accent: str


@dataclass(frozen=True)
class Margins:
    """Space around the axes in inches: fixed margins instead of matplotlib's
    constrained layout, which measured every text artist several times over and took
    40 % of a chart's time (issue 7 §5). Each chart states what its labels need."""

    left: float = 0.5
    right: float = 0.1
    top: float = 0.12
    bottom: float = 0.62
    wspace: float = 0.0  # between side-by-side panels, as a fraction of a panel's width


@contextmanager
def _figure(width_in: float, height_in: float, margins: Margins | None = None
            ) -> Iterator[Figure]:
    """A pyplot-free figure with the chart rc settings applied while it is built."""
    m = margins or Margins()
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width_in, height_in))
        fig.subplots_adjust(left=m.left / width_in, right=1 - m.right / width_in,
                            bottom=m.bottom / height_in, top=1 - m.top / height_in,
                            wspace=m.wspace)
        try:
            yield fig
        finally:
            fig.clear()


def _to_data_uri(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass(frozen=True)
class AttainmentSeries:
    """Attainment % per priority for one measure; None where nothing was measured."""

    label: str
    values: Sequence[float | None]


def _no_data(ax: Any, text: str) -> None:
    """An empty chart says so instead of drawing zero bars."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes,
            fontsize=10, color="#6B7580", parse_math=False)


def attainment_chart(
    priorities: Sequence[str],
    series: Sequence[AttainmentSeries],
    objective_pct: float | None,
    fmt: Formatters,
    colours: ChartColours,
) -> str:
    """Grouped bars of attainment % per priority (one bar per measure) with the tier
    objective as a line. A bar below the objective is hatched and labelled ✗ (not colour
    alone); a priority without measurement says "no data" instead of a zero bar."""
    _ = fmt.translations.gettext
    palette = (colours.primary, colours.accent)
    width = 0.8 / max(len(series), 1)
    handles: list[Any] = []
    with _figure(6.0, 3.0) as fig:
        ax = fig.add_subplot()
        if all(v is None for one in series for v in one.values):
            _no_data(ax, _("No tickets measured this quarter"))
            return _to_data_uri(fig)
        for i, one in enumerate(series):
            xs = [p + (i - (len(series) - 1) / 2) * width for p in range(len(priorities))]
            for x, value in zip(xs, one.values, strict=True):
                if value is None:
                    ax.text(x, 4, _("no data"), rotation=90, ha="center", va="bottom",
                            fontsize=7, color="#6B7580", parse_math=False)
                    continue
                missed = objective_pct is not None and value < objective_pct
                ax.bar([x], [value], width * 0.92, color=palette[i % 2],
                       hatch="////" if missed else None, edgecolor="white" if missed else None,
                       linewidth=0)
                label = fmt.attainment(value) + (" ✗" if missed else "")
                _bar_label(ax, x, value, label)
            # a Patch, not an empty bar: an empty bar container gives the legend the
            # default colour instead of the series' own
            handles.append(Patch(color=palette[i % 2], label=one.label))
        if objective_pct is not None:  # a tier may state no objective (SPEC §3a)
            ax.axhline(
                objective_pct,
                color=_OBJECTIVE,
                linewidth=1.2,
                linestyle="--",
                label=_("Objective %(pct)s") % {"pct": fmt.attainment(objective_pct)},
            )
        ax.set_xticks(range(len(priorities)), list(priorities))
        ax.set_ylim(0, 112)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.percent(v, 0)))
        ax.yaxis.grid(True, color=_GRID)
        ax.set_axisbelow(True)
        handles.extend(ax.get_legend_handles_labels()[0])
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3,
                  fontsize=8)
        return _to_data_uri(fig)


def _bar_label(ax: Any, x: float, value: float | None, text: str) -> None:
    """A vertical value label: inside the bar (white) when it is tall enough, else on
    top of it; vertical so neighbouring labels never overlap."""
    inside = value is not None and value >= 30
    y = (value - 2.5) if inside and value is not None else (value or 0.0) + 2.5
    ax.text(
        x,
        y,
        text,
        rotation=90 if value is not None else 0,
        ha="center",
        va="top" if inside else "bottom",
        fontsize=7.5,
        color="white" if inside else "#36404A",
        parse_math=False,
        fontweight="bold" if inside else "normal",
    )


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


def _line_panel(ax: Any, quarters: Sequence[str], series: Sequence[tuple[str, str,
                list[float | None]]], line: float | None, line_label: str, places: int,
                min_span: float, fmt: Formatters, title: str) -> None:
    """One trend panel: lines with direct value labels, the target line, and ✗ markers
    (a different shape, not only a colour) where a value misses the line. ``line`` None:
    the tier states no objective (SPEC §3a), so nothing is drawn or marked against it."""
    values = [v for _l, _c, vs in series for v in vs if v is not None]
    if not values:
        _no_data(ax, fmt.translations.gettext("No data yet"))
        ax.set_title(title, fontsize=9, loc="left")
        return
    lo, hi, ticks = axis_range(values, line if line is not None else 100.0, min_span)
    xs = list(range(len(quarters)))
    for n, (label, colour, vs) in enumerate(series):
        ys = [v if v is not None else float("nan") for v in vs]
        ax.plot(xs, ys, marker="o", color=colour, label=label, linewidth=1.6, markersize=4)
        for x, v in zip(xs, vs, strict=True):
            if v is None:
                continue
            missed = line is not None and v < line
            if missed:
                ax.plot([x], [v], marker="X", color=_OBJECTIVE, markersize=8, zorder=5)
            offset = 7 if n % 2 == 0 else -11
            ax.annotate(fmt.percent(v, places) + (" ✗" if missed else ""), (x, v),
                        textcoords="offset points", xytext=(0, offset), ha="center",
                        fontsize=6.8, color=_OBJECTIVE if missed else "#36404A",
                        annotation_clip=False)
    if line is not None:
        ax.axhline(line, color=_OBJECTIVE, linewidth=1, linestyle="--", label=line_label)
    ax.set_ylim(lo, hi)
    ax.set_yticks(ticks)
    tick_places = _places(ticks)
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _p: fmt.percent(round(v, 6), tick_places)))
    ax.set_xticks(xs, [fmt.quarter(q) for q in quarters])
    ax.set_xlim(-0.4, len(quarters) - 0.6)
    ax.set_title(title, fontsize=9, loc="left", pad=13)  # above the top value's label
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=7.2)


def trend_chart(
    history: Sequence[HistoryPoint],
    objective_pct: float | None,
    fmt: Formatters,
    colours: ChartColours,
    guarantee_pct: float | None = None,
) -> str | None:
    """Attainment (response, resolution) against the objective, and critical uptime
    against the guarantee, per quarter, oldest first. None with fewer than two quarters."""
    if len(history) < 2:
        return None
    _ = fmt.translations.gettext
    quarters = [h.quarter for h in history]
    with _figure(10.4, 1.9, Margins(left=0.5, right=0.15, top=0.4, bottom=0.55,
                                     wspace=0.16)) as fig:
        left, right = fig.subplots(1, 2)
        _line_panel(left, quarters, [
            (_("Response"), colours.primary, [h.response_pct for h in history]),
            (_("Resolution"), colours.accent, [h.resolution_pct for h in history]),
        ], objective_pct, _("Objective %(pct)s") % {"pct": fmt.attainment(objective_pct)}
            if objective_pct is not None else "", 1, 10.0, fmt, _("Tickets within target"))
        line = guarantee_pct if guarantee_pct is not None else objective_pct
        _line_panel(right, quarters, [
            (_("Critical systems"), colours.primary,
             [h.critical_uptime_pct for h in history]),
        ], line, _("Guarantee %(pct)s") % {"pct": fmt.uptime(line)}
            if line is not None else "", 2, 0.5, fmt,
            _("Availability of critical systems"))
        for ax in (left, right):
            ax.yaxis.grid(True, color=_GRID)
            ax.tick_params(axis="x", labelsize=7.5)
        return _to_data_uri(fig)


def months_chart(desk: Any, priorities: Sequence[str], fmt: Formatters,
                 colours: ChartColours) -> str:
    """Stacked bars of tickets per month and priority, the month's total on top; a
    quarter without tickets says so."""
    _ = fmt.translations.gettext
    with _figure(6.0, 3.0) as fig:
        ax = fig.add_subplot()
        if desk is None or not desk.total:
            _no_data(ax, _("No tickets this quarter"))
            return _to_data_uri(fig)
        keys: list[str | None] = [*priorities, None]
        shades = _shades(colours.primary, len(keys))
        xs = list(range(len(desk.months)))
        bottom = [0.0] * len(xs)
        for key, shade in zip(keys, shades, strict=True):
            heights = [float(row.by_priority.get(key, 0)) for row in desk.months]
            if not any(heights):
                continue
            ax.bar(xs, heights, 0.6, bottom=bottom, color=shade,
                   label=key if key is not None else _("Unclassified"))
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for x, row in zip(xs, desk.months, strict=True):
            ax.text(x, row.total, fmt.number(row.total), ha="center", va="bottom",
                    fontsize=8, fontweight="bold", color="#36404A", parse_math=False)
        ax.set_xticks(xs, [fmt.month(row.month) for row in desk.months])
        ax.set_ylim(0, max(bottom) * 1.15 + 1)
        ax.yaxis.grid(True, color=_GRID)
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=5, fontsize=7.5)
        return _to_data_uri(fig)


def _shades(hex_colour: str, n: int) -> list[str]:
    """``n`` shades of the brand colour from full to light (P1 darkest)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    out = []
    for i in range(n):
        t = 0.72 * i / max(n - 1, 1)
        out.append("#{:02X}{:02X}{:02X}".format(*(round(c + (255 - c) * t) for c in (r, g, b))))
    return out
