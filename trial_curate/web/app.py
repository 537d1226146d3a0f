"""The review app's routes (Starlette + Jinja2), over one `ReviewQueue`.

Pages
    GET  /signin, POST /signin, POST /signout       sign-in with a curator account (`curate curator add`)
    GET  /                                         the queue: filters, counts, progress, list (pending first)
    POST /next                                     open the next pending record (and hold it)
    GET  /records/{id}                             record view: evidence in context, form, conflicts, history
    POST /records/{id}/decide                      accept / reject (with reason) / skip
    POST /records/{id}/edit                        edit then accept (validated; errors shown beside fields)
    POST /records/{id}/resolve                     a conflict: this record stands and the other is rejected, or the reverse
    POST /undo                                     undo the last decision (the record's, or the curator's last one)
    GET  /documents/{sha256}                       the whole clean page, evidence marked
    GET  /static/...                               CSS and the key-handling script (served locally)

Every page but sign-in (and static files) needs a signed-in curator; every form carries a CSRF
token; a form posted with a stale `expected_revision` is refused with a message, never applied.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from trial_curate.models import ReviewState
from trial_curate.queue import (
    InvalidDecision,
    QueuedRecord,
    QueueError,
    RecordHeld,
    RecordNotFound,
    ReviewQueue,
    StaleRecord,
)
from trial_curate.web import forms, present
from trial_curate.web.security import (
    CsrfFailed,
    SignInRequired,
    check_csrf,
    csrf_token,
    current_curator,
    load_secret,
    safe_next,
    sign_in,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
FILTERS = ("status", "trial", "endpoint", "source", "rule")
PAGE_SIZE = 50
TRAIL = 30  # records remembered for "previous" and for undo
REJECT_REASONS = (
    "not a trial result",
    "wrong trial",
    "wrong endpoint",
    "wrong arm or value",
    "duplicate of another record",
    "background or other study, not this trial",
)
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """ASGI middleware adding the security headers (CSP without inline scripts or styles) to every answer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in names]
                if scope["path"].startswith("/static/"):
                    extra = [(k, v) for k, v in extra if k != b"cache-control"]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _when(dt: datetime | None) -> str:
    """A timestamp in the server's local time, e.g. '2025-01-31 14:05 CET'."""
    return dt.astimezone().strftime("%Y-%m-%d %H:%M %Z") if dt else ""


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped; no template marks anything safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["num"] = lambda v: "" if v is None else f"{v:g}"
    env.globals.update(
        ENDPOINTS=forms.ENDPOINTS, UNITS=forms.UNITS, BOUNDS=forms.BOUNDS, TIMEPOINT_UNITS=forms.TIMEPOINT_UNITS,
        EFFECT_KINDS=forms.EFFECT_KINDS, P_BOUNDS=forms.P_BOUNDS, STATES=[s.value for s in ReviewState],
        REJECT_REASONS=REJECT_REASONS, values_text=present.values_text, arm_text=present.arm_text,
    )
    return Jinja2Templates(env=env)


def _web_link(url: str | None) -> str | None:
    """The source as a link target only when it is a plain web address (never javascript: etc.)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _local_midnight() -> datetime:
    return datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


def create_app(database_url: str, secret: str | None = None, *, hold_seconds: int = 600) -> Starlette:
    """The review app over the queue at `database_url` (see the module docstring for the routes)."""
    queue = ReviewQueue(database_url)
    templates = _templates()

    # -- helpers ---------------------------------------------------------------

    def flash(request: Request, text: str, kind: str = "info") -> None:
        request.session.setdefault("flash", [])
        request.session["flash"] = [*request.session["flash"], [kind, text]][-5:]

    def render(request: Request, name: str, context: dict, status: int = 200) -> Response:
        session = request.scope.get("session")
        base = {
            "curator": session.get("curator") if session is not None else None,
            "csrf": csrf_token(request) if session is not None else "",
            "flashes": session.pop("flash", []) if session is not None else [],
            "path": request.url.path,
        }
        return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)

    def redirect(url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    def filters(request: Request) -> dict[str, str]:
        """The queue filters the curator chose last (they steer 'next' too)."""
        return {k: v for k, v in (request.session.get("filters") or {}).items() if v and k in FILTERS}

    def next_pending(request: Request, curator: str, after: str | None) -> tuple[QueuedRecord | None, bool]:
        """The next pending record after `after` under the current filters, held for the curator;
        wraps round to the start of the queue.  (record, wrapped)"""
        f = {k: v for k, v in filters(request).items() if k != "status"}
        try:
            rec = queue.next_pending(curator, after_id=after, claim_seconds=hold_seconds, **f)
        except RecordNotFound:
            rec, after = None, after
        if rec is None and after is not None:
            return queue.next_pending(curator, claim_seconds=hold_seconds, **f), True
        return rec, False

    def go_next(request: Request, curator: str, after: str | None) -> RedirectResponse:
        rec, wrapped = next_pending(request, curator, after)
        if rec is None:
            flash(request, "No pending records left" + (" under these filters." if filters(request) else "."), "done")
            return redirect("/")
        if wrapped and rec.id == after:
            flash(request, "This is the only pending record left.")
        elif wrapped:
            flash(request, "Back to the first pending record (those you skipped).")
        return redirect(f"/records/{rec.id}")

    def remember(request: Request, key: str, item) -> None:
        items = [i for i in request.session.get(key, []) if i != item]
        request.session[key] = (items + [item])[-TRAIL:]

    def undo_target(request: Request, rec: QueuedRecord) -> tuple[str, int | None, str] | None:
        """What 'u' undoes on this page: this record's last decision when it has one standing,
        else the curator's own last decision in this session.  (record id, revision, label)"""
        if rec.latest and rec.state in (ReviewState.accepted, ReviewState.edited, ReviewState.rejected):
            return rec.id, rec.revision, f"undo the {rec.state.value} decision on this record"
        stack = request.session.get("decided", [])
        if stack:
            record_id, revision, action = stack[-1]
            return record_id, revision, f"undo your last decision ({action} on {record_id})"
        return None

    def record_page(request: Request, rec: QueuedRecord, *, form: forms.RecordForm | None = None,
                    error: str | None = None, errors: dict | None = None, status: int = 200,
                    reason: str = "") -> Response:
        curator = current_curator(request)
        doc = queue.document(rec.snapshot_sha256) if rec.snapshot_sha256 else None
        trail = request.session.get("trail", [])
        previous = trail[trail.index(rec.id) - 1] if rec.id in trail and trail.index(rec.id) > 0 else None
        newest = None
        if not rec.latest:
            newest = next((v for v in queue.versions(rec.id) if v.latest), None)
        history = [(d, present.changes(d)) for d in queue.history(rec.id)]
        return render(request, "record.html", {
            "rec": rec,
            "record": rec.record,
            "evidence": present.evidence_passage(doc, rec.record),
            "doc": doc,
            "source_link": _web_link(rec.source),
            "form": form or forms.record_form(rec.record),
            "error": error,
            "errors": errors or {},
            "reason": reason,
            "conflicts": present.conflict_rows(rec.record, queue.conflicts(rec.id)),
            "history": history,
            "versions": queue.versions(rec.id),
            "newest": newest,
            "holder": rec.holder() if rec.held_by_other(curator) else None,
            "previous": previous,
            "undo": undo_target(request, rec),
            "filters": filters(request),
        }, status)

    async def posted(request: Request, signed_in: bool = True):
        """The posted form, after checking the curator is signed in and the CSRF token matches."""
        if signed_in:
            current_curator(request)
        form = await request.form()
        check_csrf(request, form)
        return form

    def revision_of(form) -> int | None:
        value = str(form.get("expected_revision") or "")
        return int(value) if value.isdigit() else None

    def refused(request: Request, record_id: str, exc: QueueError, **kwargs) -> Response:
        """The record page, freshly loaded, with the reason a decision was not recorded."""
        status = 409 if isinstance(exc, (StaleRecord, RecordHeld)) else 422
        prefix = "Not saved: " if isinstance(exc, StaleRecord) else "Not recorded: "
        return record_page(request, queue.get(record_id), error=prefix + str(exc), status=status, **kwargs)

    def decided(request: Request, rec: QueuedRecord, action: str, revision: int | None, text: str) -> Response:
        if revision is not None:
            remember(request, "decided", [rec.id, revision + 1, action])
        flash(request, f"{text} — press u to undo.", "ok")
        return go_next(request, current_curator(request), rec.id)

    # -- sign-in ------------------------------------------------------------------

    async def signin_page(request: Request) -> Response:
        if request.session.get("curator"):
            return redirect(safe_next(request.query_params.get("next")))
        return render(request, "signin.html", {"next": safe_next(request.query_params.get("next")), "name": "", "error": None})

    async def signin(request: Request) -> Response:
        form = await posted(request, signed_in=False)
        name, password = str(form.get("name") or "").strip(), str(form.get("password") or "")
        target = safe_next(str(form.get("next") or ""))
        if not name or not password or not queue.verify_curator(name, password):
            return render(request, "signin.html", {"next": target, "name": name,
                                                   "error": "Unknown name or wrong password."}, 401)
        sign_in(request, name)
        return redirect(target)

    async def signout(request: Request) -> Response:
        await posted(request, signed_in=False)
        request.session.clear()
        return redirect("/signin")

    # -- queue ------------------------------------------------------------------

    async def queue_page(request: Request) -> Response:
        curator = current_curator(request)
        chosen = {k: request.query_params.get(k, "").strip() for k in FILTERS}
        chosen = {k: v for k, v in chosen.items() if v}
        request.session["filters"] = chosen
        offset = request.query_params.get("offset", "0")
        offset = int(offset) if offset.isdigit() else 0
        f = {k: v for k, v in chosen.items() if k != "status"}
        error = None
        try:
            rows = queue.list(status=chosen.get("status"), **f, limit=PAGE_SIZE, offset=offset)
            counts = queue.counts(status=chosen.get("status"), **f)
        except ValueError as exc:
            rows, counts, error = [], queue.counts(**f), str(exc)
        left = queue.counts(status="pending", **f).total
        since = _local_midnight()
        page_query = urlencode(chosen)
        return render(request, "queue.html", {
            "rows": rows, "counts": counts, "chosen": chosen, "facets": queue.facets(), "error": error,
            "left": left, "today_mine": queue.reviewed_count(since, curator), "today_all": queue.reviewed_count(since),
            "offset": offset, "page_size": PAGE_SIZE, "page_query": page_query,
            "all_counts": queue.counts(**f),
        })

    async def open_next(request: Request) -> Response:
        form = await posted(request)
        curator = current_curator(request)
        after = str(form.get("after") or "") or None
        if after and form.get("release"):
            try:
                queue.release(after, curator)
            except RecordNotFound:
                pass
        return go_next(request, curator, after)

    # -- a record ---------------------------------------------------------------

    async def record_view(request: Request) -> Response:
        curator = current_curator(request)
        rec = queue.get(request.path_params["record_id"])
        if rec.latest and rec.state == ReviewState.pending and not rec.held_by_other(curator):
            queue.claim(rec.id, curator, hold_seconds)
            rec = queue.get(rec.id)
        if rec.id not in request.session.get("trail", []):
            remember(request, "trail", rec.id)
        return record_page(request, rec)

    async def decide(request: Request) -> Response:
        form = await posted(request)
        curator = current_curator(request)
        rec = queue.get(request.path_params["record_id"])
        action, revision = str(form.get("action") or ""), revision_of(form)
        if action == "skip":
            queue.release(rec.id, curator)
            return go_next(request, curator, rec.id)
        reason = str(form.get("reason") or "").strip()
        if action == "reject" and not reason:
            return record_page(request, rec, errors={"reason": "Say why the record is rejected."}, status=422)
        if action not in ("accept", "reject"):
            return record_page(request, rec, error=f"Unknown action {action!r}.", status=422)
        try:
            queue.decide(rec.id, curator, action, reason=reason or None, expected_revision=revision)
        except (StaleRecord, RecordHeld, InvalidDecision) as exc:
            return refused(request, rec.id, exc, reason=reason)
        text = f"Accepted {rec.id}" if action == "accept" else f"Rejected {rec.id} ({reason})"
        return decided(request, rec, action, revision, text)

    async def edit(request: Request) -> Response:
        form = await posted(request)
        curator = current_curator(request)
        rec = queue.get(request.path_params["record_id"])
        revision = revision_of(form)
        edited, shown = forms.parse_record_form(rec.record, form)
        if edited is None:
            return record_page(request, rec, form=shown, error="Not saved: fix the fields marked below.", status=422)
        action = "accept" if edited == rec.record else "edit"
        try:
            if action == "accept":
                queue.decide(rec.id, curator, "accept", expected_revision=revision)
            else:
                queue.decide(rec.id, curator, "edit", after=edited, expected_revision=revision)
        except (StaleRecord, RecordHeld, InvalidDecision) as exc:
            return refused(request, rec.id, exc)
        text = f"Saved your edit of {rec.id} (edited)" if action == "edit" else f"No changes: accepted {rec.id} as it is"
        return decided(request, rec, action, revision, text)

    async def resolve(request: Request) -> Response:
        """A conflict settled: the record that stands is accepted (if still pending), the other
        rejected with reason 'superseded by <id>'."""
        form = await posted(request)
        curator = current_curator(request)
        this = queue.get(request.path_params["record_id"])
        other = queue.get(str(form.get("other_id") or ""))
        stands, falls = (this, other) if form.get("stands") == "this" else (other, this)
        revisions = {this.id: revision_of(form), other.id: _int(form.get("other_revision"))}
        done = []
        try:
            for rec in (stands, falls):  # refuse up front rather than half-way
                if rec.held_by_other(curator):
                    raise RecordHeld(f"record {rec.id} is held by {rec.holder()}", rec.holder(), rec.lock_until)
                if revisions[rec.id] is not None and revisions[rec.id] != rec.revision:
                    raise StaleRecord(f"record {rec.id} changed since you loaded this page; look again and decide")
            if falls.state != ReviewState.rejected:
                queue.decide(falls.id, curator, "reject", reason=f"superseded by {stands.id}", expected_revision=falls.revision)
                done.append(f"rejected {falls.id} (superseded by {stands.id})")
                remember(request, "decided", [falls.id, falls.revision + 1, "reject"])
            if stands.state in (ReviewState.pending, ReviewState.rejected):
                queue.decide(stands.id, curator, "accept", expected_revision=stands.revision)
                done.append(f"accepted {stands.id}")
                remember(request, "decided", [stands.id, stands.revision + 1, "accept"])
        except (StaleRecord, RecordHeld, InvalidDecision) as exc:
            partly = f" (already done: {'; '.join(done)})" if done else ""
            return record_page(request, queue.get(this.id), error=f"Not recorded: {exc}{partly}", status=409)
        flash(request, ("Conflict settled: " + "; ".join(done) + ".") if done else "Nothing to change.", "ok")
        return redirect(f"/records/{this.id}")

    async def undo(request: Request) -> Response:
        form = await posted(request)
        curator = current_curator(request)
        record_id = str(form.get("record_id") or "")
        rec = queue.get(record_id)
        try:
            decision = queue.undo(record_id, curator, expected_revision=revision_of(form))
        except (StaleRecord, RecordHeld, InvalidDecision) as exc:
            request.session["decided"] = [d for d in request.session.get("decided", []) if d[0] != record_id]
            flash(request, f"Could not undo: {exc}", "error")
            return redirect(f"/records/{rec.id}")
        request.session["decided"] = [d for d in request.session.get("decided", []) if d[0] != record_id]
        flash(request, f"Undone: {decision.reason}. The record is {decision.state_after.value} again.", "ok")
        return redirect(f"/records/{rec.id}")

    async def document_view(request: Request) -> Response:
        current_curator(request)
        doc = queue.document(request.path_params["sha256"])
        if doc is None:
            raise HTTPException(404, "No stored clean page with that hash.")
        rec = None
        if request.query_params.get("record"):
            rec = queue.get(request.query_params["record"])
        return render(request, "document.html", {
            "doc": doc, "rec": rec, "passages": present.document_passages(doc, rec.record if rec else None),
            "source_link": _web_link(doc.canonical_url or doc.source),
        })

    # -- errors -----------------------------------------------------------------

    async def to_signin(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect("/signin" + (f"?{urlencode({'next': target})}" if request.method == "GET" and target != "/" else ""))

    def error_page(request: Request, status: int, title: str, message: str) -> Response:
        try:
            return render(request, "error.html", {"title": title, "message": message}, status)
        except Exception:  # never let the error page itself fail
            log.exception("error page failed")
            return HTMLResponse(f"<!doctype html><title>{status}</title><p>Something went wrong ({status}).</p>",
                                status_code=status, headers=SECURITY_HEADERS)

    async def on_csrf(request: Request, exc: Exception) -> Response:
        return error_page(request, 403, "Form expired",
                          "This form is out of date or did not come from this app. Go back, reload the page and try again.")

    async def on_not_found(request: Request, exc: Exception) -> Response:
        return error_page(request, 404, "Not found", str(exc) if isinstance(exc, RecordNotFound) else "There is nothing at this address.")

    async def on_http(request: Request, exc: HTTPException) -> Response:
        messages = {404: "There is nothing at this address.", 405: "This address does not take that kind of request."}
        detail = exc.detail if exc.status_code == 404 and exc.detail and exc.detail != "Not Found" else None
        return error_page(request, exc.status_code, "Not found" if exc.status_code == 404 else "Request refused",
                          detail or messages.get(exc.status_code, "The request could not be handled."))

    async def on_error(request: Request, exc: Exception) -> Response:
        log.exception("error in %s %s", request.method, request.url.path, exc_info=exc)
        response = error_page(request, 500, "Something went wrong",
                              "The app hit an unexpected error; nothing half-done was saved. Go back and try again.")
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    routes = [
        Route("/signin", signin_page, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/", queue_page, methods=["GET"]),
        Route("/next", open_next, methods=["POST"]),
        Route("/records/{record_id}", record_view, methods=["GET"]),
        Route("/records/{record_id}/decide", decide, methods=["POST"]),
        Route("/records/{record_id}/edit", edit, methods=["POST"]),
        Route("/records/{record_id}/resolve", resolve, methods=["POST"]),
        Route("/undo", undo, methods=["POST"]),
        Route("/documents/{sha256}", document_view, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=load_secret(database_url, secret), session_cookie="curate_session",
                   max_age=12 * 3600, same_site="lax", https_only=False),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        exception_handlers={
            SignInRequired: to_signin,
            CsrfFailed: on_csrf,
            RecordNotFound: on_not_found,
            HTTPException: on_http,
            Exception: on_error,
        },
    )
    app.state.queue = queue
    return app


def _int(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() else None
