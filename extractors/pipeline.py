"""The spaCy pipeline: a blank English tokenizer plus rule components, no statistical model.

    tokenizer        spacy.blank("en") + three infix rules and a suffix: a citation number glued
                     to a word ("transplantation.1", "CAPOX[2]", "IKEMA,13", "chemotherapy)[7]") is
                     split off so it never reads as a value or part of a name, and so is a dash
                     between words; "≥" before a word ("≥VGPR") is a prefix; it keeps each text
                     for the components (doc_text)
    sentences        sentence boundaries on punctuation (the rule of spaCy's sentencizer), and a
                     paragraph break always ends a sentence
    exact_ruler      case-sensitive lexicon phrases: known trials and regimens (TRIAL, REGIMEN)
    lexicon_ruler    case-insensitive lexicon phrases: drugs, arms, endpoints (DRUG, ARM, ENDPOINT)
    name_patterns    regular expressions for names the lexicon does not know (name_patterns.toml);
                     a longer match replaces lexicon entities inside it ("D-Rd" over "Rd")
    drug_near_miss   misspelt drug names ("Revlimed", "Revlimd") within a few edits of a known name

Speed matters (the whole extraction should run at half the bare tokenizer's speed or better), so
the components avoid what is slow in Python-level spaCy code: a Token or Span object per token
(they read and write token columns with Doc.to_array / Doc.from_array instead), Doc.text (a join
over every token: built once per document, see doc_text), and regular-expression scans that try
every position of the text (RegexSet jumps to the characters a match can start with). Each gives
exactly what the plain version gives (spaCy's sentencizer and EntityRuler, char_span +
filter_spans, re.finditer); tests/test_pipeline.py compares them.

The result grammar that turns these entities and the numbers around them into records lives in
extractors/extract.py and extractors/numbers.py.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, IS_ALPHA, IS_DIGIT, IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER, LENGTH, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import EntityRuler, Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from extractors.lexicon import Lexicon, alternation, load_lexicon

# a full stop glued to a citation marker ends the sentence: "transplantation.1", "chemotherapy.[5]" (and the
# bracket before it closes: "melphalan-prednisone (MP).7"), and after a code's closing digit: "with FOLFOX4.10"
CITATION_INFIX = r"(?<=[A-Za-z\)%])\.(?=\d|\[\d)|(?<=[A-Z]{2}\d)\.(?=\d{1,3}$)|(?<=[A-Za-z0-9%])\)(?=\.(?:\d|\[\d))"
DASH_INFIX = r"(?<=[A-Za-z])[—–](?=\w)"
COMPARISON_PREFIX = r"[≥≤](?=[A-Za-z])"  # "≥VGPR", "≥CR": a response category "or better"
# "CAPOX[2]", "IKEMA,13,14", "KEYNOTE-966[6]": the citation is not part of the name
GLUED_CITATION_INFIX = r"(?<=[A-Za-z])(?:\[|,)(?=\d)|(?<=\d)\[(?=\d)"
# "chemotherapy)[7].": a citation after a closing bracket comes off the end, then the bracket
CITATION_SUFFIX = r"(?<=[\)\].])\[\d[\d,–-]*$"
# "... or to MPR-R. The trial ...": a full stop after a code's last capital is no initial ("F. Kennedy")
CODE_STOP_SUFFIX = r"(?<=[A-Za-z0-9]-[A-Z])\.$"


# --------------------------------------------------------------------------- regular expressions

try:  # the parser behind `re`, to see which characters a pattern's match can start with
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # another Python: every pattern is simply scanned on its own
    _sre = _sre_parse = None

_WORD_CHAR = re.compile(r"\w")


class _Unsure(Exception):
    """A construct whose first characters _first does not work out."""


def _first(items) -> tuple[list[tuple], bool]:
    """The character-class items (LITERAL, RANGE, CATEGORY) a match of a parsed sequence can
    start with, and whether the sequence can match the empty string."""
    out: list[tuple] = []
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):  # \b, ^, lookarounds: zero width
            continue
        if op is _sre.LITERAL:
            chars, empty = [(op, av)], False
        elif op is _sre.IN:
            if any(kind is _sre.NEGATE for kind, _ in av):
                raise _Unsure(op)
            chars, empty = list(av), False
        elif op is _sre.BRANCH:
            chars, empty = [], False
            for alternative in av[1]:
                c, e = _first(alternative)
                chars += c
                empty = empty or e
        elif op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:  # (?i:...)
                raise _Unsure(op)
            chars, empty = _first(sub)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            low, _high, sub = av
            chars, empty = _first(sub)
            empty = empty or low == 0
        elif op is _sre.ATOMIC_GROUP:
            chars, empty = _first(av)
        else:  # any character, a negated literal, a back-reference, a conditional
            raise _Unsure(op)
        out += chars
        if not empty:
            return out, False
    return out, True


def _class_item(kind, value) -> str:
    if kind is _sre.LITERAL:
        return re.escape(chr(value))
    if kind is _sre.RANGE:
        return f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}"
    categories = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
                  _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
    if kind is _sre.CATEGORY and value in categories:
        return categories[value]
    raise _Unsure(kind)


def _word_chars(kind, value) -> bool:
    """Whether every character of a class item is a word character (\\w)."""
    if kind is _sre.LITERAL:
        return bool(_WORD_CHAR.match(chr(value)))
    if kind is _sre.RANGE:
        low, high = value
        return high - low < 1000 and all(_WORD_CHAR.match(chr(c)) for c in range(low, high + 1))
    return kind is _sre.CATEGORY and value in (_sre.CATEGORY_DIGIT, _sre.CATEGORY_WORD)


def match_start(rx: re.Pattern) -> tuple[str, bool] | None:
    """Where a match of `rx` can start: a character class ("[A-Z]") holding every character
    it can start with, and whether it always starts a word (a leading `\\b` before a word
    character). None when that is not certain, or the pattern can match the empty string."""
    if _sre_parse is None or rx.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        parsed = _sre_parse.parse(rx.pattern, rx.flags).data
        items, empty = _first(parsed)
        chars = "[" + "".join(dict.fromkeys(_class_item(*item) for item in items)) + "]"
    except (_Unsure, AttributeError, TypeError, ValueError):
        return None
    if empty or not items:
        return None
    leading = []
    for op, av in parsed:
        if op not in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            break
        leading.append((op, av))
    word_start = (_sre.AT, _sre.AT_BOUNDARY) in leading and all(_word_chars(*item) for item in items)
    return chars, word_start


class RegexSet:
    """Many regular expressions over one text: `spans(text)[k]` is exactly
    `[m.span() for m in regexes[k].finditer(text)]`, found several times faster.

    Python's `re` tries a pattern that starts with `\\b` or a lookbehind at every position of
    the text; one that starts with a character class jumps straight to the characters in it.
    So the patterns whose first character is known (match_start: "[A-Z]" for `\\b[A-Z]...`)
    and rare in prose (not a lower-case letter) are tried together, only at those characters
    (and only at the start of a word if they all need one), each in a lookahead that records
    where it matches:

        [A-Z](?<!\\w[A-Z])(?<=(?:(?=(P1))|)(?:(?=(P2))|)...[A-Z])(fail unless some Pk matched)

    and finditer's rule is replayed per pattern: a match that starts inside the pattern's
    previous match is not one. The other patterns (with flags, groups of their own, unclear
    or common first characters) are scanned on their own.
    """

    def __init__(self, regexes: list[re.Pattern]):
        self.regexes = regexes
        self.alone: list[int] = []
        together: dict[bool, list[tuple[int, str]]] = {True: [], False: []}  # by "starts a word"
        for k, rx in enumerate(regexes):
            start = match_start(rx)
            # flags or groups of its own would change what the pattern means inside the scanner;
            # a first character as common as a lower-case letter would stop the scan everywhere
            if start is None or rx.flags != re.UNICODE or rx.groups or re.match(start[0], "e"):
                self.alone.append(k)
            else:
                together[start[1]].append((k, start[0]))
        self.scanners = [self._scanner(members, word_start) for word_start, members in together.items() if members]

    def _scanner(self, members: list[tuple[int, str]], word_start: bool) -> tuple[re.Pattern, list[int]]:
        start = "[" + "".join(chars[1:-1] for _, chars in members) + "]"
        where = "".join(f"(?:(?=({self.regexes[k].pattern}))|)" for k, _ in members)
        some = "".join(f"(?({g})|" for g in range(1, len(members) + 1)) + "(?!)" + ")" * len(members)
        word = rf"(?<!\w{start})" if word_start else ""
        return re.compile(f"{start}{word}(?<={where}{start}){some}"), [k for k, _ in members]

    def spans(self, text: str) -> list[list[tuple[int, int]]]:
        found: list[list[tuple[int, int]]] = [[] for _ in self.regexes]
        for k in self.alone:
            found[k] = [m.span() for m in self.regexes[k].finditer(text)]
        for scanner, members in self.scanners:
            ends = [0] * len(members)  # where each pattern's last match ended
            for m in scanner.finditer(text):
                for g, matched in enumerate(m.groups()):
                    if matched is not None:
                        start, end = m.span(g + 1)
                        if start >= ends[g]:
                            found[members[g]].append((start, end))
                            ends[g] = end
        return found


class _LastText:
    """Doc.text of the document asked for last. Doc.text joins every token on each access, and
    name_patterns and drug_near_miss both need it: the tokenizer hands over the text it was
    given (TextKeepingTokenizer), or the first of them joins it. A Doc's text never changes,
    and a weak reference never takes a new Doc for a dead one; a miss (another thread's
    document came in between) only costs a join."""

    def __init__(self):
        self.last: tuple[weakref.ref, str] | None = None

    def remember(self, doc: Doc, text: str) -> None:
        self.last = (weakref.ref(doc), text)

    def __call__(self, doc: Doc) -> str:
        last = self.last
        if last is not None and last[0]() is doc:
            return last[1]
        text = doc.text
        self.remember(doc, text)
        return text


doc_text = _LastText()


class TextKeepingTokenizer(Tokenizer):
    """spaCy's tokenizer, handing each text it tokenizes to doc_text."""

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        doc_text.remember(doc, text)
        return doc


# --------------------------------------------------------------------------- sentences


class Sentences:
    """Sentence starts from token columns: spaCy's Sentencizer rule, then the line breaks.

    Sentencizer: the first token, and the first word (neither punctuation nor a sentence-final
    character) after each sentence-final character ("." "?" "!" ...), start sentences; tokens
    whose start is already set keep it. Line breaks: any whitespace but the single space after
    a word is a token of its own ("\\n\\n  "), so the first non-space token after a whitespace
    token holding a newline starts a sentence (paragraphs never share one). A full stop glued
    between a word of two or more capitals and digits ("CCTG CE.6") ends nothing, unless a capitalised
    word follows the digits ("compared with MP.7 The response rate").
    """

    def __init__(self, nlp: Language, punct_chars: list[str] | None = None):
        chars = punct_chars or Sentencizer.default_punct_chars
        self.final_chars = numpy.array(sorted({nlp.vocab.strings.add(c) for c in chars}), dtype=numpy.uint64)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        orth, punct, space, sent_start, upper, alpha, digit, trailing, length, title = doc.to_array(
            [ORTH, IS_PUNCT, IS_SPACE, SENT_START, IS_UPPER, IS_ALPHA, IS_DIGIT, SPACY, LENGTH, IS_TITLE]).T
        at = numpy.minimum(self.final_chars.searchsorted(orth), len(self.final_chars) - 1)
        final = self.final_chars[at] == orth  # a sentence-final character
        # "CCTG CE.6", "NCIC CTG MY.10": a full stop glued between capitals and digits is part of a code
        # (not after one capital: "in arms A, B and C.7 The ..." ends with a citation; nor after the end of a
        # hyphenated name: "favouring LEN-DEX.7 The ...", nor before a capitalised word: "with MP.7 The response ...")
        glued = numpy.zeros(len(doc), dtype=bool)
        glued[1:-1] = (upper[:-2] == 1) & (alpha[:-2] == 1) & (length[:-2] >= 2) & (trailing[:-2] == 0) & (trailing[1:-1] == 0) & (digit[2:] == 1)
        glued[2:-1] &= trailing[:-3] == 1
        glued[1:-2] &= (title[3:] == 0) | (trailing[2:-1] == 0)
        final &= ~glued
        words = numpy.flatnonzero(~final & (punct == 0))
        starts = numpy.zeros(len(doc), dtype=bool)
        starts[0] = True
        after_final = numpy.searchsorted(words, numpy.flatnonzero(final), side="right")
        starts[words[after_final[after_final < len(words)]]] = True
        sent_start = sent_start.astype(numpy.int64)  # 1 starts a sentence, -1 does not, 0 unset
        unset = sent_start == 0
        sent_start[unset] = numpy.where(starts[unset], 1, -1)
        breaks = [i for i in numpy.flatnonzero(space).tolist() if "\n" in doc[i].text]
        if breaks:
            non_space = numpy.flatnonzero(space == 0)
            after_break = numpy.searchsorted(non_space, breaks, side="right")
            sent_start[non_space[after_break[after_break < len(non_space)]]] = 1
        doc.from_array([SENT_START], sent_start.astype(numpy.uint64))
        return doc


@Language.factory("sentences", default_config={"punct_chars": None})
def make_sentences(nlp: Language, name: str, punct_chars: list[str] | None) -> Sentences:
    return Sentences(nlp, punct_chars)


# --------------------------------------------------------------------------- entities

_B, _I, _O = 3, 1, 2  # ENT_IOB: begins an entity, inside one, outside (0: not annotated yet)


class _Entities:
    """A doc's entities read from its ENT_IOB and ENT_TYPE columns, and changes to them written
    the way `doc.ents = [...]` writes them, touching only the tokens that change.

    That setter (Doc.set_ents) rewrites every token: each entity as it is, every other token O.
    Once a doc is in that form ("settled"), writing only the new entities, and O over what is
    left of dropped ones, gives the same tokens; a fresh Doc (no entity annotation at all) is
    settled by making every token O. This relies on the tokens of an entity sharing its id,
    which holds here: every pattern and rule gives its entities an id.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        self.iob, self.label = doc.to_array([ENT_IOB, ENT_TYPE]).T
        self.labels = self.label.tolist()

    def taken(self, start: int, end: int) -> bool:
        """Whether a token of [start, end) is in an entity."""
        return any(self.labels[start:end])

    def bounds(self) -> list[tuple[int, int]]:
        """(first token, end token) of each entity, as doc.ents has them: an entity begins at a
        B token with a label and runs over the I tokens after it."""
        starts = numpy.flatnonzero((self.iob == _B) & (self.label != 0))
        stops = numpy.append(numpy.flatnonzero(self.iob != _I), len(self.iob))
        ends = stops[numpy.searchsorted(stops, starts, side="right")]
        return list(zip(starts.tolist(), ends.tolist()))

    def write(self, new: list[Span], dropped: list[tuple[int, int]] = ()) -> None:
        """`doc.ents = [*the entities but the dropped ones, *new]`; new spans touch no kept entity."""
        doc, iob, label = self.doc, self.iob, self.label
        if not len(doc):
            return
        if not iob.any():  # a fresh Doc: every token O first
            doc.from_array([ENT_IOB, ENT_TYPE], numpy.tile(numpy.array([_O, 0], dtype=numpy.uint64), (len(doc), 1)))
        elif ((iob == 0) | ((iob == _B) & (label == 0)) | ((iob == _O) & (label != 0))).any():
            # not settled (annotated by something else): let the setter rewrite it all
            dropped = set(dropped)
            doc.ents = [e for e in doc.ents if (e.start, e.end) not in dropped] + new
            return
        if dropped:
            covered = numpy.zeros(len(doc), dtype=bool)
            for span in new:
                covered[span.start:span.end] = True
            left = numpy.zeros(len(doc), dtype=bool)
            for start, end in dropped:
                left[start:end] = True
            left &= ~covered
            # the runs of tokens left over from dropped entities become O
            edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([0], left.view(numpy.int8), [0]))))
            outside = [Span(doc, start, end) for start, end in zip(edges[::2].tolist(), edges[1::2].tolist())]
        else:
            outside = []
        if new or outside:
            doc.set_ents(new, outside=outside, default="unmodified")


# --------------------------------------------------------------------------- lexicon phrases


class LexiconRuler(EntityRuler):
    """spaCy's EntityRuler with its annotation step on token columns: same entities.

    EntityRuler.set_annotations builds a Span and a Token per token of every match to see
    whether it touches an entity already there (the ENT_TYPE column answers that), then sets
    doc.ents over again. With overwrite_ents=False a match touching an entity is skipped, so
    the entities already there all stay and the new ones are written beside them (_Entities).
    """

    def match(self, doc: Doc):
        if self.token_patterns or not self.phrase_patterns:
            return super().match(doc)
        # EntityRuler.match without its empty token Matcher (and the warning it silences)
        matches = set([(m_id, start, end) for m_id, start, end in self.phrase_matcher(doc) if start != end])
        return sorted(matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def set_annotations(self, doc: Doc, matches) -> None:
        if self.overwrite:
            return super().set_annotations(doc, matches)
        entities = _Entities(doc)
        new = []
        seen: set[int] = set()
        for match_id, start, end in matches:  # longest first, then leftmost (EntityRuler.match)
            if entities.taken(start, end):
                continue
            if start not in seen and end - 1 not in seen:
                if match_id in self._ent_ids:
                    label, ent_id = self._ent_ids[match_id]
                    new.append(Span(doc, start, end, label=label, span_id=ent_id))
                else:
                    new.append(Span(doc, start, end, label=match_id))
                seen.update(range(start, end))
        entities.write(new)


@Language.factory(
    "lexicon_entity_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={"phrase_matcher_attr": None, "overwrite_ents": False},
)
def make_lexicon_ruler(nlp: Language, name: str, phrase_matcher_attr: str | None, overwrite_ents: bool) -> LexiconRuler:
    return LexiconRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr, overwrite_ents=overwrite_ents)


# --------------------------------------------------------------------------- entities from text


def _token_span(doc: Doc, text: str, starts: list[int], start: int, end: int) -> tuple[int, int] | None:
    """doc.char_span(start, end, alignment_mode="expand") as (first token, end token), given the
    tokens' start offsets (Doc.to_array(IDX)). Tokens cover the text with their trailing spaces,
    so the token holding a character is the last one starting at or before it."""
    if end <= start:  # an empty match: let spaCy say what it makes of it
        span = doc.char_span(start, end, alignment_mode="expand")
        return None if span is None else (span.start, span.end)
    first = bisect_right(starts, start) - 1
    if text[start] == " " and start == starts[first] + len(doc[first]):
        first += 1  # the match starts in the token's trailing space: char_span skips it
    return first, bisect_right(starts, end - 1)


def _add_entities(doc: Doc, new: list[tuple[int, int, str, str]]) -> None:
    """`doc.ents = filter_spans([*doc.ents, *new spans])` for new (first token, end token,
    label, id) spans, with a Span built only for the new entities kept.

    filter_spans keeps the longest span first, then the leftmost, then the one listed first,
    and drops a span whose first or last token is in a span kept before it.
    """
    entities = _Entities(doc)
    old = entities.bounds()
    spans = old + [(start, end) for start, end, _, _ in new]
    order = sorted(range(len(spans)), key=lambda k: (spans[k][1] - spans[k][0], -spans[k][0]), reverse=True)
    kept = set()
    seen: set[int] = set()
    for k in order:
        start, end = spans[k]
        if start not in seen and end - 1 not in seen:
            kept.add(k)
            seen.update(range(start, end))
    added = [Span(doc, start, end, label=label, span_id=rule)
             for k, (start, end, label, rule) in enumerate(new, len(old)) if k in kept]
    entities.write(added, dropped=[span for k, span in enumerate(old) if k not in kept])


class NamePatterns:
    """Entities from regular expressions over the text (name_patterns.toml).

    spaCy's token Matcher evaluates a REGEX predicate on every token; regular expressions over
    the whole text (all at once, see RegexSet) are much cheaper and read more naturally.
    """

    def __init__(self, lexicon: Lexicon):
        self.rules = [(p["label"], p["id"]) for p in lexicon.name_patterns]
        self.regexes = RegexSet([re.compile(p["regex"]) for p in lexicon.name_patterns])
        self.exclude = lexicon.excluded_names  # common abbreviations the patterns would take for names

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = []
        for (label, rule), spans in zip(self.rules, self.regexes.spans(text)):
            for start, end in spans:
                word = text[start:end]
                if label in ("TRIAL", "REGIMEN") and (word.upper() in self.exclude or word.split()[0].upper() in self.exclude):
                    continue
                found.append((start, end, label, rule))
        if found:
            starts = doc.to_array(IDX).tolist()
            new = []
            for start, end, label, rule in found:
                span = _token_span(doc, text, starts, start, end)
                if span is None:
                    continue
                # a match inside a token names the whole token: "PD" of "PD-1" is PD-1, which names nothing
                whole = doc[span[0] : span[1]].text
                if label in ("TRIAL", "REGIMEN") and whole != text[start:end] and whole.upper() in self.exclude:
                    continue
                new.append((*span, label, rule))
            if new:
                _add_entities(doc, new)
        return doc


@Language.factory("name_patterns")
def make_name_patterns(nlp: Language, name: str) -> NamePatterns:
    return NamePatterns(load_lexicon())


# --------------------------------------------------------------------------- misspelt drugs


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
    """Tags capitalised tokens within a few edits of a known drug name ("Revlimed") and lower-case
    words one edit from a generic name of eight or more letters ("osimertinb") as DRUG."""

    def __init__(self, lexicon: Lexicon):
        g = lexicon.grammar
        self.min_len = int(g.get("fuzzy_min_length", 6))
        self.max_edits = int(g.get("fuzzy_max_edits", 2))
        self.by_initial: dict[str, list[tuple[str, str]]] = {}
        for name, generic in lexicon.brand_names.items():
            if len(name) >= self.min_len and " " not in name:
                self.by_initial.setdefault(name[0], []).append((name, generic))
        self.cache: dict[str, str | None] = {name: generic for name, generic in lexicon.brand_names.items()}
        # a generic name misspelt in lower case ("osimertinb"): one edit from a generic of 8+ letters
        self.generics_by_initial: dict[str, list[str]] = {}
        for generic in lexicon.drugs:
            if len(generic) >= 8 and " " not in generic:
                self.generics_by_initial.setdefault(generic[0], []).append(generic)
        self.lower_cache: dict[str, str | None] = {g: g for g in lexicon.drugs}
        # lower-case candidates start like a generic ("osi..."): most words are never looked up
        starts = alternation({g[:3] for g in lexicon.drugs if len(g) >= 8 and " " not in g})
        self.candidates = RegexSet([re.compile(rf"\b[A-Z][A-Za-z]{{{self.min_len - 1},}}\b"),
                                    re.compile(rf"\b{starts}[a-z]{{4,}}\b")])

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

    def lookup_generic(self, word: str) -> str | None:
        if word in self.lower_cache:
            return self.lower_cache[word]
        found = next((g for g in self.generics_by_initial.get(word[0], ()) if _edit_distance(word, g, 1) <= 1), None)
        self.lower_cache[word] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        new = []
        entities = None
        capitalised, lower = self.candidates.spans(text)
        for start, end in sorted(capitalised + lower):
            word = text[start:end]
            generic = self.lookup(word) if word[0].isupper() else self.lookup_generic(word)
            if generic:
                span = doc.char_span(start, end, label="DRUG")
                if span is None:
                    continue
                entities = entities or _Entities(doc)
                if not entities.taken(span.start, span.end):
                    span.id_ = generic
                    new.append(span)
        if new:  # they touch no entity and no other new span: filter_spans would keep them all
            entities.write(new)
        return doc


@Language.factory("drug_near_miss")
def make_drug_near_miss(nlp: Language, name: str) -> DrugNearMiss:
    return DrugNearMiss(load_lexicon())


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The shared pipeline (built once per process)."""
    lexicon = load_lexicon()
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + [CITATION_INFIX, DASH_INFIX, GLUED_CITATION_INFIX]
    prefixes = list(nlp.Defaults.prefixes) + [COMPARISON_PREFIX]
    suffixes = list(nlp.Defaults.suffixes) + [CITATION_SUFFIX, CODE_STOP_SUFFIX]
    tokenizer = nlp.tokenizer
    nlp.tokenizer = TextKeepingTokenizer(
        nlp.vocab, rules=tokenizer.rules, prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search, infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=tokenizer.token_match, url_match=tokenizer.url_match,
        faster_heuristics=tokenizer.faster_heuristics,
    )
    nlp.add_pipe("sentences")
    exact = nlp.add_pipe("lexicon_entity_ruler", name="exact_ruler", config={"phrase_matcher_attr": "ORTH"})
    exact.add_patterns(lexicon.exact_patterns())
    ruler = nlp.add_pipe("lexicon_entity_ruler", name="lexicon_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(lexicon.ruler_patterns())
    nlp.add_pipe("name_patterns")
    nlp.add_pipe("drug_near_miss")
    return nlp
