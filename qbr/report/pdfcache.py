"""What a process keeps between PDF renders (issue 7 §5, issue 8 §5): the parsed deck
stylesheet and one font configuration.

Every deck of a batch carries the same ``<style>`` block (``pack.css`` plus the MSP's
``brand.css``). WeasyPrint parses and pre-processes it for every document (about 0.06 s
of CPU, measured on the default deck) and builds a fresh ``FontConfiguration`` (Pango's
font map, whose font and metrics caches then start empty). Here the stylesheet is parsed
once per distinct text and the font configuration is shared, so the second and later
decks of a process — and every deck of a batch worker forked after
:func:`qbr.batchprep.warm_renderer` — skip both.

Only *self-contained* stylesheets are shared: ``<style>`` elements and no ``<link>``
stylesheet in the document, and no ``url(``, ``@import`` or ``@font-face`` in any of
them. Such stylesheets fetch nothing (the SafeFetcher is never bypassed) and add no font
to the shared configuration (one client's brand font can never reach another client's
deck). They are passed to WeasyPrint as the document's author sheets in document order,
so the cascade is the one the ``<style>`` elements gave. ``pack.html`` keeps the
per-client footer text in a second, small block so that the large one is the same for
every client of an MSP (one parse per process and paper size). Anything else renders
exactly as before, with WeasyPrint's own per-document parsing.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from qbr.report.fetcher import SafeFetcher

_STYLE = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"<link\b", re.IGNORECASE)
_FETCHING = re.compile(r"url\(|@import|@font-face", re.IGNORECASE)
# Stylesheets kept, least recently used dropped first: a batch has one large block per
# brand and paper size, used by every deck, and one small footer block per client.
_MAX_CACHED = 32

_sheets: OrderedDict[tuple[str, str, tuple[Path, ...]], Any] = OrderedDict()
_font_config: Any = None


def shared_font_config() -> Any:
    """The process's ``FontConfiguration`` (created on first use; used only with
    stylesheets that declare no ``@font-face``)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def split_stylesheets(html: str) -> tuple[str, list[str]] | None:
    """``(html without its <style> elements, their texts in document order)`` when
    ``html`` has ``<style>`` elements, no ``<link>`` and no stylesheet that could fetch
    or declare a font; else ``None`` (render the document as it is)."""
    found = _STYLE.findall(html)
    if not found or _LINK.search(html) or any(_FETCHING.search(css) for css in found):
        return None
    return _STYLE.sub("", html), found


def parsed_stylesheet(css: str, base_url: str, fetcher: SafeFetcher) -> Any:
    """The WeasyPrint ``CSS`` object of ``css``, parsed once per process, text, base URL
    and fetcher roots (the template layers).

    :func:`split_stylesheets` admits only text without ``url(``, ``@import`` or
    ``@font-face``, so nothing is fetched; the object still gets the SafeFetcher, like
    every WeasyPrint object qbr creates (SPEC §8)."""
    key = (css, base_url, fetcher.roots)
    sheet = _sheets.get(key)
    if sheet is None:
        from weasyprint import CSS

        while len(_sheets) >= _MAX_CACHED:
            _sheets.popitem(last=False)
        sheet = CSS(string=css, base_url=base_url, url_fetcher=fetcher,
                    font_config=shared_font_config())
        _sheets[key] = sheet
    else:
        _sheets.move_to_end(key)
    return sheet


def clear() -> None:
    """Forget the cached stylesheets and font configuration (tests)."""
    global _font_config
    _sheets.clear()
    _font_config = None
