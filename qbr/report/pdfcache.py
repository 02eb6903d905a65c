"""What a process keeps between PDF renders (issue 7 §5, issue 8 §5): the parsed deck
stylesheet and one font configuration.

Every deck of a batch carries the same ``<style>`` block (``pack.css`` plus the MSP's
``brand.css``). WeasyPrint parses and pre-processes it for every document (about 0.06 s
of CPU, measured on the default deck) and builds a fresh ``FontConfiguration`` (Pango's
font map, whose font and metrics caches then start empty). Here the stylesheet is parsed
once per distinct text and the font configuration is shared, so the second and later
decks of a process — and every deck of a batch worker forked after
:func:`qbr.batchprep.warm_renderer` — skip both.

Only a *self-contained* stylesheet is shared: one ``<style>`` element in the document,
no ``<link>`` stylesheet, and no ``url(``, ``@import`` or ``@font-face`` in it. Such a
stylesheet fetches nothing (the SafeFetcher is never bypassed) and adds no font to the
shared configuration (one client's brand font can never reach another client's deck).
The extracted stylesheet is passed to WeasyPrint as the document's only author sheet,
so the cascade is the one the ``<style>`` element gave. Anything else renders exactly
as before, with WeasyPrint's own per-document parsing.
"""

from __future__ import annotations

import re
from typing import Any

_STYLE = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"<link\b", re.IGNORECASE)
_FETCHING = re.compile(r"url\(|@import|@font-face", re.IGNORECASE)
_MAX_CACHED = 16  # distinct stylesheets kept (a batch has one per brand and paper size)

_sheets: dict[tuple[str, str], Any] = {}
_font_config: Any = None


def shared_font_config() -> Any:
    """The process's ``FontConfiguration`` (created on first use; used only with
    stylesheets that declare no ``@font-face``)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def split_stylesheet(html: str) -> tuple[str, str] | None:
    """``(html without its <style> element, the stylesheet text)`` when ``html`` has
    exactly one ``<style>`` element, no ``<link>`` and a stylesheet that fetches
    nothing; else ``None`` (render the document as it is)."""
    found = _STYLE.findall(html)
    if len(found) != 1 or _LINK.search(html) or _FETCHING.search(found[0]):
        return None
    return _STYLE.sub("", html, count=1), found[0]


def parsed_stylesheet(css: str, base_url: str) -> Any:
    """The WeasyPrint ``CSS`` object of ``css``, parsed once per process and text.

    No fetcher is needed: :func:`split_stylesheet` admits only text without ``url(``,
    ``@import`` or ``@font-face``."""
    key = (css, base_url)
    sheet = _sheets.get(key)
    if sheet is None:
        from weasyprint import CSS

        if len(_sheets) >= _MAX_CACHED:
            _sheets.clear()
        sheet = CSS(string=css, base_url=base_url, font_config=shared_font_config())
        _sheets[key] = sheet
    return sheet


def clear() -> None:
    """Forget the cached stylesheets and font configuration (tests)."""
    global _font_config
    _sheets.clear()
    _font_config = None
