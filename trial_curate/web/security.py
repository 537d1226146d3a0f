"""Sessions, sign-in and CSRF for the review app.

- The session is Starlette's signed cookie (itsdangerous), HttpOnly and SameSite=Lax; its secret
  comes from `load_secret`.
- Every form carries the session's CSRF token (`csrf_token`), checked by `check_csrf` on POST.
- Every page but sign-in needs a signed-in curator (`current_curator` raises `SignInRequired`).
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from starlette.requests import Request

SECRET_ENV = "CURATE_SECRET"


class SignInRequired(Exception):
    """The request needs a signed-in curator; the app answers with a redirect to the sign-in page."""


class CsrfFailed(Exception):
    """A form without the session's CSRF token (expired page, or sent from another site)."""


def secret_path(database_url: str) -> Path | None:
    """Where the generated secret is kept: beside a SQLite database file; None for other databases."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db = Path(url.database).expanduser()
        return db.with_name(db.name + ".secret")
    return None


def load_secret(database_url: str, secret: str | None = None) -> str:
    """The session secret: `secret`, else env CURATE_SECRET, else one generated once and stored
    (mode 0600) beside the SQLite database, or in ./.curate-secret for other databases.
    An in-memory database gets a fresh secret per start."""
    if secret:
        return secret
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    url = sa.engine.make_url(database_url)
    path = secret_path(database_url)
    if path is None:
        if url.get_backend_name() == "sqlite":  # in-memory: nothing outlives the process anyway
            return secrets.token_urlsafe(32)
        path = Path.cwd() / ".curate-secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(tmp, path)  # fails if another process stored one meanwhile: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form) -> None:
    """Raise CsrfFailed unless the form's `csrf` field matches the session's token."""
    expected = request.session.get("csrf")
    sent = form.get("csrf")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfFailed


def current_curator(request: Request) -> str:
    """The signed-in curator's name; raises SignInRequired when nobody is signed in."""
    curator = request.session.get("curator")
    if not curator:
        raise SignInRequired
    return curator


def sign_in(request: Request, curator: str) -> None:
    """Start a fresh session for `curator` (a new CSRF token: nothing carried over from before)."""
    request.session.clear()
    request.session["curator"] = curator
    request.session["csrf"] = secrets.token_urlsafe(32)


def safe_next(target: str | None) -> str:
    """A same-site path to go to after signing in (anything else becomes the queue page)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
