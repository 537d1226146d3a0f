"""Main-content extraction from an HTML page (the boilerplate remover).

The page is parsed once into a BeautifulSoup tree (lxml underneath); three passes over it:

1. *Flatten*: one walk lists the elements that can carry article text, leaving out whole
   subtrees that never do (scripts, styles, form controls, media, hidden elements).  The
   tree is not modified.  Scripts, styles, SVG and comments are cut from the markup before
   parsing (``strip_unseen``), which makes the parse cheaper.
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
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.builder import LXMLTreeBuilder
from bs4.element import RubyParenthesisString, RubyTextString

ALPHA = 0.5  # weight of boilerplate text against good text when choosing the container
GOOD_MIN_CHARS = 60  # a unit of text shorter than this is not evidence of an article
GOOD_MAX_LINK_DENSITY = 0.3
EMIT_MAX_LINK_DENSITY = 0.5

DROP_TAGS = frozenset((
    "script", "style", "noscript", "svg", "math", "iframe", "object", "embed", "template", "canvas",
    "video", "audio", "source", "track", "map", "area", "link", "meta", "input", "select", "option",
    "textarea", "button", "dialog", "head", "base",
))
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
#: string node types that are visible text (comments, doctypes, CDATA... are not)
TEXT_TYPES = frozenset({NavigableString, RubyTextString, RubyParenthesisString})
BR = "\x00"  # marks a <br> while a block's text is gathered (NULs are scrubbed from input)
_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u200b\u2028\u2029]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPLIT = re.compile(r"[\s_\-]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: elements whose content is never visible text, cut before parsing (JSON-LD scripts are kept)
_UNSEEN = ("script", "style", "svg", "template", "noscript")
_UNSEEN_OPEN = re.compile(rf"<({'|'.join(_UNSEEN)})\b[^<>]{{0,2000}}>|<!--", re.I)
_UNSEEN_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in _UNSEEN}
#: white space just before a block-level tag: never part of a block's text, so it is cut before
#: parsing (a third of a page's text nodes; fewer nodes make the parse cheaper)
_GAP_BEFORE_BLOCK = re.compile(
    r">\s+(?=</?(?:div|p|li|ul|ol|dl|dt|dd|tr|td|th|table|tbody|thead|tfoot|caption|section|article|main"
    r"|header|footer|nav|aside|menu|h[1-6]|form|figure|figcaption|blockquote|pre|center|address|details"
    r"|summary|head|body|html|meta|link|title|option|select|script|style|noscript|iframe|br|hr)\b)", re.I)


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
    teaser_heads: tuple
    toc_heads: frozenset
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
        teaser_heads=tuple(lines["teaser_heads"]),
        toc_heads=frozenset(lines["toc_heads"]),
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
    attrs = el.attrs
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
    return _class_hint(f"{cls} {ident}")


@lru_cache(maxsize=8192)
def _class_hint(raw: str) -> int:
    """hint() for a class and id pair (pages repeat the same classes many times)."""
    c = cues()
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
    a = el.attrs
    if "hidden" in a:
        return True
    if a.get("aria-hidden") == "true" and el.name not in ("body", "html", "main", "article"):
        return True
    style = a.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def unseen(el) -> bool:
    """Whether an element never shows article text (dropped tags, hidden elements)."""
    return el.name in DROP_TAGS or bool(el.attrs) and _hidden(el)


def strip_unseen(markup: str) -> str:
    """The markup without comments, scripts, styles, SVG, templates and noscript (JSON-LD kept),
    and without white space before block-level tags.

    One linear scan; an element left unclosed is left to the parser.
    """
    out: list[str] = []
    pos = 0
    while True:
        m = _UNSEEN_OPEN.search(markup, pos)
        if m is None:
            break
        if m.group(1) is None:  # comment
            end = markup.find("-->", m.end())
            if end < 0:
                break
            out.append(markup[pos:m.start()])
            pos = end + 3
            continue
        name = m.group(1).lower()
        close = _UNSEEN_CLOSE[name].search(markup, m.end())
        if close is None:
            break
        if name == "script" and "ld+json" in m.group(0).lower():
            out.append(markup[pos:close.end()])
        else:
            out.append(markup[pos:m.start()])
        pos = close.end()
    if out:
        out.append(markup[pos:])
        markup = "".join(out)
    return _GAP_BEFORE_BLOCK.sub(">", markup)


def parse(markup: str):
    """A BeautifulSoup tree for an HTML string (never raises for odd markup; None when nothing parses).

    The lxml builder feeds BeautifulSoup through lxml's event interface, which has no nesting
    limit, so deeply nested pages are read in full.  Class attributes stay plain strings
    (``multi_valued_attributes=None``).
    """
    if "\x00" in markup:
        markup = markup.replace("\x00", "")
    builder = LXMLTreeBuilder(huge_tree=True, multi_valued_attributes=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            soup = BeautifulSoup(strip_unseen(markup), builder=builder)
        except Exception:  # bs4.ParserRejectedMarkup and lxml errors on hopeless input
            return None
    return soup


def tags_named(root, names: frozenset) -> dict[str, list]:
    """Tags of the given names anywhere in the tree, by name, in document order (one walk).

    Elements marking an author (itemprop="author", <a rel="author">) are listed under "@author".
    """
    found: dict[str, list] = {}
    stack = [root]
    while stack:
        el = stack.pop()
        if el.name in names:
            found.setdefault(el.name, []).append(el)
        a = el.attrs
        if a and (a.get("itemprop") == "author" or el.name == "a" and a.get("rel") == "author"):
            found.setdefault("@author", []).append(el)
        stack.extend(reversed([c for c in el.contents if isinstance(c, Tag)]))
    return found


def json_ld_texts(found: dict[str, list]) -> list[str]:
    """Texts of <script type="application/ld+json"> among the tags found by ``tags_named``."""
    return [s.string for s in found.get("script", [])
            if "ld+json" in (s.get("type") or "").lower() and s.string]


def text_of(el) -> str:
    """All visible text under an element (iterative; comments and scripts left out)."""
    parts = []
    stack = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node is not el and unseen(node):
                continue
            stack.extend(reversed(node.contents))
        elif type(node) in TEXT_TYPES:
            parts.append(node)
    return "".join(parts)


def body_of(root):
    """The <body> element (or the whole tree when there is none)."""
    for el in root.contents:
        if isinstance(el, Tag) and el.name == "html":
            for c in el.contents:
                if isinstance(c, Tag) and c.name == "body":
                    return c
    body = root.find("body")
    return body if body is not None else root


# --------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class Score:
    """Per-element tallies for choosing the main container."""

    good: float = 0.0  # characters of good paragraph text below (0 under furniture)
    raw_good: float = 0.0  # the same, ignoring class/id hints
    near: list = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])  # good text by depth below
    bad: float = 0.0  # characters of other text below
    inline: int = 0  # characters of inline text not yet assigned to a block
    inline_links: int = 0
    hint: int = 0


@dataclass
class Page:
    """The visible elements under <body> in document order, with parent links and scores."""

    elements: list  # Tag objects, pre-order, unseen subtrees left out
    parents: list  # index of each element's parent (-1 for the top)
    own_text: list  # characters of each element's own (direct) text
    index: dict  # id(Tag) -> position in elements
    scores: list = field(default_factory=list)


def flatten(top) -> Page:
    """One iterative walk: visible elements, parents and own text lengths."""
    elements: list = []
    parents: list = []
    own: list = []
    stack = [(top, -1)]
    while stack:
        el, parent = stack.pop()
        i = len(elements)
        elements.append(el)
        parents.append(parent)
        n = 0
        kids = []
        for c in el.contents:
            if isinstance(c, Tag):
                if c.name not in DROP_TAGS and not (c.attrs and _hidden(c)):
                    kids.append((c, i))
            elif type(c) in TEXT_TYPES:
                n += len(c.strip())
        own.append(n)
        if kids:
            kids.reverse()
            stack.extend(kids)
    return Page(elements, parents, own, {id(e): i for i, e in enumerate(elements)})


def score_page(page: Page) -> None:
    """Bottom-up G/B tallies for every element (iterative, reversed pre-order).

    A furniture-hinted element that holds most of the page's good text is a misnamed page
    wrapper (class="page has-sidebar"): its hint is ignored and the tallies recomputed.
    """
    hints = [hint(el) if el.attrs else 0 for el in page.elements]
    page.scores = _tally(page, hints, frozenset())
    total = page.scores[0].raw_good if page.scores else 0
    wrappers = frozenset(i for i, s in enumerate(page.scores) if s.hint < 0 and s.raw_good > 0.75 * total)
    if wrappers:
        page.scores = _tally(page, hints, wrappers)


def _tally(page: Page, hints: list, neutral: frozenset) -> list:
    elements, parents, own = page.elements, page.parents, page.own_text
    scores = [Score() for _ in elements]
    for i in range(len(elements) - 1, -1, -1):
        s = scores[i]
        tag = elements[i].name
        s.inline += own[i]
        if tag == "a":
            s.inline_links = s.inline
        block = tag in BLOCK_TAGS
        if block and s.inline:
            links = s.inline_links
            if s.inline - links >= GOOD_MIN_CHARS and links <= GOOD_MAX_LINK_DENSITY * s.inline:
                s.good += s.inline - links
                s.raw_good += s.inline - links
                s.near[0] += s.inline - links
                s.bad += links
            else:
                s.bad += s.inline
        if block:
            s.inline = s.inline_links = 0
        h = hints[i]
        if tag in FURNITURE_TAGS and h >= 0 and tag != "form":
            h = -1
        if h < 0 and i in neutral:
            h = 0
        s.hint = h
        good, bad = s.good, s.bad
        if h < 0:
            good, bad = 0.0, good + bad
        j = parents[i]
        if j < 0:
            continue
        p = scores[j]
        p.good += good
        p.raw_good += s.raw_good
        if h >= 0:
            n, pn = s.near, p.near
            pn[1] += n[0]
            pn[2] += n[1]
            pn[3] += n[2]
        p.bad += bad
        if not block:
            p.inline += s.inline
            p.inline_links += s.inline_links if tag != "a" else s.inline
    return scores


def choose_container(page: Page) -> int:
    """The element that holds the article: max of G - ALPHA*B (positive hints weigh more)."""
    elements, parents, scores = page.elements, page.parents, page.scores
    best, best_value = 0, float("-inf")
    in_furniture = [False] * len(elements)
    for i, el in enumerate(elements):
        j = parents[i]
        if j >= 0 and (in_furniture[j] or scores[j].hint < 0):
            in_furniture[i] = True
            continue
        if el.name not in BLOCK_TAGS:
            continue
        s = scores[i]
        if s.good <= 0:
            continue
        n = s.near
        value = (n[0] + n[1] + n[2] / 2 + n[3] / 3) * (1 - s.bad / (s.good + s.bad))
        if s.hint > 0:
            value *= 1.25
        if value > best_value:
            best, best_value = i, value
    return _climb(page, best)


def _climb(page: Page, top: int, levels: int = 5) -> int:
    """An ancestor of the top candidate that adds much good and little other text.

    Articles split into several chunks (ads or embeds between them) are joined this way.
    """
    base = page.scores[top]
    best = i = top
    for _ in range(levels):
        i = page.parents[i]
        if i < 0:
            break
        s = page.scores[i]
        if s.hint < 0:
            break
        extra_good = s.good - base.good
        extra_bad = s.bad - base.bad
        if extra_good >= 0.25 * base.good and extra_good >= 3 * extra_bad:
            best = i
    return best


def with_siblings(page: Page, container: int) -> list[int]:
    """The container plus neighbouring siblings that are mostly good text."""
    parent = page.parents[container]
    if parent < 0:
        return [container]
    chosen = []
    for i, j in enumerate(page.parents):
        if j != parent:
            continue
        if i == container:
            chosen.append(i)
            continue
        s = page.scores[i]
        if s.hint < 0 or page.elements[i].name in FURNITURE_TAGS:
            continue
        if s.good >= GOOD_MIN_CHARS and s.good >= 2 * s.bad:
            chosen.append(i)
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


_END = object()  # marks the end of an element on the emit stack


def emit_blocks(page: Page, roots: list[int]) -> list[RawBlock]:
    """Blocks of the chosen container(s), skipping furniture subtrees."""
    em = _Emitter()
    for root in roots:
        _emit_one(page, page.elements[root], em)
    return em.blocks


def _emit_one(page: Page, root, em: _Emitter) -> None:
    kinds: list[tuple[str, int | None]] = [("paragraph", None)]
    index = page.index
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _END:
            el = stack.pop()
            tag = el.name
            if tag in BLOCK_TAGS:
                em.flush(*kinds.pop())
            elif tag == "a":
                em.link_depth -= 1
            continue
        if not isinstance(node, Tag):
            if type(node) in TEXT_TYPES:
                em.add(node)
            continue
        i = index.get(id(node))
        if i is None:  # unseen (script, hidden...)
            continue
        if node is not root and _skip(page, i):
            continue
        tag = node.name
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
        stack.append(node)
        stack.append(_END)
        stack.extend(reversed(node.contents))
    em.flush(*kinds[-1])


def _skip(page: Page, i: int) -> bool:
    el = page.elements[i]
    tag = el.name
    s = page.scores[i]
    if tag in FURNITURE_TAGS and tag != "form":
        return s.good < 4 * (s.bad + 1) or s.hint < 0 or tag != "header"
    if s.hint < 0:
        return True
    if tag in ("ul", "ol", "table", "div", "section", "dl") and s.bad > 0:
        if s.good == 0 and _link_density(el) > EMIT_MAX_LINK_DENSITY:
            return True
    return False


def _link_density(el) -> float:
    """Share of an element's visible non-space characters that sit inside links."""
    total = links = 0
    stack = [(el, False)]
    while stack:
        node, in_link = stack.pop()
        if isinstance(node, Tag):
            if node is not el and unseen(node):
                continue
            in_link = in_link or node.name == "a"
            stack.extend((c, in_link) for c in reversed(node.contents))
        elif type(node) in TEXT_TYPES:
            n = len(_WS.sub("", node))
            total += n
            if in_link:
                links += n
    return links / total if total else 1.0


def keep_block(b: RawBlock) -> bool:
    """Whether an emitted block is article text (not a link list item or furniture line)."""
    n = len(b.text)
    if b.links and b.links > EMIT_MAX_LINK_DENSITY * len(_WS.sub("", b.text)):
        return False
    if n < 200 and is_furniture_line(b.text):
        return False
    return True


def extract_blocks(root) -> list[RawBlock]:
    """Main-content blocks of a parsed page."""
    page = flatten(body_of(root))
    score_page(page)
    container = choose_container(page)
    roots = with_siblings(page, container) if container != 0 else [0]
    return [b for b in emit_blocks(page, roots) if keep_block(b)]
