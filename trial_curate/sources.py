"""What to ingest: a sources TOML file or plain command-line arguments -> page Sources.

A sources file is a list of `[[source]]` tables:

    [[source]]
    location = "https://example.org/news/myeloma-maintenance"   # URL or path
    kind = "url"            # url | file | folder | feed | sitemap (guessed for url/file/folder)
    tags = ["myeloma"]
    schedule = "0 6 * * *"  # cron, used by `curate serve`
    name = "Example news"

Relative paths resolve against the TOML file's folder.  `check_sources` lists every problem
with a clear message; `load_sources` raises SourcesError carrying the same list.

A folder, an RSS/Atom feed or a sitemap is a *collection*: `expand` turns it into one
page Source per .html/.htm/.txt file, feed entry link or sitemap <loc> (bounded).
"""

from __future__ import annotations

import gzip
import io
import tomllib
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from trial_curate.fetch import FEED_TYPES, PAGE_SUFFIXES, Fetcher, FetchFailed, is_url
from trial_curate.models import Source

KINDS = ("url", "file", "folder", "feed", "sitemap")
KEYS = ("location", "kind", "tags", "schedule", "name")
CRON_MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}
MAX_PAGES = 5000  # pages one collection may expand to
MAX_SITEMAPS = 50  # nested sitemaps followed from one sitemap index
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit for an uncompressed file


class SourcesError(ValueError):
    """The sources could not be read; `problems` lists every reason, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# --------------------------------------------------------------------------- checking


def cron_problem(expr: str) -> str | None:
    """None when `expr` is a valid 5-field cron expression (or @daily etc.), else why not."""
    from cronsim import CronSim, CronSimError

    expr = CRON_MACROS.get(expr.strip().lower(), expr)
    try:
        CronSim(expr, datetime(2026, 1, 1))
    except CronSimError as e:
        return str(e)
    return None


def _guess_kind(location: str) -> str:
    if is_url(location):
        return "url"
    return "folder" if Path(location).is_dir() else "file"


def _check_entry(i: int, raw: object, base: Path) -> tuple[Source | None, str | None, list[str]]:
    """One [[source]] table -> (a Source or None, its resolved location, its problems)."""
    if not isinstance(raw, dict):
        return None, None, [f"source #{i}: expected a table like [[source]], got {type(raw).__name__}"]
    where = f"source #{i}" + (f" ({raw['location']})" if isinstance(raw.get("location"), str) else "")
    problems = [f"{where}: unknown key {k!r} (known keys: {', '.join(KEYS)})" for k in raw if k not in KEYS]
    location = raw.get("location")
    if not isinstance(location, str) or not location.strip():
        return None, None, problems + [f"{where}: missing 'location' (a URL or a path)"]
    location = location.strip()
    if not is_url(location):
        if "://" in location:
            return None, None, problems + [f"{where}: only http:// and https:// URLs are supported"]
        location = str((base / Path(location).expanduser()).resolve())
    kind = raw.get("kind", _guess_kind(location))
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    elif not is_url(location):
        path = Path(location)
        if not path.exists():
            problems.append(f"{where}: no such file or folder: {location}")
        elif kind == "folder" and not path.is_dir():
            problems.append(f"{where}: kind is 'folder' but {location} is a file")
        elif kind != "folder" and path.is_dir():
            problems.append(f"{where}: {location} is a folder; use kind = \"folder\"")
        elif kind == "url":
            problems.append(f"{where}: kind 'url' needs an http(s) URL; use kind = \"file\" for a local file")
    elif kind in ("file", "folder"):
        problems.append(f"{where}: kind {kind!r} needs a local path, not a URL")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(f"{where}: 'tags' must be a list of strings")
    schedule = raw.get("schedule")
    if schedule is not None:
        if not isinstance(schedule, str):
            problems.append(f"{where}: 'schedule' must be a cron string like \"0 6 * * *\"")
        elif (why := cron_problem(schedule)) is not None:
            problems.append(f"{where}: bad cron schedule {schedule!r} ({why}); expected 5 fields like \"0 6 * * *\"")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        problems.append(f"{where}: 'name' must be a string")
    if problems:
        return None, location, problems
    return Source(location=location, kind=kind, tags=tags, schedule=schedule, name=name), location, []


def _read(path: Path) -> tuple[list[Source], list[str]]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], [f"{path}: no such sources file"]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        return [], [f"{path}: not valid TOML ({e})"]
    problems = [f"{path}: unknown top-level key {k!r} (expected [[source]] tables)" for k in data if k != "source"]
    entries = data.get("source", [])
    if not isinstance(entries, list):
        return [], problems + [f"{path}: 'source' must be an array of tables: write [[source]], not [source]"]
    if not entries:
        problems.append(f"{path}: no [[source]] tables")
    sources, seen = [], {}
    for i, raw in enumerate(entries, start=1):
        source, location, found = _check_entry(i, raw, path.parent.resolve())
        problems += [f"{path}: {p}" for p in found]
        if location in seen:
            problems.append(f"{path}: source #{i}: duplicate location {location} (also source #{seen[location]})")
            continue
        if location is not None:
            seen[location] = i
        if source is not None:
            sources.append(source)
    return sources, problems


def check_sources(path: Path | str) -> list[str]:
    """Every problem in a sources TOML file (empty list: the file is fine)."""
    return _read(Path(path))[1]


def load_sources(path: Path | str) -> list[Source]:
    """The Sources of a TOML file; raises SourcesError listing every problem."""
    sources, problems = _read(Path(path))
    if problems:
        raise SourcesError(problems)
    return sources


def sources_from_args(args: list[str]) -> list[Source]:
    """Command-line arguments (URLs, files, folders, .toml files) -> Sources, duplicates dropped."""
    sources, problems = [], []
    for arg in args:
        if is_url(arg):
            sources.append(Source(location=arg, kind="url"))
            continue
        path = Path(arg).expanduser()
        if not path.exists():
            problems.append(f"{arg}: no such file or folder (and not an http(s) URL)")
        elif path.suffix.lower() == ".toml":
            found, why = _read(path)
            sources += found
            problems += why
        elif path.is_dir():
            sources.append(Source(location=str(path.resolve()), kind="folder"))
        else:
            sources.append(Source(location=str(path.resolve()), kind="file"))
    if problems:
        raise SourcesError(problems)
    unique = {}
    for s in sources:
        unique.setdefault(s.location, s)
    return list(unique.values())


# --------------------------------------------------------------------------- expanding


def _page(parent: Source, location: str) -> Source:
    kind = "url" if is_url(location) else "file"
    return Source(location=location, kind=kind, tags=parent.tags, schedule=parent.schedule, name=parent.name)


def folder_pages(folder: Path) -> list[Path]:
    """The .html/.htm/.txt files under a folder (recursively, hidden ones skipped), sorted."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def feed_links(body: bytes, base_url: str | None = None) -> list[str]:
    """Entry links of an RSS or Atom feed, resolved against the feed's URL, in feed order."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"not a valid RSS/Atom feed ({parsed.get('bozo_exception')})")
    links = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            links.append(urljoin(base_url, link) if base_url else link)
    return list(dict.fromkeys(links))


def sitemap_locs(body: bytes) -> tuple[str, list[str]]:
    """('urlset' | 'sitemapindex', the <loc> values) of a sitemap XML document."""
    from lxml import etree

    if body[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            body = f.read(MAX_SITEMAP_BYTES + 1)
        if len(body) > MAX_SITEMAP_BYTES:
            raise ValueError("sitemap larger than 50 MB uncompressed")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"not valid sitemap XML ({e})") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element <{kind}>, expected <urlset> or <sitemapindex>)")
    locs = [el.text.strip() for el in root.iter("{*}loc") if el.text and el.text.strip()]
    return kind, list(dict.fromkeys(locs))


def expand(source: Source, fetcher: Fetcher | None = None, *, max_pages: int = MAX_PAGES) -> list[Source]:
    """Page Sources of a source: itself for a url/file; the pages of a folder, feed or sitemap.

    Raises FetchFailed (with a clear message) when a collection cannot be read.
    """
    if source.kind in ("url", "file"):
        return [source]
    if source.kind == "folder":
        folder = Path(source.location)
        if not folder.is_dir():
            raise FetchFailed(source.location, "no such folder")
        pages = [_page(source, str(p)) for p in folder_pages(folder)[:max_pages]]
        if not pages:
            raise FetchFailed(source.location, "folder has no .html, .htm or .txt files")
        return pages
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        if source.kind == "feed":
            got = fetcher.fetch(source.location, accept=FEED_TYPES)
            try:
                links = feed_links(got.body, got.url)
            except ValueError as e:
                raise FetchFailed(source.location, str(e)) from None
            if not links:
                raise FetchFailed(source.location, "feed has no entries with links")
            return [_page(source, link) for link in links[:max_pages]]
        return [_page(source, loc) for loc in _sitemap_pages(source.location, fetcher, max_pages)]
    finally:
        if own:
            fetcher.close()


def _sitemap_pages(location: str, fetcher: Fetcher, max_pages: int) -> list[str]:
    """Page URLs of a sitemap, following one level of sitemap index (bounded)."""

    def read(loc: str) -> tuple[str, list[str]]:
        got = fetcher.fetch(loc, accept=FEED_TYPES)
        try:
            return sitemap_locs(got.body)
        except ValueError as e:
            raise FetchFailed(loc, str(e)) from None

    kind, locs = read(location)
    if kind == "urlset":
        return locs[:max_pages]
    pages: list[str] = []
    for child in locs[:MAX_SITEMAPS]:
        child_kind, child_locs = read(child)
        if child_kind == "urlset":
            pages += child_locs
        if len(pages) >= max_pages:
            break
    return list(dict.fromkeys(pages))[:max_pages]
