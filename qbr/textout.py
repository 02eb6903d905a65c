"""Plain-text views for the terminal (validate report, metrics table, batch summary,
figures as Markdown). Formatting only: every number arrives computed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from qbr.display import truncate
from qbr.inputcheck import DONE_WITHOUT_TIME, TIME_WHILE_OPEN, top_names

if TYPE_CHECKING:
    from qbr.api import BatchResult, SourceCheck, ValidateRun


def _counts(counter: Any) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: -kv[1]))


def validate_lines(checks: Sequence[SourceCheck]) -> Iterable[str]:
    """Per file: rows read / accepted / unassigned / rejected by reason, then the unassigned
    company names and unmapped priorities with counts."""
    for c in checks:
        if c.error is not None or c.report is None:
            yield f"{c.file} [{c.name}]: ERROR {c.error}"
            continue
        r = c.report
        yield (f"{c.file} [{c.name}, {r.kind}]: read {r.read}, accepted {r.accepted}, "
               f"unassigned {r.unassigned}, rejected {sum(r.rejected.values())}")
        if r.rejected:
            yield f"  rejected: {_counts(r.rejected)}"
            yield from _rejected_rows(c)
        # Outage and maintenance rows name a monitor (or a client); the others a company.
        what = "name" if r.kind in ("outages", "maintenance") else "company"
        shown, more, more_rows = top_names(r.unassigned_names)
        for name, n in shown:
            yield f"  unassigned {what} {name!r} in {n} rows (no configured client or monitor)"
        if more:  # bounded listing: the top 20, the rest counted (README "qbr validate")
            yield f"  … and {more} more unassigned names in {more_rows} rows"
        for prio, n in sorted(r.unmapped_priorities.items(), key=lambda kv: -kv[1]):
            yield f"  unmapped priority {prio!r} in {n} rows (accepted as unclassified)"
        if r.warnings:
            yield f"  warnings: {len(r.warnings)}"
            for w in r.warnings[:SHOWN_ROWS]:
                yield f"    {w.file}, row {w.row}, column {w.column!r}: {w.message}"
            if len(r.warnings) > SHOWN_ROWS:
                yield f"    … and {len(r.warnings) - SHOWN_ROWS} more"


def validate_summary_lines(run: ValidateRun) -> Iterable[str]:
    """After the per-file lines: contradictions per client (issue 5 §5)."""
    for client, counts in sorted(run.contradictions.items()):
        parts = []
        if counts.get(DONE_WITHOUT_TIME):
            parts.append(f"{counts[DONE_WITHOUT_TIME]} tickets Resolved/Closed without a "
                         f"resolved or closed time")
        if counts.get(TIME_WHILE_OPEN):
            parts.append(f"{counts[TIME_WHILE_OPEN]} tickets with a resolved or closed time "
                         f"but an open status")
        yield f"client {client}: contradictions: {'; '.join(parts)}"


SHOWN_ROWS = 10  # per file and list; the rest is counted, never dropped silently


def _rejected_rows(check: SourceCheck) -> Iterable[str]:
    """The first rejected rows with row, column and reason, then how many more."""
    for rej in check.rejections[:SHOWN_ROWS]:
        column = f", column {rej.column!r}" if rej.column else ""
        yield f"    row {rej.row}{column}: {rej.reason}: {rej.detail}"
    if len(check.rejections) > SHOWN_ROWS:
        yield f"    … and {len(check.rejections) - SHOWN_ROWS} more rejected rows"


def _pct(value: float | None, places: int) -> str:
    """Display truncates toward zero (SPEC §6), the same rule as the PDF and workbook."""
    shown = truncate(value, places)
    return "—" if shown is None else f"{shown:.{places}f}"


def metrics_table(doc: dict[str, Any]) -> str:
    """A compact per-client table of the metrics document."""
    head = (f"{'client':<22} {'tier':<7} {'tickets':>7} {'resp %':>7} {'resol %':>7} "
            f"{'crit up %':>9} {'SLA':>4} {'credit':>12}")
    lines = [f"quarter {doc['quarter']}, as_of {doc['as_of']}", head, "-" * len(head)]
    for c in doc["clients"]:
        credit = c["credits"]
        amount = "—" if credit["amount"] is None else f"{credit['amount']:.2f} {credit['currency']}"
        sla = {True: "met", False: "MISS", None: "—"}[c["sla_met"]]
        lines.append(
            f"{c['client']:<22} {c['tier']:<7} {c['tickets']['total']:>7} "
            f"{_pct(c['response']['all']['attainment_pct'], 1):>7} "
            f"{_pct(c['resolution']['all']['attainment_pct'], 1):>7} "
            f"{_pct(c['uptime']['critical_uptime_pct'], 2):>9} {sla:>4} {amount:>12}")
    return "\n".join(lines)


def batch_lines(result: BatchResult) -> Iterable[str]:
    """One line per client: the files written, or FAILED with the reason."""
    for o in result.outcomes:
        if o.error is None:
            yield f"{o.client}: " + ", ".join(str(p) for p in o.files)
        else:
            yield f"{o.client}: FAILED {o.error}"
    if len(result.outcomes) > 1:
        yield f"{len(result.outcomes) - len(result.failed)} of {len(result.outcomes)} " \
              f"client packs written for {result.quarter}"


def figures_markdown(doc: dict[str, Any]) -> str:
    """The figures as a Markdown table with window and method, ready for a proposal."""
    lines = [f"# Portfolio figures {doc['window']['label']}",
             "",
             f"Window {doc['window']['from']} to {doc['window']['to']}, data as of "
             f"{doc['as_of']}; figures with fewer than {doc['min_clients']} contributing "
             "clients are suppressed.",
             "",
             "| figure | value | clients | based on | method |",
             "| --- | --- | --- | --- | --- |"]
    for f in doc["figures"]:
        if f["suppressed"] or f["value"] is None:
            value = "suppressed" if f["suppressed"] else "no data"
        elif f["unit"] == "%":
            value = f"{f['value']} %"
        else:
            value = f"{f['value']} min"
        based = f.get("tickets", f.get("monitor_quarters", 0))
        unit = "tickets" if "tickets" in f else "monitor-quarters"
        lines.append(f"| {f['label']} | {value} | {f['clients']} | {based} {unit} | "
                     f"{f['method']} |")
    return "\n".join(lines)
