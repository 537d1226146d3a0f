"""CLI commands of the ingest stage: ingest, sources check, reextract, serve.

Prefect is imported only inside the commands that run flows (it costs ~2 s at import).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from trial_curate.cli.common import DbOption, RawDirOption, err, settings

DEFAULT_SOURCES = "sources.toml"

WorkersOption = typer.Option(4, "--workers", min=1, help="Pages processed at once (Prefect task-runner threads).")
IntervalOption = typer.Option(
    None, "--min-interval", min=0.0,
    help="Seconds between two requests to the same host (default 1; robots.txt Crawl-delay wins if larger).",
)


def _sources(args: list[str]):
    """Sources from the arguments (or ./sources.toml); exits with the problems when unreadable."""
    from trial_curate.sources import SourcesError, sources_from_args

    if not args:
        if not Path(DEFAULT_SOURCES).exists():
            err(f"error: give sources (a sources TOML, URLs, files or folders); no ./{DEFAULT_SOURCES} here")
            raise typer.Exit(2)
        args = [DEFAULT_SOURCES]
    try:
        return sources_from_args(args)
    except SourcesError as e:
        for problem in e.problems:
            err(f"error: {problem}")
        raise typer.Exit(2)


def _progress(quiet: bool):
    if quiet:
        return None
    count = 0

    def show(outcome) -> None:
        nonlocal count
        count += 1
        reason = f" [{outcome.error.stage}] {outcome.error.message}" if outcome.error else ""
        err(f"{count:>5}  {outcome.status:<9} {outcome.source}{reason}")

    return show


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_cmd(
        sources: Optional[List[str]] = typer.Argument(
            None, help="A sources TOML file, URLs, local .html/.htm/.txt files or folders (default: ./sources.toml)."),
        db: Optional[str] = DbOption,
        raw_dir: Optional[Path] = RawDirOption,
        no_prefect: bool = typer.Option(False, "--no-prefect", help="Run the plain pipeline without Prefect."),
        workers: int = WorkersOption,
        batch_size: int = typer.Option(25, "--batch-size", min=1, help="Pages per Prefect task."),
        min_interval: Optional[float] = IntervalOption,
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's own log lines."),
    ) -> None:
        """Fetch, snapshot, clean, extract and queue drafts for review; prints a run summary."""
        wanted = _sources(list(sources or []))
        conf = settings(db=db, raw_dir=raw_dir)
        if no_prefect:
            from trial_curate import pipeline
            from trial_curate.fetch import FetchPolicy

            policy = FetchPolicy() if min_interval is None else FetchPolicy(min_interval=min_interval)
            summary = pipeline.run(wanted, conf, policy=policy, workers=workers, batch_size=batch_size,
                                   progress=_progress(quiet))
        else:
            if not verbose:
                os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
            from flows.ingest import run_ingest

            summary = run_ingest(sources=wanted, settings=conf, batch_size=batch_size, max_workers=workers,
                                 min_interval=min_interval, quiet=quiet)
        typer.echo(summary.render())
        raise typer.Exit(summary.exit_code)

    sources_app = typer.Typer(help="Sources files: check them before ingesting or serving.", no_args_is_help=True)
    app.add_typer(sources_app, name="sources")

    @sources_app.command("check")
    def sources_check(file: Path = typer.Argument(..., help="A sources TOML file.")) -> None:
        """List every problem in a sources file (exit 1 if there is any)."""
        from trial_curate.sources import check_sources, load_sources

        problems = check_sources(file)
        for problem in problems:
            typer.echo(problem)
        if problems:
            raise typer.Exit(1)
        found = load_sources(file)
        scheduled = sum(1 for s in found if s.schedule)
        typer.echo(f"{file}: OK, {len(found)} source{'s' * (len(found) != 1)} ({scheduled} with a schedule)")

    @app.command("reextract")
    def reextract_cmd(
        db: Optional[str] = DbOption,
        raw_dir: Optional[Path] = RawDirOption,
        force: bool = typer.Option(False, "--force", help="Redo every source, even those already done with these rules."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
    ) -> None:
        """Re-run clean + extract over the stored snapshots (no fetching), e.g. after a rules change."""
        from trial_curate import pipeline

        summary = pipeline.reextract(settings(db=db, raw_dir=raw_dir), force=force, progress=_progress(quiet))
        typer.echo(summary.render())
        raise typer.Exit(summary.exit_code if summary.outcomes else 0)

    @app.command("serve")
    def serve_cmd(
        sources: Optional[List[str]] = typer.Argument(None, help="Sources TOML file(s) with schedules (default: ./sources.toml)."),
        db: Optional[str] = DbOption,
        raw_dir: Optional[Path] = RawDirOption,
        min_interval: Optional[float] = IntervalOption,
    ) -> None:
        """Run the ingest flow on each source's cron schedule (Prefect serve; Ctrl-C stops)."""
        wanted = _sources(list(sources or []))
        if not any(s.schedule for s in wanted):
            err('error: no source has a schedule; add schedule = "0 6 * * *" (cron) to the sources to serve')
            raise typer.Exit(2)
        from flows import local_server

        err("Starting a local Prefect server (the scheduler needs one; PREFECT_API_URL skips this) ...")
        with local_server() as url:
            err(f"Prefect API at {url}")
            from flows.serve import serve_sources

            serve_sources(wanted, settings(db=db, raw_dir=raw_dir), min_interval=min_interval)
