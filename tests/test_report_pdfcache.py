"""The per-process stylesheet cache of the PDF step (issue 7 §5): what it shares, what it
refuses to share, and that a deck renders the same with it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers_pack import make_pack
from pypdf import PdfReader

from qbr.report import html_to_pdf, pdfcache, render_html
from qbr.report.fetcher import SafeFetcher

DOC = "<html><head><style>{css}</style></head><body><p>x</p></body></html>"


def test_self_contained_style_blocks_are_split_off_in_order() -> None:
    html = DOC.format(css="p { color: red }").replace("</head>", "<style>b {}</style></head>")
    split = pdfcache.split_stylesheets(html)
    assert split == ("<html><head></head><body><p>x</p></body></html>",
                     ["p { color: red }", "b {}"])


@pytest.mark.parametrize("html", [
    DOC.format(css="p { background: url(x.png) }"),  # would fetch: the fetcher decides
    DOC.format(css="@import 'brand.css';"),
    DOC.format(css="@font-face { font-family: B; src: local(B) }"),  # per-deck fonts
    DOC.format(css="p {}").replace("</head>", "<style>@import 'x';</style></head>"),
    DOC.format(css="p {}").replace("</head>", "<link rel=stylesheet href=b.css></head>"),
    "<html><body><p>no style</p></body></html>",
])
def test_anything_else_renders_as_before(html: str) -> None:
    assert pdfcache.split_stylesheets(html) is None


def test_the_stylesheet_is_parsed_once_per_text() -> None:
    pdfcache.clear()
    fetcher = SafeFetcher([Path("/tmp")])
    first = pdfcache.parsed_stylesheet("p { color: red }", "file:///tmp/", fetcher)
    assert pdfcache.parsed_stylesheet("p { color: red }", "file:///tmp/", fetcher) is first
    assert pdfcache.parsed_stylesheet("p { color: blue }", "file:///tmp/", fetcher) \
        is not first
    other_layers = SafeFetcher([Path("/tmp"), Path("/")])
    assert pdfcache.parsed_stylesheet("p { color: red }", "file:///tmp/", other_layers) \
        is not first


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in PdfReader(io.BytesIO(pdf)).pages]


def test_cached_stylesheets_keep_each_decks_paper_and_text() -> None:
    # The stylesheet differs by paper size: a Letter deck after an A4 one (same process,
    # shared cache) must still be Letter. Landscape A4 = 297 × 210 mm = 842 × 595 pt;
    # Letter = 11 × 8.5 in = 792 × 612 pt.
    pdfcache.clear()
    a4 = html_to_pdf(render_html(make_pack(locale="de_DE")))
    letter = html_to_pdf(render_html(make_pack(locale="en_US", paper="Letter")))
    assert set(_pages(a4)) == {(842, 595)}
    assert set(_pages(letter)) == {(792, 612)}
    # The large block is shared by two clients; only the footer blocks differ.
    other = render_html(make_pack(locale="de_DE", client_name="Beta AG"))
    blocks = pdfcache.split_stylesheets(other.html)
    acme = pdfcache.split_stylesheets(render_html(make_pack(locale="de_DE")).html)
    assert blocks is not None and acme is not None
    assert len(blocks[1]) == 2 and "Beta" in blocks[1][1] and "ACME" in acme[1][1]
    assert blocks[1][0] == acme[1][0]  # the large block: one parse for both clients
    # The same deck without the cache (a <link> in the head disables it) reads the same.
    rendered = render_html(make_pack(locale="de_DE"))
    plain = rendered.__class__(rendered.html.replace("</head>", "<link rel=x></head>", 1),
                               rendered.base_url, rendered.layers)
    text = [p.extract_text() for p in PdfReader(io.BytesIO(a4)).pages]
    # the footer, from the page_footer block, on every page but the cover
    assert ["ACME GmbH · 3. Quartal 2026" in t for t in text] == [False] + [True] * (len(text) - 1)
    assert text == [p.extract_text() for p in PdfReader(io.BytesIO(html_to_pdf(plain))).pages]


def test_a_brand_font_face_never_reaches_the_shared_configuration(tmp_path: Path) -> None:
    # A brand layer declaring @font-face renders with WeasyPrint's own per-deck fonts.
    (tmp_path / "brand.css").write_text(
        "@font-face { font-family: Brand; src: local('DejaVu Serif') } "
        "body { font-family: Brand }", encoding="utf-8")
    pdfcache.clear()
    rendered = render_html(make_pack(), [tmp_path])
    assert "@font-face" in rendered.html
    assert pdfcache.split_stylesheets(rendered.html) is None
    html_to_pdf(rendered)
    assert pdfcache._font_config is None  # never created, so nothing was added to it
