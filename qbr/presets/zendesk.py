"""Zendesk Support Admin Center CSV export (column 1 ``Summation column``). Times are in
the account's zone; the date format is not confirmed. Built from documentation."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="zendesk", product="Zendesk Support CSV", evidence="documentation",
    fixture="zendesk.csv",
    table={
        "kind": "tickets", "date_format": ["%Y-%m-%d %H:%M:%S"],
        "columns": {"ticket_id": "Id", "client": "Organization", "priority": "Priority",
                    "status": "Status", "created_at": "Created at",
                    "resolved_at": "Solved at", "updated_at": "Updated at",
                    "title": "Subject", "queue": "Group"},
        "values": {
            "priority": {"Urgent": "P1", "High": "P2", "Normal": "P3", "Low": "P4",
                         "urgent": "P1", "high": "P2", "normal": "P3", "low": "P4"},
            "status": {s: c for k, c in (("new", "running"), ("open", "running"),
                                         ("pending", "waiting_customer"), ("hold", "pause"),
                                         ("solved", "resolved"), ("closed", "closed"))
                       for s in (k, k.capitalize())},
        },
    },
)
