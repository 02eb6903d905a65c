"""The account manager's notes rendered safely (issue 7 §1, SPEC §8)."""

from __future__ import annotations

from helpers_pack import make_pack

from qbr.report import render_html
from qbr.report.notes import render_notes

NOTES = """Intro line.

## Highlights
- **Firewall** replaced <script>alert(1)</script>
- ![logo](http://127.0.0.1:9/x.png) [our PSA](https://psa.example.de/t/1)
  and [evil](javascript:alert(1))

## Nächste Schritte
1. Review

## Something else
text
"""


def test_sections_go_to_their_slots_and_html_is_inert() -> None:
    notes = render_notes(NOTES, ["psa.example.de"])
    assert notes is not None
    assert [s.slot for s in notes.sections] == ["other", "highlights", "next_steps", "other"]
    html = str(notes.slot("highlights").html)
    assert "<strong>Firewall</strong>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<img" not in html and "127.0.0.1" not in html and "logo" in html
    assert '<a href="https://psa.example.de/t/1">our PSA</a>' in html
    assert "href=\"javascript" not in html and "evil" in html  # text only, never a link


def test_no_notes_no_section() -> None:
    assert render_notes(None) is None and render_notes("  \n") is None
    html = render_html(make_pack()).html
    assert "From your account manager" not in html and "Recommendations" not in html


def test_notes_are_placed_in_the_deck() -> None:
    html = render_html(make_pack(notes_markdown=NOTES)).html
    assert "From your account manager" in html and "Next steps" in html
    assert "<script>alert" not in html
