"""Fetch one page: a URL over HTTP(S) or a local .html/.htm/.txt file.

The one job of this module is getting bytes politely and safely:

* a clear User-Agent, timeouts, a bounded number of redirects;
* a response-size cap (the body is streamed and reading stops at the cap);
* retries with backoff on 5xx and 429 answers (waiting as long as a Retry-After asks, up to a
  cap), timeouts and connection errors — never on other 4xx;
* only HTML or plain-text answers for pages (feeds and sitemaps may also be XML);
* conditional requests: If-None-Match / If-Modified-Since from the previous snapshot,
  so a 304 answer means "unchanged" without downloading the body again;
* robots.txt honoured (parsed with protego, cached per host);
* a per-host rate limit and a per-host cap on concurrent requests, shared by every
  `Fetcher` in the process (tasks run in threads).

Every failure is a `FetchFailed` exception with a message a curator can act on and a
`transient` flag (worth retrying later: 5xx, 429, timeouts, connection errors).  Callers turn it
into a `FetchError` value; a failed page never crashes a run.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar
from urllib.parse import urlsplit

import httpx

USER_AGENT = "trial-curate/0.1 (+https://github.com/trial-curate/trial-curate; curation bot)"
ROBOTS_AGENT = "trial-curate"
ROBOTS_TTL = 3600.0  # seconds a host's robots.txt is trusted before it is read again
ROBOTS_FAILURE_TTL = 60.0  # an unreachable robots.txt is tried again after this

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
             "application/rdf+xml", "application/x-gzip-sitemap")
FEED_TYPES = PAGE_TYPES + XML_TYPES

LOCAL_TYPES = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain", ".xml": "application/xml",
               ".rss": "application/rss+xml", ".atom": "application/atom+xml"}
PAGE_SUFFIXES = (".html", ".htm", ".txt")

T = TypeVar("T")


class FetchFailed(Exception):
    """A page could not be fetched; `transient` says whether trying again later may help."""

    def __init__(self, location: str, message: str, *, transient: bool = False, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message
        self.transient = transient
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how defensively to fetch.  Defaults suit public websites."""

    timeout: float = 20.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    attempts: int = 3
    backoff: float = 1.0  # seconds before the 2nd attempt; doubles each time
    max_retry_after: float = 60.0  # longest Retry-After we wait for within one run (longer: fail, retry next run)
    min_interval: float = 1.0  # seconds between two requests to the same host
    per_host: int = 2  # concurrent requests to one host
    respect_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class Fetched:
    """Bytes of one page plus what the server (or file system) said about them."""

    location: str
    body: bytes = b""
    not_modified: bool = False  # 304: the previous snapshot is still current
    url: str | None = None  # final URL after redirects
    path: str | None = None  # local file
    status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None


# --------------------------------------------------------------------------- retries


def with_retries(
    attempt: Callable[[], T],
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    retry_if: Callable[[Exception], bool] = lambda e: isinstance(e, FetchFailed) and e.transient,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `attempt` until it succeeds, retrying only errors `retry_if` accepts.

    Waits backoff, 2*backoff, 4*backoff ... between attempts, or longer when the error says how
    long the server asked us to wait (FetchFailed.retry_after); re-raises the last error.
    """
    for n in range(1, max(1, attempts) + 1):
        try:
            return attempt()
        except Exception as e:  # noqa: BLE001 - filtered by retry_if
            if n >= attempts or not retry_if(e):
                raise
            sleep(max(backoff * 2 ** (n - 1), getattr(e, "retry_after", None) or 0))
    raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# --------------------------------------------------------------------------- per-host politeness


class _Host:
    """Rate limit + concurrency cap + robots.txt rules for one host (process-wide)."""

    def __init__(self, per_host: int):
        self.slots = threading.BoundedSemaphore(per_host)
        self.lock = threading.Lock()
        self.next_at = 0.0
        self.robots = None  # protego.Protego, or a FetchFailed to re-raise
        self.robots_until = 0.0  # monotonic time when the cached rules expire

    def wait_turn(self, interval: float) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + interval
        if start > now:
            time.sleep(start - now)


_hosts: dict[tuple[str, int], _Host] = {}
_hosts_lock = threading.Lock()


def _host(netloc: str, per_host: int) -> _Host:
    with _hosts_lock:
        key = (netloc, per_host)
        if key not in _hosts:
            _hosts[key] = _Host(per_host)
        return _hosts[key]


def reset_hosts() -> None:
    """Forget cached robots.txt rules and rate-limit clocks (tests, long-running servers)."""
    with _hosts_lock:
        _hosts.clear()


# --------------------------------------------------------------------------- fetching


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


class Fetcher:
    """Fetches pages with one shared HTTP client; safe to use from several threads."""

    def __init__(self, policy: FetchPolicy | None = None, *, transport: httpx.BaseTransport | None = None):
        self.policy = policy or FetchPolicy()
        self.client = httpx.Client(
            timeout=self.policy.timeout,
            follow_redirects=True,
            max_redirects=self.policy.max_redirects,
            headers={"User-Agent": self.policy.user_agent},
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public ---------------------------------------------------------------

    def fetch(
        self,
        location: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] = PAGE_TYPES,
    ) -> Fetched:
        """Fetch a URL or read a local file; raises FetchFailed with a clear message."""
        if not is_url(location):
            return read_local(location, max_bytes=self.policy.max_bytes, accept=accept)
        return with_retries(
            lambda: self._get(location, etag=etag, last_modified=last_modified, accept=accept),
            attempts=self.policy.attempts,
            backoff=self.policy.backoff,
        )

    # -- internals ------------------------------------------------------------

    def _get(self, url: str, *, etag: str | None, last_modified: str | None, accept: tuple[str, ...]) -> Fetched:
        parts = urlsplit(url)
        if not parts.netloc:
            raise FetchFailed(url, "not a valid URL (no host)")
        host = _host(parts.netloc.lower(), self.policy.per_host)
        if self.policy.respect_robots:
            self._check_robots(url, parts.scheme, parts.netloc, host)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with host.slots:
            host.wait_turn(self._interval(host))
            return self._request(url, headers, accept)

    def _interval(self, host: _Host) -> float:
        delay = None
        if host.robots is not None and not isinstance(host.robots, FetchFailed):
            delay = host.robots.crawl_delay(ROBOTS_AGENT)
        return max(self.policy.min_interval, float(delay or 0))

    def _request(self, url: str, headers: dict[str, str], accept: tuple[str, ...]) -> Fetched:
        cap = self.policy.max_bytes
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                final = str(r.url)
                if r.status_code == 304:
                    r.read()  # (empty) lets the connection be reused
                    return Fetched(location=url, not_modified=True, url=final, status=304,
                                   etag=r.headers.get("etag"), last_modified=r.headers.get("last-modified"))
                if r.status_code == 429 or r.status_code >= 500:
                    wait = _retry_after(r.headers.get("retry-after"))
                    if wait is not None and wait > self.policy.max_retry_after:
                        raise FetchFailed(url, f"HTTP {r.status_code}; the server asks us to wait {wait:.0f} s, "
                                               "longer than this run waits: next run", transient=False, status=r.status_code)
                    what = "too many requests" if r.status_code == 429 else "server error"
                    raise FetchFailed(url, f"{what} HTTP {r.status_code}", transient=True, status=r.status_code,
                                      retry_after=wait)
                if r.status_code >= 400:
                    raise FetchFailed(url, f"HTTP {r.status_code} {r.reason_phrase}".strip(), status=r.status_code)
                ctype = r.headers.get("content-type")
                media = _media_type(ctype)
                if media is not None and media not in accept:
                    raise FetchFailed(url, f"content type {media!r} is not a web page (expected {', '.join(accept[:3])} ...)",
                                      status=r.status_code)
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > cap:
                    raise FetchFailed(url, f"response too large ({int(declared):,} bytes; limit {cap:,})", status=r.status_code)
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise FetchFailed(url, f"response too large (over {cap:,} bytes; stopped reading)", status=r.status_code)
                    chunks.append(chunk)
                return Fetched(location=url, body=b"".join(chunks), url=final, status=r.status_code,
                               content_type=ctype, encoding=_charset(ctype),
                               etag=r.headers.get("etag"), last_modified=r.headers.get("last-modified"))
        except FetchFailed:
            raise
        except httpx.TooManyRedirects:
            raise FetchFailed(url, f"too many redirects (more than {self.policy.max_redirects}; a redirect loop?)") from None
        except httpx.TimeoutException:
            raise FetchFailed(url, f"timed out after {self.policy.timeout:g} s", transient=True) from None
        except httpx.TransportError as e:
            raise FetchFailed(url, f"could not connect ({e.__class__.__name__}: {e})", transient=True) from None
        except httpx.HTTPError as e:
            raise FetchFailed(url, f"HTTP error ({e.__class__.__name__}: {e})") from None

    def _check_robots(self, url: str, scheme: str, netloc: str, host: _Host) -> None:
        with host.lock:
            if time.monotonic() >= host.robots_until:
                host.robots = self._load_robots(f"{scheme}://{netloc}/robots.txt")
                ttl = ROBOTS_FAILURE_TTL if isinstance(host.robots, FetchFailed) else ROBOTS_TTL
                host.robots_until = time.monotonic() + ttl
            rules = host.robots
        if isinstance(rules, FetchFailed):
            raise FetchFailed(url, rules.message, transient=rules.transient)
        if rules is not None and not rules.can_fetch(url, ROBOTS_AGENT):
            raise FetchFailed(url, "disallowed by the site's robots.txt")

    def _load_robots(self, robots_url: str):
        """Rules for a host: None = everything allowed; FetchFailed = do not crawl (RFC 9309)."""
        from protego import Protego

        try:
            r = self.client.get(robots_url)
        except httpx.HTTPError as e:
            return FetchFailed(robots_url, f"robots.txt unreachable ({e.__class__.__name__}); not crawling this host",
                               transient=True)
        if r.status_code >= 500:
            return FetchFailed(robots_url, f"robots.txt answered HTTP {r.status_code}; not crawling this host",
                               transient=True)
        if r.status_code >= 400:
            return None  # no robots.txt: everything allowed
        return Protego.parse(r.text[:500_000])


def read_local(location: str, *, max_bytes: int = FetchPolicy.max_bytes,
               accept: tuple[str, ...] = PAGE_TYPES) -> Fetched:
    """Read a local page (.html, .htm, .txt; .xml for feeds and sitemaps) like a fetched one."""
    path = Path(location)
    media = LOCAL_TYPES.get(path.suffix.lower())
    if media is None or media not in accept:
        raise FetchFailed(location, f"unsupported file type {path.suffix or '(none)'!r} (expected .html, .htm or .txt)")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchFailed(location, f"file too large ({size:,} bytes; limit {max_bytes:,})")
        body = path.read_bytes()
    except FileNotFoundError:
        raise FetchFailed(location, "file not found") from None
    except IsADirectoryError:
        raise FetchFailed(location, "is a folder, not a file") from None
    except OSError as e:
        raise FetchFailed(location, f"cannot read file ({e.strerror or e})") from None
    return Fetched(location=location, body=body, path=str(path), content_type=media)
