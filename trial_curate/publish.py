"""Publishing: write the reviewed records of the queue to the curated dataset.

curated/records.jsonl   one CuratedRecord per line (record + provenance)
curated/records.csv     the same records flattened (CuratedRecord.flat())
curated/schema.json     the JSON schema of a line of records.jsonl

Only records a curator accepted or edited are published (an edit publishes the curator's
version).  Ids are the queue's lineage ids, so publishing again gives the same ids.  Files are
written to temporary files in the same folder first and then moved into place with os.replace:
a crash leaves the previous files whole.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from trial_curate.models import CuratedRecord, DraftRecord, Evidence, Provenance, curated_record_schema, utcnow
from trial_curate.queue import ReviewedRecord, ReviewQueue

JSONL_NAME = "records.jsonl"
CSV_NAME = "records.csv"
SCHEMA_NAME = "schema.json"


@dataclass
class PublishSummary:
    """What one `publish` wrote."""

    curated_dir: Path
    records: int = 0
    accepted: int = 0
    edited: int = 0
    gone: int = 0  # published records no longer found on their source page (worth a look)
    pending: int = 0  # records still waiting for review (not published)
    by_trial_endpoint: dict[tuple[str | None, str | None], int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"published {self.records} records to {self.curated_dir} "
            f"({self.accepted} accepted, {self.edited} edited); {self.pending} still pending review"
        ]
        if self.gone:
            lines.append(f"note: {self.gone} published records are no longer on their source page")
        return "\n".join(lines)


def curated_record(reviewed: ReviewedRecord) -> CuratedRecord:
    """The published form of a reviewed record: the curator's version with its provenance."""
    queued, decision = reviewed.queued, reviewed.decision
    record = queued.record
    return CuratedRecord(
        id=queued.lineage,
        record=record,
        provenance=Provenance(
            source=record.source,
            snapshot_sha256=queued.snapshot_sha256,
            evidence=record.evidence,
            rules=queued.draft.rules,
            curator=decision.curator,
            decided_at=decision.decided_at,
            state=queued.state.value,
        ),
    )


def publish(queue: ReviewQueue, curated_dir: str | Path) -> PublishSummary:
    """Write every accepted or edited record of the queue to `curated_dir` (replacing the previous files)."""
    curated_dir = Path(curated_dir)
    curated_dir.mkdir(parents=True, exist_ok=True)
    summary = PublishSummary(curated_dir=curated_dir)

    published: list[CuratedRecord] = []
    for reviewed in queue.reviewed():
        if reviewed.queued.state.value not in ("accepted", "edited"):  # pragma: no cover - queue guarantees it
            continue
        published.append(curated_record(reviewed))
        summary.gone += reviewed.queued.gone
    published.sort(key=lambda c: c.id)

    states = Counter(c.provenance.state for c in published)
    summary.records = len(published)
    summary.accepted, summary.edited = states["accepted"], states["edited"]
    summary.pending = queue.counts(status="pending").total
    for c in published:
        te = (c.record.trial, c.record.endpoint)
        summary.by_trial_endpoint[te] = summary.by_trial_endpoint.get(te, 0) + 1

    contents = {
        JSONL_NAME: "".join(c.model_dump_json() + "\n" for c in published),
        CSV_NAME: _csv(published),
        SCHEMA_NAME: json.dumps(curated_record_schema(), indent=2, sort_keys=True) + "\n",
    }
    summary.files = _write_all(curated_dir, contents)
    return summary


def _csv(published: list[CuratedRecord]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_csv_columns(), lineterminator="\n")
    writer.writeheader()
    for c in published:
        writer.writerow(c.flat())
    return buffer.getvalue()


def _csv_columns() -> list[str]:
    """The CSV header, taken from CuratedRecord.flat() itself so the two never drift apart."""
    evidence = Evidence(text="", start=0, end=0)
    probe = CuratedRecord(
        id="",
        record=DraftRecord(source="", kind="trial", trial="-", evidence=evidence),
        provenance=Provenance(
            source="", snapshot_sha256=None, evidence=evidence, rules=[], curator="", decided_at=utcnow(), state="accepted"
        ),
    )
    return list(probe.flat())


def _write_all(folder: Path, contents: dict[str, str]) -> list[Path]:
    """Write every file to a temporary file beside it, then move them all into place.

    Nothing is replaced until every temporary file is complete; on any error the temporary
    files are removed and the previous files stay as they were.
    """
    temps: dict[str, str] = {}
    try:
        for name, text in contents.items():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            temps[name] = tmp
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        targets = []
        for name, tmp in temps.items():
            os.replace(tmp, folder / name)
            targets.append(folder / name)
        return targets
    finally:
        for tmp in temps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
