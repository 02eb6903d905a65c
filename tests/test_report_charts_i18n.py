"""Charts (ADVERSARIAL 9, determinism, no leaked figures) and message catalogs."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from helpers_pack import make_history

from qbr.report import charts
from qbr.report.formatters import Formatters
from qbr.report.i18n import load_translations

ROOT = Path(__file__).resolve().parents[1]
COLOURS = charts.ChartColours("#1F3A5F", "#2E8B57")


def _fmt(locale: str = "en") -> Formatters:
    return Formatters.create(locale, "Europe/Berlin", load_translations(locale))


def _svg(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")


def test_hostile_labels_render_and_charts_are_deterministic() -> None:
    labels = ["Kosten $\\foo$ x", "Ticket_Kat $x_$", "Büro «Süd» „Nord“ €", "P4"]
    series = [charts.AttainmentSeries("Response", [99.95, None, 50.0, 100.0])]
    first = charts.attainment_chart(labels, series, 95.0, _fmt(), COLOURS)
    second = charts.attainment_chart(labels, series, 95.0, _fmt(), COLOURS)
    assert first == second
    svg = _svg(first)
    assert "<dc:date>" not in svg
    trend = charts.trend_chart(make_history(), 95.0, _fmt("de_DE"), COLOURS)
    assert trend is not None and trend == charts.trend_chart(
        make_history(), 95.0, _fmt("de_DE"), COLOURS
    )
    # the labels arrive as text, escaped: no markup, no TeX, no control character
    assert "Büro «Süd» „Nord“ €" in svg and "Kosten $\\foo$ x" in svg
    evil = charts.attainment_chart(['<script>x</script>&', "P\x01\x1b2"], series[:1] and [
        charts.AttainmentSeries("R", [50.0, 60.0])], 95.0, _fmt(), COLOURS)
    text = _svg(evil)
    assert "<script>" not in text and "&lt;script&gt;x&lt;/script&gt;&amp;" in text
    assert "\x01" not in text and "\x1b" not in text and ">P2<" in text


def test_trend_needs_two_quarters() -> None:
    assert charts.trend_chart(make_history()[:1], 95.0, _fmt(), COLOURS) is None


def _source_msgids() -> set[str]:
    found: set[str] = set()
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    for folder, mapping in (
        (ROOT / "qbr" / "report", [("**.py", "python")]),
        (ROOT / "report_templates" / "default", [("**.html", "jinja2"), ("**.css", "jinja2")]),
    ):
        for _file, _line, msg, _comments, _ctx in extract_from_dir(str(folder), mapping, options):
            # plural messages (ngettext) come as (singular, plural); the catalog keys them
            # by the singular
            found.add(msg if isinstance(msg, str) else msg[0])
    return found


@pytest.mark.parametrize("language", ["en", "de"])
def test_catalogs_cover_every_message(language: str) -> None:
    path = ROOT / "qbr" / "locale" / language / "LC_MESSAGES" / "qbr.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert _source_msgids() <= ids, _source_msgids() - ids
    if language == "de":
        for message in catalog:
            if not message.id:
                continue
            assert message.string, message.id
            slots = sorted(re.findall(r"%\(\w+\)\w|\{\w+\}|%%", str(message.id)))
            assert slots == sorted(re.findall(r"%\(\w+\)\w|\{\w+\}|%%", str(message.string)))


def test_translations_load_from_the_package() -> None:
    assert load_translations("de_DE").gettext("Response") == "Reaktion"
    assert load_translations("de").gettext("Response") == "Reaktion"
    assert load_translations("en_GB").gettext("Response") == "Response"
