"""Chart labels drawn as one run (issue 7 §5, qbr.report.svgtext): one text object per
simple label instead of one per character, at the same place, with the same text; text
that positions characters one by one keeps WeasyPrint's drawing."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from qbr.report import svgtext
from qbr.report.svg import Svg

pytest.importorskip("weasyprint")


def _node(text: str, **attrib: str) -> SimpleNamespace:
    return SimpleNamespace(text=text, attrib=attrib)


def test_only_labels_without_per_character_positions_are_simple() -> None:
    assert svgtext.is_simple(_node("84,7 % ✗", x="10", y="20"))
    assert svgtext.is_simple(_node("P1"))  # positioned by the cursor
    assert not svgtext.is_simple(_node(""))  # nothing to draw
    # a bidirectional override would reorder a whole run (never a single letter)
    assert not svgtext.is_simple(_node("P1\u202eevil", x="1", y="1"))
    assert not svgtext.is_simple(_node("ab", x="10 20", y="5"))  # a position per letter
    assert not svgtext.is_simple(_node("ab", x="10", y="5,6"))
    for name in ("dx", "dy", "rotate", "letter-spacing", "textLength"):
        assert not svgtext.is_simple(_node("ab", x="1", y="1", **{name: "2"})), name


def _chart() -> str:
    svg = Svg(300, 80)
    svg.text(10, 20, "Tickets im Zielwert", 9)  # start
    svg.text(150, 40, "Zielwert 95,0 %", 7.5, anchor="middle")
    svg.text(290, 60, "100,0 %", 7.5, anchor="end", bold=True)
    svg.text(40, 75, "327", 7, vertical=True)
    # a per-character position: WeasyPrint's own letter-by-letter drawing
    svg.parts.append('<text x="200" y="20" dx="0 3 3" font-size="8">ABC</text>')
    return svg.data_uri()


def _pdf(uri: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=f"<img src='{uri}'>").write_pdf(uncompressed_pdf=True)
    return pdf


@pytest.fixture()
def both() -> Iterator[tuple[bytes, bytes]]:
    uri = _chart()
    svgtext.uninstall()
    try:
        old = _pdf(uri)
        assert svgtext.install()
        new = _pdf(uri)
    finally:
        svgtext.install()  # the state every other test renders in
    yield old, new


def _runs(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each shown string with its text matrix's x and y (PDF points)."""
    runs: list[tuple[str, float, float]] = []

    def visit(text: str, _cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            runs.append((text, round(tm[4], 1), round(tm[5], 1)))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


def test_a_simple_label_is_one_text_object_and_per_character_text_is_not(
        both: tuple[bytes, bytes]) -> None:
    old, new = both
    shown = re.compile(rb"\bT[jJ]\b")  # the PDF operators that show text
    letters = len("TicketsimZielwert" "Zielwert95,0%" "100,0%" "327" "ABC")  # 42, no blanks
    # old: one per (non-blank) character; new: one per simple label (4) and one per
    # letter of the dx text (3)
    assert len(shown.findall(old)) == letters
    assert len(shown.findall(new)) == 4 + 3


def test_labels_keep_their_text_and_place(both: tuple[bytes, bytes]) -> None:
    old, new = both
    # pypdf reads each label (the letters of the old drawing joined) with the point
    # where it starts: same text, same place (a centred or right-aligned label is
    # shifted by its group, which these coordinates do not include)
    expected = [("Tickets im Zielwert", 10.0, 20.0), ("Zielwert 95,0 %", 150.0, 40.0),
                ("100,0 %", 290.0, 60.0), ("327", 40.0, 75.0), ("A B C", 200.0, 20.0)]
    assert _runs(old) == expected
    assert _runs(new) == expected
