"""Python's cyclic garbage collector paused while many small objects are built at once.

Reading an event log as tickets builds a hundred thousand rejection tuples (UCI: 117k),
fresh or from the parse cache. Every 700 new container objects start a collection, and
as the list grows, ever older generations are walked: most of the cost of building the
tuples, for nothing, since tuples of strings and ints form no cycles. Reference counting
still frees everything as usual. (The report layer has its own copy for rendering,
``qbr.report.gcpause``; importing that package would load the renderers.)
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
