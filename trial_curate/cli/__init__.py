"""`curate`: the one front door.  Each stage's commands live in their own module here.

    curate extract   PATH_OR_URL...   print draft records (no side effects)
    curate ingest    [SOURCES]        fetch, snapshot, clean, extract, queue (Prefect flow)
    curate queue                      list the review queue
    curate review                     review drafts (web app; --terminal for the terminal)
    curate publish                    write reviewed records to curated/
"""

from __future__ import annotations

import typer

from trial_curate.cli import extract_cmd, ingest_cmd, review_cmd

app = typer.Typer(
    name="curate",
    help=(
        "trial-curate: turn web articles about clinical trials into a curated, human-reviewed "
        "dataset of trial results.\n\n"
        "Data flow: sources -> raw snapshot -> clean document -> draft records -> review queue "
        "-> curated dataset.  Typical session: `curate ingest examples/sources.toml`, "
        "`curate review`, `curate publish`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

extract_cmd.register(app)
ingest_cmd.register(app)
review_cmd.register(app)


def main() -> None:  # pragma: no cover - console entry point
    from extractors.lexicon import PatternFileError

    try:
        app()
    except PatternFileError as e:  # a rule file a curator edited: say which and where, no traceback
        typer.echo(f"error: a pattern file does not parse: {e}", err=True)
        raise SystemExit(2) from None
