"""ServiceNow incident list export (list view > Export > CSV), field-name header.

Read as an event log with one event per ticket (``kind = "events"``): the row is the
ticket's latest state at ``sys_updated_on``, so a ``Resolved``/``Closed`` row is
resolved/closed at its last update (list exports carry no resolved time unless that
column is added; then map it and use ``kind = "tickets"``). Real files: Duke, PDI,
Whirlpool (display labels: override ``columns``). Dates are the user's profile format.
"""

from qbr.presets.base import Preset

STATUS = {
    "New": "running", "Active": "running", "In Progress": "running",
    "Work In Progress": "running", "Assigned": "running",
    "On Hold": "pause", "Awaiting User Info": "waiting_customer",
    "Awaiting Caller": "waiting_customer", "Awaiting Vendor": "waiting_vendor",
    "Awaiting Problem": "pause", "Awaiting Evidence": "waiting_customer",
    "Awaiting Change": "pause",
    "Resolved": "resolved", "Closed": "closed", "Canceled": "excluded",
    "Cancelled": "excluded",
}
PRIORITY = {"1 - Critical": "P1", "2 - High": "P2", "3 - Moderate": "P3", "4 - Low": "P4"}

PRESET = Preset(
    name="servicenow", product="ServiceNow incident list", evidence="real file",
    fixture="servicenow.csv",
    table={
        "kind": "events", "date_format": ["%Y-%m-%d %H:%M:%S"],
        "columns": {"ticket_id": "number", "created_at": "opened_at", "at": "sys_updated_on",
                    "status": "state", "priority": "priority", "client": "company",
                    "title": "short_description", "queue": "assignment_group"},
        "values": {"status": STATUS, "priority": PRIORITY},
        "fold": {"response_state_not": ["New"]},
    },
)
