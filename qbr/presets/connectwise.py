"""ConnectWise Manage/PSA Report Writer view ``v_rpt_Service`` (header matched
case-insensitively). Built from documentation; status values are per board: map yours."""

from qbr.presets.base import Preset

PRESET = Preset(
    name="connectwise", product="ConnectWise Manage (v_rpt_Service)", evidence="documentation",
    fixture="connectwise.csv",
    table={
        "kind": "tickets", "date_format": ["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M %p"],
        "columns": {"ticket_id": "TicketNbr", "client": "Company_Name", "priority": "Priority",
                    "created_at": "date_entered", "closed_at": "Date_Closed",
                    "updated_at": "Last_Update", "status": "Status_Description",
                    "title": "Summary", "queue": "Board_Name"},
        "values": {
            "priority": {"Priority 1 - Emergency Response": "P1",
                         "Priority 2 - Quick Response": "P2",
                         "Priority 3 - Normal Response": "P3",
                         "Priority 4 - Scheduled Maintenance": "P4"},
            "status": {"New": "running", "New (email connector)": "running",
                       "New (email)": "running", "Assigned": "running",
                       "In Progress": "running", "Scheduled": "running",
                       "Rescheduled": "running", "Enter Time": "running",
                       "On-Hold": "pause", "Waiting on client": "waiting_customer",
                       "Requested Info from customer": "waiting_customer",
                       "Waiting on 3rd Party Vendor": "waiting_vendor",
                       "Completed": "resolved", "Closed": "closed", "Canceled": "excluded"},
        },
    },
)
