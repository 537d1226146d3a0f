"""`curate ingest --no-prefect`, `curate sources check`, `curate reextract` through the CLI
(plain pipeline with the stand-in clean/extract from conftest; Prefect is not imported)."""

from __future__ import annotations


import pytest
from conftest import article
from typer.testing import CliRunner

from trial_curate import pipeline
from trial_curate.cli import app


@pytest.fixture
def workspace(tmp_path, monkeypatch, stand_ins):
    monkeypatch.chdir(tmp_path)
    for var in ("CURATE_DATABASE_URL", "CURATE_RAW_DIR", "CURATE_CURATED_DIR"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_sources_check(workspace):
    (workspace / "good.toml").write_text('[[source]]\nlocation = "https://e.org/a"\nschedule = "0 6 * * *"\n')
    result = invoke("sources", "check", "good.toml")
    assert result.exit_code == 0 and "OK, 1 source (1 with a schedule)" in result.output
    (workspace / "bad.toml").write_text('[[source]]\nlocation = "https://e.org/a"\nkind = "page"\n')
    result = invoke("sources", "check", "bad.toml")
    assert result.exit_code == 1 and "kind 'page' is not one of" in result.output


def test_ingest_then_reingest_then_reextract(workspace, site, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1 results"))
    site.page("/b.html", "gone", status=404)
    folder = workspace / "pages"
    folder.mkdir()
    (folder / "c.txt").write_text("GAMMA-3 plain text")
    (workspace / "sources.toml").write_text(
        f'[[source]]\nlocation = "{site.url("/a.html")}"\n[[source]]\nlocation = "{site.url("/b.html")}"\n'
        '[[source]]\nlocation = "pages"\n')

    result = invoke("ingest", "--no-prefect", "--min-interval", "0")  # ./sources.toml by default
    assert result.exit_code == 0, result.output
    assert "Ingested 3 pages" in result.output and "2 new" in result.output and "1 failed" in result.output
    assert "HTTP 404" in result.output and "curate review" in result.output
    assert (workspace / "curate.sqlite").exists() and (workspace / "raw" / "sources").is_dir()

    again = invoke("ingest", "--no-prefect", "--min-interval", "0", "--quiet")
    assert again.exit_code == 0 and "2 unchanged" in again.output

    monkeypatch.setattr(pipeline, "rules_version", lambda: "rules-2")
    redo = invoke("reextract", "--quiet")
    assert redo.exit_code == 0 and "2 changed" in redo.output


def test_nothing_processed_exits_non_zero(workspace, site):
    result = invoke("ingest", "--no-prefect", "--min-interval", "0", site.url("/missing.html"))
    assert result.exit_code == 1 and "1 failed" in result.output


def test_bad_arguments_are_clear(workspace):
    result = invoke("ingest", "--no-prefect", "nowhere.html")
    assert result.exit_code == 2 and "no such file or folder" in result.output
    result = invoke("ingest", "--no-prefect")
    assert result.exit_code == 2 and "no ./sources.toml" in result.output
