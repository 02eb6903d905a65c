"""A pack's documents rendered in memory, with template problems turned into a
one-line :class:`TemplateFailure` (issue 8 §1: a broken or hostile ``--template-dir``
is the client's failure, not an internal error), under the render options of issue 7
(``--internal``, ``--pdf-variant``, ``--render-timeout``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qbr.errors import QbrError
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
    None = in-process, no budget)."""

    internal: bool = False
    pdf_variant: str | None = None
    budget_seconds: float | None = None
    budget_memory_mb: int | None = None

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
    try:
        html = render_html(pack, template_dirs)
        inside = render_html(pack, template_dirs, internal=True) if opts.internal else None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(f"template error in {exc.filename or exc.name}, line "
                              f"{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateFailure(f"template error: {type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise TemplateFailure("template error: recursion too deep") from None
    docs = {".pdf": html_to_pdf(html, opts.pdf_variant), ".xlsx": workbook_bytes(pack, fmt)}
    if inside is not None:
        docs["_internal.pdf"] = html_to_pdf(inside)
        docs["_internal.xlsx"] = internal_workbook_bytes(pack, fmt)
    return docs
