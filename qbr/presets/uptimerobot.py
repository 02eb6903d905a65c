"""UptimeRobot dashboard log export (Logs > Export CSV): newest first, naive account
time (set ``timezone``). ``Paused`` → ``Started`` is unmonitored; ``Started`` counts as
up until the next event. The ``Duration`` columns are ignored: durations come from the
next event of the same monitor."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="uptimerobot", product="UptimeRobot log export", evidence="real file",
    fixture="uptimerobot.csv",
    table={
        "kind": "uptime_states", "date_format": ["%Y-%m-%d %H:%M:%S"],
        "columns": {"monitor": "Monitor", "at": "Date-Time", "state": "Event",
                    "reason": "Reason"},
        "values": {"state": {"Up": "up", "Down": "down", "Paused": "paused",
                             "Started": "up"}},
    },
)
