"""The immutable raw store: every fetched body, kept once per content hash.

Layout under Settings.raw_dir:

    raw/<sha[:2]>/<sha>.body     the bytes exactly as fetched or read
    raw/<sha[:2]>/<sha>.json     a Snapshot (metadata of the first fetch that produced them)
    raw/sources/<id>.json        per-source index: the latest snapshot of that source (with its
                                 ETag / Last-Modified for conditional requests) and which
                                 snapshot + rules version it was last processed with
    raw/locks/<id>.lock          per-source lock files (fcntl.flock)

Every file is written to a temporary name in the same folder and moved into place with
os.replace, so a run killed mid-write leaves either the old file or the new one, never half
a file (stray `*.tmp` files are swept by `sweep_temp`).  The `.json` beside a body is written
after the body: a snapshot exists once its metadata exists.  Storing the same bytes again
writes nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from trial_curate.models import Snapshot, short_hash, utcnow


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def atomic_write(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@dataclass
class SourceEntry:
    """What the store knows about one source location."""

    source: str
    latest: Snapshot | None = None
    processed_sha256: str | None = None
    rules_version: str | None = None
    processed_at: datetime | None = None

    def to_json(self) -> bytes:
        data = {
            "source": self.source,
            "latest": self.latest.model_dump(mode="json") if self.latest else None,
            "processed": {
                "sha256": self.processed_sha256,
                "rules_version": self.rules_version,
                "at": self.processed_at.isoformat() if self.processed_at else None,
            },
        }
        return json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> "SourceEntry":
        data = json.loads(raw)
        processed = data.get("processed") or {}
        return cls(
            source=data["source"],
            latest=Snapshot.model_validate(data["latest"]) if data.get("latest") else None,
            processed_sha256=processed.get("sha256"),
            rules_version=processed.get("rules_version"),
            processed_at=datetime.fromisoformat(processed["at"]) if processed.get("at") else None,
        )


class SnapshotStore:
    """Content-addressed bodies + a per-source index, all under one folder."""

    def __init__(self, raw_dir: Path | str):
        self.root = Path(raw_dir)

    # -- bodies ----------------------------------------------------------------

    def body_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.body"

    def meta_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        return self.meta_path(sha256).exists() and self.body_path(sha256).exists()

    def put(self, body: bytes, *, source: str, **meta) -> tuple[Snapshot, bool]:
        """Store `body` once; returns this fetch's Snapshot and whether anything new was written.

        `meta` are Snapshot fields (url, path, status, content_type, encoding, etag, last_modified).
        """
        sha = sha256_of(body)
        snapshot = Snapshot(sha256=sha, source=source, size=len(body), **meta)
        if self.has(sha):
            return snapshot, False
        body_path = self.body_path(sha)
        if not body_path.exists():
            atomic_write(body_path, body, durable=True)
        atomic_write(self.meta_path(sha), snapshot.model_dump_json(indent=1).encode("utf-8"))
        return snapshot, True

    def body(self, sha256: str) -> bytes:
        return self.body_path(sha256).read_bytes()

    def get(self, sha256: str) -> Snapshot:
        return Snapshot.model_validate_json(self.meta_path(sha256).read_bytes())

    # -- per-source index ------------------------------------------------------

    def entry_path(self, source: str) -> Path:
        return self.root / "sources" / f"{short_hash(source, length=24)}.json"

    def entry(self, source: str) -> SourceEntry | None:
        try:
            return SourceEntry.from_json(self.entry_path(source).read_bytes())
        except FileNotFoundError:
            return None

    def entries(self) -> Iterator[SourceEntry]:
        folder = self.root / "sources"
        for p in sorted(folder.glob("*.json")) if folder.exists() else []:
            yield SourceEntry.from_json(p.read_bytes())

    def _save(self, entry: SourceEntry) -> None:
        atomic_write(self.entry_path(entry.source), entry.to_json())

    def record_fetch(self, source: str, snapshot: Snapshot) -> None:
        """Remember `snapshot` as the source's latest (writes nothing if nothing changed)."""
        entry = self.entry(source) or SourceEntry(source=source)
        old = entry.latest
        if old is not None and (old.sha256, old.etag, old.last_modified) == (snapshot.sha256, snapshot.etag,
                                                                             snapshot.last_modified):
            return
        entry.latest = snapshot
        self._save(entry)

    def mark_processed(self, source: str, sha256: str, rules_version: str) -> None:
        """Record that `sha256` was cleaned, extracted and queued with these rules."""
        entry = self.entry(source) or SourceEntry(source=source)
        entry.processed_sha256, entry.rules_version, entry.processed_at = sha256, rules_version, utcnow()
        self._save(entry)

    def mark_withdrawn(self, source: str) -> None:
        """The page is gone from its site (404/410) and its records were flagged gone: forget the
        rules its snapshot was processed with, so that the page is processed (and its records
        return) if it comes back, even unchanged.  Snapshots are kept as they are."""
        entry = self.entry(source)
        if entry is not None and entry.rules_version is not None:
            entry.rules_version, entry.processed_at = None, utcnow()
            self._save(entry)

    # -- concurrency -----------------------------------------------------------

    @contextmanager
    def source_lock(self, source: str) -> Iterator[None]:
        """Exclusive lock on one source across threads and processes (two runs at once).

        Not re-entrant: take it once around all the work on a source.
        """
        path = self.root / "locks" / f"{short_hash(source, length=24)}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def sweep_temp(self, max_age: float = 3600.0) -> int:
        """Delete temporary files left by killed runs (older than `max_age` seconds)."""
        if not self.root.exists():
            return 0
        cutoff, removed = time.time() - max_age, 0
        for p in self.root.rglob(".*.tmp"):
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed
