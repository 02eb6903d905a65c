"""Errors a user can act on. The CLI turns each into one line on stderr (no traceback)."""

from __future__ import annotations


class QbrError(Exception):
    """Base of every error that is the input's fault, not the program's."""

    exit_code = 65  # EX_DATAERR


class ConfigError(QbrError):
    """The config is wrong. The message names the file and the key (``qbr.toml: tiers.gold: …``)."""

    exit_code = 78  # EX_CONFIG

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file, self.key = file, key
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(f"{where}{message}")


class InputError(QbrError):
    """An input file cannot be read as declared. Names file, row and column where known."""

    def __init__(
        self, file: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.row, self.column = file, row, column
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class UsageError(QbrError):
    """A command-line value is wrong (bad quarter, naive --as-of, unknown client)."""

    exit_code = 2


class SystemDependencyError(QbrError):
    """A system library is missing (WeasyPrint's Pango); the message says what to install."""

    exit_code = 69  # EX_UNAVAILABLE
