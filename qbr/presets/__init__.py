"""Vendor presets (README "Presets"): ``preset = "servicenow"`` on a source supplies
columns, value maps, null tokens, date formats and fold rules for one export format.
The preset's table is merged *under* the source's own keys before validation
(:func:`qbr.config.sources._with_preset`), so anything the source sets wins, and value maps merge
key by key.

One module per preset, one line in :data:`PRESETS`, one fixture under
``tests/fixtures/presets/`` and one row in README's "Supported exports" table;
``tests/test_presets.py`` keeps the four in sync. A preset whose ``evidence`` is
``"documentation"`` was built from vendor documentation or third-party parsers only
(``shared/VENDOR-EXPORTS.md``), not yet confirmed by a real export.

Priority maps target the keys ``P1`` … ``P4``: a tier that names its priorities
otherwise overrides ``values.priority`` in the source.
"""

from __future__ import annotations

from collections.abc import Mapping

from qbr.presets import (
    autotask,
    connectwise,
    freshdesk,
    halopsa,
    jira_sm,
    servicenow,
    servicenow_events,
    upptime,
    uptime_kuma,
    uptimerobot,
    zammad,
    zendesk,
)
from qbr.presets.base import Preset

__all__ = ["PRESETS", "Preset"]

PRESETS: Mapping[str, Preset] = {p.name: p for p in (
    servicenow.PRESET,
    servicenow_events.PRESET,
    connectwise.PRESET,
    autotask.PRESET,
    halopsa.PRESET,
    zendesk.PRESET,
    freshdesk.PRESET,
    jira_sm.PRESET,
    zammad.PRESET,
    upptime.PRESET,
    uptimerobot.PRESET,
    uptime_kuma.PRESET,
)}
