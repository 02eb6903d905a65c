"""The compiled-template cache shared between renders (issue 7 §5): it must never serve
an old template after an edit, nor one layer's template for another's."""

from __future__ import annotations

import gettext
from pathlib import Path

from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from qbr.report.templating import MemoryBytecodeCache, make_environment


def _render(layers: tuple[Path, ...]) -> str:
    env = make_environment(layers, gettext.NullTranslations(), {})
    return env.get_template("pack.html").render()


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    layer, default = tmp_path / "brand", tmp_path / "default"
    layer.mkdir()
    default.mkdir()
    (layer / "pack.html").write_text("first", encoding="utf-8")
    assert _render((layer, default)) == "first"
    assert _render((layer, default)) == "first"  # from the cache, same answer
    (layer / "pack.html").write_text("second edit", encoding="utf-8")
    assert _render((layer, default)) == "second edit"


def test_two_layers_with_the_same_name_do_not_share_code(tmp_path: Path) -> None:
    a, b, default = tmp_path / "a", tmp_path / "b", tmp_path / "default"
    for folder, text in ((a, "layer a"), (b, "layer b"), (default, "")):
        folder.mkdir()
        (folder / "pack.html").write_text(text, encoding="utf-8")
    assert _render((a, default)) == "layer a"
    assert _render((b, default)) == "layer b"


def test_the_cache_is_bounded(tmp_path: Path) -> None:
    cache = MemoryBytecodeCache(max_entries=2)
    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    env = SandboxedEnvironment(loader=FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
    assert [env.get_template(n).render() for n in ("a.html", "b.html", "c.html")] == [
        "a.html", "b.html", "c.html"]
    assert len(cache._store) == 2  # the oldest (a.html) was dropped
