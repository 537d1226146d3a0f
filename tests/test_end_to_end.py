"""The whole way, once: ingest the example pages -> queue -> review -> publish -> curated/.

Runs the plain pipeline (`curate ingest --no-prefect`); tests/test_flows.py covers the same
steps through the Prefect flows.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trial_curate.cli import app
from trial_curate.evaluation import normalise_arm, normalise_trial
from trial_curate.queue import ReviewQueue

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for var in ("CURATE_DATABASE_URL", "CURATE_RAW_DIR", "CURATE_CURATED_DIR"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def ingest(runner):
    result = runner.invoke(app, ["ingest", "examples/sources.toml", "--no-prefect", "--quiet"])
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_review_publish(workspace):
    runner = CliRunner()
    out = ingest(runner)
    assert "curate review" in out  # the summary names the next command

    expected = json.loads((EXAMPLES / "expected.json").read_text())["pages"]
    queue = ReviewQueue(f"sqlite:///{workspace / 'curate.sqlite'}")
    queued = queue.list()
    assert queued and all(q.state.value == "pending" for q in queued)

    # Raw snapshots are kept, one per page.
    assert len([f for f in (workspace / "raw").rglob("*") if f.is_file()]) >= len(expected)

    # The queue holds the expected drafts: most expected facts, and no boilerplate number as a value.
    facts = {(normalise_trial(r.record.trial), r.record.endpoint, normalise_arm(a.name), a.value)
             for r in queued if r.record.kind == "result" for a in r.record.arms}
    wanted = [(normalise_trial(f["trial"]), f["endpoint"], normalise_arm(f["arm"]), float(f["value"]))
              for page in expected.values() for f in page["results"]]
    found = sum(1 for w in wanted if w in facts)
    assert found >= 0.7 * len(wanted), f"{found}/{len(wanted)} expected facts queued"
    for page, exp in expected.items():
        values = {a.value for r in queued if r.record.source.endswith(Path(page).name) for a in r.record.arms}
        leaked = values & {float(x) for x in exp.get("boilerplate_numbers", [])} - {float(f["value"]) for f in exp["results"]}
        assert not leaked, f"{page}: boilerplate numbers became values: {leaked}"

    # A curator accepts some, edits one, rejects one.
    results = [r for r in queued if r.record.kind == "result"]
    accepted = results[:3]
    for r in accepted:
        queue.decide(r.id, "alice", "accept")
    edited = results[3]
    fixed = edited.record.model_copy(update={"subgroup": "all randomised patients"})
    queue.decide(edited.id, "alice", "edit", after=fixed)
    rejected = results[4]
    queue.decide(rejected.id, "bob", "reject", reason="duplicate of the abstract's figure")

    result = runner.invoke(app, ["publish"])
    assert result.exit_code == 0, result.output
    lines = (workspace / "curated" / "records.jsonl").read_text().splitlines()
    published = [json.loads(x) for x in lines]
    assert sorted(p["id"] for p in published) == sorted(r.id for r in [*accepted, edited])
    by_state = {p["provenance"]["state"] for p in published}
    assert by_state == {"accepted", "edited"}
    for p in published:
        prov = p["provenance"]
        assert prov["source"] and prov["snapshot_sha256"] and prov["curator"] == "alice"
        assert prov["evidence"]["text"] and prov["decided_at"]
    edited_pub = [p for p in published if p["provenance"]["state"] == "edited"]
    assert edited_pub[0]["record"]["subgroup"] == "all randomised patients"
    with open(workspace / "curated" / "records.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 4
    assert json.loads((workspace / "curated" / "schema.json").read_text())["title"] == "CuratedRecord"

    # Re-running the ingest adds nothing to the queue and keeps every decision.
    before = {q.id: q.state for q in queue.list()}
    ingest(runner)
    after = {q.id: q.state for q in queue.list()}
    assert after == before


def test_extract_has_no_side_effects(workspace):
    runner = CliRunner()
    result = runner.invoke(app, ["extract", "examples/pages", "--jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(x) for x in result.output.splitlines() if x.strip()]
    assert {r["kind"] for r in records} >= {"result", "trial", "sample_size"}
    assert not (workspace / "raw").exists() or not any((workspace / "raw").iterdir())
    assert not (workspace / "curate.sqlite").exists()


def test_bad_pages_are_reported_and_the_rest_goes_on(workspace):
    pages = workspace / "mixed"
    pages.mkdir()
    shutil.copy(EXAMPLES / "pages" / "calgb-100104-news.html", pages / "good.html")
    (pages / "empty.html").write_bytes(b"")
    (pages / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (pages / "broken.html").write_bytes(b"<html><body><p>Median PFS was 41 vs 23 months with lenalidomide vs placebo<div><table>")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "mixed", "--no-prefect", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "empty.html" in result.output and "binary.html" in result.output
    # nothing could be processed -> non-zero
    (workspace / "only-bad").mkdir()
    (workspace / "only-bad" / "empty.html").write_bytes(b"")
    result = runner.invoke(app, ["ingest", "only-bad", "--no-prefect", "--quiet"])
    assert result.exit_code != 0
