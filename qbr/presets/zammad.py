"""Zammad ticket report (Reports > download Excel; English headers). Headers are
localized to the user's locale: override ``columns`` for another language. Built from
documentation (Zammad's ``lib/excel_sheet/ticket.rb``)."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="zammad", product="Zammad", evidence="documentation",
    fixture="zammad.csv",
    table={
        "kind": "tickets", "date_format": ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        "columns": {"ticket_id": "#", "client": "Organization", "priority": "Priority",
                    "status": "State", "created_at": "Created At",
                    "first_response_at": "First Response At", "closed_at": "Closed At",
                    "updated_at": "Updated At", "title": "Title", "queue": "Group"},
        "values": {
            "priority": {"3 high": "P2", "2 normal": "P3", "1 low": "P4"},
            "status": {"new": "running", "open": "running",
                       "pending reminder": "waiting_customer",
                       "pending close": "resolved", "closed": "closed", "merged": "excluded"},
        },
    },
)
