"""The spaCy pipeline: a blank English tokenizer plus rule components, no statistical model.

    tokenizer        spacy.blank("en") + one infix rule: a citation number glued to a word
                     ("transplantation.1") is split off so it never reads as a value
    sentencizer      sentence boundaries on punctuation
    block_breaks     a paragraph break always ends a sentence
    exact_ruler      case-sensitive lexicon phrases: known trials and regimens (TRIAL, REGIMEN)
    lexicon_ruler    case-insensitive lexicon phrases: drugs, arms, endpoints (DRUG, ARM, ENDPOINT)
    name_patterns    regular expressions for unknown trial names and regimens (name_patterns.toml);
                     a longer match replaces lexicon entities inside it ("D-Rd" over "Rd")
    drug_near_miss   misspelt drug names ("Revlimed", "Revlimd") within a few edits of a known name

The result grammar that turns these entities and the numbers around them into records lives
in extractors/results.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, filter_spans

from extractors.lexicon import Lexicon, load_lexicon

CITATION_INFIX = r"(?<=[A-Za-z\)])\.(?=\d)"
DASH_INFIX = r"(?<=[A-Za-z])[—–](?=\w)"


LINE_BREAK_RE = re.compile(r"\n\s*")


@Language.component("block_breaks")
def block_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence (paragraphs never share a sentence)."""
    for m in LINE_BREAK_RE.finditer(doc.text):
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is not None and span.start > 0:
            doc[span.start].is_sent_start = True
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
        for name, generic in lexicon.brand_names.items():
            if len(name) >= self.min_len and " " not in name:
                self.by_initial.setdefault(name[0], []).append((name, generic))
        self.cache: dict[str, str | None] = {name: generic for name, generic in lexicon.brand_names.items()}
        self.candidates = re.compile(rf"\b[A-Z][A-Za-z]{{{self.min_len - 1},}}\b")

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
        new = []
        for m in self.candidates.finditer(doc.text):
            generic = self.lookup(m.group(0))
            if generic:
                span = doc.char_span(m.start(), m.end(), label="DRUG")
                if span is not None and not any(t.ent_type for t in span):
                    span.id_ = generic
                    new.append(span)
        if new:
            doc.ents = filter_spans([*doc.ents, *new])
        return doc


@Language.factory("drug_near_miss")
def make_drug_near_miss(nlp: Language, name: str) -> DrugNearMiss:
    return DrugNearMiss(load_lexicon())


class NamePatterns:
    """Entities from regular expressions over the text (unknown trials and regimens).

    spaCy's token Matcher evaluates a REGEX predicate on every token; one `re.finditer` per
    pattern over the whole text is an order of magnitude cheaper and reads more naturally.
    """

    def __init__(self, lexicon: Lexicon):
        self.patterns = [(p["label"], p["id"], re.compile(p["regex"])) for p in lexicon.name_patterns]
        self.exclude = lexicon.excluded_names  # common abbreviations the patterns would take for names

    def __call__(self, doc: Doc) -> Doc:
        new = []
        for label, rule, rx in self.patterns:
            for m in rx.finditer(doc.text):
                word = m.group(0)
                if label in ("TRIAL", "REGIMEN") and (word.upper() in self.exclude or word.split()[0].upper() in self.exclude):
                    continue
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None:
                    span.id_ = rule
                    new.append(span)
        if new:
            doc.ents = filter_spans([*doc.ents, *new])
        return doc


@Language.factory("name_patterns")
def make_name_patterns(nlp: Language, name: str) -> NamePatterns:
    return NamePatterns(load_lexicon())


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The shared pipeline (built once per process)."""
    lexicon = load_lexicon()
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + [CITATION_INFIX, DASH_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("block_breaks")
    exact = nlp.add_pipe("entity_ruler", name="exact_ruler", config={"phrase_matcher_attr": "ORTH"})
    exact.add_patterns(lexicon.exact_patterns())
    ruler = nlp.add_pipe("entity_ruler", name="lexicon_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": False})
    ruler.add_patterns(lexicon.ruler_patterns())
    nlp.add_pipe("name_patterns")
    nlp.add_pipe("drug_near_miss")
    return nlp
