"""Issue 7 §2 and ADVERSARIAL 4, 7, 8, 12: a client's files hold only that client's data;
links, huge content and hostile characters are handled and logged."""

from __future__ import annotations

import dataclasses
import io
import logging
import time
from pathlib import Path

import openpyxl
import pytest
from helpers_pack import make_pack, make_tickets
from mini_project import AS_OF, CONFIG, MAINTENANCE, OUTAGES, STATUS
from pypdf import PdfReader

from qbr import api
from qbr.report import render_html, workbook_bytes
from qbr.report.budget import RenderBudgetError, run_with_budget
from qbr.report.links import safe_link
from qbr.report.pdf import formatters_for

# Two look-alike clients in one shared export: Nord has 2 tickets, Süd 3, the file 5 rows.
TWINS = CONFIG.replace('''[clients.acme]
name = "ACME GmbH"''', '''[clients.nord]
name = "Acme Nord GmbH"
tier = "gold"
timezone = "Europe/Berlin"
locale = "de_DE"
fee = 5000
currency = "EUR"

[clients.acme]
name = "Acme Süd GmbH"''').replace('aliases = ["Acme"]', "aliases = []")
TWIN_TICKETS = """Ticket,Company,Priority,Created,Responded,Resolved,Closed,Status,Title
N-1,Acme Nord GmbH,P2,2026-07-06T07:00:00Z,2026-07-06T07:10:00Z,2026-07-06T09:00:00Z,,Resolved,Nordlicht drucker
N-2,Acme Nord GmbH,P3,2026-07-07T07:00:00Z,2026-07-07T07:20:00Z,2026-07-07T10:00:00Z,,Resolved,Nordlicht mail
S-1,Acme Süd GmbH,P2,2026-07-06T07:00:00Z,2026-07-06T07:10:00Z,2026-07-06T09:00:00Z,,Resolved,Suedwind vpn
S-2,Acme Süd GmbH,P3,2026-07-08T07:00:00Z,2026-07-08T07:20:00Z,2026-07-08T10:00:00Z,,Resolved,Suedwind vpn
S-3,Acme Süd GmbH,P4,2026-07-09T07:00:00Z,2026-07-09T07:20:00Z,2026-07-09T10:00:00Z,,Resolved,Suedwind laptop
"""


def _twins(tmp_path: Path) -> dict[str, tuple[str, set[str]]]:
    for name, text in (("qbr.toml", TWINS), ("tickets.csv", TWIN_TICKETS),
                       ("status.csv", STATUS.splitlines()[0] + "\n"), ("outages.csv", OUTAGES),
                       ("maintenance.csv", MAINTENANCE.replace("ACME GmbH", "Acme Süd GmbH"))):
        (tmp_path / name).write_text(text, encoding="utf-8")
    cfg = api.load(tmp_path / "qbr.toml")
    result = api.batch(cfg, "2026Q3", tmp_path / "out", as_of=AS_OF, jobs=1)
    assert result.exit_code == 0, result.outcomes
    out = {}
    for key in ("nord", "acme"):
        pdf = tmp_path / "out" / f"{key}_2026Q3.pdf"
        text = " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
        wb = openpyxl.load_workbook(tmp_path / "out" / f"{key}_2026Q3.xlsx")
        cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                 if c.value is not None}
        out[key] = (" ".join(text.split()), cells)
    return out


def test_look_alike_clients_never_see_each_other(tmp_path: Path) -> None:
    packs = _twins(tmp_path)
    nord_text, nord_cells = packs["nord"]
    sued_text, sued_cells = packs["acme"]
    assert "Acme Nord GmbH" in nord_text and "Acme Süd GmbH" in sued_text
    for text, cells, other_name, other_ids, other_title in (
        (nord_text, nord_cells, "Acme Süd", ("S-1", "S-2", "S-3"), "Suedwind"),
        (sued_text, sued_cells, "Acme Nord", ("N-1", "N-2"), "Nordlicht"),
    ):
        assert other_name not in text and other_title not in text
        assert not any(other_name in c or other_title in c for c in cells)
        assert not set(other_ids) & cells and not any(i in text for i in other_ids)
        # no whole-file accounting, file names or config keys in a client's files
        for internal in ("tickets.csv", "outages.csv", "Europe/Berlin", "24x7"):
            assert internal not in text and not any(internal in c for c in cells)
    # own counts only: Nord opened 2 tickets, Süd 3 (the file has 5 rows)
    assert "In diesem Quartal wurden 2 Tickets eröffnet" in nord_text
    assert "In diesem Quartal wurden 3 Tickets eröffnet" in sued_text
    assert "5 Tickets" not in nord_text and "5 Tickets" not in sued_text


def test_internal_appendix_only_on_request(tmp_path: Path) -> None:
    config = tmp_path / "qbr.toml"
    _twins(tmp_path)
    cfg = api.load(config)
    result = api.report(cfg, "nord", "2026Q3", tmp_path / "int", as_of=AS_OF,
                        options=api.RenderOptions(internal=True))
    names = sorted(p.name for p in result.outcomes[0].files)
    assert names == ["nord_2026Q3.pdf", "nord_2026Q3.xlsx", "nord_2026Q3_internal.pdf",
                     "nord_2026Q3_internal.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "int" / "nord_2026Q3_internal.xlsx")
    cells = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    assert "tickets.csv" in cells and 5 in cells  # the whole file: 5 rows read


def test_a_run_without_internal_removes_the_earlier_internal_files(tmp_path: Path) -> None:
    """Issue 7 §2: after ``--internal`` then a plain run, only the client's pair is left in
    the folder; an MSP-wide appendix next to a newer pack could be mailed with it."""
    _twins(tmp_path)
    cfg = api.load(tmp_path / "qbr.toml")
    api.report(cfg, "nord", "2026Q3", tmp_path / "o", as_of=AS_OF,
               options=api.RenderOptions(internal=True))
    assert (tmp_path / "o" / "nord_2026Q3_internal.pdf").is_file()
    api.report(cfg, "nord", "2026Q3", tmp_path / "o", as_of=AS_OF)
    left = sorted(p.name for p in (tmp_path / "o").iterdir() if not p.name.startswith("."))
    assert left == ["nord_2026Q3.pdf", "nord_2026Q3.xlsx"]


def test_batch_passes_the_render_options_to_its_workers(tmp_path: Path) -> None:
    """``batch --internal`` writes the internal pair next to each client's pair, through
    the workers and the pair commit; switching the option off re-renders (the options are
    part of the config fingerprint), so an unchanged client is not skipped wrongly."""
    _twins(tmp_path)
    cfg = api.load(tmp_path / "qbr.toml")
    run = api.batch(cfg, "2026Q3", tmp_path / "b", as_of=AS_OF, jobs=1,
                    options=api.RenderOptions(internal=True, budget_seconds=120.0))
    assert run.exit_code == 0, run.outcomes
    nord = next(o for o in run.outcomes if o["client"] == "nord")
    assert sorted(Path(f["path"]).name for f in nord["files"]) == [
        "nord_2026Q3.pdf", "nord_2026Q3.xlsx", "nord_2026Q3_internal.pdf",
        "nord_2026Q3_internal.xlsx"]
    again = api.batch(cfg, "2026Q3", tmp_path / "b", as_of=AS_OF, jobs=1)
    assert {o["status"] for o in again.outcomes} == {"written"}


# ------------------------------------------------------------ ADVERSARIAL 4: links


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "file:///etc/passwd", "\\\\attacker.example\\share",
    "https://evil.example/", "http://psa.example.de/ticket/1",
    "https://psa.example.de@evil.example/", "https://psa.example.de.evil.example/x",
])
def test_only_https_on_the_psa_host_becomes_a_link(url: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="qbr.report"):
        assert safe_link(url, ["psa.example.de"], "tickets.csv row 7 column URL") is None
    assert "tickets.csv row 7 column URL" in caplog.text


def test_allowed_link_in_pdf_and_workbook() -> None:
    good, bad = "https://psa.example.de/ticket/4711", "javascript:alert(1)"
    base = make_tickets()
    tickets = tuple(dataclasses.replace(t, url=good if i % 2 else bad)
                    for i, t in enumerate(base))
    pack = make_pack(tickets=tickets, link_hosts=("psa.example.de",))
    html = render_html(pack).html
    assert f'href="{good}"' in html and "javascript:" not in html
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(pack, formatters_for(pack))))
    links = {c.hyperlink.target for row in wb["Tickets"].iter_rows() for c in row
             if c.hyperlink is not None}
    assert links == {good}


# ------------------------------------------------------- ADVERSARIAL 7: render budget


def _slow() -> int:
    time.sleep(30)
    return 1


def test_render_budget_stops_a_slow_client() -> None:
    started = time.monotonic()
    with pytest.raises(RenderBudgetError, match="longer than 1 s"):
        run_with_budget(_slow, "acme", 1.0)
    assert time.monotonic() - started < 10


def _greedy() -> int:
    blob = bytearray(600 * 1024 * 1024)
    return len(blob)


def test_render_budget_caps_memory() -> None:
    with pytest.raises(RenderBudgetError, match="more than 256 MB"):
        run_with_budget(_greedy, "acme", 30.0, memory_mb=256)


def test_memory_cap_counts_what_the_render_adds_not_what_the_parent_maps() -> None:
    # A batch parent holding a large portfolio (or Arrow's thread arenas) maps more address
    # space than the budget before any render starts: 3 GB reserved here, never touched.
    # (100 MB, not less: a smaller block may come from heap the parent already freed.)
    # A small render must still succeed under a 256 MB cap, and a greedy one still fail.
    import mmap

    reserved = mmap.mmap(-1, 3 * 1024 ** 3, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        assert run_with_budget(lambda: len(bytearray(100 * 1024 * 1024)), "acme", 30.0,
                               memory_mb=256) == 100 * 1024 * 1024
        with pytest.raises(RenderBudgetError, match="more than 256 MB"):
            run_with_budget(_greedy, "acme", 30.0, memory_mb=256)
    finally:
        reserved.close()


def test_budget_returns_the_result() -> None:
    assert run_with_budget(lambda: 42, "acme", 30.0) == 42


# ------------------------------------------- ADVERSARIAL 8 and 12: hostile characters


def test_control_and_bidi_characters_are_removed_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    title = "Rechnung\u202efdp\x1b[31m\x00 \u200bok"
    pack = make_pack(tickets=(dataclasses.replace(make_tickets()[0], title=title),),
                     client_name="Rech\u202enung GmbH")
    with caplog.at_level(logging.WARNING, logger="qbr.report"):
        html = render_html(pack).html
        workbook_bytes(pack, formatters_for(pack))
    assert "\u202e" not in html and "\x1b" not in html and "\x00" not in html
    assert "control or bidi characters removed" in caplog.text
    assert "cannot hold replaced" in caplog.text


def test_over_long_cell_is_cut_with_a_logged_notice(caplog: pytest.LogCaptureFixture) -> None:
    long = "x" * 40_000
    pack = make_pack(tickets=(dataclasses.replace(make_tickets()[0], title=long),))
    with caplog.at_level(logging.WARNING, logger="qbr.report"):
        data = workbook_bytes(pack, formatters_for(pack))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    titles = [c.value for c in wb["Tickets"]["B"] if c.value and c.value.startswith("xxx")]
    assert len(titles[0]) == 32_767 and titles[0].endswith("]")
    assert "ticket T20260" in caplog.text and "40000 characters cut" in caplog.text
