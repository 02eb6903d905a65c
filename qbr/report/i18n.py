"""Message catalogs for the report layer.

The catalogs are the ``.po`` files under ``qbr/locale/<lang>/LC_MESSAGES/qbr.po``; they
ship in the wheel as package data and are compiled in memory at load time (Babel's
``read_po`` → ``write_mo`` → :class:`babel.support.Translations`), so there is no build
step and no ``.mo`` file to forget. English msgids are the source text: an unknown
language falls back to them.
"""

from __future__ import annotations

import gettext
from importlib import resources
from io import BytesIO

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "qbr"


def language_candidates(locale: str) -> list[str]:
    """``"de_DE"`` → ``["de_DE", "de"]``; ``"en"`` → ``["en"]``."""
    parsed = Locale.parse(locale.replace("-", "_"))
    names = [str(parsed)]
    if parsed.language not in names:
        names.append(parsed.language)
    return names


def _read_catalog(language: str) -> bytes | None:
    """The ``.po`` text of ``language`` from the installed package, or None."""
    path = resources.files("qbr") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return None
    return path.read_bytes()


def load_translations(locale: str) -> gettext.NullTranslations:
    """Translations for ``locale`` (e.g. ``"de_DE"``), compiled from the packaged ``.po``.

    Falls back from the territory to the language, then to the English msgids."""
    for language in language_candidates(locale):
        data = _read_catalog(language)
        if data is None:
            continue
        catalog = read_po(BytesIO(data), locale=language, domain=DOMAIN)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(fp=buffer, domain=DOMAIN)
    return gettext.NullTranslations()
