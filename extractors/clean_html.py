"""Main-content extraction from an HTML page (the boilerplate remover).

How it works, in three passes over an lxml tree:

1. *Prune*: drop elements that never carry article text (scripts, styles, forms controls,
   hidden elements, media).
2. *Score*: bottom-up, every block element gets G (characters of "good" paragraph text:
   long, few links, not inside page furniture) and B (everything else: link text, short
   fragments, text inside navigation/sidebars/comments).  The main container is the element
   maximising ``G - ALPHA * B``; siblings that are mostly good text join it.
3. *Emit*: walk the chosen container once more and turn it into blocks (heading, paragraph,
   list item, table cell, caption, quote, code), skipping furniture subtrees and link lists.

Class/id hints and boilerplate line lists come from ``clean_boilerplate.toml``.
All walks are iterative (no recursion), so deeply nested pages are safe.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree, html as lxml_html

ALPHA = 0.5  # weight of boilerplate text against good text when choosing the container
GOOD_MIN_CHARS = 60  # a unit of text shorter than this is not evidence of an article
GOOD_MAX_LINK_DENSITY = 0.3
EMIT_MAX_LINK_DENSITY = 0.5

DROP_TAGS = (
    "script", "style", "noscript", "svg", "math", "iframe", "object", "embed", "template", "canvas",
    "video", "audio", "source", "track", "map", "area", "link", "meta", "input", "select", "option",
    "textarea", "button", "dialog", "head", "base",
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody thead "
    "tfoot tr td th caption ul menu html frameset noframes".split()
)
FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "menu", "header", "form"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
KIND_OF_TAG = {
    "li": "list_item", "dt": "list_item", "dd": "list_item", "td": "table_cell", "th": "table_cell",
    "figcaption": "caption", "caption": "caption", "blockquote": "quote", "pre": "code",
}
BR = "\x00"  # marks a <br> while a block's text is gathered (NULs are scrubbed from input)
_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u200b\u2028\u2029]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPLIT = re.compile(r"[\s_\-]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass
class Cues:
    """Keyword lists from clean_boilerplate.toml, compiled once."""

    neg_fragments: re.Pattern
    neg_segments: frozenset
    pos_fragments: re.Pattern
    pos_segments: frozenset
    exact_lines: frozenset
    line_prefixes: tuple
    section_stops: frozenset
    reference_headings: frozenset


@lru_cache(maxsize=1)
def cues() -> Cues:
    data = tomllib.loads((Path(__file__).with_name("clean_boilerplate.toml")).read_text("utf-8"))
    h, lines = data["html"], data["lines"]
    alt = lambda words: re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return Cues(
        neg_fragments=alt(h["negative_fragments"]),
        neg_segments=frozenset(h["negative_segments"]),
        pos_fragments=alt(h["positive_fragments"]),
        pos_segments=frozenset(h["positive_segments"]),
        exact_lines=frozenset(lines["exact"]),
        line_prefixes=tuple(lines["prefixes"]),
        section_stops=frozenset(lines["section_stops"]),
        reference_headings=frozenset(lines["reference_headings"]),
    )


def normalize_line(text: str) -> str:
    """Lower-cased line without surrounding punctuation, for keyword matching."""
    return text.strip().strip(" .:…|-–—•·»«>").lower()


def is_furniture_line(text: str) -> bool:
    """A short standalone line that is page furniture ("Advertisement", "Share this", cookie notice...)."""
    c = cues()
    norm = normalize_line(text)
    if not norm:
        return True
    if len(norm) <= 60 and norm in c.exact_lines:
        return True
    return len(norm) < 200 and norm.startswith(c.line_prefixes)


def hint(el) -> int:
    """+1 for article-body class/id, -1 for furniture class/id, 0 otherwise."""
    attrs = el.attrib
    cls = attrs.get("class", "")
    ident = attrs.get("id", "")
    role = attrs.get("role", "")
    itemprop = attrs.get("itemprop", "")
    if itemprop == "articleBody" or role == "main":
        return 1
    if role in ("navigation", "complementary", "contentinfo", "banner", "search", "dialog", "alert"):
        return -1
    if not cls and not ident:
        return 0
    c = cues()
    raw = f"{cls} {ident}"
    low = _CAMEL.sub("-", raw).lower()
    if c.pos_fragments.search(low):
        return 1
    segs = _SPLIT.split(low)
    if c.neg_fragments.search(low):
        return -1
    if any(s in c.neg_segments for s in segs):
        return -1
    if any(s in c.pos_segments for s in segs):
        return 1
    return 0


def _hidden(el) -> bool:
    a = el.attrib
    if "hidden" in a:
        return True
    if a.get("aria-hidden") == "true" and el.tag not in ("body", "html", "main", "article"):
        return True
    style = a.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def parse(markup: str):
    """An lxml tree for an HTML string (never raises for odd markup; None when nothing parses)."""
    if "\x00" in markup:
        markup = markup.replace("\x00", "")
    data = markup.encode("utf-8", "replace")
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  huge_tree=True, no_network=True)
    try:
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if any("Excessive depth" in e.message for e in parser.error_log):
        return None  # libxml2 stops at its nesting limit and drops the rest of the page
    return root


def json_ld_texts(root) -> list[str]:
    """Texts of <script type="application/ld+json"> (collected before pruning removes scripts)."""
    out = []
    for s in root.iter("script"):
        if "ld+json" in (s.get("type") or "").lower() and s.text:
            out.append(s.text)
    return out


def prune(root) -> None:
    """Remove elements that never carry article text, in place."""
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and el.attrib and _hidden(el)]
    for el in doomed:
        _drop(el)


def _drop(el) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    """Per-element tallies for choosing the main container."""

    good: float = 0.0  # characters of good paragraph text below (0 under furniture)
    raw_good: float = 0.0  # the same, ignoring class/id hints
    near: list = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])  # good text by depth below
    bad: float = 0.0  # characters of other text below
    inline: int = 0  # characters of inline text not yet assigned to a block
    inline_links: int = 0
    hint: int = 0


def score_tree(body) -> tuple[list, dict]:
    """Bottom-up G/B tallies for every element under body (iterative, reversed pre-order).

    A furniture-hinted element that holds most of the page's good text is a misnamed page
    wrapper (class="page has-sidebar"): its hint is ignored and the tallies recomputed.
    """
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    scores = _tally(elements, frozenset())
    total = scores[body].raw_good if body in scores else 0
    wrappers = frozenset(el for el in elements if scores[el].hint < 0 and scores[el].raw_good > 0.75 * total)
    if wrappers:
        scores = _tally(elements, wrappers)
    return elements, scores


def _tally(elements: list, neutral: frozenset) -> dict:
    scores: dict = {}
    for el in elements:
        scores[el] = Score()
    for el in reversed(elements):
        s = scores[el]
        tag = el.tag
        text_len = len(el.text.strip()) if el.text else 0
        s.inline += text_len
        if tag == "a":
            s.inline_links = s.inline
        if tag in BLOCK_TAGS or tag == "br":
            if s.inline:
                links = s.inline_links
                if s.inline - links >= GOOD_MIN_CHARS and links <= GOOD_MAX_LINK_DENSITY * s.inline:
                    s.good += s.inline - links
                    s.raw_good += s.inline - links
                    s.near[0] += s.inline - links
                    s.bad += links
                else:
                    s.bad += s.inline
            s.inline = s.inline_links = 0
        h = hint(el) if el.attrib else 0
        if tag in FURNITURE_TAGS and h >= 0 and tag != "form":
            h = -1
        if h < 0 and el in neutral:
            h = 0
        s.hint = h
        good, bad = s.good, s.bad
        if h < 0:
            good, bad = 0.0, good + bad
        parent = el.getparent()
        if parent is None or parent not in scores:
            continue
        p = scores[parent]
        p.good += good
        p.raw_good += s.raw_good
        if h >= 0:
            n, pn = s.near, p.near
            pn[1] += n[0]
            pn[2] += n[1]
            pn[3] += n[2]
        p.bad += bad
        tail_len = len(el.tail.strip()) if el.tail else 0
        if tag in BLOCK_TAGS and tag != "br":
            p.inline += tail_len
        else:
            p.inline += s.inline + tail_len
            p.inline_links += s.inline_links if tag != "a" else s.inline
    return scores


def choose_container(body, elements, scores):
    """The element that holds the article: max of G - ALPHA*B (positive hints weigh more)."""
    best, best_value = body, float("-inf")
    in_furniture = set()
    for el in elements:
        parent = el.getparent()
        if parent in in_furniture or (parent is not None and parent in scores and scores[parent].hint < 0):
            in_furniture.add(el)
            continue
        if el.tag not in BLOCK_TAGS:
            continue
        s = scores[el]
        if s.good <= 0:
            continue
        n = s.near
        value = (n[0] + n[1] + n[2] / 2 + n[3] / 3) * (1 - s.bad / (s.good + s.bad))
        if s.hint > 0:
            value *= 1.25
        if value > best_value:
            best, best_value = el, value
    return _climb(best, scores)


def _climb(top, scores, levels: int = 5):
    """An ancestor of the top candidate that adds much good and little other text.

    Articles split into several chunks (ads or embeds between them) are joined this way.
    """
    base = scores[top]
    best = top
    el = top
    for _ in range(levels):
        el = el.getparent()
        if el is None or el not in scores:
            break
        s = scores[el]
        if s.hint < 0:
            break
        extra_good = s.good - base.good
        extra_bad = s.bad - base.bad
        if extra_good >= 0.25 * base.good and extra_good >= 3 * extra_bad:
            best = el
    return best


def with_siblings(container, scores) -> list:
    """The container plus neighbouring siblings that are mostly good text."""
    parent = container.getparent()
    if parent is None:
        return [container]
    chosen = []
    for sib in parent:
        if sib is container:
            chosen.append(sib)
            continue
        if not isinstance(sib.tag, str):
            continue
        s = scores.get(sib)
        if s is None or s.hint < 0 or sib.tag in FURNITURE_TAGS:
            continue
        if s.good >= GOOD_MIN_CHARS and s.good >= 2 * s.bad:
            chosen.append(sib)
    return chosen


# --------------------------------------------------------------------------- emitting blocks


@dataclass
class RawBlock:
    """A block of text found in the page, before offsets are assigned."""

    kind: str
    text: str
    level: int | None = None
    links: int = 0  # characters inside <a>


@dataclass
class _Emitter:
    blocks: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    link_chars: int = 0
    link_depth: int = 0

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.link_depth:
                self.link_chars += len(text.strip())

    def flush(self, kind: str, level: int | None) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        self.parts = []
        links, self.link_chars = self.link_chars, 0
        lines = [_WS.sub(" ", ln).strip() for ln in raw.split(BR)]
        text = "\n".join(ln for ln in lines if ln)
        if text:
            self.blocks.append(RawBlock(kind, text, level, links))


def emit_blocks(roots: list, scores: dict) -> list[RawBlock]:
    """Blocks of the chosen container(s), skipping furniture subtrees."""
    em = _Emitter()
    for root in roots:
        _emit_one(root, scores, em)
    return em.blocks


def _emit_one(root, scores, em: _Emitter) -> None:
    kinds: list[tuple[str, int | None]] = [("paragraph", None)]
    skipped = None
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if el is not root and _skip(el, scores):
                skipped = el
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                em.flush(*kinds[-1])
                if tag in HEADINGS:
                    kinds.append(("heading", HEADINGS[tag]))
                elif tag in KIND_OF_TAG:
                    kinds.append((KIND_OF_TAG[tag], None))
                else:
                    kinds.append(kinds[-1])
            elif tag == "br":
                em.add(BR)
            elif tag == "a":
                em.link_depth += 1
            em.add(el.text)
        else:
            if el is skipped:
                skipped = None
            elif tag in BLOCK_TAGS:
                em.flush(*kinds.pop())
            elif tag == "a":
                em.link_depth -= 1
            if el is not root:
                em.add(el.tail)
    em.flush(*kinds[-1])


def _skip(el, scores) -> bool:
    tag = el.tag
    s = scores.get(el)
    if s is None:
        return False
    if tag in FURNITURE_TAGS and tag != "form":
        return s.good < 4 * (s.bad + 1) or s.hint < 0 or tag != "header"
    if s.hint < 0:
        return True
    if tag in ("ul", "ol", "table", "div", "section", "dl") and s.bad > 0:
        links = s.bad  # link text is always counted as bad
        if s.good == 0 and _link_density(el) > EMIT_MAX_LINK_DENSITY:
            return True
    return False


def _link_density(el) -> float:
    total = len(_WS.sub("", el.text_content()))
    if not total:
        return 1.0
    links = sum(len(_WS.sub("", a.text_content())) for a in el.iter("a"))
    return links / total


def keep_block(b: RawBlock) -> bool:
    """Whether an emitted block is article text (not a link list item or furniture line)."""
    n = len(b.text)
    if b.links and b.links > EMIT_MAX_LINK_DENSITY * len(_WS.sub("", b.text)):
        return False
    if n < 200 and is_furniture_line(b.text):
        return False
    return True


def extract_blocks(root) -> list[RawBlock]:
    """Main-content blocks of a parsed (and pruned) page."""
    body = root.find("body")
    if body is None:
        body = root
    elements, scores = score_tree(body)
    container = choose_container(body, elements, scores)
    roots = with_siblings(container, scores) if container is not body else [body]
    blocks = [b for b in emit_blocks(roots, scores) if keep_block(b)]
    return blocks
