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
