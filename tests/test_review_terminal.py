"""Terminal review with scripted answers on injected streams."""

from __future__ import annotations

import io

import pytest
from test_queue import queue  # noqa: F401  (the shared queue fixture)
from test_queue import SENTENCE, SOURCE, result, sample_size

from trial_curate.models import Block, CleanDocument, Evidence, ReviewState
from trial_curate.review_terminal import highlight_evidence, review_terminal


def run(queue, answers, curator="ann", **kwargs):
    out = io.StringIO()
    session = review_terminal(queue, curator, input=io.StringIO("".join(a + "\n" for a in answers)), output=out, **kwargs)
    return session, out.getvalue()


def test_highlight_uses_offsets_relative_to_the_sentence():
    rec = result(offset=1000)
    assert highlight_evidence(rec) == (
        "Median PFS was [[53.3 months]] with lenalidomide versus [[23.5 months]] with placebo."
    )
    coloured = highlight_evidence(rec, color=True)
    assert "\x1b[1;32m53.3 months\x1b[0m" in coloured and "\x1b[1;36m23.5 months\x1b[0m" in coloured


def test_highlight_falls_back_to_the_text_when_offsets_disagree():
    rec = result()
    arm = rec.arms[0].model_copy(update={"evidence": Evidence(text="53.3 months", start=5, end=16)})
    rec = rec.model_copy(update={"arms": [arm, rec.arms[1]]})
    assert highlight_evidence(rec).count("[[") == 2


def test_shows_the_record_and_accepts(queue):
    doc = CleanDocument(
        source=SOURCE, snapshot_sha256="s1", text="R" * 90 + "Results\n" + "x" * 2 + SENTENCE,
        blocks=[Block(kind="heading", start=90, end=97)],
    )
    queue.add_document(doc)
    queue.enqueue(SOURCE, [result()], "s1")
    session, out = run(queue, ["a"])
    assert session.accepted == 1
    for expected in (SOURCE, "CALGB 100104", "PFS (median)", "1. lenalidomide: 53.3 months", "2. placebo: 23.5 months",
                     "[[53.3 months]]", "section:   Results", "[a]ccept", "1 of 1 pending"):
        assert expected in out
    assert "\x1b[" not in out  # not a tty: no ANSI codes
    assert queue.list()[0].state == ReviewState.accepted
    assert queue.history(queue.list()[0].id)[0].curator == "ann"


def test_colour_when_asked(queue):
    queue.enqueue(SOURCE, [result()])
    _, out = run(queue, ["s"], color=True)
    assert "\x1b[1;32m53.3 months\x1b[0m" in out


def test_reject_asks_for_a_reason_and_skip_moves_on(queue):
    queue.enqueue(SOURCE, [result(), sample_size(), result((0.6,), endpoint="OS", arms=("lenalidomide",))])
    session, out = run(queue, ["x", "r", "", "not this trial", "s", "a"])
    assert "Please answer" in out
    assert (session.rejected, session.skipped, session.accepted) == (1, 1, 1)
    states = [r.state for r in queue.list(all_versions=True)]
    assert sorted(s.value for s in states) == ["accepted", "pending", "rejected"]
    rejected = queue.list(status="rejected")[0]
    assert queue.history(rejected.id)[0].reason == "not this trial"
    assert queue.list(status="pending")[0].lock_curator is None  # skipped record released


def test_edit_field_by_field_with_reprompts(queue):
    queue.enqueue(SOURCE, [result()])
    answers = [
        "e",
        "",            # trial kept
        "progress",    # invalid endpoint -> re-prompted
        "os",          # endpoint
        "-",           # measure cleared
        "",            # arm 1 name kept
        "abc",         # invalid value -> re-prompted
        "NR",          # arm 1 not reached
        "",            # unit kept
        "observation", # arm 2 name
        "24",          # arm 2 value
        "weeks",       # arm 2 unit
    ]
    session, out = run(queue, answers)
    assert session.edited == 1
    assert "the endpoint must be one of" in out and "NR for not reached" in out
    rec = queue.list()[0]
    assert rec.state == ReviewState.edited
    edited = rec.record
    assert edited.endpoint == "OS" and edited.measure is None and edited.trial == "CALGB 100104"
    assert edited.arms[0].not_reached and edited.arms[0].value is None
    assert (edited.arms[1].name, edited.arms[1].value, edited.arms[1].unit) == ("observation", 24.0, "weeks")
    assert rec.draft.endpoint == "PFS"  # the extracted draft is kept beside the curator's version


def test_edit_without_change_returns_to_the_prompt(queue):
    queue.enqueue(SOURCE, [sample_size()])
    session, out = run(queue, ["e", "", "", "", "q"])
    assert "No change made." in out
    assert session.edited == 0 and queue.list()[0].state == ReviewState.pending


def test_edit_invalid_record_can_be_edited_again(queue):
    queue.enqueue(SOURCE, [result()])
    # Clearing the endpoint makes the result invalid; the curator edits again and fixes it.
    first = ["-", "", "", "", "", "", "", ""]
    second = ["", "PFS", "", "", "", "", "", "", ""]
    second[4] = "54"  # arm 1 value
    session, out = run(queue, ["e", "", *first, "y", *second])
    assert "not valid" in out and "a result needs an endpoint" in out
    assert session.edited == 1 and queue.list()[0].record.arms[0].value == 54.0


def test_sample_size_edit(queue):
    queue.enqueue(SOURCE, [sample_size()])
    session, out = run(queue, ["e", "", "0", "many", "461", ""])
    assert "positive" in out and "whole number" in out
    assert queue.list()[0].record.n == 461


def test_quit_and_end_of_input_stop_and_release(queue):
    queue.enqueue(SOURCE, [result(), sample_size()])
    session, out = run(queue, ["q"])
    assert session.describe().startswith("0 accepted") and "1 of 2" in out and "2 of 2" not in out
    session, out = run(queue, [])  # input ends at once
    assert all(r.lock_curator is None and r.state == ReviewState.pending for r in queue.list())


def test_records_held_by_another_curator_are_passed_over(queue):
    queue.enqueue(SOURCE, [result(), sample_size()])
    held = queue.list()[0]
    queue.claim(held.id, "bob", seconds=600)
    session, out = run(queue, ["a"])
    assert session.accepted == 1
    assert queue.get(held.id).state == ReviewState.pending
    assert "No more pending records." in out


def test_stale_decision_is_reported_not_fatal(queue, monkeypatch):
    queue.enqueue(SOURCE, [result(), sample_size()])
    original = queue.next_pending

    def next_then_someone_else_decides(curator, **kwargs):
        rec = original(curator, **kwargs)
        if rec is not None and rec.kind == "result":
            queue.release(rec.id, curator)
            queue.decide(rec.id, "bob", "reject", reason="duplicate")
        return rec

    monkeypatch.setattr(queue, "next_pending", next_then_someone_else_decides)
    session, out = run(queue, ["a", "a"])
    assert "could not record the decision" in out and "reject by bob" in out
    assert session.accepted == 1 and len(session.errors) == 1


def test_nothing_to_review(queue):
    session, out = run(queue, [])
    assert "Nothing to review" in out


def test_changed_record_shows_the_previous_values(queue):
    queue.enqueue(SOURCE, [result()])
    queue.decide(queue.list()[0].id, "bob", "accept")
    queue.enqueue(SOURCE, [result((53.3, 23.4))])
    _, out = run(queue, ["s"])
    assert "was:       lenalidomide: 53.3 months; placebo: 23.5 months (accepted)" in out
