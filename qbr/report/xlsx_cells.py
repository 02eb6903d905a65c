"""Safe cell text for the workbook (SPEC §8, ADVERSARIAL 8, 10, 12).

Untrusted text is always a typed string (``t="inlineStr"``, never ``<f>``), with the
``quotePrefix`` style when it starts with a character a spreadsheet would run as a
formula (:data:`FORMULA_TRIGGERS`), so it stays text even when a user edits the cell
(:class:`~qbr.report.xlsx_sheet.Sheet` writes it). Characters XML cannot hold become
U+FFFD, and over-long text is cut with a visible marker. Numbers stay numbers.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Formula triggers, ASCII and full-width (Excel folds ＝＋－＠ to ASCII on entry).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_CELL_CHARS = 32_767  # Excel's limit
_SURROGATES = re.compile("[\ud800-\udfff]")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Excel's cell limit (an emoji counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean_cell_text(text: str) -> str:
    """``text`` as Excel can store it: illegal XML characters and lone surrogates →
    U+FFFD; longer than 32,767 UTF-16 units → cut, ending in ``… [+N]`` (N = characters
    cut)."""
    text = _SURROGATES.sub("\ufffd", ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    if len(text) > MAX_CELL_CHARS // 2 and utf16_len(text) > MAX_CELL_CHARS:
        if len(text) == utf16_len(text):  # one unit a character: exactly 32,767 kept
            cut = len(text) - MAX_CELL_CHARS
            marker = f"… [+{cut}]"
            return text[: MAX_CELL_CHARS - len(marker)] + marker
        budget = MAX_CELL_CHARS - 12  # room for the marker (at most 12 units)
        keep = budget
        while (over := utf16_len(text[:keep]) - budget) > 0:
            keep -= max(1, over // 2)
        text = text[:keep] + f"… [+{len(text) - keep}]"
    return text
