"""Page metadata for the cleaner: title, date, authors, canonical URL, site name.

Sources, most trusted first: JSON-LD, <meta> tags (Open Graph, Dublin Core, citation_*,
article:*), <link rel=canonical>, <time datetime>, then visible lines such as
"Updated: May 11, 2021" or "by Jane Doe".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from extractors.clean_html import text_of

MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for m in names
}
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO = re.compile(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_COMPACT = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)(?:\D|$)")
_MDY_NAME = re.compile(_MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
_DMY_NAME = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+((?:19|20)\d\d)\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})([/.])(\d{1,2})\2((?:19|20)\d\d|\d\d)\b")

#: visible lines that state a date: "Updated: May 11, 2021", "Last Medical Content Review: April 1, 2024"
DATE_LINE = re.compile(
    r"^\s*(?:(?:last\s+)?(?:updated|modified|published|posted|reviewed|revised)(?:\s+on)?|"
    r"last\s+[\w\s]{0,30}?review(?:ed)?|date(?:\s+published)?|publication\s+date|"
    r"page\s+last\s+(?:reviewed|updated))\s*[:\-–]?\s*(?P<date>.{4,40}?)\s*$",
    re.I,
)
#: bylines: "By Dr. C.H. Weaver M.D. updated 2/2023", "Author: Dhaval Shah, MD; Chief Editor: ..."
BYLINE = re.compile(
    r"^\s*(?:[•·*-]\s*)?(?:by|written by|author(?:s|\(s\))?\s*:|posted by)\s+(?P<names>[^\n]{2,160})$", re.I
)
_NAME_CUT = re.compile(r"\s+(?:updated|published|posted|on|\||—|–)\s.*$|\s+more\.\.\.$|;?\s*chief editor:.*$", re.I)

DATE_KEYS_PUBLISHED = (
    "article:published_time", "datepublished", "og:published_time", "published_time", "pubdate",
    "publishdate", "publish-date", "publish_date", "citation_publication_date", "citation_date",
    "citation_online_date", "dc.date.issued", "dc.date", "dcterms.date", "dcterms.issued", "date",
    "sailthru.date", "parsely-pub-date", "article.published", "originalpublicationdate", "displaydate",
)
DATE_KEYS_MODIFIED = (
    "article:modified_time", "datemodified", "og:updated_time", "dcterms.modified", "last-modified",
    "article.updated", "lastmod", "revised",
)
AUTHOR_KEYS = ("author", "article:author", "citation_author", "dc.creator", "dcterms.creator",
               "parsely-author", "sailthru.author", "byl")
SITE_KEYS = ("og:site_name", "application-name", "twitter:site", "publisher", "citation_publisher",
             "citation_journal_title", "dc.publisher")
TITLE_KEYS = ("og:title", "twitter:title", "citation_title", "dc.title", "headline")


def parse_date(text: str | None) -> str | None:
    """First full calendar date in a string, as yyyy-mm-dd (None for partial or absent dates)."""
    if not text:
        return None
    s = text.strip()
    for finder in (_ISO, _MDY_NAME, _DMY_NAME, _NUMERIC, _COMPACT):
        m = finder.search(s)
        if not m:
            continue
        g = m.groups()
        try:
            if finder is _ISO or finder is _COMPACT:
                y, mo, d = int(g[0]), int(g[1]), int(g[2])
            elif finder is _MDY_NAME:
                y, mo, d = int(g[2]), MONTHS[_mon_key(g[0])], int(g[1])
            elif finder is _DMY_NAME:
                y, mo, d = int(g[2]), MONTHS[_mon_key(g[1])], int(g[0])
            else:
                a, sep, b, yy = int(g[0]), g[1], int(g[2]), g[3]
                y = int(yy) if len(yy) == 4 else 2000 + int(yy)
                # 5/11/2021 is US month-first; 11.05.2021 is day-first; an impossible month flips it
                mo, d = (a, b) if sep == "/" else (b, a)
                if mo > 12:
                    mo, d = d, mo
            return date(y, mo, d).isoformat()
        except (ValueError, KeyError):
            continue
    return None


def _mon_key(word: str) -> str:
    w = word.lower().rstrip(".")
    return w if w in MONTHS else w[:3]


@dataclass
class Meta:
    """Metadata gathered from a page's markup."""

    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    site_name: str | None = None

    @property
    def date(self) -> str | None:
        return self.published or self.modified


def _clean_space(s) -> str:
    return " ".join(str(s).split()) if s is not None else ""


def _add_author(meta: Meta, value) -> None:
    for name in split_names(value):
        if name.lower() not in {a.lower() for a in meta.authors}:
            meta.authors.append(name)


def split_names(value) -> list[str]:
    """Author names from a byline or metadata value ("A and B", "A, B", URLs dropped)."""
    if not value:
        return []
    s = _clean_space(value)
    if s.startswith(("http://", "https://", "www.")) or "@" in s and " " not in s:
        return []
    s = _NAME_CUT.sub("", s)
    parts = re.split(r"\s*(?:;|\band\b|&|\|)\s*", s)
    if len(parts) == 1 and s.count(",") >= 2 and not re.search(r",\s*(?:MD|PhD|M\.D\.|RN|DO|Jr|Sr)\b", s):
        parts = s.split(",")
    names = []
    for p in parts:
        p = p.strip(" ,.-")
        if 2 <= len(p) <= 80 and any(c.isalpha() for c in p) and not p.lower().startswith(("http", "www.")):
            names.append(p)
    return names


def from_json_ld(texts: list[str], meta: Meta) -> None:
    """Fill meta from JSON-LD blocks (Article/NewsArticle/WebPage and @graph members)."""
    items = []
    for t in texts:
        try:
            data = json.loads(t)
        except ValueError:
            continue
        stack = [data]
        while stack and len(items) < 200:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(x)
            elif isinstance(x, dict):
                items.append(x)
                if "@graph" in x:
                    stack.append(x["@graph"])
    def typed(x) -> str:
        t = x.get("@type", "")
        return " ".join(t) if isinstance(t, list) else str(t)
    articles = [x for x in items if re.search(r"Article|Posting|Report|WebPage|MedicalWebPage|BlogPosting", typed(x))]
    articles.sort(key=lambda x: 0 if "Article" in typed(x) or "Posting" in typed(x) else 1)
    for x in articles:
        meta.title = meta.title or _clean_space(x.get("headline") or "") or None
        meta.published = meta.published or parse_date(_str(x.get("datePublished")))
        meta.modified = meta.modified or parse_date(_str(x.get("dateModified")))
        if not meta.authors:
            authors = x.get("author")
            for a in authors if isinstance(authors, list) else [authors]:
                _add_author(meta, a.get("name") if isinstance(a, dict) else a)
        pub = x.get("publisher")
        if not meta.site_name and isinstance(pub, dict) and isinstance(pub.get("name"), str):
            meta.site_name = _clean_space(pub["name"])
        if not meta.canonical_url:
            url = x.get("url") or x.get("mainEntityOfPage")
            if isinstance(url, dict):
                url = url.get("@id")
            if isinstance(url, str) and url.startswith("http"):
                meta.canonical_url = url
    for x in items:
        if not meta.site_name and typed(x) in ("WebSite", "Organization") and isinstance(x.get("name"), str):
            meta.site_name = _clean_space(x["name"])


def _str(v) -> str | None:
    if isinstance(v, list):
        v = v[0] if v else None
    return v if isinstance(v, str) else None


#: tags ``from_markup`` reads (collect them with clean_html.tags_named)
MARKUP_TAGS = frozenset({"meta", "link", "title", "time"})


def from_markup(found: dict[str, list], meta: Meta) -> None:
    """Fill meta from <meta>, <link>, <title>, <time> and itemprop/rel=author markup.

    ``found`` maps tag names to BeautifulSoup tags (clean_html.tags_named with MARKUP_TAGS).
    """
    values: dict[str, list[str]] = {}
    for m in found.get("meta", []):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv") or "").strip().lower()
        content = m.get("content") or m.get("datetime") or ""
        if key and content.strip():
            values.setdefault(key, []).append(content.strip())
    first = lambda keys: next((values[k][0] for k in keys if k in values), None)
    for k in DATE_KEYS_PUBLISHED:
        if not meta.published and k in values:
            meta.published = parse_date(values[k][0])
    for k in DATE_KEYS_MODIFIED:
        if not meta.modified and k in values:
            meta.modified = parse_date(values[k][0])
    if not meta.authors:
        for k in AUTHOR_KEYS:
            for v in values.get(k, []):
                _add_author(meta, v)
            if meta.authors:
                break
    if not meta.site_name:
        site = first(SITE_KEYS)
        if site and not site.startswith("@"):
            meta.site_name = _clean_space(site)
    if not meta.title:
        meta.title = _clean_space(first(TITLE_KEYS) or "") or None
    if not meta.canonical_url:
        for link in found.get("link", []):
            if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
                meta.canonical_url = link.get("href").strip()
                break
        else:
            meta.canonical_url = first(("og:url", "citation_public_url", "citation_abstract_html_url"))
    titles = found.get("title", [])
    page_title = _clean_space(titles[0].get_text()) if titles else ""
    if not meta.title and page_title:
        meta.title = strip_site_suffix(page_title, meta.site_name)
    if not meta.authors:
        for el in found.get("@author", [])[:5]:
            name = el.find(attrs={"itemprop": "name"})
            _add_author(meta, text_of(name if name is not None else el))
    if not meta.published:
        for t in found.get("time", []):
            d = parse_date(t.get("datetime") or text_of(t))
            if d:
                meta.published = d
                break


def strip_site_suffix(title: str, site: str | None) -> str:
    """'Headline | Site Name' -> 'Headline'."""
    parts = re.split(r"\s+[|–—·»-]\s+", title)
    if len(parts) > 1:
        if site and parts[-1].strip().lower() == site.lower():
            return " - ".join(parts[:-1])
        if len(parts[-1]) < 0.6 * len(parts[0]) and len(parts[-1].split()) <= 5:
            return " - ".join(parts[:-1])
    return title


def date_from_line(line: str) -> str | None:
    """The date a visible date line states ("Updated: May 11, 2021"), else None."""
    if len(line) > 80:
        return None
    m = DATE_LINE.match(line)
    return parse_date(m.group("date")) if m else None


def byline_names(line: str) -> list[str]:
    """Authors named by a visible byline ("by Jane Doe", "Author: Jane Doe, MD"), else []."""
    if len(line) > 200:
        return []
    m = BYLINE.match(line)
    if not m:
        return []
    names = split_names(m.group("names"))
    return [n for n in names if n[:1].isupper() and len(n.split()) <= 8]
