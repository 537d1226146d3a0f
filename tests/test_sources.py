"""Sources TOML parsing and checking; folder, feed and sitemap expansion (served on loopback)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from trial_curate.fetch import Fetcher, FetchFailed, FetchPolicy
from trial_curate.models import Source
from trial_curate.sources import (
    SourcesError, check_sources, expand, feed_links, load_sources, sitemap_locs, sources_from_args,
)

FAST = FetchPolicy(timeout=2.0, attempts=1, min_interval=0.0)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_load_sources_resolves_relative_paths_against_the_toml_folder(tmp_path, monkeypatch):
    write(tmp_path / "conf" / "pages" / "a.html", "<p>a</p>")
    toml = write(tmp_path / "conf" / "sources.toml", """
[[source]]
location = "pages/a.html"
tags = ["myeloma"]
name = "local page"

[[source]]
location = "pages"

[[source]]
location = "https://example.org/feed.xml"
kind = "feed"
schedule = "0 6 * * *"
""")
    monkeypatch.chdir(tmp_path)  # somewhere else than the TOML's folder
    sources = load_sources(toml)
    assert [s.kind for s in sources] == ["file", "folder", "feed"]
    assert sources[0].location == str(tmp_path / "conf" / "pages" / "a.html")
    assert sources[0].tags == ["myeloma"] and sources[0].name == "local page"
    assert sources[2].schedule == "0 6 * * *"
    assert check_sources(toml) == []


def test_check_sources_reports_every_problem_clearly(tmp_path):
    toml = write(tmp_path / "sources.toml", """
[[source]]
location = "https://example.org/a"
tag = ["typo"]

[[source]]
location = "https://example.org/b"
kind = "rss"

[[source]]
location = "https://example.org/c"
schedule = "every morning"

[[source]]
location = "missing.html"

[[source]]
location = "https://example.org/a"

[[source]]
kind = "url"
""")
    problems = check_sources(toml)
    text = "\n".join(problems)
    assert "unknown key 'tag'" in text
    assert "kind 'rss' is not one of url, file, folder, feed, sitemap" in text
    assert "bad cron schedule 'every morning'" in text
    assert "no such file or folder" in text and "missing.html" in text
    assert "duplicate location https://example.org/a" in text
    assert "missing 'location'" in text
    assert len(problems) == 6
    with pytest.raises(SourcesError) as e:
        load_sources(toml)
    assert e.value.problems == problems


def test_check_sources_on_broken_or_missing_files(tmp_path):
    assert "not valid TOML" in check_sources(write(tmp_path / "bad.toml", "[[source]\nlocation="))[0]
    assert "no such sources file" in check_sources(tmp_path / "nope.toml")[0]
    assert "[[source]], not [source]" in check_sources(write(tmp_path / "one.toml", '[source]\nlocation="x"'))[0]


def test_cron_macros_are_accepted(tmp_path):
    toml = write(tmp_path / "s.toml", '[[source]]\nlocation = "https://e.org/"\nschedule = "@daily"\n')
    assert check_sources(toml) == []


def test_sources_from_args_takes_urls_files_folders_and_toml(tmp_path):
    page = write(tmp_path / "a.html", "<p>a</p>")
    folder = tmp_path / "more"
    write(folder / "b.txt", "b")
    toml = write(tmp_path / "s.toml", '[[source]]\nlocation = "a.html"\n')
    sources = sources_from_args(["https://example.org/x", str(page), str(folder), str(toml)])
    assert [(s.kind, s.location) for s in sources] == [
        ("url", "https://example.org/x"), ("file", str(page)), ("folder", str(folder)),
    ]  # the TOML's a.html is the same page: kept once
    with pytest.raises(SourcesError, match="no such file or folder"):
        sources_from_args([str(tmp_path / "nothing.html")])


def test_folder_expands_to_its_pages(tmp_path):
    for name in ("b.html", "a.htm", "sub/c.txt", "notes.pdf", ".hidden/d.html"):
        write(tmp_path / "f" / name, "x")
    pages = expand(Source(location=str(tmp_path / "f"), kind="folder", tags=["t"]))
    assert [Path(p.location).name for p in pages] == ["a.htm", "b.html", "c.txt"]
    assert all(p.kind == "file" and p.tags == ["t"] for p in pages)
    write(tmp_path / "empty" / "x.pdf", "x")
    with pytest.raises(FetchFailed, match="no .html"):
        expand(Source(location=str(tmp_path / "empty"), kind="folder"))


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>One</title><link>{base}/one.html</link></item>
<item><title>Two</title><link>/two.html</link></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>A</title><link href="{base}/atom-a.html"/><id>1</id><updated>2026-01-01T00:00:00Z</updated></entry>
</feed>"""


def test_feed_expansion_served_locally(site):
    site.page("/feed.xml", RSS.format(base=site.base), content_type="application/rss+xml")
    site.page("/atom.xml", ATOM.format(base=site.base), content_type="application/atom+xml")
    with Fetcher(FAST) as f:
        pages = expand(Source(location=site.url("/feed.xml"), kind="feed", schedule="0 6 * * *"), f)
        assert [p.location for p in pages] == [site.url("/one.html"), site.url("/two.html")]
        assert all(p.kind == "url" and p.schedule == "0 6 * * *" for p in pages)
        assert [p.location for p in expand(Source(location=site.url("/atom.xml"), kind="feed"), f)] == [
            site.url("/atom-a.html")]
        site.page("/notfeed.xml", "<<<", content_type="application/xml")
        with pytest.raises(FetchFailed, match="feed"):
            expand(Source(location=site.url("/notfeed.xml"), kind="feed"), f)


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"""


def test_sitemap_and_sitemap_index_expansion(site):
    urls = "".join(f"<url><loc>{site.base}/p{i}.html</loc></url>" for i in range(5))
    site.page("/sitemap-1.xml", URLSET.format(urls=urls), content_type="application/xml")
    site.page("/sitemap-2.xml.gz", gzip.compress(URLSET.format(urls=f"<url><loc>{site.base}/q.html</loc></url>").encode()),
              content_type="application/xml")
    site.page("/sitemap.xml", f"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.base}/sitemap-1.xml</loc></sitemap>
<sitemap><loc>{site.base}/sitemap-2.xml.gz</loc></sitemap>
</sitemapindex>""", content_type="text/xml")
    with Fetcher(FAST) as f:
        pages = expand(Source(location=site.url("/sitemap.xml"), kind="sitemap"), f)
        assert [p.location for p in pages] == [site.url(f"/p{i}.html") for i in range(5)] + [site.url("/q.html")]
        bounded = expand(Source(location=site.url("/sitemap-1.xml"), kind="sitemap"), f, max_pages=2)
        assert len(bounded) == 2


def test_sitemap_parser_refuses_other_xml_and_entities():
    with pytest.raises(ValueError, match="not a sitemap"):
        sitemap_locs(b"<html><body/></html>")
    evil = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>"""
    kind, locs = sitemap_locs(evil)
    assert kind == "urlset" and not any("root:" in loc for loc in locs)


def test_feed_links_resolve_relative_links():
    body = RSS.format(base="https://news.example").encode()
    assert feed_links(body, "https://news.example/feed.xml") == [
        "https://news.example/one.html", "https://news.example/two.html"]
