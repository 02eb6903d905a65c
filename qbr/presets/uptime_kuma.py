"""Uptime Kuma's SQLite database (``path = "kuma.db"``), ``heartbeat`` joined with
``monitor`` names, opened read-only. Status ``0`` down, ``1`` up, ``2`` pending (still
up: Kuma is retrying), ``3`` maintenance (unmonitored here; declare a maintenance
window to show it as maintenance). Built from Kuma's source code, not a real database."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="uptime-kuma", product="Uptime Kuma (kuma.db)", evidence="documentation",
    fixture="uptime-kuma.db",
    table={
        "kind": "uptime_states", "timezone": "UTC",
        "date_format": ["%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"],
        "columns": {"monitor": "name", "at": "time", "state": "status", "reason": "msg"},
        "values": {"state": {"0": "down", "1": "up", "2": "up", "3": "paused"}},
    },
)
