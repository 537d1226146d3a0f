"""Clean step: a fetched body (HTML or plain text) -> CleanDocument.

sources -> raw snapshot -> **clean document** -> draft records -> review queue -> curated dataset

- ``clean(body, source=...)`` decodes bytes (clean_decode), tells HTML from plain text, keeps the
  page's main text as blocks (clean_html for HTML, clean_text for text), marks reference lists
  (kind "reference", so later steps can ignore them) and reads metadata (clean_meta).
- ``main_text(html)`` is the article text alone (used by the boilerplate benchmark).

Content that cannot become a document raises ``CleanError`` with a one-line reason.
"""

from __future__ import annotations

import html as html_lib
import re

from extractors import clean_html, clean_meta, clean_text
from extractors.clean_decode import DecodeError, decode, looks_like_html, scrub
from extractors.clean_html import RawBlock, cues, normalize_line
from trial_curate.models import Block, CleanDocument

MAX_CHARS = 10_000_000  # longer bodies are cut here (bounded time and memory)
BLOCK_SEP = "\n\n"

# "Attal M, ..." or a numbered entry ("1. Attal M", "[3] Attal M", "2. Updated analysis of ...");
# a plain paragraph that merely starts with a capital is never one, whatever numbers it holds.
_CITATION_START = re.compile(r"^\s*(?:(?:\[?\d{1,3}[.)\]]\s*|\d{1,3}\s+)(?:[A-Z\[\"“])|[A-Z][\w'’\-]+,?\s+(?:[A-Z]{1,3}\b|[A-Z]\.))")
_CITATION_BODY = re.compile(r"\b(?:19|20)\d\d\b.*?(?:\d+\s*(?:\(\d+\))?\s*[:;]\s*[e\d]|\bdoi\b|pubmed|\bet al\b|\bpp?\.\s*\d|\bvol\.|https?://)|(?:\bdoi\b|\bet al\b).*?\b(?:19|20)\d\d\b", re.I)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|td|th|section|article|blockquote|pre|ul|ol|table|dd|dt)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


class CleanError(ValueError):
    """A body that cannot become a clean document (binary, empty, no visible text)."""


# --------------------------------------------------------------------------- public API


def main_text(html: str) -> str:
    """The article's main text of an HTML page, blocks separated by blank lines (no title)."""
    root = clean_html.parse(html[:MAX_CHARS])
    if root is None:
        blocks, _, _ = clean_text.text_blocks(markup_to_text(html[:MAX_CHARS]))
    else:
        blocks = clean_html.extract_blocks(root)
        _mark_title(blocks, clean_meta.Meta())
    return BLOCK_SEP.join(b.text for b in blocks if b.kind != "title")


def clean(body: bytes | str, *, source: str, content_type: str | None = None,
          snapshot_sha256: str | None = None) -> CleanDocument:
    """Decode, de-boilerplate and structure one fetched body."""
    text = _decoded(body, content_type)
    if looks_like_html(text, content_type):
        blocks, meta = _from_html(text)
    else:
        blocks, meta = _from_plain_text(text)
    blocks = mark_references(blocks)
    doc = assemble(blocks, source=source, snapshot_sha256=snapshot_sha256, meta=meta)
    if not doc.text.strip():
        raise CleanError("no visible text: the page holds only markup, scripts or furniture")
    return doc


# --------------------------------------------------------------------------- steps


def _decoded(body: bytes | str, content_type: str | None) -> str:
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        if not data.strip():
            raise CleanError("empty body")
        try:
            text, _ = decode(data[: MAX_CHARS * 2], content_type)
        except DecodeError as e:
            raise CleanError(str(e)) from None
    elif isinstance(body, str):
        text = body[:MAX_CHARS].lstrip("\ufeff")
    else:
        raise CleanError(f"body must be bytes or str, not {type(body).__name__}")
    text = scrub(text[:MAX_CHARS])
    if not text.strip():
        raise CleanError("empty body")
    return text


def _from_html(text: str) -> tuple[list[RawBlock], clean_meta.Meta]:
    meta = clean_meta.Meta()
    root = clean_html.parse(text)
    if root is None:  # markup the parser rejects: read it as text
        blocks, meta = _from_plain_text(markup_to_text(text))
        return blocks, meta
    found = clean_html.tags_named(root, clean_meta.MARKUP_TAGS | {"script", "frame", "iframe"})
    clean_meta.from_json_ld(clean_html.json_ld_texts(found), meta)
    clean_meta.from_markup(found, meta)
    frames = [f.get("src") for f in found.get("frame", []) + found.get("iframe", []) if f.get("src")]
    blocks = clean_html.extract_blocks(root)
    if not blocks:
        if frames:
            raise CleanError(f"frameset without text of its own (frames: {', '.join(frames[:5])})")
        raise CleanError("no visible text: the page holds only markup, scripts or furniture")
    _visible_metadata(blocks, meta)
    _mark_title(blocks, meta)
    return blocks, meta


def _from_plain_text(text: str) -> tuple[list[RawBlock], clean_meta.Meta]:
    blocks, authors, date = clean_text.text_blocks(text)
    meta = clean_meta.Meta(published=date, authors=authors)
    meta.title = next((b.text for b in blocks if b.kind == "title"), None)
    if not blocks:
        raise CleanError("no main text: every line of the page is furniture or empty")
    return blocks, meta


def markup_to_text(markup: str) -> str:
    """Crude text of markup the parser rejects: tags removed, block tags as line breaks."""
    s = _SCRIPT_STYLE.sub(" ", markup)
    s = _BLOCK_TAG.sub("\n", s)
    s = _ANY_TAG.sub("", s)
    return html_lib.unescape(s)


def _visible_metadata(blocks: list[RawBlock], meta: clean_meta.Meta) -> None:
    """Date and bylines from short visible lines near the top, when the markup had none."""
    for b in blocks[:12]:
        if len(b.text) > 200:
            continue
        for line in b.text.split("\n"):
            if not meta.date:
                meta.published = clean_meta.date_from_line(line) or meta.published
            if not meta.authors:
                meta.authors = clean_meta.byline_names(line)


def _mark_title(blocks: list[RawBlock], meta: clean_meta.Meta) -> None:
    """The first heading that repeats the page title becomes the "title" block."""
    for b in blocks[:5]:
        if b.kind == "heading":
            if b.level == 1 or (meta.title and normalize_line(b.text) == normalize_line(meta.title)):
                b.kind = "title"
                meta.title = meta.title or b.text
            return


def looks_like_citation(text: str) -> bool:
    """A bibliography entry: 'Attal M, ... N Engl J Med. 2012;366:1782-91.' and the like."""
    return len(text) < 1200 and bool(_CITATION_START.match(text)) and bool(_CITATION_BODY.search(text))


def mark_references(blocks: list[RawBlock]) -> list[RawBlock]:
    """Blocks of reference lists become kind "reference" (kept in place, never dropped).

    A reference list is what follows a heading such as "References" or "Bibliography" up to
    the next heading of the same or a higher rank or the first paragraph of prose (a "References"
    entry in a page's table of contents is followed by the article), or a run of two or more
    citation-like list items or paragraphs.
    """
    ref_headings = cues().reference_headings
    in_refs_level: int | None = None
    for b in blocks:
        if b.kind in ("heading", "title"):
            level = b.level or 2
            if normalize_line(b.text) in ref_headings:
                in_refs_level = level
                continue
            if in_refs_level is not None and level <= in_refs_level:
                in_refs_level = None
            continue
        if in_refs_level is not None and b.kind in ("paragraph", "list_item", "table_cell"):
            if len(b.text) >= 150 and not looks_like_citation(b.text) and not _CITATION_BODY.search(b.text):
                in_refs_level = None
                continue
            b.kind = "reference"
    # citation runs without a heading
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].kind in ("paragraph", "list_item", "reference") and looks_like_citation(blocks[j].text):
            j += 1
        if j - i >= 2:
            for b in blocks[i:j]:
                b.kind = "reference"
        i = max(j, i + 1)
    return blocks


def assemble(blocks: list[RawBlock], *, source: str, snapshot_sha256: str | None,
             meta: clean_meta.Meta) -> CleanDocument:
    """Join blocks into text with blank lines between them and exact offsets."""
    parts: list[str] = []
    out: list[Block] = []
    pos = 0
    for b in blocks:
        text = b.text.strip()
        if not text:
            continue
        if parts:
            pos += len(BLOCK_SEP)
        out.append(Block(kind=b.kind, start=pos, end=pos + len(text),
                         level=b.level if b.kind in ("heading", "title") else None))
        parts.append(text)
        pos += len(text)
    return CleanDocument(
        source=source,
        snapshot_sha256=snapshot_sha256,
        title=meta.title,
        text=BLOCK_SEP.join(parts),
        blocks=out,
        date=meta.date,
        authors=meta.authors,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
    )
