"""A minimal SVG writer for the deck's charts (issue 7 §5).

WeasyPrint parses and draws SVG in Python, and lays out ``<text>`` one letter at a time,
so a chart's cost grows with its elements and the characters of its labels. This writer
emits only plain ``rect``/``line``/``path``/``text`` elements: no ``defs``, clip paths,
patterns, styles or scripts. Every text goes through :func:`clean_text` (XML-escaped,
control characters removed), so data labels never become markup (ADVERSARIAL 9).
Coordinates are in points (1/72 in), the unit of the figure's ``width``/``height``.
"""

from __future__ import annotations

import base64
import re
from html import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
FONT_FAMILY = "DejaVu Sans"
TEXT = "#36404A"
MUTED = "#6B7580"


def clean_text(text: str) -> str:
    """``text`` safe as SVG character data: XML-escaped, without control characters or
    lone surrogates (which XML cannot hold: the whole chart would fail to parse)."""
    return escape(_CONTROL.sub("", text), quote=True)


def text_width(text: str, size: float) -> float:
    """Estimated advance width in points of ``text`` at ``size`` pt in DejaVu Sans (its
    average advance is about 0.6 em): used only to place legends and decide whether a
    label fits, never to clip."""
    return len(text) * size * 0.6


def _n(value: float) -> str:
    """A coordinate with two decimals at most (shorter SVG, faster to parse)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Svg:
    """An SVG document built element by element; :meth:`data_uri` closes it."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str,
             opacity: float | None = None) -> None:
        """A filled rectangle; ``y`` is the top edge."""
        extra = f' fill-opacity="{_n(opacity)}"' if opacity is not None else ""
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0.0))}" '
                          f'height="{_n(max(h, 0.0))}" fill="{fill}"{extra}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str,
             width: float = 1.0, dash: str | None = None) -> None:
        """A straight line; ``dash`` is an SVG dash array such as ``"4 2"``."""
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                          f'stroke="{stroke}" stroke-width="{_n(width)}"{extra}/>')

    def path(self, d: str, stroke: str, width: float = 1.0, fill: str = "none") -> None:
        """A path (``d`` built by the caller from numbers only)."""
        self.parts.append(f'<path d="{d}" stroke="{stroke}" stroke-width="{_n(width)}" '
                          f'fill="{fill}"/>')

    def polyline(self, points: list[tuple[float, float]], stroke: str,
                 width: float = 1.0) -> None:
        """An open line through ``points``."""
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{stroke}" '
                          f'stroke-width="{_n(width)}"/>')

    def circle(self, cx: float, cy: float, r: float, fill: str) -> None:
        """A filled dot (a data point)."""
        self.parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"/>')

    def text(self, x: float, y: float, text: str, size: float, fill: str = TEXT,
             anchor: str = "start", bold: bool = False, vertical: bool = False) -> None:
        """One label at baseline point (``x``, ``y``); ``vertical`` reads bottom to top
        (rotated about that point). ``anchor`` is ``start``, ``middle`` or ``end``."""
        attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        if vertical:
            attrs += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
        self.parts.append(f"<text {attrs}>{clean_text(text)}</text>")

    def document(self) -> str:
        """The SVG text: size in points, one user unit per point."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(self.width)}pt" '
                f'height="{_n(self.height)}pt" viewBox="0 0 {_n(self.width)} '
                f'{_n(self.height)}" font-family="{FONT_FAMILY}">' + "".join(self.parts)
                + "</svg>")

    def data_uri(self) -> str:
        """The document as a ``data:image/svg+xml;base64`` URI (what ``<img src>`` gets)."""
        return ("data:image/svg+xml;base64,"
                + base64.b64encode(self.document().encode("utf-8")).decode("ascii"))


def hatch(x: float, y: float, w: float, h: float, step: float = 4.0) -> str:
    """Path data of 45° hatch lines inside the rectangle (``y`` the top edge), computed
    instead of clipped, so the chart needs no pattern or clip path."""
    parts = []
    c = step
    while c < w + h:
        # the line u + v = c in rectangle coordinates (u right, v up from the bottom)
        u0, v0 = (c, 0.0) if c <= w else (w, c - w)
        u1, v1 = (0.0, c) if c <= h else (c - h, h)
        parts.append(f"M{_n(x + u0)} {_n(y + h - v0)}L{_n(x + u1)} {_n(y + h - v1)}")
        c += step
    return "".join(parts)
