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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from qbr.pack import HistoryPoint
from qbr.report.formatters import Formatters

_RC: dict[Any, Any] = {  # Any keys: matplotlib types rc keys as a Literal union
    "svg.hashsalt": "qbr",
    "svg.fonttype": "path",
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


@contextmanager
def _figure(width_in: float, height_in: float) -> Iterator[Figure]:
    """A pyplot-free figure with the chart rc settings applied while it is built."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
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


def attainment_chart(
    priorities: Sequence[str],
    series: Sequence[AttainmentSeries],
    objective_pct: float | None,
    fmt: Formatters,
    colours: ChartColours,
) -> str:
    """Grouped bars of attainment % per priority (one bar per measure) with the tier
    objective as a line; bars without a measurement are labelled with an em dash."""
    _ = fmt.translations.gettext
    palette = (colours.primary, colours.accent)
    width = 0.8 / max(len(series), 1)
    with _figure(6.4, 3.0) as fig:
        ax = fig.add_subplot()
        for i, one in enumerate(series):
            xs = [p + (i - (len(series) - 1) / 2) * width for p in range(len(priorities))]
            heights = [v if v is not None else 0.0 for v in one.values]
            ax.bar(xs, heights, width * 0.92, label=one.label, color=palette[i % 2])
            for x, value in zip(xs, one.values, strict=True):
                _bar_label(ax, x, value, fmt.attainment(value))
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
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8)
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
    )


def trend_chart(
    history: Sequence[HistoryPoint],
    objective_pct: float | None,
    fmt: Formatters,
    colours: ChartColours,
) -> str | None:
    """Attainment (response, resolution) and critical uptime per quarter, oldest first.
    None when the history has fewer than two quarters (nothing to trend)."""
    if len(history) < 2:
        return None
    _ = fmt.translations.gettext
    quarters = [h.quarter for h in history]
    with _figure(7.4, 3.4) as fig:
        left, right = fig.subplots(1, 2, width_ratios=(3, 2))
        for attr, label, colour in (
            ("response_pct", _("Response"), colours.primary),
            ("resolution_pct", _("Resolution"), colours.accent),
        ):
            values = [getattr(h, attr) for h in history]
            left.plot(
                quarters,
                [v if v is not None else float("nan") for v in values],
                marker="o",
                color=colour,
                label=label,
            )
        if objective_pct is not None:
            left.axhline(
                objective_pct, color=_OBJECTIVE, linewidth=1, linestyle="--",
                label=_("Objective")
            )
        left.set_title(_("Attainment"), fontsize=9, loc="left")
        left.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.percent(v, 0)))
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=7.5)
        uptime = [h.critical_uptime_pct for h in history]
        right.plot(
            quarters,
            [v if v is not None else float("nan") for v in uptime],
            marker="s",
            color=colours.primary,
        )
        right.set_title(_("Critical uptime"), fontsize=9, loc="left")
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.percent(v, 2)))
        for ax in (left, right):
            ax.yaxis.grid(True, color=_GRID)
            ax.tick_params(axis="x", labelsize=7.5)
        return _to_data_uri(fig)
