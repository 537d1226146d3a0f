"""The review-stage commands: curate queue, review, publish, curator add (typer CliRunner)."""

from __future__ import annotations

import json

import pytest
import typer
from test_queue import SOURCE, result, sample_size
from typer.testing import CliRunner

from trial_curate.cli import review_cmd
from trial_curate.models import ReviewState
from trial_curate.queue import ReviewQueue

runner = CliRunner()


@pytest.fixture
def app():
    app = typer.Typer()
    review_cmd.register(app)
    return app


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    q = ReviewQueue(url)
    q.enqueue(SOURCE, [result(), sample_size()], "s1")
    q.enqueue("https://example.org/b", [result((40.0, 20.0), source="https://example.org/b", trial="IFM 2005-02")])
    q.close()
    return url


def test_queue_lists_a_table_and_counts(app, db):
    res = runner.invoke(app, ["queue", "--db", db])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split()[:5] == ["ID", "STATE", "V", "TRIAL", "ENDPOINT"]
    assert sum("pending" in line for line in lines[1:4]) == 3
    assert "lenalidomide: 53.3 months; placebo: 23.5 months" in res.output
    assert "3 records: 3 pending" in res.output


def test_queue_filters_and_json(app, db):
    res = runner.invoke(app, ["queue", "--db", db, "--trial", "ifm 2005-02", "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert len(rows) == 1 and rows[0]["record"]["trial"] == "IFM 2005-02"
    res = runner.invoke(app, ["queue", "--db", db, "--status", "accepted"])
    assert res.exit_code == 0 and "no records" in res.output
    res = runner.invoke(app, ["queue", "--db", db, "--rule", "n_patients", "--limit", "1"])
    assert "1 records: 1 pending" in res.output
    res = runner.invoke(app, ["queue", "--db", db, "--status", "maybe"])
    assert res.exit_code == 2 and "unknown review state" in res.output


def test_review_terminal_command(app, db):
    res = runner.invoke(app, ["review", "--terminal", "--db", db, "--curator", "ann", "--source", SOURCE], input="a\nr\nwrong arm\n")
    assert res.exit_code == 0, res.output
    assert "1 accepted, 0 edited, 1 rejected" in res.output
    q = ReviewQueue(db)
    assert {r.state for r in q.list(source=SOURCE)} == {ReviewState.accepted, ReviewState.rejected}
    assert {d.curator for r in q.list(source=SOURCE) for d in q.history(r.id)} == {"ann"}


def test_review_serves_the_web_app(app, db, monkeypatch):
    from trial_curate import web

    calls = []
    monkeypatch.setattr(web, "serve", lambda settings, host, port: calls.append((settings.database_url, host, port)))
    res = runner.invoke(app, ["review", "--db", db, "--port", "8123"])
    assert res.exit_code == 0, res.output
    assert calls == [(db, "127.0.0.1", 8123)]


def test_publish_command(app, db, tmp_path):
    q = ReviewQueue(db)
    q.decide(q.list(source=SOURCE)[0].id, "ann", "accept")
    out = tmp_path / "curated"
    res = runner.invoke(app, ["publish", "--db", db, "--curated-dir", str(out)])
    assert res.exit_code == 0, res.output
    assert "published 1 records" in res.output and "2 still pending" in res.output
    assert len((out / "records.jsonl").read_text().splitlines()) == 1


def test_curator_add_prompts_twice_hidden(app, db):
    res = runner.invoke(app, ["curator", "add", "ann", "--db", db], input="pa55word\npa55word\n")
    assert res.exit_code == 0, res.output
    assert "curator ann added" in res.output and "pa55word" not in res.output
    assert ReviewQueue(db).verify_curator("ann", "pa55word")
    again = runner.invoke(app, ["curator", "add", "ann", "--db", db], input="x\nx\n")
    assert again.exit_code == 1 and "already exists" in again.output
    mismatch = runner.invoke(app, ["curator", "add", "bob", "--db", db], input="one\ntwo\none\none\n")
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output.lower()


def test_registered_on_the_main_app():
    from trial_curate.cli import app as main_app

    names = {c.name for c in main_app.registered_commands} | {g.name for g in main_app.registered_groups}
    assert {"queue", "review", "publish", "curator"} <= names
