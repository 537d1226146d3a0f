"""The spaCy pipeline: a blank English tokenizer plus rule components, no statistical model.

    tokenizer        spacy.blank("en") + one infix rule: a citation number glued to a word
                     ("transplantation.1") is split off so it never reads as a value
    sentencizer      sentence boundaries on punctuation
    block_breaks     a paragraph break always ends a sentence
    entity_ruler     lexicon entities from extractors/patterns (DRUG, REGIMEN, ARM, ENDPOINT, TRIAL)
    drug_near_miss   misspelt drug names ("Revlimed", "Revlimd") within a few edits of a known name

The result grammar that turns these entities and the numbers around them into records lives
in extractors/results.py.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans

from extractors.lexicon import Lexicon, load_lexicon

CITATION_INFIX = r"(?<=[A-Za-z\)])\.(?=\d)"
DASH_INFIX = r"(?<=[A-Za-z])[—–](?=\w)"


@Language.component("block_breaks")
def block_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence (paragraphs never share a sentence)."""
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_:
            doc[i].is_sent_start = True
    return doc


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(v)
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


class DrugNearMiss:
    """Tags capitalised tokens within a few edits of a known drug name as DRUG."""

    def __init__(self, lexicon: Lexicon):
        g = lexicon.grammar
        self.min_len = int(g.get("fuzzy_min_length", 6))
        self.max_edits = int(g.get("fuzzy_max_edits", 2))
        self.by_initial: dict[str, list[tuple[str, str]]] = {}
        for name, generic in lexicon.brand_names().items():
            if len(name) >= self.min_len and " " not in name:
                self.by_initial.setdefault(name[0], []).append((name, generic))
        self.cache: dict[str, str | None] = {}

    def lookup(self, word: str) -> str | None:
        low = word.lower()
        if low in self.cache:
            return self.cache[low]
        found = None
        for name, generic in self.by_initial.get(low[0], ()):
            limit = 1 if len(name) < 8 else self.max_edits
            if _edit_distance(low, name, limit) <= limit:
                found = generic
                break
        self.cache[low] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        taken = {i for e in doc.ents for i in range(e.start, e.end)}
        new = []
        for tok in doc:
            t = tok.text
            if tok.i in taken or len(t) < self.min_len or not t[0].isupper() or not t.isalpha():
                continue
            generic = self.lookup(t)
            if generic:
                span = Span(doc, tok.i, tok.i + 1, label="DRUG")
                span.id_ = generic
                new.append(span)
        if new:
            doc.ents = filter_spans([*doc.ents, *new])
        return doc


@Language.factory("drug_near_miss")
def make_drug_near_miss(nlp: Language, name: str) -> DrugNearMiss:
    return DrugNearMiss(load_lexicon())


def _exact_token_patterns(nlp: Language, lexicon: Lexicon) -> list[dict]:
    """Case-sensitive phrases as token patterns (ORTH per token)."""
    out = []
    for p in lexicon.exact_patterns():
        toks = [{"ORTH": t.text} for t in nlp.tokenizer(p["pattern"])]
        out.append({"label": p["label"], "pattern": toks, "id": p["id"]})
    return out


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The shared pipeline (built once per process)."""
    lexicon = load_lexicon()
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + [CITATION_INFIX, DASH_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("block_breaks")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(lexicon.ruler_patterns() + _exact_token_patterns(nlp, lexicon) + lexicon.trial_patterns)
    nlp.add_pipe("drug_near_miss")
    return nlp
