"""ServiceNow incident audit log (one row per update: ``number``, ``incident_state``,
``sys_updated_at`` …), as in the UCI event log. ``?`` is null. First response = first
move off ``New`` or first ``assigned_to``, whichever comes first."""

from qbr.presets.base import Preset
from qbr.presets.servicenow import PRIORITY, STATUS

PRESET = Preset(
    name="servicenow-events", product="ServiceNow incident event log", evidence="real file",
    fixture="servicenow-events.csv",
    table={
        "kind": "events", "date_format": ["%d/%m/%Y %H:%M"], "null_values": ["?"],
        "columns": {"ticket_id": "number", "at": "sys_updated_at", "status": "incident_state",
                    "created_at": "opened_at", "priority": "priority", "client": "company",
                    "assigned_to": "assigned_to", "category": "category",
                    "queue": "assignment_group"},
        "values": {"status": STATUS, "priority": PRIORITY},
        "fold": {"response_state_not": ["New"], "response_assigned": True},
    },
)
