"""trial_curate.pipeline without Prefect: outcomes per page, incremental skips, robustness.

clean and extract are trivial stand-ins (monkeypatched) so these tests check the pipeline,
not the extraction rules; the review queue is the real one on a temporary SQLite file.

The end of the file checks extractors.pipeline, the spaCy rule pipeline: its components give
exactly what the plain spaCy versions give.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import re
from pathlib import Path

import pytest
import spacy
from conftest import article
from spacy.attrs import IDX
from spacy.pipeline import EntityRuler, Sentencizer
from spacy.util import filter_spans

from extractors import pipeline as rule_pipeline
from extractors.clean import clean
from extractors.lexicon import load_lexicon
from extractors.pipeline import RegexSet, match_start
from trial_curate import pipeline
from trial_curate.fetch import Fetcher, FetchPolicy
from trial_curate.models import Source
from trial_curate.queue import ReviewQueue
from trial_curate.settings import Settings
from trial_curate.snapshots import SnapshotStore

FAST = FetchPolicy(timeout=2.0, attempts=2, backoff=0.01, min_interval=0.0)


@pytest.fixture
def calls(stand_ins):
    return stand_ins


@pytest.fixture
def settings(tmp_path):
    return Settings(database_url=f"sqlite:///{tmp_path / 'q.sqlite'}", raw_dir=tmp_path / "raw",
                    curated_dir=tmp_path / "curated")


@pytest.fixture
def queue(settings):
    with ReviewQueue(settings.database_url) as q:
        yield q


def run(urls, settings, queue):
    return pipeline.run([Source(location=u) for u in urls], settings, queue, policy=FAST, workers=2)


def statuses(summary):
    return {o.source.rsplit("/", 1)[-1]: o.status for o in summary.outcomes}


def test_new_unchanged_edited_removed_pages(site, settings, queue, calls):
    site.page("/a.html", article("A", "ALPHA-1 met its endpoint"))
    site.page("/b.html", article("B", "BETA-2 and GAMMA-3"))
    urls = [site.url("/a.html"), site.url("/b.html")]

    first = run(urls, settings, queue)
    assert statuses(first) == {"a.html": "new", "b.html": "new"}
    assert first.records == 3 and first.exit_code == 0
    assert first.per_trial_endpoint == {("ALPHA-1", "(other facts)"): 1, ("BETA-2", "(other facts)"): 1,
                                        ("GAMMA-3", "(other facts)"): 1}
    assert (calls.clean, calls.extract) == (2, 2)

    second = run(urls, settings, queue)
    assert statuses(second) == {"a.html": "unchanged", "b.html": "unchanged"}
    assert (calls.clean, calls.extract) == (2, 2)  # clean + extract skipped entirely
    assert second.records == 0 and "Nothing new to review" in second.render()

    site.page("/b.html", article("B", "BETA-2 only now"))  # edited
    site.remove("/a.html")  # removed
    third = run(urls, settings, queue)
    assert statuses(third) == {"a.html": "failed", "b.html": "changed"}
    failed = third.failed[0]
    assert failed.error.stage == "fetch" and "404" in failed.error.message
    assert "the page is gone: 1 of its records flagged gone" in failed.error.message
    assert third.queue["gone"] == 2 and third.exit_code == 0
    assert len(queue.list(gone=False)) == 1  # BETA-2 (ALPHA-1 left with its page, GAMMA-3 with the edit)

    site.page("/a.html", article("A", "ALPHA-1 met its endpoint"))  # back, as it was
    fourth = run(urls, settings, queue)
    assert statuses(fourth) == {"a.html": "changed", "b.html": "unchanged"}
    assert len(queue.list(gone=False)) == 2 and fourth.records == 0  # ALPHA-1 returned, not asked again


def test_etag_turns_into_a_304_and_no_work(site, settings, queue, calls):
    site.page("/a.html", article("A", "ALPHA-1"), etag='"v1"')
    run([site.url("/a.html")], settings, queue)
    again = run([site.url("/a.html")], settings, queue)
    assert statuses(again) == {"a.html": "unchanged"}
    assert site.requests[-1][1].get("if-none-match") == '"v1"'
    assert calls.clean == 1


def test_rules_change_reprocesses_unchanged_bodies(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1"))
    run([site.url("/a.html")], settings, queue)
    monkeypatch.setattr(pipeline, "rules_version", lambda: "new-rules")
    again = run([site.url("/a.html")], settings, queue)
    assert statuses(again) == {"a.html": "changed"} and calls.extract == 2
    assert again.queue["unchanged"] == 1 and again.records == 0


def test_reextract_uses_stored_snapshots_without_fetching(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1"))
    run([site.url("/a.html")], settings, queue)
    hits = len(site.requests)
    assert statuses(pipeline.reextract(settings, queue)) == {"a.html": "unchanged"}
    monkeypatch.setattr(pipeline, "rules_version", lambda: "new-rules")
    assert statuses(pipeline.reextract(settings, queue)) == {"a.html": "changed"}
    assert statuses(pipeline.reextract(settings, queue, force=True)) == {"a.html": "changed"}
    assert len(site.requests) == hits and calls.extract == 3


@pytest.mark.parametrize("marker,stage", [("CLEAN-FAILS", "clean"), ("EXTRACT-FAILS", "extract")])
def test_a_failing_page_never_fails_the_run(site, settings, queue, calls, marker, stage):
    site.page("/bad.html", article("Bad", marker))
    site.page("/good.html", article("Good", "ALPHA-1"))
    site.page("/boom.html", "x", status=500)
    site.page("/paper.pdf", b"%PDF", content_type="application/pdf")
    summary = run([site.url(p) for p in ("/bad.html", "/good.html", "/boom.html", "/paper.pdf")], settings, queue)
    assert statuses(summary) == {"bad.html": "failed", "good.html": "new", "boom.html": "failed", "paper.pdf": "failed"}
    errors = {o.source.rsplit("/", 1)[-1]: o for o in summary.failed}
    assert errors["bad.html"].error.stage == stage
    assert errors["boom.html"].transient and "500" in errors["boom.html"].error.message
    assert "application/pdf" in errors["paper.pdf"].error.message
    assert site.hits("/boom.html") == 2 and site.hits("/paper.pdf") == 1
    text = summary.render()
    assert "3 failed" in text and "[fetch]" in text and f"[{stage}]" in text and "curate review" in text


def test_nothing_processed_means_non_zero_exit(site, settings, queue, calls):
    summary = run([site.url("/nope.html")], settings, queue)
    assert summary.exit_code == 1 and statuses(summary) == {"nope.html": "failed"}
    assert pipeline.summarize([]).exit_code == 1


def test_queue_failure_is_retried_next_run(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1"))

    def broken(*a, **k):
        raise RuntimeError("database is locked")

    real_enqueue = queue.enqueue
    monkeypatch.setattr(queue, "enqueue", broken)
    first = run([site.url("/a.html")], settings, queue)
    assert first.failed[0].error.stage == "queue"
    monkeypatch.setattr(queue, "enqueue", real_enqueue)
    assert statuses(run([site.url("/a.html")], settings, queue)) == {"a.html": "new"}


def test_crash_after_enqueue_leaves_no_duplicate(site, settings, queue, calls, monkeypatch):
    site.page("/a.html", article("A", "ALPHA-1 BETA-2"))

    def killed(*a, **k):
        raise KeyboardInterrupt  # the process dies between enqueue and marking the snapshot processed

    real_mark = SnapshotStore.mark_processed
    monkeypatch.setattr(SnapshotStore, "mark_processed", killed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.process_source(Source(location=site.url("/a.html")), settings, queue, rules="r",
                                         fetcher=Fetcher(FAST))
    monkeypatch.setattr(SnapshotStore, "mark_processed", real_mark)
    outcome = pipeline.process_source(Source(location=site.url("/a.html")), settings, queue, rules="r",
                                         fetcher=Fetcher(FAST))
    assert outcome.status == "new" and outcome.queue == {"new": 0, "changed": 0, "unchanged": 2, "gone": 0}
    assert len(queue.list()) == 2


def _run_in_process(urls, settings):
    """A separate process (spawned, so it shares no threads with this one) with the same stand-ins."""
    from conftest import Calls, stand_in_clean, stand_in_extract

    from trial_curate.queue import ReviewQueue as Q

    c = Calls()
    pipeline._clean, pipeline._extract = stand_in_clean(c), stand_in_extract(c)
    pipeline._extract_many = lambda docs: [pipeline._extract(d) for d in docs]
    pipeline.rules_version = lambda: "rules-1"
    with Q(settings.database_url) as q:
        run(urls, settings, q)


def test_two_runs_at_once_do_not_corrupt_or_duplicate(site, settings, queue, calls, tmp_path):
    for i in range(12):
        site.page(f"/p{i}.html", article(f"P{i}", f"TRIAL-{i} and SHARED-1"))
    (tmp_path / "local.html").write_text(article("L", "LOCAL-7"))
    urls = [site.url(f"/p{i}.html") for i in range(12)] + [str(tmp_path / "local.html")]
    # spawn, not fork: forking a test process that already runs threads (Prefect, web servers) is unsafe
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_run_in_process, args=(urls, settings)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    records = queue.list()
    assert len(records) == 12 * 2 + 1
    assert len({(r.record.source, r.record.trial) for r in records}) == len(records)
    store = SnapshotStore(settings.raw_dir)
    entries = list(store.entries())
    assert len(entries) == 13 and all(e.processed_sha256 == e.latest.sha256 for e in entries)
    for meta in settings.raw_dir.rglob("*.json"):
        json.loads(meta.read_text())  # every file whole
    assert not list(settings.raw_dir.rglob("*.tmp"))


def test_folder_and_local_files(tmp_path, settings, queue, calls):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(article("A", "ALPHA-1"))
    (folder / "b.txt").write_text("BETA-2 plain text")
    summary = pipeline.run([Source(location=str(folder), kind="folder")], settings, queue, policy=FAST)
    assert statuses(summary) == {"a.html": "new", "b.txt": "new"}
    assert statuses(pipeline.run([Source(location=str(folder), kind="folder")], settings, queue, policy=FAST)) == {
        "a.html": "unchanged", "b.txt": "unchanged"}


def test_rules_version_follows_the_rule_files(tmp_path):
    (tmp_path / "patterns").mkdir()
    (tmp_path / "extract.py").write_text("RULES = 1")
    (tmp_path / "patterns" / "trials.toml").write_text("a = 1")
    v1 = pipeline.rules_version(tmp_path)
    assert pipeline.rules_version(tmp_path) == v1
    (tmp_path / "patterns" / "trials.toml").write_text("a = 2")
    v2 = pipeline.rules_version(tmp_path)
    (tmp_path / "extract.py").write_text("RULES = 2")
    assert len({v1, v2, pipeline.rules_version(tmp_path)}) == 3
    assert pipeline.rules_version() == pipeline.rules_version()  # the real extractors/ package


# --------------------------------------------------------------------------- extractors.pipeline
# The spaCy rule components read and write token columns, scan with RegexSet and skip Doc.text
# joins; what they give must be exactly what the plain spaCy versions give.


class _PlainNamePatterns:
    """name_patterns as re.finditer + char_span + filter_spans."""

    def __init__(self, lexicon):
        self.patterns = [(p["label"], p["id"], re.compile(p["regex"])) for p in lexicon.name_patterns]
        self.exclude = lexicon.excluded_names

    def __call__(self, doc):
        new = []
        for label, rule, rx in self.patterns:
            for m in rx.finditer(doc.text):
                word = m.group(0)
                if label in ("TRIAL", "REGIMEN") and (word.upper() in self.exclude or word.split()[0].upper() in self.exclude):
                    continue
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None and label in ("TRIAL", "REGIMEN") and span.text != word and span.text.upper() in self.exclude:
                    continue  # "PD" of the token "PD-1"
                if span is not None:
                    span.id_ = rule
                    new.append(span)
        if new:
            doc.ents = filter_spans([*doc.ents, *new])
        return doc


class _PlainDrugNearMiss:
    def __init__(self, lexicon):
        fast = rule_pipeline.DrugNearMiss(lexicon)
        self.lookup = fast.lookup
        self.generics = [g for g in lexicon.drugs if len(g) >= 8 and " " not in g]
        self.candidates = re.compile(rf"\b[A-Z][A-Za-z]{{{fast.min_len - 1},}}\b|\b[a-z]{{7,}}\b")

    def lookup_generic(self, word):  # every lower-case word, against every long generic name
        return next((g for g in self.generics if g[0] == word[0] and rule_pipeline._edit_distance(word, g, 1) <= 1), None)

    def __call__(self, doc):
        new = []
        for m in self.candidates.finditer(doc.text):
            word = m.group(0)
            generic = self.lookup(word) if word[0].isupper() else self.lookup_generic(word)
            if generic:
                span = doc.char_span(m.start(), m.end(), label="DRUG")
                if span is not None and not any(t.ent_type for t in span):
                    span.id_ = generic
                    new.append(span)
        if new:
            doc.ents = filter_spans([*doc.ents, *new])
        return doc


def _plain_block_breaks(doc):
    for m in re.finditer(r"\n\s*", doc.text):
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is not None and span.start > 0:
            doc[span.start].is_sent_start = True
    return doc


def _plain_glued_codes(doc):
    """"CCTG CE.6": a full stop glued between a word of two or more capitals and digits starts no sentence
    (unless a capitalised word follows the digits: "with MP.7 The response")."""
    for t in doc[1:-1]:
        prev, nxt = doc[t.i - 1], doc[t.i + 1]
        word = prev.i == 0 or doc[prev.i - 1].whitespace_  # "CE.6", not "LEN-DEX.7"
        capital_after = t.i + 2 < len(doc) and bool(nxt.whitespace_) and doc[t.i + 2].is_title
        if t.text == "." and prev.is_upper and prev.is_alpha and len(prev) >= 2 and word and not prev.whitespace_ and not t.whitespace_ \
                and nxt.is_digit and not capital_after:
            nxt.is_sent_start = False
    return doc


def _plain_steps(nlp):
    """The pipeline's components the plain way: spaCy's Sentencizer and EntityRuler and the
    straightforward versions above, run one after the other on nlp's tokens."""
    lexicon = load_lexicon()
    bare = spacy.blank("en")  # the rulers tokenize their phrases with it
    bare.tokenizer = nlp.tokenizer
    exact = EntityRuler(bare, phrase_matcher_attr="ORTH")
    exact.add_patterns(lexicon.exact_patterns())
    ruler = EntityRuler(bare, phrase_matcher_attr="LOWER")
    ruler.add_patterns(lexicon.ruler_patterns())
    return [Sentencizer(), _plain_glued_codes, _plain_block_breaks, exact, ruler, _PlainNamePatterns(lexicon), _PlainDrugNearMiss(lexicon)]


def _annotations(doc):
    return ([(e.label_, e.start_char, e.end_char, e.ent_id_) for e in doc.ents],
            [(t.ent_iob_, t.ent_type_, t.ent_id_, t.ent_kb_id_) for t in doc],
            [t.is_sent_start for t in doc])


def _texts():
    """Gold articles, slices of them (odd starts and ends), and whitespace and punctuation cases."""
    gold = [clean(p.read_bytes(), source=str(p), content_type="text/plain").text
            for p in sorted((Path(__file__).parent / "gold" / "articles").glob("*.txt"))]
    rnd = random.Random(7)
    joined = "\n\n".join(gold)
    pieces = []
    for i in range(60):
        a = rnd.randrange(len(joined))
        piece = joined[a:a + rnd.randrange(20, 2500)]
        pieces.append([piece, piece.replace(" ", "\n", 3), piece.replace("\n", "\r\n"), piece.upper(),
                       " \n\t " + piece.replace(". ", ".\u00a0\n  "), piece.replace("-", "\u2014")][i % 6])
    cases = ["", " ", "\n", "\n\n  \n", ".", "...\n", "x", "Revlimed.\n\nRevlimd and Velcade", "D-Rd vs Rd\n",
             "\nCALGB 100104 (Alliance)", "The MAIA  trial.\u2028Next", "KRd12\r\n\r\nKRd", "a.\n\n(b)\n!c",
             "Myeloma XI (", "BMT CTN 0702 study.", "grade 3 or 4 neutropenia\n\n  NCT01234567",
             "Patients on observation Alone-AB12 did well."]  # a longer name over part of a lexicon phrase
    return gold + pieces + cases


def test_rule_components_give_what_plain_spacy_gives():
    nlp = rule_pipeline.build_nlp()
    steps = _plain_steps(nlp)
    texts = _texts()

    def plain(text):
        doc = nlp.make_doc(text)
        for step in steps:
            doc = step(doc)
        return doc

    expected = [_annotations(plain(t)) for t in texts]
    assert [_annotations(d) for d in nlp.pipe(texts)] == expected
    # the components on documents the tokenizer made in another order (doc_text's cache misses)
    docs = [nlp.tokenizer(t) for t in texts]
    for _name, component in nlp.pipeline:
        docs = [component(d) for d in docs]
    assert [_annotations(d) for d in docs] == expected
    assert [d.text for d in docs] == texts


PATTERNS = [
    r"\b[A-Z][A-Za-z]{3,}-\d{1,3}\b", r"\bNCT\d{8}\b", r"\b(?:CALGB|ECOG|Alliance)[ -]?\d{2,6}\b",
    r"\b[A-Z][A-Za-z]{0,4}(?:-[A-Z][A-Za-z]{0,5}\d{0,2}){1,2}\b|\b[A-Z][a-z]{0,3}[A-Z][A-Za-z]{0,4}\b",
    r"(?<=called )[A-Z]\w+|(?<=named )[A-Z]\w+", r"(?m)^[A-Z]\w*(?=:)", r"\b[Gg]rades?\s+[1-5]",
    r"\b[A-Za-z][a-z]{2,}(?:mab|nib)\b", r"(\b[A-Z])\1", r"(?i)\bphase\s+i+\b", r"[0-9]+(?:\.[0-9]+)?%",
    r"x*", r"(?:a|)b?", r"[^a-z ]{3}", r"\d\d(?=\s)", r"\b(?:II|III)\b(?!-)", r"(?<![\w-])[A-Z]{2,}\b",
]


@pytest.mark.parametrize("together", [True, False])
def test_regex_set_finds_what_finditer_finds(together):
    regexes = [re.compile(p) for p in PATTERNS + [p["regex"] for p in load_lexicon().name_patterns]]
    texts = _texts()
    sets = [RegexSet(regexes)] if together else [RegexSet([rx]) for rx in regexes]
    for text in texts:
        found = [spans for s in sets for spans in s.spans(text)]
        assert found == [[m.span() for m in rx.finditer(text)] for rx in regexes]


def test_token_span_is_char_span_expand():
    nlp = rule_pipeline.build_nlp()
    text = "A  b.\n\n Cd-ef  (g) \t h\u00a0i "
    doc = nlp.make_doc(text)
    starts = doc.to_array(IDX).tolist()
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            span = doc.char_span(start, end, alignment_mode="expand")
            expected = None if span is None else (span.start, span.end)
            assert rule_pipeline._token_span(doc, text, starts, start, end) == expected, (start, end)


def test_match_start_knows_where_a_match_begins():
    def start(pattern):
        return match_start(re.compile(pattern))

    assert start(r"\b[A-Z][a-z]+") == ("[A-Z]", True)
    assert start(r"\b(?:CALGB|ECOG)\d") == ("[CE]", True)
    assert start(r"(?<=called )[A-Z]\w+") == ("[A-Z]", False)
    assert start(r"\b(?:(?:EMN|IFM) )?[A-Z]{2,}") == ("[EIA-Z]", True)
    assert start(r"a?\d") == (r"[a\d]", False)
    assert start(r"\b-\d") == (r"[\-]", False)  # \b before a non-word character: the end of a word
    assert start(r"(a)\1") == ("[a]", False)  # known, but a pattern with groups is scanned on its own
    for unsure in (r"x*", r"(?:a|)b?", r"[^a]b", r".b", r"(?i)abc", r"(?i:a)b"):
        assert start(unsure) is None
