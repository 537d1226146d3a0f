"""trial_curate.fetch against a loopback site: politeness, limits, errors as clear messages."""

from __future__ import annotations

import email.utils
import time
from datetime import datetime, timedelta, timezone

import pytest

from trial_curate.fetch import USER_AGENT, Fetcher, FetchFailed, FetchPolicy, read_local, with_retries

FAST = FetchPolicy(timeout=2.0, attempts=3, backoff=0.01, min_interval=0.0, max_bytes=10_000)


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def test_fetches_html_with_metadata_and_user_agent(site, fetcher):
    site.page("/a.html", "<p>hello</p>", etag='"v1"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    got = fetcher.fetch(site.url("/a.html"))
    assert got.body == b"<p>hello</p>"
    assert got.status == 200 and got.etag == '"v1"' and got.encoding == "utf-8"
    assert got.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"
    assert got.content_type.startswith("text/html")
    headers = dict(site.requests)["/a.html"]
    assert headers["user-agent"] == USER_AGENT


def test_conditional_request_gets_304(site, fetcher):
    site.page("/a.html", "<p>x</p>", etag='"v1"')
    got = fetcher.fetch(site.url("/a.html"), etag='"v1"')
    assert got.not_modified and got.body == b""
    assert dict(site.requests)["/a.html"]["if-none-match"] == '"v1"'
    site.page("/b.html", "<p>y</p>", last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    assert fetcher.fetch(site.url("/b.html"), last_modified="Mon, 02 Nov 2026 10:00:00 GMT").not_modified


def test_404_is_a_clear_error_without_retry(site, fetcher):
    with pytest.raises(FetchFailed) as e:
        fetcher.fetch(site.url("/missing.html"))
    assert "404" in e.value.message and not e.value.transient
    assert site.hits("/missing.html") == 1


def test_500_is_retried_with_backoff_then_reported(site, fetcher):
    site.page("/boom.html", "oops", status=500)
    with pytest.raises(FetchFailed) as e:
        fetcher.fetch(site.url("/boom.html"))
    assert e.value.transient and "500" in e.value.message
    assert site.hits("/boom.html") == 3


def test_429_is_retried_and_a_long_retry_after_is_left_for_the_next_run(site, fetcher):
    site.page("/busy.html", "slow down", status=429)
    with pytest.raises(FetchFailed) as e:
        fetcher.fetch(site.url("/busy.html"))
    assert e.value.transient and "429" in e.value.message and site.hits("/busy.html") == 3
    site.page("/later.html", "come back tomorrow", status=503, headers={"Retry-After": "86400"})
    with pytest.raises(FetchFailed) as e:
        fetcher.fetch(site.url("/later.html"))
    assert not e.value.transient and "86400 s" in e.value.message and site.hits("/later.html") == 1


def test_slow_response_times_out_and_is_transient(site):
    site.page("/slow.html", "<p>late</p>", delay=1.0)
    with Fetcher(FetchPolicy(timeout=0.2, attempts=2, backoff=0.01, min_interval=0)) as f:
        with pytest.raises(FetchFailed) as e:
            f.fetch(site.url("/slow.html"))
    assert e.value.transient and "timed out" in e.value.message
    assert site.hits("/slow.html") == 2


def test_redirects_are_followed_and_loops_stopped(site, fetcher):
    site.page("/old.html", status=301, location="/new.html", content_type=None)
    site.page("/new.html", "<p>moved</p>")
    got = fetcher.fetch(site.url("/old.html"))
    assert got.body == b"<p>moved</p>" and got.url == site.url("/new.html")
    site.page("/loop.html", status=302, location="/loop.html", content_type=None)
    with pytest.raises(FetchFailed, match="redirect"):
        fetcher.fetch(site.url("/loop.html"))


def test_oversized_body_is_refused(site, fetcher):
    site.page("/big.html", b"x" * 50_000)
    with pytest.raises(FetchFailed, match="too large"):
        fetcher.fetch(site.url("/big.html"))


def test_oversized_body_without_length_stops_reading(site, fetcher):
    site.page("/big.html", b"x" * 50_000, send_length=False)
    with pytest.raises(FetchFailed, match="too large"):
        fetcher.fetch(site.url("/big.html"))


def test_binary_content_type_is_refused(site, fetcher):
    site.page("/paper.pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(FetchFailed, match="application/pdf") as e:
        fetcher.fetch(site.url("/paper.pdf"))
    assert not e.value.transient and site.hits("/paper.pdf") == 1


def test_robots_txt_is_honoured_and_cached(site, fetcher):
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.page("/private/a.html", "<p>secret</p>")
    site.page("/public.html", "<p>ok</p>")
    with pytest.raises(FetchFailed, match="robots.txt"):
        fetcher.fetch(site.url("/private/a.html"))
    assert site.hits("/private/a.html") == 0
    fetcher.fetch(site.url("/public.html"))
    fetcher.fetch(site.url("/public.html"))
    assert site.hits("/robots.txt") == 1


def test_robots_server_error_means_do_not_crawl(site, fetcher):
    site.page("/robots.txt", "down", status=503)
    site.page("/a.html", "<p>a</p>")
    with pytest.raises(FetchFailed, match="robots.txt"):
        fetcher.fetch(site.url("/a.html"))
    assert site.hits("/a.html") == 0


def test_per_host_rate_limit_spaces_requests(site):
    site.page("/a.html", "<p>a</p>")
    with Fetcher(FetchPolicy(min_interval=0.15, attempts=1)) as f:
        start = time.perf_counter()
        for _ in range(3):
            f.fetch(site.url("/a.html"))
        assert time.perf_counter() - start >= 0.29


def test_local_files_share_the_api(tmp_path):
    page = tmp_path / "a.htm"
    page.write_text("<p>local</p>")
    got = read_local(str(page))
    assert got.body == b"<p>local</p>" and got.content_type == "text/html" and got.path == str(page)
    with Fetcher(FAST) as f:
        assert f.fetch(str(page)).body == b"<p>local</p>"
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(FetchFailed, match="unsupported file type"):
        read_local(str(tmp_path / "a.pdf"))
    with pytest.raises(FetchFailed, match="not found"):
        read_local(str(tmp_path / "gone.txt"))


def test_with_retries_only_retries_what_it_is_told():
    calls, waits = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise FetchFailed("x", "server error", transient=True)
        return "ok"

    assert with_retries(flaky, attempts=3, backoff=0.5, sleep=waits.append) == "ok"
    assert waits == [0.5, 1.0]

    def permanent():
        calls.append(1)
        raise FetchFailed("x", "HTTP 404")

    calls.clear()
    with pytest.raises(FetchFailed):
        with_retries(permanent, attempts=5, sleep=waits.append)
    assert len(calls) == 1

    def busy():  # the server said how long to wait (Retry-After): at least that long
        calls.append(1)
        raise FetchFailed("x", "HTTP 429", transient=True, status=429, retry_after=7.0)

    waits.clear()
    with pytest.raises(FetchFailed):
        with_retries(busy, attempts=3, backoff=0.5, sleep=waits.append)
    assert waits == [7.0, 7.0]


def test_retry_after_reads_seconds_and_dates():
    from trial_curate.fetch import _retry_after

    assert _retry_after("120") == 120.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait
    assert 3500 < _retry_after(email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(hours=1))) <= 3600
