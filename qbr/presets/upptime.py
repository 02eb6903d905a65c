"""Upptime status history as a state-change log: one row per commit of
``history/<slug>.yml`` (``site_slug``, ``status`` up/down, ``last_updated`` UTC with
``Z``), as in shared/datasets/upptime-status-history ``events.csv``. Upptime commits at
least daily, so a monitor silent for over 2 days has stopped (``stale_after``)."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="upptime", product="Upptime (git history)", evidence="real file",
    fixture="upptime.csv",
    table={
        "kind": "uptime_states", "timezone": "UTC", "stale_after": "2d",
        "date_format": ["%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"],
        "columns": {"monitor": "site_slug", "at": "last_updated", "state": "status",
                    "reason": "http_code"},  # 0 = timeout, DNS or connection error
        "values": {"state": {"up": "up", "down": "down"}},
    },
)
