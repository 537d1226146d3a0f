"""Plain-text pages (text dumps of web pages) -> blocks, line by line.

Cues, all general: furniture lines from clean_boilerplate.toml (cookie notices, "Skip to main
content", feedback widgets, government banners), date lines and bylines (kept as metadata, not
text), repeated short lines, near-letterless lines, and *section stops*: after "Recommended
Articles" teasers are dropped until article prose resumes; after "Leave A Reply", "About
Author", "MeSH terms"... in the second part of a page, the rest of the page is dropped.
"""

from __future__ import annotations

import html as html_lib
import re

from extractors.clean_html import RawBlock, cues, is_furniture_line, normalize_line
from extractors.clean_meta import byline_names, date_from_line

_MARKER = re.compile(r"^\s*(?:[•·*▪◦‣●-]|\(?\d{1,3}[.)]|\[\d{1,3}\]|[a-z][.)])\s+")
_BULLET = re.compile(r"^\s*[•·*▪◦‣●-]\s+")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*(?:\s*\d[\d,\-–]*)?\s*$")
_TEASER_CODE = re.compile(r"^(?:[A-Z]{1,5}\d{1,5}|\d{1,5})\s*[-–—:|]\s")  # "LBA4 - OlympiAD: ..." in a session list
_ET_AL = re.compile(r"\bet al\.", re.I)
_COUNT = re.compile(r"^\d[\d,]*\s+|\s*\(\d[\d,]*\)$")
_COMPARISON = re.compile(r"[A-Za-z]{2}.*\d\s*%?\s*(?:vs\.?|versus)\s*\d")
CELL_SEP_RE = re.compile(r"\t+| +\| +")  # a table row written as text: "Endpoint | VMPT-VT | VMP | HR"


def cell_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each cell of a table row written as text (tab- or pipe-separated) in
    text[start:end], blanks and edge pipes trimmed; one cell for prose."""
    end = len(text) if end is None else end
    cuts = [start] + [x for m in CELL_SEP_RE.finditer(text, start, end) for x in m.span()] + [end]
    out = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        while a < b and text[a] in " |\t":
            a += 1
        while b > a and text[b - 1] in " |\t":
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _cells(line: str) -> list[str]:
    """The cells of a table row written as text; one cell for prose."""
    return [line[a:b] for a, b in cell_spans(line)]


def _is_comparison(line: str) -> bool:
    """"2-year PFS: 76.7% vs 70.2% (HR 0.73)": a result line, however few letters it has."""
    return bool(_COMPARISON.search(line))


def _is_data_row(line: str) -> bool:
    """"Complete response | 38% | 24% | <0.001": a labelled row of figures. It is mostly digits,
    but it is the page's content, not furniture."""
    cells = _cells(line)
    return len(cells) >= 3 and any(c.isalpha() for c in cells[0]) and sum(any(ch.isdigit() for ch in c) for c in cells[1:]) >= 2


_RULE_LINE = re.compile(r"[-=_*~#.·—–]{3,}")
_WORD_HYPHEN_END = re.compile(r"[^\W\d_]-$")  # "treat-" then "ment": a word broken at the line end


def _units(text: str) -> list[tuple[str, bool]]:
    """Non-empty lines as (text, is_list_item); hard-wrapped prose lines are re-joined."""
    units: list[list] = []
    prev_blank = True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or _RULE_LINE.fullmatch(line):  # a rule ("-----") separates like a blank line
            prev_blank = True
            continue
        item = bool(_MARKER.match(raw))
        wrapped = line[:1].islower() or (units and (units[-1][0].endswith(",") or _WORD_HYPHEN_END.search(units[-1][0])))
        indented_continuation = units and units[-1][1] and len(raw) - len(raw.lstrip()) >= 4
        row = CELL_SEP_RE.search(line) and units and CELL_SEP_RE.search(units[-1][0])  # "nCR/CR (%)\t27.6\t15.7" is a row
        if units and not prev_blank and not item and (wrapped or indented_continuation) and not row:
            units[-1][0] += ("" if units[-1][0].endswith("-") else " ") + line
        else:
            units.append([_BULLET.sub("", line), item])
        prev_blank = False
    return [(u, i) for u, i in units]


def _letters_share(s: str) -> float:
    return sum(c.isalpha() for c in s) / max(1, len(s))


def _is_heading(text: str, nxt: str | None) -> bool:
    if len(text) > 120 or not text[:1].isupper() and not text[:1].isdigit():
        return False
    if _SENTENCE_END.search(text) and not text.endswith("?"):
        return False
    return nxt is not None and len(nxt) > len(text)


def text_blocks(text: str) -> tuple[list[RawBlock], list[str], str | None]:
    """Main-text blocks of a plain-text page, plus authors and the date its lines state."""
    c = cues()
    units = _units(html_lib.unescape(text) if "&#" in text or "&amp;" in text else text)
    n = len(units)
    kept: list[tuple[str, bool]] = []
    authors: list[str] = []
    date = None
    seen_short: set[str] = set()
    toc: set[str] = set()
    zone = None  # None, "teaser" (until prose resumes), "toc" (while lines are short) or "end" (rest of page)
    for i, (line, item) in enumerate(units):
        norm = normalize_line(line)
        if zone == "end":
            break
        teaser = len(norm) <= 60 and norm.startswith(c.teaser_heads) and not _SENTENCE_END.search(line)
        # "9 comments", "Comments (12)": a count does not make a stop line something else
        if norm in c.section_stops or teaser or _COUNT.sub("", norm) in c.section_stops:
            late = i >= 0.4 * n
            zone = "end" if late and not teaser else "teaser"
            continue
        if norm in c.toc_heads:
            zone, toc = "toc", set()
            continue
        if zone == "toc":
            # the table of contents ends at a long line or at the first entry that comes again
            if len(line) < 80 and not _SENTENCE_END.search(line.rstrip("?")) and norm not in toc:
                toc.add(norm)
                continue
            zone = None
        if zone == "teaser":
            if len(line) >= 200 and _SENTENCE_END.search(line) and not _TEASER_CODE.match(line):
                zone = None
            else:
                continue
        if len(line) < 200 and is_furniture_line(line):
            continue
        d = date_from_line(line)
        if d:
            date = date or d
            continue
        names = byline_names(line)
        if names:
            authors.extend(a for a in names if a not in authors)
            continue
        data_row = _is_data_row(line) or _is_comparison(line)
        if len(line) < 120 and (_letters_share(line) < 0.4 and not data_row or _ET_AL.search(line) and not item):
            continue
        if _URL_LINE.match(line) and not item:
            continue
        # a table's header row comes again over each part of the table
        header = i + 1 < n and len(_cells(line)) >= 3 and _is_data_row(units[i + 1][0])
        if len(line) < 200 and not (data_row or header):
            if norm in seen_short:
                continue
            seen_short.add(norm)
        kept.append((line, item))
    title_at = _title_index(kept)
    blocks: list[RawBlock] = []
    for i, (line, item) in enumerate(kept):
        nxt = kept[i + 1][0] if i + 1 < len(kept) else None
        if i == title_at:
            blocks.append(RawBlock("title", line, 1))
        elif item:
            blocks.append(RawBlock("list_item", line))
        elif _is_heading(line, nxt) or normalize_line(line) in c.reference_headings:
            blocks.append(RawBlock("heading", line, 2))
        else:
            blocks.append(RawBlock("paragraph", line))
    return blocks, authors, date


def _title_index(kept: list[tuple[str, bool]]) -> int | None:
    """The page title: the first heading-like line of four or more words near the top."""
    for i, (line, item) in enumerate(kept[:5]):
        if not item and len(line.split()) >= 4 and _is_heading(line, "x" * 1000):
            return i
    if kept and not kept[0][1] and _is_heading(kept[0][0], "x" * 1000):
        return 0
    return None
