"""trial_curate.pipeline without Prefect: outcomes per page, incremental skips, robustness.

clean and extract are trivial stand-ins (monkeypatched) so these tests check the pipeline,
not the extraction rules; the review queue is the real one on a temporary SQLite file.
"""

from __future__ import annotations

import json
import multiprocessing

import pytest
from conftest import article

from trial_curate import pipeline
from trial_curate.fetch import Fetcher, FetchPolicy
from trial_curate.models import Source
from trial_curate.queue import ReviewQueue
from trial_curate.settings import Settings
from trial_curate.snapshots import SnapshotStore

FAST = FetchPolicy(timeout=2.0, attempts=2, backoff=0.01, min_interval=0.0)


@pytest.fixture
def calls(stand_ins):
    return stand_ins


@pytest.fixture
def settings(tmp_path):
    return Settings(database_url=f"sqlite:///{tmp_path / 'q.sqlite'}", raw_dir=tmp_path / "raw",
                    curated_dir=tmp_path / "curated")


@pytest.fixture
def queue(settings):
    with ReviewQueue(settings.database_url) as q:
        yield q


def run(urls, settings, queue):
    return pipeline.run([Source(location=u) for u in urls], settings, queue, policy=FAST, workers=2)


def statuses(summary):
    return {o.source.rsplit("/", 1)[-1]: o.status for o in summary.outcomes}


def test_new_unchanged_edited_removed_pages(site, settings, queue, calls):
    site.page("/a.html", article("A", "ALPHA-1 met its endpoint"))
    site.page("/b.html", article("B", "BETA-2 and GAMMA-3"))
    urls = [site.url("/a.html"), site.url("/b.html")]

    first = run(urls, settings, queue)
    assert statuses(first) == {"a.html": "new", "b.html": "new"}
    assert first.records == 3 and first.exit_code == 0
    assert first.per_trial_endpoint == {("ALPHA-1", "(other facts)"): 1, ("BETA-2", "(other facts)"): 1,
                                        ("GAMMA-3", "(other facts)"): 1}
    assert (calls.clean, calls.extract) == (2, 2)

    second = run(urls, settings, queue)
    assert statuses(second) == {"a.html": "unchanged", "b.html": "unchanged"}
    assert (calls.clean, calls.extract) == (2, 2)  # clean + extract skipped entirely
    assert second.records == 0 and "Nothing new to review" in second.render()

    site.page("/b.html", article("B", "BETA-2 only now"))  # edited
    site.remove("/a.html")  # removed
    third = run(urls, settings, queue)
    assert statuses(third) == {"a.html": "failed", "b.html": "changed"}
    failed = third.failed[0]
    assert failed.error.stage == "fetch" and "404" in failed.error.message
    assert third.queue["gone"] == 1 and third.exit_code == 0
    assert len(queue.list(gone=False)) == 2  # ALPHA-1, BETA-2 (GAMMA-3 is flagged gone)


def test_etag_turns_into_a_304_and_no_work(site, settings, queue, calls):
    site.page("/a.html", article("A", "ALPHA-1"), etag='"v1"')
    run([site.url("/a.html")], settings, queue)
    again = run([site.url("/a.html")], settings, queue)
    assert statuses(again) == {"a.html": "unchanged"}
    assert site.requests[-1][1].get("if-none-match") == '"v1"'
    assert calls.clean == 1


def test_rules_change_reprocesses_unchanged_bodies(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1"))
    run([site.url("/a.html")], settings, queue)
    monkeypatch.setattr(pipeline, "rules_version", lambda: "new-rules")
    again = run([site.url("/a.html")], settings, queue)
    assert statuses(again) == {"a.html": "changed"} and calls.extract == 2
    assert again.queue["unchanged"] == 1 and again.records == 0


def test_reextract_uses_stored_snapshots_without_fetching(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1"))
    run([site.url("/a.html")], settings, queue)
    hits = len(site.requests)
    assert statuses(pipeline.reextract(settings, queue)) == {"a.html": "unchanged"}
    monkeypatch.setattr(pipeline, "rules_version", lambda: "new-rules")
    assert statuses(pipeline.reextract(settings, queue)) == {"a.html": "changed"}
    assert statuses(pipeline.reextract(settings, queue, force=True)) == {"a.html": "changed"}
    assert len(site.requests) == hits and calls.extract == 3


@pytest.mark.parametrize("marker,stage", [("CLEAN-FAILS", "clean"), ("EXTRACT-FAILS", "extract")])
def test_a_failing_page_never_fails_the_run(site, settings, queue, calls, marker, stage):
    site.page("/bad.html", article("Bad", marker))
    site.page("/good.html", article("Good", "ALPHA-1"))
    site.page("/boom.html", "x", status=500)
    site.page("/paper.pdf", b"%PDF", content_type="application/pdf")
    summary = run([site.url(p) for p in ("/bad.html", "/good.html", "/boom.html", "/paper.pdf")], settings, queue)
    assert statuses(summary) == {"bad.html": "failed", "good.html": "new", "boom.html": "failed", "paper.pdf": "failed"}
    errors = {o.source.rsplit("/", 1)[-1]: o for o in summary.failed}
    assert errors["bad.html"].error.stage == stage
    assert errors["boom.html"].transient and "500" in errors["boom.html"].error.message
    assert "application/pdf" in errors["paper.pdf"].error.message
    assert site.hits("/boom.html") == 2 and site.hits("/paper.pdf") == 1
    text = summary.render()
    assert "3 failed" in text and "[fetch]" in text and f"[{stage}]" in text and "curate review" in text


def test_nothing_processed_means_non_zero_exit(site, settings, queue, calls):
    summary = run([site.url("/nope.html")], settings, queue)
    assert summary.exit_code == 1 and statuses(summary) == {"nope.html": "failed"}
    assert pipeline.summarize([]).exit_code == 1


def test_queue_failure_is_retried_next_run(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1"))

    def broken(*a, **k):
        raise RuntimeError("database is locked")

    real_enqueue = queue.enqueue
    monkeypatch.setattr(queue, "enqueue", broken)
    first = run([site.url("/a.html")], settings, queue)
    assert first.failed[0].error.stage == "queue"
    monkeypatch.setattr(queue, "enqueue", real_enqueue)
    assert statuses(run([site.url("/a.html")], settings, queue)) == {"a.html": "new"}


def test_crash_after_enqueue_leaves_no_duplicate(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1 BETA-2"))

    def killed(*a, **k):
        raise KeyboardInterrupt  # the process dies between enqueue and marking the snapshot processed

    real_mark = SnapshotStore.mark_processed
    monkeypatch.setattr(SnapshotStore, "mark_processed", killed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.process_source(Source(location=site.url("/a.html")), settings, queue, rules="r",
                                         fetcher=Fetcher(FAST))
    monkeypatch.setattr(SnapshotStore, "mark_processed", real_mark)
    outcome = pipeline.process_source(Source(location=site.url("/a.html")), settings, queue, rules="r",
                                         fetcher=Fetcher(FAST))
    assert outcome.status == "new" and outcome.queue == {"new": 0, "changed": 0, "unchanged": 2, "gone": 0}
    assert len(queue.list()) == 2


def _run_in_process(urls, settings):
    """A separate process (spawned, so it shares no threads with this one) with the same stand-ins."""
    from conftest import Calls, stand_in_clean, stand_in_extract

    from trial_curate.queue import ReviewQueue as Q

    c = Calls()
    pipeline._clean, pipeline._extract = stand_in_clean(c), stand_in_extract(c)
    pipeline._extract_many = lambda docs: [pipeline._extract(d) for d in docs]
    pipeline.rules_version = lambda: "rules-1"
    with Q(settings.database_url) as q:
        run(urls, settings, q)


def test_two_runs_at_once_do_not_corrupt_or_duplicate(site, settings, queue, calls, tmp_path):
    for i in range(12):
        site.page(f"/p{i}.html", article(f"P{i}", f"TRIAL-{i} and SHARED-1"))
    (tmp_path / "local.html").write_text(article("L", "LOCAL-7"))
    urls = [site.url(f"/p{i}.html") for i in range(12)] + [str(tmp_path / "local.html")]
    # spawn, not fork: forking a test process that already runs threads (Prefect, web servers) is unsafe
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_run_in_process, args=(urls, settings)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    records = queue.list()
    assert len(records) == 12 * 2 + 1
    assert len({(r.record.source, r.record.trial) for r in records}) == len(records)
    store = SnapshotStore(settings.raw_dir)
    entries = list(store.entries())
    assert len(entries) == 13 and all(e.processed_sha256 == e.latest.sha256 for e in entries)
    for meta in settings.raw_dir.rglob("*.json"):
        json.loads(meta.read_text())  # every file whole
    assert not list(settings.raw_dir.rglob("*.tmp"))


def test_folder_and_local_files(tmp_path, settings, queue, calls):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(article("A", "ALPHA-1"))
    (folder / "b.txt").write_text("BETA-2 plain text")
    summary = pipeline.run([Source(location=str(folder), kind="folder")], settings, queue, policy=FAST)
    assert statuses(summary) == {"a.html": "new", "b.txt": "new"}
    assert statuses(pipeline.run([Source(location=str(folder), kind="folder")], settings, queue, policy=FAST)) == {
        "a.html": "unchanged", "b.txt": "unchanged"}


def test_rules_version_follows_the_rule_files(tmp_path):
    (tmp_path / "patterns").mkdir()
    (tmp_path / "extract.py").write_text("RULES = 1")
    (tmp_path / "patterns" / "trials.toml").write_text("a = 1")
    v1 = pipeline.rules_version(tmp_path)
    assert pipeline.rules_version(tmp_path) == v1
    (tmp_path / "patterns" / "trials.toml").write_text("a = 2")
    v2 = pipeline.rules_version(tmp_path)
    (tmp_path / "extract.py").write_text("RULES = 2")
    assert len({v1, v2, pipeline.rules_version(tmp_path)}) == 3
    assert pipeline.rules_version() == pipeline.rules_version()  # the real extractors/ package
