"""Jira Service Management issue export (Issues > Export > CSV, all fields). Dates in the
exporting user's zone, ``11/May/24 03:26 PM``. Built from documentation."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="jira-sm", product="Jira Service Management", evidence="documentation",
    fixture="jira-sm.csv",
    table={
        "kind": "tickets", "date_format": ["%d/%b/%y %I:%M %p"],
        "columns": {"ticket_id": "Issue key", "client": "Custom field (Organizations)",
                    "priority": "Priority", "status": "Status", "created_at": "Created",
                    "resolved_at": "Resolved", "updated_at": "Updated", "title": "Summary",
                    "category": "Issue Type"},
        "values": {
            "priority": {"Highest": "P1", "High": "P2", "Medium": "P3", "Low": "P4"},
            "status": {"Open": "running", "To Do": "running", "In Progress": "running",
                       "Waiting for support": "running",
                       "Waiting for customer": "waiting_customer", "Pending": "pause",
                       "Resolved": "resolved", "Done": "resolved", "Closed": "closed",
                       "Canceled": "excluded", "Declined": "excluded"},
        },
    },
)
