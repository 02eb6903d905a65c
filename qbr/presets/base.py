"""The :class:`Preset` record (kept apart so preset modules import it without a cycle)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Preset:
    """One export format. ``table`` is a source table as in the TOML config."""

    name: str
    product: str
    evidence: str  # "real file" or "documentation"
    fixture: str  # file name under tests/fixtures/presets/
    table: Mapping[str, Any]
