"""Options and helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from trial_curate.settings import Settings

DbOption = typer.Option(None, "--db", help="Review-queue database URL (default: CURATE_DATABASE_URL or sqlite:///./curate.sqlite).")
RawDirOption = typer.Option(None, "--raw-dir", help="Folder of raw snapshots (default: CURATE_RAW_DIR or ./raw).")
CuratedDirOption = typer.Option(None, "--curated-dir", help="Folder of the published dataset (default: CURATE_CURATED_DIR or ./curated).")


def settings(db: Optional[str] = None, raw_dir: Optional[Path] = None, curated_dir: Optional[Path] = None) -> Settings:
    return Settings.from_env(database_url=db, raw_dir=raw_dir, curated_dir=curated_dir)


def err(message: str) -> None:
    """A message for the user on stderr (stdout stays machine-readable)."""
    typer.echo(message, err=True)
