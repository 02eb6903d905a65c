"""PDF deck: content of the HTML, languages, template layers, page count, atomic output."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from helpers_pack import make_pack, make_ticket, make_tickets
from weasyprint import HTML

from qbr.report import RenderedHtml, output_stem, render_html, render_pack, write_atomic
from qbr.report.fetcher import SafeFetcher


def _pages(rendered: RenderedHtml) -> int:
    document = HTML(
        string=rendered.html, base_url=rendered.base_url, url_fetcher=SafeFetcher(rendered.layers)
    ).render()
    return len(document.pages)


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_english_pack_content() -> None:
    html = render_html(make_pack()).html
    text = _text(html)
    for expected in (
        "ACME GmbH",
        "Nordlicht IT Services GmbH",
        "Q3 2026",
        "Sep 30, 2026",
        "Executive summary",
        "89.6%",
        "99.91%",
        "99.98%",
        "€612.51",
        "Tickets that missed a target",
        "Incidents on critical systems",
        "How we measured",
        "Waiting for customer",
        "closed on public holidays in Bayern (Germany)",
        "none measured",
        "1 h 00 min",
        "3 h 12 min",
        "Firmware-Update (geplant, überzogen)",
        # targets as the contract means them (issue 7 §3): 120 business minutes on an
        # 8-hour office day are two business hours; 1,440 are three office days
        "2 business hours",
        "3 business days (24 h)",
        "P1 (critical)",
        "Gold",
    ):
        assert expected in text, expected
    for internal in ("Europe/Berlin", "DE-BY", "autotask_tickets.csv", "24x7", "office",
                     "2026Q3", "469"):
        assert internal not in text, internal
    assert "counter(page)" in html and "counter(pages)" in html
    assert "data:image/svg+xml;base64," in html


def test_german_pack_content() -> None:
    text = _text(render_html(make_pack(locale="de_DE")).html)
    for expected in (
        "Zusammenfassung",
        "Servicelevel",
        "3. Quartal 2026",
        "30.09.2026",
        "89,6\xa0%",
        "99,91\xa0%",
        "612,51\xa0€",
        "1 Std. 00 Min.",
        "So haben wir gemessen",
        "Tickets mit verfehltem Ziel",
        "3 Arbeitstage (24 Std.)",
        "P1 (kritisch)",
    ):
        assert expected in text, expected
    assert "Executive summary" not in text


def test_unknown_language_falls_back_to_english() -> None:
    assert "Executive summary" in render_html(make_pack(locale="fr_FR")).html


def test_nulls_show_dashes_and_nothing_measured() -> None:
    metrics = dict(make_pack().metrics, sla_met=None)
    metrics["credits"] = {"pct": None, "amount": None, "currency": "EUR", "provisional": True}
    metrics["uptime"] = {"monitors": [], "critical_uptime_pct": None, "worst_critical_pct": None}
    text = _text(render_html(make_pack(metrics=metrics, history=(), systems=(), incidents=(),
                                       credit=None, previous=None)).html)
    assert "Nothing measured" in text and "No systems are monitored" in text
    assert "provisional" in text
    assert "None" not in text


def test_breached_rows_are_capped_with_a_pointer_to_the_workbook() -> None:
    tickets = tuple(
        make_ticket(i, "P1", response=99.0, resolution=10.0, ticket_id=f"X{i:03d}")
        for i in range(25)
    )
    text = _text(render_html(make_pack(tickets=tickets)).html)
    assert "X007" in text and "X008" not in text  # the first 8 (BREACHED_ROWS)
    assert "17 more in the workbook" in text


def test_deck_has_six_landscape_pages() -> None:
    rendered = render_html(make_pack())
    assert _pages(rendered) == 6


def test_template_dir_overrides_one_block(tmp_path: Path) -> None:
    layer = tmp_path / "tpl"
    layer.mkdir()
    (layer / "pack.html").write_text(
        '{% extends "default:pack.html" %}'
        "{% block cover %}<p>CUSTOM COVER {{ pack.client_name }}</p>{% endblock %}"
    )
    (layer / "brand.css").write_text(".tile .value { color: #123456; }")
    rendered = render_html(make_pack(client_name="A & B"), [layer])
    assert "CUSTOM COVER A &amp; B" in rendered.html
    assert "Executive summary" in rendered.html
    assert "#123456" in rendered.html
    assert rendered.base_url == layer.resolve().as_uri() + "/"
    assert rendered.layers[0] == layer.resolve()


def test_brand_folder_is_a_layer(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    (brand / "sections").mkdir(parents=True)
    (brand / "sections" / "cover.html").write_text("<p>BRAND COVER</p>")
    rendered = render_html(make_pack(brand_folder=brand))
    assert "BRAND COVER" in rendered.html and brand.resolve() in rendered.layers


def test_output_names_come_from_keys_only() -> None:
    assert output_stem("acme", "2026Q3") == "acme_2026Q3"
    for bad in ("../x", "a/b", "", ".hidden", "a\x00b"):
        with pytest.raises(ValueError):
            output_stem(bad, "2026Q3")


def test_render_pack_writes_both_files(tmp_path: Path) -> None:
    pdf, xlsx = render_pack(make_pack(client_name="../../evil"), tmp_path / "out")
    assert pdf.name == "acme_2026Q3.pdf" and xlsx.name == "acme_2026Q3.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [pdf.name, xlsx.name]


def test_failed_render_keeps_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf, xlsx = render_pack(make_pack(), tmp_path)
    before = pdf.read_bytes(), xlsx.read_bytes()

    def boom(*_args: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("qbr.report.workbook_bytes", boom)
    with pytest.raises(RuntimeError):
        render_pack(make_pack(client_name="Changed"), tmp_path)
    assert (pdf.read_bytes(), xlsx.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [pdf.name, xlsx.name]


def test_write_atomic_cleans_up_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def deny(*_args: object) -> None:
        raise PermissionError("file in use")

    monkeypatch.setattr("os.replace", deny)
    with pytest.raises(PermissionError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


def test_pending_and_unclassified_are_not_listed_as_breached() -> None:
    tickets = (
        *make_tickets()[:2],
        dataclasses.replace(make_ticket(40, None, title="UNCLASSIFIED-TICKET")),
    )
    assert "UNCLASSIFIED-TICKET" not in render_html(make_pack(tickets=tickets)).html
