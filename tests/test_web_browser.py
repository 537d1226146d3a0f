"""The review app in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium).

The app runs with uvicorn in a thread on a free loopback port over a temporary SQLite queue seeded
by `test_web.seed`.  A screenshot of the record view is saved to test-output/record-view.png.
Skipped when Chromium is missing (`make browser` installs it).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from test_web import EVIL_SHA, PASSWORD, XSS_TEXT, XSS_TRIAL, seed
from trial_curate.models import ReviewState
from trial_curate.queue import ReviewQueue

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (install it with `make browser`)"),
]


class AppServer:
    """The review app served by uvicorn in a background thread on 127.0.0.1:<free port>."""

    def __init__(self, app):
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.base = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the review app did not start")
            time.sleep(0.02)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path):
    from trial_curate.web import create_app

    url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    ids = seed(url)
    server = AppServer(create_app(url, secret="browser-test-secret"))
    queue = ReviewQueue(url)
    try:
        yield server.base, queue, ids
    finally:
        queue.close()
        server.close()


@pytest.fixture
def context(browser, site):
    base = site[0]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base)
    external = []

    def guard(route):  # everything must come from the app itself
        if not route.request.url.startswith(base):
            external.append(route.request.url)
            return route.abort()
        return route.continue_()

    ctx.route("**/*", guard)
    yield ctx
    ctx.close()
    assert external == [], f"requests outside the app: {external}"


def signed_in(context):
    page = context.new_page()
    page.goto("/")
    assert "/signin" in page.url
    page.get_by_label("Name").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def key(page, k: str, expect_url: str | None = None) -> None:
    """Press a single review key on the page (not in a field) and wait for the next page."""
    if expect_url is None:
        page.keyboard.press(k)
    else:
        with page.expect_navigation(url=expect_url):
            page.keyboard.press(k)


def test_sign_in_and_review_with_keys(context, site):
    _, queue, ids = site
    page = signed_in(context)
    assert page.get_by_text("pending left").is_visible()
    key(page, "n", f"**/records/{ids['pfs']}")
    evidence = page.locator("#evidence")
    assert evidence.locator("mark.evidence").first.is_visible()
    assert evidence.locator("mark.arm-0").inner_text().startswith("53.3 months")
    assert evidence.locator("mark.arm-1").inner_text().startswith("23.5 months")
    assert page.get_by_label("Trial", exact=True).input_value() == "CALGB 100104"
    assert page.locator("footer.keys").get_by_text("accept").is_visible()
    OUTPUT.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1000})  # the whole record view, keys bar included
    page.screenshot(path=str(OUTPUT / "record-view.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    key(page, "a", f"**/records/{ids['n']}")  # accept: on to the next pending record
    assert "Accepted" in page.locator(".flashes").inner_text()
    assert queue.get(ids["pfs"]).state == ReviewState.accepted
    key(page, "k", f"**/records/{ids['pfs']}")  # previous
    assert page.locator(".record-head .badge").inner_text() == "accepted"
    key(page, "j", f"**/records/{ids['n']}")  # next pending (after this one)
    key(page, "s", f"**/records/{ids['other']}")  # skip
    assert queue.get(ids["n"]).state == ReviewState.pending
    key(page, "p", f"**/records/{ids['n']}")


def test_undo_with_the_key(context, site):
    _, queue, ids = site
    page = signed_in(context)
    page.goto(f"/records/{ids['pfs']}")
    key(page, "a", f"**/records/{ids['n']}")
    key(page, "u", f"**/records/{ids['pfs']}")  # undoes the last decision, wherever it was
    assert "Undone" in page.locator(".flashes").inner_text()
    assert queue.get(ids["pfs"]).state == ReviewState.pending
    assert [d.action for d in queue.history(ids["pfs"])] == ["accept", "undo"]
    assert page.locator("#history").get_by_text("undo").first.is_visible()


def test_edit_with_a_validation_error_then_a_fix(context, site):
    _, queue, ids = site
    page = signed_in(context)
    page.goto(f"/records/{ids['pfs']}")
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "f-trial"
    value = page.get_by_label("Arm 2 value")
    value.fill("twenty")
    with page.expect_navigation():
        value.press("Enter")
    error = page.locator("#err-arms-1-value")
    assert error.is_visible() and "type a number" in error.inner_text()
    assert "fix the fields" in page.locator("#decision-error").inner_text()
    assert page.evaluate("document.activeElement.name") == "arms-1-value"  # the field at fault has focus
    assert queue.history(ids["pfs"]) == []
    value = page.get_by_label("Arm 2 value")
    value.fill("23.4")
    with page.expect_navigation(url=f"**/records/{ids['n']}"):
        value.press("Enter")
    assert "Saved your edit" in page.locator(".flashes").inner_text()
    got = queue.get(ids["pfs"])
    assert got.state == ReviewState.edited and got.record.arms[1].value == 23.4


def test_reject_with_a_reason(context, site):
    _, queue, ids = site
    page = signed_in(context)
    page.goto(f"/records/{ids['n']}")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("wrong trial")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Rejected" in page.locator(".flashes").inner_text()
    assert queue.get(ids["n"]).state == ReviewState.rejected
    assert queue.history(ids["n"])[0].reason == "wrong trial"


def test_a_conflict_is_shown_and_settled(context, site):
    _, queue, ids = site
    page = signed_in(context)
    page.goto(f"/records/{ids['pfs']}")
    conflicts = page.locator("#conflicts")
    assert conflicts.get_by_text("1 with different values").is_visible()
    assert "placebo: 27 months" in conflicts.locator(".differs").inner_text()
    with page.expect_navigation():
        conflicts.get_by_role("button", name="This one").click()
    assert "Conflict settled" in page.locator(".flashes").inner_text()
    assert queue.get(ids["pfs"]).state == ReviewState.accepted
    assert queue.history(ids["other"])[-1].reason == f"superseded by {ids['pfs']}"


def test_an_xss_payload_is_rendered_inert(context, site):
    _, _, ids = site
    page = signed_in(context)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/", f"/records/{ids['evil']}", f"/documents/{EVIL_SHA}"):
        page.goto(path)
        assert page.evaluate("window.__xss") is None, path
    page.goto(f"/records/{ids['evil']}")
    assert XSS_TEXT in page.locator("#evidence").inner_text()  # shown as text
    assert XSS_TRIAL in page.locator("h1").inner_text()
    assert page.get_by_label("Trial", exact=True).input_value() == XSS_TRIAL
    assert page.locator("#evidence script, #evidence img, h1 img").count() == 0
    assert dialogs == []


def test_a_stale_form_is_refused(context, site):
    _, queue, ids = site
    first = signed_in(context)
    first.goto(f"/records/{ids['pfs']}")
    second = context.new_page()  # the same curator in another tab
    second.goto(f"/records/{ids['pfs']}")
    second.keyboard.press("r")
    second.keyboard.type("duplicate of another record")
    with second.expect_navigation():
        second.keyboard.press("Enter")
    key(first, "a", f"**/records/{ids['pfs']}/decide")
    banner = first.locator("#decision-error")
    assert banner.is_visible() and "changed since you loaded it" in banner.inner_text()
    assert queue.get(ids["pfs"]).state == ReviewState.rejected
    assert [d.action for d in queue.history(ids["pfs"])] == ["reject"]
