"""Generate the demo portfolio of *Northwind Managed IT*, a fictional MSP.

Run ``python sample_data/generate.py``: it rewrites ``sample_data/exports/`` next to this
file. The output is deterministic (one ``random.Random(SEED)``, consumed in a fixed
order) and uses the standard library only, so the committed exports can be checked
against a fresh run (``tests/test_sample_data.py``). sample_data/README.md describes
the data and lists the hard cases by ticket id.

How a ticket is made: a created time (mostly office hours, some nights, weekends and
holidays), then response and resolution efforts drawn in *business minutes* of the
ticket's SLA calendar (the same calendars as ``qbr.toml``) and turned into wall-clock
instants by walking the calendar, with waiting-on-customer / waiting-on-vendor pauses in
between. So the SLA numbers the engine computes are the ones designed here: mostly met,
a few breaches. Everything after ``EXPORT_AT`` has not happened yet: those timestamps
and status events are left out, and the ticket keeps the status it had then.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20261005
EXPORT_AT = datetime(2026, 10, 5, 5, 0, tzinfo=UTC)  # the exports were pulled then
FIRST_DAY, LAST_DAY = date(2025, 7, 1), date(2026, 10, 4)  # local creation dates
QUARTERS = ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3")

# --------------------------------------------------------------------------- calendars
# Public holidays as the ``holidays`` package (categories "public") lists them for the
# config's country/subdivision, 2025-07-01 .. 2026-10-10. Hard-coded because the
# generator is stdlib only; tests/test_sample_data.py keeps them equal to the package.
# Note: the package does not count Assumption Day (15 Aug) as public in DE/BY (it is a
# holiday only in Bavaria's Catholic communities), so 2025-08-15 is a business day here.
HOLIDAYS: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("DE", "BY"): ("2025-10-03", "2025-11-01", "2025-12-25", "2025-12-26", "2026-01-01",
                   "2026-01-06", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14",
                   "2026-05-25", "2026-06-04", "2026-10-03"),
    ("DE", "BE"): ("2025-10-03", "2025-12-25", "2025-12-26", "2026-01-01", "2026-03-08",
                   "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25",
                   "2026-10-03"),
    ("AT", None): ("2025-08-15", "2025-10-26", "2025-11-01", "2025-12-08", "2025-12-25",
                   "2025-12-26", "2026-01-01", "2026-01-06", "2026-04-06", "2026-05-01",
                   "2026-05-14", "2026-05-25", "2026-06-04", "2026-08-15"),
    ("US", "NY"): ("2025-07-04", "2025-09-01", "2025-10-13", "2025-11-04", "2025-11-11",
                   "2025-11-27", "2025-12-25", "2026-01-01", "2026-01-19", "2026-02-12",
                   "2026-02-15", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
                   "2026-07-04", "2026-09-07"),
    ("US", "IL"): ("2025-07-04", "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27",
                   "2025-12-25", "2026-01-01", "2026-01-19", "2026-02-12", "2026-02-16",
                   "2026-03-02", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04",
                   "2026-09-07"),
    ("GB", "ENG"): ("2025-08-25", "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03",
                    "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31"),
}
CLOSED_DAYS = frozenset({date(2025, 12, 24), date(2025, 12, 31)})  # qbr.toml calendars
_OFFICE = ((time(8), time(12)), (time(13), time(17)))
CALENDARS: dict[str, tuple[tuple[tuple[time, time], ...], ...] | None] = {
    "office": (_OFFICE,) * 5 + ((), ()),
    "extended": (((time(7), time(19)),),) * 5 + (((time(9), time(13)),), ()),
    "always": None,
}

# Targets in business minutes, as in qbr.toml ([tiers.*]).
TIERS: dict[str, dict[str, tuple[str, float, float]]] = {  # prio: (calendar, resp, resol)
    "gold": {"P1": ("always", 15, 240), "P2": ("office", 60, 480),
             "P3": ("office", 240, 1440), "P4": ("office", 480, 2880)},
    "silver": {"P1": ("extended", 30, 480), "P2": ("office", 120, 960),
               "P3": ("office", 480, 2400), "P4": ("office", 960, 4800)},
    "bronze": {"P1": ("office", 60, 960), "P2": ("office", 240, 1920),
               "P3": ("office", 960, 4800), "P4": ("office", 1440, 9600)},
}


@dataclass(frozen=True)
class Clock:
    """Business time of one calendar in one zone (opening hours are local wall time)."""

    calendar: str
    tz: ZoneInfo
    holidays: frozenset[date]

    def _open(self, day: date) -> tuple[tuple[time, time], ...]:
        week = CALENDARS[self.calendar]
        assert week is not None
        if day in self.holidays or day in CLOSED_DAYS:
            return ()
        return week[day.weekday()]

    def _spans(self, start: datetime):
        """Open ``[a, b)`` UTC spans from ``start`` on, in order."""
        day = start.astimezone(self.tz).date()
        while True:
            for t0, t1 in self._open(day):
                a = datetime.combine(day, t0, self.tz).astimezone(UTC)
                b = datetime.combine(day, t1, self.tz).astimezone(UTC)
                if b > start:
                    yield max(a, start), b
            day += timedelta(days=1)

    def advance(self, start: datetime, minutes: float) -> datetime:
        """The instant ``minutes`` business minutes after ``start`` (24x7: real time)."""
        if CALENDARS[self.calendar] is None or minutes <= 0:
            return start + timedelta(minutes=max(minutes, 0))
        left = timedelta(minutes=minutes)
        for a, b in self._spans(start):
            if left <= b - a:
                return a + left
            left -= b - a
        raise AssertionError("unreachable")

    def between(self, start: datetime, end: datetime) -> float:
        """Business minutes in ``[start, end)``."""
        if CALENDARS[self.calendar] is None:
            return max((end - start).total_seconds(), 0) / 60
        total = 0.0
        for a, b in self._spans(start):
            if a >= end:
                break
            total += (min(b, end) - a).total_seconds()
        return total / 60


# ----------------------------------------------------------------------------- clients


@dataclass(frozen=True)
class ClientSpec:
    key: str
    name: str
    tier: str
    tz: str
    holidays: tuple[str, str | None]
    system: str  # "psa" or "de"
    lang: str  # title language
    per_month: float  # tickets a month
    names: tuple[tuple[str, int], ...]  # company names used in the export, with weights
    prefix: str  # asset tag prefix
    flavour: tuple[tuple[str, str, str, str], ...]  # (prio, category, queue, title)
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    season: dict[int, float] = field(default_factory=dict)  # month -> volume factor
    weekend: float = 0.12


CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec(
        "brauhaus-mueller", "Brauhaus Müller GmbH & Co. KG", "gold", "Europe/Berlin",
        ("DE", "BY"), "de", "de", 55,
        (("Brauhaus Müller GmbH & Co. KG", 92), ("Brauhaus Mueller", 5),
         ("BRAUHAUS MÜLLER GMBH", 3)), "BM",
        (("P1", "ERP/Warenwirtschaft", "2nd Level", "SAP Business One nicht erreichbar"),
         ("P1", "Netzwerk & VPN", "Netzwerk", "Abfüllung: Netzwerk komplett ausgefallen"),
         ("P2", "Produktion", "2nd Level", "Brauanlage: Visualisierung (WinCC) startet nicht"),
         ("P2", "Drucker", "Außendienst", "Etikettendrucker Abfüllung offline"),
         ("P2", "Kasse", "2nd Level", "Kassensystem Bräustüberl: Kartenzahlung geht nicht"),
         ("P3", "ERP/Warenwirtschaft", "2nd Level", "SAP Business One: Belegdruck hängt"),
         ("P3", "Drucker", "1st Level", "Lieferscheindrucker im Lager zieht schief ein"),
         ("P3", "Kasse", "1st Level", "Bräustüberl: Bondrucker druckt leere Bons"),
         ("P3", "Software", "1st Level", "Brauereisoftware: Sudprotokoll lässt sich "
                                         "nicht exportieren"),
         ("P4", "Hardware", "Außendienst", "Tablet für Bierausfahrer Tour {n} tauschen")),
        {"floor": ("EG", "1. OG", "2. OG", "Lager", "Sudhaus", "Büro Vertrieb"),
         "share": ("Vertrieb", "Buchhaltung", "Qualitätssicherung", "Marketing"),
         "app": ("SAP Business One", "DATEV", "Brautool", "Teams", "Excel")},
        {8: 1.2, 9: 1.3, 12: 1.15},
    ),
    ClientSpec(
        "kanzlei-hofmann", "Kanzlei Hofmann & Partner mbB", "silver", "Europe/Berlin",
        ("DE", "BY"), "de", "de", 20,
        (("Kanzlei Hofmann & Partner mbB", 95), ("Hofmann & Partner", 5)), "KH",
        (("P1", "Software", "2nd Level", "beA nicht erreichbar – Fristsache heute"),
         ("P2", "Software", "2nd Level", "DATEV Anwalt classic startet nicht"),
         ("P2", "Hardware", "1st Level", "beA-Karte wird nicht erkannt"),
         ("P3", "Software", "1st Level", "RA-MICRO Update schlägt fehl"),
         ("P3", "Hardware", "1st Level", "Diktiersoftware: Fußschalter reagiert nicht"),
         ("P3", "Drucker", "1st Level", "Scanner Sekretariat: Scan-to-Ordner defekt"),
         ("P4", "Benutzer & Berechtigungen", "1st Level",
          "Zugriff auf Akte „{case}“ für {name}")),
        {"floor": ("EG", "1. OG", "2. OG", "Sekretariat", "Besprechungsraum"),
         "share": ("Akten", "Buchhaltung", "Vorlagen"),
         "app": ("RA-MICRO", "DATEV", "Word", "Outlook", "Dragon Legal"),
         "case": ("Müller ./. Schmidt", "Gruber GmbH", "Nachlass Weiß", "Bäcker ./. Stadt")},
    ),
    ClientSpec(
        "alpenblick-hotels", "Alpenblick Hotels GmbH", "gold", "Europe/Vienna", ("AT", None),
        "psa", "de", 40,
        (("Alpenblick Hotels GmbH", 96), ("alpenblick hotels gmbh", 4)), "AH",
        (("P1", "Hotel Systems", "2nd Line", "Buchungssystem (protel) hängt – Check-in "
                                             "nicht möglich"),
         ("P1", "Hotel Systems", "2nd Line", "Kassensystem im Restaurant offline"),
         ("P2", "Hotel Systems", "Service Desk", "Schlüsselkarten-Encoder reagiert nicht"),
         ("P2", "Network & VPN", "Infrastructure", "WLAN im Wellnessbereich fällt aus"),
         ("P3", "Network & VPN", "Service Desk", "WLAN in Zimmer {room} langsam"),
         ("P3", "Hotel Systems", "Service Desk", "Rezeption: Kartendrucker für "
                                                 "Zimmerkarten defekt"),
         ("P3", "Hotel Systems", "Service Desk", "Channel Manager: Buchungen von Booking.com "
                                                 "kommen doppelt"),
         ("P4", "Hotel Systems", "Service Desk", "TV-Senderliste Zimmer {room} neu sortieren")),
        {"floor": ("EG", "1. OG", "2. OG", "Rezeption", "Küche", "Spa"),
         "room": ("104", "212", "215", "308", "Suite 401"),
         "share": ("Rezeption", "Buchhaltung", "Marketing"),
         "app": ("protel", "Outlook", "Teams", "BMD", "Excel")},
        {12: 1.3, 1: 1.35, 2: 1.3, 3: 1.1, 7: 1.15, 8: 1.2, 11: 0.75, 4: 0.85}, weekend=0.55,
    ),
    ClientSpec(
        "hudson-freight", "Hudson Valley Freight Inc.", "gold", "America/New_York",
        ("US", "NY"), "psa", "en", 45,
        (("Hudson Valley Freight Inc.", 90), ("HUDSON VALLEY FREIGHT INC.", 4),
         ("Hudson Valley Freight", 6)), "HVF",
        (("P1", "Line of Business", "2nd Line", "TMS down – dispatch cannot book loads"),
         ("P2", "Line of Business", "2nd Line", "Dispatch board not updating"),
         ("P2", "Printing", "Service Desk", "Label printer in warehouse {n} offline"),
         ("P3", "Line of Business", "2nd Line", "TMS integration errors with carrier EDI"),
         ("P3", "Hardware", "Service Desk", "Handheld scanner {n} won't charge"),
         ("P3", "Mobile", "Service Desk", "Driver tablet app logs out every shift"),
         ("P4", "Hardware", "Service Desk", "Replace dock door tablet {n}")),
        {"floor": ("2nd", "3rd", "warehouse", "dispatch"),
         "share": ("Dispatch", "Billing", "HR"),
         "app": ("McLeod", "QuickBooks", "Teams", "Excel", "Samsara")},
        {11: 1.1, 12: 1.15}, weekend=0.25,
    ),
    ClientSpec(
        "harbor-dental", "Harbor Dental Group, LLC", "silver", "America/New_York",
        ("US", "NY"), "psa", "en", 22,
        (("Harbor Dental Group, LLC", 96), ("Harbor Dental Group,\u00a0LLC", 4)), "HDG",
        (("P1", "Line of Business", "2nd Line", "Dentrix server unreachable – front desk "
                                               "cannot check in patients"),
         ("P2", "Line of Business", "2nd Line", "Dentrix won't open in operatory {n}"),
         ("P2", "Hardware", "Service Desk", "X-ray sensor not detected in operatory {n}"),
         ("P3", "Line of Business", "Service Desk", "Insurance eligibility portal login fails"),
         ("P3", "Telephony", "Service Desk", "Patient reminder texts not sending"),
         ("P4", "Hardware", "Service Desk", "Second monitor for hygienist station {n}")),
        {"floor": ("front desk", "back office", "2nd"),
         "share": ("Billing", "Imaging", "Admin"),
         "app": ("Dentrix", "Eaglesoft", "Outlook", "Adobe Acrobat", "Excel")},
    ),
    ClientSpec(
        "thames-wren", "Thames & Wren Architects Ltd", "silver", "Europe/London",
        ("GB", "ENG"), "psa", "en", 25,
        (("Thames & Wren Architects Ltd", 94), ("Thames and Wren Architects", 6)), "TW",
        (("P1", "Line of Business", "2nd Line", "Revit licence server down – nobody can "
                                               "open models"),
         ("P2", "Printing", "Service Desk", "Plotter queue stuck – drawings due at 4pm"),
         ("P3", "Software", "Service Desk", "AutoCAD crashes when saving to {share}"),
         ("P3", "Software", "Service Desk", "Enscape render fails on {asset}"),
         ("P3", "Backup & Storage", "2nd Line", "Restore previous version of {share} model"),
         ("P4", "Software", "Service Desk", "Install Rhino 8 for {name}")),
        {"floor": ("ground", "1st", "2nd", "studio"),
         "share": ("Projects", "Archive", "Admin", "Library"),
         "app": ("Revit", "AutoCAD", "Outlook", "Bluebeam", "Rhino")},
        {8: 0.8},
    ),
    ClientSpec(
        "greenleaf-garden", "Greenleaf Garden Centres Ltd", "bronze", "Europe/London",
        ("GB", "ENG"), "psa", "en", 10,
        (("Greenleaf Garden Centres Ltd", 100),), "GL",
        (("P1", "Point of Sale", "2nd Line", "All tills offline – cannot take payments"),
         ("P2", "Point of Sale", "Service Desk", "Till {n} can't take card payments"),
         ("P3", "Point of Sale", "Service Desk", "EPOS not syncing stock to web shop"),
         ("P3", "Printing", "Service Desk", "Price label printer at {floor} smudging"),
         ("P4", "Hardware", "Service Desk", "New barcode scanner for till {n}")),
        {"floor": ("the garden shop", "the café", "the warehouse", "head office"),
         "share": ("Shop", "Accounts"), "app": ("EPOS Now", "Xero", "Outlook", "Shopify")},
        {3: 1.4, 4: 1.5, 5: 1.5, 6: 1.3, 11: 0.8, 1: 0.7}, weekend=0.6,
    ),
    ClientSpec(
        "spree-analytics", "Spree Analytics GmbH", "bronze", "Europe/Berlin", ("DE", "BE"),
        "psa", "en", 12,
        (("Spree Analytics GmbH", 100),), "SA",
        (("P1", "Network & VPN", "Infrastructure", "VPN gateway down – remote team cannot "
                                                  "connect"),
         ("P2", "Accounts & Access", "Service Desk", "GitHub SSO broken for the data team"),
         ("P3", "Software", "Service Desk", "Jupyter server out of disk space"),
         ("P3", "Email & Collaboration", "Service Desk", "Slack notifications not arriving "
                                                        "on {asset}"),
         ("P4", "Hardware", "Service Desk", "Order 4K monitor for {name}")),
        {"floor": ("3rd", "4th", "kitchen"), "share": ("Data", "Finance"),
         "app": ("Slack", "PyCharm", "Docker Desktop", "Tableau", "Chrome")},
    ),
    ClientSpec(
        "lakeshore-realty", "Lakeshore Realty LLC", "bronze", "America/Chicago",
        ("US", "IL"), "psa", "en", 9,
        (("Lakeshore Realty LLC", 100),), "LR",
        (("P1", "Network & VPN", "Infrastructure", "Website and listings portal down"),
         ("P2", "Line of Business", "Service Desk", "MLS portal login fails for all agents"),
         ("P3", "Software", "Service Desk", "DocuSign envelopes stuck in 'sending'"),
         ("P4", "Hardware", "Service Desk", "Set up iPad for open houses ({name})")),
        {"floor": ("front office", "2nd"), "share": ("Listings", "Closings"),
         "app": ("DocuSign", "Outlook", "Dotloop", "Excel")},
        {4: 1.2, 5: 1.3, 6: 1.3, 12: 0.8},
    ),
)
CLIENT = {c.key: c for c in CLIENTS}
EX_CLIENT = "Bayside Property Management"  # left in 2025; its rows are "unassigned"

# ------------------------------------------------------------------------------ titles
# (priority, category, queue, title); "{…}" placeholders are filled per client.
EN_TITLES = (
    ("P1", "Email & Collaboration", "2nd Line", "Email down for the whole office"),
    ("P1", "Network & VPN", "Infrastructure", "No internet at {site} – all users offline"),
    ("P1", "Servers & Storage", "Infrastructure", "File server not responding"),
    ("P1", "Security", "Security", "Ransomware alert on {asset} – machine isolated"),
    ("P1", "Accounts & Access", "2nd Line", "All users locked out of Microsoft 365"),
    ("P2", "Network & VPN", "Infrastructure", "VPN drops every 10 minutes"),
    ("P2", "Servers & Storage", "2nd Line", "Shared drive {share} very slow for everyone"),
    ("P2", "Network & VPN", "Infrastructure", "Wi-Fi down on the {floor} floor"),
    ("P2", "Email & Collaboration", "Service Desk", "Outlook not connecting for several users"),
    ("P2", "Security", "Security", "Suspicious email reported by {name} – link was clicked"),
    ("P2", "Backup & Storage", "2nd Line", "Backup job failed two nights running on {server}"),
    ("P2", "Telephony", "Service Desk", "Teams calls dropping after 30 seconds"),
    ("P3", "Email & Collaboration", "Service Desk", "Outlook keeps asking for password"),
    ("P3", "Email & Collaboration", "Service Desk", "Shared mailbox {mbx} not showing in "
                                                    "Outlook"),
    ("P3", "Email & Collaboration", "Service Desk", "Calendar invites not syncing on iPhone"),
    ("P3", "Email & Collaboration", "Service Desk", "Can't send attachments larger than 10 MB"),
    ("P3", "Email & Collaboration", "Service Desk", "Out-of-office not working for {name}"),
    ("P3", "Network & VPN", "Service Desk", "VPN connects but no access to {share} drive"),
    ("P3", "Network & VPN", "Service Desk", "Network port in meeting room {n} dead"),
    ("P3", "Hardware", "Service Desk", "Laptop won't boot – {name}"),
    ("P3", "Hardware", "Service Desk", "Docking station not detecting second monitor"),
    ("P3", "Hardware", "Service Desk", "Blue screen on {asset} after update"),
    ("P3", "Hardware", "Service Desk", "Battery swelling on laptop {asset}"),
    ("P3", "Printing", "Service Desk", "Printer on {floor} floor jamming"),
    ("P3", "Printing", "Service Desk", "Scan to email not working on {printer}"),
    ("P3", "Printing", "Service Desk", "Cannot print from {app}"),
    ("P3", "Accounts & Access", "Service Desk", "Account locked out: {name}"),
    ("P3", "Accounts & Access", "Service Desk", "MFA reset – new phone ({name})"),
    ("P3", "Software", "Service Desk", "{app} crashes on startup"),
    ("P3", "Software", "Service Desk", "Excel freezes when opening large files"),
    ("P3", "Software", "Service Desk", "Adobe Acrobat keeps asking to sign in"),
    ("P3", "Backup & Storage", "Service Desk", "OneDrive not syncing for {name}"),
    ("P3", "Backup & Storage", "2nd Line", "Restore deleted folder from {share}"),
    ("P3", "Security", "Security", "Defender alert on {asset}"),
    ("P3", "Security", "Service Desk", "Phishing email reported by {name}"),
    ("P3", "Telephony", "Service Desk", "Desk phone has no dial tone ({name})"),
    ("P3", "Telephony", "Service Desk", "Voicemail to email not working"),
    ("P4", "Accounts & Access", "Service Desk", "Password reset for {name}"),
    ("P4", "Accounts & Access", "Service Desk", "Access to {share} share for {name}"),
    ("P4", "Onboarding", "Service Desk", "New starter: laptop and accounts for {name}"),
    ("P4", "Onboarding", "Service Desk", "Leaver: disable accounts for {name}"),
    ("P4", "Software", "Service Desk", "Install {app} for {name}"),
    ("P4", "Software", "Service Desk", "{app} licence renewal"),
    ("P4", "Hardware", "Service Desk", "Keyboard and mouse replacement for {name}"),
    ("P4", "Email & Collaboration", "Service Desk", "Add {name} to the {mbx} distribution "
                                                    "list"),
    ("P4", "Telephony", "Service Desk", "Change call forwarding for reception"),
)
DE_TITLES = (
    ("P1", "E-Mail", "2nd Level", "E-Mail-Versand für alle ausgefallen"),
    ("P1", "Netzwerk & VPN", "Netzwerk", "Kein Internet am Standort {site}"),
    ("P1", "Server & Speicher", "2nd Level", "Dateiserver reagiert nicht"),
    ("P2", "Netzwerk & VPN", "Netzwerk", "VPN bricht alle 10 Minuten ab"),
    ("P2", "Server & Speicher", "2nd Level", "Laufwerk „{share}“ extrem langsam"),
    ("P2", "Netzwerk & VPN", "Netzwerk", "WLAN im {floor} ausgefallen"),
    ("P2", "Sicherheit", "2nd Level", "Verdächtige Mail – {name} hat auf den Link geklickt"),
    ("P2", "Datensicherung", "2nd Level", "Datensicherung auf {server} zweimal fehlgeschlagen"),
    ("P3", "E-Mail", "1st Level", "Outlook fragt ständig nach dem Passwort"),
    ("P3", "E-Mail", "1st Level", "Postfach „{mbx}“ wird in Outlook nicht angezeigt"),
    ("P3", "E-Mail", "1st Level", "Kalender synchronisiert nicht aufs Diensthandy"),
    ("P3", "E-Mail", "1st Level", "Abwesenheitsnotiz für {name} funktioniert nicht"),
    ("P3", "Netzwerk & VPN", "1st Level", "VPN verbunden, aber kein Zugriff auf Laufwerk "
                                          "„{share}“"),
    ("P3", "Hardware", "1st Level", "Laptop startet nicht – {name}"),
    ("P3", "Hardware", "Außendienst", "Dockingstation erkennt zweiten Monitor nicht"),
    ("P3", "Hardware", "1st Level", "Bluescreen auf {asset} nach Update"),
    ("P3", "Drucker", "Außendienst", "Drucker im {floor} druckt nicht"),
    ("P3", "Drucker", "1st Level", "Scan-to-Mail am {printer} funktioniert nicht"),
    ("P3", "Benutzer & Berechtigungen", "1st Level", "Konto gesperrt: {name}"),
    ("P3", "Benutzer & Berechtigungen", "1st Level", "MFA zurücksetzen – neues Handy "
                                                     "({name})"),
    ("P3", "Software", "1st Level", "{app} stürzt beim Start ab"),
    ("P3", "Software", "1st Level", "Excel friert beim Öffnen großer Dateien ein"),
    ("P3", "Datensicherung", "1st Level", "Gelöschten Ordner aus „{share}“ wiederherstellen"),
    ("P3", "Sicherheit", "1st Level", "Phishing-Mail gemeldet von {name}"),
    ("P3", "Telefonie", "1st Level", "Tischtelefon ohne Freizeichen ({name})"),
    ("P4", "Benutzer & Berechtigungen", "1st Level", "Passwort zurücksetzen für {name}"),
    ("P4", "Benutzer & Berechtigungen", "1st Level", "Zugriff auf Laufwerk „{share}“ für "
                                                     "{name}"),
    ("P4", "On-/Offboarding", "1st Level", "Neuer Mitarbeiter: Laptop und Zugänge für {name}"),
    ("P4", "On-/Offboarding", "1st Level", "Austritt: Konten von {name} deaktivieren"),
    ("P4", "Software", "1st Level", "{app} für {name} installieren"),
    ("P4", "Software", "1st Level", "Lizenzverlängerung {app} – Angebot über {eur} € prüfen"),
    ("P4", "Hardware", "Außendienst", "Tastatur und Maus für {name} tauschen"),
    ("P4", "Telefonie", "1st Level", "Rufumleitung Zentrale ändern"),
)
EN_NAMES = ("J. Carter", "M. Nguyen", "S. Patel", "R. O'Brien", "K. Johnson", "L. Garcia",
            "D. Smith", "A. Kowalski", "T. Williams", "E. Davies", "H. Evans", "C. Hughes",
            "P. Wright", "N. Thompson", "J. Weber", "F. Okafor", "G. Rossi", "B. Chen")
DE_NAMES = ("J. Weber", "A. Schneider", "M. Fischer", "S. Huber", "T. Wagner", "K. Becker",
            "L. Hoffmann", "C. Schäfer", "R. Koch", "B. Bauer", "F. Richter", "E. Krüger",
            "P. Schröder", "H. Neumann", "M. Zimmermann", "U. Weiß", "Fr. Huber", "Hr. Maier",
            "G. Köhler", "D. Brandl", "V. Gruber", "W. Pichler", "I. Steiner", "O. Moser")
PSA_TECHS = ("Anna Keller", "Tom Becker", "Priya Shah", "Lukas Brandt", "Sophie Wagner",
             "Daniel Ortiz", "Emma Clarke", "Jonas Richter")
DE_TECHS = ("M. Huber", "S. Lechner", "F. Maier", "K. Wimmer", "A. Obermeier")

# Export vocabulary per system: internal code -> exported status; priority labels.
STATUS_LABELS = {
    "psa": {"new": "Open", "progress": "In Progress", "wait_c": "Waiting on Customer",
            "wait_v": "Waiting on Vendor", "resolved": "Resolved", "closed": "Closed",
            "dup": "Duplicate"},
    "de": {"new": "Neu", "progress": "In Bearbeitung", "wait_c": "Warten auf Kunde",
           "wait_v": "Warten auf Lieferant", "resolved": "Gelöst", "closed": "Geschlossen"},
}
PRIORITY_LABELS = {
    "psa": {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Medium", "P4": "4 - Low"},
    "de": {"P1": "1 - Kritisch", "P2": "2 - Hoch", "P3": "3 - Mittel", "P4": "4 - Niedrig"},
}

# ----------------------------------------------------------------------------- tickets


@dataclass
class Ticket:
    client: str  # config key, or "" for the ex-client
    company: str  # the name as exported
    system: str
    prio: str  # P1..P4, or the raw exported label when unmapped
    title: str
    category: str
    queue: str
    events: list[tuple[datetime, str]]  # (instant, status code), in order
    first_response: datetime | None = None
    resolved: datetime | None = None
    closed: datetime | None = None
    tech: str = ""
    tag: str = ""  # hard case name (README), "" for ordinary tickets
    ticket_id: str = ""

    @property
    def created(self) -> datetime:
        return self.events[0][0]


def clock_for(spec: ClientSpec, prio: str) -> Clock:
    calendar = TIERS[spec.tier][prio][0]
    hol = frozenset(date.fromisoformat(d) for d in HOLIDAYS[spec.holidays])
    return Clock(calendar, ZoneInfo(spec.tz), hol)


def quarter_of(spec: ClientSpec, instant: datetime) -> str:
    local = instant.astimezone(ZoneInfo(spec.tz))
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def lifecycle(created: datetime, clock: Clock, resp: float, work: float,
              pauses: list[tuple[float, float, str]], rng: random.Random
              ) -> tuple[list[tuple[datetime, str]], datetime, datetime]:
    """Events of a ticket answered after ``resp`` and resolved after ``work`` business
    minutes of running time (``work >= resp``). A pause ``(at, wall_minutes, kind)``
    starts ``at`` running business minutes after creation and lasts wall-clock minutes,
    so the resolution clock (which stops during pauses) reads exactly ``work``."""
    events = [(created, "new")]
    t_resp = clock.advance(created, resp)
    if work > resp:
        events.append((t_resp, "progress"))
    cursor, used = t_resp, resp
    for at, wall, kind in sorted(pauses):
        start = clock.advance(cursor, at - used)
        end = start + timedelta(minutes=wall)
        events += [(start, kind), (end, "progress")]
        cursor, used = end, at
    resolved = clock.advance(cursor, work - used)
    events.append((resolved, "resolved"))
    if rng.random() < 0.55:  # auto-close 3 days after resolution, by a 15-minute job
        closed = resolved + timedelta(days=3)
        closed += timedelta(minutes=15 - closed.minute % 15, seconds=-closed.second)
    else:  # the customer confirms, or an agent closes it, 1-5 days later in office hours
        closed = office_hours(resolved + timedelta(minutes=rng.uniform(1440, 5 * 1440)),
                              clock.tz, rng)
    events.append((closed, "closed"))
    return events, t_resp, resolved


def office_hours(instant: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """``instant``, or the next weekday morning if it falls outside 08:00-18:00 local."""
    local = instant.astimezone(tz)
    if local.weekday() < 5 and 8 <= local.hour < 18:
        return instant
    day = local.date() + timedelta(days=0 if local.hour < 8 else 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    morning = datetime.combine(day, time(8), tz) + timedelta(seconds=rng.randint(0, 10800))
    return morning.astimezone(UTC)


def draw_efforts(rng: random.Random, tier: str, prio: str, miss_resp: bool,
                 miss_res: bool) -> tuple[float, float]:
    """(response, resolution) business minutes, met or breached as asked."""
    _, t_resp, t_res = TIERS[tier][prio]
    if miss_resp:
        resp = t_resp * (1.1 + rng.expovariate(1 / 0.7))
    else:
        resp = max(1.0, t_resp * min(0.97, rng.betavariate(1.3, 4.5)))
    if prio in ("P3", "P4") and rng.random() < 0.12:
        return resp, resp  # fixed on first contact
    if miss_res:
        res = max(t_res * (1.08 + rng.expovariate(1 / 0.6)), resp + 20)
    else:
        res = resp + (t_res - resp) * min(0.97, rng.betavariate(1.5, 3.0))
        res = max(res, resp + 5) if resp + 5 < t_res else resp
    return resp, res


def draw_pauses(rng: random.Random, resp: float, res: float) -> list[tuple[float, float, str]]:
    """About 20 % of tickets wait on the customer or a vendor, some of them twice."""
    if res - resp < 10 or rng.random() >= 0.24:
        return []
    count = 2 if rng.random() < 0.22 else 1
    offsets = sorted(rng.uniform(resp + 1, res - 1) for _ in range(count))
    pauses = []
    for at in offsets:
        kind = "wait_c" if rng.random() < 0.75 else "wait_v"
        median = 240 if kind == "wait_c" else 1200
        wall = min(rng.lognormvariate(math.log(median), 1.0), 6 * 1440)
        pauses.append((at, max(wall, 15.0), kind))
    return pauses


# Probability that an ordinary ticket breaches (response, resolution). P1 breaches are
# scripted hard cases only, so that P1 breaches stay few and are documented.
BREACH = {"P1": (0.0, 0.0), "P2": (0.004, 0.006), "P3": (0.012, 0.018),
          "P4": (0.008, 0.012)}
# A bad quarter: (client, quarter) -> factor on the breach rates.
BAD_QUARTERS = {("thames-wren", "2026Q3"): 2.0, ("harbor-dental", "2025Q4"): 3.0,
                ("greenleaf-garden", "2026Q2"): 2.5, ("hudson-freight", "2026Q3"): 0.0}
PRIORITY_MIX = (("P1", 3), ("P2", 12), ("P3", 55), ("P4", 30))


def day_weights(spec: ClientSpec) -> tuple[list[date], list[float]]:
    tz_hol = frozenset(date.fromisoformat(d) for d in HOLIDAYS[spec.holidays])
    days, weights = [], []
    day, n_days = FIRST_DAY, (LAST_DAY - FIRST_DAY).days
    while day <= LAST_DAY:
        w = 1.0
        if day.weekday() >= 5 or day in tz_hol:
            w = spec.weekend * (0.6 if day.weekday() == 6 else 1.0)
        w *= spec.season.get(day.month, 1.0)
        w *= 0.92 + 0.16 * (day - FIRST_DAY).days / n_days  # the client grows
        days.append(day)
        weights.append(w)
        day += timedelta(days=1)
    return days, weights


def draw_created(rng: random.Random, spec: ClientSpec, day: date, prio: str,
                 business_day: bool) -> datetime:
    """A local creation time: office hours mostly, P1s and weekends spread wider."""
    r = rng.random()
    if not business_day or (prio == "P1" and r < 0.35):
        hours = rng.uniform(7, 23) if r > 0.1 else rng.uniform(0, 7)
    elif r < 0.86:
        hours = rng.gauss(9.6, 1.3) if rng.random() < 0.55 else rng.gauss(14.2, 1.6)
        hours = min(max(hours, 6.8), 18.5)
    elif r < 0.96:
        hours = rng.uniform(17.5, 23.5)
    else:
        hours = rng.uniform(0, 7)
    seconds = int(hours * 3600) if spec.system == "psa" else int(hours * 60) * 60
    naive = datetime.combine(day, time()) + timedelta(seconds=seconds)
    return naive.replace(tzinfo=ZoneInfo(spec.tz)).astimezone(UTC)


def fill(rng: random.Random, spec: ClientSpec, title: str) -> str:
    names = DE_NAMES if spec.lang == "de" else EN_NAMES
    p = spec.places
    values = {
        "name": rng.choice(names), "n": str(rng.randint(1, 12)),
        "asset": f"{spec.prefix}-{rng.choice(['LT', 'PC', 'NB'])}-{rng.randint(1, 260):04d}",
        "site": rng.choice(("Hauptsitz", "Lager", "Filiale") if spec.lang == "de"
                           else ("head office", "the warehouse", "the branch")),
        "server": f"{spec.prefix}-SRV0{rng.randint(1, 4)}",
        "printer": f"{spec.prefix}-PRN{rng.randint(1, 9):02d}",
        "mbx": rng.choice(("info", "accounts", "bookings", "sales", "support")),
        "eur": f"{rng.randint(4, 60) * 50:,}".replace(",", "."),
        "floor": rng.choice(p.get("floor", ("1st",))), "room": rng.choice(p.get("room", ("1",))),
        "share": rng.choice(p.get("share", ("Shared",))), "app": rng.choice(p.get("app", ("",))),
        "case": rng.choice(p.get("case", ("",))),
    }
    return title.format(**values)


def pick_title(rng: random.Random, spec: ClientSpec, prio: str) -> tuple[str, str, str]:
    pool = [t for t in (DE_TITLES if spec.lang == "de" else EN_TITLES) if t[0] == prio]
    own = [t for t in spec.flavour if t[0] == prio]
    # Client-specific titles are a quarter of the mix (more for P1: the outages they fear).
    share = 0.6 if prio == "P1" else 0.25
    _, category, queue, title = rng.choice(own if own and rng.random() < share else pool)
    if spec.lang == "de" and spec.system == "psa":  # Austrian client: English categories
        category = {"Netzwerk & VPN": "Network & VPN", "E-Mail": "Email & Collaboration",
                    "Drucker": "Printing", "Datensicherung": "Backup & Storage",
                    "Sicherheit": "Security", "Telefonie": "Telephony",
                    "Server & Speicher": "Servers & Storage",
                    "Benutzer & Berechtigungen": "Accounts & Access",
                    "On-/Offboarding": "Onboarding"}.get(category, category)
        queue = {"1st Level": "Service Desk", "2nd Level": "2nd Line",
                 "Netzwerk": "Infrastructure", "Außendienst": "Field Service"}.get(queue, queue)
    return category, queue, fill(rng, spec, title)


def ordinary_tickets(rng: random.Random, spec: ClientSpec) -> list[Ticket]:
    days, weights = day_weights(spec)
    total = round(spec.per_month * 15 * rng.uniform(0.95, 1.05))
    hol = frozenset(date.fromisoformat(d) for d in HOLIDAYS[spec.holidays])
    tickets = []
    for day in sorted(rng.choices(days, weights, k=total)):
        prio = rng.choices([p for p, _ in PRIORITY_MIX], [w for _, w in PRIORITY_MIX])[0]
        business = day.weekday() < 5 and day not in hol
        created = draw_created(rng, spec, day, prio, business)
        bad = BAD_QUARTERS.get((spec.key, quarter_of(spec, created)), 1.0)
        p_resp, p_res = BREACH[prio]
        resp, res = draw_efforts(rng, spec.tier, prio, rng.random() < p_resp * bad,
                                 rng.random() < p_res * bad)
        pauses = draw_pauses(rng, resp, res)
        events, t_resp, t_res = lifecycle(created, clock_for(spec, prio), resp, res, pauses,
                                          rng)
        category, queue, title = pick_title(rng, spec, prio)
        tickets.append(Ticket(spec.key, rng.choices(*zip(*spec.names, strict=True))[0],
                              spec.system, prio, title, category, queue, events, t_resp,
                              t_res, events[-1][0], tech=pick_tech(rng, spec)))
    return tickets


def pick_tech(rng: random.Random, spec: ClientSpec) -> str:
    return rng.choice(DE_TECHS if spec.system == "de" else PSA_TECHS)


# -------------------------------------------------------------------------- hard cases


def at(spec: ClientSpec, text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` local to the client (first occurrence), or ISO with ``Z``."""
    if text.endswith("Z"):
        return datetime.fromisoformat(text)
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(spec.tz)).astimezone(UTC)


def scripted(key: str, tag: str, prio: str, title: str, category: str, queue: str,
             steps: list[tuple[str, str]], company: str = "", rng: random.Random | None = None,
             first_response: str | None = "auto") -> Ticket:
    """A hand-written ticket: ``steps`` are (time, status code), the first one "new"."""
    spec = CLIENT.get(key)
    tz_spec = spec or CLIENT["hudson-freight"]  # the ex-client sat in New York too
    events = [(at(tz_spec, t), code) for t, code in steps]
    codes = [c for _, c in events]
    resolved = next((t for t, c in reversed(events) if c == "resolved"), None)
    closed = next((t for t, c in reversed(events) if c == "closed"), None)
    if first_response == "auto":
        fr = next((t for t, c in events[1:] if c != "closed"), None)
    else:
        fr = at(tz_spec, first_response) if first_response else None
    assert codes[0] == "new"
    system = spec.system if spec else "psa"
    return Ticket(key if spec else "", company or (spec.name if spec else EX_CLIENT), system,
                  prio, title, category, queue, events, fr, resolved, closed,
                  tech=pick_tech(rng, tz_spec) if rng else "", tag=tag)


def generated(rng: random.Random, key: str, tag: str, prio: str, created_local: str,
              title: str, category: str, queue: str, *, miss: tuple[bool, bool] = (False, False),
              pauses: list[tuple[float, float, str]] | None = None) -> Ticket:
    """A hard case at a chosen time whose answer times follow the SLA calendar."""
    spec = CLIENT[key]
    created = at(spec, created_local)
    resp, res = draw_efforts(rng, spec.tier, prio, *miss)
    # Pauses are given as (running minutes after the response, wall minutes, kind).
    shifted = [(resp + o, wall, kind) for o, wall, kind in pauses or []]
    if shifted:
        res = max(res, shifted[-1][0] + 60)
    events, t_resp, t_res = lifecycle(created, clock_for(spec, prio), resp, res, shifted, rng)
    return Ticket(key, spec.name, spec.system, prio, title, category, queue, events,
                  t_resp, t_res, events[-1][0], tech=pick_tech(rng, spec), tag=tag)


def hard_cases(rng: random.Random) -> list[Ticket]:
    g = generated
    t: list[Ticket] = []
    # Opened at night / at the weekend: office-hours tickets wait for the next morning.
    t.append(g(rng, "brauhaus-mueller", "night", "P3", "2026-07-14 22:47",
               "Outlook fragt ständig nach dem Passwort", "E-Mail", "1st Level"))
    t.append(g(rng, "hudson-freight", "night", "P3", "2026-08-05 02:13",
               "Handheld scanner 7 won't charge", "Hardware", "Service Desk"))
    t.append(g(rng, "thames-wren", "weekend", "P3", "2026-08-22 10:05",
               "AutoCAD crashes when saving to Projects", "Software", "Service Desk"))
    t.append(g(rng, "kanzlei-hofmann", "weekend", "P2", "2026-09-13 16:20",
               "DATEV Anwalt classic startet nicht", "Software", "2nd Level"))
    # 24x7 P1 at night (gold): answered within minutes, at 03:10 on a Sunday.
    t.append(g(rng, "hudson-freight", "p1-night-24x7", "P1", "2026-07-26 03:10",
               "TMS down – dispatch cannot book loads", "Line of Business", "2nd Line"))
    # Public holidays (the SLA clock of office-hours calendars does not run on them).
    for key, day, title, cat, queue in (
        ("brauhaus-mueller", "2025-08-15 09:30", "Drucker im 2. OG druckt nicht", "Drucker",
         "Außendienst"),
        ("brauhaus-mueller", "2025-10-03 11:05", "VPN bricht alle 10 Minuten ab",
         "Netzwerk & VPN", "1st Level"),
        ("kanzlei-hofmann", "2025-12-26 10:40", "Scanner Sekretariat: Scan-to-Ordner defekt",
         "Drucker", "1st Level"),
        ("brauhaus-mueller", "2026-01-06 08:45", "Zugriff auf Laufwerk „Vertrieb“ für "
         "Fr. Huber", "Benutzer & Berechtigungen", "1st Level"),
        ("spree-analytics", "2026-01-06 10:00", "Jupyter server out of disk space", "Software",
         "Service Desk"),
        ("kanzlei-hofmann", "2026-04-03 09:15", "beA-Karte wird nicht erkannt", "Hardware",
         "1st Level"),
        ("alpenblick-hotels", "2026-04-06 07:50", "Schlüsselkarten-Encoder reagiert nicht",
         "Hotel Systems", "Service Desk"),
        ("alpenblick-hotels", "2025-12-08 18:30", "WLAN in Zimmer 212 langsam",
         "Network & VPN", "Service Desk"),
        ("brauhaus-mueller", "2026-05-14 10:20", "Etikettendrucker Abfüllung offline",
         "Drucker", "Außendienst"),
        ("brauhaus-mueller", "2026-06-04 13:10", "Kassensystem Bräustüberl: Kartenzahlung "
         "geht nicht", "Kasse", "2nd Level"),
        ("hudson-freight", "2025-07-04 11:25", "Dispatch board not updating",
         "Line of Business", "2nd Line"),
        ("harbor-dental", "2025-11-27 09:05", "Patient reminder texts not sending",
         "Telephony", "Service Desk"),
        ("thames-wren", "2025-08-25 14:30", "Plotter queue stuck – drawings due tomorrow",
         "Printing", "Service Desk"),
        ("lakeshore-realty", "2026-03-02 09:40", "MLS portal login fails for all agents",
         "Line of Business", "Service Desk"),
    ):
        prio = "P2" if "Dispatch" in title or "MLS" in title or "Kasse" in title else "P3"
        t.append(g(rng, key, "holiday", prio, day, title, cat, queue))
    # DST: a 24x7 P1 across the October change, with naive times in the repeated hour.
    # German export: created "26.10.2025 02:25" and answered "02:38" (first occurrence,
    # CEST), resolved "03:50" (CET): 145 real minutes, 85 on the wall clock.
    t.append(scripted("brauhaus-mueller", "dst-eu", "P1",
                      "Abfüllung: Netzwerk komplett ausgefallen", "Netzwerk & VPN", "Netzwerk",
                      [("2025-10-26T00:25:00Z", "new"), ("2025-10-26T00:38:00Z", "progress"),
                       ("2025-10-26T02:50:00Z", "resolved"),
                       ("2025-10-29T08:00:00Z", "closed")], rng=rng))
    t.append(g(rng, "brauhaus-mueller", "dst-eu", "P3", "2025-10-24 16:30",
               "Dockingstation erkennt zweiten Monitor nicht", "Hardware", "Außendienst"))
    # US change on 2025-11-02: 00:40 EDT -> 03:50 EST is 250 real minutes (target 240:
    # breached), 190 on the wall clock (which would wrongly look met).
    t.append(scripted("hudson-freight", "dst-us", "P1", "Firewall offline – all sites down",
                      "Network & VPN", "Infrastructure",
                      [("2025-11-02T04:40:00Z", "new"), ("2025-11-02T04:51:12Z", "progress"),
                       ("2025-11-02T08:50:00Z", "resolved"),
                       ("2025-11-05T09:00:00Z", "closed")], rng=rng))
    t.append(g(rng, "harbor-dental", "dst-us", "P3", "2025-10-31 16:30",
               "Dentrix won't open in operatory 3", "Line of Business", "2nd Line"))
    # Breached P1 (gold, 24x7): answered after 47 min (target 15), fixed after 7.5 h (240).
    t.append(scripted("brauhaus-mueller", "p1-breach", "P1",
                      "SAP Business One nicht erreichbar – Lager kann nicht buchen",
                      "ERP/Warenwirtschaft", "2nd Level",
                      [("2026-08-20 14:05", "new"), ("2026-08-20 14:52", "progress"),
                       ("2026-08-20 21:35", "resolved"), ("2026-08-24 09:10", "closed")],
                      rng=rng))
    t.append(scripted("greenleaf-garden", "p1-breach", "P1",
                      "All tills offline – cannot take payments", "Point of Sale", "2nd Line",
                      [("2026-03-19 09:12", "new"), ("2026-03-19 09:40", "progress"),
                       ("2026-03-23 11:30", "resolved"), ("2026-03-26 11:45", "closed")],
                      rng=rng))
    t.append(scripted("harbor-dental", "p1-breach", "P1",
                      "Dentrix server unreachable – front desk cannot check in patients",
                      "Line of Business", "2nd Line",
                      [("2025-09-16 07:58", "new"), ("2025-09-16 08:12", "progress"),
                       ("2025-09-16 09:30", "wait_v"), ("2025-09-16 11:05", "progress"),
                       ("2025-09-16 18:45", "resolved"), ("2025-09-19 19:00", "closed")],
                      rng=rng))
    # A bad quarter: Thames & Wren in August 2026 (their account engineer had left).
    for day, prio, title, cat, queue in (
        ("2026-08-03 09:40", "P3", "AutoCAD crashes when saving to Archive", "Software",
         "Service Desk"),
        ("2026-08-05 14:10", "P3", "Bluebeam licence not activating on TW-LT-0088",
         "Software", "Service Desk"),
        ("2026-08-11 10:25", "P2", "Plotter queue stuck – drawings due at 4pm", "Printing",
         "Service Desk"),
        ("2026-08-12 11:05", "P3", "VPN connects but no access to Projects drive",
         "Network & VPN", "Service Desk"),
        ("2026-08-19 15:30", "P3", "Restore deleted folder from Library", "Backup & Storage",
         "2nd Line"),
        ("2026-08-26 08:55", "P3", "Outlook keeps asking for password",
         "Email & Collaboration", "Service Desk"),
    ):
        t.append(g(rng, "thames-wren", "bad-quarter", prio, day, title, cat, queue,
                   miss=(prio == "P2", True)))
    # Paused twice: on the customer, then on the customer again / on a vendor.
    t.append(g(rng, "thames-wren", "paused-twice", "P3", "2026-07-08 10:20",
               "Restore previous version of Library model", "Backup & Storage", "2nd Line",
               pauses=[(60, 300, "wait_c"), (150, 1500, "wait_c")]))
    t.append(g(rng, "brauhaus-mueller", "paused-twice", "P3", "2026-08-03 09:12",
               "Scan-to-Mail am BM-PRN04 funktioniert nicht", "Drucker", "1st Level",
               pauses=[(45, 200, "wait_c"), (130, 2900, "wait_v")]))
    # Only a close time: no first response, no resolution (misdirected mail, closed).
    t.append(scripted("greenleaf-garden", "close-only", "P4",
                      "Re: Your invoice INV-2291 is ready", "Admin", "Service Desk",
                      [("2026-08-11 11:02", "new"), ("2026-08-11 11:27", "closed")],
                      first_response=None, rng=rng))
    t.append(scripted("kanzlei-hofmann", "close-only", "P4",
                      "AW: AW: Termin Wartung – doppelt, siehe vorheriges Ticket", "Sonstiges",
                      "1st Level",
                      [("2026-07-22 08:31", "new"), ("2026-07-22 08:40", "closed")],
                      first_response=None, rng=rng))
    # Unmapped priority: "5 - Planning" -> accepted but unclassified.
    ticket = g(rng, "hudson-freight", "unmapped-priority", "P4", "2026-07-20 10:00",
               "Plan Windows 11 rollout for warehouse PCs", "Projects", "Projects")
    t.append(replace(ticket, prio="5 - Planning"))
    # Hostile titles: must come out as text in PDF and XLSX.
    t.append(g(rng, "lakeshore-realty", "hostile-title", "P3", "2026-08-18 13:14",
               '<img src="file:///etc/passwd">', "Software", "Service Desk"))
    t.append(g(rng, "harbor-dental", "hostile-title", "P3", "2026-09-02 10:41",
               '=HYPERLINK("http://evil.example","click")', "Software", "Service Desk"))
    t.append(g(rng, "thames-wren", "hostile-title", "P4", "2026-07-29 15:05",
               "+44 20 7946 0958 – please call back about the phone system", "Telephony",
               "Service Desk"))
    t.append(g(rng, "spree-analytics", "hostile-title", "P4", "2026-09-09 11:30",
               "@Priya can you check the Tableau licence?", "Software", "Service Desk"))
    # Quarter by the client's zone: UTC says Q4 / Q2, the client's clock says Q3.
    t.append(g(rng, "harbor-dental", "quarter-by-zone", "P3", "2026-09-30 21:30",
               "Insurance eligibility portal login fails", "Line of Business", "Service Desk"))
    t.append(g(rng, "brauhaus-mueller", "quarter-by-zone", "P3", "2026-07-01 00:40",
               "Kalender synchronisiert nicht aufs Diensthandy", "E-Mail", "1st Level"))
    # Still open at the quarter end (and at the export): no resolved/closed time.
    t += open_tickets(rng)
    # The ex-client: its rows must end as "unassigned".
    for i, (day, title) in enumerate((("2025-07-08 09:20", "Transfer domain to new provider"),
                                      ("2025-07-15 14:02", "Export mailboxes before "
                                                           "contract end"),
                                      ("2025-08-04 10:30", "Collect leased laptops"),
                                      ("2025-08-29 16:45", "Final backup handover"))):
        t.append(scripted("", "ex-client", "P3" if i % 2 else "P4", title, "Offboarding",
                          "Service Desk", [(day, "new"), (shift(day, 50), "progress"),
                                           (shift(day, 1500), "resolved"),
                                           (shift(day, 5820), "closed")], company=EX_CLIENT,
                          rng=rng))
    return t


def contract_cases() -> list[Ticket]:
    """SPEC §3a cases with fixed ids, appended after the ordinary rows (they draw nothing
    from the random stream, so every other row stays as it was)."""
    s = scripted
    reopened = s("brauhaus-mueller", "reopened", "P3", "Etikettendrucker Abfüllung druckt "
                 "wieder leer", "Drucker", "1st Level",
                 [("2026-08-10 09:00", "new"), ("2026-08-10 09:20", "progress"),
                  ("2026-08-10 11:00", "resolved"), ("2026-08-11 10:30", "progress"),
                  ("2026-08-11 15:00", "resolved"), ("2026-08-14 10:00", "closed")])
    # Reopened and not resolved again: the PSA clears the resolved time on a reopen.
    still_open = s("hudson-freight", "reopened", "P2", "Dock door scanner drops Wi-Fi again",
                   "Hardware", "Service Desk",
                   [("2026-09-21 09:00", "new"), ("2026-09-21 09:30", "progress"),
                    ("2026-09-21 14:00", "resolved"), ("2026-09-23 09:00", "progress")])
    duplicate = s("lakeshore-realty", "excluded-status", "P4", "Printer offline in the "
                  "Evanston office", "Hardware", "Service Desk",
                  [("2026-08-12 10:00", "new"), ("2026-08-12 10:20", "dup")],
                  first_response=None)
    project = s("kanzlei-hofmann", "excluded-category", "P3", "Umzug Kanzlei: neue "
                "Arbeitsplätze 3. OG einrichten", "Projektarbeit", "2nd Level",
                [("2026-07-20 09:00", "new"), ("2026-07-20 09:30", "progress"),
                 ("2026-07-24 16:00", "resolved"), ("2026-07-27 10:00", "closed")])
    out = [reopened, replace(still_open, resolved=None), duplicate, project]
    for t, ticket_id in zip(out, ("2026-000990", "T-104990", "T-104991", "2026-000991"),
                            strict=True):
        t.ticket_id = ticket_id
    return out


def shift(local: str, minutes: int) -> str:
    return (datetime.fromisoformat(local) + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")


def open_tickets(rng: random.Random) -> list[Ticket]:
    """Created in the last days of 2026Q3 and unresolved when the exports were pulled."""
    s = scripted
    return [
        s("brauhaus-mueller", "open-at-quarter-end", "P3",
          "Brauereisoftware: Sudprotokoll lässt sich nicht exportieren", "Software",
          "1st Level", [("2026-09-28 10:14", "new"), ("2026-09-28 11:02", "progress"),
                        ("2026-09-29 09:30", "wait_v")], rng=rng),
        s("kanzlei-hofmann", "open-at-quarter-end", "P3", "RA-MICRO Update schlägt fehl",
          "Software", "1st Level", [("2026-09-29 15:40", "new"),
                                    ("2026-09-30 08:20", "progress")], rng=rng),
        s("hudson-freight", "open-at-quarter-end", "P2", "TMS integration errors with carrier "
          "EDI", "Line of Business", "2nd Line",
          [("2026-09-30 16:05", "new"), ("2026-09-30 16:31", "progress"),
           ("2026-10-01 10:00", "wait_c"), ("2026-10-02 09:15", "progress")], rng=rng),
        s("thames-wren", "open-at-quarter-end", "P3", "Enscape render fails on TW-PC-0117",
          "Software", "Service Desk", [("2026-09-29 11:20", "new"),
                                       ("2026-09-29 13:45", "progress"),
                                       ("2026-09-30 10:00", "wait_c")], rng=rng),
        s("spree-analytics", "open-at-quarter-end", "P4", "Order 4K monitor for G. Rossi",
          "Hardware", "Service Desk", [("2026-09-30 16:40", "new")], rng=rng),
        s("alpenblick-hotels", "open-at-quarter-end", "P3", "Channel Manager: Buchungen von "
          "Booking.com kommen doppelt", "Hotel Systems", "Service Desk",
          [("2026-09-27 19:05", "new"), ("2026-09-28 08:10", "progress"),
           ("2026-09-28 09:00", "wait_c")], rng=rng),
    ]


# ------------------------------------------------------------------------------ export


def truncate(t: Ticket, cutoff: datetime) -> Ticket:
    """The ticket as an export pulled at ``cutoff`` shows it."""
    events = [(when, code) for when, code in t.events if when <= cutoff]

    def seen(x: datetime | None) -> datetime | None:
        return x if x is not None and x <= cutoff else None

    return replace(t, events=events, first_response=seen(t.first_response),
                   resolved=seen(t.resolved), closed=seen(t.closed))


# Berlin's repeated hour on 2025-10-26 is 00:00-01:00Z (CEST) and 01:00-02:00Z (CET). A
# naive export time in it reads as the first occurrence (SPEC §2), so the generator never
# puts a German-export instant into the second one: it moves to 02:00Z (03:00 CET).
_REPEATED = (datetime(2025, 10, 26, 1, tzinfo=UTC), datetime(2025, 10, 26, 2, tzinfo=UTC))


def unambiguous(t: Ticket) -> Ticket:
    def fix(x: datetime | None) -> datetime | None:
        return _REPEATED[1] if x is not None and _REPEATED[0] <= x < _REPEATED[1] else x

    return replace(t, events=[(fix(w), c) for w, c in t.events],
                   first_response=fix(t.first_response), resolved=fix(t.resolved),
                   closed=fix(t.closed))


def fmt(system: str, x: datetime | None) -> str:
    if x is None:
        return ""
    if system == "de":
        return x.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")
    return x.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_row(t: Ticket) -> list[str]:
    s = t.system
    prio = PRIORITY_LABELS[s].get(t.prio, t.prio)
    status = STATUS_LABELS[s][t.events[-1][1]]
    times = [fmt(s, x) for x in (t.created, t.first_response, t.resolved, t.closed,
                                 t.events[-1][0])]
    if s == "de":
        return [t.ticket_id, t.company, prio, t.title, *times, status, t.category, t.queue]
    tech = t.tech if len(t.events) > 1 else ""
    return [t.ticket_id, t.company, t.title, prio, status, t.category, t.queue, tech, *times]


PSA_HEADER = ["Ticket ID", "Client", "Summary", "Priority", "Status", "Category", "Team",
              "Technician", "Date Opened", "First Response", "Date Resolved", "Date Closed",
              "Last Updated"]
DE_HEADER = ["Ticketnummer", "Kunde", "Priorität", "Betreff", "Erstellt am", "Erste Reaktion",
             "Gelöst am", "Geschlossen am", "Letzte Änderung", "Status", "Kategorie",
             "Gruppe"]


def history_rows(t: Ticket) -> list[list[str]]:
    labels = STATUS_LABELS[t.system]
    rows, previous = [], ""
    for when, code in t.events:
        auto_close = code == "closed" and when.minute % 15 == 0 and when.second == 0
        who = "" if code == "new" else "System" if auto_close else t.tech or "System"
        if t.system == "de":
            rows.append([t.ticket_id, fmt("de", when), labels[code], who])
        else:
            rows.append([t.ticket_id, fmt("psa", when), previous, labels[code], who])
        previous = labels[code]
    return rows


def assign_ids(rng: random.Random, tickets: list[Ticket]) -> None:
    """PSA: one running number with gaps (other boards use it too); German system:
    ``YYYY-NNNNNN`` restarting each calendar year."""
    psa, de_seq = 100417, {2025: 4102, 2026: 0}
    for t in sorted(tickets, key=lambda t: (t.created, t.client, t.title)):
        if t.system == "psa":
            psa += rng.choice((1, 1, 1, 2, 3))
            t.ticket_id = f"T-{psa}"
        else:
            year = t.created.astimezone(ZoneInfo("Europe/Berlin")).year
            de_seq[year] += rng.choice((1, 1, 2))
            t.ticket_id = f"{year}-{de_seq[year]:06d}"


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",",
              encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def ticket_files(rng: random.Random, tickets: list[Ticket], out: Path,
                 extra: list[Ticket]) -> None:
    for system, name, hist_name in (("psa", "psa_tickets.csv", "psa_status_history.csv"),
                                    ("de", "tickets_de.csv", "statusverlauf_de.csv")):
        mine = sorted((t for t in tickets if t.system == system),
                      key=lambda t: (t.created, t.ticket_id))
        rows = [ticket_row(t) for t in mine]
        rows = with_overlaps(rng, mine, rows, system)
        late = [t for t in extra if t.system == system]
        rows += [ticket_row(t) for t in late]  # appended: earlier rows keep their numbers
        history = [r for t in sorted(mine + late, key=lambda t: t.ticket_id)
                   for r in history_rows(t)]
        if system == "psa":
            write_csv(out / name, PSA_HEADER, rows)
            write_csv(out / hist_name, ["Ticket ID", "Changed At", "Old Status", "New Status",
                                        "Changed By"], history)
        else:
            write_csv(out / name, DE_HEADER, rows, delimiter=";", encoding="cp1252")
            write_csv(out / hist_name, ["Ticketnummer", "Zeitpunkt", "Status", "Bearbeiter"],
                      history, delimiter=";", encoding="cp1252")


def with_overlaps(rng: random.Random, tickets: list[Ticket], rows: list[list[str]],
                  system: str) -> list[list[str]]:
    """Overlapping exports: a few tickets appear again as an older snapshot (earlier
    "Last Updated"), and one row is repeated verbatim."""
    done = [i for i, t in enumerate(tickets) if t.tag == "" and t.closed is not None
            and len(t.events) >= 4 and t.created.month in (2, 3)]
    picks = sorted(rng.sample(done, 3 if system == "psa" else 1))
    out = list(rows)
    for n, i in enumerate(picks):
        t = tickets[i]
        snapshot = truncate(t, t.events[1][0] + (t.events[2][0] - t.events[1][0]) / 2)
        t.tag = "superseded"
        stale = ticket_row(snapshot)
        if n == 0:  # the stale copy comes first (the later row is the newer one)
            out.insert(out.index(rows[i]), stale)
        else:  # the stale copy comes last: only "Last Updated" tells which one wins
            out.append(stale)
    if system == "psa":
        i = next(i for i in done[len(done) // 2:] if i not in picks)
        tickets[i].tag = "duplicate-row"
        out.insert(out.index(rows[i]) + 1, list(rows[i]))
    return out


# --------------------------------------------------------------------------- monitoring
# (client, monitor, critical, kind, monitored from (local), aliases)
MONITORS = (
    ("brauhaus-mueller", "bm-fw-01", True, "firewall", None, ("FortiGate-BM-01",)),
    ("brauhaus-mueller", "bm-erp", True, "erp", None, ()),
    ("brauhaus-mueller", "bm-mail", True, "mail", None, ()),
    ("brauhaus-mueller", "bm-vpn-gw", True, "vpn", None, ()),
    ("brauhaus-mueller", "bm-webshop", False, "web", None, ()),
    ("kanzlei-hofmann", "kh-fw", True, "firewall", None, ()),
    ("kanzlei-hofmann", "kh-dms", True, "erp", None, ()),
    ("kanzlei-hofmann", "kh-printsrv", False, "server", None, ()),
    ("alpenblick-hotels", "ah-fw-ibk", True, "firewall", None, ()),
    ("alpenblick-hotels", "ah-pms", True, "erp", None, ()),
    ("alpenblick-hotels", "ah-pos", True, "pos", None, ()),
    ("alpenblick-hotels", "ah-wlan-ctrl", False, "wifi", None, ()),
    ("hudson-freight", "hvf-fw", True, "firewall", None, ()),
    ("hudson-freight", "hvf-tms", True, "erp", None, ()),
    ("hudson-freight", "hvf-vpn-gw", True, "vpn", "2026-02-16 00:00", ()),
    ("hudson-freight", "hvf-mail", False, "mail", None, ()),
    ("harbor-dental", "hd-fw", True, "firewall", None, ()),
    ("harbor-dental", "hd-pms-db", True, "erp", None, ()),
    ("harbor-dental", "hd-phones", False, "voip", None, ()),
    ("thames-wren", "tw-fw", True, "firewall", None, ()),
    ("thames-wren", "tw-fileserver", True, "server", None, ()),
    ("thames-wren", "tw-licence", False, "server", None, ()),
    ("greenleaf-garden", "gl-fw", True, "firewall", None, ()),
    ("greenleaf-garden", "gl-epos", True, "pos", None, ()),
    ("greenleaf-garden", "gl-mail", False, "mail", None, ()),
    ("spree-analytics", "sa-vpn-gw", True, "vpn", None, ()),
    ("spree-analytics", "sa-gitlab", False, "server", None, ()),
    ("lakeshore-realty", "lr-fw", True, "firewall", None, ()),
    ("lakeshore-realty", "lr-nas", False, "server", None, ()),
)
SHORT_REASONS = {
    "firewall": ("Link flap on WAN interface", "ISP packet loss", "HA failover", ""),
    "vpn": ("Tunnel renegotiation failed", "ISP packet loss", ""),
    "mail": ("Microsoft 365 service incident", "Mail relay queue stuck", ""),
    "erp": ("Service hung – restarted", "Database log disk full", ""),
    "web": ("Hosting provider maintenance overran", "PHP-FPM crashed", ""),
    "server": ("Service hung – restarted", "Windows update reboot", ""),
    "pos": ("Payment terminal gateway timeout", "Store switch rebooted", ""),
    "wifi": ("Controller rebooted", "AP firmware push", ""),
    "voip": ("SIP trunk registration lost", "Carrier incident", ""),
}
LONG_REASONS = ("ISP fibre cut", "Power supply failure", "Certificate expired",
                "UPS battery failure during power cut", "Hypervisor host crashed",
                "RAID controller failure", "Upstream provider DNS outage")


def quarter_bounds(spec: ClientSpec, q: str) -> tuple[datetime, datetime]:
    year, n = int(q[:4]), int(q[-1])
    tz = ZoneInfo(spec.tz)
    start = datetime(year, 3 * n - 2, 1, tzinfo=tz)
    end = datetime(year + (n == 4), 1 if n == 4 else 3 * n + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def random_outages(rng: random.Random) -> list[tuple[str, datetime, datetime | None, str]]:
    """A handful per client and quarter: mostly minutes, now and then an hour or two."""
    rows = []
    for key, monitor, critical, kind, since, aliases in MONITORS:
        spec = CLIENT[key]
        begin = at(spec, since) if since else None
        for q in QUARTERS:
            lo, hi = quarter_bounds(spec, q)
            lo = max(lo, begin) if begin else lo
            if hi <= lo:
                continue
            count = rng.choices((0, 1, 2, 3), (3, 4, 2, 1) if critical else (2, 3, 3, 2))[0]
            for _ in range(count):
                start = lo + (hi - lo) * rng.uniform(0.02, 0.97)
                start = start.replace(second=0, microsecond=0)
                if rng.random() < 0.08:
                    minutes, reason = rng.uniform(50, 110), rng.choice(LONG_REASONS)
                else:
                    minutes = min(rng.lognormvariate(math.log(9), 0.8), 45)
                    reason = rng.choice(SHORT_REASONS[kind])
                end = start + timedelta(minutes=max(2, round(minutes)))
                name = aliases[0] if aliases and rng.random() < 0.3 else monitor
                rows.append((name, start, end, reason))
    return rows


def z(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Designed outages (UTC): credits, quarter boundaries, overlaps, maintenance.
SCRIPTED_OUTAGES = (
    # 2026Q3 credit: Alpenblick's firewall down 7 h 45 min -> critical uptime < 99.9 %.
    ("ah-fw-ibk", z("2026-08-12T06:05:00Z"), z("2026-08-12T13:50:00Z"), "ISP fibre cut"),
    # 2025Q4 credit: Hudson's TMS down 5 h.
    ("hvf-tms", z("2025-12-09T14:20:00Z"), z("2025-12-09T19:20:00Z"), "Power supply failure"),
    # Guarantee missed without a credit (silver, one monitor of two): certificate expiry.
    ("kh-dms", z("2026-02-09T06:00:00Z"), z("2026-02-09T17:10:00Z"), "Certificate expired"),
    # Crosses the quarter boundary in Berlin: 23:30 CEST 30 Jun -> 03:30 1 Jul.
    ("kh-fw", z("2026-06-30T21:30:00Z"), z("2026-07-01T01:30:00Z"),
     "ISP maintenance overran (not announced)"),
    # Crosses midnight UTC into October, but is 19:35-20:20 EDT on 30 Sep: all in Q3.
    ("hvf-fw", z("2026-09-30T23:35:00Z"), z("2026-10-01T00:20:00Z"),
     "Upstream provider BGP flap"),
    # Overlapping rows on one monitor (two checks alerted): the union counts, 130 min.
    ("gl-mail", z("2026-08-04T09:10:00Z"), z("2026-08-04T10:40:00Z"), "Mail relay queue stuck"),
    ("gl-mail", z("2026-08-04T10:05:00Z"), z("2026-08-04T11:20:00Z"),
     "Mail relay queue stuck (IMAP check)"),
    # One outage inside another: 60 min in all.
    ("tw-fileserver", z("2026-07-15T12:00:00Z"), z("2026-07-15T13:00:00Z"),
     "Storage controller failover"),
    ("tw-fileserver", z("2026-07-15T12:20:00Z"), z("2026-07-15T12:35:00Z"), ""),
    # Inside Brauhaus' patch window (Sun 19 Jul 02:00-04:00 CEST): not downtime.
    ("bm-erp", z("2026-07-19T00:12:00Z"), z("2026-07-19T01:05:00Z"),
     "Server reboot after patching"),
    # Starts inside the patch window of Sun 16 Aug, ends after it: 35 of 55 min count.
    ("bm-erp", z("2026-08-16T01:40:00Z"), z("2026-08-16T02:35:00Z"),
     "SAP service failed to start after patching"),
    # Inside a monitor-only window (firmware upgrade), Alpenblick.
    ("ah-fw-ibk", z("2026-09-06T20:05:00Z"), z("2026-09-06T20:50:00Z"),
     "Firmware upgrade reboot"),
    # Still down at the export: no end.
    ("sa-gitlab", z("2026-09-30T20:15:00Z"), None, "Disk full on runner host – RMA pending"),
    # The ex-client's firewall: unassigned.
    ("bayside-fw", z("2025-07-22T13:05:00Z"), z("2025-07-22T13:40:00Z"), "ISP packet loss"),
)


def outage_rows(rng: random.Random) -> list[list[str]]:
    rows = random_outages(rng) + list(SCRIPTED_OUTAGES)
    rows.sort(key=lambda r: (r[1], r[0]))
    out = []
    for monitor, start, end, reason in rows:
        duration = "" if end is None else str(round((end - start).total_seconds() / 60))
        out.append([monitor, fmt("psa", start), fmt("psa", end), duration, reason])
    return out


def patch_sundays() -> list[date]:
    """The Sunday after each month's Patch Tuesday (second Tuesday)."""
    days = []
    for year, month in [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 10)]:
        first = date(year, month, 1)
        tuesday = first + timedelta(days=(1 - first.weekday()) % 7 + 7)
        days.append(tuesday + timedelta(days=5))
    return days


def local_iso(spec: ClientSpec, day: date, hh: int, mm: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(spec.tz)).isoformat()


def maintenance_rows() -> list[list[str]]:
    """Monthly patch windows per client (Sun 02:00-04:00 local) plus monitor windows.
    Times carry the client's local offset."""
    rows = []
    for spec in CLIENTS:
        for day in patch_sundays():
            rows.append((local_iso(spec, day, 2), spec.names[0][0], "", local_iso(spec, day, 4),
                         "Monthly patch window"))
    for key, monitor, day, t0, t1, reason in (
        ("alpenblick-hotels", "ah-fw-ibk", date(2026, 9, 6), (22, 0), (23, 30),
         "FortiOS upgrade 7.4.4"),
        ("hudson-freight", "hvf-tms", date(2026, 3, 14), (20, 0), (23, 0),
         "TMS version upgrade (vendor)"),
        ("kanzlei-hofmann", "kh-dms", date(2025, 11, 22), (9, 0), (13, 0),
         "DMS-Migration auf neuen Server"),
    ):
        spec = CLIENT[key]
        rows.append((local_iso(spec, day, *t0), "", monitor, local_iso(spec, day, *t1), reason))
    rows.sort(key=lambda r: (datetime.fromisoformat(r[0]), r[1], r[2]))
    return [[client, monitor, start, end, reason]
            for start, client, monitor, end, reason in rows]


# ---------------------------------------------------------------------------- generate


def build_tickets(rng: random.Random) -> list[Ticket]:
    tickets = [t for spec in CLIENTS for t in ordinary_tickets(rng, spec)]
    tickets += hard_cases(rng)
    tickets = [t for t in tickets if t.created <= EXPORT_AT]
    tickets = [truncate(t, EXPORT_AT) for t in tickets]
    return [unambiguous(t) if t.system == "de" else t for t in tickets]


def generate(out_dir: str | Path) -> dict[str, list[str]]:
    """Write every export into ``out_dir``; return hard case -> ticket ids."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    tickets = build_tickets(rng)
    assign_ids(rng, tickets)
    extra = [unambiguous(t) if t.system == "de" else t for t in contract_cases()]
    ticket_files(rng, tickets, out, extra)
    tickets += extra
    write_csv(out / "outages.csv", ["Monitor", "Outage Start", "Outage End", "Duration (min)",
                                    "Reason"], outage_rows(rng))
    write_csv(out / "maintenance.csv", ["Client", "Monitor", "Start", "End", "Reason"],
              maintenance_rows())
    cases: dict[str, list[str]] = {}
    for t in sorted(tickets, key=lambda t: t.ticket_id):
        if t.tag:
            cases.setdefault(t.tag, []).append(t.ticket_id)
    return cases


if __name__ == "__main__":
    found = generate(Path(__file__).resolve().parent / "exports")
    for tag, ids in sorted(found.items()):
        print(f"{tag}: {', '.join(ids)}", file=sys.stderr)
