"""The Prefect flows, on a throwaway Prefect API shared by the session (slow start: marked prefect).

The plain functions are tested without Prefect in test_pipeline.py; here only what the flow adds:
batching, task retries on transient failures, the clean-extract cache, artifacts, deployments.
"""

from __future__ import annotations

import pytest
from conftest import article

from trial_curate import pipeline
from trial_curate.models import Source
from trial_curate.settings import Settings

pytestmark = pytest.mark.prefect


@pytest.fixture
def calls(stand_ins):
    return stand_ins


def by_name(summary):
    return {o.source.rsplit("/", 1)[-1]: o for o in summary.outcomes}


def test_ingest_flow_batches_retries_caches_and_reports(prefect_harness, site, tmp_path, calls, monkeypatch):
    from flows import ingest

    monkeypatch.setattr(ingest, "RETRY_DELAYS", [0, 0])
    for i in range(7):
        site.page(f"/p{i}.html", article(f"P{i}", f"TRIAL-{i}"))
    site.page("/boom.html", "down", status=503)
    site.page("/gone.html", "x", status=404)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'q.sqlite'}", raw_dir=tmp_path / "raw",
                        curated_dir=tmp_path / "curated")
    sources = [Source(location=site.url(p)) for p in [f"/p{i}.html" for i in range(7)] + ["/boom.html", "/gone.html"]]
    real_open = pipeline.open_queue

    class Broken:
        def add_document(self, doc):
            raise RuntimeError("database is locked")

    # 1st run: the queue is down -> every page fails at the queue stage after clean + extract.
    monkeypatch.setattr(pipeline, "open_queue", lambda url: Broken())
    first = ingest.run_ingest(sources=sources, settings=settings, batch_size=3, max_workers=2, min_interval=0, quiet=True)
    outcomes = by_name(first)
    assert {o.error.stage for n, o in outcomes.items() if n.startswith("p")} == {"queue"}
    assert outcomes["boom.html"].transient and "503" in outcomes["boom.html"].error.message
    assert "404" in outcomes["gone.html"].error.message
    assert site.hits("/gone.html") == 1  # no retry on 4xx
    assert site.hits("/boom.html") == 3 + 3  # fetch-batch (3 attempts), then 1 per fetch-again try
    assert calls.clean == 7

    # 2nd run: the queue is back; clean + extract come from Prefect's cache (same snapshots, same rules).
    monkeypatch.setattr(pipeline, "open_queue", real_open)
    site.page("/boom.html", article("Boom", "BOOM-1"))
    second = ingest.run_ingest(sources=sources, settings=settings, batch_size=3, max_workers=2, min_interval=0, quiet=True)
    statuses = {n: o.status for n, o in by_name(second).items()}
    assert statuses == {**{f"p{i}.html": "new" for i in range(7)}, "boom.html": "new", "gone.html": "failed"}
    # Only the batch holding the page that came back missed the cache.
    buckets = 3  # 9 pages, 3 per batch
    same_batch = [i for i in range(7) if ingest.bucket_of(site.url(f"/p{i}.html"), buckets)
                  == ingest.bucket_of(site.url("/boom.html"), buckets)]
    assert calls.clean == 7 + 1 + len(same_batch) < 15
    assert second.records == 8 and second.exit_code == 0

    # 3rd run: nothing changed, but one page left its site: its record is flagged gone.
    site.remove("/p0.html")
    third = ingest.run_ingest(sources=sources, settings=settings, batch_size=3, max_workers=2, min_interval=0, quiet=True)
    assert sorted(o.status for o in third.outcomes) == ["failed"] * 2 + ["unchanged"] * 7
    assert "1 of its records flagged gone" in by_name(third)["p0.html"].error.message and third.queue["gone"] == 1

    from prefect.artifacts import Artifact

    report = Artifact.get("ingest-summary")
    assert "Ingested 9 pages" in report.data and "7 unchanged" in report.data

def test_serve_makes_one_deployment_per_schedule(prefect_harness, tmp_path):
    from flows.serve import deployment_name, deployments_for

    settings = Settings(database_url="sqlite:///q.sqlite", raw_dir=tmp_path / "raw", curated_dir=tmp_path / "c")
    sources = [
        Source(location="https://a.example/1", schedule="0 6 * * *", tags=["news"]),
        Source(location="https://a.example/feed", kind="feed", schedule="0 6 * * *"),
        Source(location="https://b.example/sitemap.xml", kind="sitemap", schedule="*/30 * * * *"),
        Source(location="https://c.example/once"),
    ]
    deployments = deployments_for(sources, settings)
    assert [d.name for d in deployments] == ["ingest-0_6_x_x_x", "ingest-x_30_x_x_x_x"]
    assert deployment_name("0 6 * * 1-5") == "ingest-0_6_x_x_1-5"
    first = deployments[0]
    assert [s["location"] for s in first.parameters["sources"]] == ["https://a.example/1", "https://a.example/feed"]
    assert first.parameters["sources"][1]["kind"] == "feed"
    assert first.schedules[0].schedule.cron == "0 6 * * *"
    assert first.tags == ["news"]
