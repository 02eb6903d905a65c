"""The display rule for percentages (SPEC §6), shared by the PDF, the workbook and the
terminal table so that no two outputs show the same number differently. It lives outside
:mod:`qbr.report` because importing that package loads WeasyPrint."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

# Floats carry binary noise (100 * 19 / 20 may come out as 94.99999999999999). Values are
# first rounded to this many decimals — far below anything measurable (one second of
# downtime in a quarter is 1e-5 %) — then truncated, so noise never costs a digit.
NOISE_PLACES = 9


def truncate(value: float | Decimal | None, places: int) -> Decimal | None:
    """``value`` truncated toward zero to ``places`` decimals, exactly (Decimal).

    ``truncate(99.999, 2) == Decimal("99.99")``; ``truncate(99.95, 1) == Decimal("99.9")``.
    None, NaN and infinities give None."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(float(value))
    if not exact.is_finite():
        return None
    denoised = exact.quantize(Decimal(1).scaleb(-NOISE_PLACES), rounding=ROUND_HALF_EVEN)
    return denoised.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
