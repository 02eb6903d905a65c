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

from qbr.pack import Pack
from qbr.report.context import build_context
from qbr.report.fetcher import SafeFetcher
from qbr.report.formatters import Formatters
from qbr.report.i18n import load_translations
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
    }


def environment_for(
    pack: Pack, template_dirs: Iterable[Path] = ()
) -> tuple[SandboxedEnvironment, Formatters, tuple[Path, ...]]:
    """The per-render environment, the formatters and the template layers of ``pack``."""
    layers = template_layers(template_dirs, pack.brand_folder)
    fmt = formatters_for(pack)
    return make_environment(layers, fmt.translations, template_filters(fmt)), fmt, layers


def context_for(pack: Pack, fmt: Formatters, layers: tuple[Path, ...]) -> dict[str, Any]:
    """The documented template context (:mod:`qbr.report.context`)."""
    return build_context(pack, fmt, (layers[-1] / DEFAULT_LOGO).as_uri())


def render_html(pack: Pack, template_dirs: Iterable[Path] = ()) -> RenderedHtml:
    """The pack as one HTML document, rendered from the template layers."""
    env, fmt, layers = environment_for(pack, template_dirs)
    template = env.get_template(MAIN_TEMPLATE)
    html = template.render(context_for(pack, fmt, layers))
    origin = Path(template.filename).parent if template.filename else layers[-1]
    return RenderedHtml(html, origin.resolve().as_uri() + "/", layers)


def html_to_pdf(rendered: RenderedHtml) -> bytes:
    """Lay out ``rendered`` with WeasyPrint; every resource goes through SafeFetcher."""
    from weasyprint import HTML  # deferred: importing WeasyPrint loads Pango (slow)

    fetcher = SafeFetcher(rendered.layers)
    document = HTML(string=rendered.html, base_url=rendered.base_url, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    if fetcher.blocked:
        LOG.warning("%d resource(s) blocked while rendering", len(fetcher.blocked))
    return pdf
