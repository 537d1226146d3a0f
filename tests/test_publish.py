"""Publishing the curated dataset: only reviewed records, stable ids, provenance, atomic files."""

from __future__ import annotations

import csv
import json

import pytest
from test_queue import queue  # noqa: F401  (the shared queue fixture)
from test_queue import SOURCE, result, sample_size

from trial_curate import publish as publish_module
from trial_curate.models import CuratedRecord, curated_record_schema
from trial_curate.publish import publish


def read_jsonl(path):
    return [CuratedRecord.model_validate_json(line) for line in path.read_text().splitlines()]


def reviewed_queue(queue):
    """Five records: accepted, edited, rejected, pending, and a superseded one."""
    os_ = result((0.6,), endpoint="OS", arms=("lenalidomide",))
    follow = result((12.0,), endpoint="TTP", arms=("lenalidomide",))
    queue.enqueue(SOURCE, [result(), sample_size(), os_, follow], "snap1")
    queue.enqueue(SOURCE, [result(), sample_size(), os_, result((13.0,), endpoint="TTP", arms=("lenalidomide",))], "snap2")
    by_kind = {(r.kind, r.endpoint): r for r in queue.list()}
    pfs, n, os_rec = by_kind[("result", "PFS")], by_kind[("sample_size", None)], by_kind[("result", "OS")]
    queue.decide(pfs.id, "ann", "accept")
    queue.decide(n.id, "bob", "edit", after=n.draft.model_copy(update={"n": 461}))
    queue.decide(os_rec.id, "ann", "reject", reason="not this trial")
    return pfs, n


def test_publish_writes_only_reviewed_records_with_provenance(queue, tmp_path):
    pfs, n = reviewed_queue(queue)
    out = tmp_path / "curated"
    summary = publish(queue, out)
    assert (summary.records, summary.accepted, summary.edited, summary.pending) == (2, 1, 1, 1)
    assert "2 records" in summary.describe()
    assert sorted(p.name for p in out.iterdir()) == ["records.csv", "records.jsonl", "schema.json"]

    published = read_jsonl(out / "records.jsonl")
    assert [c.id for c in published] == sorted([pfs.lineage, n.lineage])
    by_id = {c.id: c for c in published}
    accepted, edited = by_id[pfs.lineage], by_id[n.lineage]
    assert accepted.record == pfs.draft
    assert accepted.provenance.curator == "ann" and accepted.provenance.state == "accepted"
    assert accepted.provenance.snapshot_sha256 == "snap2"
    assert accepted.provenance.evidence == pfs.draft.evidence and accepted.provenance.rules == ["pfs_median"]
    assert edited.record.n == 461 and edited.provenance.curator == "bob" and edited.provenance.state == "edited"

    rows = list(csv.DictReader((out / "records.csv").open(newline="")))
    assert [r["id"] for r in rows] == [c.id for c in published]
    assert list(rows[0]) == list(published[0].flat())
    assert json.loads((out / "schema.json").read_text()) == json.loads(json.dumps(curated_record_schema()))


def test_nothing_unreviewed_reaches_curated(queue, tmp_path):
    reviewed_queue(queue)
    out = tmp_path / "curated"
    publish(queue, out)
    published = read_jsonl(out / "records.jsonl")
    assert {c.provenance.state for c in published} <= {"accepted", "edited"}
    reviewed_ids = {r.queued.lineage for r in queue.reviewed()}
    assert {c.id for c in published} == reviewed_ids
    not_published = {r.lineage for r in queue.list(status=["pending", "rejected", "superseded"])}
    assert not_published and not (not_published & {c.id for c in published})
    text = (out / "records.jsonl").read_text() + (out / "records.csv").read_text()
    assert "not this trial" not in text and '"OS"' not in text and "13.0" not in text


def test_republishing_is_stable_and_follows_new_reviews(queue, tmp_path):
    pfs, _ = reviewed_queue(queue)
    out = tmp_path / "curated"
    publish(queue, out)
    first = (out / "records.jsonl").read_bytes(), (out / "records.csv").read_bytes()
    publish(queue, out)
    assert ((out / "records.jsonl").read_bytes(), (out / "records.csv").read_bytes()) == first

    # A changed value on the page: the accepted version stays published until the new one is reviewed.
    queue.enqueue(SOURCE, [result((53.3, 23.4)), sample_size()], "snap3")
    publish(queue, out)
    assert (out / "records.jsonl").read_bytes() == first[0]
    v2 = queue.list(endpoint="PFS", status="pending")[0]
    queue.decide(v2.id, "cid", "accept")
    publish(queue, out)
    by_id = {c.id: c for c in read_jsonl(out / "records.jsonl")}
    assert by_id[pfs.lineage].record.arms[1].value == 23.4  # same id, new value
    assert by_id[pfs.lineage].provenance.curator == "cid"


def test_empty_queue_publishes_header_only(queue, tmp_path):
    summary = publish(queue, tmp_path / "curated")
    assert summary.records == 0
    assert (tmp_path / "curated" / "records.jsonl").read_text() == ""
    assert (tmp_path / "curated" / "records.csv").read_text().startswith("id,kind,trial")


@pytest.mark.parametrize("fail_on", ["fsync", "replace"])
def test_a_crash_mid_write_leaves_previous_files_whole(queue, tmp_path, monkeypatch, fail_on):
    reviewed_queue(queue)
    out = tmp_path / "curated"
    publish(queue, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    # Something new to publish, then a crash part-way through writing it.
    queue.decide(queue.list(status="pending")[0].id, "ann", "accept")
    real = getattr(publish_module.os, fail_on)
    calls = []

    def crash_on_second_call(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(publish_module.os, fail_on, crash_on_second_call)
    with pytest.raises(OSError, match="disk full"):
        publish(queue, out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(after) == set(before)  # no temporary files left behind
    for name, data in after.items():
        if fail_on == "fsync":
            assert data == before[name]  # nothing replaced before every file was complete
        lines = data.decode().splitlines()
        if name == "records.jsonl":
            assert all(CuratedRecord.model_validate_json(line) for line in lines)  # each file whole
