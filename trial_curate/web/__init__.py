"""The curators' review web app (`curate review`): queue page, record view, decisions, conflicts, history.

    create_app(database_url, secret=None)  the ASGI app (tests drive it with Starlette's TestClient)
    serve(settings, host, port)            run it with uvicorn

Kept free of Prefect (and of anything heavy): starting the app costs only Starlette, Jinja2 and
SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from trial_curate.settings import Settings

__all__ = ["create_app", "serve"]


def create_app(database_url: str, secret: str | None = None, **options) -> "Starlette":
    """The review app over the queue at `database_url`.

    `secret` signs the session cookie; without it: env CURATE_SECRET, else a secret generated once
    and stored beside the SQLite database (see `trial_curate.web.security.load_secret`).
    Options: hold_seconds (how long an opened record is held for its curator, default 600).
    """
    from trial_curate.web.app import create_app as _create_app

    return _create_app(database_url, secret=secret, **options)


def serve(settings: "Settings", host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the review app with uvicorn until interrupted (Ctrl+C)."""
    import uvicorn

    app = create_app(settings.database_url)
    print(f"Review app on http://{host}:{port}/  (sign in with an account from `curate curator add`)")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
