"""Where things live.  Embedded defaults: local folders and SQLite in the working directory.

Override with environment variables (or the CLI's --db / --raw-dir / --curated-dir options):
  CURATE_DATABASE_URL  review-queue database (default sqlite:///./curate.sqlite)
  CURATE_RAW_DIR       immutable raw snapshots (default ./raw)
  CURATE_CURATED_DIR   published dataset (default ./curated)
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel


class Settings(BaseModel):
    database_url: str
    raw_dir: Path
    curated_dir: Path

    @classmethod
    def from_env(cls, base: Path | None = None, **overrides) -> "Settings":
        base = Path(base or os.getcwd())
        values = {
            "database_url": os.environ.get("CURATE_DATABASE_URL", f"sqlite:///{base / 'curate.sqlite'}"),
            "raw_dir": Path(os.environ.get("CURATE_RAW_DIR", base / "raw")),
            "curated_dir": Path(os.environ.get("CURATE_CURATED_DIR", base / "curated")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
