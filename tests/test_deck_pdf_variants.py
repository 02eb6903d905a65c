"""``--pdf-variant``: archival PDF/A-3b and accessible PDF/UA-1 with title, author and
language set (issue 7 §5)."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from helpers_pack import make_pack
from pypdf import PdfReader

from qbr.cli import main
from qbr.report import html_to_pdf, render_html


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_variant_sets_title_author_and_language(variant: str) -> None:
    pdf = PdfReader(io.BytesIO(html_to_pdf(render_html(make_pack(locale="de_DE")), variant)))
    root = pdf.trailer["/Root"]
    assert pdf.metadata.title == "Quartalsbericht 3. Quartal 2026 · ACME GmbH"
    assert pdf.metadata.author == "Nordlicht IT Services GmbH"
    assert root["/Lang"] == "de" and "/Metadata" in root  # XMP for PDF/A and PDF/UA
    if variant == "pdf/ua-1":
        assert root["/MarkInfo"]["/Marked"]  # tagged for screen readers


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PDF variant"):
        html_to_pdf(render_html(make_pack()), "pdf/x-1")


def test_report_help_lists_the_new_options() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    for option in ("--internal", "--pdf-variant", "--render-timeout", "Example:"):
        assert option in result.output
