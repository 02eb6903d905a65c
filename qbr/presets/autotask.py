"""Datto Autotask PSA ticket export, labels as in Autotask's import template. Built from
documentation; dates are the user's Autotask format (``10/10/2022 8:00 PM``)."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="autotask", product="Datto Autotask PSA", evidence="documentation",
    fixture="autotask.csv",
    table={
        "kind": "tickets", "date_format": ["%m/%d/%Y %I:%M %p"],
        "columns": {"ticket_id": "Ticket Number", "client": "Company", "priority": "Priority",
                    "status": "Status", "created_at": "Create Date/Time",
                    "first_response_at": "First Response Date/Time",
                    "closed_at": "Complete Date/Time", "title": "Title", "queue": "Queue"},
        "values": {
            "priority": {"Critical": "P1", "High": "P2", "Medium": "P3", "Low": "P4"},
            "status": {"New": "running", "In Progress": "running",
                       "Waiting Customer": "waiting_customer",
                       "Waiting Vendor": "waiting_vendor", "On Hold": "pause",
                       "Complete": "closed"},
        },
    },
)
