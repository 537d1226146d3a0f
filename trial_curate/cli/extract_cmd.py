"""`curate extract`: clean + extract pages and print draft records.  No side effects."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import typer

from trial_curate.cli.common import err
from trial_curate.models import values_text


def _expand(locations: list[str]) -> list[str]:
    """Folders become their page files (as `curate ingest` reads them); the rest pass through as typed."""
    from trial_curate.sources import folder_pages

    out = []
    for loc in locations:
        p = Path(loc)
        out += [str(f) for f in folder_pages(p)] if "://" not in loc and p.is_dir() else [loc]
    return out


def _format_record(r) -> str:
    where = f"[{r.trial}] " if r.trial else ""
    what = {"result": f"{r.endpoint} {r.measure}", "sample_size": "sample size", "follow_up": "median follow-up", "trial": "trial"}[r.kind]
    if r.timepoint:
        what += f" at {r.timepoint.value:g} {r.timepoint.unit}"
    return f"{where}{what}: {values_text(r)}"


def extract_command(
    locations: List[str] = typer.Argument(..., metavar="PATH_OR_URL...", help="Local .html/.htm/.txt files, folders of them, or URLs."),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON draft record per line on stdout (the evaluation contract)."),
    explain: bool = typer.Option(False, "--explain", help="Show, per sentence, what each rule matched."),
) -> None:
    """Print the draft records the rules find in pages, without storing anything.

    Nothing is written (no raw snapshot, no queue entry) and no Prefect server is started.
    A page that cannot be read or cleaned is reported on stderr; the others go on.
    """
    from extractors import extract as ex
    from extractors.clean import CleanError, clean
    from trial_curate.fetch import FetchFailed, Fetcher

    docs, failed = [], 0
    sources = _expand(locations)
    with Fetcher() as fetcher:
        for i, loc in enumerate(sources, 1):
            if len(sources) > 20 and sys.stderr.isatty():
                err(f"\rreading {i}/{len(sources)}")
            try:
                page = fetcher.fetch(loc)
                docs.append(clean(page.body, source=loc, content_type=page.content_type))
            except (FetchFailed, CleanError) as e:
                failed += 1
                err(f"error: {loc}: {getattr(e, 'message', None) or e}")

    if explain:
        for doc in docs:
            typer.echo(f"== {doc.source}")
            for tr in ex.explain(doc):
                typer.echo(f"-- [{tr.start}:{tr.end}] {tr.text}")
                for rule, text in tr.matches:
                    typer.echo(f"     {rule:32s} {text}")
    else:
        for doc, records in zip(docs, ex.extract_many(docs)):
            if not jsonl:
                typer.echo(f"== {doc.source}: {len(records)} draft records")
            for r in records:
                if jsonl:
                    typer.echo(r.model_dump_json(exclude_none=True))
                else:
                    typer.echo("  " + _format_record(r))
                    typer.echo(f"             evidence [{r.evidence.start}:{r.evidence.end}] rules: {' '.join(r.rules)}")
    if failed and not docs:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)
