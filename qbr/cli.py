"""The ``qbr`` command: a shell over :mod:`qbr.api`. Each command parses options, calls one
library function and prints. Exit codes (README "Exit codes"): 0 ok; 1 a check found
problems (``validate --strict``) or a batch client failed; 2 usage; 65 bad input data;
69 a system library is missing;
70 internal error; 78 bad config."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from qbr import __version__, api
from qbr.errors import QbrError
from qbr.textout import (
    batch_lines,
    figures_markdown,
    metrics_table,
    validate_lines,
)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_PROBLEMS, EXIT_INTERNAL = 1, 70


class QbrGroup(click.Group):
    """Turns library errors into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QbrError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: short message; traceback only on request
            if os.environ.get("QBR_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(set QBR_DEBUG=1 for the traceback)", err=True)
            sys.exit(EXIT_INTERNAL)


def config_option(f: F) -> F:
    return click.option("--config", "config_path", default="qbr.toml", show_default=True,
                        type=click.Path(dir_okay=False),
                        help="The TOML config (MSP, calendars, tiers, clients, sources).")(f)


def as_of_option(f: F) -> F:
    return click.option("--as-of", "as_of", default=None, metavar="INSTANT",
                        help="Cut-off, ISO 8601 with offset or Z (e.g. 2026-10-05T06:00:00Z)."
                             " Default: the latest instant in the inputs.")(f)


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
def validate(config_path: str, strict: bool, no_cache: bool) -> None:
    """Read every source and account for every row: read = accepted + unassigned +
    rejected, with reasons, unassigned company names and unmapped priorities.

    \b
    Example:
      qbr validate --config sample_data/qbr.toml --strict
    """
    checks = api.validate(api.load(config_path), use_cache=not no_cache)
    for line in validate_lines(checks):
        click.echo(line)
    failed = [c.exit_code for c in checks if c.error is not None]
    # A source whose every row was rejected (a wrong date format, a shifted header) would
    # silently give an empty quarter: it fails validation like an unreadable file.
    empty = [(c, c.report) for c in checks if c.report is not None and c.report.read
             and c.report.accepted + c.report.unassigned == 0]
    for c, report in empty:
        click.echo(f"error: {c.file}: every one of its {report.read} rows was rejected "
                   f"(source {c.name})", err=True)
    if empty:
        failed.append(65)
    if failed:
        sys.exit(max(failed))
    if strict and not all(c.clean for c in checks):
        click.echo("strict: some rows were not accepted", err=True)
        sys.exit(EXIT_PROBLEMS)


@main.command()
@config_option
@as_of_option
@click.option("--quarter", required=True, help="Calendar quarter, e.g. 2026Q3.")
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
    if fmt == "json":
        click.echo(json.dumps(run.document, indent=2, ensure_ascii=False))
    else:
        click.echo(metrics_table(run.document))


@main.command()
@config_option
@as_of_option
@click.option("--client", required=True, help="Client config key.")
@click.option("--quarter", required=True, help="Calendar quarter, e.g. 2026Q3.")
@click.option("--out", "out_dir", default="out", show_default=True, help="Output folder.")
@click.option("--template-dir", default=None, type=click.Path(file_okay=False),
              help="A template layer over the MSP brand and the defaults.")
@no_cache_option
def report(config_path: str, as_of: str | None, client: str, quarter: str, out_dir: str,
           template_dir: str | None, no_cache: bool) -> None:
    """Write one client's PDF deck and Excel workbook.

    \b
    Example:
      qbr report --config sample_data/qbr.toml --client brauhaus-mueller --quarter 2026Q3
    """
    result = api.report(api.load(config_path), client, quarter, out_dir, as_of=as_of,
                        template_dir=template_dir, use_cache=not no_cache)
    say_as_of(result)
    for line in batch_lines(result):
        click.echo(line)


@main.command()
@config_option
@as_of_option
@click.option("--quarter", required=True, help="Calendar quarter, e.g. 2026Q3.")
@click.option("--out", "out_dir", default="out", show_default=True, help="Output folder.")
@click.option("--template-dir", default=None, type=click.Path(file_okay=False),
              help="A template layer over the MSP brand and the defaults.")
@no_cache_option
def batch(config_path: str, as_of: str | None, quarter: str, out_dir: str,
          template_dir: str | None, no_cache: bool) -> None:
    """Write every client's pack; a failing client is reported and the others go on
    (exit 1 if a client's data failed, 70 if qbr itself failed on a client).

    \b
    Example:
      qbr batch --config sample_data/qbr.toml --quarter 2026Q3 --out out
    """
    result = api.batch(api.load(config_path), quarter, out_dir, as_of=as_of,
                       template_dir=template_dir, use_cache=not no_cache)
    say_as_of(result)
    for line in batch_lines(result):
        click.echo(line)
    if any(o.internal for o in result.failed):
        sys.exit(EXIT_INTERNAL)
    if result.failed:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@config_option
@as_of_option
@click.option("--quarters", required=True,
              help="A quarter (2026Q3) or an inclusive range (2025Q4..2026Q3).")
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md",
              show_default=True)
@no_cache_option
def figures(config_path: str, as_of: str | None, quarters: str, fmt: str,
            no_cache: bool) -> None:
    """Portfolio figures for sales, rounded against the MSP and suppressed below the
    minimum client count; no client is named.

    \b
    Example:
      qbr figures --config sample_data/qbr.toml --quarters 2025Q4..2026Q3 --format md
    """
    result = api.figures(api.load(config_path), quarters, as_of=as_of,
                         use_cache=not no_cache)
    say_as_of(result)
    if fmt == "json":
        click.echo(json.dumps(result.document, indent=2, ensure_ascii=False))
    else:
        click.echo(figures_markdown(result.document))


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
    from pathlib import Path

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
