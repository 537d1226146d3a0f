"""The review web app over HTTP (Starlette TestClient): every route, sign-in, CSRF, decisions,
validation, stale forms, holds, conflicts, history, escaping and error pages."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest

from test_queue import SENTENCE, SOURCE, result, sample_size
from trial_curate.models import Block, CleanDocument, ReviewState
from trial_curate.queue import ReviewQueue

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from trial_curate.web import create_app

OTHER = "https://example.org/other-news"
EVIL = "https://example.org/evil"
SHA, OTHER_SHA, EVIL_SHA = "a" * 64, "b" * 64, "c" * 64
PASSWORD = "correct horse"
XSS_TRIAL = "<img src=x onerror=\"window.__xss=1\">"
XSS_TEXT = "<script>window.__xss=1</script>"
INTRO = "The CALGB 100104 trial randomised 460 patients after transplant. "


def seed(url: str, bob: bool = False) -> dict[str, str]:
    """A queue with: two records of one page (whose clean page is stored), a conflicting record
    from another source, and a record whose page and fields carry an XSS payload.
    Returns the record ids by name; curator ann (and bob when asked) signs in with PASSWORD."""
    q = ReviewQueue(url)
    heading = "Long-term results"
    text = f"{heading}\n{INTRO}{SENTENCE} Toxicity was manageable.\nSecond paragraph about something else."
    para_start = len(heading) + 1
    para_end = text.index("\nSecond")
    doc = CleanDocument(
        source=SOURCE, snapshot_sha256=SHA, title="CALGB 100104 update", text=text,
        blocks=[Block(kind="heading", start=0, end=len(heading), level=2),
                Block(kind="paragraph", start=para_start, end=para_end),
                Block(kind="paragraph", start=para_end + 1, end=len(text))],
    )
    q.add_document(doc)
    offset = text.index(SENTENCE)
    n_text = "460 patients"
    n_at = text.index(n_text)
    n = sample_size(460).model_copy(update={"evidence": sample_size().evidence.model_copy(
        update={"text": n_text, "start": n_at, "end": n_at + len(n_text)})})
    q.enqueue(SOURCE, [result(offset=offset), n], SHA)

    other_text = "In the update, median PFS was 53.3 months with lenalidomide versus 27.0 months with placebo."
    q.add_document(CleanDocument(source=OTHER, snapshot_sha256=OTHER_SHA, text=other_text))
    conflicting = result((53.3, 27.0), source=OTHER, offset=0)
    q.enqueue(OTHER, [conflicting], OTHER_SHA)

    evil_text = f"Intro {XSS_TEXT} then {SENTENCE}"
    q.add_document(CleanDocument(source=EVIL, snapshot_sha256=EVIL_SHA, text=evil_text))
    evil = result((12.0, 6.0), source=EVIL, trial=XSS_TRIAL, offset=evil_text.index(SENTENCE))
    evil = evil.model_copy(update={"evidence": evil.evidence.model_copy(update={"text": evil_text, "start": 0, "end": len(evil_text)}),
                                   "rules": ["pfs_median", "<b>rule</b>"]})
    q.enqueue(EVIL, [evil], EVIL_SHA)

    q.add_curator("ann", PASSWORD)
    if bob:
        q.add_curator("bob", PASSWORD)
    ids = {
        "pfs": q.list(source=SOURCE, endpoint="PFS")[0].id,
        "n": [r for r in q.list(source=SOURCE) if r.kind == "sample_size"][0].id,
        "other": q.list(source=OTHER)[0].id,
        "evil": q.list(source=EVIL)[0].id,
    }
    q.close()
    return ids


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def revision_of(html: str) -> str:
    return re.search(r'name="expected_revision" value="(\d+)"', html).group(1)


def sign_in(client: TestClient, name: str = "ann", password: str = PASSWORD):
    page = client.get("/signin")
    return client.post("/signin", data={"csrf": csrf_of(page.text), "name": name, "password": password, "next": "/"})


@pytest.fixture
def env(tmp_path):
    url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    ids = seed(url)
    app = create_app(url, secret="test-secret")
    queue = ReviewQueue(url)
    yield app, queue, ids
    queue.close()


@pytest.fixture
def client(env):
    app, _, _ = env
    with TestClient(app, follow_redirects=True) as c:
        assert sign_in(c).status_code == 200
        yield c


def open_record(client, record_id):
    page = client.get(f"/records/{record_id}")
    assert page.status_code == 200, page.text
    return page, csrf_of(page.text), revision_of(page.text)


# --------------------------------------------------------------------------- sign-in and sessions


def test_every_page_but_signin_needs_a_session(env):
    app, queue, ids = env
    with TestClient(app, follow_redirects=False) as c:
        for path in ("/", f"/records/{ids['pfs']}", f"/documents/{SHA}"):
            r = c.get(path)
            assert r.status_code == 303 and r.headers["location"].startswith("/signin"), path
        assert c.get(f"/records/{ids['pfs']}").headers["location"] == f"/signin?next=%2Frecords%2F{ids['pfs']}"
        for path in (f"/records/{ids['pfs']}/decide", f"/records/{ids['pfs']}/edit", f"/records/{ids['pfs']}/resolve", "/undo", "/next"):
            r = c.post(path, data={"action": "accept"})
            assert r.status_code == 303 and r.headers["location"] == "/signin", path
        assert c.get("/signin").status_code == 200
        assert c.get("/static/app.css").status_code == 200
    assert queue.get(ids["pfs"]).state == ReviewState.pending


def test_sign_in_wrong_password_and_safe_next(env):
    app, _, ids = env
    with TestClient(app, follow_redirects=False) as c:
        r = sign_in(c, "ann", "wrong")
        assert r.status_code == 401 and "Unknown name or wrong password" in r.text
        assert sign_in(c, "nobody").status_code == 401
        page = c.get("/signin?next=//evil.example/x")
        assert 'name="next" value="/"' in page.text
        r = c.post("/signin", data={"csrf": csrf_of(page.text), "name": "ann", "password": PASSWORD, "next": "//evil.example/x"})
        assert r.status_code == 303 and r.headers["location"] == "/"
        page = c.get("/")
        assert "Signed in as" in page.text and "ann" in page.text


def test_sign_in_goes_back_to_the_page_asked_for(env):
    app, _, ids = env
    with TestClient(app) as c:
        first = c.get(f"/records/{ids['n']}")
        assert "Sign in" in first.text
        r = c.post("/signin", data={"csrf": csrf_of(first.text), "name": "ann", "password": PASSWORD,
                                    "next": f"/records/{ids['n']}"})
        assert r.url.path == f"/records/{ids['n']}"


def test_session_cookie_is_httponly_lax_and_signed(env):
    app, _, _ = env
    with TestClient(app, follow_redirects=False) as c:
        r = sign_in(c)
        cookie = r.headers["set-cookie"]
        assert "curate_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        value = c.cookies.get("curate_session")
        c.cookies.set("curate_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
        assert c.get("/").status_code == 303  # tampered cookie: signed out


def test_sign_out(client):
    page = client.get("/")
    r = client.post("/signout", data={"csrf": csrf_of(page.text)})
    assert r.url.path == "/signin"
    assert client.get("/").url.path == "/signin"


def test_every_form_needs_the_csrf_token(client, env):
    _, queue, ids = env
    page, csrf, rev = open_record(client, ids["pfs"])
    assert page.text.count('name="csrf"') >= 6  # sign-out, next, accept, skip, reject, edit, resolve
    for data in ({"action": "accept", "expected_revision": rev}, {"action": "accept", "csrf": "forged", "expected_revision": rev}):
        r = client.post(f"/records/{ids['pfs']}/decide", data=data)
        assert r.status_code == 403 and "Form expired" in r.text
    r = client.post("/signout", data={})
    assert r.status_code == 403
    assert queue.get(ids["pfs"]).state == ReviewState.pending and queue.history(ids["pfs"]) == []


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


# --------------------------------------------------------------------------- queue page


def test_queue_page_lists_pending_first_with_counts_and_progress(client, env):
    _, queue, ids = env
    queue.decide(ids["n"], "ann", "accept")
    page = client.get("/")
    assert page.status_code == 200
    order = [page.text.index(f"/records/{ids[k]}") for k in ("pfs", "other", "evil", "n")]
    assert order == sorted(order)  # pending first, then the accepted one
    assert "3</span><span class=\"stat-l\">pending left" in page.text
    assert "1</span><span class=\"stat-l\">reviewed by you today" in page.text
    assert "1 of 4 records decided" in page.text
    assert "3 pending" in page.text and "1 accepted" in page.text
    assert 'data-key="n j"' in page.text  # one key opens the next pending record


def test_queue_filters(client, env):
    _, queue, ids = env
    queue.decide(ids["n"], "ann", "accept")

    def listed(**params):
        page = client.get("/", params=params)
        assert page.status_code == 200
        return {k for k, v in ids.items() if f"/records/{v}\"" in page.text}

    assert listed(status="accepted") == {"n"}
    assert listed(status="pending") == {"pfs", "other", "evil"}
    assert listed(trial="calgb 100104") == {"pfs", "n", "other"}
    assert listed(endpoint="PFS") == {"pfs", "other", "evil"}
    assert listed(source=OTHER) == {"other"}
    assert listed(rule="n_patients") == {"n"}
    assert listed(trial="CALGB 100104", endpoint="PFS", status="pending") == {"pfs", "other"}
    assert listed(trial="nothing like it") == set()
    bad = client.get("/", params={"status": "maybe"})
    assert bad.status_code == 200 and "unknown review state" in bad.text
    # The filters chosen last steer "next".
    client.get("/", params={"source": OTHER})
    r = client.post("/next", data={"csrf": csrf_of(client.get("/", params={"source": OTHER}).text)})
    assert r.url.path == f"/records/{ids['other']}"


def test_next_opens_and_holds_the_next_pending_record(client, env):
    _, queue, ids = env
    page = client.get("/")
    r = client.post("/next", data={"csrf": csrf_of(page.text)})
    assert r.url.path == f"/records/{ids['pfs']}"
    assert queue.get(ids["pfs"]).holder() == "ann"
    # Next from a record releases it and moves on.
    r = client.post("/next", data={"csrf": csrf_of(r.text), "after": ids["pfs"], "release": "1"})
    assert r.url.path == f"/records/{ids['n']}"
    assert queue.get(ids["pfs"]).holder() is None and queue.get(ids["n"]).holder() == "ann"
    assert f'href="/records/{ids["pfs"]}" class="button-link" data-key="p k"' in r.text  # previous


def test_nothing_left_goes_back_to_the_queue(client, env):
    _, queue, ids = env
    for rid in ids.values():
        queue.decide(rid, "bob", "accept")
    r = client.post("/next", data={"csrf": csrf_of(client.get("/").text)})
    assert r.url.path == "/" and "No pending records left" in r.text


# --------------------------------------------------------------------------- record view


def test_record_view_shows_evidence_in_its_paragraph(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["pfs"])
    html = page.text
    assert '<mark class="evidence">Median PFS was </mark>' in html
    assert re.search(r'<mark class="arm arm-0 in-evidence" data-arm="0">53\.3 months<span class="sr-only">', html)
    assert re.search(r'<mark class="arm arm-1 in-evidence" data-arm="1">23\.5 months', html)
    assert INTRO.strip() in html and "Toxicity was manageable." in html  # the paragraph around it
    assert "Second paragraph" not in html  # ... but only that paragraph
    assert "§ Long-term results" in html
    assert f'href="{SOURCE}"' in html and SHA in html
    assert '<code class="rule">pfs_median</code>' in html
    for field in ('name="trial" value="CALGB 100104"', 'name="arms-0-name" value="lenalidomide"',
                  'name="arms-0-value" value="53.3"', 'name="arms-1-value" value="23.5"', 'name="measure" value="median"'):
        assert field in html
    for key in ('data-key="a"', 'data-key="r"', 'data-key="e"', 'data-key="n j"', 'data-key="s"'):
        assert key in html
    assert "<kbd>u</kbd> undo" in html
    assert queue.get(ids["pfs"]).holder() == "ann"  # opening a pending record holds it


def test_record_view_without_stored_page_shows_the_sentence(client, env):
    _, queue, ids = env
    queue.enqueue("https://example.org/nopage", [result(source="https://example.org/nopage", trial="MAIA")], "f" * 64)
    rid = queue.list(source="https://example.org/nopage")[0].id
    page, _, _ = open_record(client, rid)
    assert "not stored" in page.text and "53.3 months" in page.text


def test_unknown_record_is_a_404_page(client):
    r = client.get("/records/nope")
    assert r.status_code == 404 and "no record with id" in r.text and "Traceback" not in r.text
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "nothing at this address" in r.text


def test_document_view(client, env):
    _, _, ids = env
    r = client.get(f"/documents/{SHA}", params={"record": ids["pfs"]})
    assert r.status_code == 200
    assert "Second paragraph about something else." in r.text and 'id="evidence"' in r.text
    assert re.search(r'<mark class="arm arm-0 in-evidence" data-arm="0">53\.3 months', r.text)
    assert client.get("/documents/" + "9" * 64).status_code == 404


# --------------------------------------------------------------------------- decisions


def test_accept_moves_on_and_undo_from_the_next_page(client, env):
    _, queue, ids = env
    page, csrf, rev = open_record(client, ids["pfs"])
    r = client.post(f"/records/{ids['pfs']}/decide", data={"csrf": csrf, "action": "accept", "expected_revision": rev})
    assert r.url.path == f"/records/{ids['n']}"
    assert f"Accepted {ids['pfs']}" in r.text and "press u to undo" in r.text
    assert queue.get(ids["pfs"]).state == ReviewState.accepted
    # The next record is pending, so u undoes the curator's last decision.
    assert f'name="record_id" value="{ids["pfs"]}"' in r.text
    undo = client.post("/undo", data={"csrf": csrf_of(r.text), "record_id": ids["pfs"], "expected_revision": str(int(rev) + 1)})
    assert undo.url.path == f"/records/{ids['pfs']}" and "Undone" in undo.text
    assert queue.get(ids["pfs"]).state == ReviewState.pending
    assert [d.action for d in queue.history(ids["pfs"])] == ["accept", "undo"]


def test_reject_needs_a_reason(client, env):
    _, queue, ids = env
    _, csrf, rev = open_record(client, ids["n"])
    r = client.post(f"/records/{ids['n']}/decide", data={"csrf": csrf, "action": "reject", "reason": "  ", "expected_revision": rev})
    assert r.status_code == 422 and "Say why the record is rejected." in r.text and 'id="err-reason"' in r.text
    assert queue.get(ids["n"]).state == ReviewState.pending
    r = client.post(f"/records/{ids['n']}/decide", data={"csrf": csrf, "action": "reject", "reason": "wrong trial", "expected_revision": rev})
    assert r.status_code == 200
    assert queue.get(ids["n"]).state == ReviewState.rejected
    assert queue.history(ids["n"])[0].reason == "wrong trial"


def test_skip_releases_and_moves_on(client, env):
    _, queue, ids = env
    _, csrf, rev = open_record(client, ids["pfs"])
    r = client.post(f"/records/{ids['pfs']}/decide", data={"csrf": csrf, "action": "skip", "expected_revision": rev})
    assert r.url.path == f"/records/{ids['n']}"
    assert queue.get(ids["pfs"]).holder() is None and queue.get(ids["pfs"]).state == ReviewState.pending


def edit_data(page_html: str, **changes) -> dict:
    """The edit form as the page shows it, with some fields changed."""
    form = page_html[page_html.index('id="edit-form"'):]
    form = form[: form.index("</form>")]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue  # a browser sends only ticked boxes
        found = re.search(r'name="([^"]+)" value="([^"]*)"', tag)
        if found:
            data[found.group(1)] = found.group(2)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        data[name] = chosen.group(1) if chosen else ""
    data.update(changes)
    return {k: v.replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for k, v in data.items()}


def test_edit_with_errors_saves_nothing_then_a_fix_saves(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["pfs"])
    bad = edit_data(page.text, **{"arms-0-value": "fifty", "arms-1-n": "2.5", "endpoint": "XYZ", "effect_ci_low": "0.5"})
    r = client.post(f"/records/{ids['pfs']}/edit", data=bad)
    assert r.status_code == 422
    assert "Not saved: fix the fields marked below." in r.text
    assert re.search(r'id="err-arms-0-value">type a number \(or NR for not reached\)<', r.text)
    assert re.search(r'id="err-arms-1-n">type a whole number<', r.text)
    assert 'id="err-endpoint"' in r.text and 'id="err-effect_ci_low"' in r.text
    assert 'name="arms-0-value" value="fifty"' in r.text  # what the curator typed is kept
    assert queue.history(ids["pfs"]) == [] and queue.get(ids["pfs"]).state == ReviewState.pending

    good = edit_data(page.text, **{"arms-1-value": "23.4", "arms-1-n": "229", "timepoint_value": "3", "timepoint_unit": "years",
                                   "effect_kind": "HR", "effect_value": "0.57", "effect_ci_low": "0.46", "effect_ci_high": "0.71",
                                   "effect_p": "0.001", "effect_p_bound": "less_than"})
    r = client.post(f"/records/{ids['pfs']}/edit", data=good)
    assert r.status_code == 200 and "Saved your edit" in r.text
    got = queue.get(ids["pfs"])
    assert got.state == ReviewState.edited
    assert [a.value for a in got.record.arms] == [53.3, 23.4] and got.record.arms[1].n == 229
    assert got.record.timepoint.months == 36 and got.record.effect.ci == [0.46, 0.71] and got.record.effect.p_bound == "less_than"
    assert got.record.arms[0].evidence == got.draft.arms[0].evidence  # spans kept
    assert got.draft.arms[1].value == 23.5  # the draft is never overwritten


def test_edit_not_reached_remove_and_add_arms(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["pfs"])
    data = edit_data(page.text, **{"arms-0-value": "NR", "arms-1-remove": "1", "arms-2-name": "observation",
                                   "arms-2-value": "20", "arms-2-unit": "months"})
    r = client.post(f"/records/{ids['pfs']}/edit", data=data)
    assert r.status_code == 200, r.text
    arms = queue.get(ids["pfs"]).record.arms
    assert [(a.name, a.value, a.not_reached) for a in arms] == [("lenalidomide", None, True), ("observation", 20.0, False)]


def test_edit_removing_every_arm_is_refused(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["pfs"])
    r = client.post(f"/records/{ids['pfs']}/edit", data=edit_data(page.text, **{"arms-0-remove": "1", "arms-1-remove": "1"}))
    assert r.status_code == 422 and "a result needs at least one arm" in r.text
    assert queue.history(ids["pfs"]) == []


def test_edit_without_changes_is_an_accept(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["n"])
    r = client.post(f"/records/{ids['n']}/edit", data=edit_data(page.text))
    assert "No changes: accepted" in r.text
    assert queue.get(ids["n"]).state == ReviewState.accepted
    page, _, _ = open_record(client, ids["pfs"])
    assert 'name="n" value=' not in page.text  # result form has no sample-size fields


def test_sample_size_edit(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["n"])
    r = client.post(f"/records/{ids['n']}/edit", data=edit_data(page.text, n="-3"))
    assert r.status_code == 422 and "a sample size needs a positive n" in r.text
    r = client.post(f"/records/{ids['n']}/edit", data=edit_data(page.text, n="461", arm="lenalidomide"))
    assert queue.get(ids["n"]).record.n == 461 and queue.get(ids["n"]).record.arm == "lenalidomide"


def test_stale_form_is_refused(client, env):
    _, queue, ids = env
    page, csrf, rev = open_record(client, ids["pfs"])
    # The same curator decided in another tab meanwhile.
    queue.decide(ids["pfs"], "ann", "reject", reason="wrong arm or value")
    r = client.post(f"/records/{ids['pfs']}/decide", data={"csrf": csrf, "action": "accept", "expected_revision": rev})
    assert r.status_code == 409
    assert "Not saved" in r.text and "changed since you loaded it" in r.text and "reject by ann" in r.text
    r = client.post(f"/records/{ids['pfs']}/edit", data=edit_data(page.text, **{"arms-1-value": "23.4"}))
    assert r.status_code == 409 and "changed since you loaded it" in r.text
    assert queue.get(ids["pfs"]).state == ReviewState.rejected
    assert [d.action for d in queue.history(ids["pfs"])] == ["reject"]


def test_record_held_by_another_curator(env, client):
    app, queue, ids = env
    open_record(client, ids["pfs"])  # ann holds it
    queue.add_curator("bob", PASSWORD)
    with TestClient(app) as bob:
        sign_in(bob, "bob")
        page, csrf, rev = open_record(bob, ids["pfs"])
        assert "Held by <strong>ann</strong>" in page.text
        r = bob.post(f"/records/{ids['pfs']}/decide", data={"csrf": csrf, "action": "accept", "expected_revision": rev})
        assert r.status_code == 409 and "held by ann" in r.text
        # bob's "next" passes over ann's record
        r = bob.post("/next", data={"csrf": csrf})
        assert r.url.path == f"/records/{ids['n']}"
    assert queue.get(ids["pfs"]).state == ReviewState.pending


def test_undo_on_a_decided_record(client, env):
    _, queue, ids = env
    queue.decide(ids["n"], "bob", "edit", after=queue.get(ids["n"]).draft.model_copy(update={"n": 500}))
    page, csrf, rev = open_record(client, ids["n"])
    assert "undo the edited decision on this record" in page.text
    r = client.post("/undo", data={"csrf": csrf, "record_id": ids["n"], "expected_revision": rev})
    assert "Undone" in r.text and queue.get(ids["n"]).state == ReviewState.pending
    r = client.post("/undo", data={"csrf": csrf, "record_id": ids["n"], "expected_revision": str(int(rev) + 1)})
    assert "Could not undo" in r.text and "no decision to undo" in r.text


# --------------------------------------------------------------------------- conflicts and history


def test_conflicts_are_listed_and_flagged(client, env):
    _, _, ids = env
    page, _, _ = open_record(client, ids["pfs"])
    assert "1 with different values" in page.text
    assert f'/records/{ids["other"]}' in page.text
    assert re.search(r'<span class="differs">.*?placebo: 27 months</span>', page.text)
    assert re.search(r'<span class="same">lenalidomide: 53.3 months</span>', page.text)


def test_resolving_a_conflict_accepts_one_and_rejects_the_other(client, env):
    _, queue, ids = env
    page, csrf, rev = open_record(client, ids["pfs"])
    other = queue.get(ids["other"])
    r = client.post(f"/records/{ids['pfs']}/resolve", data={
        "csrf": csrf, "expected_revision": rev, "other_id": other.id, "other_revision": other.revision, "stands": "this"})
    assert r.url.path == f"/records/{ids['pfs']}" and "Conflict settled" in r.text
    assert queue.get(ids["pfs"]).state == ReviewState.accepted
    assert queue.get(ids["other"]).state == ReviewState.rejected
    assert queue.history(ids["other"])[-1].reason == f"superseded by {ids['pfs']}"
    # The reverse, from the other record's page: it now stands.
    page, csrf, rev = open_record(client, ids["other"])
    me = queue.get(ids["pfs"])
    client.post(f"/records/{ids['other']}/resolve", data={
        "csrf": csrf, "expected_revision": rev, "other_id": me.id, "other_revision": me.revision, "stands": "this"})
    assert queue.get(ids["other"]).state == ReviewState.accepted
    assert queue.get(ids["pfs"]).state == ReviewState.rejected
    assert queue.history(ids["pfs"])[-1].reason == f"superseded by {ids['other']}"


def test_resolving_with_a_stale_page_changes_nothing(client, env):
    _, queue, ids = env
    page, csrf, rev = open_record(client, ids["pfs"])
    other = queue.get(ids["other"])
    queue.decide(other.id, "bob", "accept")
    r = client.post(f"/records/{ids['pfs']}/resolve", data={
        "csrf": csrf, "expected_revision": rev, "other_id": other.id, "other_revision": other.revision, "stands": "this"})
    assert r.status_code == 409 and "changed since you loaded" in r.text
    assert queue.get(ids["pfs"]).state == ReviewState.pending and queue.get(other.id).state == ReviewState.accepted


def test_history_shows_who_what_when_before_and_after(client, env):
    _, queue, ids = env
    page, _, _ = open_record(client, ids["pfs"])
    client.post(f"/records/{ids['pfs']}/edit", data=edit_data(page.text, **{"arms-1-value": "23.4"}))
    page, csrf, rev = open_record(client, ids["pfs"])
    assert "As extracted" in page.text  # the draft is shown beside the curated version
    client.post(f"/records/{ids['pfs']}/decide", data={"csrf": csrf, "action": "reject", "reason": "duplicate", "expected_revision": rev})
    page, _, _ = open_record(client, ids["pfs"])
    history = page.text[page.text.index('id="h-history"'):]
    assert history.index("edit") < history.index("reject")
    assert "<del>placebo: 23.5 months</del> → <ins>placebo: 23.4 months</ins>" in history
    assert "pending → edited" in history and "edited → rejected" in history and "“duplicate”" in history
    assert history.count("<strong>ann</strong>") == 2


# --------------------------------------------------------------------------- escaping, links, errors


def test_page_content_is_escaped(client, env):
    _, _, ids = env
    page, _, _ = open_record(client, ids["evil"])
    html = page.text
    assert "<script>window" not in html and "<img src=x" not in html and "<b>rule</b>" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html and "&lt;b&gt;rule&lt;/b&gt;" in html
    queue_page = client.get("/").text
    assert "<img src=x" not in queue_page and "&lt;img src=x onerror=" in queue_page
    doc = client.get(f"/documents/{EVIL_SHA}").text
    assert "<script>window" not in doc and "&lt;script&gt;" in doc


def test_only_web_addresses_become_links(client, env):
    _, queue, _ = env
    bad = "javascript:alert(1)"
    queue.enqueue(bad, [result(source=bad, trial="MAIA")])
    rid = queue.list(source=bad)[0].id
    page, _, _ = open_record(client, rid)
    assert 'href="javascript' not in page.text and "javascript:alert(1)" in page.text


def test_unexpected_errors_show_a_generic_page(env, monkeypatch):
    app, _, ids = env

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(app.state.queue, "conflicts", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        sign_in(c)
        r = c.get(f"/records/{ids['pfs']}")
    assert r.status_code == 500
    assert "Something went wrong" in r.text
    assert "secret internals" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text


# --------------------------------------------------------------------------- app set-up


def test_secret_is_generated_once_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("CURATE_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    create_app(url)
    secret_file = tmp_path / "q.sqlite.secret"
    first = secret_file.read_text()
    assert len(first.strip()) >= 32 and (secret_file.stat().st_mode & 0o777) == 0o600
    create_app(url)
    assert secret_file.read_text() == first
    monkeypatch.setenv("CURATE_SECRET", "from-env")
    from trial_curate.web.security import load_secret

    assert load_secret(url) == "from-env" and load_secret(url, "given") == "given"


def test_sessions_survive_a_restart_with_the_stored_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("CURATE_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    seed(url)
    with TestClient(create_app(url)) as c:
        sign_in(c)
        cookie = c.cookies.get("curate_session")
    with TestClient(create_app(url), follow_redirects=False) as c:
        c.cookies.set("curate_session", cookie)
        assert c.get("/").status_code == 200


def test_web_app_does_not_import_prefect():
    code = (
        "import sys; from trial_curate.web import create_app; import trial_curate.web.app; "
        "create_app('sqlite://', secret='x'); "
        "assert 'prefect' not in sys.modules, 'prefect imported'; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


def test_serve_runs_uvicorn(monkeypatch, tmp_path):
    import uvicorn

    from trial_curate.settings import Settings
    from trial_curate.web import serve

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    serve(Settings.from_env(base=tmp_path, database_url=f"sqlite:///{tmp_path / 'q.sqlite'}"), "127.0.0.1", 8765)
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8765 and hasattr(seen["app"], "routes")
