"""The review queue: incremental enqueue, decisions, undo, holds, conflicts, curators."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from trial_curate.models import Arm, CleanDocument, DraftRecord, Evidence, ReviewState, Timepoint
from trial_curate.queue import (
    CuratorExists,
    InvalidDecision,
    RecordHeld,
    RecordNotFound,
    ReviewQueue,
    StaleRecord,
    metadata,
)

SOURCE = "https://example.org/maia"
SENTENCE = "Median PFS was 53.3 months with lenalidomide versus 23.5 months with placebo."


def result(
    pfs=(53.3, 23.5),
    *,
    source=SOURCE,
    trial="CALGB 100104",
    endpoint="PFS",
    arms=("lenalidomide", "placebo"),
    offset=100,
    rules=("pfs_median",),
    timepoint=None,
) -> DraftRecord:
    """A valid result draft; arm evidence spans point into SENTENCE placed at `offset`."""
    arm_list = []
    for name, value in zip(arms, pfs):
        text = f"{value} months"
        at = SENTENCE.find(text)
        ev = Evidence(text=text, start=offset + at, end=offset + at + len(text)) if at >= 0 else None
        arm_list.append(Arm(name=name, value=value, unit="months", evidence=ev))
    return DraftRecord(
        source=source,
        kind="result",
        trial=trial,
        endpoint=endpoint,
        measure="median",
        arms=arm_list,
        timepoint=timepoint,
        evidence=Evidence(text=SENTENCE, start=offset, end=offset + len(SENTENCE), rule=rules[0] if rules else None),
        rules=list(rules),
    )


def sample_size(n=460, *, source=SOURCE, trial="CALGB 100104") -> DraftRecord:
    return DraftRecord(
        source=source, kind="sample_size", trial=trial, n=n,
        evidence=Evidence(text=f"{n} patients were randomised.", start=0, end=10), rules=["n_patients"],
    )


# Set e.g. CURATE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scratch to also run
# every queue-fixture test on Postgres (its tables are dropped first: use a scratch database).
POSTGRES_URL = os.environ.get("CURATE_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"])
def queue(request, tmp_path):
    """An empty queue on a fresh SQLite file (and on Postgres when configured)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    else:
        url = POSTGRES_URL
        engine = sa.create_engine(url)
        metadata.drop_all(engine)
        engine.dispose()
    q = ReviewQueue(url)
    yield q
    q.close()


# --------------------------------------------------------------------------- opening


def test_open_creates_tables_with_sqlite_pragmas(tmp_path):
    path = tmp_path / "sub" / "q.sqlite"
    q = ReviewQueue(f"sqlite:///{path}")
    with q.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    q.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert {"documents", "records", "decisions", "curators"} <= tables
    ReviewQueue(f"sqlite:///{path}").close()  # reopening is fine


def test_schema_compiles_for_postgres():
    from sqlalchemy.dialects import postgresql

    for table in metadata.sorted_tables:
        ddl = str(sa.schema.CreateTable(table).compile(dialect=postgresql.dialect()))
        assert "CREATE TABLE" in ddl


def test_in_memory_database_works():
    q = ReviewQueue("sqlite://")
    assert q.enqueue(SOURCE, [result()]).new == 1
    assert len(q.list()) == 1


# --------------------------------------------------------------------------- documents


def test_documents_are_stored_once(queue):
    doc = CleanDocument(source=SOURCE, snapshot_sha256="a" * 64, text="x " * 60 + SENTENCE)
    assert queue.add_document(doc) == "a" * 64
    assert queue.add_document(doc) == "a" * 64
    assert queue.document("a" * 64) == doc
    assert queue.document("b" * 64) is None
    unhashed = CleanDocument(source=SOURCE, text="plain")
    assert len(queue.add_document(unhashed)) == 64


# --------------------------------------------------------------------------- enqueue


def test_enqueue_new_records_and_idempotency(queue):
    drafts = [result(), result((0.6,), endpoint="OS", arms=("lenalidomide",)), sample_size()]
    first = queue.enqueue(SOURCE, drafts, "s1")
    assert (first.new, first.unchanged, first.changed, first.gone) == (3, 0, 0, 0)
    assert first.new_by_trial_endpoint == {("CALGB 100104", "PFS"): 1, ("CALGB 100104", "OS"): 1, ("CALGB 100104", None): 1}
    again = queue.enqueue(SOURCE, drafts, "s1")
    assert (again.new, again.unchanged, again.changed, again.gone) == (0, 3, 0, 0)
    assert len(queue.list()) == 3
    assert all(r.state == ReviewState.pending and r.snapshot_sha256 == "s1" for r in queue.list())


def test_identical_drafts_in_one_batch_are_queued_once(queue):
    summary = queue.enqueue(SOURCE, [result(), result()])
    assert summary.new == 1 and summary.duplicates == 1


def test_record_id_is_key_based_and_stable(tmp_path):
    ids = []
    for name in ("a", "b"):
        q = ReviewQueue(f"sqlite:///{tmp_path / name}.sqlite")
        q.enqueue(SOURCE, [result()])
        ids.append(q.list()[0].id)
    assert ids[0] == ids[1] == result().key()


def test_unchanged_keeps_review_state_and_refreshes_pending_evidence(queue):
    queue.enqueue(SOURCE, [result(), result((0.6,), endpoint="OS", arms=("lenalidomide",))], "s1")
    pfs = queue.list(endpoint="PFS")[0]
    queue.decide(pfs.id, "ann", "accept")
    # Page re-fetched: same values, text moved by 40 characters.
    summary = queue.enqueue(SOURCE, [result(offset=140), result((0.6,), endpoint="OS", arms=("lenalidomide",), offset=140)], "s2")
    assert summary.unchanged == 2 and summary.new == 0
    accepted = queue.get(pfs.id)
    assert accepted.state == ReviewState.accepted
    assert accepted.draft.evidence.start == 100  # what the curator saw stays
    pending = queue.list(endpoint="OS")[0]
    assert pending.draft.evidence.start == 140 and pending.snapshot_sha256 == "s2"


def test_changed_value_makes_new_version_and_supersedes_pending(queue):
    queue.enqueue(SOURCE, [result()])
    v1 = queue.list()[0]
    summary = queue.enqueue(SOURCE, [result((53.3, 23.4))])
    assert (summary.changed, summary.new, summary.unchanged) == (1, 0, 0)
    old = queue.get(v1.id)
    assert old.state == ReviewState.superseded and not old.latest
    (v2,) = queue.list()
    assert v2.id == summary.changed_ids[0] == f"{v1.id}.v2"
    assert (v2.version, v2.previous_id, v2.lineage, v2.state) == (2, v1.id, v1.lineage, ReviewState.pending)
    assert [r.id for r in queue.list(status="superseded")] == [v1.id]
    assert [r.version for r in queue.versions(v2.id)] == [1, 2]
    with pytest.raises(InvalidDecision, match="newer version"):
        queue.decide(v1.id, "ann", "accept")


def test_changed_value_keeps_reviewed_old_version(queue):
    queue.enqueue(SOURCE, [result()])
    v1 = queue.list()[0]
    queue.decide(v1.id, "ann", "accept")
    queue.enqueue(SOURCE, [result((53.3, 23.4))])
    old = queue.get(v1.id)
    assert old.state == ReviewState.accepted and not old.latest
    assert len(queue.history(v1.id)) == 1
    assert queue.list(status="pending")[0].version == 2


def test_missing_key_is_flagged_gone_then_returns(queue):
    queue.enqueue(SOURCE, [result(), sample_size()])
    summary = queue.enqueue(SOURCE, [result()])
    assert summary.gone == 1 and summary.unchanged == 1
    (gone,) = queue.list(gone=True)
    assert gone.draft.kind == "sample_size" and gone.state == ReviewState.pending
    assert queue.enqueue(SOURCE, [result()]).gone == 0  # not counted twice
    back = queue.enqueue(SOURCE, [result(), sample_size()])
    assert back.returned == 1 and back.new == 0
    assert not queue.get(gone.id).gone
    assert len(queue.list()) == 2


def test_empty_extraction_flags_everything_gone_but_keeps_it(queue):
    queue.enqueue(SOURCE, [result(), sample_size()])
    assert queue.enqueue(SOURCE, []).gone == 2
    assert len(queue.list()) == 2


def test_sources_are_independent(queue):
    queue.enqueue(SOURCE, [result()])
    other = "https://example.org/other"
    assert queue.enqueue(other, [result(source=other)]).new == 1
    assert queue.enqueue(other, []).gone == 1
    assert not queue.list(source=SOURCE)[0].gone


def test_same_key_twice_on_a_page_gives_two_records(queue):
    a, b = result((53.3, 23.5)), result((53.0, 23.0))
    assert a.key() == b.key()
    summary = queue.enqueue(SOURCE, [a, b])
    assert summary.new == 2
    ids = {r.id for r in queue.list()}
    assert len(ids) == 2 and a.key() in ids
    again = queue.enqueue(SOURCE, [a, b])
    assert again.unchanged == 2 and again.new == 0
    one_changed = queue.enqueue(SOURCE, [a, result((53.0, 22.0))])
    assert (one_changed.unchanged, one_changed.changed, one_changed.new) == (1, 1, 0)


def test_enqueue_is_one_transaction(queue, monkeypatch):
    queue.enqueue(SOURCE, [result()])

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ReviewQueue, "_mark_gone", boom)
    with pytest.raises(RuntimeError):
        queue.enqueue(SOURCE, [sample_size()])  # inserts the sample size, then fails on gone
    assert [r.draft.kind for r in queue.list()] == ["result"]


# --------------------------------------------------------------------------- listing


def test_list_filters_order_and_counts(queue):
    other = "https://example.org/other"
    queue.enqueue(SOURCE, [result(), sample_size()])
    queue.enqueue(other, [result((40.0, 20.0), source=other, trial="IFM 2005-02", rules=("pfs_vs",))])
    first = queue.list()[0]
    queue.decide(first.id, "ann", "accept")
    listed = queue.list()
    assert [r.state for r in listed] == [ReviewState.pending, ReviewState.pending, ReviewState.accepted]
    assert len(queue.list(status="pending")) == 2
    assert len(queue.list(status=["pending", "accepted"])) == 3
    assert [r.trial for r in queue.list(trial="ifm 2005-02")] == ["IFM 2005-02"]
    assert len(queue.list(endpoint="pfs")) == 2
    assert len(queue.list(source=other)) == 1
    assert len(queue.list(rule="pfs_vs")) == 1 and len(queue.list(rule="pfs")) == 0
    assert len(queue.list(limit=1, offset=1)) == 1
    with pytest.raises(ValueError, match="unknown review state"):
        queue.list(status="maybe")

    counts = queue.counts()
    assert counts.total == 3 and counts.by_state == {"pending": 2, "accepted": 1}
    assert counts.by_trial_endpoint[("CALGB 100104", "PFS")] == {"accepted": 1}
    assert queue.counts(source=other).by_state == {"pending": 1}


def test_get_unknown_record(queue):
    with pytest.raises(RecordNotFound, match="nope"):
        queue.get("nope")
    with pytest.raises(RecordNotFound):
        queue.history("nope")


# --------------------------------------------------------------------------- decisions


def test_accept_edit_reject_and_history(queue):
    queue.enqueue(SOURCE, [result(), sample_size(), result((0.6,), endpoint="OS", arms=("lenalidomide",))])
    pfs, n, os_ = queue.list(endpoint="PFS")[0], queue.list()[1], queue.list(endpoint="OS")[0]

    d = queue.decide(pfs.id, "ann", "accept")
    assert (d.action, d.state_before, d.state_after) == ("accept", ReviewState.pending, ReviewState.accepted)

    edited = n.draft.model_copy(update={"n": 461})
    d = queue.decide(n.id, "bob", "edit", after=edited, expected_revision=n.revision)
    assert d.after.n == 461 and d.before.n == 460
    got = queue.get(n.id)
    assert got.state == ReviewState.edited and got.record.n == 461 and got.draft.n == 460
    assert got.revision == n.revision + 1

    with pytest.raises(InvalidDecision, match="reason"):
        queue.decide(os_.id, "ann", "reject", reason="  ")
    d = queue.decide(os_.id, "ann", "reject", reason="not a PFS/OS result")
    assert queue.get(os_.id).state == ReviewState.rejected
    assert [h.action for h in queue.history(os_.id)] == ["reject"]
    assert queue.history(os_.id)[0].reason == "not a PFS/OS result"
    assert queue.history(os_.id)[0].decided_at.tzinfo is not None


def test_invalid_decisions(queue):
    queue.enqueue(SOURCE, [result()])
    rec = queue.list()[0]
    with pytest.raises(InvalidDecision, match="unknown action"):
        queue.decide(rec.id, "ann", "approve")
    with pytest.raises(InvalidDecision, match="needs the edited record"):
        queue.decide(rec.id, "ann", "edit")
    bad = rec.draft.model_dump()
    bad["arms"] = []
    with pytest.raises(InvalidDecision, match="not valid"):
        queue.decide(rec.id, "ann", "edit", after=bad)
    with pytest.raises(InvalidDecision, match="only an edit"):
        queue.decide(rec.id, "ann", "accept", after=rec.draft)
    with pytest.raises(InvalidDecision, match="source"):
        queue.decide(rec.id, "ann", "edit", after=rec.draft.model_copy(update={"source": "elsewhere"}))
    with pytest.raises(InvalidDecision, match="curator"):
        queue.decide(rec.id, " ", "accept")
    with pytest.raises(RecordNotFound):
        queue.decide("nope", "ann", "accept")
    assert queue.history(rec.id) == [] and queue.get(rec.id).state == ReviewState.pending


def test_edit_accepts_a_dict(queue):
    queue.enqueue(SOURCE, [result()])
    rec = queue.list()[0]
    data = rec.draft.model_dump(mode="json")
    data["trial"] = "CALGB-100104"
    queue.decide(rec.id, "ann", "edit", after=data)
    assert queue.get(rec.id).trial == "CALGB-100104"
    assert len(queue.list(trial="calgb-100104")) == 1  # filters see the curated version


def test_stale_revision(queue):
    queue.enqueue(SOURCE, [result()])
    seen_by_ann = seen_by_bob = queue.list()[0]
    queue.decide(seen_by_bob.id, "bob", "reject", reason="duplicate", expected_revision=seen_by_bob.revision)
    with pytest.raises(StaleRecord, match="reject by bob"):
        queue.decide(seen_by_ann.id, "ann", "accept", expected_revision=seen_by_ann.revision)
    assert queue.get(seen_by_ann.id).state == ReviewState.rejected
    assert len(queue.history(seen_by_ann.id)) == 1


def test_concurrent_decisions_only_one_wins(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    setup = ReviewQueue(url)
    setup.enqueue(SOURCE, [result()])
    rec = setup.list()[0]
    outcomes = []

    def decide(name):
        q = ReviewQueue(url)
        try:
            q.decide(rec.id, name, "accept", expected_revision=rec.revision)
            outcomes.append("ok")
        except StaleRecord:
            outcomes.append("stale")

    threads = [threading.Thread(target=decide, args=(f"c{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "stale", "stale", "stale"]
    assert len(setup.history(rec.id)) == 1


def test_undo_walks_back_and_keeps_history(queue):
    queue.enqueue(SOURCE, [sample_size()])
    rec = queue.list()[0]
    with pytest.raises(InvalidDecision, match="no decision to undo"):
        queue.undo(rec.id, "ann")
    queue.decide(rec.id, "ann", "edit", after=rec.draft.model_copy(update={"n": 500}))
    queue.decide(rec.id, "ann", "reject", reason="not the randomised count")
    d = queue.undo(rec.id, "ann")
    assert (d.action, d.state_before, d.state_after) == ("undo", ReviewState.rejected, ReviewState.edited)
    assert "reject by ann" in d.reason and d.after.n == 500
    got = queue.get(rec.id)
    assert got.state == ReviewState.edited and got.record.n == 500
    queue.undo(rec.id, "bob")
    got = queue.get(rec.id)
    assert got.state == ReviewState.pending and got.curated is None and got.record.n == 460
    assert [h.action for h in queue.history(rec.id)] == ["edit", "reject", "undo", "undo"]
    with pytest.raises(InvalidDecision):
        queue.undo(rec.id, "ann")


# --------------------------------------------------------------------------- holds


def test_claim_release_and_next_pending(queue):
    queue.enqueue(SOURCE, [result(), sample_size()])
    first, second = queue.list()
    assert queue.next_pending("ann").id == first.id
    claim = queue.claim(first.id, "ann", seconds=60)
    assert claim and claim.holder == "ann"
    refused = queue.claim(first.id, "bob")
    assert not refused and refused.holder == "ann" and refused.until == claim.until
    assert queue.get(first.id).holder() == "ann"
    assert queue.get(first.id).held_by_other("bob")
    assert queue.next_pending("bob").id == second.id
    assert queue.next_pending("ann").id == first.id
    assert queue.next_pending("ann", after_id=first.id).id == second.id
    assert queue.next_pending("ann", after_id=second.id) is None
    with pytest.raises(RecordHeld, match="held by ann") as held:
        queue.decide(first.id, "bob", "accept")
    assert held.value.holder == "ann"
    assert not queue.release(first.id, "bob")
    assert queue.release(first.id, "ann")
    assert queue.claim(first.id, "bob")


def test_expired_hold_is_free_and_decision_releases(queue):
    queue.enqueue(SOURCE, [result()])
    rec = queue.list()[0]
    assert queue.claim(rec.id, "ann", seconds=-1)  # already expired
    assert queue.get(rec.id).holder() is None
    assert queue.claim(rec.id, "bob", seconds=60)
    queue.decide(rec.id, "bob", "accept")
    assert queue.get(rec.id).lock_curator is None


def test_next_pending_can_claim(queue):
    queue.enqueue(SOURCE, [result(), sample_size()])
    a = queue.next_pending("ann", claim_seconds=60)
    b = queue.next_pending("bob", claim_seconds=60)
    assert a.id != b.id and a.holder() == "ann" and b.holder() == "bob"
    assert queue.next_pending("cid", claim_seconds=60) is None


# --------------------------------------------------------------------------- conflicts


def test_conflicts_across_sources(queue):
    other, third = "https://example.org/b", "https://example.org/c"
    queue.enqueue(SOURCE, [result(), result(timepoint=Timepoint(value=3, unit="years"))])
    queue.enqueue(other, [result((53.0, 23.5), source=other), result(source=other, endpoint="OS")])
    queue.enqueue(third, [result(source=third), result((50.0, 20.0), source=third, arms=("lenalidomide", "observation"))])
    mine = queue.list(source=SOURCE)[0]
    conflicts = queue.conflicts(mine.id)
    assert [c.source for c in conflicts] == [other]  # same values, other timepoint/endpoint/arms are not conflicts
    theirs = conflicts[0]
    queue.decide(theirs.id, "ann", "accept")
    assert [c.id for c in queue.conflicts(mine.id)] == [theirs.id]  # reviewed ones count too
    assert [c.source for c in queue.conflicts(theirs.id)] == [SOURCE, third]


def test_conflicts_ignore_own_versions_and_sample_sizes(queue):
    other = "https://example.org/b"
    queue.enqueue(SOURCE, [result(), sample_size(460)])
    queue.enqueue(SOURCE, [result((53.3, 23.4)), sample_size(460)])
    v2 = queue.list(endpoint="PFS")[0]
    assert queue.conflicts(v2.id) == []
    queue.enqueue(other, [sample_size(458, source=other)])
    n = [r for r in queue.list(source=SOURCE) if r.kind == "sample_size"][0]
    assert [c.record.n for c in queue.conflicts(n.id)] == [458]


# --------------------------------------------------------------------------- reviewed


def test_reviewed_gives_newest_accepted_or_edited_version(queue):
    queue.enqueue(SOURCE, [result(), sample_size(), result((0.6,), endpoint="OS", arms=("lenalidomide",))])
    pfs, n, os_ = queue.list(endpoint="PFS")[0], queue.list()[1], queue.list(endpoint="OS")[0]
    queue.decide(pfs.id, "ann", "accept")
    queue.decide(n.id, "bob", "edit", after=n.draft.model_copy(update={"n": 461}))
    queue.decide(os_.id, "ann", "reject", reason="wrong")
    reviewed = queue.reviewed()
    assert {r.queued.id: r.decision.curator for r in reviewed} == {pfs.id: "ann", n.id: "bob"}
    assert {r.record.kind: r.record.n for r in reviewed}["sample_size"] == 461
    # A new pending version does not withdraw the accepted one.
    queue.enqueue(SOURCE, [result((53.3, 23.4)), sample_size(), result((0.6,), endpoint="OS", arms=("lenalidomide",))])
    assert {r.queued.id for r in queue.reviewed()} == {pfs.id, n.id}
    v2 = queue.list(endpoint="PFS")[0]
    queue.decide(v2.id, "cid", "accept")
    assert {r.queued.id for r in queue.reviewed()} == {v2.id, n.id}


# --------------------------------------------------------------------------- curators


def test_curators(queue):
    queue.add_curator("ann", "s3cret-pass")
    with pytest.raises(CuratorExists):
        queue.add_curator("ann", "other")
    with pytest.raises(ValueError):
        queue.add_curator("bob", "")
    assert queue.verify_curator("ann", "s3cret-pass")
    assert not queue.verify_curator("ann", "wrong")
    assert not queue.verify_curator("nobody", "s3cret-pass")
    assert queue.curator_names() == ["ann"]
    with queue.engine.connect() as conn:
        stored = conn.exec_driver_sql("select password_hash from curators").scalar()
    assert stored.startswith("$argon2") and "s3cret" not in stored


def test_timestamps_are_utc_and_records_serialise(queue):
    queue.enqueue(SOURCE, [result()])
    rec = queue.list()[0]
    assert rec.created_at.utcoffset() == timedelta(0)
    data = rec.as_dict()
    assert data["state"] == "pending" and data["record"]["arms"][0]["value"] == 53.3 and data["draft"] is None
    assert data["created_at"].endswith("+00:00")
