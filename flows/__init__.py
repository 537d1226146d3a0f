"""Prefect flows: thin orchestration over the plain pipeline functions.

Importing this package sets Prefect's environment defaults *before* Prefect is imported:
no telemetry, and Prefect's state under ./.prefect of the working directory unless
PREFECT_HOME is already set.  Only flow code imports Prefect (it costs ~2 s).
`local_server()` starts a real local Prefect server for scheduled runs (`curate serve`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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


@contextmanager
def local_server(log_path: Path | None = None, startup_timeout: float = 180.0) -> Iterator[str]:
    """A real local Prefect server (`prefect server start`) for as long as the block runs.

    Prefect's on-demand temporary server runs flows but not the scheduler service, so scheduled
    deployments (`curate serve`) need this one.  Does nothing when PREFECT_API_URL is set (a
    server is already configured).  Yields the API URL; must be entered before Prefect is imported.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    log_path = log_path or Path(os.environ["PREFECT_HOME"]) / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the Prefect server exited (code {proc.returncode}); see {log_path}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server did not start within {startup_timeout:g} s; see {log_path}")
            time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        os.environ.pop("PREFECT_API_URL", None) if os.environ.get("PREFECT_API_URL") == url else None
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
