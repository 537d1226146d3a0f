"""The review queue: where draft records wait for a curator, and where every decision is kept.

One database (SQLite by default, Postgres works too; one URL, `Settings.database_url`) holds:

- ``documents``  the clean document behind each snapshot, so a curator can read evidence in context;
- ``records``    one row per *version* of a draft record, with its review state;
- ``decisions``  the append-only log of curator decisions (accept, edit, reject, undo);
- ``curators``   curator accounts (name + argon2 password hash) for the web app.

Identity.  Drafts with the same ``DraftRecord.key()`` from the same source are versions of one
record; their chain is a *lineage*, and the lineage id is the record's stable, published id.
Version 1 of a lineage has the lineage id as its id, later versions ``<lineage>.v<n>``.

Incremental ingestion (``enqueue``) never makes a curator review the same thing twice and never
loses a decision: an unchanged draft keeps its record and state, a changed one becomes a new
pending version (the old one is ``superseded`` if nobody had reviewed it, otherwise it stays as
reviewed), and a draft that disappeared from its page is flagged ``gone``, never deleted.

Every method is a plain function of the queue; each write runs in one transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.pool import StaticPool

from trial_curate.models import (
    CleanDocument,
    DraftRecord,
    ReviewDecision,
    ReviewState,
    short_hash,
    utcnow,
)

__all__ = [
    "ReviewQueue",
    "QueuedRecord",
    "ReviewedRecord",
    "EnqueueSummary",
    "QueueCounts",
    "Claim",
    "QueueError",
    "RecordNotFound",
    "StaleRecord",
    "InvalidDecision",
    "RecordHeld",
    "CuratorExists",
]

# --------------------------------------------------------------------------- errors


class QueueError(Exception):
    """Base class of the queue's errors; the message says what to do."""


class RecordNotFound(QueueError):
    """No record with that id."""


class StaleRecord(QueueError):
    """The record changed (another curator decided, or ingestion touched it) since it was loaded."""


class InvalidDecision(QueueError, ValueError):
    """A decision that cannot be recorded: unknown action, rejection without reason, invalid edit..."""


class RecordHeld(QueueError):
    """Another curator holds the record (see `ReviewQueue.claim`)."""

    def __init__(self, message: str, holder: str, until: datetime):
        super().__init__(message)
        self.holder = holder
        self.until = until


class CuratorExists(QueueError, ValueError):
    """A curator with that name is already registered."""


# --------------------------------------------------------------------------- tables

metadata = sa.MetaData()

documents_table = sa.Table(
    "documents",
    metadata,
    sa.Column("snapshot_sha256", sa.String(64), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("document", sa.Text, nullable=False, comment="CleanDocument JSON"),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

records_table = sa.Table(
    "records",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True, comment="insertion order"),
    sa.Column("id", sa.String(80), nullable=False, unique=True),
    sa.Column("lineage", sa.String(64), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("previous_id", sa.String(80), sa.ForeignKey("records.id"), nullable=True),
    sa.Column("latest", sa.Boolean, nullable=False, comment="newest version of its lineage"),
    sa.Column("key", sa.String(64), nullable=False, index=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("source", sa.Text, nullable=False, comment="the source it was enqueued for"),
    sa.Column("snapshot_sha256", sa.String(64), nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("trial", sa.Text, nullable=True, comment="of the curated version when edited"),
    sa.Column("endpoint", sa.String(20), nullable=True, comment="of the curated version when edited"),
    sa.Column("rules", sa.Text, nullable=False, comment="rule ids, space separated and padded"),
    sa.Column("draft", sa.Text, nullable=False, comment="DraftRecord JSON as extracted"),
    sa.Column("curated", sa.Text, nullable=True, comment="DraftRecord JSON as edited by a curator"),
    sa.Column("state", sa.String(20), nullable=False, index=True),
    sa.Column("gone", sa.Boolean, nullable=False, comment="absent from the latest snapshot of its source"),
    sa.Column("lock_curator", sa.String(200), nullable=True),
    sa.Column("lock_until", sa.DateTime, nullable=True),
    sa.Column("revision", sa.Integer, nullable=False, comment="optimistic concurrency counter"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("lineage", "version", name="uq_records_lineage_version"),
    sa.Index("ix_records_source", "source"),
)

decisions_table = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_id", sa.String(80), sa.ForeignKey("records.id"), nullable=False, index=True),
    sa.Column("curator", sa.String(200), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("state_before", sa.String(20), nullable=False),
    sa.Column("state_after", sa.String(20), nullable=False),
    sa.Column("before", sa.Text, nullable=False),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("decided_at", sa.DateTime, nullable=False),
)

curators_table = sa.Table(
    "curators",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

REVIEWED = (ReviewState.accepted, ReviewState.edited)
_ACTION_STATE = {
    "accept": ReviewState.accepted,
    "edit": ReviewState.edited,
    "reject": ReviewState.rejected,
}


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class QueuedRecord:
    """One version of a record in the queue, with its review state."""

    id: str
    lineage: str  # stable id across versions; the published id
    version: int
    previous_id: str | None
    latest: bool
    key: str
    fingerprint: str
    source: str
    snapshot_sha256: str | None
    state: ReviewState
    draft: DraftRecord  # as extracted
    curated: DraftRecord | None  # the curator's version when edited
    gone: bool
    revision: int
    lock_curator: str | None
    lock_until: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def record(self) -> DraftRecord:
        """The record as it stands: the curator's version when edited, else the draft."""
        return self.curated or self.draft

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def trial(self) -> str | None:
        return self.record.trial

    @property
    def endpoint(self) -> str | None:
        return self.record.endpoint

    @property
    def rules(self) -> list[str]:
        return self.draft.rules

    def as_dict(self) -> dict:
        """JSON-ready form (for `curate queue --json` and web APIs); `record` is the record as it stands."""
        return {
            "id": self.id,
            "lineage": self.lineage,
            "version": self.version,
            "previous_id": self.previous_id,
            "latest": self.latest,
            "state": self.state.value,
            "gone": self.gone,
            "revision": self.revision,
            "holder": self.holder(),
            "source": self.source,
            "snapshot_sha256": self.snapshot_sha256,
            "record": self.record.model_dump(mode="json"),
            "draft": self.draft.model_dump(mode="json") if self.curated else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    def holder(self, now: datetime | None = None) -> str | None:
        """The curator holding this record right now, if any."""
        if self.lock_curator and self.lock_until and self.lock_until > (now or utcnow()):
            return self.lock_curator
        return None

    def held_by_other(self, curator: str, now: datetime | None = None) -> bool:
        holder = self.holder(now)
        return holder is not None and holder != curator


@dataclass(frozen=True)
class ReviewedRecord:
    """A record a curator accepted or edited, with the decision that made it so (for publishing)."""

    queued: QueuedRecord
    decision: ReviewDecision

    @property
    def record(self) -> DraftRecord:
        return self.queued.record


@dataclass
class EnqueueSummary:
    """What one `enqueue` call did."""

    source: str
    snapshot_sha256: str | None = None
    new: int = 0
    unchanged: int = 0
    changed: int = 0  # new versions of existing records
    gone: int = 0  # records newly flagged as absent from the source
    returned: int = 0  # previously gone records that are back unchanged
    duplicates: int = 0  # identical drafts in the incoming list, queued once
    new_by_trial_endpoint: dict[tuple[str | None, str | None], int] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.source}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.gone} gone" + (f", {self.returned} returned" if self.returned else "")
        )


@dataclass
class QueueCounts:
    """Record counts by review state, and by (trial, endpoint) then state."""

    total: int = 0
    gone: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_trial_endpoint: dict[tuple[str | None, str | None], dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """Answer to `ReviewQueue.claim`: truthy when granted; otherwise who holds the record and until when."""

    granted: bool
    holder: str | None
    until: datetime | None

    def __bool__(self) -> bool:
        return self.granted


# --------------------------------------------------------------------------- helpers


def _to_db(dt: datetime) -> datetime:
    """Timestamps are stored as naive UTC (portable across SQLite and Postgres)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def _from_db(dt: datetime | str | None) -> datetime | None:
    if dt is None:
        return None
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt)
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt


def _rules_text(rules: Iterable[str]) -> str:
    return " " + " ".join(rules) + " "


def _state(value: ReviewState | str) -> ReviewState:
    try:
        return ReviewState(value)
    except ValueError:
        choices = ", ".join(s.value for s in ReviewState)
        raise ValueError(f"unknown review state {value!r} (choose from {choices})") from None


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _version_id(lineage: str, version: int) -> str:
    return lineage if version == 1 else f"{lineage}.v{version}"


def _engine(database_url: str) -> sa.Engine:
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)

    kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    memory = url.database in (None, "", ":memory:")
    if memory:
        kwargs["poolclass"] = StaticPool
    else:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # We emit BEGIN ourselves (below) so that writers take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # BEGIN IMMEDIATE: a writer waits for the lock (busy timeout) instead of failing half-way.
        write = conn.get_execution_options().get("curate_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# --------------------------------------------------------------------------- the queue


class ReviewQueue:
    """The review queue in one database; tables are created on open.

    >>> queue = ReviewQueue("sqlite:///curate.sqlite")            # doctest: +SKIP
    >>> queue.enqueue(source, drafts, doc.snapshot_sha256)          # doctest: +SKIP
    """

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.engine = _engine(database_url)
        try:
            metadata.create_all(self.engine)
        except sa.exc.DatabaseError:  # another process created the tables at the same moment
            metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "ReviewQueue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(curate_write=True)
            with conn.begin():
                yield conn

    # -- documents ------------------------------------------------------------

    def add_document(self, doc: CleanDocument) -> str:
        """Store a clean document once per snapshot (idempotent); returns its snapshot hash.

        A document without a snapshot hash is stored under the sha256 of its text.
        """
        sha = doc.snapshot_sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        try:
            with self._write() as conn:
                exists = conn.execute(
                    sa.select(documents_table.c.snapshot_sha256).where(documents_table.c.snapshot_sha256 == sha)
                ).first()
                if not exists:
                    conn.execute(
                        documents_table.insert().values(
                            snapshot_sha256=sha,
                            source=doc.source,
                            document=doc.model_dump_json(),
                            created_at=_to_db(utcnow()),
                        )
                    )
        except sa.exc.IntegrityError:  # stored meanwhile by a concurrent writer: same content
            pass
        return sha

    def document(self, snapshot_sha256: str) -> CleanDocument | None:
        """The clean document of a snapshot, or None when it was not stored."""
        with self._read() as conn:
            blob = conn.execute(
                sa.select(documents_table.c.document).where(documents_table.c.snapshot_sha256 == snapshot_sha256)
            ).scalar()
        return CleanDocument.model_validate_json(blob) if blob else None

    # -- ingestion ------------------------------------------------------------

    def enqueue(
        self, source: str, records: Iterable[DraftRecord], snapshot_sha256: str | None = None
    ) -> EnqueueSummary:
        """Bring the queue up to date with the drafts extracted from the latest snapshot of `source`.

        Compared by key with the source's current records: same fingerprint keeps the record and its
        state; a changed fingerprint adds a pending version (an unreviewed old version becomes
        superseded, a reviewed one stays as it is); keys no longer extracted are flagged gone;
        new keys become pending records.  One transaction; enqueueing the same drafts again adds nothing.
        """
        summary = EnqueueSummary(source=source, snapshot_sha256=snapshot_sha256)
        incoming: dict[str, list[tuple[str, DraftRecord]]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for draft in records:
            draft = DraftRecord.model_validate(draft)
            if snapshot_sha256 and draft.snapshot_sha256 != snapshot_sha256:
                draft = draft.model_copy(update={"snapshot_sha256": snapshot_sha256})
            key, fingerprint = draft.key(), draft.fingerprint()
            if (key, fingerprint) in seen:
                summary.duplicates += 1
                continue
            seen.add((key, fingerprint))
            incoming[key].append((fingerprint, draft))

        now = _to_db(utcnow())
        with self._write() as conn:
            current: dict[str, list[sa.Row]] = defaultdict(list)
            rows = conn.execute(
                sa.select(records_table)
                .where(records_table.c.source == source, records_table.c.latest.is_(True))
                .order_by(records_table.c.pk)
            ).all()
            for row in rows:
                current[row.key].append(row)

            for key, drafts in incoming.items():
                existing = current.pop(key, [])
                unmatched: list[tuple[str, DraftRecord]] = []
                for fingerprint, draft in drafts:
                    row = next((r for r in existing if r.fingerprint == fingerprint), None)
                    if row is None:
                        unmatched.append((fingerprint, draft))
                        continue
                    existing.remove(row)
                    self._keep(conn, row, draft, now, summary)
                # What is left of the same key: changed values, in page order.
                for (fingerprint, draft), row in zip(unmatched, existing):
                    summary.changed_ids.append(self._new_version(conn, row, draft, fingerprint, source, now))
                    summary.changed += 1
                for fingerprint, draft in unmatched[len(existing):]:
                    summary.new_ids.append(self._insert_new(conn, draft, key, fingerprint, source, now))
                    summary.new += 1
                    te = (draft.trial, draft.endpoint)
                    summary.new_by_trial_endpoint[te] = summary.new_by_trial_endpoint.get(te, 0) + 1
                for row in existing[len(unmatched):]:
                    self._mark_gone(conn, row, now, summary)
            for rows_left in current.values():
                for row in rows_left:
                    self._mark_gone(conn, row, now, summary)
        return summary

    def _keep(self, conn, row, draft: DraftRecord, now, summary: EnqueueSummary) -> None:
        """Same values as before: keep the record and its state; refresh evidence while still pending."""
        values: dict = {}
        if row.gone:
            values["gone"] = False
            summary.returned += 1
        else:
            summary.unchanged += 1
        blob = draft.model_dump_json()
        if row.state == ReviewState.pending.value and blob != row.draft:
            values.update(draft=blob, rules=_rules_text(draft.rules), snapshot_sha256=draft.snapshot_sha256)
        if values:
            conn.execute(
                records_table.update()
                .where(records_table.c.pk == row.pk)
                .values(**values, revision=records_table.c.revision + 1, updated_at=now)
            )

    def _new_version(self, conn, old, draft: DraftRecord, fingerprint: str, source: str, now) -> str:
        values: dict = {"latest": False, "revision": records_table.c.revision + 1, "updated_at": now}
        if old.state == ReviewState.pending.value:
            values.update(state=ReviewState.superseded.value, lock_curator=None, lock_until=None)
        conn.execute(records_table.update().where(records_table.c.pk == old.pk).values(**values))
        return self._insert(conn, draft, old.key, fingerprint, source, now, old.lineage, old.version + 1, old.id)

    def _insert_new(self, conn, draft: DraftRecord, key: str, fingerprint: str, source: str, now) -> str:
        taken = set(conn.execute(sa.select(records_table.c.lineage).where(records_table.c.key == key).distinct()).scalars())
        n, lineage = 1, key
        while lineage in taken:  # the same key twice on one page: a second lineage
            n += 1
            lineage = short_hash(key, n)
        return self._insert(conn, draft, key, fingerprint, source, now, lineage, 1, None)

    def _insert(self, conn, draft, key, fingerprint, source, now, lineage, version, previous_id) -> str:
        record_id = _version_id(lineage, version)
        conn.execute(
            records_table.insert().values(
                id=record_id,
                lineage=lineage,
                version=version,
                previous_id=previous_id,
                latest=True,
                key=key,
                fingerprint=fingerprint,
                source=source,
                snapshot_sha256=draft.snapshot_sha256,
                kind=draft.kind,
                trial=draft.trial,
                endpoint=draft.endpoint,
                rules=_rules_text(draft.rules),
                draft=draft.model_dump_json(),
                curated=None,
                state=ReviewState.pending.value,
                gone=False,
                revision=0,
                created_at=now,
                updated_at=now,
            )
        )
        return record_id

    def _mark_gone(self, conn, row, now, summary: EnqueueSummary) -> None:
        if row.gone:
            return
        conn.execute(
            records_table.update()
            .where(records_table.c.pk == row.pk)
            .values(gone=True, revision=records_table.c.revision + 1, updated_at=now)
        )
        summary.gone += 1

    # -- reading --------------------------------------------------------------

    def _where(
        self,
        status=None,
        trial: str | None = None,
        endpoint: str | None = None,
        source: str | None = None,
        rule: str | None = None,
        gone: bool | None = None,
        all_versions: bool = False,
    ) -> list:
        clauses = []
        states: list[ReviewState] = []
        if status is not None:
            wanted = [status] if isinstance(status, (str, ReviewState)) else list(status)
            states = [_state(s) for s in wanted]
            clauses.append(records_table.c.state.in_([s.value for s in states]))
        if not all_versions and ReviewState.superseded not in states:
            clauses.append(records_table.c.latest.is_(True))
        if trial:
            clauses.append(sa.func.lower(records_table.c.trial) == trial.lower())
        if endpoint:
            clauses.append(sa.func.upper(records_table.c.endpoint) == endpoint.upper())
        if source:
            clauses.append(records_table.c.source == source)
        if rule:
            clauses.append(records_table.c.rules.contains(f" {rule} ", autoescape=True))
        if gone is not None:
            clauses.append(records_table.c.gone.is_(gone))
        return clauses

    def list(
        self,
        status: ReviewState | str | Iterable[ReviewState | str] | None = None,
        trial: str | None = None,
        endpoint: str | None = None,
        source: str | None = None,
        rule: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        gone: bool | None = None,
        all_versions: bool = False,
    ) -> list[QueuedRecord]:
        """Records matching the filters, pending first, then in the order they were queued.

        Only the newest version of each record unless `all_versions` (or status "superseded").
        `rule` matches one rule id exactly; `trial` and `endpoint` ignore case.
        """
        pending_first = sa.case((records_table.c.state == ReviewState.pending.value, 0), else_=1)
        query = (
            sa.select(records_table)
            .where(*self._where(status, trial, endpoint, source, rule, gone, all_versions))
            .order_by(pending_first, records_table.c.pk)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [self._record(row) for row in conn.execute(query)]

    def counts(
        self,
        trial: str | None = None,
        endpoint: str | None = None,
        source: str | None = None,
        rule: str | None = None,
        *,
        status: ReviewState | str | Iterable[ReviewState | str] | None = None,
        all_versions: bool = False,
    ) -> QueueCounts:
        """How many records per review state, and per (trial, endpoint) and state, under the same filters as `list`."""
        query = (
            sa.select(records_table.c.state, records_table.c.trial, records_table.c.endpoint, records_table.c.gone, sa.func.count())
            .where(*self._where(status, trial, endpoint, source, rule, None, all_versions))
            .group_by(records_table.c.state, records_table.c.trial, records_table.c.endpoint, records_table.c.gone)
        )
        counts = QueueCounts()
        by_state: Counter = Counter()
        with self._read() as conn:
            for state, trial_, endpoint_, gone, n in conn.execute(query):
                counts.total += n
                counts.gone += n if gone else 0
                by_state[state] += n
                cell = counts.by_trial_endpoint.setdefault((trial_, endpoint_), {})
                cell[state] = cell.get(state, 0) + n
        counts.by_state = {s.value: by_state[s.value] for s in ReviewState if by_state[s.value]}
        return counts

    def get(self, record_id: str) -> QueuedRecord:
        """One record version by id (raises RecordNotFound)."""
        with self._read() as conn:
            return self._record(self._row(conn, record_id))

    def versions(self, record_id: str) -> list[QueuedRecord]:
        """Every version of the record's lineage, oldest first."""
        with self._read() as conn:
            lineage = self._row(conn, record_id).lineage
            rows = conn.execute(
                sa.select(records_table).where(records_table.c.lineage == lineage).order_by(records_table.c.version)
            ).all()
        return [self._record(row) for row in rows]

    def next_pending(
        self,
        curator: str,
        after_id: str | None = None,
        *,
        source: str | None = None,
        trial: str | None = None,
        endpoint: str | None = None,
        rule: str | None = None,
        claim_seconds: int | None = None,
    ) -> QueuedRecord | None:
        """The next pending record (in queue order, after `after_id`) not held by another curator.

        With `claim_seconds`, the record is also claimed for the curator (race-free: a record
        claimed by someone else meanwhile is passed over).
        """
        for _ in range(100):
            now = _to_db(utcnow())
            query = (
                sa.select(records_table)
                .where(
                    *self._where(ReviewState.pending, trial, endpoint, source, rule),
                    sa.or_(
                        records_table.c.lock_curator.is_(None),
                        records_table.c.lock_curator == curator,
                        records_table.c.lock_until < now,
                    ),
                )
                .order_by(records_table.c.pk)
                .limit(1)
            )
            with self._read() as conn:
                if after_id is not None:
                    query = query.where(records_table.c.pk > self._row(conn, after_id).pk)
                row = conn.execute(query).first()
            if row is None:
                return None
            if claim_seconds is None:
                return self._record(row)
            if self.claim(row.id, curator, claim_seconds):
                return self.get(row.id)
        return None  # pragma: no cover - only under extreme contention

    def reviewed_count(self, since: datetime, curator: str | None = None) -> int:
        """How many records got a decision (accept, edit, reject) since `since` that still stands
        decided (not pending again after an undo); only `curator`'s decisions when given."""
        query = (
            sa.select(sa.func.count(sa.distinct(decisions_table.c.record_id)))
            .select_from(decisions_table.join(records_table, records_table.c.id == decisions_table.c.record_id))
            .where(
                decisions_table.c.decided_at >= _to_db(since),
                decisions_table.c.action != "undo",
                records_table.c.state.in_([s.value for s in (*REVIEWED, ReviewState.rejected)]),
            )
        )
        if curator is not None:
            query = query.where(decisions_table.c.curator == curator)
        with self._read() as conn:
            return conn.execute(query).scalar() or 0

    def facets(self) -> dict[str, list[str]]:
        """The distinct trials, endpoints, sources and rule ids of the newest record versions
        (choices for filtering the queue), each sorted."""
        latest = records_table.c.latest.is_(True)
        out: dict[str, list[str]] = {}
        with self._read() as conn:
            for name in ("trial", "endpoint", "source"):
                column = records_table.c[name]
                out[name + "s"] = sorted(
                    v for v in conn.execute(sa.select(column).where(latest, column.is_not(None)).distinct()).scalars()
                )
            texts = conn.execute(sa.select(records_table.c.rules).where(latest).distinct()).scalars()
            out["rules"] = sorted({rule for text in texts for rule in text.split()})
        return out

    def history(self, record_id: str) -> list[ReviewDecision]:
        """Every decision on one record version, oldest first (undos included)."""
        with self._read() as conn:
            self._row(conn, record_id)
            rows = conn.execute(
                sa.select(decisions_table).where(decisions_table.c.record_id == record_id).order_by(decisions_table.c.id)
            ).all()
        return [self._decision(row) for row in rows]

    def conflicts(self, record_id: str) -> list[QueuedRecord]:
        """Other records (any source, queued or reviewed) about the same thing with different values.

        Results: same trial, endpoint and arm names (and timepoint, subgroup, compatible measure).
        Sample sizes: same trial and arm.  Follow-ups: same trial.  Other versions of the record
        itself, superseded versions and older versions no one accepted are left out.
        """
        target = self.get(record_id)
        subject = _subject(target.record)
        if subject is None:
            return []
        rec = target.record
        query = (
            sa.select(records_table)
            .where(
                records_table.c.kind == rec.kind,
                sa.func.lower(records_table.c.trial) == rec.trial.lower(),
                records_table.c.lineage != target.lineage,
                records_table.c.state != ReviewState.superseded.value,
                sa.or_(records_table.c.latest.is_(True), records_table.c.state.in_([s.value for s in REVIEWED])),
            )
            .order_by(records_table.c.pk)
        )
        if rec.endpoint:
            query = query.where(records_table.c.endpoint == rec.endpoint)
        with self._read() as conn:
            candidates = [self._record(row) for row in conn.execute(query)]
        out = []
        for other in candidates:
            o = other.record
            if _subject(o) != subject:
                continue
            if rec.measure and o.measure and _norm(rec.measure) != _norm(o.measure):
                continue
            if _values(o) != _values(rec):
                out.append(other)
        return out

    def reviewed(self) -> list[ReviewedRecord]:
        """For each record, its newest accepted or edited version with the decision behind it.

        A newer version still pending (or rejected) does not withdraw an earlier accepted one:
        curated records are never silently altered.  Sorted by lineage (the published id).
        """
        with self._read() as conn:
            rows = conn.execute(
                sa.select(records_table)
                .where(records_table.c.state.in_([s.value for s in REVIEWED]))
                .order_by(records_table.c.lineage, records_table.c.version.desc())
            ).all()
            newest: dict[str, sa.Row] = {}
            for row in rows:
                newest.setdefault(row.lineage, row)
            ids = [row.id for row in newest.values()]
            log: dict[str, list] = defaultdict(list)
            for start in range(0, len(ids), 500):
                for d in conn.execute(
                    sa.select(decisions_table)
                    .where(decisions_table.c.record_id.in_(ids[start : start + 500]))
                    .order_by(decisions_table.c.id)
                ):
                    log[d.record_id].append(d)
        out = []
        for lineage, row in sorted(newest.items()):
            stack = _effective(log[row.id])
            if not stack:  # pragma: no cover - a reviewed state always has a decision
                continue
            out.append(ReviewedRecord(queued=self._record(row), decision=self._decision(stack[-1])))
        return out

    # -- decisions ------------------------------------------------------------

    def decide(
        self,
        record_id: str,
        curator: str,
        action: str,
        after: DraftRecord | dict | None = None,
        reason: str | None = None,
        expected_revision: int | None = None,
    ) -> ReviewDecision:
        """Record a curator's decision: "accept", "edit" (with `after`, the curator's version) or
        "reject" (with a `reason`).

        Raises InvalidDecision for a decision that does not make sense, StaleRecord when
        `expected_revision` is given and the record changed since, RecordHeld when another
        curator holds it.  A decided record's hold is released.
        """
        curator = _curator_name(curator)
        if action not in _ACTION_STATE:
            raise InvalidDecision(f"unknown action {action!r}: use accept, edit or reject")
        edited: DraftRecord | None = None
        if action == "edit":
            if after is None:
                raise InvalidDecision("an edit needs the edited record")
            try:
                data = after.model_dump() if isinstance(after, DraftRecord) else after
                edited = DraftRecord.model_validate(data)
            except ValidationError as exc:
                raise InvalidDecision(f"the edited record is not valid: {_errors(exc)}") from None
        elif after is not None:
            raise InvalidDecision(f"only an edit takes an edited record, not {action!r}")
        reason = (reason or "").strip() or None
        if action == "reject" and not reason:
            raise InvalidDecision("a rejection needs a reason")

        now = utcnow()
        with self._write() as conn:
            row = self._row(conn, record_id)
            self._check_decidable(conn, row, curator, expected_revision, now)
            current = self._record(row)
            if edited is not None and edited.source != current.draft.source:
                raise InvalidDecision("an edit cannot change the record's source")
            state_after = _ACTION_STATE[action]
            try:
                decision = ReviewDecision(
                    record_id=record_id,
                    curator=curator,
                    action=action,
                    state_before=current.state,
                    state_after=state_after,
                    before=current.record,
                    after=edited if action == "edit" else current.draft if action == "accept" else None,
                    reason=reason,
                    decided_at=now,
                )
            except ValidationError as exc:  # pragma: no cover - checked above
                raise InvalidDecision(_errors(exc)) from None
            self._apply(conn, row, decision, edited, now)
        return decision

    def undo(
        self, record_id: str, curator: str, expected_revision: int | None = None, reason: str | None = None
    ) -> ReviewDecision:
        """Revert the record's last standing decision by appending an "undo" decision (history is kept).

        Successive undos walk further back.  Raises InvalidDecision when there is nothing to undo.
        """
        curator = _curator_name(curator)
        now = utcnow()
        with self._write() as conn:
            row = self._row(conn, record_id)
            self._check_decidable(conn, row, curator, expected_revision, now)
            stack = _effective(
                conn.execute(
                    sa.select(decisions_table).where(decisions_table.c.record_id == record_id).order_by(decisions_table.c.id)
                ).all()
            )
            if not stack:
                raise InvalidDecision(f"record {record_id} has no decision to undo")
            undone = stack.pop()
            top = stack[-1] if stack else None
            state_after = ReviewState(top.state_after) if top else ReviewState.pending
            curated = DraftRecord.model_validate_json(top.after) if top is not None and top.action == "edit" else None
            current = self._record(row)
            restored = curated or current.draft
            decision = ReviewDecision(
                record_id=record_id,
                curator=curator,
                action="undo",
                state_before=current.state,
                state_after=state_after,
                before=current.record,
                after=restored if state_after in REVIEWED else None,
                reason=(reason or "").strip()
                or f"undid {undone.action} by {undone.curator} at {_from_db(undone.decided_at):%Y-%m-%d %H:%M:%S} UTC",
                decided_at=now,
            )
            self._apply(conn, row, decision, curated, now)
        return decision

    def _check_decidable(self, conn, row, curator: str, expected_revision: int | None, now: datetime) -> None:
        if expected_revision is not None and expected_revision != row.revision:
            last = conn.execute(
                sa.select(decisions_table.c.curator, decisions_table.c.action)
                .where(decisions_table.c.record_id == row.id)
                .order_by(decisions_table.c.id.desc())
                .limit(1)
            ).first()
            by = f" (last decision: {last.action} by {last.curator})" if last else ""
            raise StaleRecord(
                f"record {row.id} changed since you loaded it (revision {expected_revision}, now "
                f"{row.revision}){by}; reload it and decide again"
            )
        if not row.latest:
            newest = conn.execute(
                sa.select(records_table.c.id).where(records_table.c.lineage == row.lineage, records_table.c.latest.is_(True))
            ).scalar()
            raise InvalidDecision(
                f"record {row.id} was replaced by a newer version ({newest}); review that one instead"
            )
        until = _from_db(row.lock_until)
        if row.lock_curator and row.lock_curator != curator and until and until > now:
            raise RecordHeld(
                f"record {row.id} is held by {row.lock_curator} until {until:%H:%M:%S} UTC",
                holder=row.lock_curator,
                until=until,
            )

    def _apply(self, conn, row, decision: ReviewDecision, curated: DraftRecord | None, now: datetime) -> None:
        """Store a decision: update the record (guarded by its revision) and append the log row."""
        effective = curated or DraftRecord.model_validate_json(row.draft)
        result = conn.execute(
            records_table.update()
            .where(records_table.c.pk == row.pk, records_table.c.revision == row.revision)
            .values(
                state=decision.state_after.value,
                curated=curated.model_dump_json() if curated is not None else None,
                trial=effective.trial,
                endpoint=effective.endpoint,
                revision=row.revision + 1,
                lock_curator=None,
                lock_until=None,
                updated_at=_to_db(now),
            )
        )
        if result.rowcount != 1:
            raise StaleRecord(f"record {row.id} was changed by someone else meanwhile; reload it and decide again")
        conn.execute(
            decisions_table.insert().values(
                record_id=decision.record_id,
                curator=decision.curator,
                action=decision.action,
                state_before=decision.state_before.value,
                state_after=decision.state_after.value,
                before=decision.before.model_dump_json(),
                after=decision.after.model_dump_json() if decision.after is not None else None,
                reason=decision.reason,
                decided_at=_to_db(decision.decided_at),
            )
        )

    # -- holds ----------------------------------------------------------------

    def claim(self, record_id: str, curator: str, seconds: int = 300) -> Claim:
        """Hold a record for `seconds` so other curators are steered away from it.

        Granted when the record is free, already the curator's, or its hold expired (renewing it);
        otherwise the answer names the holder.
        """
        curator = _curator_name(curator)
        now = utcnow()
        until = now + timedelta(seconds=seconds)
        with self._write() as conn:
            result = conn.execute(
                records_table.update()
                .where(
                    records_table.c.id == record_id,
                    sa.or_(
                        records_table.c.lock_curator.is_(None),
                        records_table.c.lock_curator == curator,
                        records_table.c.lock_until < _to_db(now),
                    ),
                )
                .values(lock_curator=curator, lock_until=_to_db(until))
            )
            if result.rowcount == 1:
                return Claim(True, curator, until)
            row = self._row(conn, record_id)
        return Claim(False, row.lock_curator, _from_db(row.lock_until))

    def release(self, record_id: str, curator: str) -> bool:
        """Give up the curator's hold on a record; False when the curator did not hold it."""
        with self._write() as conn:
            result = conn.execute(
                records_table.update()
                .where(records_table.c.id == record_id, records_table.c.lock_curator == curator)
                .values(lock_curator=None, lock_until=None)
            )
            if result.rowcount == 0:
                self._row(conn, record_id)
        return result.rowcount == 1

    # -- curators -------------------------------------------------------------

    def add_curator(self, name: str, password: str) -> None:
        """Register a curator (the password is stored as an argon2 hash)."""
        from argon2 import PasswordHasher

        name = _curator_name(name)
        if not password:
            raise ValueError("the password must not be empty")
        hashed = PasswordHasher().hash(password)
        try:
            with self._write() as conn:
                if conn.execute(sa.select(curators_table.c.id).where(curators_table.c.name == name)).first():
                    raise CuratorExists(f"curator {name!r} already exists")
                conn.execute(
                    curators_table.insert().values(name=name, password_hash=hashed, created_at=_to_db(utcnow()))
                )
        except sa.exc.IntegrityError:
            raise CuratorExists(f"curator {name!r} already exists") from None

    def verify_curator(self, name: str, password: str) -> bool:
        """True when the name and password match a registered curator."""
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._read() as conn:
            hashed = conn.execute(
                sa.select(curators_table.c.password_hash).where(curators_table.c.name == (name or "").strip())
            ).scalar()
        if hashed is None:
            return False
        hasher = PasswordHasher()
        try:
            hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(hashed):
            with self._write() as conn:
                conn.execute(
                    curators_table.update().where(curators_table.c.name == name.strip()).values(password_hash=hasher.hash(password))
                )
        return True

    def curator_names(self) -> list[str]:
        with self._read() as conn:
            return list(conn.execute(sa.select(curators_table.c.name).order_by(curators_table.c.name)).scalars())

    # -- row conversion -------------------------------------------------------

    def _row(self, conn, record_id: str) -> sa.Row:
        row = conn.execute(sa.select(records_table).where(records_table.c.id == record_id)).first()
        if row is None:
            raise RecordNotFound(f"no record with id {record_id!r} in the queue")
        return row

    @staticmethod
    def _record(row) -> QueuedRecord:
        return QueuedRecord(
            id=row.id,
            lineage=row.lineage,
            version=row.version,
            previous_id=row.previous_id,
            latest=bool(row.latest),
            key=row.key,
            fingerprint=row.fingerprint,
            source=row.source,
            snapshot_sha256=row.snapshot_sha256,
            state=ReviewState(row.state),
            draft=DraftRecord.model_validate_json(row.draft),
            curated=DraftRecord.model_validate_json(row.curated) if row.curated else None,
            gone=bool(row.gone),
            revision=row.revision,
            lock_curator=row.lock_curator,
            lock_until=_from_db(row.lock_until),
            created_at=_from_db(row.created_at),
            updated_at=_from_db(row.updated_at),
        )

    @staticmethod
    def _decision(row) -> ReviewDecision:
        return ReviewDecision(
            record_id=row.record_id,
            curator=row.curator,
            action=row.action,
            state_before=ReviewState(row.state_before),
            state_after=ReviewState(row.state_after),
            before=DraftRecord.model_validate_json(row.before),
            after=DraftRecord.model_validate_json(row.after) if row.after else None,
            reason=row.reason,
            decided_at=_from_db(row.decided_at),
        )


# --------------------------------------------------------------------------- module helpers


def _effective(rows: Iterable) -> list:
    """The decisions still standing, oldest first: each undo cancels the latest standing one."""
    stack: list = []
    for row in rows:
        if row.action == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(row)
    return stack


def _curator_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidDecision("a curator name is required")
    if len(name) > 200:
        raise InvalidDecision("a curator name has at most 200 characters")
    return name


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors()
    )


def _subject(rec: DraftRecord) -> tuple | None:
    """What a record is about, for finding conflicting values (None: not comparable)."""
    if not rec.trial:
        return None
    trial = _norm(rec.trial)
    if rec.kind == "result":
        tp = rec.timepoint.months if rec.timepoint else None
        arms = tuple(sorted(_norm(a.name) for a in rec.arms))
        return ("result", trial, rec.endpoint, arms, tp, _norm(rec.subgroup))
    if rec.kind == "sample_size":
        return ("sample_size", trial, _norm(rec.arm))
    if rec.kind == "follow_up":
        return ("follow_up", trial)
    return None


def _values(rec: DraftRecord) -> tuple:
    """The values of a record that a conflict is about."""
    if rec.kind == "result":
        return tuple(sorted((_norm(a.name), a.value, a.unit, a.not_reached) for a in rec.arms))
    if rec.kind == "sample_size":
        return (rec.n,)
    return (rec.months,)
