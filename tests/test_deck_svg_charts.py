"""The deck's hand-built SVG charts keep issue 7 §1's chart properties (issue 7 §5 moved
them off matplotlib): the objective line, unique tick labels, direct value labels, a missed
value marked by a shape, "no data" text instead of zero bars, locale numbers, plain SVG."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

from helpers_pack import make_history

from qbr.report import charts
from qbr.report.formatters import Formatters
from qbr.report.i18n import load_translations
from qbr.report.svg import hatch

COLOURS = charts.ChartColours("#1F3A5F", "#2E8B57")
NS = "{http://www.w3.org/2000/svg}"


def _fmt(locale: str) -> Formatters:
    return Formatters.create(locale, "Europe/Berlin", load_translations(locale))


def _tree(uri: str) -> ET.Element:
    assert uri.startswith("data:image/svg+xml;base64,")
    return ET.fromstring(base64.b64decode(uri.split(",", 1)[1]))


def _texts(root: ET.Element) -> list[str]:
    return [(t.text or "").replace("\xa0", " ") for t in root.iter(f"{NS}text")]


def _plain(root: ET.Element) -> None:
    """Only the few element kinds WeasyPrint draws cheaply: no defs, clip paths,
    patterns, images, scripts or styles."""
    tags = {e.tag.removeprefix(NS) for e in root.iter()}
    assert tags <= {"svg", "rect", "line", "path", "polyline", "circle", "text"}, tags


def test_attainment_chart_marks_the_miss_by_shape_and_states_no_data() -> None:
    series = [charts.AttainmentSeries("Reaktion", [85.7, None, 99.0]),
              charts.AttainmentSeries("Lösung", [100.0, 92.0, 98.0])]
    root = _tree(charts.attainment_chart(["P1", "P2", "P3"], series, 95.0, _fmt("de_DE"),
                                         COLOURS))
    _plain(root)
    texts = _texts(root)
    # German numbers, one decimal, truncated (SPEC §6); misses (85.7 and 92.0 < 95.0)
    # carry ✗, the met ones do not
    assert "85,7 % ✗" in texts and "92,0 % ✗" in texts
    assert "99,0 %" in texts and "100,0 %" in texts and "98,0 %" in texts
    assert sum("✗" in t for t in texts) == 2
    assert texts.count("keine Daten") == 1  # P2 response: text, not a zero-height bar
    assert "Zielwert 95,0 %" in texts
    ticks = ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert [t for t in texts if t in ticks] == ticks  # unique tick labels
    # five bars (six values, one None) and two hatched misses
    assert len(root.findall(f"{NS}rect")) - 2 == 5  # minus the two legend swatches
    hatched = [p for p in root.findall(f"{NS}path") if p.get("stroke") == "white"]
    assert len(hatched) == 2
    # the objective line: dashed, at 95 % of the 0–112 axis over the plot (y 10–168):
    # 168 - 95/112 × 158 = 168 - 134.02 = 33.98
    dashed = [ln for ln in root.findall(f"{NS}line") if ln.get("stroke-dasharray")
              and ln.get("x1") == "36"]
    assert len(dashed) == 1 and float(dashed[0].get("y1", "0")) == 33.98


def test_attainment_chart_without_measurements_says_so() -> None:
    series = [charts.AttainmentSeries("Response", [None, None])]
    root = _tree(charts.attainment_chart(["P1", "P2"], series, 95.0, _fmt("en"), COLOURS))
    assert _texts(root) == ["No tickets measured this quarter"]
    assert root.find(f"{NS}rect") is None


def test_trend_chart_has_guarantee_line_unique_ticks_and_marked_misses() -> None:
    root = _tree(charts.trend_chart(make_history(), 95.0, _fmt("en"), COLOURS, 99.9) or "")
    _plain(root)
    texts = _texts(root)
    assert "Objective 95.0%" in texts and "Guarantee 99.90%" in texts
    # history: response 91.2, 93.5, 96.1, 95.0, 92.0 and resolution 88.0, None, 92.4,
    # 94.2, 96.0 against 95 → 91.2, 93.5, 92.0, 88.0, 92.4, 94.2 missed (six ✗ labels);
    # uptime 99.95, 99.99, 99.97, 100.0, 99.91 against 99.90: none missed
    assert sum(t.endswith("✗") for t in texts) == 6
    assert "99.91%" in texts  # 99.9157… truncated to two decimals, not rounded to 99.92
    assert texts.count("Q3 2026") == 2  # one x label per panel
    percent_ticks = [t for t in texts if re.fullmatch(r"\d+(\.\d+)?%", t) and t not in (
        "99.95%", "99.99%", "99.97%", "100.00%", "99.91%")]
    assert len(percent_ticks) == len(set(percent_ticks))
    crosses = [p for p in root.findall(f"{NS}path") if p.get("stroke") == "#B03A2E"]
    assert len(crosses) == 6  # the ✗ markers: a shape, not only a colour


def test_trend_without_values_says_no_data_yet() -> None:
    history = tuple(h.__class__(h.quarter, None, None, None) for h in make_history()[:2])
    texts = _texts(_tree(charts.trend_chart(history, 95.0, _fmt("en"), COLOURS) or ""))
    assert texts.count("No data yet") == 2


def test_months_chart_totals_and_whole_number_ticks() -> None:
    months = [SimpleNamespace(month=m, total=t, by_priority=b) for m, t, b in (
        (__import__("datetime").date(2026, 7, 1), 1234, {"P1": 34, "P2": 1200}),
        (__import__("datetime").date(2026, 8, 1), 7, {"P1": 7}),
        (__import__("datetime").date(2026, 9, 1), 0, {}),
    )]
    desk = SimpleNamespace(total=1241, months=months)
    root = _tree(charts.months_chart(desk, ["P1", "P2"], _fmt("de_DE"), COLOURS))
    _plain(root)
    texts = _texts(root)
    assert {"1.234", "7", "0", "Juli 2026", "September 2026"} <= set(texts)
    # 1,234 at a 1-2-5 step with at most 5 steps: 500 → 0, 500, 1.000, 1.500
    assert [t for t in texts if t in ("0", "500", "1.000", "1.500")] == [
        "0", "500", "1.000", "1.500", "0"]  # the last "0": September's total
    empty = _tree(charts.months_chart(SimpleNamespace(total=0, months=[]), ["P1"],
                                      _fmt("en"), COLOURS))
    assert _texts(empty) == ["No tickets this quarter"]


def test_count_ticks_and_hatch_geometry() -> None:
    assert charts.count_ticks(6) == [0, 2, 4, 6]  # 6/1 > 5 steps, 6/2 = 3
    assert charts.count_ticks(47) == [0, 10, 20, 30, 40, 50]
    # a 4 × 4 square at step 4: lines u + v = 4 (corner to corner)
    assert hatch(0, 0, 4, 4, 4) == "M4 4L0 0"
