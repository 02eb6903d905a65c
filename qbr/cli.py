"""The ``qbr`` command: a shell over :mod:`qbr.api`. Each command parses options, calls one
library function and prints. Exit codes (README "Exit codes"): 0 ok; 1 a check found
problems (``validate --strict``) or a batch client failed; 2 usage; 65 bad input data;
69 a system library is missing; 70 internal error; 73 the output cannot be written;
75 another batch holds the output folder; 78 bad config or template; 141 stdout closed."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from qbr import __version__, api
from qbr.batchout import batch_progress, batch_summary
from qbr.errors import QbrError
from qbr.explain import explanation_json, explanation_lines
from qbr.inputcheck import write_rejects
from qbr.textout import (
    batch_lines,
    figures_markdown,
    metrics_table,
    validate_lines,
    validate_summary_lines,
)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_PROBLEMS, EXIT_INTERNAL = 1, 70
QUARTER_HELP = "Quarter, e.g. 2026Q3 (or FY2027Q1 when msp.fiscal_year_start is set)."


class QbrGroup(click.Group):
    """Turns library errors into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QbrError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            quiet_broken_pipe()
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: short message; traceback only on request
            if os.environ.get("QBR_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(set QBR_DEBUG=1 for the traceback)", err=True)
            sys.exit(EXIT_INTERNAL)


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell shows for a command cut off by `head`


def quiet_broken_pipe() -> None:
    """The reader of our stdout went away (``qbr validate | head -1``): stop quietly.
    stdout is pointed at /dev/null so the interpreter's final flush cannot complain."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_BROKEN_PIPE)


def config_option(f: F) -> F:
    return click.option("--config", "config_path", default="qbr.toml", show_default=True,
                        type=click.Path(dir_okay=False),
                        help="The TOML config (MSP, calendars, tiers, clients, sources).")(f)


def as_of_option(f: F) -> F:
    return click.option("--as-of", "as_of", default=None, metavar="INSTANT",
                        help="Cut-off, ISO 8601 with offset or Z (e.g. 2026-10-05T06:00:00Z)."
                             " Default: the latest instant in the inputs.")(f)


def render_options(f: F) -> F:
    """``--internal``, ``--pdf-variant`` and ``--render-timeout`` (issue 7)."""
    f = click.option("--render-timeout", type=float, default=api.RENDER_SECONDS,
                     show_default=True, metavar="SECONDS",
                     help="Render budget per client (seconds, with a "
                          f"{api.RENDER_MEMORY_MB} MB memory cap); 0 = no budget.")(f)
    f = click.option("--pdf-variant", type=click.Choice(["pdf/a-3b", "pdf/ua-1"]),
                     default=None, help="Archival (PDF/A-3b) or accessible (PDF/UA-1) PDF.")(f)
    return click.option("--internal", is_flag=True,
                        help="Also write the MSP-only appendix (<client>_<quarter>_internal"
                             ".pdf/.xlsx): whole-file counts, file names, config keys.")(f)
def no_cache_option(f: F) -> F:
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="Read every export afresh, neither using nor filling the parse "
                             "cache (README \"Parse cache\").")(f)


def say_as_of(run: Any) -> None:
    """Every computing command states its cut-off, on stderr so stdout stays data."""
    click.echo(f"as_of: {run.as_of.isoformat()}", err=True)


@click.group(cls=QbrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qbr")
def main() -> None:
    """Quarterly business review packs for MSPs: SLA attainment, uptime and service
    credits per client, from ticket and uptime exports.

    \b
    Example:
      qbr validate --config sample_data/qbr.toml
      qbr batch --config sample_data/qbr.toml --quarter 2026Q3 --out out
    """


@main.command()
@config_option
@no_cache_option
@click.option("--strict", is_flag=True,
              help="Exit 1 if any row is unassigned, unclassified or rejected.")
@click.option("--rejects", "rejects", default=None, type=click.Path(dir_okay=False),
              metavar="FILE", help="Write every rejected row to FILE as CSV (UTF-8 with "
                                   "BOM, for Excel): source, file, row, column, reason, "
                                   "message.")
def validate(config_path: str, strict: bool, no_cache: bool, rejects: str | None) -> None:
    """Read every source and account for every row: read = accepted + unassigned +
    rejected, with reasons, unassigned company names and unmapped priorities.

    \b
    Example:
      qbr validate --config sample_data/qbr.toml --strict --rejects rejected.csv
    """
    run = api.validate_run(api.load(config_path), use_cache=not no_cache)
    checks = run.checks
    for line in validate_lines(checks):
        click.echo(line)
    for line in validate_summary_lines(run):
        click.echo(line)
    for note in run.shared:
        click.echo(f"warning: {note}", err=True)
    if rejects is not None:
        n = write_rejects(rejects, ((c.name, r) for c in checks for r in c.rejections))
        click.echo(f"rejected rows: {n} written to {rejects}", err=True)
    failed = [c.exit_code for c in checks if c.error is not None]
    # A source whose every row was rejected (a wrong date format, a shifted header) would
    # silently give an empty quarter: it fails validation like an unreadable file.
    empty = [(c, c.report) for c in checks if c.report is not None and c.report.read
             and c.report.accepted + c.report.unassigned == 0]
    for c, report in empty:
        click.echo(f"error: {c.file}: every one of its {report.read} rows was rejected "
                   f"(source {c.name})", err=True)
    # A client whose rows a source rejected, none accepted: an empty quarter caused by
    # rejections, not by a quiet quarter (README "Values that never turn into wrong numbers").
    for source, file, client, n in run.empty_clients:
        click.echo(f"error: {file}: client {client}: all {n} of its rows were rejected, none "
                   f"accepted (source {source})", err=True)
    if empty or run.empty_clients:
        failed.append(65)
    if failed:
        sys.exit(max(failed))
    if strict and not all(c.clean for c in checks):
        click.echo("strict: some rows were not accepted", err=True)
        sys.exit(EXIT_PROBLEMS)


@main.command()
@config_option
@as_of_option
@click.option("--quarter", required=True, help=QUARTER_HELP)
@click.option("--client", default=None, help="Only this client (config key).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table",
              show_default=True, help="json: exactly the qbr.metrics/1 document on stdout.")
@no_cache_option
def metrics(config_path: str, as_of: str | None, quarter: str, client: str | None,
            fmt: str, no_cache: bool) -> None:
    """SLA attainment, uptime and credits per client for one quarter.

    \b
    Example:
      qbr metrics --config sample_data/qbr.toml --quarter 2026Q3 --format json
    """
    run = api.metrics(api.load(config_path), quarter, as_of=as_of, client=client,
                      use_cache=not no_cache)
    say_as_of(run)
    for f in run.files:
        if f.read and f.accepted + f.unassigned == 0:
            click.echo(f"warning: {f.file}: every one of its {f.read} rows was rejected "
                       f"(run qbr validate)", err=True)
    for note in run.notes:
        click.echo(f"warning: {note}", err=True)
    if fmt == "json":
        # SPEC §6: the document never carries NaN or Infinity (invalid JSON); fail loudly.
        click.echo(json.dumps(run.document, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        click.echo(metrics_table(run.document))


@main.command()
@config_option
@as_of_option
@click.option("--client", required=True, help="Client config key.")
@click.option("--quarter", required=True, help=QUARTER_HELP)
@click.option("--out", "out_dir", default="out", show_default=True, help="Output folder.")
@click.option("--template-dir", default=None, type=click.Path(file_okay=False),
              help="A template layer over the MSP brand and the defaults.")
@render_options
@no_cache_option
def report(config_path: str, as_of: str | None, client: str, quarter: str, out_dir: str,
           template_dir: str | None, internal: bool, pdf_variant: str | None,
           render_timeout: float, no_cache: bool) -> None:
    """Write one client's PDF deck and Excel workbook.

    \b
    Example:
      qbr report --config sample_data/qbr.toml --client brauhaus-mueller --quarter 2026Q3
    """
    options = api.RenderOptions(internal, pdf_variant, render_timeout or None,
                                api.RENDER_MEMORY_MB if render_timeout else None)
    result = api.report(api.load(config_path), client, quarter, out_dir, as_of=as_of,
                        template_dir=template_dir, options=options, use_cache=not no_cache)
    say_as_of(result)
    for line in batch_lines(result):
        click.echo(line)


@main.command()
@config_option
@as_of_option
@click.option("--quarter", required=True,
              help="Quarter (2026Q3, or FY2027Q1 when msp.fiscal_year_start is set), or "
                   "'previous': the last quarter completed in each client's time zone, so a "
                   "scheduled line never needs editing.")
@click.option("--client", "clients", multiple=True, metavar="KEY",
              help="Only this client (repeatable). Default: every client.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes. Default: the number of CPU cores.")
@click.option("--force", is_flag=True, help="Re-render clients whose inputs are unchanged.")
@click.option("--fail-fast", is_flag=True,
              help="Stop at the first failed client (the rest are reported as not run).")
@click.option("--out", "out_dir", default="out", show_default=True, help="Output folder.")
@click.option("--template-dir", default=None, type=click.Path(file_okay=False),
              help="A template layer over the MSP brand and the defaults.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="local: a process pool; dask: a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address for --executor dask, e.g. tcp://HOST:8786.")
@render_options
@no_cache_option
def batch(config_path: str, as_of: str | None, quarter: str, clients: tuple[str, ...],
          jobs: int | None, force: bool, fail_fast: bool, out_dir: str,
          template_dir: str | None, executor: str, scheduler: str | None, internal: bool,
          pdf_variant: str | None, render_timeout: float, no_cache: bool) -> None:
    """Write every client's pack in parallel for schedulers: unchanged clients are
    skipped, a failing client is reported and the others go on, and
    OUT/batch-report.json records every client. Exit 0 all written or unchanged, 1 some
    client failed on its data, template or destination, 70 qbr failed on a client, 75
    another run holds the output folder.

    \b
    Example:
      qbr batch --config sample_data/qbr.toml --quarter 2026Q3 --out out
      qbr batch --config /etc/qbr/qbr.toml --quarter previous --out /srv/qbr/packs
    """
    from qbr.executors import executor_for

    options = api.RenderOptions(internal, pdf_variant, render_timeout or None,
                                api.RENDER_MEMORY_MB if render_timeout else None)
    cfg = api.load(config_path)
    with executor_for(executor, scheduler) as pool:
        run = api.batch(cfg, quarter, out_dir, as_of=as_of, template_dir=template_dir,
                        clients=clients, jobs=jobs, force=force, fail_fast=fail_fast,
                        executor=pool, progress=batch_progress(sys.stderr.isatty()),
                        options=options, use_cache=not no_cache)
    click.echo(f"as_of: {run.document['as_of']}", err=True)
    for outcome in run.outcomes:
        if outcome.get("traceback"):  # only with QBR_DEBUG=1
            click.echo(f"{outcome['client']}:\n{outcome['traceback']}", err=True)
    for line in batch_summary(run.document):
        click.echo(line)
    if run.report_path is None:  # e.g. the disk is full: the report goes to stderr
        click.echo(f"error: {run.report_error}; the run report follows", err=True)
        click.echo(json.dumps(run.document, indent=1), err=True)
    sys.exit(run.exit_code)


@main.command()
@config_option
@as_of_option
@click.option("--client", required=True, help="Client config key.")
@click.option("--ticket", "ticket_id", required=True,
              help="Ticket id as exported (SYSTEM:ID when two systems share the id).")
@click.option("--quarter", default=None,
              help="Check the ticket belongs to this quarter (default: its own).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: the qbr.explain/1 document on stdout.")
@no_cache_option
def explain(config_path: str, as_of: str | None, client: str, ticket_id: str,
            quarter: str | None, fmt: str, no_cache: bool) -> None:
    """One ticket's clocks as a timeline: open and closed intervals (outside hours, lunch,
    weekend, holiday by name), pauses and reopens, the running business minutes, the
    target, the verdict and the rule that decided it — the same numbers as the workbook.

    \b
    Example:
      qbr explain --config sample_data/qbr.toml --client brauhaus-mueller --ticket 2026-000636
    """
    result = api.explain(api.load(config_path), client, ticket_id, quarter, as_of=as_of,
                         use_cache=not no_cache)
    say_as_of(result)
    if fmt == "json":
        click.echo(json.dumps(explanation_json(result), indent=2, ensure_ascii=False,
                              allow_nan=False))
    else:
        for line in explanation_lines(result):
            click.echo(line)


@main.command()
@config_option
@as_of_option
@click.option("--quarters", required=True,
              help="A quarter (2026Q3) or an inclusive range (2025Q4..2026Q3).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "md", "html", "svg"]),
              default="md", show_default=True,
              help="html: a snippet for a web page; svg: a badge of one --figure.")
@click.option("--figure", "figure_id", default="uptime", show_default=True,
              type=click.Choice(["uptime", "response_median", "response_median_p1",
                                 "response_attainment", "resolution_attainment"]),
              help="The figure of the svg badge.")
@no_cache_option
def figures(config_path: str, as_of: str | None, quarters: str, fmt: str,
            figure_id: str, no_cache: bool) -> None:
    """Portfolio figures for sales, rounded against the MSP and suppressed below the
    minimum client count; no client is named. Every format keeps each figure's window,
    method, counts, rounding and suppression.

    \b
    Example:
      qbr figures --config sample_data/qbr.toml --quarters 2025Q4..2026Q3 --format md
      qbr figures --config sample_data/qbr.toml --quarters 2026Q3 --format svg > badge.svg
    """
    from qbr.figures_out import figures_csv, figures_html, figures_svg

    result = api.figures(api.load(config_path), quarters, as_of=as_of,
                         use_cache=not no_cache)
    say_as_of(result)
    doc = result.document
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False))
    elif fmt == "csv":
        click.echo(figures_csv(doc), nl=False)
    elif fmt == "html":
        click.echo(figures_html(doc), nl=False)
    elif fmt == "svg":
        click.echo(figures_svg(doc, figure_id), nl=False)
    else:
        click.echo(figures_markdown(doc))


@main.command()
@config_option
@as_of_option
@click.option("--quarters", required=True,
              help="The history to learn from, e.g. 2025Q3..2026Q3 (five quarters).")
@click.option("--tier", default=None, help="Only this tier. Default: every tier.")
@click.option("--objective", type=float, default=None, metavar="PCT",
              help="Share of tickets a target must hold for. Default: the tier's "
                   "objective_pct.")
@click.option("--min-tickets", type=click.IntRange(min=1), default=20, show_default=True,
              help="Fewer pooled tickets than this: too thin to recommend.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]),
              default="table", show_default=True)
@click.option("--xlsx", "xlsx_path", default=None, type=click.Path(dir_okay=False),
              help="Also write a workbook with the table and the distributions.")
@no_cache_option
def calibrate(config_path: str, as_of: str | None, quarters: str, tier: str | None,
              objective: float | None, min_tickets: int, fmt: str,
              xlsx_path: str | None, no_cache: bool) -> None:
    """Targets the desk can keep: per tier and priority, the attainment history, the
    target met at the objective in each quarter (business minutes, nearest rank), the
    quarter-over-quarter trend and a recommendation with its evidence.

    \b
    Example:
      qbr calibrate --config sample_data/qbr.toml --quarters 2025Q3..2026Q3 --tier gold
    """
    from qbr.calibrate import calibrate_table, calibrate_workbook

    run = api.calibrate(api.load(config_path), quarters, as_of=as_of, tier=tier,
                        objective=objective, min_tickets=min_tickets,
                        use_cache=not no_cache)
    say_as_of(run)
    if fmt == "json":
        click.echo(json.dumps(run.document, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        click.echo(calibrate_table(run.document, markdown=fmt == "md"))
    if xlsx_path:
        from qbr.batchio import DestinationError
        from qbr.report import write_atomic

        target = Path(xlsx_path)
        try:
            write_atomic(target, calibrate_workbook(run.document, run.results))
        except OSError as exc:
            raise DestinationError(f"cannot write {target}: "
                                   f"{exc.strerror or exc}") from None
        click.echo(f"workbook: {target}", err=True)


@main.command("init")
@click.option("--from", "files", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False), help="An export (repeatable).")
@click.option("--out", default="qbr.toml", show_default=True, type=click.Path(dir_okay=False),
              help="The config to write.")
@click.option("--yes", "assume_yes", is_flag=True,
              help="Take every default without asking; stop on a day/month ambiguity.")
def init(files: tuple[str, ...], out: str, assume_yes: bool) -> None:
    """Look at unknown exports and write a first config (preset, columns, value maps,
    date format, a default tier, calendar and clients) that validate accepts.

    \b
    Example:
      qbr init --from tickets.csv --from uptime.csv --out qbr.toml
    """
    from qbr.init import Asker, defaults_asker, run_init

    target = Path(out)
    if target.exists() and (assume_yes or not click.confirm(f"{out} exists. Overwrite?")):
        raise click.UsageError(f"{out} exists; choose another --out or remove it")

    def choose(question: str, options: Sequence[str]) -> int:
        for i, option in enumerate(options, 1):
            click.echo(f"  {i}. {option}")
        picked: int = click.prompt(question, type=click.IntRange(1, len(options)), default=1)
        return picked - 1

    def text(question: str, default: str) -> str:
        answer: str = click.prompt(question, default=default)
        return answer

    ask = defaults_asker() if assume_yes else Asker(choose=choose, text=text)
    toml = run_init([Path(f) for f in files], target, ask, click.echo)
    target.write_text(toml, encoding="utf-8")
    click.echo(f"wrote {out}; next: qbr validate --config {out}")
