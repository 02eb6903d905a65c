"""What the batch parent does once before its worker processes fork (issue 8 §5), so no
worker repeats it: compute the portfolio's quarters on the column-wise engine, and warm
the renderer (WeasyPrint's font map and SVG reader, XlsxWriter), which forked
workers — and the render-budget children they fork per client — then inherit.

Also the per-job clock: CPU seconds of a worker and of the budget children it waited for,
which the batch report records next to the wall-clock phases, so a slow run on a busy
machine can be told apart from a slow render.
"""

from __future__ import annotations

import io
import logging
import resource
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from qbr.metrics import Engine
from qbr.quarters import Quarter

log = logging.getLogger(__name__)


def history_quarters(quarters: Iterable[Quarter]) -> list[Quarter]:
    """Every quarter a pack of ``quarters`` reads: each one and the four before it (the
    deck's five-quarter trend, :data:`qbr.packbuilder.HISTORY_QUARTERS`), oldest first."""
    from qbr.packbuilder import HISTORY_QUARTERS

    needed: set[Quarter] = set()
    for q in quarters:
        for _ in range(HISTORY_QUARTERS):
            needed.add(q)
            q = q.previous()  # year 0 and before: precompute skips what fails
    return sorted(needed, key=str)


def precompute(engine: Engine, quarters: Iterable[Quarter], as_of: datetime) -> float:
    """Run the engine over every client for each quarter a pack reads (cached on the
    engine per ``(quarter, as_of)``); returns the wall-clock seconds spent.

    Done in the parent before a fork pool starts: each worker inherits the results
    instead of computing the whole portfolio on its first job. This is only a head
    start: a quarter that fails here is left to the workers, which report it per client
    as before (so the error keeps its client and kind)."""
    started = time.perf_counter()
    for q in history_quarters(quarters):
        try:
            engine.run(q, as_of)
        except Exception as exc:  # reported per client by the workers
            log.debug("precomputing %s failed (%s); left to the workers", q, exc)
    return time.perf_counter() - started


def warm_renderer() -> None:
    """Initialise the render libraries once: import WeasyPrint (the slow part, and the
    check that Pango is present), then lay out one tiny PDF with an SVG chart and write a
    workbook so that fontconfig, Pango's font map (the one the decks share) and the SVG
    reader are loaded. About 0.3 s
    of CPU, paid once in the parent instead of once per worker (or, under a render
    budget, once per client: each client renders in a fresh fork of its worker)."""
    from qbr.api import _renderer

    _renderer()  # raises a one-line SystemDependencyError without Pango
    try:
        from weasyprint import HTML

        from qbr.report.pdfcache import shared_font_config
        from qbr.report.svg import Svg
        from qbr.report.xlsx_zip import FastWorkbook

        chart = Svg(20, 10)
        chart.text(1, 8, "qbr", 7)
        # The decks' shared font configuration (qbr.report.pdfcache), so the fonts Pango
        # loads here are the ones every forked render finds already loaded.
        HTML(string="<p style='font-family: DejaVu Sans'>qbr <b>warm-up</b></p>"
                    f"<img src='{chart.data_uri()}'>").write_pdf(
                        font_config=shared_font_config())
        # The workbook writer the packs use (it was openpyxl's, which no pack writes).
        book = FastWorkbook(io.BytesIO(), {"constant_memory": True})
        book.add_worksheet().write(0, 0, "qbr")
        book.close()
    except Exception as exc:  # an optimisation only: the render will tell
        log.debug("renderer warm-up failed: %s", exc)


def warm_stylesheets(config: Any, dataset: Any, engine: Engine,
                     jobs: Iterable[tuple[str, str]], template_dirs: Sequence[Path],
                     as_of: datetime) -> int:
    """Fill the PDF step's stylesheet cache (:mod:`qbr.report.pdfcache`) before workers
    fork, through the real path: the pack of the first client of each paper size
    (``jobs`` are ``(client, quarter)`` pairs) is built and rendered to HTML, and its
    stylesheets are parsed as the PDF step parses them. The deck's large ``<style>``
    block is the same for every client of one paper size (brand colours and template
    layers are the MSP's), so every client then finds it parsed: under a render budget
    each client renders in a fresh fork of its worker, which otherwise parsed it again
    for every client (~0.06 s of CPU each). Returns how many stylesheets were cached; a
    client whose pack fails here is left to its worker, which reports it (after two
    failures no more are tried: a broken template fails every client)."""
    from qbr.packbuilder import build_pack, paper_for
    from qbr.quarters import parse_quarter
    from qbr.report import render_html
    from qbr.report.pdf import warm_stylesheets as warm

    done, papers, failures = 0, set(), 0
    # The worker renders this client again and logs what the render finds (a bad brand
    # colour, a blocked link): once, not twice, so the parent's run is silent.
    muted = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        for client_key, quarter in jobs:
            client = config.clients.get(client_key)
            paper = paper_for(getattr(config, "paper", None), client.locale) \
                if client else None
            if paper is None or paper in papers or failures >= 2:
                continue
            try:
                pack = build_pack(config, dataset, engine, client_key,
                                  parse_quarter(quarter, config.fiscal_year_start), as_of)
                done += warm(render_html(pack, template_dirs))
                papers.add(paper)
            except Exception:  # an optimisation only: the worker reports the client
                failures += 1  # a broken template fails every client: stop trying soon
    finally:
        logging.disable(muted)
    return done


def precompile_templates(template_dirs: Sequence[Path], brand_folder: Path | None) -> int:
    """Compile every HTML and CSS template of the layers a batch renders with, so that
    the report layer's shared cache of compiled templates (if it keeps one) is filled
    before workers fork: under a render budget each client renders in a fresh child,
    which would otherwise compile the deck's templates again for every client. Returns
    how many compiled; a template that does not compile is left for the render to report
    (as the client's template failure). Compiling runs no template code. Without such a
    cache (``make_environment`` sets no ``bytecode_cache``) nothing is done."""
    import gettext

    from qbr.report.pdf import template_filters
    from qbr.report.templating import make_environment, template_layers

    class _Stub:  # filter names only: compiled code looks filters up when it runs
        def __getattr__(self, name: str) -> Callable[..., str]:
            return lambda *args, **kw: ""

    layers = template_layers(template_dirs, brand_folder)
    env = make_environment(layers, gettext.NullTranslations(),
                           template_filters(cast(Any, _Stub())))
    if env.bytecode_cache is None:  # nothing outlives one render: compiling would be waste
        return 0
    done = 0
    # The names a render loads ("pack.html", "sections/…"); "default:…" aliases only
    # matter to an override that extends the default, and compile on first use.
    for name in env.list_templates(extensions=("html", "css")):
        if ":" in name:
            continue
        try:
            env.get_template(name)
            done += 1
        except Exception as exc:  # reported by the render, per client
            log.debug("template %s not precompiled: %s", name, exc)
    return done


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of its waited-for children (the
    render-budget processes), since the process started."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def render_child_peak_mb() -> float:
    """Peak resident memory (MB) of the largest render-budget child this process has
    waited for; it counts the pages inherited from the worker, so it is the memory of
    the worker while it rendered (0 without a budget: the render runs in the worker)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)  # KiB
