"""CSV reader: bytes → ``(row number, cells)`` with the source's declared encoding and
delimiter (SPEC §7). Uses the stdlib ``csv`` module, so no value is guessed: ``NA`` stays
``"NA"`` and ``00123`` stays ``"00123"``. Errors name the file and the row; a file with
an unclosed quote is rejected whole, because the rows it swallowed cannot be trusted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qbr.errors import InputError
from qbr.io.mapped import Data

#: The XLSX guard: a workbook declaring more uncompressed bytes is refused before it is
#: parsed (ADVERSARIAL 15). CSV has no such limit: it is read column-wise by pyarrow.
MAX_INPUT_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path, file: str) -> bytes:
    """The file's bytes; a missing, unreadable or empty file is an InputError."""
    with read_errors(file):
        data = path.read_bytes()
    refuse_empty(data, file)
    return data


@contextmanager
def read_errors(file: str) -> Iterator[None]:
    """An OS error while opening or reading ``file`` as one InputError line (missing,
    a directory, or the system's reason), shared by every way of reading an export."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(file, "file not found") from None
    except IsADirectoryError:
        raise InputError(file, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror}") from None


def refuse_empty(data: Data, file: str) -> None:
    """An InputError when the file has no bytes at all."""
    if not data:
        raise InputError(file, "empty file")


def decode(data: Data, file: str, encoding: str) -> str:
    """Decode strictly; an undecodable byte names its row (physical line) and offset."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        # utf-8-sig reports offsets after its BOM; count from the file's first byte.
        offset = exc.start + len(data) - len(exc.object)
        before = exc.object[: exc.start].decode(encoding, errors="replace")
        row = (before.count("\n") or before.count("\r")) + 1  # as _Lines counts
        bad = exc.object[exc.start : exc.end].hex(" ")
        raise InputError(file, f"cannot decode bytes {bad} at byte offset {offset} as "
                               f"{encoding} (declare the source's encoding, e.g. cp1252)",
                         row=row) from None
    # A BOM left by an encoding without "-sig" would otherwise stick to the first header.
    return text.removeprefix("\ufeff")


def parse(text: str, file: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Split ``text`` into records. Each gets the physical line where it starts, so a
    record after a multi-line quoted field keeps the row number an editor shows."""
    lines = _Lines(text)
    # A long description is data, not a quoting error: lift the module's 131,072-character
    # field limit (an unclosed quote is still caught: it runs to the end of the file).
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            raise InputError(file, _quote_message(str(exc)), row=start) from None
        records.append((start, cells))
        start = lines.breaks + 1


class _Lines:
    """The text's lines for ``csv.reader``, counting line breaks as editors and ``grep -n``
    do: ``\n`` and ``\r\n``; a lone ``\r`` (seen inside quoted ServiceNow descriptions)
    counts only in a file that has no ``\n`` at all (classic Mac line ends)."""

    def __init__(self, text: str) -> None:
        self.text, self.breaks = text, 0
        self.cr_only = "\n" not in text

    def __iter__(self) -> Iterator[str]:
        for line in io.StringIO(self.text, newline=""):
            # Count before yielding: when the reader returns a record, its lines are counted.
            self.breaks += line.count("\n") or int(self.cr_only and line.endswith("\r"))
            yield line


def _quote_message(error: str) -> str:
    if "unexpected end of data" in error or "field larger than field limit" in error:
        return ("unclosed quote: the quoted field starting in this row never ends; "
                "the file is rejected whole")
    return f"bad quoting ({error}); the file is rejected whole"


def read_csv(path: Path, file: str, encoding: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Read a CSV export into ``(row number, cells)`` records (row 1 = header)."""
    return parse(decode(read_bytes(path, file), file, encoding), file, delimiter)
