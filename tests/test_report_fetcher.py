"""SafeFetcher (SPEC §8): data: and files inside template layers only; the rest refused
and logged as "blocked resource" with the URL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from qbr.report.fetcher import BlockedResource, SafeFetcher


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    root = tmp_path / "layer"
    (root / "img").mkdir(parents=True)
    (root / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "style.css").write_text("p { color: red }")
    (tmp_path / "secret.css").write_text("SECRET")
    (root / "escape.css").symlink_to(tmp_path / "secret.css")
    return root


def _refused(fetcher: SafeFetcher, url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    with (
        caplog.at_level(logging.WARNING, logger="qbr.report.fetcher"),
        pytest.raises(BlockedResource),
    ):
        fetcher.fetch(url)
    assert any(
        "blocked resource" in r.getMessage() and url in r.getMessage() for r in caplog.records
    )


def test_data_uri_is_served(layer: Path) -> None:
    response = SafeFetcher([layer]).fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_file_inside_layer_is_served_with_mime_type(layer: Path) -> None:
    fetcher = SafeFetcher([layer])
    svg = fetcher.fetch((layer / "img" / "logo.svg").as_uri())
    assert svg.read().startswith(b"<svg") and svg.content_type == "image/svg+xml"
    css = fetcher.fetch((layer / "style.css").as_uri())
    assert css.content_type == "text/css"
    assert fetcher.blocked == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///dev/zero",
        "http://127.0.0.1:9/x.png",
        "https://cdn.example/logo.png",
        "ftp://example.com/a.css",
        "file://attacker.example/share/x.css",
    ],
)
def test_outside_urls_are_refused_and_logged(
    layer: Path, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    fetcher = SafeFetcher([layer])
    _refused(fetcher, url, caplog)
    assert fetcher.blocked == [url]


def test_symlink_leading_outside_is_refused(layer: Path, caplog: pytest.LogCaptureFixture) -> None:
    _refused(SafeFetcher([layer]), (layer / "escape.css").as_uri(), caplog)


def test_traversal_out_of_layer_is_refused(layer: Path, caplog: pytest.LogCaptureFixture) -> None:
    _refused(SafeFetcher([layer]), layer.as_uri() + "/../secret.css", caplog)


def test_missing_file_and_unservable_type_are_refused(
    layer: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (layer / "notes.txt").write_text("x")
    fetcher = SafeFetcher([layer])
    _refused(fetcher, (layer / "missing.css").as_uri(), caplog)
    _refused(fetcher, (layer / "notes.txt").as_uri(), caplog)
