"""A pack's documents rendered in memory, with template problems turned into a
one-line :class:`TemplateFailure` (issue 8 §1: a broken or hostile ``--template-dir``
is the client's failure, not an internal error), under the render options of issue 7
(``--internal``, ``--pdf-variant``, ``--render-timeout``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qbr.errors import QbrError
from qbr.forked import Forked, can_fork, usable_cpus
from qbr.pack import Pack


class TemplateFailure(QbrError):
    """A ``--template-dir`` or brand template cannot be rendered: a syntax error, an
    unknown name, or an operation the sandbox refused (exit 78, like a config error)."""

    exit_code = 78


class BudgetExceeded(QbrError):
    """A client's render took longer or needed more memory than ``--render-timeout`` and
    its memory cap allow (ADVERSARIAL 7). In a batch this is the client's own failure
    (``failure = "budget"``, exit 1): its content is too large or hostile for the
    budget, not a bug in qbr."""


@dataclass(frozen=True)
class RenderOptions:
    """How packs are written (issue 7): ``internal`` adds the MSP-only appendix files;
    ``pdf_variant`` is ``"pdf/a-3b"`` or ``"pdf/ua-1"``; ``budget_seconds`` and
    ``budget_memory_mb`` bound each client's render in a child process (ADVERSARIAL 7;
    None = in-process, no budget); ``split_workbook`` lets the workbook be written in a
    forked child while the PDF is laid out, where that can run on a second CPU (a batch
    whose workers already fill the CPUs turns it off; see :func:`_workbooks_beside`)."""

    internal: bool = False
    pdf_variant: str | None = None
    budget_seconds: float | None = None
    budget_memory_mb: int | None = None
    split_workbook: bool = True

    def fingerprint(self) -> str:
        """What changes the files written (the budget does not): part of the batch's
        config fingerprint, so switching ``--internal`` or the variant re-renders."""
        return f"internal={self.internal};pdf_variant={self.pdf_variant}"


def render_documents(pack: Pack, template_dirs: Sequence[Path],
                     options: RenderOptions | None = None) -> dict[str, bytes]:
    """The pack's documents in memory, keyed by file suffix: ``.pdf`` and ``.xlsx``, and
    with ``options.internal`` also ``_internal.pdf`` and ``_internal.xlsx`` (issue 7 §2:
    the MSP-only appendix never goes into the client's files). Nothing is written here.
    With a budget the render runs in a child process (:mod:`qbr.report.budget`). A
    template problem is a :class:`TemplateFailure` naming the template and line."""
    from qbr.report.budget import RenderBudgetError, run_with_budget

    opts = options or RenderOptions()

    def one() -> dict[str, bytes] | str:
        try:
            return _render(pack, template_dirs, opts)
        except TemplateFailure as exc:  # returned, so the kind survives the child process
            return str(exc)

    try:
        result = run_with_budget(one, pack.client_key, opts.budget_seconds,
                                 opts.budget_memory_mb)
    except RenderBudgetError as exc:
        cap = f", {opts.budget_memory_mb} MB" if opts.budget_memory_mb else ""
        raise BudgetExceeded(f"{exc} (budget: --render-timeout {opts.budget_seconds:g} s"
                             f"{cap})") from None
    if isinstance(result, str):
        raise TemplateFailure(result)
    return result


def _render(pack: Pack, template_dirs: Sequence[Path],
            opts: RenderOptions) -> dict[str, bytes]:
    import jinja2

    from qbr.report import html_to_pdf, render_html
    from qbr.report.pdf import formatters_for
    from qbr.report.xlsx import internal_workbook_bytes, workbook_bytes

    fmt = formatters_for(pack)
    books: list[Callable[[], bytes]] = [lambda: workbook_bytes(pack, fmt)]
    if opts.internal:
        books.append(lambda: internal_workbook_bytes(pack, fmt))
    beside = _workbooks_beside(books, opts)
    try:
        try:
            html = render_html(pack, template_dirs)
            inside = render_html(pack, template_dirs, internal=True) if opts.internal \
                else None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateFailure(f"template error in {exc.filename or exc.name}, line "
                                  f"{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateFailure(f"template error: {type(exc).__name__}: {exc}") from None
        except RecursionError:
            raise TemplateFailure("template error: recursion too deep") from None
        # The same order as in-process: each PDF before its workbook, so the first error
        # (and every warning) comes where it did; the child's workbooks are long done by
        # the time the PDF is (~0.1 s against ~1 s at 1,000 tickets).
        docs = {".pdf": html_to_pdf(html, opts.pdf_variant)}
        docs[".xlsx"] = beside.take() if beside else books[0]()
        if inside is not None:
            docs["_internal.pdf"] = html_to_pdf(inside)
            docs["_internal.xlsx"] = beside.take() if beside else books[1]()
        return docs
    finally:
        if beside is not None:
            beside.close()


def _workbooks_beside(books: Sequence[Callable[[], bytes]],
                      opts: RenderOptions) -> Forked | None:
    """The workbooks started in a forked child (:mod:`qbr.forked`), or None to write them
    in this process after the PDF.

    The PDF (~1 s, single-threaded Python) and the workbooks (~0.1 s at 1,000 tickets,
    ~0.5 s at 6,000) need nothing from each other, so on a second CPU the workbooks cost
    no wall time. Split only when that CPU exists (``sched_getaffinity``), when
    ``opts.split_workbook`` (a batch whose workers fill the CPUs turns it off: there the
    child would only compete with another worker), on Linux (the child is killed with
    its parent: ``PR_SET_PDEATHSIG``), and not in a daemonic process (a Dask worker)
    unless it is the render-budget child, which forks to render and exits."""
    import multiprocessing

    from qbr.report.budget import in_budget_child

    if not opts.split_workbook or not can_fork() or usable_cpus() < 2:
        return None
    if multiprocessing.current_process().daemon and not in_budget_child():
        return None
    try:
        return Forked(books)
    except OSError:  # fork refused (process or memory limits): write them here instead
        return None
