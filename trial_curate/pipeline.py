"""One page through the pipeline: fetch -> snapshot -> clean -> extract -> review queue.

Plain functions; the Prefect flow in flows/ingest.py only batches and orchestrates them.

* `process_source` runs one page end to end and returns a `SourceOutcome` (never raises for a
  bad page: the error is a value with the stage that failed and a clear message).
* When a page's body is byte-identical to the snapshot it was last processed from and the
  extraction rules have not changed (`rules_version`), clean and extract are skipped entirely.
* `run` ingests many sources (expanding folders, feeds and sitemaps) without Prefect;
  `reextract` re-runs clean + extract over stored snapshots without fetching (after a rules change).
* `summarize` turns outcomes into a `RunSummary` with a text rendering for the terminal.

Steps are split (`fetch_step`, `clean_extract_step`, `enqueue_step`) so the flow can batch and
cache them; `process_source` composes the same three.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Literal

from trial_curate.fetch import Fetcher, FetchFailed, FetchPolicy, is_url
from trial_curate.models import CleanDocument, DraftRecord, FetchError, Snapshot, Source, utcnow
from trial_curate.settings import Settings
from trial_curate.snapshots import SnapshotStore
from trial_curate.sources import expand

Status = Literal["new", "changed", "unchanged", "failed"]
Stage = Literal["fetch", "decode", "clean", "extract", "queue"]
Progress = Callable[["SourceOutcome"], None]

# answers that say a page is gone for good (its records are flagged gone)
REMOVED_STATUSES = (404, 410)

# Review-queue calls are serialised within a process (SQLite and threads do not mix well).
_queue_lock = threading.Lock()


class StageFailed(Exception):
    """A page failed at one stage; carries the stage name and a clear message."""

    def __init__(self, stage: Stage, message: str, *, transient: bool = False):
        super().__init__(message)
        self.stage, self.message, self.transient = stage, message, transient


@dataclass
class SourceOutcome:
    """What happened to one page in one run."""

    source: str
    status: Status
    snapshot_sha256: str | None = None
    error: FetchError | None = None
    transient: bool = False  # the failure may go away when tried again (5xx, 429, timeout)
    drafts: int = 0  # draft records extracted and handed to the review queue
    records: int = 0  # of which queued for review: new records + new versions of changed ones
    per_trial_endpoint: dict[tuple[str, str], int] = field(default_factory=dict)  # new records
    queue: dict[str, int] = field(default_factory=dict)  # new / changed / unchanged / gone
    seconds: float = 0.0


@dataclass
class FetchedPage:
    """A page after fetch + snapshot: either finished (`outcome` set) or needing clean + extract."""

    source: Source
    snapshot: Snapshot | None = None
    first_time: bool = True  # never processed before (-> status "new")
    outcome: SourceOutcome | None = None
    removed: bool = False  # the site answered 404 / 410: the page is gone (see withdraw_step)
    started: float = field(default_factory=time.perf_counter)


# --------------------------------------------------------------------------- rules version


def rules_version(root: Path | None = None) -> str:
    """Hash of the extraction rules: extractors/*.py and every file under extractors/patterns/.

    Stored with each processed snapshot, so a rules change makes unchanged pages re-extract
    (`curate reextract` does it without fetching).
    """
    if root is None:
        spec = importlib.util.find_spec("extractors")
        if spec is None or not spec.submodule_search_locations:
            return "no-extractors"
        root = Path(list(spec.submodule_search_locations)[0])
    files = sorted(root.glob("*.py")) + sorted(p for p in (root / "patterns").rglob("*") if p.is_file())
    h = hashlib.sha256()
    for p in files:
        if "__pycache__" in p.parts:
            continue
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- the steps


def _clean(body: bytes, **kw) -> CleanDocument:
    from extractors.clean import clean

    return clean(body, **kw)


def _extract(doc: CleanDocument) -> list[DraftRecord]:
    from extractors.extract import extract

    return extract(doc)


def _extract_many(docs: list[CleanDocument]) -> list[list[DraftRecord]]:
    from extractors.extract import extract_many

    return list(extract_many(docs))


def open_queue(database_url: str):
    """The review queue the pipeline feeds."""
    from trial_curate.queue import ReviewQueue

    return ReviewQueue(database_url)


@contextmanager
def queue_session(database_url: str):
    """The review queue for one task, closed after it (opening creates the tables: one thread at a time)."""
    with _queue_lock:
        queue = open_queue(database_url)
    try:
        yield queue
    finally:
        getattr(queue, "close", lambda: None)()


def _failed(source: str, stage: Stage, message: str, *, transient: bool = False, started: float | None = None,
            sha: str | None = None) -> SourceOutcome:
    return SourceOutcome(
        source=source, status="failed", snapshot_sha256=sha, transient=transient,
        error=FetchError(source=source, stage=stage, message=message),
        seconds=time.perf_counter() - started if started else 0.0,
    )


def _same_version(a: Snapshot | None, b: Snapshot) -> bool:
    return a is not None and (a.sha256, a.etag, a.last_modified) == (b.sha256, b.etag, b.last_modified)


def fetch_step(source: Source, store: SnapshotStore, fetcher: Fetcher, rules: str) -> FetchedPage:
    """Fetch one page (conditionally when we have its last snapshot) and store the snapshot.

    The result is finished (`outcome` set) when the fetch failed or when the body and the rules
    are unchanged since the page was last processed.
    """
    page = FetchedPage(source=source)
    entry = store.entry(source.location)
    latest = entry.latest if entry and entry.latest and store.has(entry.latest.sha256) else None
    page.first_time = not (entry and entry.processed_sha256)
    try:
        got = fetcher.fetch(
            source.location,
            etag=latest.etag if latest else None,
            last_modified=latest.last_modified if latest else None,
        )
    except FetchFailed as e:
        page.outcome = _failed(source.location, "fetch", e.message, transient=e.transient, started=page.started)
        page.removed = e.status in REMOVED_STATUSES and not page.first_time
        return page
    if got.not_modified and latest is not None:
        page.snapshot = latest
    else:
        try:
            page.snapshot, _ = store.put(
                got.body, source=source.location, url=got.url, path=got.path, status=got.status,
                content_type=got.content_type, encoding=got.encoding, etag=got.etag, last_modified=got.last_modified,
            )
        except OSError as e:
            page.outcome = _failed(source.location, "fetch", f"could not store the snapshot ({e})", started=page.started)
            return page
        if not _same_version(latest, page.snapshot):
            with store.source_lock(source.location):
                store.record_fetch(source.location, page.snapshot)
    if entry and entry.processed_sha256 == page.snapshot.sha256 and entry.rules_version == rules:
        page.outcome = SourceOutcome(source=source.location, status="unchanged", snapshot_sha256=page.snapshot.sha256,
                                     seconds=time.perf_counter() - page.started)
    return page


def clean_step(location: str, snapshot: Snapshot, store: SnapshotStore) -> CleanDocument:
    """The clean document of a stored snapshot; raises StageFailed("decode" | "clean", message)."""
    try:
        body = store.body(snapshot.sha256)
    except OSError as e:
        raise StageFailed("decode", f"snapshot {snapshot.sha256[:12]} unreadable ({e})") from None
    try:
        return _clean(body, source=location, content_type=snapshot.content_type, snapshot_sha256=snapshot.sha256)
    except Exception as e:  # noqa: BLE001 - any cleaner failure is this page's failure
        raise StageFailed("clean", str(e) or e.__class__.__name__) from None


def extract_step(doc: CleanDocument) -> list[DraftRecord]:
    """Draft records of one document; raises StageFailed("extract", message)."""
    try:
        return _extract(doc)
    except Exception as e:  # noqa: BLE001
        raise StageFailed("extract", f"{e.__class__.__name__}: {e}") from None


def clean_extract_step(location: str, snapshot: Snapshot, store: SnapshotStore) -> tuple[CleanDocument, list[DraftRecord]]:
    """Clean the stored body and extract draft records; raises StageFailed(stage, message)."""
    doc = clean_step(location, snapshot, store)
    return doc, extract_step(doc)


def _label(trial: str | None, endpoint: str | None) -> tuple[str, str]:
    return trial or "(no trial)", endpoint or "(other facts)"  # trial names, sample sizes, follow-up


def enqueue_step(queue, page: FetchedPage, doc: CleanDocument, records: list[DraftRecord], store: SnapshotStore,
                 rules: str, *, force: bool = False) -> SourceOutcome:
    """Hand the document and its drafts to the review queue and mark the snapshot processed.

    Under the source's lock, and skipped when another run already processed this snapshot with
    these rules (unless `force`), so two runs at once never queue a page twice.
    """
    location, sha = page.source.location, page.snapshot.sha256
    records = [r if r.snapshot_sha256 else r.model_copy(update={"snapshot_sha256": sha}) for r in records]
    with store.source_lock(location):
        entry = store.entry(location)
        if not force and entry and entry.processed_sha256 == sha and entry.rules_version == rules:
            return SourceOutcome(source=location, status="unchanged", snapshot_sha256=sha,
                                 seconds=time.perf_counter() - page.started)
        try:
            with _queue_lock:
                queue.add_document(doc)
                summary = queue.enqueue(location, records, sha)
        except Exception as e:  # noqa: BLE001 - the queue's failure is this page's failure
            return _failed(location, "queue", f"{e.__class__.__name__}: {e}", started=page.started, sha=sha)
        store.mark_processed(location, sha, rules)
    counts = {k: int(getattr(summary, k, 0) or 0) for k in ("new", "changed", "unchanged", "gone")}
    per: Counter = Counter()
    for (trial, endpoint), n in (getattr(summary, "new_by_trial_endpoint", None) or {}).items():
        per[_label(trial, endpoint)] += n
    return SourceOutcome(
        source=location, status="new" if page.first_time else "changed", snapshot_sha256=sha,
        drafts=len(records), records=counts["new"] + counts["changed"], per_trial_endpoint=dict(per),
        queue=counts, seconds=time.perf_counter() - page.started,
    )


@dataclass
class Extracted:
    """clean + extract of one snapshot: the document and drafts, or the stage that failed."""

    location: str
    sha256: str
    doc: CleanDocument | None = None
    records: list[DraftRecord] = field(default_factory=list)
    stage: Stage | None = None
    message: str | None = None


def clean_extract_many(pages: list[FetchedPage], store: SnapshotStore) -> list[Extracted]:
    """clean + extract over a batch of pages (extraction batched through spaCy's pipe);
    failures are values, one per page."""
    out = []
    for page in pages:
        location, sha = page.source.location, page.snapshot.sha256
        try:
            out.append(Extracted(location, sha, clean_step(location, page.snapshot, store)))
        except StageFailed as e:
            out.append(Extracted(location, sha, stage=e.stage, message=e.message))
    cleaned = [ex for ex in out if ex.doc is not None]
    try:
        for ex, records in zip(cleaned, _extract_many([ex.doc for ex in cleaned]), strict=True):
            ex.records = records
    except Exception:  # noqa: BLE001 - find the page that breaks extraction, one by one
        for ex in cleaned:
            try:
                ex.records = extract_step(ex.doc)
            except StageFailed as e:
                ex.doc, ex.stage, ex.message = None, e.stage, e.message
    return out


def enqueue_many(queue, pages: list[FetchedPage], extracted: list[Extracted], store: SnapshotStore,
                 rules: str) -> list[SourceOutcome]:
    """enqueue_step for each page of a batch, given its clean + extract result."""
    outcomes = []
    for page, ex in zip(pages, extracted, strict=True):
        if ex.doc is None:
            outcomes.append(_failed(ex.location, ex.stage or "clean", ex.message or "failed",
                                    started=page.started, sha=ex.sha256))
        else:
            outcomes.append(enqueue_step(queue, page, ex.doc, ex.records, store, rules))
    return outcomes


def withdraw_step(queue, page: FetchedPage, store: SnapshotStore) -> SourceOutcome:
    """A page its site no longer has (404 / 410): its records in the queue are flagged gone
    (never deleted; curators' decisions stay), and it is queued afresh if it comes back.
    The outcome stays "failed" with the fetch error, plus how many records were flagged."""
    outcome, location = page.outcome, page.source.location
    with store.source_lock(location):
        try:
            with _queue_lock:
                summary = queue.enqueue(location, [], None)
        except Exception as e:  # noqa: BLE001 - the queue's failure is this page's failure
            return _failed(location, "queue", f"{outcome.error.message}; flagging its records gone failed: "
                                              f"{e.__class__.__name__}: {e}", started=page.started)
        store.mark_withdrawn(location)
    if summary.gone:
        outcome.error.message += f"; the page is gone: {summary.gone} of its records flagged gone"
    outcome.queue = {"new": 0, "changed": 0, "unchanged": 0, "gone": summary.gone}
    return outcome


def finish_page(page: FetchedPage, queue, store: SnapshotStore, rules: str, *, force: bool = False) -> SourceOutcome:
    """Clean + extract + enqueue a fetched page that needs it (or withdraw one that is gone)."""
    if page.removed:
        return withdraw_step(queue, page, store)
    if page.outcome is not None:
        return page.outcome
    try:
        doc, records = clean_extract_step(page.source.location, page.snapshot, store)
    except StageFailed as e:
        return _failed(page.source.location, e.stage, e.message, started=page.started, sha=page.snapshot.sha256)
    return enqueue_step(queue, page, doc, records, store, rules, force=force)


def process_source(source: Source, settings: Settings, queue, *, fetcher: Fetcher | None = None,
                   store: SnapshotStore | None = None, rules: str | None = None) -> SourceOutcome:
    """One page (kind url or file) end to end; bad pages come back as status "failed"."""
    store = store or SnapshotStore(settings.raw_dir)
    rules = rules or rules_version()
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        return finish_page(fetch_step(source, store, fetcher, rules), queue, store, rules)
    finally:
        if own:
            fetcher.close()


# --------------------------------------------------------------------------- many sources


def expand_sources(sources: Iterable[Source], fetcher: Fetcher) -> tuple[list[Source], list[SourceOutcome]]:
    """Pages of every source (folders, feeds, sitemaps expanded); a collection that cannot be
    read becomes a failed outcome.  Pages listed twice are kept once."""
    pages: dict[str, Source] = {}
    failures = []
    for source in sources:
        started = time.perf_counter()
        try:
            for page in expand(source, fetcher):
                pages.setdefault(page.location, page)
        except FetchFailed as e:
            failures.append(_failed(source.location, "fetch", e.message, transient=e.transient, started=started))
    return list(pages.values()), failures


def run(sources: Iterable[Source], settings: Settings, queue=None, *, policy: FetchPolicy | None = None,
        workers: int = 4, batch_size: int = 25, progress: Progress | None = None) -> "RunSummary":
    """Ingest sources without Prefect: expand; fetch on a few threads; clean + extract + enqueue
    in batches (the same steps, batched the same way, as the Prefect flow)."""
    started = utcnow()
    store = SnapshotStore(settings.raw_dir)
    store.sweep_temp()
    queue = queue if queue is not None else open_queue(settings.database_url)
    rules = rules_version()
    outcomes: list[SourceOutcome] = []

    def done(new: list[SourceOutcome]) -> None:
        outcomes.extend(new)
        for o in new if progress else []:
            progress(o)

    with Fetcher(policy) as fetcher:
        pages, failures = expand_sources(sources, fetcher)
        done(failures)
        todo = []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for fetched in pool.map(lambda page: fetch_step(page, store, fetcher, rules), pages):
                if fetched.outcome is None:
                    todo.append(fetched)
                elif fetched.removed:
                    done([withdraw_step(queue, fetched, store)])
                else:
                    done([fetched.outcome])
    for i in range(0, len(todo), max(1, batch_size)):
        batch = todo[i : i + batch_size]
        done(enqueue_many(queue, batch, clean_extract_many(batch, store), store, rules))
    return summarize(outcomes, started=started)


def reextract(settings: Settings, queue=None, *, force: bool = False, progress: Progress | None = None) -> "RunSummary":
    """Clean + extract + enqueue every source's latest stored snapshot again, without fetching.

    Only snapshots processed with other rules (or never processed) are redone, unless `force`.
    """
    started = utcnow()
    store = SnapshotStore(settings.raw_dir)
    queue = queue if queue is not None else open_queue(settings.database_url)
    rules = rules_version()
    outcomes = []
    for entry in store.entries():
        if entry.latest is None:
            continue
        page = FetchedPage(source=Source(location=entry.source, kind="url" if is_url(entry.source) else "file"),
                           snapshot=entry.latest, first_time=not entry.processed_sha256)
        if not force and entry.processed_sha256 == entry.latest.sha256 and entry.rules_version == rules:
            outcome = SourceOutcome(source=entry.source, status="unchanged", snapshot_sha256=entry.latest.sha256)
        else:
            outcome = finish_page(page, queue, store, rules, force=force)
        if progress:
            progress(outcome)
        outcomes.append(outcome)
    return summarize(outcomes, started=started)


# --------------------------------------------------------------------------- summary


@dataclass
class RunSummary:
    """What a run did, for the terminal (`render`) and for the Prefect artifact."""

    outcomes: list[SourceOutcome]
    started: datetime
    finished: datetime
    seconds: float

    def by_status(self, status: Status) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[SourceOutcome]:
        return self.by_status("failed")

    @property
    def records(self) -> int:
        return sum(o.records for o in self.outcomes)

    @property
    def per_trial_endpoint(self) -> dict[tuple[str, str], int]:
        total: Counter = Counter()
        for o in self.outcomes:
            total.update(o.per_trial_endpoint)
        return dict(sorted(total.items()))

    @property
    def queue(self) -> dict[str, int]:
        total: Counter = Counter()
        for o in self.outcomes:
            total.update(o.queue)
        return {k: total.get(k, 0) for k in ("new", "changed", "unchanged", "gone")}

    @property
    def exit_code(self) -> int:
        """Non-zero only when nothing could be processed at all."""
        return 0 if any(o.status != "failed" for o in self.outcomes) else 1

    def render(self) -> str:
        n = len(self.outcomes)
        new, changed, unchanged = (len(self.by_status(s)) for s in ("new", "changed", "unchanged"))
        lines = [
            f"Ingested {n} page{'s' * (n != 1)} in {self.seconds:.1f} s: "
            f"{new} new, {changed} changed, {unchanged} unchanged (skipped), {len(self.failed)} failed.",
        ]
        if self.failed:
            lines.append("Failed:")
            lines += [f"  {o.source}  [{o.error.stage}] {o.error.message}" for o in self.failed]
        q = self.queue
        if self.records or q["gone"]:
            lines.append(f"Draft records queued for review: {self.records} "
                         f"({q['new']} new, {q['changed']} changed; {q['unchanged']} unchanged, {q['gone']} gone)")
            if self.per_trial_endpoint:
                lines.append("New records by trial and endpoint:")
                width = max(len(t) for t, _ in self.per_trial_endpoint)
                lines += [f"  {trial:<{width}}  {endpoint:<14} {count:>4}"
                          for (trial, endpoint), count in self.per_trial_endpoint.items()]
            lines.append("Next: review them with `curate review`.")
        elif n and not self.failed:
            lines.append("Nothing new to review.")
        return "\n".join(lines)

    def table(self) -> list[dict]:
        """One row per page (for the Prefect table artifact)."""
        return [
            {"source": o.source, "status": o.status, "drafts": o.drafts, "queued": o.records,
             "stage": o.error.stage if o.error else "", "error": o.error.message if o.error else "",
             "seconds": round(o.seconds, 3)}
            for o in self.outcomes
        ]


def summarize(outcomes: list[SourceOutcome], *, started: datetime | None = None) -> RunSummary:
    finished = utcnow()
    started = started or finished
    return RunSummary(outcomes=list(outcomes), started=started, finished=finished,
                      seconds=(finished - started).total_seconds())
