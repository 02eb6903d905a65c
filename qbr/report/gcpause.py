"""Python's cyclic garbage collector paused while a document is rendered (issue 7 §5).

WeasyPrint's layout and the workbook's row loop allocate hundreds of thousands of
short-lived objects, which start collections that traverse every object the process
holds (a batch worker holds the portfolio's frames): a fifth of the PDF's CPU time and a
sixth of a 6,000-ticket workbook's. Reference counting still frees almost everything at
once; the few cycles wait for the first collection after the render, which looks only at
what the render left (young objects).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The collector off for the ``with`` block; its previous state is restored, also
    when the block raises."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
