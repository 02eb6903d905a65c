"""HaloPSA report export. Reports are SQL, so the header is the author's aliases: these
follow one real report's aliases plus a ``Ticket ID`` column (``faults.faultid``).
Built from documentation."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="halopsa", product="HaloPSA report", evidence="documentation",
    fixture="halopsa.csv",
    table={
        "kind": "tickets", "date_format": ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"],
        "columns": {"ticket_id": "Ticket ID", "client": "Client", "priority": "Priority",
                    "status": "Status", "created_at": "Date Occurred",
                    "closed_at": "Date Closed", "title": "Summary", "category": "Category",
                    "queue": "Section"},
        "values": {
            "priority": {"Priority 1": "P1", "Priority 2": "P2", "Priority 3": "P3",
                         "Priority 4": "P4"},
            "status": {"New": "running", "In Progress": "running",
                       "Waiting on User": "waiting_customer", "On Hold": "pause",
                       "Resolved": "resolved", "Closed": "closed"},
        },
    },
)
