"""What the review pages show, computed from queue objects: the evidence inside its paragraph with
each arm's value marked, a decision's changes, conflicting values flagged.

Everything here returns plain text pieces; the templates escape them (nothing is ever marked safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trial_curate.models import CleanDocument, DraftRecord, ReviewDecision, arm_text, values_text
from trial_curate.queue import QueuedRecord

__all__ = ["Segment", "Passage", "evidence_passage", "document_passages", "changes", "ConflictRow", "conflict_rows",
           "arm_text", "values_text"]


@dataclass(frozen=True)
class Segment:
    """A run of text with how to mark it: inside the evidence sentence, and/or an arm's value (its index)."""

    text: str
    evidence: bool = False
    arm: int | None = None


@dataclass
class Passage:
    """A piece of the clean page (one block, or the evidence paragraph) cut into marked segments."""

    kind: str
    segments: list[Segment]
    has_evidence: bool = False
    level: int | None = None


@dataclass
class EvidenceView:
    """The evidence paragraph of a record, with the heading above it and a note when the stored
    page and the record's offsets disagree."""

    passage: Passage
    section: str | None = None
    note: str | None = None
    located: bool = True  # the evidence was found in the stored clean page


def _arm_spans(record: DraftRecord, text: str, base: int, ev_start: int, ev_end: int) -> list[tuple[int, int, int]]:
    """Each arm value's (start, end, index) in document offsets, checked against `text` (which
    starts at offset `base`); a value whose offsets disagree is looked up inside the evidence."""
    spans = []
    for index, arm in enumerate(record.arms):
        ev = arm.evidence
        if ev is None:
            continue
        start, end = ev.start, ev.end
        if not (base <= start < end <= base + len(text)) or (ev.text and text[start - base : end - base] != ev.text):
            found = text.find(ev.text, max(ev_start - base, 0), ev_end - base) if ev.text else -1
            if found < 0:
                continue
            start, end = base + found, base + found + len(ev.text)
        spans.append((start, end, index))
    return spans


def _segments(text: str, base: int, ev: tuple[int, int] | None, arms: list[tuple[int, int, int]]) -> list[Segment]:
    """Cut `text` (starting at document offset `base`) at the evidence and arm boundaries."""
    end_of_text = base + len(text)
    cuts = {base, end_of_text}
    if ev:
        cuts.update(max(base, min(x, end_of_text)) for x in ev)
    taken: list[tuple[int, int, int]] = []
    for start, end, index in sorted(arms):
        if end <= base or start >= end_of_text or any(start < e and s < end for s, e, _ in taken):
            continue  # outside this text, or overlapping an earlier value: the first one wins
        taken.append((start, end, index))
        cuts.update((max(start, base), min(end, end_of_text)))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        arm = next((i for s, e, i in taken if s <= a and b <= e), None)
        inside = bool(ev) and ev[0] <= a and b <= ev[1]
        out.append(Segment(text[a - base : b - base], evidence=inside, arm=arm))
    return [s for s in out if s.text]


def _locate(doc: CleanDocument, record: DraftRecord) -> tuple[int, int] | None:
    """The evidence span in the document: at its offsets, else the occurrence nearest to them."""
    ev = record.evidence
    if 0 <= ev.start < ev.end <= len(doc.text) and doc.text[ev.start : ev.end] == ev.text:
        return ev.start, ev.end
    if not ev.text:
        return None
    hits, at = [], doc.text.find(ev.text)
    while at >= 0 and len(hits) < 100:
        hits.append(at)
        at = doc.text.find(ev.text, at + 1)
    if not hits:
        return None
    start = min(hits, key=lambda h: abs(h - ev.start))
    return start, start + len(ev.text)


def evidence_passage(doc: CleanDocument | None, record: DraftRecord) -> EvidenceView:
    """The paragraph of the clean page around the record's evidence, evidence and arm values marked.

    Without the stored page (or when the evidence is not in it) the evidence sentence alone is shown.
    """
    ev = record.evidence
    span = _locate(doc, record) if doc is not None else None
    if doc is None or span is None:
        arms = _arm_spans(record, ev.text, ev.start, ev.start, ev.end)
        note = (
            "The clean page of this snapshot is not stored; showing the evidence sentence only."
            if doc is None
            else "The evidence sentence was not found in the stored clean page; showing it alone."
        )
        passage = Passage("paragraph", _segments(ev.text, ev.start, (ev.start, ev.start + len(ev.text)), arms), True)
        return EvidenceView(passage, note=note, located=False)
    start, end = span
    shift = start - ev.start
    shifted = record if not shift else _shifted(record, shift)
    block = doc.block_at(start)
    lo = min(block.start, start) if block else start
    hi = max(block.end, end) if block else end
    if block is None:  # no structure: widen to the surrounding line
        lo = doc.text.rfind("\n", 0, start) + 1
        nl = doc.text.find("\n", end)
        hi = len(doc.text) if nl < 0 else nl
    text = doc.text[lo:hi]
    arms = _arm_spans(shifted, text, lo, start, end)
    note = f"The page moved the evidence by {shift:+d} characters since extraction." if shift else None
    passage = Passage(block.kind if block else "paragraph", _segments(text, lo, (start, end), arms), True)
    return EvidenceView(passage, section=doc.section_of(start), note=note)


def _shifted(record: DraftRecord, shift: int) -> DraftRecord:
    arms = [
        a.model_copy(update={"evidence": a.evidence.model_copy(update={"start": a.evidence.start + shift, "end": a.evidence.end + shift})})
        if a.evidence else a
        for a in record.arms
    ]
    return record.model_copy(update={"arms": arms})


def document_passages(doc: CleanDocument, record: DraftRecord | None = None) -> list[Passage]:
    """The whole clean page block by block, with the record's evidence and values marked."""
    span = _locate(doc, record) if record is not None else None
    shifted = record if record is None or span is None or span[0] == record.evidence.start else _shifted(record, span[0] - record.evidence.start)
    blocks = doc.blocks or []
    if not blocks:
        from trial_curate.models import Block

        blocks = [Block(kind="paragraph", start=0, end=len(doc.text))]
    out = []
    for b in blocks:
        text = doc.text[b.start : b.end]
        ev = (max(span[0], b.start), min(span[1], b.end)) if span and span[0] < b.end and b.start < span[1] else None
        arms = _arm_spans(shifted, text, b.start, *span) if ev and shifted is not None else []
        out.append(Passage(b.kind, _segments(text, b.start, ev, arms), has_evidence=ev is not None, level=b.level))
    return out


# --------------------------------------------------------------------------- history


def _flat(record: DraftRecord | None) -> dict[str, str]:
    """A record's judged fields as label -> text (for showing what a decision changed)."""
    if record is None:
        return {}
    out = {"trial": record.trial or "", "kind": record.kind}
    if record.kind == "result":
        out["endpoint"] = record.endpoint or ""
        out["measure"] = record.measure or ""
        out["timepoint"] = f"{record.timepoint.value:g} {record.timepoint.unit}" if record.timepoint else ""
        out["subgroup"] = record.subgroup or ""
        for i, arm in enumerate(record.arms, 1):
            out[f"arm {i}"] = arm_text(arm)
        e = record.effect
        out["effect"] = (
            f"{e.kind} {'' if e.value is None else f'{e.value:g}'}"
            + (f" CI {e.ci[0]:g}-{e.ci[1]:g}" if e.ci and len(e.ci) == 2 else "")
            + ("" if e.p is None else f" p{'<' if e.p_bound == 'less_than' else '>' if e.p_bound == 'more_than' else '='}{e.p:g}")
        ) if e else ""
    else:
        out["values"] = values_text(record)
    return out


def changes(decision: ReviewDecision) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field a decision changed (edits and undos of edits)."""
    if decision.after is None:
        return []
    before, after = _flat(decision.before), _flat(decision.after)
    return [(k, before.get(k, ""), after.get(k, "")) for k in dict.fromkeys([*before, *after]) if before.get(k, "") != after.get(k, "")]


# --------------------------------------------------------------------------- conflicts


@dataclass
class ConflictRow:
    """Another record about the same trial/endpoint/arms, with the values that differ from this one."""

    other: QueuedRecord
    values: list[tuple[str, bool]] = field(default_factory=list)  # (value text, differs from this record)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def conflict_rows(record: DraftRecord, others: list[QueuedRecord]) -> list[ConflictRow]:
    """Conflicting records with each of their values flagged when it differs from `record`'s."""
    mine = {_norm(a.name): a for a in record.arms}
    rows = []
    for other in others:
        o = other.record
        if o.kind == "result":
            values = []
            for arm in o.arms:
                m = mine.get(_norm(arm.name))
                same = m is not None and (m.value, m.unit, m.not_reached) == (arm.value, arm.unit, arm.not_reached)
                values.append((arm_text(arm), not same))
        else:
            values = [(values_text(o), values_text(o) != values_text(record))]
        rows.append(ConflictRow(other, values))
    return rows
