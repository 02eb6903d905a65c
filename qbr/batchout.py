"""Terminal views of a batch: a progress bar on a terminal (one log line per client
otherwise, for schedulers' logs) and the summary table printed at the end."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from qbr.display import truncate  # noqa: F401  (one truncation rule for the terminal)

BAR = 30

def batch_progress(tty: bool) -> Callable[[dict[str, Any], int, int], None]:
    """A callback for :func:`qbr.batch.run_batch`, writing to stderr."""

    def on_tty(outcome: dict[str, Any], done: int, total: int) -> None:
        filled = BAR * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} "
                         f"{outcome['client'][:30]:<30} {outcome['status']:<9}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def on_log(outcome: dict[str, Any], done: int, total: int) -> None:
        reason = "" if outcome["status"] != "failed" else f": {one_line(outcome['reason'])}"
        sys.stderr.write(f"[{done}/{total}] {outcome['client']} {outcome['quarter']} "
                         f"{outcome['status']} in {outcome['duration_s']:.1f} s{reason}\n")
        sys.stderr.flush()

    return on_tty if tty else on_log

def one_line(text: str | None, width: int = 160) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= width else line[: width - 1] + "…"

def batch_summary(doc: dict[str, Any]) -> Iterable[str]:
    """Per client: status, duration and one-line reason; then its files (path, bytes,
    SHA-256) and the input and config fingerprints (first 12 hex digits; the full values
    are in batch-report.json)."""
    head = f"{'client':<28} {'quarter':<7} {'status':<9} {'seconds':>7}  reason"
    yield head
    yield "-" * len(head)
    for o in doc["clients"]:
        yield (f"{o['client']:<28} {o['quarter']:<7} {o['status']:<9} "
               f"{o['duration_s']:>7.1f}  {one_line(o['reason'])}")
        for f in o["files"]:
            yield f"    {f['path']}  {f['size']:,} bytes  sha256 {f['sha256'][:12]}"
        if o.get("inputs_sha256"):
            yield (f"    inputs {o['inputs_sha256'][:12]}  "
                   f"config {o['config_sha256'][:12]}")
    c = doc["counts"]
    which = ", ".join(doc.get("quarters", [])) or doc["quarter"]
    if which != doc["quarter"]:
        which = f"{doc['quarter']} ({which})"
    yield (f"{c['written']} written, {c['unchanged']} unchanged, {c['failed']} failed, "
           f"{c['not_run']} not run of {len(doc['clients'])} for {which} in "
           f"{doc['duration_s']:.1f} s; report: {doc['out_dir']}/batch-report.json")
