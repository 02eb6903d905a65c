"""A file's bytes held in anonymous memory (:mod:`qbr.io.readscan`), usable where the
CSV reader takes ``bytes``."""

from __future__ import annotations

import mmap

__all__ = ["Data", "Mapped"]


class Mapped(mmap.mmap):
    """A file's bytes in anonymous memory: what the CSV reader asks of ``bytes`` (find,
    slices as bytes, ``in``, the buffer pyarrow and numpy read in place) plus
    ``startswith`` and ``decode``; decoding copies (only the stdlib reader's path does)."""

    def startswith(self, prefix: bytes) -> bool:
        return self[:len(prefix)] == prefix

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return bytes(self).decode(encoding, errors)


#: A file's bytes: read whole (bytes), or read in blocks (:class:`Mapped`); a bytearray
#: is accepted too.
Data = bytes | bytearray | Mapped
