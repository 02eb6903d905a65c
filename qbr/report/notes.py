"""The account manager's notes: Markdown rendered safely into headed sections (issue 7 §1).

The notes file is untrusted text. It is parsed with markdown-it-py in CommonMark mode with
``html`` off, so raw HTML stays visible as text; images become their alt text and are
never fetched; a link stays clickable only when it is ``https://`` on an allowed host
(``msp.psa_url_host``, ADVERSARIAL 4), otherwise only its text is kept. Control and bidi
characters are removed first (ADVERSARIAL 8).

Sections are split at headings (``#`` or ``##``). A heading whose text is one of the
known names (English or German, case-insensitive) goes to that slot, which the template
places: ``highlights`` and ``issues`` on the summary page, ``recommendations`` and
``next_steps`` on the last page. Any other heading is kept, in order, under ``other``
with its own title; text before the first heading is an untitled ``other`` section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from qbr.report.formatters import clean_text
from qbr.report.links import safe_link

SLOTS = {
    "highlights": ("highlights", "höhepunkte", "highlights des quartals", "erfolge"),
    "issues": ("issues", "problems", "challenges", "probleme", "themen",
               "herausforderungen"),
    "recommendations": ("recommendations", "empfehlungen"),
    "next_steps": ("next steps", "nächste schritte", "next actions", "maßnahmen"),
}


@dataclass(frozen=True)
class NoteSection:
    slot: str  # highlights, issues, recommendations, next_steps or other
    title: str | None  # the heading as written (only shown for "other")
    html: Markup  # safe HTML of the section's body


@dataclass(frozen=True)
class Notes:
    sections: tuple[NoteSection, ...]

    def slot(self, name: str) -> NoteSection | None:
        return next((s for s in self.sections if s.slot == name), None)

    @property
    def other(self) -> list[NoteSection]:
        return [s for s in self.sections if s.slot == "other"]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return md


def _slot(title: str) -> str:
    key = " ".join(title.strip().rstrip(":").split()).casefold()
    for slot, names in SLOTS.items():
        if key in names:
            return slot
    return "other"


def _tame_inline(tokens: Sequence[Token], hosts: Sequence[str]) -> None:
    """Images → alt text; links kept only when allowlisted (in place)."""
    for token in tokens:
        if token.type == "inline" and token.children:
            children: list[Token] = []
            drop_close = 0
            for child in token.children:
                if child.type == "image":
                    children.append(Token("text", "", 0, content=child.content))
                elif child.type == "link_open":
                    href = safe_link(str(child.attrGet("href") or ""), hosts, "notes")
                    if href is None:
                        drop_close += 1
                        continue
                    child.attrs = {"href": href}
                    children.append(child)
                elif child.type == "link_close" and drop_close:
                    drop_close -= 1
                else:
                    children.append(child)
            token.children = children


def render_notes(text: str | None, hosts: Sequence[str] = ()) -> Notes | None:
    """The notes as sections of safe HTML; None when there is no text."""
    if text is None or not text.strip():
        return None
    md = _parser()
    tokens = md.parse(clean_text(text))
    _tame_inline(tokens, hosts)
    sections: list[NoteSection] = []
    title: str | None = None
    body: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open" and tok.tag in ("h1", "h2"):
            _flush(md, sections, title, body)
            title = tokens[i + 1].content
            body = []
            i += 3  # heading_open, inline, heading_close
            continue
        body.append(tok)
        i += 1
    _flush(md, sections, title, body)
    return Notes(tuple(sections)) if sections else None


def _flush(md: MarkdownIt, sections: list[NoteSection], title: str | None,
           body: list[Token]) -> None:
    html = md.renderer.render(body, md.options, {}).strip()
    if not html and title is None:
        return
    slot = "other" if title is None else _slot(title)
    # markdown-it escapes text and attributes itself (html=False), so its output is safe.
    sections.append(NoteSection(slot, title, Markup(html)))
