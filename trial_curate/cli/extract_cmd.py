"""CLI commands for this stage (stub)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
