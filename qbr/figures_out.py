"""``qbr figures`` outputs for the website and proposals (issue 8 §3): CSV, an HTML
snippet and an SVG badge, besides JSON and Markdown. Every format carries what makes a
figure defensible — its window, method sentence, client and ticket (or monitor-quarter)
counts, the rounding direction, suppression and the number of opted-out clients — and
shows exactly the ``value`` of the ``qbr.figures/1`` document, never recomputed. All
text is escaped: the snippet and badge can be pasted into a page as they are."""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Any

CSV_COLUMNS = ("id", "label", "value", "unit", "rounding", "suppressed", "clients",
               "based_on", "based_on_unit", "window", "window_from", "window_to",
               "as_of", "min_clients", "opted_out", "method")


def shown(figure: dict[str, Any]) -> str:
    """The figure as quoted: ``99.99 %``, ``10 min``, ``suppressed`` or ``no data``."""
    if figure["suppressed"]:
        return "suppressed"
    if figure["value"] is None:
        return "no data"
    return f"{figure['value']} %" if figure["unit"] == "%" else f"{figure['value']} min"


def based_on(figure: dict[str, Any]) -> tuple[int, str]:
    if "tickets" in figure:
        return figure["tickets"], "tickets"
    return figure.get("monitor_quarters", 0), "monitor-quarters"


def figures_csv(doc: dict[str, Any]) -> str:
    """One row per figure; an empty ``value`` when suppressed or without data."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in doc["figures"]:
        count, unit = based_on(f)
        writer.writerow([f["id"], f["label"], "" if f["value"] is None else f["value"],
                         f["unit"], f["rounding"], str(f["suppressed"]).lower(),
                         f["clients"], count, unit, doc["window"]["label"],
                         doc["window"]["from"], doc["window"]["to"], doc["as_of"],
                         doc["min_clients"], doc.get("opted_out", 0), f["method"]])
    return buf.getvalue()


def figures_html(doc: dict[str, Any]) -> str:
    """A self-contained ``<section>`` for a web page: one ``<figure>`` per figure with its
    value, counts and method, and a footnote on window, rounding and suppression. No
    script, no style sheet, no external resource."""
    w = doc["window"]
    out = [f'<section class="qbr-figures" data-window="{escape(w["label"])}">']
    for f in doc["figures"]:
        count, unit = based_on(f)
        out.append(
            f'  <figure class="qbr-figure" id="qbr-{escape(f["id"])}" '
            f'data-suppressed="{str(f["suppressed"]).lower()}">\n'
            f'    <div class="qbr-value">{escape(shown(f))}</div>\n'
            f'    <figcaption><strong>{escape(f["label"])}</strong>, '
            f'{escape(w["label"])}: {f["clients"]} clients, {count} {unit}. '
            f'{escape(f["method"])}</figcaption>\n'
            f'  </figure>')
    out.append(
        f'  <p class="qbr-footnote">Window {escape(w["from"])} to {escape(w["to"])}, data '
        f'as of {escape(doc["as_of"])}. Shares and uptime are rounded down and durations '
        f'up; a figure with fewer than {doc["min_clients"]} contributing clients is '
        f'suppressed; {doc.get("opted_out", 0)} clients opted out.</p>')
    out.append("</section>")
    return "\n".join(out) + "\n"


def figures_svg(doc: dict[str, Any], figure_id: str) -> str:
    """A two-part badge (label | value) for one figure, its window and method in the
    ``<title>`` (the tooltip and what a screen reader says)."""
    figure = next((f for f in doc["figures"] if f["id"] == figure_id), None)
    if figure is None:
        from qbr.errors import UsageError
        raise UsageError(f"--figure: unknown figure {figure_id!r} (one of "
                         f"{', '.join(f['id'] for f in doc['figures'])})")
    label = f"{figure['label']} {doc['window']['label']}"
    value = shown(figure)
    lw, vw = 7 * len(label) + 12, 7 * len(value) + 12
    count, unit = based_on(figure)
    title = (f"{label}: {value} ({figure['clients']} clients, {count} {unit}). "
             f"{figure['method']}")
    colour = "#9f9f9f" if figure["value"] is None or figure["suppressed"] else "#2e7d32"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lw + vw}" height="20" '
        f'role="img" aria-label="{escape(label)}: {escape(value)}">\n'
        f'  <title>{escape(title)}</title>\n'
        f'  <rect width="{lw}" height="20" fill="#555"/>\n'
        f'  <rect x="{lw}" width="{vw}" height="20" fill="{colour}"/>\n'
        f'  <g fill="#fff" font-family="DejaVu Sans,Verdana,sans-serif" font-size="11">\n'
        f'    <text x="6" y="14">{escape(label)}</text>\n'
        f'    <text x="{lw + 6}" y="14">{escape(value)}</text>\n'
        f'  </g>\n</svg>\n')
