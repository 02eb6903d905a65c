"""A tiny, hand-checkable project on disk: one config, a ticket export, a status history,
outages and maintenance. Used by the CLI and end-to-end tests.

Client ``acme`` (gold, Europe/Berlin). Office calendar Mon–Fri 08–12 + 13–17, P1 on 24x7.
Tickets of 2026Q3 (times UTC, CEST = UTC+2); T-1 and T-5 (both breached, so both in the
PDF's breach list) carry hostile titles:

- T-1 P2 created Fri 2026-07-03 14:30Z (16:30), response Mon 07-06 06:45Z (08:45):
  30 + 45 = 75 business min > 60 → response breached; resolved Mon 07-06 08:00Z (10:00):
  30 + 120 = 150 ≤ 480 → met.
- T-2 P1 created Sat 2026-07-04 10:00Z, response 10:10Z: 10 min ≤ 15 met; resolved 12:00Z:
  120 min ≤ 240 met (24x7).
- T-3 P3 created Tue 2026-07-07 07:00Z (09:00), response 07:30Z: 30 ≤ 240 met; waiting on
  customer 08:00Z–12:00Z (10:00–14:00 → business 10–12 + 13–14 = 180 min); resolved
  13:00Z (15:00): gross 09–12 + 13–15 = 300, minus 180 = 120 ≤ 1440 → met.
- T-4 "Prio X" (unmapped) → unclassified.
- T-5 P4 created Tue 2026-09-29 07:00Z, still open at as_of.
- A row for "Globex" (not a client) → unassigned.
Monitor fw-01 (critical, guarantee 99.9): outages 2026-08-03 10:00–11:00Z and 10:30–12:00Z
(union 120 min); maintenance 2026-08-02 00:00–02:00Z with an outage 00:30–01:30Z inside.
Window = 132,480 − 120 = 132,360 min; downtime 120 → 100 × (1 − 120/132360) = 99.90934…
"""

from __future__ import annotations

from pathlib import Path

HOSTILE_TITLE = '<img src="file:///etc/passwd">'
FORMULA_TITLE = '=HYPERLINK("http://evil.example/?x=1","click")'

CONFIG = """
[msp]
name = "Test MSP"
timezone = "Europe/Berlin"

[calendars.office]
hours = { mon = ["08:00-12:00", "13:00-17:00"], tue = ["08:00-12:00", "13:00-17:00"], wed = ["08:00-12:00", "13:00-17:00"], thu = ["08:00-12:00", "13:00-17:00"], fri = ["08:00-12:00", "13:00-17:00"] }
holidays = { country = "DE", subdiv = "BY" }
[calendars.always]
type = "24x7"

[tiers.gold]
response_minutes = { P1 = 15, P2 = 60, P3 = 240, P4 = 480 }
resolution_minutes = { P1 = 240, P2 = 480, P3 = 1440, P4 = 2880 }
calendar = "office"
calendar_by_priority = { P1 = "always" }
pause_statuses = ["waiting_customer", "waiting_vendor"]
objective_pct = 95
uptime_guarantee_pct = 99.9
credits = [{ below = 99.9, pct = 5 }, { below = 99.5, pct = 10 }]

[clients.acme]
name = "ACME GmbH"
tier = "gold"
timezone = "Europe/Berlin"
locale = "de_DE"
aliases = ["Acme"]
fee = 10000
currency = "EUR"
[[clients.acme.monitors]]
monitor = "fw-01"
critical = true
monitored_from = "2026-01-01T00:00:00+01:00"

[sources.tickets]
path = "tickets.csv"
kind = "tickets"
system = "psa"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = { ticket_id = "Ticket", client = "Company", priority = "Priority", created_at = "Created", first_response_at = "Responded", resolved_at = "Resolved", closed_at = "Closed", status = "Status", title = "Title" }
values.priority = { "P1" = "P1", "P2" = "P2", "P3" = "P3", "P4" = "P4" }
values.status = { "Open" = "running", "Waiting" = "waiting_customer", "Resolved" = "resolved", "Closed" = "closed" }

[sources.status]
path = "status.csv"
kind = "status"
system = "psa"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = { ticket_id = "Ticket", at = "At", status = "Status" }
values.status = { "Open" = "running", "Waiting" = "waiting_customer", "Resolved" = "resolved", "Closed" = "closed" }

[sources.outages]
path = "outages.csv"
kind = "outages"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = { monitor = "Monitor", start = "Start", end = "End", reason = "Reason" }

[sources.maintenance]
path = "maintenance.csv"
kind = "maintenance"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = { client = "Client", start = "Start", end = "End", reason = "Reason" }
"""

TICKETS = f"""Ticket,Company,Priority,Created,Responded,Resolved,Closed,Status,Title
T-1,ACME GmbH,P2,2026-07-03T14:30:00Z,2026-07-06T06:45:00Z,2026-07-06T08:00:00Z,,Resolved,"{HOSTILE_TITLE.replace('"', '""')}"
T-2,acme,P1,2026-07-04T10:00:00Z,2026-07-04T10:10:00Z,2026-07-04T12:00:00Z,2026-07-06T12:00:00Z,Closed,Firewall down
T-3,ACME GmbH,P3,2026-07-07T07:00:00Z,2026-07-07T07:30:00Z,2026-07-07T13:00:00Z,,Resolved,Printer jam
T-4,ACME GmbH,Prio X,2026-07-08T07:00:00Z,,,,Open,Unmapped priority
T-5,ACME GmbH,P4,2026-09-29T07:00:00Z,,,,Open,"{FORMULA_TITLE.replace('"', '""')}"
G-1,Globex,P2,2026-07-08T07:00:00Z,,,,Open,Not our client
"""

STATUS = """Ticket,At,Status
T-3,2026-07-07T07:00:00Z,Open
T-3,2026-07-07T08:00:00Z,Waiting
T-3,2026-07-07T12:00:00Z,Open
T-3,2026-07-07T13:00:00Z,Resolved
G-1,2026-07-08T07:00:00Z,Open
"""

OUTAGES = """Monitor,Start,End,Reason
fw-01,2026-08-03T10:00:00Z,2026-08-03T11:00:00Z,ISP fibre cut
fw-01,2026-08-03T10:30:00Z,2026-08-03T12:00:00Z,Power supply
fw-01,2026-08-02T00:30:00Z,2026-08-02T01:30:00Z,Patch reboot
"""

MAINTENANCE = """Client,Start,End,Reason
ACME GmbH,2026-08-02T00:00:00Z,2026-08-02T02:00:00Z,Monthly patching
"""

AS_OF = "2026-10-05T06:00:00Z"


def write_mini_project(root: Path, config: str = CONFIG) -> Path:
    """Write the mini project into ``root``; returns the config path."""
    for name, text in (("tickets.csv", TICKETS), ("status.csv", STATUS),
                       ("outages.csv", OUTAGES), ("maintenance.csv", MAINTENANCE)):
        (root / name).write_text(text, encoding="utf-8")
    path = root / "qbr.toml"
    path.write_text(config, encoding="utf-8")
    return path
