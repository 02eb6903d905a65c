"""Rendering security (SPEC §8; ADVERSARIAL 1, 2a, 3, 5, 6, 8)."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import re
import shutil
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import weasyprint
from helpers_pack import make_pack, make_ticket, make_tickets
from jinja2.exceptions import SecurityError

from qbr.report import html_to_pdf, render_html
from qbr.report.fetcher import SafeFetcher
from qbr.report.pdf import context_for, environment_for
from qbr.report.templating import always_autoescape, default_templates_dir

HOSTILE = "<script>x</script>\"'&"
_NO_DATA = {"sections/sla_badge.html"}  # shows only catalog text


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"p{color:red}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[int, list[str]]]:
    """A loopback HTTP server that records every request path."""
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


def _breached_ticket(title: str, ticket_id: str = "T-1") -> Any:
    return make_ticket(1, "P1", title=title, response=99.0, ticket_id=ticket_id)


def _pdf_streams(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed appended (for content searches)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(match.group(1)))
    return b"\n".join(out)


def test_ssrf_lfi_payload_in_title_is_inert(
    tmp_path: Path, loopback: tuple[int, list[str]]
) -> None:
    port, hits = loopback
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-7f3a9c")
    payload = (
        f'<img src="http://127.0.0.1:{port}/img"><link rel="attachment" '
        f'href="file://{canary}"><style>@import url(http://127.0.0.1:{port}/css)</style>'
    )
    pack = make_pack(
        tickets=(*make_tickets(), _breached_ticket(payload)),
        client_name=f'<img src="http://127.0.0.1:{port}/client">',
    )
    rendered = render_html(pack)
    assert "&lt;img src=&#34;http://127.0.0.1" in rendered.html
    assert '<link rel="attachment"' not in rendered.html
    pdf = html_to_pdf(rendered)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert b"/EmbeddedFiles" not in pdf
    assert b"CANARY-7f3a9c" not in _pdf_streams(pdf)
    if shutil.which("pdftotext"):
        (tmp_path / "out.pdf").write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "out.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "<img src=" in text


def test_every_weasyprint_object_gets_the_safe_fetcher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Any] = []
    for name in ("HTML", "CSS"):
        original = getattr(weasyprint, name)

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            seen.append(kwargs.get("url_fetcher"))
            return _original(*args, **kwargs)

        monkeypatch.setattr(weasyprint, name, spy)
    html_to_pdf(render_html(make_pack()))
    assert seen and all(isinstance(f, SafeFetcher) for f in seen)


def test_blocked_resource_in_template_is_logged_and_render_finishes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, loopback: tuple[int, list[str]]
) -> None:
    port, hits = loopback
    layer = tmp_path / "tpl"
    (layer / "sections").mkdir(parents=True)
    (layer / "sections" / "cover.html").write_text(
        f'<img src="http://127.0.0.1:{port}/logo.png"><img src="../../../etc/hostname">'
        '<link rel="attachment" href="file:///dev/zero">'
    )
    with caplog.at_level("WARNING", logger="qbr.report.fetcher"):
        pdf = html_to_pdf(render_html(make_pack(), [layer]))
    assert pdf.startswith(b"%PDF") and hits == []
    assert b"/EmbeddedFiles" not in pdf
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert f"blocked resource: http://127.0.0.1:{port}/logo.png" in messages
    assert "file:///dev/zero" in messages


def _hostile_pack() -> Any:
    tickets = tuple(
        dataclasses.replace(
            t,
            title=HOSTILE,
            ticket_id=HOSTILE,
            system=HOSTILE,
            calendar=HOSTILE,
            source_file=HOSTILE,
            priority_raw=HOSTILE,
        )
        for t in make_tickets()
    )
    pack = make_pack(tickets=tickets)
    metrics = dict(pack.metrics, name=HOSTILE, tier=HOSTILE)
    metrics["uptime"] = dict(
        metrics["uptime"],
        monitors=[dict(m, monitor=HOSTILE) for m in metrics["uptime"]["monitors"]],
    )
    for measure in ("response", "resolution"):
        metrics[measure] = {
            k if k == "all" else HOSTILE + k: v for k, v in metrics[measure].items()
        }
    outages = tuple(dataclasses.replace(o, monitor=HOSTILE, reason=HOSTILE) for o in pack.outages)
    calendars = tuple(
        dataclasses.replace(c, name=HOSTILE, holidays=HOSTILE) for c in pack.calendars
    )
    return dataclasses.replace(
        pack,
        msp_name=HOSTILE,
        client_name=HOSTILE,
        tier=HOSTILE,
        quarter=HOSTILE,
        metrics=metrics,
        outages=outages,
        calendars=calendars,
        pause_statuses=(HOSTILE,),
        primary_color=HOSTILE,
        accent_color=HOSTILE,
    )


def _packaged_templates() -> list[str]:
    root = default_templates_dir()
    names = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.suffix in (".html", ".css", ".j2")
    ]
    assert "pack.html" in names and "pack.css" in names
    return sorted(names)


@pytest.mark.parametrize("name", _packaged_templates())
def test_every_packaged_template_escapes_data(name: str) -> None:
    pack = _hostile_pack()
    env, fmt, layers = environment_for(pack)
    context = context_for(pack, fmt, layers)
    context["rows"] = context["sla"]["response"]  # the sla_table.html partial's argument
    out = env.get_template(name).render(context)
    assert "<script>" not in out
    if name.endswith(".html") and name not in _NO_DATA:
        assert "&lt;script&gt;" in out


def test_autoescape_is_on_for_every_template_name() -> None:
    env, _fmt, _layers = environment_for(make_pack())
    assert env.autoescape is True
    for name in ("x.html.j2", "pack.html", "pack.css", "x.txt", "x", None):
        assert always_autoescape(name) is True
    env.loader = None
    assert "&lt;b&gt;" in env.from_string("{{ v }}").render(v="<b>")


def test_template_syntax_in_data_is_literal() -> None:
    titles = ("{{ 7*7 }}", "{% include '/etc/passwd' %}")
    tickets = tuple(_breached_ticket(t, f"T-{i}") for i, t in enumerate(titles))
    html = render_html(make_pack(tickets=tickets)).html
    assert "{{ 7*7 }}" in html and "{% include &#39;/etc/passwd&#39; %}" in html
    assert "root:" not in html


def test_override_templates_are_sandboxed(tmp_path: Path) -> None:
    layer = tmp_path / "tpl"
    layer.mkdir()
    (layer / "pack.html").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        render_html(make_pack(), [layer])


def test_bad_brand_colour_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    pack = make_pack(primary_color="red; background:url(http://127.0.0.1:9/x)")
    html = render_html(pack).html
    assert "127.0.0.1:9" not in html and "#1F3A5F" in html
    assert "not #RRGGBB" in caplog.text


def test_bidi_and_control_characters_are_removed() -> None:
    pack = make_pack(
        client_name="Rechnung\u202efdp\x1b[31m\x00",
        tickets=(_breached_ticket("a\u200bb\x0bc\ud800"),),
    )
    html = render_html(pack).html
    assert "\u202e" not in html and "\x1b" not in html and "\x00" not in html
    assert "Rechnungfdp[31m" in html and "a\u200bbc\ufffd" in html
