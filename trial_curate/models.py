"""The shared language of the pipeline.

sources -> raw snapshot -> clean document -> draft records -> review queue -> curated dataset

Every step takes and returns these models; no step defines its own copy.
`DraftRecord` follows ../shared/eval/CONTRACT.md (extra fields are allowed by the scorer).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def short_hash(*parts: object, length: int = 16) -> str:
    """A stable hex id from JSON-serialisable parts."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:length]


# --------------------------------------------------------------------------- sources


SourceKind = Literal["url", "file", "folder", "feed", "sitemap"]


class Source(BaseModel):
    """Something to ingest: a page URL, a local file, a folder, a feed or a sitemap."""

    model_config = ConfigDict(extra="forbid")

    location: str = Field(description="URL or local path, as the user wrote it")
    kind: SourceKind = "url"
    tags: list[str] = Field(default_factory=list)
    schedule: str | None = Field(default=None, description="cron expression for `curate serve`")
    name: str | None = None


class Snapshot(BaseModel):
    """One immutable fetched body, stored once per content hash under raw/."""

    sha256: str
    source: str = Field(description="the Source.location it was fetched for")
    url: str | None = Field(default=None, description="final URL after redirects")
    path: str | None = Field(default=None, description="local file it was read from")
    fetched_at: datetime = Field(default_factory=utcnow)
    status: int | None = Field(default=None, description="HTTP status; None for local files")
    content_type: str | None = None
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    size: int = 0


class FetchError(BaseModel):
    """A source that could not be fetched, decoded or parsed, with the reason."""

    source: str
    stage: Literal["fetch", "decode", "clean", "extract", "queue"]
    message: str
    at: datetime = Field(default_factory=utcnow)


# --------------------------------------------------------------------------- clean document

BlockKind = Literal[
    "title", "heading", "paragraph", "list_item", "table_cell", "caption", "quote", "reference", "code"
]


class Block(BaseModel):
    """A structural piece of the clean text: clean.text[start:end] is its text."""

    kind: BlockKind
    start: int
    end: int
    level: int | None = Field(default=None, description="heading level 1-6")


class CleanDocument(BaseModel):
    """Main text of a page with its structure and metadata."""

    source: str
    snapshot_sha256: str | None = None
    title: str | None = None
    text: str
    blocks: list[Block] = Field(default_factory=list)
    date: str | None = Field(default=None, description="ISO date the page states (published or updated)")
    authors: list[str] = Field(default_factory=list)
    canonical_url: str | None = None
    site_name: str | None = None

    def block_at(self, offset: int) -> Block | None:
        for b in self.blocks:
            if b.start <= offset < b.end:
                return b
        return None

    def section_of(self, offset: int) -> str | None:
        """Text of the nearest heading above an offset (None when there is none)."""
        heading = None
        for b in self.blocks:
            if b.start > offset:
                break
            if b.kind == "heading":
                heading = self.text[b.start : b.end]
        return heading


# --------------------------------------------------------------------------- draft records


class Evidence(BaseModel):
    """Where a value comes from: clean_text[start:end] == text."""

    text: str
    start: int
    end: int
    rule: str | None = Field(default=None, description="id of the rule that produced this span")


Bound = Literal["exact", "about", "more_than", "less_than", "at_least", "at_most"]
Unit = Literal["months", "years", "weeks", "days", "%", "count"]


class Arm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="generic drug, regimen as written, or placebo/observation")
    value: float | None = Field(default=None, description="None when not reached")
    unit: Unit | None = None
    n: int | None = None
    bound: Bound = "exact"
    not_reached: bool = False
    evidence: Evidence | None = Field(default=None, description="the value's own span")

    @model_validator(mode="after")
    def _value_or_not_reached(self) -> "Arm":
        if self.value is None and not self.not_reached:
            raise ValueError("an arm needs a value, or not_reached=true")
        return self


class Timepoint(BaseModel):
    value: float
    unit: Literal["months", "years", "weeks", "days"]

    @property
    def months(self) -> float:
        factor = {"months": 1, "years": 12, "weeks": 12 / 52, "days": 12 / 365.25}[self.unit]
        return round(self.value * factor, 6)


class Effect(BaseModel):
    kind: Literal["HR", "OR", "RR"] = "HR"
    value: float | None = None
    ci: list[float] | None = None
    p: float | None = None
    p_bound: Literal["exact", "less_than", "more_than"] = "exact"


RecordKind = Literal["result", "sample_size", "follow_up", "trial"]
Endpoint = Literal[
    "PFS", "OS", "TTP", "EFS", "ORR", "CR", "VGPR", "MRD", "SPM", "PROGRESSION", "TRM", "AE", "DOR", "TTNT", "DFS", "DMFS"
]


class DraftRecord(BaseModel):
    """One extracted fact, awaiting a curator.  Shape per ../shared/eval/CONTRACT.md."""

    source: str
    kind: RecordKind
    trial: str | None = None
    evidence: Evidence
    rules: list[str] = Field(default_factory=list, description="ids of every rule that contributed")
    snapshot_sha256: str | None = None
    # kind == "result"
    endpoint: Endpoint | None = None
    measure: str | None = None
    arms: list[Arm] = Field(default_factory=list)
    timepoint: Timepoint | None = None
    subgroup: str | None = None
    effect: Effect | None = None
    # kind == "sample_size"
    n: int | None = None
    arm: str | None = None
    bound: Bound = "exact"
    # kind == "follow_up"
    months: float | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> "DraftRecord":
        if self.kind == "result":
            if not self.arms:
                raise ValueError("a result needs at least one arm")
            if self.endpoint is None:
                raise ValueError("a result needs an endpoint")
        elif self.kind == "sample_size" and (self.n is None or self.n <= 0):
            raise ValueError("a sample size needs a positive n")
        elif self.kind == "follow_up" and (self.months is None or self.months <= 0):
            raise ValueError("a follow-up needs positive months")
        elif self.kind == "trial" and not self.trial:
            raise ValueError("a trial record needs the trial name")
        return self

    # Identity --------------------------------------------------------------
    def key(self) -> str:
        """What the record is about, independent of its values.

        Two drafts from the same source with the same key are versions of one record:
        a changed page that changes a value yields a new version, not a new record.
        """
        arms = sorted((a.name or "") for a in self.arms)
        tp = self.timepoint.months if self.timepoint else None
        return short_hash(self.source, self.kind, self.trial, self.endpoint, self.measure, tp,
                          self.subgroup, arms, self.arm)

    def fingerprint(self) -> str:
        """What a curator judges: the key plus every value (not offsets, not rule ids)."""
        data = self.model_dump(
            mode="json",
            exclude={"evidence", "rules", "snapshot_sha256"},
        )
        for a in data.get("arms", []):
            a.pop("evidence", None)
        return short_hash(data)


# --------------------------------------------------------------------------- review


class ReviewState(str, Enum):
    pending = "pending"
    accepted = "accepted"
    edited = "edited"
    rejected = "rejected"
    superseded = "superseded"  # a newer version of the record replaced it before review


class ReviewDecision(BaseModel):
    """One curator's decision on one record version; decisions are appended, never overwritten."""

    record_id: str
    curator: str
    action: Literal["accept", "edit", "reject", "undo"]
    state_before: ReviewState
    state_after: ReviewState
    before: DraftRecord
    after: DraftRecord | None = None
    reason: str | None = None
    decided_at: datetime = Field(default_factory=utcnow)

    @model_validator(mode="after")
    def _reason_for_reject(self) -> "ReviewDecision":
        if self.action == "reject" and not (self.reason and self.reason.strip()):
            raise ValueError("a rejection needs a reason")
        if self.action == "edit" and self.after is None:
            raise ValueError("an edit needs the edited record")
        return self


class Provenance(BaseModel):
    source: str
    snapshot_sha256: str | None
    evidence: Evidence
    rules: list[str]
    curator: str
    decided_at: datetime
    state: Literal["accepted", "edited"]


# --------------------------------------------------------------------------- how values read


def number_text(value: float) -> str:
    return f"{value:g}"


def arm_text(arm: Arm) -> str:
    """One arm as a curator reads it, e.g. 'lenalidomide: 53.3 months (n=231)'."""
    bound = {"exact": "", "about": "~", "more_than": ">", "less_than": "<", "at_least": ">=", "at_most": "<="}[arm.bound]
    if arm.not_reached:
        value = "not reached"
    else:
        unit = "" if arm.unit in (None, "count") else ("%" if arm.unit == "%" else f" {arm.unit}")
        value = f"{bound}{number_text(arm.value)}{unit}"
    n = f" (n={arm.n})" if arm.n is not None else ""
    return f"{arm.name or '?'}: {value}{n}"


def values_text(record: DraftRecord) -> str:
    """The values of a record on one line (arms, n or months)."""
    if record.kind == "result":
        return "; ".join(arm_text(a) for a in record.arms)
    if record.kind == "sample_size":
        return f"n={record.n}" + (f" ({record.arm})" if record.arm else "")
    if record.kind == "follow_up":
        return f"{number_text(record.months)} months follow-up"
    return record.trial or ""


class CuratedRecord(BaseModel):
    """A reviewed record as published in curated/; only accepted or edited records become one."""

    id: str = Field(description="stable id: the queue record's key-based id")
    record: DraftRecord
    provenance: Provenance

    def flat(self) -> dict:
        """One CSV row."""
        r = self.record
        return {
            "id": self.id,
            "kind": r.kind,
            "trial": r.trial,
            "endpoint": r.endpoint,
            "measure": r.measure,
            "timepoint_months": r.timepoint.months if r.timepoint else None,
            "subgroup": r.subgroup,
            "arms": "; ".join(arm_text(a) for a in r.arms),
            "effect": json.dumps(r.effect.model_dump()) if r.effect else None,
            "n": r.n,
            "arm": r.arm,
            "months": r.months,
            "source": self.provenance.source,
            "snapshot_sha256": self.provenance.snapshot_sha256,
            "evidence": self.provenance.evidence.text,
            "evidence_start": self.provenance.evidence.start,
            "evidence_end": self.provenance.evidence.end,
            "rules": " ".join(self.provenance.rules),
            "curator": self.provenance.curator,
            "decided_at": self.provenance.decided_at.isoformat(),
            "state": self.provenance.state,
        }


def curated_record_schema() -> dict:
    """JSON schema of a published record (written beside the dataset by `curate publish`)."""
    return CuratedRecord.model_json_schema()
