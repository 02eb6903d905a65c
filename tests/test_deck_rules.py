"""SPEC §3a content in the client deck (merged from the rules work): a tier without an
objective, credit rows on attainment with their working, and the excluded / reopened /
closed-without-time counts on the summary and method pages."""

from __future__ import annotations

import dataclasses
import html as htmllib
import io
import re

from helpers_pack import make_credit, make_pack
from openpyxl import load_workbook

from qbr.report import render_html
from qbr.report.pdf import formatters_for
from qbr.report.story import tiles
from qbr.report.xlsx import workbook_bytes


def _text(pack: object) -> str:
    raw = render_html(pack).html  # type: ignore[arg-type]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_a_tier_without_objective_is_said_and_judged_against_nothing() -> None:
    pack = make_pack(objective_pct=None)
    text = _text(pack)
    assert "Service levels of the Gold tier (the contract sets no attainment objective)." \
        in text
    assert "the agreement sets no attainment objective" in text
    by_key = {t.key: t for t in tiles(pack, formatters_for(pack))}
    # nothing to judge: no ✓/✗ on the attainment tiles, and no "Objective …" target
    assert by_key["response"].status == "none" and by_key["resolution"].status == "none"
    assert by_key["response"].target == "No attainment objective"


def test_a_credit_row_on_resolution_attainment_shows_its_working() -> None:
    # Thames & Wren's case: resolution attainment 87.3239…% < 90 → 3 % of £9,200.00;
    # 9,200 × 3 / 100 = 276.00. The uptime rows apply none (99.96 ≥ 99.5).
    credit = dataclasses.replace(
        make_credit(), table=((99.5, 5.0), (99.0, 10.0)), applied_below=None,
        critical_uptime_pct=99.96, pct=3.0, fee=9200.0, amount=276.0, currency="GBP",
        attainment_rows=(("resolution", 90.0, 3.0),),
        applied=(("resolution", 87.32394366197182, 90.0, 3.0),))
    pack = make_pack(credit=credit, locale="en")
    text = _text(pack)
    assert "Resolution attainment 87.3% is below 90.00%: 3.00%" in text
    assert "3% × £9,200.00 = £276.00" in text
    assert "Resolution attainment below 90.0%" in text  # the table row, marked as applied
    wb = load_workbook(io.BytesIO(workbook_bytes(pack, formatters_for(pack))))
    cells = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    assert "Resolution attainment 87.3% is below 90.00%: 3.00%" in cells


def test_excluded_and_reopened_counts_reach_summary_and_method() -> None:
    pack = make_pack()
    metrics = dict(pack.metrics)
    metrics["tickets"] = {**metrics["tickets"], "excluded": 2, "reopened": 1,
                          "closed_without_time": 0}
    text = _text(dataclasses.replace(pack, metrics=metrics))
    assert "Excluded from the SLA (with reason, see workbook) 2" in text
    assert "Reopened (time resolved before the reopen not counted) 1" in text
    assert "Closed without a close time (counted as open)" not in text  # 0: not on summary
    assert "excluded tickets (listed with reason) 2" in text  # the method page, always
    assert "closed without a close time (counted as open) 0" in text
    assert "the time it sat resolved before the reopen is not counted" in text


def test_a_tile_names_what_the_other_misses_are_in_the_packs_language() -> None:
    """Review: "(+2 weitere)" left the reader guessing; the rest is said in words.
    Objective 96 %: P1 1 of 7 met late (85.7 %), P2 1 of 10 (90 %), P3 1 of 20 (95 %) all
    miss it; worst first is P1 (1/7 = 0.143 > 1/10 > 1/20), then 2 other priorities."""
    pack = make_pack(objective_pct=96.0, locale="de_DE")
    metrics = dict(pack.metrics)
    block = {key: {"attainment_pct": 100.0 * (n - 1) / n, "met": n - 1, "breached": 1,
                   "target_minutes": 60} for key, n in (("P1", 7), ("P2", 10), ("P3", 20))}
    metrics["response"] = {**metrics["response"], **block}
    pack = dataclasses.replace(pack, metrics=metrics)
    german = {t.key: t for t in tiles(pack, formatters_for(pack))}["response"]
    assert german.reason == "P1: 1 von 7 zu spät; 2 weitere Prioritäten verfehlt"
    pack = dataclasses.replace(pack, locale="en_GB")
    english = {t.key: t for t in tiles(pack, formatters_for(pack))}["response"]
    assert english.reason == "P1: 1 of 7 late; 2 other priorities missed"
