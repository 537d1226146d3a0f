"""Prefect flows: thin orchestration over the plain pipeline functions.

Importing this package sets Prefect's environment defaults *before* Prefect is imported:
no telemetry, and Prefect's state under ./.prefect of the working directory unless
PREFECT_HOME is already set.  Only flow code imports Prefect (it costs ~2 s).
"""

from __future__ import annotations

import os
from pathlib import Path


def prefect_env_defaults() -> None:
    """Environment defaults for Prefect in local mode (existing values win)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
    # A local, throwaway API server is started on demand when no PREFECT_API_URL is set.
    os.environ.setdefault("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true")
    # Its first start migrates a fresh SQLite database: ~10 s, more on a busy machine (default 20 s).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


prefect_env_defaults()
