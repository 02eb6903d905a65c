"""qbr figures as CSV, HTML snippet and SVG badge (issue 8 §3): every format shows the
document's value with window, method, counts, rounding and suppression; no figure ever
looks better than the exact value."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from mini_project import AS_OF, write_mini_project

from qbr.cli import main
from qbr.figures import _figure, _Pool
from qbr.figures_out import figures_csv, figures_html, figures_svg, shown

FIDS = ["uptime", "response_median", "response_median_p1", "response_attainment",
        "resolution_attainment"]


def _doc(figure: dict[str, object]) -> dict[str, object]:
    return {"schema": "qbr.figures/1", "as_of": "2026-10-05T06:00:00+00:00",
            "window": {"from": "2026-07-01", "to": "2026-09-30", "label": "2026Q3"},
            "min_clients": 5, "opted_out": 1, "clients": 9, "figures": [figure]}


clients = st.sets(st.sampled_from([f"c{i}" for i in range(9)]), min_size=1)


@given(fid=st.sampled_from(FIDS), who=clients, min_clients=st.integers(1, 9),
       minutes=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30),
       met=st.integers(0, 10_000), extra=st.integers(0, 10_000),
       up=st.floats(0, 1e9, allow_nan=False), down=st.floats(0, 1e9, allow_nan=False))
def test_no_figure_ever_looks_better_than_the_exact_value(
        fid: str, who: set[str], min_clients: int, minutes: list[float], met: int,
        extra: int, up: float, down: float) -> None:
    pool = _Pool(clients=who)
    if fid.startswith("response_median"):
        pool.values, pool.count = minutes, len(minutes)
    elif fid == "uptime":
        pool.num, pool.den, pool.count = up, up + down, 1
    else:
        pool.num, pool.den, pool.count = met, met + extra, met + extra
    fig = _figure(fid, pool, min_clients, "2026Q3")
    if len(who) < min_clients:
        assert fig["suppressed"] and fig["value"] is None and fig["exact"] is None
        assert shown(fig) == "suppressed"
        return
    if fig["value"] is None:
        return
    if fig["unit"] == "min":
        assert fig["rounding"] == "up" and fig["value"] >= fig["exact"]
    else:
        assert fig["rounding"] == "down" and fig["value"] <= fig["exact"]
    # Every output shows exactly the document's value.
    doc = _doc(fig)
    assert shown(fig) in figures_html(doc) and shown(fig) in figures_svg(doc, fid)
    row = next(csv.DictReader(io.StringIO(figures_csv(doc))))
    assert row["value"] == str(fig["value"]) and row["rounding"] == fig["rounding"]


def test_spec_rounding_examples_in_every_format() -> None:
    # 9.2 business minutes → "10 min"; 99.9949 % → "99.99 %" (SPEC §5).
    median = _figure("response_median", _Pool(clients={"a", "b"}, count=1, values=[9.2]),
                     2, "2026Q3")
    assert median["value"] == 10 and median["exact"] == 9.2
    pool = _Pool(clients={"a", "b"}, count=1, num=99.9949, den=100.0)
    uptime = _figure("uptime", pool, 2, "2026Q3")
    assert uptime["value"] == 99.99
    doc = _doc(uptime)
    svg = figures_svg(doc, "uptime")
    ET.fromstring(svg)  # well-formed
    assert "<text x=\"" in svg and ">99.99 %</text>" in svg
    assert "Time-weighted uptime" in ET.fromstring(svg).find(
        "{http://www.w3.org/2000/svg}title").text  # type: ignore[union-attr]
    html = figures_html(doc)
    assert "<script" not in html and "99.99 %" in html and "1 clients opted out" in html
    assert "2 clients, 1 monitor-quarters" in html


def test_html_and_svg_escape_text() -> None:
    fig = _figure("uptime", _Pool(clients={"a"}, count=1, num=1.0, den=1.0), 1, "x")
    doc = _doc(fig)
    doc["window"] = {"from": "<b>", "to": "2026", "label": "<script>alert(1)</script>"}
    assert "<script>" not in figures_html(doc) and "<script>" not in figures_svg(doc, "uptime")
    assert "&lt;script&gt;" in figures_html(doc)


def test_cli_formats(tmp_path: Path) -> None:
    config = write_mini_project(tmp_path)
    base = ["figures", "--config", str(config), "--quarters", "2026Q3", "--as-of", AS_OF]
    out = CliRunner().invoke(main, [*base, "--format", "csv"])
    assert out.exit_code == 0 and out.stdout.startswith("id,label,value,unit,rounding,")
    # One client < min_clients 5: every figure suppressed, with its counts kept.
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["suppressed"] for r in rows] == ["true"] * 5 and rows[0]["clients"] == "1"
    svg = CliRunner().invoke(main, [*base, "--format", "svg", "--figure", "response_median"])
    assert svg.exit_code == 0 and ">suppressed</text>" in svg.stdout
    bad = CliRunner().invoke(main, [*base, "--format", "svg", "--figure", "nps"])
    assert bad.exit_code == 2 and "Invalid value for '--figure'" in bad.stderr
