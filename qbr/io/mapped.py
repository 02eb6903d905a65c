"""A file's bytes held in anonymous memory (:mod:`qbr.io.readscan`), usable where the
CSV reader takes ``bytes``."""

from __future__ import annotations

import mmap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = ["Data", "Mapped"]


class Mapped(mmap.mmap):
    """A file's bytes in anonymous memory: what the CSV reader asks of ``bytes`` (find,
    slices as bytes, ``in``, the buffer pyarrow and numpy read in place) plus
    ``startswith`` and ``decode``; decoding copies (only the stdlib reader's path does)."""

    def __contains__(self, sub: object) -> bool:
        # mmap's own ``in`` compares single bytes (ints): b"\r" in it is always False.
        return isinstance(sub, bytes) and self.find(sub) >= 0

    # mmap's find and rfind start at its file position, not at 0 as bytes' do.
    def find(self, sub: Buffer, start: int | None = 0, end: int | None = None,
             /) -> int:
        return super().find(sub, start or 0, len(self) if end is None else end)

    def rfind(self, sub: Buffer, start: int | None = 0, end: int | None = None,
              /) -> int:
        return super().rfind(sub, start or 0, len(self) if end is None else end)

    def startswith(self, prefix: bytes) -> bool:
        return self[:len(prefix)] == prefix

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return bytes(self).decode(encoding, errors)


#: A file's bytes: read whole (bytes), or read in blocks (:class:`Mapped`); a bytearray
#: is accepted too.
Data = bytes | bytearray | Mapped
