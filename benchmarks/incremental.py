"""Incremental ingest: what does an unchanged page cost compared with a new one?

Serves N generated article pages on loopback (http.server in a thread; half of them send an
ETag, so the re-run sees both kinds of "unchanged": a 304 answer, and a full answer whose body
hash matches the stored snapshot), ingests them once (every page new: fetch, snapshot, clean,
extract, queue), then ingests them again unchanged.  Prints the per-page time of each run,
excluding process start-up and Prefect's temporary-server start-up (reported separately).
Goal: an unchanged page costs under 5% of a new one.

    .venv/bin/python benchmarks/incremental.py              # through the Prefect flow
    .venv/bin/python benchmarks/incremental.py --no-prefect # the plain pipeline
    .venv/bin/python benchmarks/incremental.py --pages 100

The per-host rate limit is set to 0 here (`min_interval=0`): on one loopback host the polite
default (1 request/s) would measure the waiting, not the work.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

ARMS = [("lenalidomide", "placebo"), ("thalidomide", "observation"), ("bortezomib", "thalidomide"),
        ("ixazomib", "placebo"), ("daratumumab", "observation")]


def page_html(i: int) -> str:
    """A generated news article about a (made-up) maintenance trial, with a few results."""
    drug, control = ARMS[i % len(ARMS)]
    pfs_a, pfs_b = 30 + i % 25, 18 + i % 11
    os_a, os_b = 60 + i % 30, 50 + i % 20
    n = 300 + 7 * i
    return f"""<!doctype html><html><head><title>Maintenance trial MM-{1000 + i} reports results</title>
<meta name="description" content="Trial news"></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/about">About us</a></nav>
<article><h1>{drug.capitalize()} maintenance prolongs remission in MM-{1000 + i}</h1>
<p class="byline">By Staff Writer, November {1 + i % 28}, 2026</p>
<p>The phase 3 MM-{1000 + i} trial randomly assigned {n} patients with newly diagnosed multiple myeloma
to maintenance with {drug} or {control} after autologous stem-cell transplantation.</p>
<p>After a median follow-up of {40 + i % 20} months, median progression-free survival was {pfs_a} months
with {drug} versus {pfs_b} months with {control} (hazard ratio 0.{50 + i % 40}; P&lt;0.001).</p>
<h2>Overall survival</h2>
<p>Median overall survival was {os_a} months in the {drug} arm and {os_b} months in the {control} arm.
Second primary malignancies occurred in {2 + i % 6}% of patients receiving {drug}.</p>
<p>"These results support {drug} maintenance," said the study's lead investigator.</p>
</article>
<aside><h3>Related</h3><ul><li><a href="/x">Another trial reports 12 months of benefit</a></li></ul></aside>
<footer>Copyright 2026 Example Oncology News. Cookie settings.</footer>
</body></html>"""


BOILERPLATE = Path("/work/shared/bench/boilerplate/html")  # real web pages (article-extraction benchmark)


def real_shells() -> list[str]:
    """Real pages' HTML, to wrap the generated articles in real-world markup and boilerplate."""
    import gzip

    return [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(BOILERPLATE.glob("*.html.gz"))]


def page_in_shell(i: int, shells: list[str]) -> str:
    """The generated article inside real page number i (its own text stays in the page too)."""
    shell = shells[i % len(shells)]
    article = page_html(i).split("<body>", 1)[1].split("</body>", 1)[0]
    cut = shell.lower().rfind("</body>")
    return shell[:cut] + article + shell[cut:] if cut >= 0 else shell + article


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--no-prefect", action="store_true", help="plain pipeline instead of the Prefect flow")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--synthetic", action="store_true",
                        help="small synthetic pages only (default: generated articles inside real web pages "
                             "from /work/shared/bench/boilerplate when that folder exists)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="curate-bench-"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    t = time.perf_counter()
    from conftest import SiteServer

    from trial_curate import pipeline
    from trial_curate.models import Source
    from trial_curate.settings import Settings

    settings = Settings(database_url=f"sqlite:///{work / 'curate.sqlite'}", raw_dir=work / "raw", curated_dir=work / "c")
    from extractors.extract import get_extractor

    get_extractor()  # the spaCy model load is start-up, not per-page work
    startup = {"imports + rules/model load": time.perf_counter() - t}

    if args.no_prefect:
        def ingest(sources):
            from trial_curate.fetch import FetchPolicy

            return pipeline.run(sources, settings, policy=FetchPolicy(min_interval=0), workers=args.workers,
                                batch_size=args.batch_size)
    else:
        t = time.perf_counter()
        import flows.ingest as flow_module
        from prefect import flow

        startup["import prefect + flows"] = time.perf_counter() - t

        @flow(name="warm-up")
        async def warm_up() -> None:
            return None

        import asyncio

        t = time.perf_counter()
        asyncio.run(warm_up())
        startup["Prefect temporary server + first flow run"] = time.perf_counter() - t

        def ingest(sources):
            return flow_module.run_ingest(sources=sources, settings=settings, batch_size=args.batch_size,
                                          max_workers=args.workers, min_interval=0, quiet=True)

    shells = [] if args.synthetic or not BOILERPLATE.is_dir() else real_shells()
    site = SiteServer()
    for i in range(args.pages):
        body = page_in_shell(i, shells) if shells else page_html(i)
        site.page(f"/news/{i}.html", body, etag=f'"v1-{i}"' if i % 2 == 0 else None)
    kb = sum(len(p.body) for p in site.pages.values()) / 1024 / args.pages
    sources = [Source(location=site.url(f"/news/{i}.html")) for i in range(args.pages)]

    runs = {}
    for name in ("first run (all new)", "re-run (unchanged)"):
        t = time.perf_counter()
        summary = ingest(sources)
        runs[name] = (time.perf_counter() - t, summary)
    site.close()

    print(f"incremental ingest benchmark: {args.pages} loopback pages, "
          f"({'real page shells' if shells else 'synthetic'}, {kb:.0f} KB/page on average), "
          f"{'plain pipeline' if args.no_prefect else 'Prefect flow'}, {args.workers} workers, batch {args.batch_size}")
    for what, seconds in startup.items():
        print(f"  start-up, not counted: {what:<45} {seconds:6.2f} s")
    for name, (seconds, summary) in runs.items():
        statuses = {s: len(summary.by_status(s)) for s in ("new", "changed", "unchanged", "failed")}
        print(f"  {name:<22} {seconds:7.2f} s  {1000 * seconds / args.pages:8.2f} ms/page  "
              f"{statuses}  {summary.records} records queued")
    first = runs["first run (all new)"][0]
    again = runs["re-run (unchanged)"][0]
    ratio = again / first
    print(f"  unchanged / new page cost: {100 * ratio:.1f}% (goal < 5%) -> {'OK' if ratio < 0.05 else 'MISSED'}")
    failed = runs["first run (all new)"][1].failed
    if failed:
        print(f"  first failure: {failed[0].source}: [{failed[0].error.stage}] {failed[0].error.message}")
    return 0 if ratio < 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
