"""The rules as data: loads extractors/patterns/* into one `Lexicon`.

A curator adds a drug, regimen, trial or endpoint phrase by editing those files; this module
turns them into spaCy EntityRuler patterns (labels DRUG, REGIMEN, ARM, ENDPOINT, TRIAL) whose
`id` carries the canonical value (generic name, regimen, endpoint code, trial name).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import get_args

from trial_curate.models import Endpoint

PATTERNS_DIR = Path(__file__).parent / "patterns"
# in a phrase: "(a|b)" alternatives, "(a|b)?" alternatives or nothing, "(a )?" a part that may be left out
PHRASE_GROUP_RE = re.compile(r"\((?P<alts>[^()]*\|[^()]*)\)(?P<optional>\?)?|\((?P<one>[^()]*)\)\?")
# in a name pattern: the cooperative groups of trials.toml
GROUPS_PLACEHOLDER = "<GROUPS>"


@dataclass
class Trial:
    name: str
    aliases: list[str]
    group: str | None = None


@dataclass
class Lexicon:
    drugs: dict[str, list[str]]  # generic -> other names
    regimens: dict[str, list[str]]  # regimen as written -> drugs
    controls: dict[str, list[str]]  # comparator name -> phrases
    generic_arms: dict[str, list[str]]  # "maintenance" -> phrases
    active_arm_phrases: list[str]  # "the drug": the one active arm of a placebo-controlled trial
    not_group_names: set[str]  # words before "group" that never name an arm ("the same group")
    trials: list[Trial]
    endpoints: dict[str, list[str]]  # code -> phrases
    endpoint_units: dict[str, str]  # code -> unit hint ("count")
    endpoint_allowed_units: dict[str, list[str]]  # code -> units its values may have
    name_patterns: list[dict]  # regular expressions for unknown trials and regimens
    not_names: set[str]  # abbreviations that are neither trial nor regimen names
    grammar: dict = field(default_factory=dict)
    cooperative_groups: set[str] = field(default_factory=set)  # upper-cased; alone never a trial's name

    # ------------------------------------------------------------------ lookups
    def trial_groups(self) -> dict[str, str]:
        """Group prefix (CALGB, IFM) of every known trial name."""
        return {t.name: t.group for t in self.trials if t.group}

    @cached_property
    def excluded_names(self) -> set[str]:
        """Upper-cased words a name pattern must never take for a trial or regimen name."""
        out = set(self.not_names)
        for phrases in self.endpoints.values():
            out |= {v.upper() for p in phrases for v in expand_alternatives(p)}
        return out

    @cached_property
    def brand_names(self) -> dict[str, str]:
        """Lower-cased name -> generic, for every drug name (used by the near-miss matcher)."""
        out = {}
        for generic, names in self.drugs.items():
            out[generic.lower()] = generic
            for n in names:
                out[n.lower()] = generic
        return out

    # ------------------------------------------------------------------ spaCy patterns
    def ruler_patterns(self) -> list[dict]:
        """EntityRuler patterns; phrase patterns are matched on lower-cased text
        except regimens and trials, which are token patterns on exact text."""
        pats: list[dict] = []

        def phrase(label: str, text: str, canon: str) -> None:
            pats.append({"label": label, "pattern": text, "id": canon})

        for generic, names in self.drugs.items():
            for n in [generic, *names]:
                phrase("DRUG", n, generic)
        for name, phrases in self.controls.items():
            for p in phrases:
                phrase("ARM", p, name)
        for name, phrases in self.generic_arms.items():
            for p in phrases:
                phrase("ARM", p, name)
        for code, phrases in self.endpoints.items():
            for p in phrases:
                for variant in expand_alternatives(p):
                    phrase("ENDPOINT", variant, code)
        return pats

    def exact_patterns(self) -> list[dict]:
        """Case-sensitive phrases (regimens, known trials) for the exact-text ruler."""
        pats = [{"label": "REGIMEN", "pattern": r, "id": r} for r in self.regimens]
        for t in self.trials:
            for alias in [t.name, *t.aliases]:
                pats.append({"label": "TRIAL", "pattern": alias, "id": t.name})
        return pats


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so "more than" wins over "more").

    It opens with a look-ahead on the words' first characters: the regex engine tries every
    word of an alternation at every position it reaches, and that one test rules most out."""
    words = sorted(words, key=len, reverse=True)
    guard = ""
    if words and all(words):
        firsts = sorted({c for w in words for c in (w[0].lower(), w[0].upper())})
        guard = f"(?=[{''.join(re.escape(c) for c in firsts)}])"
    return guard + "(?:" + "|".join(re.escape(w) for w in words) + ")"


def expand_alternatives(phrase: str) -> list[str]:
    """ "without (the|their) (disease|cancer) progressing" -> the four phrases it stands for;
    "(severe )?neutropenia" -> "severe neutropenia", "neutropenia" (a group followed by "?" may be left out)."""
    m = PHRASE_GROUP_RE.search(phrase)
    if not m:
        return [phrase]
    out = []
    alts = (m["alts"] if m["alts"] is not None else m["one"]).split("|")
    if m["optional"] or m["one"] is not None:
        alts.append("")
    for alt in alts:
        out += expand_alternatives(phrase[: m.start()] + alt + phrase[m.end() :])
    return out


class PatternFileError(ValueError):
    """A pattern file a curator edited does not parse: says which file and where."""


def _read_toml(name: str) -> dict:
    path = PATTERNS_DIR / name
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise PatternFileError(f"{path}: {e}") from None


NUMBERED_NAME_RE = re.compile(r"^(?P<word>[A-Za-z]{3,})(?P<sep>[- ]?)(?P<num>\d+)$")


def spellings(name: str) -> list[str]:
    """The other ways articles write a numbered trial name: SOLO-2 -> SOLO2, SOLO 2; ARIEL3 -> ARIEL-3."""
    m = NUMBERED_NAME_RE.match(name)
    if not m:
        return []
    return [f"{m['word']}{sep}{m['num']}" for sep in ("-", "", " ") if sep != m["sep"]]


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    drugs = _read_toml("drugs.toml")["drugs"]
    regimens = _read_toml("regimens.toml")["regimens"]
    arms = _read_toml("arms.toml")
    trials_file = _read_toml("trials.toml")
    trials_raw = trials_file["trial"]
    entered = {t["name"] for t in trials_raw}  # a known name with a [[trial]] entry of its own keeps that
    endpoints_raw = _read_toml("endpoints.toml")
    grammar = _read_toml("grammar.toml")
    groups = trials_file.get("groups", [])
    name_patterns = _read_toml("name_patterns.toml")["pattern"]
    groups_alt = alternation(set(groups) | {g.upper() for g in groups})
    for p in name_patterns:
        p["regex"] = p["regex"].replace(GROUPS_PLACEHOLDER, groups_alt)
    not_names = {
        line.strip().upper()
        for line in (PATTERNS_DIR / "not_names.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    unknown = sorted(set(endpoints_raw) - set(get_args(Endpoint)))
    if unknown:  # a record could not carry it: say so when the rules load, not per document
        raise PatternFileError(f"{PATTERNS_DIR / 'endpoints.toml'}: unknown endpoint code(s) {', '.join(unknown)}; "
                               f"known: {', '.join(get_args(Endpoint))} (trial_curate/models.py, Endpoint)")
    return Lexicon(
        drugs=drugs,
        regimens=regimens,
        controls=arms.get("controls", {}),
        generic_arms=arms.get("generic", {}),
        active_arm_phrases=arms.get("active_arm", {}).get("phrases", []),
        not_group_names={w.lower() for w in arms.get("named_groups", {}).get("not_names", [])},
        trials=[Trial(t["name"], t.get("aliases", []) + spellings(t["name"]), t.get("group")) for t in trials_raw]
        + [Trial(name, spellings(name), None) for name in trials_file.get("known", []) if name not in entered],
        cooperative_groups={g.upper() for g in groups},
        endpoints={code: v["phrases"] for code, v in endpoints_raw.items()},
        endpoint_units={code: v["unit"] for code, v in endpoints_raw.items() if "unit" in v},
        endpoint_allowed_units={code: v["units"] for code, v in endpoints_raw.items() if "units" in v},
        name_patterns=name_patterns,
        not_names=not_names,
        grammar=grammar,
    )
