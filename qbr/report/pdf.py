"""Pack → HTML (Jinja2) → PDF (WeasyPrint), with the SafeFetcher on every object.

:func:`render_html` is separate so tests (and golden files) can compare the HTML that
goes into WeasyPrint instead of PDF bytes (STYLE rule 8).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from qbr.gcpause import gc_paused
from qbr.pack import Pack
from qbr.report.context import build_context
from qbr.report.fetcher import SafeFetcher
from qbr.report.formatters import Formatters
from qbr.report.i18n import load_translations
from qbr.report.pdfcache import parsed_stylesheet, shared_font_config, split_stylesheets
from qbr.report.svgtext import install as install_svg_text
from qbr.report.templating import make_environment, template_layers

LOG = logging.getLogger("qbr.report")
MAIN_TEMPLATE = "pack.html"
DEFAULT_LOGO = "logo.svg"


@dataclass(frozen=True)
class RenderedHtml:
    """The HTML of a pack and what WeasyPrint needs to lay it out safely.

    ``base_url`` is the folder of the layer that supplied ``pack.html``, so its
    relative URLs resolve where its author put the assets; ``layers`` bound the
    fetcher."""

    html: str
    base_url: str
    layers: tuple[Path, ...]


def formatters_for(pack: Pack) -> Formatters:
    """Locale-, zone- and catalog-bound formatters for ``pack``."""
    return Formatters.create(pack.locale, pack.timezone, load_translations(pack.locale))


def template_filters(fmt: Formatters) -> dict[str, Any]:
    """The Jinja filters (documented in ``report_templates/default/README.md``)."""
    return {
        "attainment": fmt.attainment,
        "uptime": fmt.uptime,
        "percent": fmt.percent,
        "number": fmt.number,
        "money": fmt.money,
        "date": fmt.date,
        "datetime": fmt.datetime,
        "duration": fmt.duration,
        "weekday": fmt.weekday,
        "datetime_tz": fmt.datetime_tz,
        "quarter": fmt.quarter,
        "month": fmt.month,
        "day": fmt.day,
        "enddate": fmt.end_date,
        "until": fmt.until,
    }


def environment_for(
    pack: Pack, template_dirs: Iterable[Path] = ()
) -> tuple[SandboxedEnvironment, Formatters, tuple[Path, ...]]:
    """The per-render environment, the formatters and the template layers of ``pack``."""
    layers = template_layers(template_dirs, pack.brand_folder)
    fmt = formatters_for(pack)
    return make_environment(layers, fmt.translations, template_filters(fmt)), fmt, layers


def context_for(pack: Pack, fmt: Formatters, layers: tuple[Path, ...],
                internal: bool = False) -> dict[str, Any]:
    """The documented template context (:mod:`qbr.report.context`)."""
    return build_context(pack, fmt, (layers[-1] / DEFAULT_LOGO).as_uri(), internal)


def render_html(pack: Pack, template_dirs: Iterable[Path] = (),
                internal: bool = False) -> RenderedHtml:
    """The pack as one HTML document, rendered from the template layers; ``internal``
    adds the MSP-only appendix (issue 7 §2)."""
    env, fmt, layers = environment_for(pack, template_dirs)
    template = env.get_template(MAIN_TEMPLATE)
    html = template.render(context_for(pack, fmt, layers, internal))
    origin = Path(template.filename).parent if template.filename else layers[-1]
    return RenderedHtml(html, origin.resolve().as_uri() + "/", layers)


PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")


def html_to_pdf(rendered: RenderedHtml, variant: str | None = None) -> bytes:
    """Lay out ``rendered`` with WeasyPrint; every resource goes through SafeFetcher.

    ``variant`` is ``"pdf/a-3b"`` (archiving) or ``"pdf/ua-1"`` (accessibility, tagged);
    title, author and language come from the HTML's ``<title>``, ``<meta name=author>``
    and ``<html lang>``. Fonts are subset with HarfBuzz when WeasyPrint finds
    ``libharfbuzz-subset`` (README "Speed"), else with fontTools. Self-contained
    ``<style>`` blocks are parsed once per process (:mod:`qbr.report.pdfcache`); chart
    labels are drawn as whole runs (:mod:`qbr.report.svgtext`)."""
    from weasyprint import HTML  # deferred: importing WeasyPrint loads Pango (slow)

    install_svg_text()

    if variant is not None and variant not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r} (use {', '.join(PDF_VARIANTS)})")
    fetcher = SafeFetcher(rendered.layers)
    options: dict[str, Any] = {"uncompressed_pdf": False}
    if variant is not None:
        options["pdf_variant"] = variant
    html = _cached_stylesheets(rendered, fetcher, options)
    with gc_paused():
        document = HTML(string=html, base_url=rendered.base_url, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(**options)
    if fetcher.blocked:
        LOG.warning("%d resource(s) blocked while rendering", len(fetcher.blocked))
    return pdf


def _cached_stylesheets(rendered: RenderedHtml, fetcher: SafeFetcher,
                        options: dict[str, Any]) -> str:
    """The HTML WeasyPrint lays out: without its self-contained ``<style>`` blocks,
    which go into ``options`` parsed once per process (:mod:`qbr.report.pdfcache`)."""
    split = split_stylesheets(rendered.html)
    if split is None:
        return rendered.html
    options["stylesheets"] = [parsed_stylesheet(css, rendered.base_url, fetcher)
                              for css in split[1]]
    options["font_config"] = shared_font_config()
    return split[0]


def warm_stylesheets(rendered: RenderedHtml) -> int:
    """Parse ``rendered``'s stylesheets into the process's cache exactly as
    :func:`html_to_pdf` would, without laying anything out; returns how many are
    cached (0: the document's styles are not shareable). A batch parent calls it
    before its workers fork (:func:`qbr.batchprep.warm_stylesheets`)."""
    options: dict[str, Any] = {}
    _cached_stylesheets(rendered, SafeFetcher(rendered.layers), options)
    return len(options.get("stylesheets", []))
