"""The ingest flow: sources -> raw snapshots -> clean documents -> draft records -> review queue.

Thin orchestration of trial_curate.pipeline; no logic of its own beyond batching:

    expand-sources        one task: sources TOML / arguments -> page Sources
    fetch-batch           a task per batch of pages (fetch + snapshot; unchanged pages finish here)
    fetch-again           only for pages that failed with 5xx / 429 / timeouts: Prefect task retries
    clean-extract         a task per batch of changed pages, cached by Prefect on the snapshot
                          hashes and the rules version (a re-run after a queue failure, or another
                          run over the same snapshots, does not clean + extract again)
    enqueue-batch         a task per batch: hand drafts to the review queue
    withdraw-pages        pages that answered 404 / 410: their records are flagged gone

Pages are batched (default 25 per task) because each task run costs orchestration time; the
task runner has a fixed number of threads (`max_workers`).  The flow is async on purpose: in
Prefect 3.8 a *sync* flow run waits up to ~1 s on exit for its heartbeat thread.

Run it with `curate ingest` (see `run_ingest`), or deploy it (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import timedelta

import flows  # noqa: F401 - Prefect environment defaults, before Prefect is imported
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from trial_curate import pipeline
from trial_curate.fetch import Fetcher, FetchFailed, FetchPolicy
from trial_curate.models import Source, short_hash
from trial_curate.settings import Settings
from trial_curate.snapshots import SnapshotStore
from trial_curate.sources import sources_from_args

BATCH_SIZE = 25
MAX_WORKERS = 4
MAX_FETCH_BATCH = 250
RETRY_DELAYS = [3, 15]  # seconds before the 2nd and 3rd try of a page that failed with 5xx / 429 / timeout


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), max(1, size))]


def bucket_of(location: str, buckets: int) -> int:
    """A page's clean-extract batch: stable across runs, so unchanged batches hit the cache."""
    return int(short_hash(location, length=8), 16) % max(1, buckets)


def _stable_batches(pages: list[pipeline.FetchedPage], buckets: int) -> list[list[pipeline.FetchedPage]]:
    groups: dict[int, list[pipeline.FetchedPage]] = {}
    for page in sorted(pages, key=lambda p: p.source.location):
        groups.setdefault(bucket_of(page.source.location, buckets), []).append(page)
    return [groups[k] for k in sorted(groups)]


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- tasks


@task(name="expand-sources", cache_policy=NO_CACHE)
def expand_task(sources: list[Source], policy: FetchPolicy) -> tuple[list[Source], list[pipeline.SourceOutcome]]:
    with Fetcher(policy) as fetcher:
        return pipeline.expand_sources(sources, fetcher)


@task(name="fetch-batch", cache_policy=NO_CACHE)
def fetch_batch(pages: list[Source], raw_dir: str, policy: FetchPolicy, rules: str) -> list[pipeline.FetchedPage]:
    store = SnapshotStore(raw_dir)
    with Fetcher(policy) as fetcher:
        return [pipeline.fetch_step(page, store, fetcher, rules) for page in pages]


def _transient_only(task, task_run, state) -> bool:
    """Retry fetch-again only for 5xx and 429 answers, timeouts and connection errors."""
    try:
        state.result()
    except FetchFailed as e:
        return e.transient
    except Exception:  # noqa: BLE001
        return False
    return False


@task(name="fetch-again", retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=_transient_only,
      cache_policy=NO_CACHE)
def fetch_again(page: Source, raw_dir: str, policy: FetchPolicy, rules: str) -> pipeline.FetchedPage:
    """One page that failed transiently: one request per attempt; raises FetchFailed so that
    Prefect's task retries (with their longer delays) do the retrying."""
    with Fetcher(replace(policy, attempts=1)) as fetcher:
        fetched = pipeline.fetch_step(page, SnapshotStore(raw_dir), fetcher, rules)
    if fetched.outcome is not None and fetched.outcome.transient:
        raise FetchFailed(page.location, fetched.outcome.error.message, transient=True)
    return fetched


def clean_extract_key(context, parameters) -> str:
    """Cache key of clean-extract: the rules version and each page's (location, snapshot hash)."""
    items = [(p.source.location, p.snapshot.sha256) for p in parameters["pages"]]
    return f"clean-extract-{parameters['rules']}-{short_hash(items, length=32)}"


@task(name="clean-extract", cache_key_fn=clean_extract_key, cache_expiration=timedelta(days=30),
      persist_result=True)
def clean_extract_batch(pages: list[pipeline.FetchedPage], raw_dir: str, rules: str) -> list[pipeline.Extracted]:
    return pipeline.clean_extract_many(pages, SnapshotStore(raw_dir))


@task(name="enqueue-batch", cache_policy=NO_CACHE)
def enqueue_batch(pages: list[pipeline.FetchedPage], extracted: list[pipeline.Extracted], raw_dir: str,
                  database_url: str, rules: str) -> list[pipeline.SourceOutcome]:
    with pipeline.queue_session(database_url) as queue:
        return pipeline.enqueue_many(queue, pages, extracted, SnapshotStore(raw_dir), rules)


@task(name="withdraw-pages", cache_policy=NO_CACHE)
def withdraw_pages(pages: list[pipeline.FetchedPage], raw_dir: str, database_url: str) -> list[pipeline.SourceOutcome]:
    """Pages their sites no longer have (404 / 410): flag their records gone."""
    with pipeline.queue_session(database_url) as queue:
        return [pipeline.withdraw_step(queue, page, SnapshotStore(raw_dir)) for page in pages]


# --------------------------------------------------------------------------- flow


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=MAX_WORKERS), log_prints=False)
async def ingest_flow(
    inputs: list[str] | None = None,
    sources: list[Source] | None = None,
    raw_dir: str | None = None,
    database_url: str | None = None,
    batch_size: int = BATCH_SIZE,
    max_workers: int = MAX_WORKERS,
    min_interval: float | None = None,
    quiet: bool = False,
) -> pipeline.RunSummary:
    """Ingest sources (a sources TOML, URLs, files, folders; or Source objects from a deployment)."""
    started = pipeline.utcnow()
    settings = Settings.from_env(raw_dir=raw_dir, database_url=database_url)
    policy = FetchPolicy() if min_interval is None else FetchPolicy(min_interval=min_interval)
    raw = str(settings.raw_dir)
    SnapshotStore(raw).sweep_temp()
    rules = pipeline.rules_version()
    wanted = list(sources or []) + (sources_from_args(inputs) if inputs else [])

    pages, outcomes = expand_task(wanted, policy)
    _say(f"{len(pages)} pages to check" + (f", {len(outcomes)} sources unreadable" if outcomes else ""), quiet)

    # Fetch + snapshot, batch by batch; transient failures get a second chance with task retries.
    todo: list[pipeline.FetchedPage] = []
    removed: list[pipeline.FetchedPage] = []
    retries = []
    done = 0
    # Fetching an unchanged page is cheap, so fetch batches are larger: one per worker (at most
    # MAX_FETCH_BATCH pages each), which keeps task-run overhead small next to the fetching.
    fetch_size = min(MAX_FETCH_BATCH, max(batch_size, -(-len(pages) // max(1, max_workers))))
    for future in as_completed([fetch_batch.submit(b, raw, policy, rules) for b in _chunks(pages, fetch_size)]):
        for fetched in future.result():
            if fetched.outcome is None:
                todo.append(fetched)
            elif fetched.outcome.transient:
                again = fetch_again.with_options(retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS)
                retries.append((fetched, again.submit(fetched.source, raw, policy, rules)))
            elif fetched.removed:
                removed.append(fetched)
            else:
                outcomes.append(fetched.outcome)
        done += len(future.result())
        _say(f"fetched {done}/{len(pages)} pages ({len(todo)} to extract)", quiet)
    for fetched, future in retries:
        future.wait()
        if future.state.is_completed():
            again = future.result()
            (todo.append(again) if again.outcome is None else outcomes.append(again.outcome))
        else:
            outcomes.append(fetched.outcome)

    # Clean + extract (cached) and enqueue, batch by batch.  A page always lands in the same batch
    # (for the same list of pages), so a batch whose snapshots did not change is a cache hit.
    batches = _stable_batches(todo, buckets=-(-len(pages) // max(1, batch_size)))
    extracted = [clean_extract_batch.submit(b, raw, rules) for b in batches]
    queued = [enqueue_batch.submit(b, ex, raw, settings.database_url, rules) for b, ex in zip(batches, extracted)]
    for future in as_completed(queued):
        outcomes += future.result()
        _say(f"queued {sum(1 for o in outcomes if o.status in ('new', 'changed'))} changed pages", quiet)

    if removed:
        outcomes += withdraw_pages.submit(removed, raw, settings.database_url).result()
    summary = pipeline.summarize(outcomes, started=started)
    await _artifacts(summary)
    return summary


async def _artifacts(summary: pipeline.RunSummary) -> None:
    """The run summary in Prefect's UI: a markdown report and a table of pages."""
    per = "\n".join(f"| {t} | {e} | {n} |" for (t, e), n in summary.per_trial_endpoint.items())
    markdown = f"```\n{summary.render()}\n```\n"
    if per:
        markdown += "\n| trial | endpoint | new records |\n|---|---|---|\n" + per + "\n"
    await create_markdown_artifact(markdown=markdown, key="ingest-summary", description="curate ingest")
    await create_table_artifact(table=summary.table(), key="ingest-pages", description="pages of this run")


def run_ingest(inputs: list[str] | None = None, *, sources: list[Source] | None = None,
               settings: Settings | None = None, batch_size: int = BATCH_SIZE, max_workers: int = MAX_WORKERS,
               min_interval: float | None = None, quiet: bool = False) -> pipeline.RunSummary:
    """Run the ingest flow in this process (local Prefect) and return its summary."""
    settings = settings or Settings.from_env()
    runner = ingest_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=max(1, max_workers)))
    return asyncio.run(runner(
        inputs=inputs, sources=sources, raw_dir=str(settings.raw_dir), database_url=settings.database_url,
        batch_size=batch_size, max_workers=max_workers, min_interval=min_interval, quiet=quiet,
    ))
