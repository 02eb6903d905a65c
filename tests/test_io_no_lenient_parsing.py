"""ADVERSARIAL 23 and 30: lenient parsing switches never appear in the package.

``dayfirst`` silently swaps ISO dates, ``format='mixed'`` guesses row by row and
``on_bad_lines`` drops ragged rows; qbr reads strictly, so none of them may appear."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qbr"
FORBIDDEN = re.compile(r"dayfirst|on_bad_lines|format\s*=\s*['\"]mixed['\"]")


def test_no_lenient_parsing_switches_in_qbr() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert sources, f"no Python files under {PACKAGE}"
    hits = [f"{p.relative_to(PACKAGE)}:{n}: {line.strip()}" for p in sources
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if FORBIDDEN.search(line)]
    assert hits == []


def test_the_pattern_catches_each_switch() -> None:
    for line in ("pd.to_datetime(x, dayfirst=True)", "read_csv(p, on_bad_lines='skip')",
                 "to_datetime(s, format='mixed')", 'to_datetime(s, format = "mixed")'):
        assert FORBIDDEN.search(line), line
