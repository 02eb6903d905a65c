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
environment per render; nothing is global.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
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
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters)
    return env
