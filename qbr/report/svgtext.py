"""SVG ``<text>`` drawn as one run instead of letter by letter (issue 7 §5).

WeasyPrint 70 lays out and draws every character of an SVG ``<text>`` on its own (one
Pango layout and one text object per letter), because SVG allows a position or a
rotation per character. The deck's charts (:mod:`qbr.report.charts`) never use those:
each label is one ``<text>`` with a single ``x``/``y``, no ``dx``/``dy``/``rotate``
lists, no ``letter-spacing`` or ``textLength``. For such a label the letters sit
exactly where one run puts them, so :func:`install` makes WeasyPrint draw it as one
run: one layout and one text object instead of one per character. On the 1,000-ticket
deck this is about a tenth of the PDF's CPU time (its ~60 labels hold ~430
characters). The run is shaped by HarfBuzz as a whole, so kerning applies as in
the deck's HTML text.

Everything else (per-character positions, ``letter-spacing``, ``textLength``, text
with bidirectional controls or that would not fit one line, an unknown WeasyPrint) goes
to WeasyPrint's own code.
:func:`install` checks the signatures of the WeasyPrint functions it uses and changes
nothing when they differ from the version this was written against.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from math import inf
from typing import Any

LOG = logging.getLogger("qbr.report")
_LIST_SEP = re.compile(r"[\s,]+")
# Bidirectional controls reorder a whole run; drawn letter by letter they cannot, as
# before (ADVERSARIAL 8): text holding one keeps WeasyPrint's drawing.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Attributes that position or space characters individually: such text keeps
# WeasyPrint's letter-by-letter drawing.
_PER_CHARACTER = ("dx", "dy", "rotate", "letter-spacing", "textLength")
_EXPECTED = {
    "split_first_line": ["text", "style", "context", "max_width", "justification_spacing",
                         "is_line_start", "minimum"],
    "draw_first_line": ["stream", "textbox", "text_overflow", "block_ellipsis", "matrix"],
    "draw_emojis": ["stream", "style", "x", "y", "emojis"],
    "text": ["svg", "node", "font_size"],
}

_original: Any = None


def _single(value: str | None) -> bool:
    """True when an ``x``/``y`` attribute holds at most one length."""
    return value is None or len(_LIST_SEP.split(value.strip())) <= 1


def is_simple(node: Any) -> bool:
    """True when ``node`` can be drawn as one run: text without bidirectional
    controls, one ``x`` and one ``y`` at most, and no per-character attribute."""
    attrib = node.attrib
    return (bool(node.text) and not _BIDI.search(node.text)
            and _single(attrib.get("x")) and _single(attrib.get("y"))
            and not any(name in attrib for name in _PER_CHARACTER))


def _style(svg: Any, node: Any, font_size: float) -> Any:
    """The text style WeasyPrint's own ``text`` builds (same keys, same defaults)."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'")
                            for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    return style


def _baseline_shift(node: Any, font_size: float, height: float) -> float:
    """WeasyPrint's vertical alignment of a text (``display-anchor`` and
    ``dominant-baseline``), unchanged."""
    ascent, descent = font_size * .8, font_size * .2
    anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if anchor == "middle":
        return -height / 2
    if anchor == "top":
        return 0.0
    if anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0.0


def text(svg: Any, node: Any, font_size: float) -> None:
    """Draw ``node`` as one run when :func:`is_simple`, else as WeasyPrint does."""
    if not is_simple(node):
        _original(svg, node, font_size)
        return
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import TextBox
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    style = _style(svg, node, font_size)
    layout, _length, resume, width, height, baseline = split_first_line(
        node.text, style, svg.context, inf, 0)
    if resume is not None:  # more than one line (a line separator): letter by letter
        _original(svg, node, font_size)
        return
    # One x/y at most (is_simple): the first character's position, as WeasyPrint reads it.
    x = size(node.attrib["x"], font_size, svg.inner_width) if "x" in node.attrib else None
    y = size(node.attrib["y"], font_size, svg.inner_height) if "y" in node.attrib else None
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _baseline_shift(node, font_size, height)
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box, ((x_position, y_position - baseline),
                                 (x_position + width, y_position - baseline + height)))

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(svg.stream, box, "none", "none",
                             Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def _signatures_match() -> bool:
    from weasyprint.draw import text as draw_text
    from weasyprint.text import line_break

    # the module: weasyprint.svg's attribute ``text`` is the function of that name
    svg_text = importlib.import_module("weasyprint.svg.text")

    found = {"split_first_line": line_break.split_first_line,
             "draw_first_line": draw_text.draw_first_line,
             "draw_emojis": draw_text.draw_emojis, "text": svg_text.text}
    try:
        return all(list(inspect.signature(fn).parameters) == _EXPECTED[name]
                   for name, fn in found.items())
    except (TypeError, ValueError):
        return False


def install() -> bool:
    """Route WeasyPrint's SVG ``text``/``tspan``/``a``/``textPath`` drawing through
    :func:`text` (once per process; idempotent). False, and nothing changed, when the
    installed WeasyPrint's functions do not have the expected signatures."""
    global _original
    import weasyprint.svg as svg_module

    if _original is not None:
        return True
    if not _signatures_match():
        LOG.debug("SVG text stays letter by letter: unexpected WeasyPrint internals")
        return False
    _original = importlib.import_module("weasyprint.svg.text").text
    # draw_node compares TAGS entries with the module's ``text`` to apply text-anchor:
    # both must be the replacement.
    svg_module.text = text
    for tag, fn in list(svg_module.TAGS.items()):
        if fn is _original:
            svg_module.TAGS[tag] = text
    return True


def uninstall() -> None:
    """Restore WeasyPrint's letter-by-letter drawing (tests compare the two)."""
    global _original
    import weasyprint.svg as svg_module

    if _original is None:
        return
    svg_module.text = _original
    for tag, fn in list(svg_module.TAGS.items()):
        if fn is text:
            svg_module.TAGS[tag] = _original
    _original = None
