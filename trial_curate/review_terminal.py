"""Terminal review: a curator goes through the pending records one by one.

For each record it shows the source, trial, endpoint, arms and the evidence sentence with each
arm's value highlighted, then asks: [a]ccept, [e]dit, [r]eject (with a reason), [s]kip or [q]uit.
Input and output are plain text streams, so tests feed scripted answers.

Offsets: `record.evidence.start` is where the evidence sentence starts in the clean document
text and each `arm.evidence` span is in document offsets too, so an arm's value sits at
`arm.evidence.start - record.evidence.start` within the sentence.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Callable, TextIO, get_args

from pydantic import ValidationError

from trial_curate.models import DraftRecord, Endpoint, Unit, arm_text, number_text as _number, values_text
from trial_curate.queue import InvalidDecision, QueuedRecord, RecordHeld, ReviewQueue, StaleRecord

ARM_COLOURS = ("32", "36", "35", "33", "34", "31")  # ANSI green, cyan, magenta, yellow, blue, red
PROMPT = "[a]ccept  [e]dit  [r]eject  [s]kip  [q]uit > "


@dataclass
class ReviewSession:
    """What a curator did in one terminal session."""

    accepted: int = 0
    edited: int = 0
    rejected: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = f"{self.accepted} accepted, {self.edited} edited, {self.rejected} rejected, {self.skipped} skipped"
        return text + (f", {len(self.errors)} could not be recorded" if self.errors else "")


class _EndOfInput(Exception):
    """The input stream ended: the session stops as if the curator quit."""


class _Console:
    """Prompting on injected streams, with optional ANSI styling."""

    def __init__(self, input: TextIO, output: TextIO, color: bool):
        self.input, self.output, self.color = input, output, color

    def say(self, text: str = "") -> None:
        self.output.write(text + "\n")

    def ask(self, prompt: str) -> str:
        self.output.write(prompt)
        self.output.flush()
        line = self.input.readline()
        if line == "":
            raise _EndOfInput
        return line.strip()

    def style(self, text: str, *codes: str) -> str:
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if self.color else text


# --------------------------------------------------------------------------- showing a record


def _mark(text: str, index: int, color: bool) -> str:
    if color:
        return f"\x1b[1;{ARM_COLOURS[index % len(ARM_COLOURS)]}m{text}\x1b[0m"
    return f"[[{text}]]"


def highlight_evidence(record: DraftRecord, color: bool = False) -> str:
    """The evidence sentence with each arm's value marked: bold colour on a terminal, [[...]] otherwise."""
    text, base = record.evidence.text, record.evidence.start
    spans = []
    for index, arm in enumerate(record.arms):
        ev = arm.evidence
        if ev is None:
            continue
        start, end = ev.start - base, ev.end - base
        if not (0 <= start < end <= len(text)) or (ev.text and text[start:end] != ev.text):
            found = text.find(ev.text) if ev.text else -1  # offsets disagree: fall back to the text
            if found < 0:
                continue
            start, end = found, found + len(ev.text)
        spans.append((start, end, index))
    out, pos = [], 0
    for start, end, index in sorted(spans):
        if start < pos:  # overlapping spans: the first one wins
            continue
        out += [text[pos:start], _mark(text[start:end], index, color)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def describe_record(queue: ReviewQueue, queued: QueuedRecord, color: bool = False) -> str:
    """Everything a curator needs to judge one record, as lines of text."""
    rec = queued.record
    bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
    lines = [f"record {queued.id} (version {queued.version})"]
    if queued.gone:
        lines[0] += "  ** no longer found on the latest version of the page **"
    lines.append(f"source:    {queued.source}")
    lines.append(f"trial:     {bold(rec.trial or '-')}")
    if rec.kind == "result":
        detail = f"{rec.endpoint}" + (f" ({rec.measure})" if rec.measure else "")
        if rec.timepoint:
            detail += f", at {_number(rec.timepoint.value)} {rec.timepoint.unit}"
        if rec.subgroup:
            detail += f", subgroup: {rec.subgroup}"
        lines.append(f"endpoint:  {bold(detail)}")
        for index, arm in enumerate(rec.arms):
            label = "arms:     " if index == 0 else "          "
            lines.append(f"{label} {_mark(arm_text(arm), index, color) if color else f'{index + 1}. {arm_text(arm)}'}")
        if rec.effect:
            e = rec.effect
            effect = f"{e.kind} {_number(e.value)}" if e.value is not None else e.kind
            if e.ci:
                effect += f" (95% CI {'-'.join(_number(c) for c in e.ci)})"
            if e.p is not None:
                effect += f", p{'<' if e.p_bound == 'less_than' else '>' if e.p_bound == 'more_than' else '='}{_number(e.p)}"
            lines.append(f"effect:    {effect}")
    else:
        lines.append(f"{rec.kind.replace('_', ' ') + ':':<10} {bold(values_text(rec))}")
    if queued.previous_id:
        previous = queue.get(queued.previous_id)
        lines.append(f"was:       {values_text(previous.record)} ({previous.state.value})")
    if queued.snapshot_sha256:
        doc = queue.document(queued.snapshot_sha256)
        section = doc.section_of(rec.evidence.start) if doc else None
        if section:
            lines.append(f"section:   {section}")
    lines.append(f"evidence:  {highlight_evidence(rec, color)}")
    if rec.rules:
        lines.append(f"rules:     {' '.join(rec.rules)}")
    for other in queue.conflicts(queued.id):
        lines.append(f"conflict:  {values_text(other.record)}  [{other.state.value}, {other.source}]")
    return "\n".join(lines)


# --------------------------------------------------------------------------- editing


def _text(answer: str) -> str | None:
    return None if answer == "-" else answer


def _choice(options: tuple[str, ...], what: str, normalise: Callable[[str], str]) -> Callable[[str], str | None]:
    def parse(answer: str) -> str | None:
        if answer == "-":
            return None
        value = normalise(answer)
        if value not in options:
            raise ValueError(f"{what} must be one of: {', '.join(options)}")
        return value

    return parse


_endpoint = _choice(get_args(Endpoint), "the endpoint", str.upper)
_unit = _choice(get_args(Unit), "the unit", str.lower)


def _arm_value(answer: str) -> tuple[float | None, bool]:
    if answer.upper() in ("NR", "NOT REACHED"):
        return None, True
    try:
        return float(answer), False
    except ValueError:
        raise ValueError("the value must be a number, or NR for not reached") from None


def _positive(kind: type) -> Callable[[str], float | int]:
    def parse(answer: str):
        try:
            value = kind(answer)
        except ValueError:
            raise ValueError(f"please type a {'whole ' if kind is int else ''}number") from None
        if value <= 0:
            raise ValueError("the number must be positive")
        return value

    return parse


def _ask_field(console: _Console, label: str, current, shown: str | None, parse: Callable[[str], object]):
    """Ask for one field until the answer parses; Enter keeps the current value."""
    while True:
        answer = console.ask(f"  {label} [{shown if shown not in (None, '') else '-'}]: ")
        if answer == "":
            return current
        try:
            return parse(answer)
        except ValueError as exc:
            console.say(f"  ! {exc}")


def edit_record(console: _Console, record: DraftRecord) -> DraftRecord | None:
    """Walk through the record's fields; returns the edited record, or None when nothing changed."""
    while True:
        console.say("Edit: Enter keeps the value in brackets, '-' clears it.")
        data = record.model_dump()
        data["trial"] = _ask_field(console, "trial", record.trial, record.trial, _text)
        if record.kind == "result":
            data["endpoint"] = _ask_field(console, "endpoint", record.endpoint, record.endpoint, _endpoint)
            data["measure"] = _ask_field(console, "measure", record.measure, record.measure, _text)
            for number, arm in enumerate(data["arms"], 1):
                arm["name"] = _ask_field(console, f"arm {number} name", arm["name"], arm["name"], _text)
                current = (arm["value"], arm["not_reached"])
                shown = "NR" if arm["not_reached"] else _number(arm["value"])
                arm["value"], arm["not_reached"] = _ask_field(console, f"arm {number} value", current, shown, _arm_value)
                arm["unit"] = _ask_field(console, f"arm {number} unit", arm["unit"], arm["unit"], _unit)
        elif record.kind == "sample_size":
            data["n"] = _ask_field(console, "n", record.n, str(record.n), _positive(int))
            data["arm"] = _ask_field(console, "arm", record.arm, record.arm, _text)
        elif record.kind == "follow_up":
            data["months"] = _ask_field(console, "months", record.months, _number(record.months), _positive(float))
        try:
            edited = DraftRecord.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(e["msg"] for e in exc.errors())
            console.say(f"  ! the edited record is not valid: {problems}")
            if console.ask("  edit again? [Y/n] ").lower().startswith("n"):
                return None
            continue
        return None if edited == record else edited


# --------------------------------------------------------------------------- the session


def _review_one(queue: ReviewQueue, console: _Console, curator: str, queued: QueuedRecord, session: ReviewSession) -> str:
    """Prompt for one record until the curator decides, skips or quits; returns what happened."""
    while True:
        choice = console.ask(PROMPT).lower()
        try:
            if choice in ("a", "accept"):
                queue.decide(queued.id, curator, "accept", expected_revision=queued.revision)
                session.accepted += 1
                return "accept"
            if choice in ("e", "edit"):
                edited = edit_record(console, queued.record)
                if edited is None:
                    console.say("No change made.")
                    continue
                queue.decide(queued.id, curator, "edit", after=edited, expected_revision=queued.revision)
                session.edited += 1
                return "edit"
            if choice in ("r", "reject"):
                reason = ""
                while not reason:
                    reason = console.ask("reason for rejecting: ")
                queue.decide(queued.id, curator, "reject", reason=reason, expected_revision=queued.revision)
                session.rejected += 1
                return "reject"
        except (StaleRecord, RecordHeld, InvalidDecision) as exc:
            console.say(f"! could not record the decision: {exc}")
            session.errors.append(f"{queued.id}: {exc}")
            return "error"
        if choice in ("s", "skip"):
            session.skipped += 1
            return "skip"
        if choice in ("q", "quit"):
            return "quit"
        console.say("Please answer a, e, r, s or q.")


def review_terminal(
    queue: ReviewQueue,
    curator: str,
    input: TextIO | None = None,
    output: TextIO | None = None,
    *,
    color: bool | None = None,
    source: str | None = None,
    trial: str | None = None,
    endpoint: str | None = None,
    hold_seconds: int = 900,
) -> ReviewSession:
    """Review pending records in the terminal (filtered by source/trial/endpoint if given).

    Each record shown is held for the curator (`hold_seconds`) so a colleague reviewing at the
    same time is given other records.  End of input counts as quitting.
    """
    input = input if input is not None else sys.stdin
    output = output if output is not None else sys.stdout
    if color is None:
        color = bool(getattr(output, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ
    console = _Console(input, output, color)
    session = ReviewSession()
    total = queue.counts(source=source, trial=trial, endpoint=endpoint, status="pending").total
    if not total:
        console.say("Nothing to review: no pending records.")
        return session

    after, shown = None, 0
    try:
        while True:
            queued = queue.next_pending(
                curator, after_id=after, source=source, trial=trial, endpoint=endpoint, claim_seconds=hold_seconds
            )
            if queued is None:
                console.say("No more pending records.")
                break
            after, shown = queued.id, shown + 1
            console.say("")
            console.say(console.style(f"── {shown} of {total} pending " + "─" * 40, "2"))
            console.say(describe_record(queue, queued, color))
            try:
                outcome = _review_one(queue, console, curator, queued, session)
            finally:
                queue.release(queued.id, curator)
            if outcome == "quit":
                break
    except _EndOfInput:
        console.say("")
    console.say(f"Session: {session.describe()}")
    return session
