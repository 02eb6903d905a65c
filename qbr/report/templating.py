"""The Jinja2 environment for pack templates (SPEC §8, STYLE rule 7).

Templates are looked up in layers, first match wins:

1. each ``--template-dir`` (in the order given),
2. the MSP's brand folder (``Pack.brand_folder``),
3. the packaged ``report_templates/default/``.

``default:<name>`` always names the packaged template, so an override can
``{% extends "default:pack.html" %}`` and replace one block. Templates of the upper
layers are MSP-editable, so every environment is a :class:`SandboxedEnvironment`
(ADVERSARIAL 5); ``autoescape=True`` for every name — ``.html.j2`` and ``.css``
included — and ``StrictUndefined`` so a typo fails instead of printing nothing. One
environment per render; the only thing shared between renders is the compiled code of
each template (:class:`MemoryBytecodeCache`, keyed by name and source checksum, so an
edited template is compiled again): compiling the deck's templates cost more than
rendering them (issue 7 §5).
"""

from __future__ import annotations

import gettext
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.bccache import Bucket
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from qbr.report.formatters import DASH, clean_text

LOG = logging.getLogger("qbr.report")


def _check_jinja_version() -> None:
    """Refuse a Jinja2 with known sandbox escapes (CVE-2024-56326, CVE-2025-27516)."""
    parts = tuple(int(p) for p in jinja2.__version__.split(".")[:3] if p.isdigit())
    if parts < (3, 1, 6):
        raise ImportError(f"qbr needs jinja2 >= 3.1.6, found {jinja2.__version__}")


_check_jinja_version()


def default_templates_dir() -> Path:
    """The packaged ``report_templates/default`` folder.

    Installed, the wheel maps the top-level ``report_templates/`` to
    ``qbr/report_templates``; in a source checkout it sits next to the ``qbr`` package."""
    packaged = Path(str(resources.files("qbr"))) / "report_templates" / "default"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "report_templates" / "default"


def template_layers(
    template_dirs: Iterable[Path] = (), brand_folder: Path | None = None
) -> tuple[Path, ...]:
    """The layer folders, highest priority first, resolved; the default is always last."""
    layers = [Path(d) for d in template_dirs]
    if brand_folder is not None:
        layers.append(Path(brand_folder))
    layers.append(default_templates_dir())
    return tuple(dict.fromkeys(layer.resolve() for layer in layers))


def _finalize(value: Any) -> Any:
    """Every ``{{ … }}`` output: None → em dash; text cleaned of controls and bidi
    overrides (ADVERSARIAL 8). Escaping happens after this, by autoescape."""
    if value is None:
        return DASH
    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))
    if isinstance(value, str):
        cleaned = clean_text(value)
        if cleaned != value:
            LOG.warning("control or bidi characters removed from %r", value[:80])
        return cleaned
    return value


def always_autoescape(_name: str | None) -> bool:
    """Autoescape decision for a template name: always yes (ADVERSARIAL 3)."""
    return True


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in process memory, shared by every environment.

    Jinja keys a bucket by the template's name and file name and checks the source's
    checksum before using it, so a changed template (or an override with the same name
    in another layer) is compiled afresh. Every environment here is built with the same
    options, so the generated code is interchangeable between them. Bounded: at most
    ``max_entries`` templates, the oldest dropped first."""

    def __init__(self, max_entries: int = 256) -> None:
        self._max = max_entries
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        with self._lock:
            self._store[bucket.key] = data
            while len(self._store) > self._max:
                self._store.pop(next(iter(self._store)))

    def clear(self) -> None:
        with self._lock:
            self._store.clear()


BYTECODE_CACHE = MemoryBytecodeCache()


def make_environment(
    layers: tuple[Path, ...],
    translations: gettext.NullTranslations,
    filters: Mapping[str, Callable[..., Any]],
) -> SandboxedEnvironment:
    """A fresh sandboxed, autoescaping, strict environment over ``layers`` (the last one
    is the packaged default, also reachable as ``default:``) with gettext installed."""
    loader = ChoiceLoader(
        [
            PrefixLoader({"default": FileSystemLoader(str(layers[-1]))}, delimiter=":"),
            FileSystemLoader([str(layer) for layer in layers]),
        ]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=BYTECODE_CACHE,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters)
    return env
