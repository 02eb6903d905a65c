"""Freshdesk ticket export (default column order from Freshdesk's own export test).
Timestamps are naive account time; the format is not confirmed. No pause column.
Built from documentation."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="freshdesk", product="Freshdesk", evidence="documentation",
    fixture="freshdesk.csv",
    table={
        "kind": "tickets", "date_format": ["%Y-%m-%d %H:%M:%S"],
        "columns": {"ticket_id": "Ticket ID", "client": "Company Name", "priority": "Priority",
                    "status": "Status", "created_at": "Created time",
                    "first_response_at": "Initial response time",
                    "resolved_at": "Resolved time", "closed_at": "Closed time",
                    "updated_at": "Last update time", "title": "Subject", "queue": "Group"},
        "values": {
            "priority": {"Urgent": "P1", "High": "P2", "Medium": "P3", "Low": "P4"},
            "status": {"Open": "running", "Pending": "waiting_customer",
                       "Waiting on Customer": "waiting_customer",
                       "Waiting on Third Party": "waiting_vendor",
                       "Resolved": "resolved", "Closed": "closed"},
        },
    },
)
