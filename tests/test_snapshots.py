"""The raw store: bodies once per hash, atomic writes, per-source index, locks across processes."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from trial_curate import snapshots
from trial_curate.snapshots import SnapshotStore, atomic_write, sha256_of


def files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_body_stored_once_per_hash_with_metadata_beside_it(tmp_path):
    store = SnapshotStore(tmp_path)
    snap, created = store.put(b"<p>a</p>", source="https://e.org/a", status=200, content_type="text/html", etag='"1"')
    sha = sha256_of(b"<p>a</p>")
    assert created and snap.sha256 == sha and snap.size == 8
    assert store.body(sha) == b"<p>a</p>"
    assert store.get(sha).etag == '"1"'
    assert files(tmp_path) == [f"{sha[:2]}/{sha}.body", f"{sha[:2]}/{sha}.json"]
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    again, created = store.put(b"<p>a</p>", source="https://e.org/other", status=200)
    assert not created and again.sha256 == sha and again.source == "https://e.org/other"
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


def test_index_keeps_latest_and_processed_state(tmp_path):
    store = SnapshotStore(tmp_path)
    assert store.entry("a") is None
    s1, _ = store.put(b"one", source="a", etag='"1"')
    store.record_fetch("a", s1)
    store.mark_processed("a", s1.sha256, "rules-1")
    s2, _ = store.put(b"two", source="a", etag='"2"')
    store.record_fetch("a", s2)
    entry = store.entry("a")
    assert entry.latest.sha256 == s2.sha256 and entry.latest.etag == '"2"'
    assert entry.processed_sha256 == s1.sha256 and entry.rules_version == "rules-1"
    assert [e.source for e in store.entries()] == ["a"]


def test_record_fetch_writes_nothing_when_nothing_changed(tmp_path):
    store = SnapshotStore(tmp_path)
    s, _ = store.put(b"one", source="a", etag='"1"')
    store.record_fetch("a", s)
    mtime = store.entry_path("a").stat().st_mtime_ns
    time.sleep(0.01)
    store.record_fetch("a", s.model_copy(update={"fetched_at": s.fetched_at.replace(year=2030)}))
    assert store.entry_path("a").stat().st_mtime_ns == mtime


def test_failed_write_leaves_no_half_file(tmp_path, monkeypatch):
    store = SnapshotStore(tmp_path)

    def crash(*args):
        raise KeyboardInterrupt  # a kill in the middle of os.replace

    monkeypatch.setattr(snapshots.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.put(b"body", source="a")
    monkeypatch.undo()
    assert files(tmp_path) == []  # temp file removed, nothing half-written
    assert not store.has(sha256_of(b"body"))
    snap, created = store.put(b"body", source="a")
    assert created and store.has(snap.sha256)


def test_body_without_metadata_is_not_a_snapshot_and_is_completed(tmp_path):
    store = SnapshotStore(tmp_path)
    sha = sha256_of(b"x")
    atomic_write(store.body_path(sha), b"x")  # killed between body and metadata
    assert not store.has(sha)
    _, created = store.put(b"x", source="a")
    assert created and store.has(sha)


def _killed_writer(path):
    """Write a big file atomically and get killed in the middle (os._exit, no cleanup)."""
    import trial_curate.snapshots as s

    real_replace = s.os.replace
    s.os.replace = lambda *a: os._exit(9)
    try:
        atomic_write(path, b"x" * 1_000_000)
    finally:
        s.os.replace = real_replace


def test_killed_process_leaves_old_file_and_a_sweepable_temp(tmp_path):
    target = tmp_path / "sub" / "f.json"
    atomic_write(target, b"old")
    p = multiprocessing.get_context("fork").Process(target=_killed_writer, args=(target,))
    p.start()
    p.join(10)
    assert p.exitcode == 9
    assert target.read_bytes() == b"old"
    store = SnapshotStore(tmp_path)
    assert store.sweep_temp(max_age=3600) == 0  # too fresh: maybe another run is writing it
    assert store.sweep_temp(max_age=-1) == 1
    assert files(tmp_path) == ["sub/f.json"]


def _hold_lock(root, source, seconds, started):
    store = SnapshotStore(root)
    with store.source_lock(source):
        started.set()
        time.sleep(seconds)


def test_source_lock_excludes_another_process(tmp_path):
    ctx = multiprocessing.get_context("fork")
    started = ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(tmp_path, "a", 0.4, started))
    p.start()
    assert started.wait(10)
    t = time.perf_counter()
    with SnapshotStore(tmp_path).source_lock("a"):
        waited = time.perf_counter() - t
    p.join(10)
    assert waited > 0.2
    t = time.perf_counter()
    with SnapshotStore(tmp_path).source_lock("b"):  # other sources are not blocked
        assert time.perf_counter() - t < 0.2
