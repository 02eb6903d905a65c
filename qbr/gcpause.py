"""Python's cyclic garbage collector paused while many short-lived objects are built.

Every 700 new container objects start a collection, and as they accumulate ever older
generations are walked, traversing every object the process holds (a batch worker holds
the portfolio's frames). Two places pay for that for nothing:
- reading an event log as tickets builds a hundred thousand rejection tuples (UCI: 117k),
  fresh or from the parse cache; tuples of strings and ints form no cycles;
- WeasyPrint's layout and the workbook's row loop (issue 7 §5): a fifth of the PDF's CPU
  time and a sixth of a 6,000-ticket workbook's.
Reference counting still frees almost everything at once; the few cycles wait for the
first collection after the block, which looks only at what the block left (young objects).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


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
