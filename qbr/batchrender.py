"""A pack's two documents rendered in memory, with template problems turned into a
one-line :class:`TemplateFailure` (issue 8 §1: a broken or hostile ``--template-dir``
is the client's failure, not an internal error)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qbr.errors import QbrError
from qbr.pack import Pack


class TemplateFailure(QbrError):
    """A ``--template-dir`` or brand template cannot be rendered: a syntax error, an
    unknown name, or an operation the sandbox refused (exit 78, like a config error)."""

    exit_code = 78


def render_documents(pack: Pack, template_dirs: Sequence[Path]) -> tuple[bytes, bytes]:
    """The pack's PDF and workbook bytes, in memory (nothing is written here). A template
    problem is a :class:`TemplateFailure` naming the template and line."""
    import jinja2

    from qbr.report import html_to_pdf, render_html, workbook_bytes
    from qbr.report.pdf import formatters_for

    try:
        html = render_html(pack, template_dirs)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(f"template error in {exc.filename or exc.name}, line "
                              f"{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateFailure(f"template error: {type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise TemplateFailure("template error: recursion too deep") from None
    return html_to_pdf(html), workbook_bytes(pack, formatters_for(pack))
