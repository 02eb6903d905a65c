"""``qbr init``: from unknown exports to a first config that ``qbr validate`` accepts and
``qbr metrics``/``qbr report`` run on (README "qbr init").

For each ``--from`` file it detects the shape (:mod:`qbr.initdetect`), prints what it
found (encoding, delimiter, header row, preset, each priority and status value with its
count, the top client values), proposes a date format that reads every row and writes a
commented TOML: one source per file, a default tier and calendar to edit, and the top
client (or monitor) values as clients. Questions go through an :class:`Asker`; with
``--yes`` every question takes its default, and a day-first/month-first ambiguity stops
with a message naming both formats (a wrong guess would swap day and month silently).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qbr.config import parse_config
from qbr.errors import UsageError
from qbr.initdetect import DATE_FIELDS, FileProfile, ambiguous, date_options, profile
from qbr.model import CANONICAL_STATUSES

TOP_CLIENTS = 5
PRIORITY_KEYS = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class Asker:
    """How questions are answered: ``choose(question, options) → index`` and
    ``text(question, default) → answer``; ``assume_yes`` takes every default."""

    choose: Callable[[str, Sequence[str]], int]
    text: Callable[[str, str], str]
    assume_yes: bool = False


def defaults_asker() -> Asker:
    return Asker(choose=lambda q, o: 0, text=lambda q, d: d, assume_yes=True)


def run_init(files: Sequence[Path], out: Path, ask: Asker,
             say: Callable[[str], None]) -> str:
    """Profile ``files``, ask what cannot be detected, and return the TOML text (the
    caller writes it to ``out``). Raises :class:`UsageError` on an unresolved question."""
    if not files:
        raise UsageError("give at least one export with --from FILE")
    profiles = [profile(f) for f in files]
    timezone = ask.text("Time zone of the exports' naive timestamps (IANA name)", "UTC")
    sources = []
    for prof in profiles:
        for line in describe(prof):
            say(line)
        sources.append(_source(prof, out, ask, say))
    text = render(profiles, sources, timezone)
    # What we write must load: a config error here is our bug, not the user's.
    parse_config(_toml(text), out.resolve().parent, str(out))
    return text


def describe(prof: FileProfile) -> list[str]:
    """The lines ``qbr init`` prints for one file."""
    lines = [f"{prof.path}: encoding {prof.encoding}, delimiter {prof.delimiter!r}, "
             f"header on row {prof.header_row}, {len(prof.rows)} data rows",
             f"  preset: {prof.preset.name if prof.preset else 'none (columns guessed)'}; "
             f"kind = {prof.kind!r}"]
    if prof.header_row != 1:
        lines.append(f"  note: the header is on row {prof.header_row}; remove the lines "
                     "above it if qbr validate reports a missing column")
    for name in ("priority", "status", "activity", "state"):
        counts = prof.counts(name)
        if counts:
            listed = ", ".join(f"{v!r} {n}" for v, n in counts.most_common())
            lines.append(f"  {name} ({prof.columns[name]!r}): {listed}")
    for name in ("client", "monitor"):
        counts = prof.counts(name)
        if counts:
            listed = ", ".join(f"{v!r} {n}" for v, n in counts.most_common(10))
            lines.append(f"  top {name} values ({prof.columns[name]!r}, {len(counts)} "
                         f"distinct): {listed}")
    return lines


def _source(prof: FileProfile, out: Path, ask: Asker, say: Callable[[str], None]
            ) -> dict[str, object]:
    formats = _date_format(prof, ask, say)
    # A file outside the config's folder is written absolute, never as ../../.. (README
    # "Paths in messages": messages show the path as the config has it).
    relative = os.path.relpath(prof.path.resolve(), out.resolve().parent)
    return {"formats": formats, "path": prof.path.resolve().as_posix()
            if relative.startswith("..") else Path(relative).as_posix()}


def _date_format(prof: FileProfile, ask: Asker, say: Callable[[str], None]) -> list[str]:
    values = [v for name in DATE_FIELDS for v in prof.values(name)]
    if not values:
        return list(prof.preset.table.get("date_format", [])) if prof.preset else []
    options = date_options(values)
    if not options:
        raise UsageError(f"{prof.path}: no known date format reads every value of the date "
                         f"columns (e.g. {values[0]!r}); write date_format yourself")
    if len(options) > 1 and ambiguous(options):
        shown = [" + ".join(o) for o in options]
        example = next(v for v in values if "/" in v or "-" in v)
        if ask.assume_yes:
            raise UsageError(f"{prof.path}: the dates could be day-first or month-first "
                             f"(e.g. {example!r}): {' or '.join(repr(s) for s in shown)}; "
                             "run qbr init without --yes to choose, or set date_format")
        choice = ask.choose(f"Dates such as {example!r} read either way. Which order?",
                            shown)
        say(f"  date format: {shown[choice]}")
        return list(options[choice])
    say(f"  date format: {' + '.join(options[0])} (reads every value)")
    return list(options[0])


# ------------------------------------------------------------------------ TOML


def _q(text: str) -> str:
    """A TOML basic string (JSON escaping is valid TOML for these)."""
    return json.dumps(text, ensure_ascii=False)


def _key(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60]
    return slug if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug or "") else "client"


def _toml(text: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads(text)


def render(profiles: Sequence[FileProfile], sources: Sequence[dict[str, object]],
           timezone: str) -> str:
    """The commented config for ``profiles`` (see module docstring)."""
    out = ["# Written by qbr init. Edit the tier, the calendar and the clients, then run",
           "#   qbr validate --config <this file>",
           "", "[msp]", 'name = "My MSP"                   # shown on every pack',
           f"timezone = {_q(timezone)}          # naive export timestamps are read here", "",
           "# Business hours the SLA clock runs in (edit, or use the 24x7 calendar below).",
           "[calendars.office]",
           'hours = { "mon" = ["08:00-18:00"], "tue" = ["08:00-18:00"], '
           '"wed" = ["08:00-18:00"], "thu" = ["08:00-18:00"], "fri" = ["08:00-18:00"] }',
           "", "[calendars.always]", 'type = "24x7"', "",
           "# A default tier: targets in business minutes per priority. Edit to your contract.",
           "[tiers.standard]", 'calendar = "office"',
           "response_minutes = { P1 = 30, P2 = 120, P3 = 480, P4 = 960 }",
           "resolution_minutes = { P1 = 480, P2 = 1440, P3 = 4800, P4 = 9600 }",
           'pause_statuses = ["pause", "waiting_customer", "waiting_vendor"]',
           "objective_pct = 90", "uptime_guarantee_pct = 99.5",
           "credits = [{ below = 99.5, pct = 5 }]", ""]
    clients: dict[str, tuple[str, list[str]]] = {}
    for prof in profiles:
        if prof.kind in ("uptime_states", "checks"):
            key = _key(prof.path.stem)
            clients.setdefault(key, (prof.path.stem, []))[1].extend(
                v for v, _ in prof.counts("monitor").most_common())
        else:
            for value, _ in prof.counts("client").most_common(TOP_CLIENTS):
                clients.setdefault(_key(value), (value, []))
    if not clients:
        clients["my-client"] = ("My client", [])
    out.append("# The top client values of the exports; rows of other values are counted "
               "as unassigned by qbr validate. Add `aliases` for other spellings.")
    for key, (name, monitors) in clients.items():
        out += [f"[clients.{key}]", f"name = {_q(name)}", 'tier = "standard"',
                f"timezone = {_q(timezone)}", "fee = 0                          "
                "# per quarter, for service credits", 'currency = "EUR"']
        if monitors:
            out.append("monitors = [")
            out += [f"  {{ monitor = {_q(m)}, critical = true }}," for m in
                    dict.fromkeys(monitors)]
            out.append("]")
        out.append("")
    for prof, source in zip(profiles, sources, strict=True):
        out += _source_lines(prof, source)
    return "\n".join(out) + "\n"


def _source_lines(prof: FileProfile, source: dict[str, object]) -> list[str]:
    name = _key(prof.path.stem)
    lines = [f"[sources.{name}]"]
    if prof.preset is not None:
        lines.append(f"preset = {_q(prof.preset.name)}   # README \"Supported exports\"")
    else:
        lines.append(f"kind = {_q(prof.kind)}")
    lines.append(f"path = {_q(str(source['path']))}")
    if prof.encoding not in ("utf-8-sig", "utf-8"):
        lines.append(f"encoding = {_q(prof.encoding)}")
    if prof.delimiter != ",":
        lines.append(f"delimiter = {_q(prof.delimiter)}")
    formats = source["formats"]
    assert isinstance(formats, list)
    if formats:
        lines.append("date_format = [" + ", ".join(_q(f) for f in formats) + "]")
    preset_cols = dict(prof.preset.table.get("columns", {})) if prof.preset else {}
    cols = {k: v for k, v in prof.columns.items() if preset_cols.get(k) != v}
    cols |= {k: "" for k in preset_cols if k not in prof.columns}  # not in this export
    if cols:
        lines.append("columns = { " + ", ".join(f"{k} = {_q(v)}" for k, v in cols.items())
                     + " }")
    if prof.kind == "events" and prof.preset is None:
        lines.append(_fold_line(prof))
    lines += _value_maps(prof)
    return [*lines, ""]


def _fold_line(prof: FileProfile) -> str:
    """The first-response rule: an activity that reads as "taken in charge", else the
    first state other than the first one seen."""
    words = ("take in charge", "in progress", "respon", "accept", "work")
    for value in prof.counts("activity"):
        if any(w in value.casefold() for w in words):
            return (f"fold = {{ response_activity = [{_q(value)}] }}   "
                    "# the first response (README \"Event logs\")")
    first = prof.values("status")[:1]
    return (f"fold = {{ response_state_not = [{', '.join(_q(v) for v in first)}] }}   "
            "# the first response: the first other state")


def _value_maps(prof: FileProfile) -> list[str]:
    lines: list[str] = []
    preset_values = prof.preset.table.get("values", {}) if prof.preset else {}
    field = "activity" if "activity" in prof.columns and "status" not in prof.columns \
        else "status"
    if prof.kind in ("tickets", "events") and prof.counts(field):
        known = preset_values.get(field, {})
        guessed = {v: _status_guess(v) for v in prof.counts(field) if v not in known}
        guessed = {k: v for k, v in guessed.items() if v or field == "status"}
        if guessed:
            lines.append(f"[sources.{_key(prof.path.stem)}.values.{field}]   "
                         "# guessed from the words: check each")
            lines += [f"{_q(k)} = {_q(v or 'running')}" for k, v in guessed.items()]
    unmapped = [v for v in prof.counts("priority") if v not in preset_values.get("priority",
                                                                                  {v: 1})]
    if unmapped:
        lines.append(f"[sources.{_key(prof.path.stem)}.values.priority]   "
                     "# not in the preset's map: unclassified until you map them")
        lines += [f"# {_q(v)} = \"P?\"" for v in unmapped]
    if prof.counts("priority") and not preset_values.get("priority"):
        ranked = sorted(prof.counts("priority"))[:len(PRIORITY_KEYS)]
        lines.append(f"[sources.{_key(prof.path.stem)}.values.priority]   "
                     "# sorted by name: check which is the most urgent")
        lines += [f"{_q(v)} = {_q(k)}" for v, k in zip(ranked, PRIORITY_KEYS, strict=False)]
    return lines


def _status_guess(value: str) -> str:
    text = value.casefold()
    rules = (("cancel", "excluded"), ("close", "closed"), ("complete", "closed"),
             ("resol", "resolved"), ("solved", "resolved"), ("done", "resolved"),
             ("vendor", "waiting_vendor"), ("3rd", "waiting_vendor"),
             ("wait", "waiting_customer"), ("await", "waiting_customer"),
             ("pending", "waiting_customer"), ("hold", "pause"))
    found = next((canon for word, canon in rules if word in text), "")
    assert found in CANONICAL_STATUSES or not found
    return found
