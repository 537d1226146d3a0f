"""CLI commands of the review stage: queue, review, publish, curator add."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from trial_curate.cli.common import CuratedDirOption, DbOption, err, settings

if TYPE_CHECKING:  # the queue (SQLAlchemy) is imported when a command runs, keeping `curate --help` quick
    from trial_curate.queue import QueuedRecord, ReviewQueue

STATUS_HELP = "Only records in this review state: pending, accepted, edited, rejected, superseded."


def _queue(db: Optional[str]) -> "ReviewQueue":
    from trial_curate.queue import ReviewQueue

    return ReviewQueue(settings(db=db).database_url)


def _cut(text: str | None, width: int) -> str:
    text = text or "-"
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(rec: QueuedRecord) -> str:
    from trial_curate.models import values_text

    flags = ",".join(f for f, on in (("gone", rec.gone), (f"held:{rec.holder()}", rec.holder())) if on)
    return (
        f"{_cut(rec.id, 20):<20} {rec.state.value:<10} {rec.version:>2} {_cut(rec.trial, 18):<18} "
        f"{_cut(rec.endpoint or rec.kind, 11):<11} {_cut(values_text(rec.record), 52):<52} "
        f"{_cut(rec.source, 32):<32} {flags}"
    ).rstrip()


def _default_curator() -> str:
    try:
        return os.environ.get("CURATE_CURATOR") or getpass.getuser()
    except Exception:  # pragma: no cover - no login name on this system
        return "curator"


def register(app: typer.Typer) -> None:
    @app.command("queue")
    def queue_cmd(
        status: Optional[str] = typer.Option(None, "--status", help=STATUS_HELP),
        trial: Optional[str] = typer.Option(None, "--trial", help="Only this trial (any case)."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help="Only this endpoint, e.g. PFS."),
        source: Optional[str] = typer.Option(None, "--source", help="Only records from this source."),
        rule: Optional[str] = typer.Option(None, "--rule", help="Only records produced by this rule id."),
        limit: int = typer.Option(100, "--limit", help="Show at most this many records (0: all)."),
        all_versions: bool = typer.Option(False, "--all-versions", help="Also list older versions of changed records."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per record instead of a table."),
        db: Optional[str] = DbOption,
    ) -> None:
        """List the review queue (pending first) and count records per review state."""
        queue = _queue(db)
        filters = dict(trial=trial, endpoint=endpoint, source=source, rule=rule)
        try:
            rows = queue.list(status=status, **filters, limit=limit or None, all_versions=all_versions)
            counts = queue.counts(**filters, status=status, all_versions=all_versions)
        except ValueError as exc:
            err(f"error: {exc}")
            raise typer.Exit(2)
        if as_json:
            for rec in rows:
                typer.echo(json.dumps(rec.as_dict(), ensure_ascii=False))
            return
        typer.echo(f"{'ID':<20} {'STATE':<10} {'V':>2} {'TRIAL':<18} {'ENDPOINT':<11} {'VALUES':<52} {'SOURCE':<32} FLAGS")
        for rec in rows:
            typer.echo(_row(rec))
        if counts.total > len(rows):
            typer.echo(f"... {counts.total - len(rows)} more (use --limit 0 to list all)")
        per_state = ", ".join(f"{n} {state}" for state, n in counts.by_state.items()) or "no records"
        typer.echo(f"\n{counts.total} records: {per_state}" + (f"; {counts.gone} gone from their page" if counts.gone else ""))

    @app.command("review")
    def review_cmd(
        terminal: bool = typer.Option(False, "--terminal", help="Review in this terminal instead of the web app."),
        curator: Optional[str] = typer.Option(None, "--curator", help="Your name (default: CURATE_CURATOR or your login)."),
        source: Optional[str] = typer.Option(None, "--source", help="Terminal: only records from this source."),
        trial: Optional[str] = typer.Option(None, "--trial", help="Terminal: only this trial."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help="Terminal: only this endpoint."),
        host: str = typer.Option("127.0.0.1", "--host", help="Web app: address to listen on."),
        port: int = typer.Option(8000, "--port", help="Web app: port to listen on."),
        db: Optional[str] = DbOption,
    ) -> None:
        """Review draft records: in the web app, or with --terminal right here."""
        config = settings(db=db)
        if terminal:
            from trial_curate.review_terminal import review_terminal

            queue = _queue(db)
            review_terminal(queue, curator or _default_curator(), source=source, trial=trial, endpoint=endpoint)
            return
        from trial_curate import web

        web.serve(config, host, port)

    @app.command("publish")
    def publish_cmd(
        db: Optional[str] = DbOption,
        curated_dir: Optional[Path] = CuratedDirOption,
    ) -> None:
        """Write the accepted and edited records to the curated dataset (records.jsonl, records.csv, schema.json)."""
        from trial_curate.publish import publish

        config = settings(db=db, curated_dir=curated_dir)
        summary = publish(_queue(db), config.curated_dir)
        typer.echo(summary.describe())

    curator_app = typer.Typer(help="Manage curator accounts (for the web review app).", no_args_is_help=True)
    app.add_typer(curator_app, name="curator")

    @curator_app.command("add")
    def curator_add(
        name: str = typer.Argument(..., help="The curator's name (used to sign in)."),
        password: str = typer.Option(
            ..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
            help="Asked for (hidden, twice) when not given.",
        ),
        db: Optional[str] = DbOption,
    ) -> None:
        """Register a curator with a password."""
        from trial_curate.queue import QueueError

        try:
            _queue(db).add_curator(name, password)
        except (QueueError, ValueError) as exc:
            err(f"error: {exc}")
            raise typer.Exit(1)
        typer.echo(f"curator {name.strip()} added")
