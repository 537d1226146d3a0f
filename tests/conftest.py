"""Shared fixtures.

`site`: a loopback HTTP server whose pages a test can add, edit or remove between runs.
Each page says what to answer: body, content type, status, ETag / Last-Modified (a matching
If-None-Match / If-Modified-Since gets 304), a delay (slow server), a redirect.  Every request
is logged (`site.requests`) so tests can check what was asked and how often.

    def test_something(site):
        site.page("/a.html", "<html>...</html>", etag='"v1"')
        site.page("/robots.txt", "User-agent: *\\nDisallow: /private/", content_type="text/plain")
        url = site.url("/a.html")

Also used by benchmarks/incremental.py (imported from this file), so it has no pytest-only code
besides the fixtures at the bottom.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Page:
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    location: str | None = None  # for 3xx answers
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    headers: dict[str, str] = field(default_factory=dict)


class SiteServer:
    """A tiny website on 127.0.0.1 served from a dict of path -> Page, in a background thread."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                with site._lock:
                    site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
                    page = site.pages.get(path)
                if page is None:
                    return self._answer(404, b"not found", "text/plain")
                if page.delay:
                    time.sleep(page.delay)
                if page.status == 200 and (
                    (page.etag and self.headers.get("If-None-Match") == page.etag)
                    or (page.last_modified and self.headers.get("If-Modified-Since") == page.last_modified)
                ):
                    return self._answer(304, b"", None, page)
                self._answer(page.status, page.body, page.content_type, page)

            def _answer(self, status: int, body: bytes, ctype: str | None, page: Page | None = None) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if page is not None:
                    if page.etag:
                        self.send_header("ETag", page.etag)
                    if page.last_modified:
                        self.send_header("Last-Modified", page.last_modified)
                    if page.location:
                        self.send_header("Location", page.location)
                    for k, v in page.headers.items():
                        self.send_header(k, v)
                if page is None or page.send_length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if body:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:  # clients that hang up: not news
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: str | bytes = b"", **options) -> Page:
        """Add or replace the page at `path` (options: see Page)."""
        page = Page(body=body.encode("utf-8") if isinstance(body, str) else body, **options)
        with self._lock:
            self.pages[path] = page
        return page

    def remove(self, path: str) -> None:
        with self._lock:
            self.pages.pop(path, None)

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.requests if p == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def article(title: str, text: str) -> str:
    """A small HTML article page."""
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"


@pytest.fixture
def site():
    server = SiteServer()
    try:
        yield server
    finally:
        server.close()



@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A throwaway Prefect API for the whole test session (entering it takes ~10 s: once only).

    Use it only in tests marked @pytest.mark.prefect; test plain functions without Prefect.
    """
    import os

    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    import flows  # noqa: F401 - Prefect environment defaults before Prefect is imported
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# --------------------------------------------------------------------------- pipeline stand-ins
# Trivial clean / extract for pipeline and flow tests: they test the pipeline, not the rules.

TRIAL = re.compile(r"\b[A-Z]+-\d+\b")


class Calls:
    """How often the stand-ins ran (to check that unchanged pages skip clean + extract)."""

    def __init__(self):
        self.clean = 0
        self.extract = 0


def stand_in_clean(calls):
    from trial_curate.models import CleanDocument

    def clean(body, *, source, content_type=None, snapshot_sha256=None):
        calls.clean += 1
        text = re.sub(r"<[^>]+>", " ", body.decode("utf-8"))
        if "CLEAN-FAILS" in text:
            raise ValueError("no main text found")
        return CleanDocument(source=source, snapshot_sha256=snapshot_sha256, text=" ".join(text.split()))
    return clean


def stand_in_extract(calls):
    """A trial record per code like ABC-12 in the text; fails on EXTRACT-FAILS."""
    from trial_curate.models import DraftRecord, Evidence

    def extract(doc):
        calls.extract += 1
        if "EXTRACT-FAILS" in doc.text:
            raise RuntimeError("rule crashed")
        return [
            DraftRecord(source=doc.source, kind="trial", trial=m.group(), snapshot_sha256=doc.snapshot_sha256,
                        evidence=Evidence(text=m.group(), start=m.start(), end=m.end()))
            for m in TRIAL.finditer(doc.text)
        ]
    return extract


@pytest.fixture
def stand_ins(monkeypatch):
    """Patch trial_curate.pipeline's clean / extract with the stand-ins and pin the rules version
    (extractors/ may be edited while tests run); returns the Calls counter."""
    from trial_curate import pipeline

    c = Calls()
    monkeypatch.setattr(pipeline, "_clean", stand_in_clean(c))
    monkeypatch.setattr(pipeline, "_extract", stand_in_extract(c))
    monkeypatch.setattr(pipeline, "_extract_many", lambda docs: [pipeline._extract(d) for d in docs])
    monkeypatch.setattr(pipeline, "rules_version", lambda: "rules-1")
    return c
